//! Simulated awards with a known truth: a seeded generator of award folders from a
//! latent-quality model, to measure how well each correction method finds the true winners.
//!
//! # The model
//! Every standard deviation is in score points; `m` is the midpoint of the scale (3 on the
//! default 1–5 scale).
//!
//! * **Batches and panels.** The proposals are split at random into `panels` batches, and the
//!   jurors into `panels` panels, each of (nearly) equal size; panel `b` reads mostly batch `b`.
//!   Batch `b` of `B` has a hidden strength offset, evenly spaced from `−batch_strength` (the
//!   first) to `+batch_strength` (the last); 0 when there is one batch.
//! * **Quality.** Proposal `p` has a quality `q = offset(batch) + N(0, quality_sd)` and, on each
//!   criterion, a true value `v = m + q + N(0, criterion_sd)`: criteria are correlated around the
//!   proposal's quality. Every criterion weighs 1, so the true total is `Σ v`.
//! * **Jurors.** Juror `j` has a leniency `ℓ = N(0, leniency_sd)`, a spread
//!   `s = exp(N(0, spread_sd))` and an appetite `a`, uniform in `[0.5, 1.5)`, that sets how many
//!   proposals they take on. Leniency and spread are the same on every criterion.
//! * **Design.** Each proposal gets `reviews` distinct readers, drawn one by one: a read goes,
//!   with probability `cross_reading`, to a juror outside the batch's panel, otherwise to one in
//!   it (to the other side when one side has nobody left), choosing among the candidates in
//!   proportion to appetite. The design is drawn again until it is connected and every juror
//!   reads, at most [`MAX_DESIGNS`] times.
//! * **Scores.** Juror `j` scores proposal `p` on each criterion
//!   `x = m + ℓ + s × (v − m) + N(0, noise_sd)`, rounded half up to the scale's step and clamped
//!   to its range (on a scale without a step: rounded to 6 decimals, clamped). In the terms of
//!   [`crate::advanced::normalize`], `x = s × v + bias` with `bias = ℓ + m × (1 − s)`.
//!
//! # Measuring a method
//! [`Simulation::accuracy`] compares an outcome with the truth (true winners found, Kendall's
//! tau); [`Simulation::oracle`] is the award corrected by the true juror effects.
//!
//! # Reproducibility
//! Every draw comes from one [`rand_chacha::ChaCha8Rng`] seeded with `seed`, in a fixed order
//! (batches, panels, proposals, jurors, design, scores), through basic arithmetic only: the
//! same options give the same award, and [`write_folder`] the same bytes, on any machine.
//!
//! # Example
//! ```
//! use jury::simulate::{simulate, SimulationOptions};
//!
//! let sim = simulate(&SimulationOptions { seed: 7, ..SimulationOptions::default() })?;
//! let outcome = jury::score(&sim.award);
//! let accuracy = sim.accuracy(&outcome);
//! assert!(accuracy.winners_found <= 5);
//! assert!(accuracy.kendall_tau > 0.5);
//! # Ok::<(), jury::Error>(())
//! ```

mod accuracy;
mod design;
mod draw;
mod folder;
mod plan;

use std::path::PathBuf;

use crate::award::{Award, AwardBuilder};
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::limits::{MAX_CRITERIA, MAX_JURORS};
use crate::rubric::{Rubric, Scale};
use crate::settings::{Settings, DEFAULT_WINNERS};
use crate::tolerance;
use draw::Draws;

pub use accuracy::Accuracy;
pub use folder::{write_folder, JURORS_TRUTH_FILE, TRUTH_FILE};
pub use plan::{simulate_plan, PlanOptions, PlannedRun};

/// How many times a design is drawn before [`simulate`] gives up on a connected one.
pub const MAX_DESIGNS: usize = 1000;

