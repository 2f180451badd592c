//! The pooled affine fit: several criteria at once, each juror's scales partially pooled
//! across the criteria by empirical Bayes.

use super::super::additive::additive;
use super::super::components::NONE;
use super::super::design::Design;
use super::super::Observation;
use super::criterion::Criterion;
use super::pooled_scales::joint_scales;
use super::{AffineFit, AffineOptions};

/// Result of [`fit_affine_pooled`].
#[derive(Debug, Clone, PartialEq)]
pub struct PooledAffineFit {
    /// The fit of each criterion, in the order given: its scales, biases and values, with
    /// `iterations` and `converged` those of the joint iteration.
    pub criteria: Vec<AffineFit>,
    /// `ω̂²`, the estimated variance of a juror's scale from criterion to criterion around
    /// their pooled scale, at the last sweep; `None` when no juror has an identified scale on
    /// two criteria with a residual variance (nothing to pool: every criterion is fitted as
    /// by [`fit_affine`]). 0 means the scales are fully pooled.
    pub omega2: Option<f64>,
    /// `σ̂²` of each criterion, the residual variance per unit weight of the jurors' own
    /// lines, at the last sweep; `None` when the criterion has no degrees of freedom left.
    pub sigma2: Vec<Option<f64>>,
    /// Most sweeps of the joint iteration.
    pub iterations: usize,
    /// Whether the joint iteration met the tolerance.
    pub converged: bool,
}

