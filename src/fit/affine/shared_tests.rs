//! Tests of the shared-scale affine fit: one scale per juror recovered from noise-free data,
//! unanimity kept on complete designs, held jurors giving the additive fit, and convergence
//! on a sparse design.

use proptest::prelude::*;

use crate::fit::testkit::{affine_gradient, affine_opts, assert_close, sparse_design, Rng};
use crate::fit::{
    components, fit_additive, fit_affine_shared, AffineOptions, Designs, Observation,
};

/// Every juror scores every proposal on `nc` criteria: `scale[j] × value[p][c] + bias[j][c]`.
fn complete(scale: &[f64], bias: &[Vec<f64>], value: &[Vec<f64>]) -> Vec<Vec<Observation>> {
    let nc = value[0].len();
    (0..nc)
        .map(|c| {
            let mut obs = Vec::new();
            for (p, v) in value.iter().enumerate() {
                for (j, a) in scale.iter().enumerate() {
                    obs.push(Observation::new(j as u32, p as u32, a * v[c] + bias[j][c]));
                }
            }
            obs
        })
        .collect()
}

#[test]
fn noise_free_data_give_each_jurors_one_scale_back() {
    // Scales 0.5, 1, 1.5, 3 (mean 1.5): identified as 1/3, 2/3, 1, 2 (mean 1).
    let scale = [0.5, 1.0, 1.5, 3.0];
    let bias: Vec<Vec<f64>> = (0..4).map(|j| vec![j as f64, -(j as f64), 0.5]).collect();
    let value: Vec<Vec<f64>> = (0..6)
        .map(|p| vec![p as f64, (p * p) as f64 / 4.0, 5.0 - p as f64])
        .collect();
    let fit = fit_affine_shared(4, 6, &complete(&scale, &bias, &value), &affine_opts(0.0));
    assert!(fit.converged);
    assert_close(
        "scales",
        &fit.scale,
        &[1.0 / 3.0, 2.0 / 3.0, 1.0, 2.0],
        1e-9,
    );
    for c in &fit.criteria {
        assert_eq!(c.scale, fit.scale);
    }
    assert_eq!(fit.held, vec![false; 4]);
}

#[test]
fn a_juror_who_read_too_few_proposals_is_held_and_the_rest_is_additive() {
    // Every juror read 6 proposals; with min_proposals 7 all are held: scale 1, and the
    // biases and values of the additive fit of each criterion.
    let scale = [0.5, 1.0, 2.0];
    let bias: Vec<Vec<f64>> = (0..3).map(|j| vec![j as f64, 1.0]).collect();
    let value: Vec<Vec<f64>> = (0..6).map(|p| vec![p as f64, (p % 3) as f64]).collect();
    let mut obs = complete(&scale, &bias, &value);
    obs.iter_mut().for_each(|c| c.truncate(c.len() - 1)); // juror 2 misses P5's scores
    let opts = AffineOptions {
        min_proposals: 7,
        ..affine_opts(5.0)
    };
    let fit = fit_affine_shared(3, 6, &obs, &opts);
    assert!(fit.converged);
    assert_eq!(fit.held, vec![true; 3]);
    assert_eq!(fit.scale, vec![1.0; 3]);
    for (c, o) in fit.criteria.iter().zip(&obs) {
        let add = fit_additive(3, 6, o, &opts.fit);
        assert_close("biases", &c.bias, &add.bias, 1e-9);
        assert_close("values", &c.value, &add.value, 1e-9);
    }
    // With 6 as the minimum, juror 2 (5 proposals) alone is held.
    let opts = AffineOptions {
        min_proposals: 6,
        ..opts
    };
    let fit = fit_affine_shared(3, 6, &obs, &opts);
    assert_eq!(fit.held, vec![false, false, true]);
    assert_eq!(fit.scale[2], 1.0);
    assert!(
        (fit.scale[0] + fit.scale[1] - 2.0).abs() < 1e-12,
        "{:?} {} {}",
        fit.scale,
        fit.converged,
        fit.iterations
    );
}