/// What to simulate. [`SimulationOptions::default`] gives a realistic award: 60 proposals,
/// 12 jurors in 3 panels, 4 reads per proposal, 5 criteria on a 1–5 scale.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationOptions {
    /// Proposals (default 60).
    pub proposals: usize,
    /// Jurors (default 12; at most [`MAX_JURORS`], the most an award can hold).
    pub jurors: usize,
    /// Readers of each proposal, at most `jurors` (default 4).
    pub reviews: usize,
    /// Criteria, each of weight 1 (default 5; at most [`MAX_CRITERIA`], the most a rubric can
    /// have).
    pub criteria: usize,
    /// The scale of every criterion (default 1 to 5 in steps of 1).
    pub scale: Scale,
    /// The seed of every draw (default 0).
    pub seed: u64,
    /// Panels of jurors, and as many batches of proposals (default 3).
    pub panels: usize,
    /// The probability that a read goes to a juror outside the batch's panel (default 0.25).
    pub cross_reading: f64,
    /// Batch offsets run from `−batch_strength` to `+batch_strength` (default 0.5).
    pub batch_strength: f64,
    /// Standard deviation of proposal quality within a batch (default 0.6).
    pub quality_sd: f64,
    /// Standard deviation of a criterion value around the proposal's quality (default 0.4).
    pub criterion_sd: f64,
    /// Standard deviation of juror leniency (default 0.5).
    pub leniency_sd: f64,
    /// Standard deviation of the logarithm of juror spread (default 0.25: 95 % of spreads
    /// between 0.61 and 1.63).
    pub spread_sd: f64,
    /// Standard deviation of the noise on each score (default 0.6).
    pub noise_sd: f64,
}

impl Default for SimulationOptions {
    fn default() -> SimulationOptions {
        SimulationOptions {
            proposals: 60,
            jurors: 12,
            reviews: 4,
            criteria: 5,
            scale: Scale {
                min: 1.0,
                max: 5.0,
                step: Some(1.0),
            },
            seed: 0,
            panels: 3,
            cross_reading: 0.25,
            batch_strength: 0.5,
            quality_sd: 0.6,
            criterion_sd: 0.4,
            leniency_sd: 0.5,
            spread_sd: 0.25,
            noise_sd: 0.6,
        }
    }
}

impl SimulationOptions {
    /// Checks the options, reporting every problem, each named by its option.
    pub fn check(&self) -> Result<()> {
        let mut problems = Vec::new();
        let mut bad = |option: &str, value: String, message: &str| {
            let at = option_location(option);
            problems.push(Problem::new(ProblemKind::Setting, at, message).with_value(value));
        };
        let counts = [
            ("proposals", self.proposals, 1, u32::MAX as usize),
            ("jurors", self.jurors, 1, MAX_JURORS),
            ("reviews", self.reviews, 1, self.jurors),
            ("criteria", self.criteria, 1, MAX_CRITERIA),
            ("panels", self.panels, 1, self.jurors.min(self.proposals)),
        ];
        for (option, n, lo, hi) in counts {
            if n < lo || n > hi {
                let message = format!("{option} must be a whole number from {lo} to {hi}");
                bad(option, n.to_string(), &message);
            }
        }
        let scores = self
            .proposals
            .saturating_mul(self.reviews)
            .saturating_mul(self.criteria);
        if scores > MAX_SIMULATED_SCORES {
            let message = format!(
                "proposals × reviews × criteria is {scores} scores, more than a simulation writes ({MAX_SIMULATED_SCORES}); simulate fewer"
            );
            bad("proposals", self.proposals.to_string(), &message);
        }
        let sds = [
            ("batch_strength", self.batch_strength),
            ("quality_sd", self.quality_sd),
            ("criterion_sd", self.criterion_sd),
            ("leniency_sd", self.leniency_sd),
            ("spread_sd", self.spread_sd),
            ("noise_sd", self.noise_sd),
        ];
        for (option, x) in sds {
            // Far past any real jury, and small enough that sums of draws stay finite.
            if !(0.0..=MAX_SD).contains(&x) {
                bad(
                    option,
                    // 1e308 as written, not its 309 digits.
                    if x.abs() >= 1e15 {
                        format!("{x:e}")
                    } else {
                        x.to_string()
                    },
                    "must be a number from 0 to 1000000 (in points of the scale)",
                );
            }
        }
        if !(0.0..=1.0).contains(&self.cross_reading) {
            let value = self.cross_reading.to_string();
            bad("cross_reading", value, "must be a probability, from 0 to 1");
        }
        let s = self.scale;
        let step_ok = match s.step {
            Some(step) => step.is_finite() && step > 0.0,
            None => true,
        };
        if !(s.min.is_finite() && s.max.is_finite() && s.min < s.max && step_ok) {
            let message = "must have finite min < max and a positive step (or none)";
            bad("scale", s.to_string(), message);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }
}

/// The most scores a simulation writes: 100 million, some 2.5 GB of `scores.csv`, far past
/// any award that planning needs (a larger count would run the machine out of memory
/// before it said so).
pub const MAX_SIMULATED_SCORES: usize = 100_000_000;

/// The largest standard deviation or batch strength a simulation takes, in points of the
/// scale.
const MAX_SD: f64 = 1e6;

/// Where a problem with option `option` is reported: "simulation options", column `option`.
fn option_location(option: &str) -> Location {
    Location {
        column: Some(option.to_string()),
        ..Location::file(PathBuf::from("simulation options"))
    }
}

/// A simulated award and the truth behind it.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// The options it was drawn from.
    pub options: SimulationOptions,
    /// The award: proposals `P01…`, jurors `J01…` (index `i` in the rosters is the `i`-th
    /// drawn), criteria `c1…` of weight 1, settings with 5 winners and every other default.
    pub award: Award,
    /// What the jurors could not see.
    pub truth: Truth,
}

