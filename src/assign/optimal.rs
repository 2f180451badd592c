//! The first round of largest total affinity, as a minimum-cost flow.
//!
//! The network: proposal `p` supplies its `K` reads; arc `p → j` (capacity 1) for each juror
//! `j` who may read `p`, of cost `span − (affinity − lowest)` scaled to integers
//! ([`Scale`]); juror `j → sink` in parallel arcs: `floor` reads at cost 0, `ceil − floor`
//! at a cost `BIG` above any plan's affinities, and `load − ceil` at `2 BIG`, where
//! `[floor, ceil]` is the even range of `loads::level` and `load` the greedy plan's (above the
//! ceiling only when the capacities forced it: the greedy plan is always a flow of the
//! network). Every plan has the same number of reads above the floors when the floors are all
//! filled, so a flow of least cost has even loads whenever a plan with even loads exists, and
//! among those it has the largest total affinity (up to the integer scaling: each read's
//! affinity is rounded to `span / resolution`, `span` the range of the affinities).
//!
//! Arcs of zero affinity are 45 million at 15,000 proposals × 3,000 jurors, so only these are
//! built: the affinity rows (of pairs without a conflict), the greedy plan's reads (so a plan
//! of every proposal's `K` reads exists in the network) and those added by pricing. After each
//! solve, every absent pair `p → j` is priced with the potentials: a reduced cost
//! `zero + π(p) − π(j) < 0` means the pair could raise the total, and the most negative are
//! added (up to [`PRICED`] a proposal) and the flow solved again. When no absent pair prices
//! negative, no residual cycle of the whole network has negative cost: the flow is optimal
//! for every pair, not only those built.

use super::eligible::Eligible;
use super::first::Affinity;
use super::flow::Network;
use super::state::State;

/// Absent pairs added a proposal per pricing round, at most.
const PRICED: usize = 8;

/// Affinities as integer costs: `cost(a) = round((high − a) / (high − low) × resolution)`,
/// `low ≤ 0 ≤ high` the lowest and highest affinity (with 0, the affinity of absent pairs).
#[derive(Clone, Copy)]
struct Scale {
    low: f64,
    high: f64,
    resolution: f64,
}

impl Scale {
    /// The scale of `affinity`, or `None` when every affinity is 0.
    fn new(affinity: &Affinity, reads: usize) -> Option<Scale> {
        let (mut low, mut high) = (0.0f64, 0.0f64);
        for &(_, a) in affinity.all() {
            low = low.min(a);
            high = high.max(a);
        }
        // The penalty BIG = reads × resolution + 1 and the path lengths stay far below 2⁶³.
        let resolution = (1e15 / reads.max(1) as f64).min(1e9);
        (high > low).then_some(Scale {
            low,
            high,
            resolution,
        })
    }

    fn cost(&self, a: f64) -> i64 {
        ((self.high - a) / (self.high - self.low) * self.resolution).round() as i64
    }

    /// The cost of a read with no affinity row.
    fn zero(&self) -> i64 {
        self.cost(0.0)
    }
}

/// Rearranges the reads of `state` (a plan giving every proposal its reads) into one of
/// largest total affinity whose loads keep `bounds[j] = (floor, ceil)` for each juror that the
/// plan keeps (see the module documentation). Reads per proposal and conflicts are kept.
pub(super) fn maximise_affinity(
    state: &mut State,
    eligible: &Eligible,
    affinity: &Affinity,
    bounds: &[(usize, usize)],
) {
    let reads: usize = state.by_proposal.iter().map(Vec::len).sum();
    let Some(scale) = Scale::new(affinity, reads) else {
        return;
    };
    let mut added: Vec<Vec<u32>> = vec![Vec::new(); state.by_proposal.len()];
    loop {
        let arcs = built_arcs(state, eligible, affinity, &added, scale);
        let Some((network, ids)) = solve(state, &arcs, bounds, scale) else {
            debug_assert!(false, "the greedy plan is a flow of the network");
            return;
        };
        if !price(state, eligible, &network, &arcs, scale, &mut added) {
            write_back(state, &network, &arcs, &ids);
            return;
        }
    }
}

