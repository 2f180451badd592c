//! Every command's `--format json` against docs/json.md: it parses, names its schema, and has
//! the fields the document lists, no more and no fewer.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::{jury, repo, stdout_of, Dir};

const EXAMPLE: &str = "fixtures/ineli-balkans-2016";

/// The fields the first table (or the `nth`) of docs/json.md's section on `command` lists.
fn documented(command: &str, nth: usize) -> BTreeSet<String> {
    let doc = std::fs::read_to_string(repo("docs/json.md")).unwrap();
    let heading = format!("## `jury {command} --format json`");
    let section = doc
        .split("\n## ")
        .find(|s| format!("## {s}").starts_with(&heading));
    let section = section.unwrap_or_else(|| panic!("docs/json.md has no section {heading}"));
    let tables: Vec<Vec<&str>> = section
        .split("\n\n")
        .filter(|block| block.starts_with("| field |"))
        .map(|block| block.lines().skip(2).collect())
        .collect();
    tables[nth]
        .iter()
        .map(|row| row.split('`').nth(1).unwrap().to_string())
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// `jury COMMAND EXAMPLE ARGS --format json`, parsed.
fn json_of(command: &str, args: &[&str]) -> (String, Value) {
    let text = stdout_of(
        jury()
            .arg(command)
            .arg(repo(EXAMPLE))
            .args(args)
            .args(["--format", "json"]),
    );
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{command}: {e}"));
    (text, v)
}

#[test]
fn score_json_has_its_documented_fields_and_values_in_rubric_order() {
    let (text, v) = json_of("score", &["--bootstrap", "20"]);
    assert!(
        text.starts_with("{\n  \"schema\": \"jury.score/1\","),
        "{text}"
    );
    // Every documented field but `methods`, which only the bundle's copy has.
    let mut fields = documented("score", 0);
    assert!(fields.remove("methods"));
    assert_eq!(keys(&v), fields);
    // How decided the cut is, as the terminal says it (the example's cut is P33 over P34).
    assert_eq!(v["cut"]["last_winner"], "P33");
    assert_eq!(v["cut"]["runner_up"], "P34");
    assert_eq!(v["replicates"], 20);
    let rows = v["ranking"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    // p_winner and the intervals are there with --bootstrap; every documented field is.
    assert_eq!(keys(&rows[0]), documented("score", 1));
    let award = jury::load(repo(EXAMPLE)).unwrap();
    let criteria: Vec<&str> = award
        .rubric()
        .criteria
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let first_values = &text[text.find("\"values\": {").unwrap()..];
    let first_values = &first_values[..first_values.find('}').unwrap()];
    let at: Vec<usize> = (criteria.iter())
        .map(|c| first_values.find(&format!("\"{c}\":")).unwrap())
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "not in rubric order: {first_values}"
    );
    assert_eq!(criteria.len(), 6);
}

#[test]
fn compare_json_has_its_documented_fields() {
    let (_, v) = json_of("compare", &[]);
    assert_eq!(v["schema"], "jury.compare/1");
    assert_eq!(keys(&v), documented("compare", 0));
    let methods: Vec<&str> = (v["methods"].as_array().unwrap().iter())
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        ["none", "zscore", "ratio", "minmax", "rank", "additive", "affine", "bayes"]
    );
    let row = &v["proposals"][0];
    let want = ["proposal", "title", "ranks", "winners", "robust_winner"];
    assert_eq!(keys(row), want.iter().map(|s| s.to_string()).collect());
    let ranked: Vec<&String> = row["ranks"].as_object().unwrap().keys().collect();
    assert_eq!(ranked.len(), 8);
    assert_eq!(row["ranks"]["affine"], 1);
    assert_eq!(row["winners"]["affine"], "yes");
    for w in v["robust_winners"].as_array().unwrap() {
        let p = (v["proposals"].as_array().unwrap().iter()).find(|r| &r["proposal"] == w);
        assert_eq!(p.unwrap()["robust_winner"], true);
    }
}

