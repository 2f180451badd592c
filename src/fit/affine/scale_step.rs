//! The exact scale step of one component of the single-criterion affine fit.

/// the juror's shrunk regression slope, `c_j` its curvature) subject to `a_j ≥ lo × mean(a)`.
/// Active-set method: with the set `L` of jurors held at the bound, the mean is
/// `g Σ_F a_j` (`g = 1 / (n − lo |L|)`) and the free scales have the closed form
/// `a_j = r_j − λ / c_j`; violators join `L`, and a held juror whose multiplier is negative
/// leaves it. Returns `false` when no solution with a positive mean exists.
pub(super) fn scale_step(c: &[f64], r: &[f64], lo: f64, a: &mut [f64]) -> bool {
    let n = c.len();
    let mut held = vec![false; n];
    for _ in 0..2 * n + 2 {
        let (mut h, mut sr, mut cl, mut clr, mut nl) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            if held[j] {
                (cl, clr, nl) = (cl + c[j], clr + c[j] * r[j], nl + 1.0);
            } else {
                (h, sr) = (h + 1.0 / c[j], sr + r[j]);
            }
        }
        if nl == n as f64 {
            return false;
        }
        let g = 1.0 / (n as f64 - lo * nl);
        let (q, rl) = (g * g * lo * lo * cl, g * lo * clr);
        let free_sum = (sr + rl * h) / (1.0 + q * h);
        let (mean, lambda) = (g * free_sum, q * free_sum - rl);
        if !(mean > 0.0 && mean.is_finite()) {
            return false;
        }
        let mut joined = false;
        for j in 0..n {
            a[j] = if held[j] {
                lo * mean
            } else {
                r[j] - lambda / c[j]
            };
            if !held[j] && a[j] < lo * mean {
                held[j] = true;
                joined = true;
            }
        }
        if joined {
            continue;
        }
        // Half the multiplier of a held juror's bound: c_j (a_j − r_j) + λ.
        let leave = (0..n)
            .filter(|&j| held[j])
            .map(|j| (j, c[j] * (a[j] - r[j]) + lambda))
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((j, _)) => held[j] = false,
            None => return true,
        }
    }
    true
}
