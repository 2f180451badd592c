//! Checking a rubric: one read from TOML ([`Rubric::check`]) and one built or changed in code
//! ([`Rubric::check_built`]) by the same rules and messages.

use toml::Spanned;

use super::{Criterion, CriterionSpec, Rubric, RubricSpec, Scale};
use crate::error::{Location, Problem, ProblemKind, Problems, Result};
use crate::limits::{LARGEST_WEIGHT, MAX_CRITERIA, SMALLEST};
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

impl Rubric {
    /// Checks a rubric spec; `file` is where it was read from (for line numbers).
    pub(crate) fn check(spec: RubricSpec, file: &TomlFile) -> Result<Rubric> {
        let mut problems = Problems::default();
        let given = spec.criterion.len();
        let (criteria, seen) = read_criteria(&spec.scale, spec.criterion, file, &mut problems);
        let pass_total = spec
            .pass_total
            .map(|p| read_pass_total(&p, &criteria, given, file, &mut problems));
        // The rubric's own tie-break rules are checked here, at their line: an award that
        // sets its own chain would otherwise never look at them, and one that does not
        // would report them at award.toml.
        if let Some(rules) = &spec.tie_break {
            check_tie_break(rules, &seen, file, &mut problems);
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
            column: Some(field),
            ..Location::file("rubric")
        };
        if self.criteria.is_empty() {
            problems.push(Problem::new(
                ProblemKind::Setting,
                at("criteria".into()),
                no_criteria(""),
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
            problems.push(non_finite_pass_total(at("pass_total".into()), pass));
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
}

/// The default scale and every criterion, checked; returns the criteria taken and the ids of
/// all those given (refused ones too), in order.
fn read_criteria(
    scale: &Option<Spanned<Scale>>,
    given: Vec<CriterionSpec>,
    file: &TomlFile,
    problems: &mut Problems,
) -> (Vec<Criterion>, Vec<String>) {
    let default_scale = match scale {
        Some(s) => {
            s.get_ref()
                .check(&file.at(s.span(), "rubric.scale"), problems);
            Some(*s.get_ref())
        }
        None => None,
    };
    if given.is_empty() {
        problems.push(Problem::new(
            ProblemKind::Setting,
            Location::file(&file.shown),
            no_criteria(" [[rubric.criterion]] with an id and a weight"),
        ));
    }
    let mut criteria: Vec<Criterion> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for c in given {
        let id = c.id.get_ref().trim().to_string();
        if let Some(checked) = check_criterion(c, default_scale, file, &seen, problems) {
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
    (criteria, seen)
}

/// `pass_total` as written: finite, and within reach when every one of the `given` criteria
/// was taken.
fn read_pass_total(
    p: &Spanned<f64>,
    criteria: &[Criterion],
    given: usize,
    file: &TomlFile,
    problems: &mut Problems,
) -> f64 {
    let value = *p.get_ref();
    if !value.is_finite() {
        problems.push(non_finite_pass_total(
            file.at(p.span(), "rubric.pass_total"),
            value,
        ));
    } else if let Some(message) = (criteria.len() == given)
        .then(|| unreachable_pass_total(criteria, value))
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
}

/// The rubric's tie-break rules, at their line: each rule's criterion one of `seen`, and a
/// chain that can decide with every rule.
fn check_tie_break(
    rules: &Spanned<Vec<String>>,
    seen: &[String],
    file: &TomlFile,
    problems: &mut Problems,
) {
    let at = file.at(rules.span(), "rubric.tie_break");
    let known = |id: &str| seen.iter().any(|c| same_ignoring_case(c, id));
    for rule in rules.get_ref() {
        if let Err(message) = TieRule::parse_with(rule, known) {
            problems.push(
                Problem::new(ProblemKind::Setting, at.clone(), message).with_value(rule.clone()),
            );
        }
    }
    for (rule, message) in chain_problems(rules.get_ref()) {
        problems.push(Problem::new(ProblemKind::Setting, at.clone(), message).with_value(rule));
    }
}

/// The message for a rubric without criteria; `how` says how to add one where it was given.
fn no_criteria(how: &str) -> String {
    format!("the rubric has no criteria; add at least one{how}")
}

/// A `pass_total` that is not a finite number, at `at`.
fn non_finite_pass_total(at: Location, value: f64) -> Problem {
    Problem::new(
        ProblemKind::NotANumber,
        at,
        "pass_total must be a finite number",
    )
    .with_value(value.to_string())
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
        // A bar for a mean: any number within the scale, on a step or not.
        if !(t >= c.scale.min && t <= c.scale.max) {
            problems.push(
                Problem::new(
                    ProblemKind::OutOfRange,
                    at.threshold.clone().unwrap_or_else(|| at.id.clone()),
                    format!(
                        "the threshold of criterion '{id}' must be within its scale: a number from {} to {}",
                        c.scale.min, c.scale.max
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

/// The message for a rubric of more criteria than an award can hold.
fn too_many_criteria(n: usize) -> String {
    format!("the rubric has {n} criteria; jury takes at most {MAX_CRITERIA}")
}
