//! `jury` judges innovation awards: it scores proposals against a rubric, corrects each
//! juror's bias, ranks the proposals, names the winners, and writes CSV reports that let
//! anyone audit every number.
//!
//! The pipeline, one module per stage:
//! [`load`] the award folder (checking every input) → [`conflicts`] (which scores count) →
//! [`normalize`] (juror-bias correction) → [`aggregate`] (criterion values and totals) →
//! [`diagnostics`] (juror agreement and flags, proposals that need another reader) →
//! [`eligibility`] (thresholds, `pass_total`, `min_reviews`) → [`rank`] (ties broken by a
//! declared chain) → [`winners`] (top N under `max_per` caps) → [`report`] (the audit bundle).
//! [`score`] runs every stage and returns an [`Outcome`].
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

pub mod advanced;
mod aggregate;
mod award;
mod compare;
mod conflicts;
mod diagnostics;
mod eligibility;
mod error;
mod fit;
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
mod tie_rule;
mod tolerance;
mod tomlfile;
mod uncertainty;
mod util;
mod warnings;
mod winners;

pub use award::{Award, AwardBuilder, Conflict, InputFile, Roster, Score};
pub use compare::{compare, Comparison};
pub use conflicts::Status;
pub use diagnostics::{Diagnostics, Flag};
pub use error::{Error, Location, Problem, ProblemKind, Result};
pub use load::load;
pub use outcome::{score, score_with, Outcome, Uncertainty};
pub use report::write_bundle;
pub use rubric::{Criterion, Rubric, Scale};
pub use settings::{Aggregate, Method, Settings};
pub use tie_rule::TieRule;
pub use warnings::Warning;
pub use winners::Winner;
