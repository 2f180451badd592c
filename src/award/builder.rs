//! [`AwardBuilder`]: records in, checked one by one, and an [`Award`] out, or every problem.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::batch::unknown_criterion;
use super::order::sort_scores;
use super::roster::{Origin, Roster, RosterBuilder};
use super::score::Score;
use super::{Award, Conflict, InputFile, RunsOnce};
use crate::error::{Location, Problem, ProblemKind, Problems, Result, FIRST_ON_LINE};
use crate::ids::{JurorId, ProposalId};
use crate::limits::{MAX_CRITERIA, MAX_JURORS};
use crate::rubric::Rubric;
use crate::settings::{check_settings, Duplicates, Settings, SettingsSource};

mod checks;
mod intake;
mod replaced;

pub(crate) use replaced::{RowTimes, Stamp};

use checks::check_attributes;

/// A roster sorted by id, and the new index of every member by the number met first.
type Sorted<I> = (Roster<I>, Vec<u32>);

/// Builds an [`Award`] from records, checking each as it comes and reporting every problem
/// at [`AwardBuilder::build`].
///
/// This is how a platform that holds its scores in memory scores them without files:
///
/// ```
/// use jury::{AwardBuilder, Rubric, Settings};
///
/// let rubric: Rubric = jury::Rubric::from_toml_str(r#"
///     [rubric]
///     scale = { min = 1, max = 5, step = 1 }
///     [[rubric.criterion]]
///     id = "impact"
///     weight = 1
/// "#).unwrap();
/// let award = AwardBuilder::new(rubric, Settings { winners: 1, ..Settings::default() })
///     .score("ana", "P1", "impact", Some(4.0))
///     .score("ana", "P2", "impact", Some(2.0))
///     .score("ben", "P1", "impact", Some(5.0))
///     .score("ben", "P2", "impact", None) // a blank: missing, reported, never a zero
///     .build()
///     .unwrap();
/// assert_eq!(award.scores().len(), 4);
/// ```
#[derive(Clone)]
pub struct AwardBuilder {
    rubric: Rubric,
    settings: Settings,
    jurors: RosterBuilder,
    proposals: RosterBuilder,
    scores: Vec<Score>,
    /// Each score's line, for the problems of scores given twice.
    lines: Vec<u32>,
    weights: Option<Vec<f64>>,
    /// The file the scores come from (an index into `files`).
    scores_file: u16,
    conflicts: Vec<(u32, u32, String, Origin)>,
    files: Vec<PathBuf>,
    current: u16,
    records: u32,
    problems: Problems,
    inputs: Vec<InputFile>,
    /// How the input tables were read, where not the plain way: (file, note).
    notes: Vec<(String, String)>,
    /// Where the settings came from, for the problems found in them at build.
    source: SettingsSource,
    /// What a score given twice is.
    duplicates: Duplicates,
    /// The scores' rows' timestamps, which order re-submitted rows.
    times: Option<RowTimes>,
    /// The timestamps of the scores' rows as read (line, text), until ordered.
    stamps: Vec<(u32, String)>,
}

impl AwardBuilder {
    /// A builder for an award with this rubric and these settings, taken as given (their
    /// tie-break chain too: start from [`Settings::for_rubric`] for the rubric's own chain, as
    /// `award.toml` does when it names none). [`AwardBuilder::build`] checks them as
    /// [`Settings::validate`] does, and that the attributes they name are in the lists (in
    /// lower case and trimmed, as attribute names are everywhere); each problem names the
    /// `Settings` field.
    pub fn new(rubric: Rubric, settings: Settings) -> AwardBuilder {
        AwardBuilder {
            rubric,
            settings,
            jurors: RosterBuilder::default(),
            proposals: RosterBuilder::default(),
            scores: Vec::new(),
            lines: Vec::new(),
            weights: None,
            scores_file: 0,
            conflicts: Vec::new(),
            files: vec![PathBuf::from("<memory>")],
            // `MEMORY` is this first entry.
            current: 0,
            records: 0,
            problems: Problems::default(),
            inputs: Vec::new(),
            notes: Vec::new(),
            source: SettingsSource::Code,
            duplicates: Duplicates::Error,
            times: None,
            stamps: Vec::new(),
        }
    }

