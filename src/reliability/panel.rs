//! The panel's reliability on one award: every statistic, per criterion and for the weighted
//! total, computed on the raw valid scores (proposals as units, jurors as raters).

use rayon::prelude::*;

use crate::award::index::juror_scores;
use crate::award::Award;
use crate::conflicts::Status;

use super::{
    icc_one_way, icc_two_way, kendall_w, krippendorff_alpha, Icc, Metric, Ratings, TieCorrection,
};

/// The name of the weighted total in `reliability.csv`'s `criterion` column.
pub const TOTAL: &str = "total";

/// One line of `reliability.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistic {
    /// A criterion id, or [`TOTAL`].
    pub criterion: String,
    /// The statistic's name (`krippendorff_alpha_interval`, `icc1_1`, `kendall_w`, …).
    pub statistic: &'static str,
    /// Its value.
    pub value: f64,
    /// Its 95% interval, where it has one.
    pub interval: Option<(f64, f64)>,
    /// Its test: the statistic (F or chi-square), degrees of freedom and p-value.
    pub test: Option<(f64, f64, Option<f64>, f64)>,
}

/// Every reliability statistic the design allows, per criterion and for the weighted total:
/// Krippendorff's alpha (interval, ordinal, nominal, ratio) always; one-way ICC(1,1) and
/// ICC(1,k) always (incomplete designs allowed); and, when every juror scored every proposal,
/// the two-way ICC(2,1), ICC(2,k), ICC(3,1), ICC(3,k) and Kendall's W (tie-corrected).
/// A statistic that cannot be computed (too few values, no variation) is left out.
///
/// The weighted total of a review is Σ weight × raw score, for reviews that scored every
/// criterion validly.
pub fn panel(award: &Award, status: &[Status]) -> Vec<Statistic> {
    let rubric = award.rubric();
    let scores = award.scores();
    let runs = award.runs();
    let valid = |i: usize| status[i] == Status::Used && scores[i].raw().is_some();
    // The criteria that have scores (the award's scores are sorted by criterion: each is one
    // run of them), and the weighted total last. Each table of (proposal, juror, value) is
    // made by the task that needs it, so that only the tables being worked on are held.
    let criteria: Vec<usize> = (0..rubric.criteria.len())
        .filter(|&c| !runs.criterion(c).is_empty())
        .collect();
    let all = criteria.len() == rubric.criteria.len();
    let tables: Vec<Option<usize>> = criteria.into_iter().map(Some).chain([None]).collect();
    tables
        .par_iter()
        .map(|&table| match table {
            Some(c) => {
                let mut values: Vec<Value> = (runs.criterion(c).filter(|&i| valid(i)))
                    .map(|i| {
                        let s = &scores[i];
                        (
                            s.proposal_index() as u32,
                            s.juror_index() as u32,
                            s.raw().unwrap_or(0.0),
                        )
                    })
                    .collect();
                values.sort_unstable_by_key(|v| (v.0, v.1));
                criterion_statistics(&rubric.criteria[c].id, &values)
            }
            None if all => criterion_statistics(TOTAL, &review_totals(award, valid)),
            None => criterion_statistics(TOTAL, &[]),
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// One valid value: (proposal, juror, value).
type Value = (u32, u32, f64);

/// The weighted total Σ weight × raw score of each review with a valid score on every
/// criterion, summed in criterion order, as (proposal, juror, total) sorted by proposal and
/// juror.
fn review_totals(award: &Award, valid: impl Fn(usize) -> bool) -> Vec<Value> {
    let criteria = &award.rubric().criteria;
    let scores = award.scores();
    let proposal = |i: u32| scores[i as usize].proposal_index();
    let mut totals: Vec<Value> = Vec::new();
    let mut mine: Vec<u32> = Vec::new();
    for j in 0..award.jurors().len() {
        // The juror's valid scores by proposal, then criterion: each review is a run.
        juror_scores(award, award.runs(), j, &valid, &mut mine);
        for review in mine.chunk_by(|&a, &b| proposal(a) == proposal(b)) {
            if review.len() != criteria.len() {
                continue;
            }
            let mut total = 0.0;
            for &i in review {
                let s = &scores[i as usize];
                total += criteria[s.criterion_index()].weight * s.raw().unwrap_or(0.0);
            }
            totals.push((proposal(review[0]) as u32, j as u32, total));
        }
    }
    totals.sort_unstable_by_key(|v| (v.0, v.1));
    totals
}

/// The statistics of one criterion from its (proposal, juror, value) triples, sorted.
fn criterion_statistics(name: &str, values: &[Value]) -> Vec<Statistic> {
    let rows: Vec<&[Value]> = values.chunk_by(|a, b| a.0 == b.0).collect();
    // Alpha and the one-way ICC do not depend on which juror gave a value: each proposal's
    // values fill its row from the left, as wide as the most-read proposal.
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let packed: Vec<Vec<Option<f64>>> = rows
        .iter()
        .map(|r| (0..width).map(|k| r.get(k).map(|v| v.2)).collect())
        .collect();
    // The two-way forms and Kendall's W need every juror on every proposal.
    let mut jurors: Vec<u32> = values.iter().map(|v| v.1).collect();
    jurors.sort_unstable();
    jurors.dedup();
    let complete = !rows.is_empty() && rows.iter().all(|r| r.len() == jurors.len());
    let full = complete.then(|| {
        let rows: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|r| r.iter().map(|v| Some(v.2)).collect())
            .collect();
        Ratings::new(rows)
    });
    let mut out = Vec::new();
    if let Ok(packed) = Ratings::new(packed) {
        statistics(name, &packed, full.and_then(Result::ok).as_ref(), &mut out);
    }
    out
}

/// Ordinal and ratio alpha cost O(V²) in the number V of distinct values; above this many
/// (continuous scales on very large awards) they are left out.
pub const MAX_DISTINCT_FOR_ORDINAL: usize = 5_000;

fn statistics(name: &str, packed: &Ratings, full: Option<&Ratings>, out: &mut Vec<Statistic>) {
    let mut push = |statistic, value, interval, test| {
        out.push(Statistic {
            criterion: name.to_string(),
            statistic,
            value,
            interval,
            test,
        })
    };
    let mut distinct: Vec<f64> = packed.rows().iter().flatten().flatten().copied().collect();
    distinct.sort_unstable_by(f64::total_cmp);
    distinct.dedup();
    for (statistic, metric) in [
        ("krippendorff_alpha_interval", Metric::Interval),
        ("krippendorff_alpha_ordinal", Metric::Ordinal),
        ("krippendorff_alpha_nominal", Metric::Nominal),
        ("krippendorff_alpha_ratio", Metric::Ratio),
    ] {
        let costly = matches!(metric, Metric::Ordinal | Metric::Ratio);
        if costly && distinct.len() > MAX_DISTINCT_FOR_ORDINAL {
            continue;
        }
        if let Some(a) = krippendorff_alpha(packed, metric) {
            push(statistic, a.alpha, None, None);
        }
    }
    let icc = |i: &Icc| {
        (
            i.value,
            Some((i.ci95.lower, i.ci95.upper)),
            Some((
                i.f_test.f,
                i.f_test.df1,
                Some(i.f_test.df2),
                i.f_test.p_value,
            )),
        )
    };
    if let Some(one) = icc_one_way(packed) {
        for (statistic, i) in [("icc1_1", &one.icc1_1), ("icc1_k", &one.icc1_k)] {
            let (v, ci, t) = icc(i);
            push(statistic, v, ci, t);
        }
    }
    if let Some(full) = full {
        if let Some(two) = icc_two_way(full) {
            for (statistic, i) in [
                ("icc2_1", &two.icc2_1),
                ("icc2_k", &two.icc2_k),
                ("icc3_1", &two.icc3_1),
                ("icc3_k", &two.icc3_k),
            ] {
                let (v, ci, t) = icc(i);
                push(statistic, v, ci, t);
            }
        }
        if let Some(w) = kendall_w(full, TieCorrection::Corrected) {
            push(
                "kendall_w",
                w.w,
                None,
                Some((w.chi_square, w.df, None, w.p_value)),
            );
        }
    }
}

/// A one-line reading of Krippendorff's interval alpha, after Krippendorff's own guidance
/// (α ≥ 0.800 reliable; 0.667 ≤ α < 0.800 tentative conclusions only; below, unreliable).
pub fn reading(alpha: f64) -> &'static str {
    if alpha >= 0.8 {
        "jurors agree well"
    } else if alpha >= 0.667 {
        "jurors agree enough for tentative conclusions"
    } else if alpha >= 0.0 {
        "jurors agree little: the ranking rests on few shared judgements"
    } else {
        "jurors disagree more than chance would"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::Settings;

    /// An award of one criterion from a published table: `rows` of (proposal, juror, score).
    fn award(rows: Vec<(String, String, f64)>) -> Award {
        let scores: Vec<_> = rows.iter().map(|(p, j, x)| (&j[..], &p[..], *x)).collect();
        testkit::single(
            testkit::one_criterion(0.0, 10.0),
            Settings::default(),
            &scores,
        )
    }

    fn value(stats: &[Statistic], criterion: &str, name: &str) -> f64 {
        stats
            .iter()
            .find(|s| s.criterion == criterion && s.statistic == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .value
    }

    /// Parses a validation table: header row of column names, first column the row name.
    fn table(text: &str) -> Vec<(String, String, f64)> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let mut out = Vec::new();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            for (k, cell) in cells.iter().enumerate().skip(1) {
                if let Ok(x) = cell.trim().parse::<f64>() {
                    out.push((cells[0].to_string(), header[k].to_string(), x));
                }
            }
        }
        out
    }

    #[test]
    fn the_weighted_total_is_of_the_reviews_with_a_valid_score_on_every_criterion() {
        // Worked by hand: weights a = 2, b = 1. j1 on p1: 2 × 4 + 6 = 14; j1 on p2 has no
        // score on b; j2 on p1: 2 × 3 + 3 = 9; j2 on p2 is conflicted; j3 read only a.
        let rubric = testkit::criteria(0.0, 10.0, &[("a", 2.0), ("b", 1.0)]);
        let mut b = testkit::builder(
            rubric,
            Settings::default(),
            &[
                ("j1", "p1", &[4.0, 6.0]),
                ("j1", "p2", &[5.0]),
                ("j2", "p1", &[3.0, 3.0]),
                ("j2", "p2", &[8.0, 2.0]),
                ("j3", "p2", &[1.0]),
            ],
        );
        b.score("j1", "p2", "b", None)
            .conflict("j2", "p2", "same library");
        let award = b.build().unwrap();
        let status = crate::conflicts::statuses(&award);
        let valid = |i: usize| status[i] == Status::Used && award.scores()[i].raw().is_some();
        // (proposal, juror) numbers: p1 = 0, p2 = 1; j1 = 0, j2 = 1, j3 = 2.
        assert_eq!(review_totals(&award, valid), [(0, 0, 14.0), (0, 1, 9.0)]);
    }

    #[test]
    fn shrout_and_fleiss_1979_through_an_award() {
        // Six targets (proposals) by four judges (jurors), complete. Published values (3 dp,
        // DescTools::ICC printed output; tests/data/validation/SOURCES.md).
        let rows = table(include_str!(
            "../../tests/data/validation/icc_shrout_fleiss_1979.csv"
        ));
        let a = award(rows);
        let stats = panel(&a, &crate::conflicts::statuses(&a));
        for (name, want) in [
            ("icc1_1", 0.166),
            ("icc2_1", 0.290),
            ("icc3_1", 0.715),
            ("icc1_k", 0.443),
            ("icc2_k", 0.620),
            ("icc3_k", 0.909),
        ] {
            let got = value(&stats, "q", name);
            assert!((got - want).abs() < 0.0005, "{name}: {got} vs {want}");
        }
        // One criterion: the weighted total is the criterion itself.
        assert_eq!(value(&stats, TOTAL, "icc3_1"), value(&stats, "q", "icc3_1"));
        assert!(stats.iter().any(|s| s.statistic == "kendall_w"));
    }

    #[test]
    fn krippendorff_2011_with_missing_values_through_an_award() {
        // Four observers (jurors) by twelve units (proposals) with missing values; published
        // alphas: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797 (Krippendorff 2011).
        // Observers are in rows in the file: each row is a juror.
        let rows: Vec<_> = table(include_str!(
            "../../tests/data/validation/kalpha_kripp2011_C_4obs12units.csv"
        ))
        .into_iter()
        .map(|(observer, unit, x)| (unit, observer, x))
        .collect();
        let a = award(rows);
        let stats = panel(&a, &crate::conflicts::statuses(&a));
        for (name, want) in [
            ("krippendorff_alpha_nominal", 0.743),
            ("krippendorff_alpha_ordinal", 0.815),
            ("krippendorff_alpha_interval", 0.849),
            ("krippendorff_alpha_ratio", 0.797),
        ] {
            let got = value(&stats, "q", name);
            assert!((got - want).abs() < 0.0005, "{name}: {got} vs {want}");
        }
        // The design is incomplete: no two-way ICC, no Kendall's W.
        assert!(!stats
            .iter()
            .any(|s| s.statistic == "icc2_1" || s.statistic == "kendall_w"));
    }
}
