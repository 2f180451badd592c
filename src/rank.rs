//! Ranking: eligible proposals ordered by total, ties broken by a declared chain of rules.
//!
//! Totals within [`crate::tolerance::TIE`] of each other are tied. A tie is broken by the
//! first rule of the chain that separates the tied proposals, the rest of the chain breaking
//! what remains tied. Every tie a rule decided is recorded with the rule; proposals still equal
//! after every rule share a rank (competition ranking: 1, 2, 2, 4).

use std::fmt;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Serialize, Serializer};

use crate::aggregate::ProposalValues;
use crate::rubric::Rubric;
use crate::tolerance;

/// A tie-break rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TieRule {
    /// `criterion:<id>`: the higher value on this criterion first.
    Criterion(String),
    /// `consensus`: the lower spread among jurors first.
    Consensus,
    /// `reviews`: more valid reviews first.
    Reviews,
    /// `lottery`: a draw seeded by the award's seed, reproducible.
    Lottery,
}

impl TieRule {
    /// Parses a rule as written in `award.toml` or on the command line, checking criterion
    /// ids against the rubric.
    pub fn parse(text: &str, rubric: &Rubric) -> Result<TieRule, String> {
        match text.trim() {
            "consensus" => Ok(TieRule::Consensus),
            "reviews" => Ok(TieRule::Reviews),
            "lottery" => Ok(TieRule::Lottery),
            other => match other.strip_prefix("criterion:") {
                Some(id) if rubric.criterion_index(id.trim()).is_some() => {
                    Ok(TieRule::Criterion(id.trim().to_string()))
                }
                Some(id) => Err(unknown_criterion(id)),
                None => Err(
                    "unknown tie-break rule; expected criterion:<id>, consensus, reviews or lottery"
                        .to_string(),
                ),
            },
        }
    }
}

/// The problem with a tie-break rule on criterion `id`, which the rubric does not have.
pub(crate) fn unknown_criterion(id: &str) -> String {
    format!("tie-break rule names criterion '{id}', which the rubric does not have")
}

impl fmt::Display for TieRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TieRule::Criterion(id) => write!(f, "criterion:{id}"),
            TieRule::Consensus => f.write_str("consensus"),
            TieRule::Reviews => f.write_str("reviews"),
            TieRule::Lottery => f.write_str("lottery"),
        }
    }
}

impl Serialize for TieRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

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
    order.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
    let lottery = lottery_keys(values.len(), seed);
    let key = |rule: &TieRule, p: usize| -> f64 {
        match rule {
            TieRule::Criterion(id) => rubric
                .criterion_index(id)
                .and_then(|c| values[p].values[c])
                .unwrap_or(f64::NEG_INFINITY),
            TieRule::Consensus => -values[p].spread,
            TieRule::Reviews => values[p].reviews as f64,
            TieRule::Lottery => lottery[p],
        }
    };
    let mut ranking = Ranking {
        order: Vec::with_capacity(order.len()),
        rank: vec![None; values.len()],
        ties: Vec::new(),
    };
    for class in split(&order, total, true) {
        let mut resolved = Vec::new();
        resolve(class, rules, &key, &mut resolved, &mut ranking.ties);
        for group in resolved {
            let place = ranking.order.len() + 1;
            if group.len() > 1 {
                ranking.ties.push(Tie {
                    proposals: group.clone(),
                    rule: None,
                });
            }
            for p in group {
                ranking.rank[p] = Some(place);
                ranking.order.push(p);
            }
        }
    }
    ranking
}

/// Breaks a tied class with the first rule that separates it, recursing on what stays tied.
fn resolve(
    class: Vec<usize>,
    rules: &[TieRule],
    key: &impl Fn(&TieRule, usize) -> f64,
    out: &mut Vec<Vec<usize>>,
    ties: &mut Vec<Tie>,
) {
    let Some((rule, rest)) = rules.split_first() else {
        // Still equal after every rule: listed in id order, never in floating-point noise.
        let mut class = class;
        class.sort_unstable();
        out.push(class);
        return;
    };
    if class.len() == 1 {
        out.push(class);
        return;
    }
    let mut sorted = class;
    sorted.sort_by(|&a, &b| key(rule, b).total_cmp(&key(rule, a)));
    let exact = *rule == TieRule::Lottery;
    let groups = split(&sorted, |p| key(rule, p), !exact);
    if groups.len() > 1 {
        ties.push(Tie {
            proposals: sorted.clone(),
            rule: Some(rule.clone()),
        });
    }
    for group in groups {
        resolve(group, rest, key, out, ties);
    }
}

/// Splits a sorted list into runs of equal keys (up to the tie tolerance when `tolerant`).
fn split(sorted: &[usize], key: impl Fn(usize) -> f64, tolerant: bool) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &p in sorted {
        match groups.last_mut() {
            Some(g)
                if {
                    let (a, b) = (key(*g.last().unwrap_or(&p)), key(p));
                    if tolerant {
                        a == b || tolerance::same(a, b)
                    } else {
                        a == b
                    }
                } =>
            {
                g.push(p)
            }
            _ => groups.push(vec![p]),
        }
    }
    groups
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

    fn rubric() -> Rubric {
        Rubric::from_toml_str(
            "[rubric]\nscale = { min = 1, max = 5 }\n\
             [[rubric.criterion]]\nid = 'a'\nweight = 1\n\
             [[rubric.criterion]]\nid = 'b'\nweight = 1\n",
        )
        .unwrap()
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
            assert_eq!(TieRule::parse(text, &r).unwrap().to_string(), text);
        }
        assert!(TieRule::parse("criterion:zz", &r).is_err());
        assert!(TieRule::parse("coin", &r).is_err());
    }
}
