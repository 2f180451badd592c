//! Reading `scores.csv`, in long or wide form.

use std::path::Path;

use super::table::Table;
use super::{blank, pieces, SCORES_FILE};
use crate::award::{unknown_criterion, AwardBuilder, Batch};
use crate::error::{Location, Problem, ProblemKind};
use crate::rubric::Rubric;

/// Reads `scores.csv`; gives its SHA-256.
pub(super) fn read_scores(
    dir: &Path,
    builder: &mut AwardBuilder,
    sizes: pieces::Sizes,
) -> Option<String> {
    let name = SCORES_FILE;
    let table = Table::open(dir, name, builder)?;
    let problems_at_open = builder.taken().1;
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let confidence = table.column("confidence");
    let long = table.column("criterion").zip(table.column("score"));
    // Long form: a column it does not take (a misspelt `confidence`, say) would be dropped
    // unseen.
    if long.is_some() {
        table.refuse_others(
            &["juror", "proposal", "criterion", "score", "confidence", "comment"],
            "scores.csv in long form takes juror, proposal, criterion, score, confidence and comment",
            builder,
        );
    }
    // Wide form: every other column must be a criterion id.
    let wide = match long {
        Some(_) => Vec::new(),
        None => wide_columns(&table, builder, name),
    };
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return None;
    };
    // Room for every score at once, so the list never grows by copying (untouched memory
    // costs nothing): a long-form row takes at least 8 bytes; a wide row of C scores at least
    // 2C + 4.
    let bytes = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len() as usize);
    builder.reserve(match long {
        Some(_) => bytes / 8,
        None => bytes / (2 * wide.len() + 4) * wide.len(),
    });
    let columns = ScoreColumns {
        juror,
        proposal,
        confidence,
        long,
        wide,
        headers: table.headers.clone(),
        criteria: builder.criterion_list(),
    };
    // The records after the header, read in pieces.
    let (read, file, first_line) = table.records.into_rest();
    let rubric = builder.rubric().clone();
    let source = pieces::Source {
        name: Path::new(name),
        headers: &columns.headers,
        rubric: &rubric,
    };
    let row = |b: &mut Batch<'_>, line: u64, cells: &[&str]| columns.row(b, line, cells);
    let before = builder.taken();
    let sha256 = pieces::read((read, file), first_line, &source, sizes, &row, builder);
    // A header and nothing under it would score nothing and look like a result (when the
    // header itself was refused, no row could give a score: that problem is the one).
    if builder.taken() == (before.0, problems_at_open) {
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(name),
            "the file has a header but no scores; expected one row per score (see docs/formats.md)",
        ));
    }
    sha256
}

/// The criterion columns of `scores.csv` in wide form, each with its criterion; reports
/// columns that are no criterion, and criteria without a column.
fn wide_columns(table: &Table, builder: &mut AwardBuilder, name: &str) -> Vec<(usize, usize)> {
    let mut wide: Vec<(usize, usize)> = Vec::new();
    let mut seen = vec![false; builder.rubric().criteria.len()];
    for (i, key) in table.keys.iter().enumerate() {
        if ["juror", "proposal", "confidence", "comment"].contains(&key.as_str()) {
            continue;
        }
        match criterion_of(builder.rubric(), key) {
            // A criterion's second column: reported as a column given twice, and read
            // once (else every row would score the criterion twice).
            Some(c) if seen[c] => {}
            Some(c) => {
                seen[c] = true;
                wide.push((i, c));
            }
            None => {
                let message = format!(
                    "unknown column; scores.csv takes juror, proposal, confidence, comment and either criterion + score (long form) or one column per criterion: {}",
                    builder.criterion_list()
                );
                builder.problem(
                    ProblemKind::Column,
                    table.line,
                    &table.headers[i],
                    message,
                    &table.headers[i],
                );
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
            Location::line(name, table.line),
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
}

impl ScoreColumns {
    /// Checks one row and adds its scores to the batch.
    fn row(&self, b: &mut Batch<'_>, line: u64, cells: &[&str]) {
        if cells[self.juror].is_empty() && blank(cells) {
            return;
        }
        let headers = &self.headers;
        let weight = match self.confidence.map(|i| (i, cells[i])) {
            None | Some((_, "")) => 1.0,
            Some((i, text)) => match text.parse::<f64>() {
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
                if let Some(score) = parse_score(b, c, text, line, column) {
                    b.push(juror, proposal, c, score, weight, line, (column, text));
                }
            }
            None => {
                for &(col, c) in &self.wide {
                    let column = &headers[col];
                    if let Some(score) = parse_score(b, c, cells[col], line, column) {
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
/// `None` (reported) for anything else.
fn parse_score(
    b: &mut Batch<'_>,
    c: usize,
    text: &str,
    line: u64,
    column: &str,
) -> Option<Option<f64>> {
    if text.is_empty() {
        return Some(None);
    }
    match decimal(text).map_or_else(|| text.parse::<f64>(), Ok) {
        Ok(x) if x.is_finite() => Some(Some(x)),
        _ => {
            let message = format!(
                "not a number; expected {} (use '.' for decimals; leave the cell blank for a missing score)",
                b.rubric().criteria[c].scale.expectation()
            );
            b.problem(ProblemKind::NotANumber, line, column, message, text);
            None
        }
    }
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

fn criterion_of(rubric: &Rubric, key: &str) -> Option<usize> {
    rubric
        .criteria
        .iter()
        .position(|c| crate::util::text::same_ignoring_case(&c.id, key))
}
