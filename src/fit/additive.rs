//! The additive model, `score ≈ value[proposal] + bias[juror]`: the juror system of each
//! component solved by dense Cholesky or by preconditioned conjugate gradients.

use super::cg;
use super::components::NONE;
use super::design::{dot, Design};
use super::{FitOptions, Observation, Solver};

/// Result of [`fit_additive`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveFit {
    /// Bias of each juror (their leniency, in score units); 0 for an unobserved juror.
    pub bias: Vec<f64>,
    /// Value of each proposal, in score units; 0 for an unobserved proposal.
    pub value: Vec<f64>,
    /// Most conjugate-gradient iterations used by any component (0 when every component was
    /// solved directly).
    pub iterations: usize,
    /// Whether every component met the tolerance.
    pub converged: bool,
}

/// Fits `score ≈ value[proposal] + bias[juror]` by weighted least squares: minimises
/// `Σ weight × (score − value[p] − bias[j])²` over the used observations.
///
/// **Identification.** In each connected component the biases sum to zero weighted by each
/// juror's number of used scores: `Σ_j n_j × bias[j] = 0` over the component's jurors.
/// In a complete design with unit weights this is the two-way analysis of variance: a juror's
/// bias is their mean minus the grand mean, a proposal's value the mean of its scores.
/// A component with a single juror has bias 0 and each value is the weighted mean of the
/// proposal's scores. An unobserved juror has bias 0; an unobserved proposal has value 0.0
/// (the caller knows which proposals have scores).
///
/// Each value is the weighted mean of `score − bias[j]` over the proposal's scores.
///
/// **Solver.** Per component, dense Cholesky or matrix-free conjugate gradients on the juror
/// system (see [`Solver`], [`FitOptions::tolerance`] and `docs/methods.md`, "The fits in
/// detail"). Time is O(scores × iterations), memory about 20 bytes per score.
///
/// ```
/// use jury::advanced::fit::{fit_additive, FitOptions, Observation};
/// // Juror 1 is one point more lenient than juror 0 on the two proposals they share.
/// let obs = [
///     Observation::new(0, 0, 3.0), Observation::new(1, 0, 4.0),
///     Observation::new(0, 1, 2.0), Observation::new(1, 1, 3.0),
///     Observation::new(1, 2, 5.0),
/// ];
/// let fit = fit_additive(2, 3, &obs, &FitOptions::default());
/// // Juror 0 has 2 scores and juror 1 has 3, so 2 b0 + 3 b1 = 0 with b1 − b0 = 1.
/// assert!((fit.bias[0] + 0.6).abs() < 1e-12 && (fit.bias[1] - 0.4).abs() < 1e-12);
/// let corrected = obs[4].score - fit.bias[1];
/// assert!((corrected - fit.value[2]).abs() < 1e-12);
/// ```
pub fn fit_additive(
    n_jurors: usize,
    n_proposals: usize,
    obs: &[Observation],
    opts: &FitOptions,
) -> AdditiveFit {
    additive(&Design::new(n_jurors, n_proposals, obs), opts)
}

/// Components of at most this many jurors are solved directly by [`Solver::Auto`].
const DIRECT_MAX_JURORS: usize = 64;

