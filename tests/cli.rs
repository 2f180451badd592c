//! The command line itself: help, short flags, completions, the man page, messages.

use crate::util::{jury, repo, stdout_of};

const COMMANDS: [&str; 8] = [
    "score",
    "assign",
    "validate",
    "compare",
    "reliability",
    "jurors",
    "rubric",
    "simulate",
];

#[test]
fn every_command_has_help_with_examples_and_no_rustdoc_markup() {
    for cmd in COMMANDS {
        let help = stdout_of(jury().args([cmd, "--help"]));
        assert!(help.contains("Examples:\n  jury "), "{cmd}: {help}");
        assert!(!help.contains('`'), "{cmd} --help shows a backtick: {help}");
        assert!(
            !help.contains("[`"),
            "{cmd} --help shows a rustdoc link: {help}"
        );
        assert!(
            !help.contains("crate::"),
            "{cmd} --help names a Rust path: {help}"
        );
    }
}

#[test]
fn options_are_grouped_under_headings() {
    let help = stdout_of(jury().args(["score", "--help"]));
    let method = help.find("\nMethod:\n").expect("a Method heading");
    let uncertainty = help
        .find("\nUncertainty:\n")
        .expect("an Uncertainty heading");
    let output = help.find("\nOutput:\n").expect("an Output heading");
    assert!(help[method..uncertainty].contains("--aggregate"));
    assert!(help[uncertainty..output].contains("--bootstrap"));
    assert!(help[output..].contains("--format"));
}

#[test]
fn short_flags_mean_what_the_long_ones_do() {
    let award = repo("fixtures/ineli-balkans-2016");
    let long = stdout_of(
        jury()
            .arg("score")
            .arg(&award)
            .args(["--method", "additive", "--winners", "3", "--seed", "7"])
            .args(["--threads", "1", "--format", "csv"]),
    );
    let short = stdout_of(jury().arg("score").arg(&award).args([
        "-m", "additive", "-n", "3", "-s", "7", "-j", "1", "-f", "csv",
    ]));
    assert_eq!(long, short);
    let default = stdout_of(jury().arg("score").arg(&award).args(["-f", "csv"]));
    assert_ne!(
        long, default,
        "-m additive -n 3 changes nothing on the example"
    );

    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    jury()
        .arg("score")
        .arg(&award)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("ranking.csv").exists());
    let sim = d.path().join("sim");
    jury()
        .args(["simulate", "-s", "3", "--proposals", "5", "-o"])
        .arg(&sim)
        .assert()
        .success();
    assert!(sim.join("scores.csv").exists());
    for cmd in ["compare", "jurors"] {
        let flag = if cmd == "compare" {
            ["-f", "csv"]
        } else {
            ["-m", "none"]
        };
        jury().arg(cmd).arg(&award).args(flag).assert().success();
    }
}

#[test]
fn completion_scripts_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout_of(jury().args(["completions", shell]));
        assert!(script.len() > 1000, "{shell}: {script}");
        assert!(script.contains("score"), "{shell} does not complete score");
        assert!(
            script.contains("bootstrap"),
            "{shell} does not complete --bootstrap"
        );
    }
    jury().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_is_roff_and_names_every_subcommand() {
    let page = stdout_of(jury().arg("man"));
    assert!(page.contains(".TH jury 1"), "{page}");
    assert!(page.contains(".SH SYNOPSIS"));
    for cmd in COMMANDS.iter().chain(&["completions", "man"]) {
        assert!(
            page.contains(&format!("jury\\-{cmd}(1)")),
            "{cmd} is not listed"
        );
        let section = format!(".SH \"JURY {}\"", cmd.to_uppercase());
        assert!(page.contains(&section), "{cmd} has no section");
    }
    assert!(
        page.contains("\\-\\-bootstrap"),
        "score's options are not described"
    );
}

