//! Scoring, end to end, on small awards whose numbers are worked out by hand in comments.

use crate::util::{jury, repo, stdout_of, Dir};

/// `jury score DIR --format csv ARGS...`, returning ranking.csv's lines.
fn ranking(d: &Dir, args: &[&str]) -> Vec<String> {
    let assert = d
        .jury(&["score", "--format", "csv"])
        .args(args)
        .assert()
        .success();
    String::from_utf8(assert.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn stderr(d: &Dir, args: &[&str]) -> String {
    let assert = d.jury(&["score"]).args(args).assert().success();
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

const HEADER: &str =
    "rank,proposal,title,total,winner,eligible,reviews,innovation,impact,spread,note";

#[test]
fn raw_means_weighted_totals_and_ranks_by_hand() {
    // Weights: innovation 2, impact 1.
    // P1: innovation (5+4)/2 = 4.5, impact (3+4)/2 = 3.5 → total 2×4.5 + 3.5 = 12.5
    // P2: innovation (3+4)/2 = 3.5, impact (4+2)/2 = 3   → total 10
    // P3: innovation 2, impact 5 (one review)            → total 9
    // spread of P1 = (2 × sd{5,4} + 1 × sd{3,4}) / 3 = (2×0.5 + 0.5)/3 = 0.5;
    // of P2 = (2 × sd{3,4} + 1 × sd{4,2}) / 3 = (2×0.5 + 1)/3 = 0.666667
    // Review totals (2 × innovation + impact): P1 13 and 12, P2 10 and 10: within 30% of the
    // total's scale (0.3 × 12 = 3.6), so no proposal needs another reader.
    let d = Dir::award(
        "[award]\nwinners = 2\n[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\nJ1,P1,5,3\nJ1,P2,3,4\nJ2,P1,4,4\nJ2,P2,4,2\nJ3,P3,2,5\n",
    );
    assert_eq!(
        ranking(&d, &[]),
        vec![
            HEADER,
            "1,P1,,12.5,yes,yes,2,4.5,3.5,0.5,",
            "2,P2,,10,yes,yes,2,3.5,3,0.666667,",
            "3,P3,,9,no,yes,1,2,5,0,",
        ]
    );
}

#[test]
fn zscore_corrects_a_harsh_juror_by_hand() {
    // One juror gives 5 and 3, another 2 and 1 to the same two proposals: each juror's
    // z-scores are +1 and −1. Pooled scores 5, 3, 2, 1: mean 2.75, population sd √2.1875.
    // P1 = 2.75 + √2.1875 = 4.229020 on each criterion; total 3 × 4.229020 = 12.687060.
    // P2 = 2.75 − √2.1875 = 1.270980; total 3.812940.
    // Corrected, both jurors' reviews of a proposal agree exactly: no reader is needed. Raw,
    // P1's review totals are 3 × 5 = 15 and 3 × 2 = 6: 9 apart, more than 0.3 × 12 = 3.6.
    let d = Dir::award(
        "[normalization]\nmethod = 'zscore'\n",
        "juror,proposal,innovation,impact\nJ1,P1,5,5\nJ1,P2,3,3\nJ2,P1,2,2\nJ2,P2,1,1\n",
    );
    let lines = ranking(&d, &[]);
    assert_eq!(lines[1], "1,P1,,12.68706,yes,yes,2,4.22902,4.22902,0,");
    assert_eq!(lines[2], "2,P2,,3.81294,yes,yes,2,1.27098,1.27098,0,");
    // The flag overrides the file: without correction the totals are raw means.
    let raw = ranking(&d, &["--method", "none"]);
    assert_eq!(
        raw[1],
        "1,P1,,10.5,yes,yes,2,3.5,3.5,1.5,\"needs another reader: its reviews' corrected totals differ by 9 (from 6 to 15), more than 3.6 (30% of the total's scale of 12)\""
    );
}

#[test]
fn median_and_trimmed_aggregates_by_hand() {
    // P1 on both criteria: 1, 2, 5, 5 → mean 3.25, median 3.5, trimmed (drop 1 and 5) 3.5.
    // P2: 4, 4, 4 → 4 under every aggregate.
    let scores = "juror,proposal,innovation,impact\n\
                  J1,P1,1,1\nJ2,P1,2,2\nJ3,P1,5,5\nJ4,P1,5,5\nJ1,P2,4,4\nJ2,P2,4,4\nJ3,P2,4,4\n";
    let d = Dir::award("[normalization]\nmethod = 'none'\n", scores);
    let total_of_p1 = |args: &[&str]| -> String {
        let lines = ranking(&d, args);
        let row = lines.iter().find(|l| l.contains(",P1,")).unwrap().clone();
        row.split(',').nth(3).unwrap().to_string()
    };
    assert_eq!(total_of_p1(&[]), "9.75");
    assert_eq!(total_of_p1(&["--aggregate", "median"]), "10.5");
    assert_eq!(total_of_p1(&["--aggregate", "trimmed"]), "10.5");
    // Trimming P2's three scores by one at each end leaves the middle one.
    assert!(stderr(&d, &["--aggregate", "trimmed", "--trim", "2"])
        .contains("proposal P2 has 3 valid scores on criterion innovation, too few to trim"));
}

#[test]
fn conflicts_never_count_and_are_marked_in_the_audit() {
    // J2 is from RS like P1 (same-country rule); J3 declared a conflict on P2.
    // P1 counts only J1 (5, 5); P2 counts only J1 (2, 2).
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n[conflicts]\nsame = ['country']\n",
        "juror,proposal,innovation,impact\nJ1,P1,5,5\nJ2,P1,1,1\nJ1,P2,2,2\nJ3,P2,5,5\n",
    );
    d.write("proposals.csv", "id,title,country\nP1,One,RS\nP2,Two,BG\n");
    d.write(
        "jurors.csv",
        "id,name,country\nJ1,Ana,MK\nJ2,Ben,RS\nJ3,Cem,TR\n",
    );
    d.write(
        "conflicts.csv",
        "juror,proposal,reason\nJ3,P2,advised the applicant\n",
    );
    let lines = ranking(&d, &[]);
    assert!(
        lines[1].starts_with("1,P1,One,15,yes,yes,1,5,5,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2,P2,Two,6,yes,yes,1,2,2,"),
        "{}",
        lines[2]
    );
    crate::util::jury()
        .arg("score")
        .arg(d.path())
        .arg("--out")
        .arg(d.join("out"))
        .assert()
        .success();
    let audit = d.read("out/scores.csv");
    assert!(
        audit.contains("J2,P1,innovation,1,1,,conflict,same country (RS)\n"),
        "{audit}"
    );
    assert!(
        audit.contains("J3,P2,impact,5,1,,conflict,declared conflict: advised the applicant\n"),
        "{audit}"
    );
    assert!(audit.contains("J1,P1,innovation,5,1,5,used,\n"), "{audit}");
}

#[test]
fn a_blank_cell_is_missing_never_zero() {
    // J2 left P1's impact blank: P1's impact is J1's 4 alone, not (4 + 0)/2.
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P1,4,\n",
    );
    let lines = ranking(&d, &[]);
    assert!(
        lines[1].starts_with("1,P1,,12,yes,yes,2,4,4,"),
        "{}",
        lines[1]
    );
    assert!(stderr(&d, &[]).contains("1 score left blank"));
}

#[test]
fn thresholds_pass_total_and_min_reviews_decide_eligibility() {
    let d = Dir::empty();
    d.write(
        "award.toml",
        "[normalization]\nmethod = 'none'\n[ranking]\nmin_reviews = 2\n\
         [rubric]\nscale = { min = 0, max = 5, step = 0.5 }\npass_total = 7\n\
         [[rubric.criterion]]\nid = 'excellence'\nweight = 1\nthreshold = 3\n\
         [[rubric.criterion]]\nid = 'impact'\nweight = 1.5\nthreshold = 3\n",
    );
    // P1: 4 and 4 → eligible. P2: excellence 2.5 < 3. P3: 3.5 + 3 = 6.5 < 7. P4: one review.
    d.write(
        "scores.csv",
        "juror,proposal,excellence,impact\n\
         J1,P1,4,4\nJ2,P1,4,4\nJ1,P2,2.5,5\nJ2,P2,2.5,5\nJ1,P3,3.5,3\nJ2,P3,3.5,3\nJ1,P4,5,5\n",
    );
    let lines = ranking(&d, &[]);
    assert!(lines[1].starts_with("1,P1,,10,yes,yes,2,"));
    let reason = |id: &str| {
        lines
            .iter()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap()
            .clone()
    };
    assert!(reason("P2").ends_with("not eligible: excellence 2.5 below its threshold 3"));
    assert!(reason("P3").ends_with("not eligible: unweighted sum 6.5 below pass_total 7"));
    // The note has a comma, so the CSV quotes it.
    assert!(reason("P4").ends_with("\"not eligible: 1 valid review, fewer than min_reviews = 2\""));
    assert!(
        reason("P2").starts_with(",P2,,10,no,no,2,"),
        "ineligible: no rank, not a winner"
    );
}

#[test]
fn a_cap_passes_over_a_proposal_and_says_why() {
    // Totals P1 15 > P2 12 > P3 9; P1 and P2 share a country capped at 1 winner.
    let d = Dir::award(
        "[award]\nwinners = 2\n[normalization]\nmethod = 'none'\n[ranking]\nmax_per = { country = 1 }\n",
        "juror,proposal,innovation,impact\nJ1,P1,5,5\nJ1,P2,4,4\nJ1,P3,3,3\n",
    );
    d.write(
        "proposals.csv",
        "id,title,country\nP1,One,RS\nP2,Two,RS\nP3,Three,BG\n",
    );
    let lines = ranking(&d, &[]);
    assert!(lines[1].starts_with("1,P1,One,15,yes,"));
    assert!(lines[2].starts_with("2,P2,Two,12,no,"));
    assert!(
        lines[2].ends_with("RS,passed over: 1 winner already from country RS (max_per)"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("3,P3,Three,9,yes,"));
}

#[test]
fn ties_are_broken_by_the_declared_chain_and_recorded() {
    // P1 (innovation 4, impact 4) and P2 (innovation 5, impact 2) both total 12;
    // criterion:innovation decides for P2.
    let d = Dir::award(
        "[award]\nwinners = 1\n[normalization]\nmethod = 'none'\n[ranking]\ntie_break = ['criterion:innovation']\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ1,P2,5,2\n",
    );
    let lines = ranking(&d, &[]);
    assert_eq!(
        lines[1],
        "1,P2,,12,yes,yes,1,5,2,0,tie on total with P1 broken by criterion:innovation"
    );
    assert_eq!(
        lines[2],
        "2,P1,,12,no,yes,1,4,4,0,tie on total with P2 broken by criterion:innovation"
    );
    assert!(stderr(&d, &[]).contains(
        "the last winning place went to P2 over P1 by the tie-break rule criterion:innovation"
    ));
}

#[test]
fn a_tie_across_the_last_winning_place_is_loud_and_names_no_winner_among_equals() {
    let d = Dir::award(
        "[award]\nwinners = 2\n[normalization]\nmethod = 'none'\n[ranking]\ntie_break = []\n",
        "juror,proposal,innovation,impact\nJ1,P1,5,5\nJ1,P2,4,4\nJ1,P3,4,4\n",
    );
    let lines = ranking(&d, &[]);
    assert!(lines[1].starts_with("1,P1,,15,yes,"));
    assert!(lines[2].starts_with("2,P2,,12,tied,"), "{}", lines[2]);
    assert!(lines[3].starts_with("2,P3,,12,tied,"), "{}", lines[3]);
    assert!(stderr(&d, &[]).contains("WARNING: TIE AT THE CUT: P2, P3"));
}

#[test]
fn the_shipped_example_names_five_winners_under_its_caps() {
    let assert = crate::util::jury()
        .args(["score", "--format", "json"])
        .arg(repo("fixtures/ineli-balkans-2016"))
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let winners = doc["winners"].as_array().unwrap();
    assert_eq!(winners.len(), 5);
    assert_eq!(doc["ranking"].as_array().unwrap().len(), 40);
    // P09 loses a reader to the same-country rule and falls under min_reviews = 3.
    let p09 = doc["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["proposal"] == "P09")
        .unwrap();
    assert_eq!(p09["eligible"], false);
}

#[test]
fn control_characters_in_titles_never_reach_the_terminal_but_stay_in_the_reports() {
    // A title that sets the terminal's title, rings its bell and paints it red, and one with
    // a line break (Alt+Enter in a spreadsheet cell).
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ1,P2,3,3\n",
    );
    d.write(
        "proposals.csv",
        "id,title\nP1,\"Evil\u{1b}]0;pwned\u{7} \u{1b}[31mred\"\nP2,\"Two\nlines\"\n",
    );
    let table = stdout_of(d.jury(&["score"]).arg("--out").arg(d.join("out")));
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "{table:?}"
    );
    assert!(
        table.contains("Evil\u{FFFD}]0;pwned\u{FFFD} \u{FFFD}[31mred"),
        "{table}"
    );
    assert!(table.contains("Two lines"), "{table}");
    let ranking = d.read("out/ranking.csv");
    assert!(ranking.contains("\"Two\nlines\""), "{ranking}");
    assert!(
        ranking.contains("Evil\u{1b}]0;pwned\u{7} \u{1b}[31mred"),
        "{ranking}"
    );
}

#[test]
fn settings_changed_in_code_that_name_no_attribute_are_warned_of_not_dropped_unseen() {
    // Found in review: a cap on "Category" (the column is `category`) passed
    // Settings::validate and then capped nothing, naming other winners without a word.
    let mut award = jury::load(repo("fixtures/ineli-balkans-2016")).unwrap();
    award.settings_mut().max_per = [("Category".to_string(), 1)].into();
    award.settings_mut().conflicts_same = vec!["Country".into()];
    let outcome = jury::score(&award);
    let unknown: Vec<String> = outcome
        .warnings()
        .iter()
        .filter(|w| w.kind() == "unknown_attribute")
        .map(|w| w.to_string())
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert!(unknown[0].starts_with("max_per names the attribute 'Category'"));
    assert!(unknown[1].starts_with("conflicts_same names the attribute 'Country'"));
    // Named as the column is, the cap applies and no such warning is given.
    award.settings_mut().max_per = [("category".to_string(), 1)].into();
    award.settings_mut().conflicts_same = vec!["country".into()];
    let outcome = jury::score(&award);
    assert!(outcome
        .warnings()
        .iter()
        .all(|w| w.kind() != "unknown_attribute"));
}

#[test]
fn the_rubric_briefing_shows_weights_as_shares() {
    let out = stdout_of(
        crate::util::jury()
            .arg("rubric")
            .arg(repo("rubrics/horizon-europe-ia.toml")),
    );
    // Weights 1, 1.5, 1: impact has 1.5 / 3.5 = 42.9% of the total.
    assert!(out.contains("42.9%"), "{out}");
    assert!(out.contains("28.6%"), "{out}");
    assert!(out.contains("0–5 (step 0.5)"), "{out}");
}

#[test]
fn the_rubric_briefing_shows_no_control_characters_and_keeps_its_lines() {
    // Found in review: a shared rubric file could clear the terminal of whoever reads it.
    let d = Dir::empty();
    d.write(
        "r.toml",
        r#"[rubric]
name = "R\u001b[31mred"
scale = { min = 1, max = 5, step = 1 }
[[rubric.criterion]]
id = "a"
name = "crit\u001b[2Jname"
weight = 1
description = "first line\nsecond \u001b]0;title\u0007 line"
levels = { 1 = "low\u001b[5m" }
"#,
    );
    let out = stdout_of(crate::util::jury().arg("rubric").arg(d.join("r.toml")));
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(
        out.contains("R\u{FFFD}[31mred") && out.contains("crit\u{FFFD}[2Jname"),
        "{out}"
    );
    assert!(
        out.contains("first line") && out.contains("low\u{FFFD}[5m"),
        "{out}"
    );
}

#[test]
fn a_split_design_is_reported_plainly_with_its_parts() {
    // J1 and J2 read only P1 and P2; J3 reads only P3: two parts that share no juror.
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P1,3,3\nJ1,P2,2,2\nJ2,P2,5,5\nJ3,P3,4,4\n",
    );
    let err = stderr(&d, &[]);
    assert!(
        err.contains("WARNING: SPLIT DESIGN: the jurors and proposals fall into 2 parts")
            && err.contains(
                "Its parts, largest first: part 1 (2 jurors: J1, J2; 2 proposals: P1, P2), part 2 (1 juror: J3; 1 proposal: P3)."
            ),
        "{err}"
    );
    assert!(
        err.contains("proposal P3 has a single valid review"),
        "{err}"
    );
}

