//! Tests of the pooled affine fit: exact recovery of noise-free data (nothing pooled),
//! pooling when the data say a juror's scale is shared, the documented objective and
//! estimators, invariances, and agreement with the one-criterion fit.

use proptest::prelude::*;

use crate::fit::design::dot;
use crate::fit::testkit::{
    affine_gradient, affine_opts, assert_close, counts, small_design, sparse_design, Rng,
};
use crate::fit::{
    components, fit_affine, fit_affine_pooled, AffineFit, Observation, PooledAffineFit,
};

/// Moves a truth `(scales, biases, values)` of one criterion to the documented
/// identification: mean scale 1, `Σ n_j b_j = 0`.
fn identified(
    obs: &[Observation],
    mut a: Vec<f64>,
    mut b: Vec<f64>,
    mut v: Vec<f64>,
) -> [Vec<f64>; 3] {
    let s = a.iter().sum::<f64>() / a.len() as f64;
    a.iter_mut().for_each(|x| *x /= s);
    v.iter_mut().for_each(|x| *x *= s);
    let n = counts(a.len(), obs);
    let t = dot(&n, &b) / dot(&n, &a);
    b.iter_mut().zip(&a).for_each(|(b, a)| *b -= a * t);
    v.iter_mut().for_each(|x| *x += t);
    [a, b, v]
}

/// Scores `scale[j][c] × value + bias + noise × N(0, 1)` on `criteria` criteria, every
/// criterion on the same sparse design (4 reads per proposal), unit weights. Returns the
/// observations of each criterion and, per criterion, the truth in the identification.
#[allow(clippy::type_complexity)]
fn criteria(
    seed: u64,
    (nj, np, nc): (usize, usize, usize),
    scale: impl Fn(usize, usize) -> f64,
    noise: f64,
) -> (Vec<Vec<Observation>>, Vec<[Vec<f64>; 3]>) {
    let mut rng = Rng(seed);
    let pairs = sparse_design(&mut rng, nj, np, 4);
    let mut obs = Vec::new();
    let mut truth = Vec::new();
    for c in 0..nc {
        let a: Vec<f64> = (0..nj).map(|j| scale(j, c)).collect();
        let b: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let v: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
        let o: Vec<Observation> = pairs
            .iter()
            .map(|&(j, p)| {
                let (j, p) = (j as usize, p as usize);
                let y = a[j] * v[p] + b[j] + noise * rng.normal();
                Observation::new(j as u32, p as u32, y)
            })
            .collect();
        truth.push(identified(&o, a, b, v));
        obs.push(o);
    }
    (obs, truth)
}

#[test]
fn noise_free_data_are_recovered_exactly_even_for_a_juror_who_stretches_one_criterion_only() {
    // Juror 2 stretches criterion 0 twice as much as the others; the rest share one scale
    // per juror. Noise-free data leave no residual (beyond rounding), so the pull between a
    // juror's scales weighs nothing against the data and each criterion is recovered as its
    // own fit would be.
    let mut rng = Rng(5);
    let base: Vec<f64> = (0..12).map(|_| rng.uniform(0.6, 1.6)).collect();
    let scale = |j: usize, c: usize| base[j] * if j == 2 && c == 0 { 2.0 } else { 1.0 };
    let (obs, truth) = criteria(31, (12, 80, 3), scale, 0.0);
    let fit = fit_affine_pooled(12, 80, &obs, &affine_opts(0.0));
    assert!(fit.converged, "{} sweeps", fit.iterations);
    // (The residual variance is at the rounding level of the scores.)
    assert!(
        fit.sigma2.iter().all(|s| s.unwrap() < 1e-12),
        "{:?}",
        fit.sigma2
    );
    for (f, [a, b, v]) in fit.criteria.iter().zip(&truth) {
        assert_close("scale", &f.scale, a, 1e-6);
        assert_close("bias", &f.bias, b, 1e-6);
        assert_close("value", &f.value, v, 1e-6);
    }
}

