//! The jurors whose absence splits the design: the cut vertices of the graph of jurors and
//! proposals joined by reviews (Hopcroft and Tarjan 1973, by an iterative depth-first search).

use crate::award::Award;

/// Whether each juror is a cut vertex of the review graph: without them, what they joined
/// falls apart into parts whose values the fits can no longer compare. `by_juror` holds each
/// juror's used scores (indexes into `award`'s scores).
pub(super) fn jurors(n_j: usize, n_p: usize, by_juror: &[Vec<u32>], award: &Award) -> Vec<bool> {
    let scores = award.scores();
    // Adjacency in one list per node: jurors 0..n_j, proposals n_j..n_j + n_p.
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for (j, mine) in by_juror.iter().enumerate() {
        let mut read: Vec<u32> = mine
            .iter()
            .map(|&i| scores[i as usize].proposal_index() as u32)
            .collect();
        read.sort_unstable();
        read.dedup();
        for p in read {
            let q = n_j as u32 + p;
            edges.push((j as u32, q));
            edges.push((q, j as u32));
        }
    }
    edges.sort_unstable();
    let n = n_j + n_p;
    let mut start = vec![0usize; n + 1];
    for &(a, _) in &edges {
        start[a as usize + 1] += 1;
    }
    for v in 0..n {
        start[v + 1] += start[v];
    }
    let next: Vec<u32> = edges.iter().map(|e| e.1).collect();
    cut_vertices(&start, &next)[..n_j].to_vec()
}

/// The cut vertices of the undirected graph whose neighbours of `v` are
/// `next[start[v]..start[v + 1]]`.
fn cut_vertices(start: &[usize], next: &[u32]) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let n = start.len() - 1;
    let (mut disc, mut low) = (vec![UNSEEN; n], vec![0usize; n]);
    let mut cut = vec![false; n];
    let mut time = 0;
    // (vertex, its parent, the next neighbour to look at)
    let mut stack: Vec<(usize, usize, usize)> = Vec::new();
    for root in 0..n {
        if disc[root] != UNSEEN || start[root] == start[root + 1] {
            continue;
        }
        disc[root] = time;
        low[root] = time;
        time += 1;
        let mut children = 0;
        stack.push((root, UNSEEN, start[root]));
        while let Some(&mut (v, parent, ref mut at)) = stack.last_mut() {
            if *at < start[v + 1] {
                let w = next[*at] as usize;
                *at += 1;
                if disc[w] == UNSEEN {
                    disc[w] = time;
                    low[w] = time;
                    time += 1;
                    if v == root {
                        children += 1;
                    }
                    stack.push((w, v, start[w]));
                } else if w != parent {
                    low[v] = low[v].min(disc[w]);
                }
            } else {
                stack.pop();
                if parent != UNSEEN {
                    low[parent] = low[parent].min(low[v]);
                    if parent != root && low[v] >= disc[parent] {
                        cut[parent] = true;
                    }
                }
            }
        }
        cut[root] = children > 1;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::cut_vertices;

    /// The graph of `pairs` on `n` vertices as adjacency lists.
    fn graph(n: usize, pairs: &[(u32, u32)]) -> (Vec<usize>, Vec<u32>) {
        let mut edges: Vec<(u32, u32)> =
            pairs.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        edges.sort_unstable();
        let mut start = vec![0; n + 1];
        for &(a, _) in &edges {
            start[a as usize + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        (start, edges.iter().map(|e| e.1).collect())
    }

    /// By hand: a path 0–1–2 has cut vertex 1; a triangle has none; two triangles sharing
    /// vertex 2 have cut vertex 2; a star's centre is one.
    #[test]
    fn cut_vertices_of_small_graphs_are_those_found_by_hand() {
        let (s, n) = graph(3, &[(0, 1), (1, 2)]);
        assert_eq!(cut_vertices(&s, &n), [false, true, false]);
        let (s, n) = graph(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(cut_vertices(&s, &n), [false; 3]);
        let (s, n) = graph(5, &[(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 2)]);
        assert_eq!(cut_vertices(&s, &n), [false, false, true, false, false]);
        let (s, n) = graph(4, &[(0, 1), (0, 2), (0, 3)]);
        assert_eq!(cut_vertices(&s, &n), [true, false, false, false]);
    }

    /// Against brute force: a vertex is a cut vertex when removing it leaves more parts among
    /// the other vertices with an edge than there were.
    #[test]
    fn cut_vertices_match_brute_force_on_random_graphs() {
        let mut state = 0x9e37_79b9_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let n = 2 + (next() % 9) as usize;
            let m = (next() % 14) as usize;
            let pairs: Vec<(u32, u32)> = (0..m)
                .map(|_| ((next() % n as u64) as u32, (next() % n as u64) as u32))
                .filter(|(a, b)| a != b)
                .collect();
            let (s, nx) = graph(n, &pairs);
            let parts = |skip: Option<usize>| {
                let mut seen = vec![false; n];
                let mut count = 0;
                for v in 0..n {
                    if seen[v] || Some(v) == skip || s[v] == s[v + 1] {
                        continue;
                    }
                    count += 1;
                    let mut todo = vec![v];
                    seen[v] = true;
                    while let Some(x) = todo.pop() {
                        for &w in &nx[s[x]..s[x + 1]] {
                            let w = w as usize;
                            if !seen[w] && Some(w) != skip {
                                seen[w] = true;
                                todo.push(w);
                            }
                        }
                    }
                }
                count
            };
            let cut = cut_vertices(&s, &nx);
            let before = parts(None);
            for v in 0..n {
                // A vertex with an edge leaves its neighbours behind: it is a cut vertex when
                // they fall into more parts than there were.
                let expected = s[v] != s[v + 1] && parts(Some(v)) > before;
                assert_eq!(cut[v], expected, "vertex {v} of {pairs:?}");
            }
        }
    }
}
