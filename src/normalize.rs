//! Juror-bias correction: each valid score is corrected for its juror's leniency and spread.
//!
//! Each criterion has its own juror effects, fitted on valid scores only (status `used`):
//! conflicts and missing scores never inform a juror's estimate. Every method but `affine`
//! fits each criterion on its own; `affine` fits every criterion at once, each juror's scale
//! partially pooled across the criteria ([`crate::fit::fit_affine_pooled`]). Every method
//! writes its juror effects in one form, `corrected = (raw − bias) / scale`, so that the
//! audit shows each juror's leniency (`bias`, positive = lenient) and spread (`scale`,
//! above 1 = wider than the panel) whatever the method.

use std::ops::Range;

use rayon::prelude::*;

use crate::award::Award;
use crate::conflicts::Status;
use crate::fit::{fit_additive, fit_affine_pooled_from, AffineOptions, FitOptions, Observation};
use crate::settings::Method;
use crate::util::stats::{runs, weighted_mean_sd};
use crate::warnings::Warning;

/// Shrinkage of the `affine` method: each juror's scale is pulled toward 1 as if they had
/// this many more scores lying on the panel's line (see [`crate::fit::AffineOptions`]).
pub const AFFINE_SHRINKAGE: f64 = 5.0;

/// One juror's effect on one criterion, as fitted by the method.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JurorEffect {
    /// Valid scores the juror gave on the criterion.
    pub scores: usize,
    /// Their mean raw score (0 when they gave none).
    pub mean: f64,
    /// The population standard deviation of their raw scores.
    pub spread: f64,
    /// Leniency in score units, `corrected = (raw − bias) / scale`; `None` when the method
    /// does not correct this juror by such a map (`rank`, or a juror it cannot measure).
    pub bias: Option<f64>,
    /// Spread relative to the panel (1 = as wide as the panel); `None` as for `bias`.
    pub scale: Option<f64>,
}

/// The corrected scores and the juror effects behind them.
#[derive(Clone, Debug, Default)]
pub struct Correction {
    /// The corrected value of every score, in [`Award::scores`] order; meaningful only where
    /// the score's status is [`Status::Used`] (0 elsewhere). [`crate::Outcome::corrected`]
    /// pairs it with the status.
    pub corrected: Vec<f64>,
    /// Juror effects, `effects[juror * criteria + criterion]`.
    pub effects: Vec<JurorEffect>,
    /// What the correction needs a coordinator to know.
    pub warnings: Vec<Warning>,
}

impl Correction {
    /// The effect of a juror on a criterion.
    pub fn effect(&self, juror: usize, criterion: usize, criteria: usize) -> &JurorEffect {
        &self.effects[juror * criteria + criterion]
    }
}

/// Corrects every valid score of the award with `method`.
///
/// Every method corrects each criterion from its valid scores only (`affine` pools each
/// juror's scale across the criteria, see [`Method::Affine`]). A juror whose spread a method
/// needs but cannot measure on a criterion (one score, or the same score everywhere) is
/// handled by a fixed rule, reported as [`Warning::NoSpread`]:
/// `zscore` sets their scores to the pooled mean; `minmax` to the middle of the scale;
/// `rank` to the middle of the scale; `affine` keeps their scale at 1 (one score), and sets
/// the scores of a straight-liner to the mean value of what they read (their line has no
/// slope, so whatever their scale, their bias absorbs their scores).
/// `ratio` cannot divide by a mean of zero or below and keeps such a juror's scores raw,
/// reported as [`Warning::RatioUndefined`].
pub fn correct(award: &Award, status: &[Status], method: Method) -> Correction {
    correct_counted(award, status, None, method)
}

