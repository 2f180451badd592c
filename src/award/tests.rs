//! What the builder refuses: everything a folder would be refused for, and a rubric or
//! settings value changed in code past the checks of reading.

use crate::testkit;
use crate::{AwardBuilder, Rubric, Settings};

fn rubric() -> Rubric {
    testkit::criteria(1.0, 5.0, &[("a", 2.0), ("b", 1.0)])
}

/// The problems building one score on `rubric` gives, as text.
fn refused(rubric: Rubric) -> String {
    let b = testkit::builder(rubric, Settings::default(), &[("j", "p", &[3.0])]);
    match b.build() {
        Ok(_) => panic!("built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_rubric_changed_in_code_is_checked_as_one_read_from_toml() {
    // A rubric's fields are public; a weight that is not a positive number would turn the
    // totals to NaN, or silently reverse the ranking.
    for weight in [f64::NAN, 0.0, -2.0, f64::INFINITY] {
        let mut r = rubric();
        r.criteria[1].weight = weight;
        let err = refused(r);
        assert!(err.contains("criteria[1].weight"), "{weight}: {err}");
        assert!(err.contains("positive finite"), "{weight}: {err}");
    }
    let mut r = rubric();
    r.criteria[0].scale.max = r.criteria[0].scale.min;
    assert!(refused(r).contains("criteria[0].scale"));
    let mut r = rubric();
    r.criteria[1].id = "A".into();
    assert!(refused(r).contains("given twice"));
    let mut r = rubric();
    r.criteria[0].threshold = Some(9.0);
    assert!(refused(r).contains("criteria[0].threshold"));
    let mut r = rubric();
    r.criteria[0].levels = vec![(0.0, "none".into())];
    assert!(refused(r).contains("criteria[0].levels"));
    let mut r = rubric();
    r.pass_total = Some(f64::NAN);
    assert!(refused(r).contains("pass_total"));
    let mut r = rubric();
    r.criteria.clear();
    assert!(refused(r).contains("no criteria"));
}

#[test]
fn a_confidence_is_a_weight_from_a_millionth_to_a_million() {
    // Only ratios of confidences matter; a confidence of f64::MAX made totals infinite or
    // NaN, and past ratios of about 10³⁰⁰ the affine fit silently changed.
    for confidence in [f64::MAX, 1e300, 1e-300, 5e-324, 0.0, -1.0, f64::NAN] {
        let mut b = AwardBuilder::new(rubric(), Settings::default());
        b.score_with_confidence("j", "p", "a", Some(3.0), confidence);
        let err = b.build().unwrap_err().to_string();
        assert!(err.contains("column 'confidence'"), "{confidence}: {err}");
    }
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    b.score_with_confidence("j", "p", "a", Some(3.0), 1e6)
        .score_with_confidence("j", "p", "b", Some(3.0), 1e-6);
    assert!(b.build().is_ok());
}

#[test]
fn settings_changed_in_code_are_checked_as_award_toml_is() {
    // A tie-break on a criterion the rubric lacks would silently do nothing; no winners, a
    // cap of 0 and a disagreement share outside (0, 1] mean nothing. Settings given in code
    // are no file's: each problem names the `Settings` field.
    let refused_with = |change: &dyn Fn(&mut Settings)| {
        let mut settings = Settings::default();
        change(&mut settings);
        let b = testkit::builder(rubric(), settings, &[("j", "p", &[3.0, 3.0])]);
        b.build().err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert_eq!(refused_with(&|_| {}), "");
    let err = refused_with(&|s| s.tie_break = vec![crate::TieRule::Criterion("c".into())]);
    assert!(
        err.contains("Settings: column 'tie_break'") && err.contains("'c'"),
        "{err}"
    );
    let err = refused_with(&|s| s.winners = 0);
    assert!(err.contains("Settings: column 'winners'"), "{err}");
    let err = refused_with(&|s| {
        s.max_per.insert("country".into(), 0);
    });
    assert!(
        err.contains("Settings: column 'max_per'") && err.contains("max_per.country must be"),
        "{err}"
    );
    for d in [0.0, -0.1, 1.5, f64::NAN] {
        let err = refused_with(&|s| s.disagreement = d);
        assert!(
            err.contains("Settings: column 'disagreement'"),
            "{d}: {err}"
        );
    }
    let err = refused_with(&|s| s.bootstrap = crate::limits::MAX_BOOTSTRAP + 1);
    assert!(err.contains("Settings: column 'bootstrap'"), "{err}");
    assert!(!err.contains("award.toml"), "{err}");
}

#[test]
fn attributes_that_settings_in_code_name_and_no_list_has_name_the_field() {
    // Not award.toml, which an award built in code does not have.
    let settings = Settings {
        conflicts_same: vec!["country".into()],
        max_per: [("region".to_string(), 1)].into(),
        ..Settings::default()
    };
    let mut b = AwardBuilder::new(rubric(), settings);
    b.proposal("p", "P", &[("country", "RS")])
        .score("j", "p", "a", Some(3.0))
        .score("j", "p", "b", Some(3.0));
    let err = b.build().unwrap_err().to_string();
    for want in [
        "Settings: column 'conflicts_same': value \"country\": conflicts_same names the attribute 'country', but no juror has such an attribute",
        "Settings: column 'max_per': value \"region\": max_per names the attribute 'region', but no proposal has such an attribute",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    // Named in code in another letter case, as a file's columns may be: the same attribute.
    let settings = Settings {
        conflicts_same: vec![" Country".into()],
        max_per: [("COUNTRY".to_string(), 1)].into(),
        ..Settings::default()
    };
    let mut b = AwardBuilder::new(rubric(), settings);
    b.proposal("p", "P", &[("country", "RS")])
        .juror("j", "J", &[("Country", "SI")])
        .score("j", "p", "a", Some(3.0));
    let award = b.build().unwrap();
    assert_eq!(award.settings().conflicts_same, ["country"]);
    assert_eq!(award.settings().max_per.get("country"), Some(&1));
}

/// Builds an award from every (juror, proposal) pair of `jurors` × `proposals` on both
/// criteria, the rows shuffled, each row's confidence telling its key; checks that the
/// scores come out in (criterion, juror, proposal) order, each with its own confidence.
fn scores_sort_with_their_confidence(
    jurors: usize,
    proposals: usize,
    keep: impl Fn(usize, usize) -> bool,
) {
    let mut rows = Vec::new();
    for j in 0..jurors {
        for p in 0..proposals {
            if keep(j, p) {
                for c in ["a", "b"] {
                    rows.push((j, p, c));
                }
            }
        }
    }
    // A seeded shuffle (xorshift, Fisher–Yates).
    let mut x = 0x2016_u64;
    for i in (1..rows.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let confidence = |j: usize, p: usize, c: &str| {
        1.0 + (j * 1000 + p) as f64 / 1e4 + if c == "b" { 0.5 } else { 0.0 }
    };
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    for &(j, p, c) in &rows {
        // Ids sort as numbers: zero-padded.
        b.score_with_confidence(
            &format!("j{j:03}"),
            &format!("p{p:03}"),
            c,
            Some(3.0),
            confidence(j, p, c),
        );
    }
    let award = b.build().unwrap();
    let keys: Vec<(usize, usize, usize)> = award
        .scores()
        .iter()
        .map(|s| (s.criterion_index(), s.juror_index(), s.proposal_index()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), rows.len());
    for (i, s) in award.scores().iter().enumerate() {
        let j: usize = award.jurors().id(s.juror_index())[1..].parse().unwrap();
        let p: usize = award.proposals().id(s.proposal_index())[1..]
            .parse()
            .unwrap();
        let c = &award.rubric().criteria[s.criterion_index()].id;
        assert_eq!(award.weight(i), confidence(j, p, c), "score {i}");
    }
}

#[test]
fn scores_are_dealt_to_their_juror_and_sorted_by_proposal_whatever_the_row_order() {
    // 2 criteria × 7 jurors = 14 buckets for up to 2 × 7 × 60 scores: dealt into buckets.
    scores_sort_with_their_confidence(7, 60, |j, p| (j + p) % 3 != 0);
}

#[test]
fn scores_of_many_jurors_who_read_little_are_sorted_by_comparison() {
    // 2 × 200 buckets for 2 × 200 × 1 scores: more buckets than half the scores.
    scores_sort_with_their_confidence(200, 50, |j, p| p == j % 50);
}

#[test]
fn a_rubric_of_more_criteria_than_a_score_can_hold_is_refused_for_that_alone() {
    // Criterion 256 would wrap to criterion 0 in a score: its score must not show as the
    // same score given twice.
    let mut r = rubric();
    let template = r.criteria[0].clone();
    r.criteria = (0..=crate::limits::MAX_CRITERIA)
        .map(|k| crate::Criterion {
            id: format!("c{k}"),
            ..template.clone()
        })
        .collect();
    let mut b = AwardBuilder::new(r, Settings::default());
    b.score("j", "p", "c0", Some(3.0));
    b.score("j", "p", "c256", Some(4.0));
    let err = b.build().unwrap_err().to_string();
    assert!(err.contains("the rubric has 257 criteria"), "{err}");
    assert!(!err.contains("a second time"), "{err}");
}

#[test]
#[ignore = "holds 16,777,217 jurors: about 5 GB and a few seconds in release mode"]
fn an_award_of_more_jurors_than_a_score_can_hold_is_refused_however_they_came() {
    // Two jurors score, then conflicts name 2²⁴ − 1 more, who sort before them. Each of the
    // first two met the builder below the limit; in the sorted roster "zz" is juror 2²⁴,
    // which a score cannot hold.
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    b.score("zy", "p1", "a", Some(3.0));
    b.score("zz", "p1", "a", Some(4.0));
    for k in 0..crate::limits::MAX_JURORS - 1 {
        b.conflict(&format!("a{k:08}"), "p2", "");
    }
    match b.build() {
        Ok(award) => {
            let jurors: Vec<&str> = (award.scores().iter())
                .map(|s| award.jurors().id(s.juror_index()))
                .collect();
            panic!("built, with the scores of {jurors:?}");
        }
        Err(e) => {
            let err = e.to_string();
            assert!(err.contains("more than 16777216 jurors"), "{err}");
        }
    }
}

#[test]
fn ids_and_attributes_given_in_code_are_taken_as_a_file_gives_them() {
    // A file's cells are trimmed and its headers matched in any letter case: " J1 " and "J1"
    // are one juror, and "Country " names the attribute `country`.
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    b.proposal(" P1 ", "  Title ", &[("Country ", " RS ")]);
    b.score(" J1 ", "P1", "a", Some(3.0));
    b.score("J1", " P1", "b", Some(4.0));
    b.conflict(" J2", "P1 ", "");
    b.score("J2", "P1", "a", Some(2.0));
    let award = b.build().unwrap();
    assert_eq!(award.jurors().len(), 2);
    assert_eq!(award.proposals().id(0), "P1");
    assert_eq!(award.proposals().label(0), "Title");
    assert_eq!(award.proposals().attribute(0, "country"), Some("RS"));
    assert_eq!(award.conflicts().len(), 1);
    // A blank name, a line break in one, and Country beside country are refused: they would
    // make report columns with no name, a broken header, and two columns for one attribute.
    for attributes in [
        &[("", "x")][..],
        &[("a\nb", "x")],
        &[("Country", "RS"), ("country", "RS")],
    ] {
        let mut b = AwardBuilder::new(rubric(), Settings::default());
        b.proposal("P1", "", attributes);
        b.score("J1", "P1", "a", Some(3.0));
        let err = b.build().unwrap_err().to_string();
        assert!(err.contains("column 'attributes'"), "{attributes:?}: {err}");
    }
}

#[test]
fn a_criterion_named_in_code_in_another_letter_case_is_taken_as_a_file_takes_it() {
    // scores.csv takes `A` for criterion `a`; so does the builder.
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    b.score("j", "p", "A", Some(3.0))
        .score("j", "p", "b", Some(4.0));
    let award = b.build().unwrap();
    assert_eq!(award.scores().len(), 2);
    assert_eq!(award.scores()[0].criterion_index(), 0);
}

#[test]
fn a_conflict_declared_twice_is_one_with_every_reason() {
    // The audit keeps every reason given for one pair.
    let mut b = testkit::builder(rubric(), Settings::default(), &[("j", "p", &[3.0])]);
    b.conflict("j", "p", "board member")
        .conflict("j", "p", "co-author")
        .conflict("j", "p", "board member")
        .conflict("j", "p", "");
    let award = b.build().unwrap();
    assert_eq!(award.conflicts().len(), 1);
    assert_eq!(award.conflicts()[0].reason, "board member; co-author");
}

#[test]
#[should_panic(expected = "score_counted takes one count for each score of the award")]
fn counts_that_are_not_one_a_score_are_refused_with_what_is_expected() {
    // Refused at build, not left to fail deep inside the correction.
    let award = testkit::award(
        rubric(),
        Settings::default(),
        &[("j", "p", &[3.0]), ("j", "q", &[4.0])],
    );
    crate::outcome::score_counted(&award, award.settings(), Some(&[1]));
}

#[test]
fn a_score_given_again_is_refused_or_replaces_the_earlier_one_kept_for_the_audit() {
    let scores = |b: &mut AwardBuilder| {
        b.score("ana", "P1", "a", Some(4.0))
            .score("ana", "P1", "b", Some(3.0))
            .score("ben", "P1", "a", Some(5.0))
            .score("ana", "P1", "a", Some(2.0))
            .score("ana", "P1", "a", None);
    };
    let mut b = AwardBuilder::new(rubric(), Settings::default());
    scores(&mut b);
    let err = b.build().unwrap_err().to_string();
    assert!(err.contains("a second time (first on line 1)"), "{err}");
    b.duplicates(crate::Duplicates::Last);
    let award = b.build().unwrap();
    // Ana's last word on `a` is a blank: a missing score, the 4 and the 2 replaced by it.
    let kept: Vec<Option<f64>> = award.scores().iter().map(|s| s.raw()).collect();
    assert_eq!(kept, [None, Some(5.0), Some(3.0)]);
    let replaced: Vec<(Option<f64>, Option<u64>, Option<u64>)> = (award.replaced().iter())
        .map(|r| (r.raw, r.at.line, r.by.line))
        .collect();
    assert_eq!(
        replaced,
        [(Some(4.0), Some(1), Some(5)), (Some(2.0), Some(4), Some(5))]
    );
    assert!(award.input_notes()[0].1.starts_with("2 scores replaced"));
}
