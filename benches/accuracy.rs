//! The accuracy study: how often each correction method finds the true winners of simulated
//! awards, and how well it orders every proposal, next to an oracle that knew every juror's
//! true bias. Prints a markdown report and writes it to `docs/accuracy.md`.
//!
//! Run with `cargo bench --bench accuracy` (a plain `main`, not a criterion bench);
//! `JURY_BAYES_ONLY=1` reruns only the `bayes` section (`JURY_BAYES_SEEDS`, default 300). Seeds run
//! in parallel; each seed's numbers are computed on their own and summed in seed order, so the
//! report does not depend on the number of threads.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use jury::simulate::{simulate, Accuracy, Simulation, SimulationOptions};
use jury::{Award, Method, Outcome, TieRule};
use rayon::prelude::*;

#[path = "accuracy/bayes.rs"]
mod bayes;

/// Simulated awards per scenario (seeds 1 to `SEEDS`, the same in every scenario); the
/// environment's `JURY_ACCURACY_SEEDS` overrides it (for a quick look; the committed tables
/// use 2,000).
const SEEDS: u64 = 2000;

/// `JURY_ACCURACY_SEEDS`, or [`SEEDS`].
fn main_seeds() -> u64 {
    std::env::var("JURY_ACCURACY_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEEDS)
}

/// The methods of the main tables: every method but `bayes`, whose sampler is compared with
/// `affine` on fewer seeds ([`bayes`]).
fn methods() -> Vec<Method> {
    Method::ALL
        .into_iter()
        .filter(|&m| m != Method::Bayes)
        .collect()
}

/// One design of award to simulate.
struct Scenario {
    name: &'static str,
    options: SimulationOptions,
}

fn scenarios() -> Vec<Scenario> {
    let d = SimulationOptions::default;
    vec![
        Scenario {
            name: "similar panels",
            options: SimulationOptions {
                batch_strength: 0.0,
                ..d()
            },
        },
        Scenario {
            name: "different panels (defaults)",
            options: d(),
        },
        Scenario {
            name: "very different panels",
            options: SimulationOptions {
                batch_strength: 1.0,
                ..d()
            },
        },
        Scenario {
            name: "20 jurors, 3 reads",
            options: SimulationOptions {
                jurors: 20,
                reviews: 3,
                ..d()
            },
        },
        Scenario {
            name: "widely differing spreads",
            options: SimulationOptions {
                spread_sd: 0.5,
                ..d()
            },
        },
    ]
}

/// The methods compared: every method, then the oracle.
fn columns() -> Vec<String> {
    let mut names: Vec<String> = methods().iter().map(|m| m.to_string()).collect();
    names.push("oracle".to_string());
    names
}

/// The settings of the study: no eligibility rule can interfere, ties fall to a lottery seeded
/// by the simulation's seed.
fn scored(sim: &Simulation, award: Award, method: Method) -> Accuracy {
    sim.accuracy(&outcome(sim, award, method))
}

/// The award scored with `method` under the study's settings.
fn outcome(sim: &Simulation, mut award: Award, method: Method) -> Outcome {
    let settings = award.settings_mut();
    settings.method = method;
    settings.min_reviews = 0;
    settings.tie_break = vec![TieRule::Lottery];
    settings.seed = sim.options.seed;
    jury::score(&award)
}

/// Every method's accuracy, then the oracle's, on one simulated award.
fn one_seed(options: &SimulationOptions, seed: u64) -> Vec<Accuracy> {
    let sim = simulate(&SimulationOptions {
        seed,
        ..options.clone()
    })
    .expect("the scenarios' options are valid");
    let mut out: Vec<Accuracy> = (methods().iter())
        .map(|&m| scored(&sim, sim.award.clone(), m))
        .collect();
    out.push(scored(&sim, sim.oracle(), Method::None));
    out
}

/// Mean and standard error of the mean (sample standard deviation / √n).
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt() / n.sqrt())
}

