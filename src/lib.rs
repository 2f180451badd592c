//! `jury` judges innovation awards: it scores proposals against a rubric, corrects each
//! juror's bias, ranks the proposals, names the winners, and writes CSV reports that let
//! anyone audit every number.
//!
//! [`load`] reads an award folder, checking every input, into an [`Award`]; [`score`] runs
//! every stage on it and returns an [`Outcome`]: which scores count, juror-bias correction
//! ([`Method`]), criterion values and totals ([`Aggregate`]), juror diagnostics, eligibility,
//! the ranking (ties broken by a declared chain of [`TieRule`]s) and the winners under
//! `max_per` caps, with every [`Warning`] a coordinator must know. [`report`] writes the
//! audit bundle. The stages one at a time are in [`advanced`]; `docs/architecture.md` maps
//! each stage to its file.
//!
//! # Example
//!
//! ```
//! let award = jury::load("fixtures/ineli-balkans-2016")?;
//! let outcome = jury::score(&award);
//! for p in outcome.winners() {
//!     println!("{} {}", award.proposals().id(p), award.proposals().label(p));
//! }
//! assert_eq!(outcome.winners().len(), 5);
//! # Ok::<(), jury::Error>(())
//! ```
//!
//! [`simulate`] draws awards with a known truth (juror biases, proposal quality), to measure
//! how well each correction method finds the true winners (`docs/accuracy.md`).
//!
//! A platform that holds its scores in memory builds the award with an [`AwardBuilder`]
//! instead of [`load`]; every score passes the same checks.
//!
//! The command-line tool lives behind the default `cli` feature; embedders can depend on
//! `jury` with `default-features = false` and compile none of its dependencies.

#![deny(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod advanced;
mod aggregate;
pub mod assign;
mod award;
mod compare;
mod conflicts;
mod diagnostics;
mod eligibility;
mod error;
mod fit;
mod ids;
mod limits;
mod load;
mod normalize;
mod outcome;
mod rank;
pub mod reliability;
pub mod report;
mod rubric;
mod settings;
pub mod simulate;
#[cfg(test)]
mod testkit;
mod tie_rule;
mod tolerance;
mod tomlfile;
mod uncertainty;
mod util;
mod warnings;
mod winners;

pub use award::{Award, AwardBuilder, Conflict, InputFile, Replaced, Roster, Score};
pub use compare::{compare, Comparison};
pub use conflicts::Status;
pub use diagnostics::{Diagnostics, Flag};
pub use eligibility::Ineligible;
pub use error::{Error, Location, Problem, ProblemKind, Result, Sheet};
pub use ids::{CriterionId, JurorId, ProposalId};
pub use load::{load, load_unscored, read_plan_inputs, PlanInputs, AFFINITY_FILE, ASSIGNMENT_FILE};
pub use outcome::{score, score_with, Cut, Outcome, Uncertainty};
pub use report::write_bundle;
pub use rubric::{Criterion, Rubric, Scale};
pub use settings::{Aggregate, Duplicates, Method, Settings};
pub use tie_rule::TieRule;
pub use warnings::Warning;
pub use winners::Winner;
