//! What an outcome found, proposal by proposal and score by score, through typed ids.

use super::{Outcome, Uncertainty};
use crate::aggregate::ProposalValues;
use crate::conflicts::Status;
use crate::diagnostics::Diagnostics;
use crate::eligibility::Ineligible;
use crate::ids::{CriterionId, ProposalId};
use crate::normalize::Correction;
use crate::rank::Ranking;
use crate::warnings::Warning;
use crate::winners::{Selection, Winner};

impl Outcome {
    /// What became of each score (used, conflict, invalid, missing), in
    /// [`crate::Award::scores`] order.
    pub fn statuses(&self) -> &[Status] {
        &self.status
    }

    /// The proposal's total, Σ weight × criterion value; `None` when a criterion has no
    /// valid score.
    pub fn total(&self, p: ProposalId) -> Option<f64> {
        self.values[p.index()].total
    }

    /// The proposal's value on a criterion; `None` when no valid score was given on it.
    pub fn value(&self, p: ProposalId, c: CriterionId) -> Option<f64> {
        self.values[p.index()].values[c.index()]
    }

    /// The proposal's valid reviews.
    pub fn reviews(&self, p: ProposalId) -> usize {
        self.values[p.index()].reviews
    }

    /// The proposal's place in the ranking (1 for the first; equal proposals share a place),
    /// `None` when it is not eligible.
    pub fn rank(&self, p: ProposalId) -> Option<usize> {
        self.ranking.rank[p.index()]
    }

    /// Whether the proposal is a winner, tied for the last winning place, or passed over for
    /// a cap; `None` when it is none of these.
    pub fn winner(&self, p: ProposalId) -> Option<Winner> {
        self.selection.winner[p.index()]
    }

    /// Why the proposal is not eligible, every failed condition; empty when it is eligible.
    pub fn ineligible(&self, p: ProposalId) -> &[Ineligible] {
        &self.ineligible[p.index()]
    }

    /// Everything a coordinator must know, from every stage, in the order the reports list it.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Per juror agreement and flags, per proposal whether it needs another reader (empty
    /// from [`crate::score_with`]).
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// How sure the winner list is, when it was estimated.
    pub fn uncertainty(&self) -> Option<&Uncertainty> {
        self.uncertainty.as_ref()
    }

    /// Keeps the uncertainty estimated for this outcome
    /// ([`crate::advanced::uncertainty::estimate`]), for the reports.
    pub fn set_uncertainty(&mut self, uncertainty: Uncertainty) {
        self.uncertainty = Some(uncertainty);
    }

    /// Every proposal's aggregation: criterion values, total, reviews and spread, by
    /// position.
    pub fn proposal_values(&self) -> &[ProposalValues] {
        &self.values
    }

    /// The corrected scores and every juror's effect on every criterion.
    pub fn correction(&self) -> &Correction {
        &self.correction
    }

    /// The ranking of the eligible proposals, with every tie and the rule that decided it.
    pub fn ranking(&self) -> &Ranking {
        &self.ranking
    }

    /// The winners' selection under the caps, with the runner-up at the cut.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}
