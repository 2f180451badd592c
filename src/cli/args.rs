//! Command-line arguments, parsed by clap and resolved onto an award's settings.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jury::simulate::SimulationOptions;
use jury::{Aggregate, Method, Settings};

use super::help;
use super::progress::Mode;

/// Judge an innovation award: score proposals against a rubric, correct each juror's bias,
/// rank, name the winners, and write reports that let anyone audit every number.
#[derive(Debug, Parser)]
#[command(name = "jury", version, about, long_about = None, after_help = help::JURY)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score an award folder: the winners and the ranking, and with --out the audit bundle.
    #[command(after_help = help::SCORE)]
    Score(ScoreArgs),
    /// Check every input file of an award folder; exit 2 if any problem is found.
    #[command(after_help = help::VALIDATE)]
    Validate {
        /// The award folder (award.toml, scores.csv, ...).
        award_dir: PathBuf,
        /// What to print on stdout: the counts, or the problems found.
        #[arg(short, long, value_parser = help::plain::<Format>(), default_value = "table", help_heading = "Output")]
        format: Format,
    },
    /// Winners and ranks under every correction method, side by side, and which winners hold
    /// under all of them.
    #[command(after_help = help::COMPARE)]
    Compare {
        /// The award folder.
        award_dir: PathBuf,
        /// What to print on stdout.
        #[arg(short, long, value_parser = help::plain::<Format>(), default_value = "table", help_heading = "Output")]
        format: Format,
    },
    /// The panel's reliability per criterion and for the weighted total: Krippendorff's
    /// alpha, ICC and (complete designs) Kendall's W.
    #[command(after_help = help::RELIABILITY)]
    Reliability {
        /// The award folder.
        award_dir: PathBuf,
        /// Also write reliability.csv, alone and atomically, into this folder: a new or empty
        /// one, or one holding only an earlier reliability.csv (replaced).
        #[arg(short, long, help_heading = "Output")]
        out: Option<PathBuf>,
        /// What to print on stdout.
        #[arg(short, long, value_parser = help::plain::<Format>(), default_value = "table", help_heading = "Output")]
        format: Format,
    },
    /// Draw report.html again from an audit bundle (a folder written by `jury score --out`):
    /// the same bytes the bundle was written with.
    #[command(after_help = help::REPORT)]
    Report {
        /// The bundle folder.
        bundle_dir: PathBuf,
    },
    /// Juror diagnostics: leniency, spread, agreement with the panel, flags, and the
    /// proposals whose reviews disagree so much that they need another reader.
    #[command(after_help = help::JURORS)]
    Jurors(JurorsArgs),
    /// Write a new award folder: award.toml with a rubric inline, and empty lists to fill in.
    #[command(after_help = help::INIT)]
    Init {
        /// The folder to write (new, or empty).
        dir: PathBuf,
        /// A shipped rubric (ineli-balkans, horizon-europe-ria, horizon-europe-ia) or a rubric
        /// file, copied into award.toml (default: ineli-balkans).
        #[arg(short, long)]
        rubric: Option<String>,
    },
    /// Show a rubric as a briefing table for jurors.
    #[command(after_help = help::RUBRIC)]
    Rubric {
        /// A rubric file (a [rubric] table, as in rubrics/).
        rubric: PathBuf,
    },
    /// Plan who reads what: a first round (--reads K), or extra reads aimed at the
    /// proposals whose place among the winners is least certain (--extra N).
    #[command(after_help = help::ASSIGN)]
    Assign(AssignArgs),
    /// Write a simulated award folder with its truth (truth.csv, jurors_truth.csv).
    #[command(after_help = help::SIMULATE)]
    Simulate(SimulateArgs),
    /// Print a shell completion script on stdout (bash, zsh, fish, powershell, elvish).
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff, on stdout.
    #[command(after_help = help::MAN)]
    Man,
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// The award folder (award.toml, scores.csv, ...).
    pub award_dir: PathBuf,
    /// How juror bias is corrected (overrides [normalization] method).
    #[arg(short, long, value_parser = help::plain::<Method>(), help_heading = "Method")]
    pub method: Option<Method>,
    /// How corrected scores are combined over jurors (overrides [ranking] aggregate).
    #[arg(long, value_parser = help::plain::<Aggregate>(), help_heading = "Method")]
    pub aggregate: Option<Aggregate>,
    /// Scores dropped at each end by the trimmed mean (overrides [ranking] trim).
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=jury::advanced::limits::MAX_TRIM as u64), help_heading = "Method")]
    pub trim: Option<u64>,
    /// How many winners (overrides [award] winners).
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Method")]
    pub winners: Option<u64>,
    /// Minimum valid reviews to be eligible (overrides [ranking] min_reviews).
    #[arg(long, help_heading = "Method")]
    pub min_reviews: Option<usize>,
    /// Seed of every random choice (overrides [uncertainty] seed).
    #[arg(short, long, help_heading = "Uncertainty")]
    pub seed: Option<u64>,
    /// Bootstrap replicates for uncertainty: p_winner and rank and total intervals
    /// (overrides [uncertainty] bootstrap; 0 for none).
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=jury::advanced::limits::MAX_BOOTSTRAP as u64), help_heading = "Uncertainty")]
    pub bootstrap: Option<u64>,
    /// Threads for the bootstrap (default: every core; at most 1024). Reports are the same for
    /// any count.
    #[arg(short = 'j', long, value_parser = clap::value_parser!(u64).range(1..=1024), help_heading = "Uncertainty")]
    pub threads: Option<u64>,
    /// How progress of the bootstrap is shown on stderr: auto (bars on a terminal, otherwise a
    /// line every 5 s once a stage has run 5 s), always (plain lines), never.
    #[arg(long, value_parser = help::plain::<Mode>(), default_value = "auto", help_heading = "Uncertainty")]
    pub progress: Mode,
    /// Write the audit bundle (ranking.csv, scores.csv, jurors.csv, warnings.csv,
    /// manifest.json) into this folder, atomically.
    #[arg(short, long, help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(short, long, value_parser = help::plain::<Format>(), default_value = "table", help_heading = "Output")]
    pub format: Format,
}

