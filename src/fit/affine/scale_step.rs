//! The exact scale step of one component of the single-criterion affine fit.

/// The exact scale step of one component: minimises `Σ_j c_j (a_j − r_j)²` over the scales
/// `a = scale` (`c = curvature > 0`; `r = target`, the juror's shrunk regression slope)
/// subject to `a_j ≥ lo × mean(a)`, `lo = floor`.
/// Active-set method: with the set `L` of jurors held at the bound, the mean is
/// `g Σ_F a_j` (`g = 1 / (n − lo |L|)`) and the free scales have the closed form
/// `a_j = r_j − λ / c_j`; violators join `L`, and a held juror whose multiplier is negative
/// leaves it. Returns `false` when no solution with a positive mean exists.
pub(super) fn scale_step(curvature: &[f64], target: &[f64], floor: f64, scale: &mut [f64]) -> bool {
    let n = curvature.len();
    let mut held = vec![false; n];
    for _ in 0..2 * n + 2 {
        let (mut h, mut sr, mut cl, mut clr, mut nl) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            if held[j] {
                (cl, clr, nl) = (cl + curvature[j], clr + curvature[j] * target[j], nl + 1.0);
            } else {
                (h, sr) = (h + 1.0 / curvature[j], sr + target[j]);
            }
        }
        if nl == n as f64 {
            return false;
        }
        let g = 1.0 / (n as f64 - floor * nl);
        let (q, rl) = (g * g * floor * floor * cl, g * floor * clr);
        let free_sum = (sr + rl * h) / (1.0 + q * h);
        let (mean, lambda) = (g * free_sum, q * free_sum - rl);
        if !(mean > 0.0 && mean.is_finite()) {
            return false;
        }
        let mut joined = false;
        for j in 0..n {
            scale[j] = if held[j] {
                floor * mean
            } else {
                target[j] - lambda / curvature[j]
            };
            if !held[j] && scale[j] < floor * mean {
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
            .map(|j| (j, curvature[j] * (scale[j] - target[j]) + lambda))
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((j, _)) => held[j] = false,
            None => return true,
        }
    }
    true
}

/// The scale step of the shared fit: minimises `Σ_j c_j (a_j − r_j)²` subject to
/// `mean(a) = 1` and `a_j ≥ lo` (`c = curvature > 0`, `r = target`, `lo = floor < 1`).
/// Active-set method: with the set `L` held at `lo`, the free scales are `a_j = r_j − λ / c_j`
/// with `λ = (Σ_F r_j + lo |L| − n) / Σ_F 1 / c_j`; violators join `L`, and a held scale
/// whose multiplier `c_j (lo − r_j) + λ` is negative leaves it. Returns `false` when no
/// finite solution is found.
pub(super) fn scale_step_mean_one(
    curvature: &[f64],
    target: &[f64],
    floor: f64,
    scale: &mut [f64],
) -> bool {
    let n = curvature.len();
    let mut held = vec![false; n];
    for _ in 0..2 * n + 2 {
        let (mut inv, mut sr, mut nl) = (0.0, 0.0, 0.0);
        for j in 0..n {
            if held[j] {
                nl += 1.0;
            } else {
                (inv, sr) = (inv + 1.0 / curvature[j], sr + target[j]);
            }
        }
        let lambda = (sr + floor * nl - n as f64) / inv;
        if !lambda.is_finite() {
            return false;
        }
        let mut joined = false;
        for j in 0..n {
            scale[j] = if held[j] {
                floor
            } else {
                target[j] - lambda / curvature[j]
            };
            if !held[j] && scale[j] < floor {
                held[j] = true;
                joined = true;
            }
        }
        if joined {
            continue;
        }
        let leave = (0..n)
            .filter(|&j| held[j])
            .map(|j| (j, curvature[j] * (floor - target[j]) + lambda))
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((j, _)) => held[j] = false,
            None => return true,
        }
    }
    true
}
