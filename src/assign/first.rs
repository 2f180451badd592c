//! The first round: `K` distinct, non-conflicted readers for every proposal, even loads,
//! mixed partners, higher affinities first.
//!
//! Proposals are served most constrained first (fewest non-conflicted jurors; ties in a seeded
//! random order). Each read goes to a juror below their target load (`loads::targets`) who is
//! not conflicted and does not read the proposal yet, preferring, in order: higher affinity,
//! fewer earlier co-reads with the proposal's readers so far, more room left; remaining ties go
//! to the first juror from a seeded random starting point. Every juror with an affinity for
//! the proposal is weighed, and up to [`WINDOW`] others from that starting point (so a large
//! award costs `O(WINDOW)` a read, not `O(jurors)`). When no juror is left for a read,
//! an augmenting path moves reads between jurors to make room (`repair`), as a max-flow
//! algorithm would; so the greedy order never refuses a plan that exists.

use super::connect::connect;
use super::eligible::Eligible;
use super::loads::{level, targets};
use super::optimal::maximise_affinity;
use super::state::State;
use super::{invalid, mixing, refused, Plan, Read, Setup};
use crate::award::Award;
use crate::error::{Location, Problem, ProblemKind, Result};
use crate::ids::{JurorId, ProposalId};

/// Plans the first round (see [`super::first_round`]): the greedy plan, rearranged for the
/// largest total affinity (`optimal.rs`), its co-reading components joined (`connect.rs`).
pub(super) fn plan(award: &Award, setup: &Setup, k: usize) -> Result<Plan> {
    stages(award, setup, k, true, true)
}

/// The first round with the affinity pass chosen: the exact one (`exact`) or the 2-exchanges
/// of earlier versions (`exchange.rs`, compiled for tests only, to compare against); the
/// components joined or not (`join`).
pub(super) fn stages(
    award: &Award,
    setup: &Setup,
    k: usize,
    exact: bool,
    join: bool,
) -> Result<Plan> {
    let mut greedy = place(award, setup, k)?;
    let (state, eligible) = (&mut greedy.state, &greedy.eligible);
    let any = !setup.affinity.is_empty();
    if any && exact {
        maximise_affinity(state, eligible, &greedy.affinity, &greedy.bounds);
    } else if any {
        #[cfg(test)]
        super::exchange::improve_affinity(state, eligible, &setup.affinity);
    }
    if join {
        connect(&mut greedy.state, &greedy.eligible, &greedy.affinity);
    }
    Ok(finish(award, &greedy.state, &greedy.open, 1))
}

/// A greedy plan and what the later passes need of the award.
struct Greedy {
    state: State,
    eligible: Eligible,
    /// Each proposal's jurors without a conflict.
    open: Vec<Vec<u32>>,
    affinity: Affinity,
    /// Each juror's even range of loads: `(min(limit, L), that + 1 if the limit is above L)`.
    bounds: Vec<(usize, usize)>,
}

