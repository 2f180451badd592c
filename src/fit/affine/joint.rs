//! The joint step of the affine fits: every bias and value at once, the scales held.
//!
//! Alternating bias and value steps creep along the design's slow mode: on a juror graph that
//! is nearly a chain (panels joined by one chair, a rigid rotation of readers) each sweep
//! moves the biases of distant jurors only a little toward each other. At fixed scales `a`,
//! the biases and values minimise a weighted least-squares problem of the additive kind, which
//! this step solves outright, as the additive fit does: with `u_j = b_j / a_j`,
//!
//! ```text
//! Σ_i w_i (y_i − a_j v_p − b_j)² + Σ_p r_p (v_p − m)²
//!   = Σ_i ω_i (y_i / a_j − u_j − v_p)² + Σ_p r_p (v_p − m)²,   ω_i = w_i a_j²,
//! ```
//!
//! where `r_p (v_p − m)²` is the value step's pull toward the component's mean `m` (`r_p = k
//! D_p`, see `values_and_gauge`), held at its current `k` and `m`. Eliminating the values leaves
//! the juror system `S u = g`, `S = diag(Σ_{i∈j} ω_i) − B diag(1 / (Ω_p + r_p)) Bᵀ`, a
//! weighted graph Laplacian (plus a positive diagonal where `r_p > 0`), solved by
//! Jacobi-preconditioned conjugate gradients from the current biases. The step changes where
//! the iteration goes, never where it stops: at a fixed point of the alternating steps the
//! biases and values are already jointly best for the scales.

use super::super::cg;
use super::super::components::NONE;
use super::super::design::Design;
use super::super::FitOptions;

/// The joint step is taken on the first sweep and every `EVERY`th after (every
/// [`EASY_EVERY`]th where the last was easy, [`EASY_STEPS`]), and on the sweep after one that
/// stopped at its cap ([`STEPS`], [`SHARED_STEPS`]) (the measurements behind both constants:
/// `docs/methods.md`, "`fit_affine`: the sweep").
pub(super) const EVERY: usize = 5;

/// Most conjugate-gradient steps of one joint step of the one-criterion and pooled fits, at
/// first (the cap doubles after a slow step, [`SLOW`], up to [`MOST_STEPS`]). A step need not
/// be exact: the next sweep starts from where it stopped.
pub(super) const STEPS: usize = 20;
/// The same for the shared-scale fit, at first, whose squared extrapolation
/// (`shared::Extrapolation`) carries the biases further: on the sparse design of issue 20
/// (10,000 jurors reading about two proposals each) 5 steps took 18 sweeps, 20 steps 22
/// sweeps at four times the cost of each joint step, and on 1M scores as 5 criteria both
/// took 17 (docs/performance.md).
pub(super) const SHARED_STEPS: usize = 5;
/// The cap of a joint step ([`STEPS`], [`SHARED_STEPS`]) doubles after each step that stopped
/// at it without cutting its residual tenfold ([`SLOW`]), up to this many conjugate-gradient steps
/// (5 × 2⁷). On the rigid 1M-score bench award
/// (a juror graph nearly a ring, whose additive fit needs about 365 steps) a cap held at 5 left
/// the shared fit unconverged after 1,000 sweeps; doubling, it converges in 76
/// (docs/performance.md, "Fewer and leaner sweeps").
pub(super) const MOST_STEPS: usize = 640;
/// A step stopped at its cap is slow when a component's squared residual is still above this
/// share of where it started (its residual not cut tenfold). The capped steps of the sparse
/// design of issue 20 cut it at least thirtyfold (squared shares up to 0.001), where doubling
/// their cap anyway took 36 sweeps against 30; on a nearly-ring design the median share was
/// 0.024 (the design of `shared_tests::a_nearly_ring_design_converges`, another draw of its
/// scores).
pub(super) const SLOW: f64 = 0.01;
/// A joint step of the shared fit that met its reduction within this many (and at least one)
/// conjugate-gradient steps shows a well-connected design, where the sweeps carry the biases
/// as fast: the periodic joint steps then come every [`EASY_EVERY`] sweeps instead of every
/// [`EVERY`], each of them judging the design again (and a step that stopped at its cap is
/// still taken again on the next sweep). On the shipped example's bootstrap replicates the
/// fit then takes 22.3 sweeps on average against 24.5, and the 2,000 replicates about 30%
/// less time; the thresholds 3 to 6 gave the same sweeps there. The one-criterion and pooled
/// fits keep a joint step every [`EVERY`] sweeps.
pub(super) const EASY_STEPS: usize = 3;
/// The sweeps between the periodic joint steps on a design whose last one was easy
/// ([`EASY_STEPS`]): on sweeps 1, 21, 41…
pub(super) const EASY_EVERY: usize = 20;
/// A joint step ends when its residual has fallen by this factor (or to the fit's tolerance
/// × the norm of `g`): on well-connected designs that takes one or two steps.
const REDUCTION: f64 = 1e-2;