/// Four parts, in the order of their lowest juror (the roster sorts ids):
/// part 1: ana, ben read P1 and P2 (4 members); part 2: cy reads P3 (2);
/// part 3: dee, eve, fay, gus, hal, ida read P4 (7); part 4: jo reads P5, P6, P7 (4).
const SPLIT: &str = "juror,proposal,innovation,impact\n\
    ana,P1,4,4\nben,P1,3,3\nana,P2,2,2\nben,P2,5,5\n\
    cy,P3,4,4\n\
    dee,P4,1,2\neve,P4,2,3\nfay,P4,3,4\ngus,P4,4,5\nhal,P4,5,1\nida,P4,1,1\n\
    jo,P5,2,2\njo,P6,3,3\njo,P7,4,4\n";

/// The sentence for [`SPLIT`]: the 3 largest parts by members, part 3 (7), then parts 1 and
/// 4 (4 each, in part order); part 2 is left to warnings.csv; at most 5 ids of a kind.
const SPLIT_SENTENCE: &str = "SPLIT DESIGN: the jurors and proposals fall into 4 parts that share no juror, so totals are comparable only within a part (and fitted methods estimate juror effects only within a part); add readers who cross the parts. The 3 largest: part 3 (6 jurors: dee, eve, fay, gus, hal and 1 more; 1 proposal: P4), part 1 (2 jurors: ana, ben; 2 proposals: P1, P2), part 4 (1 juror: jo; 3 proposals: P5, P6, P7). Every part is listed in warnings.csv, one 'split_design_part' row each";

