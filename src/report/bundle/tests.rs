//! Tests of the bundle's atomic write: kills and failures at every step of the swap, and
//! the targets it refuses.

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
