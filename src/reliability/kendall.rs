//! Kendall's coefficient of concordance W.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::Ratings;

/// Whether Kendall's W corrects for tied ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieCorrection {
    /// `W = 12 S / (k² (n³ − n) − k T)` with `T = Σ (t³ − t)` over all groups of `t` tied
    /// scores within each rater.
    Corrected,
    /// `W = 12 S / (k² (n³ − n))`, ignoring ties (mid-ranks are still used).
    Uncorrected,
}

/// Kendall's W with its chi-square test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KendallW {
    /// The coefficient of concordance, between 0 (no agreement) and 1 (identical rankings).
    pub w: f64,
    /// `χ² = k (n − 1) W` (Friedman's statistic, for the corrected W).
    pub chi_square: f64,
    /// Degrees of freedom `n − 1`.
    pub df: f64,
    /// Asymptotic upper-tail p-value `P(χ²(n − 1) ≥ chi_square)`.
    pub p_value: f64,
}

/// Mid-ranks (1-based) of `values`, ties sharing the mean of their ranks, and the tie term
/// `Σ (t³ − t)` over the groups of `t` equal values.
fn mid_ranks(values: &[f64]) -> (Vec<f64>, f64) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut ties = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1 ..= end; their mean:
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        let t = (end - start) as f64;
        ties += t * t * t - t;
        start = end;
    }
    (ranks, ties)
}