proptest! {
    #![proptest_config(crate::testkit::cases(256))]
    /// On a complete design (every juror scores every proposal on every criterion), the
    /// corrected weighted totals `Σ_c w_c mean_j (y − b[j,c]) / a[j]` never reverse a pair
    /// that every juror's raw weighted total orders strictly: their difference is
    /// `mean_j (Σ_c w_c Δy[j,c]) / a[j]`, a mean of positive numbers (docs/methods.md,
    /// "Unanimity"). Scores in half points on 0–5, as on the Horizon Europe scale.
    #[test]
    fn one_scale_per_juror_never_reverses_a_unanimous_order(
        nj in 2usize..7, np in 2usize..7, seed in 1u64..u64::MAX,
        weights in prop::collection::vec(prop::sample::select(vec![1.0, 1.5, 2.0]), 3),
    ) {
        let mut rng = Rng(seed);
        let y: Vec<Vec<Vec<f64>>> = (0..3)
            .map(|_| (0..np).map(|_| (0..nj).map(|_| rng.below(11) as f64 / 2.0).collect()).collect())
            .collect();
        let obs: Vec<Vec<Observation>> = y
            .iter()
            .map(|c| {
                let mut o = Vec::new();
                for (p, row) in c.iter().enumerate() {
                    for (j, x) in row.iter().enumerate() {
                        o.push(Observation::new(j as u32, p as u32, *x));
                    }
                }
                o
            })
            .collect();
        let fit = fit_affine_shared(nj, np, &obs, &affine_opts(5.0));
        prop_assert!(fit.scale.iter().all(|&a| a > 0.0));
        let total = |p: usize| -> f64 {
            (0..3)
                .map(|c| {
                    let f = &fit.criteria[c];
                    let mean = (0..nj).map(|j| (y[c][p][j] - f.bias[j]) / f.scale[j]).sum::<f64>();
                    weights[c] * mean / nj as f64
                })
                .sum()
        };
        let raw = |j: usize, p: usize| (0..3).map(|c| weights[c] * y[c][p][j]).sum::<f64>();
        for a in 0..np {
            for b in 0..np {
                if (0..nj).all(|j| raw(j, a) > raw(j, b)) {
                    prop_assert!(total(a) > total(b), "{a} {b}: {} {}", total(a), total(b));
                }
            }
        }
    }
}

/// `nc` criteria on the sparse design of `nj` jurors, `np` proposals and `reviews` reads a
/// proposal (readers drawn at random, so most jurors read about `np × reviews / nj`
/// proposals): scores `scale × value + bias + N(0, 0.5)`, one scale and bias per juror.
pub(crate) fn sparse(nj: usize, np: usize, reviews: usize, nc: usize) -> Vec<Vec<Observation>> {
    let mut rng = Rng(20);
    let pairs = sparse_design(&mut rng, nj, np, reviews);
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.6, 1.6)).collect();
    let bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let value: Vec<f64> = (0..np).map(|_| 3.0 + rng.normal()).collect();
    (0..nc)
        .map(|_| {
            pairs
                .iter()
                .map(|&(j, p)| {
                    let (j, pu) = (j as usize, p as usize);
                    let x = scale[j] * (value[pu] + 0.5 * rng.normal()) + bias[j];
                    Observation::new(j as u32, p, x + 0.5 * rng.normal())
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_sparse_design_of_jurors_reading_about_two_proposals_converges_in_few_sweeps() {
    // 1,000 jurors, 500 proposals read 4 times, 3 criteria (6,000 scores): the design of
    // issue 20 at a tenth of its size. With the `affine` method's settings most jurors are
    // held (they read fewer than 5 proposals). Before the shared scales, the hold and the
    // extrapolation, the full-size design stopped at the cap of 1,000 sweeps; without the
    // extrapolation this one took 60.
    let obs = sparse(1_000, 500, 4, 3);
    let opts = AffineOptions {
        shrinkage: 5.0,
        min_proposals: 5,
        ..AffineOptions::default()
    };
    let fit = fit_affine_shared(1_000, 500, &obs, &opts);
    assert!(fit.converged);
    assert!(fit.iterations <= 30, "{} sweeps", fit.iterations);
    let held = fit.held.iter().filter(|&&h| h).count();
    assert!((700..900).contains(&held), "{held}");
    // Where it stopped is a stationary point of the documented objective (the sum of the
    // criteria's, gradients written out independently in testkit): every bias and value
    // gradient is 0, and every fitted scale's summed gradient is one number (the multiplier
    // of the mean-1 constraint; no scale is at the floor here).
    assert_eq!(components(1_000, 500, &obs[0]).count, 1);
    let mut ga = vec![0.0; 1_000];
    for (c, o) in fit.criteria.iter().zip(&obs) {
        let [a, b, v] = affine_gradient(o, (&c.scale, &c.bias, &c.value), 5.0);
        assert!(
            b.iter().chain(&v).all(|g| g.abs() < 1e-6),
            "criterion gradient"
        );
        ga.iter_mut().zip(a).for_each(|(s, g)| *s += g);
    }
    let free: Vec<f64> = (0..1_000)
        .filter(|&j| !fit.held[j] && fit.scale[j] != 1.0)
        .map(|j| ga[j])
        .collect();
    assert!(free.len() > 50, "{}", free.len());
    let (lo, hi) = free
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &g| (l.min(g), h.max(g)));
    assert!(hi - lo < 1e-6, "scale gradients from {lo} to {hi}");
    assert!(fit.scale.iter().all(|&a| a > 0.1));
}

#[test]
fn a_large_fit_is_the_same_on_any_thread_count_and_built_either_way() {
    // 3 criteria × 7,000 scores: above the size from which the criteria are built and
    // stepped in parallel.
    let mut rng = Rng(29);
    let (nj, np) = (300, 1750);
    let pairs = sparse_design(&mut rng, nj, np, 4);
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.5, 2.0)).collect();
    let criteria: Vec<Vec<Observation>> = (0..3)
        .map(|_| {
            let value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
            let bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
            (pairs.iter())
                .map(|&(j, p)| {
                    let (j, p) = (j as usize, p as usize);
                    let y = scale[j] * value[p] + bias[j] + 0.3 * rng.normal();
                    Observation::new(j as u32, p as u32, y)
                })
                .collect()
        })
        .collect();
    let opts = AffineOptions {
        min_proposals: 5,
        ..affine_opts(5.0)
    };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            (
                fit_affine_shared(nj, np, &criteria, &opts),
                Designs::new(nj, np, criteria.iter().cloned()).fit(&opts, None),
            )
        })
    };
    let (one, from_one) = run(1);
    assert!(one.iterations > 1, "the sweeps are exercised");
    assert_eq!(one, from_one, "from the designs or from the lists");
    let (two, from_two) = run(2);
    assert_eq!(one, two);
    assert_eq!(one, from_two);
}

