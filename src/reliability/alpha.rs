//! Krippendorff's alpha.

use super::Ratings;

/// The difference function (metric) of Krippendorff's alpha: how far apart two values are.
///
/// With `n_g` the number of pairable values equal to `g` (the marginal frequencies of the
/// coincidence matrix), the squared differences `δ²(c, k)` are:
///
/// * `Nominal`: 0 if `c = k`, else 1 (values are unordered categories);
/// * `Ordinal`: `(Σ_{g from c to k} n_g − (n_c + n_k) / 2)²`, the values ordered numerically;
/// * `Interval`: `(c − k)²`;
/// * `Ratio`: `((c − k) / (c + k))²` (0 when `c = k = 0`); needs non-negative values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Unordered categories.
    Nominal,
    /// Ordered categories (ranks), distances from the marginal frequencies.
    Ordinal,
    /// Equal-interval scale: squared difference.
    Interval,
    /// Ratio scale with an absolute zero: squared relative difference.
    Ratio,
}

/// Krippendorff's alpha with its observed and expected disagreement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alpha {
    /// `α = 1 − Do / De`: 1 for perfect agreement, 0 for agreement at chance level.
    pub alpha: f64,
    /// Observed disagreement `Do = (1/n) Σ_c Σ_k o_ck δ²(c, k)`, in the units of the metric's
    /// `δ²` (squared score differences for interval, squared frequencies for ordinal).
    pub observed_disagreement: f64,
    /// Expected disagreement `De = 1/(n(n−1)) Σ_c Σ_k n_c n_k δ²(c, k)`.
    pub expected_disagreement: f64,
    /// `n`: number of pairable values (values in units with at least two values).
    pub pairable_values: usize,
    /// Number of units with at least two values (the units that enter the computation).
    pub pairable_units: usize,
}

/// Krippendorff's alpha for a design with any pattern of missing values, exactly as defined by
/// Krippendorff (2011, "Computing Krippendorff's Alpha-Reliability").
///
/// `ratings` holds units (proposals) in rows and raters (jurors) in columns. Units with fewer
/// than two values are not pairable and are dropped. Each remaining unit `u` with `m_u` values
/// adds `(number of ordered c–k pairs of values in u) / (m_u − 1)` to the coincidence `o_ck`
/// (also when no value is missing: the `1/(m_u − 1)` weight is always applied). The marginal
/// frequencies `n_c = Σ_k o_ck` (the counts of pairable values equal to `c`) give both the
/// expected disagreement and, for [`Metric::Ordinal`], the ordinal differences. Values are
/// distinct categories when they differ as numbers (compared with `f64::total_cmp`).
///
/// Cost: `O(Σ m_u²)` for the observed disagreement, plus `O(V²)` for the expected disagreement
/// with `V` distinct values under the ordinal and ratio metrics (`O(V)` otherwise).
///
/// Returns `None` when alpha is undefined: fewer than two distinct pairable values (no
/// pairable value at all, or all equal, so that `De = 0`), or a negative value under
/// [`Metric::Ratio`].
pub fn krippendorff_alpha(ratings: &Ratings, metric: Metric) -> Option<Alpha> {
    let (pairable, ends) = pairable_values(ratings);
    let units = || {
        let starts = std::iter::once(0).chain(ends.iter().copied());
        starts.zip(&ends).map(|(start, &end)| &pairable[start..end])
    };
    let mut pooled: Vec<f64> = pairable.clone();
    if metric == Metric::Ratio && pooled.iter().any(|&v| v < 0.0) {
        return None;
    }
    // Values equal under `total_cmp` are the same bits: an unstable sort gives the same list.
    pooled.sort_unstable_by(f64::total_cmp);
    let n_pairable = pooled.len();
    let (values, counts) = distinct_counts(pooled);
    if values.len() < 2 {
        return None;
    }
    let distance = Distance::new(metric, &values, &counts);
    let n = n_pairable as f64;

    // Observed disagreement: Σ_u Σ_{i≠j in u} δ²(v_i, v_j) / (m_u − 1), divided by n.
    let (mut observed, mut idx) = (0.0, Vec::new());
    for unit in units() {
        observed += unit_disagreement(unit, &values, &distance, &mut idx)?;
    }
    let observed = observed / n;

    // Expected disagreement: Σ_c Σ_k n_c n_k δ²(c, k) / (n (n − 1)).
    let pair_sum = expected_pair_sum(metric, &values, &counts, n, &distance);
    let expected = pair_sum / (n * (n - 1.0));
    if !(expected > 0.0 && expected.is_finite() && observed.is_finite()) {
        return None;
    }
    Some(Alpha {
        alpha: 1.0 - observed / expected,
        observed_disagreement: observed,
        expected_disagreement: expected,
        pairable_values: n_pairable,
        pairable_units: ends.len(),
    })
}

