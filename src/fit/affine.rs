//! The affine model, `score ≈ scale[juror] × value[proposal] + bias[juror]`: penalised
//! alternating least squares from the additive fit, with scales shrunk toward 1.

use super::additive::{additive, AdditiveFit};
use super::components::NONE;
use super::design::Design;
use super::{FitOptions, Observation};

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
    /// Tolerance and iteration limit of the alternating iteration (and of the additive start).
    pub fit: FitOptions,
}

impl Default for AffineOptions {
    fn default() -> Self {
        AffineOptions {
            shrinkage: 5.0,
            min_scale: 0.1,
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
/// subject to `scale[j] ≥ min_scale × mean scale` for every identified juror (below).
/// The penalty is `shrinkage` pseudo-observations per juror: given the values, a juror's
/// unconstrained scale is `(S_xy + shrinkage w̄ σ²) / (S_xx + shrinkage w̄ σ²)` (`S_xx`, `S_xy`:
/// their weighted centred sums of value × value and value × score), as if each
/// pseudo-observation were a score of mean weight, one pooled standard deviation from the
/// juror's mean value, on a line of slope 1. A juror with 2 scores is therefore pulled toward
/// 1 far more than one with 40. Changing every score to `k × score + d` (`k > 0`) multiplies
/// both terms by `k²`, and a common factor on the weights multiplies both by that factor, so
/// the fit does not depend on the units of scores or weights: scales are unchanged, values
/// and biases follow the same affine map.
///
/// **Identification, per component.** (1) The scales of the identified jurors have
/// arithmetic mean exactly 1 (unweighted over jurors). With `shrinkage > 0` this is not an
/// extra condition: the objective is stationary along the rescaling `value × s`, `scale / s`
/// exactly there. With `shrinkage = 0` it is imposed. (2) `Σ_j n_j bias[j] = 0` over the
/// component's jurors (`n_j` their number of scores), as in [`fit_additive`].
///
/// **Degenerate jurors.** A juror's scale is *identified* when the values of the proposals
/// they scored vary (`S_xx > 1e-10 × W_j × σ²`). Otherwise (one score, or a batch of equal
/// values) their scale is exactly 1 and their bias is their weighted mean score minus the
/// weighted mean value of their batch. A juror who gives every proposal the same score has
/// slope 0 and ends at the floor `min_scale`, with corrected scores all equal to the mean
/// value of their batch: they carry no information on the ranking. A component whose values
/// do not vary, or where no positive scales fit, keeps every scale at 1 (the additive fit).
///
/// **Algorithm.** Start from [`fit_additive`] (scales 1), then sweep: exact minimisation over
/// every juror's (scale, bias) given the values (a small active-set problem for the floor);
/// on the first sweep and every fifth after, a joint step over every bias and value at once,
/// the scales held: the additive problem in `bias / scale` with weights `w × scale²`, solved
/// by up to 20 preconditioned conjugate-gradient steps from the current biases (alternating
/// biases and values alone
/// creeps where panels are joined by few jurors: two panels of five bridged by one chair took
/// 523 sweeps, eight panels did not converge in 1,000; with the joint step 53 and 72);
/// exact minimisation over the values given the jurors (a weighted mean, pulled slightly
/// toward the component mean by the `σ²` term); exact minimisation along the rescaling
/// `value × s, scale / s`, and recentring of the biases. Each step lowers the objective.
/// Convergence: [`FitOptions::tolerance`]; with `shrinkage = 0` a small or noisy design can
/// be nearly unidentified and slow to converge (`converged: false`).
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
/// use jury::advanced::fit::{fit_affine_pooled, AffineOptions, Observation};
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
    let mut crits: Vec<Crit> = designs
        .iter()
        .map(|d| Crit::new(d, additive(d, &opts.fit), opts, true))
        .collect();
    let mut pooling = Pooling {
        sigma2: vec![None; crits.len()],
        omega2: None,
    };
    let mut sweeps = 0;
    let live = |crits: &[Crit]| crits.iter().any(|c| c.live.contains(&true));
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
struct Pooling {
    sigma2: Vec<Option<f64>>,
    omega2: Option<f64>,
}

/// The pooling weight `ρ` of a fully pooled scale (`ω̂² = 0`), relative to the juror's own
/// curvature on the criterion: scales then agree across criteria to about 10⁻¹⁰.
const FULLY_POOLED: f64 = 1e10;

/// `σ̂²` of each criterion and `ω̂²`, from the regressions of this sweep (see
/// [`fit_affine_pooled`]).
fn estimate(crits: &[Crit], n_jurors: usize) -> Pooling {
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
            (s1 + u(q), s2 + u(q) * u(q), sr + u(q) * crits[q].raw[j])
        });
        let mean = sr / s1;
        q_sum += own
            .iter()
            .map(|&q| u(q) * (crits[q].raw[j] - mean).powi(2))
            .sum::<f64>();
        df += (own.len() - 1) as f64;
        den += s1 - s2 / s1;
    }
    let omega2 =
        (df > 0.0 && den > 0.0 && q_sum.is_finite()).then(|| ((q_sum - df) / den).max(0.0));
    Pooling { sigma2, omega2 }
}

