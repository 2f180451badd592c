//! The sampler's draws and conditional updates against independent computations.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::super::dense::cholesky;
use super::draw::{gamma, truncated_normal};
use super::linalg::wishart;
use super::sweep::{interval, Model};
use super::*;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Mean and variance of the standard normal truncated to `[a, b]`, in closed form
/// (Johnson, Kotz & Balakrishnan 1994, §10.1): with `Z = Φ(b) − Φ(a)`, mean
/// `(φ(a) − φ(b)) / Z`, variance `1 + (aφ(a) − bφ(b)) / Z − mean²`. `Z` is taken from the
/// survival function on the right of zero, where it keeps its digits.
fn truncated_moments(a: f64, b: f64) -> (f64, f64) {
    let n = Normal::new(0.0, 1.0).unwrap();
    let z = if a > 0.0 {
        n.sf(a) - n.sf(b)
    } else {
        n.cdf(b) - n.cdf(a)
    };
    let phi = |x: f64| if x.is_finite() { n.pdf(x) } else { 0.0 };
    let xphi = |x: f64| if x.is_finite() { x * n.pdf(x) } else { 0.0 };
    let mean = (phi(a) - phi(b)) / z;
    (mean, 1.0 + (xphi(a) - xphi(b)) / z - mean * mean)
}

#[test]
fn truncated_normal_draws_have_the_closed_form_moments() {
    let cases = [
        (-1.0, 2.0),
        (0.5, f64::INFINITY),
        (f64::NEG_INFINITY, -0.3),
        (-0.2, 0.1),
        (2.0, 2.8),
        (-3.3, -2.5),
        (-0.4, 0.6),
        (4.2, 4.99),
        (0.0, 1.0),
        (-1.0, 1.0),
        (-2.1, -1.5),
        (0.9, 1.9),
        (2.0, 4.5),
        (-4.9, -4.0),
        (6.0, 6.1),
        (6.0, f64::INFINITY),
        (5.0, 9.0),
        (f64::NEG_INFINITY, -7.0),
        (f64::NEG_INFINITY, f64::INFINITY),
        // Either side of each switch between proposals: width √(2π) ≈ 2.5066 about 0, and
        // Robert's width at lo = 0 (√e ≈ 1.6487), lo = 1 (0.749) and lo = 20 (0.0499).
        (-1.2, 1.3),
        (-1.3, 1.3),
        (0.0, 1.6),
        (0.0, 1.7),
        (1.0, 1.7),
        (1.0, 1.8),
        (-1.8, -1.0),
        (20.0, 20.04),
        (20.0, 20.06),
        (20.0, f64::INFINITY),
    ];
    let mut r = rng(1);
    let n = 100_000;
    for (a, b) in cases {
        let (mean, var) = truncated_moments(a, b);
        let xs: Vec<f64> = (0..n).map(|_| truncated_normal(&mut r, a, b)).collect();
        assert!(xs.iter().all(|&x| x >= a && x <= b), "{a} {b}");
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        // Five standard errors of the mean; the variance within 3%.
        let se = (var / n as f64).sqrt();
        assert!(
            (m - mean).abs() < 5.0 * se,
            "[{a}, {b}]: mean {m} vs {mean}"
        );
        assert!((v / var - 1.0).abs() < 0.03, "[{a}, {b}]: var {v} vs {var}");
    }
}

#[test]
fn gamma_draws_have_mean_and_variance_the_shape() {
    let mut r = rng(2);
    for shape in [0.3, 1.0, 2.5, 40.0] {
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| gamma(&mut r, shape)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        assert!(
            (m - shape).abs() < 5.0 * (shape / n as f64).sqrt(),
            "{shape}: {m}"
        );
        assert!((v / shape - 1.0).abs() < 0.05, "{shape}: {v}");
    }
}

#[test]
fn wishart_draws_average_dof_times_the_scale() {
    // E[W] = dof · S (Anderson 2003, §7.2).
    let s = [2.0, 0.6, 0.6, 1.0];
    let l = cholesky(&s, 2).unwrap();
    let mut r = rng(3);
    let n = 40_000;
    let mut sum = [0.0; 4];
    for _ in 0..n {
        let w = wishart(&mut r, &l, 2, 5.0);
        for k in 0..4 {
            sum[k] += w[k] / n as f64;
        }
    }
    for k in 0..4 {
        assert!(
            (sum[k] - 5.0 * s[k]).abs() < 0.05 * 5.0 * s[0],
            "{k}: {sum:?}"
        );
    }
}