/// The prior pull on the values of each component: its `strength` `k` (so `r_p = k D_p`) and
/// target `mean` `m`.
pub(super) struct Pull<'a> {
    pub(super) strength: &'a [f64],
    pub(super) mean: &'a [f64],
}

/// How a joint step ended.
pub(super) struct Stop {
    /// At its cap of steps, short of its reduction: take another joint step next sweep.
    pub(super) capped: bool,
    /// Conjugate-gradient steps taken.
    pub(super) steps: usize,
    /// At its cap with a component's residual not cut tenfold ([`SLOW`]): the cap is too
    /// small for this design.
    pub(super) slow: bool,
}

/// Whether proposal `p` is observed, in a live component.
fn on_p(d: &Design, p: usize, live: &[bool]) -> bool {
    d.proposal_comp[p] != NONE && live[d.proposal_comp[p] as usize]
}

/// Whether juror `j` is observed, in a live component.
fn on_j(d: &Design, j: usize, live: &[bool]) -> bool {
    d.juror_comp[j] != NONE && live[d.juror_comp[j] as usize]
}

/// Sets the biases `b` of the live components to the joint minimiser of biases and values at
/// the scales `a` and the pull (the value step that follows sets the values given them).
pub(super) fn joint_step(
    d: &Design,
    a: &[f64],
    live: &[bool],
    pull: &Pull<'_>,
    opts: &FitOptions,
    steps: usize,
    b: &mut [f64],
) -> Stop {
    let nc = d.n_comps;
    let per_p = proposal_terms(d, a, live, pull);
    let apply = |x: &[f64], live: &[bool]| apply_system(d, a, &per_p, x, live);
    let g = rhs_and_diagonal(d, a, live, &per_p);
    let minv: Vec<f64> = (0..d.n_jurors)
        .map(|j| match g[2 * j + 1] {
            x if x > 0.0 => 1.0 / x,
            _ => 0.0,
        })
        .collect();
    let comp_dot = |x: &[f64], y: &[f64], live: &[bool]| {
        d.comp_sum(true, |j| if on_j(d, j, live) { x[j] * y[j] } else { 0.0 })
    };
    // From the current biases: u = b / a, residual g − S u.
    let mut u: Vec<f64> = (0..d.n_jurors)
        .map(|j| if on_j(d, j, live) { b[j] / a[j] } else { 0.0 })
        .collect();
    let su = apply(&u, live);
    let gj: Vec<f64> = (0..d.n_jurors).map(|j| g[2 * j]).collect();
    let mut r: Vec<f64> = (0..d.n_jurors)
        .map(|j| if on_j(d, j, live) { gj[j] - su[j] } else { 0.0 })
        .collect();
    // Stop at `tolerance` × the norm of g, the residual from zero biases.
    let g0 = comp_dot(&gj, &gj, live);
    let tol2 = opts.tolerance * opts.tolerance;
    let rr = comp_dot(&r, &r, live);
    // Enough for this step: the residual down by REDUCTION, or at `tolerance` × ‖g‖.
    let enough: Vec<f64> = (0..nc)
        .map(|c| (tol2 * g0[c]).max(REDUCTION * REDUCTION * rr[c]))
        .collect();
    let going: Vec<bool> = (0..nc)
        .map(|c| live[c] && g0[c] > 0.0 && rr[c] > tol2 * g0[c])
        .collect();
    let cap = opts.max_iterations.min(steps);
    let solve = cg::Solve {
        apply: &apply,
        minv: &minv,
        enough: &enough,
        max_steps: cap,
    };
    let (steps, going) = cg::solve(d, &solve, going, &mut u, &mut r);
    // The biases; the value step that follows sets each value given them.
    for j in (0..d.n_jurors).filter(|&j| on_j(d, j, live)) {
        b[j] = a[j] * u[j];
    }
    let capped = steps == cap && going.contains(&true);
    let left = comp_dot(&r, &r, live);
    Stop {
        capped,
        steps,
        slow: capped && (0..nc).any(|c| going[c] && left[c] > SLOW * rr[c]),
    }
}

