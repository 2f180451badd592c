//! The audit bundle, and a report alone, written atomically.
//!
//! Every report is first written into a fresh staging folder beside the target. Only when all
//! of them are complete is the staging folder renamed into place (an existing bundle is moved
//! aside first and removed after), so a failed run never leaves a half-written bundle or a mix
//! of old and new files. An existing folder is replaced only when it is empty or is itself a
//! `jury` bundle (it holds a `manifest.json`); any other folder is refused, never emptied.
//! A report written alone ([`write_report`], as `jury reliability --out` does) goes the same
//! way into a folder of its own: new, empty, or holding only that report.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{JurorsCsv, Manifest, RankingCsv, ReliabilityCsv, Report, ScoresCsv, WarningsCsv};
use crate::award::{Award, InputFile};
use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::util::digest::hex;

/// Writes the audit bundle (`ranking.csv`, `scores.csv`, `jurors.csv`, `warnings.csv`,
/// `reliability.csv`, `manifest.json`) into `dir`, atomically.
///
/// # Panics
///
/// When `outcome` was not scored from `award`, as [`Report::write`].
pub fn write_bundle(award: &Award, outcome: &Outcome, dir: &Path) -> Result<()> {
    check_bundle_dir(dir)?;
    let (parent, staging) = stage_beside(dir)?;
    let reports: [&dyn Report; 5] = [
        &RankingCsv,
        &ScoresCsv,
        &JurorsCsv,
        &WarningsCsv,
        &ReliabilityCsv,
    ];
    let mut written = Vec::new();
    for report in reports {
        let path = staging.path().join(report.file_name());
        let sha256 = write_one(report, award, outcome, &path).map_err(fail(&path))?;
        written.push(InputFile {
            path: report.file_name().to_string(),
            sha256,
        });
    }
    let manifest = Manifest { reports: written };
    let path = staging.path().join(manifest.file_name());
    write_one(&manifest, award, outcome, &path).map_err(fail(&path))?;
    // Everything is complete: swap it into place.
    swap_into_place(staging, &parent, dir)
}

/// Writes one report alone into `dir`, atomically, as `jury reliability --out` writes
/// `reliability.csv`: into a staging folder beside `dir`, swapped into place when complete.
/// `dir` must be new, empty, or hold only that report (written so before, and replaced);
/// any other folder is refused and left untouched, an audit bundle too: it has its own copy
/// of the report, whose digest its `manifest.json` records.
///
/// # Panics
///
/// When `outcome` was not scored from `award`, as [`Report::write`].
pub fn write_report(
    report: &dyn Report,
    award: &Award,
    outcome: &Outcome,
    dir: &Path,
) -> Result<()> {
    check_report_dir(report, dir)?;
    let (parent, staging) = stage_beside(dir)?;
    let path = staging.path().join(report.file_name());
    write_one(report, award, outcome, &path).map_err(fail(&path))?;
    swap_into_place(staging, &parent, dir)
}

/// Whether [`write_report`] may write `report` into `dir`: it must be new, empty, or hold
/// only that report. The command line asks before scoring, so that a run bound to fail is
/// refused at once.
pub fn check_report_dir(report: &dyn Report, dir: &Path) -> Result<()> {
    check_report_target(report.file_name(), dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })
}

/// Refuses a target that exists and is neither empty nor a folder of that one report.
fn check_report_target(name: &str, dir: &Path) -> io::Result<()> {
    check_place(dir)?;
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(io::Error::other("it exists and is not a folder"));
    }
    if dir.join("manifest.json").is_file() {
        return Err(io::Error::other(format!(
            "the folder holds a jury audit bundle (manifest.json), whose own {name} its manifest lists; choose a new or empty folder"
        )));
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() != name || !entry.file_type()?.is_file() {
            return Err(io::Error::other(format!(
                "the folder exists and holds more than {name}; choose a new or empty folder"
            )));
        }
    }
    Ok(())
}

/// Refuses, before any scoring, a target that is a symbolic link (the swap into place would
/// replace the link, not the folder it points to) or that lies under a file.
fn check_place(dir: &Path) -> io::Result<()> {
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other(
            "it is a symbolic link; give the folder it points to",
        ));
    }
    // The nearest part of the path that exists must be a folder.
    if let Some(there) = dir.ancestors().skip(1).find(|a| a.exists()) {
        if !there.is_dir() {
            return Err(io::Error::other(format!(
                "{} is a file, not a folder",
                there.display()
            )));
        }
    }
    Ok(())
}

