//! The runs without a juror fitted in two steps ([`super::settle`]) against fits to the full
//! tolerance.

use super::screen_tests::{awards, exact_without};
use super::settle::{margin, settled, LOOSE};
use super::{without_counts, without_juror, Replay};
use crate::settings::{Method, Settings};

/// Without each juror of the test awards (every eighth on the four with 80 jurors), under
/// `affine` and with 1 and 3 reviews required: the two-step run's winners are the full
/// fit's, and the first fit settles some runs and not others (so both answers are seen).
#[test]
fn a_run_without_a_juror_has_the_full_fits_winners() {
    let (mut settled_runs, mut runs) = (0, 0);
    for award in awards() {
        for method in [Method::Affine] {
            for min_reviews in [1, 3] {
                let settings = Settings {
                    method,
                    min_reviews,
                    ..award.settings().clone()
                };
                let replay = Replay::new(&award, &settings);
                let n = award.jurors().len();
                let every = if n > 20 { 8 } else { 1 };
                for j in (0..n).step_by(every) {
                    let counts = without_counts(&award, j);
                    let first = replay.score_within(&award, &settings, &counts, &LOOSE);
                    runs += 1;
                    settled_runs += usize::from(settled(&award, &first));
                    assert_eq!(
                        without_juror(&award, &settings, &replay, j),
                        exact_without(&award, &settings, &replay, j),
                        "{method} juror {j}, min_reviews {min_reviews}"
                    );
                }
            }
        }
    }
    eprintln!("settled {settled_runs} of {runs}");
    assert!(settled_runs > runs / 3, "settled {settled_runs} of {runs}");
    assert!(settled_runs < runs, "settled all {runs}");
}

/// What the margin rests on: on the test awards, without each of the first jurors, no total of
/// the first fit is further from the full fit's than a tenth of the margin (the margin is a
/// hundred times the first fit's tolerance times the widest total; the largest distance
/// measured was 0.0054 of that product, docs/methods.md).
#[test]
fn the_first_fit_is_far_closer_to_the_full_fit_than_the_margin() {
    let mut most = 0.0f64;
    for award in awards() {
        let unit = margin(&award) / 100.0;
        for method in [Method::Affine] {
            let settings = Settings {
                method,
                ..award.settings().clone()
            };
            let replay = Replay::new(&award, &settings);
            for j in 0..award.jurors().len().min(4) {
                let counts = without_counts(&award, j);
                let first = replay.score_within(&award, &settings, &counts, &LOOSE);
                let full = replay.score(&award, &settings, &counts);
                for (a, b) in first.values.iter().zip(&full.values) {
                    if let (Some(a), Some(b)) = (a.total, b.total) {
                        most = most.max((a - b).abs() / unit);
                    }
                }
            }
        }
    }
    eprintln!("largest distance: {most} units");
    assert!(most <= 10.0, "{most} units");
}
