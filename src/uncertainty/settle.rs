//! A run without a juror under `affine` fitted to a looser tolerance first, its winners kept
//! when no place that decides them is anywhere near close.
//!
//! Only the winners of a run without a juror are reported, and the fit's last sweeps (from a
//! change of 10⁻⁶ of the scores' spread per sweep down to the tolerance of 10⁻¹⁰) move no
//! total by more than a few times 10⁻⁶ of the widest total. So the run is first fitted to
//! [`LOOSE`]'s tolerance, in at most its sweeps. When that fit converged and every two
//! neighbouring places down to the one below the runner-up are at least [`margin`] apart (100
//! times the tolerance times the widest total; the most a total moved on in the full fit over
//! the tests' runs was 3.5 such units), no place that decides the winners can change in the
//! last sweeps, and the first fit's winners are kept. Otherwise the run is fitted again to the
//! full tolerance. Thresholds and a pass total, which a value near its bar could cross, always
//! take the full fit. Derivation and measurements: docs/methods.md, "Runs without a juror in
//! two steps".

use crate::award::Award;
use crate::fit::FitOptions;
use crate::outcome::Outcome;
use crate::warnings::Warning;

/// The first fit: tolerance 10⁻⁶, at most 50 sweeps (one that needs more converges too
/// slowly for its last change to bound what is left, and is fitted again in full).
pub(super) const LOOSE: FitOptions = FitOptions {
    tolerance: 1e-6,
    max_iterations: 50,
    solver: crate::fit::Solver::Auto,
};

/// How far apart neighbouring places must be, as a multiple of the first fit's tolerance times
/// the widest possible total (Σ |weight| × the width of each criterion's scale).
const MARGIN: f64 = 100.0;

/// The least gap between two neighbouring places for the first fit's winners to stand.
pub(super) fn margin(award: &Award) -> f64 {
    let widest: f64 = (award.rubric().criteria.iter())
        .map(|c| c.weight.abs() * (c.scale.max - c.scale.min))
        .sum();
    MARGIN * LOOSE.tolerance * widest
}

/// Whether the winners of `outcome`, scored with the fit stopped at [`LOOSE`], are those of
/// the full fit: the fit converged, the rubric has no threshold or pass total, and every two
/// neighbouring places of the ranking, down to the one below the runner-up (all of it when
/// there is no runner-up), are at least [`margin`] apart.
pub(super) fn settled(award: &Award, outcome: &Outcome) -> bool {
    let rubric = award.rubric();
    if rubric.pass_total.is_some() || rubric.criteria.iter().any(|c| c.threshold.is_some()) {
        return false;
    }
    let warnings = &outcome.correction.warnings;
    if warnings
        .iter()
        .any(|w| matches!(w, Warning::NotConverged { .. }))
    {
        return false;
    }
    let order = &outcome.ranking.order;
    let upto = outcome
        .selection
        .runner_up
        .and_then(|r| order.iter().position(|&p| p == r))
        .map_or(order.len(), |k| (k + 2).min(order.len()));
    let total = |p: usize| outcome.values[p].total;
    let least = margin(award);
    order[..upto]
        .windows(2)
        .all(|w| match (total(w[0]), total(w[1])) {
            (Some(a), Some(b)) => a - b >= least,
            _ => false,
        })
}