/// The criteria on which juror `j`'s scale is poolable: identified, with `σ̂² > 0`.
fn poolable(crits: &[Crit], sigma2: &[Option<f64>], j: usize, own: &mut Vec<usize>) {
    own.clear();
    own.extend((0..crits.len()).filter(|&q| {
        let c = &crits[q];
        c.d.jcomp[j] != NONE && c.identified[j] && sigma2[q].is_some_and(|s| s > 0.0)
    }));
}

/// One scale of the joint scale step: juror `j` on criterion `q`, in component `k` (numbered
/// across the criteria), with its target `s`, curvature `h`, pooling weight `rho` (0 when it
/// is not pooled) and `theta = h / (h + rho)`.
struct Var {
    q: usize,
    j: usize,
    k: usize,
    s: f64,
    h: f64,
    rho: f64,
    theta: f64,
}

/// The joint scale step of the pooled fit: given the values, minimises over every identified
/// scale and every pooled scale `A`
/// `Σ h (a − s)² + Σ ρ (a − A)²` subject to, in each component of each criterion, a mean
/// identified scale of 1 and every scale at least `min_scale`. Components are coupled only
/// through pooled jurors, so the equality constraints are solved in blocks of coupled
/// components (Lagrange multipliers, a small dense system), inside an active-set loop for the
/// floors as in [`scale_step`]. A block without a solution falls back to scales 1.
fn joint_scales(crits: &mut [Crit], pooling: &Pooling, n_jurors: usize) {
    let offset: Vec<usize> = crits
        .iter()
        .scan(0, |k, c| {
            let first = *k;
            *k += c.d.n_comps;
            Some(first)
        })
        .collect();
    let n_comps: usize = crits.iter().map(|c| c.d.n_comps).sum();
    // The scales, juror by juror; the pooled ones carry their weight.
    let mut vars = Vec::new();
    let mut pooled_of = vec![0..0; n_jurors];
    let mut own = Vec::new();
    for (j, range) in pooled_of.iter_mut().enumerate() {
        poolable(crits, &pooling.sigma2, j, &mut own);
        let pooled = pooling.omega2.is_some() && own.len() >= 2;
        let first = vars.len();
        for (q, c) in crits.iter().enumerate() {
            if c.d.jcomp[j] == NONE || !c.identified[j] {
                continue;
            }
            let h = c.curve[j];
            let rho = match (pooled && own.contains(&q), pooling.omega2) {
                (true, Some(w)) => {
                    let s = pooling.sigma2[q].unwrap_or(0.0);
                    (if w > 0.0 { s / w } else { f64::INFINITY }).min(FULLY_POOLED * h)
                }
                _ => 0.0,
            };
            vars.push(Var {
                q,
                j,
                k: offset[q] + c.d.jcomp[j] as usize,
                s: c.slope[j],
                h,
                rho,
                theta: h / (h + rho),
            });
        }
        *range = first..vars.len();
    }
    // Blocks: components joined by a pooled juror.
    let mut parent: Vec<usize> = (0..n_comps).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for r in &pooled_of {
        let ks: Vec<usize> = vars[r.clone()]
            .iter()
            .filter(|v| v.rho > 0.0)
            .map(|v| v.k)
            .collect();
        for w in ks.windows(2) {
            let (x, y) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            parent[x.max(y)] = x.min(y);
        }
    }
    let mut blocks: Vec<Vec<usize>> = vec![Vec::new(); n_comps]; // vars of each block root
    for (i, v) in vars.iter().enumerate() {
        let root = find(&mut parent, v.k);
        blocks[root].push(i);
    }
    let lo: Vec<f64> = crits.iter().map(|c| c.lo).collect();
    let (mut a, mut held) = (vec![1.0; vars.len()], vec![false; vars.len()]);
    let mut scratch = vec![(0.0, 0.0, 0.0); n_jurors];
    for block in blocks.iter().filter(|b| !b.is_empty()) {
        let fixed = (&pooled_of[..], &lo[..]);
        if !block_step(&vars, block, fixed, &mut scratch, &mut held, &mut a) {
            block.iter().for_each(|&i| a[i] = 1.0); // no solution: additive
        }
    }
    for c in crits.iter_mut() {
        for j in 0..n_jurors {
            if c.d.jcomp[j] != NONE {
                c.a[j] = 1.0;
            }
        }
    }
    for (v, &a) in vars.iter().zip(&a) {
        crits[v.q].a[v.j] = a;
    }
}

