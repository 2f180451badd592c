//! Design-aware juror correction: the numerical core of the `additive` and `affine` methods.
//!
//! Each juror reads a different sparse subset of the proposals, so juror effects and
//! proposal values are fitted jointly over the whole design, one criterion at a time (or,
//! pooled, several):
//!
//! * [`fit_additive`]: `score ≈ value[proposal] + bias[juror]` (MacKay et al. 2017), by
//!   weighted least squares;
//! * [`fit_affine`]: `score ≈ scale[juror] × value[proposal] + bias[juror]` (Paul 1981; Roos,
//!   Rothe & Scheuermann 2011), positive scales shrunk toward 1;
//! * [`fit_affine_shared`]: the affine model on several criteria at once, one scale per juror
//!   (the `affine` method);
//! * [`fit_affine_pooled`]: the affine model on several criteria at once, each juror's scales
//!   partially pooled across the criteria by empirical Bayes.
//!
//! The caller corrects a raw score as `raw − bias` (additive) or `(raw − bias) / scale`
//! (affine).
//!
//! # Identification and connectivity
//! Both models are identified only within a connected component of the bipartite
//! juror–proposal graph ([`components()`]). Each component is fitted on its own and pinned by
//! the conventions stated on each fit; values in different components are not comparable.
//!
//! # Which observations are used
//! An observation is used when its juror is `< n_jurors`, its proposal is `< n_proposals`, its
//! score is finite and its weight and count are finite and positive. Any other observation is
//! ignored entirely (it neither informs a fit nor connects the design). A juror or proposal
//! without a used observation is *unobserved*.
//!
//! # Determinism
//! The result is bit-identical for any order of the input and any number of rayon threads:
//! every sum runs in a fixed order that depends on the data only.

mod additive;
mod affine;
mod bayes;
mod cg;
mod components;
mod dense;
mod design;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

pub use additive::{fit_additive, AdditiveFit};
pub(crate) use affine::Designs;
pub use affine::{fit_affine, fit_affine_pooled, fit_affine_shared, AffineFit, AffineOptions};
pub(crate) use affine::{Adjoint, Gradient, Influence};
pub use affine::{PooledAffineFit, SharedAffineFit};
pub use bayes::{sample, BayesCriterion, BayesOptions, BayesScore, Posterior, RHAT_POOR};
pub(crate) use components::label as components_of_edges;
pub use components::{components, Components};

/// One valid score of one criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Juror index, `0..n_jurors`.
    pub juror: u32,
    /// Proposal index, `0..n_proposals`.
    pub proposal: u32,
    /// The score (finite).
    pub score: f64,
    /// The weight of this score in the least-squares fit (positive and finite), e.g. the
    /// confidence the juror gave the review; 1 when there is none.
    pub weight: f64,
    /// How many scores the observation stands for: 1, or `k` for a score counted `k` times
    /// (a bootstrap draw), whose `weight` is then `k` times its own. A juror's number of
    /// scores `n_j` (in `Σ n_j bias[j] = 0`, and in the affine fit's mean weight and degrees
    /// of freedom) sums these, so that `k` copies of a score and one counted `k` times give
    /// the same fit.
    pub count: f64,
}

impl Observation {
    /// A score with weight 1.
    pub fn new(juror: u32, proposal: u32, score: f64) -> Self {
        Observation {
            juror,
            proposal,
            score,
            weight: 1.0,
            count: 1.0,
        }
    }

    fn is_used(&self, n_jurors: usize, n_proposals: usize) -> bool {
        (self.juror as usize) < n_jurors
            && (self.proposal as usize) < n_proposals
            && self.score.is_finite()
            && self.weight.is_finite()
            && self.weight > 0.0
            && self.count.is_finite()
            && self.count > 0.0
    }
}

/// Which linear solver [`fit_additive`] uses in each connected component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Solver {
    /// `Direct` for a component of at most 64 jurors, `Iterative` above.
    #[default]
    Auto,
    /// Dense Cholesky factorisation of the juror system: exact to rounding, but O(m²) memory and
    /// O(m³) time for a component of m jurors. Falls back to `Iterative` if the factorisation
    /// meets a non-positive pivot (a numerically disconnected component).
    Direct,
    /// Preconditioned conjugate gradients, matrix-free: one pass over the scores per iteration.
    Iterative,
}

/// Settings of the solvers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Convergence tolerance; default `1e-10`. The conjugate-gradient solve of a component stops
    /// when the Euclidean norm of the residual of its juror equations has fallen to `tolerance`
    /// times its initial value (the start is all biases 0), or earlier if it can make no more
    /// progress (the residual is at the rounding level). The affine iteration stops in a
    /// component when, over one sweep, no scale moved by more than `tolerance` and no bias or
    /// value moved by more than `tolerance` × the weighted standard deviation of the
    /// component's scores (changes at the rounding level of the numbers always pass).
    pub tolerance: f64,
    /// Most iterations (conjugate-gradient steps, or affine sweeps) per component; default 1000.
    /// A component that has not converged by then keeps its last iterate and the fit reports
    /// `converged: false`.
    pub max_iterations: usize,
    /// The linear solver; default [`Solver::Auto`].
    pub solver: Solver,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            tolerance: 1e-10,
            max_iterations: 1000,
            solver: Solver::Auto,
        }
    }
}
