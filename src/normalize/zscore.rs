//! `zscore`: each juror's scores standardised, then mapped back to the pooled mean and spread
//! of the criterion.

use super::{Corrector, JurorScores, Part};

/// A juror without spread (or a criterion without any) has each score set to the pooled mean.
pub(super) struct Zscore;

impl Corrector for Zscore {
    fn uses_pooled(&self) -> bool {
        true
    }

    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        let (pooled_mean, pooled_sd) = of.pooled();
        if of.flat() || pooled_sd == 0.0 {
            of.no_spread(
                out,
                "zscore sets each of their scores to the pooled mean of the criterion",
            );
            of.set_each(out, pooled_mean);
            return None;
        }
        let a = of.sd / pooled_sd;
        Some((of.mean - a * pooled_mean, a))
    }
}
