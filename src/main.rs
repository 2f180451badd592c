//! The `jury` command line: a thin layer over the library.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use jury::report::{RankingCsv, Report, SummaryJson};

use cli::args::{Args, Command, Format, JurorsArgs, ScoreArgs};

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Score(a) => score(&a),
        Command::Validate { award_dir } => validate(&award_dir),
        Command::Jurors(a) => jurors(&a),
        Command::Rubric { rubric } => cli::table::rubric(&rubric),
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

/// load the award → score → the juror diagnostics table.
fn jurors(args: &JurorsArgs) -> Result<ExitCode, jury::Error> {
    let mut award = jury::load(&args.award_dir)?;
    if let Some(m) = args.method {
        award.settings_mut().method = m;
    }
    let outcome = jury::score(&award);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let printed = cli::jurors::report(&award, &outcome, &mut out);
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
