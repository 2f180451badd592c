use super::*;
use crate::fit::{fit_affine, AffineOptions};
use crate::testkit;
use crate::Settings;

fn award(rows: &[(&str, &str, f64)]) -> Award {
    testkit::single(testkit::one_criterion(0.0, 10.0), Settings::default(), rows)
}

fn corrected(award: &Award, method: Method) -> Vec<f64> {
    let status = crate::conflicts::statuses(award);
    correct(award, &status, method).corrected
}

#[test]
fn zscore_maps_each_juror_to_the_pooled_mean_and_spread() {
    // Worked by hand. Juror a: 2, 4 (mean 3, sd 1). Juror b: 6, 8, 10 (mean 8, sd √(8/3)).
    // Pooled: 2, 4, 6, 8, 10: mean 6, population sd √8.
    // a's 2 → 6 + √8 × (2 − 3)/1 = 6 − 2√2; b's 10 → 6 + √8 × (2/√(8/3)) = 6 + 2√3.
    let a = award(&[
        ("a", "p1", 2.0),
        ("a", "p2", 4.0),
        ("b", "p1", 6.0),
        ("b", "p2", 8.0),
        ("b", "p3", 10.0),
    ]);
    let z = corrected(&a, Method::Zscore);
    let r2 = 2f64.sqrt();
    let r3 = 3f64.sqrt();
    let expected = [
        6.0 - 2.0 * r2,
        6.0 + 2.0 * r2,
        6.0 - 2.0 * r3,
        6.0,
        6.0 + 2.0 * r3,
    ];
    for (got, want) in z.iter().zip(expected) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
}

#[test]
fn none_leaves_scores_as_given() {
    let a = award(&[("a", "p1", 2.0), ("b", "p1", 7.5)]);
    assert_eq!(corrected(&a, Method::None), vec![2.0, 7.5]);
}

#[test]
fn a_juror_without_spread_is_set_to_the_pooled_mean_and_reported() {
    let a = award(&[
        ("a", "p1", 4.0),
        ("a", "p2", 4.0),
        ("b", "p1", 2.0),
        ("b", "p2", 6.0),
    ]);
    let status = crate::conflicts::statuses(&a);
    let c = correct(&a, &status, Method::Zscore);
    assert_eq!(c.corrected[0], 4.0);
    assert_eq!(c.corrected[1], 4.0);
    assert!(matches!(&c.warnings[0], Warning::NoSpread { juror, scores: 2, .. } if juror == "a"));
}

fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-9, "{got:?} vs {want:?}");
    }
}

/// Juror a: 2, 4 (mean 3). Juror b: 6, 8, 10 (mean 8). Pooled mean 6. Scale 0–10.
fn two_jurors() -> Award {
    award(&[
        ("a", "p1", 2.0),
        ("a", "p2", 4.0),
        ("b", "p1", 6.0),
        ("b", "p2", 8.0),
        ("b", "p3", 10.0),
    ])
}

#[test]
fn ratio_divides_by_the_jurors_mean_and_maps_back_to_the_pooled_mean() {
    // a: 2 × 6/3 = 4, 4 × 6/3 = 8; b: 6 × 6/8 = 4.5, 8 × 6/8 = 6, 10 × 6/8 = 7.5.
    close(
        &corrected(&two_jurors(), Method::Ratio),
        &[4.0, 8.0, 4.5, 6.0, 7.5],
    );
    // A scale from 0 up: nothing to warn of but that ratio can break unanimity.
    let award = two_jurors();
    let c = correct(&award, &crate::conflicts::statuses(&award), Method::Ratio);
    let kinds: Vec<&str> = c.warnings.iter().map(|w| w.kind()).collect();
    assert_eq!(kinds, ["breaks_unanimity"]);
}

