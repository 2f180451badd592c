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
