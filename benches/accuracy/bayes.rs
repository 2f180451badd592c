//! `bayes` against `affine` on the same simulated awards (paired seeds), and the calibration
//! of `bayes`'s probability of winning: fewer seeds than the main tables, since the sampler
//! costs a few tenths of a second an award. `JURY_BAYES_SEEDS` sets how many (default 300).

use std::fmt::Write as _;

use jury::simulate::{simulate, SimulationOptions};
use jury::{Method, ProposalId};
use rayon::prelude::*;

use super::{mean_se, outcome, Scenario};

/// Seeds of the paired study: `JURY_BAYES_SEEDS`, or 300.
pub fn seeds() -> u64 {
    std::env::var("JURY_BAYES_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

/// The heading the section starts with (the main tables end before it).
pub const SECTION: &str = "\n## bayes against affine, on the same awards";

/// The edges of the calibration bins of `p_winner`.
const BINS: [f64; 8] = [0.0, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0 + 1e-9];

/// Two designs beside the main scenarios, for the paired study only: "20 jurors, 3 reads"
/// without batch offsets, and with half of the reads across panels. Where panels read batches
/// of different strength and each juror reads few proposals, a prior of every value about 0
/// puts part of a batch's strength into its panel's leniency (the batch levels of the model
/// are there for that, `docs/methods.md`); these show how much of a loss there is that.
pub fn probes() -> Vec<Scenario> {
    let twenty = || SimulationOptions {
        jurors: 20,
        reviews: 3,
        ..SimulationOptions::default()
    };
    vec![
        Scenario {
            name: "20 jurors, 3 reads, no batch offsets",
            options: SimulationOptions {
                batch_strength: 0.0,
                ..twenty()
            },
        },
        Scenario {
            name: "20 jurors, 3 reads, half read across",
            options: SimulationOptions {
                cross_reading: 0.5,
                ..twenty()
            },
        },
    ]
}

/// What one scenario's paired study found.
pub struct Study {
    /// Per seed: (affine's winners found, bayes's, affine's tau, bayes's tau).
    runs: Vec<[f64; 4]>,
    /// Every proposal of every award: (bayes's p_winner, whether it is a true winner).
    calibration: Vec<(f64, bool)>,
}

/// One seed's (affine's winners found, bayes's, affine's tau, bayes's tau) and calibration.
type SeedRun = ([f64; 4], Vec<(f64, bool)>);

/// Scores seeds 1 to `seeds` of the scenario with `affine` and with `bayes`.
pub fn study(options: &SimulationOptions, seeds: u64) -> Study {
    let per_seed: Vec<SeedRun> = (1..=seeds)
        .into_par_iter()
        .map(|seed| {
            let sim = simulate(&SimulationOptions {
                seed,
                ..options.clone()
            })
            .expect("the scenarios' options are valid");
            let affine = sim.accuracy(&outcome(&sim, sim.award.clone(), Method::Affine));
            let o = outcome(&sim, sim.award.clone(), Method::Bayes);
            let bayes = sim.accuracy(&o);
            let truth = sim.truth.top(sim.award.settings().winners);
            let u = o
                .uncertainty()
                .expect("bayes gives its posterior's probabilities");
            let calibration = (0..sim.award.proposals().len())
                .map(|p| (u.p_winner(ProposalId::from(p)), truth.contains(&p)))
                .collect();
            let found = |n: usize| n as f64;
            (
                [
                    found(affine.winners_found),
                    found(bayes.winners_found),
                    affine.kendall_tau,
                    bayes.kendall_tau,
                ],
                calibration,
            )
        })
        .collect();
    let mut study = Study {
        runs: Vec::new(),
        calibration: Vec::new(),
    };
    for (run, calibration) in per_seed {
        study.runs.push(run);
        study.calibration.extend(calibration);
    }
    study
}

/// The paired table and the calibration table, in markdown.
pub fn report(names: &[&str], studies: &[Study], seeds: u64) -> String {
    let mut r = String::new();
    let _ = write!(
        r,
        "{SECTION}\n\n\
         Seeds 1 to {seeds} of each scenario (`JURY_BAYES_SEEDS=N cargo bench --bench accuracy` \
         for more), each award scored by `affine` and by `bayes` (its seed the simulation's). \
         Each cell is the mean over seeds, with the standard error of the mean in brackets; \
         a gain is `bayes` minus `affine` award by award, with the standard error of the \
         paired difference. The last two columns are not scenarios of the tables above but \
         probes of the design \"20 jurors, 3 reads\": the same without batch offsets \
         (panels that read batches of equal strength), and with half of the reads across \
         panels (batch offsets ±0.5 as there); `docs/methods.md` (\"Why not with \
         20 jurors reading 3\") reads them.\n\n| measure |"
    );
    for name in names {
        let _ = write!(r, " {name} |");
    }
    r += "\n|---|";
    r += &"---|".repeat(names.len());
    r += "\n";
    type Pick = fn(&[f64; 4]) -> f64;
    let rows: [(&str, Pick, usize); 6] = [
        ("winners found, affine", |x| x[0], 2),
        ("winners found, bayes", |x| x[1], 2),
        ("winners found, gain", |x| x[1] - x[0], 3),
        ("Kendall tau, affine", |x| x[2], 4),
        ("Kendall tau, bayes", |x| x[3], 4),
        ("Kendall tau, gain", |x| x[3] - x[2], 4),
    ];
    for (label, pick, decimals) in rows {
        let _ = write!(r, "| {label} |");
        for study in studies {
            let xs: Vec<f64> = study.runs.iter().map(pick).collect();
            let (mean, se) = mean_se(&xs);
            let _ = write!(r, " {mean:.decimals$} ({se:.decimals$}) |");
        }
        r += "\n";
    }
    r += &calibration(names, studies);
    r
}

/// Binned `p_winner` against the share of true winners, per scenario.
fn calibration(names: &[&str], studies: &[Study]) -> String {
    let mut r = String::from(
        "\n## Calibration of bayes's probability of winning\n\n\
         Every proposal of every award above, binned by its `p_winner` under `bayes`: in each \
         bin, how many proposals, their mean `p_winner`, and the share of them that truly \
         were among the 5 best (its binomial standard error in brackets).\n\n\
         | scenario | p_winner | proposals | mean p_winner | true winners | difference |\n\
         |---|---|---|---|---|---|\n",
    );
    for (name, study) in names.iter().zip(studies) {
        for bin in BINS.windows(2) {
            let inside: Vec<&(f64, bool)> = (study.calibration.iter())
                .filter(|(p, _)| *p >= bin[0] && *p < bin[1])
                .collect();
            let n = inside.len() as f64;
            if n == 0.0 {
                continue;
            }
            let predicted = inside.iter().map(|(p, _)| p).sum::<f64>() / n;
            let observed = inside.iter().filter(|(_, t)| *t).count() as f64 / n;
            let se = (observed * (1.0 - observed) / n).sqrt();
            let _ = writeln!(
                r,
                "| {name} | {:.2}–{:.2} | {} | {predicted:.3} | {observed:.3} ({se:.3}) | {:+.3} |",
                bin[0],
                bin[1].min(1.0),
                inside.len(),
                observed - predicted
            );
        }
    }
    r
}