/// The pairable values, unit after unit (units with at least two values), in one list, and
/// where each unit ends: unit `u` is `pairable[ends[u - 1]..ends[u]]`.
fn pairable_values(ratings: &Ratings) -> (Vec<f64>, Vec<usize>) {
    let mut pairable: Vec<f64> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for row in ratings.rows() {
        let start = pairable.len();
        pairable.extend(row.iter().flatten());
        match pairable.len() - start {
            0 => {}
            1 => pairable.truncate(start),
            _ => ends.push(pairable.len()),
        }
    }
    (pairable, ends)
}

/// The distinct values of the sorted list `pooled` and how many times each occurs.
fn distinct_counts(pooled: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let mut values: Vec<f64> = Vec::new();
    let mut counts: Vec<f64> = Vec::new();
    for v in pooled {
        match (values.last(), counts.last_mut()) {
            (Some(&last), Some(count)) if last.total_cmp(&v).is_eq() => *count += 1.0,
            _ => {
                values.push(v);
                counts.push(1.0);
            }
        }
    }
    (values, counts)
}

/// One unit's term of the observed disagreement, `Σ_{i≠j} δ²(v_i, v_j) / (m_u − 1)`; `None`
/// when a value is not among `values`. `idx` is a buffer for the values' places.
fn unit_disagreement(
    unit: &[f64],
    values: &[f64],
    distance: &Distance,
    idx: &mut Vec<usize>,
) -> Option<f64> {
    idx.clear();
    for v in unit {
        idx.push(values.binary_search_by(|p| p.total_cmp(v)).ok()?);
    }
    let mut sum = 0.0;
    for (i, &c) in idx.iter().enumerate() {
        for &k in &idx[i + 1..] {
            sum += distance.delta2(c, k);
        }
    }
    Some(2.0 * sum / (unit.len() as f64 - 1.0))
}

/// `Σ_c Σ_k n_c n_k δ²(c, k)` over the distinct values and their counts (`n` in all).
fn expected_pair_sum(
    metric: Metric,
    values: &[f64],
    counts: &[f64],
    n: f64,
    distance: &Distance,
) -> f64 {
    match metric {
        Metric::Nominal => n * n - counts.iter().map(|c| c * c).sum::<f64>(),
        Metric::Interval => {
            let mean = values.iter().zip(counts).map(|(v, c)| v * c).sum::<f64>() / n;
            let ss: f64 = values
                .iter()
                .zip(counts)
                .map(|(v, c)| c * (v - mean) * (v - mean))
                .sum();
            2.0 * n * ss
        }
        Metric::Ordinal | Metric::Ratio => {
            let mut sum = 0.0;
            for c in 0..values.len() {
                for k in c + 1..values.len() {
                    sum += counts[c] * counts[k] * distance.delta2(c, k);
                }
            }
            2.0 * sum
        }
    }
}

/// Squared differences between distinct values, addressed by their index in sorted order.
struct Distance<'a> {
    metric: Metric,
    values: &'a [f64],
    counts: &'a [f64],
    /// `cumulative[i] = Σ_{g ≤ i} n_g`.
    cumulative: Vec<f64>,
}

impl<'a> Distance<'a> {
    fn new(metric: Metric, values: &'a [f64], counts: &'a [f64]) -> Self {
        let cumulative = counts
            .iter()
            .scan(0.0, |acc, &c| {
                *acc += c;
                Some(*acc)
            })
            .collect();
        Distance {
            metric,
            values,
            counts,
            cumulative,
        }
    }

