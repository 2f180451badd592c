//! Award settings: what `award.toml` says about the award and the methods, checked once.
//!
//! `award.toml` is read into [`AwardSpec`] (plain serde structs that refuse unknown keys, so
//! a typo never passes silently) and checked against the rubric into [`Settings`]. Command-line
//! flags override individual fields of the checked settings.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

use crate::error::{Location, Problem, ProblemKind, Problems, Result};
use crate::rubric::{Rubric, RubricSpec};
use crate::tie_rule::TieRule;
use crate::tomlfile::TomlFile;

mod aggregate;
mod check;
mod method;

pub use aggregate::Aggregate;
pub(crate) use check::check_settings;
pub use method::Method;

/// The number of winners when an award does not say.
pub const DEFAULT_WINNERS: usize = 5;

/// The share of the scale width beyond which reviews disagree, when an award does not say:
/// panels commonly add a reader when two reviews differ by more than 30% of the scale.
pub const DEFAULT_DISAGREEMENT: f64 = 0.3;

/// Where an award's settings came from, so that a problem found in them once the lists are
/// read (an attribute that no list has, say) names its place: in `award.toml`, the key and
/// its line; in code, the [`Settings`] field.
#[derive(Clone, Debug, Default)]
pub(crate) enum SettingsSource {
    /// Made or changed in code.
    #[default]
    Code,
    /// Read from a file (as shown), with the line of each key whose value is checked later.
    File {
        shown: PathBuf,
        /// The lines of `[ranking] max_per` and `[conflicts] same`, when given.
        max_per: Option<u64>,
        same: Option<u64>,
    },
}

impl SettingsSource {
    /// The source of the settings that `spec`, read from `file`, gives.
    pub(crate) fn file(spec: &AwardSpec, file: &TomlFile) -> SettingsSource {
        SettingsSource::File {
            shown: file.shown.clone(),
            max_per: (spec.ranking.max_per.as_ref()).map(|v| file.line_of(v.span().start)),
            same: (spec.conflicts.same.as_ref()).map(|v| file.line_of(v.span().start)),
        }
    }

    /// Where the setting `key` of the table `table` is: in a file, the key and the line when
    /// known; in code, the field.
    pub(crate) fn location(&self, table: &str, key: &str) -> Location {
        match self {
            SettingsSource::Code => Location {
                column: Some(field(table, key).to_string()),
                ..Location::file("Settings")
            },
            SettingsSource::File {
                shown,
                max_per,
                same,
            } => Location {
                line: match (table, key) {
                    ("ranking", "max_per") => *max_per,
                    ("conflicts", "same") => *same,
                    _ => None,
                },
                column: Some(key.to_string()),
                ..Location::file(shown)
            },
        }
    }

    /// The setting as a message names it: `[conflicts] same` in a file, `conflicts_same` in
    /// code.
    pub(crate) fn name(&self, table: &str, key: &str) -> String {
        match self {
            SettingsSource::Code => field(table, key).to_string(),
            SettingsSource::File { .. } => format!("[{table}] {key}"),
        }
    }
}

/// The [`Settings`] field of `award.toml`'s key `key` in `table`.
fn field<'k>(table: &str, key: &'k str) -> &'k str {
    match (table, key) {
        ("conflicts", "same") => "conflicts_same",
        _ => key,
    }
}

/// `award.toml` as written, before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardSpec {
    /// The rubric: a path to a rubric file, or an inline `[rubric]` table.
    #[serde(default)]
    pub rubric: Option<RubricRef>,
    /// `[award]`.
    #[serde(default)]
    pub award: AwardTable,
    /// `[normalization]`.
    #[serde(default)]
    pub normalization: NormalizationTable,
    /// `[ranking]`.
    #[serde(default)]
    pub ranking: RankingTable,
    /// `[conflicts]`.
    #[serde(default)]
    pub conflicts: ConflictsTable,
    /// `[uncertainty]`.
    #[serde(default)]
    pub uncertainty: UncertaintyTable,
    /// `[diagnostics]`.
    #[serde(default)]
    pub diagnostics: DiagnosticsTable,
    /// `[input]`: how the tables are read (checked by the loader).
    #[serde(default)]
    pub input: InputTable,
    /// `[assignment]`.
    #[serde(default)]
    pub assignment: AssignmentTable,
}

