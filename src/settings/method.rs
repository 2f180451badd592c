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
    /// Fit of `score = scale(juror) × value(proposal) + bias(juror)` jointly over the
    /// design, one scale per juror on every criterion and one bias per juror and criterion,
    /// scales kept positive and shrunk toward 1 (Paul 1981; Roos et al. 2011): a juror's
    /// spread is a trait of the juror, and one scale keeps every juror's order of their own
    /// weighted totals (unanimity, [`Method::keeps_unanimity`]). A juror who read fewer than
    /// 5 proposals keeps scale 1 (little data, little correction). See
    /// [`crate::advanced::fit::fit_affine_shared`].
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

    /// Whether the method keeps unanimity: on a pair of proposals that the same jurors read,
    /// each scoring every criterion of both, with the mean as aggregate and no confidence
    /// weights, A gets the higher total whenever every juror's weighted total puts A above
    /// B. It holds for the methods that correct each juror by one increasing map of the form
    /// `(raw − bias) / scale` with the same `scale` on every criterion (`none`, `additive`,
    /// `affine`); the others correct each criterion apart and can break it
    /// (docs/methods.md, "Unanimity").
    pub const fn keeps_unanimity(self) -> bool {
        match self {
            Method::None | Method::Additive | Method::Affine => true,
            // `bayes` shares one scale per juror too, but its posterior mean weighs a juror's
            // criteria through their correlation, not by the rubric's weights alone.
            Method::Zscore | Method::Ratio | Method::Minmax | Method::Rank | Method::Bayes => false,
        }
    }
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
