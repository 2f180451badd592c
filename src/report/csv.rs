//! The CSV reports of the audit bundle.

use std::io;

use rayon::prelude::*;

use super::rows::{RankingRow, Rows};
use super::{text, Report};
use crate::award::index::ByProposal;
use crate::award::Award;
use crate::conflicts::{Reasons, Status};
use crate::diagnostics;
use crate::ids::JurorId;
use crate::outcome::Outcome;
use crate::util::number::{number, push_number};
use crate::winners::Winner;

/// `ranking.csv`: every proposal, ranked ones first, with its total, criterion values,
/// winner and eligibility, and a note on ties, caps, ineligibility and reviews that
/// disagree so much that the proposal needs another reader. A criterion or an attribute
/// whose name another column has is prefixed `criterion_` or `proposal_` until it is unique.
pub struct RankingCsv;

/// `scores.csv`: every input score with its raw and corrected value and its status.
pub struct ScoresCsv;

/// `jurors.csv`: per juror diagnostics ([`crate::diagnostics`]), one row a juror.
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
                row.write(w, rows.row(p))?;
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

/// Writes ranking rows, numbers through reused buffers: no string per cell.
struct RowWriter<'a> {
    award: &'a Award,
    uncertainty: Option<&'a crate::outcome::Uncertainty>,
    attributes: &'a [&'a String],
    cell: String,
    digits: itoa::Buffer,
}

impl<'a> RowWriter<'a> {
    fn new(award: &'a Award, outcome: &'a Outcome, attributes: &'a [&'a String]) -> RowWriter<'a> {
        RowWriter {
            award,
            uncertainty: outcome.uncertainty.as_ref(),
            attributes,
            cell: String::new(),
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

    fn write<W: io::Write>(&mut self, w: &mut csv::Writer<W>, row: RankingRow) -> csv::Result<()> {
        let proposals = self.award.proposals();
        let p = row.proposal;
        self.int(w, row.rank)?;
        w.write_field(text(proposals.id(p)).as_bytes())?;
        w.write_field(text(proposals.label(p)).as_bytes())?;
        self.num(w, row.total)?;
        w.write_field(row.winner.unwrap_or(Winner::No).as_str())?;
        w.write_field(yes(row.eligible))?;
        self.int(w, Some(row.reviews))?;
        for v in &row.values {
            self.num(w, *v)?;
        }
        self.num(w, Some(row.spread))?;
        if let Some(u) = self.uncertainty {
            self.num(w, Some(u.p_winner(p)))?;
            let (lo, hi) = u.rank_interval(p).unzip();
            self.int(w, lo)?;
            self.int(w, hi)?;
            let (lo, hi) = u.total_interval(p).unzip();
            self.num(w, lo)?;
            self.num(w, hi)?;
        }
        for a in self.attributes {
            w.write_field(text(proposals.attribute(p, a).unwrap_or("")).as_bytes())?;
        }
        w.write_field(text(&row.note).as_bytes())?;
        w.write_record(None::<&[u8]>)
    }
}

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

