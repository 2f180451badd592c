//! Ranking: eligible proposals ordered by total, ties broken by a declared chain of rules.
//!
//! Totals within [`crate::tolerance::TIE`] of each other are tied. A tie is broken by the
//! first rule of the chain that separates the tied proposals, the rest of the chain breaking
//! what remains tied. Every tie a rule decided is recorded with the rule; proposals still equal
//! after every rule share a rank (competition ranking: 1, 2, 2, 4).

use std::ops::Range;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::aggregate::ProposalValues;
use crate::rubric::Rubric;
use crate::tie_rule::TieRule;
use crate::tolerance;

/// A tie in the totals, and how it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Tie {
    /// The tied proposals, in the order decided.
    pub proposals: Vec<usize>,
    /// The rule that separated them, or `None` when they remain equal.
    pub rule: Option<TieRule>,
}

/// The ranking of the eligible proposals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ranking {
    /// Eligible proposals, best first.
    pub order: Vec<usize>,
    /// Each proposal's rank (competition ranking), `None` when not eligible.
    pub rank: Vec<Option<usize>>,
    /// Every tie met on the way, in ranking order.
    pub ties: Vec<Tie>,
}

/// Ranks the eligible proposals (`eligible[p]`) by total, breaking ties with `rules`.
pub fn rank(
    values: &[ProposalValues],
    eligible: &[bool],
    rubric: &Rubric,
    rules: &[TieRule],
    seed: u64,
) -> Ranking {
    let total = |p: usize| values[p].total.unwrap_or(f64::NEG_INFINITY);
    let mut order: Vec<usize> = (0..values.len()).filter(|&p| eligible[p]).collect();
    // Ids are distinct, so the order is total and an unstable sort gives the same list.
    order.sort_unstable_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
    // Each rule's key of every proposal, worked out once.
    let keys: Vec<Vec<f64>> = rules
        .iter()
        .map(|rule| match rule {
            TieRule::Criterion(id) => {
                let c = rubric.criterion_index(id);
                values
                    .iter()
                    .map(|v| c.and_then(|c| v.values[c]).unwrap_or(f64::NEG_INFINITY))
                    .collect()
            }
            TieRule::Consensus => values.iter().map(|v| -v.spread).collect(),
            TieRule::Reviews => values.iter().map(|v| v.reviews as f64).collect(),
            TieRule::Lottery => lottery_keys(values.len(), seed),
        })
        .collect();
    let mut ranking = Ranking {
        order: Vec::new(),
        rank: vec![None; values.len()],
        ties: Vec::new(),
    };
    // Each class of tied totals is put in order where it stands; `leaves` are the places of
    // the groups that end up equal, one rank each.
    let mut leaves: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let end = run_end(&order, start, total, true);
        leaves.clear();
        let class = &mut order[start..end];
        resolve(class, start, rules, &keys, &mut leaves, &mut ranking.ties);
        for group in &leaves {
            if group.len() > 1 {
                ranking.ties.push(Tie {
                    proposals: order[group.clone()].to_vec(),
                    rule: None,
                });
            }
            for &p in &order[group.clone()] {
                ranking.rank[p] = Some(group.start + 1);
            }
        }
        start = end;
    }
    ranking.order = order;
    ranking
}

/// Breaks a tied class, which stands at place `at` of the ranking, with the first rule that
/// separates it (`keys[k]` is rule `k`'s key of each proposal), recursing on what stays
/// tied; the class is put in the order decided, and the places of the groups left equal are
/// pushed to `leaves`.
fn resolve(
    class: &mut [usize],
    at: usize,
    rules: &[TieRule],
    keys: &[Vec<f64>],
    leaves: &mut Vec<Range<usize>>,
    ties: &mut Vec<Tie>,
) {
    let (Some((rule, rest)), Some((key, rest_keys))) = (rules.split_first(), keys.split_first())
    else {
        // Still equal after every rule: listed in id order, never in floating-point noise.
        class.sort_unstable();
        leaves.push(at..at + class.len());
        return;
    };
    if class.len() == 1 {
        leaves.push(at..at + 1);
        return;
    }
    // Stable: what a rule leaves equal stays in the order it came in.
    class.sort_by(|&a, &b| key[b].total_cmp(&key[a]));
    let tolerant = *rule != TieRule::Lottery;
    let key_of = |p: usize| key[p];
    if run_end(class, 0, key_of, tolerant) < class.len() {
        ties.push(Tie {
            proposals: class.to_vec(),
            rule: Some(rule.clone()),
        });
    }
    let mut start = 0;
    while start < class.len() {
        let end = run_end(class, start, key_of, tolerant);
        resolve(
            &mut class[start..end],
            at + start,
            rest,
            rest_keys,
            leaves,
            ties,
        );
        start = end;
    }
}

