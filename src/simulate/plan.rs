//! A whole plan run on a simulated jury: `jury assign --reads K`, the jurors score, then
//! `--extra N` and they score again, to choose a budget before asking any juror.
//!
//! The truth (proposal values, juror leniency and spread) is drawn as [`simulate`] draws it;
//! the simulator's own panel design is not used: the reads are the planner's. A juror's scores
//! for a proposal come from the stream of (seed, juror, proposal), so a read scores the same
//! whichever round it falls in and whatever else was read.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

use super::{
    criterion_id, juror_id, midpoint, on_scale, proposal_id, rubric_toml, simulate, Accuracy,
    Simulation, SimulationOptions,
};
use crate::assign::{first_round, next_round, Aim, Read, Setup};
use crate::award::{Award, AwardBuilder};
use crate::error::Result;
use crate::outcome::score;
use crate::rubric::Rubric;
use crate::settings::{Settings, DEFAULT_WINNERS};

/// What to plan on the simulated jury.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanOptions {
    /// Reads per proposal in the first round.
    pub reads: usize,
    /// Extra reads in the second round (0: no second round).
    pub extra: usize,
    /// How the second round aims.
    pub aim: Aim,
}

/// What the plan achieved on a simulated jury.
#[derive(Clone, Debug)]
pub struct PlannedRun {
    /// The simulation: its truth, and its award holding every round's scores.
    pub simulation: Simulation,
    /// Every read planned, over both rounds.
    pub reads: Vec<Read>,
    /// How close the first round alone came to the truth.
    pub first: Accuracy,
    /// How close the last round came (the first when there is no second).
    pub last: Accuracy,
}

/// Draws the truth of `options` and runs `plan` on it with the award's default settings
/// (5 winners, the default method), planning with seed `options.seed`.
///
/// ```
/// use jury::simulate::{simulate_plan, PlanOptions, SimulationOptions};
/// let plan = PlanOptions { reads: 3, extra: 60, aim: Default::default() };
/// let run = simulate_plan(&SimulationOptions { seed: 3, ..Default::default() }, &plan)?;
/// assert_eq!(run.reads.len(), 3 * 60 + 60);
/// assert!(run.last.winners_found <= 5);
/// # Ok::<(), jury::Error>(())
/// ```
pub fn simulate_plan(options: &SimulationOptions, plan: &PlanOptions) -> Result<PlannedRun> {
    let truth_options = SimulationOptions {
        reviews: options.reviews.min(options.jurors),
        ..options.clone()
    };
    let drawn = simulate(&truth_options)?;
    let setup = Setup {
        seed: options.seed,
        ..Setup::default()
    };
    let empty = scored(&drawn, &[]);
    let round1 = first_round(&empty, &setup, plan.reads)?;
    let mut reads = round1.reads;
    let award = scored(&drawn, &reads);
    let outcome = score(&award);
    let with = |award: Award| Simulation {
        award,
        ..drawn.clone()
    };
    let first = with(award.clone()).accuracy(&outcome);
    if plan.extra == 0 {
        return Ok(PlannedRun {
            simulation: with(award),
            reads,
            last: first,
            first,
        });
    }
    let round2 = next_round(&award, &outcome, &reads, &setup, plan.extra, plan.aim)?;
    reads.extend(round2.reads);
    reads.sort_unstable();
    let award = scored(&drawn, &reads);
    let outcome = score(&award);
    let simulation = with(award);
    let last = simulation.accuracy(&outcome);
    Ok(PlannedRun {
        simulation,
        reads,
        first,
        last,
    })
}

/// The simulated award with the scores of `reads` (none: the rosters alone).
fn scored(sim: &Simulation, reads: &[Read]) -> Award {
    let o = &sim.options;
    let t = &sim.truth;
    let rubric = Rubric::from_toml_str(&rubric_toml(o.criteria, &o.scale))
        .expect("checked options give a valid rubric");
    let settings = Settings {
        name: sim.award.settings().name.clone(),
        winners: DEFAULT_WINNERS,
        ..Settings::default()
    };
    let mut b = AwardBuilder::new(rubric, settings);
    for (p, &batch) in t.batch.iter().enumerate() {
        let batch = (batch + 1).to_string();
        b.proposal(&proposal_id(o, p), "", &[("batch", &batch)]);
    }
    for (j, &panel) in t.panel.iter().enumerate() {
        b.juror(&juror_id(o, j), "", &[("panel", &(panel + 1).to_string())]);
    }
    let m = midpoint(&o.scale);
    for r in reads {
        let (j, p) = (r.juror.index(), r.proposal.index());
        let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
        rng.set_stream(((j as u64) << 32) | p as u64);
        let mut draws = super::draw::Draws::from_rng(rng);
        for c in 0..o.criteria {
            let v = t.values[p * o.criteria + c];
            let x = m + t.leniency[j] + t.spread[j] * (v - m) + o.noise_sd * draws.normal();
            b.score(
                &juror_id(o, j),
                &proposal_id(o, p),
                &criterion_id(c),
                Some(on_scale(x, &o.scale)),
            );
        }
    }
    b.finish()
        .expect("simulated scores are on the scale and unique")
}
