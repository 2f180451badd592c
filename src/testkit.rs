//! Awards for unit tests, built in a line: a rubric from its criteria, an award from its
//! reviews. Every award passes the builder's checks, as a file's would.

use crate::award::{Award, AwardBuilder};
use crate::rubric::Rubric;
use crate::settings::Settings;

/// A rubric read from TOML.
pub(crate) fn rubric(toml: &str) -> Rubric {
    Rubric::from_toml_str(toml).unwrap()
}

/// A rubric of criteria `(id, weight)` on one scale from `min` to `max`, any number between.
pub(crate) fn criteria(min: f64, max: f64, criteria: &[(&str, f64)]) -> Rubric {
    on_scale(&format!("{{ min = {min:?}, max = {max:?} }}"), criteria)
}

/// A rubric of criteria `(id, weight)` on one scale from `min` to `max` in steps of `step`.
pub(crate) fn stepped(min: f64, max: f64, step: f64, criteria: &[(&str, f64)]) -> Rubric {
    on_scale(
        &format!("{{ min = {min:?}, max = {max:?}, step = {step:?} }}"),
        criteria,
    )
}

/// A rubric of criteria `(id, weight)` on the scale written `scale` in TOML.
fn on_scale(scale: &str, criteria: &[(&str, f64)]) -> Rubric {
    let mut toml = format!("[rubric]\nscale = {scale}\n");
    for (id, weight) in criteria {
        toml.push_str(&format!(
            "[[rubric.criterion]]\nid = '{id}'\nweight = {weight:?}\n"
        ));
    }
    rubric(&toml)
}

/// A rubric of one criterion, `q` of weight 1, on a scale from `min` to `max`.
pub(crate) fn one_criterion(min: f64, max: f64) -> Rubric {
    criteria(min, max, &[("q", 1.0)])
}

/// A builder holding reviews: (juror, proposal, one score per criterion in rubric order).
pub(crate) fn builder(
    rubric: Rubric,
    settings: Settings,
    reviews: &[(&str, &str, &[f64])],
) -> AwardBuilder {
    let ids: Vec<String> = rubric.criteria.iter().map(|c| c.id.clone()).collect();
    let mut b = AwardBuilder::new(rubric, settings);
    for (juror, proposal, scores) in reviews {
        for (criterion, x) in ids.iter().zip(scores.iter()) {
            b.score(juror, proposal, criterion, Some(*x));
        }
    }
    b
}

/// The award of these reviews (see [`builder`]).
pub(crate) fn award(rubric: Rubric, settings: Settings, reviews: &[(&str, &str, &[f64])]) -> Award {
    builder(rubric, settings, reviews).build().unwrap()
}

/// A builder holding scores `(juror, proposal, score)` on the rubric's first criterion.
pub(crate) fn single_builder(
    rubric: Rubric,
    settings: Settings,
    scores: &[(&str, &str, f64)],
) -> AwardBuilder {
    let reviews: Vec<(&str, &str, [f64; 1])> =
        scores.iter().map(|&(j, p, x)| (j, p, [x])).collect();
    let reviews: Vec<(&str, &str, &[f64])> =
        reviews.iter().map(|(j, p, x)| (*j, *p, &x[..])).collect();
    builder(rubric, settings, &reviews)
}

/// The award of scores `(juror, proposal, score)` on the rubric's first criterion.
pub(crate) fn single(rubric: Rubric, settings: Settings, scores: &[(&str, &str, f64)]) -> Award {
    single_builder(rubric, settings, scores).build().unwrap()
}

/// The property tests' settings: `cases` cases, and the seeds of failures found before kept
/// in `tests/proptest-regressions/` (the path of the test's file under `src/`, as `.txt`),
/// so that the top level of the project holds only what it should.
pub(crate) fn cases(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::SourceParallel(
                "tests/proptest-regressions",
            ),
        )),
        ..proptest::test_runner::Config::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kit_builds_what_it_is_given() {
        let a = single(
            one_criterion(0.0, 10.0),
            Settings::default(),
            &[("a", "P1", 2.0), ("b", "P1", 4.5)],
        );
        assert_eq!(a.scores().len(), 2);
        assert_eq!(a.rubric().criteria[0].id, "q");
        assert_eq!(a.rubric().criteria[0].scale.max, 10.0);
        let r = criteria(1.0, 5.0, &[("x", 2.0), ("y", 0.5)]);
        assert_eq!(r.criteria[1].weight, 0.5);
        let r = stepped(-2.0, 2.0, 0.5, &[("x", 1.0)]);
        assert_eq!(r.criteria[0].scale.step, Some(0.5));
    }
}
