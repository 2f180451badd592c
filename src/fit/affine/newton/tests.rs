//! Tests of the Newton steps: the reduced system against central differences of an
//! independently written gradient, and Newton fits against fits by the sweeps alone.

use super::super::super::additive::AdditiveFit;
use super::super::super::components::NONE;
use super::super::super::dense::{backward, cholesky, forward};
use super::super::super::design::Design;
use super::super::super::testkit::{affine_gradient, affine_opts, max_diff, sparse_design, Rng};
use super::super::super::{FitOptions, Observation};
use super::super::criterion::Criterion;
use super::super::gauge;
use super::super::shared::{shared, SharedAffineFit};
use super::super::AffineOptions;
use super::system::{moments, System};
use super::{Delta, Newton, CHORD_REACH};

/// One criterion's scores: each proposal read by `reads` random jurors, the score
/// `a_j v_p + b_j` plus noise, weights in `[0.5, 2)`.
fn criterion_scores(rng: &mut Rng, nj: usize, np: usize, reads: usize) -> Vec<Observation> {
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.5, 1.8)).collect();
    let bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
    let pairs = sparse_design(rng, nj, np, reads);
    pairs
        .into_iter()
        .map(|(j, p)| {
            let (ju, pu) = (j as usize, p as usize);
            let score = scale[ju] * value[pu] + bias[ju] + 0.4 * rng.normal();
            let mut o = Observation::new(j, p, score);
            o.weight = rng.uniform(0.5, 2.0);
            o
        })
        .collect()
}

/// The Hessian of the objective in (scale, bias, value), halved, by central differences of
/// [`affine_gradient`].
fn hessian(obs: &[Observation], a: &[f64], b: &[f64], v: &[f64], kappa: f64) -> Vec<Vec<f64>> {
    let (nj, np) = (a.len(), v.len());
    let x: Vec<f64> = a.iter().chain(b).chain(v).copied().collect();
    let grad = |x: &[f64]| -> Vec<f64> {
        let (a, rest) = x.split_at(nj);
        let (b, v) = rest.split_at(nj);
        affine_gradient(obs, (a, b, v), kappa).concat()
    };
    let dim = 2 * nj + np;
    let mut h = vec![vec![0.0; dim]; dim];
    for k in 0..dim {
        let step = 1e-5 * x[k].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[k] += step;
        down[k] -= step;
        let (gu, gd) = (grad(&up), grad(&down));
        for i in 0..dim {
            h[i][k] = (gu[i] - gd[i]) / (4.0 * step);
        }
    }
    h
}

/// `S = H_θθ − H_θv H_vv⁻¹ H_vθ` over `θ` (indices into the (scale, bias, value) order), by a
/// dense solve.
fn schur(h: &[Vec<f64>], theta: &[usize], values: &[usize]) -> Vec<Vec<f64>> {
    let nv = values.len();
    let hvv: Vec<f64> = values
        .iter()
        .flat_map(|&p| values.iter().map(move |&q| h[p][q]))
        .collect();
    let l = cholesky(&hvv, nv).expect("the values' block is positive definite");
    let solved: Vec<Vec<f64>> = theta
        .iter()
        .map(|&t| {
            let mut col: Vec<f64> = values.iter().map(|&p| h[p][t]).collect();
            forward(&l, nv, &mut col);
            backward(&l, nv, &mut col);
            col
        })
        .collect();
    theta
        .iter()
        .map(|&r| {
            (theta.iter().zip(&solved))
                .map(|(&s, col)| {
                    let coupling: f64 = values.iter().zip(col).map(|(&p, x)| h[r][p] * x).sum();
                    h[r][s] - coupling
                })
                .collect()
        })
        .collect()
}

