//! Juror diagnostics end to end: `jury jurors` and jurors.csv on a small award whose numbers
//! are worked out by hand.

use crate::util::{jury, repo, stdout_of, Dir};

/// Two criteria (innovation, impact) on 1–5, no correction (corrected = raw).
/// J1 (SI) gives 2 everywhere; J2 (RS) favours the two RS proposals; J3 (MK) is ordinary.
///
/// Values (means of three): P1 innovation (2+5+3)/3 = 10/3, impact (2+4+2)/3 = 8/3;
/// P2 innovation (2+4+2)/3 = 8/3, impact (2+5+3)/3 = 10/3; P3 2 and 4/3; P4 4/3 and 2.
fn award() -> Dir {
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\n\
         J1,P1,2,2\nJ1,P2,2,2\nJ1,P3,2,2\nJ1,P4,2,2\n\
         J2,P1,5,4\nJ2,P2,4,5\nJ2,P3,2,1\nJ2,P4,1,2\n\
         J3,P1,3,2\nJ3,P2,2,3\nJ3,P3,2,1\nJ3,P4,1,2\n",
    );
    d.write(
        "jurors.csv",
        "id,name,country\nJ1,Ana,SI\nJ2,Boris,RS\nJ3,Vera,MK\n",
    );
    d.write(
        "proposals.csv",
        "id,title,country\nP1,Maker club,RS\nP2,Boat library,RS\nP3,Podcast,BG\nP4,Archive,BG\n",
    );
    d
}

/// `jury score DIR --out DIR/out`.
fn score_into_out(d: &Dir) {
    jury()
        .arg("score")
        .arg(d.path())
        .arg("--out")
        .arg(d.join("out"))
        .assert()
        .success();
}

/// A text as a CSV cell: quoted when it holds a comma.
fn cell(text: &str) -> String {
    if text.contains(',') {
        format!("\"{text}\"")
    } else {
        text.to_string()
    }
}

const STRAIGHT: &str = "Straight-lining: nearly the same score everywhere; on each of the 2 criteria they scored at least 3 times, the spread (population sd) of their scores is at most 10% of the scale width (widest: 0 on innovation, limit 0.4).";
const HALO: &str = "Halo: the same score on every criterion in 4 of their 4 reviews (100%); flagged from 50% of at least 3 reviews.";
const HOME: &str = "Home bias: on the 4 scores they gave to proposals of their own country (RS), their corrected scores lie on average 1.5 above the proposals' values (37.5% of the scale width); flagged beyond 10% of the scale width with at least 2 scores.";
// Review totals (2 × innovation + impact; method none, so corrected = raw). The total's scale is
// 2 × 4 + 1 × 4 = 12 wide, so the 30% limit is 3.6.
// P1: J1 6, J2 14, J3 8 → range 8 > 3.6. P2: J1 6, J2 13, J3 7 → range 7 > 3.6.
// P3: 6, 5, 5 → 1. P4: 6, 4, 4 → 2. Neither needs another reader.
const P1: &str = "its reviews' corrected totals differ by 8 (from 6 to 14), more than 3.6 (30% of the total's scale of 12)";
const P2: &str = "its reviews' corrected totals differ by 7 (from 6 to 13), more than 3.6 (30% of the total's scale of 12)";

