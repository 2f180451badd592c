//! What planning reads besides the award: jurors' capacities (a `capacity` column in
//! `jurors.csv`), `affinity.csv` and the earlier rounds' `assignment.csv`.
//!
//! Every problem names the file, line, column and value, and all are reported at once.

use std::collections::BTreeSet;
use std::path::Path;

use crate::assign::{Read, Setup};
use crate::award::Award;
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::ids::{JurorId, ProposalId};

use super::dialect::detect;
use super::input::{Decimal, InputOptions};
use super::pieces;
use super::records::{self, Records};
use super::scores::number_as;
use super::JURORS_FILE;
use crate::tomlfile::unreadable;

/// How well each juror matches each proposal (optional): `juror,proposal,affinity`.
pub const AFFINITY_FILE: &str = "affinity.csv";
/// The reads of earlier rounds (optional): `juror,proposal,round`, as `jury assign` writes.
pub const ASSIGNMENT_FILE: &str = "assignment.csv";

/// What planning reads besides the award.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanInputs {
    /// Capacities (the `capacity` column, capped by `[assignment] max_load`), affinities and
    /// the seed.
    pub setup: Setup,
    /// The earlier rounds' reads from `assignment.csv`, sorted (empty when there is none).
    pub previous: Vec<Read>,
}

