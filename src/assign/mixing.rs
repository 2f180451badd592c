//! How well a plan mixes the jurors: the co-reading graph's components and distinct pairs.
//!
//! Two jurors co-read when they read the same proposal. Juror leniency can be told apart
//! from batch quality only within a connected component of this graph, and the more distinct
//! partners the jurors have, the better the corrections are determined.

use rustc_hash::FxHashSet;
use serde::Serialize;

/// The co-reading graph of a plan, in figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mixing {
    /// Jurors with at least one read.
    pub reading: usize,
    /// Connected components among the jurors who read (1: every juror's leniency is
    /// comparable with every other's).
    pub components: usize,
    /// Distinct pairs of jurors that co-read at least one proposal.
    pub pairs: usize,
    /// Pairs of reading jurors there are: `reading × (reading − 1) / 2`.
    pub possible_pairs: usize,
}

/// The co-reading graph of `reads` (juror, proposal positions) among `jurors` jurors.
///
/// ```
/// // J0 and J1 read proposal 0, J1 and J2 proposal 1, J3 alone proposal 2.
/// let m = jury::assign::mixing(4, &[(0, 0), (1, 0), (1, 1), (2, 1), (3, 2)]);
/// assert_eq!((m.reading, m.components, m.pairs, m.possible_pairs), (4, 2, 2, 6));
/// ```
pub fn mixing(jurors: usize, reads: &[(usize, usize)]) -> Mixing {
    let mut sorted: Vec<(usize, usize)> = reads.iter().map(|&(j, p)| (p, j)).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parent: Vec<usize> = (0..jurors).collect();
    let mut reading = vec![false; jurors];
    let mut pairs: FxHashSet<(usize, usize)> = FxHashSet::default();
    for group in sorted.chunk_by(|a, b| a.0 == b.0) {
        for (i, &(_, a)) in group.iter().enumerate() {
            reading[a] = true;
            for &(_, b) in &group[i + 1..] {
                pairs.insert((a.min(b), a.max(b)));
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let components = (0..jurors)
        .filter(|&j| reading[j] && root(&mut parent, j) == j)
        .count();
    let reading = reading.iter().filter(|&&r| r).count();
    Mixing {
        reading,
        components,
        pairs: pairs.len(),
        possible_pairs: reading * reading.saturating_sub(1) / 2,
    }
}

fn root(parent: &mut [usize], mut j: usize) -> usize {
    while parent[j] != j {
        parent[j] = parent[parent[j]];
        j = parent[j];
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_of_three_jurors_is_one_component_with_two_pairs() {
        // J0–J1 on proposal 0, J1–J2 on proposal 1: a path J0–J1–J2. Pairs {0,1}, {1,2};
        // {0,2} never co-read. Possible pairs 3·2/2 = 3.
        let m = mixing(3, &[(0, 0), (1, 0), (1, 1), (2, 1)]);
        assert_eq!(
            m,
            Mixing {
                reading: 3,
                components: 1,
                pairs: 2,
                possible_pairs: 3
            }
        );
    }

    #[test]
    fn two_blocks_that_never_meet_are_two_components() {
        // J0, J1 read proposals 0 and 1; J2, J3 read 2 and 3: two complete blocks. Pairs
        // {0,1} and {2,3} (each counted once though co-read twice); possible 4·3/2 = 6.
        let reads = [
            (0, 0),
            (1, 0),
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 2),
            (2, 3),
            (3, 3),
        ];
        let m = mixing(4, &reads);
        assert_eq!(
            m,
            Mixing {
                reading: 4,
                components: 2,
                pairs: 2,
                possible_pairs: 6
            }
        );
    }

    #[test]
    fn a_triangle_and_an_idle_juror() {
        // Proposal 0 read by J0, J1, J2: all three pairs at once. J3 reads nothing: not a
        // reading juror, not a component. A read listed twice counts once.
        let m = mixing(4, &[(0, 0), (1, 0), (2, 0), (2, 0)]);
        assert_eq!(
            m,
            Mixing {
                reading: 3,
                components: 1,
                pairs: 3,
                possible_pairs: 3
            }
        );
    }

    #[test]
    fn lone_readers_are_their_own_components() {
        // J0 reads proposal 0 alone, J1 proposal 1 alone: two components, no pair.
        let m = mixing(2, &[(0, 0), (1, 1)]);
        assert_eq!(
            m,
            Mixing {
                reading: 2,
                components: 2,
                pairs: 0,
                possible_pairs: 1
            }
        );
        assert_eq!(mixing(0, &[]).components, 0);
    }
}
