//! Sums over each (proposal, criterion) cell: the leave-one-out consensus of a score; and each
//! review's corrected weighted total, whose range says whether a proposal needs another reader.

use super::ProposalDiagnostics;
use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::Correction;
use crate::report::number;
use crate::tolerance;
use rustc_hash::FxHashMap;

/// Sums over each (proposal, criterion) cell of the valid scores.
pub(super) struct Cells {
    criteria: usize,
    /// Σ corrected score, number of scores, lowest and highest raw score.
    sum: Vec<f64>,
    count: Vec<u32>,
    low: Vec<f64>,
    high: Vec<f64>,
    /// The corrected weighted totals of each proposal's complete reviews (reviews with a
    /// valid score on every criterion): `totals[start[p]..start[p + 1]]`.
    totals: Vec<f64>,
    start: Vec<usize>,
}

impl Cells {
    pub(super) fn new(award: &Award, status: &[Status], correction: &Correction) -> Cells {
        let criteria = award.rubric().criteria.len();
        let n = award.proposals().len() * criteria;
        let mut cells = Cells {
            criteria,
            sum: vec![0.0; n],
            count: vec![0; n],
            low: vec![f64::INFINITY; n],
            high: vec![f64::NEG_INFINITY; n],
            totals: Vec::new(),
            start: Vec::new(),
        };
        // (proposal, juror) → Σ weight × corrected, criteria scored; summed in criterion order.
        let mut reviews: FxHashMap<(u32, u32), (f64, usize)> = FxHashMap::default();
        for (i, s) in award.scores().iter().enumerate() {
            if status[i] != Status::Used {
                continue;
            }
            let cell = s.proposal() * criteria + s.criterion();
            let raw = s.raw().unwrap_or(0.0);
            cells.sum[cell] += correction.corrected[i];
            cells.count[cell] += 1;
            cells.low[cell] = cells.low[cell].min(raw);
            cells.high[cell] = cells.high[cell].max(raw);
            let weight = award.rubric().criteria[s.criterion()].weight;
            let review = reviews
                .entry((s.proposal() as u32, s.juror() as u32))
                .or_default();
            review.0 += weight * correction.corrected[i];
            review.1 += 1;
        }
        let mut complete: Vec<(u32, u32, f64)> = reviews
            .into_iter()
            .filter(|(_, (_, k))| *k == criteria)
            .map(|((p, j), (total, _))| (p, j, total))
            .collect();
        complete.sort_unstable_by_key(|r| (r.0, r.1));
        cells.start = vec![0; award.proposals().len() + 1];
        for r in &complete {
            cells.start[r.0 as usize + 1] += 1;
        }
        for p in 0..award.proposals().len() {
            cells.start[p + 1] += cells.start[p];
        }
        cells.totals = complete.into_iter().map(|r| r.2).collect();
        cells
    }

    /// The leave-one-out consensus of valid score `i`: the mean of the other jurors'
    /// corrected scores on its cell, `None` when no other juror scored it.
    pub(super) fn others(&self, award: &Award, correction: &Correction, i: usize) -> Option<f64> {
        let s = &award.scores()[i];
        let cell = s.proposal() * self.criteria + s.criterion();
        let others = self.count[cell].checked_sub(1).filter(|&n| n > 0)?;
        Some((self.sum[cell] - correction.corrected[i]) / others as f64)
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
                (self.count[cell] > 0).then(|| (self.low[cell], self.high[cell]))
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
