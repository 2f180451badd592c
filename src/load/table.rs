//! An open CSV file of the award folder: its header checked, its rows read one by one.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::digest::Feeding;
use super::input::{key, InputOptions};
use super::records::{self, Records};
use super::sources::TableKind;
use super::{blank, pieces};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;

/// An open CSV file: its records and its header.
pub(super) struct Table {
    pub(super) records: Records<Feeding<File>>,
    pub(super) header: Header,
}

/// A table's header row: the headers as written, the key each stands for, and where it is.
#[derive(Clone, Debug, Default)]
pub(super) struct Header {
    /// The headers, trimmed, as written.
    pub(super) headers: Vec<String>,
    /// The column each header stands for: its [`key`], or what `[input] columns` or an alias
    /// maps it onto; empty for a nameless column.
    pub(super) keys: Vec<String>,
    /// The columns left unread: `[input] ignore`, and form metadata in `scores`.
    pub(super) skip: Vec<bool>,
    /// The header's line (1, unless empty lines come before it).
    pub(super) line: u64,
    /// The file as problems name it.
    pub(super) name: String,
}

impl Table {
    /// Opens the CSV file `name` (its dialect the standard one: `,` and UTF-8) and reads its
    /// header.
    pub(super) fn open(
        dir: &Path,
        name: &str,
        kind: TableKind,
        options: &InputOptions,
        builder: &mut AwardBuilder,
    ) -> Option<Table> {
        builder.set_file(PathBuf::from(name));
        let mut records = match File::open(dir.join(name)) {
            Ok(f) => Records::new(Feeding::new(f)),
            Err(e) => {
                builder.add_problem(unreadable(Location::file(name), &e));
                return None;
            }
        };
        // The header's line: empty lines before it are skipped, and counted.
        let mut line = 1;
        let raw: Vec<Vec<u8>> = match records.next() {
            Ok(Some(at)) => {
                line = at;
                records.fields().map(<[u8]>::to_vec).collect()
            }
            Ok(None) => Vec::new(),
            Err(e) => {
                let problem = records::problem(Path::new(name), 1, Location::file(name), &e);
                builder.add_problem(problem);
                return None;
            }
        };
        let mut headers = Vec::new();
        for (i, h) in raw.iter().enumerate() {
            match std::str::from_utf8(h) {
                Ok(h) => headers.push(h.trim().to_string()),
                Err(_) => {
                    builder.add_problem(Problem::new(
                        ProblemKind::Encoding,
                        Location::cell(name, line, format!("#{}", i + 1)),
                        not_utf8(h),
                    ));
                    return None;
                }
            }
        }
        let header = Header::new(headers, line, name, kind, options, builder)?;
        Some(Table { records, header })
    }

    /// The SHA-256 of the whole file, once its records were read to the end.
    pub(super) fn finish(self) -> Option<String> {
        let (_, file, _) = self.records.into_rest();
        file.finish().ok().flatten()
    }

    /// Calls `row` for every record with its line and trimmed cells, reporting rows of the
    /// wrong length and cells that are not UTF-8; gives the file's SHA-256.
    pub(super) fn rows(
        mut self,
        name: &str,
        builder: &mut AwardBuilder,
        mut row: impl FnMut(&mut AwardBuilder, u64, &[&str]),
    ) -> Option<String> {
        loop {
            let line = match self.records.next() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    let problem = records::problem(Path::new(name), 1, Location::file(name), &e);
                    builder.add_problem(problem);
                    // The load fails: no digest, and no reading on through what may be
                    // gigabytes of something else.
                    return None;
                }
            };
            let mut cells = Vec::with_capacity(self.header.headers.len());
            let headers = &self.header.headers;
            match pieces::split(self.records.fields(), headers.len(), &mut cells) {
                Ok(()) if blank(&cells) => {}
                Ok(()) => row(builder, line, &cells),
                Err(bad) => builder.add_problem(bad.problem(Path::new(name), headers, line)),
            }
        }
        self.finish()
    }
}

