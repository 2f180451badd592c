//! `scores.csv`: [`ScoresCsv`](super::ScoresCsv).

use std::io;

use super::super::{text, Report};
use super::{write_blocks, writer, ScoresCsv};
use crate::award::index::ByProposal;
use crate::award::Award;
use crate::conflicts::{Reasons, Status};
use crate::outcome::Outcome;
use crate::util::number::push_number;

impl Report for ScoresCsv {
    fn file_name(&self) -> &'static str {
        "scores.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record([
            "juror",
            "proposal",
            "criterion",
            "raw",
            "confidence",
            "corrected",
            "status",
            "note",
        ])?;
        w.flush()?;
        drop(w);
        let reasons = Reasons::new(award);
        write_blocks(&by_proposal(award), 4096, 40, out, |w, rows| {
            let mut cell = String::new();
            for &i in rows {
                score_row(award, outcome, &reasons, i as usize, w, &mut cell)?;
            }
            Ok(())
        })?;
        replaced_rows(award, out)
    }
}

/// The scores replaced by a later row, after the others, in file order: status `replaced`,
/// the note naming the row that replaced each.
fn replaced_rows(award: &Award, out: &mut dyn io::Write) -> io::Result<()> {
    if award.replaced().is_empty() {
        return Ok(());
    }
    let mut w = writer(out);
    let mut cell = String::new();
    for r in award.replaced() {
        w.write_field(text(&r.juror).as_bytes())?;
        w.write_field(text(&r.proposal).as_bytes())?;
        w.write_field(text(&r.criterion).as_bytes())?;
        for x in [r.raw, Some(r.confidence)] {
            cell.clear();
            if let Some(x) = x {
                push_number(&mut cell, x);
            }
            w.write_field(&cell)?;
        }
        w.write_field("")?;
        w.write_field("replaced")?;
        let note = format!("given at {}; replaced by the row at {}", r.at, r.by);
        w.write_field(text(&note).as_bytes())?;
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// The award's scores in the order of `scores.csv`: by proposal, juror and criterion.
fn by_proposal(award: &Award) -> Vec<u32> {
    let scores = award.scores();
    let index = ByProposal::new(award, |_| true);
    let mut order = Vec::with_capacity(scores.len());
    for p in 0..award.proposals().len() {
        let from = order.len();
        order.extend_from_slice(index.proposal(p));
        // Each (juror, criterion) once: an award holds no score twice.
        order[from..].sort_unstable_by_key(|&i| {
            let s = &scores[i as usize];
            (s.juror_index(), s.criterion_index())
        });
    }
    order
}

/// One row of `scores.csv`, its numbers through the reused `cell`.
fn score_row<W: io::Write>(
    award: &Award,
    outcome: &Outcome,
    reasons: &Reasons<'_>,
    i: usize,
    w: &mut csv::Writer<W>,
    cell: &mut String,
) -> csv::Result<()> {
    let s = &award.scores()[i];
    let mut num = |w: &mut csv::Writer<W>, x: Option<f64>| {
        cell.clear();
        if let Some(x) = x {
            push_number(cell, x);
        }
        w.write_field(&*cell)
    };
    w.write_field(text(award.jurors().id(s.juror_index())).as_bytes())?;
    w.write_field(text(award.proposals().id(s.proposal_index())).as_bytes())?;
    w.write_field(text(&award.rubric().criteria[s.criterion_index()].id).as_bytes())?;
    num(w, s.raw())?;
    num(w, Some(award.weight(i)))?;
    num(w, outcome.corrected(i))?;
    let status = outcome.status[i];
    w.write_field(status.as_str())?;
    if status == Status::Conflict {
        let note = reasons
            .reason(s.juror_index(), s.proposal_index())
            .unwrap_or_default();
        w.write_field(text(&note).as_bytes())?;
    } else {
        w.write_field("")?;
    }
    w.write_record(None::<&[u8]>)
}
