//! Checking settings, one rule at a time: `award.toml`'s on reading ([`Settings::check`]), and
//! settings made or changed in code ([`Settings::validate`], and the builder) by the same
//! messages.

use std::collections::BTreeMap;

use toml::Spanned;

use super::{AwardSpec, RankingTable, Settings, SettingsSource, UncertaintyTable};
use crate::error::{Location, Problem, ProblemKind, Problems, Result};
use crate::limits::{MAX_BOOTSTRAP, MAX_TRIM};
use crate::rubric::Rubric;
use crate::tomlfile::TomlFile;

impl Settings {
    /// Checks the settings of `award.toml` against the rubric.
    pub(crate) fn check(
        spec: AwardSpec,
        rubric: &Rubric,
        file: &TomlFile,
        default_name: &str,
    ) -> Result<Settings> {
        let mut problems = Problems::default();
        let mut s = Settings {
            name: spec.award.name.unwrap_or_else(|| default_name.to_string()),
            ..Settings::default()
        };
        let tables = (&spec.award.winners, &spec.ranking, &spec.uncertainty);
        read_counts(tables, file, &mut s, &mut problems);
        let plan = &spec.assignment;
        s.assignment_reads = count(&plan.reads, "reads", 1, file, &mut problems);
        s.max_load = count(&plan.max_load, "max_load", 1, file, &mut problems);
        if let Some(m) = spec.normalization.method {
            s.method = m;
        }
        if let Some(a) = spec.ranking.aggregate {
            s.aggregate = a;
        }
        read_tie_break(&spec.ranking.tie_break, rubric, file, &mut s, &mut problems);
        if let Some(caps) = &spec.ranking.max_per {
            read_max_per(caps, file, &mut s, &mut problems);
        }
        if let Some(same) = &spec.conflicts.same {
            read_same(same, file, &mut s, &mut problems);
        }
        if let Some(d) = &spec.diagnostics.disagreement {
            let x = *d.get_ref();
            match bad_disagreement(x) {
                None => s.disagreement = x,
                Some(message) => problems.push(
                    Problem::new(
                        ProblemKind::OutOfRange,
                        file.at(d.span(), "disagreement"),
                        message,
                    )
                    .with_value(x.to_string()),
                ),
            }
        }
        problems.finish(s)
    }
}

/// What a count must be when it has a least value and no upper limit.
fn at_least(key: &str, min: i64) -> String {
    format!("{key} must be a whole number of at least {min}")
}

/// A count as written, if it is within its bounds; reports it otherwise.
fn count(
    value: &Option<Spanned<i64>>,
    key: &str,
    min: i64,
    file: &TomlFile,
    problems: &mut Problems,
) -> Option<usize> {
    let v = value.as_ref()?;
    let n = *v.get_ref();
    let message = match limit(key) {
        Some(limit) if n < min || n as u64 > limit.max as u64 => limit.message(),
        None if n < min => at_least(key, min),
        _ => return usize::try_from(n).ok(),
    };
    problems.push(
        Problem::new(ProblemKind::OutOfRange, file.at(v.span(), key), message)
            .with_value(n.to_string()),
    );
    None
}

/// `winners`, `trim`, `min_reviews`, `bootstrap` and `seed`, each within its bounds.
fn read_counts(
    (winners, ranking, uncertainty): (&Option<Spanned<i64>>, &RankingTable, &UncertaintyTable),
    file: &TomlFile,
    s: &mut Settings,
    problems: &mut Problems,
) {
    if let Some(n) = count(winners, "winners", 1, file, problems) {
        s.winners = n;
    }
    if let Some(n) = count(&ranking.trim, "trim", 0, file, problems) {
        s.trim = n;
    }
    if let Some(n) = count(&ranking.min_reviews, "min_reviews", 0, file, problems) {
        s.min_reviews = n;
    }
    if let Some(n) = count(&uncertainty.bootstrap, "bootstrap", 0, file, problems) {
        s.bootstrap = n;
    }
    if let Some(n) = count(&uncertainty.seed, "seed", 0, file, problems) {
        s.seed = n as u64;
    }
}

