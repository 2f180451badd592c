//! The model's data and one chain's Gibbs sweeps (each conditional derived in
//! `docs/methods.md`, section `bayes`).

use rand_chacha::ChaCha8Rng;

use super::super::dense::{backward, cholesky, cholesky_into, forward, inverse};
use super::batch::BATCH_SCALE;
use super::draw::{gamma, normal, truncated_normal};
use super::linalg::wishart;
use super::{BayesCriterion, BayesScore};

/// One review in the model's units: the latent's interval `[lo, hi]` (equal ends when the
/// score is read exactly), its weight, and the compact indices of its juror and proposal.
#[derive(Clone, Copy, Debug)]
pub(super) struct Review {
    pub c: usize,
    pub j: usize,
    pub i: usize,
    pub w: f64,
    pub count: f64,
    pub z: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The data: reviews, their grouping by proposal and by juror, and the criteria's scales.
pub(super) struct Model {
    pub c: usize,
    pub reviews: Vec<Review>,
    /// Compact proposal `i` is the award's `proposal_of[i]`; likewise jurors.
    pub proposal_of: Vec<usize>,
    pub juror_of: Vec<usize>,
    pub by_proposal: Vec<Vec<u32>>,
    pub by_juror: Vec<Vec<u32>>,
    pub mid: Vec<f64>,
    pub range: Vec<f64>,
    pub weight: Vec<f64>,
    pub jurors: usize,
    pub proposals: usize,
    /// Each compact proposal's distinct readers (compact jurors), and each compact juror's
    /// distinct proposals: who shares a batch level with whom.
    pub readers: Vec<Vec<u32>>,
    pub read: Vec<Vec<u32>>,
    /// Each compact juror's share `w_j = Σ_{i read} 1/n_i / P` of the proposals' prior
    /// means (`n_i` readers of proposal `i`, `P` proposals); the shares sum to 1.
    pub share: Vec<f64>,
}

/// The prior scale of a proposal's value on a criterion: an eighth of the range.
pub(super) const PRIOR_SPREAD: f64 = 1.0 / 8.0;

/// One chain's state.
#[derive(Clone, Debug)]
pub(super) struct State {
    pub y: Vec<f64>,
    pub mu: Vec<f64>,
    /// `v[i * C + c]`.
    pub v: Vec<f64>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub sigma2: f64,
    pub tau_b2: f64,
    /// The auxiliary variable of `τ_b`'s half-Cauchy prior: `τ_b² | ν ~ Inv-Gamma(1/2, 1/ν)`.
    pub nu_b: f64,
    pub tau_a2: f64,
    /// `Σ_v⁻¹`, `C × C`.
    pub precision: Vec<f64>,
    /// Each juror's batch level `g_j` (`super::batch`).
    pub g: Vec<f64>,
    pub tau_g2: f64,
    /// The auxiliary variable of `τ_g`'s half-Cauchy prior.
    pub nu_g: f64,
}

/// The latent interval of `score` on a criterion of scale `k`, standardised: `(z, lo, hi)`.
pub(super) fn interval(k: &BayesCriterion, score: f64) -> (f64, f64, f64) {
    let (mid, range) = (0.5 * (k.min + k.max), k.max - k.min);
    let z = (score - mid) / range;
    let half = k.step.map_or(0.0, |h| 0.5 * h / range);
    let at_min = score <= k.min + 1e-9 * range;
    let at_max = score >= k.max - 1e-9 * range;
    let lo = if at_min { f64::NEG_INFINITY } else { z - half };
    let hi = if at_max { f64::INFINITY } else { z + half };
    (z, lo, hi)
}

impl Model {
    /// The model of the valid `scores` (see [`super::sample`]).
    pub fn new(
        criteria: &[BayesCriterion],
        jurors: usize,
        proposals: usize,
        scores: &[BayesScore],
    ) -> Model {
        let usable = |s: &&BayesScore| {
            (s.criterion as usize) < criteria.len()
                && (s.juror as usize) < jurors
                && (s.proposal as usize) < proposals
                && s.score.is_finite()
                && s.weight.is_finite()
                && s.weight > 0.0
                && s.count > 0.0
        };
        let mut juror_at = vec![usize::MAX; jurors];
        let mut proposal_at = vec![usize::MAX; proposals];
        let (mut juror_of, mut proposal_of) = (Vec::new(), Vec::new());
        let mut reviews = Vec::new();
        for s in scores.iter().filter(usable) {
            let (j, p) = (s.juror as usize, s.proposal as usize);
            if juror_at[j] == usize::MAX {
                juror_at[j] = juror_of.len();
                juror_of.push(j);
            }
            if proposal_at[p] == usize::MAX {
                proposal_at[p] = proposal_of.len();
                proposal_of.push(p);
            }
            let k = &criteria[s.criterion as usize];
            let (z, lo, hi) = interval(k, s.score);
            reviews.push(Review {
                c: s.criterion as usize,
                j: juror_at[j],
                i: proposal_at[p],
                w: s.weight,
                count: s.count,
                z,
                lo,
                hi,
            });
        }
        let mut by_proposal = vec![Vec::new(); proposal_of.len()];
        let mut by_juror = vec![Vec::new(); juror_of.len()];
        let mut readers: Vec<Vec<u32>> = vec![Vec::new(); proposal_of.len()];
        let mut read: Vec<Vec<u32>> = vec![Vec::new(); juror_of.len()];
        for (r, rev) in reviews.iter().enumerate() {
            by_proposal[rev.i].push(r as u32);
            by_juror[rev.j].push(r as u32);
            // A proposal has a handful of readers: a scan is quicker than a set.
            if !readers[rev.i].contains(&(rev.j as u32)) {
                readers[rev.i].push(rev.j as u32);
                read[rev.j].push(rev.i as u32);
            }
        }
        let share = read
            .iter()
            .map(|ps| {
                let inverse: f64 = ps
                    .iter()
                    .map(|&i| 1.0 / readers[i as usize].len() as f64)
                    .sum();
                inverse / proposal_of.len() as f64
            })
            .collect();
        Model {
            c: criteria.len(),
            reviews,
            proposal_of,
            juror_of,
            by_proposal,
            by_juror,
            mid: criteria.iter().map(|k| 0.5 * (k.min + k.max)).collect(),
            range: criteria.iter().map(|k| k.max - k.min).collect(),
            weight: criteria.iter().map(|k| k.weight).collect(),
            jurors,
            proposals,
            readers,
            read,
            share,
        }
    }