/// The rigid assignment of the 1M-score bench award (`benches/score.rs`) at a tenth of its
/// jurors: review `r` of proposal `p` by juror `(7p + 41r) mod 200` (41 × 5 ≡ 5, so the juror
/// graph is nearly a ring of steps of 5), integer scores 1–5 from a quality 0–4 and a step of
/// −1, 0 or +1, like the bench's.
fn ring(proposals: usize, criteria: usize) -> Vec<Vec<Observation>> {
    let mut rng = Rng(0x2016);
    let mut obs = vec![Vec::new(); criteria];
    for p in 0..proposals {
        let quality = rng.below(5) as i64;
        for r in 0..4 {
            let j = (p * 7 + r * 41) % 200;
            for c in obs.iter_mut() {
                let s = (quality + rng.below(3) as i64 - 1).clamp(0, 4) + 1;
                c.push(Observation::new(j as u32, p as u32, s as f64));
            }
        }
    }
    obs
}

#[test]
fn a_nearly_ring_design_converges() {
    // The bench award of this pattern (2,000 jurors, 1M scores) stopped unconverged after
    // 1,000 sweeps, 41 s, when each joint step had at most 5 conjugate-gradient steps; the
    // cap now doubles after a slow step.
    let obs = ring(4_000, 3);
    let opts = AffineOptions {
        shrinkage: 5.0,
        min_proposals: 5,
        ..AffineOptions::default()
    };
    let fit = fit_affine_shared(200, 4_000, &obs, &opts);
    // Here 65 sweeps; 216 with the cap held at 5 (measured by setting `joint::MOST_STEPS`
    // to 5).
    assert!(
        fit.converged && fit.iterations <= 100,
        "{} sweeps",
        fit.iterations
    );
}

/// Panels of `per` jurors, each reading 3 of its panel's `props` proposals in turn, joined
/// only by `chairs` jurors who each read one proposal of every panel; `nc` criteria of integer
/// scores 1 to 5 from jurors of scale U(0.6, 1.6) and bias U(−1, 1) on values N(3, 1), noise
/// 0.5 (a design of the review of 2026-12-06, issue 19).
fn chained(
    seed: u64,
    (panels, per, chairs, props): (usize, usize, usize, usize),
    nc: usize,
) -> Vec<Vec<Observation>> {
    let mut rng = Rng(seed);
    let mut reviews = Vec::new();
    for panel in 0..panels {
        for p in panel * props..(panel + 1) * props {
            let first = rng.below(per);
            for r in 0..3 {
                reviews.push((panel * per + (first + r) % per, p));
            }
        }
        for c in 0..chairs {
            reviews.push((panels * per + c, panel * props + c));
        }
    }
    let nj = panels * per + chairs;
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.6, 1.6)).collect();
    let bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
    (0..nc)
        .map(|_| {
            let q: Vec<f64> = (0..panels * props).map(|_| 3.0 + rng.normal()).collect();
            let score = |j: usize, p: usize, e: f64| {
                (scale[j] * (q[p] - 3.0) + 3.0 + bias[j] + 0.5 * e)
                    .clamp(1.0, 5.0)
                    .round()
            };
            (reviews.iter())
                .map(|&(j, p)| Observation::new(j as u32, p as u32, score(j, p, rng.normal())))
                .collect()
        })
        .collect()
}

#[test]
fn panels_joined_by_chairs_keep_their_periodic_joint_steps_in_the_shared_fit() {
    // The one-criterion and pooled fits never judge a design easy; the shared fit does. On
    // these twelve awards it takes 726 sweeps in all (37 to 129 each, measured 2026-12-06);
    // a threshold of 4 conjugate-gradient steps for an easy joint step, with a periodic one
    // every 40 sweeps once easy, took 815 (46 to 143), and up to 2.9 times the passes on the
    // designs of the review that rejected it (docs/performance.md, fourteenth session).
    let opts = AffineOptions {
        shrinkage: 5.0,
        min_proposals: 5,
        ..AffineOptions::default()
    };
    let mut sweeps = 0;
    for seed in 1..=12 {
        let obs = chained(seed, (12, 4, 2, 30), 5);
        let fit = fit_affine_shared(12 * 4 + 2, 12 * 30, &obs, &opts);
        assert!(fit.converged, "seed {seed}: {} sweeps", fit.iterations);
        sweeps += fit.iterations;
    }
    assert!(sweeps <= 760, "{sweeps} sweeps in all");
}
