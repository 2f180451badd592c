//! The award as the engine sees it: a checked rubric and settings, interned jurors and
//! proposals, and every score.
//!
//! Ids become small integer indices on ingest, in sorted id order, so that results never
//! depend on the order of input rows; strings return only in reports. An [`Award`] is built by
//! an [`AwardBuilder`], which both the folder loader ([`crate::load`]) and embedding platforms
//! use, so every score passes the same checks whichever way it arrives.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::error::{Location, Problem, ProblemKind, Problems, Result};
use crate::ids::{JurorId, ProposalId};
use crate::limits::{JUROR_BITS, MAX_CRITERIA, MAX_JURORS};
use crate::rubric::Rubric;
use crate::settings::{Settings, SettingsSource};

mod batch;
pub(crate) mod index;
mod order;
mod roster;
#[cfg(test)]
mod tests;

pub(crate) use batch::Batch;
use batch::{bad_confidence, blank_id, off_scale};
use index::Runs;
use order::sort_scores;
pub use roster::Roster;
use roster::{Origin, RosterBuilder};

/// One score as given: a juror's score of one proposal on one criterion.
///
/// 16 bytes, so that a million scores take 16 MB: the criterion and the juror share one
/// 32-bit number (hence at most [`MAX_CRITERIA`] criteria and [`MAX_JURORS`] jurors), and a
/// blank cell is held as NaN, which no score can be.
#[derive(Clone, Copy)]
pub struct Score {
    /// The criterion's index in the top 8 bits, the juror's in the low 24: sorting by it
    /// sorts by criterion, then juror.
    who: u32,
    proposal: u32,
    raw: f64,
}

impl Score {
    /// A score; `criterion` below [`MAX_CRITERIA`] and `juror` below [`MAX_JURORS`] (the
    /// builder refuses awards beyond them, so other bits are never read).
    fn new(criterion: usize, juror: u32, proposal: u32, raw: Option<f64>) -> Score {
        Score {
            who: (criterion as u32) << JUROR_BITS | (juror & (MAX_JURORS as u32 - 1)),
            proposal,
            raw: raw.unwrap_or(f64::NAN),
        }
    }
    /// The juror's index in [`Award::jurors`].
    pub fn juror(&self) -> usize {
        (self.who & (MAX_JURORS as u32 - 1)) as usize
    }
    /// The proposal's index in [`Award::proposals`].
    pub fn proposal(&self) -> usize {
        self.proposal as usize
    }
    /// The criterion's index in the rubric.
    pub fn criterion(&self) -> usize {
        (self.who >> JUROR_BITS) as usize
    }
    /// The score as given; `None` for a blank cell (a missing score).
    pub fn raw(&self) -> Option<f64> {
        (!self.raw.is_nan()).then_some(self.raw)
    }
    /// (criterion, juror, proposal) as one number.
    fn key(&self) -> u64 {
        (self.who as u64) << 32 | self.proposal as u64
    }
}

impl PartialEq for Score {
    fn eq(&self, other: &Score) -> bool {
        self.key() == other.key() && self.raw() == other.raw()
    }
}

impl fmt::Debug for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Score")
            .field("juror", &self.juror())
            .field("proposal", &self.proposal)
            .field("criterion", &self.criterion())
            .field("raw", &self.raw())
            .finish()
    }
}

/// A declared conflict of interest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    /// The juror's index.
    pub juror: usize,
    /// The proposal's index.
    pub proposal: usize,
    /// Why, as declared (may be empty).
    pub reason: String,
}

/// A checked award, ready to score.
#[derive(Clone, Debug)]
pub struct Award {
    rubric: Rubric,
    settings: Settings,
    jurors: Roster<JurorId>,
    proposals: Roster<ProposalId>,
    scores: Vec<Score>,
    weights: Option<Vec<f64>>,
    conflicts: Vec<Conflict>,
    inputs: Vec<InputFile>,
    /// Where each (criterion, juror) run of the scores starts, found on first use.
    runs: RunsOnce,
}

