//! Reports: the ranking, the audit bundle and the manifest.
//!
//! Each report is a type implementing [`Report`], writing to any `io::Write`. The audit
//! bundle ([`write_bundle`]) writes them all into a folder atomically: complete or not at all;
//! [`write_report`] writes one report alone into a folder of its own, as atomically.
//! Numbers are written rounded to [`DECIMALS`] decimals; text cells that a spreadsheet would
//! run as a formula are neutralised.

mod bundle;
mod csv;
mod html;
mod json;
mod plan;
mod rows;

use std::io;

pub use crate::util::number::{number, DECIMALS};
pub use bundle::{check_bundle_dir, check_report_dir, write_bundle, write_report, Housekeeping};
pub use csv::{JurorsCsv, RankingCsv, ReliabilityCsv, ScoresCsv, WarningsCsv};
pub use html::{render_html, write_html, HTML_FILE};
pub use json::{Manifest, SummaryJson, SUMMARY_SCHEMA};
pub use plan::{check_new_or_empty, write_plan_files, write_reads, write_sheet};
pub use rows::{ranking_rows, RankingRow};

use crate::award::Award;
use crate::outcome::Outcome;

/// A report written from an award and its outcome.
pub trait Report {
    /// The file name in the audit bundle.
    fn file_name(&self) -> &'static str;
    /// Writes the report. Any outcome of the award will do: from [`crate::score`],
    /// [`crate::score_with`] or [`crate::advanced::uncertainty::score_counted`], with or without uncertainty.
    ///
    /// # Panics
    ///
    /// When `outcome` was not scored from `award`: it indexes the award's scores, proposals and
    /// jurors by position (and when the shapes happen to match, writes a wrong report).
    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()>;
}

/// A text cell made safe for spreadsheets: a cell that begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is prefixed with `'`, so it is shown as text, never run as a formula;
/// but a plain signed number (`-5`, `+2.5`, `-1e3`) is left as it is, a number a spreadsheet
/// reads as one and can run nothing with.
///
/// ```
/// assert_eq!(jury::report::text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(jury::report::text("-5"), "-5");
/// assert_eq!(jury::report::text("-5+cmd|' /C calc'!A0"), "'-5+cmd|' /C calc'!A0");
/// assert_eq!(jury::report::text("P01"), "P01");
/// ```
pub fn text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('+' | '-') if plain_number(s) => s.into(),
        Some(c) if FORMULA_START.contains(&c) => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// The characters that make a spreadsheet run a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell of a CSV report read back as it was given: [`text`]'s `'` taken off.
pub(crate) fn untext(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// Whether `s` is a sign, digits, at most one decimal point among them, and an optional
/// exponent of digits (`-5`, `+2.5`, `-1.5e-3`), nothing else.
fn plain_number(s: &str) -> bool {
    let body = &s[1..];
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_prefix_is_neutralised() {
        let formulas = [
            "=1+1",
            "+1+1",
            "-1-A1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
            "+",
            "-.5",
            "-5.",
            "-1e",
            "-1e+",
            "-5+cmd|' /C calc'!A0",
            "-1,5",
            "- 5",
            "-0x10",
            "-inf",
            "+1e5x",
        ];
        for cell in formulas {
            assert_eq!(text(cell), format!("'{cell}"), "{cell:?}");
        }
        // A plain signed number stays a number: a budget change of -5 is -5, not '-5.
        let plain = [
            "P01", "1", "", "a=b", "'quoted", "-5", "+5", "-2.5", "+0.25", "-1e3", "-1.5E-3",
            "+2e+4",
        ];
        for cell in plain {
            assert_eq!(text(cell), cell, "{cell:?}");
        }
    }
}