fn system_matches_differences(seed: u64) {
    let mut rng = Rng(seed);
    let (nj, np, kappa) = (5, 8, 5.0);
    let obs = criterion_scores(&mut rng, nj, np, 3);
    let d = Design::new(nj, np, &obs);
    assert_eq!(d.n_comps, 1, "a connected design");
    let a: Vec<f64> = (0..nj).map(|_| rng.uniform(0.7, 1.4)).collect();
    let b: Vec<f64> = (0..nj).map(|_| rng.uniform(-0.5, 0.5)).collect();
    let v: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
    let start = AdditiveFit {
        bias: b.clone(),
        value: v.clone(),
        iterations: 0,
        converged: true,
    };
    let opts = AffineOptions {
        shrinkage: kappa,
        ..AffineOptions::default()
    };
    let mut c = Criterion::new(&d, start, &opts, false);
    c.scale.clone_from(&a);
    let mut sys = System::default();
    sys.assemble(&c);

    // θ in the system's order: every bias, then every scale.
    let theta: Vec<usize> = (0..nj).map(|j| nj + j).chain(0..nj).collect();
    let values: Vec<usize> = (0..np).map(|p| 2 * nj + p).collect();
    let h = hessian(&obs, &a, &b, &v, kappa);
    let want = schur(&h, &theta, &values);
    let g = affine_gradient(&obs, (&a, &b, &v), kappa).concat();
    let size = want.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
    let dim = theta.len();
    for (r, row) in want.iter().enumerate() {
        for (s, w) in row.iter().enumerate() {
            let got = sys.m[r * dim + s];
            assert!(
                (got - w).abs() <= 1e-7 * size,
                "seed {seed}: entry ({r}, {s}): {got} against {w}"
            );
        }
        let (got, w) = (sys.g[r], g[theta[r]] / 2.0);
        assert!(
            (got - w).abs() <= 1e-9 * size,
            "gradient {r}: {got} against {w}"
        );
    }
}

#[test]
fn the_reduced_system_is_the_schur_complement_of_the_objectives_hessian() {
    // The objective's gradient is written out term by term in testkit (`affine_gradient`);
    // its Hessian here is by central differences, and the values are eliminated by a dense
    // solve, against the system's Sherman–Morrison and rank-one terms.
    for seed in [3, 17, 2016, 7] {
        system_matches_differences(seed);
    }
}

#[test]
fn the_steps_moments_are_the_sweeps_bit_for_bit() {
    for seed in [1, 4, 9] {
        let mut rng = Rng(seed);
        // Proposal 0 read by no one: its value counts in neither.
        let mut obs = criterion_scores(&mut rng, 9, 40, 3);
        obs.retain(|o| o.proposal != 0);
        let d = Design::new(9, 40, &obs);
        assert_eq!(d.n_comps, 1, "a connected design");
        assert_eq!(d.proposal_comp[0], NONE);
        let mut v: Vec<f64> = (0..40).map(|_| rng.uniform(1.0, 5.0)).collect();
        v[0] = 1e6;
        let total: f64 = (0..40).map(|p| d.proposal_weight[p]).sum();
        let (mut mean, mut var, mut dev) = (Vec::new(), Vec::new(), Vec::new());
        gauge::moments(&d, &v, &[total], (&mut mean, &mut var, &mut dev));
        let (m, s) = moments(&d, &v, total);
        assert_eq!(
            (m.to_bits(), s.to_bits()),
            (mean[0].to_bits(), var[0].to_bits())
        );
    }
}

/// An award like the shipped example: 9 jurors, 40 proposals, 6 criteria, 4 reads each.
fn small_award(seed: u64, weighted: bool) -> Vec<Design> {
    let mut rng = Rng(seed);
    let (nj, np) = (9, 40);
    (0..6)
        .map(|_| {
            let mut obs = criterion_scores(&mut rng, nj, np, 4);
            if !weighted {
                obs.iter_mut().for_each(|o| o.weight = 1.0);
            }
            Design::new(nj, np, &obs)
        })
        .collect()
}

