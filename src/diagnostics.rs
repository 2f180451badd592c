//! Juror diagnostics: how each juror scored, how well they agree with the panel, what looks
//! wrong (straight-lining, halo, an outlier, home bias), and which proposals need another
//! reader.
//!
//! Every number here is computed from valid scores only (status `used`): conflicts and
//! blank cells never count. Per juror, over all criteria:
//!
//! - **scores, mean, spread**: the number of valid scores, and the mean and population
//!   standard deviation of their raw values.
//! - **leniency, scale**: from the method's fitted `bias` and `scale`
//!   ([`JurorEffect`](crate::normalize::JurorEffect)), averaged over criteria weighted by the
//!   juror's number of scores on each; absent when the method fits none (`rank`, or a juror
//!   it cannot measure on any criterion). Leniency is what the juror gives a proposal of the
//!   criterion's mean corrected value, less that value: `bias + (scale − 1) × mean`.
//! - **agreement**: the Pearson correlation of the juror's raw scores with the
//!   *leave-one-out consensus* on the same (proposal, criterion) cells: the plain mean
//!   (confidence not used) of the **other** jurors' corrected scores on that cell. Cells that
//!   no other juror scored validly are skipped; all criteria are pooled in one correlation.
//!   Absent with fewer than [`MIN_AGREEMENT_PAIRS`] pairs, or when either side has no spread.
//! - **home residuals**: for each attribute that jurors and proposals both have and that
//!   `[conflicts] same` does not already exclude, the mean *residual* (corrected score − the
//!   proposal's criterion value as aggregated, the juror's own score included) over the
//!   juror's scores of proposals that share the juror's value of it.
//!
//! Flags, each with a plain-language reason ([`flags`] holds the rules and their thresholds):
//! straight-lining, halo, outlier, home bias. Per proposal, **needs another reader**: the
//! corrected weighted totals of its complete reviews differ by more than `[diagnostics]
//! disagreement` × the width of the total's scale (Σ weight × criterion scale width; strictly:
//! exactly the limit is not beyond), as panels add a reader when two reviews differ by more
//! than 30%. Corrected totals leave out each juror's leniency, so what remains is
//! disagreement about the proposal itself.
//!
//! Each flag and each proposal that needs another reader is also a [`Warning`].
//!
//! # Example
//!
//! ```
//! let award = jury::load("fixtures/ineli-balkans-2016")?;
//! let outcome = jury::score(&award);
//! for (j, d) in outcome.diagnostics().jurors.iter().enumerate() {
//!     println!("{} agrees {:?} with the panel", award.jurors().id(j), d.agreement);
//! }
//! assert_eq!(outcome.diagnostics().jurors.len(), 9);
//! # Ok::<(), jury::Error>(())
//! ```

mod cells;
pub mod flags;
mod juror;

use std::fmt;

use crate::aggregate::ProposalValues;
use crate::award::index::{juror_reviews, Runs};
use rayon::prelude::*;

use crate::award::Award;
use crate::conflicts::Status;
use crate::normalize::Correction;
use crate::warnings::Warning;

use cells::Cells;
pub use juror::pearson;

pub use flags::{
    HALO_MIN_REVIEWS, HALO_SHARE, HOME_BIAS_MIN_SCORES, HOME_BIAS_SHARE, MAD_TO_SD, OUTLIER_MADS,
    OUTLIER_MIN_MARGIN, OUTLIER_MIN_PANEL, OUTLIER_NEGATIVE_MEDIAN, STRAIGHT_LINING_MIN_SCORES,
    STRAIGHT_LINING_SPREAD,
};

/// Fewer (score, consensus) pairs than this: no agreement is computed.
pub const MIN_AGREEMENT_PAIRS: usize = 3;

/// Something that looks wrong in how a juror scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Flag {
    /// Nearly the same score everywhere.
    StraightLining,
    /// The same score on every criterion of many reviews.
    Halo,
    /// Agreement with the panel far below the panel's.
    Outlier,
    /// Proposals that share the juror's country (institution, …) scored off their value.
    HomeBias,
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flag::StraightLining => "straight_lining",
            Flag::Halo => "halo",
            Flag::Outlier => "outlier",
            Flag::HomeBias => "home_bias",
        })
    }
}