/// The greedy plan (see the module documentation), or the refusal of a request no plan meets.
fn place(award: &Award, setup: &Setup, k: usize) -> Result<Greedy> {
    let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
    if k == 0 {
        let message = "a proposal needs at least one read; give --reads 1 or more".to_string();
        return Err(invalid(vec![refused("reads", k, message)]));
    }
    let eligible = Eligible::new(award);
    let open: Vec<Vec<u32>> = (0..proposals)
        .map(|p| {
            (0..jurors as u32)
                .filter(|&j| eligible.allows(j as usize, p))
                .collect()
        })
        .collect();
    let mut reach = vec![0usize; jurors];
    for js in &open {
        for &j in js {
            reach[j as usize] += 1;
        }
    }
    let limits: Vec<usize> = (0..jurors)
        .map(|j| reach[j].min(capacity(setup, j)))
        .collect();
    let mut problems = too_few_readers(award, &open, k);
    let mut state = State::new(jurors, proposals, setup.seed, 1);
    let mut order: Vec<(usize, u64, usize)> = (0..proposals)
        .map(|p| (open[p].len(), state.key(), p))
        .collect();
    order.sort_unstable();
    let mut juror_order: Vec<(u64, usize)> = (0..jurors).map(|j| (state.key(), j)).collect();
    juror_order.sort_unstable();
    let juror_order: Vec<usize> = juror_order.into_iter().map(|(_, j)| j).collect();
    let target = targets(&limits, proposals * k, &juror_order);
    if target.is_none() {
        problems.push(short_capacity(award, setup, &limits, proposals * k));
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let target = target.expect("checked above");
    let affinity = Affinity::new(setup, jurors, proposals);
    let mut scratch = vec![0.0; jurors];
    for &(_, _, p) in &order {
        affinity.fill(p, &mut scratch);
        for _ in 0..k {
            let start = (state.key() % jurors as u64) as usize;
            let lists = (open[p].as_slice(), affinity.entries(p));
            let found = best(&state, lists, &target, &scratch, p, start);
            match found {
                Some(j) => state.add(j, p),
                None => {
                    if !repair(&mut state, &eligible, p, &target)
                        && !repair(&mut state, &eligible, p, &limits)
                    {
                        return Err(invalid(vec![stuck(award, p, &open[p], &limits)]));
                    }
                }
            }
        }
        affinity.clear(p, &mut scratch);
    }
    let level = level(&limits, proposals * k).expect("targets exist");
    let bounds = (limits.iter())
        .map(|&l| (l.min(level), l.min(level) + usize::from(l > level)))
        .collect();
    Ok(Greedy {
        state,
        eligible,
        open,
        affinity,
        bounds,
    })
}

/// Juror `j`'s capacity in `setup` (no limit: `usize::MAX`).
pub(super) fn capacity(setup: &Setup, j: usize) -> usize {
    setup
        .capacity
        .get(j)
        .copied()
        .flatten()
        .unwrap_or(usize::MAX)
}

/// Candidates with no affinity weighed for one read, at most: beyond, the planner looks at
/// this many from a seeded random starting point (every one with up to this many jurors).
const WINDOW: usize = 512;

/// The best juror for one more read of `p` (see the module documentation) among the jurors
/// with an affinity for it (`favoured`) and up to [`WINDOW`] others of `open` from `start`,
/// or `None` when every one is at their target or reads `p` already.
fn best(
    state: &State,
    (open, favoured): (&[u32], &[(u32, f64)]),
    target: &[usize],
    affinity: &[f64],
    p: usize,
    start: usize,
) -> Option<usize> {
    let first = open.partition_point(|&j| (j as usize) < start);
    let allowed = favoured
        .iter()
        .map(|&(j, _)| j)
        .filter(|j| open.binary_search(j).is_ok());
    let rotation = open[first..].iter().chain(&open[..first]).copied();
    let mut best: Option<(usize, (f64, u32, usize))> = None;
    let mut weighed = 0;
    for j in allowed.chain(rotation) {
        let j = j as usize;
        let load = state.load(j);
        if load >= target[j] || state.reads(j, p) {
            continue;
        }
        if affinity[j] == 0.0 {
            if weighed == WINDOW {
                break;
            }
            weighed += 1;
        }
        // Higher affinity, fewer co-reads, more room: smaller is better.
        let key = (
            -affinity[j],
            state.co_reads(j, p),
            usize::MAX - (target[j] - load),
        );
        let better = match &best {
            None => true,
            Some((_, b)) => key
                .0
                .total_cmp(&b.0)
                .then(key.1.cmp(&b.1))
                .then(key.2.cmp(&b.2))
                .is_lt(),
        };
        if better {
            best = Some((j, key));
        }
    }
    best.map(|(j, _)| j)
}

/// Finds an augmenting path that gives `p` one more reader without any juror passing
/// `limit`: a juror who may read `p` takes it, handing one of their proposals to another
/// juror who may read that, and so on until a juror with room is reached (breadth first,
/// jurors in order). Applies it and gives `true`, or changes nothing and gives `false`.
fn repair(state: &mut State, eligible: &Eligible, p: usize, limit: &[usize]) -> bool {
    let jurors = state.by_juror.len();
    // parent[j] = (the juror who hands over, the proposal handed), or p for the first step.
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; jurors];
    let mut queue = std::collections::VecDeque::new();
    for (j, parent) in parent.iter_mut().enumerate() {
        if eligible.allows(j, p) && !state.reads(j, p) {
            *parent = Some((usize::MAX, p));
            queue.push_back(j);
        }
    }
    while let Some(j) = queue.pop_front() {
        if state.load(j) < limit[j] {
            apply(state, &parent, j);
            return true;
        }
        for i in 0..state.by_juror[j].len() {
            let q = state.by_juror[j][i] as usize;
            for (j2, from) in parent.iter_mut().enumerate() {
                if from.is_none() && eligible.allows(j2, q) && !state.reads(j2, q) {
                    *from = Some((j, q));
                    queue.push_back(j2);
                }
            }
        }
    }
    false
}

