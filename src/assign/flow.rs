//! Minimum-cost flow by successive shortest paths, with node potentials (Dijkstra).
//!
//! A network of nodes and arcs with integer capacities and non-negative integer costs. Each
//! call to [`Network::augment`] sends one unit from a node holding a supply to the sink along
//! a path of least cost in the residual network, and updates the potentials so that every
//! residual arc keeps a non-negative reduced cost `cost + π(from) − π(to)`. Sending the
//! supplies one unit at a time in any order ends in a flow of least cost for the units sent
//! (Ahuja, Magnanti and Orlin, *Network Flows*, §9.7): a residual network whose reduced costs
//! are all non-negative has no cycle of negative cost. Dijkstra stops when it reaches the sink;
//! nodes not settled keep their potential, which is the usual update shifted by a constant.
//! Ties between equal distances go to the smaller node number, so runs are reproducible.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A flow network: arcs in pairs (an arc `2i` and its reverse `2i + 1`).
pub(super) struct Network {
    out: Vec<Vec<u32>>,
    to: Vec<u32>,
    cap: Vec<i32>,
    cost: Vec<i64>,
    potential: Vec<i64>,
    dist: Vec<i64>,
    prev: Vec<u32>,
    settled: Vec<bool>,
    touched: Vec<u32>,
}

impl Network {
    /// A network of `nodes` nodes and no arcs.
    pub(super) fn new(nodes: usize) -> Network {
        Network {
            out: vec![Vec::new(); nodes],
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            potential: vec![0; nodes],
            dist: vec![i64::MAX; nodes],
            prev: vec![u32::MAX; nodes],
            settled: vec![false; nodes],
            touched: Vec::new(),
        }
    }

    /// Adds an arc `from → to` of capacity `cap` and cost `cost` (`cost ≥ 0`; arcs are only
    /// added before the first augmentation) and gives its number.
    pub(super) fn arc(&mut self, from: usize, to: usize, cap: i32, cost: i64) -> usize {
        debug_assert!(cost >= 0, "costs are non-negative");
        let id = self.to.len();
        self.out[from].push(id as u32);
        self.out[to].push(id as u32 + 1);
        self.to.extend([to as u32, from as u32]);
        self.cap.extend([cap, 0]);
        self.cost.extend([cost, -cost]);
        id
    }

    /// The flow on arc `arc` (as numbered by [`Network::arc`]).
    pub(super) fn flow(&self, arc: usize) -> i32 {
        self.cap[arc ^ 1]
    }

    /// Node `v`'s potential: every residual arc `u → v` has `cost + π(u) − π(v) ≥ 0`.
    pub(super) fn potential(&self, v: usize) -> i64 {
        self.potential[v]
    }

    /// Sends one unit from `from` to `sink` along a path of least cost in the residual
    /// network; `false` (and nothing changed) when `sink` cannot be reached.
    pub(super) fn augment(&mut self, from: usize, sink: usize) -> bool {
        let reached = self.dijkstra(from, sink);
        if let Some(at_sink) = reached {
            for &v in &self.touched {
                let v = v as usize;
                if self.settled[v] {
                    self.potential[v] += self.dist[v] - at_sink;
                }
            }
            let mut v = sink;
            while v != from {
                let a = self.prev[v] as usize;
                self.cap[a] -= 1;
                self.cap[a ^ 1] += 1;
                v = self.to[a ^ 1] as usize;
            }
        }
        for &v in &self.touched {
            let v = v as usize;
            self.dist[v] = i64::MAX;
            self.settled[v] = false;
            self.prev[v] = u32::MAX;
        }
        self.touched.clear();
        reached.is_some()
    }

    /// Reduced distances from `from` until `sink` is settled; the sink's distance, if reached.
    fn dijkstra(&mut self, from: usize, sink: usize) -> Option<i64> {
        let mut heap = BinaryHeap::new();
        self.dist[from] = 0;
        self.touched.push(from as u32);
        heap.push(Reverse((0i64, from as u32)));
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if self.settled[v] || d > self.dist[v] {
                continue;
            }
            self.settled[v] = true;
            if v == sink {
                return Some(d);
            }
            for &a in &self.out[v] {
                let a = a as usize;
                if self.cap[a] == 0 {
                    continue;
                }
                let w = self.to[a] as usize;
                let reduced = self.cost[a] + self.potential[v] - self.potential[w];
                debug_assert!(reduced >= 0, "reduced cost {reduced} on arc {a}");
                let next = d + reduced;
                if next < self.dist[w] {
                    if self.dist[w] == i64::MAX {
                        self.touched.push(w as u32);
                    }
                    self.dist[w] = next;
                    self.prev[w] = a as u32;
                    heap.push(Reverse((next, w as u32)));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_units_take_the_two_cheapest_disjoint_paths() {
        // 0 → 1 → 3 costs 1 + 1, 0 → 2 → 3 costs 2 + 2, 0 → 1 → 2 → 3 costs 1 + 0 + 2 = 3.
        // With capacity 1 everywhere, the first unit goes 0 → 1 → 3 (cost 2), the second
        // 0 → 2 → 3 (cost 4): the two paths are the only way to send 2.
        let mut n = Network::new(4);
        let a = n.arc(0, 1, 1, 1);
        let b = n.arc(0, 2, 1, 2);
        let c = n.arc(1, 3, 1, 1);
        let d = n.arc(2, 3, 1, 2);
        let e = n.arc(1, 2, 1, 0);
        assert!(n.augment(0, 3));
        assert!(n.augment(0, 3));
        assert!(!n.augment(0, 3));
        let flows: Vec<i32> = [a, b, c, d, e].iter().map(|&x| n.flow(x)).collect();
        assert_eq!(flows, [1, 1, 1, 1, 0]);
    }

    #[test]
    fn a_later_unit_reroutes_an_earlier_one() {
        // Supplies at 0 and 1, sink 4 through 2 (cost 0) or 3 (cost 0), each of capacity 1.
        // 0 may use 2 (cost 1) or 3 (cost 5); 1 may use only 2 (cost 1). The first unit from
        // 0 takes 2 (cost 1); the unit from 1 then pushes it back to 3: 0 → 3, 1 → 2, total 6.
        let mut n = Network::new(5);
        let a02 = n.arc(0, 2, 1, 1);
        let a03 = n.arc(0, 3, 1, 5);
        let a12 = n.arc(1, 2, 1, 1);
        n.arc(2, 4, 1, 0);
        n.arc(3, 4, 1, 0);
        assert!(n.augment(0, 4));
        assert_eq!(n.flow(a02), 1);
        assert!(n.augment(1, 4));
        assert_eq!((n.flow(a02), n.flow(a03), n.flow(a12)), (0, 1, 1));
    }
}
