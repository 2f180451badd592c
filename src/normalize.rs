//! Juror-bias correction: each valid score is corrected for its juror's leniency and spread.
//!
//! Correction is per criterion: each criterion has its own juror effects. It is fitted on
//! valid scores only (status `used`): conflicts and missing scores never inform a juror's
//! estimate. Every method writes its juror effects in one form, `corrected = (raw − bias) /
//! scale`, so that the audit shows each juror's leniency (`bias`, positive = lenient) and
//! spread (`scale`, above 1 = wider than the panel) whatever the method.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::award::Award;
use crate::conflicts::Status;
use crate::warnings::Warning;

/// How juror bias is corrected.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Method {
    /// Raw scores, uncorrected (what most award platforms do).
    None,
    /// Each juror's scores standardised (population mean and standard deviation), then
    /// mapped back to the pooled mean and spread of all valid scores on the criterion.
    #[default]
    Zscore,
}

impl Method {
    /// Every method, in a fixed order.
    pub const ALL: [Method; 2] = [Method::None, Method::Zscore];
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::None => "none",
            Method::Zscore => "zscore",
        })
    }
}

/// One juror's effect on one criterion, as fitted by the method.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JurorEffect {
    /// Valid scores the juror gave on the criterion.
    pub scores: usize,
    /// Their mean raw score (0 when they gave none).
    pub mean: f64,
    /// The population standard deviation of their raw scores.
    pub spread: f64,
    /// Leniency in score units: `corrected = (raw − bias) / scale`.
    pub bias: f64,
    /// Spread relative to the panel (1 = as wide as the panel).
    pub scale: f64,
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
pub fn correct(award: &Award, status: &[Status], method: Method) -> Correction {
    let criteria = award.rubric().criteria.len();
    let scores = award.scores();
    let mut out = Correction {
        corrected: vec![0.0; scores.len()],
        effects: vec![JurorEffect::default(); award.jurors().len() * criteria],
        warnings: Vec::new(),
    };
    for range in runs(scores.len(), |i| scores[i].criterion()) {
        let c = scores[range.start].criterion();
        let used: Vec<usize> = range
            .clone()
            .filter(|&i| status[i] == Status::Used)
            .collect();
        let raw = |i: usize| scores[i].raw().unwrap_or(0.0);
        let (pooled_mean, pooled_sd) = mean_sd(used.iter().map(|&i| raw(i)));
        for juror_run in runs(used.len(), |k| scores[used[k]].juror()) {
            let mine = &used[juror_run];
            let juror = scores[mine[0]].juror();
            let (mean, sd) = mean_sd(mine.iter().map(|&i| raw(i)));
            let (bias, scale) = match method {
                Method::None => (0.0, 1.0),
                Method::Zscore if sd > 0.0 && pooled_sd > 0.0 => {
                    let scale = sd / pooled_sd;
                    (mean - scale * pooled_mean, scale)
                }
                Method::Zscore => {
                    out.warnings.push(Warning::NoSpread {
                        juror: award.jurors().id(juror).to_string(),
                        criterion: award.rubric().criteria[c].id.clone(),
                        scores: mine.len(),
                        rule:
                            "zscore sets each of their scores to the pooled mean of the criterion",
                    });
                    (f64::NAN, f64::NAN)
                }
            };
            for &i in mine {
                out.corrected[i] = if bias.is_nan() {
                    pooled_mean
                } else {
                    (raw(i) - bias) / scale
                };
            }
            let (bias, scale) = if bias.is_nan() {
                (mean - pooled_mean, 0.0)
            } else {
                (bias, scale)
            };
            out.effects[juror * criteria + c] = JurorEffect {
                scores: mine.len(),
                mean,
                spread: sd,
                bias,
                scale,
            };
        }
    }
    out
}

/// Population mean and standard deviation (two passes; 0 and 0 for no values).
pub(crate) fn mean_sd(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let (n, sum) = values
        .clone()
        .fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = sum / n as f64;
    let ss: f64 = values.map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / n as f64).sqrt())
}

/// The maximal runs of consecutive indices `0..n` that share a key.
pub(crate) fn runs<K: PartialEq>(n: usize, key: impl Fn(usize) -> K) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=n {
        if i == n || key(i) != key(start) {
            if i > start {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn runs_split_on_key_changes() {
        let keys = [1, 1, 2, 3, 3, 3];
        assert_eq!(runs(6, |i| keys[i]), vec![0..2, 2..3, 3..6]);
        assert!(runs(0, |i| keys[i]).is_empty());
    }
}