/// [`fit_additive`] on a design already built (the affine fit starts from it).
pub(super) fn additive(d: &Design, opts: &FitOptions) -> AdditiveFit {
    let nc = d.n_comps;
    let mut bias = vec![0.0; d.n_jurors];

    // Right-hand side of the juror system: g_j = Σ w (score − mean score of the proposal).
    let g = d.juror_sums(1, |p, s, acc| {
        if s.juror.is_empty() {
            return;
        }
        let mean = dot(s.weight, s.score) / d.proposal_weight[p];
        for k in 0..s.juror.len() {
            acc[s.juror[k] as usize] += s.weight[k] * (s.score[k] - mean);
        }
    });

    let members = d.members();
    let direct: Vec<bool> = members
        .iter()
        .map(|m| match opts.solver {
            Solver::Auto => m.len() <= DIRECT_MAX_JURORS,
            Solver::Direct => true,
            Solver::Iterative => false,
        })
        .collect();
    let mut proposals: Vec<Vec<usize>> = vec![Vec::new(); nc];
    for (p, &c) in d.proposal_comp.iter().enumerate() {
        if c != NONE && direct[c as usize] && members[c as usize].len() > 1 {
            proposals[c as usize].push(p);
        }
    }
    let mut iterative = vec![false; nc];
    let mut local = vec![0usize; d.n_jurors];
    for c in 0..nc {
        if members[c].len() < 2 {
            continue; // a lone juror: bias 0
        }
        let solved = if direct[c] {
            direct_solve(d, &members[c], &proposals[c], &g, &mut local)
        } else {
            None
        };
        match solved {
            Some(x) => members[c].iter().zip(x).for_each(|(&j, x)| bias[j] = x),
            None => iterative[c] = true,
        }
    }
    let (iterations, converged) = if iterative.contains(&true) {
        conjugate_gradients(d, &g, &iterative, opts, &mut bias)
    } else {
        (0, true)
    };

    // Identification: Σ n_j b_j = 0 in each component.
    let nb = d.comp_sum(true, |j| d.juror_count[j] * bias[j]);
    let n = d.comp_sum(true, |j| d.juror_count[j]);
    for (j, &c) in d.juror_comp.iter().enumerate() {
        if c != NONE {
            bias[j] -= nb[c as usize] / n[c as usize];
        }
    }

    let mut value = vec![0.0; d.n_proposals];
    d.per_proposal(&mut value, |p, s, v| {
        if !s.juror.is_empty() {
            let resid = (0..s.juror.len())
                .map(|k| s.weight[k] * (s.score[k] - bias[s.juror[k] as usize]))
                .sum::<f64>();
            *v = resid / d.proposal_weight[p];
        }
    });
    AdditiveFit {
        bias,
        value,
        iterations,
        converged,
    }
}

/// Solves one component's juror system `S b = g` densely: `S` is assembled as a Laplacian
/// (`S_jk = −Σ_p N_pj N_pk / D_p`, rows summing to zero), the juror with the largest diagonal
/// is grounded (`b = 0`) and the rest solved by Cholesky. `None` on a non-positive pivot.
fn direct_solve(
    d: &Design,
    members: &[usize],
    proposals: &[usize],
    g: &[f64],
    local: &mut [usize],
) -> Option<Vec<f64>> {
    let m = members.len();
    for (l, &j) in members.iter().enumerate() {
        local[j] = l;
    }
    let mut s = vec![0.0; m * m];
    for &p in proposals {
        let seg = d.seg(p);
        for (k, &jk) in seg.juror.iter().enumerate() {
            let (row, wk) = (local[jk as usize] * m, seg.weight[k] / d.proposal_weight[p]);
            for (i, &ji) in seg.juror.iter().enumerate() {
                if ji != jk {
                    s[row + local[ji as usize]] -= wk * seg.weight[i];
                }
            }
        }
    }
    for r in 0..m {
        let off: f64 = (0..m).filter(|&c| c != r).map(|c| s[r * m + c]).sum();
        s[r * m + r] = -off;
    }
    let ground = (0..m).fold(0, |best, r| {
        if s[r * m + r] > s[best * m + best] {
            r
        } else {
            best
        }
    });
    let keep: Vec<usize> = (0..m).filter(|&r| r != ground).collect();
    let n = keep.len();
    let mut a: Vec<f64> = keep
        .iter()
        .flat_map(|&r| keep.iter().map(move |&c| (r, c)))
        .map(|(r, c)| s[r * m + c])
        .collect();
    let mut x: Vec<f64> = keep.iter().map(|&r| g[members[r]]).collect();
    let floor = 1e-13 * s[ground * m + ground];
    // Cholesky, lower triangle in place.
    for i in 0..n {
        for k in 0..i {
            let sum = dot(&a[i * n..i * n + k], &a[k * n..k * n + k]);
            a[i * n + k] = (a[i * n + k] - sum) / a[k * n + k];
        }
        let pivot = a[i * n + i] - dot(&a[i * n..i * n + i], &a[i * n..i * n + i]);
        if pivot.is_nan() || pivot <= floor {
            return None;
        }
        a[i * n + i] = pivot.sqrt();
    }
    for i in 0..n {
        x[i] = (x[i] - dot(&a[i * n..i * n + i], &x[..i])) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| a[k * n + i] * x[k]).sum();
        x[i] = (x[i] - sum) / a[i * n + i];
    }
    let mut b = vec![0.0; m];
    keep.iter().zip(x).for_each(|(&r, x)| b[r] = x);
    Some(b)
}