    fn delta2(&self, c: usize, k: usize) -> f64 {
        if c == k {
            return 0.0;
        }
        let (lo, hi) = if c < k { (c, k) } else { (k, c) };
        let d = match self.metric {
            Metric::Nominal => 1.0,
            Metric::Ordinal => {
                // Σ_{g=lo..=hi} n_g − (n_lo + n_hi)/2
                self.cumulative[hi] - self.cumulative[lo]
                    + (self.counts[lo] - self.counts[hi]) / 2.0
            }
            Metric::Interval => self.values[hi] - self.values[lo],
            Metric::Ratio => {
                (self.values[hi] - self.values[lo]) / (self.values[hi] + self.values[lo])
            }
        };
        d * d
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata::{assert_close, parse};
    use super::*;

    /// Krippendorff's layout (observers in rows, units in columns) turned into ours.
    fn kripp(text: &str) -> Ratings {
        parse(text).transpose()
    }

    fn alpha(r: &Ratings, m: Metric) -> Alpha {
        krippendorff_alpha(r, m).expect("alpha defined")
    }

    #[test]
    fn kripp2011_c_four_observers_twelve_units() {
        // Case kripp2011_C. Source: Krippendorff (2011) "Computing Krippendorff's
        // Alpha-Reliability", example C (via irr docs output, fast-krippendorff doctests,
        // DKPro tests); Do/De from DKPro Krippendorff2004Test.
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp2011_C_4obs12units.csv"
        ));
        let nominal = alpha(&r, Metric::Nominal);
        assert_close("kripp2011_C alpha nominal", nominal.alpha, 0.743, 0.0005);
        assert_close(
            "kripp2011_C Do nominal",
            nominal.observed_disagreement,
            0.2,
            0.0005,
        );
        assert_close(
            "kripp2011_C De nominal",
            nominal.expected_disagreement,
            0.779,
            0.0005,
        );
        assert_eq!(nominal.pairable_values, 40);
        assert_eq!(nominal.pairable_units, 11);
        let ordinal = alpha(&r, Metric::Ordinal);
        assert_close("kripp2011_C alpha ordinal", ordinal.alpha, 0.815, 0.0005);
        let interval = alpha(&r, Metric::Interval);
        assert_close("kripp2011_C alpha interval", interval.alpha, 0.849, 0.0005);
        assert_close(
            "kripp2011_C Do interval",
            interval.observed_disagreement,
            0.433,
            0.0005,
        );
        assert_close(
            "kripp2011_C De interval",
            interval.expected_disagreement,
            2.872,
            0.0005,
        );
        let ratio = alpha(&r, Metric::Ratio);
        assert_close("kripp2011_C alpha ratio", ratio.alpha, 0.797, 0.0005);
    }

    #[test]
    fn wiki_three_coders_fifteen_units() {
        // Case wiki_3x15. Source: fast-krippendorff doctest (Wikipedia example data).
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp_wiki_3coders15units.csv"
        ));
        assert_close(
            "wiki_3x15 alpha nominal",
            alpha(&r, Metric::Nominal).alpha,
            0.691358,
            5e-7,
        );
        assert_close(
            "wiki_3x15 alpha interval",
            alpha(&r, Metric::Interval).alpha,
            0.810845,
            5e-7,
        );
    }

    #[test]
    fn kripp1980_binary_two_observers_ten_units() {
        // Case kripp1980_binary_2obs10units. Source: DKPro Krippendorff1980/2004Test.
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp1980_binary_2obs10units.csv"
        ));
        let a = alpha(&r, Metric::Nominal);
        assert_close("kripp1980_binary alpha nominal", a.alpha, 0.095, 0.0005);
        assert_close("kripp1980_binary Do", a.observed_disagreement, 0.4, 0.0005);
        assert_close(
            "kripp1980_binary De",
            a.expected_disagreement,
            0.442,
            0.0005,
        );
    }

    #[test]
    fn kripp2004_binary_two_observers_ten_units() {
        // Case kripp2004_binary_2obs10units. Source: DKPro Krippendorff1980/2004Test.
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp2004_binary_2obs10units.csv"
        ));
        let a = alpha(&r, Metric::Nominal);
        assert_close("kripp2004_binary alpha nominal", a.alpha, 0.095, 0.0005);
        assert_close("kripp2004_binary Do", a.observed_disagreement, 0.4, 0.0005);
        assert_close(
            "kripp2004_binary De",
            a.expected_disagreement,
            0.442,
            0.0005,
        );
    }

    #[test]
    fn kripp2004_nominal_two_observers_twelve_units() {
        // Case kripp2004_2x12. Source: DKPro Krippendorff2004Test.
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp2004_nominal_2obs12units.csv"
        ));
        let a = alpha(&r, Metric::Nominal);
        assert_close("kripp2004_2x12 alpha nominal", a.alpha, 0.734, 0.0005);
        assert_close("kripp2004_2x12 Do", a.observed_disagreement, 0.1667, 0.0005);
        assert_close("kripp2004_2x12 De", a.expected_disagreement, 0.6268, 0.0005);
    }

    #[test]
    fn kripp1980_three_observers_nine_units() {
        // Case kripp1980_3x9. Source: DKPro Krippendorff1980Test.
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_kripp1980_3obs9units.csv"
        ));
        let nominal = alpha(&r, Metric::Nominal);
        assert_close("kripp1980_3x9 alpha nominal", nominal.alpha, 0.642, 0.0005);
        assert_close(
            "kripp1980_3x9 Do nominal",
            nominal.observed_disagreement,
            0.259,
            0.0005,
        );
        assert_close(
            "kripp1980_3x9 De nominal",
            nominal.expected_disagreement,
            0.724,
            0.0005,
        );
        let interval = alpha(&r, Metric::Interval);
        assert_close(
            "kripp1980_3x9 alpha interval",
            interval.alpha,
            0.547,
            0.0005,
        );
        let ratio = alpha(&r, Metric::Ratio);
        assert_close("kripp1980_3x9 alpha ratio", ratio.alpha, 0.483, 0.0005);
    }

    #[test]
    fn hayes_krippendorff_2007_five_observers_forty_units() {
        // Case hayes_krippendorff_2007. Sources: ordinal from DKPro HayesKrippendorff2007Test
        // (Hayes & Krippendorff 2007, p. 84); nominal and interval from grrrr/krippendorff-alpha
        // via the raoulbia README (secondary source).
        let r = kripp(include_str!(
            "../../tests/data/validation/kalpha_hayes_krippendorff2007_5obs40units.csv"
        ));
        assert_close(
            "hayes2007 alpha ordinal",
            alpha(&r, Metric::Ordinal).alpha,
            0.7598,
            5e-5,
        );
        assert_close(
            "hayes2007 alpha nominal",
            alpha(&r, Metric::Nominal).alpha,
            0.477,
            0.0005,
        );
        assert_close(
            "hayes2007 alpha interval",
            alpha(&r, Metric::Interval).alpha,
            0.757,
            0.0005,
        );
    }

    #[test]
    fn jasp_ordered_ordinal_alpha_krippendorff_definition() {
        // Case jasp_ordered_6x3, "alpha ordinal (Krippendorff definition)". Source: python
        // krippendorff 0.8.x. Subjects in rows, raters in columns (our layout already). The
        // value that drops the 1/(m_u − 1) weight for complete data would be wrong here.
        let r = parse(include_str!(
            "../../tests/data/validation/jasp_ordered_6x3.csv"
        ));
        assert_close(
            "jasp_ordered_6x3 alpha ordinal",
            alpha(&r, Metric::Ordinal).alpha,
            0.6851851851851851,
            1e-12,
        );
    }

    #[test]
    fn hand_worked_perfect_agreement_and_degenerate_inputs() {
        // Perfect agreement with missing values: alpha = 1 for every metric, Do = 0.
        let r = Ratings::new(vec![
            vec![Some(1.0), Some(1.0), None],
            vec![Some(3.0), None, Some(3.0)],
            vec![Some(2.0), Some(2.0), Some(2.0)],
            vec![Some(5.0), None, None], // not pairable, dropped
        ])
        .unwrap();
        for m in [
            Metric::Nominal,
            Metric::Ordinal,
            Metric::Interval,
            Metric::Ratio,
        ] {
            let a = alpha(&r, m);
            assert_eq!(a.alpha, 1.0, "{m:?}");
            assert_eq!(a.observed_disagreement, 0.0);
            assert_eq!(a.pairable_values, 7);
            assert_eq!(a.pairable_units, 3);
        }
        // All pairable values equal: De = 0, alpha undefined.
        let same = Ratings::new(vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]]);
        assert_eq!(krippendorff_alpha(&same.unwrap(), Metric::Interval), None);
        // No pairable unit.
        let lone = Ratings::new(vec![vec![Some(1.0), None], vec![None, Some(2.0)]]).unwrap();
        assert_eq!(krippendorff_alpha(&lone, Metric::Nominal), None);
        assert_eq!(
            krippendorff_alpha(&Ratings::new(vec![]).unwrap(), Metric::Ordinal),
            None
        );
        // Ratio metric needs non-negative values.
        let neg = Ratings::from_complete(vec![vec![-1.0, 1.0], vec![2.0, 2.0]]).unwrap();
        assert_eq!(krippendorff_alpha(&neg, Metric::Ratio), None);
        assert!(krippendorff_alpha(&neg, Metric::Interval).is_some());
    }

    #[test]
    fn hand_worked_two_units_two_raters() {
        // Units (0, 1) and (1, 1): n = 4, n_0 = 1, n_1 = 3. Nominal: o_01 = o_10 = 1,
        // Do = 2/4 = 0.5, De = (16 − 1 − 9)/(4·3) = 0.5, alpha = 0.
        let r = Ratings::from_complete(vec![vec![0.0, 1.0], vec![1.0, 1.0]]).unwrap();
        let a = alpha(&r, Metric::Nominal);
        assert_close("tiny Do", a.observed_disagreement, 0.5, 1e-15);
        assert_close("tiny De", a.expected_disagreement, 0.5, 1e-15);
        assert_close("tiny alpha", a.alpha, 0.0, 1e-15);
        // Systematic disagreement: (0, 1), (1, 0) gives alpha = 1 − 1/(2/3) = −0.5.
        let r = Ratings::from_complete(vec![vec![0.0, 1.0], vec![1.0, 0.0]]).unwrap();
        assert_close(
            "tiny alpha negative",
            alpha(&r, Metric::Nominal).alpha,
            -0.5,
            1e-15,
        );
    }
}
