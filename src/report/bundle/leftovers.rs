//! The folders a run makes beside its target, marked as its own: finding what an interrupted
//! run left, putting back the bundle it had moved aside, and removing the rest.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{checkpoint, contents, parent_of, Housekeeping, Step};

/// The marker file in each folder a run makes beside its target.
pub(super) const MARKER: &str = ".jury-swap";
/// The marker's first line.
pub(super) const MARKER_TAG: &str = "jury swap folder";
/// The folder a run's own folder moves: the new reports in staging, the old ones aside.
pub(super) const MOVED: &str = "bundle";
pub(super) const STAGING_PREFIX: &str = ".jury-staging-";
pub(super) const OLD_PREFIX: &str = ".jury-old-";

/// Which of a run's folders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Staging,
    Old,
}

/// A folder beside a target that a run writing that target made.
pub(super) struct Leftover {
    pub(super) path: PathBuf,
    pub(super) kind: Kind,
    pub(super) pid: u32,
}

/// The target's name as a marker holds it: every byte kept (escaped), so two names that
/// differ only in bytes that are not UTF-8 are never taken for one.
pub(super) fn marker_name(dir: &Path) -> String {
    format!("{:?}", dir.file_name().unwrap_or_default())
}

/// The marker of a run writing `dir`.
pub(super) fn marker_text(dir: &Path) -> String {
    let name = marker_name(dir);
    format!("{MARKER_TAG}\npid {}\ntarget {name}\n", std::process::id())
}

/// The folders beside `dir` that runs writing `dir` made: their name has the pattern, they
/// are folders (not links), and they hold a marker naming `dir`.
pub(super) fn leftovers(dir: &Path) -> Vec<Leftover> {
    let Ok(entries) = fs::read_dir(parent_of(dir)) else {
        return Vec::new();
    };
    let name = marker_name(dir);
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let kind = if file.starts_with(STAGING_PREFIX) {
            Kind::Staging
        } else if file.starts_with(OLD_PREFIX) {
            Kind::Old
        } else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let marker = entry.path().join(MARKER);
        if !fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file() && m.len() < 4096) {
            continue;
        }
        let Ok(text) = fs::read_to_string(&marker) else {
            continue;
        };
        let mut lines = text.strip_suffix('\n').unwrap_or(&text).splitn(3, '\n');
        let (Some(MARKER_TAG), Some(pid), Some(target)) =
            (lines.next(), lines.next(), lines.next())
        else {
            continue;
        };
        let Some(pid) = pid.strip_prefix("pid ").and_then(|p| p.parse().ok()) else {
            continue;
        };
        if target.strip_prefix("target ") == Some(name.as_str()) {
            found.push(Leftover {
                path: entry.path(),
                kind,
                pid,
            });
        }
    }
    // Oldest first would need times; the name order is at least stable.
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Whether another process with this id is running (another run at work). Known on Linux
/// only; elsewhere every leftover is taken for abandoned.
pub(super) fn running_elsewhere(pid: u32) -> bool {
    pid != std::process::id()
        && cfg!(target_os = "linux")
        && Path::new("/proc").join(pid.to_string()).exists()
}

/// Puts back what an interrupted run writing `dir` moved aside, when `dir` is missing, then
/// removes the folders such runs left. Returns what it did and what it could not do.
pub(super) fn recover(dir: &Path) -> Vec<Housekeeping> {
    let mut notes = Vec::new();
    let found = leftovers(dir);
    if fs::symlink_metadata(dir).is_err() {
        if let Some(old) = found
            .iter()
            .find(|l| l.kind == Kind::Old && l.path.join(MOVED).is_dir())
        {
            let from = old.path.join(MOVED);
            match fs::rename(&from, dir) {
                Ok(()) => notes.push(Housekeeping::Restored {
                    from,
                    to: dir.to_path_buf(),
                }),
                Err(e) => notes.push(Housekeeping::NotRestored {
                    path: from,
                    reason: e.to_string(),
                }),
            }
        }
    }
    if let Some(note) = restore_into_empty(dir, &found) {
        notes.push(note);
    }
    // The previous contents go only once the reports that replaced them stand at `dir`.
    let superseded = holds_reports_only(dir);
    for l in found {
        let only_copy = l.kind == Kind::Old && !superseded && l.path.join(MOVED).exists();
        if only_copy {
            if fs::symlink_metadata(dir).is_ok() {
                notes.push(Housekeeping::NotRestored {
                    path: l.path.join(MOVED),
                    reason: format!(
                        "{} holds something other than jury's reports",
                        dir.display()
                    ),
                });
            }
            continue;
        }
        if running_elsewhere(l.pid) {
            notes.push(Housekeeping::NotRemoved {
                path: l.path,
                reason: format!("process {} that made it is still running", l.pid),
            });
            continue;
        }
        if let Err(e) = remove_own(&l.path) {
            notes.push(Housekeeping::NotRemoved {
                path: l.path,
                reason: e.to_string(),
            });
        }
    }
    notes
}

/// Puts the previous contents that an interrupted run moved aside back into `dir` when an
/// empty folder stands there (made since, by hand or by another tool).
pub(super) fn restore_into_empty(dir: &Path, found: &[Leftover]) -> Option<Housekeeping> {
    let empty = fs::read_dir(dir).ok()?.next().is_none();
    let old = found
        .iter()
        .find(|l| l.kind == Kind::Old && l.path.join(MOVED).is_dir())?;
    if !empty || fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let from = old.path.join(MOVED);
    Some(
        match fs::remove_dir(dir).and_then(|()| fs::rename(&from, dir)) {
            Ok(()) => Housekeeping::Restored {
                from,
                to: dir.to_path_buf(),
            },
            Err(e) => Housekeeping::NotRestored {
                path: from,
                reason: e.to_string(),
            },
        },
    )
}

/// Whether `dir` is a folder of jury's reports: not empty, and every entry a report file of
/// a bundle (or a file the operating system leaves).
pub(super) fn holds_reports_only(dir: &Path) -> bool {
    contents(dir).is_ok_and(|c| c.others.is_empty() && c.reports > 0)
}

/// Removes a folder of a run's own: its contents, then its marker (so a kill halfway leaves
/// it still marked), then the folder.
pub(super) fn remove_own(path: &Path) -> io::Result<()> {
    // Checked again here, just before anything goes: still a folder, not a link, still marked.
    let folder = fs::symlink_metadata(path)?.file_type().is_dir();
    let marked = fs::read_to_string(path.join(MARKER)).is_ok_and(|m| m.starts_with(MARKER_TAG))
        && fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
    if !folder || !marked {
        return Err(io::Error::other(
            "it is no longer a marked folder of jury's own",
        ));
    }
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    checkpoint(Step::Emptied)?;
    fs::remove_file(path.join(MARKER))?;
    fs::remove_dir(path)
}

/// A fresh folder of this run's own in `parent`, with its marker for `dir`.
pub(super) fn make_own(parent: &Path, prefix: &str, dir: &Path) -> io::Result<PathBuf> {
    let path = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)?
        .keep();
    let marked = File::create(path.join(MARKER)).and_then(|mut f| {
        f.write_all(marker_text(dir).as_bytes())
            .and_then(|()| f.sync_all())
    });
    if let Err(e) = marked {
        let _ = fs::remove_dir_all(&path);
        return Err(e);
    }
    Ok(path)
}
