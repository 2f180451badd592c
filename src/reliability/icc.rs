//! Intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996).

use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::Ratings;

/// An F test of `H0: ICC = 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FTest {
    /// The F statistic (`+∞` when the error mean square is 0).
    pub f: f64,
    /// Numerator degrees of freedom.
    pub df1: f64,
    /// Denominator degrees of freedom.
    pub df2: f64,
    /// Upper-tail p-value `P(F(df1, df2) ≥ f)`.
    pub p_value: f64,
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfidenceInterval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// One intraclass correlation: point estimate, F test and 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Icc {
    /// The coefficient.
    pub value: f64,
    /// F test of `H0: ICC = 0`.
    pub f_test: FTest,
    /// 95% confidence interval. Its bounds are finite, except the ICC(2,k) lower bound, which
    /// is `−∞` in the case documented at [`icc_two_way`].
    pub ci95: ConfidenceInterval,
}

/// One-way random-effects intraclass correlations (each unit rated by its own set of raters).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneWayIcc {
    /// ICC(1,1): reliability of a single rating.
    pub icc1_1: Icc,
    /// ICC(1,k): reliability of the mean of `k` ratings, with `k` = [`Self::k0`].
    pub icc1_k: Icc,
    /// Number of units with at least one rating (`n`).
    pub units: usize,
    /// Number of ratings (`N = Σ n_i`).
    pub ratings: usize,
    /// Effective number of ratings per unit, `k0 = (N − Σ n_i² / N) / (n − 1)` (equals `k`
    /// when every unit has `k` ratings).
    pub k0: f64,
    /// Between-units mean square `MSB = Σ n_i (ȳ_i − ȳ)² / (n − 1)`.
    pub ms_between: f64,
    /// Within-units mean square `MSW = Σ_i Σ_j (y_ij − ȳ_i)² / (N − n)`.
    pub ms_within: f64,
}

/// Two-way intraclass correlations for a complete design (every rater rates every unit).
///
/// `ICC(2,·)` (two-way random, absolute agreement; McGraw & Wong's `ICC(A,·)`) and `ICC(3,·)`
/// (two-way mixed, consistency; McGraw & Wong's `ICC(C,·)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoWayIcc {
    /// ICC(2,1) = ICC(A,1). Its F test uses `df2 = (n − 1)(k − 1)` (psych, pingouin,
    /// DescTools); see [`Self::icc2_f_test_satterthwaite`] for the irr convention.
    pub icc2_1: Icc,
    /// ICC(2,k) = ICC(A,k). Same F test as ICC(2,1).
    pub icc2_k: Icc,
    /// ICC(3,1) = ICC(C,1).
    pub icc3_1: Icc,
    /// ICC(3,k) = ICC(C,k).
    pub icc3_k: Icc,
    /// The F test of ICC(2,·) as the R package irr prints it: the same `F = MSR / MSE` on
    /// `df1 = n − 1`, but with the Satterthwaite-approximated `df2 = v` of the ICC(2,1)
    /// confidence interval. Falls back to `v = (n − 1)(k − 1)` when ICC(2,1) = 1 exactly
    /// (`MSE = MSC = 0`), where the approximation is 0/0.
    pub icc2_f_test_satterthwaite: FTest,
    /// Number of units (`n`).
    pub units: usize,
    /// Number of raters (`k`).
    pub raters: usize,
    /// Mean square for units (rows), `MSR`.
    pub ms_rows: f64,
    /// Mean square for raters (columns), `MSC`.
    pub ms_columns: f64,
    /// Residual mean square, `MSE`.
    pub ms_error: f64,
}

/// Upper 2.5% quantile of F(d1, d2).
fn f_upper_quantile(d1: f64, d2: f64) -> Option<f64> {
    let q = FisherSnedecor::new(d1, d2).ok()?.inverse_cdf(0.975);
    (q.is_finite() && q > 0.0).then_some(q)
}

