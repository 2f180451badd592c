//! Command-line arguments, parsed by clap and resolved onto an award's settings.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jury::{Aggregate, Method, Settings};

/// Judge an innovation award: score proposals against a rubric, correct each juror's bias,
/// rank, name the winners, and write reports that let anyone audit every number.
#[derive(Debug, Parser)]
#[command(name = "jury", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score an award folder: the winners and the ranking, and with --out the audit bundle.
    Score(ScoreArgs),
    /// Check every input file of an award folder; exit 2 if any problem is found.
    Validate {
        /// The award folder (award.toml, scores.csv, ...).
        award_dir: PathBuf,
    },
    /// Winners and ranks under every correction method, side by side, and which winners hold
    /// under all of them.
    Compare {
        /// The award folder.
        award_dir: PathBuf,
        /// What to print on stdout (table or csv).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The panel's reliability per criterion and for the weighted total: Krippendorff's
    /// alpha, ICC and (complete designs) Kendall's W.
    Reliability {
        /// The award folder.
        award_dir: PathBuf,
        /// Also write reliability.csv into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Juror diagnostics: leniency, spread, agreement with the panel, flags, and the
    /// proposals whose reviews disagree so much that they need another reader.
    Jurors(JurorsArgs),
    /// Show a rubric as a briefing table for jurors.
    Rubric {
        /// A rubric file (a [rubric] table, as in rubrics/).
        rubric: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// The award folder (award.toml, scores.csv, ...).
    pub award_dir: PathBuf,
    /// How juror bias is corrected (overrides [normalization] method).
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// How corrected scores are combined over jurors (overrides [ranking] aggregate).
    #[arg(long, value_enum)]
    pub aggregate: Option<Aggregate>,
    /// Scores dropped at each end by the trimmed mean (overrides [ranking] trim).
    #[arg(long)]
    pub trim: Option<usize>,
    /// How many winners (overrides [award] winners).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub winners: Option<u64>,
    /// Minimum valid reviews to be eligible (overrides [ranking] min_reviews).
    #[arg(long)]
    pub min_reviews: Option<usize>,
    /// Seed of every random choice (overrides [uncertainty] seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bootstrap replicates for uncertainty: p_winner and rank and total intervals
    /// (overrides [uncertainty] bootstrap; 0 for none).
    #[arg(long)]
    pub bootstrap: Option<usize>,
    /// Threads for the bootstrap (default: every core). Reports are the same for any count.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Write the audit bundle (ranking.csv, scores.csv, jurors.csv, warnings.csv,
    /// manifest.json) into this folder, atomically.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct JurorsArgs {
    /// The award folder (award.toml, scores.csv, ...).
    pub award_dir: PathBuf,
    /// How juror bias is corrected (overrides [normalization] method).
    #[arg(long, value_enum)]
    pub method: Option<Method>,
}

/// What `jury score` prints on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table of the winners and the ranking.
    Table,
    /// ranking.csv.
    Csv,
    /// The ranking, winners and warnings as JSON.
    Json,
}

impl ScoreArgs {
    /// Applies the flags given over the award's settings.
    pub fn apply(&self, settings: &mut Settings) {
        if let Some(m) = self.method {
            settings.method = m;
        }
        if let Some(a) = self.aggregate {
            settings.aggregate = a;
        }
        if let Some(t) = self.trim {
            settings.trim = t;
        }
        if let Some(w) = self.winners {
            settings.winners = w as usize;
        }
        if let Some(m) = self.min_reviews {
            settings.min_reviews = m;
        }
        if let Some(s) = self.seed {
            settings.seed = s;
        }
        if let Some(b) = self.bootstrap {
            settings.bootstrap = b;
        }
    }
}
