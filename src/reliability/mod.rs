//! Inter-rater reliability statistics for juries.
//!
//! Jurors (raters) score proposals (units). This module measures how far the jurors agree:
//!
//! * [`krippendorff_alpha`]: Krippendorff's alpha for any design, including incomplete ones
//!   (not every juror scores every proposal), with the nominal, ordinal, interval and ratio
//!   metrics ([`Metric`]).
//! * [`icc_one_way`]: the one-way intraclass correlations ICC(1,1) and ICC(1,k), valid for
//!   incomplete designs.
//! * [`icc_two_way`]: the two-way forms ICC(2,1), ICC(2,k), ICC(3,1) and ICC(3,k) of Shrout &
//!   Fleiss (1979) / McGraw & Wong (1996), for complete designs. The F test of ICC(2,·) uses
//!   `(n − 1)(k − 1)` denominator degrees of freedom (as psych, pingouin and DescTools); the
//!   irr package's Satterthwaite-df variant is reported alongside.
//! * [`kendall_w`]: Kendall's coefficient of concordance W, with or without the correction for
//!   ties ([`TieCorrection`]), for complete designs.
//!
//! All of them take a [`Ratings`] matrix: one row per unit (proposal), one column per rater
//! (juror), `None` for a missing score. None of them panics: when a statistic cannot be
//! computed from the data (too few units, no variation, missing values in a design that must be
//! complete...), the function returns `None`; each function documents exactly when.
//!
//! Every statistic is checked in the unit tests against published worked examples (files under
//! `tests/data/validation/`, sources listed in `tests/data/validation/SOURCES.md`).

mod alpha;
mod icc;
mod kendall;
mod panel;

pub use alpha::{krippendorff_alpha, Alpha, Metric};
pub use icc::{icc_one_way, icc_two_way, ConfidenceInterval, FTest, Icc, OneWayIcc, TwoWayIcc};
pub use kendall::{kendall_w, KendallW, TieCorrection};
pub use panel::{panel, reading, Statistic, MAX_DISTINCT_FOR_ORDINAL, TOTAL};

use std::fmt;

/// A ratings matrix: units (proposals) in rows, raters (jurors) in columns, with missing
/// values.
///
/// Every stored value is finite. `-0.0` is stored as `0.0`, so that the two compare equal
/// everywhere (also as nominal categories).
#[derive(Debug, Clone, PartialEq)]
pub struct Ratings {
    rows: Vec<Vec<Option<f64>>>,
    n_raters: usize,
}

/// Why a [`Ratings`] matrix could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum RatingsError {
    /// A score is NaN or infinite.
    NonFinite {
        /// Row (unit) index of the offending score.
        unit: usize,
        /// Column (rater) index of the offending score.
        rater: usize,
    },
    /// A row does not have as many entries as the first row.
    Ragged {
        /// Row (unit) index of the offending row.
        unit: usize,
        /// Number of entries in the first row.
        expected: usize,
        /// Number of entries in this row.
        found: usize,
    },
}

impl fmt::Display for RatingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RatingsError::NonFinite { unit, rater } => {
                write!(
                    f,
                    "rating of unit {unit} by rater {rater} is not a finite number"
                )
            }
            RatingsError::Ragged {
                unit,
                expected,
                found,
            } => write!(
                f,
                "unit {unit} has {found} rating slots, expected {expected} (one per rater)"
            ),
        }
    }
}

impl std::error::Error for RatingsError {}

impl Ratings {
    /// Builds a ratings matrix from rows of scores: `rows[u][r]` is the score rater `r` gave
    /// unit `u`, `None` if missing.
    ///
    /// Every row must have the same length (the number of raters). An empty `rows` gives an
    /// empty matrix (0 units, 0 raters).
    ///
    /// # Errors
    ///
    /// [`RatingsError::Ragged`] if rows differ in length, [`RatingsError::NonFinite`] if a
    /// score is NaN or infinite.
    pub fn new(rows: Vec<Vec<Option<f64>>>) -> Result<Self, RatingsError> {
        let n_raters = rows.first().map_or(0, Vec::len);
        let mut rows = rows;
        for (unit, row) in rows.iter_mut().enumerate() {
            if row.len() != n_raters {
                return Err(RatingsError::Ragged {
                    unit,
                    expected: n_raters,
                    found: row.len(),
                });
            }
            for (rater, cell) in row.iter_mut().enumerate() {
                if let Some(v) = cell {
                    if !v.is_finite() {
                        return Err(RatingsError::NonFinite { unit, rater });
                    }
                    // Normalise -0.0 to 0.0.
                    *v += 0.0;
                }
            }
        }
        Ok(Ratings { rows, n_raters })
    }