/// [`correct`] with a multiplicity for each score: a score counted `k` times weighs as `k`
/// copies of itself, and a score counted 0 times is left out, as a bootstrap replicate
/// (reviews drawn with replacement) or a jury without one juror needs. `None` counts every
/// score once.
///
/// # Panics
///
/// When `status` (or `counts`) has not one entry for each of the award's scores.
pub fn correct_counted(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
) -> Correction {
    correct_within(award, status, counts, method, &FitOptions::default())
}

/// [`correct_counted`] with the fitted methods' tolerance and iteration limit.
fn correct_within(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
    options: &FitOptions,
) -> Correction {
    let criteria = award.rubric().criteria.len();
    let scores = award.scores();
    assert_eq!(status.len(), scores.len(), "one status for each score");
    assert!(
        counts.is_none_or(|k| k.len() == scores.len()),
        "one count for each score"
    );
    let mut out = Correction {
        corrected: vec![0.0; scores.len()],
        effects: vec![JurorEffect::default(); award.jurors().len() * criteria],
        warnings: Vec::new(),
    };
    // The criteria are contiguous runs of the scores: after the fit (which pools the affine
    // scales across criteria), each is corrected on its own, in parallel, into its own part
    // of `corrected`.
    let ranges = runs(scores.len(), |i| scores[i].criterion());
    let split = split_at(scores.len());
    let used = |i: usize| status[i] == Status::Used && counts.is_none_or(|k| k[i] > 0);
    let fitted = fit(award, &ranges, used, counts, method, options);
    if let Some(f) = fitted.as_ref().filter(|f| !f.unconverged.is_empty()) {
        let criteria = &award.rubric().criteria;
        out.warnings.push(Warning::NotConverged {
            method: method.to_string(),
            criteria: f
                .unconverged
                .iter()
                .map(|&k| criteria[scores[ranges[k].start].criterion()].id.clone())
                .collect(),
            iterations: f.iterations,
        });
    }
    let mut slices = Vec::with_capacity(ranges.len());
    let mut rest = out.corrected.as_mut_slice();
    for range in &ranges {
        let (slice, after) = rest.split_at_mut(range.len());
        slices.push(slice);
        rest = after;
    }
    let parts: Vec<Part<'_>> = ranges
        .par_iter()
        .zip(slices)
        .with_min_len(split)
        .enumerate()
        .map(|(k, (range, corrected))| {
            let c = scores[range.start].criterion();
            let mut part = Part {
                offset: range.start,
                corrected,
                effects: Vec::new(),
                warnings: Vec::new(),
            };
            let fitted = fitted
                .as_ref()
                .map(|f| (&f.effects[k].0[..], &f.effects[k].1[..]));
            let criterion = CriterionScores {
                c,
                scores: range.clone(),
                used,
            };
            correct_criterion(award, &criterion, counts, method, fitted, &mut part);
            part
        })
        .collect();
    for part in parts {
        for (k, effect) in part.effects {
            out.effects[k] = effect;
        }
        out.warnings.extend(part.warnings);
    }
    out
}

/// The least number of criteria a parallel task takes: all of them (no parallel tasks) on a
/// small award, where a task would cost more than it saves (a bootstrap scores a small award
/// thousands of times, in parallel already), one on a large one.
fn split_at(scores: usize) -> usize {
    const PARALLEL_FROM_SCORES: usize = 20_000;
    if scores < PARALLEL_FROM_SCORES {
        usize::MAX
    } else {
        1
    }
}

/// What correcting one criterion gives: its scores' corrected values (`corrected[i − offset]`
/// for score `i`), the juror effects (with their index in [`Correction::effects`]) and
/// warnings.
struct Part<'a> {
    offset: usize,
    corrected: &'a mut [f64],
    effects: Vec<(usize, JurorEffect)>,
    warnings: Vec<Warning>,
}

impl Part<'_> {
    fn set(&mut self, i: u32, value: f64) {
        self.corrected[i as usize - self.offset] = value;
    }
}

/// One criterion's scores: a run of the award's scores (sorted by juror), and which of them
/// are valid.
struct CriterionScores<U> {
    c: usize,
    scores: Range<usize>,
    used: U,
}

