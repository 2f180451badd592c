//! The `jury` command line: a thin layer over the library.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use jury::report::{JurorsCsv, RankingCsv, Report, SummaryJson};

use cli::args::{Args, Command, Format, JurorsArgs, ScoreArgs, SimulateArgs};
use cli::progress::{Mode, Stage};

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Score(a) => score(&a),
        Command::Validate { award_dir, format } => validate(&award_dir, format),
        Command::Jurors(a) => jurors(&a),
        Command::Init { dir, rubric } => cli::init::init(&dir, rubric.as_deref()),
        Command::Rubric { rubric } => cli::table::rubric(&rubric),
        Command::Compare { award_dir, format } => compare(&award_dir, format),
        Command::Reliability {
            award_dir,
            out,
            format,
        } => reliability(&award_dir, out.as_deref(), format),
        Command::Report { bundle_dir } => report(&bundle_dir),
        Command::Assign(a) => cli::assign::run(&a),
        Command::Simulate(a) => simulate(&a),
        Command::Completions { shell } => cli::generate::completions(shell),
        Command::Man => cli::generate::man(),
    };
    match result {
        Ok(code) => code,
        Err(e) => cli::fail(&e),
    }
}

/// load the award → apply the flags → score → estimate uncertainty → print → write the
/// audit bundle.
fn score(args: &ScoreArgs) -> Result<ExitCode, jury::Error> {
    if let Some(n) = args.threads {
        // Nothing has started a pool yet: a failure is the system refusing the threads. The
        // reports do not depend on the count.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n as usize)
            .build_global();
        if let Err(e) = pool {
            eprintln!("error: cannot start {n} threads ({e}); give a smaller --threads");
            return Ok(ExitCode::from(1));
        }
    }
    let mut award = cli::load(&args.award_dir)?;
    args.apply(award.settings_mut());
    // The flags are checked as award.toml's settings are: what reaches the stages is valid.
    award.settings().validate(award.rubric())?;
    if let Some(dir) = &args.out {
        cli::check_out_of_award(&args.award_dir, dir)?;
        jury::report::check_bundle_dir(dir)?;
    }
    let mut outcome = jury::score(&award);
    let replicates = award.settings().bootstrap;
    if replicates > 0 {
        let u = uncertainty(&award, &outcome, replicates, args.progress);
        outcome.set_uncertainty(u);
    }
    cli::warn_all(outcome.warnings());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match args.format {
        Format::Table => cli::table::summary(&award, &outcome, args.out.as_deref(), &mut out),
        Format::Csv => RankingCsv.write(&award, &outcome, &mut out),
        Format::Json => SummaryJson::default().write(&award, &outcome, &mut out),
    };
    // Shown before the bundle is written.
    let printed = printed.and_then(|()| out.flush());
    if let Some(dir) = &args.out {
        for note in jury::write_bundle(&award, &outcome, dir)? {
            eprintln!("warning: {note}");
        }
        eprintln!("reports written to {}", dir.display());
    }
    cli::stdout_result(printed)
}

/// The bootstrap and the leave-one-juror-out runs, each stage's progress shown as `mode` says.
fn uncertainty(
    award: &jury::Award,
    outcome: &jury::Outcome,
    replicates: usize,
    mode: Mode,
) -> jury::Uncertainty {
    use jury::advanced::uncertainty::{estimate, Run};
    // Before the progress bars start their thread; rayon's workers have no job since the
    // scoring returned.
    cli::memory::keep_freed_memory();
    let jurors = award.jurors().len();
    let without = Stage::new(mode, "without each juror", "jurors", jurors);
    let bootstrap = Stage::new(mode, "bootstrap", "replicates", replicates);
    without.start();
    let tick = |run: Run| match run {
        Run::WithoutJuror => {
            if without.inc() == jurors as u64 {
                without.finish();
                bootstrap.start();
            }
        }
        Run::Replicate => {
            bootstrap.inc();
        }
    };
    let u = estimate(award, award.settings(), outcome, replicates, &tick);
    without.finish();
    bootstrap.finish();
    u
}

