//! A plan's files: the reads (`juror,proposal,round`) and one blank score sheet per juror,
//! written whole or not at all.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::text;
use crate::assign::Read;
use crate::award::Award;
use crate::error::{Error, Location, Problem, ProblemKind, Result};

/// Writes the reads as CSV: `juror,proposal,round`, one row a read, in the order given.
pub fn write_reads(award: &Award, reads: &[Read], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "juror,proposal,round")?;
    for r in reads {
        let j = csv_cell(award.jurors().id(r.juror));
        let p = csv_cell(award.proposals().id(r.proposal));
        writeln!(out, "{j},{p},{}", r.round)?;
    }
    Ok(())
}

/// Writes the blank wide-form score sheet of juror `juror`'s reads among `reads`: the header
/// `juror,proposal,<criterion ids>` and one row per proposal, its score cells blank.
pub fn write_sheet(
    award: &Award,
    juror: crate::ids::JurorId,
    reads: &[Read],
    out: &mut dyn Write,
) -> io::Result<()> {
    let criteria: Vec<String> = (award.rubric().criteria.iter())
        .map(|c| csv_cell(&c.id))
        .collect();
    writeln!(out, "juror,proposal,{}", criteria.join(","))?;
    let blanks = ",".repeat(criteria.len());
    let j = csv_cell(award.jurors().id(juror));
    for r in reads.iter().filter(|r| r.juror == juror) {
        writeln!(
            out,
            "{j},{}{blanks}",
            csv_cell(award.proposals().id(r.proposal))
        )?;
    }
    Ok(())
}

/// Writes the reads to the file `out` and the sheets into the folder `sheets` (each when
/// given), each whole or not at all: files are written beside their target first and moved in
/// place only when every one is complete. `sheets` must be new or empty. Refused before
/// anything is written when a juror id cannot name a file.
pub fn write_plan_files(
    award: &Award,
    reads: &[Read],
    out: Option<&Path>,
    sheets: Option<&Path>,
) -> Result<()> {
    let jurors: Vec<crate::ids::JurorId> = {
        let mut js: Vec<_> = reads.iter().map(|r| r.juror).collect();
        js.dedup();
        js.sort_unstable();
        js.dedup();
        js
    };
    if sheets.is_some() {
        check_file_names(award, &jurors)?;
    }
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source: io::Error| Error::Output { path, source }
    };
    let reads_file = match out {
        Some(path) => {
            let parent = parent_of(path);
            let mut tmp = tempfile::NamedTempFile::new_in(&parent).map_err(fail(path))?;
            let mut w = io::BufWriter::new(tmp.as_file_mut());
            write_reads(award, reads, &mut w).map_err(fail(path))?;
            w.flush().map_err(fail(path))?;
            drop(w);
            Some((tmp, path))
        }
        None => None,
    };
    let sheets_dir = match sheets {
        Some(dir) => {
            check_new_or_empty(dir)?;
            let tmp = tempfile::Builder::new()
                .prefix(".jury-sheets-")
                .tempdir_in(parent_of(dir))
                .map_err(fail(dir))?;
            for &j in &jurors {
                let path = tmp.path().join(format!("{}.csv", award.jurors().id(j)));
                let file = std::fs::File::create(&path).map_err(fail(dir))?;
                let mut w = io::BufWriter::new(file);
                write_sheet(award, j, reads, &mut w).map_err(fail(dir))?;
                w.flush().map_err(fail(dir))?;
            }
            Some((tmp, dir))
        }
        None => None,
    };
    if let Some((tmp, dir)) = sheets_dir {
        if dir.exists() {
            std::fs::remove_dir(dir).map_err(fail(dir))?;
        }
        let kept = tmp.keep();
        std::fs::rename(&kept, dir).map_err(fail(dir))?;
    }
    if let Some((tmp, path)) = reads_file {
        tmp.persist(path).map_err(|e| fail(path)(e.error))?;
    }
    Ok(())
}

/// The folder a path is in (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses a sheets folder that exists and holds anything.
pub fn check_new_or_empty(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::Output {
                path: dir.to_path_buf(),
                source: e,
            })
        }
    };
    if entries.into_iter().next().is_none() {
        return Ok(());
    }
    Err(Error::Invalid(vec![Problem::new(
        ProblemKind::Unreadable,
        Location::file(dir),
        "the sheets folder is not empty; give a new or empty folder (sheets are never written over others)",
    )]))
}

/// Refuses juror ids that cannot be a file's name: empty, `.`/`..`, a path separator, or a
/// character Windows forbids.
fn check_file_names(award: &Award, jurors: &[crate::ids::JurorId]) -> Result<()> {
    let bad: Vec<Problem> = jurors
        .iter()
        .map(|&j| award.jurors().id(j))
        .filter(|id| {
            id.is_empty()
                || *id == "."
                || *id == ".."
                || id.chars().any(|c| "/\\:*?\"<>|".contains(c) || c.is_control())
        })
        .map(|id| {
            Problem::new(
                ProblemKind::Setting,
                Location::file("jurors.csv"),
                "this juror id cannot name a sheet file (it holds / \\ : * ? \" < > | or is . or ..); rename the juror, or plan without --sheets",
            )
            .with_value(id.to_string())
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(bad))
    }
}

/// A cell as CSV writes it: spreadsheet-safe, quoted when it holds a comma, quote or line end.
fn csv_cell(s: &str) -> String {
    let t = text(s);
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.into_owned()
    }
}
