//! `Aggregate`: how corrected scores are combined over jurors, spelt one way in
//! `award.toml`, on the command line and in the audit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How corrected scores are combined over jurors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Aggregate {
    /// The mean, weighted by each review's confidence (all 1 when none is given).
    #[default]
    Mean,
    /// The median (the mean of the middle two for an even count); confidence is not used.
    Median,
    /// The mean after dropping `trim` scores at each end; confidence is not used. With
    /// `2 × trim` scores or fewer nothing can be dropped, and the median is used (reported).
    Trimmed,
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Aggregate::Mean => "mean",
            Aggregate::Median => "median",
            Aggregate::Trimmed => "trimmed",
        })
    }
}