    /// The rubric being built against.
    pub fn rubric(&self) -> &Rubric {
        &self.rubric
    }

    /// Declares a proposal with its title and attributes. Once any proposal is declared,
    /// every proposal id that a score or conflict names must be declared. As from a file, the
    /// id and values are trimmed, and attribute names trimmed and in lower case (the columns
    /// of `proposals.csv`); a blank or unprintable attribute name, or one given twice, is a
    /// problem.
    pub fn proposal(&mut self, id: &str, title: &str, attributes: &[(&str, &str)]) -> &mut Self {
        let line = self.next_memory().line as u64;
        let attrs = self.attributes(attributes, line);
        self.declare_proposal(id.trim(), title.trim(), attrs, line, "id");
        self
    }

    /// Declares a juror with their name and attributes. Once any juror is declared, every
    /// juror id that a score or conflict names must be declared. Ids, values and attribute
    /// names are taken as [`AwardBuilder::proposal`] takes them.
    pub fn juror(&mut self, id: &str, name: &str, attributes: &[(&str, &str)]) -> &mut Self {
        let line = self.next_memory().line as u64;
        let attrs = self.attributes(attributes, line);
        self.declare_juror(id.trim(), name.trim(), attrs, line, "id");
        self
    }

    /// Attributes given in code, as a file's columns give them: names trimmed and in lower
    /// case, values trimmed; a blank or unprintable name, or one given twice, is reported.
    fn attributes(&mut self, given: &[(&str, &str)], line: u64) -> BTreeMap<String, String> {
        let mut attrs = BTreeMap::new();
        for (name, value) in given {
            let key = name.trim().to_lowercase();
            let bad = if key.is_empty() || key.chars().any(char::is_control) {
                Some((
                    ProblemKind::Column,
                    "an attribute name must be printable text, not blank",
                ))
            } else if attrs.contains_key(&key) {
                Some((
                    ProblemKind::Duplicate,
                    "this attribute is given twice (names match in any letter case)",
                ))
            } else {
                None
            };
            match bad {
                Some((kind, message)) => self.problem(kind, line, "attributes", message, name),
                None => {
                    attrs.insert(key, value.trim().to_string());
                }
            }
        }
        attrs
    }

    /// Adds a score (`None`: a missing score) with confidence 1.
    pub fn score(
        &mut self,
        juror: &str,
        proposal: &str,
        criterion: &str,
        score: Option<f64>,
    ) -> &mut Self {
        self.score_with_confidence(juror, proposal, criterion, score, 1.0)
    }

    /// Adds a score with the juror's confidence in their review (a weight from 10⁻⁶ to 10⁶).
    /// Ids are trimmed, as from a file.
    pub fn score_with_confidence(
        &mut self,
        juror: &str,
        proposal: &str,
        criterion: &str,
        score: Option<f64>,
        confidence: f64,
    ) -> &mut Self {
        let line = self.next_memory().line as u64;
        match self.rubric.criterion_index(criterion) {
            Some(c) => {
                if self.check_confidence(confidence, line, "confidence") {
                    let (juror, proposal) = (juror.trim(), proposal.trim());
                    self.push_score(juror, proposal, c, score, confidence, line, "score");
                }
            }
            None => {
                let message = unknown_criterion(&self.criterion_list());
                self.problem(
                    ProblemKind::UnknownId,
                    line,
                    "criterion",
                    message,
                    criterion,
                );
            }
        }
        self
    }

    /// What a score given twice (one juror, proposal and criterion) is: a problem
    /// ([`Duplicates::Error`], the default), or replaced by the one given last
    /// ([`Duplicates::Last`]; the replaced ones are in [`Award::replaced`]).
    pub fn duplicates(&mut self, rule: Duplicates) -> &mut Self {
        self.duplicates = rule;
        self
    }

