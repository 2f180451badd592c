//! The ranking as rows, shared by every format (CSV, JSON, the terminal table).

use std::fmt::Write;

use crate::award::index::bucket_starts;
use crate::award::Award;
use crate::ids::ProposalId;
use crate::outcome::Outcome;
use crate::rank::Tie;
use crate::winners::Winner;

/// One proposal's line in the ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct RankingRow {
    /// The proposal.
    pub proposal: ProposalId,
    /// Its rank, when eligible.
    pub rank: Option<usize>,
    /// Its total, when every criterion has a value.
    pub total: Option<f64>,
    /// Whether it wins (`None` when not eligible).
    pub winner: Option<Winner>,
    /// Whether it is eligible.
    pub eligible: bool,
    /// Its valid reviews.
    pub reviews: usize,
    /// Its criterion values.
    pub values: Vec<Option<f64>>,
    /// Its spread among jurors.
    pub spread: f64,
    /// Why it is not eligible, how its ties were decided, why it was passed over, whether
    /// it needs another reader.
    pub note: String,
}

/// At most this many other proposals are named in a tie note; the rest are counted.
const NAMED_IN_NOTE: usize = 5;

/// The ranking rows in report order (see [`Outcome::listing`]), made one at a time.
pub fn ranking_rows<'a>(
    award: &'a Award,
    outcome: &'a Outcome,
) -> impl Iterator<Item = RankingRow> + 'a {
    let rows = Rows::new(award, outcome);
    outcome
        .listing_positions()
        .into_iter()
        .map(move |p| rows.row(p))
}

