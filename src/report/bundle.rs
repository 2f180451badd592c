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
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

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

use leftovers::{
    leftovers, make_own, recover, remove_own, Kind, MOVED, OLD_PREFIX, STAGING_PREFIX,
};
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
    let methods = winners_by_method(award, outcome);
    let summary = SummaryJson {
        methods: Some(&methods),
    };
    let reports: [&dyn Report; 6] = [
        &RankingCsv,
        &ScoresCsv,
        &JurorsCsv,
        &WarningsCsv,
        &ReliabilityCsv,
        &summary,
    ];
    let mut written = Vec::new();
    for report in reports {
        let path = swap.folder().join(report.file_name());
        let sha256 = write_one(report, award, outcome, &path).map_err(fail(&path))?;
        written.push(InputFile {
            path: report.file_name().to_string(),
            sha256,
        });
    }
    let manifest = Manifest { reports: written };
    let path = swap.folder().join(manifest.file_name());
    write_one(&manifest, award, outcome, &path).map_err(fail(&path))?;
    // The page is drawn from the files just written, as `jury report` draws it again.
    html::write_staged(&swap.folder())?;
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

/// Whether [`write_report`] may write `report` into `dir`: it must be new, empty, or hold
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
fn bare(dir: &Path) -> PathBuf {
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

/// Whether [`write_bundle`] may write into `dir`: it must be new, empty, or a bundle written
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
struct Contents {
    /// Entries that are neither a report file nor a file the operating system leaves.
    others: Vec<String>,
    /// Report files of a bundle.
    reports: usize,
    /// Every entry.
    entries: usize,
}

/// Reads `dir` once and sorts its entries into [`Contents`].
fn contents(dir: &Path) -> io::Result<Contents> {
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
const BUNDLE_FILES: [&str; 8] = [
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
mod tests {
    use super::*;
    use crate::outcome::score;
    use crate::settings::Settings;
    use crate::testkit;

    fn award() -> Award {
        testkit::single(
            testkit::one_criterion(0.0, 10.0),
            Settings::default(),
            &[("a", "P1", 4.0), ("b", "P1", 5.0), ("a", "P2", 2.0)],
        )
    }

    /// Writes the bundle with a fault injected at `step`.
    fn write_with(fault: Option<(Step, Fault)>, dir: &Path) -> Result<Vec<Housekeeping>> {
        FAULT.set((fault, false));
        let award = award();
        let result = write_bundle(&award, &score(&award), dir);
        FAULT.set((None, false));
        result
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A bundle told apart from another by a file of its own (a bundle may hold one).
    fn mark(dir: &Path, which: &str) {
        fs::write(dir.join("Thumbs.db"), which).unwrap();
    }

    fn which(dir: &Path) -> Option<String> {
        fs::read_to_string(dir.join("Thumbs.db")).ok()
    }

    /// A bundle is whole: its manifest lists every report with its digest.
    fn whole(dir: &Path) -> bool {
        let Ok(text) = fs::read_to_string(dir.join("manifest.json")) else {
            return false;
        };
        BUNDLE_FILES[..5].iter().all(|f| {
            let digest = fs::read(dir.join(f)).map(|b| hex(&Sha256::digest(&b)));
            digest.is_ok_and(|d| text.contains(f) && text.contains(&d))
        })
    }

    #[test]
    fn a_kill_at_any_step_of_the_swap_leaves_a_whole_bundle_or_one_the_next_run_restores() {
        let steps = [
            Step::Written,
            Step::AsideMade,
            Step::MovedAside,
            Step::Swapped,
            Step::Emptied,
        ];
        for step in steps {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("bundle");
            write_with(None, &out).unwrap();
            mark(&out, "old");
            assert!(
                write_with(Some((step, Fault::Kill)), &out).is_err(),
                "{step:?}"
            );
            // What the kill left: the old bundle or the new one at `out`, whole, except
            // between the renames, where it is aside.
            match fs::symlink_metadata(&out) {
                Ok(_) => {
                    assert!(whole(&out), "{step:?}");
                    let expect_old = matches!(step, Step::Written | Step::AsideMade);
                    assert_eq!(which(&out).is_some(), expect_old, "{step:?}");
                }
                Err(_) => {
                    assert_eq!(step, Step::MovedAside);
                    // Checked as what the next run will put back: a bundle, so accepted.
                    check_bundle_dir(&out).unwrap();
                }
            }
            assert!(
                names(tmp.path()).len() > 1,
                "{step:?}: the kill left its folders"
            );
            // The next run recovers and cleans up: only the new bundle remains.
            let notes = write_with(None, &out).unwrap();
            assert_eq!(
                notes
                    .iter()
                    .any(|n| matches!(n, Housekeeping::Restored { .. })),
                step == Step::MovedAside,
                "{step:?}: {notes:?}"
            );
            assert!(
                notes
                    .iter()
                    .all(|n| matches!(n, Housekeeping::Restored { .. })),
                "{notes:?}"
            );
            assert_eq!(names(tmp.path()), ["bundle"], "{step:?}");
            assert!(whole(&out) && which(&out).is_none(), "{step:?}");
        }
    }

    #[test]
    fn a_kill_writing_a_new_folder_leaves_nothing_the_next_run_keeps() {
        for step in [Step::Written, Step::Swapped, Step::Emptied] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("bundle");
            assert!(write_with(Some((step, Fault::Kill)), &out).is_err());
            write_with(None, &out).unwrap();
            assert_eq!(names(tmp.path()), ["bundle"], "{step:?}");
            assert!(whole(&out));
        }
    }

    #[test]
    fn a_failed_write_removes_every_folder_it_made_and_keeps_the_old_bundle() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("new/deep/bundle");
        let err = write_with(Some((Step::Written, Fault::Fail)), &out).unwrap_err();
        assert!(err.to_string().contains("injected"), "{err}");
        assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
        // Over an existing bundle, a failure at the swap's first step leaves it as it was.
        let out = tmp.path().join("bundle");
        write_with(None, &out).unwrap();
        mark(&out, "old");
        for step in [Step::Written, Step::AsideMade] {
            assert!(write_with(Some((step, Fault::Fail)), &out).is_err());
            assert_eq!(names(tmp.path()), ["bundle"], "{step:?}");
            assert_eq!(which(&out).as_deref(), Some("old"));
        }
        // A folder above that existed already is kept.
        let kept = tmp.path().join("kept");
        fs::create_dir(&kept).unwrap();
        assert!(write_with(Some((Step::Written, Fault::Fail)), &kept.join("a/b")).is_err());
        assert!(names(&kept).is_empty());
    }

    #[test]
    fn a_cleanup_that_fails_is_a_note_not_silence() {
        // The replaced bundle's folder cannot be removed (the fault strikes once its bundle is
        // gone, before its marker): it stays, a note says so, and the next run removes it.
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("bundle");
        write_with(None, &out).unwrap();
        let notes = write_with(Some((Step::Emptied, Fault::Fail)), &out).unwrap();
        assert!(
            matches!(&notes[..], [Housekeeping::NotRemoved { path, .. }] if path.file_name().unwrap().to_string_lossy().starts_with(OLD_PREFIX)),
            "{notes:?}"
        );
        assert!(
            notes[0].to_string().starts_with("could not remove "),
            "{}",
            notes[0]
        );
        assert_eq!(names(tmp.path()).len(), 2);
        assert!(write_with(None, &out).unwrap().is_empty());
        assert_eq!(names(tmp.path()), ["bundle"]);
    }

    #[test]
    fn a_read_only_folder_fails_the_write_and_gains_nothing() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let tmp = tempfile::tempdir().unwrap();
            let ro = tmp.path().join("ro");
            fs::create_dir(&ro).unwrap();
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
            // As root, permissions do not stop a write: nothing to test.
            if File::create(ro.join("probe")).is_ok() {
                eprintln!("skipped: the read-only folder is writable (running as root)");
                return;
            }
            for out in [ro.join("bundle"), ro.join("new/deep/bundle")] {
                assert!(write_with(None, &out).is_err());
                assert!(names(&ro).is_empty());
            }
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn a_trailing_slash_names_the_link_itself() {
        #[cfg(unix)]
        {
            let tmp = tempfile::tempdir().unwrap();
            let real = tmp.path().join("real");
            write_with(None, &real).unwrap();
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            let slash = PathBuf::from(format!("{}/", link.display()));
            let err = check_bundle_dir(&slash).unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
            assert!(write_with(None, &slash).is_err());
            assert!(fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
        }
    }

    #[test]
    fn a_target_without_a_name_of_its_own_is_refused_before_anything() {
        let root = tempfile::tempdir().unwrap();
        for dir in [Path::new("."), &root.path().join("nx/..")] {
            let err = check_bundle_dir(dir).unwrap_err().to_string();
            assert!(err.contains("names no folder of its own"), "{err}");
        }
        assert!(!root.path().join("nx").exists());
    }

    #[test]
    fn a_creation_that_fails_halfway_leaves_no_folder_it_made() {
        // The second folder's name is too long for any file system: creating it fails after
        // the first was made.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("newp").join("a".repeat(300)).join("out");
        assert!(write_with(None, &dir).is_err());
        assert_eq!(names(root.path()), Vec::<String>::new());
    }

    #[test]
    fn an_empty_folder_at_the_target_gets_back_what_a_killed_run_moved_aside() {
        // A kill after the old bundle was moved aside, then an empty folder made at the
        // target: the next run puts the old bundle back before replacing it, and removes the
        // folder it was kept in.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_with(None, &dir).unwrap();
        let aside = root.path().join(".jury-old-killed");
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join(MARKER), marker_text(&dir)).unwrap();
        fs::rename(&dir, aside.join(MOVED)).unwrap();
        fs::create_dir(&dir).unwrap();
        let notes = write_with(None, &dir).unwrap();
        assert!(
            matches!(notes.as_slice(), [Housekeeping::Restored { .. }]),
            "{notes:?}"
        );
        assert!(whole(&dir));
        assert_eq!(names(root.path()), vec!["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_differ_only_in_bytes_that_are_not_utf8_are_two_targets() {
        use std::os::unix::ffi::OsStrExt;
        let a = Path::new(std::ffi::OsStr::from_bytes(b"out\xff"));
        let b = Path::new(std::ffi::OsStr::from_bytes(b"out\xfe"));
        assert_ne!(marker_name(a), marker_name(b));
    }
}
