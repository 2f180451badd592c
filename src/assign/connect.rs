//! Joining the co-reading graph's components by exchanges that keep every rule.
//!
//! While the jurors who read fall into more than one component, a reader `x` of a proposal `p`
//! in one component and a reader `y` of a proposal `q` in another exchange (`y` reads `p`,
//! `x` reads `q`) when both may and neither reads it already; the exchange is kept when the
//! number of components falls. Loads and each proposal's number of readers are unchanged.
//! Without affinities, the first such exchange found is made; with them, the one losing the
//! least affinity, `a(x, p) + a(y, q) − a(y, p) − a(x, q)`, among those found in the first
//! [`TRIES`] tried (ties: the first found).

use super::eligible::Eligible;
use super::first::Affinity;
use super::state::State;

/// Most exchanges tried per join, so that a graph that cannot be joined costs little.
const TRIES: usize = 2000;

/// Each juror's component label (the smallest juror in it) and the number of components among
/// jurors who read.
pub(super) fn components(state: &State) -> (Vec<usize>, usize) {
    let jurors = state.by_juror.len();
    let mut parent: Vec<usize> = (0..jurors).collect();
    fn root(parent: &mut [usize], mut j: usize) -> usize {
        while parent[j] != j {
            parent[j] = parent[parent[j]];
            j = parent[j];
        }
        j
    }
    for readers in &state.by_proposal {
        if let Some((&first, rest)) = readers.split_first() {
            for &r in rest {
                let (a, b) = (
                    root(&mut parent, first as usize),
                    root(&mut parent, r as usize),
                );
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let labels: Vec<usize> = (0..jurors).map(|j| root(&mut parent, j)).collect();
    let count = (0..jurors)
        .filter(|&j| !state.by_juror[j].is_empty() && labels[j] == j)
        .count();
    (labels, count)
}

/// Joins components by exchanges (see the module documentation) until one is left or no
/// exchange tried helps.
pub(super) fn connect(state: &mut State, eligible: &Eligible, affinity: &Affinity) {
    loop {
        let (labels, count) = components(state);
        if count <= 1 {
            return;
        }
        let Some((x, p, y, q)) = join_once(state, eligible, affinity, &labels, count) else {
            return;
        };
        exchange(state, x, p, y, q);
    }
}

/// The exchange `(x, p, y, q)` to make, lowering the number of components, if one is found
/// among the first tries (the state is left as it was).
fn join_once(
    state: &mut State,
    eligible: &Eligible,
    affinity: &Affinity,
    labels: &[usize],
    count: usize,
) -> Option<(usize, usize, usize, usize)> {
    let weighed = !affinity.all().is_empty();
    let mut best: Option<(f64, (usize, usize, usize, usize))> = None;
    // Proposals with at least two readers, by the component of their readers.
    let multi: Vec<usize> = (0..state.by_proposal.len())
        .filter(|&p| state.by_proposal[p].len() >= 2)
        .collect();
    let mut tries = 0;
    for &p in &multi {
        let cp = labels[state.by_proposal[p][0] as usize];
        for &q in &multi {
            if labels[state.by_proposal[q][0] as usize] == cp {
                continue;
            }
            for x in state.by_proposal[p].clone() {
                for y in state.by_proposal[q].clone() {
                    let (x, y) = (x as usize, y as usize);
                    if state.reads(y, p) || state.reads(x, q) {
                        continue;
                    }
                    if !eligible.allows(y, p) || !eligible.allows(x, q) {
                        continue;
                    }
                    exchange(state, x, p, y, q);
                    let joins = components(state).1 < count;
                    exchange(state, y, p, x, q);
                    if joins {
                        if !weighed {
                            return Some((x, p, y, q));
                        }
                        let a = |j, p| affinity.get(j, p);
                        let loss = a(x, p) + a(y, q) - a(y, p) - a(x, q);
                        if best.is_none_or(|(b, _)| loss < b) {
                            best = Some((loss, (x, p, y, q)));
                        }
                    }
                    tries += 1;
                    if tries >= TRIES {
                        return best.map(|(_, e)| e);
                    }
                }
            }
        }
    }
    best.map(|(_, e)| e)
}

/// `x` gives `p` to `y`, and `y` gives `q` to `x`.
fn exchange(state: &mut State, x: usize, p: usize, y: usize, q: usize) {
    state.remove(x, p);
    state.remove(y, q);
    state.add(y, p);
    state.add(x, q);
}
