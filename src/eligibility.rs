//! Eligibility: which proposals may be ranked and win.
//!
//! As in Horizon Europe, thresholds decide eligibility and weights only order the ranking: a
//! proposal is eligible when it has at least `min_reviews` valid reviews, a value on every
//! criterion, every threshold cleared, and an unweighted sum of its criterion values at or
//! above the rubric's `pass_total`.
//!
//! A threshold is a judgment on the rubric's scale, so the jurors' own scores decide it when
//! they agree: **a proposal clears a criterion's threshold when every juror scored it at or
//! above the threshold, fails when every juror scored it below, and otherwise clears it when
//! its criterion value (corrected and aggregated) reaches it.** No correction can make a
//! proposal fail a bar every juror put it over, or pass one every juror put it under.
//! `pass_total` is compared with the sum of the criterion values. Comparisons allow for
//! floating-point noise ([`crate::tolerance::same`]), so a mean of exactly 3 meets a
//! threshold of 3.

use std::fmt;

use crate::aggregate::ProposalValues;
use crate::award::Award;
use crate::conflicts::Status;
use crate::rubric::{Criterion, Rubric};
use crate::tolerance;

/// Why a proposal is not eligible: one failed condition. It prints as the reports write it
/// (`implementation 2.5 below its threshold 3`), and compares equal to that text.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Ineligible {
    /// Fewer valid reviews than `min_reviews`.
    FewReviews {
        /// The proposal's valid reviews.
        reviews: usize,
        /// The award's `min_reviews`.
        min_reviews: usize,
    },
    /// No valid score on a criterion.
    NoScore {
        /// The criterion's id.
        criterion: String,
    },
    /// A criterion value below the criterion's threshold.
    BelowThreshold {
        /// The criterion's id.
        criterion: String,
        /// The proposal's value on it.
        value: f64,
        /// The criterion's threshold.
        threshold: f64,
    },
    /// Every valid score on a criterion below the criterion's threshold (the correction
    /// alone would have lifted its value to it).
    EveryScoreBelow {
        /// The criterion's id.
        criterion: String,
        /// The highest valid score on it.
        highest: f64,
        /// The criterion's threshold.
        threshold: f64,
    },
    /// The unweighted sum of the criterion values below the rubric's `pass_total`.
    BelowPassTotal {
        /// The unweighted sum.
        sum: f64,
        /// The rubric's `pass_total`.
        pass_total: f64,
    },
}

impl fmt::Display for Ineligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ineligible::FewReviews {
                reviews,
                min_reviews,
            } => write!(
                f,
                "{reviews} valid review{}, fewer than min_reviews = {min_reviews}",
                if *reviews == 1 { "" } else { "s" }
            ),
            Ineligible::NoScore { criterion } => write!(f, "no valid score on {criterion}"),
            Ineligible::BelowThreshold {
                criterion,
                value,
                threshold,
            } => write!(
                f,
                "{criterion} {} below its threshold {threshold}",
                below_bar(*value, *threshold)
            ),
            Ineligible::EveryScoreBelow {
                criterion,
                highest,
                threshold,
            } => write!(
                f,
                "every score on {criterion} below its threshold {threshold} (the highest {highest})"
            ),
            Ineligible::BelowPassTotal { sum, pass_total } => write!(
                f,
                "unweighted sum {} below pass_total {pass_total}",
                below_bar(*sum, *pass_total)
            ),
        }
    }
}

impl PartialEq<&str> for Ineligible {
    fn eq(&self, text: &&str) -> bool {
        /// What is left of the text once what was written matched its start.
        struct Rest<'a>(&'a str);
        impl fmt::Write for Rest<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                Ok(())
            }
        }
        let mut rest = Rest(text);
        fmt::write(&mut rest, format_args!("{self}")).is_ok() && rest.0.is_empty()
    }
}