#[test]
fn criteria_without_scores_give_defined_results() {
    let opts = crate::fit::AffineOptions::default();
    let fit = fit_affine_pooled(3, 4, &[vec![], vec![]], &opts);
    assert!(fit.converged && fit.omega2.is_none());
    assert_eq!(fit.sigma2, vec![None, None]);
    for f in &fit.criteria {
        assert_eq!(
            (&f.scale, &f.bias, &f.value),
            (&vec![1.0; 3], &vec![0.0; 3], &vec![0.0; 4])
        );
    }
    // One empty criterion next to a scored one: the scored one is fitted as if alone.
    let (obs, _) = criteria(7, (9, 50, 1), |j, _| 0.7 + j as f64 / 10.0, 0.5);
    let with_empty = fit_affine_pooled(9, 50, &[obs[0].clone(), vec![]], &opts);
    let alone = fit_affine_pooled(9, 50, &obs, &opts);
    assert_eq!(with_empty.criteria[0], alone.criteria[0]);
}

#[test]
fn one_criterion_is_the_per_criterion_fit() {
    let (obs, _) = criteria(7, (9, 50, 1), |j, _| 0.7 + j as f64 / 10.0, 0.5);
    let pooled = fit_affine_pooled(9, 50, &obs, &affine_opts(5.0));
    assert_eq!(pooled.omega2, None);
    let (p, alone) = (
        &pooled.criteria[0],
        fit_affine(9, 50, &obs[0], &affine_opts(5.0)),
    );
    assert_close("scale", &p.scale, &alone.scale, 1e-10);
    assert_close("bias", &p.bias, &alone.bias, 1e-10);
    assert_close("value", &p.value, &alone.value, 1e-10);
}

/// Root mean square distance of the fitted scales from the truth, over every criterion.
fn scale_error(fits: &[&AffineFit], truth: &[[Vec<f64>; 3]]) -> f64 {
    let (mut ss, mut n) = (0.0, 0.0);
    for (f, [a, ..]) in fits.iter().zip(truth) {
        for (x, y) in f.scale.iter().zip(a) {
            ss += (x - y) * (x - y);
            n += 1.0;
        }
    }
    (ss / n).sqrt()
}

#[test]
fn a_scale_shared_by_every_criterion_is_pooled_and_better_estimated() {
    // Each juror has one scale, the same on all 5 criteria, and the scores are noisy: the
    // slopes of a juror differ across criteria no more than their noise explains, so
    // ω̂² = 0 and each juror's scales agree across criteria. They are nearer the truth than
    // the five separate fits.
    let mut rng = Rng(12);
    let base: Vec<f64> = (0..12).map(|_| rng.uniform(0.6, 1.6)).collect();
    let (obs, truth) = criteria(3, (12, 60, 5), |j, _| base[j], 0.6);
    let fit = fit_affine_pooled(12, 60, &obs, &affine_opts(0.0));
    assert!(fit.converged);
    assert_eq!(fit.omega2, Some(0.0));
    for j in 0..12 {
        let mine: Vec<f64> = fit.criteria.iter().map(|f| f.scale[j]).collect();
        assert_close("a juror's scales", &mine, &[mine[0]; 5], 1e-9);
    }
    let separate: Vec<AffineFit> = obs
        .iter()
        .map(|o| fit_affine(12, 60, o, &affine_opts(0.0)))
        .collect();
    let pooled = scale_error(&fit.criteria.iter().collect::<Vec<_>>(), &truth);
    let alone = scale_error(&separate.iter().collect::<Vec<_>>(), &truth);
    assert!(pooled < 0.6 * alone, "pooled {pooled}, separate {alone}");
}

#[test]
fn a_juror_who_stretches_one_criterion_only_keeps_that_stretch() {
    // Juror 0 stretches criterion 0 twice as much as everyone else does (scale 2 / 1.1 once
    // the mean scale is 1), and the noise is small: the spread of their slopes is far beyond
    // their noise, ω̂² is large, and they are fitted as if alone on each criterion.
    let scale = |j: usize, c: usize| if j == 0 && c == 0 { 2.0 } else { 1.0 };
    let (obs, _) = criteria(9, (10, 60, 3), scale, 0.05);
    let fit = fit_affine_pooled(10, 60, &obs, &affine_opts(0.0));
    assert!(fit.omega2.unwrap() > 0.01, "{:?}", fit.omega2);
    let pooled: Vec<f64> = fit.criteria.iter().map(|f| f.scale[0]).collect();
    let alone: Vec<f64> = obs
        .iter()
        .map(|o| fit_affine(10, 60, o, &affine_opts(0.0)).scale[0])
        .collect();
    assert_close("juror 0's scales", &pooled, &[2.0 / 1.1, 1.0, 1.0], 0.02);
    assert_close("pooled against alone", &pooled, &alone, 0.002);
}