/// `jury assign`: the first round or a later one.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("round").args(["reads", "extra"]))]
pub struct AssignArgs {
    /// The award folder (award.toml, proposals.csv, jurors.csv; scores.csv for --extra).
    pub award_dir: PathBuf,
    /// First round: this many distinct readers for every proposal (default: [assignment]
    /// reads).
    #[arg(short, long, value_parser = clap::value_parser!(u64).range(1..=10_000), help_heading = "Plan")]
    pub reads: Option<u64>,
    /// Later round: this many extra reads, aimed at the proposals whose place among the
    /// winners is least certain (needs scores.csv; earlier rounds from assignment.csv).
    #[arg(short, long, value_parser = clap::value_parser!(u64).range(1..=100_000_000), help_heading = "Plan")]
    pub extra: Option<u64>,
    /// How a later round chooses where the extra reads go.
    #[arg(long, value_parser = help::plain::<AimArg>(), default_value = "posterior", help_heading = "Plan")]
    pub aim: AimArg,
    /// Seed of every random choice (default: [uncertainty] seed).
    #[arg(short, long, help_heading = "Plan")]
    pub seed: Option<u64>,
    /// Write the reads (juror,proposal,round) to this file, atomically, instead of stdout.
    #[arg(short, long, help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Write one blank score sheet per juror into this new or empty folder
    /// (DIR/<juror id>.csv: juror,proposal,<criterion ids>).
    #[arg(long, help_heading = "Output")]
    pub sheets: Option<PathBuf>,
    /// What to print on stdout [default: csv (the reads) without --out, table with it].
    #[arg(short, long, value_parser = help::plain::<Format>(), help_heading = "Output")]
    pub format: Option<Format>,
}

/// How a later round aims (`--aim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AimArg {
    /// Proposals whose estimated chance of winning is nearest one half, weighed by what one
    /// more read adds.
    Posterior,
    /// The 2W + 2 proposals nearest the cut in the ranking, served in turn.
    Band,
    /// As posterior, with each proposal's bootstrap p_winner ([uncertainty] bootstrap
    /// replicates, or 200) as its chance.
    Bootstrap,
}