/// Jacobi-preconditioned conjugate gradients on the juror systems of the components in
/// `mask`, each with its own step sizes and stopping test; they share the passes over the
/// scores. Returns (iterations, converged).
fn conjugate_gradients(
    d: &Design,
    g: &[f64],
    mask: &[bool],
    opts: &FitOptions,
    x: &mut [f64],
) -> (usize, bool) {
    let nc = d.n_comps;
    let on = |j: usize, live: &[bool]| d.juror_comp[j] != NONE && live[d.juror_comp[j] as usize];
    // Diagonal of S: Σ_p N_pj (D_p − N_pj) / D_p, with N_pj the weight of j's scores of p.
    let diag = d.juror_sums(1, |p, s, acc| {
        if d.proposal_comp[p] == NONE || !mask[d.proposal_comp[p] as usize] {
            return;
        }
        let mut k = 0;
        while k < s.juror.len() {
            let j = s.juror[k];
            let mut nj = 0.0;
            while k < s.juror.len() && s.juror[k] == j {
                nj += s.weight[k];
                k += 1;
            }
            acc[j as usize] += nj * (d.proposal_weight[p] - nj) / d.proposal_weight[p];
        }
    });
    let minv: Vec<f64> = diag
        .iter()
        .map(|&v| if v > 0.0 { 1.0 / v } else { 0.0 })
        .collect();
    let comp_dot = |a: &[f64], b: &[f64], live: &[bool]| {
        d.comp_sum(true, |j| if on(j, live) { a[j] * b[j] } else { 0.0 })
    };
    // q = S dir, as Σ_p Σ_{i∈p} w_i (dir_j − t_p) with t_p the weighted mean of dir over p.
    let apply = |dir: &[f64], live: &[bool]| {
        d.juror_sums(1, |p, s, acc| {
            if d.proposal_comp[p] == NONE || !live[d.proposal_comp[p] as usize] {
                return;
            }
            let t = (0..s.juror.len())
                .map(|k| s.weight[k] * dir[s.juror[k] as usize])
                .sum::<f64>()
                / d.proposal_weight[p];
            for k in 0..s.juror.len() {
                let j = s.juror[k] as usize;
                acc[j] += s.weight[k] * (dir[j] - t);
            }
        })
    };
    // From biases 0: the residual is g.
    let mut r: Vec<f64> = (0..d.n_jurors)
        .map(|j| if on(j, mask) { g[j] } else { 0.0 })
        .collect();
    let r0 = comp_dot(&r, &r, mask);
    let tol2 = opts.tolerance * opts.tolerance;
    let enough: Vec<f64> = r0.iter().map(|r0| tol2 * r0).collect();
    let going: Vec<bool> = (0..nc).map(|c| mask[c] && r0[c] > 0.0).collect();
    let solve = cg::Solve {
        apply: &apply,
        minv: &minv,
        enough: &enough,
        max_steps: opts.max_iterations,
    };
    let (iterations, going) = cg::solve(d, &solve, going, x, &mut r);
    (iterations, !going.contains(&true))
}

#[cfg(test)]
mod tests;
