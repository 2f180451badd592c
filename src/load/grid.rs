//! A table read whole into memory: a CSV file in another dialect, a workbook's sheet, or a
//! folder of sheets. Its rows are checked as a streamed CSV file's are; where they came from
//! (file, sheet, row, column) is kept in a [`Layout`], which turns a problem's place back into
//! the spreadsheet's own words.

use std::path::PathBuf;

use crate::award::{AwardBuilder, Batch};
use crate::error::{Location, Problem, ProblemKind, FIRST_ON_LINE};

use super::input::Decimal;
use super::pieces::{RowFn, Source};
use super::table::Header;

/// A cell whose type says more than its text: checked by the reader that knows the column.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Typed {
    /// A date or time (its text is the date as the workbook shows it, ISO 8601).
    Date,
    /// A true/false cell.
    Bool,
}

/// A table in memory: the header, then rows of cells (trimmed), each with its line.
pub(super) struct Grid {
    /// The header row.
    pub header: Header,
    /// Every cell's text, one after another.
    text: String,
    /// Where each cell ends in `text`; a row has as many cells as the header.
    ends: Vec<usize>,
    /// Each row's line (as `layout` numbers them).
    lines: Vec<u64>,
    /// Cells of another type than text or number: row, column, type.
    pub typed: Vec<(usize, usize, Typed)>,
    /// Where rows and columns came from, when not from one CSV file's own lines.
    pub layout: Option<Layout>,
    /// Each file read, as the manifest names it, and its SHA-256.
    pub inputs: Vec<(String, String)>,
    /// The decimal mark of its scores written as text.
    pub decimal: Decimal,
    /// When a folder's sheets differ in their decimal mark (one juror's `;` file with a
    /// decimal comma, another's `,` file with a point): each sheet's first line and its mark,
    /// in line order. Empty when `decimal` serves every row.
    pub decimal_from: Vec<(u64, Decimal)>,
    /// Cells (row × width + column) read as blank: refused for their type.
    blanked: std::collections::HashSet<usize>,
}

impl Grid {
    /// An empty grid under `header`.
    pub(super) fn new(header: Header) -> Grid {
        Grid {
            header,
            text: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            typed: Vec::new(),
            layout: None,
            inputs: Vec::new(),
            decimal: Decimal::Point,
            decimal_from: Vec::new(),
            blanked: Default::default(),
        }
    }

    /// Adds a row on `line`; it must have as many cells as the header.
    pub(super) fn push<'c>(&mut self, line: u64, cells: impl IntoIterator<Item = &'c str>) {
        for cell in cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.lines.push(line);
    }

    /// Adds a cell to the row being written (see [`Grid::end_row`]).
    pub(super) fn push_cell(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Ends the row being written, on `line`; it must have as many cells as the header.
    pub(super) fn end_row(&mut self, line: u64) {
        self.lines.push(line);
    }

    /// How many rows.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Row `r`: its line and cells, into `cells`.
    pub(super) fn row<'g>(&'g self, r: usize, cells: &mut Vec<&'g str>) -> u64 {
        let width = self.header.headers.len();
        cells.clear();
        let mut start = if r * width == 0 {
            0
        } else {
            self.ends[r * width - 1]
        };
        for (i, &end) in (r * width..).zip(&self.ends[r * width..(r + 1) * width]) {
            let blanked = !self.blanked.is_empty() && self.blanked.contains(&i);
            cells.push(if blanked { "" } else { &self.text[start..end] });
            start = end;
        }
        self.lines[r]
    }

    /// Blanks cell `(r, c)` (one refused for its type: the load fails, so no score is
    /// changed).
    pub(super) fn blank_cell(&mut self, r: usize, c: usize) {
        self.blanked.insert(r * self.header.headers.len() + c);
    }

    /// Calls `row` for each row that is not blank.
    pub(super) fn each(&self, mut row: impl FnMut(u64, &[&str])) {
        let mut cells = Vec::with_capacity(self.header.headers.len());
        for r in 0..self.len() {
            let line = self.row(r, &mut cells);
            if !cells.iter().all(|c| c.is_empty()) {
                row(line, &cells);
            }
        }
    }

    /// The decimal mark of the scores written as text on line `line` (as [`Grid::each`]
    /// numbers it): its own part's where the parts differ.
    pub(super) fn decimal_at(&self, line: u64) -> Decimal {
        let after = self.decimal_from.partition_point(|&(from, _)| from <= line);
        after
            .checked_sub(1)
            .map_or(self.decimal, |i| self.decimal_from[i].1)
    }

    /// Checks every row into the builder, as [`super::pieces::read`] does a CSV file's.
    pub(super) fn feed(&self, source: &Source<'_>, row: &RowFn<'_>, builder: &mut AwardBuilder) {
        const ROWS: usize = 1 << 16;
        let mut batch = Batch::new(source.rubric, source.name);
        let mut rows = 0;
        self.each(|line, cells| {
            row(&mut batch, line, cells);
            rows += 1;
            if rows == ROWS {
                builder.absorb(&mut batch, 1);
                rows = 0;
            }
        });
        builder.absorb(&mut batch, 1);
    }
}

