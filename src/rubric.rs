//! The rubric: criteria, weights, scales, thresholds.
//!
//! A rubric is read from TOML into plain serde structs ([`RubricSpec`]) and checked once into
//! a [`Rubric`], whose invariants every later stage relies on: at least one criterion, unique
//! ids, weights from 0.001 to 10⁶, scales with `min < max` within ±10⁹, at least 0.001 wide,
//! with a positive step no wider than the scale, thresholds and level keys on the scale.
//! [`crate::AwardBuilder`] checks them again, since the fields are public.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Location, Problem, ProblemKind, Problems, Result};
use crate::limits::{LARGEST_WEIGHT, MAX_CRITERIA, SCALE_LIMIT, SMALLEST};
use crate::tie_rule::{chain_problems, TieRule};
use crate::tolerance;
use crate::tomlfile::TomlFile;
use crate::util::number::number;
use crate::util::text::same_ignoring_case;

/// Column names that cannot be criterion ids, because `scores.csv` uses them.
const RESERVED: [&str; 6] = [
    "juror",
    "proposal",
    "criterion",
    "score",
    "confidence",
    "comment",
];

/// The scale a criterion is scored on: numbers from `min` to `max`, on steps of `step` from
/// `min` when a step is given.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The lowest score.
    pub min: f64,
    /// The highest score.
    pub max: f64,
    /// The distance between allowed scores; `None` allows any number in range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

/// Why `pass_total` can never be met: it is above the unweighted sum of the criteria's
/// maxima, the most a proposal can reach; `None` when it can be.
fn unreachable_pass_total(criteria: &[Criterion], pass: f64) -> Option<String> {
    let most: f64 = criteria.iter().map(|c| c.scale.max).sum();
    (pass > most && !tolerance::same(pass, most)).then(|| {
        format!(
            "pass_total is more than any proposal can reach: the criteria's maxima sum to {} (pass_total is on the unweighted sum of criterion values), so no proposal could be eligible",
            number(most)
        )
    })
}

/// The rounding error of a few floating-point steps, relative to the size of the numbers.
const ROUNDING: f64 = 8.0 * f64::EPSILON;

