//! Random draws for the simulator: one ChaCha8 stream, and basic arithmetic only.
//!
//! Uniform draws take the top 53 bits of a `u64`. Normal draws use Marsaglia's polar method.
//! The logarithm it needs, and the exponential of log-normal spreads, are computed here from
//! `+ − × ÷` and `sqrt` (which IEEE 754 rounds exactly) rather than by the platform's math
//! library, whose last bits may differ between machines: the same seed gives the same numbers
//! everywhere.

use std::f64::consts::{LN_2, SQRT_2};

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A seeded stream of draws.
pub(super) struct Draws(ChaCha8Rng);

impl Draws {
    /// The stream of this seed.
    pub(super) fn new(seed: u64) -> Draws {
        Draws(ChaCha8Rng::seed_from_u64(seed))
    }

    /// The draws of a stream already set up.
    pub(super) fn from_rng(rng: ChaCha8Rng) -> Draws {
        Draws(rng)
    }

    /// A uniform draw in `[0, 1)`, on the grid of multiples of 2⁻⁵³.
    pub(super) fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Marsaglia's polar method, one value per call).
    pub(super) fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// A whole number in `0..n` (`n > 0`), by multiply-and-shift.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// An index `i` drawn with probability `weights[i] / Σ weights` (weights positive).
    pub(super) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let target = self.uniform() * total;
        let mut sum = 0.0;
        for (i, w) in weights.iter().enumerate() {
            sum += w;
            if target < sum {
                return i;
            }
        }
        weights.len() - 1
    }
}

/// The natural logarithm of a positive normal number, to within a few units in the last
/// place: `x = m × 2ᵉ` with `m` in `[√½, √2)`, and `ln m = 2 atanh t` with `t = (m − 1)/(m + 1)`
/// summed as a series (`|t| < 0.172`, so 24 terms reach far below rounding).
pub(super) fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut power = t;
    let mut sum = 0.0;
    for k in 0..24 {
        sum += power / (2 * k + 1) as f64;
        power *= t2;
    }
    2.0 * sum + e as f64 * LN_2
}

/// `eˣ` to within a few units in the last place, for `x` clamped to `[−700, 700]`:
/// `x = k ln 2 + r` with `|r| ≤ ½ ln 2`, `eʳ` by its Taylor series, times `2ᵏ` built exactly.
/// `ln 2` is split in a high part whose multiples by `k` are exact and a low part (Cody and
/// Waite), so that `r` keeps its precision. `exp(0)` is exactly 1.
pub(super) fn exp(x: f64) -> f64 {
    let ln2_high = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_low = f64::from_bits(0x3dea_39ef_3579_3c76);
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN_2).round();
    let r = (x - k * ln2_high) - k * ln2_low;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=24 {
        term *= r / n as f64;
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn ln_and_exp_agree_with_the_math_library_to_a_few_ulps() {
        let mut d = Draws::new(1);
        for _ in 0..20_000 {
            let x = d.uniform() * 2.0f64.powi(d.below(80) as i32 - 40);
            if x > 0.0 {
                assert!(close(ln(x), x.ln()), "ln {x}: {} vs {}", ln(x), x.ln());
            }
            let y = (d.uniform() - 0.5) * 100.0;
            assert!(close(exp(y), y.exp()), "exp {y}: {} vs {}", exp(y), y.exp());
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn normal_draws_have_mean_zero_and_unit_spread() {
        // 100 000 draws: the standard error of the mean is 1/√100000 ≈ 0.0032 and that of
        // the variance √(2/100000) ≈ 0.0045, so both bounds below sit beyond 6 errors.
        let mut d = Draws::new(7);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| d.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.03, "{var}");
    }

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let (mut a, mut b) = (Draws::new(42), Draws::new(42));
        for _ in 0..100 {
            assert_eq!(a.normal().to_bits(), b.normal().to_bits());
        }
        assert_ne!(Draws::new(1).uniform(), Draws::new(2).uniform());
    }

    #[test]
    fn shuffles_and_picks_stay_in_range() {
        let mut d = Draws::new(3);
        let mut items: Vec<usize> = (0..10).collect();
        d.shuffle(&mut items);
        let mut sorted = items.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        // A weight of 1000 beside two of 1 is picked with probability 1000/1002: about 998
        // times in 1000 (standard deviation 1.4), far above 980.
        let picks = (0..1000)
            .filter(|_| d.pick(&[1.0, 1000.0, 1.0]) == 1)
            .count();
        assert!(picks > 980, "{picks}");
    }
}