#[test]
fn a_score_reads_its_step_and_the_ends_are_open() {
    let k = BayesCriterion {
        min: 0.0,
        max: 10.0,
        step: Some(1.0),
        weight: 1.0,
    };
    assert_eq!(interval(&k, 7.0), (0.2, 0.15000000000000002, 0.25));
    assert_eq!(interval(&k, 0.0).1, f64::NEG_INFINITY);
    assert_eq!(interval(&k, 10.0).2, f64::INFINITY);
    let continuous = BayesCriterion { step: None, ..k };
    assert_eq!(interval(&continuous, 3.0), (-0.2, -0.2, -0.2));
}

/// A continuous 0–10 criterion (read exactly inside the scale) of weight 1.
fn continuous() -> BayesCriterion {
    BayesCriterion {
        min: 0.0,
        max: 10.0,
        step: None,
        weight: 1.0,
    }
}

fn score(criterion: u32, juror: u32, proposal: u32, score: f64) -> BayesScore {
    BayesScore {
        criterion,
        juror,
        proposal,
        score,
        weight: 1.0,
        count: 1.0,
    }
}

/// Sample mean and (population) covariance of 2-vectors.
fn moments(xs: &[[f64; 2]]) -> ([f64; 2], [f64; 3]) {
    let n = xs.len() as f64;
    let m = [0, 1].map(|k| xs.iter().map(|x| x[k]).sum::<f64>() / n);
    let cov = |k: usize, l: usize| {
        xs.iter()
            .map(|x| (x[k] - m[k]) * (x[l] - m[l]))
            .sum::<f64>()
            / n
    };
    (m, [cov(0, 0), cov(0, 1), cov(1, 1)])
}

#[test]
fn a_proposals_values_are_drawn_from_their_bivariate_conditional() {
    // One proposal read by two jurors on two continuous criteria: every latent is its score.
    let scores = [
        score(0, 0, 0, 6.0),
        score(1, 0, 0, 4.0),
        score(0, 1, 0, 7.0),
    ];
    let model = Model::new(&[continuous(), continuous()], 2, 1, &scores);
    let mut s = model.start();
    s.mu = vec![0.05, -0.02];
    s.a = vec![1.2, 0.8];
    s.b = vec![0.03, -0.04];
    s.sigma2 = 0.01;
    s.precision = vec![50.0, -20.0, -20.0, 40.0];
    // By hand: z = (score − 5)/10, so y = 0.1, −0.1, 0.2. Precision
    // Λ = P + diag(d), d_0 = (1.2² + 0.8²)/σ² = 208, d_1 = 1.2²/σ² = 144; linear term
    // h_0 = (1.2·(0.1 − 0.05 − 0.03) + 0.8·(0.2 − 0.05 + 0.04))/σ² = 17.6,
    // h_1 = 1.2·(−0.1 + 0.02 − 0.03)/σ² = −13.2. Mean Λ⁻¹h and covariance Λ⁻¹ by the
    // 2 × 2 inverse [[d, −b], [−b, a]] / (ad − b²).
    let (l00, l01, l11) = (258.0, -20.0, 184.0);
    let det = l00 * l11 - l01 * l01;
    let (h0, h1) = (17.6, -13.2);
    let mean = [(l11 * h0 - l01 * h1) / det, (l00 * h1 - l01 * h0) / det];
    let cov = [l11 / det, -l01 / det, l00 / det];
    let mut r = rng(4);
    let n = 100_000;
    let xs: Vec<[f64; 2]> = (0..n)
        .map(|_| {
            model.draw_values(&mut s, &mut r);
            [s.v[0], s.v[1]]
        })
        .collect();
    let (m, c) = moments(&xs);
    for k in 0..2 {
        let se = (cov[2 * k] / n as f64).sqrt();
        assert!((m[k] - mean[k]).abs() < 5.0 * se, "{k}: {m:?} vs {mean:?}");
    }
    for k in 0..3 {
        assert!(
            (c[k] - cov[k]).abs() < 0.03 * cov[0],
            "{k}: {c:?} vs {cov:?}"
        );
    }
}

