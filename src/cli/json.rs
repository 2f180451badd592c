//! The JSON documents of `compare`, `jurors`, `reliability` and `validate` (`--format json`),
//! as docs/json.md specifies them. Each has a `schema` field naming the document and its
//! version; numbers are rounded as the CSV reports write them, and one that is not finite is
//! `null`.

use std::io::{self, Write};
use std::path::Path;

use jury::report::{number, text};
use jury::{Award, Comparison, Outcome, Problem, Winner};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// A number as the CSV reports write it, read back; `None` when it is not finite.
fn num(x: Option<f64>) -> Option<f64> {
    x.filter(|x| x.is_finite())
        .map(|x| number(x).parse::<f64>().unwrap_or(x))
}

/// Pairs serialized as a JSON object in their order (criteria in rubric order, methods in
/// comparison order).
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Writes `doc` pretty-printed, with a final line break.
fn write(doc: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct CompareDoc<'a> {
    schema: &'static str,
    award: &'a str,
    methods: Vec<String>,
    robust_winners: Vec<&'a str>,
    proposals: Vec<CompareRow<'a>>,
}

#[derive(Serialize)]
struct CompareRow<'a> {
    proposal: &'a str,
    title: &'a str,
    ranks: Ordered<Option<usize>>,
    winners: Ordered<String>,
    robust_winner: bool,
}

/// `jury compare --format json`: schema `jury.compare/1`.
pub fn comparison(award: &Award, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let proposals = award.proposals();
    let methods: Vec<String> = c.methods.iter().map(ToString::to_string).collect();
    let rows = c.outcome(award.settings().method).listing().into_iter();
    let doc = CompareDoc {
        schema: "jury.compare/1",
        award: &award.settings().name,
        robust_winners: c.robust.iter().map(|&p| proposals.id(p)).collect(),
        proposals: rows
            .map(|p| CompareRow {
                proposal: proposals.id(p),
                title: proposals.label(p),
                ranks: Ordered(
                    methods
                        .iter()
                        .cloned()
                        .zip(c.outcomes.iter().map(|o| o.rank(p)))
                        .collect(),
                ),
                winners: Ordered(
                    (methods.iter().cloned())
                        .zip(
                            c.outcomes
                                .iter()
                                .map(|o| o.winner(p).unwrap_or(Winner::No).to_string()),
                        )
                        .collect(),
                ),
                robust_winner: c.robust.contains(&p),
            })
            .collect(),
        methods,
    };
    write(&doc, out)
}

#[derive(Serialize)]
struct JurorsDoc<'a> {
    schema: &'static str,
    award: &'a str,
    method: String,
    home_attributes: &'a [String],
    jurors: Vec<JurorRow<'a>>,
    disagreement: Option<f64>,
    needs_reader: Vec<ReaderRow<'a>>,
}

#[derive(Serialize)]
struct JurorRow<'a> {
    juror: &'a str,
    name: &'a str,
    scores: usize,
    conflicts: usize,
    missing: usize,
    mean: Option<f64>,
    spread: Option<f64>,
    leniency: Option<f64>,
    scale: Option<f64>,
    agreement: Option<f64>,
    home: Ordered<Option<f64>>,
    flags: Vec<FlagRow<'a>>,
}

#[derive(Serialize)]
struct FlagRow<'a> {
    flag: String,
    reason: &'a str,
}

#[derive(Serialize)]
struct ReaderRow<'a> {
    proposal: &'a str,
    title: &'a str,
    reason: &'a str,
}

/// `jury jurors --format json`: schema `jury.jurors/1`.
pub fn jurors(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let d = outcome.diagnostics();
    let (jurors, proposals) = (award.jurors(), award.proposals());
    let rows = d.jurors.iter().enumerate().map(|(j, x)| JurorRow {
        juror: jurors.id(j),
        name: jurors.label(j),
        scores: x.scores,
        conflicts: x.conflicts,
        missing: x.missing,
        mean: num(x.mean),
        spread: num(x.spread),
        leniency: num(x.leniency),
        scale: num(x.scale),
        agreement: num(x.agreement),
        home: Ordered(
            (d.home_attributes.iter().cloned())
                .zip(x.home.iter().map(|h| num(h.residual)))
                .collect(),
        ),
        flags: (x.flags.iter())
            .map(|f| FlagRow {
                flag: f.flag.to_string(),
                reason: &f.reason,
            })
            .collect(),
    });
    let readers = d.proposals.iter().enumerate().filter_map(|(p, x)| {
        Some(ReaderRow {
            proposal: proposals.id(p),
            title: proposals.label(p),
            reason: x.needs_reader.as_deref()?,
        })
    });
    let doc = JurorsDoc {
        schema: "jury.jurors/1",
        award: &award.settings().name,
        method: award.settings().method.to_string(),
        home_attributes: &d.home_attributes,
        jurors: rows.collect(),
        disagreement: num(Some(award.settings().disagreement)),
        needs_reader: readers.collect(),
    };
    write(&doc, out)
}