/// The end of the run of equal keys (up to the tie tolerance when `tolerant`) that starts at
/// `start` in a sorted list: each proposal is compared with the one before it.
fn run_end(sorted: &[usize], start: usize, key: impl Fn(usize) -> f64, tolerant: bool) -> usize {
    let mut end = start + 1;
    while end < sorted.len() {
        let (a, b) = (key(sorted[end - 1]), key(sorted[end]));
        if !(a == b || tolerant && tolerance::same(a, b)) {
            break;
        }
        end += 1;
    }
    end
}

/// One reproducible draw per proposal (in id order) from the seed: the lottery's keys.
fn lottery_keys(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    fn rubric() -> Rubric {
        testkit::criteria(1.0, 5.0, &[("a", 1.0), ("b", 1.0)])
    }

    fn p(a: f64, b: f64, reviews: usize, spread: f64) -> ProposalValues {
        ProposalValues {
            values: vec![Some(a), Some(b)],
            total: Some(a + b),
            reviews,
            spread,
        }
    }

    #[test]
    fn totals_order_the_ranking_and_equal_totals_share_a_rank_without_rules() {
        let v = vec![
            p(3.0, 3.0, 3, 0.0),
            p(4.0, 4.0, 3, 0.0),
            p(2.0, 4.0, 3, 0.0),
            p(1.0, 1.0, 3, 0.0),
        ];
        let r = rank(&v, &[true; 4], &rubric(), &[], 0);
        assert_eq!(r.order, vec![1, 0, 2, 3]);
        assert_eq!(r.rank, vec![Some(2), Some(1), Some(2), Some(4)]);
        assert_eq!(
            r.ties,
            vec![Tie {
                proposals: vec![0, 2],
                rule: None
            }]
        );
    }

    #[test]
    fn the_first_rule_that_separates_decides_and_is_recorded() {
        // Totals tie at 6; criterion a ties too (3 vs 3); consensus decides: lower spread first.
        let v = vec![p(3.0, 3.0, 3, 0.8), p(3.0, 3.0, 4, 0.2)];
        let rules = [
            TieRule::Criterion("a".into()),
            TieRule::Consensus,
            TieRule::Reviews,
        ];
        let r = rank(&v, &[true, true], &rubric(), &rules, 0);
        assert_eq!(r.order, vec![1, 0]);
        assert_eq!(r.rank, vec![Some(2), Some(1)]);
        assert_eq!(
            r.ties,
            vec![Tie {
                proposals: vec![1, 0],
                rule: Some(TieRule::Consensus)
            }]
        );
    }

    #[test]
    fn totals_equal_up_to_rounding_are_tied() {
        let v = vec![
            ProposalValues {
                total: Some(0.1 + 0.2),
                ..p(0.0, 0.0, 3, 0.0)
            },
            ProposalValues {
                total: Some(0.3),
                ..p(1.0, 0.0, 3, 0.0)
            },
        ];
        let r = rank(
            &v,
            &[true, true],
            &rubric(),
            &[TieRule::Criterion("a".into())],
            0,
        );
        assert_eq!(r.order, vec![1, 0]);
    }

    #[test]
    fn the_lottery_is_reproducible_from_the_seed_and_always_decides() {
        let v = vec![p(3.0, 3.0, 3, 0.0); 6];
        let a = rank(&v, &[true; 6], &rubric(), &[TieRule::Lottery], 2016);
        let b = rank(&v, &[true; 6], &rubric(), &[TieRule::Lottery], 2016);
        assert_eq!(a, b);
        assert_eq!(
            a.rank.iter().flatten().copied().collect::<Vec<_>>().len(),
            6
        );
        let mut ranks: Vec<usize> = a.rank.iter().flatten().copied().collect();
        ranks.sort();
        assert_eq!(ranks, vec![1, 2, 3, 4, 5, 6]);
        let other = (0..20).map(|s| rank(&v, &[true; 6], &rubric(), &[TieRule::Lottery], s).order);
        assert!(
            other.collect::<std::collections::BTreeSet<_>>().len() > 1,
            "seeds must matter"
        );
    }

    #[test]
    fn ineligible_proposals_are_not_ranked() {
        let v = vec![p(5.0, 5.0, 3, 0.0), p(1.0, 1.0, 3, 0.0)];
        let r = rank(&v, &[false, true], &rubric(), &[], 0);
        assert_eq!(r.order, vec![1]);
        assert_eq!(r.rank, vec![None, Some(1)]);
    }

    #[test]
    fn rules_parse_and_print_with_one_spelling() {
        let r = rubric();
        for text in ["criterion:a", "consensus", "reviews", "lottery"] {
            assert_eq!(r.tie_rule(text).unwrap().to_string(), text);
        }
        assert!(r.tie_rule("criterion:zz").is_err());
        assert!(r.tie_rule("coin").is_err());
    }
}
