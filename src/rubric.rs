//! The rubric: criteria, weights, scales, thresholds.
//!
//! A rubric is read from TOML into plain serde structs ([`RubricSpec`]) and checked once into
//! a [`Rubric`], whose invariants every later stage relies on: at least one criterion, unique
//! ids, weights from 0.001 to 10⁶, scales with `min < max` within ±10⁹, at least 0.001 wide,
//! with a positive step no wider than the scale, thresholds within the scale, level keys on it.
//! [`crate::AwardBuilder`] checks them again, since the fields are public.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Problem, Result};
use crate::tie_rule::TieRule;
use crate::tomlfile::TomlFile;
use crate::util::text::same_ignoring_case;

mod check;
mod scale;

pub use scale::Scale;

/// A rubric as written in TOML, before it is checked.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricSpec {
    /// The rubric's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The default scale of every criterion.
    #[serde(default)]
    pub scale: Option<Spanned<Scale>>,
    /// Minimum unweighted sum of criterion values to be eligible.
    #[serde(default)]
    pub pass_total: Option<Spanned<f64>>,
    /// Tie-break rules used when the award sets none.
    #[serde(default)]
    pub tie_break: Option<Spanned<Vec<String>>>,
    /// The criteria.
    #[serde(default)]
    pub criterion: Vec<CriterionSpec>,
}

/// One criterion as written in TOML, before it is checked.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    /// Short id, used as a column name.
    pub id: Spanned<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Weight in the total.
    pub weight: Spanned<f64>,
    /// Minimum criterion value to be eligible.
    #[serde(default)]
    pub threshold: Option<Spanned<f64>>,
    /// What jurors should judge.
    #[serde(default)]
    pub description: Option<String>,
    /// This criterion's own scale.
    #[serde(default)]
    pub scale: Option<Spanned<Scale>>,
    /// Texts for scale points, keyed by the point.
    #[serde(default)]
    pub levels: Option<Spanned<BTreeMap<String, String>>>,
}

/// One checked criterion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criterion {
    /// Short id, unique in the rubric.
    pub id: String,
    /// Display name (the id when none was given).
    pub name: String,
    /// Weight in the total: from 0.001 to 10⁶.
    pub weight: f64,
    /// Minimum criterion value to be eligible, on the scale.
    pub threshold: Option<f64>,
    /// What jurors should judge.
    pub description: String,
    /// The scale scores are given on.
    pub scale: Scale,
    /// Texts for scale points, in scale order.
    pub levels: Vec<(f64, String)>,
}

impl Criterion {
    /// A criterion of this id and weight on this scale, named by its id, with no threshold,
    /// description or level texts.
    pub fn new(id: &str, weight: f64, scale: Scale) -> Criterion {
        Criterion {
            id: id.to_string(),
            name: id.to_string(),
            weight,
            threshold: None,
            description: String::new(),
            scale,
            levels: Vec::new(),
        }
    }

    /// The criterion with this threshold: the bar a proposal must clear on it (docs/methods.md,
    /// "Thresholds").
    pub fn with_threshold(mut self, threshold: f64) -> Criterion {
        self.threshold = Some(threshold);
        self
    }

    /// The criterion with this display name.
    pub fn with_name(mut self, name: &str) -> Criterion {
        self.name = name.to_string();
        self
    }
}

/// A checked rubric.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rubric {
    /// The rubric's name.
    pub name: String,
    /// The criteria, in the order the rubric lists them; at least one.
    pub criteria: Vec<Criterion>,
    /// Minimum unweighted sum of criterion values to be eligible.
    pub pass_total: Option<f64>,
    /// Tie-break rules the rubric recommends (used when the award sets none).
    pub tie_break: Vec<String>,
}

impl Rubric {
    /// A rubric of these criteria, in this order, named `rubric` (as a file's rubric without
    /// a name is), with no `pass_total` or tie-break chain (set the fields to give them). Checked as a file's rubric is when the award is built
    /// ([`crate::AwardBuilder::build`]).
    ///
    /// ```
    /// use jury::{Criterion, Rubric, Scale};
    ///
    /// let scale = Scale::new(0.0, 5.0, Some(0.5));
    /// let mut rubric = Rubric::new(vec![
    ///     Criterion::new("excellence", 1.0, scale).with_threshold(3.0),
    ///     Criterion::new("impact", 1.5, scale).with_threshold(3.0),
    /// ]);
    /// rubric.pass_total = Some(7.0);
    /// let award = jury::AwardBuilder::new(rubric, jury::Settings::default())
    ///     .score("J1", "P1", "excellence", Some(4.5))
    ///     .score("J1", "P1", "impact", Some(3.0))
    ///     .build()?;
    /// assert_eq!(award.rubric().criteria[1].name, "impact");
    /// # Ok::<(), jury::Error>(())
    /// ```
    pub fn new(criteria: Vec<Criterion>) -> Rubric {
        Rubric {
            name: "rubric".to_string(),
            criteria,
            pass_total: None,
            tie_break: Vec::new(),
        }
    }

