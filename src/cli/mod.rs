//! What only the command line needs: arguments, terminal tables, messages.

pub mod args;
pub mod assign;
pub mod fitted;
pub mod generate;
pub mod help;
pub mod init;
pub mod json;
pub mod jurors;
pub mod memory;
pub mod progress;
pub mod table;

use std::io;
use std::process::ExitCode;

use jury::{Award, Error, Location, Problem, ProblemKind, Warning};

/// Invalid input or usage.
pub const EXIT_INVALID: u8 = 2;
/// The reports could not be written.
pub const EXIT_FAILURE: u8 = 1;

/// `n` things, in the singular when there is one: `1 juror`, `2 jurors`, `1 declared
/// conflict`.
pub fn counted(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Where the input formats are specified, for an installed binary as for a clone.
pub const FORMATS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/formats.md");

/// Prints an error and returns its exit code.
pub fn fail(e: &Error) -> ExitCode {
    match e {
        Error::Invalid(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "{} problem{} found; nothing was written. Formats: {FORMATS}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(EXIT_INVALID)
        }
        other => {
            eprintln!("error: {other}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Loads an award folder, after checking that `dir` is one: a missing path, a file, or a
/// folder without `award.toml` is one problem naming the path and what to give instead.
pub fn load(dir: &std::path::Path) -> Result<Award, Error> {
    if let Some(message) = not_an_award_folder(dir) {
        let problem = Problem::new(ProblemKind::Unreadable, Location::file(dir), message);
        return Err(Error::Invalid(vec![problem]));
    }
    jury::load(dir)
}

/// [`load`] for planning reads: `scores.csv` may be absent.
pub fn load_unscored(dir: &std::path::Path) -> Result<Award, Error> {
    if let Some(message) = not_an_award_folder(dir) {
        let problem = Problem::new(ProblemKind::Unreadable, Location::file(dir), message);
        return Err(Error::Invalid(vec![problem]));
    }
    jury::load_unscored(dir)
}

/// Why `dir` is not an award folder, when that can be told before reading it. Other failures
/// (a folder that cannot be listed, an unreadable award.toml) are left to the loader, which
/// names the file.
fn not_an_award_folder(dir: &std::path::Path) -> Option<String> {
    const GIVE: &str = "give the award folder, the one that holds award.toml and scores.csv";
    let meta = match std::fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Some(format!("no such file or folder; {GIVE}"));
        }
        Err(_) => return None,
        Ok(meta) => meta,
    };
    if !meta.is_dir() {
        let name = dir.file_name().unwrap_or_default();
        if name != "award.toml" && name != "scores.csv" {
            return Some(format!("this is a file, not a folder; {GIVE}"));
        }
        let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
        let parent = parent.unwrap_or(std::path::Path::new("."));
        return Some(format!(
            "this is a file, not a folder; give the folder that holds it: {}",
            parent.display()
        ));
    }
    let toml = dir.join("award.toml");
    if std::fs::symlink_metadata(&toml).is_err() {
        return Some(format!(
            "this folder has no award.toml, so it is not an award folder; {GIVE}, or write \
             award.toml into it"
        ));
    }
    None
}

/// Warnings of one kind shown on stderr before the rest are counted (all are in warnings.csv).
pub const WARNINGS_PER_KIND: usize = 10;

/// Prints warnings on stderr, at most [`WARNINGS_PER_KIND`] of each kind, then how many more.
pub fn warn_all(warnings: &[Warning]) {
    let mut shown: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for w in warnings {
        let n = shown.entry(w.kind()).or_default();
        *n += 1;
        if *n <= WARNINGS_PER_KIND || w.is_loud() {
            warn(w);
        }
    }
    for (kind, n) in shown {
        if n > WARNINGS_PER_KIND {
            eprintln!(
                "warning: … and {} more '{kind}' warnings (every warning is in warnings.csv with --out)",
                n - WARNINGS_PER_KIND
            );
        }
    }
}

/// Prints a warning on stderr; the ones that put the winner list in question stand out.
pub fn warn(w: &Warning) {
    if w.is_loud() {
        eprintln!("WARNING: {w}");
    } else {
        eprintln!("warning: {w}");
    }
}

/// Refuses an `--out` folder that is the award folder or holds it: a report folder is
/// replaced whole, and the inputs must never be. (Such a folder is refused anyway unless it
/// looks like a report folder; this says why, and holds when it does.)
pub fn check_out_of_award(award_dir: &std::path::Path, out: &std::path::Path) -> Result<(), Error> {
    // A folder that does not exist yet can be neither.
    let (Ok(award), Ok(target)) = (award_dir.canonicalize(), out.canonicalize()) else {
        return Ok(());
    };
    if award.starts_with(&target) {
        return Err(Error::Output {
            path: out.to_path_buf(),
            source: io::Error::other(
                "it is the award folder or holds it, and the reports would replace the inputs; choose another folder",
            ),
        });
    }
    Ok(())
}

/// A closed stdout (`jury score ... | head`) is not an error.
pub fn stdout_result(r: io::Result<()>) -> Result<ExitCode, Error> {
    match r {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            Ok(ExitCode::from(EXIT_FAILURE))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_of_one_read_in_the_singular() {
        assert_eq!(super::counted(1, "juror"), "1 juror");
        assert_eq!(
            super::counted(0, "declared conflict"),
            "0 declared conflicts"
        );
        assert_eq!(super::counted(930, "score"), "930 scores");
    }
}
