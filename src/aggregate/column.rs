//! The mean aggregate and every aggregate's spread: each criterion's per-proposal weighted
//! means and population standard deviations, in one pass over its scores.

use crate::award::index::Runs;
use crate::award::Award;
use crate::util::spare;

/// One criterion's cells, from its valid scores read in the award's order, which lists each
/// cell's jurors in ascending order: the sums are taken in the same order as over a list of
/// the cell's scores, so they are the same numbers.
pub(super) struct Column {
    pub(super) criterion: usize,
    /// Per proposal: the mean of the corrected scores weighted by confidence × count.
    pub(super) mean: Vec<f64>,
    /// Per proposal: the count-weighted population standard deviation of the corrected
    /// scores ([`weighted_mean_sd`](crate::util::stats::weighted_mean_sd)).
    pub(super) sd: Vec<f64>,
    /// Per proposal: how many valid scores the cell has.
    pub(super) scores: Vec<u32>,
}

impl Column {
    /// Criterion `c`'s column from the `corrected` scores that are `used`, each weighed by its
    /// confidence × `count`; `once` when every score weighs 1 and counts once.
    pub(super) fn new(
        award: &Award,
        runs: &Runs,
        c: usize,
        once: bool,
        used: impl Fn(usize) -> bool,
        count: impl Fn(usize) -> u32,
        corrected: &[f64],
    ) -> Column {
        let proposals = award.proposals().len();
        let scores = award.scores();
        let range = runs.criterion(c);
        if once {
            return Column::unweighted(award, range, c, used, corrected);
        }
        let valid = || {
            range.clone().filter(|&i| used(i)).map(|i| {
                let k = count(i);
                (
                    scores[i].proposal_index(),
                    corrected[i],
                    k as f64,
                    award.weight(i) * k as f64,
                )
            })
        };
        // Sums start as `Iterator::sum` does, at −0.0, and the count-weighted ones as
        // `weighted_mean_sd`'s fold does, at 0.0.
        let (mut w, mut wx) = (
            spare::filled(proposals, -0.0),
            spare::filled(proposals, -0.0),
        );
        let (mut k, mut kx) = (spare::filled(proposals, 0.0), spare::filled(proposals, 0.0));
        let mut n = vec![0u32; proposals];
        for (p, x, kp, wp) in valid() {
            w[p] += wp;
            wx[p] += x * wp;
            k[p] += kp;
            kx[p] += kp * x;
            n[p] += 1;
        }
        for p in 0..proposals {
            wx[p] /= w[p];
            kx[p] /= k[p];
            w[p] = -0.0;
        }
        let (mean, centre, mut ss) = (wx, kx, w);
        for (p, x, kp, _) in valid() {
            ss[p] += kp * (x - centre[p]) * (x - centre[p]);
        }
        for p in 0..proposals {
            ss[p] = if k[p] <= 0.0 {
                0.0
            } else {
                (ss[p] / k[p]).sqrt()
            };
        }
        spare::keep(k);
        spare::keep(centre);
        Column {
            criterion: c,
            mean,
            sd: ss,
            scores: n,
        }
    }
}

impl Column {
    /// [`Column::new`] when every score weighs 1 and counts once: the weighted sums are the
    /// plain sum and count, taken in the same order, so the same numbers. The weighted mean
    /// starts at −0.0 and the count-weighted one at 0.0: they can differ only in the sign of
    /// a zero, which leaves every (x − mean)² the same, so one sum serves both.
    fn unweighted(
        award: &Award,
        range: std::ops::Range<usize>,
        c: usize,
        used: impl Fn(usize) -> bool,
        corrected: &[f64],
    ) -> Column {
        let proposals = award.proposals().len();
        let scores = award.scores();
        // Per proposal: Σ x (from −0.0, as `Iterator::sum`) and the count.
        let mut sums: Vec<(f64, u32)> = vec![(-0.0, 0); proposals];
        for i in range.clone() {
            if used(i) {
                let cell = &mut sums[scores[i].proposal_index()];
                cell.0 += corrected[i];
                cell.1 += 1;
            }
        }
        let mean = spare::collect(sums.iter().map(|&(x, n)| x / f64::from(n)));
        let mut ss = spare::filled(proposals, -0.0);
        for i in range {
            if used(i) {
                let p = scores[i].proposal_index();
                let d = corrected[i] - mean[p];
                ss[p] += d * d;
            }
        }
        for (ss, &(_, n)) in ss.iter_mut().zip(&sums) {
            *ss = if n == 0 {
                0.0
            } else {
                (*ss / f64::from(n)).sqrt()
            };
        }
        Column {
            criterion: c,
            mean,
            sd: ss,
            scores: sums.into_iter().map(|(_, n)| n).collect(),
        }
    }
}

impl Drop for Column {
    /// Its numbers' vectors go back to the thread's spares (a bootstrap aggregates every
    /// replicate).
    fn drop(&mut self) {
        spare::keep_all([&mut self.mean, &mut self.sd]);
    }
}
