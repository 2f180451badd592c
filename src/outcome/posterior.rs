//! A sampled method's outcome from its posterior: the criterion values and totals are
//! posterior means, and each posterior draw is ranked and its winners selected as the point
//! outcome was (the same eligibility, tie-break chain and caps), for the probabilities.

use rayon::prelude::*;

use super::uncertainty::{interval, Cut, Uncertainty};
use crate::aggregate::ProposalValues;
use crate::award::Award;
use crate::eligibility::Ineligible;
use crate::fit::Posterior;
use crate::ids::ProposalId;
use crate::rank::{self, Ranking};
use crate::rubric::Rubric;
use crate::settings::Settings;
use crate::winners::{self, Selection, Winner};

/// Sets each criterion value that aggregation found (a proposal with a valid score on the
/// criterion) to its posterior mean, and each total to Σ weight × value.
pub(super) fn apply(values: &mut [ProposalValues], posterior: &Posterior, rubric: &Rubric) {
    let c = posterior.criteria;
    for (p, v) in values.iter_mut().enumerate() {
        for (k, value) in v.values.iter_mut().enumerate() {
            if value.is_some() {
                *value = Some(posterior.value[p * c + k]);
            }
        }
        v.total = v
            .values
            .iter()
            .zip(&rubric.criteria)
            .map(|(v, k)| v.map(|v| k.weight * v))
            .sum::<Option<f64>>();
    }
}

/// The point outcome the draws are compared with.
pub(super) struct Scored<'a> {
    pub award: &'a Award,
    pub settings: &'a Settings,
    pub values: &'a [ProposalValues],
    pub ineligible: &'a [Vec<Ineligible>],
    pub ranking: &'a Ranking,
    pub selection: &'a Selection,
}

/// What one draw keeps: whether each proposal wins, and its rank (0 when unranked).
struct Draw {
    winner: Vec<bool>,
    rank: Vec<u32>,
}

/// The uncertainty of the point outcome from the posterior: per proposal the share of draws
/// in which it is a winner, 90% intervals of its rank and of its total over the draws, and
/// how often the last winner ranks above the runner-up. Eligibility is the point outcome's
/// (a threshold is checked once, on the posterior means). No leave-one-juror-out runs are
/// made ([`Uncertainty::without`] is empty). The draws are ranked in parallel and combined in
/// draw order: the numbers do not depend on the number of threads.
pub(super) fn uncertainty(scored: &Scored<'_>, posterior: &Posterior) -> Uncertainty {
    let n = scored.values.len();
    let eligible: Vec<bool> = scored.ineligible.iter().map(Vec::is_empty).collect();
    let rubric = scored.award.rubric();
    let draws: Vec<Draw> = (0..posterior.draws())
        .into_par_iter()
        .map_init(
            || scored.values.to_vec(),
            |values, d| {
                for (v, &t) in values.iter_mut().zip(posterior.draw(d)) {
                    v.total = v.total.map(|_| t);
                }
                let s = scored.settings;
                let ranking = rank::rank(values, &eligible, rubric, &s.tie_break, s.seed);
                let selection = winners::select(scored.award, &ranking, s);
                Draw {
                    winner: selection
                        .winner
                        .iter()
                        .map(|w| *w == Some(Winner::Yes))
                        .collect(),
                    rank: ranking
                        .rank
                        .iter()
                        .map(|r| r.map_or(0, |r| r as u32))
                        .collect(),
                }
            },
        )
        .collect();
    let m = draws.len();
    let mut p_winner = vec![0.0; n];
    let mut ranks = vec![None; n];
    let mut totals = vec![None; n];
    for p in 0..n {
        p_winner[p] = draws.iter().filter(|d| d.winner[p]).count() as f64 / m as f64;
        let mut r: Vec<usize> = (draws.iter())
            .filter(|d| d.rank[p] > 0)
            .map(|d| d.rank[p] as usize)
            .collect();
        r.sort_unstable();
        ranks[p] = interval(&r);
        if scored.values[p].total.is_some() {
            let mut t: Vec<f64> = (0..m).map(|d| posterior.draw(d)[p]).collect();
            t.sort_by(f64::total_cmp);
            totals[p] = interval(&t);
        }
    }
    Uncertainty {
        replicates: m,
        p_winner,
        rank: ranks,
        total: totals,
        cut: cut(scored, &draws),
        without: Vec::new(),
        posterior: true,
    }
}

/// The last winner, the runner-up and the share of draws in which the winner ranks above
/// it (a tie, or neither ranked, counts half).
fn cut(scored: &Scored<'_>, draws: &[Draw]) -> Option<Cut> {
    let sel = scored.selection;
    let w = (scored.ranking.order.iter().copied())
        .rev()
        .find(|&p| sel.winner[p] == Some(Winner::Yes))?;
    let r = sel.runner_up?;
    let holds: f64 = draws
        .iter()
        .map(|d| match (d.rank[w], d.rank[r]) {
            (0, 0) => 0.5,
            (_, 0) => 1.0,
            (0, _) => 0.0,
            (a, b) if a < b => 1.0,
            (a, b) if a == b => 0.5,
            _ => 0.0,
        })
        .sum();
    Some(Cut {
        last_winner: ProposalId::from(w),
        runner_up: ProposalId::from(r),
        holds: holds / draws.len().max(1) as f64,
    })
}
