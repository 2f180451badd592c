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
        let mut options = BayesOptions {
            seed: input.seed,
            ..BayesOptions::default()
        };
        let mut posterior = sample(&criteria, jurors, proposals, &observed, &options);
        let mut warnings = Vec::new();
        if posterior.worst_rhat() > RHAT_POOR {
            options.sweeps *= RERUN_LONGER;
            options.burn_in *= RERUN_LONGER;
            options.thin *= RERUN_LONGER;
            posterior = sample(&criteria, jurors, proposals, &observed, &options);
            let poor = posterior.rhat.iter().filter(|&&r| r > RHAT_POOR).count();
            if poor > 0 {
                warnings.push(Warning::NotMixed {
                    rhat: format!("{:.3}", posterior.worst_rhat()),
                    proposals: poor,
                    sweeps: options.sweeps,
                });
            }
        }
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