#[test]
fn a_split_design_is_summarised_on_stderr_and_in_json_with_its_largest_parts() {
    let d = Dir::award("[normalization]\nmethod = 'none'\n", SPLIT);
    let err = stderr(&d, &[]);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("SPLIT DESIGN")).collect();
    assert_eq!(lines, vec![format!("WARNING: {SPLIT_SENTENCE}")], "{err}");
    let json = stdout_of(&mut d.jury(&["score", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let split: Vec<&serde_json::Value> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "split_design")
        .collect();
    assert_eq!(split.len(), 1, "{json}");
    assert_eq!(split[0]["message"], SPLIT_SENTENCE);
}

#[test]
fn warnings_csv_lists_every_part_of_a_split_design_after_its_summary() {
    let d = Dir::award("[normalization]\nmethod = 'none'\n", SPLIT);
    d.jury(&["score"])
        .arg("--out")
        .arg(d.join("out"))
        .assert()
        .success();
    let csv = d.read("out/warnings.csv");
    let lines: Vec<&str> = csv.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("split_design,"))
        .expect(&csv);
    assert_eq!(
        lines[at..at + 5],
        [
            format!("split_design,\"{SPLIT_SENTENCE}\"").as_str(),
            "split_design_part,\"part 1 of 4: jurors ana, ben; proposals P1, P2\"",
            "split_design_part,part 2 of 4: jurors cy; proposals P3",
            "split_design_part,\"part 3 of 4: jurors dee, eve, fay, gus, hal, ida; proposals P4\"",
            "split_design_part,\"part 4 of 4: jurors jo; proposals P5, P6, P7\"",
        ],
        "{csv}"
    );
    assert_eq!(csv.matches("split_design_part,").count(), 4, "{csv}");
}

