//! Records entering an [`AwardBuilder`]: the folder loader's entry points, and the checks
//! made of each record as it comes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{AwardBuilder, MAX_SCORES};
use crate::award::batch::{self, bad_confidence, blank_id, off_scale, Batch};
use crate::award::roster::{Origin, RosterBuilder};
use crate::award::score::Score;
use crate::award::InputFile;
use crate::error::{Location, Problem, ProblemKind};
use crate::limits::MAX_JURORS;
use crate::settings::SettingsSource;

impl AwardBuilder {
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

    /// Whether an input of this name was added.
    pub(crate) fn has_input(&self, path: &str) -> bool {
        self.inputs.iter().any(|i| i.path == path)
    }

    pub(crate) fn add_input(&mut self, input: InputFile) {
        self.inputs.push(input);
    }

    /// Notes how the input `file` was read (shown as a warning with the result).
    pub(crate) fn add_note(&mut self, file: &str, note: impl Into<String>) {
        self.notes.push((file.to_string(), note.into()));
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
        (self.stamps).extend(batch.stamps.drain(..).map(|(l, t)| (shift(l), t)));
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

    pub(super) fn check_id(&mut self, id: &str, line: u64, column: &str) -> bool {
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

    pub(super) fn origin(&self, line: u64) -> Origin {
        Origin {
            file: self.current,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    pub(super) fn next_memory(&mut self) -> Origin {
        self.current = 0;
        self.records += 1;
        Origin {
            file: 0,
            line: self.records,
        }
    }
}