#[test]
fn jurors_csv_has_every_diagnostic_column_worked_by_hand() {
    // J1: eight 2s: mean 2, spread 0; no agreement (no spread); 4 of 4 reviews flat.
    //   Straight-lining (sd 0 ≤ 0.4 on both criteria) and halo (100% ≥ 50%).
    // J2: 5,4,4,5,2,1,1,2: mean 3, spread √(20/8) = 1.581139. Consensus (mean of J1 and J3)
    //   on the same cells: 2.5,2,2,2.5,2,1.5,1.5,2 (mean 2). dx = 2,1,1,2,−1,−2,−2,−1,
    //   dy = .5,0,0,.5,0,−.5,−.5,0: Sxy = 4, Sxx = 20, Syy = 1 → r = 4/√20 = 0.894427.
    //   Home (RS: P1, P2): 5 − 10/3, 4 − 8/3, 4 − 8/3, 5 − 10/3 = 5/3, 4/3, 4/3, 5/3 → mean
    //   1.5, 37.5% of the width 4: home bias.
    // J3: 3,2,2,3,2,1,1,2: mean 2, spread √(4/8) = 0.707107. Consensus (J1 and J2):
    //   3.5,3,3,3.5,2,1.5,1.5,2 (mean 2.5). dx = 1,0,0,1,0,−1,−1,0,
    //   dy = 1,.5,.5,1,−.5,−1,−1,−.5: Sxy = 4, Sxx = 4, Syy = 5 → r = 4/√20 = 0.894427.
    //   Two agreements make no panel, so nobody can be an outlier.
    // Method none: leniency 0 and scale 1 for everyone.
    let d = award();
    score_into_out(&d);
    let csv = d.read("out/jurors.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        vec![
            "juror,name,country,scores,used,conflicts,missing,mean,spread,leniency,scale,agreement,pairs,reviews,flat_reviews,home_country,home_country_scores,flags,reasons",
            &format!(
                "J1,Ana,SI,8,8,0,0,2,0,0,1,,8,4,4,,0,straight_lining; halo,{}",
                cell(&format!("{STRAIGHT} {HALO}"))
            ),
            &format!(
                "J2,Boris,RS,8,8,0,0,3,1.581139,0,1,0.894427,8,4,0,1.5,4,home_bias,{}",
                cell(HOME)
            ),
            "J3,Vera,MK,8,8,0,0,2,0.707107,0,1,0.894427,8,4,0,,0,,",
        ]
    );
    // Every flag and every proposal that needs another reader is a warning.
    let warnings = d.read("out/warnings.csv");
    for line in [
        format!("straight_lining,{}", cell(&format!("juror J1: {STRAIGHT}"))),
        format!("halo,{}", cell(&format!("juror J1: {HALO}"))),
        format!("home_bias,{}", cell(&format!("juror J2: {HOME}"))),
        format!(
            "needs_another_reader,{}",
            cell(&format!("proposal P1 needs another reader: {P1}"))
        ),
        format!(
            "needs_another_reader,{}",
            cell(&format!("proposal P2 needs another reader: {P2}"))
        ),
    ] {
        assert!(warnings.lines().any(|l| l == line), "{line}\n{warnings}");
    }
    // P3 and P4 differ by 1 at most on each criterion: no note.
    let ranking = d.read("out/ranking.csv");
    assert!(ranking.contains(&format!("needs another reader: {P1}")));
    assert!(ranking.contains(&format!("needs another reader: {P2}")));
    assert_eq!(ranking.matches("needs another reader").count(), 2);
}

#[test]
fn jury_jurors_shows_the_table_the_reasons_and_the_readers_needed() {
    let d = award();
    let out = stdout_of(&mut d.jury(&["jurors"]));
    for want in [
        "3 jurors, 24 scores · method none",
        "agreement",
        "home country",
        "straight_lining; halo",
        "home_bias",
        "0.89",
        "1.50",
        &format!("J1: {STRAIGHT}"),
        &format!("J1: {HALO}"),
        &format!("J2: {HOME}"),
        "Proposals that need another reader: 2 of 4 ([diagnostics] disagreement = 0.3)",
        &format!("P1 (Maker club): {P1}"),
        &format!("P2 (Boat library): {P2}"),
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!out.contains("P3 (Podcast)"), "{out}");
}

