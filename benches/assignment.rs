//! The assignment study: at an equal budget of reads, does a second round aimed at the cut
//! find more true winners than spreading the reads evenly? Prints a markdown table and writes
//! it to `docs/assignment-study.md` (included in `docs/assignment.md`).
//!
//! Run with `cargo bench --bench assignment` (a plain `main`, not a criterion bench);
//! `JURY_SEEDS=N` sets the seeds per scenario (default 300), `JURY_SCENARIOS=a,b` runs only
//! the scenarios whose names contain one of those words. Seeds run in parallel; each seed's
//! numbers are computed on their own and summed in seed order, so the table does not depend
//! on the number of threads.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use jury::assign::Aim;
use jury::simulate::{simulate_plan, PlanOptions, SimulationOptions};
use rayon::prelude::*;

/// One design of award to simulate.
struct Scenario {
    name: &'static str,
    options: SimulationOptions,
}

fn scenarios() -> Vec<Scenario> {
    let d = SimulationOptions::default;
    let s = |name, options| Scenario { name, options };
    vec![
        s("60 proposals, 12 jurors (defaults)", d()),
        s(
            "similar panels",
            SimulationOptions {
                batch_strength: 0.0,
                ..d()
            },
        ),
        s(
            "very different panels",
            SimulationOptions {
                batch_strength: 1.0,
                ..d()
            },
        ),
        s("20 jurors", SimulationOptions { jurors: 20, ..d() }),
        s(
            "widely differing spreads",
            SimulationOptions {
                spread_sd: 0.5,
                ..d()
            },
        ),
        s(
            "200 proposals, 30 jurors",
            SimulationOptions {
                proposals: 200,
                jurors: 30,
                ..d()
            },
        ),
    ]
}

/// The plans compared, at 4 reads a proposal (and 5 for reference).
fn plans(proposals: usize) -> Vec<(&'static str, PlanOptions)> {
    let p = |reads, extra, aim| PlanOptions { reads, extra, aim };
    vec![
        ("4 reads", p(4, 0, Aim::Posterior)),
        ("5 reads", p(5, 0, Aim::Posterior)),
        (
            "3 reads + extra (posterior)",
            p(3, proposals, Aim::Posterior),
        ),
        ("3 reads + extra (band)", p(3, proposals, Aim::Band)),
        (
            "3 reads + extra (bootstrap)",
            p(3, proposals, Aim::Bootstrap),
        ),
    ]
}

/// Winners found by every plan on one seed.
fn one_seed(options: &SimulationOptions, seed: u64) -> Vec<f64> {
    let options = SimulationOptions {
        seed,
        ..options.clone()
    };
    plans(options.proposals)
        .iter()
        .map(|(_, plan)| {
            let run = simulate_plan(&options, plan).expect("the scenarios can be planned");
            run.last.winners_found as f64
        })
        .collect()
}

/// Mean and standard error of the mean (sample standard deviation / √n).
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt() / n.sqrt())
}

fn main() {
    let seeds: u64 = std::env::var("JURY_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let only: Vec<String> = std::env::var("JURY_SCENARIOS")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let start = Instant::now();
    let mut table = String::new();
    let names: Vec<&str> = plans(1).iter().map(|(n, _)| *n).collect();
    let _ = writeln!(
        table,
        "| scenario | seeds | {} | extra − 4 reads | extra − 5 reads | posterior − band | posterior − bootstrap |",
        names.join(" | ")
    );
    let _ = writeln!(
        table,
        "|---|---|{}---|---|---|---|",
        "---|".repeat(names.len())
    );
    for s in scenarios() {
        if !only.is_empty() && !only.iter().any(|w| s.name.contains(w.as_str())) {
            continue;
        }
        let t = Instant::now();
        let runs: Vec<Vec<f64>> = (1..=seeds)
            .into_par_iter()
            .map(|seed| one_seed(&s.options, seed))
            .collect();
        let column = |k: usize| -> Vec<f64> { runs.iter().map(|r| r[k]).collect() };
        let diff = |a: usize, b: usize| -> Vec<f64> { runs.iter().map(|r| r[a] - r[b]).collect() };
        let cell = |(m, se): (f64, f64)| format!("{m:.2} ± {se:.2}");
        let mut cells: Vec<String> = (0..names.len())
            .map(|k| cell(mean_se(&column(k))))
            .collect();
        // Paired differences on the same awards: posterior − 4 reads, − 5 reads, − band,
        // − bootstrap.
        for (a, b) in [(2, 0), (2, 1), (2, 3), (2, 4)] {
            let (m, se) = mean_se(&diff(a, b));
            cells.push(format!("{m:+.2} ± {se:.2}"));
        }
        let _ = writeln!(table, "| {} | {seeds} | {} |", s.name, cells.join(" | "));
        eprintln!("{}: {:.1} s", s.name, t.elapsed().as_secs_f64());
    }
    print!("{table}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/assignment-study.md");
    let note = format!(
        "<!-- Written by `cargo bench --bench assignment` (JURY_SEEDS={seeds}); rerun it to regenerate. -->\n\n{table}"
    );
    fs::write(&path, note).expect("docs/assignment-study.md is writable");
    eprintln!(
        "{seeds} seeds in {:.1} s on {} threads; written to {}",
        start.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        path.display()
    );
}