    /// Declares a conflict of interest: the juror's scores on the proposal never count.
    pub fn conflict(&mut self, juror: &str, proposal: &str, reason: &str) -> &mut Self {
        let line = self.next_memory().line as u64;
        self.push_conflict(juror.trim(), proposal.trim(), reason.trim(), line);
        self
    }

    /// Checks everything (the rubric too, whose fields may have been changed in code) and
    /// returns the award, or every problem found.
    pub fn build(&self) -> Result<Award> {
        self.clone().finish()
    }

    /// [`AwardBuilder::build`], taking the builder instead of copying what it holds (the
    /// loader's way: a million scores are not copied).
    pub(crate) fn finish(mut self) -> Result<Award> {
        let mut problems = std::mem::take(&mut self.problems);
        self.check_rubric(&mut problems);
        self.fold_attribute_names();
        self.check_declared(&mut problems);
        self.check_conflicted(&mut problems);
        self.check_printable(&mut problems);
        let files = std::mem::take(&mut self.files);
        let ((jurors, jmap), (proposals, pmap)) = self.finish_rosters();
        self.check_size(&files, jurors.len(), &mut problems);
        let criteria = self.rubric.criteria.len();
        let mut lines = std::mem::take(&mut self.lines);
        let mut weights = sort_scores(
            &mut self.scores,
            &mut lines,
            self.weights.take(),
            jurors.len(),
            criteria,
        );
        let replaced = match self.duplicates {
            Duplicates::Error => Vec::new(),
            Duplicates::Last => {
                let rosters = (&jurors, &proposals);
                self.take_replaced(&mut lines, &mut weights, &files, rosters, &mut problems)
            }
        };
        self.check_twice(&lines, &files, (&jurors, &proposals), &mut problems);
        let conflicts = self.merged_conflicts(&jmap, &pmap);
        check_attributes(
            &self.settings,
            &self.source,
            (&jurors, &proposals),
            &mut problems,
        );
        check_settings(&self.settings, &self.rubric, &self.source, &mut problems);
        problems.finish(Award {
            rubric: self.rubric,
            settings: self.settings,
            jurors,
            proposals,
            scores: self.scores,
            weights,
            conflicts,
            inputs: self.inputs,
            notes: self.notes,
            replaced,
            runs: RunsOnce::default(),
        })
    }

    /// The rubric's fields are public: one changed in code is checked here, as one read from
    /// TOML is on reading, before any score is judged by it.
    fn check_rubric(&mut self, problems: &mut Problems) {
        self.rubric.check_built(problems);
        if self.rubric.criteria.len() > MAX_CRITERIA {
            // Refused above; a score cannot hold these criteria, and its wrapped criterion
            // would show as a score given twice.
            self.scores.clear();
            self.lines.clear();
            self.weights = None;
        }
    }

    /// Attribute names are matched in lower case, trimmed, as a file's columns are (and as
    /// award.toml's settings already are); caps on one name folded together keep the least.
    fn fold_attribute_names(&mut self) {
        let name = |a: &String| a.trim().to_lowercase();
        let settings = &mut self.settings;
        settings.conflicts_same = settings.conflicts_same.iter().map(name).collect();
        let caps = std::mem::take(&mut settings.max_per);
        for (attribute, cap) in caps {
            let cap = settings
                .max_per
                .get(&name(&attribute))
                .map_or(cap, |&k| k.min(cap));
            settings.max_per.insert(name(&attribute), cap);
        }
    }

    /// Sorts both rosters by id and renumbers the scores to match; returns each roster with
    /// the new index of every old one.
    fn finish_rosters(&mut self) -> (Sorted<JurorId>, Sorted<ProposalId>) {
        let (jurors, proposals) = (
            std::mem::take(&mut self.jurors),
            std::mem::take(&mut self.proposals),
        );
        let ((jurors, jmap), (proposals, pmap)) =
            rayon::join(move || jurors.finish(), move || proposals.finish());
        self.scores
            .par_iter_mut()
            .with_min_len(1 << 14)
            .for_each(|s| {
                *s = Score::new(
                    s.criterion_index(),
                    jmap[s.juror_index()],
                    pmap[s.proposal_index()],
                    s.raw(),
                )
            });
        ((jurors, jmap), (proposals, pmap))
    }