#[test]
fn the_disagreement_setting_moves_the_limit_and_is_checked() {
    // At 0.5 the limit is 0.5 × 12 = 6: P1's range of 8 and P2's of 7 are still beyond it.
    let d = award();
    let toml = d.read("award.toml");
    d.write(
        "award.toml",
        &format!("[diagnostics]\ndisagreement = 0.5\n{toml}"),
    );
    let out = stdout_of(&mut d.jury(&["jurors"]));
    assert!(
        out.contains("P1 (Maker club): its reviews' corrected totals differ by 8 (from 6 to 14), more than 6 (50% of the total's scale of 12)\n"),
        "{out}"
    );
    d.write(
        "award.toml",
        &format!("[diagnostics]\ndisagreement = 0\n{toml}"),
    );
    let err = d.refused();
    assert!(err.contains("award.toml:2"), "{err}");
    assert!(err.contains("disagreement"), "{err}");
    let assert = d.jury(&["jurors"]).assert().code(2);
    assert!(assert.get_output().stdout.is_empty());
}

#[test]
fn jury_jurors_takes_a_method_and_runs_on_the_example() {
    let d = award();
    let out = stdout_of(&mut d.jury(&["jurors", "--method", "zscore"]));
    assert!(out.contains("method zscore"), "{out}");
    let out = stdout_of(
        jury()
            .arg("jurors")
            .arg(repo("fixtures/ineli-balkans-2016")),
    );
    assert!(out.contains("9 jurors"), "{out}");
    assert!(out.contains("No juror is flagged."), "{out}");
}

#[test]
fn a_juror_attribute_named_like_a_column_keeps_its_own_column() {
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\n",
    );
    d.write("jurors.csv", "id,flags,mean\nJ1,red,high\n");
    score_into_out(&d);
    let csv = d.read("out/jurors.csv");
    assert!(
        csv.starts_with("juror,name,juror_flags,juror_mean,scores,"),
        "{csv}"
    );
    assert!(csv.contains("J1,,red,high,2,2,"), "{csv}");
}

#[test]
fn leniency_is_what_a_juror_gives_a_proposal_of_the_panels_mean_value_beyond_it() {
    // Found by a review: `leniency` was the fitted bias alone, the raw score at corrected
    // value 0, off the scale, so a juror with a wide spread showed as harsh (J01, unbiased
    // by construction, at -0.55; J09, harsh, at +0.13). Against the example's own truth
    // (jurors_truth.csv, written by its generator): every clearly lenient or harsh juror
    // (|truth| ≥ 0.4) has the right sign and is within 0.3 of it, and the order of the nine
    // is the truth's but for one neighbouring pair (Spearman's rho 1 - 6 × 2 / 720).
    let dir = repo("fixtures/ineli-balkans-2016");
    let award = jury::load(&dir).unwrap();
    let outcome = jury::score(&award);
    let truth = std::fs::read_to_string(dir.join("jurors_truth.csv")).unwrap();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for line in truth.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let j = (0..award.jurors().len())
            .find(|&j| award.jurors().id(j) == cells[0])
            .unwrap();
        let true_leniency: f64 = cells[1].parse().unwrap();
        let got = outcome.diagnostics().jurors[j].leniency.unwrap();
        if true_leniency.abs() >= 0.4 {
            assert_eq!(got.signum(), true_leniency.signum(), "{}: {got}", cells[0]);
            assert!((got - true_leniency).abs() < 0.3, "{}: {got}", cells[0]);
        }
        pairs.push((true_leniency, got));
    }
    let ranks = |key: fn(&(f64, f64)) -> f64| {
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.sort_by(|&a, &b| key(&pairs[a]).total_cmp(&key(&pairs[b])));
        let mut rank = vec![0.0; pairs.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r as f64;
        }
        rank
    };
    let (t, g) = (ranks(|p| p.0), ranks(|p| p.1));
    let d2: f64 = t.iter().zip(&g).map(|(a, b)| (a - b) * (a - b)).sum();
    let n = pairs.len() as f64;
    let rho = 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
    assert!(rho >= 0.98, "rho {rho}");
}
