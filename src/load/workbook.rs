//! Workbooks (`.xlsx`, `.xls`, `.ods`, read with calamine): a sheet read into a [`Grid`] whose
//! problems name the file, the sheet and the cell (`scores.xlsx, sheet 'Scores', cell D14`).
//!
//! Cells: a number is its shortest decimal (`4.5`, `3`); text is trimmed (text holding a
//! number is read as the number); an empty cell is blank; a date or a true/false value is
//! kept as text and refused in a score column; an error value (`#DIV/0!`) and a formula with
//! no saved value are refused in any column; a merged cell's value is in its first cell,
//! the others are blank.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::PathBuf;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader, Sheets};

use super::grid::{Grid, Layout, Part, Typed};
use super::input::{Decimal, InputOptions};
use super::sources::TableKind;
use super::table::Header;
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;
use crate::util::digest::hex;

/// An open workbook.
pub(super) struct Workbook {
    /// The file, as the folder shows it.
    pub name: String,
    sheets: Sheets<Cursor<Vec<u8>>>,
    /// Its sheets' names, in order.
    pub sheet_names: Vec<String>,
    /// The SHA-256 of its bytes.
    pub sha256: String,
}

/// Extensions of the workbooks jury reads.
pub(super) const WORKBOOK_EXTENSIONS: [&str; 3] = ["xlsx", "xls", "ods"];

impl Workbook {
    /// Opens the workbook `name` of `dir` (a path as the folder shows it); `None` (reported)
    /// when it cannot be read or is no workbook.
    pub(super) fn open(
        dir: &std::path::Path,
        name: &str,
        builder: &mut AwardBuilder,
    ) -> Option<Workbook> {
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
        match open_workbook_auto_from_rs(Cursor::new(bytes)) {
            Ok(sheets) => Some(Workbook {
                name: name.to_string(),
                sheet_names: sheets.sheet_names(),
                sheets,
                sha256,
            }),
            Err(e) => {
                builder.add_problem(Problem::new(
                    ProblemKind::Unreadable,
                    Location::file(name),
                    format!("cannot read the workbook ({e}); is it an .xlsx, .xls or .ods file? Open it in Excel or LibreOffice and save it again"),
                ));
                None
            }
        }
    }

    /// The sheet to read for `kind` in a workbook of that table alone (`scores.xlsx`): the
    /// only sheet with cells, or the one named after the table; `None` (reported) when
    /// neither says which.
    pub(super) fn only_sheet(
        &mut self,
        kind: TableKind,
        builder: &mut AwardBuilder,
    ) -> Option<String> {
        if let Some(named) = self.named(kind.stem()) {
            if self.sheet_names.len() > 1 {
                let note = format!(
                    "sheet '{named}' read (named after the table); the workbook's other sheets are not"
                );
                builder.add_note(&self.name, note);
            }
            return Some(named);
        }
        let names = self.sheet_names.clone();
        let used: Vec<String> = names
            .into_iter()
            .filter(|n| self.sheets.worksheet_range(n).is_ok_and(|r| !r.is_empty()))
            .collect();
        match used.as_slice() {
            [one] => Some(one.clone()),
            [] => Some(self.sheet_names.first().cloned().unwrap_or_default()),
            many => {
                builder.add_problem(Problem::new(
                    ProblemKind::Unreadable,
                    Location::file(&self.name),
                    format!(
                        "the workbook has {} sheets with cells ({}) and none is named '{}'; name the sheet to read '{}', or keep one sheet",
                        many.len(),
                        many.join(", "),
                        kind.stem(),
                        kind.stem()
                    ),
                ));
                None
            }
        }
    }

    /// The sheet named `stem` (in any letter case, spaces trimmed), if there is one.
    pub(super) fn named(&self, stem: &str) -> Option<String> {
        (self.sheet_names.iter())
            .find(|n| n.trim().eq_ignore_ascii_case(stem))
            .cloned()
    }

