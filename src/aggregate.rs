//! Aggregation: a proposal's criterion values from its corrected scores.
//!
//! Each proposal gets one value per criterion, combined over the jurors whose scores count:
//! the mean (weighted by confidence when `scores.csv` gives one), the median, or the trimmed
//! mean that drops the highest and the lowest (`trim` at each end), as figure-skating and
//! diving panels do. Its total is Σ weight × criterion value, over all criteria.

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::{weighted_mean_sd, Correction};
use crate::warnings::Warning;

/// How corrected scores are combined over jurors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Aggregate {
    /// The mean, weighted by each review's confidence (all 1 when none is given).
    #[default]
    Mean,
    /// The median (the mean of the middle two for an even count); confidence is not used.
    Median,
    /// The mean after dropping `trim` scores at each end; confidence is not used. With
    /// `2 × trim` scores or fewer nothing can be dropped, and the median is used (reported).
    Trimmed,
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Aggregate::Mean => "mean",
            Aggregate::Median => "median",
            Aggregate::Trimmed => "trimmed",
        })
    }
}

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
    let rubric = award.rubric();
    let criteria = rubric.criteria.len();
    let index = ByProposal::new(award, status, counts);
    let scores = award.scores();
    let count = |i: &u32| counts.map_or(1, |k| k[*i as usize]);
    let juror = |i: &u32| scores[*i as usize].juror() as u32;
    let corrected = |i: &u32| correction.corrected[*i as usize];
    let weight = |i: &u32| award.weight(*i as usize) * count(i) as f64;
    let total_weight = rubric.total_weight();
    // Each proposal on its own (in parallel; each one's arithmetic is sequential, so the
    // values do not depend on the number of threads).
    let per_proposal = |(jurors, scratch): &mut (Vec<(u32, u32)>, Vec<f64>), p: usize| {
        let mut warnings = Vec::new();
        jurors.clear();
        let mut values = Vec::with_capacity(criteria);
        let mut spread = 0.0;
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            let cell = index.cell(p, c);
            jurors.extend(cell.iter().map(|i| (juror(i), count(i))));
            if cell.is_empty() {
                values.push(None);
                continue;
            }
            let value = match how {
                Aggregate::Mean => {
                    let w: f64 = cell.iter().map(weight).sum();
                    cell.iter().map(|i| corrected(i) * weight(i)).sum::<f64>() / w
                }
                Aggregate::Median | Aggregate::Trimmed => {
                    scratch.clear();
                    for i in cell {
                        scratch.extend(std::iter::repeat_n(corrected(i), count(i) as usize));
                    }
                    match how {
                        Aggregate::Median => median(scratch),
                        _ => match trimmed_mean(scratch, trim) {
                            Some(v) => v,
                            None => {
                                warnings.push(Warning::TrimFallback {
                                    proposal: award.proposals().id(p).to_string(),
                                    criterion: criterion.id.clone(),
                                    reviews: cell.len(),
                                });
                                median(scratch)
                            }
                        },
                    }
                }
            };
            spread += criterion.weight
                * weighted_mean_sd(cell.iter().map(|i| (corrected(i), count(i) as f64))).1;
            values.push(Some(value));
        }
        readers(jurors);
        let total = values
            .iter()
            .zip(&rubric.criteria)
            .map(|(v, c)| v.map(|v| c.weight * v))
            .sum::<Option<f64>>();
        let values = ProposalValues {
            values,
            total,
            reviews: jurors.iter().map(|(_, k)| *k as usize).sum(),
            spread: spread / total_weight,
        };
        (values, warnings)
    };
    let (out, warnings): (Vec<ProposalValues>, Vec<Vec<Warning>>) = (0..award.proposals().len())
        .into_par_iter()
        .with_min_len(256)
        .map_init(|| (Vec::new(), Vec::new()), per_proposal)
        .unzip();
    (out, warnings.into_iter().flatten().collect())
}

/// The valid scores of each (proposal, criterion) cell, as indices into the award's scores;
/// the award's score order lists each cell's jurors in ascending order. A score counted zero
/// times (a bootstrap replicate that did not draw it) is left out.
pub(crate) struct ByProposal {
    criteria: usize,
    start: Vec<u32>,
    bucket: Vec<u32>,
}

impl ByProposal {
    /// The index of the scores whose status is [`Status::Used`].
    pub(crate) fn new(award: &Award, status: &[Status], counts: Option<&[u32]>) -> ByProposal {
        let criteria = award.rubric().criteria.len();
        let cells = award.proposals().len() * criteria;
        let scores = award.scores();
        let used = |i: usize| status[i] == Status::Used && counts.is_none_or(|k| k[i] > 0);
        let mut start = vec![0u32; cells + 1];
        for (i, s) in scores.iter().enumerate() {
            if used(i) {
                start[s.proposal() * criteria + s.criterion() + 1] += 1;
            }
        }
        for i in 0..cells {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut bucket = vec![0u32; start[cells] as usize];
        for (i, s) in scores.iter().enumerate() {
            if used(i) {
                let cell = s.proposal() * criteria + s.criterion();
                bucket[fill[cell] as usize] = i as u32;
                fill[cell] += 1;
            }
        }
        ByProposal {
            criteria,
            start,
            bucket,
        }
    }

    /// Every indexed score, proposal by proposal and criterion by criterion.
    pub(crate) fn all(&self) -> &[u32] {
        &self.bucket
    }

    /// The scores of proposal `p` on criterion `c`.
    pub(crate) fn cell(&self, p: usize, c: usize) -> &[u32] {
        let k = p * self.criteria + c;
        &self.bucket[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

/// Leaves each juror of a proposal's `(juror, count)` entries once, with the smallest count
/// they have on any criterion. A proposal's handful of readers are found by looking through
/// the list, quicker than sorting it; a long list (a panel where everyone reads everything)
/// is sorted, since looking through it would take quadratic time.
fn readers(list: &mut Vec<(u32, u32)>) {
    if list.len() > 32 {
        list.sort_unstable();
        list.dedup_by_key(|r| r.0);
        return;
    }
    let mut kept = 0;
    for n in 0..list.len() {
        let (j, k) = list[n];
        match list[..kept].iter_mut().find(|r| r.0 == j) {
            Some(r) => r.1 = r.1.min(k),
            None => {
                list[kept] = (j, k);
                kept += 1;
            }
        }
    }
    list.truncate(kept);
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
/// has `2 × trim` values or fewer.
pub fn trimmed_mean(values: &mut [f64], trim: usize) -> Option<f64> {
    if values.len() <= 2 * trim {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let kept = &values[trim..values.len() - trim];
    Some(kept.iter().sum::<f64>() / kept.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_are_each_juror_once_with_their_smallest_count_short_list_or_long() {
        // Against sorting and keeping each juror's first (smallest) entry, on lists below and
        // above the length where looking through gives way to sorting.
        let mut x = 0x2016_u64;
        for len in [0, 1, 5, 25, 32, 33, 200] {
            let mut list: Vec<(u32, u32)> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 40) as u32, (x >> 8) as u32 % 4 + 1)
                })
                .collect();
            let mut want = list.clone();
            want.sort_unstable();
            want.dedup_by_key(|r| r.0);
            readers(&mut list);
            list.sort_unstable();
            assert_eq!(list, want, "{len}");
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
}
