//! The adjoint systems of several functionals solved side by side: one pass over the scores
//! applies the Hessian to every right-hand side at once, and each keeps its own
//! conjugate-gradient steps, so each solution has the bits it has when solved alone.
//!
//! A block holds `k` vectors of the parameters interleaved: entry `i` of vector `r` is at
//! `i × k + r`, so the entries one score touches lie side by side for every vector.

use super::super::super::components::NONE;
use super::{Adjoint, Gradient, Influence, MOST_STEPS, TOLERANCE};

/// Entry `i` of column `r` of a block of `k` columns.
fn at(i: usize, k: usize, r: usize) -> usize {
    i * k + r
}

/// `Σ_i a[i, r] b[i, r]` of each column `r` of two blocks of `k` columns, each summed in
/// index order as `Iterator::sum` sums (one pass over both blocks).
fn dots(a: &[f64], b: &[f64], k: usize) -> Vec<f64> {
    let mut out = vec![std::iter::empty::<f64>().sum(); k];
    for (x, y) in a.chunks_exact(k).zip(b.chunks_exact(k)) {
        for r in 0..k {
            out[r] += x[r] * y[r];
        }
    }
    out
}

/// Column `r` of a block of `k` columns.
fn column(x: &[f64], k: usize, r: usize) -> Vec<f64> {
    x.iter().skip(r).step_by(k).copied().collect()
}

/// Per-component sums of one criterion's block in [`Influence::hessian`]: `Σ (A − 1) xA`,
/// `Σ D (v − m) xv`, `Σ D xv` and the gauge's `uᵀx` (per component and column), and `uᵀu`
/// (per component).
struct CompSums {
    dq: Vec<f64>,
    dvar: Vec<f64>,
    xbar: Vec<f64>,
    ux: Vec<f64>,
    uu: Vec<f64>,
}

/// Most memory of the blocks of one solve: on an award of 300,000 scores (93,000
/// parameters) 18 vectors a block, on one of 1,000,000 scores 7, on one of 10,000,000 scores
/// one at a time. Blocks solved on several threads at once take this much each.
const BLOCK_BYTES: usize = 64 << 20;
/// The blocks a solve holds: its residual, solution, search direction, preconditioned
/// residual and Hessian product.
const BLOCKS: usize = 5;

impl Influence {
    /// Solves the adjoint system for each functional with gradient in `gs`, in order: each
    /// solution bit for bit the one of solving it alone. As many at once as
    /// [`BLOCK_BYTES`] holds.
    pub(crate) fn adjoints(&self, gs: &[Gradient]) -> Vec<Adjoint> {
        self.adjoints_within(gs, BLOCK_BYTES)
    }

    /// [`Influence::adjoints`] in blocks of at most `bytes` (at least one vector a block).
    pub(crate) fn adjoints_within(&self, gs: &[Gradient], bytes: usize) -> Vec<Adjoint> {
        let widest = (bytes / (BLOCKS * 8 * self.len().max(1))).max(1);
        gs.chunks(widest).flat_map(|g| self.block(g)).collect()
    }

    /// [`Influence::adjoints`] in one block.
    fn block(&self, gs: &[Gradient]) -> Vec<Adjoint> {
        let k = gs.len();
        let n = self.len();
        let mut c = vec![0.0; n * k];
        for (r, g) in gs.iter().enumerate() {
            for (j, &x) in g.scale.iter().enumerate() {
                c[at(j, k, r)] = x;
            }
            for (crit, gb) in g.bias.iter().enumerate() {
                let (b, _) = self.at(crit);
                for (j, &x) in gb.iter().enumerate() {
                    c[at(b + j, k, r)] = x;
                }
            }
        }
        // The scales' entries of each gradient, for the multipliers; the rest of the block
        // becomes the solve's residual.
        let nj = self.scale.len();
        let c_scale = c[..nj * k].to_vec();
        let (z, converged, mut hz) = self.solve(c, k);
        self.hessian(&z, k, &mut hz);
        (0..k)
            .map(|r| {
                let mut mu = vec![0.0; self.parts];
                let mut count = vec![0.0f64; self.parts];
                for j in (0..nj).filter(|&j| self.free[j]) {
                    mu[self.part[j] as usize] += c_scale[at(j, k, r)] - hz[at(j, k, r)];
                    count[self.part[j] as usize] += 1.0;
                }
                mu.iter_mut()
                    .zip(&count)
                    .for_each(|(m, n)| *m /= n.max(1.0));
                let z = column(&z, k, r);
                let sums = self.sums(&z);
                Adjoint {
                    z,
                    mu,
                    sums,
                    converged: converged[r],
                }
            })
            .collect()
    }

