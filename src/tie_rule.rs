//! Tie-break rules: how a chain of rules is written in `award.toml`, a rubric or on the
//! command line, and what makes a chain wrong.

use std::fmt;

use serde::{Serialize, Serializer};

/// A tie-break rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    /// Parses a rule as written in `award.toml`, a rubric or on the command line, `known`
    /// saying which criterion ids exist ([`crate::Rubric::tie_rule`] checks them against a
    /// rubric; a rubric still being read has only their ids).
    pub fn parse_with(text: &str, known: impl Fn(&str) -> bool) -> Result<TieRule, String> {
        match text.trim() {
            "consensus" => Ok(TieRule::Consensus),
            "reviews" => Ok(TieRule::Reviews),
            "lottery" => Ok(TieRule::Lottery),
            other => match other.strip_prefix("criterion:") {
                Some(id) if known(id.trim()) => {
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

/// What is wrong with a chain of tie-break rules as a whole: a rule given twice, or one
/// after `lottery` (which separates every tie, so no later rule ever decides anything); for
/// each such rule, its text and why. Each rule's own form is [`TieRule::parse_with`]'s to judge.
pub(crate) fn chain_problems(rules: &[String]) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut after_lottery = false;
    for rule in rules {
        let key = rule.trim().to_lowercase();
        if after_lottery {
            problems.push((
                rule.clone(),
                "a rule after lottery never decides anything: lottery separates every tie; put it before lottery or drop it",
            ));
        } else if seen.contains(&key) {
            problems.push((
                rule.clone(),
                "this tie-break rule is given twice; the second time it can decide nothing",
            ));
        }
        after_lottery |= key == "lottery";
        seen.push(key);
    }
    problems
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
