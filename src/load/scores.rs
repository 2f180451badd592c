//! Reading `scores.csv`, in long or wide form.

use std::path::Path;

use super::grid::refuse_typed;
use super::input::InputOptions;
use super::input::{key, Decimal};
use super::sources::{Opened, Reading, TableKind};
use super::stamp;
use super::table::Header;
use super::{blank, pieces};
use crate::award::{unknown_criterion, AwardBuilder, Batch};
use crate::error::{Location, Problem, ProblemKind};
use crate::rubric::Rubric;
use crate::settings::Duplicates;

/// The columns of long-form scores.
const LONG: [&str; 6] = [
    "juror",
    "proposal",
    "criterion",
    "score",
    "confidence",
    "comment",
];

/// Reads the scores (`scores.csv`, a workbook's sheet, or a folder of sheets); gives each
/// file read whole and its SHA-256.
pub(super) fn read_scores(
    reading: &mut Reading<'_>,
    builder: &mut AwardBuilder,
    sizes: pieces::Sizes,
) -> Vec<(String, String)> {
    let Some(mut opened) = reading.open(TableKind::Scores, builder) else {
        return Vec::new();
    };
    let problems_at_open = builder.taken().1;
    let Some(columns) = score_columns(&mut opened, &reading.options, builder) else {
        return Vec::new();
    };
    let name = columns.name.clone();
    let rubric = builder.rubric().clone();
    let source = pieces::Source {
        name: Path::new(&name),
        headers: &columns.headers,
        rubric: &rubric,
    };
    let order = reading.options.timestamp_format;
    let before = builder.taken();
    let inputs = match opened {
        Opened::Stream(table) => {
            // Room for every score at once, so the list never grows by copying (untouched
            // memory costs nothing): a long-form row takes at least 8 bytes; a wide row of C
            // scores at least 2C + 4.
            let bytes = std::fs::metadata(reading.dir.join(&name)).map_or(0, |m| m.len() as usize);
            let wide = columns.wide.len();
            builder.reserve(match columns.long {
                Some(_) => bytes / 8,
                None => bytes / (2 * wide + 4) * wide,
            });
            // The records after the header, read in pieces.
            let (read, file, first_line) = table.records.into_rest();
            let row = |b: &mut Batch<'_>, line: u64, cells: &[&str]| {
                columns.row(b, line, cells, Decimal::Point)
            };
            let sha = pieces::read((read, file), first_line, &source, sizes, &row, builder);
            sha.map(|sha| vec![(name.clone(), sha)]).unwrap_or_default()
        }
        Opened::Grid(grid) => {
            builder.reserve(grid.len() * columns.wide.len().max(1));
            let row = |b: &mut Batch<'_>, line: u64, cells: &[&str]| {
                columns.row(b, line, cells, grid.decimal_at(line))
            };
            grid.feed(&source, &row, builder);
            grid.inputs
        }
    };
    if let Some(i) = columns.stamps {
        let rows = builder.take_stamps();
        let column = columns.headers[i].clone();
        builder.order_by(stamp::read_column(column, rows, order));
    }
    // A header and nothing under it would score nothing and look like a result (when the
    // header itself was refused, no row could give a score: that problem is the one).
    if builder.taken() == (before.0, problems_at_open) {
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(&name),
            "the table has a header but no scores; expected one row per score (see docs/formats.md)",
        ));
    }
    inputs
}

/// Where the parts of a score are in the table's columns (long or wide form), with the
/// problems of its header reported; `None` without a juror or proposal column. In a table
/// read whole, dates and true/false cells in score and confidence columns are refused.
fn score_columns(
    opened: &mut Opened,
    options: &InputOptions,
    builder: &mut AwardBuilder,
) -> Option<ScoreColumns> {
    let header = match &*opened {
        Opened::Stream(table) => &table.header,
        Opened::Grid(grid) => &grid.header,
    };
    let juror = header.require("juror", builder);
    let proposal = header.require("proposal", builder);
    let confidence = header.column("confidence");
    let long = header.column("criterion").zip(header.column("score"));
    // Long form: a column it does not take (a misspelt `confidence`, say) would be dropped
    // unseen.
    if long.is_some() {
        let takes =
            "scores in long form take juror, proposal, criterion, score, confidence and comment";
        header.refuse_others(&LONG, takes, builder);
    }
    // Wide form: every other column must be a criterion.
    let wide = match long {
        Some(_) => Vec::new(),
        None => wide_columns(header, builder),
    };
    let (headers, name) = (header.headers.clone(), header.name.clone());
    let stamps = timestamp_column(header, options);
    let (juror, proposal) = (juror?, proposal?);
    if let Opened::Grid(grid) = opened {
        let mut numbers: Vec<usize> = wide.iter().map(|w| w.0).collect();
        numbers.extend(long.map(|l| l.1));
        numbers.extend(confidence);
        refuse_typed(grid, &numbers, builder);
    }
    Some(ScoreColumns {
        juror,
        proposal,
        confidence,
        long,
        wide,
        headers,
        criteria: builder.criterion_list(),
        name,
        stamps,
    })
}

