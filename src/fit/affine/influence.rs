//! First-order influence of one juror's scores on a linear functional of the shared affine fit
//! (the infinitesimal jackknife, with the adjoint): how much a total would move if the juror
//! were left out, without fitting the award again.
//!
//! At the fit `θ = (scales A, biases b, values v)` the stationarity conditions of the shared
//! objective hold (with one multiplier per part of the juror graph for the mean of 1 of the
//! fitted scales). Leaving juror `j` out changes the gradient by `r_j` (their scores' terms,
//! and the penalty's constants: mean weight, spread of the values, sum of squared scale
//! deviations) and the mean's right-hand side by `e_j = A_j − 1`. One Newton step on the
//! constrained system then moves a functional with gradient `c` by `−zᵀ r_j + μᵀ e_j`, where
//! `(z, μ)` solves the adjoint system `H z + Cᵀ μ = c`, `C z = 0` once for all jurors (`H` the
//! Hessian of the objective at the fit, `C` the mean constraints). The juror's own scale and
//! biases are kept in `H` (the approximation of the infinitesimal jackknife); the derivation
//! and its checks: `docs/methods.md`, "Leave-one-juror-out screen".

use super::super::components::NONE;
use super::super::design::Design;
use super::super::Observation;
use super::criterion::IDENTIFIED;
use super::shared::juror_groups;
use super::SharedAffineFit;

mod adjoint;

/// Relative residual at which the adjoint's conjugate gradients stop: the changes it gives are
/// first-order estimates with allowances of several times their second-order part, far above
/// this (115 steps to 1e-8 on a 600-juror award, 83 to 1e-6).
const TOLERANCE: f64 = 1e-6;
/// Most conjugate-gradient steps of one adjoint solve.
const MOST_STEPS: usize = 2_000;

/// The linearised shared affine fit of an award: the designs of its criteria and the fit.
pub(crate) struct Influence {
    designs: Vec<Design>,
    /// Each juror's scale, and whether it is a free variable (fitted, above the floor); the
    /// part of the juror graph of each fitted juror (`NONE` otherwise) and their number.
    scale: Vec<f64>,
    free: Vec<bool>,
    fitted: Vec<bool>,
    part: Vec<u32>,
    parts: usize,
    /// Per criterion: biases, values, and the constants of each component.
    bias: Vec<Vec<f64>>,
    value: Vec<Vec<f64>>,
    comps: Vec<Vec<Comp>>,
    /// Per juror: their scores, as (criterion, proposal, weight, count, residual).
    by_juror: Vec<Vec<Mine>>,
    shrinkage: f64,
    /// Weight of the gauge term that makes `H` regular (see [`Influence::hessian`]).
    gauge: f64,
}

/// One of a juror's scores.
#[derive(Clone, Copy)]
struct Mine {
    criterion: u32,
    proposal: u32,
    weight: f64,
    count: f64,
    residual: f64,
}

/// The constants of one component of one criterion.
#[derive(Clone, Copy, Default)]
struct Comp {
    /// Total weight and count of its scores; weighted mean and variance of the values over
    /// them; `Σ (A − 1)²` over its jurors.
    weight: f64,
    count: f64,
    mean: f64,
    var: f64,
    q: f64,
}

/// The solution of the adjoint system for one functional, with the sums the per-juror
/// changes need.
pub(crate) struct Adjoint {
    z: Vec<f64>,
    mu: Vec<f64>,
    /// Per criterion and component: `Σ_p z_v D_p (v_p − m)`, `Σ_p z_v D_p`,
    /// `Σ_k z_A (A_k − 1)`.
    sums: Vec<Vec<[f64; 3]>>,
    /// Whether the conjugate gradients met their tolerance (within [`MOST_STEPS`]).
    pub(crate) converged: bool,
}

impl Adjoint {
    /// Every number of the solution, as bits: its `z`, `μ` and sums.
    #[cfg(test)]
    pub(crate) fn bits(&self) -> Vec<u64> {
        let sums = self.sums.iter().flatten().flatten();
        (self.z.iter().chain(&self.mu).chain(sums))
            .map(|x| x.to_bits())
            .collect()
    }
}

/// The gradient of a functional: per juror scale, and per criterion per juror bias.
pub(crate) struct Gradient {
    pub(crate) scale: Vec<f64>,
    pub(crate) bias: Vec<Vec<f64>>,
}

