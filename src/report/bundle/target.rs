//! Which folders a run may write into: a new or empty one, a bundle written before (for
//! [`write_bundle`](super::write_bundle)), or a folder of that one report (for
//! [`write_report`](super::write_report)), checked before any scoring.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::super::{html, Report};
use super::leftovers::{leftovers, Kind, MOVED};
use crate::error::{Error, Result};

/// Whether [`write_report`](super::write_report) may write `report` into `dir`: it must be new, empty, or hold
/// only that report. The command line asks before scoring, so that a run bound to fail is
/// refused at once.
pub fn check_report_dir(report: &dyn Report, dir: &Path) -> Result<()> {
    check_report_target(report.file_name(), &bare(dir)).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })
}

/// Refuses a target that exists and is neither empty nor a folder of that one report.
fn check_report_target(name: &str, dir: &Path) -> io::Result<()> {
    check_place(dir)?;
    let dir = &standing(dir);
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

/// `dir` without a trailing separator: `link/` names the link itself, as `link` does (with
/// the separator, the system would look through the link).
pub(super) fn bare(dir: &Path) -> PathBuf {
    dir.components().collect()
}

/// What will stand at `dir` when a run begins: `dir`, or when it is missing, the previous
/// contents an interrupted run moved aside and the run will put back.
fn standing(dir: &Path) -> PathBuf {
    if fs::symlink_metadata(dir).is_err() {
        if let Some(aside) = leftovers(dir)
            .into_iter()
            .find(|l| l.kind == Kind::Old && l.path.join(MOVED).is_dir())
        {
            return aside.path.join(MOVED);
        }
    }
    dir.to_path_buf()
}

/// Refuses, before any scoring, a target that is a symbolic link (the swap into place would
/// replace the link, not the folder it points to) or that lies under a file. `dir` is
/// [`bare`].
fn check_place(dir: &Path) -> io::Result<()> {
    if dir.file_name().is_none() {
        return Err(io::Error::other(
            "it names no folder of its own (it ends in . or .., or is the root); give the folder's own name",
        ));
    }
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

/// Whether [`write_bundle`](super::write_bundle) may write into `dir`: it must be new, empty, or a bundle written
/// before (which is replaced whole). The command line asks before scoring, so that a run
/// bound to fail is refused at once.
pub fn check_bundle_dir(dir: &Path) -> Result<()> {
    check_target(&bare(dir)).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })
}

/// Refuses a target that exists and is neither empty nor a `jury` bundle.
fn check_target(dir: &Path) -> io::Result<()> {
    check_place(dir)?;
    let dir = &standing(dir);
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(io::Error::other("it exists and is not a folder"));
    }
    // A bundle holds the reports and nothing else, and its manifest is jury's: a folder that
    // merely has a `manifest.json` (a browser extension's, a build's) is not replaced.
    let Contents {
        mut others,
        entries,
        ..
    } = contents(dir)?;
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

/// What a folder holds, judged as a report folder.
pub(super) struct Contents {
    /// Entries that are neither a report file nor a file the operating system leaves.
    pub(super) others: Vec<String>,
    /// Report files of a bundle.
    pub(super) reports: usize,
    /// Every entry.
    pub(super) entries: usize,
}

/// Reads `dir` once and sorts its entries into [`Contents`].
pub(super) fn contents(dir: &Path) -> io::Result<Contents> {
    let mut found = Contents {
        others: Vec::new(),
        reports: 0,
        entries: 0,
    };
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        found.entries += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        if BUNDLE_FILES.contains(&name.as_str()) && entry.file_type()?.is_file() {
            found.reports += 1;
        } else if !system_file(&name) && !html::stray(&name) {
            found.others.push(name);
        }
    }
    Ok(found)
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
pub(super) const BUNDLE_FILES: [&str; 8] = [
    "ranking.csv",
    "scores.csv",
    "jurors.csv",
    "warnings.csv",
    "reliability.csv",
    "summary.json",
    "manifest.json",
    "report.html",
];

/// A manifest is a few kilobytes; one longer than this is not jury's.
const MAX_MANIFEST: u64 = 1 << 20;