/// The column whose timestamps order re-submitted rows, with `[input] duplicates = "last"`:
/// `Timestamp` (Google Forms, or a column `[input] columns` maps onto `timestamp`), else
/// `Completion time` (Microsoft Forms: when the form was sent); none when listed in `[input]
/// ignore`, or with `duplicates = "error"`.
fn timestamp_column(header: &Header, options: &InputOptions) -> Option<usize> {
    if options.duplicates != Duplicates::Last {
        return None;
    }
    let find = |k: &str| {
        (0..header.keys.len())
            .find(|&i| header.keys[i] == k && !options.ignore.contains(&key(&header.headers[i])))
    };
    find("timestamp").or_else(|| find("completion time"))
}

/// The criterion columns of the scores in wide form, each with its criterion; reports
/// columns that are no criterion (naming the closest criterion), and criteria without a
/// column.
fn wide_columns(header: &Header, builder: &mut AwardBuilder) -> Vec<(usize, usize)> {
    let mut wide: Vec<(usize, usize)> = Vec::new();
    let mut seen = vec![false; builder.rubric().criteria.len()];
    for (i, key) in header.keys.iter().enumerate() {
        let known = ["juror", "proposal", "confidence", "comment"].contains(&key.as_str());
        if header.skip[i] || known {
            continue;
        }
        match criterion_of(builder.rubric(), key) {
            // A criterion's second column is read once (else every row would score the
            // criterion twice) and reported: as a column given twice when its header is the
            // first one's (the header check does it), here when one is headed by the id and
            // the other by the name.
            Some(c) if seen[c] => {
                let (first, _) = wide
                    .iter()
                    .find(|&&(_, k)| k == c)
                    .copied()
                    .unwrap_or((i, c));
                if header.keys[first] != *key {
                    let message = format!(
                        "a second column for criterion '{}' (the first is '{}'); keep one, or skip this one with [input] ignore",
                        builder.rubric().criteria[c].id,
                        header.headers[first]
                    );
                    let h = &header.headers[i];
                    builder.problem(ProblemKind::Duplicate, header.line, h, message, h);
                }
            }
            Some(c) => {
                seen[c] = true;
                wide.push((i, c));
            }
            None => {
                let message = format!(
                    "unknown column{}; wide-form scores take juror, proposal, confidence, comment and one column per criterion (its id or its name: {}); long form takes criterion + score; skip other columns with [input] ignore",
                    did_you_mean(builder.rubric(), key),
                    builder.criterion_list()
                );
                let h = &header.headers[i];
                builder.problem(ProblemKind::Column, header.line, h, message, h);
            }
        }
    }
    let absent: Vec<&str> = builder
        .rubric()
        .criteria
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|(c, _)| c.id.as_str())
        .collect();
    if !absent.is_empty() {
        let message = format!(
            "missing criterion column{} {} (wide form needs one column per criterion; long form needs 'criterion' and 'score')",
            if absent.len() == 1 { "" } else { "s" },
            absent.join(", ")
        );
        builder.add_problem(Problem::new(
            ProblemKind::Column,
            Location::line(&header.name, header.line),
            message,
        ));
    }
    wide
}

/// Where the parts of a score are in the columns of `scores.csv`.
struct ScoreColumns {
    juror: usize,
    proposal: usize,
    confidence: Option<usize>,
    /// Long form: the criterion and score columns.
    long: Option<(usize, usize)>,
    /// Wide form: each criterion column and its criterion.
    wide: Vec<(usize, usize)>,
    headers: Vec<String>,
    /// The rubric's criteria, for messages.
    criteria: String,
    /// The table, as problems name it.
    name: String,
    /// The timestamp column, when its timestamps order re-submitted rows.
    stamps: Option<usize>,
}

impl ScoreColumns {
    /// Checks one row, its scores written with `decimal`, and adds its scores to the batch.
    fn row(&self, b: &mut Batch<'_>, line: u64, cells: &[&str], decimal: Decimal) {
        if cells[self.juror].is_empty() && blank(cells) {
            return;
        }
        if let Some(i) = self.stamps {
            b.stamp(line, cells[i]);
        }
        let headers = &self.headers;
        let weight = match self.confidence.map(|i| (i, cells[i])) {
            None | Some((_, "")) => 1.0,
            Some((i, text)) => match number_as(text, decimal) {
                Ok(w) if b.check_confidence(w, line, &headers[i]) => w,
                Ok(_) => return,
                Err(_) => {
                    b.problem(
                        ProblemKind::NotANumber,
                        line,
                        &headers[i],
                        "not a number; a confidence must be a positive number (blank means 1)",
                        text,
                    );
                    return;
                }
            },
        };
        let (juror, proposal) = (cells[self.juror], cells[self.proposal]);
        match self.long {
            Some((criterion_col, score_col)) => {
                let text = cells[criterion_col];
                let Some(c) = b.criterion(text) else {
                    let message = unknown_criterion(&self.criteria);
                    b.problem(
                        ProblemKind::UnknownId,
                        line,
                        &headers[criterion_col],
                        message,
                        text,
                    );
                    return;
                };
                let column = &headers[score_col];
                let text = cells[score_col];
                if let Some(score) = parse_score(b, c, text, (line, column), decimal) {
                    b.push(juror, proposal, c, score, weight, line, (column, text));
                }
            }
            None => {
                for &(col, c) in &self.wide {
                    let column = &headers[col];
                    if let Some(score) = parse_score(b, c, cells[col], (line, column), decimal) {
                        b.push(
                            juror,
                            proposal,
                            c,
                            score,
                            weight,
                            line,
                            (column, cells[col]),
                        );
                    }
                }
            }
        }
    }
}