#[test]
fn compare_lists_every_method_and_the_winners_that_hold_under_all() {
    let out = stdout_of(
        crate::util::jury()
            .args(["compare", "--format", "csv"])
            .arg(repo("fixtures/ineli-balkans-2016")),
    );
    let header = out.lines().next().unwrap();
    let methods = [
        "none", "zscore", "ratio", "minmax", "rank", "additive", "affine", "bayes",
    ];
    for m in methods {
        assert!(header.contains(&format!("{m}_rank,{m}_winner")), "{header}");
    }
    assert!(header.ends_with(",robust_winner"));
    // A robust winner is a winner in every method's column.
    for line in out.lines().skip(1).filter(|l| l.ends_with(",yes")) {
        assert_eq!(
            line.matches(",yes,").count() + 1,
            methods.len() + 1,
            "{line}"
        );
    }
}

#[test]
fn reliability_writes_its_csv_and_reads_each_criterion() {
    let d = Dir::empty();
    let out = d.join("rel");
    let stdout = stdout_of(
        crate::util::jury()
            .arg("reliability")
            .arg(repo("fixtures/ineli-balkans-2016"))
            .arg("--out")
            .arg(&out),
    );
    assert!(stdout.contains("  innovation: α = "), "{stdout}");
    let csv = std::fs::read_to_string(out.join("reliability.csv")).unwrap();
    assert!(csv.starts_with("criterion,statistic,value,ci_lower,ci_upper,test,df1,df2,p\n"));
    // The example is incomplete (3–5 readers of 9): alpha and one-way ICC, no Kendall's W.
    assert!(csv.contains("\ntotal,krippendorff_alpha_interval,"));
    assert!(csv.contains("\ninnovation,icc1_1,"));
    assert!(!csv.contains("kendall_w"));
}