/// `[assignment]` as written: how `jury assign` plans the reads.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentTable {
    /// Reads per proposal in the first round.
    pub reads: Option<Spanned<i64>>,
    /// The most reads any juror takes, over every round.
    pub max_load: Option<Spanned<i64>>,
}

/// Where the rubric is: `rubric = "path.toml"` or an inline `[rubric]` table.
#[derive(Debug)]
pub enum RubricRef {
    /// A path, relative to the award folder.
    Path(String),
    /// The rubric itself.
    Inline(Box<RubricSpec>),
}

impl<'de> Deserialize<'de> for RubricRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> Visitor<'de> for RefVisitor {
            type Value = RubricRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a path to a rubric file, or a [rubric] table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<RubricRef, E> {
                Ok(RubricRef::Path(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<RubricRef, A::Error> {
                let spec = RubricSpec::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RubricRef::Inline(Box::new(spec)))
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

/// `[award]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardTable {
    /// The award's name.
    pub name: Option<String>,
    /// How many winners.
    pub winners: Option<Spanned<i64>>,
}

/// `[normalization]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizationTable {
    /// The juror-bias correction method.
    pub method: Option<Method>,
}

/// `[ranking]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingTable {
    /// How corrected scores are combined over jurors.
    pub aggregate: Option<Aggregate>,
    /// Scores dropped at each end by the trimmed mean.
    pub trim: Option<Spanned<i64>>,
    /// Minimum number of valid reviews to be eligible.
    pub min_reviews: Option<Spanned<i64>>,
    /// Tie-break rules, in order.
    pub tie_break: Option<Spanned<Vec<String>>>,
    /// At most this many winners sharing one value of a proposal attribute.
    pub max_per: Option<Spanned<BTreeMap<String, i64>>>,
}

/// `[conflicts]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictsTable {
    /// Attributes that, when a juror and a proposal share their value, make a conflict.
    #[serde(default)]
    pub same: Option<Spanned<Vec<String>>>,
}

/// `[uncertainty]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyTable {
    /// Bootstrap replicates.
    pub bootstrap: Option<Spanned<i64>>,
    /// The seed of every random choice.
    pub seed: Option<Spanned<i64>>,
}

/// `[input]` as written: how the folder's tables are read, where detection is not wanted
/// (`docs/formats.md`, "Reading the tables").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputTable {
    /// The CSV delimiter: `","`, `";"` or `"tab"` (default: detected from the header row).
    pub delimiter: Option<Spanned<String>>,
    /// The decimal mark of scores in CSV: `"."` or `","` (default: `,` accepted when the
    /// delimiter is not a comma).
    pub decimal: Option<Spanned<String>>,
    /// The CSV files' encoding: `"utf-8"` (default) or `"windows-1252"` (also `"latin-1"`).
    pub encoding: Option<Spanned<String>>,
    /// Header names mapped onto the columns jury knows: `{ juror = "Your name" }`.
    pub columns: Option<Spanned<BTreeMap<String, String>>>,
    /// Header names of columns to skip.
    pub ignore: Option<Spanned<Vec<String>>>,
    /// What a score given twice is: `"error"` (default) or `"last"` (the row sent last wins: by
    /// the timestamp column when there is one, else the row furthest down).
    pub duplicates: Option<Spanned<String>>,
    /// How a timestamp such as `05/06/2016` is read when ordering re-submitted forms:
    /// `"day-first"` or `"month-first"` (default: decided from the column's values).
    pub timestamp_format: Option<Spanned<String>>,
}

/// What a score given twice (one juror, proposal and criterion) is: `[input] duplicates`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Duplicates {
    /// Refused: each one is a problem (the default).
    #[default]
    Error,
    /// The later row wins (a form submitted again); the earlier one is kept in the audit as
    /// `replaced`.
    Last,
}