/// The joint scale step of one block of coupled components (see [`joint_scales`]): writes the
/// scales of the block's variables into `a`; `false` when the constraints have no solution.
/// `pooled_of` gives each juror's variables, `lo` each criterion's floor; `pool` is scratch
/// space, one entry per juror.
fn block_step(
    vars: &[Var],
    block: &[usize],
    (pooled_of, lo): (&[std::ops::Range<usize>], &[f64]),
    pool: &mut [(f64, f64, f64)],
    held: &mut [bool],
    a: &mut [f64],
) -> bool {
    // The block's components, numbered locally, and how many identified scales each holds.
    let mut comps: Vec<usize> = block.iter().map(|&i| vars[i].k).collect();
    comps.sort_unstable();
    comps.dedup();
    let local = |k: usize| comps.partition_point(|&x| x < k);
    let n = comps.len();
    let mut size = vec![0.0; n];
    block.iter().for_each(|&i| size[local(vars[i].k)] += 1.0);
    // The jurors of the block with pooled scales.
    let mut jurors: Vec<usize> = block
        .iter()
        .filter(|&&i| vars[i].rho > 0.0)
        .map(|&i| vars[i].j)
        .collect();
    jurors.dedup();
    let pooled = |j: usize| pooled_of[j].clone().filter(|&i| vars[i].rho > 0.0);
    let floor = |v: &Var| lo[v.q];
    // Each pooled juror's (A₀, G, A at λ).
    for _ in 0..2 * block.len() + 2 {
        // A_j(λ) = A₀ − Σ_{free pooled u} (1 − θ_u) λ_{k_u} / G.
        for &j in &jurors {
            let (mut num, mut g) = (0.0, 0.0);
            for i in pooled(j) {
                let v = &vars[i];
                if held[i] {
                    (num, g) = (num + v.rho * floor(v), g + v.rho);
                } else {
                    let gv = v.h * (1.0 - v.theta);
                    (num, g) = (num + gv * v.s, g + gv);
                }
            }
            pool[j] = (num / g, g, 0.0);
        }
        // M λ = r: each component's scales, as functions of λ, sum to its size.
        let mut m = vec![0.0; n * n];
        let mut r: Vec<f64> = size.iter().map(|s| -s).collect();
        let constant = |v: &Var, pool: &[(f64, f64, f64)]| {
            if v.rho > 0.0 {
                v.theta * v.s + (1.0 - v.theta) * pool[v.j].0
            } else {
                v.s
            }
        };
        for &i in block {
            let v = &vars[i];
            let k = local(v.k);
            if held[i] {
                r[k] += floor(v);
                continue;
            }
            r[k] += constant(v, pool);
            m[k * n + k] += v.theta / v.h;
            if v.rho > 0.0 {
                for u in pooled(v.j).filter(|&u| !held[u]) {
                    let (vu, g) = (&vars[u], pool[v.j].1);
                    m[k * n + local(vu.k)] += (1.0 - v.theta) * (1.0 - vu.theta) / g;
                }
            }
        }
        let Some(lambda) = solve(m, r, n) else {
            return false;
        };
        // The pooled scales at λ, then every scale.
        for &j in &jurors {
            let (a0, g, _) = pool[j];
            let moved: f64 = pooled(j)
                .filter(|&u| !held[u])
                .map(|u| (1.0 - vars[u].theta) * lambda[local(vars[u].k)] / g)
                .sum();
            pool[j].2 = a0 - moved;
        }
        let pooled_at = |j: usize| pool[j].2;
        let mut joined = false;
        for &i in block {
            let v = &vars[i];
            a[i] = if held[i] {
                floor(v)
            } else if v.rho > 0.0 {
                v.theta * (v.s - lambda[local(v.k)] / v.h) + (1.0 - v.theta) * pooled_at(v.j)
            } else {
                v.s - lambda[local(v.k)] / v.h
            };
            if !(a[i].is_finite()) {
                return false;
            }
            if !held[i] && a[i] < floor(v) {
                held[i] = true;
                joined = true;
            }
        }
        if joined {
            continue;
        }
        // Half the multiplier of a held scale's bound: h (lo − s) + ρ (lo − A) + λ.
        let leave = block
            .iter()
            .filter(|&&i| held[i])
            .map(|&i| {
                let v = &vars[i];
                let pull = if v.rho > 0.0 {
                    v.rho * (floor(v) - pooled_at(v.j))
                } else {
                    0.0
                };
                (i, v.h * (floor(v) - v.s) + pull + lambda[local(v.k)])
            })
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((i, _)) => held[i] = false,
            None => return true,
        }
    }
    true
}

