//! CSV dialects: the delimiter (`,` `;` or tab) detected from the header row, the decimal
//! mark, and the encoding (UTF-8, or Windows-1252 when `award.toml` says so). A file in the
//! plain dialect (`,`, `.` and UTF-8) is streamed in parallel pieces ([`super::pieces`]);
//! any other is read whole into a [`Grid`] here.

use std::path::{Path, PathBuf};

use super::grid::Grid;
use super::input::{Decimal, InputOptions};
use super::pieces;
use super::records::{self, Records};
use super::sources::TableKind;
use super::table::{not_utf8, Header};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;
use crate::util::digest::hex;

/// How a CSV file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Dialect {
    /// The byte between cells.
    pub delimiter: u8,
    /// The decimal mark of scores.
    pub decimal: Decimal,
    /// Whether the file is decoded from Windows-1252.
    pub windows_1252: bool,
    /// Whether the delimiter was detected (not set in `award.toml`).
    pub detected: bool,
}

impl Dialect {
    /// Whether this is the plain dialect, which is streamed.
    pub(super) fn plain(&self) -> bool {
        self.delimiter == b',' && self.decimal == Decimal::Point && !self.windows_1252
    }

    /// What a coordinator is told about a dialect that is not the plain one.
    pub(super) fn note(&self) -> Option<String> {
        if self.plain() {
            return None;
        }
        let mut said = Vec::new();
        if self.delimiter != b',' {
            let how = if self.detected {
                "detected from the header row"
            } else {
                "as [input] delimiter says"
            };
            said.push(format!(
                "cells separated by {} ({how})",
                shown(self.delimiter)
            ));
        }
        if self.decimal == Decimal::Comma {
            said.push("a decimal comma in scores read as a point (4,5 is 4.5)".to_string());
        }
        if self.windows_1252 {
            said.push("decoded from Windows-1252, as [input] encoding says".to_string());
        }
        Some(said.join("; "))
    }
}

/// A delimiter as a message shows it.
fn shown(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "';'",
        b'\t' => "tabs",
        _ => "','",
    }
}

/// The dialect of a CSV file that starts with `head`: `[input]` settings first, else the
/// delimiter that the header row (outside quotes) holds most of. `Err` (a message) when two
/// delimiters are as frequent in the header.
pub(super) fn detect(head: &[u8], options: &InputOptions) -> Result<Dialect, String> {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = body
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .count();
    let mut quoted = false;
    for &b in &body[start..] {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => {
            counts.sort_by_key(|c| std::cmp::Reverse(c.1));
            if counts[0].1 > 0 && counts[0].1 == counts[1].1 {
                return Err(format!(
                    "the header row has as many {} as {} between its cells, so the delimiter cannot be told; set [input] delimiter in award.toml",
                    shown(counts[0].0),
                    shown(counts[1].0)
                ));
            }
            if counts[0].1 == 0 {
                b','
            } else {
                counts[0].0
            }
        }
    };
    let decimal = options.decimal.unwrap_or(if delimiter == b',' {
        Decimal::Point
    } else {
        Decimal::Comma
    });
    Ok(Dialect {
        delimiter,
        decimal,
        windows_1252: options.windows_1252,
        detected: options.delimiter.is_none(),
    })
}

