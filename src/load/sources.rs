//! Where each input table comes from: `scores.csv`, `scores.xlsx` (`.xls`, `.ods`), a sheet
//! named after the table in `award.xlsx`, or (for the scores) a folder `scores/` of sheets.
//! Two sources for one table are refused, naming both: never a silent choice.

use std::io::Read;
use std::path::Path;

use super::dialect::{self, read_grid};
use super::folder::read_folder;
use super::grid::{Grid, Layout};
use super::input::InputOptions;
use super::table::Table;
use super::workbook::{Workbook, WORKBOOK_EXTENSIONS};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};

/// The input tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TableKind {
    /// The jurors' scores.
    Scores,
    /// The proposals.
    Proposals,
    /// The jurors.
    Jurors,
    /// Declared conflicts of interest.
    Conflicts,
}

impl TableKind {
    /// The table's name: its file's stem and its sheet's name.
    pub(super) fn stem(self) -> &'static str {
        match self {
            TableKind::Scores => "scores",
            TableKind::Proposals => "proposals",
            TableKind::Jurors => "jurors",
            TableKind::Conflicts => "conflicts",
        }
    }

    /// The column another common header name (as [`super::input::key`] folds it) stands
    /// for in this table.
    pub(super) fn alias(self, key: &str) -> Option<&'static str> {
        let juror = ["juror id", "juror_id", "jurorid"].contains(&key);
        let proposal = ["proposal id", "proposal_id", "proposalid"].contains(&key);
        match self {
            TableKind::Scores | TableKind::Conflicts if juror => Some("juror"),
            TableKind::Scores | TableKind::Conflicts if proposal => Some("proposal"),
            TableKind::Proposals if proposal || key == "proposal" => Some("id"),
            TableKind::Jurors if juror || key == "juror" => Some("id"),
            _ => None,
        }
    }
}

/// The workbook that holds every table, one sheet each, when the folder has one.
pub(super) const AWARD_WORKBOOK: &str = "award";

/// Where a table is.
#[derive(Debug)]
enum Origin {
    /// A CSV file.
    Csv(String),
    /// A workbook of this table alone.
    Workbook(String),
    /// A sheet of the award's workbook.
    AwardSheet(String),
    /// A folder of sheets.
    Folder(String),
}

impl Origin {
    fn shown(&self, book: Option<&Workbook>) -> String {
        match self {
            Origin::Csv(n) | Origin::Workbook(n) | Origin::Folder(n) => n.clone(),
            Origin::AwardSheet(s) => {
                format!("{}, sheet '{s}'", book.map_or("award.xlsx", |b| &b.name))
            }
        }
    }
}

/// The tables being read: the folder, the settings, the award's workbook and where the
/// problems of each table in memory are in the files.
pub(super) struct Reading<'a> {
    pub dir: &'a Path,
    pub options: InputOptions,
    pub book: Option<Workbook>,
    /// Whether an award workbook is there but could not be read (reported): the tables it
    /// may hold are then not reported missing.
    pub book_refused: bool,
    /// Whether a missing scores table is a problem (`load`), or the award is read for
    /// planning, before any score (`load_unscored`).
    pub scores_required: bool,
    pub layouts: Vec<Layout>,
}

/// A table opened: streamed (a CSV file in the plain dialect) or read whole.
pub(super) enum Opened {
    /// Streamed.
    Stream(Box<Table>),
    /// In memory.
    Grid(Box<Grid>),
}