/// Fits the affine model on several criteria at once, each juror's scales partially pooled
/// across the criteria by empirical Bayes.
///
/// **Model.** On criterion `c`, `score ≈ scale[j,c] × value[p,c] + bias[j,c]`, as in
/// [`fit_affine`], and a juror's scales on the criteria scatter around a scale of their own,
/// `scale[j,c] = A[j] + δ[j,c]` with `δ[j,c] ~ N(0, ω²)`: how much a juror stretches the
/// scale is a trait of the juror, shared by the criteria up to `ω`, which is estimated from
/// the data. Biases and values stay each criterion's own (a total is linear in the biases,
/// so pooling them would leave a ranking by total as it is).
///
/// **Objective.** With `σ²_c` the residual variance of criterion `c` per unit weight and
/// `ρ_c = σ²_c / ω²`, the fit minimises over every scale, bias and value and every pooled
/// scale `A[j]`
///
/// ```text
/// Σ_c [ Σ w (score − scale[j,c] value[p,c] − bias[j,c])² + κ w̄_c σ²_c(value) Σ_j (scale[j,c] − 1)² ]
///   + Σ_c ρ_c Σ_j (scale[j,c] − A[j])²
/// ```
///
/// subject to each criterion's identification of [`fit_affine`] (in each component, the
/// identified scales have mean 1 and `Σ_j n_j bias[j,c] = 0`) and its floor (every
/// identified scale at least `min_scale`). Each criterion's bracket is the objective of
/// [`fit_affine`] (`κ` = `shrinkage` pseudo-observations per juror and criterion). The last
/// sum runs over the *pooled* scales: `(j, c)` where the juror's scale is identified and
/// `σ̂²_c > 0`, for a juror with at least two such criteria; the other scales are fitted as
/// by [`fit_affine`]. `ω² = 0` is full pooling (one scale per juror on every criterion);
/// `σ²_c = 0`, or a large `ω²`, leaves the criteria apart. Scales are unitless and, by the
/// identification, share one unit (the criterion's average juror), so `ω²` is unitless and
/// every term is in squared score units: changing every score to `k × score + d` (`k > 0`)
/// or multiplying every weight by a constant changes no scale.
///
/// **Estimation of `σ²` and `ω²`** (empirical Bayes, by the method of moments), in every
/// sweep, from the current values: at convergence they are the estimates at the fitted
/// values. Each juror's own weighted least-squares line of score on value on criterion `c`
/// has slope `r[j,c] = S_xy / S_xx` and residual sum of squares `R[j,c]` (`S_xx`, `S_xy`:
/// weighted centred sums over the juror's scores; a juror whose scale is not identified
/// has `R` their centred sum of squares of scores). Then
///
/// * `σ̂²_c = Σ_j R[j,c] / (n_c − p_c − 2 m_c + 2 k_c)`, over the `n_c` scores, `p_c`
///   proposals, `m_c` jurors and `k_c` components of the criterion (scores less
///   parameters: values, biases and scales, less each component's two conventions);
///   `None` when the denominator is not positive.
/// * `r[j,c]` estimates the juror's scale with sampling variance `σ̂²_c / S_xx`, that is
///   with precision `u[j,c] = S_xx / σ̂²_c`. For a juror with pooled slopes on `C_j ≥ 2`
///   criteria, `Q_j = Σ_c u (r − r̄_j)²` around their precision-weighted mean `r̄_j` has
///   expectation `(C_j − 1) + ω² (Σ_c u − Σ_c u² / Σ_c u)` (DerSimonian and Laird 1986);
///   summed over jurors, `ω̂² = max(0, (Σ_j Q_j − Σ_j (C_j − 1)) / Σ_j (Σ u − Σ u² / Σ u))`.
///   `None` when no juror has two such criteria: nothing is pooled.
///
/// Noise-free data leave no residual (`σ̂²` at the rounding level of the scores): where a
/// juror's scales differ across criteria, `ω̂²` is then large beside `σ̂²` and the pull
/// between them weighs nothing against the data; where they agree, pooling changes nothing.
/// Either way each criterion is fitted as it would be alone, exactly when `shrinkage` is 0.
///
/// **Algorithm.** Each criterion starts from [`fit_additive`]; then every criterion is swept
/// at once, alternating exact minimisations. (1) Juror step, given the values: each juror's
/// regression on each criterion gives the target `s = (S_xy + P) / h` and curvature
/// `h = S_xx + P` of their scale (`P = κ w̄ σ²(value)`), `σ̂²` and `ω̂²` are estimated, and
/// the scales and pooled scales minimise `Σ h (scale − s)² + Σ ρ (scale − A)²` under the
/// means and floors: Lagrange multipliers for the means (a small linear system for each set
/// of components coupled by pooled jurors), inside an active-set loop for the floors; then
/// each bias is the best for its scale. (2) Joint step over the biases and values at the
/// scales (every fifth sweep), then value step, as in [`fit_affine`]. (3) Location:
/// `Σ n_j bias[j] = 0`. `ρ` is taken as at most `10¹⁰` times the juror's own curvature, so
/// that every number stays finite (`ω̂² = 0` gives that bound): fully pooled scales of a
/// juror agree across criteria to about `10⁻¹⁰`. The fit converges when every criterion meets
/// [`FitOptions::tolerance`] in the same sweep; it is then a stationary point of the
/// objective, at its own `σ̂²` and `ω̂²`, on the constraints. A set of components whose
/// constraints have no solution keeps scales 1 (the additive fit), as in [`fit_affine`].
///
/// ```
/// use jury::fit::{fit_affine_pooled, AffineOptions, Observation};
/// // Juror 1 scores 2 × value + 1 on both criteria, juror 0 the value itself.
/// let values = [[1.0, 2.0, 4.0], [3.0, 1.0, 2.0]];
/// let criteria: Vec<Vec<Observation>> = values
///     .iter()
///     .map(|vs| {
///         let mut obs = Vec::new();
///         for (p, v) in vs.iter().enumerate() {
///             obs.push(Observation::new(0, p as u32, *v));
///             obs.push(Observation::new(1, p as u32, 2.0 * v + 1.0));
///         }
///         obs
///     })
///     .collect();
/// let opts = AffineOptions { shrinkage: 0.0, ..AffineOptions::default() };
/// let fit = fit_affine_pooled(2, 3, &criteria, &opts);
/// // Noise-free: no residual (to rounding), and each criterion is recovered exactly.
/// assert!(fit.sigma2.iter().all(|s| s.unwrap() < 1e-12));
/// for c in &fit.criteria {
///     assert!((c.scale[1] / c.scale[0] - 2.0).abs() < 1e-8);
/// }
/// ```
///
/// [`fit_additive`]: super::fit_additive
pub fn fit_affine_pooled(
    n_jurors: usize,
    n_proposals: usize,
    criteria: &[Vec<Observation>],
    opts: &AffineOptions,
) -> PooledAffineFit {
    let designs: Vec<Design> = criteria
        .iter()
        .map(|obs| Design::new(n_jurors, n_proposals, obs))
        .collect();
    pooled(n_jurors, &designs, opts)
}

/// [`fit_affine_pooled`] on criteria made one at a time, each list of observations dropped
/// once its design is built: on a large award only one criterion's list is held at once.
pub(crate) fn fit_affine_pooled_from(
    n_jurors: usize,
    n_proposals: usize,
    criteria: impl Iterator<Item = Vec<Observation>>,
    opts: &AffineOptions,
) -> PooledAffineFit {
    let designs: Vec<Design> = criteria
        .map(|obs| Design::new(n_jurors, n_proposals, &obs))
        .collect();
    pooled(n_jurors, &designs, opts)
}

