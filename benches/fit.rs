//! Criterion benchmarks of the juror-correction fits on large sparse designs.
//!
//! Designs are generated inline from a fixed seed: each proposal is read by `reviews` distinct
//! jurors drawn at random, and scores follow `scale × value + bias + noise`.

use criterion::{criterion_group, criterion_main, Criterion};
use jury::advanced::fit::{
    fit_additive, fit_affine, fit_affine_pooled, fit_affine_shared, AffineOptions, FitOptions,
    Observation,
};
use jury::advanced::normalize::{AFFINE_MIN_PROPOSALS, AFFINE_SHRINKAGE};
use std::hint::black_box;
use std::time::Duration;

/// xorshift64*: a tiny seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// Draws `reviews` distinct jurors of `jurors` into `chosen`.
fn readers(rng: &mut Rng, jurors: usize, reviews: usize, chosen: &mut Vec<u32>) {
    chosen.clear();
    while chosen.len() < reviews {
        let j = (rng.next() % jurors as u64) as u32;
        if !chosen.contains(&j) {
            chosen.push(j);
        }
    }
}

/// A sparse design of `proposals × reviews` scores from `jurors` jurors.
fn design(jurors: usize, proposals: usize, reviews: usize, seed: u64) -> Vec<Observation> {
    let mut rng = Rng(seed);
    let scale: Vec<f64> = (0..jurors).map(|_| 0.6 + rng.uniform()).collect();
    let bias: Vec<f64> = (0..jurors).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let mut obs = Vec::with_capacity(proposals * reviews);
    let mut chosen = Vec::with_capacity(reviews);
    for p in 0..proposals as u32 {
        let value = 3.0 + rng.normal();
        readers(&mut rng, jurors, reviews, &mut chosen);
        for &j in &chosen {
            let (a, b) = (scale[j as usize], bias[j as usize]);
            obs.push(Observation::new(j, p, a * value + b + 0.5 * rng.normal()));
        }
    }
    obs
}

/// `criteria` criteria of `proposals × reviews` scores each, read by the same jurors on every
/// criterion, each juror with one scale and bias throughout (the design of a real award,
/// fitted by the pooled affine fit).
fn criteria_design(
    jurors: usize,
    proposals: usize,
    reviews: usize,
    criteria: usize,
    seed: u64,
) -> Vec<Vec<Observation>> {
    let mut rng = Rng(seed);
    let scale: Vec<f64> = (0..jurors).map(|_| 0.6 + rng.uniform()).collect();
    let bias: Vec<f64> = (0..jurors).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let mut out = vec![Vec::with_capacity(proposals * reviews); criteria];
    let mut chosen = Vec::with_capacity(reviews);
    for p in 0..proposals as u32 {
        let quality = 3.0 + rng.normal();
        readers(&mut rng, jurors, reviews, &mut chosen);
        for obs in out.iter_mut() {
            let value = quality + 0.5 * rng.normal();
            for &j in &chosen {
                let (a, b) = (scale[j as usize], bias[j as usize]);
                obs.push(Observation::new(j, p, a * value + b + 0.5 * rng.normal()));
            }
        }
    }
    out
}

fn one_million(c: &mut Criterion) {
    let (jurors, proposals) = (2_000, 200_000);
    let obs = design(jurors, proposals, 5, 2016);
    let additive = FitOptions::default();
    let affine = AffineOptions::default();
    let fit = fit_additive(jurors, proposals, &obs, &additive);
    eprintln!(
        "additive 1M: {} iterations, converged {}",
        fit.iterations, fit.converged
    );
    let fit = fit_affine(jurors, proposals, &obs, &affine);
    eprintln!(
        "affine 1M: {} sweeps, converged {}",
        fit.iterations, fit.converged
    );

    let mut group = c.benchmark_group("fit_1M");
    group.sample_size(10);
    group.bench_function("additive", |b| {
        b.iter(|| fit_additive(jurors, proposals, black_box(&obs), &additive))
    });
    group.bench_function("affine", |b| {
        b.iter(|| fit_affine(jurors, proposals, black_box(&obs), &affine))
    });
    // The same million scores as 5 criteria of 200k: with one scale per juror, as
    // `Method::Affine` fits an award, pooled, and each criterion on its own for comparison.
    let proposals = proposals / 5;
    let criteria = criteria_design(jurors, proposals, 5, 5, 2018);
    let fit = fit_affine_pooled(jurors, proposals, &criteria, &affine);
    eprintln!(
        "affine pooled 5 × 200k: {} sweeps, converged {}, omega2 {:?}",
        fit.iterations, fit.converged, fit.omega2
    );
    let method = AffineOptions {
        shrinkage: AFFINE_SHRINKAGE,
        min_proposals: AFFINE_MIN_PROPOSALS,
        ..AffineOptions::default()
    };
    let fit = fit_affine_shared(jurors, proposals, &criteria, &method);
    eprintln!(
        "affine shared 5 × 200k: {} sweeps, converged {}",
        fit.iterations, fit.converged
    );
    group.bench_function("affine_shared_5_criteria", |b| {
        b.iter(|| fit_affine_shared(jurors, proposals, black_box(&criteria), &method))
    });
    group.bench_function("affine_pooled_5_criteria", |b| {
        b.iter(|| fit_affine_pooled(jurors, proposals, black_box(&criteria), &affine))
    });
    group.bench_function("affine_5_criteria_separately", |b| {
        b.iter(|| {
            (criteria.iter())
                .map(|obs| fit_affine(jurors, proposals, black_box(obs), &affine))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn ten_million(c: &mut Criterion) {
    let (jurors, proposals) = (4_000, 400_000);
    let obs = design(jurors, proposals, 25, 2017);
    let additive = FitOptions::default();
    let fit = fit_additive(jurors, proposals, &obs, &additive);
    eprintln!(
        "additive 10M: {} iterations, converged {}",
        fit.iterations, fit.converged
    );

    let mut group = c.benchmark_group("fit_10M");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("additive", |b| {
        b.iter(|| fit_additive(jurors, proposals, black_box(&obs), &additive))
    });
    group.finish();
}

/// Issue 20's sparse design: 10,000 jurors, 5,000 proposals read 4 times on 3 criteria
/// (60,000 scores), so that each juror reads about two proposals. `affine` as the method fits
/// it (one scale per juror, jurors with fewer than 5 proposals held at 1), beside `additive`
/// as the method fits it (each criterion on its own), in the same run.
fn sparse_10k(c: &mut Criterion) {
    let (jurors, proposals) = (10_000, 5_000);
    let criteria = criteria_design(jurors, proposals, 4, 3, 2020);
    let additive = FitOptions::default();
    let affine = AffineOptions {
        shrinkage: AFFINE_SHRINKAGE,
        min_proposals: AFFINE_MIN_PROPOSALS,
        ..AffineOptions::default()
    };
    let fit = fit_affine_shared(jurors, proposals, &criteria, &affine);
    eprintln!(
        "affine sparse 10k: {} sweeps, converged {}, {} of {jurors} jurors held",
        fit.iterations,
        fit.converged,
        fit.held.iter().filter(|&&h| h).count()
    );
    let mut group = c.benchmark_group("fit_sparse_10k");
    group.sample_size(10);
    group.bench_function("additive", |b| {
        b.iter(|| {
            (criteria.iter())
                .map(|obs| fit_additive(jurors, proposals, black_box(obs), &additive))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("affine", |b| {
        b.iter(|| fit_affine_shared(jurors, proposals, black_box(&criteria), &affine))
    });
    group.finish();
}

criterion_group!(benches, sparse_10k, one_million, ten_million);
criterion_main!(benches);