/// The documented estimates of `σ²` and `ω²` from the fitted values of each criterion.
fn moments(obs: &[Vec<Observation>], fit: &PooledAffineFit, nj: usize) -> (Vec<f64>, f64) {
    // Per criterion and juror: weighted S_xx, slope S_xy / S_xx, residual sum of squares.
    let mut lines = Vec::new();
    let mut sigma2 = Vec::new();
    for (o, f) in obs.iter().zip(&fit.criteria) {
        let mut s = vec![[0.0; 6]; nj]; // w, wv, wy, wvv, wvy, wyy
        for o in o {
            let (x, y, w) = (f.value[o.proposal as usize], o.score, o.weight);
            let t = &mut s[o.juror as usize];
            for (k, z) in [1.0, x, y, x * x, x * y, y * y].iter().enumerate() {
                t[k] += w * z;
            }
        }
        let line: Vec<(f64, f64, f64)> = s
            .iter()
            .map(|t| {
                let sxx = t[3] - t[1] * t[1] / t[0];
                let sxy = t[4] - t[1] * t[2] / t[0];
                let syy = t[5] - t[2] * t[2] / t[0];
                (sxx, sxy / sxx, syy - sxy * sxy / sxx)
            })
            .collect();
        let np = f.value.len() as f64; // every proposal is read
        let dof = o.len() as f64 - np - 2.0 * nj as f64 + 2.0;
        sigma2.push(line.iter().map(|l| l.2).sum::<f64>() / dof);
        lines.push(line);
    }
    let (mut q, mut df, mut den) = (0.0, 0.0, 0.0);
    for j in 0..nj {
        let u: Vec<f64> = lines.iter().zip(&sigma2).map(|(l, s)| l[j].0 / s).collect();
        let r: Vec<f64> = lines.iter().map(|l| l[j].1).collect();
        let (s1, s2) = (u.iter().sum::<f64>(), dot(&u, &u));
        let mean = dot(&u, &r) / s1;
        q += u
            .iter()
            .zip(&r)
            .map(|(u, r)| u * (r - mean).powi(2))
            .sum::<f64>();
        df += obs.len() as f64 - 1.0;
        den += s1 - s2 / s1;
    }
    (sigma2, ((q - df) / den).max(0.0))
}

