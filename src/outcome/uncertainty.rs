//! What the bootstrap and the leave-one-juror-out runs found ([`crate::uncertainty::estimate`]
//! computes it), kept with the outcome.

use super::Outcome;

/// What the bootstrap and the leave-one-juror-out runs found.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertainty {
    /// Replicates run.
    pub replicates: usize,
    /// Per proposal: the share of replicates in which it is a winner.
    pub p_winner: Vec<f64>,
    /// Per proposal: a 90% interval of its rank over the replicates in which it is ranked
    /// (`None` when it is never eligible).
    pub rank: Vec<Option<(usize, usize)>>,
    /// Per proposal: a 90% interval of its total over the replicates in which it has one.
    pub total: Vec<Option<(f64, f64)>>,
    /// The last winner, the first eligible proposal below it, and the share of replicates in
    /// which the winner ranks above it (ties count half).
    pub cut: Option<(usize, usize, f64)>,
    /// Per juror: the winners when that juror's scores are left out (best first).
    pub without: Vec<Vec<usize>>,
}

impl Uncertainty {
    /// Jurors whose absence changes the set of winners.
    pub fn decisive_jurors(&self, outcome: &Outcome) -> Vec<usize> {
        let mut winners = outcome.winners();
        winners.sort_unstable();
        (0..self.without.len())
            .filter(|&j| {
                let mut w = self.without[j].clone();
                w.sort_unstable();
                w != winners
            })
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
