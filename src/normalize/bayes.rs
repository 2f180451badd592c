//! `bayes`: the hierarchical model of [`crate::fit::sample`], each juror's posterior mean
//! leniency and scale written as the usual `corrected = (raw − bias) / scale`.
//!
//! The outcome ranks by the posterior itself ([`super::Correction::posterior`]); the
//! corrected scores show what the model makes of each score.

use super::{Corrector, FitInput, Fitted, JurorScores, Part, Sampled};
use crate::fit::{sample, BayesCriterion, BayesOptions, BayesScore, Posterior, RHAT_POOR};
use crate::warnings::Warning;

/// The posterior's juror effects; the fallback when the chains disagree is one rerun with
/// [`RERUN_LONGER`] times the sweeps, then a [`Warning::NotMixed`].
pub(super) struct Bayes;

/// How many times longer the rerun of a sampler whose chains disagree is.
pub const RERUN_LONGER: usize = 4;

impl Corrector for Bayes {
    fn sample(&self, input: &FitInput<'_>) -> Option<Sampled> {
        let award = input.award;
        let rubric = award.rubric();
        let criteria: Vec<BayesCriterion> = rubric
            .criteria
            .iter()
            .map(|k| BayesCriterion {
                min: k.scale.min,
                max: k.scale.max,
                step: k.scale.step,
                weight: k.weight,
            })
            .collect();
        let scores = award.scores();
        let observed: Vec<BayesScore> = input
            .ranges
            .iter()
            .flat_map(|range| range.clone().filter(|&i| (input.used)(i)))
            .map(|i| {
                let count = input.counts.map_or(1.0, |k| k[i] as f64);
                BayesScore {
                    criterion: scores[i].criterion_index() as u32,
                    juror: scores[i].juror_index() as u32,
                    proposal: scores[i].proposal_index() as u32,
                    score: scores[i].raw().unwrap_or(0.0),
                    weight: award.weight(i) * count,
                    count,
                }
            })
            .collect();
        let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
        let options = BayesOptions {
            seed: input.seed,
            ..BayesOptions::default()
        };
        let (posterior, warnings) = mixed(options, |o| {
            sample(&criteria, jurors, proposals, &observed, o)
        });
        let fitted = effects(input, &posterior);
        Some(Sampled {
            posterior,
            fitted,
            warnings,
        })
    }

    fn juror(&self, of: &JurorScores<'_>, _out: &mut Part<'_>) -> Option<(f64, f64)> {
        Some(of.fitted_map())
    }
}

/// The posterior of `sampler` run with `options`, with the fallback when its chains disagree:
/// when some weighted total's split R-hat is above [`RHAT_POOR`], `sampler` runs once more
/// with [`RERUN_LONGER`] times the sweeps, burn-in and thinning, and that run's posterior is
/// the one kept; a [`Warning::NotMixed`] follows when some total is still above the limit
/// (how many, the largest R-hat, the rerun's sweeps).
fn mixed(
    mut options: BayesOptions,
    sampler: impl Fn(&BayesOptions) -> Posterior,
) -> (Posterior, Vec<Warning>) {
    let posterior = sampler(&options);
    if posterior.worst_rhat() <= RHAT_POOR {
        return (posterior, Vec::new());
    }
    options.sweeps *= RERUN_LONGER;
    options.burn_in *= RERUN_LONGER;
    options.thin *= RERUN_LONGER;
    let posterior = sampler(&options);
    let poor = posterior.rhat.iter().filter(|&&r| r > RHAT_POOR).count();
    let mut warnings = Vec::new();
    if poor > 0 {
        warnings.push(Warning::NotMixed {
            rhat: format!("{:.3}", posterior.worst_rhat()),
            proposals: poor,
            sweeps: options.sweeps,
        });
    }
    (posterior, warnings)
}