/// The fits with and without Newton steps agree to within `tol` in units of the scores.
fn assert_same_fit(designs: &[Design], opts: &AffineOptions, tol: f64) -> (usize, usize) {
    let nj = designs[0].n_jurors;
    let with = shared(nj, designs, opts, None, true);
    let without = shared(nj, designs, opts, None, false);
    assert!(with.converged && without.converged);
    assert!(max_diff(&with.scale, &without.scale) <= tol, "scales");
    for (x, y) in with.criteria.iter().zip(&without.criteria) {
        assert!(max_diff(&x.bias, &y.bias) <= tol, "biases");
        assert!(max_diff(&x.value, &y.value) <= tol, "values");
    }
    (with.iterations, without.iterations)
}

#[test]
fn newton_steps_reach_the_fit_of_the_sweeps_in_two_sweeps() {
    for (seed, weighted, kappa) in [(1, false, 5.0), (7, true, 5.0), (11, true, 0.0)] {
        let designs = small_award(seed, weighted);
        let (with, without) = assert_same_fit(&designs, &affine_opts(kappa), 1e-9);
        // One sweep before the Newton steps and one to test them: the steps did the work.
        assert_eq!(with, 2, "seed {seed}");
        assert!(without > 10, "seed {seed}: the sweeps alone took {without}");
    }
}

#[test]
fn held_jurors_and_a_juror_at_the_floor_give_the_fit_of_the_sweeps() {
    // Juror 0 reads 3 proposals and is held at scale 1; Newton steps fit the others.
    let mut rng = Rng(99);
    let rebuilt = |obs: Vec<Observation>| Design::new(9, 40, &obs);
    let opts = AffineOptions {
        min_proposals: 5,
        ..affine_opts(5.0)
    };
    let held: Vec<Design> = (0..6)
        .map(|_| {
            let mut obs = criterion_scores(&mut rng, 9, 40, 4);
            obs.retain(|o| o.juror != 0 || o.proposal < 3);
            rebuilt(obs)
        })
        .collect();
    let (with, _) = assert_same_fit(&held, &opts, 1e-9);
    assert_eq!(with, 2, "the held juror's scale is no step's");
    assert!(
        shared(9, &held, &opts, None, true).held[0],
        "juror 0 is held"
    );

    // Juror 1 gives every proposal the same score: without shrinkage their scale ends at the
    // floor, where no Newton step may go, and the sweeps finish the fit.
    let designs: Vec<Design> = (0..6)
        .map(|_| {
            let mut obs = criterion_scores(&mut rng, 9, 40, 4);
            obs.iter_mut()
                .filter(|o| o.juror == 1)
                .for_each(|o| o.score = 3.0);
            rebuilt(obs)
        })
        .collect();
    let opts = affine_opts(0.0);
    let fit = shared(9, &designs, &opts, None, true);
    assert!(
        (fit.scale[1] - opts.min_scale).abs() < 1e-12,
        "{}",
        fit.scale[1]
    );
    // The first step is refused, and the fit is then that of the sweeps alone, bit for bit
    // (the first sweep, which skipped the sweeps' joint step, is not kept).
    assert_eq!(fit, shared(9, &designs, &opts, None, false));
}