/// Rows of the terminal ranking table (lines that start a table row, less the header).
fn table_rows(out: &str) -> usize {
    out.lines().filter(|l| l.starts_with('│')).count() - 1
}

#[test]
fn a_long_ranking_is_cut_in_the_terminal_after_100_rows_or_the_last_winner() {
    let mut scores = String::from("juror,proposal,criterion,score\n");
    for p in 0..130 {
        scores += &format!("J1,P{p:03},innovation,{}\n", 1 + p % 5);
        scores += &format!("J1,P{p:03},impact,{}\n", 1 + p / 5 % 5);
    }
    let d = Dir::award("[award]\nname = \"long\"", &scores);
    let out = stdout_of(&mut d.jury(&["score"]));
    assert_eq!(table_rows(&out), 100, "{out}");
    assert!(out.contains("… and 30 more proposals; the whole ranking: --format csv"));
    // Winners are never cut: 110 winners show 110 rows.
    let out = stdout_of(&mut d.jury(&["score", "--winners", "110"]));
    assert_eq!(table_rows(&out), 110, "{out}");
    assert!(out.contains("… and 20 more proposals"));
    // With the bundle asked for, the hint names its file.
    let bundle = d.path().join("bundle");
    let out = stdout_of(d.jury(&["score"]).arg("--out").arg(&bundle));
    let file = bundle.join("ranking.csv");
    assert!(
        out.contains(&format!(
            "… and 30 more proposals; the whole ranking: {}",
            file.display()
        )),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 131);
    // The CSV on stdout keeps every row (and its header).
    let out = stdout_of(&mut d.jury(&["score", "--format", "csv"]));
    assert_eq!(out.lines().count(), 131);
}

