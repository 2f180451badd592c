//! One criterion's part of the Newton step's reduced system: the Hessian of the fit's
//! objective in the biases and scales, the criterion's values eliminated, and its gradient
//! (`docs/methods.md`, "Newton steps on small awards").

use super::super::super::components::NONE;
use super::super::super::dense::{backward, cholesky_into, forward, forward_columns};
use super::super::super::design::Design;
use super::super::criterion::Criterion;
use crate::util::spare;

/// One criterion's part of the reduced system, halved: a symmetric matrix over its jurors'
/// biases (`0..J`) then every juror's scale (`J..2J`), row-major, and the gradient. The
/// Newton step keeps the rows of the fitted scales: an entry of a Schur complement depends
/// on its own row and column only.
pub(super) struct System {
    /// `J`.
    jurors: usize,
    pub(super) m: Vec<f64>,
    pub(super) g: Vec<f64>,
    /// `Mᵀ Λ⁻¹ u`, `Mᵀ Λ⁻¹ D` and `n` (below).
    e: Vec<f64>,
    f: Vec<f64>,
    nv: Vec<f64>,
    /// One proposal's scores: juror, `∂²F/∂v∂b` and `∂²F/∂v∂a`, halved.
    readers: Vec<(usize, f64, f64)>,
    /// The values' weighted mean and variance.
    moments: (f64, f64),
}

/// Sums over a criterion's proposals of the Sherman–Morrison terms: `uᵀ Λ⁻¹ u`,
/// `uᵀ Λ⁻¹ D`, `Dᵀ Λ⁻¹ D`.
#[derive(Default)]
struct Sums {
    ulu: f64,
    uz: f64,
    dzd: f64,
}

impl Default for System {
    /// Empty, in vectors from the thread's spares.
    fn default() -> System {
        System {
            jurors: 0,
            m: spare::take(),
            g: spare::take(),
            e: spare::take(),
            f: spare::take(),
            nv: spare::take(),
            readers: Vec::new(),
            moments: (0.0, 0.0),
        }
    }
}

impl Drop for System {
    /// Its vectors go back to the thread's spares.
    fn drop(&mut self) {
        let System { m, g, e, f, nv, .. } = self;
        spare::keep_all([m, g, e, f, nv]);
    }
}