impl Influence {
    /// The linearisation of `fit`, the shared affine fit of `criteria` (each criterion's
    /// observations, as fitted) with shrinkage `shrinkage` and scale floor `floor`.
    pub(crate) fn new(
        n_jurors: usize,
        n_proposals: usize,
        criteria: &[Vec<Observation>],
        fit: &SharedAffineFit,
        shrinkage: f64,
        floor: f64,
    ) -> Influence {
        let designs: Vec<Design> = criteria
            .iter()
            .map(|o| Design::new(n_jurors, n_proposals, o))
            .collect();
        let scale = fit.scale.clone();
        let fitted = fitted(&designs, fit);
        let free: Vec<bool> = (0..n_jurors)
            .map(|j| fitted[j] && scale[j] > floor * (1.0 + 1e-9))
            .collect();
        let (part, parts) = parts(&designs, &fitted);
        let bias: Vec<Vec<f64>> = fit.criteria.iter().map(|f| f.bias.clone()).collect();
        let value: Vec<Vec<f64>> = fit.criteria.iter().map(|f| f.value.clone()).collect();
        let comps = designs
            .iter()
            .zip(&value)
            .map(|(d, v)| constants(d, v, &scale))
            .collect();
        let mut by_juror = vec![Vec::new(); n_jurors];
        for (c, d) in designs.iter().enumerate() {
            for (p, &v) in value[c].iter().enumerate().take(n_proposals) {
                let s = d.seg(p);
                for k in 0..s.juror.len() {
                    let j = s.juror[k] as usize;
                    by_juror[j].push(Mine {
                        criterion: c as u32,
                        proposal: p as u32,
                        weight: s.weight[k],
                        count: 0.0,
                        residual: s.score[k] - scale[j] * v - bias[c][j],
                    });
                }
            }
        }
        counts(criteria, &mut by_juror);
        let mut out = Influence {
            designs,
            scale,
            free,
            fitted,
            part,
            parts,
            bias,
            value,
            comps,
            by_juror,
            shrinkage,
            gauge: 0.0,
        };
        let diag = out.diagonal();
        let n = diag.iter().filter(|&&x| x > 0.0).count().max(1);
        out.gauge = diag.iter().sum::<f64>() / n as f64;
        out
    }

    /// Whether every criterion's design is one component. Across components the fit fixes
    /// each one's level apart (`Σ n_j b_j = 0` in each), and a juror's absence shifts every
    /// corrected score of their component: a shift the adjoint, made regular along each
    /// component's gauge direction, does not see. Differences of totals within one component
    /// are free of it.
    pub(crate) fn connected(&self) -> bool {
        self.designs.iter().all(|d| d.n_comps <= 1)
    }

    fn len(&self) -> usize {
        let (nj, np) = (self.scale.len(), self.value.first().map_or(0, Vec::len));
        nj + self.designs.len() * (nj + np)
    }

    /// Offsets of criterion `c`'s biases and values in a parameter vector.
    fn at(&self, c: usize) -> (usize, usize) {
        let (nj, np) = (self.scale.len(), self.value[0].len());
        let b = nj + c * (nj + np);
        (b, b + nj)
    }

    /// The gradient of `Σ_c weight[c] × (weighted mean of proposal p's corrected scores on c)`
    /// over the scales and biases, the corrected score being `(score − b) / A`.
    pub(crate) fn total_gradient(&self, p: usize, weight: &[f64]) -> Gradient {
        self.mean_total_gradient(&[p], weight)
    }

    /// The gradient of the mean of the totals ([`Influence::total_gradient`]) of `ps`.
    pub(crate) fn mean_total_gradient(&self, ps: &[usize], weight: &[f64]) -> Gradient {
        let nj = self.scale.len();
        let mut g = Gradient {
            scale: vec![0.0; nj],
            bias: vec![vec![0.0; nj]; self.designs.len()],
        };
        let n = ps.len().max(1) as f64;
        for (c, d) in self.designs.iter().enumerate() {
            for &p in ps {
                let s = d.seg(p);
                let total = d.proposal_weight[p];
                for k in 0..s.juror.len() {
                    let j = s.juror[k] as usize;
                    let share = weight[c] * s.weight[k] / total / self.scale[j] / n;
                    g.bias[c][j] -= share;
                    if self.free[j] {
                        g.scale[j] -= share * (s.score[k] - self.bias[c][j]) / self.scale[j];
                    }
                }
            }
        }
        g
    }