#[test]
fn a_jurors_scale_and_leniency_follow_their_conditional() {
    // One juror's three exact scores on one criterion, the values fixed: the Metropolis
    // step must leave p(a, b | rest) ∝ exp(−Σ (t − a x − b)²/2σ²) N(b; 0, τ_b²) LN(a; 0, τ_a²)
    // invariant. Its means are computed here by quadrature on a fine grid instead.
    let scores = [
        score(0, 0, 0, 3.0),
        score(0, 0, 1, 5.5),
        score(0, 0, 2, 8.0),
    ];
    let model = Model::new(&[continuous()], 1, 3, &scores);
    let mut s = model.start();
    s.mu = vec![0.0];
    s.v = vec![-0.2, 0.05, 0.25];
    s.sigma2 = 0.01;
    s.tau_b2 = 0.05 * 0.05;
    s.tau_a2 = 0.3 * 0.3;
    let (t, x) = ([-0.2, 0.05, 0.3], [-0.2, 0.05, 0.25]);
    let log_p = |a: f64, b: f64| {
        let ss: f64 = (0..3).map(|k| (t[k] - a * x[k] - b).powi(2)).sum();
        -ss / (2.0 * s.sigma2)
            - b * b / (2.0 * s.tau_b2)
            - a.ln()
            - a.ln().powi(2) / (2.0 * s.tau_a2)
    };
    let (mut z, mut ma, mut mb) = (0.0, 0.0, 0.0);
    for ia in 1..4000 {
        let a = ia as f64 * 0.001;
        for ib in -1000..=1000 {
            let b = ib as f64 * 0.0003;
            let p = log_p(a, b).exp();
            z += p;
            ma += a * p;
            mb += b * p;
        }
    }
    let (ma, mb) = (ma / z, mb / z);
    let mut r = rng(5);
    let n = 100_000;
    let (mut sa, mut sb) = (0.0, 0.0);
    for _ in 0..n {
        model.draw_jurors(&mut s, &mut r);
        sa += s.a[0] / n as f64;
        sb += s.b[0] / n as f64;
    }
    assert!((sa - ma).abs() < 0.005, "a: {sa} vs {ma}");
    assert!((sb - mb).abs() < 0.001, "b: {sb} vs {mb}");
}

#[test]
fn a_criterions_level_is_normal_about_the_weighted_mean() {
    // Two exact scores of weights 1 and 3: the level is normal with mean
    // Σ w (y − a v − b) / Σ w and variance σ² / Σ w.
    let mut scores = [score(0, 0, 0, 6.0), score(0, 1, 0, 4.0)];
    scores[1].weight = 3.0;
    let model = Model::new(&[continuous()], 2, 1, &scores);
    let mut s = model.start();
    s.v = vec![0.1];
    s.a = vec![1.5, 0.5];
    s.b = vec![0.02, -0.01];
    s.sigma2 = 0.04;
    // (1·(0.1 − 0.15 − 0.02) + 3·(−0.1 − 0.05 + 0.01)) / 4 = −0.1225; variance 0.01.
    let mut r = rng(6);
    let n = 100_000;
    let xs: Vec<f64> = (0..n)
        .map(|_| {
            model.draw_levels(&mut s, &mut r);
            s.mu[0]
        })
        .collect();
    let m = xs.iter().sum::<f64>() / n as f64;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
    assert!(
        (m + 0.1225).abs() < 5.0 * (0.01f64 / n as f64).sqrt(),
        "{m}"
    );
    assert!((v / 0.01 - 1.0).abs() < 0.03, "{v}");
}

