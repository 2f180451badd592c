//! The stages one at a time, for platforms that run part of the pipeline themselves and for
//! studies of the methods. Scoring an award needs none of it: [`crate::score`] runs every
//! stage, and [`crate::Outcome`] holds what they found.
//!
//! Each child module re-exports one stage's entry points and results, in pipeline order:
//! [`conflicts`] → [`normalize`] → [`aggregate`] → [`diagnostics`] → [`eligibility`] →
//! [`rank`] → [`winners`] → [`uncertainty`]; [`fit`] holds the numerical fits behind the
//! `additive` and `affine` methods. Their indices are positions in the award's lists
//! ([`crate::Award::scores`], [`crate::Roster`]). These items may change between minor
//! versions more readily than the root's.

/// Which scores count: conflicts of interest and missing scores.
pub mod conflicts {
    pub use crate::conflicts::{conflict_reason, statuses, Reasons};
}

/// Juror-bias correction, criterion by criterion.
pub mod normalize {
    pub use crate::normalize::{correct, correct_counted, correct_seeded, Correction, JurorEffect};
    pub use crate::normalize::{AFFINE_MIN_PROPOSALS, AFFINE_SHRINKAGE};
}

/// A proposal's criterion values and total from its corrected scores.
pub mod aggregate {
    pub use crate::aggregate::ProposalValues;
    pub use crate::aggregate::{aggregate, aggregate_counted, median, trimmed_mean};
}

/// Per juror: leniency, spread, agreement and flags; proposals that need another reader.
pub mod diagnostics {
    pub use crate::diagnostics::{diagnose, Home, JurorDiagnostics, JurorFlag};
    pub use crate::diagnostics::{pearson, ProposalDiagnostics, MIN_AGREEMENT_PAIRS};
    /// The thresholds of the juror flags (straight-lining, halo, outlier, home bias).
    pub use crate::diagnostics::{HALO_MIN_REVIEWS, HALO_SHARE, HOME_BIAS_MIN_SCORES};
    pub use crate::diagnostics::{HOME_BIAS_SHARE, MAD_TO_SD, OUTLIER_MADS, OUTLIER_MIN_MARGIN};
    pub use crate::diagnostics::{OUTLIER_MIN_PANEL, OUTLIER_NEGATIVE_MEDIAN};
    pub use crate::diagnostics::{STRAIGHT_LINING_MIN_SCORES, STRAIGHT_LINING_SPREAD};
}

/// Thresholds, `pass_total` and `min_reviews`.
pub mod eligibility {
    pub use crate::eligibility::{raw_ranges, reasons, RawRanges};
}

/// The ranking, ties broken by the declared chain.
pub mod rank {
    pub use crate::rank::{rank, Ranking, Tie};
}

/// The top N eligible proposals under `max_per` caps.
pub mod winners {
    pub use crate::winners::{select, PassedOver, Selection};
}

/// The bootstrap over reviews and the winners without each juror.
pub mod uncertainty {
    pub use crate::outcome::{cut_reading, score_counted};
    pub use crate::uncertainty::{estimate, Run, INTERVAL_TAIL};
}

/// The joint least-squares fits of the `additive` and `affine` methods, on any sparse design.
pub mod fit {
    pub use crate::fit::{
        components, fit_additive, fit_affine, fit_affine_pooled, fit_affine_shared,
    };
    pub use crate::fit::{sample, BayesCriterion, BayesOptions, BayesScore, Posterior, RHAT_POOR};
    pub use crate::fit::{AdditiveFit, AffineFit, AffineOptions, Components, FitOptions};
    pub use crate::fit::{Observation, PooledAffineFit, SharedAffineFit, Solver};
}

/// Numeric tolerances and the limits on an award's size, in one place.
pub mod limits {
    pub use crate::limits::{MAX_BOOTSTRAP, MAX_CRITERIA, MAX_JURORS, MAX_TRIM};
    pub use crate::settings::{DEFAULT_DISAGREEMENT, DEFAULT_WINNERS};
    pub use crate::tolerance::{same, STEP, TIE};
}

/// The files of an award folder, and how their digests are taken.
pub mod files {
    pub use crate::load::{AWARD_FILE, CONFLICTS_FILE, JURORS_FILE, PROPOSALS_FILE, SCORES_FILE};
    pub use crate::util::digest::sha256;
}