    /// The starting state: each latent at its score, each criterion's level at the mean of its
    /// scores, every value and batch level 0, every juror neutral, and spreads of a tenth of
    /// the range.
    pub fn start(&self) -> State {
        let c = self.c;
        let mut mu = vec![0.0; c];
        let mut n = vec![0.0f64; c];
        for r in &self.reviews {
            mu[r.c] += r.z;
            n[r.c] += 1.0;
        }
        for k in 0..c {
            mu[k] /= n[k].max(1.0);
        }
        let mut precision = vec![0.0; c * c];
        for k in 0..c {
            precision[k * c + k] = 1.0 / (PRIOR_SPREAD * PRIOR_SPREAD);
        }
        State {
            y: self.reviews.iter().map(|r| r.z).collect(),
            mu,
            v: vec![0.0; self.proposal_of.len() * c],
            a: vec![1.0; self.juror_of.len()],
            b: vec![0.0; self.juror_of.len()],
            sigma2: 0.01,
            tau_b2: 0.01,
            nu_b: LENIENCY_SCALE * LENIENCY_SCALE,
            tau_a2: 0.04,
            precision,
            g: vec![0.0; self.juror_of.len()],
            tau_g2: 0.01,
            nu_g: BATCH_SCALE * BATCH_SCALE,
        }
    }

    /// The mean of review `r`'s latent under `s`.
    pub fn mean(&self, s: &State, r: &Review) -> f64 {
        s.mu[r.c] + s.a[r.j] * s.v[r.i * self.c + r.c] + s.b[r.j]
    }

    /// One Gibbs sweep, in the order of `docs/methods.md`.
    pub fn sweep(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        self.draw_latents(s, rng);
        self.draw_values(s, rng);
        self.draw_batch_levels(s, rng);
        self.draw_levels(s, rng);
        self.draw_jurors(s, rng);
        self.shift_levels(s, rng);
        self.shift_values(s, rng);
        self.rescale(s, rng);
        self.draw_variances(s, rng);
        self.draw_value_precision(s, rng);
    }

