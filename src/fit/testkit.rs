//! Helpers shared by the tests of the fits: a seeded generator, random sparse designs,
//! solver settings, and comparisons of fitted vectors.

use proptest::prelude::*;

use super::{AffineOptions, FitOptions, Observation, Solver};

/// xorshift64*: a tiny seeded generator for test designs.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `[lo, hi)`.
    pub(super) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Roughly standard normal (sum of 12 uniforms).
    pub(super) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform(0.0, 1.0)).sum::<f64>() - 6.0
    }
    pub(super) fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            x.swap(i, self.below(i + 1));
        }
    }
}

/// Each proposal read by `reviews` distinct random jurors: (juror, proposal) pairs.
pub(super) fn sparse_design(
    rng: &mut Rng,
    nj: usize,
    np: usize,
    reviews: usize,
) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    let mut jurors: Vec<u32> = (0..nj as u32).collect();
    for p in 0..np as u32 {
        for r in 0..reviews {
            let k = r + rng.below(nj - r);
            jurors.swap(r, k);
            pairs.push((jurors[r], p));
        }
    }
    pairs
}

pub(super) fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

pub(super) fn assert_close(what: &str, a: &[f64], b: &[f64], tol: f64) {
    let d = max_diff(a, b);
    assert!(
        d <= tol,
        "{what}: max difference {d:e} > {tol:e}\n{a:?}\n{b:?}"
    );
}

/// The gradient, in (scale, bias, value), of one criterion's documented affine objective
/// `Σ w (score − a_j v_p − b_j)² + κ w̄ σ²(v) Σ_j (a_j − 1)²` (`w̄` the mean weight per score,
/// `σ²(v)` the weighted variance of the values over the scores), written out term by term
/// here rather than taken from the fit.
pub(super) fn affine_gradient(
    obs: &[Observation],
    (a, b, v): (&[f64], &[f64], &[f64]),
    kappa: f64,
) -> [Vec<f64>; 3] {
    let (nj, np) = (a.len(), v.len());
    let (mut gw, mut gd, mut n) = (0.0, vec![0.0; np], 0.0);
    let (mut ga, mut gb, mut gv) = (vec![0.0; nj], vec![0.0; nj], vec![0.0; np]);
    for o in obs {
        let (j, p, w) = (o.juror as usize, o.proposal as usize, o.weight);
        let r = o.score - a[j] * v[p] - b[j];
        gb[j] -= 2.0 * w * r;
        ga[j] -= 2.0 * w * r * v[p];
        gv[p] -= 2.0 * w * r * a[j];
        gw += w;
        gd[p] += w;
        n += o.count;
    }
    let mean = gd.iter().zip(v).map(|(d, v)| d * v).sum::<f64>() / gw;
    let var = gd
        .iter()
        .zip(v)
        .map(|(d, v)| d * (v - mean).powi(2))
        .sum::<f64>()
        / gw;
    let wbar = gw / n;
    let spread: f64 = a.iter().map(|a| (a - 1.0).powi(2)).sum();
    for j in 0..nj {
        ga[j] += 2.0 * kappa * wbar * var * (a[j] - 1.0);
    }
    for p in 0..np {
        gv[p] += kappa * wbar * spread * 2.0 * gd[p] * (v[p] - mean) / gw;
    }
    [ga, gb, gv]
}

pub(super) fn counts(nj: usize, obs: &[Observation]) -> Vec<f64> {
    let mut n = vec![0.0; nj];
    obs.iter().for_each(|o| n[o.juror as usize] += 1.0);
    n
}

pub(super) fn additive_opts(solver: Solver) -> FitOptions {
    FitOptions {
        tolerance: 1e-13,
        max_iterations: 10_000,
        solver,
    }
}

pub(super) fn affine_opts(shrinkage: f64) -> AffineOptions {
    AffineOptions {
        shrinkage,
        min_scale: 0.1,
        min_proposals: 0,
        fit: FitOptions {
            tolerance: 1e-13,
            max_iterations: 100_000,
            solver: Solver::Auto,
        },
    }
}

prop_compose! {
    /// A small random design: scores on random (juror, proposal) pairs, possibly split
    /// into several components, with duplicates and random weights.
    pub(super) fn small_design()(nj in 2usize..7, np in 2usize..12)
        (obs in prop::collection::vec(
            (0..nj as u32, 0..np as u32, -5.0f64..5.0, 0.1f64..3.0), 1..40),
         nj in Just(nj), np in Just(np)) -> (usize, usize, Vec<Observation>) {
        let obs = obs.into_iter()
            .map(|(juror, proposal, score, weight)| Observation { juror, proposal, score, weight, count: 1.0 })
            .collect();
        (nj, np, obs)
    }
}