/// The criteria of `designs` near the sweeps' fit, as a warm-started replicate starts: the
/// fit's biases and values, each scale moved by up to `by` of itself (their mean kept 1),
/// then the values the best for them. Also the fitted scales and the fit.
fn near_fit<'a>(
    designs: &'a [Design],
    opts: &AffineOptions,
    by: f64,
    seed: u64,
) -> (Vec<Criterion<'a>>, Vec<Option<f64>>, SharedAffineFit) {
    let nj = designs[0].n_jurors;
    let fit = shared(nj, designs, opts, None, false);
    let mut rng = Rng(seed);
    let moved: Vec<f64> = (fit.scale.iter())
        .map(|a| a * (1.0 + rng.uniform(-by, by)))
        .collect();
    let mean = moved.iter().sum::<f64>() / nj as f64;
    let scale: Vec<Option<f64>> = moved.iter().map(|a| Some(a / mean)).collect();
    let crits = (designs.iter().zip(&fit.criteria))
        .map(|(d, f)| {
            let from = AdditiveFit {
                bias: f.bias.clone(),
                value: f.value.clone(),
                iterations: 0,
                converged: true,
            };
            let mut c = Criterion::new(d, from, opts, false);
            c.shared = true;
            // The regression tells which scales are identified; the state is then reset.
            c.sweep_start();
            c.regress();
            assert!(c.identified.iter().all(|&i| i), "every scale identified");
            c.bias.clone_from(&f.bias);
            c.value.clone_from(&f.value);
            c.scale = scale.iter().map(|a| a.unwrap_or(1.0)).collect();
            c.values_and_gauge();
            c
        })
        .collect();
    (crits, scale, fit)
}

#[test]
fn a_chord_step_at_the_state_of_its_factors_is_the_newton_step() {
    // The chord step keeps the factors and takes the gradient anew: at the state the factors
    // were formed at, it is the Newton step bit for bit.
    let designs = small_award(5, true);
    let (crits, scale, _) = near_fit(&designs, &affine_opts(5.0), 0.2, 5);
    let mut newton = Newton::new(&designs, 9, false).expect("a small award");
    assert!(newton.number_scales(&crits, &scale));
    assert!(newton.solve(&crits), "positive definite");
    let step = newton.delta.clone();
    assert!(step.a.iter().any(|&x| x != 0.0), "a step to take");
    newton.delta = Delta::default();
    assert!(newton.chord(&crits));
    assert_eq!(newton.delta, step);
}

#[test]
fn chord_steps_finish_the_newton_steps_at_the_fit() {
    // From scales moved by up to 30% (a replicate's first steps are of that size), a step is
    // a chord step once the steps since the factors moved at most CHORD_REACH; the steps
    // stop when about the tolerance is left, at the sweeps' fit.
    let opts = affine_opts(5.0);
    for seed in [2, 5, 8] {
        let designs = small_award(seed, seed != 5);
        let (mut crits, mut scale, fit) = near_fit(&designs, &opts, 0.3, seed);
        let mut newton = Newton::new(&designs, 9, false).expect("a small award");
        let (mut chords, mut full) = (0, 0);
        loop {
            let before = newton.moved;
            let left = newton.step(&mut crits, &mut scale).expect("a trusted step");
            // A chord step adds its size to `moved`; a Newton step sets it to its own size,
            // which is smaller than the last step and so than `moved` before it.
            if before <= CHORD_REACH && newton.moved > before {
                chords += 1;
            } else {
                full += 1;
            }
            if left <= 1e-13 {
                break;
            }
        }
        assert!(full >= 2 && chords >= 1, "seed {seed}: {full} and {chords}");
        assert_at_fit(&crits, &scale, &fit, seed);

        // The fit's own loop from the same start, with the fit's tolerance of 1e-10: the
        // steps stop on what they leave (`m s` after a chord step; a chord step stopped on
        // its `s²` would leave about 10⁻⁷).
        let (mut crits, mut scale, _) = near_fit(&designs, &opts, 0.3, seed);
        let mut newton = Newton::new(&designs, 9, false).expect("a small award");
        assert!(newton.steps(&mut crits, &mut scale, 1e-10), "seed {seed}");
        assert_at_fit(&crits, &scale, &fit, seed);
        // A second call (a sweep comes between them in the fit): the factors are taken to be
        // of another state, and the first step is a Newton step, which sets `moved` to its
        // own size (a chord step would add its size to it).
        assert!(newton.steps(&mut crits, &mut scale, 1e-10), "seed {seed}");
        assert_eq!(
            newton.moved, newton.last,
            "seed {seed}: a Newton step after a sweep"
        );
    }
}