/// Why a proposal is not eligible; empty when it is. Every failed condition is listed, in
/// this order: reviews, each criterion in rubric order, `pass_total`. `raw` is the proposal's
/// lowest and highest valid score on each criterion, in rubric order
/// ([`RawRanges::proposal`]); a criterion without one is judged by its value alone.
pub fn reasons(
    values: &ProposalValues,
    raw: &[Option<(f64, f64)>],
    rubric: &Rubric,
    min_reviews: usize,
) -> Vec<Ineligible> {
    let mut why = Vec::new();
    if values.reviews < min_reviews {
        why.push(Ineligible::FewReviews {
            reviews: values.reviews,
            min_reviews,
        });
    }
    for (c, (value, criterion)) in values.values.iter().zip(&rubric.criteria).enumerate() {
        match (value, criterion.threshold) {
            (None, _) => why.push(Ineligible::NoScore {
                criterion: criterion.id.clone(),
            }),
            (Some(v), Some(t)) => {
                why.extend(threshold(criterion, *v, raw.get(c).copied().flatten(), t))
            }
            _ => {}
        }
    }
    if let Some(pass) = rubric.pass_total {
        if values.values.iter().all(Option::is_some) {
            let sum: f64 = values.values.iter().flatten().sum();
            if below(sum, pass) {
                why.push(Ineligible::BelowPassTotal {
                    sum,
                    pass_total: pass,
                });
            }
        }
    }
    why
}

/// Whether `x` is below `bar`, beyond floating-point noise.
fn below(x: f64, bar: f64) -> bool {
    x < bar && !tolerance::same(x, bar)
}

/// Why `value` fails the criterion's threshold `t`, given the lowest and highest valid raw
/// score: every juror's verdict when they agree, the value's when they do not.
fn threshold(
    criterion: &Criterion,
    value: f64,
    raw: Option<(f64, f64)>,
    t: f64,
) -> Option<Ineligible> {
    let (lowest, highest) = raw.unwrap_or((value, value));
    if !below(lowest, t) {
        return None;
    }
    if below(value, t) {
        return Some(Ineligible::BelowThreshold {
            criterion: criterion.id.clone(),
            value,
            threshold: t,
        });
    }
    below(highest, t).then(|| Ineligible::EveryScoreBelow {
        criterion: criterion.id.clone(),
        highest,
        threshold: t,
    })
}

/// Each proposal's lowest and highest valid score on each criterion: the jurors' own verdicts
/// on the thresholds ([`raw_ranges`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RawRanges {
    criteria: usize,
    ranges: Vec<Option<(f64, f64)>>,
}

impl RawRanges {
    /// The proposal's range on each criterion, in rubric order (`None` where it has no valid
    /// score): what [`reasons`] takes.
    ///
    /// # Panics
    ///
    /// When `p` is not a position in the award's proposals.
    pub fn proposal(&self, p: usize) -> &[Option<(f64, f64)>] {
        &self.ranges[p * self.criteria..(p + 1) * self.criteria]
    }
}

/// Each proposal's lowest and highest valid score on each criterion. A score counted 0 times
/// (`counts`, as a bootstrap replicate draws them) is left out.
///
/// Each criterion is one run of the award's scores: its ranges are taken over that run into a
/// column of their own (one proposal's slot after another, small enough to stay in cache),
/// then the columns are laid out proposal by proposal. Each cell's scores are met in the
/// award's order either way.
pub fn raw_ranges(award: &Award, status: &[Status], counts: Option<&[u32]>) -> RawRanges {
    ranges_of(award, status, counts, |_| true)
}

/// [`raw_ranges`] on the criteria with a threshold, `None` on every other: all that
/// [`reasons`] reads (a criterion's range serves only its threshold), without a pass over the
/// scores of a criterion that has none.
pub(crate) fn threshold_ranges(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
) -> RawRanges {
    let criteria = &award.rubric().criteria;
    ranges_of(award, status, counts, |c| criteria[c].threshold.is_some())
}