/// A flag raised on a juror, with its reason in plain words.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JurorFlag {
    /// Which flag.
    pub flag: Flag,
    /// Why: a sentence with the numbers behind it.
    pub reason: String,
}

/// A juror's scores of proposals that share one of the juror's attribute values.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Home {
    /// Valid scores of proposals sharing the juror's value (0 when the juror has none).
    pub scores: usize,
    /// Their mean residual (corrected score − the proposal's criterion value), in score units.
    pub residual: Option<f64>,
    /// Their mean residual as a share of each criterion's scale width (what the flag tests).
    pub share: Option<f64>,
}

/// What the diagnostics found about one juror.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct JurorDiagnostics {
    /// Rows the juror has in the scores, whatever their status.
    pub given: usize,
    /// Valid scores (status `used`).
    pub scores: usize,
    /// Scores that do not count because of a conflict of interest.
    pub conflicts: usize,
    /// Blank cells.
    pub missing: usize,
    /// Mean raw score over all criteria.
    pub mean: Option<f64>,
    /// Population standard deviation of the raw scores over all criteria.
    pub spread: Option<f64>,
    /// What the juror gives a proposal of a criterion's mean corrected value, less that value
    /// (`bias + (scale − 1) × mean`), count-weighted over criteria (positive = lenient).
    pub leniency: Option<f64>,
    /// Fitted scale, count-weighted over criteria (above 1 = wider than the panel).
    pub scale: Option<f64>,
    /// Correlation with the leave-one-out consensus of the other jurors.
    pub agreement: Option<f64>,
    /// (score, consensus) pairs behind the agreement.
    pub pairs: usize,
    /// Proposals the juror scored validly at least once.
    pub reviews: usize,
    /// Reviews with at least two valid scores (the ones a halo can show in).
    pub multi_reviews: usize,
    /// Of those, reviews with the same score (the same point of the scale) on every criterion.
    pub flat_reviews: usize,
    /// Per attribute of [`Diagnostics::home_attributes`], in that order.
    pub home: Vec<Home>,
    /// The flags raised, in [`Flag`] order.
    pub flags: Vec<JurorFlag>,
}

impl JurorDiagnostics {
    /// Whether the juror carries this flag.
    pub fn flagged(&self, flag: Flag) -> bool {
        self.flags.iter().any(|f| f.flag == flag)
    }
}

/// What the diagnostics found about one proposal.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProposalDiagnostics {
    /// Why it needs another reader, when its reviews disagree beyond the limit.
    pub needs_reader: Option<String>,
}

/// The diagnostics of an award.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Diagnostics {
    /// Attributes that jurors and proposals both have, minus those in `[conflicts] same`
    /// (sorted): the ones home bias is measured on.
    pub home_attributes: Vec<String>,
    /// Per juror, in [`Award::jurors`] order.
    pub jurors: Vec<JurorDiagnostics>,
    /// Per proposal, in [`Award::proposals`] order.
    pub proposals: Vec<ProposalDiagnostics>,
    /// One warning per flag and per proposal that needs another reader.
    pub warnings: Vec<Warning>,
}

