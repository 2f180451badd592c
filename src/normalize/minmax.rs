//! `minmax`: each juror's used range stretched to the criterion's scale.

use super::{Corrector, JurorScores, Part};

/// A juror who used a single value has each score set to the middle of the scale.
pub(super) struct Minmax;

impl Corrector for Minmax {
    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        let scale = of.criterion.scale;
        let (lo, hi) = of
            .mine
            .iter()
            .map(|&i| of.raw(i))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
        if hi > lo {
            let a = (hi - lo) / scale.width();
            Some((lo - a * scale.min, a))
        } else {
            of.no_spread(
                out,
                "minmax sets each of their scores to the middle of the scale",
            );
            of.set_each(out, (scale.min + scale.max) / 2.0);
            None
        }
    }
}