/// The tie-break chain: award.toml's when it names one, else the rubric's (reported at the
/// rubric's key), else the default; each rule's criterion one the rubric has.
fn read_tie_break(
    given: &Option<Spanned<Vec<String>>>,
    rubric: &Rubric,
    file: &TomlFile,
    s: &mut Settings,
    problems: &mut Problems,
) {
    let (rules, at) = match given {
        Some(t) => (t.get_ref().clone(), file.at(t.span(), "tie_break")),
        None => (
            rubric.tie_break.clone(),
            Location::cell(&file.shown, 1, "rubric.tie_break"),
        ),
    };
    if given.is_some() || !rules.is_empty() {
        s.tie_break = Vec::new();
        for rule in &rules {
            match rubric.tie_rule(rule) {
                Ok(r) => s.tie_break.push(r),
                Err(message) => problems.push(
                    Problem::new(ProblemKind::Setting, at.clone(), message)
                        .with_value(rule.clone()),
                ),
            }
        }
        for (rule, message) in crate::tie_rule::chain_problems(&rules) {
            problems.push(Problem::new(ProblemKind::Setting, at.clone(), message).with_value(rule));
        }
    }
}

/// `[ranking] max_per`: caps of at least 1 on named attributes, each named once.
fn read_max_per(
    caps: &Spanned<BTreeMap<String, i64>>,
    file: &TomlFile,
    s: &mut Settings,
    problems: &mut Problems,
) {
    for (attribute, &cap) in caps.get_ref() {
        if cap < 1 {
            problems.push(
                Problem::new(
                    ProblemKind::OutOfRange,
                    file.at(caps.span(), "max_per"),
                    cap_message(attribute),
                )
                .with_value(cap.to_string()),
            );
        } else if attribute.trim().is_empty() {
            problems.push(
                Problem::new(
                    ProblemKind::Setting,
                    file.at(caps.span(), "max_per"),
                    "an attribute name cannot be blank; name a column of proposals.csv",
                )
                .with_value(attribute.clone()),
            );
        } else {
            // Attributes are columns, whose headers match in any letter case.
            let key = attribute.trim().to_lowercase();
            if s.max_per.insert(key, cap as usize).is_some() {
                problems.push(
                    Problem::new(
                        ProblemKind::Duplicate,
                        file.at(caps.span(), "max_per"),
                        "this attribute is given twice (attribute names match in any letter case)",
                    )
                    .with_value(attribute.clone()),
                );
            }
        }
    }
}

/// `[conflicts] same`: named attributes, in lower case.
fn read_same(
    same: &Spanned<Vec<String>>,
    file: &TomlFile,
    s: &mut Settings,
    problems: &mut Problems,
) {
    // Attributes are columns, whose headers match in any letter case.
    s.conflicts_same = same
        .get_ref()
        .iter()
        .map(|a| a.trim().to_lowercase())
        .collect();
    if s.conflicts_same.iter().any(String::is_empty) {
        problems.push(
            Problem::new(
                ProblemKind::Setting,
                file.at(same.span(), "same"),
                "an attribute name cannot be blank; name a column of both lists",
            )
            .with_value(String::new()),
        );
        s.conflicts_same.retain(|a| !a.is_empty());
    }
}

/// What a cap on `attribute` must be.
fn cap_message(attribute: &str) -> String {
    at_least(&format!("max_per.{attribute}"), 1)
}

/// A count setting with an upper limit.
struct Limit {
    /// Its key in `award.toml`.
    key: &'static str,
    /// Its table in `award.toml`.
    table: &'static str,
    /// The largest value taken.
    max: usize,
    /// Why there is a limit, in a few words.
    why: &'static str,
    /// Its value in checked settings.
    value: fn(&Settings) -> usize,
}

/// The counts with an upper limit: `trim` ([`MAX_TRIM`]) and `bootstrap` ([`MAX_BOOTSTRAP`]).
const LIMITS: [Limit; 2] = [
    Limit {
        key: "trim",
        table: "ranking",
        max: MAX_TRIM,
        why: "a larger trim could never keep a score",
        value: |s| s.trim,
    },
    Limit {
        key: "bootstrap",
        table: "uncertainty",
        max: MAX_BOOTSTRAP,
        why: "1,000 to 10,000 replicates are usual",
        value: |s| s.bootstrap,
    },
];