    /// Builds a ratings matrix with no missing value (see [`Ratings::new`]).
    ///
    /// # Errors
    ///
    /// As [`Ratings::new`].
    pub fn from_complete(rows: Vec<Vec<f64>>) -> Result<Self, RatingsError> {
        Self::new(
            rows.into_iter()
                .map(|row| row.into_iter().map(Some).collect())
                .collect(),
        )
    }

    /// Number of units (rows).
    pub fn n_units(&self) -> usize {
        self.rows.len()
    }

    /// Number of raters (columns).
    pub fn n_raters(&self) -> usize {
        self.n_raters
    }

    /// The score rater `rater` gave unit `unit`; `None` if missing or out of range.
    pub fn get(&self, unit: usize, rater: usize) -> Option<f64> {
        self.rows
            .get(unit)
            .and_then(|row| row.get(rater).copied().flatten())
    }

    /// The scores of one unit, one slot per rater; `None` if `unit` is out of range.
    pub fn unit(&self, unit: usize) -> Option<&[Option<f64>]> {
        self.rows.get(unit).map(Vec::as_slice)
    }

    /// All rows (units), each with one slot per rater.
    pub fn rows(&self) -> &[Vec<Option<f64>>] {
        &self.rows
    }

    /// Number of scores present (non-missing cells).
    pub fn n_values(&self) -> usize {
        self.rows.iter().flatten().filter(|c| c.is_some()).count()
    }

    /// `true` if no score is missing.
    pub fn is_complete(&self) -> bool {
        self.rows.iter().flatten().all(Option::is_some)
    }

    /// The transposed matrix: raters become units and units become raters. Useful for data
    /// laid out with raters in rows (as Krippendorff lays out reliability data), or to measure
    /// agreement the other way round.
    pub fn transpose(&self) -> Ratings {
        let rows = (0..self.n_raters)
            .map(|r| self.rows.iter().map(|row| row[r]).collect())
            .collect();
        Ratings {
            rows,
            n_raters: self.rows.len(),
        }
    }

    /// The complete matrix as plain numbers, `None` if a score is missing.
    fn complete_rows(&self) -> Option<Vec<Vec<f64>>> {
        self.rows
            .iter()
            .map(|row| row.iter().copied().collect::<Option<Vec<f64>>>())
            .collect()
    }
}

/// Test helpers: loading the published validation data sets.
#[cfg(test)]
pub(crate) mod testdata {
    use super::Ratings;

