//! `report.html` and `summary.json` in the bundle, and `jury report DIR`: drawn again byte for
//! byte, refused on a folder that is not a bundle, escaped, self-contained, and saying what
//! the other reports say. (The page in a real browser: `browser.rs`.)

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::util::{jury, repo, score_into, stdout_of, Dir};

const EXAMPLE: &str = "fixtures/ineli-balkans-2016";

fn example(tmp: &Dir, args: &[&str]) -> PathBuf {
    let out = tmp.join("bundle");
    score_into(&repo(EXAMPLE), &out, args);
    out
}

#[test]
fn jury_report_draws_the_same_bytes_the_bundle_was_written_with() {
    let tmp = Dir::empty();
    let out = example(&tmp, &["--bootstrap", "50"]);
    let written = fs::read(out.join("report.html")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    jury().arg("report").arg(&out).assert().success();
    assert_eq!(fs::read(out.join("report.html")).unwrap(), written);
    // Nothing else was left behind (the page is written beside, then renamed).
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "jurors.csv",
            "manifest.json",
            "ranking.csv",
            "reliability.csv",
            "report.html",
            "scores.csv",
            "summary.json",
            "warnings.csv"
        ]
    );
}

#[test]
fn jury_report_refuses_a_folder_that_is_not_a_bundle_and_writes_nothing() {
    let tmp = Dir::empty();
    // The award folder itself: no manifest.
    let award = tmp.join("award");
    fs::create_dir(&award).unwrap();
    fs::copy(repo(EXAMPLE).join("scores.csv"), award.join("scores.csv")).unwrap();
    let out = jury().arg("report").arg(&award).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(stderr.contains("jury score --out"), "{stderr}");
    assert!(!award.join("report.html").exists());
    // A bundle without summary.json (as bundles before it had) names that file.
    let old = example(&tmp, &[]);
    fs::remove_file(old.join("summary.json")).unwrap();
    fs::remove_file(old.join("report.html")).unwrap();
    let out = jury().arg("report").arg(&old).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("summary.json"), "{stderr}");
    assert!(!old.join("report.html").exists());
    // A file, not a folder.
    let file = repo("README.md");
    let out = jury().arg("report").arg(&file).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("not a folder"), "{stderr}");
}

