//! The affine model, `score ≈ scale[juror] × value[proposal] + bias[juror]`: penalised
//! alternating least squares from the additive fit, with scales shrunk toward 1.

use super::additive::{additive, AdditiveFit};
use super::design::Design;
use super::{FitOptions, Observation};
use criterion::Criterion;

/// Settings of [`fit_affine`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AffineOptions {
    /// Pseudo-observations pulling each juror's scale toward 1; 0 = none; default 5. See
    /// [`fit_affine`] for the exact penalty. A negative or NaN value counts as 0.
    pub shrinkage: f64,
    /// Floor of the scales, relative to their mean (which is 1): every identified scale is at
    /// least `min_scale` × the component's mean scale; default 0.1. Keeps scales strictly
    /// positive, so `(raw − bias) / scale` is always defined. Taken into `[1e-6, 0.99]`
    /// (NaN counts as 1e-6).
    pub min_scale: f64,
    /// Little data, little correction: a juror who scored fewer than `min_proposals`
    /// distinct proposals on every criterion keeps scale 1 (the panel's mean scale) and is
    /// corrected for leniency only; default 0 (every identified scale is fitted). The
    /// `affine` method uses 5.
    pub min_proposals: usize,
    /// Tolerance and iteration limit of the alternating iteration (and of the additive start).
    pub fit: FitOptions,
}

impl Default for AffineOptions {
    fn default() -> Self {
        AffineOptions {
            shrinkage: 5.0,
            min_scale: 0.1,
            min_proposals: 0,
            fit: FitOptions::default(),
        }
    }
}

/// Result of [`fit_affine`].
#[derive(Debug, Clone, PartialEq)]
pub struct AffineFit {
    /// Scale of each juror (how stretched their use of the scale is); 1 for an unobserved
    /// juror and for a juror whose scale the data cannot identify.
    pub scale: Vec<f64>,
    /// Bias of each juror, in score units; 0 for an unobserved juror.
    pub bias: Vec<f64>,
    /// Value of each proposal; 0 for an unobserved proposal.
    pub value: Vec<f64>,
    /// Most alternating sweeps used by any component (the additive start is not counted).
    pub iterations: usize,
    /// Whether every component met the tolerance.
    pub converged: bool,
}

/// Fits `score ≈ scale[juror] × value[proposal] + bias[juror]`, with positive scales shrunk
/// toward 1.
///
/// **Objective.** In each connected component, with `W` the total weight of its used scores,
/// `w̄ = W / n` their mean weight and `σ²(value) = Σ w (value[p] − mean)² / W` the weighted
/// variance of the values over its scores, the fit minimises
///
/// `Σ w (score − scale[j] value[p] − bias[j])²  +  shrinkage · w̄ · σ² · Σ_j (scale[j] − 1)²`
///
/// subject to `scale[j] ≥ min_scale × mean scale` for every identified juror (below): each
/// juror's scale is pulled toward 1 by `shrinkage` pseudo-observations, so a juror with 2
/// scores is pulled far more than one with 40. The fit does not depend on the units of scores
/// or weights: changing every score to `k × score + d` (`k > 0`), or every weight by a common
/// factor, leaves the scales unchanged and maps values and biases by the same affine map.
///
/// **Identification, per component.** The scales of the identified jurors have arithmetic
/// mean exactly 1 (unweighted over jurors), and `Σ_j n_j bias[j] = 0` over the component's
/// jurors (`n_j` their number of scores), as in [`fit_additive`].
///
/// **Degenerate jurors.** A juror's scale is *identified* when the values of the proposals
/// they scored vary (`S_xx > 1e-10 × W_j × σ²`). Otherwise (one score, or a batch of equal
/// values) their scale is exactly 1 and their bias is their weighted mean score minus the
/// weighted mean value of their batch. A juror who gives every proposal the same score ends
/// at the floor `min_scale`, with corrected scores all equal to the mean value of their
/// batch: they carry no information on the ranking. A component whose values do not vary,
/// or where no positive scales fit, keeps every scale at 1 (the additive fit).
///
/// **Convergence.** Alternating exact least-squares sweeps from [`fit_additive`], each step
/// lowering the objective, until [`FitOptions::tolerance`] is met, else `converged: false`
/// (with `shrinkage = 0` a small or noisy design can be nearly unidentified and slow to
/// converge). The steps and the penalty's derivation: `docs/methods.md`, "The fits in
/// detail".
///
/// ```
/// use jury::advanced::fit::{fit_affine, AffineOptions, Observation};
/// // Juror 1 scores 2 × value + 1, juror 0 scores the value itself.
/// let values = [1.0, 2.0, 4.0];
/// let mut obs = Vec::new();
/// for (p, v) in values.iter().enumerate() {
///     obs.push(Observation::new(0, p as u32, *v));
///     obs.push(Observation::new(1, p as u32, 2.0 * v + 1.0));
/// }
/// let opts = AffineOptions { shrinkage: 0.0, ..AffineOptions::default() };
/// let fit = fit_affine(2, 3, &obs, &opts);
/// assert!((fit.scale[1] / fit.scale[0] - 2.0).abs() < 1e-8);
/// assert!((fit.scale[0] + fit.scale[1] - 2.0).abs() < 1e-12); // mean scale 1
/// let corrected = (obs[5].score - fit.bias[1]) / fit.scale[1];
/// assert!((corrected - fit.value[2]).abs() < 1e-8);
/// ```
///
/// [`fit_additive`]: super::fit_additive
pub fn fit_affine(
    n_jurors: usize,
    n_proposals: usize,
    obs: &[Observation],
    opts: &AffineOptions,
) -> AffineFit {
    let design = Design::new(n_jurors, n_proposals, obs);
    let start = additive(&design, &opts.fit);
    affine(&design, start, opts)
}

/// [`fit_affine`] on the design, from the additive fit `start`.
fn affine(d: &Design, start: AdditiveFit, opts: &AffineOptions) -> AffineFit {
    let held = shared::held_jurors(std::slice::from_ref(d), opts.min_proposals);
    let mut crit = Criterion::new(d, start, opts, false).holding(&held);
    let mut sweeps = 0;
    while crit.live.contains(&true) && sweeps < opts.fit.max_iterations {
        sweeps += 1;
        crit.sweep_start();
        crit.regress();
        crit.scales();
        if crit.joint_now(sweeps) {
            crit.joint(&opts.fit);
        }
        crit.values_and_gauge();
        let done = crit.done(opts.fit.tolerance);
        for (live, done) in crit.live.iter_mut().zip(done) {
            *live = *live && !done;
        }
    }
    crit.finish(sweeps, None)
}

mod criterion;
mod gauge;
mod influence;
mod joint;
mod newton;
mod pooled;
mod pooled_scales;
mod scale_step;
mod shared;

pub(crate) use influence::{Adjoint, Gradient, Influence};
pub use pooled::{fit_affine_pooled, PooledAffineFit};
pub(crate) use shared::Designs;
pub use shared::{fit_affine_shared, SharedAffineFit};

#[cfg(test)]
mod influence_tests;
#[cfg(test)]
mod pooled_tests;
#[cfg(test)]
mod shared_tests;
#[cfg(test)]
mod tests;