/// Per live proposal: `Ω_p + r_p`, and `c_p = (Σ ω z + r_p m) / (Ω_p + r_p)`, `ω z = w a y`.
fn proposal_terms(d: &Design, a: &[f64], live: &[bool], pull: &Pull<'_>) -> Vec<(f64, f64)> {
    let comp_of_p = |p: usize| (d.proposal_comp[p] != NONE).then(|| d.proposal_comp[p] as usize);
    let ridge = |p: usize| comp_of_p(p).map_or(0.0, |c| pull.strength[c] * d.proposal_weight[p]);
    let target = |p: usize| comp_of_p(p).map_or(0.0, |c| pull.mean[c]);
    let mut per_p = vec![(0.0, 0.0); d.n_proposals];
    d.per_proposal(&mut per_p, move |p, s, o| {
        if !on_p(d, p, live) {
            return;
        }
        let (mut omega, mut oz) = (0.0, 0.0);
        for k in 0..s.juror.len() {
            let aj = a[s.juror[k] as usize];
            omega += s.weight[k] * aj * aj;
            oz += s.weight[k] * aj * s.score[k];
        }
        let denom = omega + ridge(p);
        *o = (denom, (oz + ridge(p) * target(p)) / denom);
    });
    per_p
}

/// `S x`, over the live proposals (`x` per juror).
fn apply_system(d: &Design, a: &[f64], per_p: &[(f64, f64)], x: &[f64], live: &[bool]) -> Vec<f64> {
    d.juror_sums(1, move |p, s, acc| {
        if !on_p(d, p, live) {
            return;
        }
        let t = (0..s.juror.len())
            .map(|k| {
                let j = s.juror[k] as usize;
                s.weight[k] * a[j] * a[j] * x[j]
            })
            .sum::<f64>()
            / per_p[p].0;
        for k in 0..s.juror.len() {
            let j = s.juror[k] as usize;
            acc[j] += s.weight[k] * a[j] * a[j] * (x[j] - t);
        }
    })
}

/// Two sums per juror: `g_j = Σ_{i∈j} ω_i (z_i − c_p)`, and the diagonal of `S`:
/// `Σ ω − Σ_p N_pj² / (Ω_p + r_p)`.
fn rhs_and_diagonal(d: &Design, a: &[f64], live: &[bool], per_p: &[(f64, f64)]) -> Vec<f64> {
    d.juror_sums(2, move |p, s, acc| {
        if !on_p(d, p, live) {
            return;
        }
        let (denom, c) = per_p[p];
        let mut k = 0;
        while k < s.juror.len() {
            let j = s.juror[k] as usize;
            let mut n = 0.0;
            while k < s.juror.len() && s.juror[k] as usize == j {
                let omega = s.weight[k] * a[j] * a[j];
                acc[2 * j] += omega * (s.score[k] / a[j] - c);
                n += omega;
                k += 1;
            }
            acc[2 * j + 1] += n - n * n / denom;
        }
    })
}