#[test]
fn the_bundle_summary_lists_each_methods_winners_as_compare_finds_them() {
    let tmp = Dir::empty();
    let out = example(&tmp, &[]);
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["schema"], "jury.score/1");
    // `jury compare` scores every method from scratch: an independent path to the same
    // winners (the bundle reuses the award's own outcome for its method).
    let compare: Value = serde_json::from_str(&stdout_of(
        jury()
            .arg("compare")
            .arg(repo(EXAMPLE))
            .args(["--format", "json"]),
    ))
    .unwrap();
    let methods = summary["methods"].as_array().unwrap();
    let names: Vec<&str> = methods
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    let compared: Vec<&str> = compare["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        // The bundle lists bayes only when it is the award's own method (its sampler would
        // cost every bundle seconds on a large award); the example's method is affine.
        .filter(|&m| m != "bayes")
        .collect();
    assert_eq!(names, compared);
    for m in methods {
        let method = m["method"].as_str().unwrap();
        let mut want: Vec<&str> = compare["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["winners"][method] == "yes")
            .map(|p| p["proposal"].as_str().unwrap())
            .collect();
        let mut got: Vec<&str> = m["winners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "{method}");
        assert_eq!(m["chosen"] == true, method == "affine", "{method}");
    }
    let chosen = methods.iter().find(|m| m["chosen"] == true).unwrap();
    assert_eq!(chosen["winners"], summary["winners"]);
}

#[test]
fn the_page_names_the_winners_of_ranking_csv_in_order_and_fetches_nothing() {
    let tmp = Dir::empty();
    let out = example(&tmp, &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let ranking = fs::read_to_string(out.join("ranking.csv")).unwrap();
    let winners: Vec<&str> = ranking
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(4) == Some("yes"))
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(winners.len(), 5);
    let list = &html[html.find("<ol class=\"winners\">").unwrap()..];
    let list = &list[..list.find("</ol>").unwrap()];
    let listed: Vec<&str> = list
        .split("<strong>")
        .skip(1)
        .map(|s| &s[..s.find("</strong>").unwrap()])
        .collect();
    assert_eq!(listed, winners);
    assert!(!html.contains("<script"));
    // The only address in the page is SVG's namespace, which is a name, never fetched.
    let addresses = html.matches("http://").count() + html.matches("https://").count();
    let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(addresses, namespaces);
    assert_eq!(namespaces, 4);
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn text_from_the_inputs_is_shown_as_text_never_run() {
    let d = Dir::award(
        "[award]\nname = \"<b>Award</b> & co\"\nwinners = 1\n[ranking]\nmin_reviews = 1",
        "juror,proposal,innovation,impact\nJ1,P1,5,4\nJ1,P2,3,3\nJ2,P1,4,4\nJ2,P2,2,3\n",
    );
    d.write(
        "proposals.csv",
        "id,title\nP1,<script>alert(1)</script>\nP2,\"Tom & Jerry's \"\"club\"\"\"\n",
    );
    let out = d.join("out");
    score_into(d.path(), &out, &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<h1>&lt;b&gt;Award&lt;/b&gt; &amp; co</h1>"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &quot;club&quot;"));
}

#[test]
fn a_page_left_half_written_by_a_killed_jury_report_does_not_keep_the_bundle_from_being_replaced() {
    // `jury report` writes `.report-*.html.tmp` and renames it; a kill in between leaves it.
    let tmp = Dir::empty();
    let out = example(&tmp, &[]);
    fs::write(out.join(".report-x1Yz.html.tmp"), "<!DOCTYPE html>").unwrap();
    score_into(&repo(EXAMPLE), &out, &[]);
    assert!(!out.join(".report-x1Yz.html.tmp").exists());
    // Any other stray file still keeps the folder from being replaced.
    fs::write(out.join("notes.html.tmp"), "mine").unwrap();
    jury()
        .arg("score")
        .arg(repo(EXAMPLE))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert!(out.join("notes.html.tmp").exists());
}

#[test]
fn tied_winning_places_are_shown_as_tied_not_as_no_proposal_eligible() {
    // One winning place, P1 and P2 tied after the only tie-break rule (both read by both
    // jurors, the same total 2 × 4 + 3 = 11 from each, the same number of reviews).
    // Found by a review: the page said "none is eligible" above an empty list.
    let d = Dir::award(
        "[award]\nwinners = 1\n[ranking]\nmin_reviews = 1\ntie_break = [\"reviews\"]",
        "juror,proposal,innovation,impact\nJ1,P1,4,3\nJ1,P2,4,3\nJ2,P1,4,3\nJ2,P2,4,3\n",
    );
    let out = d.join("out");
    score_into(d.path(), &out, &["--method", "none"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("No proposal wins: none is eligible"),
        "{html}"
    );
    assert!(!html.contains("<ol class=\"winners\">"), "{html}");
    assert!(
        html.contains("Tied for the last winning places after every tie-break rule: P1, P2."),
        "{html}"
    );
    assert!(html.contains("no proposal wins outright"), "{html}");
}

#[test]
fn bayes_without_the_bootstrap_claims_nothing_about_leaving_a_juror_out() {
    // `bayes` gives p_winner from its posterior without --bootstrap, but makes no run without
    // a juror: jurors.csv has no changes_winners column (it said "no" for every juror), and
    // the page neither says that leaving a juror out changes nothing nor calls the draws
    // bootstrap replicates.
    let tmp = Dir::empty();
    let out = example(&tmp, &["--method", "bayes"]);
    let jurors = fs::read_to_string(out.join("jurors.csv")).unwrap();
    assert!(!jurors.lines().next().unwrap().contains("changes_winners"));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("Leaving out any one juror"), "{html}");
    assert!(!html.contains("bootstrap replicates"), "{html}");
    assert!(html.contains("posterior draws"), "{html}");
}

#[test]
fn ids_are_shown_as_given_not_as_the_csv_reports_make_them_spreadsheet_safe() {
    // jurors.csv writes the juror `@J1` as `'@J1` (a spreadsheet would run `@…`); the page,
    // drawn from jurors.csv, shows `@J1` as summary.json has it (found by a review).
    let d = Dir::award(
        "[award]\nwinners = 1\n[ranking]\nmin_reviews = 1",
        "juror,proposal,innovation,impact\n@J1,P1,5,4\n@J1,P2,3,3\nJ2,P1,4,4\nJ2,P2,2,3\n",
    );
    let out = d.join("out");
    score_into(d.path(), &out, &[]);
    assert!(fs::read_to_string(out.join("jurors.csv"))
        .unwrap()
        .contains("\n'@J1,"));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<td>@J1</td>"), "{html}");
    assert!(!html.contains("'@J1"), "{html}");
}