/// [`raw_ranges`] on the criteria `wanted`, `None` on every other.
fn ranges_of(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    wanted: impl Fn(usize) -> bool,
) -> RawRanges {
    let criteria = award.rubric().criteria.len();
    let proposals = award.proposals().len();
    let (scores, runs) = (award.scores(), award.runs());
    // A cell starts empty, at (+∞, −∞): its first score x then gives (x, x), as scores are
    // finite.
    let column = |c: usize, counted: &dyn Fn(usize) -> bool| {
        let mut column = vec![(f64::INFINITY, f64::NEG_INFINITY); proposals];
        for i in runs.criterion(c) {
            if let (Status::Used, Some(x)) = (status[i], scores[i].raw()) {
                if counted(i) {
                    let (lo, hi) = &mut column[scores[i].proposal_index()];
                    (*lo, *hi) = (f64::min(*lo, x), f64::max(*hi, x));
                }
            }
        }
        column
    };
    let columns: Vec<Option<Vec<(f64, f64)>>> = (0..criteria)
        .map(|c| {
            wanted(c).then(|| match counts {
                None => column(c, &|_| true),
                Some(k) => column(c, &|i| k[i] > 0),
            })
        })
        .collect();
    let mut ranges = vec![None; proposals * criteria];
    if columns.iter().any(Option::is_some) {
        for (p, slots) in ranges.chunks_exact_mut(criteria.max(1)).enumerate() {
            for (slot, column) in slots.iter_mut().zip(&columns) {
                if let Some(column) = column {
                    let (lo, hi) = column[p];
                    *slot = (lo <= hi).then_some((lo, hi));
                }
            }
        }
    }
    RawRanges { criteria, ranges }
}

