//! Errors: one library error type, and problems that say where they are.
//!
//! Every problem found in an award's input carries its location (file, line, column), the
//! offending value and what was expected, so that a coordinator can fix a spreadsheet without
//! reading code. Loading collects every problem before it reports.

use std::fmt;
use std::path::PathBuf;

/// Where a problem is: a file, and optionally a line (1-based, as a spreadsheet or editor
/// shows it) and a column (its header name).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, as given (relative to the award folder for files inside it).
    pub file: PathBuf,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<u64>,
    /// The column header (CSV) or key (TOML), when the problem is in one cell.
    pub column: Option<String>,
    /// The sheet and cell, when the file is a workbook (`.xlsx`, `.xls`, `.ods`); `line` is
    /// then the sheet's row number.
    pub sheet: Option<Box<Sheet>>,
}

/// Where in a workbook a problem is.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The cell as the spreadsheet names it (`D14`), when the problem is in one cell.
    pub cell: Option<String>,
}

impl Location {
    /// The same place, in sheet `name` of a workbook (and in `cell`, when given).
    pub fn in_sheet(mut self, name: impl Into<String>, cell: Option<String>) -> Location {
        self.sheet = Some(Box::new(Sheet {
            name: name.into(),
            cell,
        }));
        self
    }
}

impl Location {
    /// A problem with a whole file.
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location {
            file: file.into(),
            line: None,
            column: None,
            sheet: None,
        }
    }

    /// A problem on one line of a file.
    pub fn line(file: impl Into<PathBuf>, line: u64) -> Location {
        Location {
            line: Some(line),
            ..Location::file(file)
        }
    }

    /// A problem in one cell of a file.
    pub fn cell(file: impl Into<PathBuf>, line: u64, column: impl Into<String>) -> Location {
        Location {
            line: Some(line),
            column: Some(column.into()),
            ..Location::file(file)
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(sheet) = &self.sheet {
            // In the spreadsheet's own words: `scores.xlsx, sheet 'Scores', cell D14`.
            write!(f, ", sheet '{}'", sheet.name)?;
            match (&sheet.cell, self.line) {
                (Some(cell), _) => write!(f, ", cell {cell}")?,
                (None, Some(line)) => write!(f, ", row {line}")?,
                (None, None) => {}
            }
        } else if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{column}'")?;
        }
        Ok(())
    }
}

/// What kind of problem an input has. The message of a [`Problem`] explains it in words; the
/// kind lets a program react to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A file could not be read, or a required file is missing.
    Unreadable,
    /// A file is not valid UTF-8.
    Encoding,
    /// A file is empty or has no header.
    Empty,
    /// TOML syntax, a wrong type, or an unknown key.
    Syntax,
    /// A required column is missing, or a column is not expected.
    Column,
    /// A row has the wrong number of cells.
    RowLength,
    /// A value is not a (finite) number.
    NotANumber,
    /// A number is outside the allowed range.
    OutOfRange,
    /// A number is not on the scale's step.
    OffStep,
    /// The same thing is given twice.
    Duplicate,
    /// An id that no list declares.
    UnknownId,
    /// A setting that is not valid (a rubric or method setting).
    Setting,
}

/// One problem with the inputs, with where it is, the value and what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// What kind of problem this is.
    pub kind: ProblemKind,
    /// Where it is.
    pub location: Location,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What is wrong and what was expected, in plain words.
    pub message: String,
}

impl Problem {
    /// A new problem.
    pub fn new(kind: ProblemKind, location: Location, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            location,
            value: None,
            message: message.into(),
        }
    }

    /// The same problem with the offending value attached.
    pub fn with_value(mut self, value: impl Into<String>) -> Problem {
        self.value = Some(value.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if let Some(value) = &self.value {
            write!(f, "value {value:?}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// How a problem's message names the line of an earlier record (`first on line 7`): the
/// loader puts such a line back into its file's or spreadsheet's own words.
pub(crate) const FIRST_ON_LINE: &str = "first on line ";

/// The library's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The inputs have problems; every one found is listed, in file and line order.
    #[error("{} problem{} in the inputs:\n{}", .0.len(), if .0.len() == 1 { "" } else { "s" }, list(.0))]
    Invalid(Vec<Problem>),
    /// Reports could not be written.
    #[error("cannot write reports to {}: {source}", path.display())]
    Output {
        /// The file or folder being written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The input problems, if this error is about the inputs.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(problems) => problems,
            Error::Output { .. } => &[],
        }
    }
}

fn list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    lines.join("\n")
}

/// A result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects problems while a stage keeps going, so that every problem is reported at once.
#[derive(Clone, Debug, Default)]
pub(crate) struct Problems(Vec<Problem>);

impl Problems {
    pub(crate) fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(value)` when no problem was found, otherwise every problem, sorted by location,
    /// each once (a blank juror on a wide row is one problem, not one per criterion).
    pub(crate) fn finish<T>(self, value: T) -> Result<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            let mut problems = self.0;
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            problems.dedup();
            Err(Error::Invalid(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_file_line_column_value_and_expectation() {
        let p = Problem::new(
            ProblemKind::NotANumber,
            Location::cell("scores.csv", 14, "score"),
            "not a number; expected a number from 1 to 5",
        )
        .with_value("four");
        assert_eq!(
            p.to_string(),
            "scores.csv:14: column 'score': value \"four\": not a number; expected a number from 1 to 5"
        );
    }

    #[test]
    fn a_problem_in_a_workbook_names_its_sheet_and_cell() {
        let location =
            Location::cell("scores.xlsx", 14, "impact").in_sheet("Scores", Some("D14".into()));
        let p = Problem::new(ProblemKind::NotANumber, location, "not a number").with_value("x");
        assert_eq!(
            p.to_string(),
            "scores.xlsx, sheet 'Scores', cell D14: column 'impact': value \"x\": not a number"
        );
        let row = Location::line("award.xlsx", 3).in_sheet("Jurors", None);
        assert_eq!(row.to_string(), "award.xlsx, sheet 'Jurors', row 3");
    }

    #[test]
    fn the_same_problem_twice_is_reported_once() {
        let mut problems = Problems::default();
        let blank = || {
            Problem::new(
                ProblemKind::UnknownId,
                Location::cell("s.csv", 3, "juror"),
                "blank",
            )
        };
        problems.push(blank());
        problems.push(blank());
        problems.push(Problem::new(
            ProblemKind::UnknownId,
            Location::line("s.csv", 2),
            "other",
        ));
        assert_eq!(problems.finish(()).unwrap_err().problems().len(), 2);
    }

    #[test]
    fn problems_are_reported_in_file_and_line_order() {
        let mut problems = Problems::default();
        problems.push(Problem::new(
            ProblemKind::Duplicate,
            Location::line("scores.csv", 9),
            "b",
        ));
        problems.push(Problem::new(
            ProblemKind::Duplicate,
            Location::line("scores.csv", 3),
            "a",
        ));
        let err = problems.finish(()).unwrap_err();
        let lines: Vec<u64> = err
            .problems()
            .iter()
            .map(|p| p.location.line.unwrap())
            .collect();
        assert_eq!(lines, vec![3, 9]);
    }
}
