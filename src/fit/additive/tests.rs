//! Tests of the additive fit: worked examples, recovery of a known truth, a juror's shift,
//! and agreement of both solvers with the dense normal equations.

use proptest::prelude::*;

use crate::fit::design::dot;
use crate::fit::testkit::{
    additive_opts, assert_close, counts, max_diff, small_design, sparse_design, Rng,
};
use crate::fit::{components, fit_additive, FitOptions, Observation, Solver};

/// Moves an additive truth to the documented identification: Σ n_j b_j = 0 (one component).
fn identify_additive(n: &[f64], bias: &mut [f64], value: &mut [f64]) {
    let t = dot(n, bias) / n.iter().sum::<f64>();
    bias.iter_mut().for_each(|b| *b -= t);
    value.iter_mut().for_each(|v| *v += t);
}

/// Reference: the full normal equations of the additive model with one Lagrange multiplier
/// per component for Σ n_j b_j = 0, solved densely by Gaussian elimination with partial
/// pivoting. Unknowns: values, then biases, then multipliers.
fn dense_additive(nj: usize, np: usize, obs: &[Observation]) -> (Vec<f64>, Vec<f64>) {
    let comps = components(nj, np, obs);
    let m = np + nj + comps.count;
    let mut a = vec![vec![0.0; m + 1]; m];
    for o in obs {
        let (p, j) = (o.proposal as usize, np + o.juror as usize);
        for (r, c) in [(p, p), (p, j), (j, p), (j, j)] {
            a[r][c] += o.weight;
        }
        a[p][m] += o.weight * o.score;
        a[j][m] += o.weight * o.score;
        let row = np + nj + comps.juror[o.juror as usize].unwrap() as usize;
        a[row][j] += 1.0;
        a[j][row] += 1.0;
    }
    for (i, row) in a.iter_mut().enumerate() {
        if row.iter().all(|&x| x == 0.0) {
            row[i] = 1.0; // unobserved: pinned at 0
        }
    }
    for col in 0..m {
        let piv = (col..m)
            .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
            .unwrap();
        a.swap(col, piv);
        let pivot = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot[col];
                row[col..]
                    .iter_mut()
                    .zip(&pivot[col..])
                    .for_each(|(x, p)| *x -= f * p);
            }
        }
    }
    let x: Vec<f64> = (0..m).map(|i| a[i][m] / a[i][i]).collect();
    (x[np..np + nj].to_vec(), x[..np].to_vec())
}

#[test]
fn additive_complete_design_is_the_two_way_anova() {
    // Worked by hand. Rows are proposals, columns jurors, unit weights:
    //
    //            J0   J1   J2  | row mean
    //      P0     4    5    3  |   4
    //      P1     2    4    3  |   3
    //      P2     5    6    4  |   5
    //   col mean 11/3  5  10/3 | grand mean 36/9 = 4
    //
    // Every juror has 3 scores, so the constraint is Σ b_j = 0 and the least-squares
    // solution is the two-way ANOVA: b_j = column mean − grand mean = (−1/3, 1, −2/3),
    // v_p = row mean = (4, 3, 5). (Check: the normal equation of P0 is
    // 3 v0 + Σ b = 12, i.e. v0 = 4; that of J0 is Σ_p v_p + 3 b0 = 11, i.e. b0 = −1/3.)
    let table = [[4.0, 5.0, 3.0], [2.0, 4.0, 3.0], [5.0, 6.0, 4.0]];
    let mut obs = Vec::new();
    for (p, row) in table.iter().enumerate() {
        for (j, &y) in row.iter().enumerate() {
            obs.push(Observation::new(j as u32, p as u32, y));
        }
    }
    for solver in [Solver::Direct, Solver::Iterative] {
        let fit = fit_additive(3, 3, &obs, &additive_opts(solver));
        assert_close("bias", &fit.bias, &[-1.0 / 3.0, 1.0, -2.0 / 3.0], 1e-9);
        assert_close("value", &fit.value, &[4.0, 3.0, 5.0], 1e-9);
        assert!(fit.converged);
    }
}