/// The criteria's state and `scale` are the sweeps' `fit` to within 10⁻⁸.
fn assert_at_fit(crits: &[Criterion], scale: &[Option<f64>], fit: &SharedAffineFit, seed: u64) {
    let got: Vec<f64> = scale.iter().map(|a| a.unwrap()).collect();
    assert!(max_diff(&got, &fit.scale) <= 1e-8, "seed {seed}: scales");
    for (c, f) in crits.iter().zip(&fit.criteria) {
        assert!(max_diff(&c.bias, &f.bias) <= 1e-8, "seed {seed}: biases");
        assert!(max_diff(&c.value, &f.value) <= 1e-8, "seed {seed}: values");
    }
}

/// A random small award: 3 to 15 jurors, 10 to 60 proposals, 1 to 6 criteria, 2 to 5
/// reads; weights, counts, integer scores, a juror reading few proposals and one giving
/// every proposal the same score, each by the draw; shrinkage 0 or 5.
fn random_award(seed: u64) -> (usize, Vec<Design>, AffineOptions) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let (nj, np, nk) = (3 + rng.below(13), 10 + rng.below(51), 1 + rng.below(6));
    let reads = (2 + rng.below(4)).min(nj);
    let (weighted, integer, counted) = (rng.below(2) == 0, rng.below(3) == 0, rng.below(4) == 0);
    let (few, equal) = (rng.below(nj + 3), rng.below(nj + 5));
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.4, 2.0)).collect();
    let noise = rng.uniform(0.05, 1.0);
    let designs = (0..nk)
        .map(|_| {
            let value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
            let mut seen = 0;
            let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, reads)
                .into_iter()
                .filter(|&(j, _)| {
                    seen += usize::from(j as usize == few);
                    j as usize != few || seen <= 3
                })
                .map(|(j, p)| {
                    let mut score = scale[j as usize] * value[p as usize] + noise * rng.normal();
                    if integer {
                        score = score.round();
                    }
                    if j as usize == equal {
                        score = 3.0;
                    }
                    let mut o = Observation::new(j, p, score);
                    if weighted {
                        o.weight = rng.uniform(0.3, 3.0);
                    }
                    if counted {
                        o.count = (1 + rng.below(3)) as f64;
                        o.weight *= o.count;
                    }
                    o
                })
                .collect();
            Design::new(nj, np, &obs)
        })
        .collect();
    let opts = AffineOptions {
        min_proposals: 5,
        fit: FitOptions {
            tolerance: 1e-10,
            ..FitOptions::default()
        },
        ..affine_opts(if rng.below(2) == 0 { 0.0 } else { 5.0 })
    };
    (nj, designs, opts)
}

#[test]
fn on_random_small_awards_newton_steps_change_no_fit_beyond_the_tolerance() {
    // An independent review's check (a helper's 600 fits, cold and warm), kept small: the
    // largest difference it saw was 6e-9 of the spread at a tolerance of 1e-10, both fits
    // that far from a fit to 1e-15.
    let mut worst = 0.0f64;
    for seed in 0..60 {
        let (nj, designs, opts) = random_award(seed);
        let with = shared(nj, &designs, &opts, None, true);
        let without = shared(nj, &designs, &opts, None, false);
        assert_eq!(with.converged, without.converged, "seed {seed}");
        let mut diff = max_diff(&with.scale, &without.scale);
        for (x, y) in with.criteria.iter().zip(&without.criteria) {
            diff = diff
                .max(max_diff(&x.bias, &y.bias))
                .max(max_diff(&x.value, &y.value));
        }
        worst = worst.max(diff);
        assert!(diff <= 1e-6, "seed {seed}: {diff:e}");
    }
    assert!(
        worst > 0.0,
        "the two paths differ somewhere: the test sees Newton steps"
    );
}
