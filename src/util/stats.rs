//! Small statistics shared by the stages.

/// Weighted population mean and standard deviation of `(value, weight)` pairs (two passes;
/// 0 and 0 for no weight).
pub fn weighted_mean_sd(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64) {
    let (w, sum) = pairs
        .clone()
        .fold((0.0, 0.0), |(w, s), (x, k)| (w + k, s + k * x));
    if w <= 0.0 {
        return (0.0, 0.0);
    }
    let mean = sum / w;
    let ss: f64 = pairs.map(|(x, k)| k * (x - mean) * (x - mean)).sum();
    (mean, (ss / w).sqrt())
}