/// [`fit_affine_pooled`] on the criteria's designs.
fn pooled(n_jurors: usize, designs: &[Design], opts: &AffineOptions) -> PooledAffineFit {
    let mut crits: Vec<Criterion> = designs
        .iter()
        .map(|d| Criterion::new(d, additive(d, &opts.fit), opts, true))
        .collect();
    let mut pooling = Pooling {
        sigma2: vec![None; crits.len()],
        omega2: None,
    };
    let mut sweeps = 0;
    let live = |crits: &[Criterion]| crits.iter().any(|c| c.live.contains(&true));
    while live(&crits) && sweeps < opts.fit.max_iterations {
        sweeps += 1;
        for c in crits.iter_mut() {
            c.sweep_start();
            c.regress();
        }
        pooling = estimate(&crits, n_jurors);
        joint_scales(&mut crits, &pooling, n_jurors);
        for c in crits.iter_mut() {
            c.biases();
            if c.joint_now(sweeps) {
                c.joint(&opts.fit);
            }
            c.values_and_gauge();
        }
        let done = crits
            .iter()
            .all(|c| c.done(opts.fit.tolerance).iter().all(|&d| d));
        if done {
            crits.iter_mut().for_each(|c| c.live.fill(false));
        }
    }
    let converged = !live(&crits);
    let criteria = crits
        .into_iter()
        .map(|c| AffineFit {
            converged,
            ..c.finish(sweeps)
        })
        .collect();
    PooledAffineFit {
        criteria,
        omega2: pooling.omega2,
        sigma2: pooling.sigma2,
        iterations: sweeps,
        converged,
    }
}

/// The empirical-Bayes estimates of one sweep.
pub(super) struct Pooling {
    /// `σ̂²` of each criterion.
    pub(super) sigma2: Vec<Option<f64>>,
    /// `ω̂²`.
    pub(super) omega2: Option<f64>,
}

/// The pooling weight `ρ` of a fully pooled scale (`ω̂² = 0`), relative to the juror's own
/// curvature on the criterion: scales then agree across criteria to about 10⁻¹⁰.
pub(super) const FULLY_POOLED: f64 = 1e10;

/// `σ̂²` of each criterion and `ω̂²`, from the regressions of this sweep (see
/// [`fit_affine_pooled`]).
fn estimate(crits: &[Criterion], n_jurors: usize) -> Pooling {
    let sigma2: Vec<Option<f64>> = crits.iter().map(|c| c.residual_variance()).collect();
    let mut own = Vec::with_capacity(crits.len());
    // ω̂², by the moments of each juror's slopes around their precision-weighted mean.
    let (mut q_sum, mut df, mut den) = (0.0, 0.0, 0.0);
    for j in 0..n_jurors {
        poolable(crits, &sigma2, j, &mut own);
        if own.len() < 2 {
            continue;
        }
        let u = |q: usize| crits[q].sxx[j] / sigma2[q].unwrap_or(f64::NAN);
        let (s1, s2, sr) = own.iter().fold((0.0, 0.0, 0.0), |(s1, s2, sr), &q| {
            (
                s1 + u(q),
                s2 + u(q) * u(q),
                sr + u(q) * crits[q].raw_slope[j],
            )
        });
        let mean = sr / s1;
        q_sum += own
            .iter()
            .map(|&q| u(q) * (crits[q].raw_slope[j] - mean).powi(2))
            .sum::<f64>();
        df += (own.len() - 1) as f64;
        den += s1 - s2 / s1;
    }
    let omega2 =
        (df > 0.0 && den > 0.0 && q_sum.is_finite()).then(|| ((q_sum - df) / den).max(0.0));
    Pooling { sigma2, omega2 }
}

/// The criteria on which juror `j`'s scale is poolable: identified, with `σ̂² > 0`.
pub(super) fn poolable(
    crits: &[Criterion],
    sigma2: &[Option<f64>],
    j: usize,
    own: &mut Vec<usize>,
) {
    own.clear();
    own.extend((0..crits.len()).filter(|&q| {
        let c = &crits[q];
        c.design.jcomp[j] != NONE && c.identified[j] && sigma2[q].is_some_and(|s| s > 0.0)
    }));
}