#[test]
fn the_leniency_spread_and_its_auxiliary_follow_their_inverse_gamma_conditionals() {
    // Four jurors with leniencies 0.1, −0.2, 0.05, 0.15 (Σ b² = 0.075) and ν = 0.5: τ_b² is
    // Inv-Gamma((4 + 1)/2, 0.075/2 + 1/0.5) = Inv-Gamma(2.5, 2.0375), of mean
    // 2.0375 / 1.5 = 1.358333 and variance 2.0375² / (1.5² · 0.5) = 3.690; then ν given that
    // τ_b² is Inv-Gamma(1, 4² + 1/τ_b²), that is (4² + 1/τ_b²) / Exp(1), whose median is
    // (4² + 1/τ_b²) / ln 2 (Makalic & Schmidt 2016, the half-Cauchy of scale 1/4).
    let scores: Vec<BayesScore> = (0..4).map(|j| score(0, j, 0, 50.0)).collect();
    let model = Model::new(&[continuous()], 4, 1, &scores);
    let mut s = model.start();
    let mut r = rng(8);
    let n = 100_000;
    let (mut sum, mut below_median) = (0.0, 0usize);
    for _ in 0..n {
        s.b = vec![0.1, -0.2, 0.05, 0.15];
        s.a = vec![1.0; 4];
        s.nu_b = 0.5;
        model.draw_variances(&mut s, &mut r);
        sum += s.tau_b2;
        if s.nu_b * std::f64::consts::LN_2 <= 16.0 + 1.0 / s.tau_b2 {
            below_median += 1;
        }
    }
    let mean = sum / n as f64;
    let se = (3.690f64 / n as f64).sqrt();
    assert!((mean - 1.358333).abs() < 5.0 * se, "τ_b² mean {mean}");
    // A share of one half: binomial standard error 0.0016.
    let share = below_median as f64 / n as f64;
    assert!(
        (share - 0.5).abs() < 5.0 * 0.0016,
        "ν below its median {share}"
    );
}

#[test]
fn noise_free_continuous_scores_give_back_the_generating_values() {
    // 40 proposals, 8 jurors, two continuous 0–100 criteria; proposal i is read by jurors
    // i, i + 1, i + 3 and i + 5 (mod 8). Each score is exactly μ_c + a_j v_ic + b_j (in
    // range units), inside the scale; leniencies sum to 0 and log scales to 0, values are
    // centred with a spread of about the prior's (an eighth of the range), so the generating
    // values are the model's own convention: the data cannot tell a scale common to every
    // juror from the values' spread, and the priors decide it.
    let k = BayesCriterion {
        min: 0.0,
        max: 100.0,
        step: None,
        weight: 1.0,
    };
    let b = [0.04, -0.03, 0.02, -0.05, 0.01, 0.03, -0.04, 0.02];
    let ln_a: [f64; 8] = [0.2, -0.1, 0.15, -0.25, 0.05, 0.1, -0.2, 0.05];
    let mu = [0.05, -0.02];
    let v = |i: usize, c: usize| {
        let x = ((i * 37 + c * 11) % 40) as f64 / 39.0 - 0.5;
        0.43 * x
            + if c == 1 {
                0.1 * (((i * 13) % 40) as f64 / 39.0 - 0.5)
            } else {
                0.0
            }
    };
    let mean_v = |c: usize| (0..40).map(|i| v(i, c)).sum::<f64>() / 40.0;
    let mut scores = Vec::new();
    for i in 0..40 {
        for d in [0, 1, 3, 5] {
            let j = (i + d) % 8;
            for (c, m) in mu.iter().enumerate() {
                let y = m + ln_a[j].exp() * (v(i, c) - mean_v(c)) + b[j];
                scores.push(score(c as u32, j as u32, i as u32, 50.0 + 100.0 * y));
            }
        }
    }
    let options = BayesOptions {
        seed: 7,
        ..BayesOptions::default()
    };
    let post = sample(&[k, k], 8, 40, &scores, &options);
    let mut worst: f64 = 0.0;
    for i in 0..40 {
        for (c, m) in mu.iter().enumerate() {
            let truth = 50.0 + 100.0 * (m + v(i, c) - mean_v(c));
            worst = worst.max((post.value[i * 2 + c] - truth).abs());
        }
    }
    // Within half a point on a 100-point scale.
    assert!(worst < 0.5, "{worst}");
    for j in 0..8 {
        assert!(
            (post.scale[j] - ln_a[j].exp()).abs() < 0.03,
            "{j}: {:?}",
            post.scale
        );
        assert!(
            (post.leniency[j] - b[j]).abs() < 0.005,
            "{j}: {:?}",
            post.leniency
        );
    }
    assert!(post.worst_rhat() < RHAT_POOR, "{}", post.worst_rhat());
}

#[test]
fn the_same_seed_gives_the_same_draws_on_any_number_of_threads() {
    let scores: Vec<BayesScore> = (0..60)
        .map(|r| score(0, r % 6, r / 3, ((r * 7) % 11) as f64))
        .collect();
    let k = BayesCriterion {
        step: Some(1.0),
        ..continuous()
    };
    let options = BayesOptions {
        sweeps: 120,
        burn_in: 20,
        seed: 3,
        ..BayesOptions::default()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| sample(&[k], 6, 20, &scores, &options))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let other = sample(&[k], 6, 20, &scores, &BayesOptions { seed: 4, ..options });
    assert_ne!(one.totals, other.totals);
}