#[test]
fn ratio_keeps_scores_raw_when_a_mean_is_zero_or_below_and_says_so_truly() {
    // A scale from −5 to 5. Pooled mean (3 − 1 − 4 − 5 + 2 + 0)/6 = −5/6: no juror's
    // scores can be divided by it, though each juror's differ: the warning must not say
    // that juror J1 gave the same score everywhere.
    let rows = [
        ("J1", "P1", 3.0),
        ("J1", "P2", -1.0),
        ("J2", "P1", -4.0),
        ("J2", "P2", -5.0),
        ("J3", "P1", 2.0),
        ("J3", "P2", 0.0),
    ];
    let rubric = testkit::one_criterion(-5.0, 5.0);
    let award = testkit::single(rubric, Settings::default(), &rows);
    let status = crate::conflicts::statuses(&award);
    let c = correct(&award, &status, Method::Ratio);
    let raw: Vec<f64> = award.scores().iter().map(|s| s.raw().unwrap()).collect();
    assert_eq!(c.corrected, raw);
    // The scale itself reaches below 0: said once, first (a mean just above 0 would blow
    // a juror's scores up without a word).
    assert_eq!(c.warnings[0].kind(), "ratio_on_signed_scale");
    assert!(c.warnings[0]
        .to_string()
        .contains("criterion q's scale starts at -5"));
    let said: Vec<String> = c.warnings[1..4].iter().map(|w| w.to_string()).collect();
    assert!(c.warnings[1..4]
        .iter()
        .all(|w| w.kind() == "ratio_undefined"));
    assert_eq!(c.warnings.len(), 5, "{:?}", c.warnings);
    assert_eq!(c.warnings[4].kind(), "breaks_unanimity");
    assert!(
        said[0].contains("juror J1's mean on criterion q is 1 and every juror's is -0.833333"),
        "{}",
        said[0]
    );
}

#[test]
fn minmax_stretches_each_jurors_range_to_the_scale() {
    // a: [2, 4] → [0, 10]; b: [6, 10] → [0, 10], so 8 → 5.
    close(
        &corrected(&two_jurors(), Method::Minmax),
        &[0.0, 10.0, 0.0, 5.0, 10.0],
    );
}

#[test]
fn rank_places_mid_rank_percentiles_on_the_scale() {
    // a: ranks 1, 2 of 2 → 10 × 0.5/2, 10 × 1.5/2; b: ranks 1, 2, 3 of 3 → 10 × (r − ½)/3.
    close(
        &corrected(&two_jurors(), Method::Rank),
        &[2.5, 7.5, 10.0 / 6.0, 5.0, 50.0 / 6.0],
    );
    // Ties share their mid-rank: 3, 3, 5 → ranks 1.5, 1.5, 3.
    let tied = award(&[("c", "p1", 3.0), ("c", "p2", 3.0), ("c", "p3", 5.0)]);
    close(
        &corrected(&tied, Method::Rank),
        &[10.0 / 3.0, 10.0 / 3.0, 25.0 / 3.0],
    );
}

