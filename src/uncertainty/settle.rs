//! A run without a juror under `affine` fitted to a looser tolerance first, its winners kept
//! when no place that decides them is anywhere near close.
//!
//! Only the winners of a run without a juror are reported, and the fit's last sweeps, from a
//! change of 10⁻⁷ of the scores' spread per sweep down to the tolerance of 10⁻¹⁰, move the
//! totals only a little. So the run is first fitted to [`LOOSE`]'s tolerance, in at most its
//! sweeps. When that fit converged and every two neighbouring places down to the one below the
//! runner-up are at least [`margin`] apart (2,000 times the tolerance times the widest total,
//! plus the tie tolerance), its winners are kept; otherwise the run is fitted again to the
//! full tolerance. Thresholds and a pass total, which a value near its bar could cross, always
//! take the full fit.
//!
//! This is a measured safety factor, not a proof: the stopping test bounds one sweep's change,
//! not what is left. On deliberately weak designs (a few panels barely joined, two reads) the
//! totals' moves between the first fit and the full one spread over up to 201 units of the
//! tolerance times the widest total; the margin is 2,000 such units, and
//! `settle_tests::the_first_fit_is_far_closer_to_the_full_fit_than_the_margin` asserts at
//! most 1,000. Measurements: docs/methods.md, "Runs without a juror in two steps".

use crate::award::Award;
use crate::fit::FitOptions;
use crate::outcome::Outcome;
use crate::tolerance::TIE;
use crate::warnings::Warning;

/// The first fit: tolerance 10⁻⁷, at most 50 sweeps (one that needs more converges too
/// slowly for its last change to say much of what is left, and is fitted again in full).
pub(super) const LOOSE: FitOptions = FitOptions {
    tolerance: 1e-7,
    max_iterations: 50,
    solver: crate::fit::Solver::Auto,
};

/// How far apart neighbouring places must be, as a multiple of the first fit's tolerance times
/// the widest possible total (Σ |weight| × the width of each criterion's scale).
pub(super) const MARGIN: f64 = 2000.0;

/// The least gap between two neighbouring places for the first fit's winners to stand, before
/// the tie tolerance: [`MARGIN`] units of the first fit's tolerance times the widest total.
pub(super) fn margin(award: &Award) -> f64 {
    let widest: f64 = (award.rubric().criteria.iter())
        .map(|c| c.weight.abs() * (c.scale.max - c.scale.min))
        .sum();
    MARGIN * LOOSE.tolerance * widest
}

/// Whether the winners of `outcome`, scored with the fit stopped at [`LOOSE`], are taken for
/// those of the full fit: the fit converged, the rubric has no threshold or pass total, and
/// every two neighbouring places of the ranking, down to the one below the runner-up (all of
/// it when there is no runner-up), are at least [`margin`] apart, plus twice the tie
/// tolerance of their size (so that the full fit cannot tie them either).
pub(super) fn settled(award: &Award, outcome: &Outcome) -> bool {
    if award.rubric().has_bars() {
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
            (Some(a), Some(b)) => a - b >= least + 2.0 * TIE * a.abs().max(b.abs()).max(1.0),
            _ => false,
        })
}