impl System {
    /// Criterion `c`'s gradient at its current state, halved, into `g` (biases then scales),
    /// and the values' moments; false when the criterion has no scores (`g` then 0). With
    /// the values the best for the scales and biases, it is the gradient of the objective
    /// with the values eliminated.
    pub(super) fn gradient(&mut self, c: &Criterion) -> bool {
        let d = c.design;
        let jn = d.n_jurors;
        self.jurors = jn;
        self.g.clear();
        self.g.resize(2 * jn, 0.0);
        if c.weight_sum.is_empty() {
            return false;
        }
        let (a, b, v) = (&c.scale, &c.bias, &c.value);
        self.moments = moments(d, v, c.weight_sum[0]);
        for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
            let (s, vp) = (d.seg(p), v[p]);
            for ((&j, &w), &y) in s.juror.iter().zip(s.weight).zip(s.score) {
                let j = j as usize;
                let r = y - a[j] * vp - b[j];
                self.g[j] -= w * r;
                self.g[jn + j] -= w * r * vp;
            }
        }
        let lambda = c.shrinkage * c.mean_weight[0];
        for j in (0..jn).filter(|&j| d.juror_comp[j] != NONE) {
            self.g[jn + j] += lambda * self.moments.1 * (a[j] - 1.0);
        }
        true
    }

    /// Criterion `c`'s part at its current state: [`System::gradient`], then the Hessian.
    /// With `r = y − a v − b` a score's residual, `λ = κ w̄`, `A = Σ (a − 1)²` over the
    /// criterion's jurors, `σ²` the values' weighted variance and `k = λ A / W` the pull of
    /// the value step: the biases' and scales' own terms, less `Hθv Hvv⁻¹ Hvθ`, with
    /// `Hvv = Λ − (k / W) D Dᵀ` (`Λ_p = H_p + k D_p`) inverted by Sherman–Morrison and
    /// `Hvθ = M + u nᵀ` (`M` the scores' terms, `u_p = D_p (v_p − v̄) / W`,
    /// `n_j = 2 λ (a_j − 1)` on the scales).
    pub(super) fn assemble(&mut self, c: &Criterion) {
        let d = c.design;
        let jn = d.n_jurors;
        let scored = self.gradient(c);
        for v in [&mut self.m, &mut self.e, &mut self.f, &mut self.nv] {
            v.clear();
        }
        self.m.resize(4 * jn * jn, 0.0);
        for v in [&mut self.e, &mut self.f, &mut self.nv] {
            v.resize(2 * jn, 0.0);
        }
        if !scored {
            return;
        }
        let total = c.weight_sum[0];
        let lambda = c.shrinkage * c.mean_weight[0];
        let a = &c.scale;
        let on = |j: usize| d.juror_comp[j] != NONE;
        let pen: f64 = (0..jn)
            .filter(|&j| on(j))
            .map(|j| (a[j] - 1.0).powi(2))
            .sum();
        let k = lambda * pen / total;
        let (vbar, var_v) = self.moments;
        let sums = self.scores(c, k, vbar, total);
        for j in (0..jn).filter(|&j| on(j)) {
            let i = jn + j;
            self.nv[i] = 2.0 * lambda * (a[j] - 1.0);
            self.m[i * 2 * jn + i] += lambda * var_v;
        }
        self.low_rank(k / total, &sums);
    }

    /// The scores' terms: the direct second derivatives, and `Mᵀ Λ⁻¹ M` a
    /// proposal at a time, on every block but the scales' rows' biases' columns (the
    /// transpose of the biases' rows' scales' columns); `e`, `f` and the Sherman–Morrison
    /// sums.
    fn scores(&mut self, c: &Criterion, k: f64, vbar: f64, total: f64) -> Sums {
        let d = c.design;
        let (jn, dim) = (self.jurors, 2 * self.jurors);
        let (a, b, v) = (&c.scale, &c.bias, &c.value);
        let mut sums = Sums::default();
        for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
            let s = d.seg(p);
            let (vp, dw) = (v[p], d.proposal_weight[p]);
            self.readers.clear();
            let mut h = 0.0;
            for ((&j, &w), &y) in s.juror.iter().zip(s.weight).zip(s.score) {
                let j = j as usize;
                let r = y - a[j] * vp - b[j];
                h += w * a[j] * a[j];
                let (bb, ba) = (j * dim + j, j * dim + jn + j);
                self.m[bb] += w;
                self.m[ba] += w * vp;
                self.m[ba + jn * dim] += w * vp * vp;
                self.readers.push((j, w * a[j], w * (a[j] * vp - r)));
            }
            let inv = 1.0 / (h + k * dw);
            let u = dw * (vp - vbar) / total;
            for &(j1, mb1, ma1) in &self.readers {
                let (sb, sa) = (mb1 * inv, ma1 * inv);
                let (row_b, row_a) = self.m[j1 * dim..].split_at_mut(jn * dim);
                let (row_bb, row_ba) = row_b[..dim].split_at_mut(jn);
                let row_aa = &mut row_a[jn..dim];
                for &(j2, mb2, ma2) in &self.readers {
                    row_bb[j2] -= sb * mb2;
                    row_ba[j2] -= sb * ma2;
                    row_aa[j2] -= sa * ma2;
                }
                self.e[j1] += sb * u;
                self.e[jn + j1] += sa * u;
                self.f[j1] += sb * dw;
                self.f[jn + j1] += sa * dw;
            }
            sums.ulu += u * u * inv;
            sums.uz += u * dw * inv;
            sums.dzd += dw * dw * inv;
        }
        sums
    }

    /// `m −= γ q qᵀ + e nᵀ + n eᵀ + (uᵀ Λ⁻¹ u) n nᵀ`, `q = f + (uᵀ Λ⁻¹ D) n`,
    /// `γ = β / (1 − β Dᵀ Λ⁻¹ D)`, `β = k / W`, on the blocks [`System::scores`] fills; then
    /// the scales' rows' biases' columns from their transpose.
    fn low_rank(&mut self, beta: f64, s: &Sums) {
        let gamma = if beta > 0.0 {
            beta / (1.0 - beta * s.dzd)
        } else {
            0.0
        };
        let (jn, dim) = (self.jurors, 2 * self.jurors);
        let (e, nv) = (&self.e, &self.nv);
        // `q` in `f`, whose own use is over.
        for (f, n) in self.f.iter_mut().zip(nv) {
            *f += s.uz * n;
        }
        let q = &self.f;
        for (x, row) in self.m.chunks_exact_mut(dim).enumerate() {
            let (qx, ex, nx) = (gamma * q[x], e[x], nv[x]);
            let from = if x < jn { 0 } else { jn };
            for y in from..dim {
                row[y] -= qx * q[y] + ex * nv[y] + nx * (e[y] + s.ulu * nv[y]);
            }
        }
        for x in 0..jn {
            for y in 0..jn {
                self.m[(jn + x) * dim + y] = self.m[y * dim + jn + x];
            }
        }
    }

    /// Adds the fitted scales' block to `aa` (`n × n`, `var` numbering them).
    pub(super) fn add_scales(&self, var: &[u32], aa: &mut [f64], n: usize) {
        let (jn, dim) = (self.jurors, 2 * self.jurors);
        for (j1, i1) in fitted(var) {
            let row = &self.m[(jn + j1) * dim + jn..][..jn];
            for (j2, i2) in fitted(var) {
                aa[i1 * n + i2] += row[j2];
            }
        }
    }

    /// Subtracts the fitted scales' gradient from `rhs` (`var` numbering them).
    pub(super) fn less_scales_gradient(&self, var: &[u32], rhs: &mut [f64]) {
        for (j, i) in fitted(var) {
            rhs[i] -= self.g[self.jurors + j];
        }
    }
}

