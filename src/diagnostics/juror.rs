//! One juror's statistics: counts, mean and spread, leniency and scale, agreement with the
//! leave-one-out consensus, reviews, and home residuals.

use std::ops::Range;

use super::cells::Cells;
use super::{Home, JurorDiagnostics, MIN_AGREEMENT_PAIRS};
use crate::aggregate::ProposalValues;
use crate::award::Award;
use crate::normalize::{Correction, JurorEffect};
use crate::tolerance;
use crate::util::stats::weighted_mean_sd;

/// A juror's valid scores, by proposal, then criterion, and their reviews: the runs of
/// `mine` on one proposal, in order.
pub(super) struct Scores<'a> {
    pub(super) mine: &'a [u32],
    pub(super) reviews: &'a [Range<usize>],
}

/// Everything about juror `j`, whose valid scores and reviews are `theirs`, but the flags
/// and the status counts.
pub(super) fn juror(
    award: &Award,
    correction: &Correction,
    values: &[ProposalValues],
    cells: &Cells,
    home_attributes: &[String],
    j: usize,
    theirs: &Scores<'_>,
) -> JurorDiagnostics {
    let mine = theirs.mine;
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
    // Leniency where it matters: what the juror gives a proposal of the criterion's mean
    // value, less that value. The bias alone is the raw score at corrected value 0, off most
    // scales, and mixes in the juror's spread.
    let at_mean = |(e, m): (&&JurorEffect, &f64)| {
        let lenient = match (e.bias, e.scale) {
            (Some(bias), Some(scale)) => Some(bias + (scale - 1.0) * m),
            (bias, _) => bias,
        };
        (e.scores, lenient)
    };
    d.leniency = weighted(effects.iter().zip(cells.means()).map(at_mean));
    d.scale = weighted(effects.iter().map(|e| (e.scores, e.scale)));
    // Agreement with the leave-one-out consensus. The pairs go in the order of `mine`
    // (proposal, then criterion): `pearson`'s sums depend on the order of their terms, and a
    // correlation of exactly 0 can come out on either side of it (which can raise a flag).
    let pairs: Vec<(f64, f64)> = mine
        .iter()
        .filter_map(|&i| {
            let others = cells.others(award, correction, i as usize)?;
            Some((raw(i), others))
        })
        .collect();
    d.pairs = pairs.len();
    d.agreement = pearson(&pairs);
    count_reviews(award, theirs, &mut d);
    d.home = home_attributes
        .iter()
        .map(|a| home(award, correction, values, j, a, mine))
        .collect();
    d
}

/// Counts the juror's reviews into `d`: all of them, those of two scores or more, and those
/// of these whose scores sit at one position on their scales.
fn count_reviews(award: &Award, theirs: &Scores<'_>, d: &mut JurorDiagnostics) {
    let scores = award.scores();
    let criteria = &award.rubric().criteria;
    let raw = |i: u32| scores[i as usize].raw().unwrap_or(0.0);
    let position = |i: u32| {
        let scale = criteria[scores[i as usize].criterion_index()].scale;
        (raw(i) - scale.min) / scale.width()
    };
    for run in theirs.reviews {
        let review = &theirs.mine[run.clone()];
        d.reviews += 1;
        if review.len() >= 2 {
            d.multi_reviews += 1;
            let first = position(review[0]);
            if review.iter().all(|&i| tolerance::same(position(i), first)) {
                d.flat_reviews += 1;
            }
        }
    }
}

/// Juror `j`'s home residuals on `attribute`: over their valid scores `mine` of proposals
/// sharing their value of it (in any letter case) and with a criterion value, the mean of
/// corrected score − criterion value, in score units and as a share of the scale's width.
fn home(
    award: &Award,
    correction: &Correction,
    values: &[ProposalValues],
    j: usize,
    attribute: &str,
    mine: &[u32],
) -> Home {
    let (scores, proposals) = (award.scores(), award.proposals());
    let criteria = &award.rubric().criteria;
    let Some(value) = award.jurors().attribute(j, attribute) else {
        return Home::default();
    };
    let (mut n, mut sum, mut sum_share) = (0usize, 0.0, 0.0);
    for &i in mine {
        let s = &scores[i as usize];
        let theirs = proposals.attribute(s.proposal_index(), attribute);
        if !theirs.is_some_and(|v| crate::util::text::same_ignoring_case(v, value)) {
            continue;
        }
        let Some(v) = values[s.proposal_index()].values[s.criterion_index()] else {
            continue;
        };
        let residual = correction.corrected[i as usize] - v;
        n += 1;
        sum += residual;
        sum_share += residual / criteria[s.criterion_index()].scale.width();
    }
    let mean = |x: f64| (n > 0).then(|| x / n as f64).filter(|x| x.is_finite());
    Home {
        scores: n,
        residual: mean(sum),
        share: mean(sum_share),
    }
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

/// The Pearson correlation of the pairs; `None` with fewer than [`MIN_AGREEMENT_PAIRS`]
/// pairs or when either side has no spread (a population standard deviation within
/// [`tolerance::TIE`] of zero, relative to the values' size).
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < MIN_AGREEMENT_PAIRS {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    let (mut bx, mut by) = (1.0f64, 1.0f64);
    for &(x, y) in pairs {
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
        sxy += (x - mx) * (y - my);
        bx = bx.max(x.abs());
        by = by.max(y.abs());
    }
    let flat = |ss: f64, big: f64| (ss / n).sqrt() <= tolerance::TIE * big;
    if flat(sxx, bx) || flat(syy, by) {
        return None;
    }
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}
