//! The audit bundle, and a report alone, written atomically.
//!
//! Every report is first written into a fresh staging folder beside the target. Only when all
//! of them are complete is it renamed into place (an existing bundle is moved aside first and
//! removed after), so a failed run never leaves a half-written bundle or a mix of old and new
//! files. An existing folder is replaced only when it is empty or is itself a `jury` bundle
//! (it holds a `manifest.json`); any other folder is refused, never emptied. A report written
//! alone ([`write_report`], as `jury reliability --out` does) goes the same way into a folder
//! of its own: new, empty, or holding only that report.
//!
//! ## The swap, and what a killed run leaves
//!
//! A run writing `DIR` (in `PARENT`) works in folders of its own beside it: a staging folder
//! `PARENT/.jury-staging-*` and, when `DIR` exists, `PARENT/.jury-old-*`. Each holds a marker
//! file, `.jury-swap`, naming the tool, the run's process id and `DIR`'s name, and the
//! folder it moves (`bundle`). The steps:
//!
//! 1. the reports are written into `.jury-staging-*/bundle`;
//! 2. `.jury-old-*` is made, with its marker;
//! 3. `DIR` is renamed to `.jury-old-*/bundle`;
//! 4. `.jury-staging-*/bundle` is renamed to `DIR`;
//! 5. `.jury-old-*` is removed, then `.jury-staging-*` (now holding only its marker).
//!
//! A kill after any step leaves `DIR` whole (old or new), except after step 3, where `DIR` is
//! missing and the old bundle is in `.jury-old-*/bundle`. So every run first **recovers**:
//! among the folders beside `DIR` that match `.jury-staging-*` or `.jury-old-*` and hold a
//! marker naming `DIR`, when `DIR` is missing, a `.jury-old-*/bundle` is renamed back to `DIR`;
//! then every such folder is removed, unless its marker names a process that is still
//! running (on Linux), or it holds the only copy of the old bundle. Nothing else is removed:
//! a folder without the marker, or whose marker names another target, is left alone. What
//! the recovery did, and a folder it (or the swap's last step) could not remove, is returned
//! as a [`Housekeeping`] note for the caller to show. A failed run removes what it created,
//! the folders above `DIR` that it made too.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{
    html, JurorsCsv, Manifest, RankingCsv, ReliabilityCsv, Report, ScoresCsv, SummaryJson,
    WarningsCsv,
};
use crate::award::{Award, InputFile};
use crate::compare::winners_by_method;
use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::util::digest::hex;

mod leftovers;
mod target;

#[cfg(test)]
use target::BUNDLE_FILES;
use target::{bare, contents};
pub use target::{check_bundle_dir, check_report_dir};

use leftovers::{make_own, recover, remove_own, MOVED, OLD_PREFIX, STAGING_PREFIX};
#[cfg(test)]
use leftovers::{marker_name, marker_text, MARKER};

/// Writes the audit bundle (`ranking.csv`, `scores.csv`, `jurors.csv`, `warnings.csv`,
/// `reliability.csv`, `manifest.json`) into `dir`, atomically. First recovers what an
/// interrupted run writing `dir` left (see the module's documentation); returns what that
/// recovery did and any folder of jury's that could not be removed, for the caller to show.
///
/// # Panics
///
/// When `outcome` was not scored from `award`, as [`Report::write`].
pub fn write_bundle(award: &Award, outcome: &Outcome, dir: &Path) -> Result<Vec<Housekeeping>> {
    let dir = &bare(dir);
    check_bundle_dir(dir)?;
    let swap = Swap::begin(dir)?;
    let folder = swap.folder();
    let own: [&(dyn Report + Sync); 5] = [
        &RankingCsv,
        &ScoresCsv,
        &JurorsCsv,
        &WarningsCsv,
        &ReliabilityCsv,
    ];
    // Every other method's winners (for summary.json) are found while the reports that do
    // not need them are written: each report is one task, writing its own file.
    let (methods, written) = rayon::join(
        || winners_by_method(award, outcome),
        || write_each(&own, award, outcome, &folder),
    );
    let mut written = written?;
    let summary = SummaryJson {
        methods: Some(&methods),
    };
    written.extend(write_each(&[&summary], award, outcome, &folder)?);
    let manifest = Manifest { reports: written };
    let path = folder.join(manifest.file_name());
    write_one(&manifest, award, outcome, &path).map_err(fail(&path))?;
    // The page is drawn from the files just written, as `jury report` draws it again.
    html::write_staged(&folder)?;
    checkpoint(Step::Written).map_err(fail(&path))?;
    // Everything is complete: swap it into place.
    swap.finish()
}