/// Each criterion's juror biases and scales from the posterior means: a juror of scale `a`
/// and leniency `b` (in ranges) reads on average `level + range·b + a·(value − level)`, so
/// `bias = (1 − a)·level + range·b` and `scale = a`.
fn effects(input: &FitInput<'_>, posterior: &Posterior) -> Fitted {
    let scores = input.award.scores();
    let criteria = &input.award.rubric().criteria;
    let effects = input
        .ranges
        .iter()
        .map(|range| {
            let c = scores[range.start].criterion_index();
            let k = &criteria[c].scale;
            let (level, width) = (posterior.level[c], k.max - k.min);
            let bias = posterior
                .scale
                .iter()
                .zip(&posterior.leniency)
                .map(|(a, b)| (1.0 - a) * level + width * b)
                .collect();
            (bias, posterior.scale.clone())
        })
        .collect();
    Fitted {
        effects,
        unconverged: Vec::new(),
        iterations: 0,
        start: None,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::ids::ProposalId;
    use crate::outcome::score;
    use crate::settings::{Method, Settings};
    use crate::testkit;

    /// A posterior whose only content is the split R-hat of each total.
    fn with_rhat(rhat: &[f64]) -> Posterior {
        Posterior {
            criteria: 1,
            proposals: rhat.len(),
            value: vec![0.0; rhat.len()],
            scale: Vec::new(),
            leniency: Vec::new(),
            level: vec![0.0],
            totals: Vec::new(),
            per_chain: 0,
            chains: 4,
            rhat: rhat.to_vec(),
        }
    }

    /// Runs [`mixed`] on a sampler that returns `runs` in turn, and the options of each call.
    fn fallback(runs: &[&[f64]]) -> (Posterior, Vec<Warning>, Vec<BayesOptions>) {
        let calls = RefCell::new(Vec::new());
        let options = BayesOptions {
            seed: 9,
            ..BayesOptions::default()
        };
        let (posterior, warnings) = mixed(options, |o| {
            calls.borrow_mut().push(*o);
            with_rhat(runs[calls.borrow().len() - 1])
        });
        (posterior, warnings, calls.into_inner())
    }

    #[test]
    fn chains_that_agree_are_run_once_and_not_warned_of() {
        // 1.05 itself is not above the limit; NaN is a proposal without a score.
        let (posterior, warnings, calls) = fallback(&[&[1.01, 1.05, f64::NAN]]);
        assert_eq!(
            calls,
            [BayesOptions {
                seed: 9,
                ..BayesOptions::default()
            }]
        );
        assert_eq!(posterior.rhat[1], 1.05);
        assert!(warnings.is_empty());
    }

    #[test]
    fn chains_that_disagree_are_run_again_four_times_longer_and_the_rerun_is_kept() {
        let (posterior, warnings, calls) = fallback(&[&[1.2, 1.0], &[1.04, 1.02]]);
        // The documented rerun: 4 × (800 sweeps, 200 burn-in, thinning 2), the same seed.
        let longer = BayesOptions {
            sweeps: 3200,
            burn_in: 800,
            thin: 8,
            chains: 4,
            seed: 9,
        };
        assert_eq!(
            calls,
            [
                BayesOptions {
                    seed: 9,
                    ..BayesOptions::default()
                },
                longer
            ]
        );
        assert_eq!(posterior.rhat, [1.04, 1.02]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn chains_that_still_disagree_are_warned_of_with_the_reruns_numbers() {
        // The rerun's totals: two above 1.05 (1.07 and ∞, chains stuck apart), one at the
        // limit, one without a score; the first run's R-hat of 9 is not reported.
        let rerun = [1.07, f64::INFINITY, 1.05, f64::NAN];
        let (posterior, warnings, calls) = fallback(&[&[9.0, 1.0, 1.0, f64::NAN], &rerun]);
        assert_eq!(calls.len(), 2);
        assert_eq!(posterior.rhat[..3], rerun[..3]);
        assert_eq!(
            warnings,
            [Warning::NotMixed {
                rhat: "inf".to_string(),
                proposals: 2,
                sweeps: 3200,
            }]
        );
        let (_, warnings, _) = fallback(&[&[1.3], &[1.0714, 1.0]]);
        assert_eq!(
            warnings,
            [Warning::NotMixed {
                rhat: "1.071".to_string(),
                proposals: 1,
                sweeps: 3200,
            }]
        );
    }

    #[test]
    fn an_award_the_sampler_cannot_mix_is_rerun_warned_of_and_still_ranked() {
        // Every score is the top of its 1–5 scale, so every latent is only known to be above
        // 4.5: the flat prior of each criterion's level leaves its posterior without an upper
        // bound, and the chains wander off, each its own way. Every total holds the levels,
        // so none mixes, after the first run or the 4 times longer rerun.
        let rubric = testkit::stepped(1.0, 5.0, 1.0, &[("a", 1.0), ("b", 1.0)]);
        let settings = Settings {
            method: Method::Bayes,
            ..Settings::default()
        };
        let reads = [
            ("J1", "P1"),
            ("J1", "P2"),
            ("J1", "P3"),
            ("J2", "P2"),
            ("J2", "P3"),
            ("J2", "P4"),
            ("J3", "P3"),
            ("J3", "P4"),
            ("J3", "P1"),
            ("J4", "P4"),
            ("J4", "P1"),
            ("J4", "P2"),
        ];
        let reviews: Vec<(&str, &str, &[f64])> = reads
            .iter()
            .map(|&(j, p)| (j, p, &[5.0, 5.0][..]))
            .collect();
        let outcome = score(&testkit::award(rubric, settings, &reviews));
        let not_mixed: Vec<&Warning> = (outcome.warnings().iter())
            .filter(|w| matches!(w, Warning::NotMixed { .. }))
            .collect();
        let [Warning::NotMixed {
            proposals, sweeps, ..
        }] = not_mixed[..]
        else {
            panic!("one not_mixed warning expected: {:?}", outcome.warnings());
        };
        // The rerun's sweeps: 4 × 800; all 4 proposals' totals above the limit.
        assert_eq!((*proposals, *sweeps), (4, 3200));
        let posterior = outcome.correction().posterior.as_ref().unwrap();
        assert_eq!(posterior.per_chain, (3200 - 800) / 8);
        // The ranking stands: every proposal ranked, the posterior means as totals.
        assert!((0..4).all(|p| outcome.rank(ProposalId::from(p)).is_some()));
    }
}