/// Corrects the valid scores of one criterion; `fitted` holds the fitted methods' biases
/// and scales of its jurors.
fn correct_criterion(
    award: &Award,
    of: &CriterionScores<impl Fn(usize) -> bool + Copy>,
    counts: Option<&[u32]>,
    method: Method,
    fitted: Option<(&[f64], &[f64])>,
    out: &mut Part<'_>,
) {
    let (c, used) = (of.c, of.used);
    let count = |i: u32| counts.map_or(1.0, |k| k[i as usize] as f64);
    let scores = award.scores();
    let criteria = award.rubric().criteria.len();
    let criterion = &award.rubric().criteria[c];
    let raw = |i: u32| scores[i as usize].raw().unwrap_or(0.0);
    let valid = of
        .scores
        .clone()
        .filter(move |&i| used(i))
        .map(|i| i as u32);
    let (pooled_mean, pooled_sd) = weighted_mean_sd(valid.map(|i| (raw(i), count(i))));
    let scale = criterion.scale;
    if method == Method::Ratio && scale.min < 0.0 {
        out.warnings.push(Warning::RatioOnSignedScale {
            criterion: criterion.id.clone(),
            min: crate::util::number::number(scale.min),
        });
    }
    let middle = (scale.min + scale.max) / 2.0;
    // Each juror's valid scores in turn, in one reused list.
    let mut mine: Vec<u32> = Vec::new();
    for juror_run in runs(of.scores.len(), |k| scores[of.scores.start + k].juror()) {
        let run = of.scores.start + juror_run.start..of.scores.start + juror_run.end;
        mine.clear();
        mine.extend(run.filter(|&i| used(i)).map(|i| i as u32));
        if mine.is_empty() {
            continue;
        }
        let mine = &mine[..];
        let juror = scores[mine[0] as usize].juror();
        let (mean, sd) = weighted_mean_sd(mine.iter().map(|&i| (raw(i), count(i))));
        let flat = sd == 0.0;
        let mut warn = |rule: &'static str| {
            out.warnings.push(Warning::NoSpread {
                juror: award.jurors().id(juror).to_string(),
                criterion: criterion.id.clone(),
                scores: mine.len(),
                rule,
            })
        };
        // Each method gives an affine map (bias, scale), or a per-score value.
        let map: Option<(f64, f64)> = match method {
            Method::None => Some((0.0, 1.0)),
            Method::Zscore if flat || pooled_sd == 0.0 => {
                warn("zscore sets each of their scores to the pooled mean of the criterion");
                for &i in mine {
                    out.set(i, pooled_mean);
                }
                None
            }
            Method::Zscore => {
                let a = sd / pooled_sd;
                Some((mean - a * pooled_mean, a))
            }
            Method::Ratio if mean <= 0.0 || pooled_mean <= 0.0 => {
                // Not a matter of spread: the juror's scores may well differ.
                out.warnings.push(Warning::RatioUndefined {
                    juror: award.jurors().id(juror).to_string(),
                    criterion: criterion.id.clone(),
                    mean: crate::util::number::number(mean),
                    pooled_mean: crate::util::number::number(pooled_mean),
                });
                Some((0.0, 1.0))
            }
            Method::Ratio => Some((0.0, mean / pooled_mean)),
            Method::Minmax => {
                let (lo, hi) = mine
                    .iter()
                    .map(|&i| raw(i))
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                        (lo.min(x), hi.max(x))
                    });
                if hi > lo {
                    let a = (hi - lo) / scale.width();
                    Some((lo - a * scale.min, a))
                } else {
                    warn("minmax sets each of their scores to the middle of the scale");
                    for &i in mine {
                        out.set(i, middle);
                    }
                    None
                }
            }
            Method::Rank => {
                if flat {
                    warn("rank gives each of their scores the middle percentile");
                }
                // Mid-ranks over the juror's scores, each counted as often as it is: the
                // scores sorted, with the running total of counts before each.
                let mut sorted: Vec<(f64, f64)> =
                    mine.iter().map(|&i| (raw(i), count(i))).collect();
                sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut before = Vec::with_capacity(sorted.len() + 1);
                before.push(0.0);
                for (_, k) in &sorted {
                    before.push(before.last().unwrap_or(&0.0) + k);
                }
                let n = before[sorted.len()];
                for &i in mine {
                    let x = raw(i);
                    let below = before[sorted.partition_point(|v| v.0 < x)];
                    let equal = before[sorted.partition_point(|v| v.0 <= x)] - below;
                    let midrank = below + (equal + 1.0) / 2.0;
                    out.set(i, scale.min + scale.width() * (midrank - 0.5) / n);
                }
                None
            }
            Method::Additive | Method::Affine => {
                let (bias, a) = fitted.map_or((0.0, 1.0), |f| (f.0[juror], f.1[juror]));
                if method == Method::Affine && (flat || mine.len() == 1) {
                    warn(if mine.len() == 1 {
                        "affine keeps their scale at 1 (one score cannot show a spread)"
                    } else {
                        "affine sets their scores to the mean value of what they read (a flat line has no slope)"
                    });
                }
                Some((bias, a))
            }
        };
        if let Some((bias, a)) = map {
            for &i in mine {
                out.set(i, (raw(i) - bias) / a);
            }
        }
        let effect = JurorEffect {
            scores: mine.len(),
            mean,
            spread: sd,
            bias: map.map(|m| m.0),
            scale: map.map(|m| m.1),
        };
        out.effects.push((juror * criteria + c, effect));
    }
}

