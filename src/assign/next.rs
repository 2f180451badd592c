//! A later round: extra reads aimed at the proposals whose place among the winners is least
//! certain.
//!
//! **Posterior** (the default [`Aim`]): each proposal's total `t` is read as a normal estimate
//! of its true total with standard error `σ / √n`, where `n` is its valid reviews and `σ` the
//! pooled standard deviation of single reviews' weighted totals about their proposal's mean
//! (the corrected scores, so juror bias is out of it). The cut `c` is halfway between the last
//! winner's total and the next one's. Then `p = Φ((t − c) / (σ / √n))` approximates the
//! probability that the proposal belongs among the winners. Reads are given one at a time to
//! the proposal with the largest `p (1 − p) / ((n + e)(n + e + 1))`, `e` being the extra reads
//! it already got this round: its uncertainty times the fall in `1/n` that one more read brings.
//! **Bootstrap** is the same with each proposal's bootstrap `p_winner` as `p`.
//! **Band** is the crude rule: the `2W + 2` proposals nearest the cut in the ranking, served
//! in turn. `docs/assignment.md` compares them.
//!
//! Each read goes to a juror who may read the proposal (no conflict, not read before, room in
//! their capacity), the least loaded over every round first, then the one with fewest
//! co-reads with its readers, then from a seeded random starting point.

use std::collections::BinaryHeap;

use serde::Serialize;

use super::eligible::Eligible;
use super::first::{capacity, finish};
use super::state::State;
use super::{invalid, refused, Plan, Read, Setup};
use crate::award::Award;
use crate::conflicts::Status;
use crate::eligibility::Ineligible;
use crate::error::Result;
use crate::ids::ProposalId;
use crate::outcome::Outcome;
use crate::uncertainty::estimate;

/// How a later round chooses where the extra reads go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aim {
    /// The proposals whose estimated chance of being a winner is nearest one half, weighed by
    /// what one more read adds (the default; see the module documentation).
    #[default]
    Posterior,
    /// The `2W + 2` proposals nearest the cut in the ranking, served in turn.
    Band,
    /// As the posterior, with each proposal's bootstrap `p_winner` (the award's `bootstrap`
    /// replicates, or [`BOOTSTRAP_REPLICATES`] when it sets none) as its chance.
    Bootstrap,
}

/// Bootstrap replicates of [`Aim::Bootstrap`] when the award's settings ask for none.
pub const BOOTSTRAP_REPLICATES: usize = 200;

/// A proposal that got extra reads, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// The proposal.
    pub proposal: ProposalId,
    /// The extra reads it got this round.
    pub extra: usize,
    /// Its valid reviews before this round.
    pub reviews: usize,
    /// Its total before this round, if it had one.
    pub total: Option<f64>,
    /// Its estimated chance of being among the winners (the posterior's `p`).
    pub p_winner: f64,
}

/// Plans a later round (see [`super::next_round`]).
pub(super) fn plan(
    award: &Award,
    outcome: &Outcome,
    previous: &[Read],
    setup: &Setup,
    extra: usize,
    aim: Aim,
) -> Result<Plan> {
    let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
    if extra == 0 {
        let message = "a later round needs at least one read; give --extra 1 or more".to_string();
        return Err(invalid(vec![refused("extra", extra, message)]));
    }
    let round = previous.iter().map(|r| r.round).max().unwrap_or(1) + 1;
    let eligible = Eligible::new(award);
    let mut state = State::new(jurors, proposals, setup.seed, u64::from(round));
    let before = read_before(award, previous);
    for &(j, p) in &before {
        state.add(j, p);
    }
    let spare: usize = (0..jurors)
        .map(|j| room(setup, &state, j).min(proposals))
        .sum();
    if spare < extra {
        let message = format!(
            "the jurors have room for {spare} more reads in all (capacities minus the {} reads so far), fewer than the {extra} asked; raise capacities or max_load, or ask fewer",
            before.len()
        );
        return Err(invalid(vec![refused("extra", extra, message)]));
    }
    let chances = aimed_chances(award, outcome, aim);
    let mut queue = Queue::new(aim, &chances, award.settings().winners);
    let given = place(&mut state, &eligible, setup, &mut queue, extra);
    let placed: usize = given.iter().sum();
    if placed < extra {
        let message = format!(
            "only {placed} of the {extra} extra reads can be placed: every other juror–proposal pair is conflicted, read before, or past a capacity; ask fewer, or raise capacities"
        );
        return Err(invalid(vec![refused("extra", extra, message)]));
    }
    for &(j, p) in &before {
        state.remove(j, p);
    }
    let mut plan = finish(award, &state, &[], round);
    totals(&mut plan, &before, &eligible);
    plan.picks = picks(&chances, &given);
    Ok(plan)
}