#[test]
fn additive_on_a_complete_design_is_the_two_way_anova() {
    // a: 2, 4 (mean 3); b: 6, 8 (mean 7); grand mean 5 → biases −2 and +2, so both jurors'
    // corrected scores are 4 and 6, and the fitted biases are reported as leniency.
    let a = award(&[
        ("a", "p1", 2.0),
        ("a", "p2", 4.0),
        ("b", "p1", 6.0),
        ("b", "p2", 8.0),
    ]);
    close(&corrected(&a, Method::Additive), &[4.0, 6.0, 4.0, 6.0]);
    let status = crate::conflicts::statuses(&a);
    let c = correct(&a, &status, Method::Additive);
    assert!((c.effect(0, 0, 1).bias.unwrap() + 2.0).abs() < 1e-9);
    assert!((c.effect(1, 0, 1).bias.unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn affine_corrects_each_score_by_the_fitted_bias_and_scale() {
    // Juror b doubles and shifts juror a's view (x = 2v + 1) of six proposals: enough to fit
    // their scales (AFFINE_MIN_PROPOSALS is 5).
    let mut rows = Vec::new();
    for (k, p) in ["p1", "p2", "p3", "p4", "p5", "p6"].iter().enumerate() {
        let v = 0.5 + 0.75 * k as f64;
        rows.push(("a", *p, v));
        rows.push(("b", *p, 2.0 * v + 1.0));
    }
    let a = award(&rows);
    let obs: Vec<Observation> = a
        .scores()
        .iter()
        .map(|s| {
            Observation::new(
                s.juror_index() as u32,
                s.proposal_index() as u32,
                s.raw().unwrap(),
            )
        })
        .collect();
    let options = AffineOptions {
        shrinkage: AFFINE_SHRINKAGE,
        min_proposals: AFFINE_MIN_PROPOSALS,
        ..AffineOptions::default()
    };
    let fit = fit_affine(2, 6, &obs, &options);
    let want: Vec<f64> = obs
        .iter()
        .map(|o| (o.score - fit.bias[o.juror as usize]) / fit.scale[o.juror as usize])
        .collect();
    close(&corrected(&a, Method::Affine), &want);
    // b is the wider juror.
    assert!(fit.scale[1] > fit.scale[0]);
    let status = crate::conflicts::statuses(&a);
    let c = correct(&a, &status, Method::Affine);
    assert!(c.warnings.iter().all(|w| w.kind() != "scales_held"));
}

#[test]
fn affine_holds_the_scale_of_a_juror_who_read_too_few_proposals_and_says_so() {
    // The same two jurors (b scores 2v + 1 where a scores v) on four proposals only, fewer
    // than AFFINE_MIN_PROPOSALS: both scales stay 1 and affine is the additive fit. Worked
    // by hand: b's bias exceeds a's by the mean difference of their scores, mean(v + 1) =
    // 3.5, and Σ n_j b_j = 0 with equal counts gives b_a = −1.75, b_b = 1.75.
    let mut rows = Vec::new();
    for (k, p) in ["p1", "p2", "p3", "p4"].iter().enumerate() {
        let v = (k + 1) as f64;
        rows.push(("a", *p, v));
        rows.push(("b", *p, 2.0 * v + 1.0));
    }
    let a = award(&rows);
    let want: Vec<f64> = a
        .scores()
        .iter()
        .map(|s| match a.jurors().id(s.juror_index()) {
            "a" => s.raw().unwrap() + 1.75,
            _ => s.raw().unwrap() - 1.75,
        })
        .collect();
    close(&corrected(&a, Method::Affine), &want);
    let status = crate::conflicts::statuses(&a);
    let c = correct(&a, &status, Method::Affine);
    assert_eq!(c.effect(0, 0, 1).scale, Some(1.0));
    assert_eq!(c.effect(1, 0, 1).scale, Some(1.0));
    let held: Vec<String> = c
        .warnings
        .iter()
        .filter(|w| w.kind() == "scales_held")
        .map(|w| w.to_string())
        .collect();
    assert_eq!(
        held,
        ["2 jurors (the first: a) read fewer than 5 proposals, too few to tell a spread from noise: affine corrects them for leniency only (scale 1)"]
    );
}

#[test]
fn every_method_gives_finite_scores_and_a_rule_for_a_juror_without_spread() {
    // Juror s scores one proposal; juror f gives 5 to everything; a and b are ordinary.
    let a = award(&[
        ("a", "p1", 2.0),
        ("a", "p2", 6.0),
        ("a", "p3", 8.0),
        ("b", "p1", 3.0),
        ("b", "p2", 5.0),
        ("b", "p3", 9.0),
        ("f", "p1", 5.0),
        ("f", "p2", 5.0),
        ("f", "p3", 5.0),
        ("s", "p2", 7.0),
    ]);
    let status = crate::conflicts::statuses(&a);
    for method in Method::ALL {
        let c = correct(&a, &status, method);
        assert!(c.corrected.iter().all(|x| x.is_finite()), "{method}");
        let flagged: Vec<&str> = c
            .warnings
            .iter()
            .filter_map(|w| match w {
                Warning::NoSpread { juror, .. } => Some(juror.as_str()),
                _ => None,
            })
            .collect();
        let want: &[&str] = match method {
            Method::None | Method::Additive | Method::Ratio | Method::Bayes => &[],
            Method::Zscore | Method::Minmax | Method::Rank | Method::Affine => &["f", "s"],
        };
        assert_eq!(flagged, want, "{method}");
    }
}

/// Two criteria on 0–10; `rows` are (juror, proposal, q1, q2).
fn two_criteria(rows: &[(&str, &str, f64, f64)]) -> Award {
    let rubric = testkit::criteria(0.0, 10.0, &[("q1", 1.0), ("q2", 1.0)]);
    let pairs: Vec<_> = rows.iter().map(|&(j, p, x, y)| (j, p, [x, y])).collect();
    let reviews: Vec<_> = pairs.iter().map(|(j, p, xy)| (*j, *p, &xy[..])).collect();
    testkit::award(rubric, Settings::default(), &reviews)
}

/// Jurors a, b, c score p1, p2, p3, whose true values are 4, 5, 7 on q1 and 6, 3, 5 on
/// q2, as the value plus their leniency on the criterion, without noise.
fn lenient(on_q1: [f64; 3], on_q2: [f64; 3]) -> Award {
    let (v1, v2) = ([4.0, 5.0, 7.0], [6.0, 3.0, 5.0]);
    let mut rows = Vec::new();
    for (j, juror) in ["a", "b", "c"].into_iter().enumerate() {
        for (p, proposal) in ["p1", "p2", "p3"].into_iter().enumerate() {
            rows.push((juror, proposal, v1[p] + on_q1[j], v2[p] + on_q2[j]));
        }
    }
    two_criteria(&rows)
}

fn effects(award: &Award, method: Method) -> Correction {
    let status = crate::conflicts::statuses(award);
    correct(award, &status, method)
}

#[test]
fn affine_gives_a_juror_lenient_on_every_criterion_the_same_bias_on_each() {
    // Leniencies −1, 0, +1.5 on both criteria. Every juror reads every proposal, so the
    // biases are the leniencies less their mean 1/6: −7/6, −1/6, 4/3, with scale 1, on
    // each criterion; every corrected score is the value + 1/6.
    let award = lenient([-1.0, 0.0, 1.5], [-1.0, 0.0, 1.5]);
    let c = effects(&award, Method::Affine);
    for (juror, want) in [-7.0 / 6.0, -1.0 / 6.0, 4.0 / 3.0].into_iter().enumerate() {
        for criterion in 0..2 {
            let e = c.effect(juror, criterion, 2);
            assert!((e.bias.unwrap() - want).abs() < 1e-9, "{e:?}");
            assert!((e.scale.unwrap() - 1.0).abs() < 1e-9, "{e:?}");
        }
    }
    let values = [4.0, 6.0, 5.0, 3.0, 7.0, 5.0]; // p1 q1, p1 q2, p2 q1, ...
    for (i, s) in award.scores().iter().enumerate() {
        let want = values[2 * s.proposal_index() + s.criterion_index()] + 1.0 / 6.0;
        assert!(
            (c.corrected[i] - want).abs() < 1e-9,
            "{} vs {want}",
            c.corrected[i]
        );
    }
}

#[test]
fn affine_corrects_a_juror_lenient_on_one_criterion_only_on_that_criterion() {
    // Juror c is 2 points lenient on q2 only. On q1 every bias is 0; on q2 the biases are
    // 2 less their mean 2/3: −2/3, −2/3, 4/3. Corrected: the value on q1, value + 2/3 on q2.
    let award = lenient([0.0; 3], [0.0, 0.0, 2.0]);
    let c = effects(&award, Method::Affine);
    for (juror, want) in [[0.0, -2.0 / 3.0], [0.0, -2.0 / 3.0], [0.0, 4.0 / 3.0]]
        .into_iter()
        .enumerate()
    {
        for (criterion, want) in want.into_iter().enumerate() {
            let e = c.effect(juror, criterion, 2);
            assert!((e.bias.unwrap() - want).abs() < 1e-9, "{e:?}");
            assert!((e.scale.unwrap() - 1.0).abs() < 1e-9, "{e:?}");
        }
    }
    let values = [4.0, 6.0, 5.0, 3.0, 7.0, 5.0];
    for (i, s) in award.scores().iter().enumerate() {
        let shift = [0.0, 2.0 / 3.0][s.criterion_index()];
        let want = values[2 * s.proposal_index() + s.criterion_index()] + shift;
        assert!(
            (c.corrected[i] - want).abs() < 1e-9,
            "{} vs {want}",
            c.corrected[i]
        );
    }
}

fn simulated(seed: u64) -> Award {
    let options = crate::simulate::SimulationOptions {
        seed,
        ..Default::default()
    };
    crate::simulate::simulate(&options).unwrap().award
}

#[test]
fn affine_gives_each_juror_one_scale_on_every_criterion() {
    // A simulated jury (12 jurors reading about 20 proposals each, none held): each juror's
    // scale is the same number on all five criteria, and not 1 for all of them.
    let award = simulated(1);
    let status = crate::conflicts::statuses(&award);
    let c = correct(&award, &status, Method::Affine);
    let nj = award.jurors().len();
    let mut fitted = 0;
    for juror in 0..nj {
        let first = c.effect(juror, 0, 5).scale.unwrap();
        fitted += usize::from(first != 1.0);
        for criterion in 1..5 {
            assert_eq!(c.effect(juror, criterion, 5).scale, Some(first), "{juror}");
        }
    }
    assert_eq!(fitted, nj);
    assert!(c.warnings.iter().all(|w| w.kind() != "scales_held"));
}

#[test]
fn counting_every_score_twice_changes_no_correction_but_affines_shrinkage() {
    // Multiplicity 2 on every score is two copies of the same data: no method changes,
    // except `affine`, whose pull of each scale toward 1 is worth a fixed number of
    // scores and so weighs half as much against twice the scores (the fit tests hold
    // a score counted k times to k copies of it, `a_score_counted_k_times_is_k_copies_of_it`);
    // nor `bayes`, whose priors weigh the same against twice the data.
    let award = simulated(2);
    let status = crate::conflicts::statuses(&award);
    let twice = vec![2; award.scores().len()];
    let by_count = [Method::Affine, Method::Bayes];
    for method in Method::ALL.into_iter().filter(|m| !by_count.contains(m)) {
        let once = correct(&award, &status, method);
        let doubled = correct_counted(&award, &status, Some(&twice), method);
        close(&doubled.corrected, &once.corrected);
        for (a, b) in once.effects.iter().zip(&doubled.effects) {
            let pair = |e: &JurorEffect| [e.bias.unwrap_or(0.0), e.scale.unwrap_or(0.0)];
            close(&pair(a), &pair(b));
            assert_eq!(a.scores, b.scores);
        }
    }
}

#[test]
fn a_fit_stopped_at_its_iteration_limit_is_a_loud_warning() {
    // Three jurors with different stretches on one criterion: neither fit is done after
    // one step (of conjugate gradients, or of alternating sweeps), and both must say so.
    let award = award(&[
        ("J1", "P1", 1.0),
        ("J1", "P2", 2.0),
        ("J1", "P3", 5.0),
        ("J2", "P1", 2.0),
        ("J2", "P2", 4.0),
        ("J3", "P2", 1.0),
        ("J3", "P3", 3.0),
    ]);
    let status = vec![Status::Used; award.scores().len()];
    let one_step = FitOptions {
        max_iterations: 1,
        solver: crate::fit::Solver::Iterative,
        ..FitOptions::default()
    };
    for method in [Method::Additive, Method::Affine] {
        let c = correct_within(&award, &status, None, method, &one_step);
        let w = c
            .warnings
            .iter()
            .find(|w| w.kind() == "not_converged")
            .unwrap_or_else(|| panic!("{method}: no warning in {:?}", c.warnings));
        assert!(w.is_loud());
        assert!(w
            .to_string()
            .contains(&format!("the {method} fit of criteria")));
        // With the usual limit, no such warning.
        let c = correct(&award, &status, method);
        assert!(c.warnings.iter().all(|w| w.kind() != "not_converged"));
    }
}
