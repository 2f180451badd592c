//! The flags raised on jurors: their rules and thresholds.
//!
//! - **straight-lining**: on every criterion the juror scored at least
//!   [`STRAIGHT_LINING_MIN_SCORES`] times (and there is at least one), the population
//!   standard deviation of their raw scores is at most [`STRAIGHT_LINING_SPREAD`] of the
//!   criterion's scale width (0.4 on a 1–5 scale: ten scores of which nine are 3 and one is 4
//!   have a spread of 0.3). A juror who used the scale on any criterion is not flagged.
//! - **halo**: only when the rubric has at least two criteria. Among the juror's reviews with
//!   at least two valid scores, at least [`HALO_SHARE`] give the same point of the scale on
//!   every criterion (for criteria on one scale: the same score), with at least
//!   [`HALO_MIN_REVIEWS`] such reviews.
//! - **outlier**: only when at least [`OUTLIER_MIN_PANEL`] jurors have an agreement. With
//!   the panel's median agreement `m` and its median absolute deviation `MAD`, a juror is
//!   flagged when their agreement is below `m − max(OUTLIER_MADS × MAD_TO_SD × MAD,
//!   OUTLIER_MIN_MARGIN)` (about two standard deviations below the panel, and never closer
//!   than 0.25, so that a panel that agrees perfectly does not flag a juror at 0.99), or below
//!   0 when `m` is above [`OUTLIER_NEGATIVE_MEDIAN`] (a juror who runs against a panel that
//!   broadly agrees).
//! - **home bias**: for each attribute of [`super::Diagnostics::home_attributes`], with at
//!   least [`HOME_BIAS_MIN_SCORES`] valid scores of proposals that share the juror's value,
//!   the mean residual as a share of the scale width ([`super::Home::share`]) beyond
//!   [`HOME_BIAS_SHARE`] either way (favouring one's own, or leaning over backwards).
//!
//! Comparisons with a threshold go through [`crate::tolerance`]: a value on the threshold
//! counts as on it, whatever its last bits.

use super::{Flag, JurorDiagnostics, JurorFlag};
use crate::aggregate::median;
use crate::award::Award;
use crate::normalize::Correction;
use crate::tolerance;
use crate::util::number::number;

/// Straight-lining: the largest spread, as a share of the scale width, that counts as
/// "nearly the same score".
pub const STRAIGHT_LINING_SPREAD: f64 = 0.10;
/// Straight-lining: criteria with fewer of the juror's scores are not judged.
pub const STRAIGHT_LINING_MIN_SCORES: usize = 3;
/// Halo: the share of reviews with the same score on every criterion that raises the flag.
pub const HALO_SHARE: f64 = 0.5;
/// Halo: fewer reviews with two or more scores are not judged.
pub const HALO_MIN_REVIEWS: usize = 3;
/// Outlier: fewer jurors with an agreement make no panel to compare with.
pub const OUTLIER_MIN_PANEL: usize = 4;
/// Outlier: how many (scaled) median absolute deviations below the panel's median.
pub const OUTLIER_MADS: f64 = 2.0;
/// The factor that makes a median absolute deviation estimate a standard deviation (for
/// normally distributed values).
pub const MAD_TO_SD: f64 = 1.4826;
/// Outlier: the smallest distance below the panel's median that can flag a juror.
pub const OUTLIER_MIN_MARGIN: f64 = 0.25;
/// Outlier: above this panel median, a negative agreement is flagged whatever the spread.
pub const OUTLIER_NEGATIVE_MEDIAN: f64 = 0.3;
/// Home bias: the mean residual, as a share of the scale width, beyond which it is flagged.
pub const HOME_BIAS_SHARE: f64 = 0.10;
/// Home bias: fewer scores of proposals sharing the juror's value are not judged.
pub const HOME_BIAS_MIN_SCORES: usize = 2;