impl Scale {
    /// Whether `x` is in range and on a step.
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && self.in_range(x) && self.on_step(x)
    }

    /// In range up to [`tolerance::STEP`], or up to the rounding error of numbers as large as
    /// the scale's ends when that is more (a tolerance relative to the scale's width would
    /// let 1,000,000,000.9 onto a scale up to 10⁹).
    fn in_range(&self, x: f64) -> bool {
        let slack = tolerance::STEP.max(ROUNDING * self.min.abs().max(self.max.abs()));
        x >= self.min - slack && x <= self.max + slack
    }

    /// A whole number `k` of steps from the minimum, up to [`tolerance::STEP`] of a step, or
    /// up to the rounding error of `k` when that is more: the error of `x − min`, as large as
    /// that of numbers the size of `x` and `min` (in steps), and of the division (a
    /// tolerance relative to the scale's width would let 500,000,000.4 onto a scale of whole
    /// numbers up to 10⁹; one relative to `k` alone refused −99,999.997 on a scale from
    /// −100,000 in steps of 0.001).
    fn on_step(&self, x: f64) -> bool {
        match self.step {
            None => true,
            Some(step) => {
                let k = (x - self.min) / step;
                // A whole number of steps, as most scores are, needs no rounding (a call to
                // the maths library on most targets).
                if k == k as i64 as f64 {
                    return true;
                }
                let error = ROUNDING * (k.abs() + (x.abs() + self.min.abs()) / step);
                (k - k.round()).abs() <= tolerance::STEP.max(error)
            }
        }
    }

    /// `max − min`.
    pub fn width(&self) -> f64 {
        self.max - self.min
    }

    /// What a score on this scale must be, in words ("a number from 1 to 5 in steps of 1").
    pub fn expectation(&self) -> String {
        match self.step {
            Some(step) => format!(
                "a number from {} to {} in steps of {}",
                self.min, self.max, step
            ),
            None => format!("a number from {} to {}", self.min, self.max),
        }
    }

    fn check(&self, at: &Location, problems: &mut Problems) -> bool {
        let mut ok = true;
        let ends = self.min.is_finite() && self.max.is_finite() && self.min < self.max;
        let mut bad = |message: String| {
            problems.push(Problem::new(ProblemKind::Setting, at.clone(), message));
            ok = false;
        };
        if !self.min.is_finite() || !self.max.is_finite() || self.min >= self.max {
            bad(format!(
                "scale min {} and max {} must be finite numbers with min < max",
                self.min, self.max
            ));
        } else if self.min.abs().max(self.max.abs()) > SCALE_LIMIT {
            bad(format!(
                "scale min {:?} and max {:?} must lie from -{SCALE_LIMIT:e} to {SCALE_LIMIT:e}",
                self.min, self.max
            ));
        } else if self.width() < SMALLEST {
            bad(format!(
                "scale min {:?} and max {:?} must be at least {SMALLEST} apart",
                self.min, self.max
            ));
        }
        if let Some(step) = self.step {
            if !step.is_finite() || step <= 0.0 {
                bad(format!("scale step {step} must be a positive number"));
            } else if step > self.width() {
                bad(format!(
                    "scale step {step} must be at most max − min ({}): a larger step leaves one score",
                    self.width()
                ));
            } else if ends && !self.on_step(self.max) {
                // The scale's own max must be a score it takes: pass_total's reach counts it.
                bad(format!(
                    "scale max {} is not a whole number of steps of {step} from min {}; choose a step that divides max − min",
                    self.max, self.min
                ));
            }
        }
        ok
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(step) => write!(f, "{}–{} (step {})", self.min, self.max, step),
            None => write!(f, "{}–{}", self.min, self.max),
        }
    }
}

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
    /// Reads and checks a rubric file (a `[rubric]` table).
    ///
    /// ```
    /// let rubric = jury::Rubric::from_path("rubrics/horizon-europe-ia.toml").unwrap();
    /// assert_eq!(rubric.criteria.len(), 3);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Rubric> {
        let path = path.as_ref();
        let file = TomlFile::read(path, path.to_path_buf()).map_err(one)?;
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
        let spec: RubricFile = file.parse().map_err(one)?;
        Rubric::check(spec.rubric, file)
    }

    /// Checks a rubric spec; `file` is where it was read from (for line numbers).
    pub(crate) fn check(spec: RubricSpec, file: &TomlFile) -> Result<Rubric> {
        let mut problems = Problems::default();
        let default_scale = match &spec.scale {
            Some(s) => {
                s.get_ref()
                    .check(&file.at(s.span(), "rubric.scale"), &mut problems);
                Some(*s.get_ref())
            }
            None => None,
        };
        if spec.criterion.is_empty() {
            problems.push(Problem::new(
                ProblemKind::Setting,
                Location::file(&file.shown),
                "the rubric has no criteria; add at least one [[rubric.criterion]] with an id and a weight",
            ));
        }
        let mut criteria: Vec<Criterion> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let given = spec.criterion.len();
        for c in spec.criterion {
            let id = c.id.get_ref().trim().to_string();
            if let Some(checked) = check_criterion(c, default_scale, file, &seen, &mut problems) {
                criteria.push(checked);
            }
            seen.push(id);
        }
        if criteria.len() > MAX_CRITERIA {
            problems.push(Problem::new(
                ProblemKind::Setting,
                Location::file(&file.shown),
                too_many_criteria(criteria.len()),
            ));
        }
        let pass_total = spec.pass_total.map(|p| {
            let value = *p.get_ref();
            if !value.is_finite() {
                problems.push(
                    Problem::new(
                        ProblemKind::NotANumber,
                        file.at(p.span(), "rubric.pass_total"),
                        "pass_total must be a finite number",
                    )
                    .with_value(value.to_string()),
                );
            } else if let Some(message) = (criteria.len() == given)
                .then(|| unreachable_pass_total(&criteria, value))
                .flatten()
            {
                // Judged only when every criterion was read: a refused criterion left out of
                // the sum would make a reachable pass_total an error.
                problems.push(
                    Problem::new(
                        ProblemKind::OutOfRange,
                        file.at(p.span(), "rubric.pass_total"),
                        message,
                    )
                    .with_value(number(value)),
                );
            }
            value
        });
        // The rubric's own tie-break rules are checked here, at their line: an award that
        // sets its own chain would otherwise never look at them, and one that does not
        // would report them at award.toml.
        if let Some(rules) = &spec.tie_break {
            let at = file.at(rules.span(), "rubric.tie_break");
            let known = |id: &str| seen.iter().any(|c| same_ignoring_case(c, id));
            for rule in rules.get_ref() {
                if let Err(message) = TieRule::parse_with(rule, known) {
                    problems.push(
                        Problem::new(ProblemKind::Setting, at.clone(), message)
                            .with_value(rule.clone()),
                    );
                }
            }
            for (rule, message) in chain_problems(rules.get_ref()) {
                problems
                    .push(Problem::new(ProblemKind::Setting, at.clone(), message).with_value(rule));
            }
        }
        let tie_break = spec.tie_break.map(|t| t.into_inner()).unwrap_or_default();
        problems.finish(Rubric {
            name: spec.name.unwrap_or_else(|| "rubric".to_string()),
            criteria,
            pass_total,
            tie_break,
        })
    }

    /// Checks the invariants of a rubric built or changed in code (its fields are public),
    /// as [`Rubric::from_toml_str`] checks a rubric read from TOML. Problems name the field,
    /// as in `rubric: column 'criteria[1].weight'`.
    pub(crate) fn check_built(&self, problems: &mut Problems) {
        let at = |field: String| Location {
            file: "rubric".into(),
            line: None,
            column: Some(field),
        };
        if self.criteria.is_empty() {
            problems.push(Problem::new(
                ProblemKind::Setting,
                at("criteria".into()),
                "the rubric has no criteria; add at least one",
            ));
        }
        if self.criteria.len() > MAX_CRITERIA {
            problems.push(Problem::new(
                ProblemKind::Setting,
                at("criteria".into()),
                too_many_criteria(self.criteria.len()),
            ));
        }
        for (k, c) in self.criteria.iter().enumerate() {
            let field = |name: &str| at(format!("criteria[{k}].{name}"));
            let fields = Fields {
                id: field("id"),
                weight: field("weight"),
                scale: Some(field("scale")),
                threshold: Some(field("threshold")),
                levels: field("levels"),
            };
            let earlier: Vec<String> = self.criteria[..k].iter().map(|c| c.id.clone()).collect();
            check_values(c, &fields, &earlier, problems);
        }
        if let Some(pass) = self.pass_total.filter(|p| !p.is_finite()) {
            problems.push(
                Problem::new(
                    ProblemKind::NotANumber,
                    at("pass_total".into()),
                    "pass_total must be a finite number",
                )
                .with_value(pass.to_string()),
            );
        }
        if let Some(pass) = self.pass_total {
            if let Some(message) = unreachable_pass_total(&self.criteria, pass) {
                problems.push(
                    Problem::new(ProblemKind::OutOfRange, at("pass_total".into()), message)
                        .with_value(number(pass)),
                );
            }
        }
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

    /// The sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.criteria.iter().map(|c| c.weight).sum()
    }
}