/// Reads the capacities, `affinity.csv` and `assignment.csv` of the award in `dir`, with
/// `seed` for the plan. Missing files are no problem; a bad cell is.
pub fn read_plan_inputs(dir: impl AsRef<Path>, award: &Award, seed: u64) -> Result<PlanInputs> {
    let dir = dir.as_ref();
    let mut problems = Vec::new();
    let capacity = read_capacity(dir, award, &mut problems);
    let affinity = read_affinity(dir, award, &mut problems);
    let mut previous = read_assignment(dir, award, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    previous.sort_unstable();
    let setup = Setup {
        capacity,
        affinity,
        seed,
    };
    Ok(PlanInputs { setup, previous })
}

/// Each juror's capacity: the `capacity` column of the jurors table (read by the loader, in
/// any of its forms and dialects, as an attribute), capped by `max_load`.
fn read_capacity(dir: &Path, award: &Award, problems: &mut Vec<Problem>) -> Vec<Option<usize>> {
    let jurors = award.jurors();
    // Where the column is, as the coordinator knows it.
    let file = if dir.join(JURORS_FILE).exists() {
        JURORS_FILE
    } else {
        "the jurors table"
    };
    let mut capacity = vec![None; jurors.len()];
    for j in jurors.members() {
        let Some(cap) = jurors.attribute(j, "capacity").map(str::trim) else {
            continue;
        };
        if cap.is_empty() {
            continue;
        }
        match cap.parse::<usize>() {
            Ok(n) => capacity[j.index()] = Some(n),
            Err(_) => problems.push(
                Problem::new(
                    ProblemKind::NotANumber,
                    Location {
                        file: file.into(),
                        line: None,
                        column: Some("capacity".to_string()),
                        sheet: None,
                    },
                    format!(
                        "juror {}: capacity must be a whole number of reads, 0 or more (blank: no limit)",
                        jurors.id(j)
                    ),
                )
                .with_value(cap.to_string()),
            ),
        }
    }
    if let Some(max) = award.settings().max_load {
        for c in &mut capacity {
            *c = Some(c.map_or(max, |c: usize| c.min(max)));
        }
    }
    capacity
}

/// The rows of `affinity.csv`.
fn read_affinity(
    dir: &Path,
    award: &Award,
    problems: &mut Vec<Problem>,
) -> Vec<(JurorId, ProposalId, f64)> {
    let mut affinity = Vec::new();
    let mut seen = BTreeSet::new();
    let columns = ["juror", "proposal", "affinity"];
    rows(
        dir,
        AFFINITY_FILE,
        &columns,
        problems,
        |line, cells, decimal, problems| {
            let Some((j, p)) = ids(award, AFFINITY_FILE, line, &cells, problems) else {
                return;
            };
            let text = &cells[2];
            let value = number_as(text, decimal).ok().filter(|x| x.is_finite());
            let Some(value) = value else {
                let message = if decimal == Decimal::Point && text.contains(',') {
                    "affinity must be a finite number (a decimal comma where cells are separated by commas: write 0.5, or save the file with ';' between cells)"
                } else {
                    "affinity must be a finite number (higher: a better match)"
                };
                let at = Location::cell(AFFINITY_FILE, line, "affinity");
                problems.push(
                    Problem::new(ProblemKind::NotANumber, at, message).with_value(cells[2].clone()),
                );
                return;
            };
            if seen.insert((j, p)) {
                affinity.push((j, p, value));
            } else {
                problems.push(twice(AFFINITY_FILE, line, &cells));
            }
        },
    );
    affinity
}

/// The rows of `assignment.csv`.
fn read_assignment(dir: &Path, award: &Award, problems: &mut Vec<Problem>) -> Vec<Read> {
    let mut previous = Vec::new();
    let mut seen = BTreeSet::new();
    let columns = ["juror", "proposal", "round"];
    rows(
        dir,
        ASSIGNMENT_FILE,
        &columns,
        problems,
        |line, cells, _, problems| {
            let Some((juror, proposal)) = ids(award, ASSIGNMENT_FILE, line, &cells, problems)
            else {
                return;
            };
            let Some(round) = cells[2].parse::<u32>().ok().filter(|&r| r >= 1) else {
                let message = "round must be a whole number of at least 1";
                let at = Location::cell(ASSIGNMENT_FILE, line, "round");
                problems.push(
                    Problem::new(ProblemKind::NotANumber, at, message).with_value(cells[2].clone()),
                );
                return;
            };
            if seen.insert((juror, proposal)) {
                previous.push(Read {
                    juror,
                    proposal,
                    round,
                });
            } else {
                problems.push(twice(ASSIGNMENT_FILE, line, &cells));
            }
        },
    );
    previous
}

/// The juror and proposal of a row, or `None` with the problem reported.
fn ids(
    award: &Award,
    file: &str,
    line: u64,
    cells: &[String],
    problems: &mut Vec<Problem>,
) -> Option<(JurorId, ProposalId)> {
    let j = award.jurors().index(&cells[0]);
    let p = award.proposals().index(&cells[1]);
    for (found, column, list) in [
        (j.is_some(), "juror", "jurors.csv"),
        (p.is_some(), "proposal", "proposals.csv"),
    ] {
        if !found {
            let value = if column == "juror" {
                &cells[0]
            } else {
                &cells[1]
            };
            problems.push(
                Problem::new(
                    ProblemKind::UnknownId,
                    Location::cell(file, line, column),
                    format!("no {column} of the award has this id; check it against {list}"),
                )
                .with_value(value.clone()),
            );
        }
    }
    Some((j?, p?))
}

/// A pair given twice.
fn twice(file: &str, line: u64, cells: &[String]) -> Problem {
    Problem::new(
        ProblemKind::Duplicate,
        Location::line(file, line),
        "this juror and proposal are given twice; keep one row",
    )
    .with_value(format!("{},{}", cells[0], cells[1]))
}

/// Calls `row` with the line, the cells of `columns` and the decimal mark of every row of
/// `name`, when the file is there. Read as the award's CSV tables are ([`Records`]: lines
/// numbered as an editor shows them, whatever the line ends; blank rows skipped; cells
/// trimmed), the delimiter (`,`, `;` or tab) detected from the header row, and with it the
/// decimal mark (a comma where cells are not separated by commas).
fn rows(
    dir: &Path,
    name: &str,
    columns: &[&str],
    problems: &mut Vec<Problem>,
    mut row: impl FnMut(u64, Vec<String>, Decimal, &mut Vec<Problem>),
) {
    let path = dir.join(name);
    if !path.exists() {
        return;
    }
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => return problems.push(unreadable(Location::file(name), &e)),
    };
    let dialect = match detect(&bytes, &InputOptions::default()) {
        Ok(dialect) => dialect,
        Err(message) => {
            // `[input]` is the award's tables'; a planning file is saved again instead.
            let message = message.replace(
                "set [input] delimiter in award.toml",
                "save the file with ',' between cells",
            );
            let at = Location::line(name, 1);
            return problems.push(Problem::new(ProblemKind::Syntax, at, message));
        }
    };
    let file = Path::new(name);
    let failed = |e: &std::io::Error| records::problem(file, 1, Location::file(name), e);
    let mut records = Records::with_delimiter(&bytes[..], dialect.delimiter);
    let headers: Vec<String> = match records.next() {
        Ok(Some(_)) => (records.fields())
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => return problems.push(failed(&e)),
    };
    let mut wanted: Vec<usize> = Vec::new();
    for column in columns {
        match headers.iter().position(|h| h.to_lowercase() == *column) {
            Some(i) => wanted.push(i),
            None => {
                let message = format!(
                    "the header needs a column '{column}' (it has: {})",
                    headers.join(", ")
                );
                problems.push(Problem::new(
                    ProblemKind::Column,
                    Location::line(name, 1),
                    message,
                ));
                return;
            }
        }
    }
    loop {
        let line = match records.next() {
            Ok(Some(line)) => line,
            Ok(None) => return,
            Err(e) => return problems.push(failed(&e)),
        };
        let mut cells = Vec::with_capacity(headers.len());
        match pieces::split(records.fields(), headers.len(), &mut cells) {
            Ok(()) if cells.iter().all(|c| c.is_empty()) => {}
            Ok(()) => {
                let picked = wanted.iter().map(|&i| cells[i].to_string()).collect();
                row(line, picked, dialect.decimal, problems);
            }
            Err(bad) => problems.push(bad.problem(file, &headers, line)),
        }
    }
}