impl Reading<'_> {
    /// Opens the award's workbook, `award.xlsx` (`.xls`, `.ods`), when there is one.
    pub(super) fn open_book(&mut self, builder: &mut AwardBuilder) {
        let names: Vec<String> = (WORKBOOK_EXTENSIONS.iter())
            .map(|e| format!("{AWARD_WORKBOOK}.{e}"))
            .filter(|n| present(self.dir, n))
            .collect();
        self.book_refused = !names.is_empty();
        match names.as_slice() {
            [] => {}
            [one] => self.book = Workbook::open(self.dir, one, builder),
            many => builder.add_problem(Problem::new(
                ProblemKind::Duplicate,
                Location::file(&many[0]),
                format!(
                    "the folder has {}: two workbooks for one award; keep one",
                    many.join(" and ")
                ),
            )),
        }
        if let Some(book) = &self.book {
            self.book_refused = false;
            let tables = [
                TableKind::Scores,
                TableKind::Proposals,
                TableKind::Jurors,
                TableKind::Conflicts,
            ];
            let unread: Vec<&String> = (book.sheet_names.iter())
                .filter(|n| {
                    !tables
                        .iter()
                        .any(|t| n.trim().eq_ignore_ascii_case(t.stem()))
                })
                .collect();
            if !unread.is_empty() {
                let names: Vec<String> = unread.iter().map(|n| format!("'{n}'")).collect();
                let note = format!(
                    "sheet{} {} not read: jury reads the sheets named scores, proposals, jurors and conflicts",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                );
                builder.add_note(&book.name, note);
            }
        }
    }

    /// Where table `kind` is: every source found.
    fn origins(&self, kind: TableKind) -> Vec<Origin> {
        let stem = kind.stem();
        let mut found = Vec::new();
        let csv = format!("{stem}.csv");
        if present(self.dir, &csv) {
            found.push(Origin::Csv(csv));
        }
        for e in WORKBOOK_EXTENSIONS {
            let name = format!("{stem}.{e}");
            if present(self.dir, &name) {
                found.push(Origin::Workbook(name));
            }
        }
        if let Some(sheet) = self.book.as_ref().and_then(|b| b.named(stem)) {
            found.push(Origin::AwardSheet(sheet));
        }
        if kind == TableKind::Scores && self.dir.join(stem).is_dir() {
            found.push(Origin::Folder(format!("{stem}/")));
        }
        found
    }

    /// Opens table `kind`: `None` when it is not there (the scores are then looked for as
    /// `scores.csv`, which reports them missing) or could not be read (reported).
    pub(super) fn open(&mut self, kind: TableKind, builder: &mut AwardBuilder) -> Option<Opened> {
        let mut origins = self.origins(kind);
        if origins.len() > 1 {
            let shown: Vec<String> = origins
                .iter()
                .map(|o| o.shown(self.book.as_ref()))
                .collect();
            builder.add_problem(Problem::new(
                ProblemKind::Duplicate,
                Location::file(&shown[0]),
                format!(
                    "{} sources for the {} table: {}; keep one (jury never chooses between them)",
                    shown.len(),
                    kind.stem(),
                    shown.join(" and ")
                ),
            ));
            return None;
        }
        let origin = match origins.pop() {
            Some(origin) => origin,
            None if kind == TableKind::Scores && self.scores_required && !self.book_refused => {
                builder.add_problem(Problem::new(
                    ProblemKind::Unreadable,
                    Location::file("scores.csv"),
                    "there are no scores yet: add scores.csv, or scores.xlsx (.xls, .ods), a sheet 'scores' in award.xlsx, or a folder scores/ of one sheet per juror (see docs/formats.md)",
                ));
                return None;
            }
            None => return None,
        };
        let grid = match origin {
            Origin::Csv(name) => return self.open_csv(&name, kind, builder),
            Origin::Workbook(name) => {
                let mut book = Workbook::open(self.dir, &name, builder)?;
                let sheet = book.only_sheet(kind, builder)?;
                book.read(&sheet, kind, &self.options, builder)?
            }
            Origin::AwardSheet(sheet) => {
                let book = self.book.as_mut()?;
                book.read(&sheet, kind, &self.options, builder)?
            }
            Origin::Folder(name) => read_folder(self, &name, kind, builder)?,
        };
        Some(Opened::Grid(Box::new(self.keep(grid))))
    }

    /// Keeps the grid's layout, to place its problems at the end.
    pub(super) fn keep(&mut self, mut grid: Grid) -> Grid {
        if let Some(layout) = grid.layout.clone() {
            self.layouts.push(layout);
        }
        grid.layout = None;
        grid
    }

    /// Opens a CSV file: streamed in the plain dialect, else read whole.
    pub(super) fn open_csv(
        &mut self,
        name: &str,
        kind: TableKind,
        builder: &mut AwardBuilder,
    ) -> Option<Opened> {
        let mut head = Vec::new();
        if let Ok(file) = std::fs::File::open(self.dir.join(name)) {
            let _ = file.take(1 << 16).read_to_end(&mut head);
        }
        let dialect = match dialect::detect(&head, &self.options) {
            Ok(dialect) => dialect,
            Err(message) => {
                builder.add_problem(Problem::new(
                    ProblemKind::Syntax,
                    Location::line(name, 1),
                    message,
                ));
                return None;
            }
        };
        if dialect.plain() {
            let table = Table::open(self.dir, name, kind, &self.options, builder)?;
            return Some(Opened::Stream(Box::new(table)));
        }
        let grid = read_grid(self.dir, name, dialect, kind, &self.options, builder)?;
        Some(Opened::Grid(Box::new(grid)))
    }
}

/// Whether the folder has an entry of this name: an optional file that is there but cannot
/// be read (a broken link, a folder, no permission) is reported, not taken as absent.
pub(super) fn present(dir: &Path, name: &str) -> bool {
    std::fs::symlink_metadata(dir.join(name)).is_ok()
}