/// Per method, each as (mean, standard error) over seeds.
struct Summary {
    /// True winners found.
    found: (f64, f64),
    /// Kendall's tau with the true totals.
    tau: (f64, f64),
    /// Winners found minus the oracle's on the same award.
    versus_oracle: (f64, f64),
}

fn summarise(runs: &[Vec<Accuracy>]) -> Vec<Summary> {
    let oracle = runs[0].len() - 1;
    (0..runs[0].len())
        .map(|k| {
            let found = |r: &Vec<Accuracy>, k: usize| r[k].winners_found as f64;
            let of =
                |f: &dyn Fn(&Vec<Accuracy>) -> f64| -> Vec<f64> { runs.iter().map(f).collect() };
            Summary {
                found: mean_se(&of(&|r| found(r, k))),
                tau: mean_se(&of(&|r| r[k].kendall_tau)),
                versus_oracle: mean_se(&of(&|r| found(r, k) - found(r, oracle))),
            }
        })
        .collect()
}

fn main() {
    let start = Instant::now();
    let scenarios = scenarios();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/accuracy.md");
    // `JURY_BAYES_ONLY=1` reruns only the bayes section, keeping the main tables as written.
    let bayes_only = std::env::var_os("JURY_BAYES_ONLY").is_some();
    let mut report = if bayes_only {
        let old = fs::read_to_string(&path).expect("docs/accuracy.md is readable");
        old.split(bayes::SECTION)
            .next()
            .unwrap_or_default()
            .to_string()
    } else {
        let summaries: Vec<Vec<Summary>> = scenarios
            .iter()
            .map(|s| {
                let runs: Vec<Vec<Accuracy>> = (1..=main_seeds())
                    .into_par_iter()
                    .map(|seed| one_seed(&s.options, seed))
                    .collect();
                summarise(&runs)
            })
            .collect();
        report(&scenarios, &summaries)
    };
    let seeds = bayes::seeds();
    let probes = bayes::probes();
    let paired: Vec<&Scenario> = scenarios.iter().chain(&probes).collect();
    let names: Vec<&str> = paired.iter().map(|s| s.name).collect();
    let studies: Vec<bayes::Study> = (paired.iter())
        .map(|s| bayes::study(&s.options, seeds))
        .collect();
    report += &bayes::report(&names, &studies, seeds);
    print!("{report}");
    fs::write(&path, &report).expect("docs/accuracy.md is writable");
    eprintln!(
        "{} scenarios: {} seeds × {} methods, and {seeds} seeds of bayes, in {:.1} s on {} threads; written to {}",
        scenarios.len(),
        if bayes_only { 0 } else { main_seeds() },
        columns().len(),
        start.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        path.display()
    );
}