#[test]
fn jurors_json_has_its_documented_fields() {
    let (_, v) = json_of("jurors", &[]);
    assert_eq!(v["schema"], "jury.jurors/1");
    assert_eq!(keys(&v), documented("jurors", 0));
    let jurors = v["jurors"].as_array().unwrap();
    assert_eq!(jurors.len(), 9);
    let want = [
        "juror",
        "name",
        "scores",
        "conflicts",
        "missing",
        "mean",
        "spread",
        "leniency",
        "scale",
        "agreement",
        "home",
        "flags",
    ];
    assert_eq!(
        keys(&jurors[0]),
        want.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(jurors[0]["juror"], "J01");
    assert!(jurors[0]["leniency"].is_f64());
    for r in v["needs_reader"].as_array().unwrap() {
        assert_eq!(
            keys(r),
            ["proposal", "reason", "title"].map(String::from).into()
        );
    }
}

#[test]
fn reliability_json_has_its_documented_fields() {
    let (_, v) = json_of("reliability", &[]);
    assert_eq!(v["schema"], "jury.reliability/1");
    assert_eq!(keys(&v), documented("reliability", 0));
    let stats = v["statistics"].as_array().unwrap();
    let want = ["criterion", "statistic", "value", "interval", "test"];
    for s in stats {
        assert_eq!(keys(s), want.iter().map(|s| s.to_string()).collect());
    }
    assert_eq!(stats[0]["criterion"], "innovation");
    assert!(stats.iter().any(|s| s["criterion"] == "total"));
    let tested = stats
        .iter()
        .find(|s| !s["test"].is_null())
        .expect("a statistic with a test");
    let test = ["df1", "df2", "p", "statistic"].map(String::from).into();
    assert_eq!(keys(&tested["test"]), test);
}

#[test]
fn validate_json_gives_the_counts_or_every_problem() {
    let (_, v) = json_of("validate", &[]);
    assert_eq!(v["schema"], "jury.validate/1");
    assert_eq!(keys(&v), documented("validate", 0));
    assert_eq!(v["valid"], true);
    assert_eq!(v["counts"]["scores"], 930);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0);

    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,9\nJ1,P2,x,3\n",
    );
    let assert = d.jury(&["validate", "--format", "json"]).assert().code(2);
    let v: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(keys(&v), documented("validate", 0));
    assert_eq!(v["valid"], false);
    assert!(v["counts"].is_null());
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{v}");
    let want = ["column", "file", "kind", "line", "message", "value"]
        .map(String::from)
        .into();
    assert_eq!(keys(&problems[0]), want);
    assert_eq!(problems[0]["file"], "scores.csv");
    assert_eq!(problems[0]["line"], 2);
    assert_eq!(problems[0]["column"], "impact");
    assert_eq!(problems[0]["kind"], "OutOfRange");
    assert_eq!(problems[1]["value"], "x");

    let assert = d.jury(&["validate", "--format", "csv"]).assert().code(2);
    let csv = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.starts_with("file,line,column,kind,value,message\nscores.csv,2,impact,OutOfRange,9,")
    );
}

#[test]
fn assign_json_has_its_documented_fields() {
    // Extra reads on the example (its scores are the first round): the picks are filled.
    let (_, v) = json_of("assign", &["--extra", "10"]);
    assert_eq!(v["schema"], "jury.assign/1");
    assert_eq!(keys(&v), documented("assign", 0));
    let picks = v["picks"].as_array().unwrap();
    assert!(!picks.is_empty());
    assert_eq!(keys(&picks[0]), documented("assign", 1));
    // Ten extra reads, each one row of `reads`, all in round 2.
    let reads = v["reads"].as_array().unwrap();
    assert_eq!(reads.len(), 10);
    assert!(reads.iter().all(|r| r["round"] == 2));
}
