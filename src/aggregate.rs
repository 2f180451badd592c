//! Aggregation: a proposal's criterion values from its corrected scores.
//!
//! Each proposal gets one value per criterion, combined over the jurors whose scores count:
//! the mean (weighted by confidence when `scores.csv` gives one), the median, or the trimmed
//! mean that drops the highest and the lowest (`trim` at each end), as figure-skating and
//! diving panels do. Its total is Σ weight × criterion value, over all criteria.

use rayon::prelude::*;

use crate::award::index::ByProposal;
use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::Correction;
use crate::settings::Aggregate;
use crate::warnings::Warning;

mod column;
mod reviews;

use column::Column;
use reviews::reviews as reviews_of;

/// What aggregation found for one proposal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProposalValues {
    /// One value per criterion; `None` when no valid score was given on it.
    pub values: Vec<Option<f64>>,
    /// Σ weight × value, when every criterion has a value.
    pub total: Option<f64>,
    /// Jurors with at least one valid score on the proposal.
    pub reviews: usize,
    /// Disagreement among jurors: the weight-averaged population standard deviation of the
    /// corrected scores on each criterion (0 for a single review). Lower is more consensus.
    pub spread: f64,
}

/// Aggregates the corrected scores of every proposal.
pub fn aggregate(
    award: &Award,
    status: &[Status],
    correction: &Correction,
    how: Aggregate,
    trim: usize,
) -> (Vec<ProposalValues>, Vec<Warning>) {
    aggregate_counted(award, status, None, correction, how, trim)
}

/// [`aggregate`] with a multiplicity for each score (see
/// [`crate::normalize::correct_counted`]): a score counted `k` times enters the mean, median
/// and trimmed mean as `k` copies, and a review drawn `k` times counts as `k` reviews.
pub fn aggregate_counted(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    correction: &Correction,
    how: Aggregate,
    trim: usize,
) -> (Vec<ProposalValues>, Vec<Warning>) {
    aggregate_reviewed(award, (status, counts, None), correction, how, trim)
}

/// [`aggregate_counted`] with each proposal's number of reviews given (`reviews`, as `counts`
/// weigh them) instead of counted again: a bootstrap draw keeps it
/// ([`crate::outcome::Replay::score_drawn`]).
pub(crate) fn aggregate_reviewed(
    award: &Award,
    (status, counts, reviews): (&[Status], Option<&[u32]>, Option<&[usize]>),
    correction: &Correction,
    how: Aggregate,
    trim: usize,
) -> (Vec<ProposalValues>, Vec<Warning>) {
    let rubric = award.rubric();
    let count = |i: usize| counts.map_or(1, |k| k[i]);
    let used = |i: usize| status[i] == Status::Used && count(i) > 0;
    let runs = award.runs();
    // Every score weighs 1 and counts once: the usual award, summed more simply.
    let once = counts.is_none() && !award.has_confidence();
    // Each criterion's means and spreads in one pass over its scores, in the award's order.
    let (columns, reviews) = rayon::join(
        || {
            (0..rubric.criteria.len())
                .into_par_iter()
                .map(|c| Column::new(award, runs, c, once, used, count, &correction.corrected))
                .collect::<Vec<Column>>()
        },
        || match reviews {
            Some(given) => given.to_vec(),
            None => reviews_of(award, runs, counts.is_none(), used, count),
        },
    );
    // The median and the trimmed mean need each cell's scores.
    let index = (how != Aggregate::Mean).then(|| ByProposal::new(award, used));
    let total_weight = rubric.total_weight();
    // Each proposal on its own (in parallel; each one's arithmetic is sequential, so the
    // values do not depend on the number of threads).
    let per_proposal = |scratch: &mut Vec<f64>, p: usize| {
        let mut warnings = Vec::new();
        let mut values = Vec::with_capacity(columns.len());
        let mut spread = 0.0;
        for (column, criterion) in columns.iter().zip(&rubric.criteria) {
            if column.scores[p] == 0 {
                values.push(None);
                continue;
            }
            let value = match &index {
                None => column.mean[p],
                Some(index) => {
                    let cell = index.cell(p, column.criterion);
                    repeat_counted(scratch, cell, &correction.corrected, count);
                    order_statistic(how, scratch, trim).unwrap_or_else(|| {
                        warnings.push(Warning::TrimFallback {
                            proposal: award.proposals().id(p).to_string(),
                            criterion: criterion.id.clone(),
                            reviews: cell.len(),
                        });
                        median(scratch)
                    })
                }
            };
            spread += criterion.weight * column.sd[p];
            values.push(Some(value));
        }
        let total = values
            .iter()
            .zip(&rubric.criteria)
            .map(|(v, c)| v.map(|v| c.weight * v))
            .sum::<Option<f64>>();
        let values = ProposalValues {
            values,
            total,
            reviews: reviews[p],
            spread: spread / total_weight,
        };
        (values, warnings)
    };
    let (out, warnings): (Vec<ProposalValues>, Vec<Vec<Warning>>) = (0..award.proposals().len())
        .into_par_iter()
        .with_min_len(256)
        .map_init(Vec::new, per_proposal)
        .unzip();
    (out, warnings.into_iter().flatten().collect())
}

