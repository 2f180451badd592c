//! Sums over each (proposal, criterion) cell: the leave-one-out consensus of a score, and the
//! range of a proposal's reviews (does it need another reader?).

use super::ProposalDiagnostics;
use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::Correction;
use crate::report::number;
use crate::tolerance;

/// Sums over each (proposal, criterion) cell of the valid scores.
pub(super) struct Cells {
    criteria: usize,
    /// Σ corrected score, number of scores, lowest and highest raw score.
    sum: Vec<f64>,
    count: Vec<u32>,
    low: Vec<f64>,
    high: Vec<f64>,
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
        };
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
        }
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

    /// A proposal's ranges and whether it needs another reader.
    pub(super) fn proposal(&self, award: &Award, p: usize) -> ProposalDiagnostics {
        let share = award.settings().disagreement;
        let mut ranges = Vec::with_capacity(self.criteria);
        let mut beyond = Vec::new();
        for (c, criterion) in award.rubric().criteria.iter().enumerate() {
            let cell = p * self.criteria + c;
            if self.count[cell] == 0 {
                ranges.push(None);
                continue;
            }
            let (low, high) = (self.low[cell], self.high[cell]);
            ranges.push(Some((low, high)));
            let limit = share * criterion.scale.width();
            let range = high - low;
            if range > limit && !tolerance::same(range, limit) {
                beyond.push(format!(
                    "{} ({} to {}: {} > {})",
                    criterion.id,
                    number(low),
                    number(high),
                    number(range),
                    number(limit)
                ));
            }
        }
        let needs_reader = (!beyond.is_empty()).then(|| {
            format!(
                "its reviews differ by more than {}% of the scale width on {}",
                number(100.0 * share),
                beyond.join(", ")
            )
        });
        ProposalDiagnostics {
            ranges,
            needs_reader,
        }
    }
}
