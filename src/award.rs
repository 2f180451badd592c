//! The award as the engine sees it: a checked rubric and settings, interned jurors and
//! proposals, and every score.
//!
//! Ids become small integer indices on ingest, in sorted id order, so that results never
//! depend on the order of input rows; strings return only in reports. An [`Award`] is built by
//! an [`AwardBuilder`], which both the folder loader ([`crate::load`]) and embedding platforms
//! use, so every score passes the same checks whichever way it arrives.

use std::fmt;
use std::sync::OnceLock;

use crate::error::Location;
use crate::ids::{JurorId, ProposalId};
use crate::rubric::Rubric;
use crate::settings::Settings;

mod batch;
mod builder;
pub(crate) mod index;
mod order;
mod roster;
mod score;
#[cfg(test)]
mod tests;

pub(crate) use batch::{unknown_criterion, Batch};
pub use builder::AwardBuilder;
pub(crate) use builder::{RowTimes, Stamp};
use index::Runs;
pub use roster::Roster;
pub use score::Score;

/// A declared conflict of interest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    /// The juror.
    pub juror: JurorId,
    /// The proposal.
    pub proposal: ProposalId,
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
    /// How each input table was read, where not the plain way: (file, note).
    notes: Vec<(String, String)>,
    /// Scores replaced by a later row (`[input] duplicates = "last"`).
    replaced: Vec<Replaced>,
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

/// A score replaced by a later row for the same juror, proposal and criterion
/// (`[input] duplicates = "last"`): never used, kept for the audit.
#[derive(Clone, Debug, PartialEq)]
pub struct Replaced {
    /// The juror's id.
    pub juror: String,
    /// The proposal's id.
    pub proposal: String,
    /// The criterion's id.
    pub criterion: String,
    /// The score as given (`None`: blank).
    pub raw: Option<f64>,
    /// Its confidence.
    pub confidence: f64,
    /// Where it was given.
    pub at: Location,
    /// Where the score that replaced it was given.
    pub by: Location,
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
    /// How the input tables were read where it was not the plain way (a delimiter other than
    /// a comma, a sheet chosen, columns skipped, rows replaced): each file and a note.
    pub fn input_notes(&self) -> &[(String, String)] {
        &self.notes
    }
    /// The scores replaced by a later row (`[input] duplicates = "last"`), in file order.
    pub fn replaced(&self) -> &[Replaced] {
        &self.replaced
    }
    /// The places of the replaced scores, to name them in the files' own words.
    pub(crate) fn replaced_mut(&mut self) -> &mut [Replaced] {
        &mut self.replaced
    }
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