#[test]
fn the_fit_is_a_stationary_point_of_the_documented_objective_at_its_estimates() {
    // Scales that differ from criterion to criterion by about 20 %: partial pooling.
    let mut rng = Rng(40);
    let (nj, np, nc, kappa) = (10, 70, 3, 3.0);
    let jitter: Vec<f64> = (0..nj * nc).map(|_| rng.uniform(-0.2, 0.2)).collect();
    let scale = |j: usize, c: usize| (0.6 + j as f64 / 10.0) * (1.0 + jitter[j * nc + c]);
    let (mut obs, _) = criteria(41, (nj, np, nc), scale, 0.4);
    for o in obs.iter_mut().flatten() {
        o.weight = rng.uniform(0.5, 2.0);
    }
    let fit = fit_affine_pooled(nj, np, &obs, &affine_opts(kappa));
    assert!(fit.converged);
    let omega2 = fit.omega2.unwrap();
    assert!(omega2 > 0.0 && omega2.is_finite(), "{omega2}");
    // σ̂² and ω̂² are the documented moment estimates at the fitted values.
    let (sigma2, w2) = moments(&obs, &fit, nj);
    let reported: Vec<f64> = fit.sigma2.iter().map(|s| s.unwrap()).collect();
    assert_close("σ²", &reported, &sigma2, 1e-9);
    assert!((omega2 - w2).abs() < 1e-9, "{omega2} vs {w2}");
    // The pooled scale A_j minimises Σ_c ρ_c (a_jc − A_j)².
    let rho: Vec<f64> = sigma2.iter().map(|s| s / omega2).collect();
    let pooled: Vec<f64> = (0..nj)
        .map(|j| {
            (0..nc)
                .map(|c| rho[c] * fit.criteria[c].scale[j])
                .sum::<f64>()
                / rho.iter().sum::<f64>()
        })
        .collect();
    let size = obs
        .iter()
        .flatten()
        .map(|o| o.weight * o.score.abs())
        .sum::<f64>();
    for (c, (f, obs)) in fit.criteria.iter().zip(&obs).enumerate() {
        let (a, b, v) = (&f.scale, &f.bias, &f.value);
        // The objective of the criterion alone, plus the pull toward the pooled scale.
        let [mut ga, gb, gv] = affine_gradient(obs, (a, b, v), kappa);
        for j in 0..nj {
            ga[j] += 2.0 * rho[c] * (a[j] - pooled[j]);
        }
        // The scales are stationary on the identification's constraint (mean scale 1): their
        // gradient is the same for every juror, the constraint's multiplier.
        let multiplier = ga.iter().sum::<f64>() / nj as f64;
        ga.iter_mut().for_each(|g| *g -= multiplier);
        for (name, g) in [("scale", &ga), ("bias", &gb), ("value", &gv)] {
            let worst = g.iter().fold(0.0f64, |m, g| m.max(g.abs()));
            assert!(
                worst < 1e-7 * size,
                "criterion {c}, gradient of {name}: {worst:e}"
            );
        }
        assert!((a.iter().sum::<f64>() / nj as f64 - 1.0).abs() < 1e-12);
        assert!(dot(&counts(nj, obs), b).abs() < 1e-9);
    }
}

#[test]
fn fully_pooled_scales_follow_a_jurors_stretch_of_every_criterion() {
    // Shrinkage 0, ω̂² = 0: juror 2's scores × 1.8 + 0.6 on every criterion (their weights
    // divided by 1.8², so that their residuals keep their weight) change only their own
    // scales and biases, up to the identification: each criterion's values are an increasing
    // affine map of the old ones, and the ranking of the proposals is unchanged.
    let (obs, _) = criteria(17, (9, 60, 3), |j, _| 0.8 + j as f64 / 20.0, 0.5);
    let (c, d) = (1.8, 0.6);
    let moved: Vec<Vec<Observation>> = obs
        .iter()
        .map(|o| {
            o.iter()
                .map(|o| match o.juror {
                    2 => Observation {
                        score: c * o.score + d,
                        weight: o.weight / (c * c),
                        ..*o
                    },
                    _ => *o,
                })
                .collect()
        })
        .collect();
    let a = fit_affine_pooled(9, 60, &obs, &affine_opts(0.0));
    let b = fit_affine_pooled(9, 60, &moved, &affine_opts(0.0));
    assert!(a.converged && b.converged);
    assert_eq!((a.omega2, b.omega2), (Some(0.0), Some(0.0)));
    for (a, b) in a.criteria.iter().zip(&b.criteria) {
        let alpha = (b.value[0] - b.value[1]) / (a.value[0] - a.value[1]);
        let beta = b.value[0] - alpha * a.value[0];
        assert!(alpha > 0.0);
        let mapped: Vec<f64> = a.value.iter().map(|v| alpha * v + beta).collect();
        assert_close("value", &b.value, &mapped, 1e-7);
        let ratio: Vec<f64> = (0..9)
            .map(|j| b.scale[j] / a.scale[j] / if j == 2 { c } else { 1.0 })
            .collect();
        assert_close("scale ratio", &ratio, &[1.0 / alpha; 9], 1e-7);
    }
}

