//! The command line itself: help, short flags, completions, the man page, messages.

use crate::util::{jury, repo, stdout_of};

const COMMANDS: [&str; 7] = [
    "score",
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