/// Writes one report alone into `dir`, atomically, as `jury reliability --out` writes
/// `reliability.csv`: into a staging folder beside `dir`, swapped into place when complete.
/// `dir` must be new, empty, or hold only that report (written so before, and replaced);
/// any other folder is refused and left untouched, an audit bundle too: it has its own copy
/// of the report, whose digest its `manifest.json` records. Recovers and cleans up as
/// [`write_bundle`] does, and returns the same notes.
///
/// # Panics
///
/// When `outcome` was not scored from `award`, as [`Report::write`].
pub fn write_report(
    report: &dyn Report,
    award: &Award,
    outcome: &Outcome,
    dir: &Path,
) -> Result<Vec<Housekeeping>> {
    let dir = &bare(dir);
    check_report_dir(report, dir)?;
    let swap = Swap::begin(dir)?;
    let path = swap.folder().join(report.file_name());
    write_one(report, award, outcome, &path).map_err(fail(&path))?;
    checkpoint(Step::Written).map_err(fail(&path))?;
    swap.finish()
}

/// What writing into a folder did besides, that its caller should tell: the leftovers of an
/// interrupted run restored, or left because they could not be removed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Housekeeping {
    /// An interrupted run had moved the folder's previous contents aside and not put its own
    /// in place: they were put back before this run wrote.
    Restored {
        /// Where they were.
        from: PathBuf,
        /// The folder they are back in.
        to: PathBuf,
    },
    /// A folder that jury made (this run, or an interrupted one) could not be removed.
    NotRemoved {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The previous contents an interrupted run had moved aside could not be put back.
    NotRestored {
        /// Where they are.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Housekeeping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Housekeeping::Restored { from, to } => write!(
                f,
                "an interrupted run had moved {} aside to {}: it was put back",
                to.display(),
                from.display()
            ),
            Housekeeping::NotRemoved { path, reason } => write!(
                f,
                "could not remove {}, a folder jury made ({reason}); remove it by hand",
                path.display()
            ),
            Housekeeping::NotRestored { path, reason } => write!(
                f,
                "could not put back {}, moved aside by an interrupted run ({reason}); it is left there",
                path.display()
            ),
        }
    }
}

/// How a failure to write `path` is reported.
fn fail(path: &Path) -> impl FnOnce(io::Error) -> Error {
    let path = path.to_path_buf();
    move |source: io::Error| Error::Output { path, source }
}

/// The folder that `dir` is in (`.` for a bare name).
fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A write into `dir` under way: its staging folder and the folders above `dir` it made.
/// Dropped before [`Swap::finish`] (a failed write), it removes them.
struct Swap {
    dir: PathBuf,
    parent: PathBuf,
    staging: PathBuf,
    /// Folders above `dir` that this run created, deepest first.
    created: Vec<PathBuf>,
    notes: Vec<Housekeeping>,
    done: bool,
}

impl Swap {
    /// Recovers what an interrupted run left, makes the folders above `dir` and a staging
    /// folder beside it.
    fn begin(dir: &Path) -> Result<Swap> {
        let parent = parent_of(dir);
        let notes = recover(dir);
        let created: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        let mut swap = Swap {
            dir: dir.to_path_buf(),
            parent,
            staging: PathBuf::new(),
            created,
            notes,
            done: false,
        };
        fs::create_dir_all(&swap.parent).map_err(fail(&swap.parent))?;
        swap.staging = make_own(&swap.parent, STAGING_PREFIX, dir).map_err(fail(&swap.parent))?;
        let folder = swap.folder();
        fs::create_dir(&folder).map_err(fail(&folder))?;
        Ok(swap)
    }

    /// Where the reports are written.
    fn folder(&self) -> PathBuf {
        self.staging.join(MOVED)
    }