/// Applies the path ending at juror `end`: each juror takes the proposal their parent hands.
fn apply(state: &mut State, parent: &[Option<(usize, usize)>], end: usize) {
    let mut j = end;
    while let Some((from, q)) = parent[j] {
        if from == usize::MAX {
            state.add(j, q);
            return;
        }
        state.remove(from, q);
        state.add(j, q);
        j = from;
    }
}

/// The plan of `round` from the state: reads sorted, loads, connectivity.
pub(super) fn finish(award: &Award, state: &State, open: &[Vec<u32>], round: u32) -> Plan {
    let mut reads: Vec<Read> = Vec::new();
    for (j, ps) in state.by_juror.iter().enumerate() {
        for &p in ps {
            reads.push(Read {
                juror: JurorId::from(j),
                proposal: ProposalId::from(p as usize),
                round,
            });
        }
    }
    reads.sort_unstable();
    let loads = state.by_juror.iter().map(Vec::len).collect();
    let per_proposal = state.by_proposal.iter().map(Vec::len).collect();
    let pairs: Vec<(usize, usize)> = state
        .by_proposal
        .iter()
        .enumerate()
        .flat_map(|(p, js)| js.iter().map(move |&j| (j as usize, p)))
        .collect();
    let jurors = award.jurors().len();
    Plan {
        round,
        reads,
        loads,
        per_proposal,
        conflicts_avoided: open.iter().map(|o| jurors - o.len()).sum(),
        mixing: mixing(jurors, &pairs),
        picks: Vec::new(),
    }
}

/// Each proposal with fewer non-conflicted jurors than the reads asked.
fn too_few_readers(award: &Award, open: &[Vec<u32>], k: usize) -> Vec<Problem> {
    let jurors = award.jurors().len();
    let short: Vec<usize> = (0..open.len()).filter(|&p| open[p].len() < k).collect();
    let mut problems: Vec<Problem> = short
        .iter()
        .take(MAX_NAMED)
        .map(|&p| {
            let id = award.proposals().id(p);
            Problem::new(
                ProblemKind::Setting,
                Location::file("proposals.csv"),
                format!(
                    "proposal {id} has {} jurors without a conflict (of {jurors}), fewer than the {k} reads asked; ask fewer reads, add jurors, or check its conflicts",
                    open[p].len()
                ),
            )
            .with_value(id.to_string())
        })
        .collect();
    if short.len() > MAX_NAMED {
        problems.push(Problem::new(
            ProblemKind::Setting,
            Location::file("proposals.csv"),
            format!(
                "… and {} more proposals with fewer jurors without a conflict than the {k} reads asked",
                short.len() - MAX_NAMED
            ),
        ));
    }
    problems
}

/// Proposals named one by one in a refusal; the rest are counted.
const MAX_NAMED: usize = 20;