#[test]
fn the_shipped_example_shows_its_whole_ranking_in_the_terminal() {
    let out = stdout_of(
        crate::util::jury()
            .arg("score")
            .arg(repo("fixtures/ineli-balkans-2016")),
    );
    assert_eq!(table_rows(&out), 40, "{out}");
    assert!(!out.contains("more proposals"));
}

#[test]
fn compare_cuts_a_long_table_but_keeps_the_winners_of_every_method() {
    // A lenient juror (scores 3–5) reads 110 proposals, a harsh one (1–2) the other 20. Under
    // `none` (the chosen method) the harsh juror's proposals are the last 20 rows: their
    // totals are at most 2·2 + 2 = 6, below the lenient juror's least, 2·3 + 3 = 9. Methods
    // that correct for leniency name some of them winners.
    let mut scores = String::from("juror,proposal,criterion,score\n");
    for p in 0..130 {
        let (j, a, b) = if p < 20 {
            ("J1", 1 + p % 2, 1 + p / 2 % 2)
        } else {
            ("J2", 3 + p % 3, 3 + p / 3 % 3)
        };
        scores += &format!("{j},P{p:03},innovation,{a}\n{j},P{p:03},impact,{b}\n");
    }
    let settings = "[award]\nname = \"panels\"\n[normalization]\nmethod = \"none\"";
    let d = Dir::award(settings, &scores);
    // Every rank, in the table's order, from the CSV.
    let csv = stdout_of(&mut d.jury(&["compare", "--format", "csv"]));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 130);
    let harsh = |id: &str| id[1..].parse::<usize>().unwrap() < 20;
    assert!(rows[110..].iter().all(|r| harsh(r[0])));
    let wins = |r: &Vec<&str>| r.iter().any(|c| *c == "yes" || *c == "tied");
    let late: Vec<&str> = rows[100..]
        .iter()
        .filter(|r| wins(r))
        .map(|r| r[0])
        .collect();
    assert!(
        !late.is_empty(),
        "some method names a harsh juror's proposal a winner"
    );
    // The table: the first 100 rows, then every later winner under some method.
    let table = stdout_of(&mut d.jury(&["compare"]));
    let ids: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with('│'))
        .skip(1)
        .map(|l| l.trim_start_matches('│').split('┆').next().unwrap().trim())
        .collect();
    let want: Vec<&str> = rows[..100]
        .iter()
        .map(|r| r[0])
        .chain(late.clone())
        .collect();
    assert_eq!(ids, want);
    let rest = 130 - 100 - late.len();
    assert!(table.contains(&format!(
        "… and {rest} more proposals that no method names a winner"
    )));
}

