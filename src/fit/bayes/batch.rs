//! The batch levels: each juror `j` has a level `g_j`, and a proposal's values are drawn about
//! the mean level of the jurors who read it, centred on the award's: `v_i ~ N_C(ḡ_i·1, Σ_v)`,
//! `ḡ_i = Σ_{j reads i} g_j / n_i − Σ_j w_j g_j` (`n_i` readers; `w_j` the juror's
//! [`Model::share`], so that `Σ_i ḡ_i = 0`), `g_j ~ N(0, τ_g²)`, `τ_g ~ half-Cauchy(0, 1/4)`.
//! A panel that scores its batch high is then read in part as a strong batch, not only as
//! lenient jurors; the jurors who read across panels tell the two apart. The centring keeps
//! the values on the panel's own footing (their mean about 0, as without batch levels).
//! `docs/methods.md` (section `bayes`) gives the reason and the numbers.

use rand_chacha::ChaCha8Rng;

use super::draw::{gamma, normal};
use super::sweep::{Model, State, FLOOR};

/// The scale `A` of the half-Cauchy prior of the batch levels' spread `τ_g`, in ranges: a
/// quarter of the range, as for the leniencies.
pub(super) const BATCH_SCALE: f64 = 0.25;

/// The batch levels' raw means: `raw_i = Σ_{j reads i} g_j / n_i` for every compact
/// proposal, and `G = Σ_j w_j g_j`; the prior mean of proposal `i`'s values is
/// `ḡ_i = raw_i − G`.
pub(super) struct Means {
    pub raw: Vec<f64>,
    pub centre: f64,
}

impl Model {
    /// The batch levels' [`Means`] under `s`.
    pub fn batch_raw(&self, s: &State) -> Means {
        let raw = (self.readers.iter())
            .map(|r| r.iter().map(|&j| s.g[j as usize]).sum::<f64>() / r.len() as f64)
            .collect();
        let centre = self.share.iter().zip(&s.g).map(|(w, g)| w * g).sum();
        Means { raw, centre }
    }

    /// The prior mean `ḡ_i` of every compact proposal's values under `s`.
    pub fn batch_means(&self, s: &State) -> Vec<f64> {
        let m = self.batch_raw(s);
        m.raw.iter().map(|r| r - m.centre).collect()
    }

    /// The normal conditional of juror `j`'s level as `(precision, linear term)`, given the
    /// [`Means`] `m` of `s`. With `Λ = Σ_v⁻¹`, `t = 1ᵀΛ1` and `u_i = 1ᵀΛv_i / t`, the
    /// values' prior is `Π_i exp(−t(ḡ_i − u_i)²/2)` in the `ḡ_i`, and `ḡ_i` moves with `g_j`
    /// by `x_i = [j reads i]/n_i − w_j`. So the precision is `t Σ_i x_i² + 1/τ_g²`, with
    /// `Σ_i x_i² = Σ_{j reads i} 1/n_i² − P w_j²` (as `Σ_{j reads i} 1/n_i = P w_j`), and the
    /// linear term is `t Σ_i x_i (u_i − ḡ_i) + t Σ_i x_i² g_j`, where
    /// `Σ_i x_i (u_i − ḡ_i) = Σ_{j reads i} (u_i − ḡ_i)/n_i − w_j Σ_i u_i` (as `Σ_i ḡ_i = 0`).
    pub fn batch_conditional(
        &self,
        s: &State,
        j: usize,
        m: &Means,
        sum_u: f64,
        u: &[f64],
    ) -> (f64, f64) {
        let t = ones(s, self.c);
        let p = self.readers.len() as f64;
        let w = self.share[j];
        let (mut squares, mut across) = (0.0, 0.0);
        for &i in &self.read[j] {
            let i = i as usize;
            let n = self.readers[i].len() as f64;
            squares += 1.0 / (n * n);
            across += (u[i] - (m.raw[i] - m.centre)) / n;
        }
        let squares = (squares - p * w * w).max(0.0);
        let precision = t * squares + 1.0 / s.tau_g2;
        let linear = t * (across - w * sum_u) + t * squares * s.g[j];
        (precision, linear)
    }

    /// `u_i = 1ᵀΣ_v⁻¹v_i / 1ᵀΣ_v⁻¹1` of every compact proposal: where its values' prior would
    /// put its mean level.
    pub fn batch_targets(&self, s: &State) -> Vec<f64> {
        let c = self.c;
        let row = row_sums(s, c);
        let t = row.iter().sum::<f64>();
        s.v.chunks_exact(c)
            .map(|vi| vi.iter().zip(&row).map(|(v, r)| v * r).sum::<f64>() / t)
            .collect()
    }

    /// Each juror's level from its normal conditional ([`Model::batch_conditional`]), one
    /// juror after another; then one shift of every level by `δ ~ N(−mean g, τ_g²/J)` (the
    /// values do not see it: the centring takes it out); then `τ_g²` and its auxiliary `ν`
    /// from their inverse-gamma conditionals (as `τ_b²`'s).
    pub fn draw_batch_levels(&self, s: &mut State, rng: &mut ChaCha8Rng) {
        let jurors = s.g.len();
        if jurors == 0 {
            return;
        }
        let mut m = self.batch_raw(s);
        let u = self.batch_targets(s);
        let sum_u = u.iter().sum::<f64>();
        for j in 0..jurors {
            let (precision, linear) = self.batch_conditional(s, j, &m, sum_u, &u);
            // Positive by the prior in exact arithmetic; else the juror keeps the level.
            if !(precision > 0.0 && precision.is_finite()) {
                continue;
            }
            let new = linear / precision + normal(rng) / precision.sqrt();
            let step = new - s.g[j];
            for &i in &self.read[j] {
                let i = i as usize;
                m.raw[i] += step / self.readers[i].len() as f64;
            }
            m.centre += self.share[j] * step;
            s.g[j] = new;
        }
        let n = jurors as f64;
        let delta = -s.g.iter().sum::<f64>() / n + (s.tau_g2 / n).sqrt() * normal(rng);
        s.g.iter_mut().for_each(|g| *g += delta);
        if jurors >= 2 {
            let sg = s.g.iter().map(|g| g * g).sum::<f64>();
            let shape = 0.5 * (n + 1.0);
            s.tau_g2 = ((0.5 * sg + 1.0 / s.nu_g) / gamma(rng, shape)).max(FLOOR);
            let a2 = BATCH_SCALE * BATCH_SCALE;
            s.nu_g = (1.0 / a2 + 1.0 / s.tau_g2) / gamma(rng, 1.0);
        }
    }
}

/// `Σ_v⁻¹1`, entry by entry.
fn row_sums(s: &State, c: usize) -> Vec<f64> {
    (0..c)
        .map(|k| (0..c).map(|l| s.precision[k * c + l]).sum())
        .collect()
}

/// `1ᵀΣ_v⁻¹1`.
fn ones(s: &State, c: usize) -> f64 {
    row_sums(s, c).iter().sum()
}
