//! Loading an award folder: `award.toml`, the rubric, and the CSV files, checked together.
//!
//! Every problem in every file is collected before anything is reported, each with its file,
//! line, column, value and what was expected. See `docs/formats.md` for the formats.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use csv::{ReaderBuilder, StringRecord, Trim};
use sha2::{Digest, Sha256};

use crate::award::{Award, AwardBuilder, InputFile};
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::rubric::Rubric;
use crate::settings::{AwardSpec, RubricRef, Settings};
use crate::tomlfile::TomlFile;

/// The file that describes an award.
pub const AWARD_FILE: &str = "award.toml";
/// The jurors' scores.
pub const SCORES_FILE: &str = "scores.csv";
/// The proposals (optional).
pub const PROPOSALS_FILE: &str = "proposals.csv";
/// The jurors (optional).
pub const JURORS_FILE: &str = "jurors.csv";
/// Declared conflicts of interest (optional).
pub const CONFLICTS_FILE: &str = "conflicts.csv";

/// Loads and checks the award in folder `dir`.
///
/// ```
/// let award = jury::load("fixtures/ineli-balkans-2016").unwrap();
/// assert_eq!(award.settings().winners, 5);
/// ```
pub fn load(dir: impl AsRef<Path>) -> Result<Award> {
    let dir = dir.as_ref();
    let mut inputs: Vec<(PathBuf, String)> = vec![(dir.join(AWARD_FILE), AWARD_FILE.to_string())];
    let award_file = TomlFile::read(&dir.join(AWARD_FILE), AWARD_FILE.into()).map_err(one)?;
    let mut spec: AwardSpec = award_file.parse().map_err(one)?;
    let rubric = match spec.rubric.take() {
        Some(RubricRef::Path(path)) => {
            inputs.push((dir.join(&path), path.clone()));
            match TomlFile::read(&dir.join(&path), PathBuf::from(&path)) {
                Ok(file) => Rubric::from_file(&file)?,
                Err(p) => {
                    return Err(one(Problem::new(
                        p.kind,
                        Location::cell(AWARD_FILE, 1, "rubric"),
                        format!(
                            "cannot read the rubric file '{path}' (paths are relative to the award folder): {}",
                            p.message
                        ),
                    )
                    .with_value(path)))
                }
            }
        }
        Some(RubricRef::Inline(inline)) => Rubric::check(*inline, &award_file)?,
        None => {
            return Err(one(Problem::new(
                ProblemKind::Setting,
                Location::file(AWARD_FILE),
                "award.toml has no rubric: add rubric = \"path/to/rubric.toml\" at the top, or a [rubric] table",
            )))
        }
    };
    let default_name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "award".to_string());
    let settings = Settings::check(spec, &rubric, &award_file, &default_name)?;
    let mut builder = AwardBuilder::new(rubric, settings);
    for name in [PROPOSALS_FILE, JURORS_FILE, SCORES_FILE, CONFLICTS_FILE] {
        if name == SCORES_FILE || dir.join(name).exists() {
            inputs.push((dir.join(name), name.to_string()));
        }
    }
    let (hashes, ()) = rayon::join(
        || {
            inputs
                .iter()
                .map(|(path, _)| sha256(path))
                .collect::<Vec<_>>()
        },
        || read_csv_files(dir, &mut builder),
    );
    for ((_, shown), hash) in inputs.iter().zip(hashes) {
        if let Ok(sha256) = hash {
            builder.add_input(InputFile {
                path: shown.clone(),
                sha256,
            });
        }
    }
    builder.build()
}

fn read_csv_files(dir: &Path, builder: &mut AwardBuilder) {
    if dir.join(PROPOSALS_FILE).exists() {
        read_roster(dir, PROPOSALS_FILE, "title", builder);
    }
    if dir.join(JURORS_FILE).exists() {
        read_roster(dir, JURORS_FILE, "name", builder);
    }
    read_scores(dir, builder);
    if dir.join(CONFLICTS_FILE).exists() {
        read_conflicts(dir, builder);
    }
}

/// An open CSV file: its reader and its headers (as written, and trimmed lowercase).
struct Table {
    reader: csv::Reader<BufReader<File>>,
    headers: Vec<String>,
    keys: Vec<String>,
}