/// `[diagnostics]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosticsTable {
    /// The share of a criterion's scale width beyond which a proposal's reviews disagree so
    /// much that it needs another reader.
    pub disagreement: Option<Spanned<f64>>,
}

/// Checked settings. [`Settings::default`] gives every documented default.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// The award's name.
    pub name: String,
    /// How many winners are named (default 5).
    pub winners: usize,
    /// How juror bias is corrected (default [`Method::default`]).
    pub method: Method,
    /// How corrected scores are combined over jurors (default mean).
    pub aggregate: Aggregate,
    /// Scores dropped at each end by the trimmed mean (default 1).
    pub trim: usize,
    /// Minimum number of valid reviews to be eligible (default 1).
    pub min_reviews: usize,
    /// Tie-break rules, in order (default: the rubric's, else consensus, reviews, lottery).
    pub tie_break: Vec<TieRule>,
    /// At most this many winners per value of a proposal attribute (default none).
    pub max_per: BTreeMap<String, usize>,
    /// Attributes that make a conflict when a juror and a proposal share their value.
    pub conflicts_same: Vec<String>,
    /// Bootstrap replicates (default 0: none).
    pub bootstrap: usize,
    /// The seed of every random choice (default 0).
    pub seed: u64,
    /// A proposal needs another reader when, on some criterion, its highest and lowest valid
    /// scores differ by more than this share of the criterion's scale width (default
    /// [`DEFAULT_DISAGREEMENT`]; in (0, 1]).
    pub disagreement: f64,
    /// `[assignment] reads`: reads per proposal in a first round when `jury assign` is asked
    /// for none (default none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_reads: Option<usize>,
    /// `[assignment] max_load`: the most reads any juror takes over every round, on top of
    /// each juror's own `capacity` (default none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_load: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            name: "award".to_string(),
            winners: DEFAULT_WINNERS,
            method: Method::default(),
            aggregate: Aggregate::default(),
            trim: 1,
            min_reviews: 1,
            tie_break: vec![TieRule::Consensus, TieRule::Reviews, TieRule::Lottery],
            max_per: BTreeMap::new(),
            conflicts_same: Vec::new(),
            bootstrap: 0,
            seed: 0,
            disagreement: DEFAULT_DISAGREEMENT,
            assignment_reads: None,
            max_load: None,
        }
    }
}