/// The truth of a simulated award; proposals and jurors by roster index.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// Each batch's hidden strength offset.
    pub offsets: Vec<f64>,
    /// Each proposal's batch.
    pub batch: Vec<usize>,
    /// Each proposal's quality, its batch offset included.
    pub quality: Vec<f64>,
    /// True criterion values, `values[proposal * criteria + criterion]`.
    pub values: Vec<f64>,
    /// Each proposal's true total, `Σ` of its values (every weight is 1).
    pub totals: Vec<f64>,
    /// Each juror's panel.
    pub panel: Vec<usize>,
    /// Each juror's leniency `ℓ`: their shift at the scale's midpoint.
    pub leniency: Vec<f64>,
    /// Each juror's spread `s`.
    pub spread: Vec<f64>,
    /// Each juror's appetite: how many proposals they take on, relatively.
    pub appetite: Vec<f64>,
}

impl Truth {
    /// The `n` proposals with the highest true totals, best first.
    pub fn top(&self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.totals.len()).collect();
        order.sort_by(|&a, &b| self.totals[b].total_cmp(&self.totals[a]).then(a.cmp(&b)));
        order.truncate(n);
        order
    }
}

/// Draws an award from the model (see the [module documentation](self)).
pub fn simulate(options: &SimulationOptions) -> Result<Simulation> {
    options.check()?;
    let o = options;
    let mut draws = Draws::new(o.seed);
    let batch = design::groups(&mut draws, o.proposals, o.panels);
    let panel = design::groups(&mut draws, o.jurors, o.panels);
    let m = midpoint(&o.scale);
    let offsets: Vec<f64> = (0..o.panels)
        .map(|b| match o.panels {
            1 => 0.0,
            n => o.batch_strength * (2.0 * b as f64 - (n - 1) as f64) / (n - 1) as f64,
        })
        .collect();
    let mut quality = Vec::with_capacity(o.proposals);
    let mut values = Vec::with_capacity(o.proposals * o.criteria);
    for &b in &batch {
        let q = offsets[b] + o.quality_sd * draws.normal();
        quality.push(q);
        for _ in 0..o.criteria {
            values.push(m + q + o.criterion_sd * draws.normal());
        }
    }
    let totals = values.chunks(o.criteria).map(|v| v.iter().sum()).collect();
    let (mut leniency, mut spread, mut appetite) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..o.jurors {
        leniency.push(o.leniency_sd * draws.normal());
        spread.push(draw::exp(o.spread_sd * draws.normal()));
        appetite.push(0.5 + draws.uniform());
    }
    let readers = design::design(&mut draws, o, &batch, &panel, &appetite)?;
    let truth = Truth {
        offsets,
        batch,
        quality,
        values,
        totals,
        panel,
        leniency,
        spread,
        appetite,
    };
    let award = build(&mut draws, o, &truth, &readers);
    Ok(Simulation {
        options: o.clone(),
        award,
        truth,
    })
}

