//! The `jury` command line: a thin layer over the library.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use jury::report::{RankingCsv, Report, SummaryJson};

use cli::args::{Args, Command, Format, ScoreArgs, SimulateArgs};

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Score(a) => score(&a),
        Command::Validate { award_dir } => validate(&award_dir),
        Command::Rubric { rubric } => cli::table::rubric(&rubric),
        Command::Simulate(a) => simulate(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => cli::fail(&e),
    }
}

/// load the award → apply the flags → score → print → write the audit bundle.
fn score(args: &ScoreArgs) -> Result<ExitCode, jury::Error> {
    let mut award = jury::load(&args.award_dir)?;
    args.apply(award.settings_mut());
    let outcome = jury::score(&award);
    for warning in &outcome.warnings {
        cli::warn(warning);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = match args.format {
        Format::Table => cli::table::summary(&award, &outcome, &mut out),
        Format::Csv => RankingCsv.write(&award, &outcome, &mut out),
        Format::Json => SummaryJson.write(&award, &outcome, &mut out),
    };
    if let Some(dir) = &args.out {
        jury::write_bundle(&award, &outcome, dir)?;
        eprintln!("reports written to {}", dir.display());
    }
    cli::stdout_result(printed.and_then(|()| out.flush()))
}

/// Every problem in the inputs, with file and line; exit 2 if any.
fn validate(dir: &std::path::Path) -> Result<ExitCode, jury::Error> {
    let award = jury::load(dir)?;
    println!(
        "{}: no problems found ({} proposals, {} jurors, {} scores, {} declared conflicts)",
        dir.display(),
        award.proposals().len(),
        award.jurors().len(),
        award.scores().len(),
        award.conflicts().len()
    );
    Ok(ExitCode::SUCCESS)
}

/// draw a simulated award → write it with its truth.
fn simulate(args: &SimulateArgs) -> Result<ExitCode, jury::Error> {
    let sim = jury::simulate::simulate(&args.options())?;
    jury::simulate::write_folder(&sim, &args.out)?;
    let top: Vec<&str> = (sim.truth.top(sim.award.settings().winners).into_iter())
        .map(|p| sim.award.proposals().id(p))
        .collect();
    println!(
        "{}: {} proposals, {} jurors, {} scores (seed {}); true top {}: {}",
        args.out.display(),
        sim.award.proposals().len(),
        sim.award.jurors().len(),
        sim.award.scores().len(),
        sim.options.seed,
        top.len(),
        top.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
