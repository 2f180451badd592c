//! Connectivity: the connected components of the bipartite juror–proposal graph, within which
//! each fit is identified.

use super::Observation;
use crate::util::spare;

/// Connected components of the bipartite juror–proposal graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    /// Component of each juror; `None` for a juror without a used observation.
    pub juror: Vec<Option<u32>>,
    /// Component of each proposal; `None` for a proposal without a used observation.
    pub proposal: Vec<Option<u32>>,
    /// Number of components (each holds at least one juror and one proposal). Components are
    /// numbered `0..count` in the order of their lowest juror index.
    pub count: usize,
}

/// The connected components of the design: juror and proposal are linked by each used
/// observation. Does not depend on the order of `obs`.
///
/// ```
/// use jury::advanced::fit::{components, Observation};
/// let obs = [Observation::new(0, 0, 3.0), Observation::new(1, 0, 4.0), Observation::new(2, 1, 5.0)];
/// let c = components(4, 3, &obs);
/// assert_eq!(c.count, 2);
/// assert_eq!(c.juror, vec![Some(0), Some(0), Some(1), None]);
/// assert_eq!(c.proposal, vec![Some(0), Some(1), None]);
/// ```
pub fn components(n_jurors: usize, n_proposals: usize, obs: &[Observation]) -> Components {
    label(
        n_jurors,
        n_proposals,
        obs.iter()
            .filter(|o| o.is_used(n_jurors, n_proposals))
            .map(|o| (o.juror as usize, o.proposal as usize)),
    )
}

/// No component.
pub(super) const NONE: u32 = u32::MAX;

/// Union–find over jurors (union by size, path halving: time near linear in the edges); each
/// proposal hangs on the first juror seen for it. Components are labelled in the order of
/// their lowest juror, so the labels do not depend on edge order.
pub(crate) fn label(
    n_jurors: usize,
    n_proposals: usize,
    edges: impl Iterator<Item = (usize, usize)>,
) -> Components {
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut parent: Vec<usize> = spare::collect(0..n_jurors);
    let mut size = spare::filled(n_jurors, 1usize);
    let mut first = spare::filled(n_proposals, usize::MAX);
    let mut seen = spare::filled(n_jurors, false);
    for (j, p) in edges {
        seen[j] = true;
        if first[p] == usize::MAX {
            first[p] = j;
        } else {
            let (a, b) = (find(&mut parent, j), find(&mut parent, first[p]));
            if a != b {
                // The smaller tree hangs under the larger: no chain grows beyond log n.
                let (big, small) = if size[a] >= size[b] { (a, b) } else { (b, a) };
                parent[small] = big;
                size[big] += size[small];
            }
        }
    }
    let mut names = spare::filled(n_jurors, NONE);
    let mut count = 0;
    let mut juror = spare::filled(n_jurors, None);
    for j in 0..n_jurors {
        if seen[j] {
            let r = find(&mut parent, j);
            if names[r] == NONE {
                names[r] = count;
                count += 1;
            }
            juror[j] = Some(names[r]);
        }
    }
    let proposal =
        spare::collect((first.iter()).map(|&j| if j == usize::MAX { None } else { juror[j] }));
    spare::keep_all([&mut parent, &mut size, &mut first]);
    spare::keep(seen);
    spare::keep(names);
    Components {
        juror,
        proposal,
        count: count as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_split_design_in_order_of_lowest_juror() {
        // Jurors 3 and 1 share proposal 2; juror 0 alone reads 0 and 1; juror 2 reads nothing.
        let obs = [
            Observation::new(3, 2, 1.0),
            Observation::new(0, 1, 1.0),
            Observation::new(1, 2, 1.0),
            Observation::new(0, 0, 1.0),
        ];
        let c = components(4, 4, &obs);
        assert_eq!(c.count, 2);
        assert_eq!(c.juror, vec![Some(0), Some(1), None, Some(1)]);
        assert_eq!(c.proposal, vec![Some(0), Some(0), Some(1), None]);
        let mut rev = obs;
        rev.reverse();
        assert_eq!(components(4, 4, &rev), c);
    }
}
