//! A folder of sheets (`scores/`, one file per juror, as `jury assign --sheets` writes them):
//! every CSV file and workbook in it, in name order, read as one table. Every file must have
//! the same columns (in any order); a problem names the file it is in.

use std::path::PathBuf;

use super::dialect::{detect, read_grid};
use super::grid::{Grid, Layout, Part};
use super::sources::{Reading, TableKind};
use super::workbook::{Workbook, WORKBOOK_EXTENSIONS};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;

/// Reads every sheet of folder `name` (ending in `/`) as table `kind`; `None` (reported)
/// when a file cannot be read or the files' columns differ.
pub(super) fn read_folder(
    reading: &mut Reading<'_>,
    name: &str,
    kind: TableKind,
    builder: &mut AwardBuilder,
) -> Option<Grid> {
    let files = sheet_files(reading, name, builder)?;
    let mut parts: Vec<(Grid, Part)> = Vec::new();
    let mut failed = false;
    for file in files {
        match read_part(reading, &file, kind, builder) {
            Some(part) => parts.push(part),
            None => failed = true,
        }
    }
    if failed {
        return None;
    }
    builder.set_file(PathBuf::from(name));
    merge(parts, name, builder)
}

/// The files of the folder to read, in name order: hidden files and Excel's lock files
/// (`~$…`) aside; any other file that is no sheet is reported.
fn sheet_files(
    reading: &Reading<'_>,
    name: &str,
    builder: &mut AwardBuilder,
) -> Option<Vec<String>> {
    let entries = match std::fs::read_dir(reading.dir.join(name)) {
        Ok(entries) => entries,
        Err(e) => {
            builder.add_problem(unreadable(Location::file(name), &e));
            return None;
        }
    };
    // An entry that cannot be read, or a name that is not UTF-8, could hold scores: reported,
    // never skipped.
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                builder.add_problem(unreadable(Location::file(name), &e));
                continue;
            }
        };
        match entry.file_name().into_string() {
            Ok(n) => names.push(n),
            Err(raw) => builder.add_problem(Problem::new(
                ProblemKind::Encoding,
                Location::file(format!("{name}{}", raw.to_string_lossy())),
                "the file's name is not UTF-8: rename it (letters, digits, '-', '_') so its scores can be read",
            )),
        }
    }
    names.retain(|n| !n.starts_with('.') && !n.starts_with("~$"));
    names.sort();
    let mut files = Vec::new();
    for n in names {
        let extension = n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let readable = extension
            .as_deref()
            .is_some_and(|e| e == "csv" || WORKBOOK_EXTENSIONS.contains(&e));
        if readable {
            files.push(format!("{name}{n}"));
        } else {
            builder.add_problem(Problem::new(
                ProblemKind::Unreadable,
                Location::file(format!("{name}{n}")),
                format!("{name} holds sheets of scores (.csv, .xlsx, .xls, .ods) only; move this file out of it"),
            ));
        }
    }
    if files.is_empty() {
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(name),
            "the folder holds no sheet of scores (.csv, .xlsx, .xls, .ods); add one per juror, or remove the folder",
        ));
        return None;
    }
    Some(files)
}

/// One file of the folder read into a grid, with where its columns are.
fn read_part(
    reading: &mut Reading<'_>,
    file: &str,
    kind: TableKind,
    builder: &mut AwardBuilder,
) -> Option<(Grid, Part)> {
    if file.to_ascii_lowercase().ends_with(".csv") {
        let head = std::fs::read(reading.dir.join(file)).unwrap_or_default();
        let dialect = match detect(&head, &reading.options) {
            Ok(d) => d,
            Err(message) => {
                let at = Location::line(file, 1);
                builder.add_problem(Problem::new(ProblemKind::Syntax, at, message));
                return None;
            }
        };
        let grid = read_grid(reading.dir, file, dialect, kind, &reading.options, builder)?;
        let part = Part {
            file: PathBuf::from(file),
            sheet: None,
            header_line: grid.header.line,
            columns: (0..grid.header.headers.len() as u32).collect(),
            headers: grid.header.headers.clone(),
        };
        return Some((grid, part));
    }
    let mut book = Workbook::open(reading.dir, file, builder)?;
    let sheet = book.only_sheet(kind, builder)?;
    let mut grid = book.read(&sheet, kind, &reading.options, builder)?;
    let layout = grid.layout.clone()?;
    grid = reading.keep(grid);
    let part = layout.parts.into_iter().next()?;
    Some((grid, part))
}

