//! `affine`: fit of `score = scale(juror) × value(proposal) + bias(juror)` on every criterion
//! at once, one scale per juror ([`crate::fit::fit_affine_shared`]).

use super::{
    Corrector, FitInput, Fitted, JurorScores, Part, Start, AFFINE_MIN_PROPOSALS, AFFINE_SHRINKAGE,
};
use crate::fit::{AffineOptions, Designs};
use crate::util::spare;
use crate::warnings::Warning;

/// Each juror's fitted bias on each criterion and one scale on all of them. A juror who read
/// fewer than [`AFFINE_MIN_PROPOSALS`] proposals keeps scale 1 (reported once for all such
/// jurors); a straight-liner's scores become the mean value of what they read (their line
/// has no slope).
pub(super) struct Affine;

impl Corrector for Affine {
    fn fit(&self, input: &FitInput<'_>) -> Option<Fitted> {
        let (jurors, proposals) = (input.award.jurors().len(), input.award.proposals().len());
        let options = AffineOptions {
            shrinkage: AFFINE_SHRINKAGE,
            min_proposals: AFFINE_MIN_PROPOSALS,
            fit: *input.options,
            ..AffineOptions::default()
        };
        let start = input.start.map(Start::fit);
        // A replay's designs are the whole award's recounted, when its start kept them.
        let recounted = input
            .start
            .zip(input.counts)
            .and_then(|(s, k)| s.designs(k));
        let designs = recounted.unwrap_or_else(|| {
            let observations = input.ranges.iter().map(|range| input.observations(range));
            Designs::new(jurors, proposals, observations)
        });
        let f = designs.fit(&options, start);
        let held: Vec<usize> = (0..jurors).filter(|&j| f.held[j]).collect();
        let warnings = held
            .first()
            .map(|&j| Warning::ScalesHeld {
                jurors: held.len(),
                first: input.award.jurors().id(j).to_string(),
                min_proposals: AFFINE_MIN_PROPOSALS,
            })
            .into_iter()
            .collect();
        let unconverged = if f.converged {
            Vec::new()
        } else {
            (0..input.ranges.len()).collect()
        };
        // A whole-award fit is the start of the replays' and keeps its designs for them
        // (`normalize::start`); a replay's starts no other, and gives its vectors up.
        let (effects, start) = match input.counts {
            None => (
                (f.criteria.iter())
                    .map(|f| (f.bias.clone(), f.scale.clone()))
                    .collect(),
                Some(Start::of(f, Some(designs))),
            ),
            Some(_) => {
                let effects = (f.criteria.into_iter())
                    .map(|f| {
                        spare::keep(f.value);
                        (f.bias, f.scale)
                    })
                    .collect();
                spare::keep(f.scale);
                (effects, None)
            }
        };
        Some(Fitted {
            warnings,
            unconverged,
            iterations: options.fit.max_iterations,
            effects,
            start,
        })
    }

    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        let map = of.fitted_map();
        if of.flat() || of.mine.len() == 1 {
            of.no_spread(
                out,
                if of.mine.len() == 1 {
                    "affine takes their scale from their other criteria, else 1 (one score cannot show a spread)"
                } else {
                    "affine sets their scores to the mean value of what they read (a flat line has no slope)"
                },
            );
        }
        Some(map)
    }
}