/// [`Runs`] found once: aggregation and diagnostics both read them, and a bootstrap
/// aggregates the same award thousands of times.
#[derive(Clone, Default)]
struct RunsOnce(OnceLock<Runs>);

impl fmt::Debug for RunsOnce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Derived from the scores, which are shown: nothing of the award's own.
        f.write_str("RunsOnce")
    }
}

/// An input file and its SHA-256, for the manifest.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InputFile {
    /// The file, relative to the award folder.
    pub path: String,
    /// Its SHA-256, in lowercase hex.
    pub sha256: String,
}

impl Award {
    /// The rubric.
    pub fn rubric(&self) -> &Rubric {
        &self.rubric
    }
    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// The settings, to override (as command-line flags do). Check the result with
    /// [`Settings::validate`]; attributes are the lists' columns in lower case, and a cap or
    /// conflict rule on one the lists do not have is warned of when scoring
    /// ([`crate::Warning::UnknownAttribute`]).
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }
    /// The jurors.
    pub fn jurors(&self) -> &Roster<JurorId> {
        &self.jurors
    }
    /// The proposals.
    pub fn proposals(&self) -> &Roster<ProposalId> {
        &self.proposals
    }
    /// Every score, missing ones included, sorted by criterion, juror and proposal.
    pub fn scores(&self) -> &[Score] {
        &self.scores
    }
    /// The declared conflicts, sorted.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }
    /// The input files read, with their hashes (empty for an award built in memory).
    pub fn inputs(&self) -> &[InputFile] {
        &self.inputs
    }
    /// The juror's confidence in score `i` (1 when none was given).
    pub fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[i])
    }
    /// Whether any score has a confidence other than 1.
    pub fn has_confidence(&self) -> bool {
        self.weights.is_some()
    }
    /// Where each (criterion, juror) run of the scores starts.
    pub(crate) fn runs(&self) -> &Runs {
        self.runs.0.get_or_init(|| Runs::new(self))
    }
}

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
/// let mut b = AwardBuilder::new(rubric, Settings { winners: 1, ..Settings::default() });
/// b.score("ana", "P1", "impact", Some(4.0))
///  .score("ana", "P2", "impact", Some(2.0))
///  .score("ben", "P1", "impact", Some(5.0))
///  .score("ben", "P2", "impact", None); // a blank: missing, reported, never a zero
/// let award = b.build().unwrap();
/// assert_eq!(award.scores().len(), 4);
/// ```
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
    /// Where the settings came from, for the problems found in them at build.
    source: SettingsSource,
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
            source: SettingsSource::Code,
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
                let message = format!(
                    "unknown criterion; expected one of: {}",
                    self.criterion_list()
                );
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

    /// Declares a conflict of interest: the juror's scores on the proposal never count.
    pub fn conflict(&mut self, juror: &str, proposal: &str, reason: &str) -> &mut Self {
        let line = self.next_memory().line as u64;
        self.push_conflict(juror.trim(), proposal.trim(), reason.trim(), line);
        self
    }

    /// Checks everything (the rubric too, whose fields may have been changed in code) and
    /// returns the award, or every problem found.
    pub fn build(mut self) -> Result<Award> {
        let mut problems = std::mem::take(&mut self.problems);
        // The rubric's fields are public: one changed in code is checked here, as one read
        // from TOML is on reading, before any score is judged by it.
        self.rubric.check_built(&mut problems);
        if self.rubric.criteria.len() > MAX_CRITERIA {
            // Refused above; a score cannot hold these criteria, and its wrapped criterion
            // would show as a score given twice.
            self.scores.clear();
            self.lines.clear();
            self.weights = None;
        }
        // Attribute names are matched in lower case, trimmed, as a file's columns are (and
        // as award.toml's settings already are).
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
        self.check_declared(&mut problems);
        self.check_conflicted(&mut problems);
        self.check_printable(&mut problems);
        let files = std::mem::take(&mut self.files);
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
                *s = Score::new(s.criterion(), jmap[s.juror()], pmap[s.proposal()], s.raw())
            });
        // Counted on the sorted roster: a juror met early, below the limit, may sort past it
        // when jurors named only in jurors.csv or conflicts.csv sort before them.
        if jurors.len() > MAX_JURORS {
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
        let criteria = self.rubric.criteria.len();
        let mut lines = std::mem::take(&mut self.lines);
        let weights = sort_scores(
            &mut self.scores,
            &mut lines,
            self.weights.take(),
            jurors.len(),
            criteria,
        );
        // Every score given again is reported against the first time it was given, whatever
        // the order the sort left the copies in.
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
                        "juror '{}' scores proposal '{}' on criterion '{}' a second time (first on line {}); give each score once",
                        jurors.id(first.juror()),
                        proposals.id(first.proposal()),
                        self.rubric.criteria[first.criterion()].id,
                        again[0]
                    ),
                ));
            }
        }
        let mut conflicts: Vec<Conflict> = self
            .conflicts
            .iter()
            .map(|(j, p, reason, _)| Conflict {
                juror: jmap[*j as usize] as usize,
                proposal: pmap[*p as usize] as usize,
                reason: reason.clone(),
            })
            .collect();
        // A pair declared twice is one conflict, with every reason given (in order, each
        // once): the audit keeps them all.
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
            runs: RunsOnce::default(),
        })
    }

    // ---- used by the folder loader -------------------------------------------------------

    /// Sets where the settings came from: a problem found in them names that place.
    pub(crate) fn set_settings_source(&mut self, source: SettingsSource) {
        self.source = source;
    }

    /// Sets the file that the following records come from; returns its index.
    pub(crate) fn set_file(&mut self, shown: PathBuf) {
        self.files.push(shown);
        self.current = (self.files.len() - 1) as u16;
    }

    /// Reserves room for about `n` more scores (an upper bound is fine: untouched memory
    /// costs nothing).
    pub(crate) fn reserve(&mut self, n: usize) {
        // A guess from the file's size: when that much memory cannot be had (a file of
        // terabytes, mostly not scores), the lists grow as the scores come instead.
        let n = n.min(MAX_SCORES);
        let _ = self.scores.try_reserve(n);
        let _ = self.lines.try_reserve(n);
    }

    /// How many scores and problems were taken in so far.
    pub(crate) fn taken(&self) -> (usize, usize) {
        (self.scores.len(), self.problems.len())
    }

    pub(crate) fn add_input(&mut self, input: InputFile) {
        self.inputs.push(input);
    }

    pub(crate) fn add_problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub(crate) fn declare_proposal(
        &mut self,
        id: &str,
        title: &str,
        attributes: BTreeMap<String, String>,
        line: u64,
        column: &str,
    ) {
        if self.check_id(id, line, column) {
            let origin = self.origin(line);
            if !self.proposals.declare(id, title, attributes, origin) {
                self.problem(
                    ProblemKind::Duplicate,
                    line,
                    column,
                    "this proposal id is given twice; ids must be unique",
                    id,
                );
            }
        }
    }

    pub(crate) fn declare_juror(
        &mut self,
        id: &str,
        name: &str,
        attributes: BTreeMap<String, String>,
        line: u64,
        column: &str,
    ) {
        if self.check_id(id, line, column) {
            let origin = self.origin(line);
            if !self.jurors.declare(id, name, attributes, origin) {
                self.problem(
                    ProblemKind::Duplicate,
                    line,
                    column,
                    "this juror id is given twice; ids must be unique",
                    id,
                );
            }
        }
    }

    /// Adds one score; `score` is already parsed. Checks the ids and the scale.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push_score(
        &mut self,
        juror: &str,
        proposal: &str,
        criterion: usize,
        score: Option<f64>,
        weight: f64,
        line: u64,
        column: &str,
    ) {
        if !self.check_id(juror, line, "juror") | !self.check_id(proposal, line, "proposal") {
            return;
        }
        if let Some(x) = score {
            if let Some((kind, message)) = off_scale(&self.rubric, criterion, x) {
                self.problem(kind, line, column, message, &x.to_string());
                return;
            }
        }
        let origin = self.origin(line);
        self.scores_file = self.current;
        let j = self.jurors.intern(juror, origin);
        let p = self.proposals.intern(proposal, origin);
        if j as usize >= MAX_JURORS {
            // Refused at build; a score cannot hold this juror.
            return;
        }
        if weight != 1.0 && self.weights.is_none() {
            self.weights = Some(vec![1.0; self.scores.len()]);
        }
        if let Some(weights) = &mut self.weights {
            weights.push(weight);
        }
        self.scores.push(Score::new(criterion, j, p, score));
        self.lines.push(origin.line);
    }

    /// Joins a batch read from the current file, whose line 1 is line `first_line` of the
    /// file: its ids are interned in order of first appearance, so the result is the same as
    /// reading the batch's rows one by one.
    /// The batch is left empty, its memory kept for the next piece.
    pub(crate) fn absorb(&mut self, batch: &mut Batch<'_>, first_line: u64) {
        let offset = u32::try_from(first_line.saturating_sub(1)).unwrap_or(u32::MAX);
        let shift = |line: u32| line.saturating_add(offset);
        let file = self.current;
        let local = |roster: &mut RosterBuilder, ids: &batch::LocalIds| -> Vec<u32> {
            (0..ids.len())
                .map(|i| {
                    let (id, line) = ids.get(i);
                    let origin = Origin {
                        file,
                        line: shift(line),
                    };
                    roster.intern(id, origin)
                })
                .collect()
        };
        let jurors = local(&mut self.jurors, &batch.jurors);
        let proposals = local(&mut self.proposals, &batch.proposals);
        if !batch.scores.is_empty() {
            self.scores_file = file;
        }
        if !batch.weights.is_empty() && self.weights.is_none() {
            self.weights = Some(vec![1.0; self.scores.len()]);
        }
        for (k, s) in batch.scores.iter().enumerate() {
            let juror = jurors[s.juror as usize];
            if juror as usize >= MAX_JURORS {
                // Refused at build; a score cannot hold this juror.
                continue;
            }
            if let Some(weights) = &mut self.weights {
                weights.push(batch.weights.get(k).copied().unwrap_or(1.0));
            }
            let proposal = proposals[s.proposal as usize];
            let criterion = s.criterion as usize;
            self.scores.push(Score::new(
                criterion,
                juror,
                proposal,
                Some(s.raw).filter(|x| !x.is_nan()),
            ));
            self.lines.push(shift(s.line));
        }
        for mut problem in batch.problems.drain(..) {
            if let Some(line) = &mut problem.location.line {
                *line += offset as u64;
            }
            self.problems.push(problem);
        }
        batch.clear();
    }

    pub(crate) fn push_conflict(&mut self, juror: &str, proposal: &str, reason: &str, line: u64) {
        if !self.check_id(juror, line, "juror") | !self.check_id(proposal, line, "proposal") {
            return;
        }
        let origin = self.origin(line);
        let j = self.jurors.intern(juror, origin);
        let p = self.proposals.intern(proposal, origin);
        self.conflicts.push((j, p, reason.to_string(), origin));
    }

    /// Whether a confidence is a weight from 10⁻⁶ to 10⁶; reports it otherwise.
    pub(crate) fn check_confidence(&mut self, confidence: f64, line: u64, column: &str) -> bool {
        let problem = bad_confidence(confidence);
        if let Some((kind, message)) = problem {
            self.problem(kind, line, column, message, &confidence.to_string());
        }
        problem.is_none()
    }

    pub(crate) fn criterion_list(&self) -> String {
        let ids: Vec<&str> = self.rubric.criteria.iter().map(|c| c.id.as_str()).collect();
        ids.join(", ")
    }

    /// Reports a problem at a line and column of the current file.
    pub(crate) fn problem(
        &mut self,
        kind: ProblemKind,
        line: u64,
        column: &str,
        message: impl Into<String>,
        value: &str,
    ) {
        let location = Location::cell(&self.files[self.current as usize], line, column);
        self.problems
            .push(Problem::new(kind, location, message).with_value(value));
    }

    fn check_id(&mut self, id: &str, line: u64, column: &str) -> bool {
        if id.is_empty() {
            self.problems.push(Problem::new(
                ProblemKind::UnknownId,
                Location::cell(&self.files[self.current as usize], line, column),
                blank_id(column),
            ));
            return false;
        }
        true
    }

    fn origin(&self, line: u64) -> Origin {
        Origin {
            file: self.current,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    fn next_memory(&mut self) -> Origin {
        self.current = 0;
        self.records += 1;
        Origin {
            file: 0,
            line: self.records,
        }
    }

    /// Ids used but never declared, when a list was given.
    fn check_declared(&self, problems: &mut Problems) {
        for (roster, what, list) in [
            (&self.jurors, "juror", "jurors.csv"),
            (&self.proposals, "proposal", "proposals.csv"),
        ] {
            if !roster.any_declared {
                continue;
            }
            for (i, declared) in roster.declared.iter().enumerate() {
                if !declared {
                    let origin = roster.first_seen[i];
                    problems.push(
                        Problem::new(
                            ProblemKind::UnknownId,
                            Location::cell(
                                &self.files[origin.file as usize],
                                origin.line as u64,
                                what,
                            ),
                            format!("unknown {what} id; expected an id listed in {list}"),
                        )
                        .with_value(roster.ids.get(i).to_string()),
                    );
                }
            }
        }
    }
}

impl AwardBuilder {
    /// Ids are shown in terminals, tables and messages: one with a control character (an
    /// escape sequence can clear a terminal or overwrite the winner shown) is refused, where
    /// it first appears (a problem shows its value escaped).
    fn check_printable(&self, problems: &mut Problems) {
        for (roster, what) in [(&self.jurors, "juror"), (&self.proposals, "proposal")] {
            for i in 0..roster.ids.len() {
                let id = roster.ids.get(i);
                let Some(why) = unprintable(id) else {
                    continue;
                };
                let origin = roster.first_seen[i];
                problems.push(
                    Problem::new(
                        ProblemKind::UnknownId,
                        Location::cell(&self.files[origin.file as usize], origin.line as u64, what),
                        format!("the {what} id {why}"),
                    )
                    .with_value(id.to_string()),
                );
            }
        }
    }

    /// Without a list of jurors (or proposals), a conflict read from a file can only name one
    /// who has scores: a juror or proposal that nothing else names is most likely a misspelt
    /// id, and the conflict would otherwise apply to no score at all, unseen. Conflicts given
    /// in code ([`AwardBuilder::conflict`]) name the platform's own records and may come
    /// before any score.
    fn check_conflicted(&self, problems: &mut Problems) {
        if self.conflicts.is_empty() {
            return;
        }
        let juror = |s: &Score| s.juror();
        let proposal = |s: &Score| s.proposal();
        for (roster, what, list, of_score, side) in [
            (
                &self.jurors,
                "juror",
                "jurors.csv",
                &juror as &dyn Fn(&Score) -> usize,
                0,
            ),
            (&self.proposals, "proposal", "proposals.csv", &proposal, 1),
        ] {
            if roster.any_declared {
                // Ids that the list does not declare are reported as unknown.
                continue;
            }
            let mut scored = vec![false; roster.ids.len()];
            for s in &self.scores {
                scored[of_score(s)] = true;
            }
            for (j, p, _, origin) in &self.conflicts {
                let member = [*j, *p][side] as usize;
                if scored[member] || origin.file == MEMORY {
                    continue;
                }
                // Reported once.
                scored[member] = true;
                problems.push(
                    Problem::new(
                        ProblemKind::UnknownId,
                        Location::cell(&self.files[origin.file as usize], origin.line as u64, what),
                        format!(
                            "no score names this {what}; check the id (if the {what} has no scores, list every {what} in {list})"
                        ),
                    )
                    .with_value(roster.ids.get(member).to_string()),
                );
            }
        }
    }
}

/// The index in `AwardBuilder::files` of records given in code.
const MEMORY: u16 = 0;

/// The most scores an award can hold: the stages index them with 32-bit numbers.
const MAX_SCORES: usize = u32::MAX as usize;

/// Every attribute named in settings must exist on the side it is read from.
/// Why an id cannot be taken, if it cannot: one that holds a control character (an escape
/// sequence could clear the terminal or overwrite the winner shown) or an invisible one (a
/// zero-width space, a direction mark: it would show as another id), or that begins with a
/// quote (`J2, "P1"`: a space before the opening quote keeps the quotes in the cell, and
/// `"P1"` is another proposal than `P1`).
fn unprintable(id: &str) -> Option<String> {
    if id.starts_with('"') {
        return Some(
            "begins with a quote: a space before an opening quote keeps the quotes in the cell; remove the space (J2,\"P1\", not J2, \"P1\")"
                .to_string(),
        );
    }
    if id.chars().any(char::is_control) {
        return Some("holds a control character; ids must be printable text".to_string());
    }
    if id.is_ascii() {
        return None;
    }
    let invisible = id.chars().find(|&c| invisible(c))?;
    Some(format!(
        "holds an invisible character (U+{:04X}), so it would show as another id; type it again",
        invisible as u32
    ))
}

/// Characters that show as nothing (Unicode's format characters, category Cf, in the
/// ranges text is likely to hold): zero-width spaces and joiners, direction marks and
/// overrides, the byte-order mark, the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn check_attributes(
    settings: &Settings,
    source: &SettingsSource,
    (jurors, proposals): (&Roster<JurorId>, &Roster<ProposalId>),
    problems: &mut Problems,
) {
    let has = |names: &[String], name: &str| names.iter().any(|n| n == name);
    let mut unknown = |(table, key), name: &String, whom: &str| {
        // A file's list has no such column; an award built in code has no list file.
        let lacks = match source {
            SettingsSource::File { .. } => format!("{whom}s.csv has no such column"),
            SettingsSource::Code => format!("no {whom} has such an attribute"),
        };
        problems.push(
            Problem::new(
                ProblemKind::Setting,
                source.location(table, key),
                format!(
                    "{} names the attribute '{name}', but {lacks}",
                    source.name(table, key)
                ),
            )
            .with_value(name.clone()),
        );
    };
    for name in &settings.conflicts_same {
        let lists = [
            (jurors.attribute_names(), "juror"),
            (proposals.attribute_names(), "proposal"),
        ];
        for (names, whom) in lists {
            if !has(names, name) {
                unknown(("conflicts", "same"), name, whom);
            }
        }
    }
    for name in settings.max_per.keys() {
        if !has(proposals.attribute_names(), name) {
            unknown(("ranking", "max_per"), name, "proposal");
        }
    }
}

impl Settings {
    /// Checks settings made or changed in code as `award.toml`'s are checked on reading:
    /// at least one winner, `trim` and `bootstrap` within their limits ([`crate::MAX_TRIM`],
    /// [`crate::MAX_BOOTSTRAP`]), tie-break criteria the rubric has, caps of at least one, a
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
fn check_settings(
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
        let message = "winners must be a whole number of at least 1".to_string();
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
            let message = format!("max_per.{attribute} must be a whole number of at least 1");
            refuse(
                ProblemKind::OutOfRange,
                ("ranking", "max_per"),
                message,
                cap.to_string(),
            );
        }
    }
    if let Some(message) = crate::settings::bad_disagreement(settings.disagreement) {
        let value = settings.disagreement.to_string();
        let key = ("diagnostics", "disagreement");
        refuse(ProblemKind::OutOfRange, key, message.into(), value);
    }
    for (key, message, value) in crate::settings::over_limits(settings) {
        refuse(ProblemKind::OutOfRange, key, message, value);
    }
}
