//! `zscore`: each juror's scores standardised, then mapped back to the pooled mean and spread
//! of the criterion.

use super::{Corrector, JurorScores, Part};

/// A juror without spread (or a criterion without any) has each score set to the pooled mean.
pub(super) struct Zscore;

impl Corrector for Zscore {
    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        if of.flat() || of.pooled_sd == 0.0 {
            of.no_spread(
                out,
                "zscore sets each of their scores to the pooled mean of the criterion",
            );
            of.set_each(out, of.pooled_mean);
            return None;
        }
        let a = of.sd / of.pooled_sd;
        Some((of.mean - a * of.pooled_mean, a))
    }
}
