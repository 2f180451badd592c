//! `jury assign`: load → plan the round → write the reads and sheets → print the summary.

use std::io::{self, Write};
use std::process::ExitCode;

use jury::assign::{first_round, next_round, Plan};
use jury::{Award, Error, Location, Problem, ProblemKind};
use serde::Serialize;

use super::args::{AssignArgs, Format};

/// Runs `jury assign`.
pub fn run(args: &AssignArgs) -> Result<ExitCode, Error> {
    let award = super::load_unscored(&args.award_dir)?;
    let seed = args.seed.unwrap_or(award.settings().seed);
    let inputs = jury::read_plan_inputs(&args.award_dir, &award, seed)?;
    if let Some(dir) = &args.sheets {
        jury::report::check_new_or_empty(dir)?;
    }
    let plan = match (args.reads, args.extra) {
        (_, Some(extra)) => {
            if award.scores().is_empty() {
                return Err(usage(
                    "extra",
                    "a later round needs the scores so far: scores.csv has none (or is missing); plan a first round with --reads K",
                ));
            }
            let outcome = jury::score(&award);
            super::warn_all(outcome.warnings());
            let aim = args.aim.aim();
            next_round(&award, &outcome, &inputs.previous, &inputs.setup, extra as usize, aim)?
        }
        (Some(k), None) => first_round(&award, &inputs.setup, k as usize)?,
        (None, None) => match award.settings().assignment_reads {
            Some(k) => first_round(&award, &inputs.setup, k)?,
            None => {
                return Err(usage(
                    "reads",
                    "say which round to plan: --reads K for the first, --extra N for more reads (or set [assignment] reads in award.toml)",
                ))
            }
        },
    };
    jury::report::write_plan_files(
        &award,
        &plan.reads,
        args.out.as_deref(),
        args.sheets.as_deref(),
    )?;
    let format = args.format.unwrap_or(if args.out.is_some() {
        Format::Table
    } else {
        Format::Csv
    });
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = match format {
        Format::Csv => summary(&award, &plan, &mut io::stderr())
            .and_then(|()| jury::report::write_reads(&award, &plan.reads, &mut out)),
        Format::Table => summary(&award, &plan, &mut out),
        Format::Json => json(&award, &plan, &mut out),
    };
    super::stdout_result(printed.and_then(|()| out.flush()))
}

/// A usage problem: exit 2, nothing written.
fn usage(flag: &str, message: &str) -> Error {
    let at = Location {
        file: "command line".into(),
        line: None,
        column: Some(format!("--{flag}")),
        sheet: None,
    };
    Error::Invalid(vec![Problem::new(ProblemKind::Setting, at, message)])
}

/// Minimum, median (the lower middle) and maximum.
fn spread(mut xs: Vec<usize>) -> (usize, usize, usize) {
    xs.sort_unstable();
    match xs.len() {
        0 => (0, 0, 0),
        n => (xs[0], xs[(n - 1) / 2], xs[n - 1]),
    }
}

/// The terminal summary: reads per proposal, loads, conflicts avoided, connectivity, and for
/// a later round which proposals got the extra reads and why.
fn summary(award: &Award, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let per = spread(plan.per_proposal.clone());
    let load = spread(plan.loads.clone());
    let m = plan.mixing;
    writeln!(
        out,
        "Round {}: {} reads planned for {} proposals and {} jurors",
        plan.round,
        plan.reads.len(),
        award.proposals().len(),
        award.jurors().len()
    )?;
    writeln!(
        out,
        "  reads per proposal (all rounds): min {}, median {}, max {}",
        per.0, per.1, per.2
    )?;
    writeln!(
        out,
        "  load per juror (all rounds):     min {}, median {}, max {}",
        load.0, load.1, load.2
    )?;
    writeln!(
        out,
        "  conflicts avoided: {} juror–proposal pairs",
        plan.conflicts_avoided
    )?;
    let share = if m.possible_pairs == 0 {
        0.0
    } else {
        100.0 * m.pairs as f64 / m.possible_pairs as f64
    };
    writeln!(
        out,
        "  co-reading: {} component{} among {} reading jurors; {} of {} juror pairs co-read ({share:.0}%)",
        m.components,
        if m.components == 1 { "" } else { "s" },
        m.reading,
        m.pairs,
        m.possible_pairs
    )?;
    if !plan.picks.is_empty() {
        writeln!(out, "  extra reads went to (most uncertain first):")?;
        writeln!(
            out,
            "    {:<12} {:>6} {:>9} {:>8} {:>7}",
            "proposal", "extra", "total", "p_winner", "reviews"
        )?;
        for p in &plan.picks {
            let total = p.total.map_or("-".to_string(), jury::report::number);
            writeln!(
                out,
                "    {:<12} {:>6} {:>9} {:>8.3} {:>7}",
                award.proposals().id(p.proposal),
                p.extra,
                total,
                p.p_winner,
                p.reviews
            )?;
        }
    }
    Ok(())
}

/// `jury.assign/1` (docs/json.md).
#[derive(Serialize)]
struct AssignJson<'a> {
    schema: &'static str,
    round: u32,
    reads: Vec<ReadJson<'a>>,
    reads_per_proposal: MinMedianMax,
    load_per_juror: MinMedianMax,
    conflicts_avoided: usize,
    mixing: jury::assign::Mixing,
    picks: Vec<PickJson<'a>>,
}

#[derive(Serialize)]
struct ReadJson<'a> {
    juror: &'a str,
    proposal: &'a str,
    round: u32,
}

#[derive(Serialize)]
struct MinMedianMax {
    min: usize,
    median: usize,
    max: usize,
}

#[derive(Serialize)]
struct PickJson<'a> {
    proposal: &'a str,
    extra: usize,
    reviews: usize,
    total: Option<f64>,
    p_winner: f64,
}

fn json(award: &Award, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mmm = |(min, median, max)| MinMedianMax { min, median, max };
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    let doc = AssignJson {
        schema: "jury.assign/1",
        round: plan.round,
        reads: (plan.reads.iter())
            .map(|r| ReadJson {
                juror: award.jurors().id(r.juror),
                proposal: award.proposals().id(r.proposal),
                round: r.round,
            })
            .collect(),
        reads_per_proposal: mmm(spread(plan.per_proposal.clone())),
        load_per_juror: mmm(spread(plan.loads.clone())),
        conflicts_avoided: plan.conflicts_avoided,
        mixing: plan.mixing,
        picks: (plan.picks.iter())
            .map(|p| PickJson {
                proposal: award.proposals().id(p.proposal),
                extra: p.extra,
                reviews: p.reviews,
                total: p.total.filter(|t| t.is_finite()).map(round6),
                p_winner: round6(p.p_winner),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