/// How a failure to write `path` is reported.
fn fail(path: &Path) -> impl FnOnce(io::Error) -> Error {
    let path = path.to_path_buf();
    move |source: io::Error| Error::Output { path, source }
}

/// The folder `dir` will be in (created if need be), and a fresh staging folder in it.
fn stage_beside(dir: &Path) -> Result<(PathBuf, tempfile::TempDir)> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(fail(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".jury-staging-")
        .tempdir_in(&parent)
        .map_err(fail(&parent))?;
    Ok((parent, staging))
}

/// Renames the complete staging folder to `dir`; an existing `dir` is moved aside first (and
/// put back if the rename fails) and removed after.
fn swap_into_place(staging: tempfile::TempDir, parent: &Path, dir: &Path) -> Result<()> {
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(".jury-old-")
            .tempdir_in(parent)
            .map_err(fail(parent))?;
        let aside = old.path().join("bundle");
        fs::rename(dir, &aside).map_err(fail(dir))?;
        if let Err(e) = fs::rename(staging.path(), dir) {
            let _ = fs::rename(&aside, dir);
            return Err(fail(dir)(e));
        }
        drop(old);
    } else {
        fs::rename(staging.path(), dir).map_err(fail(dir))?;
    }
    // The staging folder now is `dir`; make sure its guard does not remove it.
    let _ = staging.keep();
    Ok(())
}

/// Whether [`write_bundle`] may write into `dir`: it must be new, empty, or a bundle written
/// before (which is replaced whole). The command line asks before scoring, so that a run
/// bound to fail is refused at once.
pub fn check_bundle_dir(dir: &Path) -> Result<()> {
    check_target(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })
}

/// Refuses a target that exists and is neither empty nor a `jury` bundle.
fn check_target(dir: &Path) -> io::Result<()> {
    check_place(dir)?;
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(io::Error::other("it exists and is not a folder"));
    }
    // A bundle holds the reports and nothing else, and its manifest is jury's: a folder that
    // merely has a `manifest.json` (a browser extension's, a build's) is not replaced.
    let mut others = Vec::new();
    let mut entries = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        entries += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        let report = BUNDLE_FILES.contains(&name.as_str()) && entry.file_type()?.is_file();
        if !report && !system_file(&name) {
            others.push(name);
        }
    }
    others.sort();
    let refuse = |why: String| {
        Err(io::Error::other(format!(
            "the folder exists and is not a jury report folder ({why}); choose a new or empty folder"
        )))
    };
    if let Some(first) = others.first() {
        let more = match others.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return refuse(format!("it holds '{first}'{more}, which no bundle has"));
    }
    let manifest = dir.join("manifest.json");
    if !manifest.exists() {
        // Empty, or report files without a manifest: nothing says they are a bundle.
        return match entries {
            0 => Ok(()),
            _ => refuse("no manifest.json".to_string()),
        };
    }
    let mut text = String::new();
    File::open(&manifest)?
        .take(MAX_MANIFEST)
        .read_to_string(&mut text)
        .ok();
    let jury = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|m| m.get("tool").and_then(|t| t.as_str()) == Some("jury"));
    if jury {
        Ok(())
    } else {
        refuse("its manifest.json is not one jury wrote".to_string())
    }
}

/// A file the operating system leaves in a folder it has shown (Finder's `.DS_Store` and
/// `._*`, Windows Explorer's `Thumbs.db` and `desktop.ini`): no reason to keep a bundle that
/// was opened once from being replaced.
fn system_file(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower == ".ds_store"
        || lower.starts_with("._")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

/// The files of an audit bundle.
const BUNDLE_FILES: [&str; 6] = [
    "ranking.csv",
    "scores.csv",
    "jurors.csv",
    "warnings.csv",
    "reliability.csv",
    "manifest.json",
];

/// A manifest is a few kilobytes; one longer than this is not jury's.
const MAX_MANIFEST: u64 = 1 << 20;

/// Writes one report to a file, returning its SHA-256.
fn write_one(
    report: &dyn Report,
    award: &Award,
    outcome: &Outcome,
    path: &Path,
) -> io::Result<String> {
    let mut out = Hashing {
        inner: BufWriter::new(File::create(path)?),
        hasher: Sha256::new(),
    };
    report.write(award, outcome, &mut out)?;
    out.inner.flush()?;
    out.inner.get_ref().sync_all()?;
    Ok(hex(&out.hasher.finalize()))
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
