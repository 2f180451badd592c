//! A batch of scores read from one piece of `scores.csv`: checked, with ids interned locally,
//! so that pieces can be read in parallel and then joined to the builder in file order
//! ([`super::AwardBuilder::absorb`]).

use std::path::Path;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::error::{Location, Problem, ProblemKind};
use crate::rubric::Rubric;

/// Ids in order of first appearance in a piece, each with its line. The ids' text is kept in
/// one string and the table holds indices, so a batch reused for the next piece allocates
/// nothing.
#[derive(Default)]
pub(crate) struct LocalIds {
    text: String,
    /// Each id's end in `text` (its start is the previous end) and first line.
    ids: Vec<(usize, u32)>,
    table: HashTable<u32>,
    /// The id interned last: the rows of one review repeat it, and a comparison is cheaper
    /// than a hash lookup.
    last: u32,
}

impl LocalIds {
    fn clear(&mut self) {
        self.text.clear();
        self.ids.clear();
        self.table.clear();
        self.last = 0;
    }

    /// The number of ids.
    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Id `i` and the line it first appears on.
    pub(super) fn get(&self, i: usize) -> (&str, u32) {
        (span(&self.text, &self.ids, i), self.ids[i].1)
    }

    fn intern(&mut self, id: &str, line: u32) -> u32 {
        if self.ids.get(self.last as usize).is_some() && self.get(self.last as usize).0 == id {
            return self.last;
        }
        let hash = |s: &str| FxBuildHasher.hash_one(s);
        let h = hash(id);
        let ids = &*self;
        let found = ids.table.find(h, |&i| ids.get(i as usize).0 == id).copied();
        let i = match found {
            Some(i) => i,
            None => {
                let i = self.ids.len() as u32;
                self.text.push_str(id);
                self.ids.push((self.text.len(), line));
                let (text, ids) = (&self.text, &self.ids);
                self.table
                    .insert_unique(h, i, |&k| hash(span(text, ids, k as usize)));
                i
            }
        };
        self.last = i;
        i
    }
}

/// Id `i` of the ids whose ends in `text` are `ids`.
fn span<'t>(text: &'t str, ids: &[(usize, u32)], i: usize) -> &'t str {
    let start = if i == 0 { 0 } else { ids[i - 1].0 };
    &text[start..ids[i].0]
}

/// One score of a batch, its juror and proposal numbered within the batch.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub juror: u32,
    pub proposal: u32,
    pub criterion: u32,
    pub line: u32,
    /// The score; NaN for a blank cell, as in [`super::Score`] (24 bytes a row, not 32).
    pub raw: f64,
}

/// Scores of one piece, in file order. Lines are counted from the piece's first line (1);
/// [`super::AwardBuilder::absorb`] adds the piece's offset.
pub(crate) struct Batch<'a> {
    rubric: &'a Rubric,
    file: &'a Path,
    pub(super) jurors: LocalIds,
    pub(super) proposals: LocalIds,
    pub(super) scores: Vec<Row>,
    /// Empty while every weight is 1; then one weight per score.
    pub(super) weights: Vec<f64>,
    pub(super) problems: Vec<Problem>,
    /// Each row's line and timestamp, when they order re-submitted rows.
    pub(super) stamps: Vec<(u32, String)>,
    /// The criterion found last: the rows of a long-form file repeat them in turn.
    last_criterion: usize,
}