/// Solves the `n × n` system `m x = r` by Gaussian elimination with partial pivoting; `None`
/// when a pivot is zero or not finite.
fn solve(mut m: Vec<f64>, mut r: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&x, &y| m[x * n + col].abs().total_cmp(&m[y * n + col].abs()))?;
        if m[pivot * n + col] == 0.0 || !m[pivot * n + col].is_finite() {
            return None;
        }
        if pivot != col {
            for c in 0..n {
                m.swap(pivot * n + c, col * n + c);
            }
            r.swap(pivot, col);
        }
        for row in col + 1..n {
            let f = m[row * n + col] / m[col * n + col];
            for c in col..n {
                m[row * n + c] -= f * m[col * n + c];
            }
            r[row] -= f * r[col];
        }
    }
    for col in (0..n).rev() {
        let sum: f64 = (col + 1..n).map(|c| m[col * n + c] * r[c]).sum();
        r[col] = (r[col] - sum) / m[col * n + col];
    }
    r.iter().all(|x| x.is_finite()).then_some(r)
}

/// A juror's scale is identified when `S_xx > IDENTIFIED × W_j × σ²`.
const IDENTIFIED: f64 = 1e-10;
/// Changes this many times the size of a number are at the rounding level.
const ROUNDING: f64 = 16.0 * f64::EPSILON;

fn affine(d: &Design, start: AdditiveFit, opts: &AffineOptions) -> AffineFit {
    let mut crit = Crit::new(d, start, opts, false);
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
    crit.finish(sweeps)
}

/// One criterion in the alternating iteration: its design, the constants of its components,
/// and the current scales, biases and values.
struct Crit<'a> {
    d: &'a Design,
    kappa: f64,
    lo: f64,
    /// Per component: total weight, mean weight, mean score, and the units of the convergence
    /// test (the spread of the scores, 1 if they do not vary; their mean size).
    wsum: Vec<f64>,
    wbar: Vec<f64>,
    ybar: Vec<f64>,
    unit: Vec<f64>,
    size: Vec<f64>,
    members: Vec<Vec<usize>>,
    a: Vec<f64>,
    b: Vec<f64>,
    v: Vec<f64>,
    identified: Vec<bool>,
    /// The scale step's target and curvature for each juror: their shrunk regression slope
    /// and its curvature (then moved by the pooling, in the pooled fit).
    slope: Vec<f64>,
    curve: Vec<f64>,
    /// Each juror's unpenalised regression on the current values: `S_xx` and the slope
    /// `S_xy / S_xx`, and their residual sum of squares (pooled fit only).
    sxx: Vec<f64>,
    raw: Vec<f64>,
    rss: Vec<f64>,
    /// `Σ w (score − ybar)²` of each juror's scores (pooled fit only).
    syy: Vec<f64>,
    live: Vec<bool>,
    /// The last joint step stopped at its cap: take another on the next sweep.
    joint_due: bool,
    gh: Vec<(f64, f64)>,
    /// The juror sums and value moments of the current sweep, and the previous iterate.
    sums: Vec<f64>,
    mean: Vec<f64>,
    var: Vec<f64>,
    prev: (Vec<f64>, Vec<f64>, Vec<f64>),
}