impl Header {
    /// The header of table `name` from its trimmed `headers` on `line`: each column's key
    /// (`[input] ignore` and `columns` first, then the table's aliases, then form metadata),
    /// and a column given twice reported. `None` (reported) for a header with no name at all.
    pub(super) fn new(
        headers: Vec<String>,
        line: u64,
        name: &str,
        kind: TableKind,
        options: &InputOptions,
        builder: &mut AwardBuilder,
    ) -> Option<Header> {
        if headers.iter().all(|h| h.is_empty()) {
            builder.add_problem(Problem::new(
                ProblemKind::Empty,
                Location::file(name),
                "the file is empty; expected a header row (see docs/formats.md)",
            ));
            return None;
        }
        let mut keys = Vec::with_capacity(headers.len());
        let mut skip = Vec::with_capacity(headers.len());
        for h in &headers {
            let folded = key(h);
            let ignored = options.ignore.contains(&folded);
            let k = match options.mapped(&folded) {
                Some(column) => column.to_string(),
                None => kind.alias(&folded).unwrap_or(&folded).to_string(),
            };
            let metadata = kind == TableKind::Scores && METADATA.contains(&k.as_str());
            if metadata && !ignored {
                builder.add_note(
                    name,
                    format!("column '{h}' skipped: form metadata, not a score (list it in [input] ignore to skip it without this note)"),
                );
            }
            skip.push(ignored || metadata);
            keys.push(k);
        }
        for (i, k) in keys.iter().enumerate() {
            // Nameless columns (trailing commas) are judged by what they hold, elsewhere.
            let before = (0..i).any(|j| !skip[j] && keys[j] == *k);
            if !k.is_empty() && !skip[i] && before {
                builder.problem(
                    ProblemKind::Column,
                    line,
                    &headers[i],
                    "this column is given twice",
                    k,
                );
            }
        }
        Some(Header {
            headers,
            keys,
            skip,
            line,
            name: name.to_string(),
        })
    }

    /// The column whose key is `key` (skipped columns aside).
    pub(super) fn column(&self, key: &str) -> Option<usize> {
        (0..self.keys.len()).find(|&i| !self.skip[i] && self.keys[i] == key)
    }

    /// Reports every column (skipped ones aside) whose key is not one of `known`; `takes`
    /// says what the file takes.
    pub(super) fn refuse_others(&self, known: &[&str], takes: &str, builder: &mut AwardBuilder) {
        for (i, (key, header)) in self.keys.iter().zip(&self.headers).enumerate() {
            if !self.skip[i] && !known.contains(&key.as_str()) {
                let message = format!("unknown column; {takes} (see docs/formats.md)");
                builder.problem(ProblemKind::Column, self.line, header, message, header);
            }
        }
    }

    /// The index of a required column, reporting it when absent.
    pub(super) fn require(&self, key: &str, builder: &mut AwardBuilder) -> Option<usize> {
        let found = self.column(key);
        if found.is_none() {
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(&self.name, self.line),
                format!(
                    "missing column '{key}'; the header has: {}",
                    self.headers.join(", ")
                ),
            ));
        }
        found
    }
}

/// Columns of a form export that hold no score (Google Forms, Microsoft Forms), skipped in
/// `scores` with a note. `timestamp` also orders re-submitted forms.
pub(super) const METADATA: [&str; 7] = [
    "timestamp",
    "email address",
    "email",
    "username",
    "start time",
    "completion time",
    "last modified time",
];

/// The message for bytes that are not UTF-8: what they read as in Windows-1252 (what Excel's
/// plain "CSV" saves on Western Windows), and the two ways out.
pub(super) fn not_utf8(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    format!(
        "the text is not UTF-8 (as Windows-1252 it reads \"{text}\", as Excel's plain CSV saves it); save the file as \"CSV UTF-8\", or set [input] encoding = \"windows-1252\" in award.toml"
    )
}