/// Diagnoses every juror and proposal from the scores' statuses, the correction and the
/// aggregated criterion values.
pub fn diagnose(
    award: &Award,
    status: &[Status],
    correction: &Correction,
    values: &[ProposalValues],
) -> Diagnostics {
    let runs = award.runs();
    let used = |i: usize| status[i] == Status::Used;
    let cells = Cells::new(award, runs, used, correction);
    let home_attributes = home_attributes(award);
    // Each juror's scores merged into (proposal, criterion) order, one juror at a time: the
    // reviews that give no row at all for some criterion, then the valid scores.
    let criteria = award.rubric().criteria.len();
    let (mut jurors, short): (Vec<JurorDiagnostics>, Vec<Vec<u32>>) = (0..award.jurors().len())
        .into_par_iter()
        .map_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |(given, mine, reviews), j| {
                let mut short = Vec::new();
                mine.clear();
                reviews.clear();
                juror_reviews(
                    award,
                    runs,
                    j,
                    |_| true,
                    given,
                    |review| {
                        if review.len() < criteria {
                            short.push(review[0]);
                        }
                        let start = mine.len();
                        mine.extend(review.iter().filter(|&&i| used(i as usize)));
                        if mine.len() > start {
                            cells.review(award, correction, &mine[start..]);
                            reviews.push(start..mine.len());
                        }
                    },
                );
                let theirs = juror::Scores { mine, reviews };
                let mut d = juror::juror(
                    award,
                    correction,
                    values,
                    &cells,
                    &home_attributes,
                    j,
                    &theirs,
                );
                count_statuses(award, runs, status, j, &mut d);
                (d, short)
            },
        )
        .unzip();
    flags::raise(award, correction, &home_attributes, &mut jurors);
    let proposals = (0..award.proposals().len())
        .into_par_iter()
        .with_min_len(256)
        .map(|p| cells.proposal(award, p))
        .collect::<Vec<_>>();
    let mut warnings = Vec::new();
    warnings.extend(incomplete_reviews(award, runs, &short));
    push_flag_warnings(award, &jurors, &proposals, &mut warnings);
    Diagnostics {
        home_attributes,
        jurors,
        proposals,
        warnings,
    }
}

/// A long-form file leaves a criterion out by leaving its row out: said, as a blank cell of
/// the wide form is (`MissingScores`), by one warning naming the first of the `short`
/// reviews (each juror's, by the first of its scores) and counting them all.
fn incomplete_reviews(award: &Award, runs: &Runs, short: &[Vec<u32>]) -> Option<Warning> {
    let scores = award.scores();
    let criteria = award.rubric().criteria.len();
    let count = short.iter().map(Vec::len).sum::<usize>();
    let &i = short.iter().flatten().next()?;
    let s = &scores[i as usize];
    let given: Vec<usize> = (0..criteria)
        .filter(|&c| {
            let run = runs.of(c, s.juror_index());
            scores[run]
                .binary_search_by_key(&s.proposal_index(), |x| x.proposal_index())
                .is_ok()
        })
        .collect();
    let absent: Vec<&str> = (0..criteria)
        .filter(|c| !given.contains(c))
        .map(|c| award.rubric().criteria[c].id.as_str())
        .collect();
    Some(Warning::IncompleteReviews {
        count,
        juror: award.jurors().id(s.juror_index()).to_string(),
        proposal: award.proposals().id(s.proposal_index()).to_string(),
        absent: absent.join(", "),
    })
}

/// Each juror's flag and each proposal's need of another reader, as warnings, jurors first.
fn push_flag_warnings(
    award: &Award,
    jurors: &[JurorDiagnostics],
    proposals: &[ProposalDiagnostics],
    warnings: &mut Vec<Warning>,
) {
    for (j, d) in jurors.iter().enumerate() {
        let juror = award.jurors().id(j).to_string();
        for f in &d.flags {
            let reason = f.reason.clone();
            let juror = juror.clone();
            warnings.push(match f.flag {
                Flag::StraightLining => Warning::StraightLining { juror, reason },
                Flag::Halo => Warning::Halo { juror, reason },
                Flag::Outlier => Warning::OutlierJuror { juror, reason },
                Flag::HomeBias => Warning::HomeBias { juror, reason },
            });
        }
    }
    for (p, d) in proposals.iter().enumerate() {
        if let Some(reason) = &d.needs_reader {
            warnings.push(Warning::NeedsAnotherReader {
                proposal: award.proposals().id(p).to_string(),
                reason: reason.clone(),
            });
        }
    }
}