/// Each proposal's arcs `(juror, cost)`, sorted by juror: its affinity rows without a conflict,
/// its readers in `state`, the pairs `added`.
fn built_arcs(
    state: &State,
    eligible: &Eligible,
    affinity: &Affinity,
    added: &[Vec<u32>],
    scale: Scale,
) -> Vec<Vec<(u32, i64)>> {
    (0..state.by_proposal.len())
        .map(|p| {
            let mut arcs: Vec<(u32, i64)> = affinity
                .entries(p)
                .iter()
                .filter(|&&(j, _)| eligible.allows(j as usize, p))
                .map(|&(j, a)| (j, scale.cost(a)))
                .collect();
            let zero = state.by_proposal[p].iter().chain(&added[p]);
            arcs.extend(zero.map(|&j| (j, scale.zero())));
            // Stable: a juror's affinity row comes before a zero arc of the same pair.
            arcs.sort_by_key(|&(j, _)| j);
            arcs.dedup_by_key(|&mut (j, _)| j);
            arcs
        })
        .collect()
}

/// The flow of least cost on the arcs built, and each arc's number; `None` if some proposal
/// cannot get its reads (not when the arcs hold a plan keeping `bounds`).
fn solve(
    state: &State,
    arcs: &[Vec<(u32, i64)>],
    bounds: &[(usize, usize)],
    scale: Scale,
) -> Option<(Network, Vec<Vec<usize>>)> {
    let (proposals, jurors) = (state.by_proposal.len(), state.by_juror.len());
    let reads: usize = state.by_proposal.iter().map(Vec::len).sum();
    let sink = proposals + jurors;
    let mut network = Network::new(sink + 1);
    let ids: Vec<Vec<usize>> = (arcs.iter().enumerate())
        .map(|(p, arcs)| {
            (arcs.iter())
                .map(|&(j, cost)| network.arc(p, proposals + j as usize, 1, cost))
                .collect()
        })
        .collect();
    // More than any difference in affinity cost between two plans.
    let big = reads as i64 * scale.resolution as i64 + 1;
    for (j, &(floor, ceil)) in bounds.iter().enumerate() {
        // Up to the floor, to the ceiling, beyond it (only as far as the greedy plan went).
        let tiers = [
            (floor, 0),
            (ceil - floor, big),
            (state.load(j).saturating_sub(ceil), 2 * big),
        ];
        for (cap, cost) in tiers {
            if cap > 0 {
                network.arc(proposals + j, sink, cap as i32, cost);
            }
        }
    }
    for p in 0..proposals {
        for _ in 0..state.by_proposal[p].len() {
            if !network.augment(p, sink) {
                return None;
            }
        }
    }
    Some((network, ids))
}

/// Adds to `added` the absent pairs of negative reduced cost (up to [`PRICED`] a proposal,
/// the most negative first); `true` if any was added.
fn price(
    state: &State,
    eligible: &Eligible,
    network: &Network,
    arcs: &[Vec<(u32, i64)>],
    scale: Scale,
    added: &mut [Vec<u32>],
) -> bool {
    let proposals = state.by_proposal.len();
    let mut jurors: Vec<(i64, usize)> = (0..state.by_juror.len())
        .map(|j| (network.potential(proposals + j), j))
        .collect();
    jurors.sort_unstable_by_key(|&(pi, j)| (std::cmp::Reverse(pi), j));
    let mut any = false;
    for p in 0..proposals {
        let bar = network.potential(p) + scale.zero();
        let mut count = 0;
        for &(pi, j) in &jurors {
            if pi <= bar || count == PRICED {
                break;
            }
            let built = arcs[p]
                .binary_search_by_key(&(j as u32), |&(j, _)| j)
                .is_ok();
            if !built && eligible.allows(j, p) {
                added[p].push(j as u32);
                count += 1;
                any = true;
            }
        }
    }
    any
}

/// Replaces the reads of `state` by the flow's.
fn write_back(state: &mut State, network: &Network, arcs: &[Vec<(u32, i64)>], ids: &[Vec<usize>]) {
    let chosen: Vec<Vec<u32>> = (0..arcs.len())
        .map(|p| {
            (arcs[p].iter().zip(&ids[p]))
                .filter(|&(_, &id)| network.flow(id) == 1)
                .map(|(&(j, _), _)| j)
                .collect()
        })
        .collect();
    for (p, readers) in chosen.iter().enumerate() {
        for j in state.by_proposal[p].clone() {
            if !readers.contains(&j) {
                state.remove(j as usize, p);
            }
        }
    }
    for (p, readers) in chosen.iter().enumerate() {
        for &j in readers {
            if !state.reads(j as usize, p) {
                state.add(j as usize, p);
            }
        }
    }
}