impl<'a> Crit<'a> {
    fn new(d: &'a Design, start: AdditiveFit, opts: &AffineOptions, pooled: bool) -> Crit<'a> {
        let (nj, nc) = (d.n_jurors, d.n_comps);
        let kappa = if opts.shrinkage > 0.0 {
            opts.shrinkage.min(1e15)
        } else {
            0.0
        };
        let lo = if opts.min_scale >= 1e-6 {
            opts.min_scale.min(0.99)
        } else {
            1e-6
        };
        let pc = |p: usize| d.pcomp[p] as usize;

        // Constants of each component: total weight, mean weight, mean score, score spread.
        let wsum = d.comp_sum(true, |j| d.jweight[j]);
        let count = d.comp_sum(true, |j| d.jcount[j]);
        let wbar: Vec<f64> = (0..nc).map(|c| wsum[c] / count[c]).collect();
        let ybar: Vec<f64> = d
            .comp_sum(true, |j| d.jscore[j])
            .iter()
            .zip(&wsum)
            .map(|(s, w)| s / w)
            .collect();
        // The units of the convergence test: the spread of the scores (1 if they do not vary),
        // and their mean size, which sets the rounding level.
        let mut ss = vec![(0.0, 0.0); d.n_proposals];
        d.per_proposal(&mut ss, |p, s, o| {
            if d.pcomp[p] != NONE {
                let m = ybar[pc(p)];
                *o = (0..s.juror.len()).fold((0.0, 0.0), |(sq, ab), k| {
                    let w = s.weight[k];
                    (sq + w * (s.score[k] - m).powi(2), ab + w * s.score[k].abs())
                });
            }
        });
        let sq = d.comp_sum(false, |p| ss[p].0);
        let size = d.comp_sum(false, |p| ss[p].1);
        drop(ss);
        let unit: Vec<f64> = (0..nc)
            .map(|c| match (sq[c] / wsum[c]).sqrt() {
                sd if sd > 0.0 => sd,
                _ => 1.0,
            })
            .collect();
        let size: Vec<f64> = (0..nc).map(|c| size[c] / wsum[c]).collect();
        let syy = if pooled {
            d.juror_sums(1, |p, s, acc| {
                if d.pcomp[p] != NONE {
                    for k in 0..s.juror.len() {
                        let dy = s.score[k] - ybar[pc(p)];
                        acc[s.juror[k] as usize] += s.weight[k] * dy * dy;
                    }
                }
            })
        } else {
            Vec::new()
        };
        let jurors = if pooled { nj } else { 0 };
        Crit {
            d,
            kappa,
            lo,
            wsum,
            wbar,
            ybar,
            unit,
            size,
            members: d.members(),
            a: vec![1.0; nj],
            b: start.bias,
            v: start.value,
            identified: vec![false; nj],
            slope: vec![0.0; nj],
            curve: vec![0.0; nj],
            sxx: vec![0.0; jurors],
            raw: vec![0.0; jurors],
            rss: vec![0.0; jurors],
            syy,
            live: vec![true; nc],
            joint_due: false,
            gh: vec![(0.0, 0.0); d.n_proposals],
            sums: Vec::new(),
            mean: Vec::new(),
            var: Vec::new(),
            prev: (Vec::new(), Vec::new(), Vec::new()),
        }
    }

    /// `σ̂²`: the residual sum of squares of the jurors' own lines over the degrees of
    /// freedom left, scores less parameters (see [`fit_affine_pooled`]).
    fn residual_variance(&self) -> Option<f64> {
        let d = self.d;
        let observed = |comp: &[u32]| comp.iter().filter(|&&c| c != NONE).count() as f64;
        let scores: f64 = (0..d.n_jurors)
            .filter(|&j| d.jcomp[j] != NONE)
            .map(|j| d.jcount[j])
            .sum();
        let dof = scores - observed(&d.pcomp) - 2.0 * observed(&d.jcomp) + 2.0 * d.n_comps as f64;
        let rss: f64 = (0..d.n_jurors)
            .filter(|&j| d.jcomp[j] != NONE)
            .map(|j| self.rss[j])
            .sum();
        (dof > 0.0).then(|| rss / dof)
    }

    fn on_j(&self, j: usize) -> bool {
        self.d.jcomp[j] != NONE && self.live[self.d.jcomp[j] as usize]
    }

    fn on_p(&self, p: usize) -> bool {
        self.d.pcomp[p] != NONE && self.live[self.d.pcomp[p] as usize]
    }

    fn sweep_start(&mut self) {
        self.prev = (self.a.clone(), self.b.clone(), self.v.clone());
    }

    /// 1a. Each juror's weighted regression of score on value, centred in the component:
    /// the shrunk slope and its curvature (and, in the pooled fit, the unpenalised slope).
    fn regress(&mut self) {
        let d = self.d;
        let pc = |p: usize| d.pcomp[p] as usize;
        let (mean, var) = moments(d, &self.v, &self.wsum);
        let (v, ybar) = (&self.v, &self.ybar);
        let sums = d.juror_sums(4, |p, s, acc| {
            if !self.on_p(p) {
                return;
            }
            let (dv, yc) = (v[p] - mean[pc(p)], ybar[pc(p)]);
            for k in 0..s.juror.len() {
                let (j, w, dy) = (4 * s.juror[k] as usize, s.weight[k], s.score[k] - yc);
                acc[j] += w * dv;
                acc[j + 1] += w * dy;
                acc[j + 2] += w * dv * dv;
                acc[j + 3] += w * dv * dy;
            }
        });
        for j in 0..d.n_jurors {
            if !self.on_j(j) {
                continue;
            }
            let (c, w) = (d.jcomp[j] as usize, d.jweight[j]);
            let (mv, sv) = (sums[4 * j] / w, sums[4 * j]);
            let sxx = (sums[4 * j + 2] - sv * mv).max(0.0);
            let prior = self.kappa * self.wbar[c] * var[c];
            // (The values must vary at all, beyond rounding, relative to the scores.)
            self.identified[j] =
                sxx > IDENTIFIED * w * var[c] && var[c] > 1e-20 * self.unit[c] * self.unit[c];
            self.curve[j] = sxx + prior;
            self.slope[j] = (sums[4 * j + 3] - sv * sums[4 * j + 1] / w + prior) / self.curve[j];
            if !self.syy.is_empty() {
                let sxy = sums[4 * j + 3] - sv * sums[4 * j + 1] / w;
                let syy = self.syy[j] - sums[4 * j + 1] * sums[4 * j + 1] / w;
                let (raw, fit) = if self.identified[j] {
                    (sxy / sxx, sxy * sxy / sxx)
                } else {
                    (1.0, 0.0)
                };
                (self.sxx[j], self.raw[j], self.rss[j]) = (sxx, raw, (syy - fit).max(0.0));
            }
        }
        (self.sums, self.mean, self.var) = (sums, mean, var);
    }

    /// 1b. The exact scale step of each component, to the targets in `slope` and `curve`,
    /// then each juror's bias given their scale.
    fn scales(&mut self) {
        for (_, m) in self
            .members
            .iter()
            .enumerate()
            .filter(|&(c, _)| self.live[c])
        {
            let ids: Vec<usize> = m.iter().copied().filter(|&j| self.identified[j]).collect();
            let cs: Vec<f64> = ids.iter().map(|&j| self.curve[j]).collect();
            let rs: Vec<f64> = ids.iter().map(|&j| self.slope[j]).collect();
            let mut scales = vec![1.0; ids.len()];
            if !scale_step(&cs, &rs, self.lo, &mut scales) {
                scales.iter_mut().for_each(|a| *a = 1.0); // no positive solution: additive
            }
            for &j in m {
                self.a[j] = 1.0;
            }
            for (&j, &s) in ids.iter().zip(&scales) {
                self.a[j] = s;
            }
        }
        self.biases();
    }

    /// 1c. Each juror's bias given their scale: the line through their weighted means.
    fn biases(&mut self) {
        let d = self.d;
        let sums = &self.sums;
        for (c, m) in self
            .members
            .iter()
            .enumerate()
            .filter(|&(c, _)| self.live[c])
        {
            for &j in m {
                let w = d.jweight[j];
                self.b[j] = (self.ybar[c] + sums[4 * j + 1] / w)
                    - self.a[j] * (self.mean[c] + sums[4 * j] / w);
            }
        }
    }

    /// The value step's pull toward each component's mean: its strength `k_c` and the mean
    /// `m_c` that goes with the current biases; leaves each proposal's `(G_p, H_p)` in `gh`.
    fn pull(&mut self) -> (Vec<f64>, Vec<f64>) {
        let d = self.d;
        let nc = d.n_comps;
        let pc = |p: usize| d.pcomp[p] as usize;
        let (a, b) = (&self.a, &self.b);
        d.per_proposal(&mut self.gh, |p, s, o| {
            if self.d.pcomp[p] != NONE && self.live[pc(p)] {
                *o = (0..s.juror.len()).fold((0.0, 0.0), |(g, h), k| {
                    let (w, aj) = (s.weight[k], a[s.juror[k] as usize]);
                    (
                        g + w * aj * (s.score[k] - b[s.juror[k] as usize]),
                        h + w * aj * aj,
                    )
                });
            }
        });
        let spread = d.comp_sum(true, |j| {
            if self.on_j(j) {
                (a[j] - 1.0).powi(2)
            } else {
                0.0
            }
        });
        let k: Vec<f64> = (0..nc)
            .map(|c| self.kappa * self.wbar[c] * spread[c] / self.wsum[c])
            .collect();
        let gh = &self.gh;
        let shrunk = |p: usize| {
            let (dp, (_, h)) = (d.pweight[p], gh[p]);
            dp / (h + k[pc(p)] * dp)
        };
        let live = &self.live;
        let on_p = |p: usize| d.pcomp[p] != NONE && live[pc(p)];
        let num = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].0 } else { 0.0 });
        let den = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].1 } else { 0.0 });
        let m = (0..nc)
            .map(|c| if k[c] > 0.0 { num[c] / den[c] } else { 0.0 })
            .collect();
        (k, m)
    }

    /// 1d. The joint step ([`joint`]): every bias (and value) at once, at the current scales
    /// and pull; the value step then sets the values given the biases.
    fn joint(&mut self, opts: &FitOptions) {
        let (k, m) = self.pull();
        let pull = joint::Pull { k: &k, m: &m };
        let stop = joint::joint_step(self.d, &self.a, &self.live, &pull, opts, &mut self.b);
        self.joint_due = stop.capped;
    }

    /// Whether this sweep takes the joint step: on the first sweep and every
    /// [`joint::EVERY`]th after, and on the sweep after one whose joint step stopped at its
    /// cap of conjugate-gradient steps.
    fn joint_now(&self, sweep: usize) -> bool {
        self.joint_due || sweep % joint::EVERY == 1
    }

    /// 2. Value step: minimise Σ_p [H_p (v_p − G_p/H_p)² ] + k_c Σ_p D_p (v_p − mean)²;
    /// 3. gauge step: mean identified scale 1, Σ n_j b_j = 0.
    fn values_and_gauge(&mut self) {
        let d = self.d;
        let pc = |p: usize| d.pcomp[p] as usize;
        let (k, m) = self.pull();
        let gh = &self.gh;
        let live = &self.live;
        let on_p = |p: usize| d.pcomp[p] != NONE && live[pc(p)];
        for p in (0..d.n_proposals).filter(|&p| on_p(p)) {
            let (c, (g, h)) = (pc(p), gh[p]);
            self.v[p] = (g + k[c] * d.pweight[p] * m[c]) / (h + k[c] * d.pweight[p]);
        }
        normalise(
            d,
            &self.identified,
            &self.live,
            &mut self.a,
            &mut self.b,
            &mut self.v,
        );
    }

    /// Step 4, convergence of each component in this sweep: every change within the
    /// tolerance, or at the rounding level.
    fn done(&self, tol: f64) -> Vec<bool> {
        let d = self.d;
        let (a0, b0, v0) = &self.prev;
        let (a, b, v) = (&self.a, &self.b, &self.v);
        let mut done = self.live.clone();
        let mut check = |c: usize, change: f64, allowed: f64| {
            done[c] = done[c] && change <= allowed; // false for a NaN tolerance
        };
        for j in (0..d.n_jurors).filter(|&j| self.on_j(j)) {
            let c = d.jcomp[j] as usize;
            check(c, (a[j] - a0[j]).abs(), tol + ROUNDING * a[j]);
            check(
                c,
                (b[j] - b0[j]).abs(),
                tol * self.unit[c] + ROUNDING * (b[j].abs() + self.size[c]),
            );
        }
        for p in (0..d.n_proposals).filter(|&p| self.on_p(p)) {
            let c = d.pcomp[p] as usize;
            check(
                c,
                (v[p] - v0[p]).abs(),
                tol * self.unit[c] + ROUNDING * (v[p].abs() + self.size[c]),
            );
        }
        done
    }

    /// Jurors whose scale is not identified: scale exactly 1, and the bias that fits it best;
    /// then the final identification.
    fn finish(mut self, sweeps: usize) -> AffineFit {
        let d = self.d;
        let v = &self.v;
        let sv = d.juror_sums(1, |p, s, acc| {
            for k in 0..s.juror.len() {
                acc[s.juror[k] as usize] += s.weight[k] * v[p];
            }
        });
        for j in (0..d.n_jurors).filter(|&j| d.jcomp[j] != NONE && !self.identified[j]) {
            self.a[j] = 1.0;
            self.b[j] = (d.jscore[j] - sv[j]) / d.jweight[j];
        }
        let all = vec![true; d.n_comps];
        let none = vec![false; d.n_jurors];
        normalise(d, &none, &all, &mut self.a, &mut self.b, &mut self.v);
        AffineFit {
            scale: self.a,
            bias: self.b,
            value: self.v,
            iterations: sweeps,
            converged: !self.live.contains(&true),
        }
    }
}

