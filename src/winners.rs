//! Winners: the top N eligible proposals, honouring `max_per` caps.
//!
//! The ranking is walked from the top. A proposal whose attribute value (its country, say)
//! already has as many winners as its cap allows is passed over, with the reason. Proposals
//! that share a rank compete for the places left as one group: as many of them win as the
//! places and caps allow together; one that wins in every such choice is a winner, and the
//! others are `tied`, and the result says so loudly, because a tool must not pick among
//! equals silently.

use std::collections::BTreeMap;
use std::fmt;

use crate::award::Award;
use crate::rank::Ranking;
use crate::settings::Settings;
use crate::warnings::Warning;

/// Whether a proposal wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    /// Per proposal, the cap it was passed over for (`None` when it was not).
    pub passed_over: Vec<Option<PassedOver>>,
    /// Warnings about the winner list.
    pub warnings: Vec<Warning>,
    /// The first proposal below the winners that the caps would have let win: the one the
    /// last winning place was decided against.
    pub runner_up: Option<usize>,
}

/// A proposal that would have won, passed over because a `max_per` cap was reached. It prints
/// as the reports write it: `passed over: 2 winners already from country RS (max_per)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PassedOver {
    /// The capped attribute.
    pub attribute: String,
    /// The proposal's value of it.
    pub value: String,
    /// The cap, reached by the winners above.
    pub cap: usize,
}

impl fmt::Display for PassedOver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let PassedOver {
            attribute,
            value,
            cap,
        } = self;
        write!(
            f,
            "passed over: {cap} winner{} already from {attribute} {value} (max_per)",
            if *cap == 1 { "" } else { "s" }
        )
    }
}

/// Names up to `settings.winners` winners from the ranking, under `settings.max_per`.
pub fn select(award: &Award, ranking: &Ranking, settings: &Settings) -> Selection {
    let proposals = award.proposals();
    let n = settings.winners;
    let caps = &settings.max_per;
    let mut selection = Selection::none_yet(proposals.len(), ranking);
    let mut count: Counts<'_> = BTreeMap::new();
    // The cap an attribute value of proposal `p` has reached, if any.
    let full = |count: &Counts<'_>, p: usize| {
        caps.iter().find_map(|(attribute, &cap)| {
            let value = proposals.attribute(p, attribute)?;
            let k = count.get(&key(attribute, value)).copied();
            (k.unwrap_or(0) >= cap).then_some((attribute, value, cap))
        })
    };
    let mut slots = n;
    let mut last_winner = None;
    let mut i = 0;
    let mut candidates = Vec::new();
    // Once no place is left, nothing below is named or passed over.
    while i < ranking.order.len() && slots > 0 {
        let rank = ranking.rank[ranking.order[i]];
        let tied = ranking.order[i..].iter();
        let class = &ranking.order[i..i + tied.take_while(|&&p| ranking.rank[p] == rank).count()];
        i += class.len();
        candidates.clear();
        for &p in class {
            match full(&count, p) {
                Some(reached) => pass_over(&mut selection, award, p, reached),
                None => candidates.push(p),
            }
        }
        if candidates.is_empty() {
            continue;
        }
        let places = Places::of(&candidates, slots, &count, caps, award);
        if let Some(p) = name_places(&mut selection, award, &places) {
            last_winner = Some(p);
        }
        slots -= places.taken;
        match places.after {
            Some(after) => count = after,
            // Which of the tied proposals the jury names decides what the caps leave for
            // the proposals below them: no place is given past this class.
            None => slots = 0,
        }
    }
    // The first proposal below the last winner that could have taken its place: not a
    // winner, and not kept out by a cap.
    if let Some(w) = last_winner {
        let below = ranking.order.iter().skip_while(|&&p| p != w).skip(1);
        selection.runner_up = below.copied().find(|&p| {
            selection.winner[p] != Some(Winner::Yes)
                && selection.passed_over[p].is_none()
                && full(&count, p).is_none()
        });
    }
    warn_cut_decided_by_rule(&mut selection, award, ranking, last_winner);
    let eligible = ranking.order.len();
    if eligible < n {
        selection.warnings.push(Warning::FewerEligible {
            eligible,
            winners: n,
        });
    }
    selection
}