    /// Each latent from its normal truncated to the score's step.
    pub fn draw_latents(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        for (r, rev) in self.reviews.iter().enumerate() {
            if rev.lo == rev.hi {
                s.y[r] = rev.lo;
                continue;
            }
            let m = self.mean(s, rev);
            let sd = (s.sigma2 / rev.w).sqrt();
            s.y[r] = m + sd * truncated_normal(rng, (rev.lo - m) / sd, (rev.hi - m) / sd);
        }
    }

    /// Each proposal's values from their C-variate normal: precision `Σ_v⁻¹ + diag(d)`,
    /// `d_c = Σ a² w / σ²`, and linear term `h_c = (Σ_v⁻¹1)_c ḡ_i + Σ a w (y − μ_c − b) / σ²`
    /// (`ḡ_i` the mean batch level of its readers).
    pub fn draw_values(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c;
        let (mut lambda, mut l, mut h) = (vec![0.0; c * c], vec![0.0; c * c], vec![0.0; c]);
        let row: Vec<f64> = (0..c)
            .map(|k| (0..c).map(|l| s.precision[k * c + l]).sum())
            .collect();
        let m = self.batch_means(s);
        for (i, reviews) in self.by_proposal.iter().enumerate() {
            lambda.copy_from_slice(&s.precision);
            for (h, r) in h.iter_mut().zip(&row) {
                *h = r * m[i];
            }
            for &r in reviews {
                let rev = &self.reviews[r as usize];
                let a = s.a[rev.j];
                lambda[rev.c * c + rev.c] += a * a * rev.w / s.sigma2;
                h[rev.c] += a * rev.w * (s.y[r as usize] - s.mu[rev.c] - s.b[rev.j]) / s.sigma2;
            }
            // Positive in exact arithmetic; a state whose numbers lost it keeps its values.
            if !cholesky_into(&lambda, c, &mut l) {
                continue;
            }
            forward(&l, c, &mut h);
            for x in h.iter_mut() {
                *x += normal(rng);
            }
            backward(&l, c, &mut h);
            s.v[i * c..(i + 1) * c].copy_from_slice(&h);
        }
    }

    /// Each criterion's level (flat prior): normal about the weighted mean of
    /// `y − a v − b`, variance `σ² / Σ w`.
    pub fn draw_levels(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c;
        let (mut sum, mut weight) = (vec![0.0; c], vec![0.0; c]);
        for (r, rev) in self.reviews.iter().enumerate() {
            let rest = s.y[r] - s.a[rev.j] * s.v[rev.i * c + rev.c] - s.b[rev.j];
            sum[rev.c] += rev.w * rest;
            weight[rev.c] += rev.w;
        }
        for k in 0..c {
            if weight[k] > 0.0 {
                s.mu[k] = sum[k] / weight[k] + (s.sigma2 / weight[k]).sqrt() * normal(rng);
            }
        }
    }

    /// Each juror's `(a, b)` at once: a bivariate normal proposal from the likelihood, the
    /// normal prior of `b` and a normal stand-in `N(1, τ_a²)` for the prior of `a`, accepted
    /// with the ratio of the log-normal prior to the stand-in (a Metropolis–Hastings
    /// independence step; a proposal with `a ≤ 0` is refused).
    pub fn draw_jurors(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c;
        for (j, reviews) in self.by_juror.iter().enumerate() {
            // Precision [[p11, p12], [p12, p22]] and linear term (h1, h2) of (a, b).
            let (mut p11, mut p12, mut p22) = (1.0 / s.tau_a2, 0.0, 1.0 / s.tau_b2);
            let (mut h1, mut h2) = (1.0 / s.tau_a2, 0.0);
            for &r in reviews {
                let rev = &self.reviews[r as usize];
                let x = s.v[rev.i * c + rev.c];
                let t = s.y[r as usize] - s.mu[rev.c];
                let w = rev.w / s.sigma2;
                p11 += w * x * x;
                p12 += w * x;
                p22 += w;
                h1 += w * x * t;
                h2 += w * t;
            }
            // Positive by the priors in exact arithmetic; else the juror keeps (a, b).
            let mut l = [0.0; 4];
            if !cholesky_into(&[p11, p12, p12, p22], 2, &mut l) {
                continue;
            }
            let mut m = [h1, h2];
            forward(&l, 2, &mut m);
            m[0] += normal(rng);
            m[1] += normal(rng);
            backward(&l, 2, &mut m);
            let u = uniform_log(rng);
            let (a_new, a_old) = (m[0], s.a[j]);
            if a_new <= 0.0 {
                continue;
            }
            let log_ratio = |a: f64| {
                let ln = a.ln();
                -ln - ln * ln / (2.0 * s.tau_a2) + (a - 1.0) * (a - 1.0) / (2.0 * s.tau_a2)
            };
            if u <= log_ratio(a_new) - log_ratio(a_old) {
                s.a[j] = a_new;
                s.b[j] = m[1];
            }
        }
    }

