//! Conflicts of interest: which scores count.
//!
//! A score does not count when its juror declared a conflict with the proposal
//! (`conflicts.csv`), or when the juror and the proposal share the value of an attribute named
//! in `[conflicts] same` (a juror never scores a library of their own country, say). Such
//! scores are kept in the audit with status `conflict` and never inform any estimate, the
//! juror's own correction included.

use std::fmt;

use rayon::prelude::*;

use crate::award::{Award, Score};
use crate::ids::{JurorId, ProposalId};

/// What became of one input score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Counted.
    Used,
    /// Not counted: a conflict of interest.
    Conflict,
    /// A blank cell: no score was given.
    Missing,
}

impl Status {
    /// The word reports use: `used`, `conflict` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Used => "used",
            Status::Conflict => "conflict",
            Status::Missing => "missing",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of every score of the award, in [`Award::scores`] order.
pub fn statuses(award: &Award) -> Vec<Status> {
    let rule = SameRule::new(award);
    // Each rule is looked up only when the award has it.
    let conflicts = award.conflicts();
    let declared = |s: &Score| {
        let key = (s.juror(), s.proposal());
        let search = || conflicts.binary_search_by(|c| (c.juror, c.proposal).cmp(&key));
        !conflicts.is_empty() && search().is_ok()
    };
    let same = !rule.attributes.is_empty();
    let shared = |s: &Score| same && rule.shared(s.juror_index(), s.proposal_index()).is_some();
    award
        .scores()
        .par_iter()
        .with_min_len(1 << 14)
        .map(|s| {
            if declared(s) || shared(s) {
                Status::Conflict
            } else if s.raw().is_none() {
                Status::Missing
            } else {
                Status::Used
            }
        })
        .collect()
}

/// Why a juror may not score a proposal, or `None` when they may. To ask about many pairs,
/// build [`Reasons`] once.
pub fn conflict_reason(award: &Award, juror: usize, proposal: usize) -> Option<String> {
    Reasons::new(award).reason(juror, proposal)
}

/// The conflict rules of an award, looked up once, to explain many scores.
pub struct Reasons<'a> {
    award: &'a Award,
    rule: SameRule<'a>,
}

impl<'a> Reasons<'a> {
    /// The rules of `award`.
    pub fn new(award: &'a Award) -> Reasons<'a> {
        Reasons {
            award,
            rule: SameRule::new(award),
        }
    }

    /// Why the juror may not score the proposal, or `None` when they may.
    pub fn reason(&self, juror: usize, proposal: usize) -> Option<String> {
        let conflicts = self.award.conflicts();
        let key = (JurorId::from(juror), ProposalId::from(proposal));
        if let Ok(i) = conflicts.binary_search_by(|c| (c.juror, c.proposal).cmp(&key)) {
            let reason = &conflicts[i].reason;
            return Some(if reason.is_empty() {
                "declared conflict".to_string()
            } else {
                format!("declared conflict: {reason}")
            });
        }
        self.rule
            .shared(juror, proposal)
            .map(|(name, value)| format!("same {name} ({value})"))
    }
}

/// The `[conflicts] same` rule, with each attribute looked up once per juror and proposal.
struct SameRule<'a> {
    attributes: Vec<SameAttribute<'a>>,
}

/// An attribute's name and its value for every juror and every proposal.
type SameAttribute<'a> = (&'a str, Vec<Option<&'a str>>, Vec<Option<&'a str>>);

impl<'a> SameRule<'a> {
    fn new(award: &'a Award) -> SameRule<'a> {
        let attributes = award
            .settings()
            .conflicts_same
            .iter()
            .map(|name| {
                let j = (0..award.jurors().len())
                    .map(|i| award.jurors().attribute(i, name))
                    .collect();
                let p = (0..award.proposals().len())
                    .map(|i| award.proposals().attribute(i, name))
                    .collect();
                (name.as_str(), j, p)
            })
            .collect();
        SameRule { attributes }
    }

    /// The first attribute the juror and the proposal share, with its value.
    fn shared(&self, juror: usize, proposal: usize) -> Option<(&'a str, &'a str)> {
        self.attributes
            .iter()
            .find_map(|(name, j, p)| match (j[juror], p[proposal]) {
                (Some(a), Some(b)) if crate::util::text::same_ignoring_case(a, b) => {
                    Some((*name, a))
                }
                _ => None,
            })
    }
}
