//! Each juror's agreement with the panel: the Pearson correlation of the juror's raw scores
//! with the leave-one-out consensus of the other jurors on the same cells.

use rayon::prelude::*;

use super::cells::Cells;
use super::MIN_AGREEMENT_PAIRS;
use crate::aggregate::Runs;
use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::Correction;
use crate::tolerance;

/// The running sums of one correlation, taken in two passes over the pairs: the means, then
/// the centred sums. [`pearson`] and [`agreements`] share them, so both give the same bits.
#[derive(Clone, Copy, Debug)]
pub(super) struct Correlation {
    n: usize,
    sx: f64,
    sy: f64,
    mx: f64,
    my: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    /// The largest |x| and |y| (at least 1), the sizes a flat side is judged against.
    bx: f64,
    by: f64,
}

impl Correlation {
    fn new() -> Correlation {
        // The sums start where `Iterator::sum` starts, at −0.0.
        Correlation {
            n: 0,
            sx: -0.0,
            sy: -0.0,
            mx: 0.0,
            my: 0.0,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            bx: 1.0,
            by: 1.0,
        }
    }

    /// The first pass: counts and sums.
    fn first(&mut self, x: f64, y: f64) {
        self.n += 1;
        self.sx += x;
        self.sy += y;
    }

    /// Between the passes: the means.
    fn centre(&mut self) {
        let n = self.n as f64;
        self.mx = self.sx / n;
        self.my = self.sy / n;
    }

    /// The second pass: the centred sums, the same pairs in the same order.
    fn second(&mut self, x: f64, y: f64) {
        let (dx, dy) = (x - self.mx, y - self.my);
        self.sxx += dx * dx;
        self.syy += dy * dy;
        self.sxy += dx * dy;
        self.bx = self.bx.max(x.abs());
        self.by = self.by.max(y.abs());
    }

    /// The correlation; `None` with fewer than [`MIN_AGREEMENT_PAIRS`] pairs or when either
    /// side has no spread.
    fn value(&self) -> Option<f64> {
        if self.n < MIN_AGREEMENT_PAIRS {
            return None;
        }
        let n = self.n as f64;
        let flat = |ss: f64, big: f64| (ss / n).sqrt() <= tolerance::TIE * big;
        if flat(self.sxx, self.bx) || flat(self.syy, self.by) {
            return None;
        }
        let r = self.sxy / (self.sxx * self.syy).sqrt();
        r.is_finite().then(|| r.clamp(-1.0, 1.0))
    }
}

/// The Pearson correlation of the pairs; `None` with fewer than [`MIN_AGREEMENT_PAIRS`]
/// pairs or when either side has no spread (a population standard deviation within
/// [`tolerance::TIE`] of zero, relative to the values' size).
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let mut r = Correlation::new();
    for &(x, y) in pairs {
        r.first(x, y);
    }
    if r.n < MIN_AGREEMENT_PAIRS {
        return None;
    }
    r.centre();
    for &(x, y) in pairs {
        r.second(x, y);
    }
    r.value()
}

/// Each juror's (pairs, agreement): their valid scores that another juror also scored, paired
/// with those jurors' mean corrected score, criterion by criterion and proposal by proposal.
///
/// The passes go criterion by criterion over every juror, so that one criterion's cells stay
/// in the cache while they are read; each juror's pairs come in the same order as in a list
/// of them, so the numbers are [`pearson`]'s.
pub(super) fn agreements(
    award: &Award,
    status: &[Status],
    correction: &Correction,
    cells: &Cells,
    runs: &Runs,
) -> Vec<(usize, Option<f64>)> {
    let scores = award.scores();
    let criteria = award.rubric().criteria.len();
    let mut sums = vec![Correlation::new(); award.jurors().len()];
    // Calls `step` with each pair of each juror, criterion by criterion, jurors in parallel.
    let pass = |sums: &mut [Correlation], step: fn(&mut Correlation, f64, f64)| {
        for c in 0..criteria {
            sums.par_iter_mut()
                .enumerate()
                .with_min_len(64)
                .for_each(|(j, r)| {
                    for i in runs.of(c, j).filter(|&i| status[i] == Status::Used) {
                        if let Some(y) = cells.others(award, correction, i) {
                            step(r, scores[i].raw().unwrap_or(0.0), y);
                        }
                    }
                });
        }
    };
    pass(&mut sums, Correlation::first);
    for r in &mut sums {
        if r.n >= MIN_AGREEMENT_PAIRS {
            r.centre();
        }
    }
    pass(&mut sums, |r, x, y| {
        if r.n >= MIN_AGREEMENT_PAIRS {
            r.second(x, y);
        }
    });
    sums.iter().map(|r| (r.n, r.value())).collect()
}
