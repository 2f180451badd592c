//! Comparison of methods: the winners and ranks of one award under every correction method.
//!
//! A coordinator who must defend the winners in public wants to know which of them hold
//! whatever the method, and which depend on the choice of method.

use rayon::prelude::*;

use crate::award::Award;
use crate::ids::ProposalId;
use crate::outcome::{score_with, Outcome, Replay};
use crate::settings::Method;
use crate::winners::Winner;

/// The outcome of one award under every method.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Comparison {
    /// The methods, in [`Method::ALL`] order.
    pub methods: Vec<Method>,
    /// One outcome per method.
    pub outcomes: Vec<Outcome>,
    /// Proposals that win under every method, in the order of the award's own method.
    pub robust: Vec<ProposalId>,
}

impl Comparison {
    /// The outcome under `method`.
    pub fn outcome(&self, method: Method) -> &Outcome {
        let k = self.methods.iter().position(|&m| m == method).unwrap_or(0);
        &self.outcomes[k]
    }
}

/// Scores the award under every method (in parallel; the result does not depend on the
/// number of threads).
pub fn compare(award: &Award) -> Comparison {
    let methods = Method::ALL.to_vec();
    let outcomes: Vec<Outcome> = methods.par_iter().map(|&m| score_as(award, m)).collect();
    let own = methods
        .iter()
        .position(|&m| m == award.settings().method)
        .unwrap_or(0);
    let robust = outcomes[own]
        .winner_positions()
        .filter(|&p| {
            outcomes
                .iter()
                .all(|o| o.selection.winner[p] == Some(Winner::Yes))
        })
        .map(ProposalId::from)
        .collect();
    Comparison {
        methods,
        outcomes,
        robust,
    }
}

/// The winners under every method, first place first, in [`Method::ALL`] order; `own` is the
/// outcome under the award's own method (its settings' `method`), taken as it is, not scored
/// again. `bayes` is listed only when it is the award's own method: its sampler costs a few
/// tenths of a second on a small award and seconds on a large one, which every bundle would
/// otherwise pay (`jury compare` scores it). Only the winners are kept: at most one outcome
/// per thread is held at a time.
pub(crate) fn winners_by_method(award: &Award, own: &Outcome) -> Vec<(Method, Vec<ProposalId>)> {
    let chosen = award.settings().method;
    let methods: Vec<Method> = (Method::ALL.into_iter())
        .filter(|&m| m != Method::Bayes || m == chosen)
        .collect();
    // The statuses are the award's own (conflicts follow the award's own settings), and the
    // warnings are not worked out: only the winners are kept.
    let replay = Replay::statuses_of(own);
    methods
        .par_iter()
        .map(|&method| {
            let winners = if method == chosen {
                own.winners()
            } else {
                let mut settings = award.settings().clone();
                settings.method = method;
                replay.score_all(award, &settings).winners()
            };
            (method, winners)
        })
        .collect()
}

/// The award scored under `method`, its other settings as they are.
fn score_as(award: &Award, method: Method) -> Outcome {
    let mut settings = award.settings().clone();
    settings.method = method;
    score_with(award, &settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::Settings;

    #[test]
    fn a_winner_every_method_agrees_on_is_robust_and_a_method_dependent_one_is_not() {
        // P1 is best on every reading. P2 and P3 split: juror b is harsh (gives 1s) and reads
        // only P3; raw means put P2 second, methods that correct b's leniency put P3 second.
        let settings = Settings {
            winners: 2,
            ..Settings::default()
        };
        let scores = [
            ("a", "P1", 5.0),
            ("a", "P2", 3.0),
            ("a", "P3", 2.5),
            ("b", "P1", 3.0),
            ("b", "P3", 2.9),
            ("b", "P4", 1.0),
            ("c", "P1", 5.0),
            ("c", "P2", 3.1),
            ("c", "P4", 2.0),
        ];
        let award = testkit::single(testkit::one_criterion(1.0, 5.0), settings, &scores);
        let c = compare(&award);
        assert_eq!(c.outcomes.len(), Method::ALL.len());
        assert_eq!(
            c.robust,
            vec![ProposalId::from(0)],
            "P1 wins under every method"
        );
        let second = |m: Method| c.outcome(m).winners()[1].index();
        assert_eq!(
            second(Method::None),
            1,
            "raw means: P2 (3.05) over P3 (2.7)"
        );
        assert_ne!(
            (0..Method::ALL.len())
                .map(|k| c.outcomes[k].winners())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            1,
            "the methods must disagree on this award"
        );
    }

    #[test]
    fn the_bundles_winners_by_method_are_those_of_scoring_under_each_method() {
        // The shipped example: conflicts, a blank score, eligibility rules and caps. Each
        // method's winners as `winners_by_method` finds them (statuses shared, no warnings)
        // against a whole scoring under that method.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ineli-balkans-2016");
        let award = crate::load(std::path::Path::new(dir)).unwrap();
        let own = crate::score(&award);
        let listed = winners_by_method(&award, &own);
        assert_eq!(listed.len(), Method::ALL.len() - 1, "all but bayes");
        for (method, winners) in listed {
            assert_eq!(winners, score_as(&award, method).winners(), "{method}");
        }
    }
}
