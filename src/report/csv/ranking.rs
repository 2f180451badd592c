//! `ranking.csv`: [`RankingCsv`](super::RankingCsv).

use std::io;

use super::super::rows::Rows;
use super::super::{text, Report};
use super::{write_blocks, writer, yes, Columns, RankingCsv};
use crate::award::Award;
use crate::ids::ProposalId;
use crate::outcome::Outcome;
use crate::util::number::push_number;
use crate::winners::Winner;

impl Report for RankingCsv {
    fn file_name(&self) -> &'static str {
        "ranking.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let attributes: Vec<&String> = award.proposals().attribute_names().iter().collect();
        let mut w = writer(out);
        w.write_record(ranking_header(award, outcome.uncertainty.is_some()))?;
        w.flush()?;
        drop(w);
        let rows = Rows::new(award, outcome);
        write_blocks(&outcome.listing_positions(), 512, 256, out, |w, ps| {
            let mut row = RowWriter::new(award, outcome, &attributes);
            for &p in ps {
                row.write(w, &rows, p)?;
            }
            Ok(())
        })
    }
}

/// ranking.csv's header: its own columns, with the criteria after `reviews` and the proposal
/// attributes before `note`, every name unique ([`Columns`]).
fn ranking_header(award: &Award, uncertainty: bool) -> Vec<String> {
    let head = [
        "rank", "proposal", "title", "total", "winner", "eligible", "reviews",
    ];
    let mut middle = vec!["spread"];
    if uncertainty {
        middle.extend(["p_winner", "rank_lo", "rank_hi", "total_lo", "total_hi"]);
    }
    let mut columns = Columns::default();
    columns.reserve(head.iter().chain(&middle).chain(&["note"]));
    let ids: Vec<&str> = (award.rubric().criteria.iter())
        .map(|c| c.id.as_str())
        .collect();
    let criterion_columns = columns.claim(&ids, "criterion_");
    let names: Vec<&str> = (award.proposals().attribute_names().iter())
        .map(String::as_str)
        .collect();
    let attribute_columns = columns.claim(&names, "proposal_");
    let mut header: Vec<String> = head.map(String::from).to_vec();
    header.extend(criterion_columns);
    header.extend(middle.into_iter().map(String::from));
    header.extend(attribute_columns);
    header.push("note".into());
    header
}

/// Writes ranking rows ([`crate::report::RankingRow`]'s fields, read from the outcome), numbers and notes
/// through reused buffers: no string per cell or row.
struct RowWriter<'a> {
    award: &'a Award,
    outcome: &'a Outcome,
    attributes: &'a [&'a String],
    cell: String,
    note: String,
    digits: itoa::Buffer,
}

impl<'a> RowWriter<'a> {
    fn new(award: &'a Award, outcome: &'a Outcome, attributes: &'a [&'a String]) -> RowWriter<'a> {
        RowWriter {
            award,
            outcome,
            attributes,
            cell: String::new(),
            note: String::with_capacity(256),
            digits: itoa::Buffer::new(),
        }
    }

    fn int<W: io::Write>(&mut self, w: &mut csv::Writer<W>, x: Option<usize>) -> csv::Result<()> {
        match x {
            Some(x) => w.write_field(self.digits.format(x)),
            None => w.write_field(""),
        }
    }

    fn num<W: io::Write>(&mut self, w: &mut csv::Writer<W>, x: Option<f64>) -> csv::Result<()> {
        self.cell.clear();
        if let Some(x) = x {
            push_number(&mut self.cell, x);
        }
        w.write_field(&self.cell)
    }

    /// Proposal `p`'s row, as [`Rows::row`] makes it.
    fn write<W: io::Write>(
        &mut self,
        w: &mut csv::Writer<W>,
        rows: &Rows<'_>,
        p: usize,
    ) -> csv::Result<()> {
        let (proposals, outcome) = (self.award.proposals(), self.outcome);
        let v = &outcome.values[p];
        self.int(w, outcome.ranking.rank[p])?;
        w.write_field(text(proposals.id(p)).as_bytes())?;
        w.write_field(text(proposals.label(p)).as_bytes())?;
        self.num(w, v.total)?;
        let winner = outcome.selection.winner[p];
        w.write_field(winner.unwrap_or(Winner::No).as_str())?;
        w.write_field(yes(outcome.ineligible[p].is_empty()))?;
        self.int(w, Some(v.reviews))?;
        for x in &v.values {
            self.num(w, *x)?;
        }
        self.num(w, Some(v.spread))?;
        if let Some(u) = &outcome.uncertainty {
            let id = ProposalId::from(p);
            self.num(w, Some(u.p_winner(id)))?;
            let (lo, hi) = u.rank_interval(id).unzip();
            self.int(w, lo)?;
            self.int(w, hi)?;
            let (lo, hi) = u.total_interval(id).unzip();
            self.num(w, lo)?;
            self.num(w, hi)?;
        }
        for a in self.attributes {
            w.write_field(text(proposals.attribute(p, a).unwrap_or("")).as_bytes())?;
        }
        rows.note_into(&mut self.note, p);
        w.write_field(text(&self.note).as_bytes())?;
        w.write_record(None::<&[u8]>)
    }
}