/// Raises every flag on every juror.
pub(super) fn raise(
    award: &Award,
    correction: &Correction,
    home_attributes: &[String],
    jurors: &mut [JurorDiagnostics],
) {
    let outlier = OutlierRule::of(jurors.iter().map(|d| d.agreement));
    for (j, d) in jurors.iter_mut().enumerate() {
        let reasons = [
            (Flag::StraightLining, straight_lining(award, correction, j)),
            (Flag::Halo, halo(award, d)),
            (
                Flag::Outlier,
                outlier.and_then(|rule| rule.reason(d.agreement?)),
            ),
            (Flag::HomeBias, home_bias(award, home_attributes, j, d)),
        ];
        d.flags = reasons
            .into_iter()
            .filter_map(|(flag, reason)| {
                Some(JurorFlag {
                    flag,
                    reason: reason?,
                })
            })
            .collect();
    }
}

fn at_most(x: f64, limit: f64) -> bool {
    x <= limit || tolerance::same(x, limit)
}

fn percent(share: f64) -> String {
    format!("{}%", number(100.0 * share))
}

fn straight_lining(award: &Award, correction: &Correction, j: usize) -> Option<String> {
    let criteria = &award.rubric().criteria;
    let mut judged = 0;
    // The criterion with the largest spread relative to its width: (share, spread, c).
    let mut widest: Option<(f64, f64, usize)> = None;
    for (c, criterion) in criteria.iter().enumerate() {
        let e = correction.effect(j, c, criteria.len());
        if e.scores < STRAIGHT_LINING_MIN_SCORES {
            continue;
        }
        judged += 1;
        let width = criterion.scale.width();
        if !at_most(e.spread, STRAIGHT_LINING_SPREAD * width) {
            return None;
        }
        let share = e.spread / width;
        if widest.is_none_or(|w| share > w.0) {
            widest = Some((share, e.spread, c));
        }
    }
    let (_, spread, c) = widest?;
    let criterion = &criteria[c];
    Some(format!(
        "Straight-lining: nearly the same score everywhere; on {} they scored at least {} times, the spread (population sd) of their scores is at most {} of the scale width (widest: {} on {}, limit {}).",
        if judged == 1 { "the one criterion".to_string() } else { format!("each of the {judged} criteria") },
        STRAIGHT_LINING_MIN_SCORES,
        percent(STRAIGHT_LINING_SPREAD),
        number(spread),
        criterion.id,
        number(STRAIGHT_LINING_SPREAD * criterion.scale.width())
    ))
}

fn halo(award: &Award, d: &JurorDiagnostics) -> Option<String> {
    if award.rubric().criteria.len() < 2 || d.multi_reviews < HALO_MIN_REVIEWS {
        return None;
    }
    let share = d.flat_reviews as f64 / d.multi_reviews as f64;
    if !at_most(HALO_SHARE, share) {
        return None;
    }
    Some(format!(
        "Halo: the same score on every criterion in {} of their {} reviews ({}); flagged from {} of at least {} reviews.",
        d.flat_reviews,
        d.multi_reviews,
        percent(share),
        percent(HALO_SHARE),
        HALO_MIN_REVIEWS
    ))
}

/// The outlier rule of one panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutlierRule {
    /// The panel's median agreement.
    pub median: f64,
    /// The median absolute deviation of the agreements from it (unscaled).
    pub mad: f64,
    /// Below this agreement a juror is an outlier:
    /// `median − max(OUTLIER_MADS × MAD_TO_SD × mad, OUTLIER_MIN_MARGIN)`.
    pub limit: f64,
}

