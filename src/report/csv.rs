//! The CSV reports of the audit bundle.

use std::io;

use rayon::prelude::*;

use super::{text, Report};
use crate::award::Award;
use crate::outcome::Outcome;
use crate::util::number::number;

/// `ranking.csv`: every proposal, ranked ones first, with its total, criterion values,
/// winner and eligibility, and a note on ties, caps, ineligibility and reviews that
/// disagree so much that the proposal needs another reader. A criterion or an attribute
/// whose name another column has is prefixed `criterion_` or `proposal_` until it is unique.
pub struct RankingCsv;

/// `scores.csv`: every input score with its raw and corrected value and its status.
pub struct ScoresCsv;

/// `jurors.csv`: per juror diagnostics ([`crate::advanced::diagnostics`]), one row a juror.
///
/// Columns: `juror`, `name`, the juror attributes (prefixed `juror_`, as many times as it
/// takes, when another column has the name), then `scores` (rows in scores.csv, whatever
/// their status), `used`, `conflicts`, `missing`, `mean` and `spread` (population sd) of the
/// valid raw scores, `leniency` and `scale` (from the fitted bias and scale, count-weighted
/// over criteria; blank when the method has none; see [`crate::diagnostics::JurorDiagnostics`]), `agreement` (correlation with the leave-one-out
/// consensus; blank when not computable) and the `pairs` behind it, `reviews` (proposals
/// scored validly) and `flat_reviews` (reviews with two or more valid scores, all the same),
/// for each attribute of [`crate::Diagnostics::home_attributes`] `home_<attribute>` (the mean
/// residual on proposals sharing the juror's value) and `home_<attribute>_scores`, and last
/// `flags` (`straight_lining; halo; outlier; home_bias`) and `reasons` (one sentence a flag).
/// An outcome without diagnostics ([`crate::score_with`]) is diagnosed for the report.
pub struct JurorsCsv;

/// `warnings.csv`: every warning, with its kind; after a split design's, one
/// `split_design_part` row for each part, with every juror and proposal in it.
pub struct WarningsCsv;

/// `reliability.csv`: `criterion,statistic,value,ci_lower,ci_upper,test,df1,df2,p`, per
/// criterion and for the weighted total (`total`).
pub struct ReliabilityCsv;

impl Report for ReliabilityCsv {
    fn file_name(&self) -> &'static str {
        "reliability.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record([
            "criterion",
            "statistic",
            "value",
            "ci_lower",
            "ci_upper",
            "test",
            "df1",
            "df2",
            "p",
        ])?;
        for s in outcome.reliability(award) {
            let (lo, hi) = s.interval.map_or((None, None), |(a, b)| (Some(a), Some(b)));
            let (t, df1, df2, p) = s.test.map_or((None, None, None, None), |(t, a, b, p)| {
                (Some(t), Some(a), b, Some(p))
            });
            w.write_record([
                text(&s.criterion).as_ref(),
                s.statistic,
                &number(s.value),
                &finite(lo),
                &finite(hi),
                &finite(t),
                &finite(df1),
                &finite(df2),
                &finite(p),
            ])?;
        }
        w.flush()
    }
}

/// The names of a CSV header, all different as written (spreadsheet-safe, by [`text`]).
///
/// The report's own columns are reserved first and keep their names. Then each group of
/// columns named from the award (criteria, attributes) claims names in turn: a column keeps
/// its own name unless a reserved column, an earlier group or an earlier column of its group
/// has it; otherwise it takes the group's prefix (`criterion_`, `proposal_`, `juror_`,
/// `home_`) as many times as it needs to be free. A group's free names are kept before any is prefixed,
/// so with `rank` reserved, attributes `rank` and `proposal_rank` are written
/// `proposal_proposal_rank` and `proposal_rank`, in either order.
#[derive(Default)]
struct Columns {
    /// Every name given out or reserved, as written.
    taken: std::collections::HashSet<String>,
}

impl Columns {
    /// Reserves the report's own column names.
    fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a &'a str>) {
        self.taken
            .extend(names.into_iter().map(|n| text(n).into_owned()));
    }

    /// The names, as written, of a group of columns named `names`, in order.
    fn claim(&mut self, names: &[&str], prefix: &str) -> Vec<String> {
        let kept: Vec<Option<String>> = (names.iter())
            .map(|n| {
                let written = text(n).into_owned();
                self.taken.insert(written.clone()).then_some(written)
            })
            .collect();
        (kept.into_iter().zip(names))
            .map(|(kept, name)| kept.unwrap_or_else(|| self.prefixed(name, prefix)))
            .collect()
    }

    /// `name` under `prefix`, repeated until the name written is free; taken.
    fn prefixed(&mut self, name: &str, prefix: &str) -> String {
        let mut candidate = format!("{prefix}{name}");
        while self.taken.contains(text(&candidate).as_ref()) {
            candidate.insert_str(0, prefix);
        }
        let written = text(&candidate).into_owned();
        self.taken.insert(written.clone());
        written
    }
}

/// A number, or blank when absent or not finite (an interval bound of −∞, an F of +∞).
fn finite(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite()).map(number).unwrap_or_default()
}

fn opt(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn writer(out: &mut dyn io::Write) -> csv::Writer<&mut dyn io::Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Writes the rows of `items` in blocks of `size`, each block formatted by `rows` into its
/// own buffer (about `bytes` a row) in parallel, and the buffers written out in order: the
/// same bytes as one row after another, whatever the number of threads. Sixteen blocks a
/// round, so that little is held at once.
fn write_blocks<T: Sync>(
    items: &[T],
    size: usize,
    bytes: usize,
    out: &mut dyn io::Write,
    rows: impl Fn(&mut csv::Writer<&mut dyn io::Write>, &[T]) -> csv::Result<()> + Sync,
) -> io::Result<()> {
    let block = |chunk: &[T]| -> io::Result<Vec<u8>> {
        let mut buffer = Vec::with_capacity(chunk.len() * bytes);
        let mut w = writer(&mut buffer);
        rows(&mut w, chunk)?;
        w.flush()?;
        drop(w);
        Ok(buffer)
    };
    for round in items.chunks(size * 16) {
        let blocks: Vec<io::Result<Vec<u8>>> = round.par_chunks(size).map(block).collect();
        for b in blocks {
            out.write_all(&b?)?;
        }
    }
    out.flush()
}

impl Report for WarningsCsv {
    fn file_name(&self) -> &'static str {
        "warnings.csv"
    }

    fn write(&self, _award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(["kind", "message"])?;
        for warning in &outcome.warnings {
            w.write_record([warning.kind(), text(&warning.to_string()).as_ref()])?;
            // A split design's parts, one row each after its summary.
            for (kind, message) in warning.detail_rows() {
                w.write_record([kind, text(&message).as_ref()])?;
            }
        }
        w.flush()
    }
}

mod jurors;
mod ranking;
mod scores;

#[cfg(test)]
mod tests;
