//! Winners: the top N eligible proposals, honouring `max_per` caps.
//!
//! The ranking is walked from the top. A proposal whose attribute value (its country, say)
//! already has as many winners as its cap allows is passed over, with the reason. Proposals
//! that share a rank compete for the places left as one group: when there are more of them
//! than places, none is named a winner — they are `tied`, and the result says so loudly,
//! because a tool must not pick among equals silently.

use std::collections::BTreeMap;
use std::fmt;

use crate::award::Award;
use crate::rank::Ranking;
use crate::settings::Settings;
use crate::warnings::Warning;

/// Whether a proposal wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Winner {
    /// A winner.
    Yes,
    /// Not a winner.
    No,
    /// Equal with others for the last winning places: the jury must decide.
    Tied,
}

impl Winner {
    /// The word reports use: `yes`, `no` or `tied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Winner::Yes => "yes",
            Winner::No => "no",
            Winner::Tied => "tied",
        }
    }
}

impl fmt::Display for Winner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The winners and what happened on the way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Per proposal.
    pub winner: Vec<Option<Winner>>,
    /// Per proposal, why it was passed over for a cap (empty when it was not).
    pub passed_over: Vec<Option<String>>,
    /// Warnings about the winner list.
    pub warnings: Vec<Warning>,
}

/// Names up to `settings.winners` winners from the ranking, under `settings.max_per`.
pub fn select(award: &Award, ranking: &Ranking, settings: &Settings) -> Selection {
    let proposals = award.proposals();
    let n = settings.winners;
    let caps = &settings.max_per;
    let mut selection = Selection {
        winner: vec![Some(Winner::No); proposals.len()],
        passed_over: vec![None; proposals.len()],
        warnings: Vec::new(),
    };
    for p in 0..proposals.len() {
        if ranking.rank[p].is_none() {
            selection.winner[p] = None;
        }
    }
    let mut count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut slots = n;
    let mut last_winner = None;
    let mut runner_up = None;
    let mut i = 0;
    while i < ranking.order.len() {
        let rank = ranking.rank[ranking.order[i]];
        let class: Vec<usize> = ranking.order[i..]
            .iter()
            .copied()
            .take_while(|&p| ranking.rank[p] == rank)
            .collect();
        i += class.len();
        if slots == 0 {
            runner_up = runner_up.or(Some(class[0]));
            continue;
        }
        let mut candidates = Vec::new();
        for &p in &class {
            let full = caps.iter().find_map(|(attribute, &cap)| {
                let value = proposals.attribute(p, attribute)?;
                (count
                    .get(&(attribute.as_str(), value))
                    .copied()
                    .unwrap_or(0)
                    >= cap)
                    .then_some((attribute, value, cap))
            });
            match full {
                Some((attribute, value, cap)) => {
                    selection.passed_over[p] = Some(format!(
                        "passed over: {cap} winner{} already from {attribute} {value} (max_per)",
                        if cap == 1 { "" } else { "s" }
                    ));
                    selection.warnings.push(Warning::PassedOver {
                        proposal: proposals.id(p).to_string(),
                        attribute: attribute.clone(),
                        value: value.to_string(),
                        cap,
                    });
                }
                None => candidates.push(p),
            }
        }
        let mut after = count.clone();
        for &p in &candidates {
            for attribute in caps.keys() {
                if let Some(value) = proposals.attribute(p, attribute) {
                    *after.entry((attribute.as_str(), value)).or_default() += 1;
                }
            }
        }
        let within_caps = after
            .iter()
            .all(|((attribute, _), &k)| k <= caps[*attribute]);
        if candidates.len() <= slots && within_caps {
            for &p in &candidates {
                selection.winner[p] = Some(Winner::Yes);
                last_winner = Some(p);
            }
            slots -= candidates.len();
            count = after;
        } else if !candidates.is_empty() {
            for &p in &candidates {
                selection.winner[p] = Some(Winner::Tied);
            }
            selection.warnings.push(Warning::TieAtCut {
                proposals: candidates
                    .iter()
                    .map(|&p| proposals.id(p).to_string())
                    .collect(),
                places: slots,
            });
            slots = 0;
        }
    }
    let tie_at_cut = selection
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::TieAtCut { .. }));
    if let (Some(w), Some(r), false) = (last_winner, runner_up, tie_at_cut) {
        let decided = ranking
            .ties
            .iter()
            .rev()
            .find(|t| t.proposals.contains(&w) && t.proposals.contains(&r));
        if let Some(rule) = decided.and_then(|t| t.rule.as_ref()) {
            selection.warnings.push(Warning::CutDecidedByRule {
                winner: proposals.id(w).to_string(),
                runner_up: proposals.id(r).to_string(),
                rule: rule.to_string(),
            });
        }
    }
    let eligible = ranking.order.len();
    if eligible < n {
        selection.warnings.push(Warning::FewerEligible {
            eligible,
            winners: n,
        });
    }
    selection
}
