//! The per-component passes of the affine fits' sweeps over jurors and proposals: the values'
//! moments, and the gauge step.

use super::super::components::NONE;
use super::super::design::{add_by_component, Design};
use crate::util::spare;

/// Two sums per component and the gauge step's scale `s` and shift `t`, kept from one sweep
/// to the next for their allocations (taken from the thread's spares, and given back).
pub(super) struct ComponentSums {
    /// Component `c`'s two sums at `2c` and `2c + 1`.
    pairs: Vec<f64>,
    scale: Vec<f64>,
    shift: Vec<f64>,
}

impl Default for ComponentSums {
    fn default() -> ComponentSums {
        ComponentSums {
            pairs: spare::take(),
            scale: spare::take(),
            shift: spare::take(),
        }
    }
}

impl Drop for ComponentSums {
    fn drop(&mut self) {
        spare::keep_all([&mut self.pairs, &mut self.scale, &mut self.shift]);
    }
}

impl ComponentSums {
    /// `Σ x(i).0` and `Σ x(i).1` over each component's jurors (if `jurors`) or proposals, in
    /// index order, into `pairs`.
    fn sum(&mut self, d: &Design, jurors: bool, x: impl Fn(usize) -> (f64, f64)) {
        let comp = if jurors {
            &d.juror_comp
        } else {
            &d.proposal_comp
        };
        self.pairs.clear();
        self.pairs.resize(2 * d.n_comps, 0.0);
        add_by_component(
            comp,
            |i, _| {
                let (x, y) = x(i);
                Some([x, y])
            },
            &mut self.pairs,
        );
    }

    /// Component `c`'s two sums.
    fn of(&self, c: usize) -> (f64, f64) {
        (self.pairs[2 * c], self.pairs[2 * c + 1])
    }
}

/// Weighted mean and variance of the values over each component's scores, into `mean` and
/// `var`, and each observed proposal's deviation `v[p] − mean` into `dev` (their allocations
/// reused; 0 for a proposal no one read).
pub(super) fn moments(
    d: &Design,
    v: &[f64],
    wsum: &[f64],
    (mean, var, dev): (&mut Vec<f64>, &mut Vec<f64>, &mut Vec<f64>),
) {
    let dp = &d.proposal_weight;
    mean.clear();
    mean.resize(d.n_comps, 0.0);
    add_by_component(&d.proposal_comp, |p, _| Some([dp[p] * v[p]]), mean);
    mean.iter_mut().zip(wsum).for_each(|(s, w)| *s /= w);
    var.clear();
    var.resize(d.n_comps, 0.0);
    dev.clear();
    dev.resize(d.n_proposals, 0.0);
    let m = &mean[..];
    add_by_component(
        &d.proposal_comp,
        |p, c| {
            dev[p] = v[p] - m[c];
            Some([dp[p] * dev[p].powi(2)])
        },
        var,
    );
    var.iter_mut().zip(wsum).for_each(|(s, w)| *s /= w);
}

/// Moves each live component along the model's gauge orbit, which leaves every fitted score
/// unchanged: `value → s·value + t`, `scale → scale / s`, `bias → bias − scale·t/s`, with `s`
/// the mean scale of the identified jurors (1 if none) and `t` making `Σ n_j b_j = 0`.
/// `sums` holds the per-component sums (its allocations reused).
pub(super) fn normalise(
    d: &Design,
    identified: &[bool],
    live: &[bool],
    (a, b, v): (&mut [f64], &mut [f64], &mut [f64]),
    sums: &mut ComponentSums,
) {
    let on = |j: usize| {
        d.juror_comp[j] != NONE
            && live[d.juror_comp[j] as usize]
            && identified.get(j) == Some(&true)
    };
    // With no juror identified (the shared fit's case) every `s` is 1: nothing to rescale.
    let rescale = identified.contains(&true);
    if rescale {
        sums.sum(d, true, |j| if on(j) { (a[j], 1.0) } else { (0.0, 0.0) });
        let ComponentSums { pairs, scale, .. } = &mut *sums;
        scale.clear();
        scale.extend(pairs.chunks_exact(2).map(|sums| match sums {
            &[sum, ids] if ids > 0.0 => sum / ids,
            _ => 1.0,
        }));
        for (a, &c) in a.iter_mut().zip(&d.juror_comp) {
            if c != NONE && live[c as usize] {
                *a /= sums.scale[c as usize];
            }
        }
    }
    let count = &d.juror_count;
    sums.sum(d, true, |j| (count[j] * b[j], count[j] * a[j]));
    for ((b, &a), &c) in b.iter_mut().zip(&*a).zip(&d.juror_comp) {
        if c != NONE && live[c as usize] {
            let (nb, na) = sums.of(c as usize);
            *b -= a * nb / na;
        }
    }
    // Each component's shift `t`, divided once rather than once a proposal (the same number).
    let ComponentSums {
        pairs,
        scale,
        shift,
    } = &mut *sums;
    shift.clear();
    shift.extend(pairs.chunks_exact(2).map(|p| p[0] / p[1]));
    for (v, &c) in v.iter_mut().zip(&d.proposal_comp) {
        if c != NONE && live[c as usize] {
            let c = c as usize;
            if rescale {
                *v *= scale[c];
            }
            *v += shift[c];
        }
    }
}