impl OutlierRule {
    /// The rule of a panel, from every juror's agreement; `None` when fewer than
    /// [`OUTLIER_MIN_PANEL`] jurors have one.
    pub fn of(agreements: impl Iterator<Item = Option<f64>>) -> Option<OutlierRule> {
        let mut values: Vec<f64> = agreements.flatten().collect();
        if values.len() < OUTLIER_MIN_PANEL {
            return None;
        }
        let m = median(&mut values);
        let mut deviations: Vec<f64> = values.iter().map(|a| (a - m).abs()).collect();
        let mad = median(&mut deviations);
        Some(OutlierRule {
            median: m,
            mad,
            limit: m - (OUTLIER_MADS * MAD_TO_SD * mad).max(OUTLIER_MIN_MARGIN),
        })
    }

    /// Whether an agreement is an outlier's.
    #[cfg(test)]
    pub fn is_outlier(&self, agreement: f64) -> bool {
        self.below_limit(agreement) || self.against(agreement)
    }

    fn below_limit(&self, agreement: f64) -> bool {
        !at_most(self.limit, agreement)
    }

    fn against(&self, agreement: f64) -> bool {
        self.median > OUTLIER_NEGATIVE_MEDIAN && agreement < 0.0
    }

    fn reason(&self, agreement: f64) -> Option<String> {
        let rule = if self.below_limit(agreement) {
            format!(
                "flagged below {} (the median minus the larger of {} × {} × MAD = {} × {} × {} and {})",
                number(self.limit),
                number(OUTLIER_MADS),
                number(MAD_TO_SD),
                number(OUTLIER_MADS),
                number(MAD_TO_SD),
                number(self.mad),
                number(OUTLIER_MIN_MARGIN)
            )
        } else if self.against(agreement) {
            format!(
                "flagged below 0 when the panel median is above {}",
                number(OUTLIER_NEGATIVE_MEDIAN)
            )
        } else {
            return None;
        };
        Some(format!(
            "Outlier: their scores correlate {} with the other jurors' consensus, against a panel median of {}; {rule}.",
            number(agreement),
            number(self.median)
        ))
    }
}