    /// Reads and checks a rubric file (a `[rubric]` table).
    ///
    /// ```
    /// let rubric = jury::Rubric::from_path("rubrics/horizon-europe-ia.toml").unwrap();
    /// assert_eq!(rubric.criteria.len(), 3);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Rubric> {
        let path = path.as_ref();
        let file = TomlFile::read(path, path.to_path_buf()).map_err(|p| one(*p))?;
        Rubric::from_file(&file)
    }

    /// Reads and checks a rubric from TOML text (a `[rubric]` table).
    pub fn from_toml_str(text: &str) -> Result<Rubric> {
        Rubric::from_file(&TomlFile {
            shown: "rubric".into(),
            text: text.to_string(),
        })
    }

    pub(crate) fn from_file(file: &TomlFile) -> Result<Rubric> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RubricFile {
            rubric: RubricSpec,
        }
        let spec: RubricFile = file.parse().map_err(|p| one(*p))?;
        Rubric::check(spec.rubric, file)
    }

    /// The index of the criterion with this id.
    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria
            .iter()
            .position(|c| same_ignoring_case(&c.id, id))
    }

    /// Parses a tie-break rule as written in `award.toml` or on the command line, checking
    /// its criterion id against this rubric.
    pub fn tie_rule(&self, text: &str) -> std::result::Result<TieRule, String> {
        TieRule::parse_with(text, |id| self.criterion_index(id).is_some())
    }

    /// Whether a proposal's values can fail a bar: a criterion threshold or a pass total.
    pub(crate) fn has_bars(&self) -> bool {
        self.pass_total.is_some() || self.criteria.iter().any(|c| c.threshold.is_some())
    }

    /// The sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.criteria.iter().map(|c| c.weight).sum()
    }
}

fn one(problem: Problem) -> crate::error::Error {
    crate::error::Error::Invalid(vec![problem])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ProblemKind, Problems};
    use crate::limits::MAX_CRITERIA;

    fn rubric(text: &str) -> Result<Rubric> {
        Rubric::from_file(&TomlFile {
            shown: "r.toml".into(),
            text: text.to_string(),
        })
    }

    #[test]
    fn the_rubrics_own_tie_break_rules_are_checked_at_their_line() {
        // Reported at the rubric's line, whether or not the award sets its own chain; rules
        // after lottery, which can decide nothing, are refused.
        let text = "[rubric]\nscale = { min = 1, max = 5 }\n\
                    tie_break = ['criterion:zzz', 'nonsense', 'lottery', 'criterion:A']\n\
                    [[rubric.criterion]]\nid = 'a'\nweight = 1\n";
        let err = rubric(text).unwrap_err();
        let found: Vec<(Option<u64>, Option<&str>)> = (err.problems().iter())
            .map(|p| (p.location.line, p.value.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(3), Some("criterion:zzz")),
                (Some(3), Some("nonsense")),
                (Some(3), Some("criterion:A")),
            ],
            "{err}"
        );
        assert!(err
            .to_string()
            .contains("a rule after lottery never decides anything"));
        assert!(rubric(&text.replace(
            "'criterion:zzz', 'nonsense', 'lottery', 'criterion:A'",
            "'criterion:A', 'lottery'"
        ))
        .is_ok());
    }

    const GOOD: &str = r#"
[rubric]
name = "t"
scale = { min = 1, max = 5, step = 1 }
pass_total = 6

[[rubric.criterion]]
id = "innovation"
weight = 25
threshold = 3
levels = { 1 = "old", 5 = "new", 3 = "regional" }