/// The values' weighted mean and variance over the proposals read on a connected design
/// (`total` their weight): the sweeps' `gauge::moments`, the same sums in the same order,
/// without its deviations and the components' bookkeeping.
pub(super) fn moments(d: &Design, v: &[f64], total: f64) -> (f64, f64) {
    let read = || (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE);
    let dp = &d.proposal_weight;
    let mean = read().fold(0.0, |s, p| s + dp[p] * v[p]) / total;
    let var = read().fold(0.0, |s, p| s + dp[p] * (v[p] - mean).powi(2)) / total;
    (mean, var)
}

/// The fitted scales: each such juror and their index among them.
fn fitted(var: &[u32]) -> impl Iterator<Item = (usize, usize)> + '_ {
    (var.iter().enumerate()).filter_map(|(j, &i)| (i != NONE).then_some((j, i as usize)))
}

/// One criterion's biases' block, factored: `L`, `Z = L⁻¹ C` (`J × n`, `C` the block's
/// coupling to the scales) and `t = L⁻¹ g_b`.
pub(super) struct Solved {
    /// The block (with `ρ c cᵀ`), and its factor `L`.
    bb: Vec<f64>,
    l: Vec<f64>,
    pub(super) z: Vec<f64>,
    pub(super) t: Vec<f64>,
}

impl Default for Solved {
    /// Empty, in vectors from the thread's spares.
    fn default() -> Solved {
        Solved {
            bb: spare::take(),
            l: spare::take(),
            z: spare::take(),
            t: spare::take(),
        }
    }
}

impl Drop for Solved {
    /// Its vectors go back to the thread's spares.
    fn drop(&mut self) {
        spare::keep_all([&mut self.bb, &mut self.l, &mut self.z, &mut self.t]);
    }
}

impl Solved {
    /// Factors the biases' block of `sys`. The block is singular along the gauge's direction
    /// `a` (every bias moved by its juror's scale times a constant, which the values absorb),
    /// so `ρ c cᵀ` is added, `c` the jurors' counts. `g_b` is orthogonal to `a`, but the
    /// coupling `C` to the scales only at the fit (`Cᵀ a = −g_b`, from the same invariance),
    /// so away from the fit the step differs from a Newton step with the gauge held by a term
    /// of the order of the gradient times the step: second order, which keeps the fixed point
    /// and the quadratic convergence. A juror the criterion does not observe gets a row of
    /// the identity. False when the block is not positive definite.
    pub(super) fn factor(&mut self, d: &Design, sys: &System, var: &[u32], n: usize) -> bool {
        let (jn, dim) = (sys.jurors, 2 * sys.jurors);
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
        let bb = &mut self.bb;
        bb.clear();
        bb.resize(jn * jn, 0.0);
        self.z.clear();
        self.z.resize(jn * n, 0.0);
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
            for (j2, i2) in fitted(var) {
                self.z[j1 * n + i2] = from[jn + j2];
            }
        }
        self.l.resize(jn * jn, 0.0);
        if !cholesky_into(bb, jn, &mut self.l) {
            return false;
        }
        forward_columns(&self.l, jn, &mut self.z, n);
        self.gradient(sys);
        true
    }

    /// `t = L⁻¹ g_b` for the gradient of `sys`, `L` the factor of [`Solved::factor`]: a
    /// chord step's, which keeps the factors of an earlier state.
    pub(super) fn gradient(&mut self, sys: &System) {
        self.t.clear();
        self.t.extend_from_slice(&sys.g[..sys.jurors]);
        forward(&self.l, sys.jurors, &mut self.t);
    }

    /// `Δb = −L⁻ᵀ (t + Z Δa)`, into `db`.
    pub(super) fn biases(&self, da: &[f64], db: &mut Vec<f64>) {
        let n = da.len();
        db.clear();
        db.extend((0..self.t.len()).map(|j| {
            let z = &self.z[j * n..][..n];
            -self.t[j] - z.iter().zip(da).map(|(z, a)| z * a).sum::<f64>()
        }));
        backward(&self.l, self.t.len(), db);
    }
}