    /// Renames the complete staging folder to `dir`; an existing `dir` is moved aside first
    /// (and put back if the rename fails) and removed after.
    fn finish(mut self) -> Result<Vec<Housekeeping>> {
        let dir = self.dir.clone();
        let new = self.folder();
        if fs::symlink_metadata(&dir).is_ok() {
            let old = make_own(&self.parent, OLD_PREFIX, &dir).map_err(fail(&self.parent))?;
            if let Err(e) = checkpoint(Step::AsideMade) {
                if !killed() {
                    let _ = remove_own(&old);
                }
                return Err(fail(&old)(e));
            }
            let aside = old.join(MOVED);
            if let Err(e) = fs::rename(&dir, &aside) {
                let _ = remove_own(&old);
                return Err(fail(&dir)(e));
            }
            checkpoint(Step::MovedAside).map_err(fail(&dir))?;
            if let Err(e) = fs::rename(&new, &dir) {
                if fs::rename(&aside, &dir).is_ok() {
                    let _ = remove_own(&old);
                }
                return Err(fail(&dir)(e));
            }
            self.done = true;
            checkpoint(Step::Swapped).map_err(fail(&dir))?;
            if let Err(e) = remove_own(&old) {
                if killed() {
                    return Err(fail(&old)(e));
                }
                self.notes.push(Housekeeping::NotRemoved {
                    path: old,
                    reason: e.to_string(),
                });
            }
        } else {
            fs::rename(&new, &dir).map_err(fail(&dir))?;
            self.done = true;
            checkpoint(Step::Swapped).map_err(fail(&dir))?;
        }
        if let Err(e) = remove_own(&self.staging) {
            if killed() {
                return Err(fail(&self.staging)(e));
            }
            self.notes.push(Housekeeping::NotRemoved {
                path: self.staging.clone(),
                reason: e.to_string(),
            });
        }
        Ok(std::mem::take(&mut self.notes))
    }
}

impl Drop for Swap {
    fn drop(&mut self) {
        if self.done || killed() {
            return;
        }
        // A failed write: nothing this run made stays.
        if !self.staging.as_os_str().is_empty() {
            let _ = remove_own(&self.staging);
        }
        for folder in &self.created {
            // Only an empty folder goes: never anything another process put there since. A
            // folder the failed creation never made (or could not name) is passed over.
            if fs::symlink_metadata(folder).is_err() {
                continue;
            }
            if fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

/// The points of a write where a test simulates a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
enum Step {
    /// Every report written into staging.
    Written,
    /// The folder for the old contents made, with its marker.
    AsideMade,
    /// The old contents moved aside, the new not yet in place.
    MovedAside,
    /// The new contents in place, the old not yet removed.
    Swapped,
    /// A run's own folder emptied, its marker not yet removed.
    Emptied,
}

/// How a test's simulated fault behaves.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// The process dies there: nothing after runs, no cleanup either.
    Kill,
    /// The step fails (a full disk, say): the write fails and cleans up.
    Fail,
}

#[cfg(test)]
thread_local! {
    /// The fault a test injects, and whether a simulated kill happened.
    static FAULT: std::cell::Cell<(Option<(Step, Fault)>, bool)> = const { std::cell::Cell::new((None, false)) };
}

/// Fails at `step` when a test injected a fault there; nothing outside tests.
fn checkpoint(step: Step) -> io::Result<()> {
    #[cfg(test)]
    {
        let (fault, _) = FAULT.get();
        if let Some((at, how)) = fault {
            if at == step {
                FAULT.set((None, how == Fault::Kill));
                return Err(io::Error::other(format!("{how:?} injected at {step:?}")));
            }
        }
    }
    let _ = step;
    Ok(())
}

/// Whether a test simulated a kill: then no cleanup runs, as after a real one.
fn killed() -> bool {
    #[cfg(test)]
    {
        FAULT.get().1
    }
    #[cfg(not(test))]
    {
        false
    }
}

/// Writes each report into its file in `folder`, in parallel, returning the files and
/// their SHA-256 in the order given, or the first report's failure in that order.
fn write_each(
    reports: &[&(dyn Report + Sync)],
    award: &Award,
    outcome: &Outcome,
    folder: &Path,
) -> Result<Vec<InputFile>> {
    let results: Vec<Result<InputFile>> = reports
        .par_iter()
        .map(|report| {
            let path = folder.join(report.file_name());
            let sha256 = write_one(*report, award, outcome, &path).map_err(fail(&path))?;
            Ok(InputFile {
                path: report.file_name().to_string(),
                sha256,
            })
        })
        .collect();
    results.into_iter().collect()
}

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

#[cfg(test)]
mod tests;
