//! Numeric tolerances, kept in one place.
//!
//! Scores and totals are sums of decimal numbers held in binary floating point, so two totals
//! that are equal on paper can differ in their last bits. Every comparison that decides
//! something (is a score on the scale's step, are two totals tied) goes through here.

/// Relative tolerance under which two totals or criterion values are the same number.
pub const TIE: f64 = 1e-9;

/// Relative tolerance for a score lying on a scale step (`min + k × step`).
pub const STEP: f64 = 1e-9;

/// Whether `a` and `b` are equal up to [`TIE`], relative to their size (at least 1).
pub fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs()).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_equal_on_paper_are_the_same_number() {
        assert_ne!(0.1 + 0.2, 0.3);
        assert!(same(0.1 + 0.2, 0.3));
        assert!(!same(3.0, 3.000001));
        assert!(same(1e6 * (0.1 + 0.2), 3e5));
    }
}