/// The fitted biases and scales of a fitted method, per juror, for each run of valid scores
/// `used` (one per criterion); `None` for the other methods. `affine` fits every criterion
/// at once, its scales pooled across criteria ([`crate::fit::fit_affine_pooled`]).
fn fit(
    award: &Award,
    ranges: &[Range<usize>],
    used: impl Fn(usize) -> bool + Sync,
    counts: Option<&[u32]>,
    method: Method,
    options: &FitOptions,
) -> Option<Fitted> {
    if !matches!(method, Method::Additive | Method::Affine) {
        return None;
    }
    let scores = award.scores();
    // Each criterion's observations are made when its fit needs them and dropped after: on
    // a large award only one or two criteria's lists are held at once.
    let observations = |range: &Range<usize>| -> Vec<Observation> {
        range
            .clone()
            .filter(|&i| used(i))
            .map(|i| Observation {
                juror: scores[i].juror() as u32,
                proposal: scores[i].proposal() as u32,
                score: scores[i].raw().unwrap_or(0.0),
                weight: award.weight(i) * counts.map_or(1.0, |k| k[i] as f64),
                count: counts.map_or(1.0, |k| k[i] as f64),
            })
            .collect()
    };
    let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
    if method == Method::Additive {
        let fits: Vec<_> = ranges
            .par_iter()
            .with_min_len(split_at(award.scores().len()))
            .map(|range| fit_additive(jurors, proposals, &observations(range), options))
            .collect();
        return Some(Fitted {
            unconverged: (0..fits.len()).filter(|&k| !fits[k].converged).collect(),
            iterations: options.max_iterations,
            effects: fits
                .into_iter()
                .map(|f| (f.bias, vec![1.0; jurors]))
                .collect(),
        });
    }
    let options = AffineOptions {
        shrinkage: AFFINE_SHRINKAGE,
        fit: *options,
        ..AffineOptions::default()
    };
    let f = fit_affine_pooled_from(jurors, proposals, ranges.iter().map(observations), &options);
    Some(Fitted {
        unconverged: if f.converged {
            Vec::new()
        } else {
            (0..ranges.len()).collect()
        },
        iterations: options.fit.max_iterations,
        effects: f.criteria.into_iter().map(|f| (f.bias, f.scale)).collect(),
    })
}

