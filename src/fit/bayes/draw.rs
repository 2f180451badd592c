//! Random draws for the sampler, from one ChaCha8 stream: uniform, standard normal, gamma,
//! and the normal truncated to an interval.
//!
//! Every draw takes a fixed number of the stream's numbers or loops on a rejection whose
//! decisions depend only on the stream, so a chain is reproduced bit for bit from its seed.

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use statrs::function::erf::{erfc, erfc_inv};

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

/// The upper tail of the standard normal, `Q(x) = P(Z > x)`, accurate in the far tail.
pub(crate) fn upper_tail(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

/// The `x` with `Q(x) = q`, `0 < q < 1`.
fn upper_tail_inverse(q: f64) -> f64 {
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * q)
}

/// Where the inverse-CDF draw hands over to rejection: beyond this many standard deviations
/// the tail's mass (below 3·10⁻⁷) leaves too few digits for the inverse.
const TAIL: f64 = 5.0;

/// A standard normal number truncated to `[lo, hi]` (either end may be infinite; `lo < hi`).
///
/// A narrow finite interval inside `(−5, 5)` by uniform rejection ([`narrow`]);
/// any other inside `(−5, 5)` by the inverse of the upper-tail function on the side of zero the
/// interval lies on (`Q` keeps its relative precision there). An interval lying wholly beyond
/// 5 standard deviations is drawn by rejection (Robert 1995): from a uniform proposal when it
/// is narrower than `1/lo`, else from the exponential proposal of rate
/// `(lo + √(lo² + 4)) / 2`, redrawn while above `hi`.
pub(crate) fn truncated_normal(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    if lo >= TAIL {
        return tail(rng, lo, hi);
    }
    if hi <= -TAIL {
        return -tail(rng, -hi, -lo);
    }
    let m = nearest_zero(lo, hi);
    if (hi - lo) * (1.0 + m.abs()) <= NARROW {
        return narrow(rng, lo, hi, m);
    }
    let u = uniform(rng);
    if lo >= 0.0 {
        // Q falls from Q(lo) to Q(hi): a draw between them, inverted.
        let (a, b) = (upper_tail(lo), upper_tail(hi));
        upper_tail_inverse(b + u * (a - b)).clamp(lo, hi)
    } else {
        // By symmetry, P(Z < x) = Q(−x), which keeps precision for x below zero.
        let (a, b) = (upper_tail(-lo), upper_tail(-hi));
        (-upper_tail_inverse(a + u * (b - a))).clamp(lo, hi)
    }
}

/// The largest `w·(1 + |m|)` of an interval of width `w` whose point nearest zero is `m`
/// drawn by uniform rejection: its acceptance, `∫ exp((m² − x²)/2) dx / w` over the interval,
/// is then at least about 0.4, and a draw costs no inverse of the normal's distribution
/// function.
const NARROW: f64 = 2.0;

/// The point of `[lo, hi]` nearest zero.
fn nearest_zero(lo: f64, hi: f64) -> f64 {
    if lo > 0.0 {
        lo
    } else if hi < 0.0 {
        hi
    } else {
        0.0
    }
}

/// A standard normal number truncated to the finite `[lo, hi]` whose point nearest zero is
/// `m`: a uniform proposal accepted with `exp((m² − x²) / 2)` (Robert 1995, section 2.2).
fn narrow(rng: &mut ChaCha8Rng, lo: f64, hi: f64, m: f64) -> f64 {
    loop {
        let x = lo + (hi - lo) * uniform(rng);
        if uniform(rng).ln() <= 0.5 * (m * m - x * x) {
            return x;
        }
    }
}

/// A standard normal number truncated to `[lo, hi]`, `lo ≥ 5` (Robert 1995, section 2).
fn tail(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    if hi - lo < 1.0 / lo {
        // Uniform proposal: accept with exp((lo² − x²) / 2), at least e^(−1) here.
        loop {
            let x = lo + (hi - lo) * uniform(rng);
            if uniform(rng).ln() <= 0.5 * (lo * lo - x * x) {
                return x;
            }
        }
    }
    let rate = 0.5 * (lo + (lo * lo + 4.0).sqrt());
    loop {
        let x = lo - uniform(rng).ln() / rate;
        if x <= hi && uniform(rng).ln() <= -0.5 * (x - rate) * (x - rate) {
            return x;
        }
    }
}