#[test]
fn criterion_ids_match_in_any_letter_case_in_any_script() {
    // Found by a review: a wide-form header spelt exactly as a rubric id with a capital
    // letter outside ASCII (Иновативност, Énergie) was refused, as both an unknown column
    // and a missing criterion; long form took it.
    let d = Dir::empty();
    d.write(
        "award.toml",
        "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
         [[rubric.criterion]]\nid = 'Иновативност'\nweight = 1\n\
         [[rubric.criterion]]\nid = 'Énergie'\nweight = 1\n",
    );
    d.write(
        "scores.csv",
        "juror,proposal,Иновативност,énergie\nJ1,P1,4,3\nJ2,P1,2,5\n",
    );
    let out = stdout_of(jury().arg("score").arg(d.path()).args(["--format", "csv"]));
    assert!(out.contains("\n1,P1,,7,yes,yes,2,3,4,"), "{out}");
    // A word-final capital sigma lowers to ς in a word and to σ alone (found on a last read).
    d.write(
        "award.toml",
        "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
         [[rubric.criterion]]\nid = 'ΑΝΤΙΚΤΥΠΟΣ'\nweight = 1\n",
    );
    d.write("scores.csv", "juror,proposal,ΑΝΤΙΚΤΥΠΟΣ\nJ1,P1,4\n");
    jury().arg("validate").arg(d.path()).assert().success();
    d.write(
        "scores.csv",
        "juror,proposal,criterion,score\nJ1,P1,Αντικτυπος,4\n",
    );
    jury().arg("validate").arg(d.path()).assert().success();
    // Two ids that differ only in case, in any script, are one criterion given twice.
    d.write(
        "award.toml",
        "[rubric]\nscale = { min = 1, max = 5 }\n\
         [[rubric.criterion]]\nid = 'Énergie'\nweight = 1\n\
         [[rubric.criterion]]\nid = 'éNERGIE'\nweight = 1\n",
    );
    let err = jury().arg("validate").arg(d.path()).assert().code(2);
    let err = String::from_utf8(err.get_output().stderr.clone()).unwrap();
    assert!(err.contains("the criterion id is given twice"), "{err}");
}