impl Settings {
    /// The default settings with the rubric's own tie-break chain, as `award.toml` resolves
    /// them when it names none: what an award built in code on this rubric should start from
    /// ([`Settings::default`] has the default chain whatever the rubric says).
    ///
    /// ```
    /// let rubric = jury::Rubric::from_path("rubrics/horizon-europe-ia.toml").unwrap();
    /// let settings = jury::Settings::for_rubric(&rubric).unwrap();
    /// assert_eq!(settings.tie_break[0].to_string(), "criterion:impact");
    /// ```
    pub fn for_rubric(rubric: &Rubric) -> Result<Settings> {
        let mut s = Settings::default();
        if rubric.tie_break.is_empty() {
            return Ok(s);
        }
        let mut problems = Problems::default();
        s.tie_break.clear();
        for rule in &rubric.tie_break {
            match rubric.tie_rule(rule) {
                Ok(r) => s.tie_break.push(r),
                Err(message) => problems.push(
                    Problem::new(
                        ProblemKind::Setting,
                        Location::cell("rubric", 1, "tie_break"),
                        message,
                    )
                    .with_value(rule.clone()),
                ),
            }
        }
        problems.finish(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{MAX_BOOTSTRAP, MAX_TRIM};
    use crate::testkit;

    fn settings(award: &str) -> Result<Settings> {
        let rubric_text = "[rubric]\nscale = { min = 1, max = 5 }\n[[rubric.criterion]]\nid = 'impact'\nweight = 1\n";
        let rubric = Rubric::from_file(&TomlFile {
            shown: "r.toml".into(),
            text: rubric_text.into(),
        })
        .unwrap();
        let file = TomlFile {
            shown: "award.toml".into(),
            text: award.to_string(),
        };
        let spec: AwardSpec = file
            .parse()
            .map_err(|p| crate::error::Error::Invalid(vec![*p]))?;
        Settings::check(spec, &rubric, &file, "folder")
    }

    #[test]
    fn an_empty_file_gives_the_documented_defaults() {
        let s = settings("").unwrap();
        assert_eq!(
            s,
            Settings {
                name: "folder".into(),
                ..Settings::default()
            }
        );
        assert_eq!(s.winners, 5);
        assert_eq!(
            s.tie_break,
            vec![TieRule::Consensus, TieRule::Reviews, TieRule::Lottery]
        );
    }

    #[test]
    fn attribute_names_match_headers_in_any_letter_case() {
        // Headers are matched case-insensitively, so `Country` names the column `country`.
        let s =
            settings("[ranking]\nmax_per = { Country = 2 }\n[conflicts]\nsame = ['Country ']\n")
                .unwrap();
        assert_eq!(s.max_per.get("country"), Some(&2));
        assert_eq!(s.conflicts_same, ["country"]);
        let err = settings("[ranking]\nmax_per = { Country = 2, country = 3 }\n").unwrap_err();
        assert_eq!(err.problems()[0].kind, ProblemKind::Duplicate);
    }

    #[test]
    fn settings_for_a_rubric_take_its_tie_break_chain() {
        let mut r = testkit::criteria(1.0, 5.0, &[("impact", 1.0)]);
        assert_eq!(Settings::for_rubric(&r).unwrap(), Settings::default());
        r.tie_break = vec!["criterion:impact".into(), "lottery".into()];
        let s = Settings::for_rubric(&r).unwrap();
        assert_eq!(s.tie_break.len(), 2);
        assert_eq!(s.tie_break[0].to_string(), "criterion:impact");
        r.tie_break = vec!["criterion:novelty".into()];
        assert!(Settings::for_rubric(&r).is_err());
    }

    #[test]
    fn every_table_is_read() {
        let s = settings(
            "[award]\nname = 'A'\nwinners = 3\n[normalization]\nmethod = 'none'\n[ranking]\naggregate = 'trimmed'\ntrim = 2\nmin_reviews = 3\ntie_break = ['criterion:impact', 'lottery']\nmax_per = { country = 2 }\n[conflicts]\nsame = ['country']\n[uncertainty]\nbootstrap = 100\nseed = 2016\n[diagnostics]\ndisagreement = 0.25\n",
        )
        .unwrap();
        assert_eq!(s.name, "A");
        assert_eq!(s.winners, 3);
        assert_eq!(s.method, Method::None);
        assert_eq!(s.aggregate, Aggregate::Trimmed);
        assert_eq!(
            (s.trim, s.min_reviews, s.bootstrap, s.seed),
            (2, 3, 100, 2016)
        );
        assert_eq!(
            s.tie_break,
            vec![TieRule::Criterion("impact".into()), TieRule::Lottery]
        );
        assert_eq!(s.max_per.get("country"), Some(&2));
        assert_eq!(s.conflicts_same, vec!["country".to_string()]);
        assert_eq!(s.disagreement, 0.25);
    }

    #[test]
    fn disagreement_is_a_share_of_the_scale_above_0_and_at_most_1() {
        assert_eq!(settings("").unwrap().disagreement, 0.3);
        assert_eq!(
            settings("[diagnostics]\ndisagreement = 1\n")
                .unwrap()
                .disagreement,
            1.0
        );
        for bad in ["0", "-0.1", "1.5", "nan", "inf"] {
            let err = settings(&format!("[diagnostics]\ndisagreement = {bad}\n")).unwrap_err();
            assert_eq!(err.problems()[0].location.line, Some(2), "{bad}: {err}");
            assert!(err.to_string().contains("disagreement"), "{bad}: {err}");
        }
        let err = settings("[diagnostics]\ndisagrement = 0.3\n").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn bootstrap_and_trim_are_refused_above_their_limits_with_their_line() {
        // The limits are the documented MAX_BOOTSTRAP and MAX_TRIM: `bootstrap = 10000000000`
        // would abort allocating replicates.
        let s = settings("[ranking]\ntrim = 8388607\n[uncertainty]\nbootstrap = 100000\n").unwrap();
        assert_eq!((s.trim, s.bootstrap), (MAX_TRIM, MAX_BOOTSTRAP));
        let err = settings("[ranking]\ntrim = 8388608\n[uncertainty]\nbootstrap = 10000000000\n")
            .unwrap_err();
        let problems = err.problems();
        assert_eq!(problems.len(), 2, "{err}");
        assert_eq!(problems[0].location.line, Some(2));
        assert_eq!(problems[0].value.as_deref(), Some("8388608"));
        assert!(problems[0].message.contains("from 0 to 8388607"), "{err}");
        assert_eq!(problems[1].location.line, Some(4));
        assert_eq!(problems[1].value.as_deref(), Some("10000000000"));
        assert!(problems[1].message.contains("from 0 to 100000"), "{err}");
        let err = settings("[uncertainty]\nbootstrap = -1\n").unwrap_err();
        assert!(err.to_string().contains("from 0 to 100000"), "{err}");
    }

    #[test]
    fn validate_refuses_bootstrap_and_trim_set_in_code_above_their_limits() {
        use std::path::Path;
        // Settings::validate is what command-line overrides and embedders are checked by.
        let rubric = testkit::one_criterion(1.0, 5.0);
        let at_limits = Settings {
            trim: MAX_TRIM,
            bootstrap: MAX_BOOTSTRAP,
            ..Settings::default()
        };
        assert!(at_limits.validate(&rubric).is_ok());
        let over = Settings {
            trim: usize::MAX,
            bootstrap: MAX_BOOTSTRAP + 1,
            ..Settings::default()
        };
        let err = over.validate(&rubric).unwrap_err();
        let named: Vec<Option<&str>> = (err.problems().iter())
            .map(|p| p.location.column.as_deref())
            .collect();
        // Settings given in code: the fields, in no file.
        assert_eq!(named, [Some("bootstrap"), Some("trim")]);
        assert!(err
            .problems()
            .iter()
            .all(|p| p.location.file == Path::new("Settings")));
        assert_eq!(err.problems()[0].value.as_deref(), Some("100001"));
    }

    #[test]
    fn typos_and_bad_values_are_refused_with_their_line() {
        let err = settings("[ranking]\nmin_review = 3\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `min_review`"),
            "{err}"
        );
        assert_eq!(err.problems()[0].location.line, Some(2));
        let err = settings("[normalization]\nmethod = 'zscores'\n").unwrap_err();
        assert!(err.to_string().contains("zscores"), "{err}");
        let err = settings("[award]\nwinners = 0\n").unwrap_err();
        assert_eq!(err.problems()[0].location.line, Some(2));
        let err = settings("[ranking]\ntie_break = ['criterion:novelty']\n").unwrap_err();
        assert!(err.to_string().contains("novelty"), "{err}");
    }

    #[test]
    fn assignment_settings_are_read_and_checked_with_their_line() {
        let s = settings("[assignment]\nreads = 3\nmax_load = 20\n").unwrap();
        assert_eq!((s.assignment_reads, s.max_load), (Some(3), Some(20)));
        let s = settings("").unwrap();
        assert_eq!((s.assignment_reads, s.max_load), (None, None));
        let err = settings("[assignment]\nreads = 0\nmax_load = -1\n").unwrap_err();
        let lines: Vec<_> = err.problems().iter().map(|p| p.location.line).collect();
        assert_eq!(lines, [Some(2), Some(3)], "{err}");
        assert!(
            err.to_string()
                .contains("reads must be a whole number of at least 1"),
            "{err}"
        );
        let err = settings("[assignment]\nread = 3\n").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}
