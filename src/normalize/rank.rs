//! `rank`: each juror's scores turned into mid-rank percentiles, placed on the scale as
//! `min + (max − min) × (rank − ½) / n`.

use super::{Corrector, JurorScores, Part};

/// Sets each score itself (no affine map); a juror without spread has every score at the
/// middle percentile.
pub(super) struct Rank;

impl Corrector for Rank {
    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)> {
        if of.flat() {
            of.no_spread(out, "rank gives each of their scores the middle percentile");
        }
        let scale = of.criterion.scale;
        // Mid-ranks over the juror's scores, each counted as often as it is: the scores
        // sorted, with the running total of counts before each.
        let mut sorted: Vec<(f64, f64)> =
            of.mine.iter().map(|&i| (of.raw(i), of.count(i))).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut before = Vec::with_capacity(sorted.len() + 1);
        before.push(0.0);
        for (_, k) in &sorted {
            before.push(before.last().unwrap_or(&0.0) + k);
        }
        let n = before[sorted.len()];
        for &i in of.mine {
            let x = of.raw(i);
            let below = before[sorted.partition_point(|v| v.0 < x)];
            let equal = before[sorted.partition_point(|v| v.0 <= x)] - below;
            let midrank = below + (equal + 1.0) / 2.0;
            out.set(i, scale.min + scale.width() * (midrank - 0.5) / n);
        }
        None
    }
}