impl Report for JurorsCsv {
    fn file_name(&self) -> &'static str {
        "jurors.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let jurors = award.jurors();
        // Outcomes from `score_with` and `score_counted` carry no diagnostics: diagnose here,
        // so that every juror is listed whichever way the outcome was made.
        let diagnosed;
        let diagnostics = if outcome.diagnostics.jurors.len() == jurors.len() {
            &outcome.diagnostics
        } else {
            let o = outcome;
            diagnosed = diagnostics::diagnose(award, &o.status, &o.correction, &o.values);
            &diagnosed
        };
        // With uncertainty: whether leaving the juror out changes the winners, and to what.
        // (`bayes` without `--bootstrap` has a posterior but no runs without a juror: then
        // the columns are left out, never filled with a "no" nothing measured.)
        let uncertainty = outcome.uncertainty.as_ref().filter(|u| u.has_without());
        let decisive = uncertainty
            .map(|u| u.decisive_jurors(outcome))
            .unwrap_or_default();
        let attributes = jurors.attribute_names();
        let home = &diagnostics.home_attributes;
        let mut w = writer(out);
        w.write_record(jurors_header(attributes, home, uncertainty.is_some()))?;
        for (j, d) in diagnostics.jurors.iter().enumerate() {
            let mut record: Vec<String> = vec![
                text(jurors.id(j)).into_owned(),
                text(jurors.label(j)).into_owned(),
            ];
            record.extend(
                attributes
                    .iter()
                    .map(|a| text(jurors.attribute(j, a).unwrap_or("")).into_owned()),
            );
            record.extend([d.given, d.scores, d.conflicts, d.missing].map(|n| n.to_string()));
            record.extend([d.mean, d.spread, d.leniency, d.scale, d.agreement].map(opt));
            record.extend([d.pairs, d.reviews, d.flat_reviews].map(|n| n.to_string()));
            for h in &d.home {
                record.push(opt(h.residual));
                record.push(h.scores.to_string());
            }
            let flags: Vec<String> = d.flags.iter().map(|f| f.flag.to_string()).collect();
            let reasons: Vec<&str> = d.flags.iter().map(|f| f.reason.as_str()).collect();
            record.push(flags.join("; "));
            record.push(text(&reasons.join(" ")).into_owned());
            if let Some(u) = uncertainty {
                let ids: Vec<&str> = u
                    .without(JurorId::from(j))
                    .iter()
                    .map(|&p| award.proposals().id(p))
                    .collect();
                record.push(yes(decisive.contains(&JurorId::from(j))).to_string());
                record.push(text(&ids.join("; ")).into_owned());
            }
            w.write_record(&record)?;
        }
        w.flush()
    }
}

