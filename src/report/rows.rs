//! The ranking as rows, shared by every format (CSV, JSON, the terminal table).

use std::fmt::Write;

use crate::award::index::bucket_starts;
use crate::award::Award;
use crate::ids::ProposalId;
use crate::outcome::Outcome;
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
        Rows {
            award,
            outcome,
            tie_start,
            ties,
        }
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

    /// Proposal `p`'s row.
    pub(crate) fn row(&self, p: usize) -> RankingRow {
        let outcome = self.outcome;
        let v = &outcome.values[p];
        // The notes, separated by "; ".
        let mut note = String::with_capacity(256);
        let next = |note: &mut String| {
            if !note.is_empty() {
                note.push_str("; ");
            }
        };
        if !outcome.ineligible[p].is_empty() {
            next(&mut note);
            note.push_str("not eligible: ");
            for (k, reason) in outcome.ineligible[p].iter().enumerate() {
                if k > 0 {
                    note.push_str("; ");
                }
                let _ = write!(note, "{reason}");
            }
        }
        for tie in self.ties_of(p).iter().map(|&t| &outcome.ranking.ties[t]) {
            next(&mut note);
            match &tie.rule {
                Some(_) => note.push_str("tie on total with "),
                None => note.push_str("equal with "),
            }
            self.push_ids(&mut note, &tie.proposals, p);
            match &tie.rule {
                Some(rule) => {
                    // Writing to a String cannot fail.
                    let _ = write!(note, " broken by {rule}");
                }
                None => note.push_str(" after every tie-break rule"),
            }
        }
        if let Some(reason) = &outcome.selection.passed_over[p] {
            next(&mut note);
            let _ = write!(note, "{reason}");
        }
        // Outcomes from `score_with` carry no diagnostics: no reader flag then.
        let flag = outcome.diagnostics.proposals.get(p);
        if let Some(reason) = flag.and_then(|d| d.needs_reader.as_ref()) {
            next(&mut note);
            note.push_str("needs another reader: ");
            note.push_str(reason);
        }
        RankingRow {
            proposal: ProposalId::from(p),
            rank: outcome.ranking.rank[p],
            total: v.total,
            winner: outcome.selection.winner[p],
            eligible: outcome.ineligible[p].is_empty(),
            reviews: v.reviews,
            values: v.values.clone(),
            spread: v.spread,
            note,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
