//! `additive`: least squares fit of `score = value(proposal) + bias(juror)` on each criterion
//! ([`crate::fit::fit_additive`]).

use rayon::prelude::*;

use super::{split_at, Corrector, FitInput, Fitted, JurorScores, Part};
use crate::fit::fit_additive;

/// Each juror's fitted bias, with scale 1.
pub(super) struct Additive;

impl Corrector for Additive {
    fn fit(&self, input: &FitInput<'_>) -> Option<Fitted> {
        let award = input.award;
        let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
        let fits: Vec<_> = input
            .ranges
            .par_iter()
            .with_min_len(split_at(award.scores().len()))
            .map(|range| fit_additive(jurors, proposals, &input.observations(range), input.options))
            .collect();
        Some(Fitted {
            warnings: Vec::new(),
            unconverged: (0..fits.len()).filter(|&k| !fits[k].converged).collect(),
            iterations: input.options.max_iterations,
            start: None,
            effects: fits
                .into_iter()
                .map(|f| (f.bias, vec![1.0; jurors]))
                .collect(),
        })
    }

    fn juror(&self, of: &JurorScores<'_>, _out: &mut Part<'_>) -> Option<(f64, f64)> {
        Some(of.fitted_map())
    }
}
