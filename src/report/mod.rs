//! Reports: the ranking, the audit bundle and the manifest.
//!
//! Each report is a type implementing [`Report`], writing to any `io::Write`. The audit
//! bundle ([`write_bundle`]) writes them all into a folder atomically: complete or not at all.
//! Numbers are written rounded to [`DECIMALS`] decimals; text cells that a spreadsheet would
//! run as a formula are neutralised.

mod bundle;
mod csv;
mod json;
mod rows;

use std::io;

pub use bundle::write_bundle;
pub use csv::{JurorsCsv, RankingCsv, ReliabilityCsv, ScoresCsv, WarningsCsv};
pub use json::{Manifest, SummaryJson};
pub use rows::{ranking_rows, RankingRow};

use crate::award::Award;
use crate::outcome::Outcome;

/// Decimals kept when a number is written to a report.
pub const DECIMALS: usize = 6;

/// A report written from an award and its outcome.
pub trait Report {
    /// The file name in the audit bundle.
    fn file_name(&self) -> &'static str;
    /// Writes the report.
    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()>;
}

/// A number as written in reports: rounded to [`DECIMALS`] decimals, without trailing zeros,
/// never `-0`.
///
/// ```
/// assert_eq!(jury::report::number(3.0), "3");
/// assert_eq!(jury::report::number(2.0 / 3.0), "0.666667");
/// assert_eq!(jury::report::number(-0.0000001), "0");
/// ```
pub fn number(x: f64) -> String {
    let mut s = format!("{x:.DECIMALS$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// A text cell made safe for spreadsheets: a cell that begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is prefixed with `'`, so it is shown as text, never run as a formula.
///
/// ```
/// assert_eq!(jury::report::text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(jury::report::text("P01"), "P01");
/// ```
pub fn text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_prefix_is_neutralised() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text(cell), format!("'{cell}"));
        }
        for cell in ["P01", "1", "", "a=b", "'quoted"] {
            assert_eq!(text(cell), cell);
        }
    }

    #[test]
    fn numbers_keep_six_decimals_and_no_trailing_zeros() {
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(number(1e-7), "0");
        assert_eq!(number(123456.0000004), "123456");
        assert_eq!(number(0.1 + 0.2), "0.3");
    }
}