impl AimArg {
    /// The library's aim.
    pub fn aim(self) -> jury::assign::Aim {
        match self {
            AimArg::Posterior => jury::assign::Aim::Posterior,
            AimArg::Band => jury::assign::Aim::Band,
            AimArg::Bootstrap => jury::assign::Aim::Bootstrap,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct JurorsArgs {
    /// The award folder (award.toml, scores.csv, ...).
    pub award_dir: PathBuf,
    /// How juror bias is corrected (overrides [normalization] method).
    #[arg(short, long, value_parser = help::plain::<Method>(), help_heading = "Method")]
    pub method: Option<Method>,
    /// What to print on stdout.
    #[arg(short, long, value_parser = help::plain::<Format>(), default_value = "table", help_heading = "Output")]
    pub format: Format,
}

/// What a command prints on stdout (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    Table,
    /// CSV: score ranking.csv, jurors jurors.csv, reliability reliability.csv, compare one row
    /// a proposal, validate one row a problem.
    Csv,
    /// One JSON document; its schema field names it and its version (docs/json.md, at
    /// https://github.com/jury-awards/jury).
    Json,
}

impl ScoreArgs {
    /// Applies the flags given over the award's settings. The counts are bounded when parsed
    /// (by the library's limits), so they fit a `usize`; the caller checks the result with
    /// [`Settings::validate`], as `award.toml`'s settings are checked on reading.
    pub fn apply(&self, settings: &mut Settings) {
        if let Some(m) = self.method {
            settings.method = m;
        }
        if let Some(a) = self.aggregate {
            settings.aggregate = a;
        }
        if let Some(t) = self.trim {
            settings.trim = t as usize;
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
            settings.bootstrap = b as usize;
        }
    }
}

/// `jury simulate`: each flag overrides one default of [`SimulationOptions`].
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The folder to write (new or empty).
    #[arg(short, long, help_heading = "Output")]
    pub out: PathBuf,
    /// Proposals [default: 60].
    #[arg(long)]
    pub proposals: Option<usize>,
    /// Jurors [default: 12].
    #[arg(long)]
    pub jurors: Option<usize>,
    /// Readers of each proposal [default: 4].
    #[arg(long)]
    pub reviews: Option<usize>,
    /// Criteria, each of weight 1, scored 1–5 [default: 5].
    #[arg(long)]
    pub criteria: Option<usize>,
    /// Seed of every draw [default: 0].
    #[arg(short, long)]
    pub seed: Option<u64>,
    /// Standard deviation of juror leniency, in score points [default: 0.5].
    #[arg(long)]
    pub leniency: Option<f64>,
    /// Standard deviation of the logarithm of juror spread [default: 0.25].
    #[arg(long)]
    pub spread: Option<f64>,
    /// Standard deviation of the noise on each score [default: 0.6].
    #[arg(long)]
    pub noise: Option<f64>,
    /// Strength of the batches the panels read: offsets from −X to +X [default: 0.5].
    #[arg(long)]
    pub batches: Option<f64>,
    /// Plan the reads as jury assign does instead: a first round of this many reads per
    /// proposal (then --extra), and report how many true winners each round found.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help_heading = "Plan")]
    pub reads: Option<u64>,
    /// With --reads: this many extra reads in a second round aimed at the cut.
    #[arg(long, requires = "reads", help_heading = "Plan")]
    pub extra: Option<u64>,
}

impl SimulateArgs {
    /// The default options with the flags given applied over them.
    pub fn options(&self) -> SimulationOptions {
        let d = SimulationOptions::default();
        SimulationOptions {
            proposals: self.proposals.unwrap_or(d.proposals),
            jurors: self.jurors.unwrap_or(d.jurors),
            reviews: self.reviews.unwrap_or(d.reviews),
            criteria: self.criteria.unwrap_or(d.criteria),
            seed: self.seed.unwrap_or(d.seed),
            leniency_sd: self.leniency.unwrap_or(d.leniency_sd),
            spread_sd: self.spread.unwrap_or(d.spread_sd),
            noise_sd: self.noise.unwrap_or(d.noise_sd),
            batch_strength: self.batches.unwrap_or(d.batch_strength),
            // Three panels, or one per juror or proposal when there are fewer (there is no
            // flag for them: a small award simply has fewer).
            panels: d
                .panels
                .min(self.jurors.unwrap_or(d.jurors).max(1))
                .min(self.proposals.unwrap_or(d.proposals).max(1)),
            ..d
        }
    }
}
