//! Sums over each (proposal, criterion) cell: the leave-one-out consensus of a score; and each
//! review's corrected weighted total, whose range says whether a proposal needs another reader.

use super::ProposalDiagnostics;
use crate::aggregate::ByProposal;
use crate::award::Award;
use crate::normalize::Correction;
use crate::report::number;
use crate::tolerance;
use rayon::prelude::*;

/// Sums over each (proposal, criterion) cell of the valid scores.
/// One cell's sum of corrected scores, count, and lowest and highest raw score.
type CellSums = (f64, u32, f64, f64);

pub(super) struct Cells {
    criteria: usize,
    /// Σ corrected score, number of scores, lowest and highest raw score.
    /// Per (proposal, criterion) cell.
    sums: Vec<CellSums>,
    /// The corrected weighted totals of each proposal's complete reviews (reviews with a
    /// valid score on every criterion): `totals[start[p]..start[p + 1]]`.
    totals: Vec<f64>,
    start: Vec<usize>,
}

impl Cells {
    /// The cells of the valid scores, listed by `index`.
    pub(super) fn new(award: &Award, index: &ByProposal, correction: &Correction) -> Cells {
        let criteria = award.rubric().criteria.len();
        let scores = award.scores();
        let weights: Vec<f64> = award.rubric().criteria.iter().map(|c| c.weight).collect();
        // Each proposal on its own, in parallel: its cells, and the weighted total of each
        // complete review (every criterion scored), summed in criterion order.
        let per_proposal = |p: usize, cells: &mut [CellSums]| -> Vec<f64> {
            let mut reviews: Vec<(u32, f64, usize)> = Vec::new();
            for (c, weight) in weights.iter().enumerate() {
                let (mut sum, mut low, mut high) = (0.0, f64::INFINITY, f64::NEG_INFINITY);
                let cell = index.cell(p, c);
                for &i in cell {
                    let (s, corrected) = (&scores[i as usize], correction.corrected[i as usize]);
                    let raw = s.raw().unwrap_or(0.0);
                    sum += corrected;
                    low = low.min(raw);
                    high = high.max(raw);
                    let juror = s.juror() as u32;
                    match reviews.iter_mut().find(|r| r.0 == juror) {
                        Some(r) => {
                            r.1 += weight * corrected;
                            r.2 += 1;
                        }
                        None => reviews.push((juror, weight * corrected, 1)),
                    }
                }
                cells[c] = (sum, cell.len() as u32, low, high);
            }
            reviews.sort_unstable_by_key(|r| r.0);
            reviews
                .iter()
                .filter(|r| r.2 == criteria)
                .map(|r| r.1)
                .collect()
        };
        let mut sums =
            vec![(0.0, 0, f64::INFINITY, f64::NEG_INFINITY); award.proposals().len() * criteria];
        let totals: Vec<Vec<f64>> = sums
            .par_chunks_mut(criteria.max(1))
            .enumerate()
            .with_min_len(256)
            .map(|(p, cells)| per_proposal(p, cells))
            .collect();
        let mut start = Vec::with_capacity(totals.len() + 1);
        start.push(0);
        for t in &totals {
            start.push(start[start.len() - 1] + t.len());
        }
        Cells {
            criteria,
            sums,
            totals: totals.concat(),
            start,
        }
    }

    /// The leave-one-out consensus of valid score `i`: the mean of the other jurors'
    /// corrected scores on its cell, `None` when no other juror scored it.
    pub(super) fn others(&self, award: &Award, correction: &Correction, i: usize) -> Option<f64> {
        let s = &award.scores()[i];
        let cell = s.proposal() * self.criteria + s.criterion();
        let (sum, count, _, _) = self.sums[cell];
        let others = count.checked_sub(1).filter(|&n| n > 0)?;
        Some((sum - correction.corrected[i]) / others as f64)
    }

    /// A proposal's ranges and whether it needs another reader: whether the corrected
    /// weighted totals of its complete reviews differ by more than `disagreement` × the width
    /// of the total's scale (Σ weight × criterion scale width). Corrected totals leave out
    /// what the method attributes to each juror's leniency and spread, so what remains is
    /// disagreement about the proposal itself.
    pub(super) fn proposal(&self, award: &Award, p: usize) -> ProposalDiagnostics {
        let share = award.settings().disagreement;
        let ranges = (0..self.criteria)
            .map(|c| {
                let cell = p * self.criteria + c;
                let (_, count, low, high) = self.sums[cell];
                (count > 0).then_some((low, high))
            })
            .collect();
        let totals = &self.totals[self.start[p]..self.start[p + 1]];
        let (low, high) = totals
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| {
                (lo.min(t), hi.max(t))
            });
        let width: f64 = award
            .rubric()
            .criteria
            .iter()
            .map(|c| c.weight * c.scale.width())
            .sum();
        let limit = share * width;
        let range = high - low;
        let needs_reader = (totals.len() >= 2 && range > limit && !tolerance::same(range, limit))
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
        ProposalDiagnostics {
            ranges,
            needs_reader,
        }
    }
}
