//! One criterion's part of the Newton step's reduced system: the Hessian of the fit's
//! objective in the biases and scales, the criterion's values eliminated, and its gradient
//! (`docs/methods.md`, "Newton steps on small awards").

use super::super::super::components::NONE;
use super::super::super::dense::{backward, cholesky_into, forward, forward_columns};
use super::super::super::design::Design;
use super::super::criterion::Criterion;

/// One criterion's part of the reduced system, halved: a symmetric matrix over its jurors'
/// biases (`0..J`) then the fitted scales (`J..J + n`), row-major, and the gradient.
#[derive(Default)]
pub(super) struct System {
    /// `J + n`.
    dim: usize,
    jurors: usize,
    pub(super) m: Vec<f64>,
    pub(super) g: Vec<f64>,
    /// `Mᵀ Λ⁻¹ u`, `Mᵀ Λ⁻¹ D` and `n` (below).
    e: Vec<f64>,
    f: Vec<f64>,
    nv: Vec<f64>,
    /// One proposal's entries of `M`: index in the system, value.
    entries: Vec<(usize, f64)>,
}

/// Sums over a criterion's proposals of the Sherman–Morrison terms: `uᵀ Λ⁻¹ u`,
/// `uᵀ Λ⁻¹ D`, `Dᵀ Λ⁻¹ D`.
#[derive(Default)]
struct Sums {
    ulu: f64,
    uz: f64,
    dzd: f64,
}

impl System {
    /// Criterion `c`'s part at its current state (`var` numbers the `n` fitted scales).
    /// With `r = y − a v − b` a score's residual, `λ = κ w̄`, `A = Σ (a − 1)²` over the
    /// criterion's jurors, `σ²` the values' weighted variance and `k = λ A / W` the pull of
    /// the value step: the biases' and scales' own terms, less `Hθv Hvv⁻¹ Hvθ`, with
    /// `Hvv = Λ − (k / W) D Dᵀ` (`Λ_p = H_p + k D_p`) inverted by Sherman–Morrison and
    /// `Hvθ = M + u nᵀ` (`M` the scores' terms, `u_p = D_p (v_p − v̄) / W`,
    /// `n_j = 2 λ (a_j − 1)` on the scales).
    pub(super) fn assemble(&mut self, c: &Criterion, var: &[u32], n: usize) {
        let d = c.design;
        let jn = d.n_jurors;
        (self.dim, self.jurors) = (jn + n, jn);
        for v in [
            &mut self.m,
            &mut self.g,
            &mut self.e,
            &mut self.f,
            &mut self.nv,
        ] {
            v.clear();
        }
        self.m.resize(self.dim * self.dim, 0.0);
        for v in [&mut self.g, &mut self.e, &mut self.f, &mut self.nv] {
            v.resize(self.dim, 0.0);
        }
        let Some(&total) = c.weight_sum.first() else {
            return; // no scores
        };
        let lambda = c.shrinkage * c.mean_weight[0];
        let a = &c.scale;
        let pen: f64 = (0..jn)
            .filter(|&j| d.juror_comp[j] != NONE)
            .map(|j| (a[j] - 1.0).powi(2))
            .sum();
        let k = lambda * pen / total;
        let (vbar, var_v) = moments(d, &c.value, total);
        let sums = self.scores(c, var, k, vbar, total);
        for j in (0..jn).filter(|&j| d.juror_comp[j] != NONE) {
            if let Some(i) = index(var, j) {
                let i = jn + i;
                self.nv[i] = 2.0 * lambda * (a[j] - 1.0);
                self.g[i] += lambda * var_v * (a[j] - 1.0);
                self.m[i * self.dim + i] += lambda * var_v;
            }
        }
        self.low_rank(k / total, &sums);
    }