/// stderr of `jury ARGS PATH`, which must exit 2.
fn refused(args: &[&str], path: &std::path::Path) -> String {
    let assert = jury().args(args).arg(path).assert().code(2);
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn a_path_that_is_not_an_award_folder_is_named_with_what_to_give() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("no-such-award");
    let file = d.path().join("README.md");
    std::fs::write(&file, "# notes\n").unwrap();
    let toml = d.path().join("award.toml");
    std::fs::write(&toml, "").unwrap();
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for cmd in ["score", "validate", "compare", "jurors", "reliability"] {
        let e = refused(&[cmd], &missing);
        assert!(
            e.contains(&format!(
                "{}: no such file or folder; give the award folder",
                missing.display()
            )),
            "{e}"
        );
        let e = refused(&[cmd], &file);
        assert!(e.contains(&format!("{}: this is a file, not a folder; give the award folder, the one that holds award.toml", file.display())), "{e}");
        let e = refused(&[cmd], &toml);
        assert!(
            e.contains(&format!(
                "this is a file, not a folder; give the folder that holds it: {}",
                d.path().display()
            )),
            "{e}"
        );
        let e = refused(&[cmd], &empty);
        assert!(
            e.contains(&format!(
                "{}: this folder has no award.toml, so it is not an award folder",
                empty.display()
            )),
            "{e}"
        );
        assert!(
            !e.contains("Not a directory") && !e.contains("os error"),
            "{e}"
        );
    }
}

#[test]
fn the_formats_hint_points_where_an_installed_binary_can_follow_it() {
    let d = tempfile::tempdir().unwrap();
    let e = refused(&["score"], d.path());
    assert!(
        e.ends_with("Formats: https://github.com/jury-awards/jury/blob/main/docs/formats.md\n"),
        "{e}"
    );
}

/// stdout and stderr of `jury score` on the example with a small bootstrap and `extra` flags.
fn bootstrap_run(extra: &[&str]) -> (String, String) {
    let assert = jury()
        .arg("score")
        .arg(repo("fixtures/ineli-balkans-2016"))
        .args(["--bootstrap", "40", "-s", "3", "-f", "csv"])
        .args(extra)
        .assert()
        .success();
    let out = assert.get_output();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn progress_always_prints_plain_lines_on_a_pipe_and_leaves_stdout_alone() {
    let (quiet_out, quiet_err) = bootstrap_run(&["--progress", "never"]);
    assert!(!quiet_err.contains("progress:"), "{quiet_err}");
    let (out, err) = bootstrap_run(&["--progress", "always"]);
    assert_eq!(out, quiet_out, "progress changed stdout");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    // The runs without each juror come first (their memory is freed before the replicates'
    // results are held).
    assert!(
        lines[0].starts_with("progress: without each juror 0 of 9 jurors, "),
        "{err}"
    );
    assert!(
        lines[1].starts_with("progress: without each juror 9 of 9 jurors, done in "),
        "{err}"
    );
    assert!(
        lines[2].starts_with("progress: bootstrap 0 of 40 replicates, "),
        "{err}"
    );
    assert!(
        lines[3].starts_with("progress: bootstrap 40 of 40 replicates, done in "),
        "{err}"
    );
    assert_eq!(lines.len(), 4, "{err}");
    // The rest of stderr (the warnings) is what a run without progress prints.
    let rest: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("progress: "))
        .collect();
    assert_eq!(rest, quiet_err.lines().collect::<Vec<_>>());
}

#[test]
fn progress_auto_on_a_pipe_is_silent_for_a_short_run() {
    let (_, err) = bootstrap_run(&[]);
    assert!(!err.contains("progress:"), "{err}");
    let (_, err) = bootstrap_run(&["--progress", "auto"]);
    assert!(!err.contains("progress:"), "{err}");
}

#[test]
fn the_examples_in_help_run() {
    // Every example that reads a shipped folder and writes nothing runs as shown (a long
    // bootstrap with 20 replicates: the flags are what is checked, and a debug build is slow).
    let mut ran = 0;
    for cmd in COMMANDS {
        let help = stdout_of(jury().args([cmd, "--help"]));
        let examples = help.split("Examples:\n").nth(1).unwrap();
        for line in examples
            .lines()
            .filter_map(|l| l.trim().strip_prefix("jury "))
        {
            let words: Vec<&str> = line.split_whitespace().collect();
            let writes = words.iter().any(|w| [">", "|", "&&", "-o"].contains(w));
            let shipped = words
                .iter()
                .any(|w| w.starts_with("fixtures/") || w.starts_with("rubrics/"));
            if writes || !shipped {
                continue;
            }
            let words: Vec<&str> = (words.iter())
                .map(|&w| if w == "2000" { "20" } else { w })
                .collect();
            jury().current_dir(repo("")).args(&words).assert().success();
            ran += 1;
        }
    }
    assert!(ran >= 8, "only {ran} examples ran");
}