/// jurors.csv's header: `juror`, `name`, the juror attributes, then the diagnostics (with
/// a `home_` pair per home attribute), every name unique ([`Columns`]).
fn jurors_header(attributes: &[String], home: &[String], uncertainty: bool) -> Vec<String> {
    let head = ["juror", "name"];
    let counts = [
        "scores",
        "used",
        "conflicts",
        "missing",
        "mean",
        "spread",
        "leniency",
        "scale",
        "agreement",
        "pairs",
        "reviews",
        "flat_reviews",
    ];
    let mut tail = vec!["flags", "reasons"];
    if uncertainty {
        tail.extend(["changes_winners", "winners_without"]);
    }
    let mut columns = Columns::default();
    columns.reserve(head.iter().chain(&counts).chain(&tail));
    let home: Vec<String> = (home.iter())
        .flat_map(|a| [format!("home_{a}"), format!("home_{a}_scores")])
        .collect();
    let home: Vec<&str> = home.iter().map(String::as_str).collect();
    let home_columns = columns.claim(&home, "home_");
    let names: Vec<&str> = attributes.iter().map(String::as_str).collect();
    let attribute_columns = columns.claim(&names, "juror_");
    let mut header: Vec<String> = head.map(String::from).to_vec();
    header.extend(attribute_columns);
    header.extend(counts.map(String::from));
    header.extend(home_columns);
    header.extend(tail.into_iter().map(String::from));
    header
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

#[cfg(test)]
mod tests {
    use super::*;

    fn written(report: &dyn Report, award: &Award, outcome: &Outcome) -> String {
        let mut out = Vec::new();
        report.write(award, outcome, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// `Columns` with `reserved` taken, claiming `names` under `prefix`.
    fn claimed(reserved: &[&str], names: &[&str], prefix: &str) -> Vec<String> {
        let mut columns = Columns::default();
        columns.reserve(reserved);
        columns.claim(names, prefix)
    }

    #[test]
    fn a_taken_name_is_prefixed_until_it_is_unique_in_either_order() {
        // The review's proposals.csv: columns `rank` and `proposal_rank` gave two columns
        // named `proposal_rank`. The rule is Columns' documented one.
        let want = ["proposal_proposal_rank", "proposal_rank"];
        assert_eq!(
            claimed(&["rank", "note"], &["rank", "proposal_rank"], "proposal_"),
            want
        );
        assert_eq!(
            claimed(&["rank", "note"], &["proposal_rank", "rank"], "proposal_"),
            [want[1], want[0]]
        );
        assert_eq!(
            claimed(
                &["note"],
                &["note", "proposal_note", "proposal_proposal_note"],
                "proposal_"
            ),
            [
                "proposal_proposal_proposal_note",
                "proposal_note",
                "proposal_proposal_note"
            ]
        );
        assert_eq!(claimed(&["rank"], &["country"], "proposal_"), ["country"]);
    }

    #[test]
    fn names_are_unique_as_a_spreadsheet_safe_header_writes_them() {
        // `=x` is written `'=x` (docs/reports.md), the name of another attribute; the
        // prefixed name starts with a letter and needs no quote.
        assert_eq!(claimed(&[], &["'=x", "=x"], "juror_"), ["'=x", "juror_=x"]);
        let mut columns = Columns::default();
        columns.reserve(&["total"]);
        assert_eq!(columns.claim(&["total"], "criterion_"), ["criterion_total"]);
        assert_eq!(
            columns.claim(&["criterion_total", "total"], "proposal_"),
            ["proposal_criterion_total", "proposal_total"]
        );
    }

    #[test]
    fn jurors_csv_from_an_outcome_without_diagnostics_has_every_juror() {
        // `score_with` and `score_counted` skip the diagnostics; jurors.csv must still list
        // every juror, with the same numbers as from `score`, never just a header.
        let award = crate::load("fixtures/ineli-balkans-2016").unwrap();
        let full = crate::score(&award);
        let bare = crate::score_with(&award, award.settings());
        assert!(bare.diagnostics.jurors.is_empty());
        let expected = written(&JurorsCsv, &award, &full);
        assert_eq!(expected.lines().count(), award.jurors().len() + 1);
        assert_eq!(written(&JurorsCsv, &award, &bare), expected);
    }

    /// 12,000 proposals read by 3 of 60 jurors on 2 criteria, without correction: more
    /// ranking rows (and more rows of scores.csv) than one round of blocks, so that rows are
    /// written by several threads and in several rounds.
    fn large() -> (Award, Outcome) {
        let sim = crate::simulate::simulate(&crate::simulate::SimulationOptions {
            proposals: 12_000,
            jurors: 60,
            reviews: 3,
            criteria: 2,
            ..Default::default()
        })
        .unwrap();
        let mut award = sim.award;
        award.settings_mut().method = crate::Method::None;
        let outcome = crate::score(&award);
        (award, outcome)
    }

    /// The report written on one thread, after checking that two threads write the same bytes.
    fn on_one_thread_or_two(
        report: &(dyn Report + Sync),
        award: &Award,
        outcome: &Outcome,
    ) -> String {
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| written(report, award, outcome))
        };
        let one = on(1);
        assert!(
            on(2) == one,
            "{} differs on two threads",
            report.file_name()
        );
        one
    }

    #[test]
    fn ranking_rows_come_in_listing_order_the_same_bytes_on_one_thread_or_two() {
        let (award, outcome) = large();
        let one = on_one_thread_or_two(&RankingCsv, &award, &outcome);
        // The header, then one row per proposal, in the order of the listing.
        let ids: Vec<&str> = one
            .lines()
            .skip(1)
            .map(|line| line.split(',').nth(1).unwrap())
            .collect();
        let listing: Vec<&str> = (outcome.listing().into_iter())
            .map(|p| award.proposals().id(p))
            .collect();
        assert_eq!(ids, listing);
    }

    #[test]
    fn score_rows_come_by_proposal_juror_and_criterion_the_same_bytes_on_one_thread_or_two() {
        let (award, outcome) = large();
        let one = on_one_thread_or_two(&ScoresCsv, &award, &outcome);
        // Every score once, sorted by the indices of its proposal, juror and criterion.
        let scores = award.scores();
        let mut want: Vec<usize> = (0..scores.len()).collect();
        want.sort_by_key(|&i| {
            (
                scores[i].proposal_index(),
                scores[i].juror_index(),
                scores[i].criterion_index(),
            )
        });
        assert!(want.len() > 65_536);
        let criteria = &award.rubric().criteria;
        let rows: Vec<&str> = one.lines().skip(1).collect();
        assert_eq!(rows.len(), want.len());
        for (row, &i) in rows.iter().zip(&want) {
            let s = &scores[i];
            let head = format!(
                "{},{},{},{},1,{},used,",
                award.jurors().id(s.juror_index()),
                award.proposals().id(s.proposal_index()),
                criteria[s.criterion_index()].id,
                number(s.raw().unwrap()),
                number(s.raw().unwrap()),
            );
            assert_eq!(*row, head);
        }
    }
}
