//! What only the command line needs: arguments, terminal tables, messages.

pub mod args;
pub mod generate;
pub mod help;
pub mod jurors;
pub mod table;

use std::io;
use std::process::ExitCode;

use jury::{Error, Warning};

/// Invalid input or usage.
pub const EXIT_INVALID: u8 = 2;
/// The reports could not be written.
pub const EXIT_FAILURE: u8 = 1;

/// Prints an error and returns its exit code.
/// `n` things, in the singular when there is one: `1 juror`, `2 jurors`, `1 declared
/// conflict`.
pub fn counted(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

pub fn fail(e: &Error) -> ExitCode {
    match e {
        Error::Invalid(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "{} problem{} found; nothing was written. Formats: docs/formats.md",
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

/// A progress bar on stderr for long work, hidden when stderr is not a terminal.
pub fn progress(len: usize, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
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