    /// The scores' terms: the gradient, the direct second derivatives, and `Mᵀ Λ⁻¹ M` a
    /// proposal at a time; `e`, `f` and the Sherman–Morrison sums.
    fn scores(&mut self, c: &Criterion, var: &[u32], k: f64, vbar: f64, total: f64) -> Sums {
        let d = c.design;
        let (jn, dim) = (self.jurors, self.dim);
        let (a, b, v) = (&c.scale, &c.bias, &c.value);
        let mut sums = Sums::default();
        for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
            let s = d.seg(p);
            let (vp, dw) = (v[p], d.proposal_weight[p]);
            self.entries.clear();
            let mut h = 0.0;
            for ((&j, &w), &y) in s.juror.iter().zip(s.weight).zip(s.score) {
                let j = j as usize;
                let r = y - a[j] * vp - b[j];
                h += w * a[j] * a[j];
                self.g[j] -= w * r;
                self.m[j * dim + j] += w;
                self.entries.push((j, w * a[j]));
                if let Some(i) = index(var, j) {
                    let i = jn + i;
                    self.g[i] -= w * r * vp;
                    self.m[j * dim + i] += w * vp;
                    self.m[i * dim + j] += w * vp;
                    self.m[i * dim + i] += w * vp * vp;
                    self.entries.push((i, w * (a[j] * vp - r)));
                }
            }
            let inv = 1.0 / (h + k * dw);
            let u = dw * (vp - vbar) / total;
            for &(x, mx) in &self.entries {
                let row = &mut self.m[x * dim..][..dim];
                let sx = mx * inv;
                for &(y, my) in &self.entries {
                    row[y] -= sx * my;
                }
                self.e[x] += sx * u;
                self.f[x] += sx * dw;
            }
            sums.ulu += u * u * inv;
            sums.uz += u * dw * inv;
            sums.dzd += dw * dw * inv;
        }
        sums
    }

    /// `m −= γ q qᵀ + e nᵀ + n eᵀ + (uᵀ Λ⁻¹ u) n nᵀ`, `q = f + (uᵀ Λ⁻¹ D) n`,
    /// `γ = β / (1 − β Dᵀ Λ⁻¹ D)`, `β = k / W`.
    fn low_rank(&mut self, beta: f64, s: &Sums) {
        let gamma = if beta > 0.0 {
            beta / (1.0 - beta * s.dzd)
        } else {
            0.0
        };
        let (e, nv) = (&self.e, &self.nv);
        let q: Vec<f64> = self.f.iter().zip(nv).map(|(f, n)| f + s.uz * n).collect();
        for (x, row) in self.m.chunks_exact_mut(self.dim).enumerate() {
            for (y, m) in row.iter_mut().enumerate() {
                *m -= gamma * q[x] * q[y] + e[x] * nv[y] + nv[x] * e[y] + s.ulu * nv[x] * nv[y];
            }
        }
    }

    /// Adds the scales' block to `aa` (`n × n`) and subtracts the scales' gradient from
    /// `rhs`.
    pub(super) fn add_scales(&self, aa: &mut [f64], rhs: &mut [f64]) {
        let (jn, dim) = (self.jurors, self.dim);
        let n = dim - jn;
        for (i, row) in aa.chunks_exact_mut(n.max(1)).enumerate().take(n) {
            let from = &self.m[(jn + i) * dim + jn..][..n];
            row.iter_mut().zip(from).for_each(|(x, y)| *x += y);
            rhs[i] -= self.g[jn + i];
        }
    }
}

/// The weighted mean and variance of the values over the criterion's scores.
fn moments(d: &Design, v: &[f64], total: f64) -> (f64, f64) {
    let observed = || (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE);
    let dp = &d.proposal_weight;
    let mean = observed().map(|p| dp[p] * v[p]).sum::<f64>() / total;
    let var = observed()
        .map(|p| dp[p] * (v[p] - mean).powi(2))
        .sum::<f64>()
        / total;
    (mean, var)
}

/// Juror `j`'s index among the fitted scales.
fn index(var: &[u32], j: usize) -> Option<usize> {
    (var[j] != NONE).then_some(var[j] as usize)
}

/// One criterion's biases' block, factored: `L`, `Z = L⁻¹ C` (`J × n`, `C` the block's
/// coupling to the scales) and `t = L⁻¹ g_b`.
#[derive(Default)]
pub(super) struct Solved {
    l: Vec<f64>,
    pub(super) z: Vec<f64>,
    pub(super) t: Vec<f64>,
}

impl Solved {
    /// Factors the biases' block of `sys`. The block is singular along the gauge's direction
    /// (every bias moved by its juror's scale times a constant, which the values absorb), so
    /// `ρ c cᵀ` is added, `c` the jurors' counts: solutions then have `Σ count × Δb = 0`, and
    /// `C` and `g_b` are orthogonal to that direction, so `Cᵀ B⁻¹ C` and `Cᵀ B⁻¹ g_b` are
    /// those of any solution. A juror the criterion does not observe gets a row of the
    /// identity. False when the block is not positive definite.
    pub(super) fn factor(&mut self, d: &Design, sys: &System, n: usize) -> bool {
        let (jn, dim) = (sys.jurors, sys.dim);
        let count = |j: usize| {
            if d.juror_comp[j] == NONE {
                0.0
            } else {
                d.juror_count[j]
            }
        };
        let trace: f64 = (0..jn).map(|j| sys.m[j * dim + j]).sum();
        let norm: f64 = (0..jn).map(|j| count(j) * count(j)).sum();
        let rho = if norm > 0.0 { trace / norm } else { 0.0 };
        let mut bb = vec![0.0; jn * jn];
        self.z.clear();
        for (j1, row) in bb.chunks_exact_mut(jn).enumerate() {
            let from = &sys.m[j1 * dim..][..dim];
            let c1 = rho * count(j1);
            for (j2, x) in row.iter_mut().enumerate() {
                *x = from[j2] + c1 * count(j2);
            }
            if d.juror_comp[j1] == NONE {
                row.fill(0.0);
                row[j1] = 1.0;
            }
            self.z.extend_from_slice(&from[jn..]);
        }
        self.l.resize(jn * jn, 0.0);
        if !cholesky_into(&bb, jn, &mut self.l) {
            return false;
        }
        forward_columns(&self.l, jn, &mut self.z, n);
        self.t.clear();
        self.t.extend_from_slice(&sys.g[..jn]);
        forward(&self.l, jn, &mut self.t);
        true
    }

    /// `Δb = −L⁻ᵀ (t + Z Δa)`.
    pub(super) fn biases(&self, da: &[f64]) -> Vec<f64> {
        let n = da.len();
        let mut db: Vec<f64> = (0..self.t.len())
            .map(|j| {
                let z = &self.z[j * n..][..n];
                -self.t[j] - z.iter().zip(da).map(|(z, a)| z * a).sum::<f64>()
            })
            .collect();
        backward(&self.l, self.t.len(), &mut db);
        db
    }
}