#[test]
fn a_jurors_batch_level_follows_its_conditional_by_quadrature() {
    // Three jurors, three proposals, two criteria: proposal 0 read by jurors 0 and 1,
    // proposal 1 by 1 and 2, proposal 2 by all three. The conditional of one juror's level
    // g_j, the values and the other levels fixed, is computed here on a grid from the model's
    // definition: ḡ_i = Σ_{k reads i} g_k / n_i − Σ_k w_k g_k, w_k = Σ_{k reads i} 1/n_i / P,
    // density exp(−Σ_i (v_i − ḡ_i 1)ᵀ Λ (v_i − ḡ_i 1)/2 − g_j²/2τ_g²).
    let reads: [(u32, u32); 7] = [(0, 0), (1, 0), (1, 1), (2, 1), (0, 2), (1, 2), (2, 2)];
    let scores: Vec<BayesScore> = reads
        .iter()
        .flat_map(|&(j, p)| [score(0, j, p, 5.0), score(1, j, p, 5.0)])
        .collect();
    let model = Model::new(&[continuous(), continuous()], 3, 3, &scores);
    let mut s = model.start();
    s.g = vec![0.1, -0.2, 0.05];
    s.v = vec![0.3, 0.1, -0.15, -0.05, 0.02, 0.12];
    s.precision = vec![50.0, -20.0, -20.0, 40.0];
    s.tau_g2 = 0.04;
    let readers: [&[usize]; 3] = [&[0, 1], &[1, 2], &[0, 1, 2]];
    let shares: Vec<f64> = (0..3)
        .map(|k| {
            readers
                .iter()
                .filter(|r| r.contains(&k))
                .map(|r| 1.0 / r.len() as f64)
                .sum::<f64>()
                / 3.0
        })
        .collect();
    let prior_means = |g: &[f64]| -> Vec<f64> {
        let centre: f64 = shares.iter().zip(g).map(|(w, g)| w * g).sum();
        readers
            .iter()
            .map(|r| r.iter().map(|&k| g[k]).sum::<f64>() / r.len() as f64 - centre)
            .collect()
    };
    let lam = &s.precision;
    let log_density = |g: &[f64], j: usize| {
        let m = prior_means(g);
        let mut q = 0.0;
        for (vi, mi) in s.v.chunks_exact(2).zip(&m) {
            let d = [vi[0] - mi, vi[1] - mi];
            q += d[0] * d[0] * lam[0] + 2.0 * d[0] * d[1] * lam[1] + d[1] * d[1] * lam[3];
        }
        -q / 2.0 - g[j] * g[j] / (2.0 * s.tau_g2)
    };
    let means = model.batch_raw(&s);
    let u = model.batch_targets(&s);
    let sum_u = u.iter().sum::<f64>();
    for j in 0..3 {
        let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
        let mut g = s.g.clone();
        for step in -40_000..=40_000 {
            g[j] = step as f64 * 0.00005;
            let p = log_density(&g, j).exp();
            z += p;
            m1 += g[j] * p;
            m2 += g[j] * g[j] * p;
        }
        let (mean, var) = (m1 / z, m2 / z - (m1 / z).powi(2));
        let (precision, linear) = model.batch_conditional(&s, j, &means, sum_u, &u);
        assert!(
            (linear / precision - mean).abs() < 1e-9,
            "{j}: {} vs {mean}",
            linear / precision
        );
        assert!(
            (1.0 / precision / var - 1.0).abs() < 1e-6,
            "{j}: {} vs {var}",
            1.0 / precision
        );
    }
    // The prior means sum to 0, and a shift of every level leaves them.
    let m = model.batch_means(&s);
    assert!(m.iter().sum::<f64>().abs() < 1e-15, "{m:?}");
    assert!((m[0] - prior_means(&s.g)[0]).abs() < 1e-15);
    s.g.iter_mut().for_each(|g| *g += 0.3);
    let shifted = model.batch_means(&s);
    for (x, y) in shifted.iter().zip(&m) {
        assert!((x - y).abs() < 1e-12, "{shifted:?} vs {m:?}");
    }
}