fn home_bias(
    award: &Award,
    attributes: &[String],
    j: usize,
    d: &JurorDiagnostics,
) -> Option<String> {
    let parts: Vec<String> = attributes
        .iter()
        .zip(&d.home)
        .filter_map(|(a, h)| {
            let (residual, share) = (h.residual?, h.share?);
            if h.scores < HOME_BIAS_MIN_SCORES || at_most(share.abs(), HOME_BIAS_SHARE) {
                return None;
            }
            Some(format!(
                "on the {} scores they gave to proposals of their own {a} ({}), their corrected scores lie on average {} {} the proposals' values ({} of the scale width)",
                h.scores,
                award.jurors().attribute(j, a).unwrap_or(""),
                number(residual.abs()),
                if residual > 0.0 { "above" } else { "below" },
                percent(share.abs())
            ))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "Home bias: {}; flagged beyond {} of the scale width with at least {} scores.",
        parts.join("; "),
        percent(HOME_BIAS_SHARE),
        HOME_BIAS_MIN_SCORES
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::tests::{award, builder, close, of, one, raw, two};
    use crate::diagnostics::Diagnostics;
    use crate::Settings;

    fn flags(d: &JurorDiagnostics) -> Vec<Flag> {
        d.flags.iter().map(|f| f.flag).collect()
    }

    fn diagnosed(award: &Award) -> Diagnostics {
        crate::score(award).diagnostics
    }

    #[test]
    fn a_juror_with_nearly_the_same_score_everywhere_is_straight_lining() {
        // Scale 1–5: the limit is 10% of 4 = 0.4.
        // s: 3, 3, 3, 3, 4 → mean 3.2, variance (4 × 0.04 + 0.64)/5 = 0.16, sd 0.4: at the limit.
        // n: 3, 3, 3, 4, 4 → mean 3.4, variance (3 × 0.16 + 2 × 0.36)/5 = 0.24, sd 0.489898.
        let reviews: [(&str, &str, &[f64]); 10] = [
            ("s", "p1", &[3.0]),
            ("s", "p2", &[3.0]),
            ("s", "p3", &[3.0]),
            ("s", "p4", &[3.0]),
            ("s", "p5", &[4.0]),
            ("n", "p1", &[3.0]),
            ("n", "p2", &[3.0]),
            ("n", "p3", &[3.0]),
            ("n", "p4", &[4.0]),
            ("n", "p5", &[4.0]),
        ];
        let award = award(one(), raw(), &reviews);
        let d = diagnosed(&award);
        let s = of(&award, &d, "s");
        assert_eq!(flags(s), vec![Flag::StraightLining]);
        assert_eq!(
            s.flags[0].reason,
            "Straight-lining: nearly the same score everywhere; on the one criterion they scored at least 3 times, the spread (population sd) of their scores is at most 10% of the scale width (widest: 0.4 on q, limit 0.4)."
        );
        assert!(flags(of(&award, &d, "n")).is_empty());
        assert!(d.warnings.contains(&crate::Warning::StraightLining {
            juror: "s".into(),
            reason: s.flags[0].reason.clone(),
        }));
    }

    #[test]
    fn straight_lining_needs_every_criterion_flat_and_three_scores_on_one() {
        // f: always 3 on a, but 1, 3, 5 on b: they used the scale, so no flag.
        // t: 4 and 4 on both criteria of two proposals: too few scores to judge.
        let award = award(
            two(),
            raw(),
            &[
                ("f", "p1", &[3.0, 1.0]),
                ("f", "p2", &[3.0, 3.0]),
                ("f", "p3", &[3.0, 5.0]),
                ("t", "p1", &[4.0, 4.0]),
                ("t", "p2", &[4.0, 4.0]),
            ],
        );
        let d = diagnosed(&award);
        assert!(!of(&award, &d, "f").flagged(Flag::StraightLining));
        assert!(!of(&award, &d, "t").flagged(Flag::StraightLining));
    }

    #[test]
    fn the_same_score_on_every_criterion_of_half_the_reviews_is_a_halo() {
        // h: (4,4) (2,2) (5,5) (3,1): 3 of 4 reviews flat, 75% ≥ 50%.
        // m: (4,4) (2,2) (5,4) (3,1): 2 of 4, exactly 50%: flagged ("at least").
        // n: (4,3) (2,3) (5,4) (3,3): 1 of 4, 25%: not flagged.
        // None of them straight-lines: each has a spread above 0.4 on a.
        let award = award(
            two(),
            raw(),
            &[
                ("h", "p1", &[4.0, 4.0]),
                ("h", "p2", &[2.0, 2.0]),
                ("h", "p3", &[5.0, 5.0]),
                ("h", "p4", &[3.0, 1.0]),
                ("m", "p1", &[4.0, 4.0]),
                ("m", "p2", &[2.0, 2.0]),
                ("m", "p3", &[5.0, 4.0]),
                ("m", "p4", &[3.0, 1.0]),
                ("n", "p1", &[4.0, 3.0]),
                ("n", "p2", &[2.0, 3.0]),
                ("n", "p3", &[5.0, 4.0]),
                ("n", "p4", &[3.0, 3.0]),
            ],
        );
        let d = diagnosed(&award);
        let h = of(&award, &d, "h");
        assert_eq!((h.reviews, h.multi_reviews, h.flat_reviews), (4, 4, 3));
        assert_eq!(flags(h), vec![Flag::Halo]);
        assert_eq!(
            h.flags[0].reason,
            "Halo: the same score on every criterion in 3 of their 4 reviews (75%); flagged from 50% of at least 3 reviews."
        );
        assert_eq!(flags(of(&award, &d, "m")), vec![Flag::Halo]);
        assert!(flags(of(&award, &d, "n")).is_empty());
    }

    #[test]
    fn halo_needs_two_criteria_and_three_reviews() {
        // One criterion: every review is trivially "the same score everywhere"; never a halo.
        let one = award(
            one(),
            raw(),
            &[
                ("a", "p1", &[1.0]),
                ("a", "p2", &[3.0]),
                ("a", "p3", &[5.0]),
            ],
        );
        let d = diagnosed(&one);
        assert_eq!(d.jurors[0].multi_reviews, 0);
        assert!(!d.jurors[0].flagged(Flag::Halo));
        // Two flat reviews of two: too few to judge.
        let two = award(
            two(),
            raw(),
            &[("a", "p1", &[1.0, 1.0]), ("a", "p2", &[5.0, 5.0])],
        );
        assert!(!diagnosed(&two).jurors[0].flagged(Flag::Halo));
    }

    #[test]
    fn a_juror_who_runs_against_the_panel_is_an_outlier() {
        // a, b, c, d score p1..p5 as 1..5; e reverses them (5..1). Method none.
        // a's consensus on p_k: (k + k + k + (6 − k))/4 = (2k + 6)/4, rising with k: r = 1 (so
        // for b, c, d). e's consensus: k, against e's 6 − k: r = −1.
        // Panel {1, 1, 1, 1, −1}: median 1; deviations {0, 0, 0, 0, 2}: MAD 0; margin
        // max(2 × 1.4826 × 0, 0.25) = 0.25; limit 0.75. e (−1) is flagged, the others are not.
        let mut reviews: Vec<(&str, &str, &[f64])> = Vec::new();
        let ps = ["p1", "p2", "p3", "p4", "p5"];
        let up: [&[f64]; 5] = [&[1.0], &[2.0], &[3.0], &[4.0], &[5.0]];
        for j in ["a", "b", "c", "d"] {
            for (p, x) in ps.iter().zip(up) {
                reviews.push((j, p, x));
            }
        }
        for (p, x) in ps.iter().zip(up.iter().rev()) {
            reviews.push(("e", p, x));
        }
        let award = award(one(), raw(), &reviews);
        let d = diagnosed(&award);
        for j in ["a", "b", "c", "d"] {
            close(of(&award, &d, j).agreement, 1.0);
            assert!(flags(of(&award, &d, j)).is_empty(), "{j}");
        }
        let e = of(&award, &d, "e");
        close(e.agreement, -1.0);
        assert_eq!(flags(e), vec![Flag::Outlier]);
        assert_eq!(
            e.flags[0].reason,
            "Outlier: their scores correlate -1 with the other jurors' consensus, against a panel median of 1; flagged below 0.75 (the median minus the larger of 2 × 1.4826 × MAD = 2 × 1.4826 × 0 and 0.25)."
        );
    }

    #[test]
    fn the_outlier_rule_by_hand() {
        let rule = |xs: &[f64]| OutlierRule::of(xs.iter().map(|&x| Some(x)));
        // {0.9, 0.8, 0.7, 0.6, 0.1}: median 0.7; deviations {0.2, 0.1, 0, 0.1, 0.6}: MAD 0.1;
        // margin 2 × 1.4826 × 0.1 = 0.29652 (above 0.25); limit 0.7 − 0.29652 = 0.40348.
        let r = rule(&[0.9, 0.8, 0.7, 0.6, 0.1]).unwrap();
        close(Some(r.median), 0.7);
        close(Some(r.mad), 0.1);
        close(Some(r.limit), 0.40348);
        assert!(r.is_outlier(0.1) && !r.is_outlier(0.6) && !r.is_outlier(0.41));
        // {0.95, 0.05, 0.95, 0.05, 0.6, −0.05, 0.95}: median 0.6; deviations {0.35, 0.55, 0.35,
        // 0.55, 0, 0.65, 0.35}: MAD 0.35; limit 0.6 − 2 × 1.4826 × 0.35 = −0.43782. −0.05 is
        // above the limit but below 0 while the median is above 0.3: flagged. 0.05 is not.
        let r = rule(&[0.95, 0.05, 0.95, 0.05, 0.6, -0.05, 0.95]).unwrap();
        close(Some(r.limit), 0.6 - 1.03782);
        assert!(r.is_outlier(-0.05) && !r.is_outlier(0.05));
        // Blanks do not count; three agreements make no panel.
        assert_eq!(
            OutlierRule::of([Some(0.9), None, Some(0.1), Some(0.5)].into_iter()),
            None
        );
    }

    /// Jurors a (RS), b (MK), c (TR), d (BG); proposals p1, p2 (RS), p3, p4 (BG). Method none.
    fn home_award(settings: Settings) -> Award {
        let mut b = builder(
            one(),
            settings,
            &[
                ("a", "p1", &[5.0]),
                ("a", "p2", &[4.0]),
                ("a", "p3", &[3.0]),
                ("a", "p4", &[2.0]),
                ("b", "p1", &[3.0]),
                ("b", "p2", &[2.0]),
                ("b", "p3", &[3.0]),
                ("b", "p4", &[2.0]),
                ("c", "p1", &[3.0]),
                ("c", "p2", &[2.0]),
                ("c", "p3", &[3.0]),
                ("c", "p4", &[2.0]),
                ("d", "p3", &[3.0]),
                ("d", "p4", &[2.0]),
            ],
        );
        for (j, country) in [("a", "RS"), ("b", "MK"), ("c", "TR"), ("d", "BG")] {
            b.juror(j, "", &[("country", country)]);
        }
        for (p, country) in [("p1", "RS"), ("p2", "RS"), ("p3", "BG"), ("p4", "BG")] {
            b.proposal(p, "", &[("country", country)]);
        }
        b.build().unwrap()
    }

    #[test]
    fn scores_well_above_the_value_of_proposals_from_ones_own_country_are_home_bias() {
        // Values (means): p1 (5+3+3)/3 = 11/3, p2 (4+2+2)/3 = 8/3, p3 (3+3+3+3)/4 = 3, p4 2.
        // a on RS proposals: 5 − 11/3 = 4/3 and 4 − 8/3 = 4/3 → mean residual 4/3 = 1.333333,
        // 1/3 of the width 4 (33.333333% > 10%): flagged.
        // d on BG proposals: 3 − 3 = 0 and 2 − 2 = 0: not flagged. b and c: no home proposal.
        let award = home_award(raw());
        let d = diagnosed(&award);
        assert_eq!(d.home_attributes, vec!["country".to_string()]);
        let a = of(&award, &d, "a");
        assert_eq!(a.home[0].scores, 2);
        close(a.home[0].residual, 4.0 / 3.0);
        close(a.home[0].share, 1.0 / 3.0);
        assert_eq!(flags(a), vec![Flag::HomeBias]);
        assert_eq!(
            a.flags[0].reason,
            "Home bias: on the 2 scores they gave to proposals of their own country (RS), their corrected scores lie on average 1.333333 above the proposals' values (33.333333% of the scale width); flagged beyond 10% of the scale width with at least 2 scores."
        );
        let dj = of(&award, &d, "d");
        assert_eq!(dj.home[0].scores, 2);
        close(dj.home[0].residual, 0.0);
        assert!(flags(dj).is_empty());
        let b = of(&award, &d, "b");
        assert_eq!((b.home[0].scores, b.home[0].residual), (0, None));
        assert!(flags(b).is_empty());
    }

    #[test]
    fn home_bias_is_not_measured_on_scores_that_conflicts_same_excludes() {
        // With [conflicts] same = ["country"], a's RS scores do not count: nothing to measure.
        let award = home_award(Settings {
            conflicts_same: vec!["country".into()],
            ..raw()
        });
        let d = diagnosed(&award);
        assert!(d.home_attributes.is_empty());
        assert!(d
            .jurors
            .iter()
            .all(|j| j.home.is_empty() && j.flags.is_empty()));
    }
}