/// The exact scale step of one component: minimises `Σ_j c_j (a_j − r_j)²` (`c_j > 0`; `r_j`
/// the juror's shrunk regression slope, `c_j` its curvature) subject to `a_j ≥ lo × mean(a)`.
/// Active-set method: with the set `L` of jurors held at the bound, the mean is
/// `g Σ_F a_j` (`g = 1 / (n − lo |L|)`) and the free scales have the closed form
/// `a_j = r_j − λ / c_j`; violators join `L`, and a held juror whose multiplier is negative
/// leaves it. Returns `false` when no solution with a positive mean exists.
fn scale_step(c: &[f64], r: &[f64], lo: f64, a: &mut [f64]) -> bool {
    let n = c.len();
    let mut held = vec![false; n];
    for _ in 0..2 * n + 2 {
        let (mut h, mut sr, mut cl, mut clr, mut nl) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            if held[j] {
                (cl, clr, nl) = (cl + c[j], clr + c[j] * r[j], nl + 1.0);
            } else {
                (h, sr) = (h + 1.0 / c[j], sr + r[j]);
            }
        }
        if nl == n as f64 {
            return false;
        }
        let g = 1.0 / (n as f64 - lo * nl);
        let (q, rl) = (g * g * lo * lo * cl, g * lo * clr);
        let free_sum = (sr + rl * h) / (1.0 + q * h);
        let (mean, lambda) = (g * free_sum, q * free_sum - rl);
        if !(mean > 0.0 && mean.is_finite()) {
            return false;
        }
        let mut joined = false;
        for j in 0..n {
            a[j] = if held[j] {
                lo * mean
            } else {
                r[j] - lambda / c[j]
            };
            if !held[j] && a[j] < lo * mean {
                held[j] = true;
                joined = true;
            }
        }
        if joined {
            continue;
        }
        // Half the multiplier of a held juror's bound: c_j (a_j − r_j) + λ.
        let leave = (0..n)
            .filter(|&j| held[j])
            .map(|j| (j, c[j] * (a[j] - r[j]) + lambda))
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((j, _)) => held[j] = false,
            None => return true,
        }
    }
    true
}

