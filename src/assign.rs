//! Planning who reads what: a first round of `K` reads per proposal, and later rounds of extra
//! reads aimed at the proposals whose place among the winners is least certain.
//!
//! Every plan keeps these rules (`docs/assignment.md` gives the reasons and the study behind
//! the second round):
//! * no juror ever reads a proposal they are conflicted with (`conflicts.csv` or
//!   `[conflicts] same`), and no juror reads a proposal twice, over all rounds;
//! * in the first round every proposal gets exactly `K` distinct readers;
//! * loads are as even as the constraints allow: when the capacities and conflicts permit,
//!   the most and the least loaded jurors differ by at most one read; a juror's capacity is
//!   never exceeded (capacities count every round's reads);
//! * readers are mixed: each reader of a proposal is chosen among those who have read least
//!   often with its other readers, so the co-reading graph is connected and jurors change
//!   partners ([`Mixing`] measures it);
//! * with affinities, among the jurors that keep the rules for a read, the higher affinity
//!   is taken first, then improved by exchanges that keep every rule ([`Setup::affinity`]);
//! * the same award, setup and seed give the same plan on any number of threads (the
//!   planning is sequential; only scoring, for a later round, runs in parallel, and it is
//!   itself thread-count independent).
//!
//! A request that cannot keep the rules (a proposal with fewer non-conflicted jurors than `K`,
//! capacities below the reads asked for) is refused with [`Error::Invalid`], whose problems
//! name the proposals or jurors at fault and the numbers.

use crate::award::Award;
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::ids::{JurorId, ProposalId};
use crate::outcome::Outcome;

#[cfg(test)]
mod affinity_tests;
mod connect;
mod eligible;
#[cfg(test)]
mod exchange;
mod first;
mod flow;
mod loads;
mod mixing;
mod next;
mod optimal;
mod state;
#[cfg(test)]
mod tests;

pub use mixing::{mixing, Mixing};
pub use next::{Aim, Pick, BOOTSTRAP_REPLICATES};

/// One read of the plan: a juror reads a proposal in a round (1 for the first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Read {
    /// The juror.
    pub juror: JurorId,
    /// The proposal.
    pub proposal: ProposalId,
    /// The round, from 1.
    pub round: u32,
}

/// What a plan needs beyond the award: the jurors' capacities, affinities and the seed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Setup {
    /// The most reads each juror takes over all rounds, by juror position (`None`: no
    /// limit). Shorter than the roster: the rest have no limit.
    pub capacity: Vec<Option<usize>>,
    /// How well a juror matches a proposal: higher is better, absent is 0. Among plans that
    /// keep the rules, reads go to higher affinities first.
    pub affinity: Vec<(JurorId, ProposalId, f64)>,
    /// The seed of every random choice (ties between equally good jurors, proposal order).
    pub seed: u64,
}

/// A round's plan: its reads, how the loads fell, and for a later round which proposals got
/// the extra reads and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The round planned (1 for the first).
    pub round: u32,
    /// The round's reads, sorted by juror then proposal.
    pub reads: Vec<Read>,
    /// Each juror's reads over every round so far, this one included.
    pub loads: Vec<usize>,
    /// Each proposal's reads over every round so far (earlier reads and scores included).
    pub per_proposal: Vec<usize>,
    /// Juror–proposal pairs left out for a conflict of interest, over the whole award.
    pub conflicts_avoided: usize,
    /// The co-reading graph of every round so far, this one included.
    pub mixing: Mixing,
    /// For a later round: the proposals that got extra reads, most uncertain first.
    pub picks: Vec<Pick>,
}

/// The first round: `reads` distinct readers for every proposal (see the module
/// documentation for the rules). Refused with every problem when the rules cannot be kept.
///
/// ```
/// let award = jury::load("fixtures/ineli-balkans-2016")?;
/// let plan = jury::assign::first_round(&award, &jury::assign::Setup::default(), 3)?;
/// assert_eq!(plan.reads.len(), 3 * award.proposals().len());
/// assert_eq!(plan.mixing.components, 1);
/// # Ok::<(), jury::Error>(())
/// ```
pub fn first_round(award: &Award, setup: &Setup, reads: usize) -> Result<Plan> {
    first::plan(award, setup, reads)
}

/// A later round: `extra` more reads for the proposals whose place among the winners
/// `outcome` (the award scored as it stands) leaves least certain, chosen by `aim`. A juror
/// never gets a proposal they read before (in `previous`, or with a score in the award) or are
/// conflicted with; capacities count every round. The round is one past the highest in
/// `previous` (2 when `previous` is empty).
pub fn next_round(
    award: &Award,
    outcome: &Outcome,
    previous: &[Read],
    setup: &Setup,
    extra: usize,
    aim: Aim,
) -> Result<Plan> {
    next::plan(award, outcome, previous, setup, extra, aim)
}

/// A problem with the request as a whole, named by what is asked (`--reads`, `--extra`).
fn refused(what: &str, value: usize, message: String) -> Problem {
    Problem::new(
        ProblemKind::Setting,
        Location {
            file: "assignment request".into(),
            line: None,
            column: Some(what.to_string()),
            sheet: None,
        },
        message,
    )
    .with_value(value.to_string())
}

/// The error of a refused request.
fn invalid(problems: Vec<Problem>) -> Error {
    Error::Invalid(problems)
}