    /// `out = H x` for each of the `k` columns of `x`, on the free variables (fixed scales
    /// read and give 0), plus the gauge term `gauge × (uᵀx / uᵀu) u` for each component's
    /// gauge direction `u` (biases `−A`, values 1), along which the objective is flat: it
    /// makes `H` regular without changing any functional of the corrected scores.
    fn hessian(&self, x: &[f64], k: usize, out: &mut [f64]) {
        out.fill(0.0);
        for (c, d) in self.designs.iter().enumerate() {
            let sums = self.comp_sums(c, x, k);
            self.hessian_scores(c, x, k, &sums, out);
            let (b0, _) = self.at(c);
            let kappa = self.shrinkage;
            for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE) {
                let m = d.juror_comp[j] as usize;
                let cc = self.comps[c][m];
                let wbar = cc.weight / cc.count;
                for r in 0..k {
                    if self.free[j] {
                        out[at(j, k, r)] += kappa
                            * wbar
                            * (cc.var * x[at(j, k, r)]
                                + (self.scale[j] - 1.0) * sums.dvar[at(m, k, r)] / cc.weight);
                    }
                    out[at(b0 + j, k, r)] -=
                        self.gauge * self.scale[j] * sums.ux[at(m, k, r)] / sums.uu[m];
                }
            }
        }
    }

    /// Criterion `c`'s per-component sums of the `k` columns of `x`.
    fn comp_sums(&self, c: usize, x: &[f64], k: usize) -> CompSums {
        let d = &self.designs[c];
        let (b0, v0) = self.at(c);
        let nc = d.n_comps;
        let mut s = CompSums {
            dq: vec![0.0; nc * k],
            dvar: vec![0.0; nc * k],
            xbar: vec![0.0; nc * k],
            ux: vec![0.0; nc * k],
            uu: vec![0.0; nc],
        };
        for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE) {
            let m = d.juror_comp[j] as usize;
            for r in 0..k {
                let xa = if self.free[j] { x[at(j, k, r)] } else { 0.0 };
                s.dq[at(m, k, r)] += 2.0 * (self.scale[j] - 1.0) * xa;
                s.ux[at(m, k, r)] -= self.scale[j] * x[at(b0 + j, k, r)];
            }
            s.uu[m] += self.scale[j] * self.scale[j];
        }
        for p in (0..d.n_proposals).filter(|&p| d.proposal_comp[p] != NONE) {
            let m = d.proposal_comp[p] as usize;
            let dp = d.proposal_weight[p];
            for r in 0..k {
                let xv = x[at(v0 + p, k, r)];
                s.dvar[at(m, k, r)] += 2.0 * dp * (self.value[c][p] - self.comps[c][m].mean) * xv;
                s.xbar[at(m, k, r)] += dp * xv;
                s.ux[at(m, k, r)] += xv;
            }
            s.uu[m] += 1.0;
        }
        s
    }

    /// The least-squares terms of criterion `c`'s scores, and each proposal's pull and gauge
    /// terms, of `H x` (see [`Influence::hessian`]).
    fn hessian_scores(&self, c: usize, x: &[f64], k: usize, sums: &CompSums, out: &mut [f64]) {
        let d = &self.designs[c];
        let (b0, v0) = self.at(c);
        let kappa = self.shrinkage;
        for p in 0..d.n_proposals {
            let s = d.seg(p);
            let v = self.value[c][p];
            for q in 0..s.juror.len() {
                let (j, w) = (s.juror[q] as usize, s.weight[q]);
                let a = self.scale[j];
                let e = s.score[q] - a * v - self.bias[c][j];
                for r in 0..k {
                    let xa = if self.free[j] { x[at(j, k, r)] } else { 0.0 };
                    let xv = x[at(v0 + p, k, r)];
                    let delta = v * xa + a * xv + x[at(b0 + j, k, r)];
                    out[at(b0 + j, k, r)] += w * delta;
                    out[at(v0 + p, k, r)] += w * a * delta - w * e * xa;
                    if self.free[j] {
                        out[at(j, k, r)] += w * v * delta - w * e * xv;
                    }
                }
            }
            if d.proposal_comp[p] != NONE {
                let m = d.proposal_comp[p] as usize;
                let cc = self.comps[c][m];
                let dp = d.proposal_weight[p];
                let wbar = cc.weight / cc.count;
                for r in 0..k {
                    let (xv, i) = (x[at(v0 + p, k, r)], at(m, k, r));
                    out[at(v0 + p, k, r)] +=
                        kappa * wbar * cc.q / cc.weight * dp * (xv - sums.xbar[i] / cc.weight)
                            + kappa * wbar * sums.dq[i] * dp * (v - cc.mean) / cc.weight;
                    out[at(v0 + p, k, r)] += self.gauge * sums.ux[i] / sums.uu[m];
                }
            }
        }
    }

    /// Subtracts from each of the `k` columns, in each part of the juror graph, the mean of
    /// the free scales' entries (and sets the fixed ones to 0).
    fn project(&self, x: &mut [f64], k: usize) {
        let mut sum = vec![0.0; self.parts * k];
        let mut n = vec![0.0; self.parts];
        for j in 0..self.scale.len() {
            for r in 0..k {
                if self.free[j] {
                    sum[at(self.part[j] as usize, k, r)] += x[at(j, k, r)];
                } else {
                    x[at(j, k, r)] = 0.0;
                }
            }
            if self.free[j] {
                n[self.part[j] as usize] += 1.0;
            }
        }
        for j in (0..self.scale.len()).filter(|&j| self.free[j]) {
            let g = self.part[j] as usize;
            for r in 0..k {
                x[at(j, k, r)] -= sum[at(g, k, r)] / n[g];
            }
        }
    }

    /// Projected, Jacobi-preconditioned conjugate gradients for `H z = c` with `C z = 0`, for
    /// each of the `k` columns of `c`: the solutions, whether each met [`TOLERANCE`] within
    /// [`MOST_STEPS`], and a spare block (its allocation for the caller to reuse). A column
    /// that has met the tolerance (or failed) keeps its solution while the others go on.
    fn solve(&self, c: Vec<f64>, k: usize) -> (Vec<f64>, Vec<bool>, Vec<f64>) {
        let diag = self.diagonal();
        let len = c.len();
        let mut z = vec![0.0; len];
        let mut r = c;
        self.project(&mut r, k);
        let r0: Vec<f64> = dots(&r, &r, k).iter().map(|x| x.sqrt()).collect();
        let mut converged: Vec<bool> = r0.iter().map(|&r0| r0 == 0.0).collect();
        let mut going: Vec<bool> = converged.iter().map(|&c| !c).collect();
        let mut s = Vec::with_capacity(len);
        self.precondition(&diag, &r, k, &mut s);
        let mut p = s.clone();
        let mut q = vec![0.0; len];
        let mut rs = dots(&r, &s, k);
        for _ in 0..MOST_STEPS {
            if !going.contains(&true) {
                break;
            }
            self.hessian(&p, k, &mut q);
            self.project(&mut q, k);
            let pq = dots(&p, &q, k);
            let alpha: Vec<f64> = (0..k).map(|col| rs[col] / pq[col]).collect();
            for col in 0..k {
                going[col] = going[col] && alpha[col].is_finite();
            }
            advance(&mut z, &mut r, (&p, &q), &alpha, &going);
            let rr = dots(&r, &r, k);
            for col in 0..k {
                if going[col] && rr[col].sqrt() <= TOLERANCE * r0[col] {
                    (going[col], converged[col]) = (false, true);
                }
            }
            self.precondition(&diag, &r, k, &mut s);
            let rs1 = dots(&r, &s, k);
            let beta: Vec<f64> = (0..k).map(|col| rs1[col] / rs[col]).collect();
            turn(&mut p, &s, &beta, &going);
            for col in (0..k).filter(|&col| going[col]) {
                rs[col] = rs1[col];
            }
        }
        (z, converged, q)
    }

    /// `out = M⁻¹ r` for each of the `k` columns of `r` (`M` the diagonal `diag` of `H`, 0
    /// where it is not positive), projected.
    fn precondition(&self, diag: &[f64], r: &[f64], k: usize, out: &mut Vec<f64>) {
        out.clear();
        out.extend(r.iter().enumerate().map(|(e, r)| {
            let d = diag[e / k];
            if d > 0.0 {
                r / d
            } else {
                0.0
            }
        }));
        self.project(out, k);
    }
}

/// One step along `p` in each column still `going`: `z += α p`, `r −= α q`.
fn advance(z: &mut [f64], r: &mut [f64], (p, q): (&[f64], &[f64]), alpha: &[f64], going: &[bool]) {
    let k = alpha.len();
    let rows = z.chunks_exact_mut(k).zip(r.chunks_exact_mut(k));
    for ((z, r), (p, q)) in rows.zip(p.chunks_exact(k).zip(q.chunks_exact(k))) {
        for col in (0..k).filter(|&col| going[col]) {
            z[col] += alpha[col] * p[col];
            r[col] -= alpha[col] * q[col];
        }
    }
}

/// The next search direction of each column still `going`: `p = s + β p`.
fn turn(p: &mut [f64], s: &[f64], beta: &[f64], going: &[bool]) {
    let k = beta.len();
    for (p, s) in p.chunks_exact_mut(k).zip(s.chunks_exact(k)) {
        for col in (0..k).filter(|&col| going[col]) {
            p[col] = s[col] + beta[col] * p[col];
        }
    }
}
