//! The audit bundle: golden files for the shipped example, spreadsheet safety, atomicity and
//! reproducibility.

use std::fs;
use std::path::Path;

use crate::util::{jury, repo, score_into, stdout_of, Dir};

const BUNDLE: [&str; 8] = [
    "ranking.csv",
    "scores.csv",
    "jurors.csv",
    "warnings.csv",
    "reliability.csv",
    "summary.json",
    "manifest.json",
    "report.html",
];

/// The example's reports are compared with the committed golden files (a regression guard:
/// the numbers themselves are checked by hand in `scoring.rs` and the unit tests). To accept
/// an intended change, rerun with `JURY_BLESS=1` and review the diff.
#[test]
fn the_example_bundle_matches_the_golden_files() {
    let tmp = Dir::empty();
    let out = tmp.join("bundle");
    score_into(&repo("fixtures/ineli-balkans-2016"), &out, &[]);
    let golden = repo("tests/golden/ineli-balkans-2016");
    for name in [
        "ranking.csv",
        "scores.csv",
        "jurors.csv",
        "warnings.csv",
        "reliability.csv",
        "summary.json",
    ] {
        let got = fs::read_to_string(out.join(name)).unwrap();
        if std::env::var_os("JURY_BLESS").is_some() {
            fs::create_dir_all(&golden).unwrap();
            fs::write(golden.join(name), &got).unwrap();
            continue;
        }
        let want = fs::read_to_string(golden.join(name)).unwrap();
        assert!(
            got == want,
            "{name} differs from tests/golden (JURY_BLESS=1 to accept)"
        );
    }
}

#[test]
fn the_manifest_records_version_settings_seed_and_input_hashes() {
    let tmp = Dir::empty();
    let out = tmp.join("bundle");
    let award = repo("fixtures/ineli-balkans-2016");
    score_into(&award, &out, &["--seed", "7"]);
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["tool"], "jury");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["seed"], 7);
    assert_eq!(m["settings"]["winners"], 5);
    let inputs = m["inputs"].as_array().unwrap();
    let scores = inputs.iter().find(|i| i["path"] == "scores.csv").unwrap();
    assert_eq!(
        scores["sha256"],
        jury::advanced::files::sha256(&award.join("scores.csv")).unwrap()
    );
    assert!(inputs
        .iter()
        .any(|i| i["path"] == "../../rubrics/ineli-balkans.toml"));
    let ranking = m["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "ranking.csv")
        .unwrap();
    assert_eq!(
        ranking["sha256"],
        jury::advanced::files::sha256(&out.join("ranking.csv")).unwrap()
    );
}

