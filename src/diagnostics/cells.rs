//! Sums over each (proposal, criterion) cell: the leave-one-out consensus of a score; and each
//! review's corrected weighted total, whose range says whether a proposal needs another reader.

use super::ProposalDiagnostics;
use crate::aggregate::{ByJuror, Runs};
use crate::award::Award;
use crate::normalize::runs as runs_of;
use crate::normalize::Correction;
use crate::report::number;
use crate::tolerance;
use rayon::prelude::*;

/// One cell's sum of corrected scores and count.
type CellSums = (f64, u32);

pub(super) struct Cells {
    proposals: usize,
    /// Σ corrected score and number of scores, per (criterion, proposal) cell: criterion
    /// `c`'s cells are `sums[c * proposals..(c + 1) * proposals]`.
    sums: Vec<CellSums>,
    /// Per proposal: how many complete reviews it has (a valid score on every criterion), and
    /// the lowest and highest of their corrected weighted totals.
    reviews: Vec<(u32, f64, f64)>,
}

impl Cells {
    /// The cells of the scores for which `used(i)` holds, as `mine` lists them by juror.
    pub(super) fn new(
        award: &Award,
        runs: &Runs,
        mine: &ByJuror,
        used: impl Fn(usize) -> bool + Sync,
        correction: &Correction,
    ) -> Cells {
        let criteria = award.rubric().criteria.len();
        let proposals = award.proposals().len();
        let scores = award.scores();
        let corrected = &correction.corrected;
        // Each criterion in one pass over its scores, in the award's order: each cell's
        // jurors in ascending order.
        let mut sums = vec![(0.0, 0); criteria * proposals];
        sums.par_chunks_mut(proposals.max(1))
            .enumerate()
            .for_each(|(c, cells)| {
                for i in runs.criterion(c).filter(|&i| used(i)) {
                    let cell = &mut cells[scores[i].proposal()];
                    cell.0 += corrected[i];
                    cell.1 += 1;
                }
            });
        // Each review's corrected weighted total, summed in criterion order; a review is a run
        // of one proposal in a juror's list.
        let weights: Vec<f64> = award.rubric().criteria.iter().map(|c| c.weight).collect();
        let mut reviews = vec![(0, f64::INFINITY, f64::NEG_INFINITY); proposals];
        for j in 0..award.jurors().len() {
            let list = mine.of(j);
            for run in runs_of(list.len(), |k| scores[list[k] as usize].proposal()) {
                let review = &list[run];
                if review.len() != criteria {
                    continue;
                }
                let weighted =
                    |&i: &u32| weights[scores[i as usize].criterion()] * corrected[i as usize];
                let first = weighted(&review[0]);
                let total = review[1..].iter().fold(first, |t, i| t + weighted(i));
                let r = &mut reviews[scores[review[0] as usize].proposal()];
                r.0 += 1;
                r.1 = r.1.min(total);
                r.2 = r.2.max(total);
            }
        }
        Cells {
            proposals,
            sums,
            reviews,
        }
    }

    /// The leave-one-out consensus of valid score `i`: the mean of the other jurors'
    /// corrected scores on its cell, `None` when no other juror scored it.
    pub(super) fn others(&self, award: &Award, correction: &Correction, i: usize) -> Option<f64> {
        let s = &award.scores()[i];
        let cell = s.criterion() * self.proposals + s.proposal();
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
        let (complete, low, high) = self.reviews[p];
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
                    "its reviews' corrected totals differ by {} (from {} to {}), more than {}% of the total's scale ({})",
                    number(range),
                    number(low),
                    number(high),
                    number(100.0 * share),
                    number(limit)
                )
            });
        ProposalDiagnostics { needs_reader }
    }
}