#[test]
fn additive_residuals_reproduce_shrout_fleiss_icc() {
    // Shrout & Fleiss (1979), 6 targets × 4 judges (shared/validation/
    // icc_shrout_fleiss_1979.csv): the two-way F = MSR/MSE is 11.0 and ICC(3,1) = 0.71.
    // MSE is the residual mean square of the additive fit, (n−1)(k−1) degrees of freedom.
    let table = [
        [9.0, 2.0, 5.0, 8.0],
        [6.0, 1.0, 3.0, 2.0],
        [8.0, 4.0, 6.0, 8.0],
        [7.0, 1.0, 2.0, 6.0],
        [10.0, 5.0, 6.0, 9.0],
        [6.0, 2.0, 4.0, 7.0],
    ];
    let (n, k) = (6.0, 4.0);
    let mut obs = Vec::new();
    for (p, row) in table.iter().enumerate() {
        for (j, &y) in row.iter().enumerate() {
            obs.push(Observation::new(j as u32, p as u32, y));
        }
    }
    let fit = fit_additive(4, 6, &obs, &FitOptions::default());
    let sse: f64 = obs
        .iter()
        .map(|o| (o.score - fit.value[o.proposal as usize] - fit.bias[o.juror as usize]).powi(2))
        .sum();
    let mse = sse / ((n - 1.0) * (k - 1.0));
    let grand = obs.iter().map(|o| o.score).sum::<f64>() / (n * k);
    let msr = k * fit.value.iter().map(|v| (v - grand).powi(2)).sum::<f64>() / (n - 1.0);
    assert!((msr / mse - 11.0).abs() < 0.05, "F = {}", msr / mse);
    let icc31 = (msr - mse) / (msr + (k - 1.0) * mse);
    assert!((icc31 - 0.71).abs() < 0.005, "ICC(3,1) = {icc31}");
}

#[test]
fn additive_recovers_noise_free_truth_on_sparse_design() {
    let mut rng = Rng(7);
    let (nj, np) = (90, 400);
    let pairs = sparse_design(&mut rng, nj, np, 3);
    let mut bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.5, 1.5)).collect();
    let mut value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
    let obs: Vec<Observation> = pairs
        .iter()
        .map(|&(j, p)| Observation {
            juror: j,
            proposal: p,
            score: value[p as usize] + bias[j as usize],
            weight: rng.uniform(0.5, 2.0),
            count: 1.0,
        })
        .collect();
    assert_eq!(components(nj, np, &obs).count, 1);
    identify_additive(&counts(nj, &obs), &mut bias, &mut value);
    for solver in [Solver::Auto, Solver::Direct, Solver::Iterative] {
        let fit = fit_additive(nj, np, &obs, &additive_opts(solver));
        assert!(fit.converged, "{solver:?}");
        assert_close("bias", &fit.bias, &bias, 1e-9);
        assert_close("value", &fit.value, &value, 1e-9);
    }
    // With the default tolerance (90 jurors: conjugate gradients) as well.
    let fit = fit_additive(nj, np, &obs, &FitOptions::default());
    assert!(fit.converged && fit.iterations > 0 && fit.iterations < 200);
    assert_close("bias", &fit.bias, &bias, 1e-9);
}

#[test]
fn additive_juror_shift_moves_that_bias_and_only_recentres_the_rest() {
    // Adding d to juror 3's scores raises b_3 by d relative to every other juror; the
    // constraint Σ n_j b_j = 0 then moves all biases by −d n_3 / N and all values by
    // +d n_3 / N, a common constant that changes no ranking.
    let mut rng = Rng(5);
    let (nj, np) = (8, 30);
    let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 3)
        .into_iter()
        .map(|(j, p)| Observation::new(j, p, rng.uniform(1.0, 5.0)))
        .collect();
    let d = 1.75;
    let moved: Vec<Observation> = obs
        .iter()
        .map(|o| Observation {
            score: o.score + if o.juror == 3 { d } else { 0.0 },
            ..*o
        })
        .collect();
    let n = counts(nj, &obs);
    let shift = d * n[3] / n.iter().sum::<f64>();
    let a = fit_additive(nj, np, &obs, &FitOptions::default());
    let b = fit_additive(nj, np, &moved, &FitOptions::default());
    let expect: Vec<f64> = (0..nj)
        .map(|j| a.bias[j] - shift + if j == 3 { d } else { 0.0 })
        .collect();
    assert_close("bias", &b.bias, &expect, 1e-9);
    let expect: Vec<f64> = a.value.iter().map(|v| v + shift).collect();
    assert_close("value", &b.value, &expect, 1e-9);
}

proptest! {
    #![proptest_config(crate::testkit::cases(200))]

    #[test]
    fn solvers_match_dense_normal_equations((nj, np, obs) in small_design()) {
        let (bias, value) = dense_additive(nj, np, &obs);
        for solver in [Solver::Direct, Solver::Iterative] {
            let fit = fit_additive(nj, np, &obs, &additive_opts(solver));
            prop_assert!(fit.converged);
            prop_assert!(max_diff(&fit.bias, &bias) < 1e-8, "{:?} {:?}", fit.bias, bias);
            prop_assert!(max_diff(&fit.value, &value) < 1e-8);
        }
    }
}