/// Attributes of both jurors and proposals that `[conflicts] same` does not exclude.
fn home_attributes(award: &Award) -> Vec<String> {
    let proposals = award.proposals().attribute_names();
    award
        .jurors()
        .attribute_names()
        .iter()
        .filter(|a| proposals.contains(a) && !award.settings().conflicts_same.contains(a))
        .cloned()
        .collect()
}

/// Juror `j`'s scores given, and how many of them conflict or are missing.
fn count_statuses(
    award: &Award,
    runs: &Runs,
    status: &[Status],
    j: usize,
    d: &mut JurorDiagnostics,
) {
    for c in 0..award.rubric().criteria.len() {
        for st in &status[runs.of(c, j)] {
            d.given += 1;
            match st {
                Status::Used => {}
                Status::Conflict => d.conflicts += 1,
                Status::Missing => d.missing += 1,
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testkit;
    pub(crate) use crate::testkit::{award, builder};
    use crate::{Method, Rubric, Settings};

    /// One criterion `q` on a 1–5 scale.
    pub(crate) fn one() -> Rubric {
        testkit::stepped(1.0, 5.0, 1.0, &[("q", 1.0)])
    }
    /// Two criteria `a` and `b` on a 1–5 scale.
    pub(crate) fn two() -> Rubric {
        testkit::stepped(1.0, 5.0, 1.0, &[("a", 1.0), ("b", 1.0)])
    }
    /// One criterion `q` on a continuous 0–10 scale.
    pub(crate) fn ten() -> Rubric {
        testkit::one_criterion(0.0, 10.0)
    }

    /// Settings without correction, so that corrected scores are the raw ones.
    pub(crate) fn raw() -> Settings {
        Settings {
            method: Method::None,
            ..Settings::default()
        }
    }

    /// A juror's diagnostics, by id.
    pub(crate) fn of<'a>(award: &Award, d: &'a Diagnostics, juror: &str) -> &'a JurorDiagnostics {
        &d.jurors[award.jurors().position(juror).unwrap()]
    }

    pub(crate) fn close(got: Option<f64>, want: f64) {
        let got = got.expect("a value");
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }

    #[test]
    fn agreement_correlates_raw_scores_with_the_mean_of_the_other_jurors() {
        // Method none: corrected = raw. Consensus of a on each proposal = mean of b and c:
        //   p1 (1+2)/2 = 1.5, p2 (3+3)/2 = 3, p3 (2+3)/2 = 2.5, p4 (4+4)/2 = 4; p5 only a: skipped.
        // x = 1,2,3,4 (mean 2.5), y = 1.5,3,2.5,4 (mean 2.75):
        //   Sxy = (−1.5)(−1.25) + (−.5)(.25) + (.5)(−.25) + (1.5)(1.25) = 3.5,
        //   Sxx = 5, Syy = 1.5625 + .0625 + .0625 + 1.5625 = 3.25 → r = 3.5/√16.25 = 0.868243.
        // c: x = 2,3,3,4; consensus of a and b = 1, 2.5, 2.5, 4:
        //   Sxy = (−1)(−1.5) + 0 + 0 + (1)(1.5) = 3, Sxx = 2, Syy = 4.5 → r = 3/√9 = 1.
        let award = award(
            one(),
            raw(),
            &[
                ("a", "p1", &[1.0]),
                ("a", "p2", &[2.0]),
                ("a", "p3", &[3.0]),
                ("a", "p4", &[4.0]),
                ("a", "p5", &[5.0]),
                ("b", "p1", &[1.0]),
                ("b", "p2", &[3.0]),
                ("b", "p3", &[2.0]),
                ("b", "p4", &[4.0]),
                ("c", "p1", &[2.0]),
                ("c", "p2", &[3.0]),
                ("c", "p3", &[3.0]),
                ("c", "p4", &[4.0]),
            ],
        );
        let d = crate::score(&award).diagnostics;
        let a = of(&award, &d, "a");
        assert_eq!((a.scores, a.pairs), (5, 4));
        close(a.agreement, 3.5 / 16.25f64.sqrt());
        close(of(&award, &d, "c").agreement, 1.0);
        // a's scores 1..5: mean 3, population sd √2; method none: leniency 0, scale 1.
        close(a.mean, 3.0);
        close(a.spread, 2f64.sqrt());
        close(a.leniency, 0.0);
        close(a.scale, 1.0);
    }

    #[test]
    fn the_consensus_leaves_the_juror_out_and_uses_the_others_corrected_scores() {
        // Method ratio: corrected = raw × pooled mean / juror mean. Pooled mean of the seven
        // scores 5, 5, 2, 6, 8, 8, 4 = 38/7. b's mean 4: p1 2 → 2 × (38/7)/4 = 19/7 = 95/35;
        // c's mean 20/3: p1 8 → 8 × (38/7)/(20/3) = 228/35. The consensus of a's p1 is their
        // mean, (95/35 + 228/35)/2 = 323/70 = 4.614286 (the raw scores would give 5, and with
        // a's own corrected score 5 × (38/7)/5 = 38/7 it would be (95 + 228 + 190)/105 ≠ 323/70).
        let award = award(
            ten(),
            Settings {
                method: Method::Ratio,
                ..Settings::default()
            },
            &[
                ("a", "p1", &[5.0]),
                ("a", "p2", &[5.0]),
                ("b", "p1", &[2.0]),
                ("b", "p2", &[6.0]),
                ("c", "p1", &[8.0]),
                ("c", "p2", &[8.0]),
                ("c", "p3", &[4.0]),
            ],
        );
        let outcome = crate::score(&award);
        let runs = Runs::new(&award);
        let used = |i: usize| outcome.status[i] == Status::Used;
        let cells = Cells::new(&award, &runs, used, &outcome.correction);
        let at = |j: &str, p: &str| {
            award
                .scores()
                .iter()
                .position(|s| {
                    award.jurors().id(s.juror_index()) == j
                        && award.proposals().id(s.proposal_index()) == p
                })
                .unwrap()
        };
        close(
            cells.others(&award, &outcome.correction, at("a", "p1")),
            323.0 / 70.0,
        );
        // Nobody but c read p3: no consensus.
        assert_eq!(
            cells.others(&award, &outcome.correction, at("c", "p3")),
            None
        );
    }

    #[test]
    fn agreement_sums_a_jurors_pairs_in_proposal_then_criterion_order() {
        // Three criteria, method none. a's twelve pairs (raw, consensus of the others):
        // (3, 4/3) (4, 5/3) (2, 2) | (1, 3/2) (4, 2) (3, 5/2) | (1, 4) (4, 2) (4, 3) |
        // (3, 4) (3, 13/3) (4, 13/3): their covariance is exactly 0, and the sums of
        // `pearson` leave a rounding error whose sign depends on the order of the terms. In
        // the order the juror's scores are listed (proposal, then criterion) it comes to
        // exactly 0; read criterion by criterion, to −3 × 10⁻¹⁷, which is below 0, and with
        // the panel's median agreement above 0.3, a would be flagged as an outlier.
        let three = testkit::stepped(1.0, 5.0, 1.0, &[("a", 1.0), ("b", 1.0), ("c", 1.0)]);
        let award = award(
            three,
            raw(),
            &[
                ("a", "p0", &[3.0, 4.0, 2.0]),
                ("a", "p3", &[1.0, 4.0, 3.0]),
                ("a", "p6", &[1.0, 4.0, 4.0]),
                ("a", "p8", &[3.0, 3.0, 4.0]),
                ("b", "p0", &[2.0, 3.0, 2.0]),
                ("b", "p1", &[5.0, 1.0, 2.0]),
                ("b", "p4", &[5.0, 2.0, 2.0]),
                ("b", "p8", &[4.0, 4.0, 3.0]),
                ("c", "p0", &[1.0, 1.0, 1.0]),
                ("c", "p3", &[1.0, 2.0, 2.0]),
                ("c", "p7", &[5.0, 4.0, 4.0]),
                ("c", "p8", &[4.0, 4.0, 5.0]),
                ("d", "p0", &[1.0, 1.0, 3.0]),
                ("d", "p2", &[2.0, 2.0, 1.0]),
                ("d", "p5", &[3.0, 3.0, 3.0]),
                ("d", "p6", &[4.0, 2.0, 3.0]),
                ("e", "p1", &[1.0, 1.0, 1.0]),
                ("e", "p2", &[2.0, 2.0, 2.0]),
                ("e", "p3", &[2.0, 2.0, 3.0]),
                ("e", "p5", &[3.0, 3.0, 3.0]),
                ("e", "p8", &[4.0, 5.0, 5.0]),
            ],
        );
        let outcome = crate::score(&award);
        let d = &outcome.diagnostics;
        let a = of(&award, d, "a");
        assert_eq!(a.pairs, 12);
        assert!(a.flags.is_empty(), "{:?}", a.flags);
        assert_eq!(a.agreement, Some(0.0));
        // Every juror's agreement is `pearson` of their pairs in (proposal, criterion) order,
        // to the bit.
        let scores = award.scores();
        // The consensus as `Cells::others` takes it: the cell's sum over its jurors in order,
        // less the juror's own score, over the others' number.
        let corrected = &outcome.correction.corrected;
        let consensus = |i: usize| {
            let s = &scores[i];
            let cell: Vec<usize> = (0..scores.len())
                .filter(|&k| outcome.status[k] == Status::Used)
                .filter(|&k| scores[k].proposal_index() == s.proposal_index())
                .filter(|&k| scores[k].criterion_index() == s.criterion_index())
                .collect();
            let sum = cell.iter().fold(0.0, |sum, &k| sum + corrected[k]);
            let others = cell.len() - 1;
            (others > 0).then(|| (sum - corrected[i]) / others as f64)
        };
        for j in 0..award.jurors().len() {
            let mut mine: Vec<usize> = (0..scores.len())
                .filter(|&i| scores[i].juror_index() == j && outcome.status[i] == Status::Used)
                .collect();
            mine.sort_by_key(|&i| (scores[i].proposal_index(), scores[i].criterion_index()));
            let pairs: Vec<(f64, f64)> = mine
                .iter()
                .filter_map(|&i| Some((scores[i].raw()?, consensus(i)?)))
                .collect();
            let want = pearson(&pairs).map(f64::to_bits);
            assert_eq!(d.jurors[j].agreement.map(f64::to_bits), want, "juror {j}");
        }
    }

    #[test]
    fn pearson_by_hand_and_none_without_spread_or_pairs() {
        assert_eq!(pearson(&[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]), Some(1.0));
        assert_eq!(pearson(&[(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]), Some(-1.0));
        // x = 1, 2, 3; y = 1, 3, 2: Sxy = (−1)(−1) + 0 + (1)(0) = 1, Sxx = Syy = 2 → 0.5.
        close(pearson(&[(1.0, 1.0), (2.0, 3.0), (3.0, 2.0)]), 0.5);
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 2.0), (3.0, 2.0)]), None);
        assert_eq!(pearson(&[(4.0, 1.0), (4.0, 2.0), (4.0, 3.0)]), None);
        assert_eq!(pearson(&[(1.0, 1.0), (2.0, 2.0)]), None);
        assert_eq!(pearson(&[]), None);
    }

    #[test]
    fn a_proposal_needs_another_reader_only_beyond_the_limit() {
        // One criterion of weight 1 on a 0–10 scale, method none: a review's corrected total is
        // its score. Disagreement 0.3: the limit is 0.3 × 1 × 10 = 3. p1: 2 and 5, a range of exactly 3,
        // is not beyond; p2: 2 and 5.5, a range of 3.5, is. p3 has one review. c's 10 on p1
        // is a declared conflict and never counts, so it cannot widen p1's range.
        let mut b = builder(
            ten(),
            raw(),
            &[
                ("a", "p1", &[2.0]),
                ("b", "p1", &[5.0]),
                ("c", "p1", &[10.0]),
                ("a", "p2", &[2.0]),
                ("b", "p2", &[5.5]),
                ("a", "p3", &[9.0]),
            ],
        );
        b.conflict("c", "p1", "");
        let award = b.build().unwrap();
        let outcome = crate::score(&award);
        let d = &outcome.diagnostics;
        assert_eq!(d.proposals[0].needs_reader, None);
        assert_eq!(
            d.proposals[1].needs_reader.as_deref(),
            Some("its reviews' corrected totals differ by 3.5 (from 2 to 5.5), more than 3 (30% of the total's scale of 10)")
        );
        assert_eq!(d.proposals[2].needs_reader, None);
        let readers: Vec<&Warning> = outcome
            .warnings
            .iter()
            .filter(|w| w.kind() == "needs_another_reader")
            .collect();
        assert_eq!(readers.len(), 1);
        assert!(readers[0]
            .to_string()
            .starts_with("proposal p2 needs another reader: "));
        // At 25% the limit is 2.5, and p1's range of 3 is beyond it.
        let mut award = award;
        award.settings_mut().disagreement = 0.25;
        let d = crate::score(&award).diagnostics;
        assert!(d.proposals[0].needs_reader.is_some());
    }

    #[test]
    fn only_complete_reviews_are_compared_for_another_reader() {
        // Two criteria of weight 1 on 1–5, method none: the limit is 0.3 × 2 × 4 = 2.4. On p1,
        // x's total is 6 and y's 7; z left b blank, so z's 1 on a makes no total, and the
        // range stays 1.
        let mut b = builder(
            two(),
            raw(),
            &[("x", "p1", &[3.0, 3.0]), ("y", "p1", &[3.0, 4.0])],
        );
        b.score("z", "p1", "a", Some(1.0))
            .score("z", "p1", "b", None);
        let award = b.build().unwrap();
        let d = crate::score(&award).diagnostics;
        assert_eq!(d.proposals[0].needs_reader, None);
        // Given b, z's review is complete, and its total of 2 is 5 below y's.
        let mut b = builder(
            two(),
            raw(),
            &[("x", "p1", &[3.0, 3.0]), ("y", "p1", &[3.0, 4.0])],
        );
        b.score("z", "p1", "a", Some(1.0))
            .score("z", "p1", "b", Some(1.0));
        let d = crate::score(&b.build().unwrap()).diagnostics;
        assert!(d.proposals[0].needs_reader.is_some());
    }

    #[test]
    fn empty_and_single_juror_awards_give_blanks_never_nan_or_flags() {
        let empty = builder(one(), raw(), &[]).build().unwrap();
        let d = crate::score(&empty).diagnostics;
        assert!(d.jurors.is_empty() && d.proposals.is_empty() && d.warnings.is_empty());
        // One juror, three proposals: nobody to agree with.
        let alone = award(
            two(),
            Settings::default(),
            &[
                ("a", "p1", &[1.0, 2.0]),
                ("a", "p2", &[3.0, 5.0]),
                ("a", "p3", &[4.0, 4.0]),
            ],
        );
        let d = crate::score(&alone).diagnostics;
        let a = &d.jurors[0];
        assert_eq!((a.scores, a.pairs, a.agreement), (6, 0, None));
        assert_eq!((a.reviews, a.flat_reviews), (3, 1));
        // Mean (1+2+3+5+4+4)/6 = 19/6.
        close(a.mean, 19.0 / 6.0);
        assert!(a.flags.is_empty(), "{:?}", a.flags);
        for x in [a.mean, a.spread, a.leniency, a.scale]
            .into_iter()
            .flatten()
        {
            assert!(x.is_finite());
        }
    }

    #[test]
    fn statuses_are_counted_per_juror() {
        let mut b = builder(one(), raw(), &[("a", "p1", &[3.0]), ("a", "p2", &[4.0])]);
        b.score("a", "p3", "q", None);
        b.conflict("a", "p2", "");
        let award = b.build().unwrap();
        let a = &crate::score(&award).diagnostics.jurors[0];
        assert_eq!((a.given, a.scores, a.conflicts, a.missing), (3, 1, 1, 1));
    }
}
