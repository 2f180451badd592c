//! An open CSV file of the award folder: its header checked, its rows read one by one.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::digest::Feeding;
use super::records::{self, Records};
use super::{blank, pieces};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;

/// An open CSV file: its records and its headers (as written, and trimmed lowercase).
pub(super) struct Table {
    pub(super) records: Records<Feeding<File>>,
    pub(super) headers: Vec<String>,
    pub(super) keys: Vec<String>,
    /// The header's line (1, unless empty lines come before it).
    pub(super) line: u64,
}

impl Table {
    pub(super) fn open(dir: &Path, name: &str, builder: &mut AwardBuilder) -> Option<Table> {
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
        if raw.iter().all(|h| h.is_empty()) {
            builder.add_problem(Problem::new(
                ProblemKind::Empty,
                Location::file(name),
                "the file is empty; expected a header row (see docs/formats.md)",
            ));
            return None;
        }
        let mut headers = Vec::new();
        for (i, h) in raw.iter().enumerate() {
            match std::str::from_utf8(h) {
                Ok(h) => headers.push(h.trim().to_string()),
                Err(_) => {
                    builder.add_problem(Problem::new(
                        ProblemKind::Encoding,
                        Location::cell(name, line, format!("#{}", i + 1)),
                        "the header is not valid UTF-8; save the file as UTF-8",
                    ));
                    return None;
                }
            }
        }
        let keys: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
        for (i, k) in keys.iter().enumerate() {
            // Nameless columns (trailing commas) are judged by what they hold, elsewhere.
            if !k.is_empty() && keys[..i].contains(k) {
                builder.problem(
                    ProblemKind::Column,
                    line,
                    &headers[i],
                    "this column is given twice",
                    k,
                );
            }
        }
        Some(Table {
            records,
            headers,
            keys,
            line,
        })
    }

    /// The SHA-256 of the whole file, once its records were read to the end.
    pub(super) fn finish(self) -> Option<String> {
        let (_, file, _) = self.records.into_rest();
        file.finish().ok().flatten()
    }

    pub(super) fn column(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    /// Reports every column whose key is not one of `known`; `takes` says what the file
    /// takes.
    pub(super) fn refuse_others(&self, known: &[&str], takes: &str, builder: &mut AwardBuilder) {
        for (key, header) in self.keys.iter().zip(&self.headers) {
            if !known.contains(&key.as_str()) {
                let message = format!("unknown column; {takes} (see docs/formats.md)");
                builder.problem(ProblemKind::Column, self.line, header, message, header);
            }
        }
    }

    /// The index of a required column, reporting it when absent.
    pub(super) fn require(
        &self,
        key: &str,
        builder: &mut AwardBuilder,
        name: &str,
    ) -> Option<usize> {
        let found = self.column(key);
        if found.is_none() {
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(name, self.line),
                format!(
                    "missing column '{key}'; the header has: {}",
                    self.headers.join(", ")
                ),
            ));
        }
        found
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
            let mut cells = Vec::with_capacity(self.headers.len());
            match pieces::split(self.records.fields(), self.headers.len(), &mut cells) {
                Ok(()) if blank(&cells) => {}
                Ok(()) => row(builder, line, &cells),
                Err(bad) => builder.add_problem(bad.problem(Path::new(name), &self.headers, line)),
            }
        }
        self.finish()
    }
}