/// What a fitted method found: per criterion (in the order of the scores' criteria), each
/// juror's bias and scale; and the criteria whose fit stopped at the iteration limit.
struct Fitted {
    effects: Vec<(Vec<f64>, Vec<f64>)>,
    unconverged: Vec<usize>,
    iterations: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::fit_affine;
    use crate::{AwardBuilder, Rubric, Settings};

    fn award(rows: &[(&str, &str, f64)]) -> Award {
        let rubric = Rubric::from_toml_str(
            "[rubric]\nscale = { min = 0, max = 10 }\n[[rubric.criterion]]\nid = 'q'\nweight = 1\n",
        )
        .unwrap();
        let mut b = AwardBuilder::new(rubric, Settings::default());
        for (j, p, x) in rows {
            b.score(j, p, "q", Some(*x));
        }
        b.build().unwrap()
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
        assert!(
            matches!(&c.warnings[0], Warning::NoSpread { juror, scores: 2, .. } if juror == "a")
        );
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
        // A scale from 0 up: nothing to warn of.
        let award = two_jurors();
        let c = correct(&award, &crate::conflicts::statuses(&award), Method::Ratio);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn ratio_keeps_scores_raw_when_a_mean_is_zero_or_below_and_says_so_truly() {
        // A scale from −5 to 5. Pooled mean (3 − 1 − 4 − 5 + 2 + 0)/6 = −5/6: no juror's
        // scores can be divided by it, though each juror's differ (found in review: the
        // warning said juror J1 gave the same score everywhere).
        let rubric = Rubric::from_toml_str(
            "[rubric]\nscale = { min = -5, max = 5 }\n[[rubric.criterion]]\nid = 'q'\nweight = 1\n",
        )
        .unwrap();
        let mut b = AwardBuilder::new(rubric, Settings::default());
        let rows = [
            ("J1", "P1", 3.0),
            ("J1", "P2", -1.0),
            ("J2", "P1", -4.0),
            ("J2", "P2", -5.0),
            ("J3", "P1", 2.0),
            ("J3", "P2", 0.0),
        ];
        for (j, p, x) in rows {
            b.score(j, p, "q", Some(x));
        }
        let award = b.build().unwrap();
        let status = crate::conflicts::statuses(&award);
        let c = correct(&award, &status, Method::Ratio);
        let raw: Vec<f64> = award.scores().iter().map(|s| s.raw().unwrap()).collect();
        assert_eq!(c.corrected, raw);
        // The scale itself reaches below 0: said once, first (found by a third review: a
        // mean just above 0 blew a juror's scores up without a word).
        assert_eq!(c.warnings[0].kind(), "ratio_on_signed_scale");
        assert!(c.warnings[0]
            .to_string()
            .contains("criterion q's scale starts at -5"));
        let said: Vec<String> = c.warnings[1..].iter().map(|w| w.to_string()).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(c.warnings[1..]
            .iter()
            .all(|w| w.kind() == "ratio_undefined"));
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
        // Juror b doubles and shifts juror a's view (x = 2v + 1) of four proposals.
        let mut rows = Vec::new();
        for (k, p) in ["p1", "p2", "p3", "p4"].iter().enumerate() {
            let v = (k + 1) as f64;
            rows.push(("a", *p, v));
            rows.push(("b", *p, 2.0 * v + 1.0));
        }
        let a = award(&rows);
        let obs: Vec<Observation> = a
            .scores()
            .iter()
            .map(|s| Observation::new(s.juror() as u32, s.proposal() as u32, s.raw().unwrap()))
            .collect();
        let options = AffineOptions {
            shrinkage: AFFINE_SHRINKAGE,
            ..AffineOptions::default()
        };
        let fit = fit_affine(2, 4, &obs, &options);
        let want: Vec<f64> = obs
            .iter()
            .map(|o| (o.score - fit.bias[o.juror as usize]) / fit.scale[o.juror as usize])
            .collect();
        close(&corrected(&a, Method::Affine), &want);
        // b is the wider juror.
        assert!(fit.scale[1] > fit.scale[0]);
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
                Method::None | Method::Additive | Method::Ratio => &[],
                Method::Zscore | Method::Minmax | Method::Rank | Method::Affine => &["f", "s"],
            };
            assert_eq!(flagged, want, "{method}");
        }
    }

    /// Two criteria on 0–10; `rows` are (juror, proposal, q1, q2).
    fn two_criteria(rows: &[(&str, &str, f64, f64)]) -> Award {
        let rubric = Rubric::from_toml_str(
            "[rubric]\nscale = { min = 0, max = 10 }\n\
             [[rubric.criterion]]\nid = 'q1'\nweight = 1\n\
             [[rubric.criterion]]\nid = 'q2'\nweight = 1\n",
        )
        .unwrap();
        let mut b = AwardBuilder::new(rubric, Settings::default());
        for (j, p, x, y) in rows {
            b.score(j, p, "q1", Some(*x));
            b.score(j, p, "q2", Some(*y));
        }
        b.build().unwrap()
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
            let want = values[2 * s.proposal() + s.criterion()] + 1.0 / 6.0;
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
            let shift = [0.0, 2.0 / 3.0][s.criterion()];
            let want = values[2 * s.proposal() + s.criterion()] + shift;
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
    fn affine_pools_each_jurors_scale_across_criteria() {
        // A simulated jury: each juror has one spread on every criterion, and the data do not
        // contradict it (ω̂² = 0), so each juror's scale is the same on all five criteria.
        let award = simulated(1);
        let status = crate::conflicts::statuses(&award);
        let obs: Vec<Vec<Observation>> = (0..5)
            .map(|c| {
                let scores = award.scores().iter().filter(|s| s.criterion() == c);
                scores
                    .map(|s| {
                        Observation::new(s.juror() as u32, s.proposal() as u32, s.raw().unwrap())
                    })
                    .collect()
            })
            .collect();
        let options = AffineOptions {
            shrinkage: AFFINE_SHRINKAGE,
            ..AffineOptions::default()
        };
        let (nj, np) = (award.jurors().len(), award.proposals().len());
        assert_eq!(
            crate::fit::fit_affine_pooled(nj, np, &obs, &options).omega2,
            Some(0.0)
        );
        let c = correct(&award, &status, Method::Affine);
        for juror in 0..nj {
            let first = c.effect(juror, 0, 5).scale.unwrap();
            for criterion in 1..5 {
                let scale = c.effect(juror, criterion, 5).scale.unwrap();
                assert!(
                    (scale / first - 1.0).abs() < 1e-8,
                    "{juror}: {scale} vs {first}"
                );
            }
        }
    }

    #[test]
    fn counting_every_score_twice_changes_no_correction_but_affines_shrinkage() {
        // Multiplicity 2 on every score is two copies of the same data: no method changes,
        // except `affine`, whose pull of each scale toward 1 is worth a fixed number of
        // scores and so weighs half as much against twice the scores (the fit tests hold
        // a score counted k times to k copies of it, `a_score_counted_k_times_is_k_copies_of_it`).
        let award = simulated(2);
        let status = crate::conflicts::statuses(&award);
        let twice = vec![2; award.scores().len()];
        for method in Method::ALL.into_iter().filter(|&m| m != Method::Affine) {
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

    #[test]
    fn runs_split_on_key_changes() {
        let keys = [1, 1, 2, 3, 3, 3];
        assert_eq!(runs(6, |i| keys[i]), vec![0..2, 2..3, 3..6]);
        assert!(runs(0, |i| keys[i]).is_empty());
    }
}
