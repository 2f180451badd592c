//! `ratio`: each score divided by the juror's mean, times the pooled mean.

use super::{Corrector, JurorScores, Part};
use crate::rubric::Criterion;
use crate::util::number::number;
use crate::warnings::Warning;

/// A juror whose mean, or whose criterion's pooled mean, is 0 or below keeps their scores raw,
/// reported as [`Warning::RatioUndefined`]; a scale reaching below 0 is reported once per
/// criterion as [`Warning::RatioOnSignedScale`].
pub(super) struct Ratio;

impl Corrector for Ratio {
    fn check_criterion(&self, criterion: &Criterion, warnings: &mut Vec<Warning>) {
        if criterion.scale.min < 0.0 {
            warnings.push(Warning::RatioOnSignedScale {
                criterion: criterion.id.clone(),
                min: number(criterion.scale.min),
            });
        }
    }

    fn uses_pooled(&self) -> bool {
        true
    }

    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        let (pooled_mean, _) = of.pooled();
        if of.mean <= 0.0 || pooled_mean <= 0.0 {
            // Not a matter of spread: the juror's scores may well differ.
            out.warnings.push(Warning::RatioUndefined {
                juror: of.award.jurors().id(of.juror).to_string(),
                criterion: of.criterion.id.clone(),
                mean: number(of.mean),
                pooled_mean: number(pooled_mean),
            });
            return Some((0.0, 1.0));
        }
        Some((0.0, of.mean / pooled_mean))
    }
}
