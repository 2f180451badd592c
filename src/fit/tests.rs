//! Tests of both fits together: split designs, degenerate input, and results that depend on
//! neither the thread count nor the order of the input.

use proptest::prelude::*;

use super::testkit::{additive_opts, affine_opts, assert_close, small_design, sparse_design, Rng};
use super::{components, fit_additive, fit_affine, AffineOptions, FitOptions, Observation, Solver};

#[test]
fn split_design_is_fitted_per_component() {
    let mut rng = Rng(11);
    let mut obs = Vec::new();
    // Jurors 0..5 read proposals 0..20, jurors 5..10 read 20..40.
    for half in 0..2u32 {
        for (j, p) in sparse_design(&mut rng, 5, 20, 3) {
            obs.push(Observation::new(
                j + 5 * half,
                p + 20 * half,
                rng.uniform(1.0, 5.0),
            ));
        }
    }
    let c = components(10, 40, &obs);
    assert_eq!(c.count, 2);
    assert!((0..5).all(|j| c.juror[j] == Some(0) && c.juror[j + 5] == Some(1)));

    let shifted: Vec<Observation> = obs
        .iter()
        .map(|o| Observation {
            score: o.score + if o.juror >= 5 { 7.0 } else { 0.0 },
            ..*o
        })
        .collect();
    for solver in [Solver::Direct, Solver::Iterative] {
        let a = fit_additive(10, 40, &obs, &additive_opts(solver));
        let b = fit_additive(10, 40, &shifted, &additive_opts(solver));
        // The first component is untouched, to the bit.
        assert_eq!(a.bias[..5], b.bias[..5]);
        assert_eq!(a.value[..20], b.value[..20]);
        // The second: values shift by 7, biases stay.
        assert_close("bias", &a.bias[5..], &b.bias[5..], 1e-9);
        let v: Vec<f64> = a.value[20..].iter().map(|v| v + 7.0).collect();
        assert_close("value", &v, &b.value[20..], 1e-9);
    }
    let a = fit_affine(10, 40, &obs, &affine_opts(2.0));
    let b = fit_affine(10, 40, &shifted, &affine_opts(2.0));
    assert_eq!(a.scale[..5], b.scale[..5]);
    assert_eq!(a.value[..20], b.value[..20]);
    assert_close("scale", &a.scale[5..], &b.scale[5..], 1e-9);
}

#[test]
fn degenerate_inputs_give_defined_finite_results() {
    for (nj, np) in [(0, 0), (3, 0), (0, 3), (3, 4)] {
        let add = fit_additive(nj, np, &[], &FitOptions::default());
        assert_eq!((add.bias, add.value), (vec![0.0; nj], vec![0.0; np]));
        let aff = fit_affine(nj, np, &[], &AffineOptions::default());
        assert_eq!(aff.scale, vec![1.0; nj]);
        assert!(aff.converged && add.converged);
    }
    // Juror 0: one score. Juror 1: all scores equal. Proposal 5: one review.
    // Juror 4: unobserved. Proposal 6: unobserved.
    let mut obs = vec![Observation::new(0, 0, 4.0), Observation::new(1, 5, 3.0)];
    for p in 0..5u32 {
        obs.push(Observation::new(1, p, 3.0));
        obs.push(Observation::new(2, p, 1.0 + p as f64));
        obs.push(Observation::new(3, p, 2.0 + 0.5 * p as f64));
    }
    let add = fit_additive(5, 7, &obs, &FitOptions::default());
    for shrinkage in [0.0, 5.0] {
        let aff = fit_affine(5, 7, &obs, &affine_opts(shrinkage));
        let all = [&aff.scale[..], &aff.bias, &aff.value, &add.bias, &add.value];
        assert!(all.iter().all(|x| x.iter().all(|v| v.is_finite())));
        assert_eq!(aff.scale[0], 1.0, "a single score: scale 1");
        assert_eq!(aff.scale[4], 1.0);
        assert_eq!(
            (aff.bias[4], aff.value[6], add.bias[4], add.value[6]),
            (0.0, 0.0, 0.0, 0.0)
        );
        // The straight-liner's scale is as small as allowed, and their corrected scores all
        // land on the mean value of their batch.
        assert!(
            aff.scale[1] < 0.5 && aff.scale[1] >= 0.1 - 1e-9,
            "{}",
            aff.scale[1]
        );
        let batch = aff.value[..6].iter().sum::<f64>() / 6.0;
        assert!(((3.0 - aff.bias[1]) / aff.scale[1] - batch).abs() < 1e-6);
    }
    // Unusable observations are ignored, exactly.
    let mut noisy = obs.clone();
    noisy.push(Observation {
        weight: 0.0,
        ..obs[3]
    });
    noisy.push(Observation {
        weight: -1.0,
        ..obs[4]
    });
    noisy.push(Observation {
        weight: f64::NAN,
        ..obs[4]
    });
    noisy.push(Observation {
        score: f64::INFINITY,
        ..obs[5]
    });
    noisy.push(Observation::new(9, 0, 1.0));
    noisy.push(Observation::new(0, 9, 1.0));
    assert_eq!(fit_additive(5, 7, &noisy, &FitOptions::default()), add);
    assert_eq!(
        fit_affine(5, 7, &noisy, &AffineOptions::default()),
        fit_affine(5, 7, &obs, &AffineOptions::default())
    );
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let mut rng = Rng(17);
    let (nj, np) = (120, 500);
    let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 4)
        .into_iter()
        .map(|(j, p)| Observation::new(j, p, rng.uniform(1.0, 5.0)))
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            (
                fit_additive(nj, np, &obs, &FitOptions::default()),
                fit_affine(nj, np, &obs, &AffineOptions::default()),
            )
        })
    };
    let one = run(1);
    assert!(one.0.iterations > 0, "the iterative path is exercised");
    assert_eq!(one, run(3));
}

