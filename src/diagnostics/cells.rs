//! Sums over each (proposal, criterion) cell: the leave-one-out consensus of a score; and each
//! review's corrected weighted total, whose range says whether a proposal needs another reader.

use super::ProposalDiagnostics;
use std::cmp::Ordering;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use crate::award::index::Runs;
use crate::award::Award;
use crate::normalize::Correction;
use crate::tolerance;
use crate::util::number::number;
use rayon::prelude::*;

/// One cell's sum of corrected scores and count.
type CellSums = (f64, u32);

pub(super) struct Cells {
    proposals: usize,
    /// Σ corrected score and number of scores, per (criterion, proposal) cell: criterion
    /// `c`'s cells are `sums[c * proposals..(c + 1) * proposals]`.
    sums: Vec<CellSums>,
    /// Per proposal: how many complete reviews it has (a valid score on every criterion), and
    /// the lowest and highest of their corrected weighted totals, as [`Cells::review`] finds
    /// them: jurors are read in parallel, and a count, a least and a greatest do not depend
    /// on the order.
    reviews: Vec<Review>,
    /// Per criterion, the mean corrected score over the cells.
    means: Vec<f64>,
}

/// A proposal's complete reviews: their count, and the bits of the lowest and the highest
/// corrected weighted total.
struct Review {
    count: AtomicU32,
    low: AtomicU64,
    high: AtomicU64,
}

impl Cells {
    /// The cells of the scores for which `used(i)` holds, each criterion in one pass over its
    /// scores in the award's order: each cell's jurors in ascending order. No review yet.
    pub(super) fn new(
        award: &Award,
        runs: &Runs,
        used: impl Fn(usize) -> bool + Sync,
        correction: &Correction,
    ) -> Cells {
        let criteria = award.rubric().criteria.len();
        let proposals = award.proposals().len();
        let scores = award.scores();
        let corrected = &correction.corrected;
        let mut sums = vec![(0.0, 0); criteria * proposals];
        sums.par_chunks_mut(proposals.max(1))
            .enumerate()
            .for_each(|(c, cells)| {
                for i in runs.criterion(c).filter(|&i| used(i)) {
                    let cell = &mut cells[scores[i].proposal_index()];
                    cell.0 += corrected[i];
                    cell.1 += 1;
                }
            });
        let means = sums
            .chunks(proposals.max(1))
            .map(|cells| {
                let (sum, n) = cells
                    .iter()
                    .fold((0.0, 0u64), |(s, n), c| (s + c.0, n + c.1 as u64));
                if n > 0 {
                    sum / n as f64
                } else {
                    0.0
                }
            })
            .collect();
        let reviews = (0..proposals)
            .map(|_| Review {
                count: AtomicU32::new(0),
                low: AtomicU64::new(f64::INFINITY.to_bits()),
                high: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            })
            .collect();
        Cells {
            proposals,
            sums,
            reviews,
            means,
        }
    }

    /// Each criterion's mean corrected value over its valid scores (0 when it has none).
    pub(super) fn means(&self) -> &[f64] {
        &self.means
    }

    /// Takes in one juror's review of a proposal (their valid scores on it, in criterion
    /// order): when complete, its corrected weighted total, summed in criterion order.
    /// A NaN total counts as a review but is left out of the lowest and highest, and −0
    /// counts as below +0, so that the lowest and highest do not depend on the order in
    /// which reviews come.
    pub(super) fn review(&self, award: &Award, correction: &Correction, review: &[u32]) {
        let criteria = &award.rubric().criteria;
        if review.len() != criteria.len() {
            return;
        }
        let scores = award.scores();
        let weighted = |&i: &u32| {
            let i = i as usize;
            criteria[scores[i].criterion_index()].weight * correction.corrected[i]
        };
        let first = weighted(&review[0]);
        let total = review[1..].iter().fold(first, |t, i| t + weighted(i));
        let r = &self.reviews[scores[review[0] as usize].proposal_index()];
        r.count.fetch_add(1, Relaxed);
        if total.is_nan() {
            return;
        }
        let update = |bound: &AtomicU64, keep: Ordering| {
            let _ = bound.fetch_update(Relaxed, Relaxed, |bits| {
                (total.total_cmp(&f64::from_bits(bits)) == keep).then_some(total.to_bits())
            });
        };
        update(&r.low, Ordering::Less);
        update(&r.high, Ordering::Greater);
    }

    /// The leave-one-out consensus of valid score `i`: the mean of the other jurors'
    /// corrected scores on its cell, `None` when no other juror scored it.
    pub(super) fn others(&self, award: &Award, correction: &Correction, i: usize) -> Option<f64> {
        let s = &award.scores()[i];
        let cell = s.criterion_index() * self.proposals + s.proposal_index();
        let (sum, count) = self.sums[cell];
        let others = count.checked_sub(1).filter(|&n| n > 0)?;
        Some((sum - correction.corrected[i]) / others as f64)
    }

    /// Whether a proposal needs another reader: whether the corrected
    /// weighted totals of its complete reviews differ by more than `disagreement` × the width
    /// of the total's scale (Σ weight × criterion scale width). Corrected totals leave out
    /// what the method attributes to each juror's leniency and spread, so what remains is
    /// disagreement about the proposal itself.
    pub(super) fn proposal(&self, award: &Award, p: usize) -> ProposalDiagnostics {
        let share = award.settings().disagreement;
        let r = &self.reviews[p];
        let complete = r.count.load(Relaxed);
        let (low, high) = (
            f64::from_bits(r.low.load(Relaxed)),
            f64::from_bits(r.high.load(Relaxed)),
        );
        let width: f64 = award
            .rubric()
            .criteria
            .iter()
            .map(|c| c.weight * c.scale.width())
            .sum();
        let limit = share * width;
        let range = high - low;
        let needs_reader = (complete >= 2 && range > limit && !tolerance::same(range, limit))
            .then(|| {
                format!(
                    "its reviews' corrected totals differ by {} (from {} to {}), more than {} ({}% of the total's scale of {})",
                    number(range),
                    number(low),
                    number(high),
                    number(limit),
                    number(100.0 * share),
                    number(width)
                )
            });
        ProposalDiagnostics { needs_reader }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conflicts::Status;
    use crate::diagnostics::tests::{award, raw, ten};

    /// The bits of a proposal's lowest and highest review total, after taking in the reviews
    /// of the scores listed, in that order.
    fn bounds(award: &Award, order: &[u32]) -> (u64, u64, u32) {
        let outcome = crate::score_with(award, award.settings());
        let used = |i: usize| outcome.status[i] == Status::Used;
        let cells = Cells::new(award, &Runs::new(award), used, &outcome.correction);
        for &i in order {
            cells.review(award, &outcome.correction, &[i]);
        }
        let r = &cells.reviews[0];
        (
            r.low.load(Relaxed),
            r.high.load(Relaxed),
            r.count.load(Relaxed),
        )
    }

    #[test]
    fn the_lowest_and_highest_review_do_not_depend_on_the_order_reviews_come_in() {
        // Jurors a and b give -0 and +0 (equal numbers, different bits), c gives 0 as well.
        let award = award(
            ten(),
            raw(),
            &[("a", "p", &[-0.0]), ("b", "p", &[0.0]), ("c", "p", &[0.0])],
        );
        let want = ((-0.0f64).to_bits(), 0.0f64.to_bits(), 3);
        for order in [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]] {
            assert_eq!(bounds(&award, &order), want, "{order:?}");
        }
    }
}
