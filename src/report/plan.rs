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
    if out.is_some() || sheets.is_some() {
        check_read_back(award, reads)?;
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
                // Never over another juror's sheet (ids that differ only in letter case are
                // one file on macOS and Windows; they are refused before, this is the guard).
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(fail(dir))?;
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
        if let Err(e) = tmp.persist(path) {
            // The sheets went in first: take them back out, so nothing is half written.
            if let Some(dir) = sheets {
                let _ = std::fs::remove_dir_all(dir);
            }
            return Err(fail(path)(e.error));
        }
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
    let mut bad: Vec<Problem> = jurors
        .iter()
        .map(|&j| award.jurors().id(j))
        .filter(|id| !portable_name(id))
        .map(|id| {
            Problem::new(
                ProblemKind::Setting,
                Location::file("jurors.csv"),
                "this juror id cannot name a sheet file on every system (it holds / \\ : * ? \" < > |, ends in a dot or a space, is . or .., or is a name Windows keeps, such as CON or NUL); rename the juror, or plan without --sheets",
            )
            .with_value(id.to_string())
        })
        .collect();
    // Ids that differ only in letter case are one file on macOS and Windows.
    let mut folded: Vec<(String, &str)> = jurors
        .iter()
        .map(|&j| award.jurors().id(j))
        .map(|id| (id.to_lowercase(), id))
        .collect();
    folded.sort();
    for pair in folded.windows(2) {
        if pair[0].0 == pair[1].0 {
            bad.push(
                Problem::new(
                    ProblemKind::Duplicate,
                    Location::file("jurors.csv"),
                    format!(
                        "jurors '{}' and '{}' differ only in letter case: their sheets would be one file on macOS and Windows; rename one, or plan without --sheets",
                        pair[0].1, pair[1].1
                    ),
                )
                .with_value(pair[1].1.to_string()),
            );
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(bad))
    }
}

/// Refuses ids that these files could not give back: one a spreadsheet would run as a formula
/// is written with a leading `'` ([`text`]), which jury, reading the file or the sheet again,
/// would take as part of the id.
fn check_read_back(award: &Award, reads: &[Read]) -> Result<()> {
    let mut ids: Vec<(&str, &str)> = reads
        .iter()
        .flat_map(|r| {
            [
                ("juror", award.jurors().id(r.juror)),
                ("proposal", award.proposals().id(r.proposal)),
            ]
        })
        .filter(|(_, id)| text(id) != *id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let problems = ids
        .into_iter()
        .map(|(what, id)| {
            let list = if what == "juror" { "jurors.csv" } else { "proposals.csv" };
            Problem::new(
                ProblemKind::Setting,
                Location::file(list),
                format!("this {what} id begins as a spreadsheet formula does (= + - @): the plan and the sheets would write it as '{id}, which could not be read back as the same {what}; rename it"),
            )
            .with_value(id.to_string())
        })
        .collect();
    Err(Error::Invalid(problems))
}

/// Whether `id` names a file on every common system: no path or reserved character, no
/// trailing dot or space, not `.` or `..`, and not a device name Windows keeps (`CON`,
/// `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, in any case, with any extension).
fn portable_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or("").to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0');
    !(id.is_empty()
        || id == "."
        || id == ".."
        || id.ends_with(['.', ' '])
        || device
        || id
            .chars()
            .any(|c| "/\\:*?\"<>|".contains(c) || c.is_control()))
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

#[cfg(test)]
mod tests {
    use super::portable_name;

    #[test]
    fn a_sheet_name_must_be_a_file_name_everywhere() {
        for ok in ["J01", "ana", "Đorđe", "COM0", "CONS", "LPT", "a.b", "com10"] {
            assert!(portable_name(ok), "{ok}");
        }
        let refused = [
            "", ".", "..", "a/b", "a\\b", "a:b", "x?", "a*", "tab\t", "end.", "end ", "CON", "nul",
            "Aux.csv", "com1", "LPT9", "prn.txt",
        ];
        for bad in refused {
            assert!(!portable_name(bad), "{bad:?}");
        }
    }
}