proptest! {
    #![proptest_config(crate::testkit::cases(200))]

    #[test]
    fn shuffled_input_gives_identical_fits((nj, np, obs) in small_design(), seed in 1u64..) {
        let mut shuffled = obs.clone();
        Rng(seed).shuffle(&mut shuffled);
        let opts = FitOptions { solver: Solver::Iterative, ..FitOptions::default() };
        prop_assert_eq!(fit_additive(nj, np, &obs, &opts), fit_additive(nj, np, &shuffled, &opts));
        let opts = AffineOptions::default();
        prop_assert_eq!(fit_affine(nj, np, &obs, &opts), fit_affine(nj, np, &shuffled, &opts));
    }
}

#[test]
fn a_score_counted_k_times_is_k_copies_of_it() {
    // The bootstrap's multiplicities: an observation with count k and k times the weight
    // must fit exactly as k copies of it, in both fits (the juror counts n_j, the affine
    // fit's mean weight and degrees of freedom all count copies).
    let mut rng = Rng(2016);
    let (nj, np) = (8, 30);
    let (lenient, stretch): (Vec<f64>, Vec<f64>) = (0..nj)
        .map(|_| (rng.uniform(-1.0, 1.0), rng.uniform(0.6, 1.5)))
        .unzip();
    let mut counted: Vec<Vec<Observation>> = Vec::new();
    let mut copies: Vec<Vec<Observation>> = Vec::new();
    for _criterion in 0..3 {
        let (mut once, mut many) = (Vec::new(), Vec::new());
        for (j, p) in sparse_design(&mut rng, nj, np, 3) {
            let value = rng.uniform(1.0, 5.0);
            let score = stretch[j as usize] * value + lenient[j as usize] + rng.normal() * 0.3;
            let k = 1 + rng.below(3);
            let o = Observation::new(j, p, score);
            once.push(Observation {
                weight: k as f64,
                count: k as f64,
                ..o
            });
            many.extend(std::iter::repeat_n(o, k));
        }
        counted.push(once);
        copies.push(many);
    }
    let additive = |obs: &[Observation]| fit_additive(nj, np, obs, &FitOptions::default());
    for (a, b) in counted.iter().zip(&copies) {
        let (a, b) = (additive(a), additive(b));
        assert_close("additive bias", &a.bias, &b.bias, 1e-9);
        assert_close("additive value", &a.value, &b.value, 1e-9);
    }
    let options = AffineOptions::default();
    let a = super::fit_affine_pooled(nj, np, &counted, &options);
    let b = super::fit_affine_pooled(nj, np, &copies, &options);
    for (a, b) in a.criteria.iter().zip(&b.criteria) {
        assert_close("affine scale", &a.scale, &b.scale, 1e-8);
        assert_close("affine bias", &a.bias, &b.bias, 1e-8);
        assert_close("affine value", &a.value, &b.value, 1e-8);
    }
}