impl Limit {
    /// What the setting must be.
    fn message(&self) -> String {
        let (key, max, why) = (self.key, self.max, self.why);
        format!("{key} must be a whole number from 0 to {max} ({why})")
    }
}

/// The limit of the count `key`, if it has one.
fn limit(key: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.key == key)
}

/// The counts of settings made or changed in code that exceed their limit: for each, its
/// table and key, what it must be, and its value.
pub(crate) fn over_limits(
    settings: &Settings,
) -> Vec<((&'static str, &'static str), String, String)> {
    (LIMITS.iter())
        .filter(|l| (l.value)(settings) > l.max)
        .map(|l| {
            (
                (l.table, l.key),
                l.message(),
                (l.value)(settings).to_string(),
            )
        })
        .collect()
}

/// Why a disagreement share cannot be used, if it cannot: it must be above 0 and at most 1.
pub(crate) fn bad_disagreement(x: f64) -> Option<&'static str> {
    // Written so that NaN fails too.
    (!(x > 0.0 && x <= 1.0)).then_some(
        "disagreement must be a share of the scale width, above 0 and at most 1 (0.3 = 30%)",
    )
}

impl Settings {
    /// Checks settings made or changed in code as `award.toml`'s are checked on reading:
    /// at least one winner, `trim` and `bootstrap` within their limits ([`crate::advanced::limits::MAX_TRIM`],
    /// [`crate::advanced::limits::MAX_BOOTSTRAP`]), tie-break criteria the rubric has, caps of at least one, a
    /// disagreement bar above 0 and at most 1. [`crate::score_with`] takes settings as they
    /// are; an embedding platform that builds its own checks them here first. Each problem
    /// names the field, as `Settings: column 'winners'`.
    ///
    /// ```
    /// let award = jury::load("fixtures/ineli-balkans-2016").unwrap();
    /// let mut settings = award.settings().clone();
    /// assert!(settings.validate(award.rubric()).is_ok());
    /// settings.winners = 0;
    /// assert!(settings.validate(award.rubric()).is_err());
    /// ```
    pub fn validate(&self, rubric: &Rubric) -> Result<()> {
        let mut problems = Problems::default();
        check_settings(self, rubric, &SettingsSource::Code, &mut problems);
        problems.finish(())
    }
}

/// Settings built or changed in code (their fields are public) are checked as award.toml's
/// are on reading: a tie-break on a criterion the rubric lacks would silently do nothing,
/// and no winners, a cap of 0 or a disagreement share that is not in (0, 1] mean nothing.
pub(crate) fn check_settings(
    settings: &Settings,
    rubric: &Rubric,
    source: &SettingsSource,
    problems: &mut Problems,
) {
    let mut refuse = |kind, (table, key), message: String, value: String| {
        let location = source.location(table, key);
        problems.push(Problem::new(kind, location, message).with_value(value));
    };
    if settings.winners < 1 {
        let message = at_least("winners", 1);
        refuse(
            ProblemKind::OutOfRange,
            ("award", "winners"),
            message,
            "0".into(),
        );
    }
    for rule in &settings.tie_break {
        if let crate::tie_rule::TieRule::Criterion(id) = rule {
            if rubric.criterion_index(id).is_none() {
                let message = crate::tie_rule::unknown_criterion(id);
                refuse(
                    ProblemKind::Setting,
                    ("ranking", "tie_break"),
                    message,
                    rule.to_string(),
                );
            }
        }
    }
    for (attribute, &cap) in &settings.max_per {
        if cap < 1 {
            let message = cap_message(attribute);
            refuse(
                ProblemKind::OutOfRange,
                ("ranking", "max_per"),
                message,
                cap.to_string(),
            );
        }
    }
    if let Some(message) = bad_disagreement(settings.disagreement) {
        let value = settings.disagreement.to_string();
        let key = ("diagnostics", "disagreement");
        refuse(ProblemKind::OutOfRange, key, message.into(), value);
    }
    for (key, message, value) in over_limits(settings) {
        refuse(ProblemKind::OutOfRange, key, message, value);
    }
}
