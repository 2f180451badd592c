//! Higher total affinity by exchanges that keep every rule.
//!
//! One pass over the affinities, highest first: when juror `a` has a higher affinity for a
//! proposal `p` than one of its readers `b`, and `a` reads some `q` that `b` may take, the two
//! exchange (`a` reads `p`, `b` reads `q`) if the total affinity rises. Loads, the number of
//! readers of each proposal and conflicts are unchanged by an exchange, so every rule still
//! holds. This is a local search (2-exchanges), not an exact optimum: `docs/assignment.md`
//! says why and how close it comes.

use rustc_hash::FxHashMap;

use super::eligible::Eligible;
use super::state::State;
use crate::ids::{JurorId, ProposalId};

/// Smallest gain in total affinity an exchange must bring.
const GAIN: f64 = 1e-12;

/// Improves the state's total affinity by exchanges (see the module documentation).
pub(super) fn improve_affinity(
    state: &mut State,
    eligible: &Eligible,
    affinity: &[(JurorId, ProposalId, f64)],
) {
    let map: FxHashMap<(u32, u32), f64> = affinity
        .iter()
        .map(|(j, p, a)| ((j.index() as u32, p.index() as u32), *a))
        .collect();
    let aff = |j: usize, p: usize| map.get(&(j as u32, p as u32)).copied().unwrap_or(0.0);
    let mut order: Vec<(f64, u32, u32)> = map
        .iter()
        .filter(|(_, &a)| a > 0.0)
        .map(|(&(j, p), &a)| (a, j, p))
        .collect();
    order.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    for (a_p, a, p) in order {
        let (a, p) = (a as usize, p as usize);
        if a >= state.by_juror.len() || p >= state.by_proposal.len() {
            continue;
        }
        if state.reads(a, p) || !eligible.allows(a, p) {
            continue;
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for &b in &state.by_proposal[p] {
            let b = b as usize;
            for &q in &state.by_juror[a] {
                let q = q as usize;
                if q == p || state.reads(b, q) || !eligible.allows(b, q) {
                    continue;
                }
                let gain = a_p + aff(b, q) - aff(b, p) - aff(a, q);
                if gain > GAIN && best.is_none_or(|(g, _, _)| gain > g) {
                    best = Some((gain, b, q));
                }
            }
        }
        if let Some((_, b, q)) = best {
            state.remove(b, p);
            state.remove(a, q);
            state.add(a, p);
            state.add(b, q);
        }
    }
}