impl<'a> Batch<'a> {
    /// An empty batch of scores on `rubric`, read from `file` (as shown in problems).
    pub(crate) fn new(rubric: &'a Rubric, file: &'a Path) -> Batch<'a> {
        Batch {
            rubric,
            file,
            jurors: LocalIds::default(),
            proposals: LocalIds::default(),
            scores: Vec::new(),
            weights: Vec::new(),
            problems: Vec::new(),
            stamps: Vec::new(),
            last_criterion: 0,
        }
    }

    /// Empties the batch, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.jurors.clear();
        self.proposals.clear();
        self.scores.clear();
        self.weights.clear();
        self.problems.clear();
        self.stamps.clear();
    }

    /// Keeps the timestamp of the row on `line`, to order re-submitted rows by.
    pub(crate) fn stamp(&mut self, line: u64, text: &str) {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        self.stamps.push((line, text.to_string()));
    }

    /// The rubric the scores are checked against.
    pub(crate) fn rubric(&self) -> &'a Rubric {
        self.rubric
    }

    /// Reports a problem in a cell.
    pub(crate) fn problem(
        &mut self,
        kind: ProblemKind,
        line: u64,
        column: &str,
        message: impl Into<String>,
        value: &str,
    ) {
        let location = Location::cell(self.file, line, column);
        self.problems
            .push(Problem::new(kind, location, message).with_value(value));
    }

    /// The index of the criterion with this id (any letter case).
    pub(crate) fn criterion(&mut self, id: &str) -> Option<usize> {
        let criteria = &self.rubric.criteria;
        // Long-form rows usually give the criteria in turn, spelled as in the rubric: try the
        // last one, then the next (the first after the last), first as written and then in
        // any letter case.
        let last = self.last_criterion;
        let next = if last + 1 < criteria.len() {
            last + 1
        } else {
            0
        };
        for c in [last, next] {
            if criteria.get(c).is_some_and(|c| c.id == id) {
                self.last_criterion = c;
                return Some(c);
            }
        }
        for c in [last, next] {
            if criteria
                .get(c)
                .is_some_and(|c| crate::util::text::same_ignoring_case(&c.id, id))
            {
                self.last_criterion = c;
                return Some(c);
            }
        }
        let found = criteria
            .iter()
            .position(|c| crate::util::text::same_ignoring_case(&c.id, id))?;
        self.last_criterion = found;
        Some(found)
    }

    /// The file the batch is read from, as shown in problems.
    pub(crate) fn file(&self) -> &'a Path {
        self.file
    }

    /// Reports a problem.
    pub(crate) fn push_problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Whether a confidence is a weight from 10⁻⁶ to 10⁶; reports it otherwise.
    pub(crate) fn check_confidence(&mut self, confidence: f64, line: u64, column: &str) -> bool {
        let problem = bad_confidence(confidence);
        if let Some((kind, message)) = problem {
            self.problem(kind, line, column, message, &confidence.to_string());
        }
        problem.is_none()
    }

    /// Adds one score (already parsed; `None` is a blank cell) from the cell `(column, text)`,
    /// checking the ids and the scale, exactly as
    /// [`super::AwardBuilder::score_with_confidence`] does.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        juror: &str,
        proposal: &str,
        criterion: usize,
        score: Option<f64>,
        weight: f64,
        line: u64,
        (column, text): (&str, &str),
    ) {
        let blank_juror = juror.is_empty();
        let blank_proposal = proposal.is_empty();
        if blank_juror || blank_proposal {
            for (blank, what) in [(blank_juror, "juror"), (blank_proposal, "proposal")] {
                if blank {
                    let location = Location::cell(self.file, line, what);
                    self.problems.push(Problem::new(
                        ProblemKind::UnknownId,
                        location,
                        blank_id(what),
                    ));
                }
            }
            return;
        }
        if let Some(x) = score {
            if let Some((kind, message)) = off_scale(self.rubric, criterion, x) {
                // The value as written: `1e308`, not its 309 digits.
                self.problem(kind, line, column, message, text);
                return;
            }
        }
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let juror = self.jurors.intern(juror, line);
        let proposal = self.proposals.intern(proposal, line);
        // The first weight other than 1 fills in the 1s before it (none when it is the
        // batch's first score); from then on every weight is kept.
        if weight != 1.0 || !self.weights.is_empty() {
            self.weights.resize(self.scores.len(), 1.0);
            self.weights.push(weight);
        }
        self.scores.push(Row {
            juror,
            proposal,
            criterion: criterion as u32,
            line,
            raw: score.unwrap_or(f64::NAN),
        });
    }
}

/// The range of a confidence. Only ratios of confidences matter, and past a ratio of 10¹²
/// the fits square and sum weights beyond what a double holds: the `affine` fit silently
/// changes, and weighted sums overflow.
const CONFIDENCE: (f64, f64) = (1e-6, 1e6);

/// Why a confidence cannot weigh a score, if it cannot: it must be a positive number in
/// [`CONFIDENCE`].
pub(super) fn bad_confidence(confidence: f64) -> Option<(ProblemKind, &'static str)> {
    // Written so that NaN fails too.
    let ok = confidence >= CONFIDENCE.0 && confidence <= CONFIDENCE.1;
    let message =
        "a confidence must be a positive number from 0.000001 to 1000000 (a weight; blank means 1)";
    (!ok).then_some((ProblemKind::OutOfRange, message))
}

/// The message for a criterion id that the rubric lacks; `criteria` lists the rubric's ids.
pub(crate) fn unknown_criterion(criteria: &str) -> String {
    format!("unknown criterion; expected one of: {criteria}")
}

/// The message for a blank id in column `what`.
pub(super) fn blank_id(what: &str) -> String {
    // `what` is the column: `juror`, `proposal`, or a list's own `id`.
    let what = if what.eq_ignore_ascii_case("id") {
        ""
    } else {
        what
    };
    let sep = if what.is_empty() { "" } else { " " };
    format!("the {what}{sep}id is blank; every row needs one")
}

/// Why a score is not on its criterion's scale, if it is not.
pub(super) fn off_scale(
    rubric: &Rubric,
    criterion: usize,
    x: f64,
) -> Option<(ProblemKind, String)> {
    let c = &rubric.criteria[criterion];
    if c.scale.contains(x) {
        return None;
    }
    let kind = if x.is_finite() && x >= c.scale.min && x <= c.scale.max {
        ProblemKind::OffStep
    } else if x.is_finite() {
        ProblemKind::OutOfRange
    } else {
        ProblemKind::NotANumber
    };
    let message = format!(
        "not on the scale of criterion '{}'; expected {}",
        c.id,
        c.scale.expectation()
    );
    Some((kind, message))
}