fn report(scenarios: &[Scenario], summaries: &[Vec<Summary>]) -> String {
    let d = SimulationOptions::default();
    let (low, high) = ((-1.96 * d.spread_sd).exp(), (1.96 * d.spread_sd).exp());
    let mut r = String::new();
    let _ = write!(
        r,
        "# Accuracy of the correction methods on simulated juries\n\n\
         Written by `cargo bench --bench accuracy` (`benches/accuracy.rs`); rerun it to \
         regenerate this file. The numbers depend only on the code and the seeds, not on the \
         machine or the number of threads.\n\n\
         ## The model\n\n\
         Each award is drawn by `jury::simulate` (see its documentation, or \
         `jury simulate --out DIR` for one folder with its truth). A proposal has a true \
         quality `q = batch offset + N(0, {quality})` and, on each of {criteria} criteria of \
         weight 1, a true value `v = 3 + q + N(0, {criterion})`; its true total is the sum of \
         its values. The proposals are split into {panels} batches whose hidden offsets are \
         spaced evenly from −X to +X, and the jurors into {panels} panels, panel b reading \
         batch b: each read goes to a juror outside the panel with probability {cross}, \
         otherwise to one inside it, in proportion to the juror's appetite (uniform in \
         [0.5, 1.5)), so loads are unequal; the design is connected. Juror j has a leniency \
         `ℓ = N(0, σℓ)` and a spread `s = exp(N(0, σs))`, and scores each criterion \
         `x = 3 + ℓ + s × (v − 3) + N(0, σε)`, rounded to a whole point and clamped to 1–5.\n\n\
         The default parameters are realistic for an award like INELI-Balkans (1–5 scale): \
         60 proposals, 12 jurors, 4 reads per proposal, σℓ = {leniency} (a juror half a point \
         more lenient or harsher is common), σs = {spread} (95 % of spreads between {low:.2} \
         and {high:.2}), σε = {noise}, batch offsets ±{batch}. Nothing is tuned toward any method.\n\n\
         **Methods.** Every method of `jury::Method` scores the award as it is, with the \
         mean as aggregate. The **oracle** corrects every score with the juror's true \
         effects, `(x − 3 − ℓ) / s + 3`, then aggregates the same way \
         (`Simulation::oracle`): what a method that knew each juror's bias would give; \
         noise, rounding and clamping remain. It is a reference, not a ceiling: it weighs every \
         corrected score equally, so the noise of a juror with a narrow spread is magnified by \
         1/s. Settings: 5 winners, `min_reviews = 0`, no \
         thresholds, ties broken by a lottery seeded with the simulation's seed.\n\n\
         **Measures.** *Winners found*: how many of the 5 proposals with the highest true \
         totals are among the top 5 of the method's ranking. *Kendall tau*: Kendall's tau-b \
         between the method's totals and the true totals over all proposals (1: the same \
         order). Each cell is the mean over seeds 1 to {seeds} (the same seeds in every \
         scenario) with its standard error in brackets. The last table gives, award by \
         award, a method's winners found minus the oracle's: its standard error is that of \
         the paired difference, smaller than the tables' above suggest.\n\n",
        quality = d.quality_sd,
        criteria = d.criteria,
        criterion = d.criterion_sd,
        panels = d.panels,
        cross = d.cross_reading,
        leniency = d.leniency_sd,
        spread = d.spread_sd,
        noise = d.noise_sd,
        batch = d.batch_strength,
        seeds = main_seeds(),
    );
    r += "## Scenarios\n\n\
          | scenario | proposals | jurors | reads | panels | batch offsets | σℓ | σs | σε |\n\
          |---|---|---|---|---|---|---|---|---|\n";
    for s in scenarios {
        let o = &s.options;
        let _ = writeln!(
            r,
            "| {} | {} | {} | {} | {} | ±{} | {} | {} | {} |",
            s.name,
            o.proposals,
            o.jurors,
            o.reviews,
            o.panels,
            o.batch_strength,
            o.leniency_sd,
            o.spread_sd,
            o.noise_sd
        );
    }
    type Column = fn(&Summary) -> (f64, f64);
    let tables: [(&str, Column, usize); 3] = [
        ("True winners found (of 5)", |x| x.found, 2),
        ("Kendall tau with the true totals", |x| x.tau, 3),
        (
            "Winners found minus the oracle's, on the same awards",
            |x| x.versus_oracle,
            2,
        ),
    ];
    for (title, pick, decimals) in tables {
        let _ = write!(r, "\n## {title}\n\n| method |");
        for s in scenarios {
            let _ = write!(r, " {} |", s.name);
        }
        r += "\n|---|";
        r += &"---|".repeat(scenarios.len());
        r += "\n";
        for (k, method) in columns().iter().enumerate() {
            let _ = write!(r, "| {method} |");
            for summary in summaries {
                let (mean, se) = pick(&summary[k]);
                let _ = write!(r, " {mean:.decimals$} ({se:.decimals$}) |");
            }
            r += "\n";
        }
    }
    r
}