/// A score cell: `Some(None)` for a blank (missing) cell, `Some(Some(x))` for a finite number,
/// `None` (reported) for anything else. With a decimal comma, `4,5` is 4.5; a number with both
/// marks (`1.234,5`) is refused, as is `4,5` where the decimal mark is a point.
fn parse_score(
    b: &mut Batch<'_>,
    c: usize,
    text: &str,
    (line, column): (u64, &str),
    decimal: Decimal,
) -> Option<Option<f64>> {
    if text.is_empty() {
        return Some(None);
    }
    match number_as(text, decimal) {
        Ok(x) if x.is_finite() => Some(Some(x)),
        _ => {
            let comma = text.contains(',');
            let expected = b.rubric().criteria[c].scale.expectation();
            let hint = match (comma, decimal) {
                (true, Decimal::Point) => "a decimal comma where cells are separated by commas (or [input] decimal = \".\"): write 4.5, or save the file with ';' between cells",
                (true, Decimal::Comma) if text.contains('.') => "both '.' and ',' in one number: write it without a thousands separator, as 4.5 or 4,5",
                _ => "leave the cell blank for a missing score",
            };
            let message = format!("not a number; expected {expected} ({hint})");
            b.problem(ProblemKind::NotANumber, line, column, message, text);
            None
        }
    }
}

/// The number a cell's text writes with the decimal mark `decimal` (a comma, where the mark
/// allows one, read as a point); `Err` for anything else. It may be infinite.
pub(super) fn number_as(text: &str, decimal: Decimal) -> Result<f64, ()> {
    decimal_of(text, decimal).map_or(Err(()), |t| decimal_number(&t))
}

/// The text with a decimal comma turned into a point, where the mark allows one; `None`
/// for a comma that is no decimal mark here.
fn decimal_of(text: &str, decimal: Decimal) -> Option<std::borrow::Cow<'_, str>> {
    if !text.contains(',') {
        return Some(text.into());
    }
    let one = text.matches(',').count() == 1 && !text.contains('.');
    (decimal == Decimal::Comma && one).then(|| text.replace(',', ".").into())
}

fn decimal_number(text: &str) -> Result<f64, ()> {
    decimal(text).map_or_else(|| text.parse::<f64>().map_err(|_| ()), Ok)
}

/// A plain decimal, `-?digits(.digits)?` with at most 15 digits, as `str::parse::<f64>` reads
/// it; `None` for anything else, which the standard library then reads.
///
/// Quicker than the standard library for the usual score, and the same number: a mantissa
/// below 10¹⁵ < 2⁵³ and a power of ten up to 10¹⁵ are exact in `f64`, so their quotient is
/// the correctly rounded value of the decimal, as the standard library's is (Clinger's fast
/// path).
pub(super) fn decimal(text: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (mut mantissa, mut count, mut decimals) = (0u64, 0usize, 0usize);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
            }
            // A point between digits, once.
            b'.' if decimals == 0 && i > 0 && i + 1 < digits.len() => {
                decimals = digits.len() - i - 1;
            }
            _ => return None,
        }
    }
    if count > 15 {
        return None;
    }
    let x = mantissa as f64 / POWERS[decimals];
    Some(if negative { -x } else { x })
}

/// The criterion a header names: its id, or its name (a header is folded by [`key`]).
fn criterion_of(rubric: &Rubric, header_key: &str) -> Option<usize> {
    let criteria = &rubric.criteria;
    (criteria.iter())
        .position(|c| crate::util::text::same_ignoring_case(&c.id, header_key))
        .or_else(|| (criteria.iter()).position(|c| key(&c.name) == header_key))
}

/// " (did you mean …?)" naming the criterion whose id or name is closest to a header, when
/// one is close; empty otherwise.
fn did_you_mean(rubric: &Rubric, header_key: &str) -> String {
    let mut best: Option<(f64, String)> = None;
    for c in &rubric.criteria {
        for (said, shown) in [(key(&c.id), c.id.clone()), (key(&c.name), c.name.clone())] {
            let score = strsim::normalized_damerau_levenshtein(&said, header_key);
            let shown = if shown == c.id {
                format!("'{}'", c.id)
            } else {
                format!("'{shown}', the name of '{}'", c.id)
            };
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, shown));
            }
        }
    }
    match best {
        Some((score, shown)) if score >= 0.5 => format!(" (did you mean {shown}?)"),
        _ => String::new(),
    }
}