#[derive(Serialize)]
struct ReliabilityDoc<'a> {
    schema: &'static str,
    award: &'a str,
    statistics: Vec<StatisticRow<'a>>,
}

#[derive(Serialize)]
struct StatisticRow<'a> {
    criterion: &'a str,
    statistic: &'a str,
    value: Option<f64>,
    interval: Option<(Option<f64>, Option<f64>)>,
    test: Option<TestRow>,
}

#[derive(Serialize)]
struct TestRow {
    statistic: Option<f64>,
    df1: Option<f64>,
    df2: Option<f64>,
    p: Option<f64>,
}

/// `jury reliability --format json`: schema `jury.reliability/1`.
pub fn reliability(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let rows = outcome.reliability(award).iter().map(|s| StatisticRow {
        criterion: &s.criterion,
        statistic: s.statistic,
        value: num(Some(s.value)),
        interval: s.interval.map(|(a, b)| (num(Some(a)), num(Some(b)))),
        test: s.test.map(|(t, df1, df2, p)| TestRow {
            statistic: num(Some(t)),
            df1: num(Some(df1)),
            df2: num(df2),
            p: num(Some(p)),
        }),
    });
    let doc = ReliabilityDoc {
        schema: "jury.reliability/1",
        award: &award.settings().name,
        statistics: rows.collect(),
    };
    write(&doc, out)
}

#[derive(Serialize)]
struct ValidateDoc<'a> {
    schema: &'static str,
    award_dir: String,
    valid: bool,
    counts: Option<Counts>,
    problems: Vec<ProblemRow<'a>>,
}

#[derive(Serialize)]
struct Counts {
    proposals: usize,
    jurors: usize,
    scores: usize,
    conflicts: usize,
}

#[derive(Serialize)]
struct ProblemRow<'a> {
    file: String,
    line: Option<u64>,
    column: Option<&'a str>,
    kind: String,
    value: Option<&'a str>,
    message: &'a str,
}

/// `jury validate --format json`: schema `jury.validate/1`; the counts when the award is
/// valid, its problems when not.
pub fn validation(
    dir: &Path,
    award: Option<&Award>,
    problems: &[Problem],
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = ValidateDoc {
        schema: "jury.validate/1",
        award_dir: dir.display().to_string(),
        valid: problems.is_empty(),
        counts: award.map(|a| Counts {
            proposals: a.proposals().len(),
            jurors: a.jurors().len(),
            scores: a.scores().len(),
            conflicts: a.conflicts().len(),
        }),
        problems: problems.iter().map(problem_row).collect(),
    };
    write(&doc, out)
}

fn problem_row(p: &Problem) -> ProblemRow<'_> {
    ProblemRow {
        file: p.location.file.display().to_string(),
        line: p.location.line,
        column: p.location.column.as_deref(),
        kind: format!("{:?}", p.kind),
        value: p.value.as_deref(),
        message: &p.message,
    }
}

/// `jury validate --format csv`: one row a problem (a header alone when there is none), each
/// cell spreadsheet-safe as the reports' are.
pub fn validation_csv(problems: &[Problem], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["file", "line", "column", "kind", "value", "message"])?;
    for p in problems.iter().map(problem_row) {
        let line = p.line.map(|l| l.to_string()).unwrap_or_default();
        w.write_record([
            text(&p.file).as_ref(),
            &line,
            &text(p.column.unwrap_or("")),
            &p.kind,
            &text(p.value.unwrap_or("")),
            &text(p.message),
        ])?;
    }
    w.flush()
}