    /// Parses a validation CSV file: one header row, first column an id, then one column per
    /// rater (or per unit, for Krippendorff's layout); an empty cell is a missing value.
    pub(crate) fn parse(text: &str) -> Ratings {
        let rows = text
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                line.split(',')
                    .skip(1)
                    .map(|cell| {
                        let cell = cell.trim();
                        if cell.is_empty() {
                            None
                        } else {
                            Some(cell.parse::<f64>().expect("numeric cell"))
                        }
                    })
                    .collect()
            })
            .collect();
        Ratings::new(rows).expect("valid ratings")
    }

    /// Asserts `|actual - expected| <= tolerance`, naming the case on failure.
    #[track_caller]
    pub(crate) fn assert_close(case: &str, actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{case}: got {actual}, expected {expected} ± {tolerance}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_ragged() {
        assert_eq!(
            Ratings::new(vec![vec![Some(1.0), Some(f64::NAN)]]),
            Err(RatingsError::NonFinite { unit: 0, rater: 1 })
        );
        assert_eq!(
            Ratings::new(vec![vec![Some(f64::INFINITY)]]),
            Err(RatingsError::NonFinite { unit: 0, rater: 0 })
        );
        assert_eq!(
            Ratings::new(vec![vec![Some(1.0), None], vec![Some(2.0)]]),
            Err(RatingsError::Ragged {
                unit: 1,
                expected: 2,
                found: 1
            })
        );
        let err = Ratings::from_complete(vec![vec![f64::NEG_INFINITY]]).unwrap_err();
        assert!(err.to_string().contains("not a finite number"));
    }

    #[test]
    fn accessors_and_transpose() {
        let r = Ratings::new(vec![
            vec![Some(1.0), None, Some(-0.0)],
            vec![Some(2.0), Some(3.0), Some(4.0)],
        ])
        .unwrap();
        assert_eq!(r.n_units(), 2);
        assert_eq!(r.n_raters(), 3);
        assert_eq!(r.n_values(), 5);
        assert!(!r.is_complete());
        assert_eq!(r.get(0, 1), None);
        assert_eq!(r.get(1, 2), Some(4.0));
        assert_eq!(r.get(5, 0), None);
        assert!(r.get(0, 2).unwrap().is_sign_positive());
        assert_eq!(r.unit(1), Some(&[Some(2.0), Some(3.0), Some(4.0)][..]));
        assert_eq!(r.unit(2), None);
        let t = r.transpose();
        assert_eq!(t.n_units(), 3);
        assert_eq!(t.n_raters(), 2);
        assert_eq!(t.get(2, 1), Some(4.0));
        assert_eq!(t.get(1, 0), None);
        assert_eq!(t.transpose(), r);
        let empty = Ratings::new(vec![]).unwrap();
        assert_eq!((empty.n_units(), empty.n_raters()), (0, 0));
        assert!(empty.is_complete());
        assert_eq!(empty.transpose(), empty);
        let no_raters = Ratings::new(vec![vec![], vec![]]).unwrap();
        assert_eq!(no_raters.transpose().n_units(), 0);
    }

    /// Every statistic on many small random matrices (missing cells, ties, zeros, negative and
    /// extreme values): no panic, and whatever is returned is finite and in range.
    #[test]
    fn no_panic_on_arbitrary_small_inputs() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let palette = [
            0.0, 1.0, 2.0, 2.0, 3.0, -1.5, 0.25, 1e-300, 1e300, -1e300, 7.0,
        ];
        for _ in 0..5000 {
            let (n, k) = (next(7) as usize, next(6) as usize);
            let rows = (0..n)
                .map(|_| {
                    (0..k)
                        .map(|_| match next(12) {
                            11 => None,
                            i => Some(palette[i as usize % palette.len()]),
                        })
                        .collect()
                })
                .collect();
            let r = Ratings::new(rows).unwrap();
            let unit = |x: f64| (-1e-12..=1.0 + 1e-12).contains(&x);
            for m in [
                Metric::Nominal,
                Metric::Ordinal,
                Metric::Interval,
                Metric::Ratio,
            ] {
                if let Some(a) = krippendorff_alpha(&r, m) {
                    assert!(a.alpha.is_finite() && a.alpha <= 1.0 + 1e-12, "{a:?}");
                    assert!(a.observed_disagreement >= 0.0 && a.expected_disagreement > 0.0);
                }
            }
            let tests = icc_one_way(&r)
                .map(|o| vec![o.icc1_1, o.icc1_k])
                .into_iter()
                .chain(icc_two_way(&r).map(|t| vec![t.icc2_1, t.icc2_k, t.icc3_1, t.icc3_k]))
                .flatten();
            for icc in tests {
                assert!(icc.value.is_finite() && icc.value <= 1.0 + 1e-12, "{icc:?}");
                // The ICC(2,k) lower bound may be −∞ (documented), never NaN.
                assert!(
                    !icc.ci95.lower.is_nan() && icc.ci95.upper.is_finite(),
                    "{icc:?}"
                );
                assert!(icc.ci95.lower <= icc.ci95.upper, "{icc:?}");
                assert!(icc.ci95.upper <= 1.0 + 1e-12, "{icc:?}");
                assert!(unit(icc.f_test.p_value), "{icc:?}");
            }
            for ties in [TieCorrection::Corrected, TieCorrection::Uncorrected] {
                if let Some(w) = kendall_w(&r, ties) {
                    assert!(unit(w.w) && unit(w.p_value), "{w:?}");
                }
            }
        }
    }
}