/// read the bundle → draw report.html again, in place.
fn report(dir: &std::path::Path) -> Result<ExitCode, jury::Error> {
    jury::report::write_html(dir)?;
    eprintln!(
        "report drawn: {}",
        dir.join(jury::report::HTML_FILE).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// load the award → score → the juror diagnostics table.
fn jurors(args: &JurorsArgs) -> Result<ExitCode, jury::Error> {
    let mut award = cli::load(&args.award_dir)?;
    if let Some(m) = args.method {
        award.settings_mut().method = m;
    }
    let outcome = jury::score(&award);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match args.format {
        Format::Table => cli::jurors::report(&award, &outcome, &mut out),
        Format::Csv => JurorsCsv.write(&award, &outcome, &mut out),
        Format::Json => cli::json::jurors(&award, &outcome, &mut out),
    };
    cli::stdout_result(printed.and_then(|()| out.flush()))
}

/// Every problem in the inputs, with file and line; exit 2 if any. With `--format csv` or
/// `json` the problems (or, for json, the counts) are printed on stdout too.
fn validate(dir: &std::path::Path, format: Format) -> Result<ExitCode, jury::Error> {
    let loaded = cli::load(dir);
    let (award, problems) = match &loaded {
        Ok(award) => (Some(award), &[][..]),
        Err(e) => (None, e.problems()),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match format {
        Format::Table => Ok(()),
        Format::Csv => cli::json::validation_csv(problems, &mut out),
        Format::Json => cli::json::validation(dir, award, problems, &mut out),
    };
    let printed = cli::stdout_result(printed.and_then(|()| out.flush()));
    let award = loaded?;
    // How the tables were read, where not the plain way (a delimiter, a sheet, columns
    // skipped): what a coordinator checks before scoring.
    for (file, note) in award.input_notes() {
        eprintln!("note: {file}: {note}");
    }
    if format == Format::Table {
        println!(
            "{}: no problems found ({}, {}, {}, {})",
            dir.display(),
            cli::counted(award.proposals().len(), "proposal"),
            cli::counted(award.jurors().len(), "juror"),
            cli::counted(award.scores().len(), "score"),
            cli::counted(award.conflicts().len(), "declared conflict")
        );
    }
    printed
}

/// Every method side by side.
fn compare(dir: &std::path::Path, format: Format) -> Result<ExitCode, jury::Error> {
    let award = cli::load(dir)?;
    let comparison = jury::compare(&award);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match format {
        Format::Table => cli::table::comparison(&award, &comparison, &mut out),
        Format::Csv => cli::table::comparison_csv(&award, &comparison, &mut out),
        Format::Json => cli::json::comparison(&award, &comparison, &mut out),
    };
    cli::stdout_result(printed.and_then(|()| out.flush()))
}

/// The panel's reliability, as a table (or reliability.csv, or JSON), and with --out as
/// reliability.csv alone in a folder of its own, written atomically.
fn reliability(
    dir: &std::path::Path,
    out_dir: Option<&std::path::Path>,
    format: Format,
) -> Result<ExitCode, jury::Error> {
    let award = cli::load(dir)?;
    let report = jury::report::ReliabilityCsv;
    if let Some(out_dir) = out_dir {
        cli::check_out_of_award(dir, out_dir)?;
        jury::report::check_report_dir(&report, out_dir)?;
    }
    let outcome = jury::score(&award);
    if let Some(out_dir) = out_dir {
        for note in jury::report::write_report(&report, &award, &outcome, out_dir)? {
            eprintln!("warning: {note}");
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match format {
        Format::Table => cli::table::reliability(&award, &outcome, &mut out),
        Format::Csv => report.write(&award, &outcome, &mut out),
        Format::Json => cli::json::reliability(&award, &outcome, &mut out),
    };
    cli::stdout_result(printed.and_then(|()| out.flush()))
}

/// draw a simulated award → write it with its truth.
fn simulate(args: &SimulateArgs) -> Result<ExitCode, jury::Error> {
    if let Some(reads) = args.reads {
        return simulate_plan(args, reads as usize);
    }
    let sim = jury::simulate::simulate(&args.options())?;
    jury::simulate::write_folder(&sim, &args.out)?;
    let top: Vec<&str> = (sim.truth.top(sim.award.settings().winners).into_iter())
        .map(|p| sim.award.proposals().id(p))
        .collect();
    println!(
        "{}: {}, {}, {} (seed {}); true top {}: {}",
        args.out.display(),
        cli::counted(sim.award.proposals().len(), "proposal"),
        cli::counted(sim.award.jurors().len(), "juror"),
        cli::counted(sim.award.scores().len(), "score"),
        sim.options.seed,
        top.len(),
        top.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// `jury simulate --reads K [--extra N]`: the plan run on a simulated jury, its last round's
/// award written as a folder, and the true winners each round found.
fn simulate_plan(args: &SimulateArgs, reads: usize) -> Result<ExitCode, jury::Error> {
    use jury::simulate::{simulate_plan, PlanOptions};
    let plan = PlanOptions {
        reads,
        extra: args.extra.unwrap_or(0) as usize,
        aim: jury::assign::Aim::default(),
    };
    let run = simulate_plan(&args.options(), &plan)?;
    jury::simulate::write_folder(&run.simulation, &args.out)?;
    let winners = run.simulation.award.settings().winners;
    println!(
        "{}: {}, {}, {} reads (seed {}); true winners found of {winners}: {} after round 1{}",
        args.out.display(),
        cli::counted(run.simulation.award.proposals().len(), "proposal"),
        cli::counted(run.simulation.award.jurors().len(), "juror"),
        run.reads.len(),
        run.simulation.options.seed,
        run.first.winners_found,
        if plan.extra > 0 {
            format!(", {} after round 2", run.last.winners_found)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}