/// F test with upper-tail p-value; `f = +∞` gives p = 0.
fn f_test(f: f64, df1: f64, df2: f64) -> Option<FTest> {
    if f.is_nan() || f < 0.0 {
        return None;
    }
    let dist = FisherSnedecor::new(df1, df2).ok()?;
    let p_value = if f.is_infinite() { 0.0 } else { dist.sf(f) };
    p_value.is_finite().then_some(FTest {
        f,
        df1,
        df2,
        p_value,
    })
}

/// Confidence interval for `(F − 1)/(F + k − 1)` (single) and `1 − 1/F` (average) from the
/// F statistic's interval `F / F_{.975}(df1, df2)`, `F · F_{.975}(df2, df1)`.
fn f_based_intervals(test: &FTest, k: f64) -> Option<(ConfidenceInterval, ConfidenceInterval)> {
    let f_lower = test.f / f_upper_quantile(test.df1, test.df2)?;
    let f_upper = test.f * f_upper_quantile(test.df2, test.df1)?;
    let single = |f: f64| {
        if f.is_infinite() {
            1.0
        } else {
            (f - 1.0) / (f + k - 1.0)
        }
    };
    let average = |f: f64| 1.0 - 1.0 / f;
    Some((
        ConfidenceInterval {
            lower: single(f_lower),
            upper: single(f_upper),
        },
        ConfidenceInterval {
            lower: average(f_lower),
            upper: average(f_upper),
        },
    ))
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// One-way random-effects ICC(1,1) and ICC(1,k) (Shrout & Fleiss 1979, case 1), valid for
/// incomplete designs: units may have different numbers of ratings `n_i`.
///
/// Estimator: the one-way ANOVA over units with at least one rating, `MSB` and `MSW` as in
/// [`OneWayIcc`], and the effective group size `k0 = (N − Σ n_i² / N) / (n − 1)`:
///
/// * `ICC(1,1) = (MSB − MSW) / (MSB + (k0 − 1) MSW)`;
/// * `ICC(1,k) = (MSB − MSW) / MSB`, the reliability of the mean of `k0` ratings;
/// * F test: `F = MSB / MSW` on `(n − 1, N − n)` degrees of freedom (both coefficients);
/// * 95% intervals: `F_L = F / F_{.975}(n − 1, N − n)`, `F_U = F · F_{.975}(N − n, n − 1)`,
///   then `(F_x − 1) / (F_x + k0 − 1)` for ICC(1,1) and `1 − 1 / F_x` for ICC(1,k). These
///   are exact for balanced designs and the usual approximation (with `k0`) otherwise.
///
/// With every unit rated `k` times this is exactly Shrout & Fleiss's ICC(1,1) and ICC(1,k).
///
/// Returns `None` when fewer than two units have a rating, when no unit has two ratings
/// (`N = n`), or when `MSB = 0` (all unit means equal, so `ICC(1,k) = 1 − 1/F` diverges).
/// When `MSW = 0 < MSB` (raters agree exactly within every unit) both coefficients and both
/// bounds of their intervals are 1, `F = +∞` and `p = 0`.
pub fn icc_one_way(ratings: &Ratings) -> Option<OneWayIcc> {
    let groups: Vec<Vec<f64>> = ratings
        .rows()
        .iter()
        .map(|row| row.iter().flatten().copied().collect::<Vec<f64>>())
        .filter(|g| !g.is_empty())
        .collect();
    let n_units = groups.len();
    let n_ratings: usize = groups.iter().map(Vec::len).sum();
    if n_units < 2 || n_ratings <= n_units {
        return None;
    }
    let (n, big_n) = (n_units as f64, n_ratings as f64);
    let grand = groups.iter().flatten().sum::<f64>() / big_n;
    let mut ss_between = 0.0;
    let mut ss_within = 0.0;
    for g in &groups {
        let m = g.len() as f64;
        let mean = g.iter().sum::<f64>() / m;
        ss_between += m * (mean - grand) * (mean - grand);
        ss_within += g.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>();
    }
    let msb = ss_between / (n - 1.0);
    let msw = ss_within / (big_n - n);
    let sum_sq_sizes: f64 = groups.iter().map(|g| (g.len() as f64).powi(2)).sum();
    let k0 = (big_n - sum_sq_sizes / big_n) / (n - 1.0);
    if !all_finite(&[msb, msw, k0]) || msb <= 0.0 {
        return None;
    }
    let test = f_test(msb / msw, n - 1.0, big_n - n)?;
    let (ci_single, ci_average) = f_based_intervals(&test, k0)?;
    let icc1_1 = (msb - msw) / (msb + (k0 - 1.0) * msw);
    let icc1_k = (msb - msw) / msb;
    if !all_finite(&[
        icc1_1,
        icc1_k,
        ci_single.lower,
        ci_single.upper,
        ci_average.lower,
        ci_average.upper,
    ]) {
        return None;
    }
    Some(OneWayIcc {
        icc1_1: Icc {
            value: icc1_1,
            f_test: test,
            ci95: ci_single,
        },
        icc1_k: Icc {
            value: icc1_k,
            f_test: test,
            ci95: ci_average,
        },
        units: n_units,
        ratings: n_ratings,
        k0,
        ms_between: msb,
        ms_within: msw,
    })
}

/// Two-way intraclass correlations ICC(2,1), ICC(2,k), ICC(3,1), ICC(3,k) for a complete
/// design (Shrout & Fleiss 1979, cases 2 and 3; McGraw & Wong 1996, `ICC(A,·)` and `ICC(C,·)`).
///
/// From the two-way ANOVA without interaction (`n` units, `k` raters; `MSR`, `MSC`, `MSE`):
///
/// * `ICC(2,1) = (MSR − MSE) / (MSR + (k − 1) MSE + k (MSC − MSE) / n)`;
/// * `ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE) / n)`;
/// * `ICC(3,1) = (MSR − MSE) / (MSR + (k − 1) MSE)`;
/// * `ICC(3,k) = (MSR − MSE) / MSR`.
///
/// F tests: all four use `F = MSR / MSE` on `(n − 1, (n − 1)(k − 1))` degrees of freedom, as
/// psych, pingouin and DescTools report; irr's variant on Satterthwaite's `v` is
/// [`TwoWayIcc::icc2_f_test_satterthwaite`].
///
/// 95% intervals: from the F statistic's interval for ICC(3,·); Satterthwaite's approximation
/// for ICC(2,1) (Shrout & Fleiss; McGraw & Wong), stepped up by Spearman–Brown,
/// `kL / (1 + (k − 1) L)`, for ICC(2,k). The formulas: `docs/methods.md`, "`icc_two_way`: the
/// 95% intervals". The step-up has a pole at `L = −1/(k − 1)`; a lower ICC(2,1) bound at or
/// below it gives an ICC(2,k) lower bound of `−∞` (the only non-finite value this function
/// returns).
///
/// Returns `None` when a score is missing, when `n < 2` or `k < 2`, when `MSR = 0` (all unit
/// means equal), or when ICC(2,1) ≤ −1/(k − 1) (`n MSR + MSC ≤ MSE`: the raters disagree so
/// much that ICC(2,k) is meaningless). When `MSE = 0 < MSR`, ICC(3,·) and their bounds are 1,
/// `F = +∞` and `p = 0`; if also `MSC = 0`, the same holds for ICC(2,·).
pub fn icc_two_way(ratings: &Ratings) -> Option<TwoWayIcc> {
    let rows = ratings.complete_rows()?;
    let (n_units, n_raters) = (ratings.n_units(), ratings.n_raters());
    if n_units < 2 || n_raters < 2 {
        return None;
    }
    let anova = TwoWayAnova::new(&rows, n_units, n_raters);
    let (n, k, df_error) = (anova.n, anova.k, anova.df_error);
    let (msr, msc, mse) = (anova.msr, anova.msc, anova.mse);
    if !all_finite(&[msr, msc, mse]) || msr <= 0.0 {
        return None;
    }

    let test = f_test(msr / mse, n - 1.0, df_error)?;

    // Consistency forms, ICC(3,·).
    let icc3_1 = (msr - mse) / (msr + (k - 1.0) * mse);
    let icc3_k = (msr - mse) / msr;
    let (ci3_1, ci3_k) = f_based_intervals(&test, k)?;

    // Absolute-agreement forms, ICC(2,·).
    let icc2_1 = (msr - mse) / (msr + (k - 1.0) * mse + k * (msc - mse) / n);
    // ICC(2,k) is the Spearman–Brown step-up of ICC(2,1), with a pole at −1/(k − 1).
    let pole = -1.0 / (k - 1.0);
    if icc2_1 <= pole {
        return None;
    }
    let icc2_k = (msr - mse) / (msr + (msc - mse) / n);
    let (ci2_1, v) = icc2_1_interval(&anova, icc2_1)?;
    let step_up = |l: f64| {
        if l <= pole {
            f64::NEG_INFINITY
        } else {
            k * l / (1.0 + (k - 1.0) * l)
        }
    };
    let ci2_k = ConfidenceInterval {
        lower: step_up(ci2_1.lower),
        upper: step_up(ci2_1.upper),
    };
    let satterthwaite = f_test(test.f, n - 1.0, v)?;

    if !all_finite(&[
        icc2_1,
        icc2_k,
        icc3_1,
        icc3_k,
        ci2_1.lower,
        ci2_1.upper,
        ci2_k.upper,
        ci3_1.lower,
        ci3_1.upper,
        ci3_k.lower,
        ci3_k.upper,
    ]) {
        return None;
    }
    let icc = |value, ci95| Icc {
        value,
        f_test: test,
        ci95,
    };
    Some(TwoWayIcc {
        icc2_1: icc(icc2_1, ci2_1),
        icc2_k: icc(icc2_k, ci2_k),
        icc3_1: icc(icc3_1, ci3_1),
        icc3_k: icc(icc3_k, ci3_k),
        icc2_f_test_satterthwaite: satterthwaite,
        units: n_units,
        raters: n_raters,
        ms_rows: msr,
        ms_columns: msc,
        ms_error: mse,
    })
}

/// The two-way ANOVA without interaction of a complete design: `n` units, `k` raters, the
/// mean squares for rows, columns and error, and the error's degrees of freedom.
#[derive(Clone, Copy)]
struct TwoWayAnova {
    n: f64,
    k: f64,
    msr: f64,
    msc: f64,
    mse: f64,
    df_error: f64,
}

impl TwoWayAnova {
    fn new(rows: &[Vec<f64>], n_units: usize, n_raters: usize) -> TwoWayAnova {
        let (n, k) = (n_units as f64, n_raters as f64);
        let grand = rows.iter().flatten().sum::<f64>() / (n * k);
        let row_means: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() / k).collect();
        let col_means: Vec<f64> = (0..n_raters)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let ss_rows = k * row_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
        let ss_cols = n * col_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
        let mut ss_error = 0.0;
        for (row, rm) in rows.iter().zip(&row_means) {
            for (y, cm) in row.iter().zip(&col_means) {
                let e = y - rm - cm + grand;
                ss_error += e * e;
            }
        }
        let df_error = (n - 1.0) * (k - 1.0);
        TwoWayAnova {
            n,
            k,
            msr: ss_rows / (n - 1.0),
            msc: ss_cols / (k - 1.0),
            mse: ss_error / df_error,
            df_error,
        }
    }
}