fn check_criterion(
    c: CriterionSpec,
    default_scale: Option<Scale>,
    file: &TomlFile,
    earlier: &[String],
    problems: &mut Problems,
) -> Option<Criterion> {
    let before = problems.len();
    let id = c.id.get_ref().trim().to_string();
    let id_at = file.at(c.id.span(), "id");
    let scale = match (&c.scale, default_scale) {
        (Some(s), _) => *s.get_ref(),
        (None, Some(s)) => s,
        (None, None) => {
            problems.push(Problem::new(
                ProblemKind::Setting,
                id_at.clone(),
                format!("criterion '{id}' has no scale: give rubric.scale or a scale for the criterion, e.g. scale = {{ min = 1, max = 5, step = 1 }}"),
            ));
            return None;
        }
    };
    let levels_at = c.levels.as_ref().map(|l| file.at(l.span(), "levels"));
    let mut levels = Vec::new();
    if let Some(l) = &c.levels {
        for (key, text) in l.get_ref() {
            match key.trim().parse::<f64>() {
                // `1` and `"1.0"` are one point, described once.
                Ok(point) if levels.iter().any(|(p, _)| *p == point) => problems.push(
                    Problem::new(
                        ProblemKind::Duplicate,
                        file.at(l.span(), "levels"),
                        format!("criterion '{id}' describes the level {point} twice; give each point once"),
                    )
                    .with_value(key.clone()),
                ),
                Ok(point) => levels.push((point, text.clone())),
                Err(_) => problems.push(
                    Problem::new(
                        ProblemKind::OutOfRange,
                        file.at(l.span(), "levels"),
                        level_message(&id, &scale),
                    )
                    .with_value(key.clone()),
                ),
            }
        }
        levels.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let criterion = Criterion {
        name: c.name.unwrap_or_else(|| id.clone()),
        id,
        weight: *c.weight.get_ref(),
        threshold: c.threshold.as_ref().map(|t| *t.get_ref()),
        description: c.description.unwrap_or_default(),
        scale,
        levels,
    };
    let at = Fields {
        weight: file.at(c.weight.span(), "weight"),
        // A default scale is checked once, where rubric.scale is.
        scale: c.scale.as_ref().map(|s| file.at(s.span(), "scale")),
        threshold: c.threshold.as_ref().map(|t| file.at(t.span(), "threshold")),
        levels: levels_at.unwrap_or_else(|| id_at.clone()),
        id: id_at,
    };
    check_values(&criterion, &at, earlier, problems);
    (problems.len() == before).then_some(criterion)
}

/// Where each field of a criterion is, for its problems; a scale of `None` is not checked.
struct Fields {
    id: Location,
    weight: Location,
    scale: Option<Location>,
    threshold: Option<Location>,
    levels: Location,
}

/// Checks a criterion's values: the invariants of [`Criterion`], whether it was read from
/// TOML or built in code. `earlier` are the ids of the criteria before it.
fn check_values(c: &Criterion, at: &Fields, earlier: &[String], problems: &mut Problems) {
    let id = &c.id;
    if id.trim().is_empty()
        || *id != id.trim()
        || id.contains(',')
        || id.chars().any(char::is_control)
    {
        problems.push(
            Problem::new(
                ProblemKind::Setting,
                at.id.clone(),
                "a criterion id must be a non-empty name without commas",
            )
            .with_value(id.clone()),
        );
    } else if RESERVED.contains(&id.to_lowercase().as_str()) {
        problems.push(
            Problem::new(
                ProblemKind::Setting,
                at.id.clone(),
                format!(
                    "'{id}' is a column name of scores.csv and cannot be a criterion id; choose another"
                ),
            )
            .with_value(id.clone()),
        );
    } else if earlier.iter().any(|e| same_ignoring_case(e, id)) {
        problems.push(
            Problem::new(
                ProblemKind::Duplicate,
                at.id.clone(),
                "the criterion id is given twice (ids are compared ignoring case); ids must be unique",
            )
            .with_value(id.clone()),
        );
    }
    // Written so that NaN fails too.
    if !(c.weight >= SMALLEST && c.weight <= LARGEST_WEIGHT) {
        problems.push(
            Problem::new(
                ProblemKind::OutOfRange,
                at.weight.clone(),
                format!("the weight of criterion '{id}' must be a positive finite number, from {SMALLEST} to {LARGEST_WEIGHT:e}"),
            )
            .with_value(c.weight.to_string()),
        );
    }
    if let Some(scale_at) = &at.scale {
        c.scale.check(scale_at, problems);
    }
    if let Some(t) = c.threshold {
        if !c.scale.contains(t) {
            problems.push(
                Problem::new(
                    ProblemKind::OutOfRange,
                    at.threshold.clone().unwrap_or_else(|| at.id.clone()),
                    format!(
                        "the threshold of criterion '{id}' must be on its scale: {}",
                        c.scale.expectation()
                    ),
                )
                .with_value(t.to_string()),
            );
        }
    }
    for (point, _) in &c.levels {
        if !c.scale.contains(*point) {
            problems.push(
                Problem::new(
                    ProblemKind::OutOfRange,
                    at.levels.clone(),
                    level_message(id, &c.scale),
                )
                .with_value(point.to_string()),
            );
        }
    }
}

fn level_message(id: &str, scale: &Scale) -> String {
    format!(
        "a level of criterion '{id}' must be keyed by a point of its scale: {}",
        scale.expectation()
    )
}

fn one(problem: Problem) -> crate::error::Error {
    crate::error::Error::Invalid(vec![problem])
}

/// The message for a rubric of more criteria than an award can hold.
fn too_many_criteria(n: usize) -> String {
    format!("the rubric has {n} criteria; jury takes at most {MAX_CRITERIA}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
