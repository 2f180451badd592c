//! The hierarchical Bayes model behind the `bayes` method, sampled by Gibbs sweeps.
//!
//! A score is a rounded and clipped reading of a continuous judgment. On each criterion's own
//! scale, standardised as `z = (score − mid) / range` (so that one juror's leniency and spread
//! mean the same on every criterion), review `r` by juror `j` of proposal `i` on criterion `c`
//! is a latent `y = μ_c + a_j·v_ic + b_j + ε`, `ε ~ N(0, σ²/w)` (`w` the review's confidence
//! weight times its count), read as the score `k` whose step `[k − h/2, k + h/2)` holds `y`,
//! open-ended at the scale's ends (a continuous scale reads `y` itself, clipped at the ends).
//! Priors: `v_i ~ N_C(ḡ_i·1, Σ_v)`, about the mean batch level `ḡ_i` of the jurors who read
//! the proposal (each juror `j` has a level `g_j ~ N(0, τ_g²)`, the means centred so that
//! they sum to 0 over the proposals; `batch`), `b_j ~ N(0, τ_b²)`, `ln a_j ~ N(0, τ_a²)`,
//! `μ_c` flat, `p(σ²) ∝ 1/σ²`, `Σ_v ~ inverse-Wishart(C + 2, (C + 2)(1/8)² I)` (a range of 8
//! spreads), `τ_b, τ_g ~ half-Cauchy(0, 1/4)` (a flat prior, as on `τ_a`, leaves the
//! posterior improper with two jurors), a flat prior on `τ_a`. `docs/methods.md` derives each
//! conditional and says why the batch levels (a deviation from issue #21's `v_i ~ N_C(0, Σ_v)`).
//!
//! Chains run in parallel, each from its own ChaCha8 stream (the seed, stream
//! `2⁶³ + chain`), and are combined in chain order: the result is the same bytes for any
//! number of threads.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use rayon::prelude::*;

mod batch;
mod draw;
mod linalg;
mod record;
mod sweep;
#[cfg(test)]
mod tests;

use record::Chain;
use sweep::Model;

/// The split R-hat above which a weighted total's chains are taken to disagree (Gelman et
/// al. 2013 suggest 1.1; 1.05 is stricter, for a decision that names winners).
pub const RHAT_POOR: f64 = 1.05;

/// One criterion as the model reads it: its scale and its weight in the total.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BayesCriterion {
    /// The lowest score.
    pub min: f64,
    /// The highest score (above `min`).
    pub max: f64,
    /// The distance between allowed scores; `None` for a continuous scale.
    pub step: Option<f64>,
    /// The criterion's weight in the total.
    pub weight: f64,
}

/// One valid score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BayesScore {
    /// Criterion index.
    pub criterion: u32,
    /// Juror index, `0..jurors`.
    pub juror: u32,
    /// Proposal index, `0..proposals`.
    pub proposal: u32,
    /// The score, on the criterion's scale.
    pub score: f64,
    /// Its weight (confidence times count), positive.
    pub weight: f64,
    /// How many scores it stands for (a bootstrap draw's multiplicity; 1 otherwise).
    pub count: f64,
}

/// The sampler's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BayesOptions {
    /// Sweeps per chain, burn-in included; default 800.
    pub sweeps: usize,
    /// Sweeps discarded at the start of each chain; default 200.
    pub burn_in: usize,
    /// Chains; default 4 (split R-hat compares their halves).
    pub chains: usize,
    /// Every `thin`-th kept sweep is recorded; default 2.
    pub thin: usize,
    /// The seed of every chain's stream.
    pub seed: u64,
}

impl Default for BayesOptions {
    fn default() -> Self {
        BayesOptions {
            sweeps: 800,
            burn_in: 200,
            chains: 4,
            thin: 2,
            seed: 0,
        }
    }
}