/// The 95% interval of ICC(2,1) by Satterthwaite's approximation, and its degrees of freedom
/// `v` (`(n − 1)(k − 1)` when ICC(2,1) is exactly 1); `None` when `v` or a quantile is not
/// usable.
fn icc2_1_interval(anova: &TwoWayAnova, icc2_1: f64) -> Option<(ConfidenceInterval, f64)> {
    let TwoWayAnova {
        n,
        k,
        msr,
        msc,
        mse,
        df_error,
    } = *anova;
    if mse == 0.0 && msc == 0.0 {
        // ICC(2,1) = 1 exactly; Satterthwaite's v is 0/0.
        return Some((
            ConfidenceInterval {
                lower: 1.0,
                upper: 1.0,
            },
            df_error,
        ));
    }
    let a = k * icc2_1 / (n * (1.0 - icc2_1));
    let b = 1.0 + k * icc2_1 * (n - 1.0) / (n * (1.0 - icc2_1));
    let v = (a * msc + b * mse).powi(2)
        / ((a * msc).powi(2) / (k - 1.0) + (b * mse).powi(2) / df_error);
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let f_star = f_upper_quantile(n - 1.0, v)?;
    let f_star2 = f_upper_quantile(v, n - 1.0)?;
    let common = k * msc + (k * n - k - n) * mse;
    Some((
        ConfidenceInterval {
            lower: n * (msr - f_star * mse) / (f_star * common + n * msr),
            upper: n * (f_star2 * msr - mse) / (common + n * f_star2 * msr),
        },
        v,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testdata::{assert_close, parse};
    use super::*;

    fn check(case: &str, icc: &Icc, value: f64, lower: f64, upper: f64, tol: f64) {
        assert_close(&format!("{case} value"), icc.value, value, tol);
        assert_close(&format!("{case} CI95 lower"), icc.ci95.lower, lower, tol);
        assert_close(&format!("{case} CI95 upper"), icc.ci95.upper, upper, tol);
    }

    #[test]
    fn shrout_fleiss_1979_six_forms() {
        // Case shrout_fleiss_1979: Shrout & Fleiss (1979), 6 targets × 4 judges. Sources:
        // coefficients to 2 dp from psych tests/testthat/test_ICC.R + pingouin
        // tests/test_reliability.py; F values and intervals from the pingouin test; 3-dp
        // coefficients and p-values from DescTools::ICC printed output.
        let r = parse(include_str!(
            "../../tests/data/validation/icc_shrout_fleiss_1979.csv"
        ));
        let one = icc_one_way(&r).unwrap();
        let two = icc_two_way(&r).unwrap();
        let t = 0.005;
        check("SF ICC(1,1)", &one.icc1_1, 0.17, -0.13, 0.72, t);
        check("SF ICC(2,1)", &two.icc2_1, 0.29, 0.02, 0.76, t);
        check("SF ICC(3,1)", &two.icc3_1, 0.71, 0.34, 0.95, t);
        check("SF ICC(1,k)", &one.icc1_k, 0.44, -0.88, 0.91, t);
        check("SF ICC(2,k)", &two.icc2_k, 0.62, 0.07, 0.93, t);
        check("SF ICC(3,k)", &two.icc3_k, 0.91, 0.68, 0.99, t);
        let t = 0.0005;
        assert_close("SF ICC(1,1) 3dp", one.icc1_1.value, 0.166, t);
        assert_close("SF ICC(2,1) 3dp", two.icc2_1.value, 0.29, t);
        assert_close("SF ICC(3,1) 3dp", two.icc3_1.value, 0.715, t);
        assert_close("SF ICC(1,k) 3dp", one.icc1_k.value, 0.443, t);
        assert_close("SF ICC(2,k) 3dp", two.icc2_k.value, 0.62, t);
        assert_close("SF ICC(3,k) 3dp", two.icc3_k.value, 0.909, t);
        assert_close("SF F one-way", one.icc1_1.f_test.f, 1.8, 0.05);
        assert_close("SF F two-way", two.icc3_1.f_test.f, 11.0, 0.05);
        assert_eq!((one.icc1_1.f_test.df1, one.icc1_1.f_test.df2), (5.0, 18.0));
        assert_eq!((two.icc2_1.f_test.df1, two.icc2_1.f_test.df2), (5.0, 15.0));
        assert_close("SF p one-way", one.icc1_1.f_test.p_value, 0.164769, 1e-6);
        assert_close("SF p two-way", two.icc3_1.f_test.p_value, 0.000135, 1e-6);
        // ICC(2,·) shares the (n−1)(k−1) test with ICC(3,·).
        assert_eq!(two.icc2_1.f_test, two.icc3_1.f_test);
        assert_eq!(two.icc2_k.f_test, two.icc3_1.f_test);
        assert_eq!(one.k0, 4.0);
        assert_eq!(
            (one.units, one.ratings, two.units, two.raters),
            (6, 24, 6, 4)
        );
    }

    #[test]
    fn wine_eight_by_four_six_forms() {
        // Case wine_8x4 (8 wines × 4 judges, Real Statistics). Sources: coefficients and F from
        // the pingouin intraclass_corr docstring; intervals (2 dp) from the pingouin test.
        let r = parse(include_str!(
            "../../tests/data/validation/icc_realstatistics_wine_8x4.csv"
        ));
        let one = icc_one_way(&r).unwrap();
        let two = icc_two_way(&r).unwrap();
        let t = 0.0005;
        assert_close("wine ICC(1,1)", one.icc1_1.value, 0.728, t);
        assert_close("wine ICC(2,1)", two.icc2_1.value, 0.728, t);
        assert_close("wine ICC(3,1)", two.icc3_1.value, 0.729, t);
        assert_close("wine ICC(1,k)", one.icc1_k.value, 0.914, t);
        assert_close("wine ICC(2,k)", two.icc2_k.value, 0.914, t);
        assert_close("wine ICC(3,k)", two.icc3_k.value, 0.915, t);
        assert_close("wine F one-way", one.icc1_1.f_test.f, 11.68, t);
        assert_close("wine F two-way", two.icc3_1.f_test.f, 11.787, t);
        let t = 0.005;
        for (case, icc) in [
            ("wine ICC(1,1)", &one.icc1_1),
            ("wine ICC(2,1)", &two.icc2_1),
            ("wine ICC(3,1)", &two.icc3_1),
        ] {
            assert_close(&format!("{case} CI95 lower"), icc.ci95.lower, 0.43, t);
            assert_close(&format!("{case} CI95 upper"), icc.ci95.upper, 0.93, t);
        }
        for (case, icc) in [
            ("wine ICC(1,k)", &one.icc1_k),
            ("wine ICC(2,k)", &two.icc2_k),
            ("wine ICC(3,k)", &two.icc3_k),
        ] {
            assert_close(&format!("{case} CI95 lower"), icc.ci95.lower, 0.75, t);
            assert_close(&format!("{case} CI95 upper"), icc.ci95.upper, 0.98, t);
        }
    }

    #[test]
    fn irr_anxiety_icc_a1_both_df_conventions() {
        // Case irr_anxiety: 20 subjects × 3 raters (irr's `anxiety` data). Source: irr::icc
        // printed output (knitr notes): ICC(A,1) = 0.198, 95% CI (−0.039, 0.494),
        // F(19, 39.7) = 1.83, p = 0.0543 on the Satterthwaite df.
        let r = parse(include_str!(
            "../../tests/data/validation/irr_anxiety_20x3.csv"
        ));
        let two = icc_two_way(&r).unwrap();
        assert_close("anxiety ICC(A,1)", two.icc2_1.value, 0.198, 0.0005);
        assert_close("anxiety CI95 lower", two.icc2_1.ci95.lower, -0.039, 0.0005);
        assert_close("anxiety CI95 upper", two.icc2_1.ci95.upper, 0.494, 0.0005);
        let irr = two.icc2_f_test_satterthwaite;
        assert_close("anxiety F", irr.f, 1.83, 0.005);
        assert_eq!(irr.df1, 19.0);
        assert_close("anxiety df2 (Satterthwaite v)", irr.df2, 39.7, 0.05);
        assert_close("anxiety p (F on df 19, v)", irr.p_value, 0.0543, 5e-5);
        // Our primary convention, df2 = (n−1)(k−1) = 38: p = 0.0562 as psych and pingouin
        // print (validation README).
        let main = two.icc2_1.f_test;
        assert_eq!((main.df1, main.df2), (19.0, 38.0));
        assert_eq!(main.f, irr.f);
        assert_close("anxiety p (F on df 19, 38)", main.p_value, 0.0562, 5e-5);
    }

    #[test]
    fn one_way_incomplete_design() {
        // Hand-worked unbalanced one-way ANOVA. Units: {1, 3} (mean 2), {5, 7, 6} (mean 6),
        // {2, 4} (mean 3). N = 7, n = 3, grand mean = 28/7 = 4.
        // SSB = 2·4 + 3·4 + 2·1 = 22, MSB = 11; SSW = 2 + 2 + 2 = 6, MSW = 6/4 = 1.5.
        // k0 = (7 − 17/7)/2 = 16/7. ICC(1,1) = 9.5 / (11 + (9/7)·1.5) = 0.7226...
        let r = Ratings::new(vec![
            vec![Some(1.0), Some(3.0), None],
            vec![Some(5.0), Some(7.0), Some(6.0)],
            vec![None, Some(2.0), Some(4.0)],
            vec![None, None, None], // unrated unit: ignored
        ])
        .unwrap();
        let one = icc_one_way(&r).unwrap();
        assert_eq!((one.units, one.ratings), (3, 7));
        assert_close("incomplete MSB", one.ms_between, 11.0, 1e-12);
        assert_close("incomplete MSW", one.ms_within, 1.5, 1e-12);
        assert_close("incomplete k0", one.k0, 16.0 / 7.0, 1e-12);
        let expected = 9.5 / (11.0 + (9.0 / 7.0) * 1.5);
        assert_close("incomplete ICC(1,1)", one.icc1_1.value, expected, 1e-12);
        assert_close("incomplete ICC(1,k)", one.icc1_k.value, 9.5 / 11.0, 1e-12);
        assert_eq!((one.icc1_1.f_test.df1, one.icc1_1.f_test.df2), (2.0, 4.0));
        let ci = one.icc1_1.ci95;
        assert!(ci.lower < one.icc1_1.value && one.icc1_1.value < ci.upper);
        // The two-way forms need a complete design.
        assert_eq!(icc_two_way(&r), None);
    }

    #[test]
    fn perfect_agreement_and_degenerate_inputs() {
        // Every rater gives each unit the same score: MSW = MSE = MSC = 0.
        let r =
            Ratings::from_complete(vec![vec![1.0, 1.0], vec![3.0, 3.0], vec![2.0, 2.0]]).unwrap();
        let one = icc_one_way(&r).unwrap();
        let two = icc_two_way(&r).unwrap();
        for icc in [
            one.icc1_1, one.icc1_k, two.icc2_1, two.icc2_k, two.icc3_1, two.icc3_k,
        ] {
            assert_eq!(icc.value, 1.0);
            assert_eq!((icc.ci95.lower, icc.ci95.upper), (1.0, 1.0));
            assert_eq!(icc.f_test.f, f64::INFINITY);
            assert_eq!(icc.f_test.p_value, 0.0);
        }
        assert_eq!(two.icc2_f_test_satterthwaite.df2, 2.0);
        // A constant offset between raters: consistency is perfect, agreement is not.
        let r =
            Ratings::from_complete(vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![2.0, 3.0]]).unwrap();
        let two = icc_two_way(&r).unwrap();
        assert_eq!(two.icc3_1.value, 1.0);
        assert!(two.icc2_1.value < 1.0 && two.icc2_1.ci95.lower <= two.icc2_1.value);
        assert_eq!(two.icc2_f_test_satterthwaite.df2, 1.0);
        // All unit means equal, too few units, no replication, empty matrix.
        let flat = Ratings::from_complete(vec![vec![1.0, 2.0], vec![2.0, 1.0]]).unwrap();
        assert_eq!(icc_one_way(&flat), None);
        assert_eq!(icc_two_way(&flat), None);
        let single = Ratings::from_complete(vec![vec![1.0, 2.0, 3.0]]).unwrap();
        assert_eq!(icc_one_way(&single), None);
        assert_eq!(icc_two_way(&single), None);
        let one_rater = Ratings::from_complete(vec![vec![1.0], vec![2.0]]).unwrap();
        assert_eq!(icc_one_way(&one_rater), None);
        assert_eq!(icc_two_way(&one_rater), None);
        let empty = Ratings::new(vec![]).unwrap();
        assert_eq!(icc_one_way(&empty), None);
        assert_eq!(icc_two_way(&empty), None);
    }
}
