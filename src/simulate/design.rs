//! The design: which jurors read which proposals.

use super::draw::Draws;
use super::{option_location, SimulationOptions, MAX_DESIGNS};
use crate::error::{Error, Problem, ProblemKind, Result};
use crate::fit::{components, Observation};

/// `n` members split at random into `k` groups whose sizes differ by at most one.
pub(super) fn groups(draws: &mut Draws, n: usize, k: usize) -> Vec<usize> {
    let mut g: Vec<usize> = (0..n).map(|i| i % k).collect();
    draws.shuffle(&mut g);
    g
}

/// The readers of each proposal, sorted: a connected design in which every juror reads.
pub(super) fn design(
    draws: &mut Draws,
    o: &SimulationOptions,
    batch: &[usize],
    panel: &[usize],
    appetite: &[f64],
) -> Result<Vec<Vec<usize>>> {
    for _ in 0..MAX_DESIGNS {
        let mut readers = Vec::with_capacity(o.proposals);
        for &b in batch {
            let mut chosen: Vec<usize> = Vec::with_capacity(o.reviews);
            for _ in 0..o.reviews {
                let outside = o.panels > 1 && draws.uniform() < o.cross_reading;
                let free = |j: &usize| !chosen.contains(j);
                let side: Vec<usize> = (0..o.jurors)
                    .filter(|&j| (panel[j] != b) == outside)
                    .filter(free)
                    .collect();
                let pool = if side.is_empty() {
                    (0..o.jurors).filter(free).collect()
                } else {
                    side
                };
                let weights: Vec<f64> = pool.iter().map(|&j| appetite[j]).collect();
                chosen.push(pool[draws.pick(&weights)]);
            }
            chosen.sort_unstable();
            readers.push(chosen);
        }
        let obs: Vec<Observation> = (readers.iter().enumerate())
            .flat_map(|(p, js)| {
                js.iter()
                    .map(move |&j| Observation::new(j as u32, p as u32, 0.0))
            })
            .collect();
        let c = components(o.jurors, o.proposals, &obs);
        if c.count == 1 && c.juror.iter().all(Option::is_some) {
            return Ok(readers);
        }
    }
    let message = format!(
        "no connected design in which every juror reads was drawn in {MAX_DESIGNS} tries; \
         raise reviews (--reviews) or cross_reading (in code), or lower jurors (--jurors)"
    );
    let at = option_location("cross_reading");
    let problem = Problem::new(ProblemKind::Setting, at, message);
    Err(Error::Invalid(vec![
        problem.with_value(o.cross_reading.to_string())
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::simulate;
    use crate::simulate::tests::{seeded, sim};

    #[test]
    fn every_proposal_gets_the_requested_readers_each_once() {
        for (jurors, reviews) in [(12, 4), (20, 3), (5, 5)] {
            let o = SimulationOptions {
                jurors,
                reviews,
                seed: 3,
                ..SimulationOptions::default()
            };
            let s = sim(o.clone());
            // Every (juror, proposal, criterion) is scored once: the builder refuses twice.
            assert_eq!(s.award.scores().len(), o.proposals * reviews * o.criteria);
            let mut pairs: Vec<(usize, usize)> = (s.award.scores().iter())
                .map(|s| (s.proposal_index(), s.juror_index()))
                .collect();
            pairs.sort_unstable();
            pairs.dedup();
            for p in 0..o.proposals {
                let readers = pairs.iter().filter(|(q, _)| *q == p).count();
                assert_eq!(readers, reviews, "proposal {p}");
            }
        }
    }

    #[test]
    fn the_design_is_connected_and_every_juror_reads() {
        for seed in 0..20 {
            let s = seeded(seed);
            let obs: Vec<Observation> = (s.award.scores().iter())
                .map(|x| Observation::new(x.juror_index() as u32, x.proposal_index() as u32, 0.0))
                .collect();
            let c = components(12, 60, &obs);
            assert_eq!(c.count, 1, "seed {seed}");
            assert!(c.juror.iter().all(Option::is_some), "seed {seed}");
        }
    }

    #[test]
    fn no_cross_reading_between_panels_cannot_connect_and_says_so() {
        // Three panels of 4 jurors and 4 reads each: every panel reads its batch alone.
        let o = SimulationOptions {
            cross_reading: 0.0,
            ..SimulationOptions::default()
        };
        let err = simulate(&o).unwrap_err();
        assert_eq!(
            err.problems()[0].location.column.as_deref(),
            Some("cross_reading")
        );
        // One panel needs no cross-reading.
        assert!(simulate(&SimulationOptions { panels: 1, ..o }).is_ok());
    }

    #[test]
    fn panels_read_mostly_their_own_batch() {
        // Each read crosses panels with probability 0.25 (neither side of a default panel
        // runs out of jurors: 4 in the panel for 4 reads, 8 outside). Over 5 seeds × 240 reads
        // the share has a standard deviation of √(0.25 × 0.75 / 1200) ≈ 0.0125; ±0.06 is
        // beyond 4.5 of them.
        let (mut outside, mut reads) = (0, 0);
        for seed in 0..5 {
            let s = seeded(seed);
            for x in s.award.scores().iter().filter(|x| x.criterion_index() == 0) {
                reads += 1;
                if s.truth.panel[x.juror_index()] != s.truth.batch[x.proposal_index()] {
                    outside += 1;
                }
            }
        }
        let share = outside as f64 / reads as f64;
        assert!((share - 0.25).abs() < 0.06, "{share}");
    }
}
