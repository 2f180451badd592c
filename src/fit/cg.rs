//! Jacobi-preconditioned conjugate gradients on the juror systems of a design's components,
//! shared by the additive fit and the affine fit's joint step: each component has its own
//! step sizes and stopping test, and they share the passes over the scores.

use super::components::NONE;
use super::design::Design;

/// `S y` for the components in the mask, per juror.
pub(super) type Apply<'a> = &'a dyn Fn(&[f64], &[bool]) -> Vec<f64>;

/// One solve: the juror system `S x = g` of the components still `going`, from the residual
/// `r = g − S x` of the start `x`.
pub(super) struct Solve<'a> {
    /// `S y` for the components in the mask (one pass over their scores).
    pub(super) apply: Apply<'a>,
    /// The inverse of the diagonal of `S` (0 where it is not positive).
    pub(super) minv: &'a [f64],
    /// A component stops once `r · r` is at most its entry.
    pub(super) enough: &'a [f64],
    /// Most steps.
    pub(super) max_steps: usize,
}

/// Runs the solve, updating `x` and `r`; returns the steps taken and the components still
/// going (stopped at `max_steps`). A component also stops when no descent direction is left:
/// for these consistent positive semi-definite systems, only once its residual is at the
/// rounding level.
pub(super) fn solve(
    d: &Design,
    s: &Solve<'_>,
    mut going: Vec<bool>,
    x: &mut [f64],
    r: &mut [f64],
) -> (usize, Vec<bool>) {
    let nc = d.n_comps;
    let on = |j: usize, live: &[bool]| d.juror_comp[j] != NONE && live[d.juror_comp[j] as usize];
    let comp_dot = |a: &[f64], b: &[f64], live: &[bool]| {
        d.comp_sum(true, |j| if on(j, live) { a[j] * b[j] } else { 0.0 })
    };
    let mut z: Vec<f64> = r.iter().zip(s.minv).map(|(r, m)| r * m).collect();
    let mut dir = z.clone();
    let mut rz = comp_dot(r, &z, &going);
    let mut steps = 0;
    while going.contains(&true) && steps < s.max_steps {
        steps += 1;
        let q = (s.apply)(&dir, &going);
        let dq = comp_dot(&dir, &q, &going);
        let alpha: Vec<f64> = (0..nc)
            .map(|c| if dq[c] > 0.0 { rz[c] / dq[c] } else { 0.0 })
            .collect();
        for c in 0..nc {
            if going[c] && !(dq[c] > 0.0 && alpha[c].is_finite()) {
                going[c] = false;
            }
        }
        for j in (0..d.n_jurors).filter(|&j| on(j, &going)) {
            let a = alpha[d.juror_comp[j] as usize];
            x[j] += a * dir[j];
            r[j] -= a * q[j];
        }
        let rr = comp_dot(r, r, &going);
        for c in 0..nc {
            going[c] = going[c] && rr[c] > s.enough[c];
        }
        for j in (0..d.n_jurors).filter(|&j| on(j, &going)) {
            z[j] = r[j] * s.minv[j];
        }
        let rz_new = comp_dot(r, &z, &going);
        for j in (0..d.n_jurors).filter(|&j| on(j, &going)) {
            let c = d.juror_comp[j] as usize;
            dir[j] = z[j] + rz_new[c] / rz[c] * dir[j];
        }
        for c in (0..nc).filter(|&c| going[c]) {
            rz[c] = rz_new[c];
        }
    }
    (steps, going)
}
