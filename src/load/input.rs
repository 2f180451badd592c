//! `[input]` of `award.toml`, checked: how the folder's tables are read where detection is
//! not wanted (`docs/formats.md`, "Reading the tables").

use crate::error::{Problem, ProblemKind};
use crate::settings::{Duplicates, InputTable};
use crate::tomlfile::TomlFile;

/// The decimal mark of scores in a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Decimal {
    /// `4.5` only.
    Point,
    /// `4,5` (and `4.5`).
    Comma,
}

/// How the tables are read: `[input]` checked. The defaults detect what can be detected.
#[derive(Clone, Debug, Default)]
pub(super) struct InputOptions {
    /// The CSV delimiter, when `award.toml` sets it (else detected from the header row).
    pub delimiter: Option<u8>,
    /// The decimal mark, when `award.toml` sets it.
    pub decimal: Option<Decimal>,
    /// Whether CSV files are decoded from Windows-1252 (else they must be UTF-8).
    pub windows_1252: bool,
    /// Header names (as [`key`] folds them) and the column each stands for.
    pub columns: Vec<(String, String)>,
    /// Header names (as [`key`] folds them) of columns to skip.
    pub ignore: Vec<String>,
    /// What a score given twice is.
    pub duplicates: Duplicates,
}

/// The columns that `[input] columns` may name, besides the criteria's ids.
pub(super) const KNOWN: [&str; 10] = [
    "juror",
    "proposal",
    "criterion",
    "score",
    "confidence",
    "comment",
    "id",
    "title",
    "name",
    "reason",
];

/// A header as it is matched: trimmed, in lower case, each run of spaces one space.
pub(super) fn key(header: &str) -> String {
    let lower = header.to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl InputOptions {
    /// Checks `[input]`; each problem names its key and line in `file`. `criteria` are the
    /// rubric's ids, which `columns` may also name.
    pub(super) fn check(
        table: InputTable,
        file: &TomlFile,
        criteria: &[String],
    ) -> (InputOptions, Vec<Problem>) {
        let mut options = InputOptions::default();
        let mut problems = Vec::new();
        let mut refuse = |span: std::ops::Range<usize>, key: &str, value: &str, says: &str| {
            let at = file.at(span, key);
            let problem = Problem::new(ProblemKind::Setting, at, says).with_value(value);
            problems.push(problem);
        };
        if let Some(d) = table.delimiter {
            match d.get_ref().as_str() {
                "," => options.delimiter = Some(b','),
                ";" => options.delimiter = Some(b';'),
                "tab" | "\t" => options.delimiter = Some(b'\t'),
                other => refuse(
                    d.span(),
                    "delimiter",
                    other,
                    "[input] delimiter is one of \",\", \";\" or \"tab\"",
                ),
            }
        }
        if let Some(d) = table.decimal {
            match d.get_ref().as_str() {
                "." => options.decimal = Some(Decimal::Point),
                "," => options.decimal = Some(Decimal::Comma),
                other => refuse(
                    d.span(),
                    "decimal",
                    other,
                    "[input] decimal is \".\" or \",\"",
                ),
            }
        }
        if let Some(e) = table.encoding {
            match key(e.get_ref()).replace('_', "-").as_str() {
                "utf-8" | "utf8" => {}
                "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                    options.windows_1252 = true
                }
                other => refuse(
                    e.span(),
                    "encoding",
                    other,
                    "[input] encoding is \"utf-8\" or \"windows-1252\" (also called \"latin-1\"); for another, save the files as UTF-8",
                ),
            }
        }
        if let Some(columns) = table.columns {
            let span = columns.span();
            for (column, header) in columns.into_inner() {
                let column_key = key(&column);
                let known = KNOWN.contains(&column_key.as_str())
                    || criteria.iter().any(|c| key(c) == column_key);
                if known {
                    options.columns.push((key(&header), column_key));
                } else {
                    let says = format!(
                        "[input] columns maps a header onto one of {} or a criterion id ({})",
                        KNOWN.join(", "),
                        criteria.join(", ")
                    );
                    refuse(span.clone(), "columns", &column, &says);
                }
            }
        }
        if let Some(ignore) = table.ignore {
            options.ignore = ignore.into_inner().iter().map(|h| key(h)).collect();
        }
        if let Some(d) = table.duplicates {
            match d.get_ref().as_str() {
                "error" => options.duplicates = Duplicates::Error,
                "last" => options.duplicates = Duplicates::Last,
                other => refuse(
                    d.span(),
                    "duplicates",
                    other,
                    "[input] duplicates is \"error\" (a score given twice is refused) or \"last\" (the later row wins)",
                ),
            }
        }
        (options, problems)
    }

    /// The column a header stands for by `[input] columns`, if it names one.
    pub(super) fn mapped(&self, header_key: &str) -> Option<&str> {
        (self.columns.iter())
            .find(|(h, _)| h == header_key)
            .map(|(_, c)| c.as_str())
    }
}