impl Selection {
    /// No winner yet among `proposals`: each ranked one is not a winner, and each unranked
    /// one is neither.
    fn none_yet(proposals: usize, ranking: &Ranking) -> Selection {
        let mut selection = Selection {
            winner: vec![Some(Winner::No); proposals],
            passed_over: vec![None; proposals],
            warnings: Vec::new(),
            runner_up: None,
        };
        for p in 0..proposals {
            if ranking.rank[p].is_none() {
                selection.winner[p] = None;
            }
        }
        selection
    }
}

/// Marks `p` passed over, its `(attribute, value, cap)` having reached its cap, and warns.
fn pass_over(selection: &mut Selection, award: &Award, p: usize, reached: (&String, &str, usize)) {
    let (attribute, value, cap) = reached;
    selection.passed_over[p] = Some(PassedOver {
        attribute: attribute.clone(),
        value: value.to_string(),
        cap,
    });
    selection.warnings.push(Warning::PassedOver {
        proposal: award.proposals().id(p).to_string(),
        attribute: attribute.clone(),
        value: value.to_string(),
        cap,
    });
}

/// Names a class's places: its certain winners win; its tied proposals are `tied`, with a
/// warning. Returns the last certain winner, if any.
fn name_places(selection: &mut Selection, award: &Award, places: &Places<'_>) -> Option<usize> {
    let mut last = None;
    for &p in &places.certain {
        selection.winner[p] = Some(Winner::Yes);
        last = Some(p);
    }
    if !places.tied.is_empty() {
        for &p in &places.tied {
            selection.winner[p] = Some(Winner::Tied);
        }
        selection.warnings.push(Warning::TieAtCut {
            proposals: places
                .tied
                .iter()
                .map(|&p| award.proposals().id(p).to_string())
                .collect(),
            places: places.tied_places,
        });
    }
    last
}

/// Warns when a tie-break rule decided the last winning place between the last winner and
/// the runner-up. A tie the jury must decide below the last winner took the last places, and
/// then no rule decided them; one above it (a cap-limited tie that left places for those
/// below) did not.
fn warn_cut_decided_by_rule(
    selection: &mut Selection,
    award: &Award,
    ranking: &Ranking,
    last_winner: Option<usize>,
) {
    let at = |p: usize| ranking.order.iter().position(|&q| q == p);
    let last_at = last_winner.and_then(at);
    let tie_at_cut = (0..award.proposals().len())
        .filter(|&p| selection.winner[p] == Some(Winner::Tied))
        .any(|p| at(p) > last_at);
    if let (Some(w), Some(r), false) = (last_winner, selection.runner_up, tie_at_cut) {
        let decided = ranking
            .ties
            .iter()
            .rev()
            .find(|t| t.proposals.contains(&w) && t.proposals.contains(&r));
        if let Some(rule) = decided.and_then(|t| t.rule.as_ref()) {
            let proposals = award.proposals();
            selection.warnings.push(Warning::CutDecidedByRule {
                winner: proposals.id(w).to_string(),
                runner_up: proposals.id(r).to_string(),
                rule: rule.to_string(),
            });
        }
    }
}

/// A capped attribute and one of its values, in lower case: values match in any letter
/// case (`RS` is `rs`).
type Key<'a> = (&'a str, String);

/// The key of an attribute's value.
fn key<'a>(attribute: &'a str, value: &str) -> Key<'a> {
    // Folded as every comparison ignoring case folds (`crate::util::text::same_ignoring_case`).
    (attribute, crate::util::text::fold(value).collect())
}

/// Winners so far per value of a capped attribute.
type Counts<'a> = BTreeMap<Key<'a>, usize>;

/// How a class of equal proposals (each within its caps so far) shares the places left.
#[derive(Debug, PartialEq)]
struct Places<'a> {
    /// Those that win whichever of the others the jury names.
    certain: Vec<usize>,
    /// Those among which the jury must name `tied_places` winners.
    tied: Vec<usize>,
    tied_places: usize,
    /// The places the class takes, whoever the jury names.
    taken: usize,
    /// The winners per capped value after the class, when they do not depend on whom the
    /// jury names.
    after: Option<Counts<'a>>,
}

/// The largest class whose every choice is tried, when more than one attribute is capped.
const MAX_TRIED: usize = 16;