    /// Shifts every level up and every leniency down by one `δ`, drawn from its conditional
    /// `N(mean b, τ_b² / J)` (the likelihood does not see the shift).
    pub fn shift_levels(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let n = s.b.len() as f64;
        if n == 0.0 {
            return;
        }
        let delta = s.b.iter().sum::<f64>() / n + (s.tau_b2 / n).sqrt() * normal(rng);
        s.b.iter_mut().for_each(|b| *b -= delta);
        s.mu.iter_mut().for_each(|m| *m += delta);
    }

    /// Shifts every value up by `δ` and each leniency down by `a_j δ`, `δ` drawn from its
    /// normal conditional: precision `P·1ᵀΣ_v⁻¹1 + Σ a²/τ_b²`, linear term
    /// `−Σ_i 1ᵀΣ_v⁻¹(v_i − ḡ_i1) + Σ a b/τ_b²`, where `Σ_i ḡ_i = 0` (`super::batch`) leaves
    /// `−Σ_i 1ᵀΣ_v⁻¹v_i`.
    pub fn shift_values(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c;
        let row: Vec<f64> = (0..c)
            .map(|k| (0..c).map(|l| s.precision[l * c + k]).sum())
            .collect();
        let ones = row.iter().sum::<f64>();
        let n = self.by_proposal.len() as f64;
        let mut precision = n * ones;
        let mut linear = 0.0;
        for vi in s.v.chunks_exact(c) {
            linear -= vi.iter().zip(&row).map(|(v, r)| v * r).sum::<f64>();
        }
        for (a, b) in s.a.iter().zip(&s.b) {
            precision += a * a / s.tau_b2;
            linear += a * b / s.tau_b2;
        }
        if precision <= 0.0 {
            return;
        }
        let delta = linear / precision + normal(rng) / precision.sqrt();
        s.v.iter_mut().for_each(|v| *v += delta);
        for (a, b) in s.a.iter().zip(s.b.iter_mut()) {
            *b -= a * delta;
        }
    }

    /// Scales every juror's `a` by `e^κ`, every value and batch level by `e^(−κ)` and `Σ_v` by
    /// `e^(−2κ)` (the likelihood does not see it): two random-walk Metropolis steps on `κ`,
    /// whose log target (priors and Jacobian) is `−Σ(ln a_j + κ)²/2τ_a² + κ·C·ν₀ −
    /// e^(2κ)·ψ₀·tr(Σ_v⁻¹)/2 − κJ − (e^(−2κ) − 1)·Σg²/2τ_g²`, with `ν₀ = C + 2` and
    /// `ψ₀ = (C + 2)/8²` the inverse-Wishart prior's (the values' density and Jacobian
    /// cancel; the batch levels' prior and Jacobian give the last two terms).
    pub fn rescale(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c as f64;
        let j = s.a.len() as f64;
        let (nu, psi) = (c + 2.0, (c + 2.0) * PRIOR_SPREAD * PRIOR_SPREAD);
        let trace: f64 = (0..self.c).map(|k| s.precision[k * self.c + k]).sum();
        let ln_a: Vec<f64> = s.a.iter().map(|a| a.ln()).collect();
        let sg = s.g.iter().map(|g| g * g).sum::<f64>();
        let log_target = |kappa: f64| {
            -ln_a.iter().map(|l| (l + kappa) * (l + kappa)).sum::<f64>() / (2.0 * s.tau_a2)
                + kappa * c * nu
                - (2.0 * kappa).exp() * psi * trace / 2.0
                - kappa * j
                - ((-2.0 * kappa).exp() - 1.0) * sg / (2.0 * s.tau_g2)
        };
        let step = 1.7 / (j / s.tau_a2 + 2.0 * psi * trace).sqrt();
        let mut kappa = 0.0;
        let mut here = log_target(0.0);
        for _ in 0..2 {
            let next = kappa + step * normal(rng);
            let there = log_target(next);
            if uniform_log(rng) <= there - here {
                (kappa, here) = (next, there);
            }
        }
        if kappa == 0.0 {
            return;
        }
        let (up, down) = (kappa.exp(), (-kappa).exp());
        s.a.iter_mut().for_each(|a| *a *= up);
        s.v.iter_mut().for_each(|v| *v *= down);
        s.g.iter_mut().for_each(|g| *g *= down);
        s.precision.iter_mut().for_each(|p| *p *= up * up);
    }

