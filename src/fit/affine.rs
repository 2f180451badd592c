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
/// exact minimisation over the values given the jurors (a weighted mean, pulled slightly
/// toward the component mean by the `σ²` term); exact minimisation along the rescaling
/// `value × s, scale / s`, and recentring of the biases. Each step lowers the objective.
/// Convergence: [`FitOptions::tolerance`]; with `shrinkage = 0` a small or noisy design can
/// be nearly unidentified and slow to converge (`converged: false`).
///
/// ```
/// use jury::fit::{fit_affine, AffineOptions, Observation};
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

/// A juror's scale is identified when `S_xx > IDENTIFIED × W_j × σ²`.
const IDENTIFIED: f64 = 1e-10;
/// Changes this many times the size of a number are at the rounding level.
const ROUNDING: f64 = 16.0 * f64::EPSILON;

fn affine(d: &Design, start: AdditiveFit, opts: &AffineOptions) -> AffineFit {
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
    let jc = |j: usize| d.jcomp[j] as usize;
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

    let (mut a, mut b, mut v) = (vec![1.0; nj], start.bias, start.value);
    let mut identified = vec![false; nj];
    let (mut slope, mut curve) = (vec![0.0; nj], vec![0.0; nj]);
    let members = d.members();
    let mut live = vec![true; nc];
    let mut gh = vec![(0.0, 0.0); d.n_proposals];
    let mut sweeps = 0;
    while live.contains(&true) && sweeps < opts.fit.max_iterations {
        sweeps += 1;
        let (a0, b0, v0) = (a.clone(), b.clone(), v.clone());
        let on_j = |j: usize| d.jcomp[j] != NONE && live[jc(j)];
        let on_p = |p: usize| d.pcomp[p] != NONE && live[pc(p)];

        // 1. Juror step: weighted regression of score on value, centred in the component.
        let (mean, var) = moments(d, &v, &wsum);
        let sums = d.juror_sums(4, |p, s, acc| {
            if !on_p(p) {
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
        for j in (0..nj).filter(|&j| on_j(j)) {
            let (c, w) = (jc(j), d.jweight[j]);
            let (mv, sv) = (sums[4 * j] / w, sums[4 * j]);
            let sxx = (sums[4 * j + 2] - sv * mv).max(0.0);
            let prior = kappa * wbar[c] * var[c];
            // (The values must vary at all, beyond rounding, relative to the scores.)
            identified[j] = sxx > IDENTIFIED * w * var[c] && var[c] > 1e-20 * unit[c] * unit[c];
            curve[j] = sxx + prior;
            slope[j] = (sums[4 * j + 3] - sv * sums[4 * j + 1] / w + prior) / curve[j];
        }
        for (c, m) in members.iter().enumerate().filter(|&(c, _)| live[c]) {
            let ids: Vec<usize> = m.iter().copied().filter(|&j| identified[j]).collect();
            let cs: Vec<f64> = ids.iter().map(|&j| curve[j]).collect();
            let rs: Vec<f64> = ids.iter().map(|&j| slope[j]).collect();
            let mut scales = vec![1.0; ids.len()];
            if !scale_step(&cs, &rs, lo, &mut scales) {
                scales.iter_mut().for_each(|a| *a = 1.0); // no positive solution: additive
            }
            for &j in m {
                a[j] = 1.0;
            }
            for (&j, &s) in ids.iter().zip(&scales) {
                a[j] = s;
            }
            for &j in m {
                let w = d.jweight[j];
                b[j] = (ybar[c] + sums[4 * j + 1] / w) - a[j] * (mean[c] + sums[4 * j] / w);
            }
        }

        // 2. Value step: minimise Σ_p [H_p (v_p − G_p/H_p)² ] + k_c Σ_p D_p (v_p − mean)².
        d.per_proposal(&mut gh, |p, s, o| {
            if on_p(p) {
                *o = (0..s.juror.len()).fold((0.0, 0.0), |(g, h), k| {
                    let (w, aj) = (s.weight[k], a[s.juror[k] as usize]);
                    (
                        g + w * aj * (s.score[k] - b[s.juror[k] as usize]),
                        h + w * aj * aj,
                    )
                });
            }
        });
        let spread = d.comp_sum(true, |j| if on_j(j) { (a[j] - 1.0).powi(2) } else { 0.0 });
        let k: Vec<f64> = (0..nc)
            .map(|c| kappa * wbar[c] * spread[c] / wsum[c])
            .collect();
        let shrunk = |p: usize| {
            let (dp, (_, h)) = (d.pweight[p], gh[p]);
            dp / (h + k[pc(p)] * dp)
        };
        let num = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].0 } else { 0.0 });
        let den = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].1 } else { 0.0 });
        for p in (0..d.n_proposals).filter(|&p| on_p(p)) {
            let (c, (g, h)) = (pc(p), gh[p]);
            let m = if k[c] > 0.0 { num[c] / den[c] } else { 0.0 };
            v[p] = (g + k[c] * d.pweight[p] * m) / (h + k[c] * d.pweight[p]);
        }

        // 3. Gauge step: mean identified scale 1, Σ n_j b_j = 0.
        normalise(d, &identified, &live, &mut a, &mut b, &mut v);

        // 4. Convergence: every change within the tolerance, or at the rounding level.
        let tol = opts.fit.tolerance;
        let mut done = live.clone();
        let mut check = |c: usize, change: f64, allowed: f64| {
            done[c] = done[c] && change <= allowed; // false for a NaN tolerance
        };
        for j in (0..nj).filter(|&j| on_j(j)) {
            let c = jc(j);
            check(c, (a[j] - a0[j]).abs(), tol + ROUNDING * a[j]);
            check(
                c,
                (b[j] - b0[j]).abs(),
                tol * unit[c] + ROUNDING * (b[j].abs() + size[c]),
            );
        }
        for p in (0..d.n_proposals).filter(|&p| on_p(p)) {
            let c = pc(p);
            check(
                c,
                (v[p] - v0[p]).abs(),
                tol * unit[c] + ROUNDING * (v[p].abs() + size[c]),
            );
        }
        for c in 0..nc {
            live[c] = live[c] && !done[c];
        }
    }

    // Jurors whose scale is not identified: scale exactly 1, and the bias that fits it best.
    let sv = d.juror_sums(1, |p, s, acc| {
        for k in 0..s.juror.len() {
            acc[s.juror[k] as usize] += s.weight[k] * v[p];
        }
    });
    for j in (0..nj).filter(|&j| d.jcomp[j] != NONE && !identified[j]) {
        a[j] = 1.0;
        b[j] = (d.jscore[j] - sv[j]) / d.jweight[j];
    }
    normalise(d, &vec![false; nj], &vec![true; nc], &mut a, &mut b, &mut v);

    AffineFit {
        scale: a,
        bias: b,
        value: v,
        iterations: sweeps,
        converged: !live.contains(&true),
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

#[cfg(test)]
mod tests;