    /// Solves the adjoint system for the functional with gradient `g` ([`Influence::adjoints`]
    /// of `g` alone).
    #[cfg(test)]
    pub(crate) fn adjoint(&self, g: &Gradient) -> Adjoint {
        self.adjoints(std::slice::from_ref(g)).remove(0)
    }

    fn sums(&self, z: &[f64]) -> Vec<Vec<[f64; 3]>> {
        (self.designs.iter().enumerate())
            .map(|(c, d)| {
                let (_, v0) = self.at(c);
                let mut s = vec![[0.0; 3]; d.n_comps];
                for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
                    let k = d.proposal_comp[p] as usize;
                    let zd = z[v0 + p] * d.proposal_weight[p];
                    s[k][0] += zd * (self.value[c][p] - self.comps[c][k].mean);
                    s[k][1] += zd;
                }
                for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE && self.free[j]) {
                    s[d.juror_comp[j] as usize][2] += z[j] * (self.scale[j] - 1.0);
                }
                s
            })
            .collect()
    }

    /// The first-order change of the adjoint's functional when juror `j` is left out, and the
    /// local terms it includes, one for each cell (criterion, proposal) the juror read, in a
    /// fixed order: their size measures how far one Newton step may be from the refit (the
    /// step is exact to first order; what it misses grows with the change of the values the
    /// juror read). `None` when some component of a criterion would be left with no score.
    pub(crate) fn without_terms(&self, adj: &Adjoint, j: usize) -> Option<(f64, Vec<f64>)> {
        let mut local = Vec::new();
        let z = &adj.z;
        let a = self.scale[j];
        let mut change = 0.0;
        let mine = &self.by_juror[j];
        for (c, d) in self.designs.iter().enumerate() {
            let comp = d.juror_comp[j];
            if comp == NONE {
                continue;
            }
            let (_, v0) = self.at(c);
            let k = comp as usize;
            let (cc, s) = (self.comps[c][k], adj.sums[c][k]);
            let own = mine.iter().filter(|m| m.criterion as usize == c);
            let (mut wj, mut nj, mut wv) = (0.0, 0.0, 0.0);
            for m in own.clone() {
                let p = m.proposal as usize;
                // Their scores' least-squares terms leave each value's gradient.
                change -= z[v0 + p] * m.weight * a * m.residual;
                wj += m.weight;
                nj += m.count;
                wv += m.weight * self.value[c][p];
            }
            let (w1, n1) = (cc.weight - wj, cc.count - nj);
            if w1 <= 1e-12 * cc.weight || n1 <= 0.0 {
                return None;
            }
            let m1 = (cc.weight * cc.mean - wv) / w1;
            let (mut own_sq, mut own_z) = (0.0, 0.0);
            for m in own {
                let p = m.proposal as usize;
                let dv = self.value[c][p] - m1;
                own_sq += m.weight * dv * dv;
                own_z += z[v0 + p] * m.weight * dv;
            }
            let var1 =
                ((cc.weight * cc.var + cc.weight * (cc.mean - m1).powi(2) - own_sq) / w1).max(0.0);
            let q1 = cc.q - (a - 1.0).powi(2);
            let (wbar, wbar1) = (cc.weight / cc.count, w1 / n1);
            let kappa = self.shrinkage;
            let before = kappa * wbar * cc.q / cc.weight * s[0];
            let after = kappa * wbar1 * q1 / w1 * (s[0] + (cc.mean - m1) * s[1] - own_z);
            change -= after - before;
            let own_a = if self.free[j] { z[j] * (a - 1.0) } else { 0.0 };
            let (p0, p1) = (kappa * wbar * cc.var, kappa * wbar1 * var1);
            change -= (p1 - p0) * (s[2] - own_a);
            let from = local.len();
            self.local(adj, j, c, k, &mut local);
            change += local[from..].iter().sum::<f64>();
        }
        if self.fitted[j] && self.part[j] != NONE {
            change += adj.mu[self.part[j] as usize] * (a - 1.0);
        }
        Some((change, local))
    }

    /// The first-order change of the adjoint's functional when score `k` of proposal `p` on
    /// criterion `c` (in the design's order) moves by `delta`.
    #[cfg(test)]
    pub(crate) fn moved(&self, adj: &Adjoint, c: usize, p: usize, k: usize, delta: f64) -> f64 {
        let s = self.designs[c].seg(p);
        let (j, w) = (s.juror[k] as usize, s.weight[k]);
        let (b0, v0) = self.at(c);
        let z = &adj.z;
        let za = if self.free[j] { z[j] } else { 0.0 };
        delta * w * (z[b0 + j] + self.scale[j] * z[v0 + p] + self.value[c][p] * za)
    }

    /// The part of the change that the juror's own information on the values carries: with
    /// their scale and biases held, the system without them is `H − D_j` on the other
    /// variables, so the functional moves by `−zᵀ r_j` plus, for each value `v` they read,
    /// `Δv × Σ w (z_v A² + z_b A + z_A (A v − e))` over their scores of it, `Δv` the value
    /// re-estimated from its other readers at their current scales and biases.
    fn local(&self, adj: &Adjoint, j: usize, c: usize, comp: usize, out: &mut Vec<f64>) {
        let (z, a, d) = (&adj.z, self.scale[j], &self.designs[c]);
        let (b0, v0) = self.at(c);
        let cc = self.comps[c][comp];
        let pull = self.shrinkage * cc.q / cc.count;
        let za = if self.free[j] { z[j] } else { 0.0 };
        let mine: Vec<&Mine> = (self.by_juror[j].iter())
            .filter(|m| m.criterion as usize == c)
            .collect();
        for cell in mine.chunk_by(|x, y| x.proposal == y.proposal) {
            let p = cell[0].proposal as usize;
            let v = self.value[c][p];
            let s = d.seg(p);
            let (mut g, mut h) = (0.0, 0.0);
            for k in 0..s.juror.len() {
                let (k_j, w) = (s.juror[k] as usize, s.weight[k]);
                if k_j != j {
                    let ak = self.scale[k_j];
                    g += w * ak * (s.score[k] - self.bias[c][k_j]);
                    h += w * ak * ak;
                }
            }
            let dp: f64 = d.proposal_weight[p] - cell.iter().map(|m| m.weight).sum::<f64>();
            let moved = (g + pull * dp * cc.mean) / (h + pull * dp) - v;
            let weight: f64 = cell
                .iter()
                .map(|m| m.weight * (z[v0 + p] * a * a + z[b0 + j] * a + za * (a * v - m.residual)))
                .sum();
            out.push(moved * weight);
        }
    }

    /// The half-gradient of the objective at the fit (fixed scales' entries 0).
    #[cfg(test)]
    fn gradient(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.len()];
        let kappa = self.shrinkage;
        for (c, d) in self.designs.iter().enumerate() {
            let (b0, v0) = self.at(c);
            for p in 0..d.n_proposals {
                let s = d.seg(p);
                let v = self.value[c][p];
                for k in 0..s.juror.len() {
                    let (j, w) = (s.juror[k] as usize, s.weight[k]);
                    let e = s.score[k] - self.scale[j] * v - self.bias[c][j];
                    out[b0 + j] -= w * e;
                    out[v0 + p] -= w * self.scale[j] * e;
                    if self.free[j] {
                        out[j] -= w * v * e;
                    }
                }
                if d.proposal_comp[p] != NONE {
                    let cc = self.comps[c][d.proposal_comp[p] as usize];
                    out[v0 + p] += kappa * cc.q / cc.count * d.proposal_weight[p] * (v - cc.mean);
                }
            }
            for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE && self.free[j]) {
                let cc = self.comps[c][d.juror_comp[j] as usize];
                out[j] += kappa * cc.weight / cc.count * cc.var * (self.scale[j] - 1.0);
            }
        }
        out
    }

    /// One Newton step from the fit on this (reduced) award, whose fitted scales' mean must
    /// move by `shift` in total in each part: the functional's change, `−zᵀ g + μ shift`.
    #[cfg(test)]
    pub(crate) fn newton_change(&self, adj: &Adjoint, shift: f64) -> f64 {
        let g = self.gradient();
        -dot(&adj.z, &g) + adj.mu.iter().map(|m| m * shift).sum::<f64>()
    }

    /// The diagonal of `H` (zero on fixed scales).
    fn diagonal(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.len()];
        let kappa = self.shrinkage;
        for (c, d) in self.designs.iter().enumerate() {
            let (b0, v0) = self.at(c);
            for p in 0..d.n_proposals {
                let s = d.seg(p);
                for k in 0..s.juror.len() {
                    let (j, w) = (s.juror[k] as usize, s.weight[k]);
                    let (a, v) = (self.scale[j], self.value[c][p]);
                    out[b0 + j] += w;
                    out[v0 + p] += w * a * a;
                    if self.free[j] {
                        out[j] += w * v * v;
                    }
                }
                if d.proposal_comp[p] != NONE {
                    let cc = self.comps[c][d.proposal_comp[p] as usize];
                    out[v0 + p] += kappa * cc.q / cc.count * d.proposal_weight[p];
                }
            }
            for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE && self.free[j]) {
                let cc = self.comps[c][d.juror_comp[j] as usize];
                out[j] += kappa * cc.weight / cc.count * cc.var;
            }
        }
        out
    }
}