/// The juror–proposal pairs read before: in `previous`, or with a score in the award.
fn read_before(award: &Award, previous: &[Read]) -> Vec<(usize, usize)> {
    let scored = (award.scores().iter()).map(|s| (s.juror_index(), s.proposal_index()));
    let mut before: Vec<(usize, usize)> = (previous.iter())
        .map(|r| (r.juror.index(), r.proposal.index()))
        .chain(scored)
        .collect();
    before.sort_unstable();
    before.dedup();
    before
}

/// Reads juror `j` may still take.
fn room(setup: &Setup, state: &State, j: usize) -> usize {
    capacity(setup, j).saturating_sub(state.load(j))
}

/// Each proposal's chance, by the posterior or (for [`Aim::Bootstrap`]) the bootstrap.
fn aimed_chances(award: &Award, outcome: &Outcome, aim: Aim) -> Vec<Chance> {
    let mut chances = chances(award, outcome);
    if aim == Aim::Bootstrap {
        let replicates = match award.settings().bootstrap {
            0 => BOOTSTRAP_REPLICATES,
            n => n,
        };
        let u = estimate(award, award.settings(), outcome, replicates, &|_| {});
        for (p, c) in chances.iter_mut().enumerate() {
            c.p = u.p_winner(ProposalId::from(p));
        }
    }
    chances
}

/// Places up to `extra` reads in the queue's order (see the module documentation); gives
/// each proposal's extra reads.
fn place(
    state: &mut State,
    eligible: &Eligible,
    setup: &Setup,
    queue: &mut Queue,
    extra: usize,
) -> Vec<usize> {
    let (jurors, proposals) = (state.by_juror.len(), state.by_proposal.len());
    let mut given = vec![0usize; proposals];
    let mut placed = 0;
    while placed < extra {
        let Some(p) = queue.pop() else { break };
        let start = (state.key() % jurors.max(1) as u64) as usize;
        let found = (0..jurors)
            .map(|i| (start + i) % jurors)
            .filter(|&j| room(setup, state, j) > 0 && !state.reads(j, p) && eligible.allows(j, p))
            .min_by_key(|&j| (state.load(j), state.co_reads(j, p)));
        let Some(j) = found else { continue };
        state.add(j, p);
        given[p] += 1;
        placed += 1;
        queue.push(p, given[p]);
    }
    given
}

/// The plan's loads, reads per proposal, co-reading graph and conflicts over every round.
fn totals(plan: &mut Plan, before: &[(usize, usize)], eligible: &Eligible) {
    let (jurors, proposals) = (plan.loads.len(), plan.per_proposal.len());
    let this = plan
        .reads
        .iter()
        .map(|r| (r.juror.index(), r.proposal.index()));
    let all: Vec<(usize, usize)> = before.iter().copied().chain(this).collect();
    plan.mixing = super::mixing(jurors, &all);
    plan.loads = vec![0; jurors];
    plan.per_proposal = vec![0; proposals];
    for &(j, p) in &all {
        plan.loads[j] += 1;
        plan.per_proposal[p] += 1;
    }
    plan.conflicts_avoided = (0..jurors)
        .map(|j| (0..proposals).filter(|&p| !eligible.allows(j, p)).count())
        .sum();
}

/// Each proposal's (chance of being a winner, valid reviews, total, position from the top).
struct Chance {
    p: f64,
    reviews: usize,
    total: Option<f64>,
    place: Option<usize>,
}

