//! Random draws for the sampler, from one ChaCha8 stream: uniform, standard normal, gamma,
//! and the normal truncated to an interval.
//!
//! Every draw takes a fixed number of the stream's numbers or loops on a rejection whose
//! decisions depend only on the stream, so a chain is reproduced bit for bit from its seed.

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

/// A uniform number in the open interval (0, 1): 53 random bits, offset by half a step so
/// that neither end is ever drawn.
pub(crate) fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal number (Box–Muller, one of the pair kept).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u1, u2) = (uniform(rng), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A Gamma(shape, 1) number, `shape > 0` (Marsaglia & Tsang 2000; for `shape < 1`, a
/// Gamma(shape + 1) number times `u^(1/shape)`).
pub(crate) fn gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let g = gamma(rng, shape + 1.0);
        return g * uniform(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = uniform(rng);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A standard normal number truncated to `[lo, hi]` (either end may be infinite; `lo < hi`),
/// by rejection only (Robert 1995), so that no draw needs the normal's distribution function
/// or its inverse:
///
/// * an interval holding 0 from a uniform proposal accepted with `exp(−x²/2)` when it is
///   narrower than `√(2π)`, else from standard normal proposals kept when inside (either way
///   at least about half are accepted);
/// * an interval wholly on one side of 0 by [`one_side`] (mirrored when below 0).
pub(crate) fn truncated_normal(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    if lo >= 0.0 {
        return one_side(rng, lo, hi);
    }
    if hi <= 0.0 {
        return -one_side(rng, -hi, -lo);
    }
    if hi - lo < SQRT_TAU {
        loop {
            let x = lo + (hi - lo) * uniform(rng);
            if accept(uniform(rng), 0.5 * x * x) {
                return x;
            }
        }
    }
    loop {
        let x = normal(rng);
        if lo <= x && x <= hi {
            return x;
        }
    }
}

/// `√(2π)`: below this width a uniform proposal accepts more often than a normal one
/// (Robert 1995, section 2.2).
const SQRT_TAU: f64 = 2.506_628_274_631_000_2;

/// A standard normal number truncated to `[lo, hi]`, `0 ≤ lo < hi` (Robert 1995,
/// proposition 2.3): from a uniform proposal on `[lo, hi]`, accepted with
/// `exp((lo² − x²)/2)`, when the interval is narrower than
/// `2√e / (lo + √(lo² + 4)) · exp((lo² − lo·√(lo² + 4)) / 4)`; else from the exponential
/// proposal `lo + Exp(α)` of rate `α = (lo + √(lo² + 4)) / 2`, accepted with
/// `exp(−(x − α)²/2)` when not above `hi`. Each accepts at least about a third of its
/// proposals, at any distance from 0.
fn one_side(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    let root = (lo * lo + 4.0).sqrt();
    let rate = 0.5 * (lo + root);
    let uniform_below = 2.0 * E_SQRT / (lo + root) * (0.25 * lo * (lo - root)).exp();
    if hi - lo < uniform_below {
        loop {
            let x = lo + (hi - lo) * uniform(rng);
            // (x² − lo²)/2 written as a product, exact where lo is large.
            if accept(uniform(rng), 0.5 * (x - lo) * (x + lo)) {
                return x;
            }
        }
    }
    loop {
        let x = lo - uniform(rng).ln() / rate;
        if x <= hi && uniform(rng).ln() <= -0.5 * (x - rate) * (x - rate) {
            return x;
        }
    }
}

/// `√e`.
const E_SQRT: f64 = 1.648_721_270_700_128_1;

/// Whether the uniform `u` accepts with probability `e^(−t)`, `t ≥ 0`: `u ≤ 1 − t` accepts
/// without a logarithm (`e^(−t) ≥ 1 − t`), else `ln u ≤ −t` decides.
fn accept(u: f64, t: f64) -> bool {
    u <= 1.0 - t || u.ln() <= -t
}