/// Fills `values` with the corrected scores of `cell`, each as many times as it counts.
fn repeat_counted(
    values: &mut Vec<f64>,
    cell: &[u32],
    corrected: &[f64],
    count: impl Fn(usize) -> u32,
) {
    values.clear();
    for &i in cell {
        let (x, k) = (corrected[i as usize], count(i as usize));
        values.extend(std::iter::repeat_n(x, k as usize));
    }
}

/// A cell's value by `how`, the median or the trimmed mean of its `values` (sorts them);
/// `None` when the trimmed mean has too few values ([`trimmed_mean`]).
fn order_statistic(how: Aggregate, values: &mut [f64], trim: usize) -> Option<f64> {
    match how {
        Aggregate::Median => Some(median(values)),
        _ => trimmed_mean(values, trim),
    }
}

/// The median of a non-empty list (sorts it).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The mean after dropping `trim` values at each end (sorts the list); `None` when the list
/// has `2 × trim` values or fewer (whatever `trim`: the test cannot overflow).
pub fn trimmed_mean(values: &mut [f64], trim: usize) -> Option<f64> {
    // len ≤ 2 × trim, without computing 2 × trim.
    if values.len().saturating_sub(trim) <= trim {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let kept = &values[trim..values.len() - trim];
    Some(kept.iter().sum::<f64>() / kept.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::util::stats::weighted_mean_sd;
    use crate::{AwardBuilder, Method, Settings};
    use proptest::prelude::*;

    /// A score as drawn: juror, proposal, criterion, score (`None`: blank), confidence.
    type Drawn = (usize, usize, usize, Option<f64>, f64);

    fn drawn() -> impl Strategy<Value = Drawn> {
        // −0 is on the scale: a cell of −0s has the mean −0.
        let score = prop::sample::select(vec![None, Some(-2.0), Some(-0.0), Some(0.0), Some(1.5)]);
        let confidence = prop::sample::select(vec![1.0, 0.5, 2.0, 3.0]);
        (0..5usize, 0..5usize, 0..2usize, score, confidence)
    }

    /// [`aggregate_counted`] written out cell by cell, as simply as it can be: each cell's
    /// scores listed in the award's order (its jurors in ascending order), summed with
    /// `Iterator::sum` and [`weighted_mean_sd`].
    fn naive(
        award: &Award,
        status: &[Status],
        counts: &[u32],
        corrected: &[f64],
        how: Aggregate,
        trim: usize,
    ) -> (Vec<ProposalValues>, Vec<Warning>) {
        let scores = award.scores();
        let rubric = award.rubric();
        let used = |i: usize| status[i] == Status::Used && counts[i] > 0;
        let mut warnings = Vec::new();
        let values = (0..award.proposals().len())
            .map(|p| {
                let mut values = Vec::new();
                let mut spread = 0.0;
                for (c, criterion) in rubric.criteria.iter().enumerate() {
                    let cell: Vec<usize> = (0..scores.len())
                        .filter(|&i| used(i) && scores[i].proposal_index() == p)
                        .filter(|&i| scores[i].criterion_index() == c)
                        .collect();
                    if cell.is_empty() {
                        values.push(None);
                        continue;
                    }
                    let weight = |i: usize| award.weight(i) * counts[i] as f64;
                    let mut list: Vec<f64> = cell
                        .iter()
                        .flat_map(|&i| std::iter::repeat_n(corrected[i], counts[i] as usize))
                        .collect();
                    let value = match how {
                        Aggregate::Mean => {
                            let w: f64 = cell.iter().map(|&i| weight(i)).sum();
                            cell.iter().map(|&i| corrected[i] * weight(i)).sum::<f64>() / w
                        }
                        Aggregate::Median => median(&mut list),
                        Aggregate::Trimmed => trimmed_mean(&mut list, trim).unwrap_or_else(|| {
                            warnings.push(Warning::TrimFallback {
                                proposal: award.proposals().id(p).to_string(),
                                criterion: criterion.id.clone(),
                                reviews: cell.len(),
                            });
                            median(&mut list)
                        }),
                    };
                    let pairs = cell.iter().map(|&i| (corrected[i], counts[i] as f64));
                    spread += criterion.weight * weighted_mean_sd(pairs).1;
                    values.push(Some(value));
                }
                // Each juror once, with the smallest count among their valid scores.
                let reviews = (0..award.jurors().len())
                    .filter_map(|j| {
                        (0..scores.len())
                            .filter(|&i| used(i) && scores[i].proposal_index() == p)
                            .filter(|&i| scores[i].juror_index() == j)
                            .map(|i| counts[i] as usize)
                            .min()
                    })
                    .sum();
                let total = values
                    .iter()
                    .zip(&rubric.criteria)
                    .map(|(v, c)| v.map(|v| c.weight * v))
                    .sum::<Option<f64>>();
                ProposalValues {
                    values,
                    total,
                    reviews,
                    spread: spread / rubric.total_weight(),
                }
            })
            .collect();
        (values, warnings)
    }

    proptest! {
        #![proptest_config(crate::testkit::cases(300))]
        /// The sums taken criterion by criterion in the award's order are the cell-by-cell
        /// sums, to the bit (−0 included), with blanks, conflicts, confidences and bootstrap
        /// counts (0 included, and differing between one juror's criteria); and without
        /// confidences or counts, the usual award, which is summed more simply.
        #[test]
        fn aggregation_is_the_cell_by_cell_computation_to_the_bit(
            rows in prop::collection::vec(drawn(), 0..60),
            conflicts in prop::collection::vec((0..5usize, 0..5usize), 0..4),
            counts in prop::collection::vec(0..4u32, 64),
            how in prop::sample::select(vec![Aggregate::Mean, Aggregate::Median, Aggregate::Trimmed]),
            trim in 0..3usize,
            unweighted in any::<bool>(),
            once in any::<bool>(),
        ) {
            let rubric = testkit::stepped(-2.0, 2.0, 0.5, &[("a", 3.0), ("b", 0.5)]);
            let settings = Settings { method: Method::None, ..Settings::default() };
            let mut b = AwardBuilder::new(rubric, settings);
            let mut seen = std::collections::BTreeSet::new();
            for &(j, p, c, x, confidence) in &rows {
                let confidence = if unweighted { 1.0 } else { confidence };
                if seen.insert((j, p, c)) {
                    let (j, p) = (format!("j{j}"), format!("p{p}"));
                    b.score_with_confidence(&j, &p, ["a", "b"][c], x, confidence);
                }
            }
            for &(j, p) in &conflicts {
                b.conflict(&format!("j{j}"), &format!("p{p}"), "");
            }
            let award = b.build().unwrap();
            let outcome = crate::score(&award);
            let counts: Vec<u32> = (0..award.scores().len())
                .map(|i| if once { 1 } else { counts[i % 64] })
                .collect();
            let (status, corrected) = (&outcome.status, &outcome.correction);
            let given = (!once).then_some(&counts[..]);
            let got = aggregate_counted(&award, status, given, corrected, how, trim);
            let want = naive(&award, status, &counts, &corrected.corrected, how, trim);
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [7.0]), 7.0);
    }

    #[test]
    fn trimmed_mean_drops_the_highest_and_lowest_like_a_diving_panel() {
        // Seven judges 6.5 7 7 7.5 7.5 8 9.5: drop 6.5 and 9.5 → (7+7+7.5+7.5+8)/5 = 7.4.
        let mut marks = [7.5, 6.5, 9.5, 7.0, 8.0, 7.0, 7.5];
        assert!((trimmed_mean(&mut marks, 1).unwrap() - 7.4).abs() < 1e-12);
        // Dropping two at each end of five leaves the median.
        assert_eq!(trimmed_mean(&mut [1.0, 2.0, 3.0, 4.0, 100.0], 2), Some(3.0));
        assert_eq!(trimmed_mean(&mut [1.0, 2.0], 1), None);
    }

    #[test]
    fn a_trim_whose_double_overflows_keeps_nothing_and_gives_none() {
        // As documented: 2 × trim values or fewer give None, also when 2 × trim is past
        // usize::MAX (`--trim 9223372036854775808` must not wrap it to 0 and panic).
        let three = [3.0, 1.0, 2.0];
        for trim in [usize::MAX / 2 + 1, usize::MAX] {
            assert_eq!(trimmed_mean(&mut three.clone(), trim), None, "{trim}");
        }
        // At the edge: three values keep one with trim 1, none with trim 2.
        assert_eq!(trimmed_mean(&mut three.clone(), 1), Some(2.0));
        assert_eq!(trimmed_mean(&mut three.clone(), 2), None);
        assert_eq!(trimmed_mean(&mut [], 0), None);
    }
}