/// Kendall's coefficient of concordance W of `k` raters (columns) ranking `n` units (rows),
/// for a complete design.
///
/// Each rater's scores are ranked across the units (ascending, ties given mid-ranks); `R_i` is
/// unit `i`'s rank sum and `S = Σ (R_i − R̄)²`. Then `W = 12 S / (k² (n³ − n) − k T)` with the
/// tie term `T = Σ (t³ − t)` ([`TieCorrection::Corrected`]) or `T = 0`
/// ([`TieCorrection::Uncorrected`]); `χ² = k (n − 1) W` on `n − 1` degrees of freedom gives the
/// asymptotic p-value.
///
/// Returns `None` when a score is missing, when `n < 2` or `k < 2`, or, with the correction,
/// when every rater gives all units the same score (the denominator is 0).
pub fn kendall_w(ratings: &Ratings, ties: TieCorrection) -> Option<KendallW> {
    let rows = ratings.complete_rows()?;
    let (n_units, n_raters) = (ratings.n_units(), ratings.n_raters());
    if n_units < 2 || n_raters < 2 {
        return None;
    }
    let (n, k) = (n_units as f64, n_raters as f64);
    let mut rank_sums = vec![0.0; n_units];
    let mut tie_term = 0.0;
    for j in 0..n_raters {
        let column: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        let (ranks, t) = mid_ranks(&column);
        for (sum, rank) in rank_sums.iter_mut().zip(ranks) {
            *sum += rank;
        }
        tie_term += t;
    }
    let mean = k * (n + 1.0) / 2.0;
    let s: f64 = rank_sums.iter().map(|r| (r - mean) * (r - mean)).sum();
    let denominator = match ties {
        TieCorrection::Corrected => k * k * (n * n * n - n) - k * tie_term,
        TieCorrection::Uncorrected => k * k * (n * n * n - n),
    };
    // Finite by construction (counts only), so this also rules out NaN.
    if denominator <= 0.0 {
        return None;
    }
    let w = 12.0 * s / denominator;
    let df = n - 1.0;
    let chi_square = k * df * w;
    let p_value = ChiSquared::new(df).ok()?.sf(chi_square);
    (w.is_finite() && p_value.is_finite()).then_some(KendallW {
        w,
        chi_square,
        df,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testdata::{assert_close, parse};
    use super::*;

    fn w(r: &Ratings, ties: TieCorrection) -> KendallW {
        kendall_w(r, ties).expect("W defined")
    }

    #[test]
    fn irr_anxiety_with_and_without_tie_correction() {
        // Case irr_anxiety: 20 subjects × 3 raters. Sources: tie-corrected W from the
        // jaspReliability test and DescTools doc (0.5396569), chi² and p from the DescTools
        // KendallW doc output; uncorrected W, chi², p from the jaspReliability test (matches
        // irr).
        let r = parse(include_str!(
            "../../tests/data/validation/irr_anxiety_20x3.csv"
        ));
        let c = w(&r, TieCorrection::Corrected);
        assert_close("anxiety W tie-corrected", c.w, 0.539656900212835, 1e-6);
        assert_close("anxiety chi2 tie-corrected", c.chi_square, 30.76, 0.005);
        assert_close("anxiety p tie-corrected", c.p_value, 0.04288, 5e-6);
        assert_eq!(c.df, 19.0);
        let u = w(&r, TieCorrection::Uncorrected);
        assert_close("anxiety W uncorrected", u.w, 0.501921470342523, 1e-12);
        assert_close(
            "anxiety chi2 uncorrected",
            u.chi_square,
            28.6095238095238,
            1e-9,
        );
        assert_close(
            "anxiety p uncorrected",
            u.p_value,
            0.0723803546937571,
            1e-12,
        );
    }

    #[test]
    fn ansm5_ex10_11_examination_marks_both_ways() {
        // Case ansm5_ex10.11: Sprent & Smeeton, Applied Nonparametric Statistical Methods
        // (5th ed.), example 10.11, 10 scripts × 6 examiners. Source: ANSM5 tests.
        let r = parse(include_str!(
            "../../tests/data/validation/kendallW_ansm5_ex10_11_marks.csv"
        ));
        // Scripts as objects (units), examiners as raters.
        let scripts = w(&r, TieCorrection::Corrected);
        assert_close(
            "ex10.11 scripts W tie-corrected",
            scripts.w,
            0.54938918,
            5e-9,
        );
        assert_close(
            "ex10.11 scripts p asymptotic",
            scripts.p_value,
            0.00049976417,
            5e-12,
        );
        // Examiners as objects: the transposed matrix.
        let examiners = w(&r.transpose(), TieCorrection::Corrected);
        assert_close(
            "ex10.11 examiners W tie-corrected",
            examiners.w,
            0.36812865,
            5e-9,
        );
        assert_close(
            "ex10.11 examiners p asymptotic",
            examiners.p_value,
            0.00247788356,
            5e-12,
        );
    }

    #[test]
    fn ansm5_ex10_10_diving() {
        // Case ansm5_ex10.10 diving: 6 competitors ranked by 3 judges, no ties. Source: ANSM5
        // tests (Sprent & Smeeton 5th ed.).
        let r = parse(include_str!(
            "../../tests/data/validation/kendallW_ansm5_ex10_10_diving.csv"
        ));
        assert_close(
            "ex10.10 W",
            w(&r, TieCorrection::Corrected).w,
            0.63174603,
            5e-9,
        );
        assert_close(
            "ex10.10 W",
            w(&r, TieCorrection::Uncorrected).w,
            0.63174603,
            5e-9,
        );
    }

    #[test]
    fn small_six_by_three_no_ties() {
        // Case small_6x3. Source: DescTools KendallW printed output (knitr notes).
        let r = parse(include_str!(
            "../../tests/data/validation/kendallW_small_6x3_noties.csv"
        ));
        let c = w(&r, TieCorrection::Corrected);
        assert_close("small_6x3 W", c.w, 0.568254, 5e-7);
        assert_close("small_6x3 chi2", c.chi_square, 8.5238, 5e-5);
        assert_close("small_6x3 p", c.p_value, 0.1296, 5e-5);
        assert_eq!(c, w(&r, TieCorrection::Uncorrected));
    }

    #[test]
    fn siegel_castellan_1988() {
        // Case siegel_castellan_1988: 8 objects × 3 judges. Source: DescTools-family kendallW
        // rendered example (Siegel & Castellan 1988).
        let r = parse(include_str!(
            "../../tests/data/validation/kendallW_siegel_castellan_1988_8x3.csv"
        ));
        let c = w(&r, TieCorrection::Corrected);
        assert_close("siegel_castellan W", c.w, 0.6560847, 5e-8);
        assert_close(
            "siegel_castellan chi2 (=Friedman)",
            c.chi_square,
            13.778,
            0.0005,
        );
        assert_close("siegel_castellan p", c.p_value, 0.05528, 5e-6);
    }

    #[test]
    fn jasp_ordered_six_by_three_with_ties() {
        // Case jasp_ordered_6x3. Source: jaspReliability test.
        let r = parse(include_str!(
            "../../tests/data/validation/jasp_ordered_6x3.csv"
        ));
        let c = w(&r, TieCorrection::Corrected);
        assert_close(
            "jasp_ordered W tie-corrected",
            c.w,
            0.777777777777778,
            1e-12,
        );
        assert_close("jasp_ordered chi2", c.chi_square, 11.6666666666667, 1e-9);
        assert_close("jasp_ordered p", c.p_value, 0.0396519759960316, 1e-12);
    }

    #[test]
    fn jasp_four_by_three() {
        // Case jasp_4x3. Source: jaspReliability test.
        let r = parse(include_str!(
            "../../tests/data/validation/kendallW_jasp_4x3.csv"
        ));
        let c = w(&r, TieCorrection::Corrected);
        assert_close("jasp_4x3 W", c.w, 0.2, 1e-12);
        assert_close("jasp_4x3 p", c.p_value, 0.614934935782537, 1e-12);
    }

    #[test]
    fn hand_worked_perfect_agreement_ties_and_degenerate_inputs() {
        // Identical rankings: W = 1, chi² = k (n − 1).
        let r = Ratings::from_complete(vec![vec![1.0, 10.0], vec![2.0, 20.0], vec![3.0, 30.0]])
            .unwrap();
        let c = w(&r, TieCorrection::Corrected);
        assert_eq!(c.w, 1.0);
        assert_eq!(c.chi_square, 4.0);
        assert_eq!(c.df, 2.0);
        // Reversed rankings of two raters: W = 0.
        let r =
            Ratings::from_complete(vec![vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]]).unwrap();
        assert_eq!(w(&r, TieCorrection::Corrected).w, 0.0);
        // Identical rankings with a tie: only the corrected W reaches 1.
        // Mid-ranks 1.5, 1.5, 3 for both raters: R = (3, 3, 6), S = 6; T = 2·6 = 12;
        // corrected 72 / (4·24 − 24) = 1, uncorrected 72 / 96 = 0.75.
        let r =
            Ratings::from_complete(vec![vec![1.0, 5.0], vec![1.0, 5.0], vec![2.0, 7.0]]).unwrap();
        assert_eq!(w(&r, TieCorrection::Corrected).w, 1.0);
        assert_eq!(w(&r, TieCorrection::Uncorrected).w, 0.75);
        // All scores tied: the corrected W is undefined, the uncorrected one is 0.
        let flat = Ratings::from_complete(vec![vec![1.0, 2.0], vec![1.0, 2.0]]).unwrap();
        assert_eq!(kendall_w(&flat, TieCorrection::Corrected), None);
        assert_eq!(w(&flat, TieCorrection::Uncorrected).w, 0.0);
        // Missing value, too few units or raters, empty.
        let gap = Ratings::new(vec![vec![Some(1.0), None], vec![Some(2.0), Some(1.0)]]);
        assert_eq!(kendall_w(&gap.unwrap(), TieCorrection::Corrected), None);
        let one_unit = Ratings::from_complete(vec![vec![1.0, 2.0]]).unwrap();
        assert_eq!(kendall_w(&one_unit, TieCorrection::Uncorrected), None);
        let one_rater = Ratings::from_complete(vec![vec![1.0], vec![2.0]]).unwrap();
        assert_eq!(kendall_w(&one_rater, TieCorrection::Corrected), None);
        assert_eq!(
            kendall_w(&Ratings::new(vec![]).unwrap(), TieCorrection::Corrected),
            None
        );
    }
}