    /// `σ²`, `τ_b²` (then its auxiliary `ν`) and `τ_a²` from their inverse-gamma
    /// conditionals.
    pub fn draw_variances(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let (mut ss, mut n) = (0.0, 0.0);
        for (r, rev) in self.reviews.iter().enumerate() {
            let e = s.y[r] - self.mean(s, rev);
            ss += rev.w * e * e;
            n += rev.count;
        }
        if n > 0.0 {
            s.sigma2 = (0.5 * ss / gamma(rng, 0.5 * n)).max(SIGMA2_FLOOR);
        }
        let jurors = s.b.len();
        if jurors >= 2 {
            // Half-Cauchy(0, A) on τ_b as τ_b² | ν ~ Inv-Gamma(1/2, 1/ν), ν ~ Inv-Gamma(1/2,
            // 1/A²) (Makalic & Schmidt 2016): both conditionals inverse-gamma.
            let sb = s.b.iter().map(|b| b * b).sum::<f64>();
            let shape_b = 0.5 * (jurors as f64 + 1.0);
            s.tau_b2 = ((0.5 * sb + 1.0 / s.nu_b) / gamma(rng, shape_b)).max(FLOOR);
            let a2 = LENIENCY_SCALE * LENIENCY_SCALE;
            s.nu_b = (1.0 / a2 + 1.0 / s.tau_b2) / gamma(rng, 1.0);
            let sa = s.a.iter().map(|a| a.ln() * a.ln()).sum::<f64>();
            let shape = 0.5 * (jurors as f64 - 1.0);
            s.tau_a2 = (0.5 * sa / gamma(rng, shape)).max(FLOOR);
        }
    }

    /// `Σ_v⁻¹` from its Wishart conditional: `C + 2 + P` degrees of freedom, scale
    /// `((C + 2)(1/8)² I + Σ_i (v_i − ḡ_i1)(v_i − ḡ_i1)ᵀ)⁻¹`.
    pub fn draw_value_precision(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let c = self.c;
        let prior = (c as f64 + 2.0) * PRIOR_SPREAD * PRIOR_SPREAD;
        let mut scatter = vec![0.0; c * c];
        for k in 0..c {
            scatter[k * c + k] = prior;
        }
        let m = self.batch_means(s);
        for (vi, m) in s.v.chunks_exact(c).zip(&m) {
            for k in 0..c {
                for l in 0..c {
                    scatter[k * c + l] += (vi[k] - m) * (vi[l] - m);
                }
            }
        }
        let dof = c as f64 + 2.0 + self.by_proposal.len() as f64;
        // The prior keeps the scatter positive; a state whose numbers lost it keeps Σ_v.
        let Some(l) = inverse(&scatter, c).and_then(|scale| cholesky(&scale, c)) else {
            return;
        };
        s.precision = wishart(rng, &l, c, dof);
    }
}

/// The scale `A` of the half-Cauchy prior of the jurors' leniency spread `τ_b`, in ranges: a
/// quarter of the range. A flat prior on `τ_b` leaves the posterior improper with fewer than 3
/// jurors (the levels are flat too: the data fix only each `μ_c + b_j`; Gelman 2006, §3.2 and
/// §5), and the chains of a two-juror award wander off without bound.
pub(super) const LENIENCY_SCALE: f64 = 0.25;

/// The smallest noise variance, in squared ranges (a millionth of the range): scores that the
/// model fits exactly (a continuous scale, every juror on one line) would otherwise drive it
/// to zero and every precision to infinity.
const SIGMA2_FLOOR: f64 = 1e-12;

/// The smallest spread of the jurors' leniencies or log scales (squared): a panel whose
/// jurors agree exactly would otherwise pin them at zero.
pub(super) const FLOOR: f64 = 1e-10;

/// The log of a uniform number in (0, 1).
fn uniform_log(rng: &mut ChaCha8Rng) -> f64 {
    super::draw::uniform(rng).ln()
}
