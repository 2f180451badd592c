//! `Method`: how juror bias is corrected, spelt one way in `award.toml`, on the command line
//! and in the audit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How juror bias is corrected.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Method {
    /// Raw scores, uncorrected (what most award platforms do).
    None,
    /// Each juror's scores standardised (population mean and standard deviation), then
    /// mapped back to the pooled mean and spread of all valid scores on the criterion.
    Zscore,
    /// Each score divided by the juror's mean, times the pooled mean (as Reviewr does).
    Ratio,
    /// Each juror's used range stretched to the criterion's scale (as LiveJudge does).
    Minmax,
    /// Each juror's scores turned into percentiles (mid-ranks for ties), placed on the scale:
    /// `min + (max − min) × (rank − ½) / n`.
    Rank,
    /// Least squares fit of `score = value(proposal) + bias(juror)`, jointly over the whole
    /// sparse design, weighted by confidence (MacKay et al. 2017). See [`crate::advanced::fit`].
    Additive,
    /// Fit of `score = scale(juror) × value(proposal) + bias(juror)` on each criterion,
    /// jointly over the design, scales kept positive and shrunk toward 1 for jurors with few
    /// scores (Paul 1981; Roos et al. 2011). A juror's scales on the criteria are pooled
    /// toward one scale of their own, as much as the data show them to agree (empirical
    /// Bayes, [`crate::advanced::fit::fit_affine_pooled`]): a juror's spread is a trait of the juror,
    /// and one criterion's few scores estimate it poorly.
    #[default]
    Affine,
    /// A hierarchical Bayes model of the scores as they are: each score a rounded and clipped
    /// reading of a continuous judgment, each juror one leniency and one scale across all
    /// criteria, a proposal's criteria correlated; sampled by Gibbs sweeps seeded from
    /// `[uncertainty] seed`. Ranks by the posterior mean of the weighted total and gives each
    /// proposal's probability of winning from the posterior (see `docs/methods.md`).
    Bayes,
}

impl Method {
    /// Every method, in a fixed order.
    pub const ALL: [Method; 8] = [
        Method::None,
        Method::Zscore,
        Method::Ratio,
        Method::Minmax,
        Method::Rank,
        Method::Additive,
        Method::Affine,
        Method::Bayes,
    ];
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::None => "none",
            Method::Zscore => "zscore",
            Method::Ratio => "ratio",
            Method::Minmax => "minmax",
            Method::Rank => "rank",
            Method::Additive => "additive",
            Method::Affine => "affine",
            Method::Bayes => "bayes",
        })
    }
}