impl Table {
    fn open(dir: &Path, name: &str, builder: &mut AwardBuilder) -> Option<Table> {
        builder.set_file(PathBuf::from(name));
        let file = match File::open(dir.join(name)) {
            Ok(f) => f,
            Err(e) => {
                builder.add_problem(Problem::new(
                    ProblemKind::Unreadable,
                    Location::file(name),
                    format!("cannot read the file: {e}"),
                ));
                return None;
            }
        };
        let mut reader = ReaderBuilder::new()
            .flexible(true)
            .trim(Trim::Headers)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let raw = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                builder.add_problem(csv_problem(name, &e));
                return None;
            }
        };
        if raw.is_empty() || raw.iter().all(|h| h.is_empty()) {
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
                Ok(h) => headers.push(h.to_string()),
                Err(_) => {
                    builder.add_problem(Problem::new(
                        ProblemKind::Encoding,
                        Location::cell(name, 1, format!("#{}", i + 1)),
                        "the header is not valid UTF-8; save the file as UTF-8",
                    ));
                    return None;
                }
            }
        }
        let keys: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].contains(k) {
                builder.problem(
                    ProblemKind::Column,
                    1,
                    &headers[i],
                    "this column is given twice",
                    k,
                );
            }
        }
        Some(Table {
            reader,
            headers,
            keys,
        })
    }

    fn column(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    /// The index of a required column, reporting it when absent.
    fn require(&self, key: &str, builder: &mut AwardBuilder, name: &str) -> Option<usize> {
        let found = self.column(key);
        if found.is_none() {
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(name, 1),
                format!(
                    "missing column '{key}'; the header has: {}",
                    self.headers.join(", ")
                ),
            ));
        }
        found
    }

    /// Calls `row` for every record with its line, reporting rows of the wrong length and
    /// cells that are not UTF-8.
    fn rows(
        mut self,
        name: &str,
        builder: &mut AwardBuilder,
        mut row: impl FnMut(&mut AwardBuilder, u64, Cells),
    ) {
        let mut record = StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    if let csv::ErrorKind::Utf8 { pos, err } = e.kind() {
                        let line = pos.as_ref().map_or(0, |p| p.line());
                        let column = self.headers.get(err.field()).cloned().unwrap_or_default();
                        builder.add_problem(Problem::new(
                            ProblemKind::Encoding,
                            Location::cell(name, line, column),
                            "the cell is not valid UTF-8; save the file as UTF-8",
                        ));
                        continue;
                    }
                    builder.add_problem(csv_problem(name, &e));
                    break;
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != self.headers.len() {
                builder.add_problem(Problem::new(
                    ProblemKind::RowLength,
                    Location::line(name, line),
                    format!(
                        "the row has {} cells, the header has {}; check for a stray or missing comma",
                        record.len(),
                        self.headers.len()
                    ),
                ));
                continue;
            }
            row(builder, line, Cells(&record));
        }
    }
}

/// The cells of one row, trimmed as they are read (trimming whole records in the csv crate
/// allocates a new record per row).
#[derive(Clone, Copy)]
struct Cells<'a>(&'a StringRecord);

impl std::ops::Index<usize> for Cells<'_> {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.0[i].trim()
    }
}

fn read_roster(dir: &Path, name: &str, label: &str, builder: &mut AwardBuilder) {
    let Some(table) = Table::open(dir, name, builder) else {
        return;
    };
    let Some(id) = table.require("id", builder, name) else {
        return;
    };
    let label_col = table.column(label);
    let attributes: Vec<(usize, String)> = (0..table.keys.len())
        .filter(|&i| i != id && Some(i) != label_col)
        .map(|i| (i, table.keys[i].clone()))
        .collect();
    let id_header = table.headers[id].clone();
    let is_proposals = name == PROPOSALS_FILE;
    table.rows(name, builder, |b, line, cells| {
        let attrs: BTreeMap<String, String> = attributes
            .iter()
            .map(|(i, key)| (key.clone(), cells[*i].to_string()))
            .collect();
        let text = label_col.map_or("", |i| &cells[i]);
        if is_proposals {
            b.declare_proposal(&cells[id], text, attrs, line, &id_header);
        } else {
            b.declare_juror(&cells[id], text, attrs, line, &id_header);
        }
    });
}

