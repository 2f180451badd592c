//! `jury simulate`: folders that validate and score, byte for byte reproducible, with the
//! design and the truth the options ask for.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use jury::advanced::fit::{components, Observation};
use jury::simulate::{simulate, write_folder, SimulationOptions};
use jury::Scale;

use crate::util::{jury, Dir};

const FILES: [&str; 6] = [
    "award.toml",
    "scores.csv",
    "proposals.csv",
    "jurors.csv",
    "truth.csv",
    "jurors_truth.csv",
];

/// `jury simulate --out DIR ARGS...`, expected to succeed.
fn simulated(dir: &Path, args: &[&str]) {
    jury()
        .arg("simulate")
        .arg("--out")
        .arg(dir)
        .args(args)
        .assert()
        .success();
}

/// The rows of a CSV file after its header, split into cells.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    let split = |l: &str| l.split(',').map(String::from).collect();
    text.lines().skip(1).map(split).collect()
}

#[test]
fn the_folder_validates_and_scores() {
    let tmp = Dir::empty();
    let award = tmp.join("award");
    let args = [
        "--seed",
        "9",
        "--proposals",
        "30",
        "--jurors",
        "8",
        "--reviews",
        "3",
    ];
    simulated(&award, &args);
    let out = jury().arg("validate").arg(&award).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // 30 proposals × 3 reads × 5 criteria = 450 scores.
    assert!(
        stdout.contains("(30 proposals, 8 jurors, 450 scores"),
        "{stdout}"
    );
    let out = jury()
        .args(["score", "--format", "csv"])
        .arg(&award)
        .assert()
        .success();
    let ranking = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(ranking.lines().count(), 1 + 30);
    let loaded = jury::load(&award).unwrap();
    assert_eq!(loaded.settings().winners, 5);
    assert_eq!(loaded.rubric().criteria.len(), 5);
}

#[test]
fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let tmp = Dir::empty();
    let (a, b, c) = (tmp.join("a"), tmp.join("b"), tmp.join("c"));
    simulated(&a, &["--seed", "42", "--noise", "0.8", "--batches", "1"]);
    simulated(&b, &["--seed", "42", "--noise", "0.8", "--batches", "1"]);
    simulated(&c, &["--seed", "43", "--noise", "0.8", "--batches", "1"]);
    for name in FILES {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap()
        );
    }
    let scores = |d: &Path| fs::read(d.join("scores.csv")).unwrap();
    assert_ne!(scores(&a), scores(&c));
    let toml = fs::read_to_string(a.join("award.toml")).unwrap();
    assert!(toml.contains("batch_strength = 1,") && toml.contains("noise_sd = 0.8"));
}

#[test]
fn every_proposal_gets_the_requested_reviews_each_by_a_different_juror() {
    let tmp = Dir::empty();
    let award = tmp.join("award");
    simulated(&award, &["--seed", "5", "--jurors", "20", "--reviews", "3"]);
    let mut readers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let reviews = rows(&award.join("scores.csv"));
    for row in &reviews {
        let fresh = readers
            .entry(row[1].clone())
            .or_default()
            .insert(row[0].clone());
        assert!(fresh, "{} reviews {} twice", row[0], row[1]);
    }
    assert_eq!(readers.len(), 60);
    assert!(readers.values().all(|r| r.len() == 3));
    // Every juror of jurors.csv reads something.
    let readers_of_any: BTreeSet<&String> = reviews.iter().map(|r| &r[0]).collect();
    assert_eq!(readers_of_any.len(), 20);
}

#[test]
fn the_design_is_connected() {
    let tmp = Dir::empty();
    for seed in ["1", "2", "3"] {
        let award = tmp.join(seed);
        simulated(
            &award,
            &["--seed", seed, "--jurors", "20", "--reviews", "3"],
        );
        let loaded = jury::load(&award).unwrap();
        let obs: Vec<Observation> = (loaded.scores().iter())
            .map(|s| Observation::new(s.juror().index() as u32, s.proposal().index() as u32, 0.0))
            .collect();
        let c = components(loaded.jurors().len(), loaded.proposals().len(), &obs);
        assert_eq!(c.count, 1, "seed {seed}");
    }
}

