//! One juror's statistics: counts, mean and spread, leniency and scale, reviews, and home
//! residuals.

use super::{Home, JurorDiagnostics};
use crate::aggregate::ProposalValues;
use crate::award::Award;
use crate::normalize::{runs, weighted_mean_sd, Correction, JurorEffect};
use crate::tolerance;

/// Everything about juror `j`, whose valid scores are `mine` (by proposal, then criterion),
/// but the agreement, the flags and the status counts.
pub(super) fn juror(
    award: &Award,
    correction: &Correction,
    values: &[ProposalValues],
    home_attributes: &[String],
    j: usize,
    mine: &[u32],
) -> JurorDiagnostics {
    let scores = award.scores();
    let criteria = &award.rubric().criteria;
    let raw = |i: u32| scores[i as usize].raw().unwrap_or(0.0);
    let mut d = JurorDiagnostics {
        scores: mine.len(),
        ..JurorDiagnostics::default()
    };
    if !mine.is_empty() {
        let (mean, sd) = weighted_mean_sd(mine.iter().map(|&i| (raw(i), 1.0)));
        d.mean = Some(mean);
        d.spread = Some(sd);
    }
    let effects: Vec<&JurorEffect> = (0..criteria.len())
        .map(|c| correction.effect(j, c, criteria.len()))
        .collect();
    d.leniency = weighted(effects.iter().map(|e| (e.scores, e.bias)));
    d.scale = weighted(effects.iter().map(|e| (e.scores, e.scale)));
    // Reviews: runs of one proposal.
    let position = |i: u32| {
        let scale = criteria[scores[i as usize].criterion()].scale;
        (raw(i) - scale.min) / scale.width()
    };
    for run in runs(mine.len(), |k| scores[mine[k] as usize].proposal()) {
        let review = &mine[run];
        d.reviews += 1;
        if review.len() >= 2 {
            d.multi_reviews += 1;
            let first = position(review[0]);
            if review.iter().all(|&i| tolerance::same(position(i), first)) {
                d.flat_reviews += 1;
            }
        }
    }
    // Home residuals.
    let proposals = award.proposals();
    d.home = home_attributes
        .iter()
        .map(|a| {
            let Some(value) = award.jurors().attribute(j, a) else {
                return Home::default();
            };
            let (mut n, mut sum, mut sum_share) = (0usize, 0.0, 0.0);
            for &i in mine {
                let s = &scores[i as usize];
                if proposals.attribute(s.proposal(), a) != Some(value) {
                    continue;
                }
                let Some(v) = values[s.proposal()].values[s.criterion()] else {
                    continue;
                };
                let residual = correction.corrected[i as usize] - v;
                n += 1;
                sum += residual;
                sum_share += residual / criteria[s.criterion()].scale.width();
            }
            let mean = |x: f64| (n > 0).then(|| x / n as f64).filter(|x| x.is_finite());
            Home {
                scores: n,
                residual: mean(sum),
                share: mean(sum_share),
            }
        })
        .collect();
    d
}

/// The mean of the values, weighted by the counts; `None` when no count has a value.
fn weighted(items: impl Iterator<Item = (usize, Option<f64>)>) -> Option<f64> {
    let (mut k, mut sum) = (0usize, 0.0);
    for (n, x) in items {
        if let Some(x) = x {
            k += n;
            sum += n as f64 * x;
        }
    }
    (k > 0).then(|| sum / k as f64).filter(|x| x.is_finite())
}