#[test]
fn attribute_values_match_in_any_letter_case_for_caps_and_conflicts() {
    // Found by a review: `RS` and `rs` were two countries, so a cap of one per country let
    // both win, and a juror of `Rs` judged both without a conflict, unseen.
    let d = Dir::award(
        "[award]\nwinners = 2\n[normalization]\nmethod = 'none'\n\
         [ranking]\nmax_per = { country = 1 }\n[conflicts]\nsame = ['country']\n",
        "juror,proposal,innovation,impact\n\
         J1,P1,5,5\nJ1,P2,5,4\nJ1,P3,3,3\nJ2,P1,5,5\nJ2,P2,5,4\nJ2,P3,3,3\nJ3,P1,4,4\n",
    );
    d.write(
        "proposals.csv",
        "id,title,country\nP1,One,RS\nP2,Two,rs\nP3,Three,BG\n",
    );
    d.write(
        "jurors.csv",
        "id,name,country\nJ1,Ana,Rs\nJ2,Ben,BG\nJ3,Cem,TR\n",
    );
    let out = stdout_of(jury().arg("score").arg(d.path()).args(["--format", "csv"]));
    let rows: Vec<&str> = out.lines().skip(1).collect();
    // J1 (Rs) conflicts with P1 (RS) and P2 (rs); J2 (BG) with P3. P1: J2 5,5 and J3 4,4:
    // 2 × 4.5 + 4.5 = 13.5; P2: J2 alone, 2 × 5 + 4 = 14; P3: J1 alone, 9.
    assert!(rows[0].starts_with("1,P2,Two,14,yes,yes,1,"), "{out}");
    assert!(rows[1].starts_with("2,P1,One,13.5,no,yes,2,"), "{out}");
    assert!(
        rows[1].contains("passed over: 1 winner already from country RS (max_per)"),
        "{out}"
    );
    assert!(rows[2].starts_with("3,P3,Three,9,yes,yes,1,"), "{out}");
}

#[test]
fn a_long_form_review_without_a_row_for_a_criterion_is_said_as_a_blank_cell_is() {
    // Found by a review: the wide form's blank cell was a warning, the long form's absent
    // row nothing at all. J1 on P1 has no row for impact; J2 on P2 none for innovation.
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,criterion,score\n\
         J1,P1,innovation,4\nJ2,P1,innovation,5\nJ2,P1,impact,4\n\
         J1,P2,innovation,2\nJ1,P2,impact,2\nJ2,P2,impact,3\n",
    );
    let out = jury().arg("score").arg(d.path()).assert().success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("2 reviews give no row for some criterion (the first: juror J1 on proposal P1, no row for impact)"),
        "{err}"
    );
    // Every review whole: nothing said.
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,3\nJ2,P1,2,5\n",
    );
    let out = jury().arg("score").arg(d.path()).assert().success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("no row for"), "{err}");
}