    /// Reads sheet `sheet` as table `kind` into a grid; `None` (reported) when it cannot be
    /// read or has no header.
    pub(super) fn read(
        &mut self,
        sheet: &str,
        kind: TableKind,
        options: &InputOptions,
        builder: &mut AwardBuilder,
    ) -> Option<Grid> {
        let key = format!("{}, sheet '{sheet}'", self.name);
        builder.set_file(PathBuf::from(&key));
        let at_sheet = || Location::file(&self.name).in_sheet(sheet, None);
        let range = match self.sheets.worksheet_range(sheet) {
            Ok(range) => range,
            Err(e) => {
                let message = format!("cannot read the sheet: {e}");
                builder.add_problem(Problem::new(ProblemKind::Unreadable, at_sheet(), message));
                return None;
            }
        };
        let (top, left) = range.start().unwrap_or((0, 0));
        let header_row = (0..range.height())
            .find(|&r| (0..range.width()).any(|c| !cell_empty(range.get((r, c)))));
        let Some(header_row) = header_row else {
            let message = "the sheet is empty; expected a header row (see docs/formats.md)";
            builder.add_problem(Problem::new(ProblemKind::Empty, at_sheet(), message));
            return None;
        };
        // Columns right of the last header that hold nothing (formatting only) are no columns.
        let width = (0..range.width())
            .rev()
            .find(|&c| (header_row..range.height()).any(|r| !cell_empty(range.get((r, c)))))
            .map_or(0, |c| c + 1);
        let header_line = u64::from(top) + header_row as u64 + 1;
        let mut formulas: Option<Range<String>> = None;
        let mut text = String::new();
        let mut cell = |book: &mut Workbook, r: usize, c: usize, text: &mut String| {
            let at = At {
                sheet,
                range: &range,
                header_row,
                cell: (r, c),
            };
            text.clear();
            book.cell(&at, &mut formulas, text, builder)
        };
        let headers: Vec<String> = (0..width)
            .map(|c| {
                cell(self, header_row, c, &mut text);
                text.clone()
            })
            .collect();
        let mut grid = Grid::new(Header::default());
        for r in header_row + 1..range.height() {
            for c in 0..width {
                if let Some(t) = cell(self, r, c, &mut text) {
                    grid.typed.push((grid.len(), c, t));
                }
                grid.push_cell(&text);
            }
            grid.end_row(u64::from(top) + r as u64 + 1);
        }
        grid.header = Header::new(headers.clone(), header_line, &key, kind, options, builder)?;
        grid.decimal = Decimal::Comma;
        grid.layout = Some(Layout {
            key: PathBuf::from(key),
            parts: vec![Part {
                file: PathBuf::from(&self.name),
                sheet: Some(sheet.to_string()),
                header_line,
                columns: (0..width as u32).map(|c| left + c).collect(),
                headers,
            }],
            rows: Vec::new(),
        });
        grid.inputs.push((self.name.clone(), self.sha256.clone()));
        Some(grid)
    }

    /// One cell's text, written to `out`, and its type when a date or true/false; an error
    /// value or a formula without a saved value is reported and read as blank.
    fn cell(
        &mut self,
        at: &At<'_>,
        formulas: &mut Option<Range<String>>,
        out: &mut String,
        builder: &mut AwardBuilder,
    ) -> Option<Typed> {
        let data = at.range.get(at.cell).unwrap_or(&Data::Empty);
        let (top, left) = at.range.start().unwrap_or((0, 0));
        let line = u64::from(top) + at.cell.0 as u64 + 1;
        let header = || header_of(at.range, at.header_row, at.cell.1);
        match data {
            // A blank cell, unless a formula stands there whose value was not saved (or, in
            // .ods, failed: saved as empty text).
            Data::Empty | Data::String(_) if cell_empty(Some(data)) => {
                let formulas = formulas.get_or_insert_with(|| {
                    self.sheets.worksheet_formula(at.sheet).unwrap_or_default()
                });
                let place = (top + at.cell.0 as u32, left + at.cell.1 as u32);
                if let Some(f) = formulas.get_value(place).filter(|f| !f.is_empty()) {
                    let message = "a formula with no saved value (or one that failed); fix the formula, then open the workbook in Excel or LibreOffice and save it, so that the value is stored with the formula";
                    let value =
                        format!("={}", f.trim_start_matches("of:=").trim_start_matches('='));
                    builder.problem(ProblemKind::NotANumber, line, &header(), message, &value);
                }
                None
            }
            Data::Empty => None,
            Data::String(s) => {
                out.push_str(s.trim());
                None
            }
            Data::Float(x) => {
                let _ = write!(out, "{x}");
                None
            }
            Data::Int(i) => {
                let _ = write!(out, "{i}");
                None
            }
            Data::Bool(b) => {
                out.push_str(if *b { "TRUE" } else { "FALSE" });
                Some(Typed::Bool)
            }
            Data::DateTime(d) => {
                out.push_str(&iso_date(d.as_f64()));
                Some(Typed::Date)
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => {
                out.push_str(s);
                Some(Typed::Date)
            }
            Data::Error(e) => {
                let message = "the cell holds an error value (a formula that failed); fix the formula or type the value";
                let value = e.to_string();
                builder.problem(ProblemKind::NotANumber, line, &header(), message, &value);
                None
            }
        }
    }
}

/// A cell of a sheet being read: the sheet, its range, the header's row and the cell's
/// (row, column) in the range.
struct At<'r> {
    sheet: &'r str,
    range: &'r Range<Data>,
    header_row: usize,
    cell: (usize, usize),
}

/// The header of column `c` (relative), as a problem names it.
fn header_of(range: &Range<Data>, header_row: usize, c: usize) -> String {
    match range.get((header_row, c)) {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn cell_empty(cell: Option<&Data>) -> bool {
    match cell {
        None | Some(Data::Empty) => true,
        Some(Data::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// An Excel serial date (days since 1899-12-30, the fraction the time) as ISO 8601.
fn iso_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    // Days from 1970-01-01 to the civil date (H. Hinnant's algorithm).
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if seconds == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        let (h, min, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_read_as_the_calendar_has_them() {
        // 1 January 1900 is serial 1 (Excel's own, past its phantom 29 February 1900:
        // serial 61 is 1 March 1900); 45 000 is 15 March 2023; noon is half a day.
        assert_eq!(iso_date(61.0), "1900-03-01");
        assert_eq!(iso_date(45_000.0), "2023-03-15");
        assert_eq!(iso_date(42_491.5), "2016-05-01T12:00:00");
    }
}