/// The posterior's chance for every proposal (see the module documentation).
fn chances(award: &Award, outcome: &Outcome) -> Vec<Chance> {
    let proposals = award.proposals().len();
    let weights: Vec<f64> = award.rubric().criteria.iter().map(|c| c.weight).collect();
    // Each review's weighted total: (proposal, juror) → Σ weight × corrected score.
    let mut reviews: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
    for (i, s) in award.scores().iter().enumerate() {
        if outcome.statuses()[i] != Status::Used {
            continue;
        }
        if let Some(x) = outcome.corrected(i) {
            *reviews
                .entry((s.proposal_index(), s.juror_index()))
                .or_insert(0.0) += weights[s.criterion_index()] * x;
        }
    }
    let mut sums = vec![(0.0, 0usize); proposals];
    for (&(p, _), &x) in &reviews {
        sums[p].0 += x;
        sums[p].1 += 1;
    }
    let (mut ss, mut dof) = (0.0, 0usize);
    for (&(p, _), &x) in &reviews {
        let mean = sums[p].0 / sums[p].1 as f64;
        ss += (x - mean) * (x - mean);
    }
    for &(_, n) in &sums {
        dof += n.saturating_sub(1);
    }
    let sigma = if dof > 0 {
        (ss / dof as f64).sqrt()
    } else {
        1.0
    };
    // The contenders: the eligible proposals, and those short of `min_reviews` alone (a read
    // can make them eligible). One ineligible for a threshold or a pass total is out of it.
    let contender = |p: usize| {
        (outcome.ineligible[p].iter()).all(|r| matches!(r, Ineligible::FewReviews { .. }))
    };
    let mut order: Vec<(f64, usize)> = (0..proposals)
        .filter(|&p| contender(p))
        .filter_map(|p| outcome.total(ProposalId::from(p)).map(|t| (t, p)))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // The cut lies among the eligible ones, where the ranking puts it.
    let eligible: Vec<f64> = (order.iter())
        .filter(|&&(_, p)| outcome.ineligible[p].is_empty())
        .map(|&(t, _)| t)
        .collect();
    let w = award.settings().winners;
    let cut = match (eligible.get(w.wrapping_sub(1)), eligible.get(w)) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        _ => f64::NEG_INFINITY,
    };
    let mut place = vec![None; proposals];
    for (i, &(_, p)) in order.iter().enumerate() {
        place[p] = Some(i);
    }
    (0..proposals)
        .map(|p| {
            let total = outcome.total(ProposalId::from(p));
            let n = sums[p].1;
            let p_win = match total.filter(|_| contender(p)) {
                Some(t) if n > 0 && sigma > 0.0 => phi((t - cut) / (sigma / (n as f64).sqrt())),
                Some(t) if t >= cut => 1.0,
                _ => 0.0,
            };
            Chance {
                p: p_win,
                reviews: n,
                total,
                place: place[p],
            }
        })
        .collect()
}

/// The standard normal distribution function.
fn phi(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// The proposals that got reads, most uncertain first.
fn picks(chances: &[Chance], given: &[usize]) -> Vec<Pick> {
    let mut picks: Vec<Pick> = (0..given.len())
        .filter(|&p| given[p] > 0)
        .map(|p| Pick {
            proposal: ProposalId::from(p),
            extra: given[p],
            reviews: chances[p].reviews,
            total: chances[p].total,
            p_winner: chances[p].p,
        })
        .collect();
    let q = |x: &Pick| x.p_winner * (1.0 - x.p_winner);
    picks.sort_by(|a, b| q(b).total_cmp(&q(a)).then(a.proposal.cmp(&b.proposal)));
    picks
}

/// The order in which proposals are offered reads.
struct Queue {
    aim: Aim,
    heap: BinaryHeap<(Priority, std::cmp::Reverse<usize>)>,
    /// Per proposal: its `p (1 − p)` and reviews (posterior), or its distance from the cut.
    weight: Vec<(f64, usize)>,
}

/// A priority compared by `total_cmp`.
#[derive(Clone, Copy, PartialEq)]
struct Priority(f64);

impl Eq for Priority {}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Queue {
    fn new(aim: Aim, chances: &[Chance], winners: usize) -> Queue {
        let weight: Vec<(f64, usize)> = chances
            .iter()
            .map(|c| match aim {
                // A certain proposal still gets reads when nothing else can: fewer reads first.
                Aim::Posterior | Aim::Bootstrap => (c.p * (1.0 - c.p) + 1e-12, c.reviews),
                Aim::Band => {
                    let d = c
                        .place
                        .map_or(f64::INFINITY, |i| (i as f64 + 0.5 - winners as f64).abs());
                    (d, c.reviews)
                }
            })
            .collect();
        let mut q = Queue {
            aim,
            heap: BinaryHeap::new(),
            weight,
        };
        let band = 2 * winners + 2;
        let mut near: Vec<(f64, usize)> = (0..chances.len()).map(|p| (q.weight[p].0, p)).collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, &(d, p)) in near.iter().enumerate() {
            if aim != Aim::Band || (i < band && d.is_finite()) {
                q.push(p, 0);
            }
        }
        q
    }

    fn push(&mut self, p: usize, given: usize) {
        let (w, n) = self.weight[p];
        let priority = match self.aim {
            Aim::Posterior | Aim::Bootstrap => {
                let m = (n + given).max(1) as f64;
                w / (m * (m + 1.0))
            }
            // Served in turn: fewer extra reads first, then nearer the cut.
            Aim::Band => -(given as f64) * 1e6 - w,
        };
        self.heap.push((Priority(priority), std::cmp::Reverse(p)));
    }

    fn pop(&mut self) -> Option<usize> {
        self.heap.pop().map(|(_, std::cmp::Reverse(p))| p)
    }
}