/// Reads the CSV file `name` of `dir`, in `dialect`, whole into a grid; `None` (reported)
/// when it cannot be read or has no header.
pub(super) fn read_grid(
    dir: &Path,
    name: &str,
    dialect: Dialect,
    kind: TableKind,
    options: &InputOptions,
    builder: &mut AwardBuilder,
) -> Option<Grid> {
    builder.set_file(PathBuf::from(name));
    let bytes = match std::fs::read(dir.join(name)) {
        Ok(bytes) => bytes,
        Err(e) => {
            builder.add_problem(unreadable(Location::file(name), &e));
            return None;
        }
    };
    let sha256 = {
        use sha2::Digest as _;
        hex(&sha2::Sha256::digest(&bytes))
    };
    // A UTF-8 byte-order mark says UTF-8, whatever award.toml says.
    let decoded;
    let text: &[u8] = if dialect.windows_1252 && !bytes.starts_with(b"\xef\xbb\xbf") {
        decoded = encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned();
        decoded.as_bytes()
    } else {
        &bytes
    };
    let mut records = Records::with_delimiter(text, dialect.delimiter);
    let failed = |builder: &mut AwardBuilder, e: &std::io::Error| {
        let problem = records::problem(Path::new(name), 1, Location::file(name), e);
        builder.add_problem(problem);
    };
    let (line, raw): (u64, Vec<Vec<u8>>) = match records.next() {
        Ok(Some(line)) => (line, records.fields().map(<[u8]>::to_vec).collect()),
        Ok(None) => (1, Vec::new()),
        Err(e) => {
            failed(builder, &e);
            return None;
        }
    };
    let mut headers = Vec::with_capacity(raw.len());
    for (i, h) in raw.iter().enumerate() {
        let Ok(h) = std::str::from_utf8(h) else {
            let at = Location::cell(name, line, format!("#{}", i + 1));
            builder.add_problem(Problem::new(ProblemKind::Encoding, at, not_utf8(h)));
            return None;
        };
        headers.push(h.trim().to_string());
    }
    let header = Header::new(headers, line, name, kind, options, builder)?;
    let width = header.headers.len();
    let mut grid = Grid::new(header);
    grid.decimal = dialect.decimal;
    loop {
        let mut cells = Vec::with_capacity(width);
        let line = match records.next() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                failed(builder, &e);
                return None;
            }
        };
        match pieces::split(records.fields(), width, &mut cells) {
            Ok(()) => grid.push(line, cells.iter().copied()),
            Err(bad) => {
                let problem = bad.problem(Path::new(name), &grid.header.headers, line);
                builder.add_problem(problem);
            }
        }
    }
    if let Some(note) = dialect.note() {
        builder.add_note(name, note);
    }
    grid.inputs.push((name.to_string(), sha256));
    Some(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(head: &str) -> Result<u8, String> {
        detect(head.as_bytes(), &InputOptions::default()).map(|d| d.delimiter)
    }

    #[test]
    fn the_delimiter_is_the_header_rows_most_frequent() {
        assert_eq!(detected("juror,proposal,impact\n1;2;3;4;5\n"), Ok(b','));
        assert_eq!(
            detected("\u{feff}juror;proposal;impact\r\nJ1;P1;4,5\n"),
            Ok(b';')
        );
        assert_eq!(detected("\n\njuror\tproposal\timpact\n"), Ok(b'\t'));
        // Inside quotes a comma is text: "Quality, efficiency" is one header.
        assert_eq!(detected("juror;\"Quality, efficiency\";x\n"), Ok(b';'));
        // One column: no delimiter at all, a comma.
        assert_eq!(detected("juror\nJ1\n"), Ok(b','));
        let tie = detected("juror;proposal,impact\n").unwrap_err();
        assert!(tie.contains("[input] delimiter"), "{tie}");
    }

    #[test]
    fn settings_override_detection_and_a_decimal_comma_follows_the_delimiter() {
        let set = InputOptions {
            delimiter: Some(b','),
            ..InputOptions::default()
        };
        let d = detect(b"a;b;c\n", &set).unwrap();
        assert_eq!(
            (d.delimiter, d.decimal, d.detected),
            (b',', Decimal::Point, false)
        );
        let d = detect(b"a;b;c\n", &InputOptions::default()).unwrap();
        assert_eq!(
            (d.delimiter, d.decimal, d.plain()),
            (b';', Decimal::Comma, false)
        );
        let point = InputOptions {
            decimal: Some(Decimal::Point),
            ..InputOptions::default()
        };
        assert_eq!(detect(b"a\tb\n", &point).unwrap().decimal, Decimal::Point);
        assert!(detect(b"a,b\n", &InputOptions::default()).unwrap().plain());
    }
}