/// Where a grid's rows and columns came from: one part per file (or sheet) read.
#[derive(Clone, Debug)]
pub(super) struct Layout {
    /// The name problems are first reported under (the builder's file for this table).
    pub key: PathBuf,
    /// The files or sheets read, in order.
    pub parts: Vec<Part>,
    /// For each line of the grid from 2 on, its part and its line there; empty when the
    /// grid has one part whose lines are its own.
    pub rows: Vec<(u32, u64)>,
}

/// One file or sheet of a grid.
#[derive(Clone, Debug)]
pub(super) struct Part {
    /// The file, as the folder shows it.
    pub file: PathBuf,
    /// The sheet, in a workbook.
    pub sheet: Option<String>,
    /// The header's line (row) there.
    pub header_line: u64,
    /// For each of the grid's columns, its column (0 = A) in this part.
    pub columns: Vec<u32>,
    /// The grid's headers, to find a problem's column by its header.
    pub headers: Vec<String>,
}

impl Layout {
    /// The part and line there of the grid's `line` (1: the header).
    fn place(&self, line: u64) -> (&Part, u64) {
        match line.checked_sub(2).and_then(|i| self.rows.get(i as usize)) {
            Some(&(part, at)) => (&self.parts[part as usize], at),
            None if self.rows.is_empty() => (&self.parts[0], line),
            None => (&self.parts[0], self.parts[0].header_line),
        }
    }