fn read_scores(dir: &Path, builder: &mut AwardBuilder) {
    let name = SCORES_FILE;
    let Some(table) = Table::open(dir, name, builder) else {
        return;
    };
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let confidence = table.column("confidence");
    let long = table.column("criterion").zip(table.column("score"));
    // Wide form: every other column must be a criterion id.
    let mut wide: Vec<(usize, usize)> = Vec::new();
    if long.is_none() {
        let mut seen = vec![false; builder.rubric().criteria.len()];
        for (i, key) in table.keys.iter().enumerate() {
            if ["juror", "proposal", "confidence", "comment"].contains(&key.as_str()) {
                continue;
            }
            match criterion_of(builder.rubric(), key) {
                Some(c) => {
                    seen[c] = true;
                    wide.push((i, c));
                }
                None => {
                    let message = format!(
                        "unknown column; scores.csv takes juror, proposal, confidence, comment and either criterion + score (long form) or one column per criterion: {}",
                        builder.criterion_list()
                    );
                    builder.problem(
                        ProblemKind::Column,
                        1,
                        &table.headers[i],
                        message,
                        &table.headers[i],
                    );
                }
            }
        }
        let absent: Vec<&str> = builder
            .rubric()
            .criteria
            .iter()
            .zip(&seen)
            .filter(|(_, s)| !**s)
            .map(|(c, _)| c.id.as_str())
            .collect();
        if !absent.is_empty() {
            let message = format!(
                "missing criterion column{} {} (wide form needs one column per criterion; long form needs 'criterion' and 'score')",
                if absent.len() == 1 { "" } else { "s" },
                absent.join(", ")
            );
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(name, 1),
                message,
            ));
        }
    }
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return;
    };
    // Room for every score at once, so the list never grows by copying (untouched memory
    // costs nothing): a long-form row takes at least 8 bytes; a wide row of C scores at least
    // 2C + 4.
    let bytes = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len() as usize);
    builder.reserve(match long {
        Some(_) => bytes / 8,
        None => bytes / (2 * wide.len() + 4) * wide.len(),
    });
    let headers = table.headers.clone();
    let mut last_criterion = 0usize;
    table.rows(name, builder, |b, line, cells| {
        let weight = match confidence.map(|i| (i, &cells[i])) {
            None | Some((_, "")) => 1.0,
            Some((i, text)) => match text.parse::<f64>() {
                Ok(w) if b.check_confidence(w, line, &headers[i]) => w,
                Ok(_) => return,
                Err(_) => {
                    b.problem(
                        ProblemKind::NotANumber,
                        line,
                        &headers[i],
                        "not a number; a confidence must be a positive number (blank means 1)",
                        text,
                    );
                    return;
                }
            },
        };
        match long {
            Some((criterion_col, score_col)) => {
                let text = &cells[criterion_col];
                let c = if b
                    .rubric()
                    .criteria
                    .get(last_criterion)
                    .is_some_and(|c| c.id.eq_ignore_ascii_case(text))
                {
                    Some(last_criterion)
                } else {
                    criterion_of(b.rubric(), text)
                };
                let Some(c) = c else {
                    let message =
                        format!("unknown criterion; expected one of: {}", b.criterion_list());
                    b.problem(
                        ProblemKind::UnknownId,
                        line,
                        &headers[criterion_col],
                        message,
                        text,
                    );
                    return;
                };
                last_criterion = c;
                if let Some(score) = parse_score(b, c, &cells[score_col], line, &headers[score_col])
                {
                    b.push_score(
                        &cells[juror],
                        &cells[proposal],
                        c,
                        score,
                        weight,
                        line,
                        &headers[score_col],
                    );
                }
            }
            None => {
                for &(col, c) in &wide {
                    if let Some(score) = parse_score(b, c, &cells[col], line, &headers[col]) {
                        b.push_score(
                            &cells[juror],
                            &cells[proposal],
                            c,
                            score,
                            weight,
                            line,
                            &headers[col],
                        );
                    }
                }
            }
        }
    });
}

/// A score cell: `Some(None)` for a blank (missing) cell, `Some(Some(x))` for a finite number,
/// `None` (reported) for anything else.
fn parse_score(
    b: &mut AwardBuilder,
    c: usize,
    text: &str,
    line: u64,
    column: &str,
) -> Option<Option<f64>> {
    if text.is_empty() {
        return Some(None);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(Some(x)),
        _ => {
            let message = format!(
                "not a number; expected {} (use '.' for decimals; leave the cell blank for a missing score)",
                b.rubric().criteria[c].scale.expectation()
            );
            b.problem(ProblemKind::NotANumber, line, column, message, text);
            None
        }
    }
}

fn read_conflicts(dir: &Path, builder: &mut AwardBuilder) {
    let name = CONFLICTS_FILE;
    let Some(table) = Table::open(dir, name, builder) else {
        return;
    };
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let reason = table.column("reason");
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return;
    };
    table.rows(name, builder, |b, line, cells| {
        b.push_conflict(
            &cells[juror],
            &cells[proposal],
            reason.map_or("", |i| &cells[i]),
            line,
        );
    });
}

fn criterion_of(rubric: &Rubric, key: &str) -> Option<usize> {
    rubric
        .criteria
        .iter()
        .position(|c| c.id.eq_ignore_ascii_case(key))
}

fn csv_problem(name: &str, e: &csv::Error) -> Problem {
    let location = match e.position() {
        Some(p) => Location::line(name, p.line()),
        None => Location::file(name),
    };
    Problem::new(
        ProblemKind::Unreadable,
        location,
        format!("cannot read the CSV: {e}"),
    )
}

/// The SHA-256 of a file, in lowercase hex.
pub fn sha256(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn one(problem: Problem) -> Error {
    Error::Invalid(vec![problem])
}