/// For each part, where each of the first part's columns is in it; `None` (reported, naming
/// the file) when a part's columns differ from the first's.
fn column_maps(
    parts: &[(Grid, Part)],
    name: &str,
    builder: &mut AwardBuilder,
) -> Option<Vec<Vec<Option<usize>>>> {
    let first = &parts[0].0.header;
    let first_file = parts[0].1.file.display().to_string();
    let mut maps = Vec::with_capacity(parts.len());
    let mut differ = false;
    for (grid, part) in parts {
        let h = &grid.header;
        // A skipped column (form metadata, such as the timestamp that orders forms sent
        // again) is carried along where the part has one of that name; never required.
        let map: Vec<Option<usize>> = (0..first.keys.len())
            .map(|i| match first.skip[i] {
                false => h.column(&first.keys[i]),
                true => (0..h.keys.len()).find(|&j| h.skip[j] && h.keys[j] == first.keys[i]),
            })
            .collect();
        let missing: Vec<&str> = (0..first.keys.len())
            .filter(|&i| !first.skip[i] && map[i].is_none())
            .map(|i| first.headers[i].as_str())
            .collect();
        let extra: Vec<&str> = (0..h.keys.len())
            .filter(|&j| !h.skip[j] && first.column(&h.keys[j]).is_none())
            .map(|j| h.headers[j].as_str())
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            differ = true;
            let mut message =
                format!("every sheet of {name} must have the columns of {first_file}");
            if !missing.is_empty() {
                message.push_str(&format!("; this one has no {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                message.push_str(&format!("; this one also has {}", extra.join(", ")));
            }
            let mut at = Location::line(&part.file, part.header_line);
            if let Some(sheet) = &part.sheet {
                at = at.in_sheet(sheet, None);
            }
            builder.add_problem(Problem::new(ProblemKind::Column, at, message));
        }
        maps.push(map);
    }
    (!differ).then_some(maps)
}

/// The parts as one grid under the first one's columns; `None` (reported) when a part's
/// columns differ from the first's.
fn merge(parts: Vec<(Grid, Part)>, name: &str, builder: &mut AwardBuilder) -> Option<Grid> {
    let maps = column_maps(&parts, name, builder)?;
    let mut header = parts[0].0.header.clone();
    header.name = name.to_string();
    header.line = 1;
    // Each sheet keeps its own decimal mark: a `;` file's `4,5` is 4.5 beside a `,` file.
    let mixed = parts.iter().any(|(g, _)| g.decimal != parts[0].0.decimal);
    let mut grid = Grid::new(header.clone());
    grid.decimal = parts[0].0.decimal;
    let mut layout = Layout {
        key: PathBuf::from(name),
        parts: Vec::new(),
        rows: Vec::new(),
    };
    let mut cells = Vec::new();
    for (p, ((part_grid, part), map)) in parts.iter().zip(&maps).enumerate() {
        let offset = grid.len();
        if mixed {
            grid.decimal_from
                .push((2 + offset as u64, part_grid.decimal));
        }
        for r in 0..part_grid.len() {
            let line = part_grid.row(r, &mut cells);
            let row = map.iter().map(|m| m.map_or("", |j| cells[j]));
            grid.push(2 + (offset + r) as u64, row);
            layout.rows.push((p as u32, line));
        }
        for (r, c, t) in &part_grid.typed {
            if let Some(i) = map.iter().position(|m| *m == Some(*c)) {
                grid.typed.push((offset + r, i, t.clone()));
            }
        }
        grid.inputs.extend(part_grid.inputs.iter().cloned());
        layout.parts.push(Part {
            columns: map
                .iter()
                .map(|m| m.map_or(0, |j| part.columns[j]))
                .collect(),
            headers: header.headers.clone(),
            ..part.clone()
        });
    }
    grid.layout = Some(layout);
    Some(grid)
}
