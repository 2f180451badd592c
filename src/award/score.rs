//! One score, packed into 16 bytes.

use std::fmt;

use crate::ids::{CriterionId, JurorId, ProposalId};
use crate::limits::{JUROR_BITS, MAX_JURORS};

/// One score as given: a juror's score of one proposal on one criterion.
///
/// 16 bytes, so that a million scores take 16 MB: the criterion and the juror share one
/// 32-bit number (hence at most [`MAX_CRITERIA`](crate::limits::MAX_CRITERIA) criteria and
/// [`MAX_JURORS`] jurors), and a blank cell is held as NaN, which no score can be.
#[derive(Clone, Copy)]
pub struct Score {
    /// The criterion's index in the top 8 bits, the juror's in the low 24: sorting by it
    /// sorts by criterion, then juror.
    pub(super) who: u32,
    pub(super) proposal: u32,
    pub(super) raw: f64,
}

impl Score {
    /// A score; `criterion` below [`MAX_CRITERIA`](crate::limits::MAX_CRITERIA) and `juror`
    /// below [`MAX_JURORS`] (the builder refuses awards beyond them, so other bits are never
    /// read).
    pub(super) fn new(criterion: usize, juror: u32, proposal: u32, raw: Option<f64>) -> Score {
        Score {
            who: (criterion as u32) << JUROR_BITS | (juror & (MAX_JURORS as u32 - 1)),
            proposal,
            raw: raw.unwrap_or(f64::NAN),
        }
    }
    /// The juror who gave the score.
    pub fn juror(&self) -> JurorId {
        JurorId::from(self.juror_index())
    }
    /// The proposal scored.
    pub fn proposal(&self) -> ProposalId {
        ProposalId::from(self.proposal_index())
    }
    /// The criterion scored.
    pub fn criterion(&self) -> CriterionId {
        CriterionId::from(self.criterion_index())
    }
    /// The juror's position in [`Award::jurors`](super::Award::jurors).
    pub(crate) fn juror_index(&self) -> usize {
        (self.who & (MAX_JURORS as u32 - 1)) as usize
    }
    /// The proposal's position in [`Award::proposals`](super::Award::proposals).
    pub(crate) fn proposal_index(&self) -> usize {
        self.proposal as usize
    }
    /// The criterion's position in the rubric.
    pub(crate) fn criterion_index(&self) -> usize {
        (self.who >> JUROR_BITS) as usize
    }
    /// The score as given; `None` for a blank cell (a missing score).
    pub fn raw(&self) -> Option<f64> {
        (!self.raw.is_nan()).then_some(self.raw)
    }
    /// (criterion, juror, proposal) as one number.
    pub(super) fn key(&self) -> u64 {
        (self.who as u64) << 32 | self.proposal as u64
    }
}

impl PartialEq for Score {
    fn eq(&self, other: &Score) -> bool {
        self.key() == other.key() && self.raw() == other.raw()
    }
}

impl fmt::Debug for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Score")
            .field("juror", &self.juror_index())
            .field("proposal", &self.proposal)
            .field("criterion", &self.criterion_index())
            .field("raw", &self.raw())
            .finish()
    }
}
