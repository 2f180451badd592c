//! `[input]` of `award.toml`, checked: how the folder's tables are read where detection is
//! not wanted (`docs/formats.md`, "Reading the tables").

use super::stamp::DayOrder;
use crate::error::{Problem, ProblemKind};
use crate::settings::{Duplicates, InputTable};
use crate::tomlfile::TomlFile;
use toml::Spanned;

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
    /// The day order of timestamps such as `05/06/2016`, when `award.toml` sets it.
    pub timestamp_format: Option<DayOrder>,
}

/// The columns that `[input] columns` may name, besides the criteria's ids.
pub(super) const KNOWN: [&str; 11] = [
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
    "timestamp",
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
        let mut pick = |setting: Option<Spanned<String>>,
                        key: &str,
                        says: &str,
                        choose: &mut dyn FnMut(&str) -> bool| {
            if let Some(s) = setting {
                if !choose(s.get_ref()) {
                    refuse(s.span(), key, s.get_ref(), says);
                }
            }
        };
        let says = "[input] delimiter is one of \",\", \";\" or \"tab\"";
        pick(table.delimiter, "delimiter", says, &mut |v| {
            options.delimiter = match v {
                "," => Some(b','),
                ";" => Some(b';'),
                "tab" | "\t" => Some(b'\t'),
                _ => return false,
            };
            true
        });
        pick(
            table.decimal,
            "decimal",
            "[input] decimal is \".\" or \",\"",
            &mut |v| {
                options.decimal = match v {
                    "." => Some(Decimal::Point),
                    "," => Some(Decimal::Comma),
                    _ => return false,
                };
                true
            },
        );
        let says = "[input] encoding is \"utf-8\" or \"windows-1252\" (also called \"latin-1\"); for another, save the files as UTF-8";
        pick(
            table.encoding,
            "encoding",
            says,
            &mut |v| match key(v).replace('_', "-").as_str() {
                "utf-8" | "utf8" => true,
                "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                    options.windows_1252 = true;
                    true
                }
                _ => false,
            },
        );
        let says = "[input] duplicates is \"error\" (a score given twice is refused) or \"last\" (the row sent last wins: by its timestamp column when there is one, else the row furthest down)";
        pick(table.duplicates, "duplicates", says, &mut |v| {
            options.duplicates = match v {
                "error" => Duplicates::Error,
                "last" => Duplicates::Last,
                _ => return false,
            };
            true
        });
        let says = "[input] timestamp_format is \"day-first\" (12/05/2016 is 12 May) or \"month-first\" (05/12/2016 is 12 May)";
        pick(table.timestamp_format, "timestamp_format", says, &mut |v| {
            options.timestamp_format = match key(v).replace('_', "-").as_str() {
                "day-first" => Some(DayOrder::DayFirst),
                "month-first" => Some(DayOrder::MonthFirst),
                _ => return false,
            };
            true
        });
        if let Some(columns) = table.columns {
            let (mapped, refused) = mapped_columns(columns, file, criteria);
            options.columns = mapped;
            problems.extend(refused);
        }
        if let Some(ignore) = table.ignore {
            options.ignore = ignore.into_inner().iter().map(|h| key(h)).collect();
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

/// `[input] columns` checked: each header (folded by [`key`]) and the column it stands for;
/// a column jury does not know is refused.
fn mapped_columns(
    columns: Spanned<std::collections::BTreeMap<String, String>>,
    file: &TomlFile,
    criteria: &[String],
) -> (Vec<(String, String)>, Vec<Problem>) {
    let span = columns.span();
    let (mut mapped, mut problems) = (Vec::new(), Vec::new());
    for (column, header) in columns.into_inner() {
        let column_key = key(&column);
        let known =
            KNOWN.contains(&column_key.as_str()) || criteria.iter().any(|c| key(c) == column_key);
        if known {
            mapped.push((key(&header), column_key));
        } else {
            let says = format!(
                "[input] columns maps a header onto one of {} or a criterion id ({})",
                KNOWN.join(", "),
                criteria.join(", ")
            );
            let at = file.at(span.clone(), "columns");
            problems.push(Problem::new(ProblemKind::Setting, at, says).with_value(column));
        }
    }
    (mapped, problems)
}