/// The jurors' capacities add up to less than the demand.
fn short_capacity(award: &Award, setup: &Setup, limits: &[usize], demand: usize) -> Problem {
    let total: usize = limits.iter().fold(0usize, |a, &l| a.saturating_add(l));
    let capped: Vec<String> = (0..limits.len())
        .filter(|&j| capacity(setup, j) != usize::MAX)
        .take(10)
        .map(|j| format!("{} ({})", award.jurors().id(j), limits[j]))
        .collect();
    // At the capacity column when some juror has a capacity; else the request itself (the
    // conflicts alone leave too little room).
    let at = if capped.is_empty() {
        Location {
            file: "assignment request".into(),
            line: None,
            column: Some("reads".to_string()),
            sheet: None,
        }
    } else {
        Location::cell("jurors.csv", 1, "capacity")
    };
    Problem::new(
        ProblemKind::Setting,
        at,
        format!(
            "the jurors can take {total} reads in all (capacities and conflicts allowing; capped jurors: {}), fewer than the {demand} asked; raise capacities or max_load, add jurors, or ask fewer reads",
            if capped.is_empty() { "none".to_string() } else { capped.join(", ") }
        ),
    )
    .with_value(total.to_string())
}

/// No juror can take one more read of `p`, even after moving reads around.
fn stuck(award: &Award, p: usize, open: &[u32], limits: &[usize]) -> Problem {
    let id = award.proposals().id(p);
    let full: Vec<String> = open
        .iter()
        .take(10)
        .map(|&j| format!("{} ({})", award.jurors().id(j as usize), limits[j as usize]))
        .collect();
    Problem::new(
        ProblemKind::Setting,
        Location::file("jurors.csv"),
        format!(
            "no plan gives proposal {id} its reads: its {} jurors without a conflict are all at their capacity ({}); raise their capacities or ask fewer reads",
            open.len(),
            full.join(", ")
        ),
    )
    .with_value(id.to_string())
}

/// Affinities by proposal (juror order), for filling a dense row per proposal.
pub(super) struct Affinity {
    /// Where each proposal's entries start in `entries`.
    starts: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Affinity {
    fn new(setup: &Setup, jurors: usize, proposals: usize) -> Affinity {
        let mut sorted: Vec<(u32, u32, f64)> = setup
            .affinity
            .iter()
            .filter(|(j, p, _)| j.index() < jurors && p.index() < proposals)
            .map(|(j, p, a)| (p.index() as u32, j.index() as u32, *a))
            .collect();
        sorted.sort_unstable_by_key(|a| (a.0, a.1));
        let mut starts = vec![0; proposals + 1];
        for &(p, _, _) in &sorted {
            starts[p as usize + 1] += 1;
        }
        for p in 0..proposals {
            starts[p + 1] += starts[p];
        }
        let entries = sorted.into_iter().map(|(_, j, a)| (j, a)).collect();
        Affinity { starts, entries }
    }

    fn fill(&self, p: usize, row: &mut [f64]) {
        for &(j, a) in &self.entries[self.starts[p]..self.starts[p + 1]] {
            row[j as usize] = a;
        }
    }

    /// Proposal `p`'s rows `(juror, affinity)`, by juror.
    pub(super) fn entries(&self, p: usize) -> &[(u32, f64)] {
        &self.entries[self.starts[p]..self.starts[p + 1]]
    }

    /// Every row, by proposal then juror.
    pub(super) fn all(&self) -> &[(u32, f64)] {
        &self.entries
    }

    /// The affinity of juror `j` for proposal `p` (0 without a row).
    pub(super) fn get(&self, j: usize, p: usize) -> f64 {
        let rows = self.entries(p);
        match rows.binary_search_by_key(&(j as u32), |&(j, _)| j) {
            Ok(i) => rows[i].1,
            Err(_) => 0.0,
        }
    }

    fn clear(&self, p: usize, row: &mut [f64]) {
        for &(j, _) in &self.entries[self.starts[p]..self.starts[p + 1]] {
            row[j as usize] = 0.0;
        }
    }
}
