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
    /// Per juror: the winners when that juror's scores are left out (best first); empty
    /// when those runs were not made.
    pub(crate) without: Vec<Vec<ProposalId>>,
    /// Whether the probabilities are a sampled method's posterior (`replicates` then counts
    /// its draws), not a bootstrap's.
    pub(crate) posterior: bool,
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
    /// Bootstrap replicates run (0 when only the leave-one-juror-out runs were made), or
    /// the posterior draws of a sampled method ([`Uncertainty::is_posterior`]).
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// Whether the probabilities and intervals come from a sampled method's posterior
    /// (`bayes`) rather than a bootstrap over reviews.
    pub fn is_posterior(&self) -> bool {
        self.posterior
    }

    /// Whether the leave-one-juror-out runs were made ([`Uncertainty::without`]).
    pub fn has_without(&self) -> bool {
        !self.without.is_empty()
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

    /// The winners when the juror's scores are left out, best first; empty when those runs
    /// were not made ([`Uncertainty::has_without`]).
    pub fn without(&self, j: JurorId) -> &[ProposalId] {
        self.without.get(j.index()).map_or(&[], Vec::as_slice)
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

/// The share of replicates (or posterior draws) kept out of each end of an interval: 5%, for
/// a 90% interval.
pub const INTERVAL_TAIL: f64 = 0.05;

/// The empirical 5% and 95% quantiles of sorted values: the values at positions
/// ⌊0.05 m⌋ and ⌈0.95 m⌉ − 1 of m.
pub(crate) fn interval<T: Copy>(sorted: &[T]) -> Option<(T, T)> {
    let m = sorted.len();
    if m == 0 {
        return None;
    }
    let lo = ((INTERVAL_TAIL * m as f64).floor() as usize).min(m - 1);
    let hi = (((1.0 - INTERVAL_TAIL) * m as f64).ceil() as usize).clamp(1, m) - 1;
    Some((sorted[lo], sorted[hi.max(lo)]))
}