impl<'a> Places<'a> {
    /// The places `slots` left shared by the `candidates`, under `caps` with `count`
    /// winners so far: as many of them win as the places and caps allow together; one that
    /// is in every largest choice of winners is certain, and the others of some largest
    /// choice are tied for the rest.
    fn of(
        candidates: &[usize],
        slots: usize,
        count: &Counts<'a>,
        caps: &'a BTreeMap<String, usize>,
        award: &'a Award,
    ) -> Places<'a> {
        let proposals = award.proposals();
        let values =
            |p: usize| (caps.keys()).filter_map(move |a| Some(key(a, proposals.attribute(p, a)?)));
        let add = |count: &mut Counts<'a>, chosen: &[usize]| {
            for &p in chosen {
                for key in values(p) {
                    *count.entry(key).or_default() += 1;
                }
            }
        };
        let within = |count: &Counts<'_>| count.iter().all(|((a, _), &k)| k <= caps[*a]);
        let mut all = count.clone();
        add(&mut all, candidates);
        if candidates.len() <= slots && within(&all) {
            return Places {
                certain: candidates.to_vec(),
                tied: Vec::new(),
                tied_places: 0,
                taken: candidates.len(),
                after: Some(all),
            };
        }
        if caps.len() <= 1 {
            return Places::one_cap(candidates, slots, count, caps, award);
        }
        if candidates.len() > MAX_TRIED {
            // Too many choices to try: every one is tied for the places left.
            return Places::all_tied(candidates, slots);
        }
        // Every choice of winners among the candidates, as a bit set.
        let choice = |mask: u32| -> Vec<usize> {
            (0..candidates.len())
                .filter(|k| mask >> k & 1 == 1)
                .map(|k| candidates[k])
                .collect()
        };
        let mut best: Vec<(u32, Counts<'a>)> = Vec::new();
        let mut most = 0;
        for mask in 0..1u32 << candidates.len() {
            let chosen = choice(mask);
            if chosen.len() > slots || chosen.len() < most {
                continue;
            }
            let mut after = count.clone();
            add(&mut after, &chosen);
            if !within(&after) {
                continue;
            }
            if chosen.len() > most {
                most = chosen.len();
                best.clear();
            }
            best.push((mask, after));
        }
        let every = best.iter().fold(u32::MAX, |m, b| m & b.0);
        let some = best.iter().fold(0, |m, b| m | b.0);
        if some != (1 << candidates.len()) - 1 {
            // One that no largest choice holds is equal with the winners all the same: the
            // jury decides among them all.
            return Places::all_tied(candidates, most);
        }
        let certain = choice(every);
        let tied = choice(some & !every);
        let same = best.windows(2).all(|w| w[0].1 == w[1].1);
        Places {
            tied_places: most - certain.len(),
            certain,
            tied,
            taken: most,
            after: same.then(|| best.swap_remove(0).1),
        }
    }

    /// [`Places::of`] under at most one capped attribute: its values share out the places
    /// as far as their caps let them.
    fn one_cap(
        candidates: &[usize],
        slots: usize,
        count: &Counts<'a>,
        caps: &'a BTreeMap<String, usize>,
        award: &'a Award,
    ) -> Places<'a> {
        let proposals = award.proposals();
        // The candidates by value of the capped attribute (`None`: not capped), with the
        // places each value has left.
        let mut groups: BTreeMap<Option<Key<'a>>, (Vec<usize>, usize)> = BTreeMap::new();
        for &p in candidates {
            let capped = caps.iter().find_map(|(a, &cap)| {
                let value = proposals.attribute(p, a)?;
                Some((key(a, value), cap))
            });
            let left = capped.as_ref().map_or(usize::MAX, |(key, cap)| {
                cap - count.get(key).copied().unwrap_or(0)
            });
            groups
                .entry(capped.map(|(key, _)| key))
                .or_insert((Vec::new(), left))
                .0
                .push(p);
        }
        let possible: usize = groups.values().map(|(g, left)| g.len().min(*left)).sum();
        if possible > slots {
            // The places run out before the caps do: any candidate may be left out.
            return Places::all_tied(candidates, slots);
        }
        // The caps bind: each value takes as many as its cap allows, whoever they are.
        let (mut certain, mut tied, mut tied_places) = (Vec::new(), Vec::new(), 0);
        let mut after = count.clone();
        for (key, (group, left)) in &groups {
            if group.len() <= *left {
                certain.extend(group);
            } else {
                tied.extend(group);
                tied_places += left;
            }
            if let Some(key) = key {
                *after.entry(key.clone()).or_default() += group.len().min(*left);
            }
        }
        // In ranking order, as the class came.
        let order = |p: &usize| candidates.iter().position(|q| q == p);
        certain.sort_by_key(order);
        tied.sort_by_key(order);
        Places {
            certain,
            tied,
            tied_places,
            taken: possible,
            after: Some(after),
        }
    }

    /// Every candidate tied for `places` places; no place is given past them.
    fn all_tied(candidates: &[usize], places: usize) -> Places<'a> {
        Places {
            certain: Vec::new(),
            tied: candidates.to_vec(),
            tied_places: places,
            taken: places,
            after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::Settings;

    /// The winner column of an award of one criterion, one score per proposal, proposals
    /// `(id, country, region, score)`, no tie-break rule (equal totals share a rank),
    /// `winners` places and the caps `max_per`; with the selection's runner-up.
    fn select_for(
        proposals: &[(&str, &str, &str, f64)],
        winners: usize,
        max_per: &[(&str, usize)],
    ) -> (Vec<(String, Winner)>, Option<String>, Vec<Warning>) {
        let rubric = testkit::one_criterion(0.0, 10.0);
        let settings = Settings {
            winners,
            tie_break: Vec::new(),
            max_per: max_per.iter().map(|&(a, k)| (a.to_string(), k)).collect(),
            ..Settings::default()
        };
        let scores: Vec<_> = proposals.iter().map(|&(p, _, _, x)| ("j", p, x)).collect();
        let mut b = testkit::single_builder(rubric, settings, &scores);
        for &(p, country, region, _) in proposals {
            b.proposal(p, p, &[("country", country), ("region", region)]);
        }
        let award = b.build().unwrap();
        let outcome = crate::score_with(&award, award.settings());
        let s = &outcome.selection;
        let ids = award.proposals();
        let winners = (0..ids.len())
            .map(|p| (ids.id(p).to_string(), s.winner[p].unwrap()))
            .collect();
        let runner_up = s.runner_up.map(|p| ids.id(p).to_string());
        (winners, runner_up, s.warnings.clone())
    }

    fn column(winners: &[(String, Winner)]) -> Vec<Winner> {
        winners.iter().map(|w| w.1).collect()
    }

    use Winner::{No, Tied, Yes};

    #[test]
    fn a_tie_that_a_cap_limits_competes_for_the_places_the_cap_leaves_and_no_more() {
        // P1 and P2 (both A, cap 1) tie for 2 places. Only one of them
        // can win: they compete for 1 place, and P3 wins whichever the jury names.
        let (w, runner_up, warnings) = select_for(
            &[
                ("P1", "A", "x", 5.0),
                ("P2", "A", "x", 5.0),
                ("P3", "B", "x", 4.0),
                ("P4", "C", "x", 3.0),
            ],
            2,
            &[("country", 1)],
        );
        assert_eq!(column(&w), [Tied, Tied, Yes, No]);
        assert_eq!(runner_up.as_deref(), Some("P4"));
        assert!(warnings
            .iter()
            .any(|w| matches!(w, Warning::TieAtCut { places: 1, .. })));
        // Three-way: P3 (B) wins whichever of P1 and P2 the jury names.
        let (w, _, _) = select_for(
            &[
                ("P1", "A", "x", 5.0),
                ("P2", "A", "x", 5.0),
                ("P3", "B", "x", 5.0),
                ("P4", "C", "x", 3.0),
            ],
            2,
            &[("country", 1)],
        );
        assert_eq!(column(&w), [Tied, Tied, Yes, No]);
    }

    #[test]
    fn when_the_places_run_out_before_the_caps_every_one_of_the_class_is_tied() {
        // Two places, three equal proposals the caps would all allow: any one may be left
        // out, and nothing is left for P4.
        let (w, _, warnings) = select_for(
            &[
                ("P1", "A", "x", 5.0),
                ("P2", "B", "x", 5.0),
                ("P3", "C", "x", 5.0),
                ("P4", "D", "x", 3.0),
            ],
            2,
            &[("country", 1)],
        );
        assert_eq!(column(&w), [Tied, Tied, Tied, No]);
        assert!(warnings
            .iter()
            .any(|w| matches!(w, Warning::TieAtCut { places: 2, .. })));
    }

    #[test]
    fn a_large_tie_under_one_cap_shares_out_by_value() {
        // Twenty equal proposals, ten from A and ten from B, cap 2 per country, five places:
        // the caps let four of them win (two of each), and P21 takes the fifth place.
        let mut proposals: Vec<(String, &str)> = (1..=20)
            .map(|k| (format!("P{k:02}"), if k <= 10 { "A" } else { "B" }))
            .collect();
        proposals.push(("P21".to_string(), "C"));
        let rows: Vec<(&str, &str, &str, f64)> = (proposals.iter())
            .map(|(p, c)| (p.as_str(), *c, "x", if p == "P21" { 4.0 } else { 5.0 }))
            .collect();
        let (w, _, warnings) = select_for(&rows, 5, &[("country", 2)]);
        let mut want = vec![Tied; 20];
        want.push(Yes);
        assert_eq!(column(&w), want);
        assert!(warnings
            .iter()
            .any(|w| matches!(w, Warning::TieAtCut { places: 4, .. })));
    }

    #[test]
    fn under_two_caps_every_choice_is_tried() {
        // Caps of 1 per country and 1 per region, three places. P1 (A, north), P2 (B,
        // south) and P3 (B, east) are equal: at most two can win together, P1 with either
        // of the others; P1 wins whichever the jury names, and P2 and P3 are tied for the
        // other place. Which of them wins changes what the caps leave for P4 (C, south), so
        // no place is given past them.
        let (w, _, warnings) = select_for(
            &[
                ("P1", "A", "north", 5.0),
                ("P2", "B", "south", 5.0),
                ("P3", "B", "east", 5.0),
                ("P4", "C", "south", 3.0),
            ],
            3,
            &[("country", 1), ("region", 1)],
        );
        assert_eq!(column(&w), [Yes, Tied, Tied, No]);
        assert!(warnings
            .iter()
            .any(|w| matches!(w, Warning::TieAtCut { places: 1, .. })));
        // P1 (A, north), P2 (A, south), P3 (B, north): only P2 with P3 fill two places, so
        // P1 is in no largest choice, yet equal with them: the jury decides among all three
        // for 2 places.
        let (w, _, warnings) = select_for(
            &[
                ("P1", "A", "north", 5.0),
                ("P2", "A", "south", 5.0),
                ("P3", "B", "north", 5.0),
                ("P4", "C", "east", 3.0),
            ],
            3,
            &[("country", 1), ("region", 1)],
        );
        assert_eq!(column(&w), [Tied, Tied, Tied, No]);
        assert!(warnings
            .iter()
            .any(|w| matches!(w, Warning::TieAtCut { places: 2, .. })));
    }

    #[test]
    fn a_cap_limited_tie_above_the_last_winner_does_not_hide_how_the_last_place_was_decided() {
        // P1 and P2 (A) are tied for one place; P3 then takes the
        // last place over P4 by a tie-break rule, which must still be said.
        let rubric = testkit::criteria(0.0, 10.0, &[("a", 1.0), ("b", 1.0)]);
        let settings = Settings {
            winners: 2,
            tie_break: vec![crate::TieRule::Criterion("a".into())],
            max_per: [("country".to_string(), 1)].into(),
            ..Settings::default()
        };
        let proposals: [(&str, &str, &[f64]); 4] = [
            ("P1", "A", &[5.0, 5.0]),
            ("P2", "A", &[5.0, 5.0]),
            ("P3", "B", &[4.0, 2.0]),
            ("P4", "C", &[3.0, 3.0]),
        ];
        let reviews: Vec<_> = proposals.iter().map(|&(p, _, x)| ("j", p, x)).collect();
        let mut b = testkit::builder(rubric, settings, &reviews);
        for (p, country, _) in proposals {
            b.proposal(p, p, &[("country", country)]);
        }
        let award = b.build().unwrap();
        let outcome = crate::score_with(&award, award.settings());
        let w = &outcome.selection.warnings;
        assert!(
            w.iter()
                .any(|w| matches!(w, Warning::TieAtCut { places: 1, .. })),
            "{w:?}"
        );
        assert!(
            w.iter().any(|w| matches!(w, Warning::CutDecidedByRule { winner, runner_up, .. } if winner == "P3" && runner_up == "P4")),
            "{w:?}"
        );
    }

    #[test]
    fn the_runner_up_is_the_first_below_the_winners_that_the_caps_let_win() {
        // P3 (A) ranks just below the last winner P2, but A is full; the
        // place was decided against P4.
        let (w, runner_up, _) = select_for(
            &[
                ("P1", "A", "x", 6.0),
                ("P2", "B", "x", 5.0),
                ("P3", "A", "x", 4.0),
                ("P4", "C", "x", 3.0),
            ],
            2,
            &[("country", 1)],
        );
        assert_eq!(column(&w), [Yes, Yes, No, No]);
        assert_eq!(runner_up.as_deref(), Some("P4"));
    }
}