#[cfg(test)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Whether each juror's scale was fitted: not held, and identified on some criterion (the
/// values they read vary, as the fit's scale step judges it, [`IDENTIFIED`]).
fn fitted(designs: &[Design], fit: &SharedAffineFit) -> Vec<bool> {
    let n = fit.scale.len();
    let mut out = vec![false; n];
    for (d, f) in designs.iter().zip(&fit.criteria) {
        let comps = constants(d, &f.value, &fit.scale);
        let mut sums = vec![[0.0; 2]; n];
        for p in 0..d.n_proposals {
            let s = d.seg(p);
            for k in 0..s.juror.len() {
                let j = s.juror[k] as usize;
                sums[j][0] += s.weight[k] * f.value[p];
                sums[j][1] += s.weight[k] * f.value[p] * f.value[p];
            }
        }
        for j in (0..n).filter(|&j| d.juror_comp[j] != NONE) {
            let var = comps[d.juror_comp[j] as usize].var;
            let w = d.juror_weight[j];
            let sxx = sums[j][1] - sums[j][0] * sums[j][0] / w;
            if sxx > IDENTIFIED * w * var && var > 0.0 && !fit.held[j] {
                out[j] = true;
            }
        }
    }
    out
}

/// The constants of each component of design `d` at values `v` and scales `a`.
fn constants(d: &Design, v: &[f64], a: &[f64]) -> Vec<Comp> {
    let mut out = vec![Comp::default(); d.n_comps];
    for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE) {
        let k = &mut out[d.juror_comp[j] as usize];
        k.weight += d.juror_weight[j];
        k.count += d.juror_count[j];
        k.q += (a[j] - 1.0).powi(2);
    }
    for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
        out[d.proposal_comp[p] as usize].mean += d.proposal_weight[p] * v[p];
    }
    out.iter_mut().for_each(|k| k.mean /= k.weight);
    for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
        let k = &mut out[d.proposal_comp[p] as usize];
        k.var += d.proposal_weight[p] * (v[p] - k.mean).powi(2);
    }
    out.iter_mut().for_each(|k| k.var /= k.weight);
    out
}

