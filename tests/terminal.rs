//! The score summary in a terminal of 80 and 120 columns: the table fits, no number is split,
//! notes are numbered lines below it, and the columns left out are named. Golden files in
//! tests/golden/terminal (`JURY_BLESS=1` accepts an intended change).

use std::fs;

use crate::util::{jury, repo};

/// `jury score` on the example as a terminal of `width` columns shows it.
fn summary(width: usize) -> String {
    let out = jury()
        .args(["score", "fixtures/ineli-balkans-2016"])
        .current_dir(repo(""))
        .env("JURY_COLUMNS", width.to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn check(width: usize) {
    let got = summary(width);
    // Every line of the table fits; the notes and sentences below may be long (a terminal
    // folds text lines, but a folded table is unreadable).
    for line in got.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])) {
        assert!(
            line.chars().count() <= width,
            "{} > {width}: {line}",
            line.chars().count()
        );
    }
    // Every shown total is whole on its line (P23 is first: 467.16).
    assert!(got.contains("┆ 467.16 ┆"), "{got}");
    assert!(got.contains("\n[1] not eligible: 2 valid reviews, fewer than min_reviews = 3\n"));
    assert!(got.contains(&format!("Not shown in {width} columns: ")));
    let golden = repo("tests/golden/terminal").join(format!("score-{width}.txt"));
    if std::env::var_os("JURY_BLESS").is_some() {
        fs::create_dir_all(golden.parent().unwrap()).unwrap();
        fs::write(&golden, &got).unwrap();
    }
    let want = fs::read_to_string(&golden).unwrap();
    assert_eq!(
        got,
        want,
        "{} differs (JURY_BLESS=1 to accept)",
        golden.display()
    );
}

#[test]
fn golden_summary_in_80_columns() {
    check(80);
}

#[test]
fn golden_summary_in_120_columns() {
    check(120);
}

#[test]
fn piped_output_keeps_the_whole_table() {
    let out = jury()
        .args(["score", "fixtures/ineli-balkans-2016"])
        .current_dir(repo(""))
        .env_remove("JURY_COLUMNS")
        .output()
        .unwrap();
    let got = String::from_utf8(out.stdout).unwrap();
    assert!(got.contains("┆ sustainability ┆ note"), "{got}");
    assert!(!got.contains("Not shown in"));
}