/// Makes any proposal's ranking row, so that the rows can be made in parallel.
pub(crate) struct Rows<'a> {
    award: &'a Award,
    outcome: &'a Outcome,
    /// The ties each proposal took part in, in ranking order: proposal `p`'s are
    /// `ties[tie_start[p]..tie_start[p + 1]]` (one list for all, not a list each).
    tie_start: Vec<usize>,
    ties: Vec<usize>,
    /// Per tie of more than [`NAMED_IN_NOTE`] proposals, its note for the members not
    /// named in it (all but the first [`NAMED_IN_NOTE`]): the same text for each of them.
    unnamed: Vec<Option<String>>,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(award: &'a Award, outcome: &'a Outcome) -> Rows<'a> {
        let all = &outcome.ranking.ties;
        let members = all.iter().flat_map(|tie| tie.proposals.iter().copied());
        let tie_start = bucket_starts(members, outcome.values.len());
        let mut fill = tie_start.clone();
        let mut ties = vec![0; tie_start[outcome.values.len()]];
        for (t, tie) in all.iter().enumerate() {
            for &p in &tie.proposals {
                ties[fill[p]] = t;
                fill[p] += 1;
            }
        }
        let mut rows = Rows {
            award,
            outcome,
            tie_start,
            ties,
            unnamed: Vec::new(),
        };
        rows.unnamed = (all.iter())
            .map(|tie| {
                let outsider = tie.proposals.get(NAMED_IN_NOTE)?;
                let mut note = String::new();
                rows.push_tie(&mut note, tie, *outsider);
                Some(note)
            })
            .collect();
        rows
    }

    /// The ties proposal `p` took part in, in ranking order.
    fn ties_of(&self, p: usize) -> &[usize] {
        &self.ties[self.tie_start[p]..self.tie_start[p + 1]]
    }

    /// Names the other proposals of a tie, at most [`NAMED_IN_NOTE`] of them.
    fn push_ids(&self, note: &mut String, ps: &[usize], except: usize) {
        let others = ps.iter().filter(|&&q| q != except).take(NAMED_IN_NOTE);
        let mut named = 0;
        for (i, &q) in others.enumerate() {
            if i > 0 {
                note.push_str(", ");
            }
            note.push_str(self.award.proposals().id(q));
            named += 1;
        }
        let rest = ps.len() - 1 - named;
        if rest > 0 {
            note.push_str(" and ");
            note.push_str(itoa::Buffer::new().format(rest));
            note.push_str(" others");
        }
    }

    /// Tie `tie`'s note in proposal `p`'s row (`p` one of its proposals), pushed to `note`.
    fn push_tie(&self, note: &mut String, tie: &Tie, p: usize) {
        match &tie.rule {
            Some(_) => note.push_str("tie on total with "),
            None => note.push_str("equal with "),
        }
        self.push_ids(note, &tie.proposals, p);
        match &tie.rule {
            Some(rule) => {
                // Writing to a String cannot fail.
                let _ = write!(note, " broken by {rule}");
            }
            None => note.push_str(" after every tie-break rule"),
        }
    }

    /// Proposal `p`'s row.
    pub(crate) fn row(&self, p: usize) -> RankingRow {
        let v = &self.outcome.values[p];
        let mut note = String::with_capacity(256);
        self.note_into(&mut note, p);
        RankingRow {
            proposal: ProposalId::from(p),
            rank: self.outcome.ranking.rank[p],
            total: v.total,
            winner: self.outcome.selection.winner[p],
            eligible: self.outcome.ineligible[p].is_empty(),
            reviews: v.reviews,
            values: v.values.clone(),
            spread: v.spread,
            note,
        }
    }

    /// Proposal `p`'s note ([`RankingRow::note`]), written into `note` (cleared first).
    pub(crate) fn note_into(&self, note: &mut String, p: usize) {
        note.clear();
        let outcome = self.outcome;
        // The notes, separated by "; ".
        let next = |note: &mut String| {
            if !note.is_empty() {
                note.push_str("; ");
            }
        };
        if !outcome.ineligible[p].is_empty() {
            next(note);
            note.push_str("not eligible: ");
            for (k, reason) in outcome.ineligible[p].iter().enumerate() {
                if k > 0 {
                    note.push_str("; ");
                }
                let _ = write!(note, "{reason}");
            }
        }
        for &t in self.ties_of(p) {
            next(note);
            let tie = &outcome.ranking.ties[t];
            let named = &tie.proposals[..tie.proposals.len().min(NAMED_IN_NOTE)];
            match &self.unnamed[t] {
                Some(text) if !named.contains(&p) => note.push_str(text),
                _ => self.push_tie(note, tie, p),
            }
        }
        if let Some(reason) = &outcome.selection.passed_over[p] {
            next(note);
            let _ = write!(note, "{reason}");
        }
        // Outcomes from `score_with` carry no diagnostics: no reader flag then.
        let flag = outcome.diagnostics.proposals.get(p);
        if let Some(reason) = flag.and_then(|d| d.needs_reader.as_ref()) {
            next(note);
            note.push_str("needs another reader: ");
            note.push_str(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn a_tie_of_eight_names_the_first_five_others_in_every_members_note() {
        // One juror gives eight proposals the same score: one tie, broken by lottery. The
        // five named first name the other four of them and the sixth; the three after
        // share one note (kept once), naming the first five.
        let ids: Vec<String> = (1..=8).map(|p| format!("P{p}")).collect();
        let scores: Vec<(&str, &str, f64)> = ids.iter().map(|p| ("a", p.as_str(), 3.0)).collect();
        let award = testkit::single(
            testkit::one_criterion(0.0, 10.0),
            crate::Settings::default(),
            &scores,
        );
        let outcome = crate::score(&award);
        let [tie] = &outcome.ranking.ties[..] else {
            panic!("one tie: {:?}", outcome.ranking.ties)
        };
        let rows = Rows::new(&award, &outcome);
        let mut note = String::from("left over");
        for &p in &tie.proposals {
            let named: Vec<&str> = (tie.proposals.iter())
                .filter(|&&q| q != p)
                .take(5)
                .map(|&q| award.proposals().id(q))
                .collect();
            let want = format!(
                "tie on total with {} and 2 others broken by lottery",
                named.join(", ")
            );
            rows.note_into(&mut note, p);
            assert_eq!(note, want);
            assert_eq!(rows.row(p).note, want);
        }
    }

    #[test]
    fn an_outcome_without_diagnostics_ranks_the_same_without_reader_notes() {
        // `score_with` skips the diagnostics; its ranking must still be written, the same
        // rows as `score`'s except for the "needs another reader" notes.
        let mut award = crate::load("fixtures/ineli-balkans-2016").unwrap();
        // A low bar, so that some proposals need another reader.
        award.settings_mut().disagreement = 0.1;
        let full = crate::score(&award);
        let bare = crate::score_with(&award, award.settings());
        assert!(bare.diagnostics.proposals.is_empty());
        let strip = |note: &str| {
            note.split("; ")
                .filter(|n| !n.starts_with("needs another reader"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let full: Vec<RankingRow> = ranking_rows(&award, &full).collect();
        let bare: Vec<RankingRow> = ranking_rows(&award, &bare).collect();
        assert_eq!(full.len(), award.proposals().len());
        assert!(full.iter().any(|r| r.note.contains("needs another reader")));
        assert_eq!(full.len(), bare.len());
        for (f, b) in full.iter().zip(&bare) {
            assert_eq!((f.proposal, f.rank, f.total), (b.proposal, b.rank, b.total));
            assert_eq!(strip(&f.note), b.note);
        }
    }
}