/// `x`, which is below `bar`, written for a sentence: to 4 decimals, or as many more as it
/// takes to show it below (`2.99999`, not `3`, below a threshold of 3).
fn below_bar(x: f64, bar: f64) -> String {
    for decimals in 4..=15 {
        let scale = 10f64.powi(decimals);
        let rounded = (x * scale).round() / scale;
        if rounded < bar {
            return format!("{rounded}");
        }
    }
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::Settings;

    fn rubric() -> Rubric {
        testkit::rubric(
            "[rubric]\nscale = { min = 0, max = 5, step = 0.5 }\npass_total = 10\n\
             [[rubric.criterion]]\nid = 'excellence'\nweight = 1\nthreshold = 3\n\
             [[rubric.criterion]]\nid = 'impact'\nweight = 1.5\nthreshold = 3\n\
             [[rubric.criterion]]\nid = 'implementation'\nweight = 1\nthreshold = 3\n",
        )
    }

    fn proposal(values: [f64; 3], reviews: usize) -> ProposalValues {
        ProposalValues {
            values: values.iter().map(|&v| Some(v)).collect(),
            total: None,
            reviews,
            spread: 0.0,
        }
    }

    #[test]
    fn horizon_europe_thresholds_and_pass_total() {
        let r = rubric();
        // 3 + 3.5 + 3.5 = 10: every threshold met, sum exactly at pass_total.
        assert!(reasons(&proposal([3.0, 3.5, 3.5], 3), &[], &r, 3).is_empty());
        // 3 + 3 + 3 = 9 < 10: fails pass_total even though every threshold is met.
        assert_eq!(
            reasons(&proposal([3.0, 3.0, 3.0], 3), &[], &r, 3),
            vec!["unweighted sum 9 below pass_total 10"]
        );
        // A high total does not rescue a criterion under its threshold.
        assert_eq!(
            reasons(&proposal([5.0, 5.0, 2.5], 3), &[], &r, 3),
            vec!["implementation 2.5 below its threshold 3"]
        );
    }

    #[test]
    fn a_value_just_below_its_bar_is_written_below_it() {
        // Rounded to 4 decimals, 2.99999 would read "3 below its threshold 3".
        let r = rubric();
        assert_eq!(
            reasons(&proposal([2.99999, 3.5, 3.5], 3), &[], &r, 0),
            vec![
                "excellence 2.99999 below its threshold 3",
                "unweighted sum 9.99999 below pass_total 10"
            ]
        );
        assert_eq!(
            reasons(&proposal([2.123456, 5.0, 5.0], 3), &[], &r, 0),
            vec!["excellence 2.1235 below its threshold 3"]
        );
    }

    #[test]
    fn a_mean_equal_to_the_threshold_up_to_rounding_meets_it() {
        let r = rubric();
        let third = (2.5 + 3.0 + 3.5) / 3.0; // 3, computed
        assert!(reasons(&proposal([third, 3.5, 3.5], 3), &[], &r, 0).is_empty());
    }

    #[test]
    fn too_few_reviews_and_a_criterion_without_scores_are_both_reported() {
        let r = rubric();
        let mut p = proposal([4.0, 4.0, 4.0], 2);
        p.values[1] = None;
        assert_eq!(
            reasons(&p, &[], &r, 3),
            vec![
                "2 valid reviews, fewer than min_reviews = 3",
                "no valid score on impact"
            ]
        );
    }

    #[test]
    fn threshold_ranges_are_the_raw_ranges_of_the_criteria_with_a_threshold() {
        // Two criteria, a threshold on the second only. The scores, by hand: P1 gets 1 and 4
        // on `a`, 2 and 5 on `b`; P2 gets 3 on each, from one juror.
        let r = testkit::rubric(
            "[rubric]\nscale = { min = 0, max = 5 }\n\
             [[rubric.criterion]]\nid = 'a'\nweight = 1\n\
             [[rubric.criterion]]\nid = 'b'\nweight = 1\nthreshold = 3\n",
        );
        let award = testkit::award(
            r,
            Settings::default(),
            &[
                ("x", "P1", &[1.0, 2.0]),
                ("y", "P1", &[4.0, 5.0]),
                ("x", "P2", &[3.0, 3.0]),
            ],
        );
        let status = crate::conflicts::statuses(&award);
        let barred = threshold_ranges(&award, &status, None);
        assert_eq!(barred.proposal(0), &[None, Some((2.0, 5.0))]);
        assert_eq!(barred.proposal(1), &[None, Some((3.0, 3.0))]);
        let all = raw_ranges(&award, &status, None);
        assert_eq!(all.proposal(0), &[Some((1.0, 4.0)), Some((2.0, 5.0))]);
        // Without a threshold, nothing is read.
        let plain = testkit::criteria(0.0, 5.0, &[("a", 1.0), ("b", 1.0)]);
        let award = testkit::award(plain, Settings::default(), &[("x", "P1", &[1.0, 2.0])]);
        let status = crate::conflicts::statuses(&award);
        assert_eq!(
            threshold_ranges(&award, &status, None).proposal(0),
            &[None, None]
        );
    }

    #[test]
    fn the_ranges_hold_only_the_scores_that_count() {
        // P1: a's 1 (a conflict), b's 4, c's blank; P2: a's 2, b's 5. Counted once each but
        // b's 5 counted 0 times (a replicate that did not draw it).
        let mut b = testkit::single_builder(
            testkit::one_criterion(0.0, 10.0),
            crate::settings::Settings::default(),
            &[
                ("a", "P1", 1.0),
                ("b", "P1", 4.0),
                ("a", "P2", 2.0),
                ("b", "P2", 5.0),
            ],
        );
        b.score("c", "P1", "q", None).conflict("a", "P1", "");
        let award = b.build().unwrap();
        let status = crate::conflicts::statuses(&award);
        let all = raw_ranges(&award, &status, None);
        assert_eq!(all.proposal(0), &[Some((4.0, 4.0))]);
        assert_eq!(all.proposal(1), &[Some((2.0, 5.0))]);
        // The scores in the award's order: criterion, juror, proposal (a-P1, a-P2, b-P1,
        // b-P2, c-P1); b's score of P2 is the fourth.
        let counts = [1, 1, 1, 0, 1];
        let drawn = raw_ranges(&award, &status, Some(&counts));
        assert_eq!(drawn.proposal(1), &[Some((2.0, 2.0))]);
    }
}