/// Weighted mean and variance of the values over each component's scores.
fn moments(d: &Design, v: &[f64], wsum: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mean: Vec<f64> = d
        .comp_sum(false, |p| d.pweight[p] * v[p])
        .iter()
        .zip(wsum)
        .map(|(s, w)| s / w)
        .collect();
    let var = d
        .comp_sum(false, |p| {
            d.pweight[p] * (v[p] - mean[d.pcomp[p] as usize]).powi(2)
        })
        .iter()
        .zip(wsum)
        .map(|(s, w)| s / w)
        .collect();
    (mean, var)
}

/// Moves each live component along the model's gauge orbit, which leaves every fitted score
/// unchanged: `value → s·value + t`, `scale → scale / s`, `bias → bias − scale·t/s`, with `s`
/// the mean scale of the identified jurors (1 if none) and `t` making `Σ n_j b_j = 0`.
fn normalise(
    d: &Design,
    identified: &[bool],
    live: &[bool],
    a: &mut [f64],
    b: &mut [f64],
    v: &mut [f64],
) {
    let on = |j: usize| d.jcomp[j] != NONE && live[d.jcomp[j] as usize] && identified[j];
    let sum = d.comp_sum(true, |j| if on(j) { a[j] } else { 0.0 });
    let ids = d.comp_sum(true, |j| if on(j) { 1.0 } else { 0.0 });
    let s: Vec<f64> = (0..d.n_comps)
        .map(|c| if ids[c] > 0.0 { sum[c] / ids[c] } else { 1.0 })
        .collect();
    for (j, &c) in d.jcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            a[j] /= s[c as usize];
        }
    }
    for (p, &c) in d.pcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            v[p] *= s[c as usize];
        }
    }
    let nb = d.comp_sum(true, |j| d.jcount[j] * b[j]);
    let na = d.comp_sum(true, |j| d.jcount[j] * a[j]);
    for (j, &c) in d.jcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            b[j] -= a[j] * nb[c as usize] / na[c as usize];
        }
    }
    for (p, &c) in d.pcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            v[p] += nb[c as usize] / na[c as usize];
        }
    }
}

mod joint;

#[cfg(test)]
mod pooled_tests;
#[cfg(test)]
mod tests;