    /// More jurors or scores than a score or the stages can index are refused at the scores'
    /// file, and the scores dropped.
    fn check_size(&mut self, files: &[PathBuf], jurors: usize, problems: &mut Problems) {
        // Counted on the sorted roster: a juror met early, below the limit, may sort past it
        // when jurors named only in jurors.csv or conflicts.csv sort before them.
        if jurors > MAX_JURORS {
            problems.push(Problem::new(
                ProblemKind::OutOfRange,
                Location::file(
                    files
                        .get(self.scores_file as usize)
                        .cloned()
                        .unwrap_or_default(),
                ),
                format!("more than {MAX_JURORS} jurors; jury indexes at most that many"),
            ));
            // Their scores name wrapped jurors: no duplicates are looked for among them.
            self.scores.clear();
            self.lines.clear();
        }
        if self.scores.len() > MAX_SCORES {
            let file = files
                .get(self.scores_file as usize)
                .cloned()
                .unwrap_or_default();
            problems.push(Problem::new(
                ProblemKind::OutOfRange,
                Location::file(file),
                format!(
                    "{} scores are more than jury can index ({MAX_SCORES}); split the award",
                    self.scores.len()
                ),
            ));
            self.scores.clear();
            self.lines.clear();
        }
    }

    /// Every score given again is reported against the first time it was given, whatever the
    /// order the sort left the copies in; `lines` are the sorted scores' lines.
    fn check_twice(
        &self,
        lines: &[u32],
        files: &[PathBuf],
        (jurors, proposals): (&Roster<JurorId>, &Roster<ProposalId>),
        problems: &mut Problems,
    ) {
        let mut start = 0;
        while start < self.scores.len() {
            let key = self.scores[start].key();
            let len = self.scores[start..]
                .iter()
                .take_while(|s| s.key() == key)
                .count();
            if len < 2 {
                start += len;
                continue;
            }
            let first = &self.scores[start];
            let mut again: Vec<u32> = lines[start..start + len].to_vec();
            start += len;
            again.sort_unstable();
            for &line in &again[1..] {
                problems.push(Problem::new(
                    ProblemKind::Duplicate,
                    Location::line(&files[self.scores_file as usize], line as u64),
                    format!(
                        "juror '{}' scores proposal '{}' on criterion '{}' a second time ({FIRST_ON_LINE}{}); give each score once",
                        jurors.id(first.juror_index()),
                        proposals.id(first.proposal_index()),
                        self.rubric.criteria[first.criterion_index()].id,
                        again[0]
                    ),
                ));
            }
        }
    }

    /// The declared conflicts in the sorted rosters' indices, sorted. A pair declared twice is
    /// one conflict, with every reason given (in order, each once): the audit keeps them all.
    fn merged_conflicts(&self, jmap: &[u32], pmap: &[u32]) -> Vec<Conflict> {
        let mut conflicts: Vec<Conflict> = self
            .conflicts
            .iter()
            .map(|(j, p, reason, _)| Conflict {
                juror: JurorId::from(jmap[*j as usize] as usize),
                proposal: ProposalId::from(pmap[*p as usize] as usize),
                reason: reason.clone(),
            })
            .collect();
        conflicts.sort();
        conflicts.dedup();
        conflicts.dedup_by(|later, first| {
            let same = (later.juror, later.proposal) == (first.juror, first.proposal);
            if same && !later.reason.is_empty() {
                if !first.reason.is_empty() {
                    first.reason.push_str("; ");
                }
                first.reason.push_str(&later.reason);
            }
            same
        });
        conflicts
    }
}

/// The index in `AwardBuilder::files` of records given in code.
const MEMORY: u16 = 0;

/// The most scores an award can hold: the stages index them with 32-bit numbers.
const MAX_SCORES: usize = u32::MAX as usize;
