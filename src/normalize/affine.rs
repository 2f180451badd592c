//! `affine`: fit of `score = scale(juror) × value(proposal) + bias(juror)` on every criterion
//! at once, each juror's scale pooled across the criteria
//! ([`crate::fit::fit_affine_pooled`]).

use super::{Corrector, FitInput, Fitted, JurorScores, Part, AFFINE_SHRINKAGE};
use crate::fit::{fit_affine_pooled_from, AffineOptions};

/// Each juror's fitted bias and scale. A juror with one score keeps scale 1; a straight-liner's
/// scores become the mean value of what they read (their line has no slope).
pub(super) struct Affine;

impl Corrector for Affine {
    fn fit(&self, input: &FitInput<'_>) -> Option<Fitted> {
        let (jurors, proposals) = (input.award.jurors().len(), input.award.proposals().len());
        let options = AffineOptions {
            shrinkage: AFFINE_SHRINKAGE,
            fit: *input.options,
            ..AffineOptions::default()
        };
        let observations = input.ranges.iter().map(|range| input.observations(range));
        let f = fit_affine_pooled_from(jurors, proposals, observations, &options);
        Some(Fitted {
            unconverged: if f.converged {
                Vec::new()
            } else {
                (0..input.ranges.len()).collect()
            },
            iterations: options.fit.max_iterations,
            effects: f.criteria.into_iter().map(|f| (f.bias, f.scale)).collect(),
        })
    }

    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        let map = of.fitted_map();
        if of.flat() || of.mine.len() == 1 {
            of.no_spread(
                out,
                if of.mine.len() == 1 {
                    "affine keeps their scale at 1 (one score cannot show a spread)"
                } else {
                    "affine sets their scores to the mean value of what they read (a flat line has no slope)"
                },
            );
        }
        Some(map)
    }
}