    /// The problem with its place in the file's or spreadsheet's own words, when it is in
    /// this grid.
    pub(super) fn relocate(&self, problem: &mut Problem) {
        if problem.location.file != self.key {
            return;
        }
        let Some(line) = problem.location.line else {
            let part = &self.parts[0];
            let mut at = Location::file(&part.file);
            if let Some(sheet) = &part.sheet {
                at = at.in_sheet(sheet, None);
            }
            problem.location = at;
            return;
        };
        problem.location = self.location(line, problem.location.column.take());
        // A message naming another line of the grid ("first on line 7").
        if let Some(at) = problem.message.find(FIRST_ON_LINE) {
            let from = at + FIRST_ON_LINE.len();
            let digits = problem.message[from..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            if let Ok(first) = problem.message[from..from + digits].parse::<u64>() {
                let place = self.location(first, None).to_string();
                let said = format!("first at {place}");
                problem.message.replace_range(at..from + digits, &said);
            }
        }
    }

    /// A place of the grid (file and line) in its file's or spreadsheet's own words.
    pub(super) fn relocate_location(&self, at: &mut Location) {
        if at.file == self.key {
            if let Some(line) = at.line {
                *at = self.location(line, at.column.take());
            }
        }
    }

    /// The place of the grid's `line` and `column` (a header) in its part.
    fn location(&self, line: u64, column: Option<String>) -> Location {
        let (part, at) = self.place(line);
        let mut location = Location::line(&part.file, at);
        if let Some(sheet) = &part.sheet {
            let index = column
                .as_ref()
                .and_then(|c| part.headers.iter().position(|h| h == c));
            let cell = index.map(|i| format!("{}{at}", letters(part.columns[i])));
            location = location.in_sheet(sheet, cell);
        }
        location.column = column;
        location
    }
}

/// A column's letters as a spreadsheet names it: 0 is A, 25 Z, 26 AA.
pub(super) fn letters(column: u32) -> String {
    let mut n = column as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reports the typed cells of `columns` (score and confidence columns) that are no number,
/// and blanks them: a date or a true/false value is never read as a score.
pub(super) fn refuse_typed(grid: &mut Grid, columns: &[usize], builder: &mut AwardBuilder) {
    let typed = std::mem::take(&mut grid.typed);
    for (r, c, kind) in typed {
        if !columns.contains(&c) {
            continue;
        }
        let mut cells = Vec::new();
        let line = grid.row(r, &mut cells);
        let value = cells[c].to_string();
        let message = match kind {
            Typed::Date => "a date or time, not a number: the cell is formatted as a date; format it as a number and type the score again",
            Typed::Bool => "a true/false value, not a number; type the score as a number",
        };
        let column = grid.header.headers[c].clone();
        builder.problem(ProblemKind::NotANumber, line, &column, message, &value);
        grid.blank_cell(r, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        let got: Vec<String> = [0, 3, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(letters)
            .collect();
        assert_eq!(got, ["A", "D", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    fn layout(rows: Vec<(u32, u64)>) -> Layout {
        let part = |file: &str, sheet: Option<&str>, columns: Vec<u32>| Part {
            file: file.into(),
            sheet: sheet.map(String::from),
            header_line: 3,
            columns,
            headers: vec!["juror".into(), "impact".into()],
        };
        Layout {
            key: "scores/".into(),
            parts: vec![
                part("scores/ana.csv", None, vec![0, 1]),
                part("scores/ben.xlsx", Some("Sheet1"), vec![2, 5]),
            ],
            rows,
        }
    }

    #[test]
    fn each_line_has_the_decimal_mark_of_its_sheet() {
        // Sheets from line 2 (no rows), 2 (lines 2 to 4), 5 (no rows), 5 (from line 5 on).
        let mut grid = Grid::new(Header::default());
        grid.decimal_from = vec![
            (2, Decimal::Comma),
            (2, Decimal::Point),
            (5, Decimal::Point),
            (5, Decimal::Comma),
        ];
        let marks: Vec<Decimal> = (2..=6).map(|line| grid.decimal_at(line)).collect();
        use Decimal::{Comma, Point};
        assert_eq!(marks, [Point, Point, Point, Comma, Comma]);
        grid.decimal_from.clear();
        assert_eq!(grid.decimal_at(3), grid.decimal, "one mark for every line");
    }

    #[test]
    fn a_problem_is_placed_in_its_file_sheet_and_cell() {
        let layout = layout(vec![(0, 4), (1, 9)]);
        let mut p = Problem::new(
            ProblemKind::NotANumber,
            Location::cell("scores/", 3, "impact"),
            "juror 'a' scores proposal 'b' on criterion 'c' a second time (first on line 2); give each score once",
        );
        layout.relocate(&mut p);
        assert_eq!(
            p.to_string(),
            "scores/ben.xlsx, sheet 'Sheet1', cell F9: column 'impact': juror 'a' scores proposal 'b' on criterion 'c' a second time (first at scores/ana.csv:4); give each score once"
        );
        let mut header = Problem::new(ProblemKind::Column, Location::line("scores/", 1), "x");
        layout.relocate(&mut header);
        assert_eq!(header.location, Location::line("scores/ana.csv", 3));
        let mut elsewhere = Problem::new(ProblemKind::Column, Location::line("jurors.csv", 1), "x");
        layout.relocate(&mut elsewhere);
        assert_eq!(elsewhere.location, Location::line("jurors.csv", 1));
    }
}