#[test]
fn the_same_inputs_and_seed_give_the_same_bytes() {
    let tmp = Dir::empty();
    let award = repo("fixtures/ineli-balkans-2016");
    score_into(&award, &tmp.join("a"), &[]);
    score_into(&award, &tmp.join("b"), &[]);
    for name in BUNDLE {
        assert_eq!(
            fs::read(tmp.join("a").join(name)).unwrap(),
            fs::read(tmp.join("b").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers() {
    let d = Dir::empty();
    d.write(
        "award.toml",
        "[normalization]\nmethod = 'none'\n[rubric]\nscale = { min = -2, max = 2 }\n\
         [[rubric.criterion]]\nid = 'q'\nweight = 1\n",
    );
    d.write(
        "scores.csv",
        "juror,proposal,q\n@J1,=P1,-1.5\n+J2,=P1,-0.5\n",
    );
    d.write(
        "proposals.csv",
        "id,title\n=P1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n",
    );
    d.write("jurors.csv", "id,name\n@J1,-Ana\n+J2,Ben\n");
    score_into(d.path(), &d.join("out"), &[]);
    let ranking = d.read("out/ranking.csv");
    assert!(
        ranking.contains("1,'=P1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1,"),
        "{ranking}"
    );
    let scores = d.read("out/scores.csv");
    assert!(scores.contains("'@J1,'=P1,q,-1.5,1,-1.5,used,"), "{scores}");
    let jurors = d.read("out/jurors.csv");
    assert!(jurors.contains("'@J1,'-Ana,"), "{jurors}");
    assert!(jurors.contains("'+J2,Ben,"), "{jurors}");
}

#[test]
fn a_refused_run_leaves_an_existing_bundle_untouched() {
    let tmp = Dir::empty();
    let out = tmp.join("bundle");
    score_into(&repo("fixtures/ineli-balkans-2016"), &out, &[]);
    let before = fs::read(out.join("ranking.csv")).unwrap();
    let bad = Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,9,9\n");
    jury()
        .arg("score")
        .arg(bad.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(fs::read(out.join("ranking.csv")).unwrap(), before);
}

#[test]
fn a_new_bundle_replaces_an_old_one_whole_never_a_mix() {
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\n",
    );
    let out = d.join("out");
    score_into(d.path(), &out, &[]);
    let fresh = fs::read(out.join("ranking.csv")).unwrap();
    // An older bundle: other numbers, and no reliability.csv yet.
    fs::write(out.join("ranking.csv"), "from an older run").unwrap();
    fs::remove_file(out.join("reliability.csv")).unwrap();
    score_into(d.path(), &out, &[]);
    for name in BUNDLE {
        assert!(out.join(name).is_file(), "{name}");
    }
    assert_eq!(fs::read(out.join("ranking.csv")).unwrap(), fresh);
    let leftovers: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jury-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_folder_that_is_not_all_a_bundle_is_never_replaced() {
    // Found by a review: any folder with a file named manifest.json (a browser extension's,
    // say) was taken for a bundle and replaced whole, its other files lost; so were files
    // a user had put in a bundle's folder.
    let d = Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,4,4\n");
    let out = d.join("out");
    score_into(d.path(), &out, &[]);
    // What Finder or Explorer leave in a folder they showed is no reason to keep it (found
    // on a last read).
    fs::write(out.join(".DS_Store"), "finder").unwrap();
    fs::write(out.join("Thumbs.db"), "explorer").unwrap();
    score_into(d.path(), &out, &[]);
    assert!(!out.join(".DS_Store").exists() && out.join("ranking.csv").is_file());
    fs::write(out.join("notes.txt"), "the chair's notes").unwrap();
    let (_, err) = out_refused(&d, &out);
    assert!(
        err.contains("it holds 'notes.txt', which no bundle has"),
        "{err}"
    );
    assert!(out.join("notes.txt").is_file() && out.join("ranking.csv").is_file());
    let ext = d.join("extension");
    fs::create_dir(&ext).unwrap();
    fs::write(ext.join("manifest.json"), r#"{"manifest_version": 3}"#).unwrap();
    let (_, err) = out_refused(&d, &ext);
    assert!(
        err.contains("its manifest.json is not one jury wrote"),
        "{err}"
    );
    fs::write(ext.join("background.js"), "precious").unwrap();
    let (_, err) = out_refused(&d, &ext);
    assert!(err.contains("it holds 'background.js'"), "{err}");
    assert_eq!(
        fs::read_to_string(ext.join("background.js")).unwrap(),
        "precious"
    );
}

/// `jury score DIR --out OUT`, expected to fail with exit 1 (the output cannot be written);
/// returns stdout and stderr.
fn out_refused(d: &Dir, out: &Path) -> (String, String) {
    let assert = jury()
        .arg("score")
        .arg(d.path())
        .arg("--out")
        .arg(out)
        .assert()
        .code(1);
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    (
        text(&assert.get_output().stdout),
        text(&assert.get_output().stderr),
    )
}

#[test]
fn a_folder_that_is_not_a_bundle_is_never_replaced() {
    let d = Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,4,4\n");
    let out = d.join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.docx"), "precious").unwrap();
    let (_, err) = out_refused(&d, &out);
    assert!(err.contains("not a jury report folder"), "{err}");
    assert_eq!(
        fs::read_to_string(out.join("thesis.docx")).unwrap(),
        "precious"
    );
    assert!(!out.join("ranking.csv").exists());
}

#[test]
fn an_out_target_that_cannot_take_a_bundle_is_refused_before_any_ranking_is_printed() {
    // A file where the folder should be: refused at once, not after printing a ranking the
    // run then fails to save.
    let d = Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,4,4\n");
    let out = d.join("ranking.txt");
    fs::write(&out, "mine").unwrap();
    let (printed, err) = out_refused(&d, &out);
    assert!(printed.is_empty());
    assert!(err.contains("is not a folder"), "{err}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "mine");
}

#[test]
fn bayes_reports_are_the_same_bytes_on_one_thread_and_on_two_and_carry_the_posterior() {
    let tmp = Dir::empty();
    let award = repo("fixtures/ineli-balkans-2016");
    let args = ["--method", "bayes"];
    score_into(
        &award,
        &tmp.join("one"),
        &[&args[..], &["--threads", "1"]].concat(),
    );
    score_into(
        &award,
        &tmp.join("two"),
        &[&args[..], &["--threads", "2"]].concat(),
    );
    for name in BUNDLE {
        assert_eq!(
            fs::read(tmp.join("one").join(name)).unwrap(),
            fs::read(tmp.join("two").join(name)).unwrap(),
            "{name}"
        );
    }
    // Without --bootstrap, the posterior's probabilities: each of its 1,200 draws names five
    // winners (five or more proposals are always eligible here), so p_winner sums to 5.
    let ranking = fs::read_to_string(tmp.join("one/ranking.csv")).unwrap();
    let header = ranking.lines().next().unwrap();
    let column = header.split(',').position(|h| h == "p_winner").unwrap();
    let sum: f64 = (ranking.lines().skip(1))
        .map(|l| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes());
            r.records().next().unwrap().unwrap()[column]
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    // Each printed share is rounded to 6 decimals: 40 of them, at most 2·10⁻⁵ off in all.
    assert!((sum - 5.0).abs() < 1e-4, "{sum}");
}

#[test]
fn bootstrap_reports_are_the_same_bytes_on_one_thread_and_on_two() {
    let tmp = Dir::empty();
    let award = repo("fixtures/ineli-balkans-2016");
    let args = ["--bootstrap", "200", "--method", "additive"];
    score_into(
        &award,
        &tmp.join("one"),
        &[&args[..], &["--threads", "1"]].concat(),
    );
    score_into(
        &award,
        &tmp.join("two"),
        &[&args[..], &["--threads", "2"]].concat(),
    );
    for name in BUNDLE {
        assert_eq!(
            fs::read(tmp.join("one").join(name)).unwrap(),
            fs::read(tmp.join("two").join(name)).unwrap(),
            "{name}"
        );
    }
    let ranking = fs::read_to_string(tmp.join("one/ranking.csv")).unwrap();
    let header = ranking.lines().next().unwrap();
    assert!(
        header.contains(",spread,p_winner,rank_lo,rank_hi,total_lo,total_hi,"),
        "{header}"
    );
    // p_winner sums to the number of winners: every replicate names five (the tie-break
    // chain ends in a lottery, and at least five proposals are always eligible here).
    let column = header.split(',').position(|h| h == "p_winner").unwrap();
    let sum: f64 = ranking
        .lines()
        .skip(1)
        .map(|l| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes());
            r.records().next().unwrap().unwrap()[column]
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    assert!(
        (sum - 5.0).abs() < 1e-4,
        "{sum} (each share is written to 6 decimals)"
    );
}

/// `jury reliability AWARD --out OUT`, expected to fail with exit 1 (the output cannot be
/// written, as for `score`); returns stderr.
fn reliability_refused(award: &Path, out: &Path) -> String {
    let assert = jury()
        .arg("reliability")
        .arg(award)
        .arg("--out")
        .arg(out)
        .assert()
        .code(1);
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// The names of the entries of a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The names and bytes of every file in a folder of files, sorted.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let read = |name: String| {
        let bytes = fs::read(dir.join(&name)).unwrap();
        (name, bytes)
    };
    names(dir).into_iter().map(read).collect()
}

#[test]
fn reliability_never_writes_into_the_award_folder() {
    // As `score --out` refuses it (docs/reports.md); the review found reliability.csv written
    // among the inputs with exit 0.
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P1,3,5\n",
    );
    let before = contents(d.path());
    let err = reliability_refused(d.path(), d.path());
    assert!(err.contains("award folder"), "{err}");
    assert_eq!(contents(d.path()), before);
}

#[test]
fn reliability_refuses_a_score_bundle_and_leaves_its_manifest_true() {
    // A bundle's reliability.csv is listed with its digest in manifest.json (docs/reports.md);
    // the review found it overwritten, the manifest no longer matching.
    let tmp = Dir::empty();
    let out = tmp.join("bundle");
    let award = repo("fixtures/ineli-balkans-2016");
    score_into(&award, &out, &[]);
    let before = contents(&out);
    let err = reliability_refused(&award, &out);
    assert!(err.contains("audit bundle"), "{err}");
    assert_eq!(contents(&out), before);
}

#[test]
fn reliability_replaces_its_own_folder_whole_and_refuses_any_other() {
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P1,3,5\n",
    );
    let out = d.join("rel");
    for _ in 0..2 {
        stdout_of(
            jury()
                .arg("reliability")
                .arg(d.path())
                .arg("--out")
                .arg(&out),
        );
        assert_eq!(names(&out), ["reliability.csv"]);
    }
    let leftovers: Vec<String> = (names(d.path()).into_iter())
        .filter(|n| n.starts_with(".jury-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = contents(&out);
    let err = reliability_refused(d.path(), &out);
    assert!(err.contains("holds more than reliability.csv"), "{err}");
    assert_eq!(contents(&out), before);
}

#[test]
fn score_never_replaces_a_bundle_folder_that_holds_the_award() {
    // A folder with a manifest.json is replaced whole; when the award folder is inside it the
    // inputs would go with it.
    let tmp = Dir::empty();
    tmp.write(
        "award/award.toml",
        &format!("[normalization]\nmethod = 'none'\n{}", crate::util::RUBRIC),
    );
    tmp.write(
        "award/scores.csv",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\n",
    );
    tmp.write("manifest.json", "{}");
    let award = tmp.join("award");
    let before = contents(&award);
    let assert = jury()
        .arg("score")
        .arg(&award)
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .code(1);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("award folder or holds it"), "{err}");
    assert_eq!(contents(&award), before);
}

/// The header of a CSV file, split into names.
fn header(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect()
}

/// The cell of `row` (0: the first after the header) under column `name`.
fn cell(text: &str, row: usize, name: &str) -> String {
    let at = header(text).iter().position(|h| h == name).unwrap();
    let line = text.lines().nth(1 + row).unwrap();
    line.split(',').nth(at).unwrap().to_string()
}

#[test]
fn every_column_of_ranking_and_jurors_csv_has_its_own_name() {
    // The review's proposals.csv with `rank` and `proposal_rank` gave ranking.csv two columns
    // named `proposal_rank`. Per docs/reports.md, a name another column has is prefixed until
    // it is unique: `proposal_` (attributes), `criterion_` (criteria), `juror_` (jurors.csv).
    let d = Dir::empty();
    d.write(
        "award.toml",
        "[normalization]\nmethod = 'none'\n[rubric]\nscale = { min = 1, max = 5 }\n\
         [[rubric.criterion]]\nid = 'total'\nweight = 1\n",
    );
    d.write("scores.csv", "juror,proposal,total\nJ1,P1,4\n");
    d.write(
        "proposals.csv",
        "id,title,rank,proposal_rank,criterion_total,note\nP1,One,a,b,c,d\n",
    );
    d.write("jurors.csv", "id,name,scores,juror_scores\nJ1,Ana,e,f\n");
    let out = d.join("out");
    score_into(d.path(), &out, &[]);
    let ranking = fs::read_to_string(out.join("ranking.csv")).unwrap();
    // Attributes come sorted by name.
    let want = [
        "rank",
        "proposal",
        "title",
        "total",
        "winner",
        "eligible",
        "reviews",
        "criterion_total",
        "spread",
        "proposal_criterion_total",
        "proposal_note",
        "proposal_rank",
        "proposal_proposal_rank",
        "note",
    ];
    assert_eq!(header(&ranking), want);
    assert_eq!(cell(&ranking, 0, "criterion_total"), "4");
    assert_eq!(cell(&ranking, 0, "total"), "4");
    assert_eq!(cell(&ranking, 0, "proposal_proposal_rank"), "a");
    assert_eq!(cell(&ranking, 0, "proposal_rank"), "b");
    assert_eq!(cell(&ranking, 0, "proposal_criterion_total"), "c");
    assert_eq!(cell(&ranking, 0, "proposal_note"), "d");
    let jurors = fs::read_to_string(out.join("jurors.csv")).unwrap();
    let names = header(&jurors);
    assert_eq!(
        names[..4],
        ["juror", "name", "juror_scores", "juror_juror_scores"]
    );
    assert_eq!(cell(&jurors, 0, "juror_juror_scores"), "e");
    assert_eq!(cell(&jurors, 0, "juror_scores"), "f");
    assert_eq!(cell(&jurors, 0, "scores"), "1");
    for (file, names) in [("ranking.csv", header(&ranking)), ("jurors.csv", names)] {
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{file}: {names:?}");
    }
}

#[test]
fn an_out_folder_under_a_file_or_behind_a_link_is_refused_before_scoring() {
    // Found in review: `--out file/sub` failed only after scoring, with "Not a directory";
    // and a link to a bundle was replaced by a folder, the bundle it pointed to left old.
    let tmp = Dir::empty();
    tmp.write("afile", "");
    let example = repo("fixtures/ineli-balkans-2016");
    for command in ["score", "reliability"] {
        let out = jury()
            .arg(command)
            .arg(&example)
            .arg("--out")
            .arg(tmp.join("afile/sub"))
            .assert()
            .code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("is a file, not a folder"), "{stderr}");
        // Refused before anything is printed.
        assert!(out.get_output().stdout.is_empty());
    }
    #[cfg(unix)]
    {
        let bundle = tmp.join("bundle");
        score_into(&example, &bundle, &[]);
        std::os::unix::fs::symlink(&bundle, tmp.join("link")).unwrap();
        let out = jury()
            .arg("score")
            .arg(&example)
            .arg("--out")
            .arg(tmp.join("link"))
            .assert()
            .code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("symbolic link"), "{stderr}");
        assert!(fs::symlink_metadata(tmp.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        // With a trailing slash too (it looked through the link, scored, printed the ranking,
        // then failed with "Not a directory").
        for command in ["score", "reliability"] {
            let out = jury()
                .arg(command)
                .arg(&example)
                .arg("--out")
                .arg(format!("{}/", tmp.join("link").display()))
                .assert()
                .code(1);
            let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
            assert!(stderr.contains("symbolic link"), "{command}: {stderr}");
            assert!(out.get_output().stdout.is_empty(), "{command}");
        }
        assert!(fs::symlink_metadata(tmp.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

/// The marker a run puts in each folder it makes beside `--out` (see src/report/bundle.rs).
fn marker(target: &str) -> String {
    format!("jury swap folder\npid 4194999\ntarget \"{target}\"\n")
}

#[test]
fn a_later_run_removes_what_an_interrupted_one_left_and_nothing_else() {
    let tmp = Dir::empty();
    let example = repo("fixtures/ineli-balkans-2016");
    let out = tmp.join("bundle");
    score_into(&example, &out, &[]);
    // A killed run's staging folder (half written) and old folder (after the swap), marked
    // for this target; one marked for another target; one unmarked; one with a foreign marker.
    tmp.write(".jury-staging-AAAA/.jury-swap", &marker("bundle"));
    tmp.write(".jury-staging-AAAA/bundle/ranking.csv", "half");
    tmp.write(".jury-old-BBBB/.jury-swap", &marker("bundle"));
    tmp.write(".jury-old-BBBB/bundle/manifest.json", "{}");
    tmp.write(".jury-staging-CCCC/.jury-swap", &marker("other"));
    tmp.write(".jury-staging-DDDD/notes.txt", "mine");
    tmp.write(".jury-old-EEEE/.jury-swap", "not jury's\n");
    score_into(&example, &out, &[]);
    let mut left: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".jury-old-EEEE",
            ".jury-staging-CCCC",
            ".jury-staging-DDDD",
            "bundle"
        ]
    );
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn a_run_killed_between_the_renames_is_recovered_by_the_next() {
    // The state a kill after `--out` was moved aside leaves: no `bundle`, the old bundle in
    // `.jury-old-*/bundle`, the complete new one in `.jury-staging-*/bundle`.
    let tmp = Dir::empty();
    let example = repo("fixtures/ineli-balkans-2016");
    let out = tmp.join("bundle");
    score_into(&example, &out, &[]);
    let old = tmp.join(".jury-old-KILL");
    fs::create_dir(&old).unwrap();
    tmp.write(".jury-old-KILL/.jury-swap", &marker("bundle"));
    fs::rename(&out, old.join("bundle")).unwrap();
    tmp.write(".jury-staging-KILL/.jury-swap", &marker("bundle"));
    tmp.write(".jury-staging-KILL/bundle/ranking.csv", "new");
    // A command that does not write: nothing is touched.
    jury().arg("score").arg(&example).assert().success();
    assert!(!out.exists());
    // `reliability --out` refuses it as the bundle it is, and puts nothing back either.
    jury()
        .arg("reliability")
        .arg(&example)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists() && old.join("bundle/manifest.json").is_file());
    // The next `score --out` puts the old bundle back (and says so), then replaces it.
    let run = jury()
        .arg("score")
        .arg(&example)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("an interrupted run had moved"), "{stderr}");
    assert!(out.join("manifest.json").is_file());
    let names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["bundle"]);
}