/// What the sampler found, in score units.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// Criteria `C`.
    pub criteria: usize,
    /// Proposals `P` (the award's).
    pub proposals: usize,
    /// Posterior mean of each proposal's value on each criterion, `mid + range·(μ_c + v_ic)`
    /// (what a juror of leniency 0 and scale 1 reads on average), `value[p * C + c]`; NaN
    /// for a proposal without a score.
    pub value: Vec<f64>,
    /// Posterior mean of each juror's scale `a_j` (1 for a juror without a score).
    pub scale: Vec<f64>,
    /// Posterior mean of each juror's leniency `b_j`, in units of the criteria's ranges.
    pub leniency: Vec<f64>,
    /// Posterior mean of each criterion's `mid + range·μ_c`.
    pub level: Vec<f64>,
    /// Recorded draws of every proposal's weighted total, `totals[draw * P + p]`, chains one
    /// after the other; NaN for a proposal without a score.
    pub totals: Vec<f64>,
    /// Draws recorded per chain.
    pub per_chain: usize,
    /// Chains run.
    pub chains: usize,
    /// Split R-hat of each proposal's weighted total (Gelman et al. 2013, §11.4); NaN for a
    /// proposal without a score.
    pub rhat: Vec<f64>,
}

impl Posterior {
    /// Draws recorded in all.
    pub fn draws(&self) -> usize {
        self.per_chain * self.chains
    }

    /// The recorded draw `d` of every proposal's weighted total.
    pub fn draw(&self, d: usize) -> &[f64] {
        &self.totals[d * self.proposals..(d + 1) * self.proposals]
    }

    /// The largest split R-hat over the proposals that have one (1 when none has); infinite
    /// when some total's chains each stayed at one value, not all the same.
    pub fn worst_rhat(&self) -> f64 {
        self.rhat
            .iter()
            .copied()
            .filter(|r| !r.is_nan())
            .fold(1.0, f64::max)
    }
}

/// Samples the model's posterior from `scores` (those with an out-of-range index, a score
/// that is not finite, or a weight that is not positive are ignored).
///
/// # Panics
///
/// When `options` keeps no sweep (`burn_in ≥ sweeps`), or `thin` or `chains` is 0.
pub fn sample(
    criteria: &[BayesCriterion],
    jurors: usize,
    proposals: usize,
    scores: &[BayesScore],
    options: &BayesOptions,
) -> Posterior {
    assert!(options.sweeps > options.burn_in && options.thin > 0 && options.chains > 0);
    let model = Model::new(criteria, jurors, proposals, scores);
    let chains: Vec<Chain> = (0..options.chains)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream((1 << 63) | k as u64);
            model.run(&mut rng, options)
        })
        .collect();
    model.summarise(&chains)
}

/// Split R-hat of one quantity from its draws in `chains` sequences of equal length: each
/// sequence is cut in two halves, `R̂ = √(((n − 1)/n · W + B/n) / W)`, `W` the mean
/// within-half variance and `B/n` the variance of the halves' means (Gelman et al. 2013,
/// §11.4). 1 when every draw is equal.
pub(crate) fn split_rhat(sequences: &[&[f64]]) -> f64 {
    let halves: Vec<&[f64]> = sequences
        .iter()
        .flat_map(|s| {
            let n = s.len() / 2;
            [&s[..n], &s[s.len() - n..]]
        })
        .collect();
    let n = halves[0].len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let means: Vec<f64> = halves.iter().map(|h| h.iter().sum::<f64>() / n).collect();
    let w = halves
        .iter()
        .zip(&means)
        .map(|(h, m)| h.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0))
        .sum::<f64>()
        / halves.len() as f64;
    let grand = means.iter().sum::<f64>() / means.len() as f64;
    let b_over_n =
        means.iter().map(|m| (m - grand) * (m - grand)).sum::<f64>() / (means.len() as f64 - 1.0);
    if w <= 0.0 {
        return if b_over_n > 0.0 { f64::INFINITY } else { 1.0 };
    }
    (((n - 1.0) / n * w + b_over_n) / w).sqrt()
}