/// The parts of the juror graph joined over the criteria ([`juror_groups`]), for the fitted
/// jurors: each fitted juror's part (`NONE` for the others) and the number of parts.
fn parts(designs: &[Design], fitted: &[bool]) -> (Vec<u32>, usize) {
    let mut part = vec![NONE; fitted.len()];
    let mut count = 0;
    for group in juror_groups(designs, fitted.len()) {
        let mut members = group.into_iter().filter(|&j| fitted[j]).peekable();
        if members.peek().is_some() {
            members.for_each(|j| part[j] = count);
            count += 1;
        }
    }
    (part, count as usize)
}

/// Fills each score's count in `by_juror` (in the order the designs list them: criterion,
/// proposal, then the design's canonical order within a proposal, which sorts by juror).
fn counts(criteria: &[Vec<Observation>], by_juror: &mut [Vec<Mine>]) {
    // A juror's scores of one (criterion, proposal) cell share one count in practice (one
    // score each); their total count is what the penalty's constants use.
    let mut total = vec![std::collections::HashMap::new(); by_juror.len()];
    for (c, obs) in criteria.iter().enumerate() {
        for o in obs.iter().filter(|o| o.weight > 0.0) {
            *total[o.juror as usize]
                .entry((c as u32, o.proposal))
                .or_insert(0.0) += o.count;
        }
    }
    for (j, mine) in by_juror.iter_mut().enumerate() {
        for m in mine.iter_mut() {
            let cell = (m.criterion, m.proposal);
            m.count = total[j].remove(&cell).unwrap_or(0.0);
        }
    }
}