#[test]
fn a_folder_that_holds_anything_is_refused_and_left_alone() {
    let tmp = Dir::empty();
    tmp.write("busy/notes.txt", "mine");
    let busy = tmp.join("busy");
    let out = jury()
        .arg("simulate")
        .arg("--out")
        .arg(&busy)
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("not an empty folder"), "{stderr}");
    assert_eq!(fs::read_dir(&busy).unwrap().count(), 1);
    assert_eq!(tmp.read("busy/notes.txt"), "mine");
}

/// `jury simulate --out DIR ARGS...` expected to exit 2 and write nothing; returns stderr.
fn refused_simulation(args: &[&str]) -> String {
    let tmp = Dir::empty();
    let award = tmp.join("award");
    let out = jury()
        .arg("simulate")
        .arg("--out")
        .arg(&award)
        .args(args)
        .assert()
        .code(2);
    assert!(!award.exists(), "a refused simulation must write nothing");
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn impossible_options_are_refused_with_exit_2_and_nothing_written() {
    let stderr = refused_simulation(&["--jurors", "3", "--reviews", "4"]);
    assert!(
        stderr.contains("'reviews'") && stderr.contains("from 1 to 3"),
        "{stderr}"
    );
}

#[test]
fn more_criteria_than_a_rubric_can_have_are_refused_with_exit_2() {
    // jury::advanced::limits::MAX_CRITERIA is 256; the review's `--criteria 257` passed the option check and
    // then panicked building the rubric.
    let stderr = refused_simulation(&["--criteria", "257"]);
    assert!(
        stderr.contains("'criteria'")
            && stderr.contains("\"257\"")
            && stderr.contains("from 1 to 256"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn counts_past_memory_and_spreads_past_finite_sums_are_refused_at_once() {
    // Found in review: 4,000,000,000 proposals aborted allocating 32 GB, and a leniency of
    // 1e308 made infinite, then NaN, scores and panicked.
    for (args, column, value) in [
        (
            &["--proposals", "4000000000"][..],
            "'proposals'",
            "\"4000000000\"",
        ),
        (
            &["--proposals", "100000000", "--reviews", "12"],
            "'proposals'",
            "scores",
        ),
        (&["--leniency", "1e308"], "'leniency_sd'", "\"1e308\""),
    ] {
        let stderr = refused_simulation(args);
        assert!(
            stderr.contains(column) && stderr.contains(value),
            "{stderr}"
        );
    }
}

#[test]
fn an_award_of_one_juror_or_two_can_be_simulated() {
    // Found in review: three panels were asked of one juror, with no flag to ask fewer.
    for args in [
        &["--jurors", "1", "--reviews", "1"][..],
        &["--jurors", "2", "--reviews", "2"],
    ] {
        let tmp = Dir::empty();
        let award = tmp.join("award");
        jury()
            .arg("simulate")
            .arg("--out")
            .arg(&award)
            .args(args)
            .assert()
            .success();
        jury().arg("validate").arg(&award).assert().success();
    }
}

#[test]
fn an_unbiased_noiseless_jury_ranks_by_true_total_without_correction() {
    // Midpoint 0 on a wide scale without a step: no juror shifts or stretches, nothing is
    // clamped, and each score is its true value rounded to 6 decimals (within 5e-7). A
    // proposal's total is then within 5 × 5e-7 of its true total, so two proposals can only
    // swap if their true totals are closer than 5e-6, which the assertion below rules out.
    let sim = simulate(&SimulationOptions {
        scale: Scale {
            min: -100.0,
            max: 100.0,
            step: None,
        },
        leniency_sd: 0.0,
        spread_sd: 0.0,
        noise_sd: 0.0,
        seed: 2016,
        ..SimulationOptions::default()
    })
    .unwrap();
    let mut totals = sim.truth.totals.clone();
    totals.sort_by(f64::total_cmp);
    assert!(totals.windows(2).all(|w| w[1] - w[0] > 5e-6));
    let tmp = Dir::empty();
    let award = tmp.join("award");
    write_folder(&sim, &award).unwrap();
    let out = jury()
        .args(["score", "--method", "none", "--format", "csv"])
        .arg(&award)
        .assert()
        .success();
    let ranking = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let ranked: Vec<&str> = (ranking.lines().skip(1))
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    // truth.csv gives each proposal's true rank.
    let mut truth: Vec<(usize, String)> = rows(&award.join("truth.csv"))
        .into_iter()
        .map(|r| (r.last().unwrap().parse().unwrap(), r[0].clone()))
        .collect();
    truth.sort();
    let by_truth: Vec<&str> = truth.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(ranked, by_truth);
}