/// Draws the scores and builds the award.
fn build(draws: &mut Draws, o: &SimulationOptions, t: &Truth, readers: &[Vec<usize>]) -> Award {
    let rubric = Rubric::from_toml_str(&rubric_toml(o.criteria, &o.scale))
        .expect("checked options give a valid rubric");
    let settings = Settings {
        name: award_name(o.seed),
        winners: DEFAULT_WINNERS,
        ..Settings::default()
    };
    let m = midpoint(&o.scale);
    let mut b = AwardBuilder::new(rubric, settings);
    for (p, &batch) in t.batch.iter().enumerate() {
        let title = format!("Simulated proposal {}", p + 1);
        b.proposal(
            &proposal_id(o, p),
            &title,
            &[("batch", &(batch + 1).to_string())],
        );
    }
    for (j, &panel) in t.panel.iter().enumerate() {
        let name = format!("Simulated juror {}", j + 1);
        b.juror(
            &juror_id(o, j),
            &name,
            &[("panel", &(panel + 1).to_string())],
        );
    }
    for (p, js) in readers.iter().enumerate() {
        for &j in js {
            for c in 0..o.criteria {
                let v = t.values[p * o.criteria + c];
                let x = m + t.leniency[j] + t.spread[j] * (v - m) + o.noise_sd * draws.normal();
                let score = on_scale(x, &o.scale);
                b.score(
                    &juror_id(o, j),
                    &proposal_id(o, p),
                    &criterion_id(c),
                    Some(score),
                );
            }
        }
    }
    b.finish()
        .expect("simulated scores are on the scale and unique")
}

/// `x` rounded half up to the scale's step (or to 6 decimals without one) and clamped.
fn on_scale(x: f64, scale: &Scale) -> f64 {
    match scale.step {
        Some(step) => {
            let top = ((scale.max - scale.min) / step + tolerance::STEP).floor();
            let k = ((x - scale.min) / step + 0.5).floor().clamp(0.0, top);
            scale.min + k * step
        }
        // k / 10⁶ is the number whose 6-decimal text reads back as itself.
        None => ((x * 1e6).round() / 1e6).clamp(scale.min, scale.max),
    }
}

fn midpoint(scale: &Scale) -> f64 {
    (scale.min + scale.max) / 2.0
}

/// Ids padded to the width of the largest, so that sorted ids keep the drawn order.
fn id(prefix: char, i: usize, n: usize) -> String {
    let width = n.to_string().len().max(2);
    format!("{prefix}{:0width$}", i + 1)
}

fn proposal_id(o: &SimulationOptions, p: usize) -> String {
    id('P', p, o.proposals)
}

fn juror_id(o: &SimulationOptions, j: usize) -> String {
    id('J', j, o.jurors)
}

fn criterion_id(c: usize) -> String {
    format!("c{}", c + 1)
}

fn award_name(seed: u64) -> String {
    format!("Simulated award (seed {seed})")
}

