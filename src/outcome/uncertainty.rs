//! What the bootstrap and the leave-one-juror-out runs found ([`crate::uncertainty::estimate`]
//! computes it), kept with the outcome.

use super::Outcome;
use crate::ids::{JurorId, ProposalId};

/// What the bootstrap and the leave-one-juror-out runs found.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertainty {
    /// Replicates run.
    pub(crate) replicates: usize,
    /// Per proposal: the share of replicates in which it is a winner.
    pub(crate) p_winner: Vec<f64>,
    /// Per proposal: a 90% interval of its rank over the replicates in which it is ranked.
    pub(crate) rank: Vec<Option<(usize, usize)>>,
    /// Per proposal: a 90% interval of its total over the replicates in which it has one.
    pub(crate) total: Vec<Option<(f64, f64)>>,
    /// The last winning place and how often it holds.
    pub(crate) cut: Option<Cut>,
    /// Per juror: the winners when that juror's scores are left out (best first).
    pub(crate) without: Vec<Vec<ProposalId>>,
}

/// The last winning place: the last winner, the first proposal below it that the caps would
/// have let win, and how often the winner stays ahead.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Cut {
    /// The last winner.
    pub last_winner: ProposalId,
    /// The first proposal below the winners that the caps would have let win.
    pub runner_up: ProposalId,
    /// The share of replicates in which the last winner ranks above the runner-up (ties
    /// count half); read in words by [`cut_reading`].
    pub holds: f64,
}

impl Uncertainty {
    /// Bootstrap replicates run (0 when only the leave-one-juror-out runs were made).
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// The share of replicates in which the proposal is a winner.
    pub fn p_winner(&self, p: ProposalId) -> f64 {
        self.p_winner[p.index()]
    }

    /// A 90% interval of the proposal's rank over the replicates in which it is ranked;
    /// `None` when it is never eligible.
    pub fn rank_interval(&self, p: ProposalId) -> Option<(usize, usize)> {
        self.rank[p.index()]
    }

    /// A 90% interval of the proposal's total over the replicates in which it has one.
    pub fn total_interval(&self, p: ProposalId) -> Option<(f64, f64)> {
        self.total[p.index()]
    }

    /// The last winning place and how often its order holds; `None` without a runner-up.
    pub fn cut(&self) -> Option<Cut> {
        self.cut
    }

    /// The winners when the juror's scores are left out, best first.
    pub fn without(&self, j: JurorId) -> &[ProposalId] {
        &self.without[j.index()]
    }

    /// Jurors whose absence changes the set of winners.
    pub fn decisive_jurors(&self, outcome: &Outcome) -> Vec<JurorId> {
        let mut winners = outcome.winners();
        winners.sort_unstable();
        (0..self.without.len())
            .filter(|&j| {
                let mut w = self.without[j].clone();
                w.sort_unstable();
                w != winners
            })
            .map(JurorId::from)
            .collect()
    }
}

/// How decided the cut is, in words, from the probability that its order holds.
pub fn cut_reading(p: f64) -> &'static str {
    match p {
        p if p >= 0.95 => "decided",
        p if p >= 0.6 => "likely but not certain",
        p if p > 0.4 => "too close to call",
        _ => "more often reversed than not",
    }
}