#[test]
fn the_pooled_fit_does_not_depend_on_units_of_scores_and_weights() {
    let mut rng = Rng(23);
    let jitter: Vec<f64> = (0..7 * 3).map(|_| rng.uniform(-0.3, 0.3)).collect();
    let scale = |j: usize, c: usize| 1.0 + j as f64 / 4.0 + jitter[j * 3 + c];
    let (mut obs, _) = criteria(24, (7, 40, 3), scale, 0.3);
    for o in obs.iter_mut().flatten() {
        o.weight = rng.uniform(0.5, 2.0);
    }
    let (k, d, w) = (10.0, -3.0, 4.0);
    let rescaled: Vec<Vec<Observation>> = obs
        .iter()
        .map(|o| {
            o.iter()
                .map(|o| Observation {
                    score: k * o.score + d,
                    weight: w * o.weight,
                    ..*o
                })
                .collect()
        })
        .collect();
    let a = fit_affine_pooled(7, 40, &obs, &affine_opts(3.0));
    let b = fit_affine_pooled(7, 40, &rescaled, &affine_opts(3.0));
    let (oa, ob) = (a.omega2.unwrap(), b.omega2.unwrap());
    assert!(oa > 0.0 && (oa - ob).abs() < 1e-8 * oa, "{oa} {ob}");
    for (s, t) in a.sigma2.iter().zip(&b.sigma2) {
        let (s, t) = (s.unwrap(), t.unwrap());
        assert!((t / (k * k * w) - s).abs() < 1e-9 * s, "{s} {t}");
    }
    for (fa, fb) in a.criteria.iter().zip(&b.criteria) {
        assert_close("scale", &fa.scale, &fb.scale, 1e-8);
        // The values follow the same map, up to the identification's common offset.
        let mapped: Vec<f64> = fa.value.iter().map(|v| k * v + d).collect();
        let offset = fb.value[0] - mapped[0];
        let mapped: Vec<f64> = mapped.iter().map(|v| v + offset).collect();
        assert_close("value", &mapped, &fb.value, 1e-7);
    }
}

#[test]
fn the_pooled_fit_does_not_depend_on_thread_count() {
    let (obs, _) = criteria(19, (120, 500, 2), |j, c| 0.7 + (j + c) as f64 / 200.0, 0.5);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| fit_affine_pooled(120, 500, &obs, &affine_opts(5.0)))
    };
    assert_eq!(run(1), run(3));
}

/// Two or three criteria of small random designs over the same jurors and proposals.
fn small_criteria() -> impl Strategy<Value = (usize, usize, Vec<Vec<Observation>>)> {
    (small_design(), small_design(), any::<bool>()).prop_map(|((nj, np, a), (_, _, b), three)| {
        let keep = |obs: Vec<Observation>| -> Vec<Observation> {
            obs.into_iter()
                .map(|o| Observation {
                    juror: o.juror % nj as u32,
                    proposal: o.proposal % np as u32,
                    ..o
                })
                .collect()
        };
        let mut criteria = vec![keep(a.clone()), keep(b)];
        if three {
            let mirrored = a
                .iter()
                .map(|o| Observation {
                    score: -o.score,
                    ..*o
                })
                .collect();
            criteria.push(keep(mirrored));
        }
        (nj, np, criteria)
    })
}

proptest! {
    #![proptest_config(crate::testkit::cases(200))]

    #[test]
    fn pooled_output_is_finite_identified_and_order_free(
        (nj, np, criteria) in small_criteria(),
        shrinkage in 0.0f64..10.0,
        seed in 1u64..,
    ) {
        let opts = crate::fit::AffineOptions { shrinkage, ..crate::fit::AffineOptions::default() };
        let fit = fit_affine_pooled(nj, np, &criteria, &opts);
        for (f, obs) in fit.criteria.iter().zip(&criteria) {
            prop_assert!(f.scale.iter().all(|&a| a.is_finite() && a > 0.0));
            prop_assert!(f.bias.iter().chain(&f.value).all(|x| x.is_finite()));
            let c = components(nj, np, obs);
            for comp in 0..c.count as u32 {
                let nb: f64 = obs.iter().filter(|o| c.juror[o.juror as usize] == Some(comp))
                    .map(|o| f.bias[o.juror as usize]).sum();
                let scale: f64 = obs.iter().map(|o| o.score.abs()).sum::<f64>() + 1.0;
                prop_assert!(nb.abs() < 1e-9 * scale, "Σ n b = {}", nb);
            }
        }
        let mut shuffled = criteria.clone();
        for (k, obs) in shuffled.iter_mut().enumerate() {
            Rng(seed + k as u64).shuffle(obs);
        }
        prop_assert_eq!(fit, fit_affine_pooled(nj, np, &shuffled, &opts));
    }
}