[[rubric.criterion]]
id = "impact"
weight = 75
scale = { min = 0, max = 10 }
"#;

    #[test]
    fn a_good_rubric_is_checked_with_defaults_and_overrides() {
        let r = rubric(GOOD).unwrap();
        assert_eq!(r.criteria.len(), 2);
        assert_eq!(r.criteria[0].scale.step, Some(1.0));
        assert_eq!(r.criteria[1].scale.max, 10.0);
        assert_eq!(r.criteria[0].levels[1], (3.0, "regional".to_string()));
        assert_eq!(r.total_weight(), 100.0);
        assert_eq!(r.pass_total, Some(6.0));
    }

    #[test]
    fn scale_membership_follows_range_and_step() {
        let s = Scale {
            min: 0.0,
            max: 5.0,
            step: Some(0.5),
        };
        assert!(s.contains(3.5));
        assert!(s.contains(0.0) && s.contains(5.0));
        assert!(!s.contains(3.25));
        assert!(!s.contains(5.5));
        assert!(!s.contains(f64::NAN));
        let open = Scale { step: None, ..s };
        assert!(open.contains(3.25));
    }

    #[test]
    fn a_pass_total_no_proposal_can_reach_is_refused_with_its_line() {
        // Two criteria scored 1 to 5: the unweighted sum is at most 5 + 5 = 10.
        let text = |pass: &str| {
            format!(
                "[rubric]\npass_total = {pass}\nscale = {{ min = 1, max = 5 }}\n\
                 [[rubric.criterion]]\nid = 'a'\nweight = 3\n\
                 [[rubric.criterion]]\nid = 'b'\nweight = 1\n"
            )
        };
        assert!(rubric(&text("10")).is_ok());
        let err = rubric(&text("10.5")).unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(
            (p.location.line, p.kind),
            (Some(2), ProblemKind::OutOfRange)
        );
        assert!(p.message.contains("sum to 10"), "{}", p.message);
        // A criterion refused for something else is no reason to refuse pass_total: the
        // maxima still sum to 10.
        let bad_threshold = text("10").replace("weight = 3\n", "weight = 3\nthreshold = 7\n");
        let err = rubric(&bad_threshold).unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert!(err.problems()[0].message.contains("threshold"), "{err}");
        // Built in code, the same.
        let mut built = rubric(&text("10")).unwrap();
        built.pass_total = Some(10.5);
        let mut problems = Problems::default();
        built.check_built(&mut problems);
        assert!(problems.finish(()).is_err());
    }

    #[test]
    fn a_large_scale_is_as_strict_as_a_small_one() {
        // Whole numbers up to 10⁹: 0.4 off a step, or 0.9 past the end, is off the scale, as
        // it would be on a scale from 1 to 5.
        let big = Scale {
            min: 0.0,
            max: 1e9,
            step: Some(1.0),
        };
        assert!(big.contains(500_000_000.0) && big.contains(1e9));
        assert!(!big.contains(500_000_000.4));
        assert!(!big.contains(1_000_000_000.9));
        // Tenths up to 10⁷: 9,999,999.9 / 0.1 is 99,999,999.00000001 in floating point,
        // a rounding error, not an off-step score.
        let tenths = Scale {
            min: 0.0,
            max: 1e7,
            step: Some(0.1),
        };
        assert!(tenths.contains(9_999_999.9) && tenths.contains(4.3));
        assert!(!tenths.contains(9_999_999.95));
        // Spreadsheet arithmetic on a small scale is still taken: 0.1 + 0.2 tenths.
        assert!(tenths.contains(0.1 + 0.2));
        let small = Scale {
            min: 1.0,
            max: 5.0,
            step: Some(1.0),
        };
        assert!(small.contains(4.0 + 1e-12) && !small.contains(4.001));
    }

    #[test]
    fn a_level_given_twice_under_two_spellings_is_refused() {
        let text = "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n[[rubric.criterion]]\nid = 'a'\nweight = 1\nlevels = { 1 = 'weak', '1.0' = 'poor', 5 = 'strong' }\n";
        let err = rubric(text).unwrap_err();
        assert!(
            err.to_string().contains("describes the level 1 twice"),
            "{err}"
        );
    }

    #[test]
    fn a_step_must_reach_the_scales_max() {
        let text = |step: &str| {
            format!("[rubric]\nscale = {{ min = 1, max = 5, step = {step} }}\n[[rubric.criterion]]\nid = 'a'\nweight = 1\n")
        };
        let err = rubric(&text("0.3")).unwrap_err();
        assert!(
            err.to_string()
                .contains("scale max 5 is not a whole number of steps of 0.3 from min 1"),
            "{err}"
        );
        for step in ["0.5", "1", "0.1", "4"] {
            assert!(rubric(&text(step)).is_ok(), "{step}");
        }
    }

    #[test]
    fn a_score_just_above_a_large_minimum_is_on_its_step() {
        // x − min near a large minimum carries the rounding error of numbers that large,
        // which is many steps' worth of k's own; such scores are on their step.
        let thousandths = Scale {
            min: -100_000.0,
            max: 100_000.0,
            step: Some(0.001),
        };
        for x in [-99_999.999, -99_999.997, -12_345.678, 99_999.999] {
            assert!(thousandths.contains(x), "{x}");
        }
        assert!(!thousandths.contains(-99_999.999_5));
        let hundredths = Scale {
            min: 1_000_000.0,
            max: 1_000_010.0,
            step: Some(0.01),
        };
        for x in [1_000_000.03, 1_000_005.55, 1_000_000.07, 1_000_009.99] {
            assert!(hundredths.contains(x), "{x}");
        }
        assert!(!hundredths.contains(1_000_000.035));
        let wide = Scale {
            min: -1e9,
            max: 1e9,
            step: Some(0.001),
        };
        assert!(wide.contains(-999_999_999.999) && wide.contains(999_999_999.999));
        assert!(!wide.contains(-999_999_999.999_5));
    }

    #[test]
    fn every_bad_criterion_is_reported_with_its_line() {
        let text = r#"[rubric]
scale = { min = 1, max = 5, step = 1 }
[[rubric.criterion]]
id = "a"
weight = -1
[[rubric.criterion]]
id = "a"
weight = 1
threshold = 7
"#;
        let err = rubric(text).unwrap_err();
        let lines: Vec<_> = err
            .problems()
            .iter()
            .map(|p| (p.location.line, p.kind))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(5), ProblemKind::OutOfRange),
                (Some(7), ProblemKind::Duplicate),
                (Some(9), ProblemKind::OutOfRange)
            ]
        );
    }

    #[test]
    fn a_rubric_takes_at_most_256_criteria_read_or_built() {
        // A score holds its criterion in 8 bits.
        let with = |n: usize| {
            let mut text = String::from("[rubric]\nscale = { min = 1, max = 5 }\n");
            for k in 0..n {
                text.push_str(&format!("[[rubric.criterion]]\nid = 'c{k}'\nweight = 1\n"));
            }
            rubric(&text)
        };
        let most = with(256).unwrap();
        assert_eq!(most.criteria.len(), MAX_CRITERIA);
        let err = with(257).unwrap_err().to_string();
        assert!(
            err.contains("257 criteria; jury takes at most 256"),
            "{err}"
        );
        let mut built = most;
        built.criteria.push(built.criteria[0].clone());
        built.criteria[256].id = "c256".into();
        let mut problems = Problems::default();
        built.check_built(&mut problems);
        let err = problems.finish(()).unwrap_err().to_string();
        assert!(err.contains("257 criteria"), "{err}");
    }

    #[test]
    fn a_rubric_without_criteria_or_scale_is_refused() {
        assert!(rubric("[rubric]\nname = 'x'\n").is_err());
        let err = rubric("[rubric]\n[[rubric.criterion]]\nid = 'a'\nweight = 1\n").unwrap_err();
        assert!(err.to_string().contains("has no scale"), "{err}");
    }

    #[test]
    fn weights_and_scales_stay_where_totals_are_finite_and_can_differ() {
        // A weight of 1.7e308 made every total infinite; ends of ±1e200 overflowed squared
        // scores into NaN; a weight of 1e-300, a scale 1e-300 wide or a step wider than the
        // scale tied every total, and the lottery ranked.
        let criterion = |scale: &str, weight: &str| {
            rubric(&format!(
                "[rubric]\nscale = {scale}\n[[rubric.criterion]]\nid = 'a'\nweight = {weight}\n"
            ))
        };
        for (scale, weight, problem) in [
            ("{ min = 1, max = 5 }", "1.7e308", "weight"),
            ("{ min = 1, max = 5 }", "1e-300", "weight"),
            ("{ min = -1e200, max = 1e200 }", "1", "scale"),
            ("{ min = 0, max = 1e-300 }", "1", "scale"),
            ("{ min = 1, max = 2, step = 10 }", "1", "scale"),
        ] {
            let err = criterion(scale, weight).unwrap_err();
            let p = &err.problems()[0];
            let column = p.location.column.as_deref().unwrap_or_default();
            assert!(column.ends_with(problem), "{scale} {weight}: {err}");
            assert_eq!(err.problems().len(), 1, "{scale} {weight}: {err}");
        }
        for (scale, weight) in [
            ("{ min = -1e9, max = 1e9 }", "1e6"),
            ("{ min = 0, max = 0.001, step = 0.001 }", "0.001"),
        ] {
            assert!(criterion(scale, weight).is_ok(), "{scale} {weight}");
        }
    }

    #[test]
    fn a_reserved_column_name_cannot_be_a_criterion() {
        let err = rubric(
            "[rubric]\nscale = { min = 1, max = 5 }\n[[rubric.criterion]]\nid = 'Score'\nweight = 1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("column name"), "{err}");
    }
}