/// The rubric as TOML: `criteria` criteria `c1…` of weight 1 on `scale`.
fn rubric_toml(criteria: usize, scale: &Scale) -> String {
    let step = scale
        .step
        .map_or(String::new(), |s| format!(", step = {}", toml_number(s)));
    let (min, max) = (toml_number(scale.min), toml_number(scale.max));
    let mut t = format!(
        "[rubric]\nname = \"Simulated rubric\"\nscale = {{ min = {min}, max = {max}{step} }}\n"
    );
    for c in 0..criteria {
        let (id, n) = (criterion_id(c), c + 1);
        t += &format!(
            "\n[[rubric.criterion]]\nid = \"{id}\"\nname = \"Criterion {n}\"\nweight = 1\n"
        );
    }
    t
}

/// A number as TOML reads it back exactly: whole numbers plainly, others in Rust's shortest
/// round-trip form.
fn toml_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Method;

    pub(super) fn sim(options: SimulationOptions) -> Simulation {
        simulate(&options).unwrap()
    }

    pub(super) fn seeded(seed: u64) -> Simulation {
        sim(SimulationOptions {
            seed,
            ..SimulationOptions::default()
        })
    }

    /// A scale wide enough that nothing is clamped, without a step, midpoint 0.
    pub(super) const WIDE: Scale = Scale {
        min: -100.0,
        max: 100.0,
        step: None,
    };

    /// (juror, proposal, criterion, score) of every score.
    pub(super) fn scores(award: &Award) -> Vec<(usize, usize, usize, f64)> {
        (award.scores().iter())
            .map(|s| {
                (
                    s.juror_index(),
                    s.proposal_index(),
                    s.criterion_index(),
                    s.raw().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let o = SimulationOptions::default();
        assert_eq!(
            (o.proposals, o.jurors, o.reviews, o.criteria),
            (60, 12, 4, 5)
        );
        assert_eq!(
            (o.scale.min, o.scale.max, o.scale.step),
            (1.0, 5.0, Some(1.0))
        );
        assert_eq!(
            (o.seed, o.panels, o.cross_reading, o.batch_strength),
            (0, 3, 0.25, 0.5)
        );
        assert_eq!((o.quality_sd, o.criterion_sd), (0.6, 0.4));
        assert_eq!((o.leniency_sd, o.spread_sd, o.noise_sd), (0.5, 0.25, 0.6));
        let s = seeded(0);
        assert_eq!(s.award.settings().winners, 5);
        assert_eq!(s.award.settings().method, Method::default());
        let ids: Vec<&str> = s
            .award
            .rubric()
            .criteria
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
        assert!(s.award.rubric().criteria.iter().all(|c| c.weight == 1.0));
    }

    #[test]
    fn the_same_seed_draws_the_same_award_and_another_seed_another() {
        let (a, b, c) = (seeded(11), seeded(11), seeded(12));
        assert_eq!(scores(&a.award), scores(&b.award));
        assert_eq!(a.truth, b.truth);
        assert_ne!(scores(&a.award), scores(&c.award));
        assert_ne!(a.truth.totals, c.truth.totals);
    }

    #[test]
    fn batches_and_panels_split_evenly_with_evenly_spaced_offsets() {
        let s = seeded(5);
        for b in 0..3 {
            assert_eq!(s.truth.batch.iter().filter(|&&x| x == b).count(), 20);
            assert_eq!(s.truth.panel.iter().filter(|&&x| x == b).count(), 4);
        }
        assert_eq!(s.truth.offsets, vec![-0.5, 0.0, 0.5]);
        // Four batches of strength 1: 1 × (2b − 3) / 3 for b = 0..3.
        let four = sim(SimulationOptions {
            panels: 4,
            batch_strength: 1.0,
            ..SimulationOptions::default()
        });
        let want = [-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0];
        for (got, want) in four.truth.offsets.iter().zip(want) {
            assert!((got - want).abs() < 1e-15, "{got} vs {want}");
        }
        let one = sim(SimulationOptions {
            panels: 1,
            ..SimulationOptions::default()
        });
        assert_eq!(one.truth.offsets, vec![0.0]);
    }

    #[test]
    fn scores_are_whole_points_from_1_to_5() {
        let s = seeded(8);
        for (_, _, _, x) in scores(&s.award) {
            assert!((1.0..=5.0).contains(&x) && x.fract() == 0.0, "{x}");
        }
    }

    #[test]
    fn scores_are_rounded_half_up_to_the_step_and_clamped() {
        let points = Scale {
            min: 1.0,
            max: 5.0,
            step: Some(1.0),
        };
        assert_eq!(on_scale(2.5, &points), 3.0);
        assert_eq!(on_scale(2.49, &points), 2.0);
        assert_eq!(on_scale(0.2, &points), 1.0);
        assert_eq!(on_scale(7.0, &points), 5.0);
        let halves = Scale {
            step: Some(0.5),
            ..points
        };
        // (2.26 − 1) / 0.5 = 2.52 → 3 steps → 2.5.
        assert_eq!(on_scale(2.26, &halves), 2.5);
        assert_eq!(on_scale(1.234_567_89, &WIDE), 1.234_568);
        assert_eq!(on_scale(250.0, &WIDE), 100.0);
    }

    #[test]
    fn a_noiseless_unbiased_jury_gives_the_true_values() {
        // Midpoint 0, leniency 0, spread e⁰ = 1, noise 0: x = 0 + 0 + 1 × (v − 0) + 0 = v,
        // then rounded to 6 decimals.
        let s = sim(SimulationOptions {
            scale: WIDE,
            leniency_sd: 0.0,
            spread_sd: 0.0,
            noise_sd: 0.0,
            ..SimulationOptions::default()
        });
        assert!(s.truth.spread.iter().all(|&x| x == 1.0));
        for (_, p, c, x) in scores(&s.award) {
            assert!((x - s.truth.values[p * 5 + c]).abs() <= 5e-7);
        }
    }

    #[test]
    fn bad_options_are_each_named() {
        let err = simulate(&SimulationOptions {
            reviews: 13,
            noise_sd: -1.0,
            cross_reading: 2.0,
            ..SimulationOptions::default()
        })
        .unwrap_err();
        let mut named: Vec<&str> = (err.problems().iter())
            .filter_map(|p| p.location.column.as_deref())
            .collect();
        named.sort_unstable();
        assert_eq!(named, ["cross_reading", "noise_sd", "reviews"]);
        assert!(err.to_string().contains("from 1 to 12"), "{err}");
    }

    #[test]
    fn criteria_and_jurors_are_refused_past_what_an_award_can_hold() {
        // MAX_CRITERIA and MAX_JURORS, the crate's limits, bound the options: beyond them the
        // options are refused, never the rubric or award built from them by an `expect`
        // (`jury simulate --criteria 257` must not panic).
        let most = SimulationOptions {
            criteria: MAX_CRITERIA,
            ..SimulationOptions::default()
        };
        assert!(most.check().is_ok());
        let err = simulate(&SimulationOptions {
            criteria: MAX_CRITERIA + 1,
            jurors: MAX_JURORS + 1,
            ..SimulationOptions::default()
        })
        .unwrap_err();
        let named: Vec<(Option<&str>, Option<&str>)> = (err.problems().iter())
            .map(|p| (p.location.column.as_deref(), p.value.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                (Some("jurors"), Some("16777217")),
                (Some("criteria"), Some("257"))
            ]
        );
        assert!(err.to_string().contains("from 1 to 256"), "{err}");
        assert!(err.to_string().contains("from 1 to 16777216"), "{err}");
    }

    #[test]
    fn ids_keep_the_drawn_order() {
        let s = sim(SimulationOptions {
            proposals: 120,
            jurors: 9,
            ..SimulationOptions::default()
        });
        let p = s.award.proposals();
        assert_eq!((p.id(0), p.id(9), p.id(119)), ("P001", "P010", "P120"));
        assert_eq!(
            p.attribute(0, "batch"),
            Some(&*(s.truth.batch[0] + 1).to_string())
        );
        let j = s.award.jurors();
        assert_eq!((j.id(0), j.id(8)), ("J01", "J09"));
    }
}
