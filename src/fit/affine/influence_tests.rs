//! The first-order change of a total without one juror ([`Influence`]) against the shared
//! affine fit done again without them.

use super::influence::{Gradient, Influence};
use crate::fit::testkit::{sparse_design, Rng};
use crate::fit::{fit_affine_shared, AffineOptions, FitOptions, Observation, SharedAffineFit};

const CRITERIA: usize = 3;
const WEIGHTS: [f64; CRITERIA] = [1.0, 1.5, 2.0];

fn options() -> AffineOptions {
    AffineOptions {
        shrinkage: 5.0,
        min_proposals: 5,
        fit: FitOptions {
            tolerance: 1e-12,
            max_iterations: 100_000,
            ..FitOptions::default()
        },
        ..AffineOptions::default()
    }
}

/// A random award: `nj` jurors with scales from 0.6 to 1.6 and leniencies, each proposal
/// read by `reads` of them, noisy scores on three criteria.
fn award(seed: u64, nj: usize, np: usize, reads: usize) -> Vec<Vec<Observation>> {
    let mut rng = Rng(seed);
    let pairs = sparse_design(&mut rng, nj, np, reads);
    scored(&mut rng, nj, np, &pairs)
}

/// [`award`] with three more jurors who read 3 proposals each (held at scale 1, fewer than 5)
/// and one more who reads 60 and gives nearly the same score to each (their scale at the
/// floor): `nj + 4` jurors.
fn award_with_held_and_flat(
    seed: u64,
    nj: usize,
    np: usize,
    reads: usize,
) -> Vec<Vec<Observation>> {
    let mut rng = Rng(seed);
    let mut pairs = sparse_design(&mut rng, nj, np, reads);
    for j in nj..nj + 3 {
        pairs.extend((0..3).map(|k| (j as u32, ((7 * j + 11 * k) % np) as u32)));
    }
    let mut obs = scored(&mut rng, nj + 3, np, &pairs);
    for (c, o) in obs.iter_mut().enumerate() {
        o.extend((0..60).map(|k| {
            let y = 3.0 + 0.001 * ((k * 7 + c) % 5) as f64;
            Observation::new((nj + 3) as u32, ((13 * k + 5) % np) as u32, y)
        }));
    }
    obs
}

/// Scores of the (juror, proposal) `pairs` on three criteria.
fn scored(rng: &mut Rng, nj: usize, np: usize, pairs: &[(u32, u32)]) -> Vec<Vec<Observation>> {
    let scale: Vec<f64> = (0..nj).map(|_| rng.uniform(0.6, 1.6)).collect();
    let lenient: Vec<f64> = (0..nj).map(|_| rng.uniform(-0.8, 0.8)).collect();
    let quality: Vec<f64> = (0..np).map(|_| rng.normal() * 0.7).collect();
    (0..CRITERIA)
        .map(|_| {
            pairs
                .iter()
                .map(|&(j, p)| {
                    let (j, p) = (j as usize, p as usize);
                    let y = 3.0 + scale[j] * quality[p] + lenient[j] + 0.5 * rng.normal();
                    Observation::new(j as u32, p as u32, y)
                })
                .collect()
        })
        .collect()
}

/// Each proposal's total: `Σ_c weight × mean of (score − b) / A` over its readers.
fn totals(obs: &[Vec<Observation>], fit: &SharedAffineFit, np: usize) -> Vec<f64> {
    let mut total = vec![0.0; np];
    for (c, o) in obs.iter().enumerate() {
        let (mut sum, mut n) = (vec![0.0; np], vec![0.0; np]);
        for o in o {
            let (j, p) = (o.juror as usize, o.proposal as usize);
            sum[p] += (o.score - fit.criteria[c].bias[j]) / fit.scale[j];
            n[p] += 1.0;
        }
        for p in 0..np {
            total[p] += WEIGHTS[c] * sum[p] / n[p];
        }
    }
    total
}

/// For every juror who read neither proposal of a pair, the refitted change of the gap
/// between the two totals is within twice the size of the juror's local terms for the gap of
/// the first-order change (the screen allows four times, `src/uncertainty/screen_affine.rs`).
/// One Newton step is exact to first order only: leaving a juror out of an award where each
/// proposal has three or four readers is no small change. The largest error measured here was
/// 0.78 times that size on the five plain awards, and 1.69 on the sixth, with held jurors and
/// one at the floor (0.95 with that juror's scores spread out instead); the median 0.14.
#[test]
fn the_refitted_change_of_a_gap_is_within_the_allowance_of_the_first_order_one() {
    let mut ratios = Vec::new();
    for (seed, nj, np, reads) in [
        (1, 12, 60, 3),
        (2, 30, 150, 4),
        (3, 8, 40, 4),
        (4, 60, 400, 4),
        (5, 100, 1000, 3),
        (6, 40, 200, 3),
    ] {
        let (obs, nj) = if seed == 6 {
            (award_with_held_and_flat(seed, nj, np, reads), nj + 4)
        } else {
            (award(seed, nj, np, reads), nj)
        };
        let fit = fit_affine_shared(nj, np, &obs, &options());
        assert!(fit.converged);
        if seed == 6 {
            assert!(
                fit.held[nj - 4] && fit.held[nj - 2],
                "the light jurors are held"
            );
            assert!(
                fit.scale[nj - 1] < 0.1 + 1e-9,
                "the flat juror is at the floor"
            );
        }
        let base = totals(&obs, &fit, np);
        let influence = Influence::new(nj, np, &obs, &fit, 5.0, 0.1);
        let (a, b) = (0, np / 2);
        let za = influence.adjoint(&influence.total_gradient(a, &WEIGHTS));
        let zb = influence.adjoint(&influence.total_gradient(b, &WEIGHTS));
        assert!(za.converged && zb.converged);
        for j in 0..nj {
            let read = |p: usize| {
                obs[0]
                    .iter()
                    .any(|o| o.juror as usize == j && o.proposal as usize == p)
            };
            if read(a) || read(b) {
                continue;
            }
            let without: Vec<Vec<Observation>> = obs
                .iter()
                .map(|o| {
                    o.iter()
                        .filter(|o| o.juror as usize != j)
                        .copied()
                        .collect()
                })
                .collect();
            let refit = fit_affine_shared(nj, np, &without, &options());
            let after = totals(&without, &refit, np);
            let exact = (after[a] - after[b]) - (base[a] - base[b]);
            let (ca, la) = influence.without_terms(&za, j).unwrap();
            let (cb, lb) = influence.without_terms(&zb, j).unwrap();
            let size: f64 = la.iter().zip(&lb).map(|(x, y)| (x - y).abs()).sum();
            let error = (ca - cb - exact).abs();
            assert!(
                error <= 2.0 * size,
                "seed {seed}, juror {j}: exact {exact}, first order {}, size {size}",
                ca - cb
            );
            ratios.push(error / size);
        }
    }
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "{} gaps: error / size at most {:.3}, median {:.3}",
        ratios.len(),
        ratios[ratios.len() - 1],
        ratios[ratios.len() / 2]
    );
}

/// One score moved by a small amount: the first-order change of a gap is the refitted one to
/// within 1% (a check of the Hessian and the adjoint alone: the design's order puts the
/// proposal's scores by juror, so its first score is that of its first reader).
#[test]
fn the_adjoint_gives_the_derivative_of_a_gap_in_one_score() {
    for (seed, nj, np, reads) in [(1, 12, 60, 3), (4, 60, 400, 4)] {
        let obs = award(seed, nj, np, reads);
        let fit = fit_affine_shared(nj, np, &obs, &options());
        let base = totals(&obs, &fit, np);
        let influence = Influence::new(nj, np, &obs, &fit, 5.0, 0.1);
        let (a, b) = (0, np / 2);
        let ga = influence.total_gradient(a, &WEIGHTS);
        let gb = influence.total_gradient(b, &WEIGHTS);
        let (za, zb) = (influence.adjoint(&ga), influence.adjoint(&gb));
        for (c, p) in [(0, 5), (1, 7), (2, np - 1)] {
            // The first of the proposal's scores in the design's order (sorted by juror).
            let mut mine: Vec<usize> = (0..obs[c].len())
                .filter(|&i| obs[c][i].proposal as usize == p)
                .collect();
            mine.sort_by_key(|&i| (obs[c][i].juror, obs[c][i].score.to_bits()));
            let i = mine[0];
            let delta = 1e-4;
            let mut moved = obs.clone();
            moved[c][i].score += delta;
            let refit = fit_affine_shared(nj, np, &moved, &options());
            let after = totals(&moved, &refit, np);
            let exact = (after[a] - after[b]) - (base[a] - base[b]);
            let first = influence.moved(&za, c, p, 0, delta) - influence.moved(&zb, c, p, 0, delta);
            assert!(
                (first - exact).abs() <= 1e-2 * exact.abs(),
                "seed {seed}, score of {p} on {c}: exact {exact:e}, first order {first:e}"
            );
        }
    }
}

/// A juror's weights lowered by 0.1%: one Newton step on the lowered award is the refitted
/// change to within 1% (checks the penalty's constants as functions of the weights).
#[test]
fn a_small_change_of_a_jurors_weights_is_one_newton_step() {
    let (seed, nj, np, reads) = (4, 60, 400, 4);
    let obs = award(seed, nj, np, reads);
    let fit = fit_affine_shared(nj, np, &obs, &options());
    let (a, b) = (0, np / 2);
    for j in [3, 17, 32] {
        let lowered: Vec<Vec<Observation>> = obs
            .iter()
            .map(|o| {
                o.iter()
                    .map(|o| {
                        let mut o = *o;
                        if o.juror as usize == j {
                            o.weight *= 0.999;
                        }
                        o
                    })
                    .collect()
            })
            .collect();
        let refit = fit_affine_shared(nj, np, &lowered, &options());
        let wtotals = |obs: &[Vec<Observation>], fit: &SharedAffineFit| {
            let mut total = vec![0.0; np];
            for (c, o) in obs.iter().enumerate() {
                let (mut sum, mut n) = (vec![0.0; np], vec![0.0; np]);
                for o in o {
                    let (k, p) = (o.juror as usize, o.proposal as usize);
                    sum[p] += o.weight * (o.score - fit.criteria[c].bias[k]) / fit.scale[k];
                    n[p] += o.weight;
                }
                for p in 0..np {
                    total[p] += WEIGHTS[c] * sum[p] / n[p];
                }
            }
            total
        };
        let (before, after) = (wtotals(&lowered, &fit), wtotals(&lowered, &refit));
        let exact = (after[a] - after[b]) - (before[a] - before[b]);
        let reduced = Influence::new(nj, np, &lowered, &fit, 5.0, 0.1);
        let za = reduced.adjoint(&reduced.total_gradient(a, &WEIGHTS));
        let zb = reduced.adjoint(&reduced.total_gradient(b, &WEIGHTS));
        let newton = reduced.newton_change(&za, 0.0) - reduced.newton_change(&zb, 0.0);
        assert!(
            (newton - exact).abs() <= 1e-2 * exact.abs(),
            "juror {j}: exact {exact:e}, Newton {newton:e}"
        );
    }
}

/// Two awards side by side, no juror in both: the design is split, and a juror's absence
/// shifts their part's level, which the regular adjoint does not see. The screen refuses such
/// a design ([`Influence::connected`]); on a pair across the parts the first-order change is
/// indeed far off (up to six times the local terms' size, found by a review).
#[test]
fn a_split_design_is_not_connected() {
    let (one, two) = (award(11, 20, 100, 3), award(12, 20, 100, 3));
    let both: Vec<Vec<Observation>> = one
        .iter()
        .zip(&two)
        .map(|(a, b)| {
            let moved = b.iter().map(|o| Observation {
                juror: o.juror + 20,
                proposal: o.proposal + 100,
                ..*o
            });
            a.iter().copied().chain(moved).collect()
        })
        .collect();
    let fit = fit_affine_shared(40, 200, &both, &options());
    assert!(!Influence::new(40, 200, &both, &fit, 5.0, 0.1).connected());
    let fit = fit_affine_shared(20, 100, &one, &options());
    assert!(Influence::new(20, 100, &one, &fit, 5.0, 0.1).connected());
}

/// Adjoints solved side by side (one pass over the scores for all, each with its own
/// conjugate-gradient steps, stopping at its own step) have the bits of each solved alone:
/// the screen's groups, which follow the thread count, and the blocks the memory cap makes
/// change no number. Among them a zero gradient (solved at once) and gradients of proposals
/// read by a held juror and by the juror at the floor (fixed scales), on scores of unequal
/// weights. (Against the single-vector solve this replaced, the same 5 gradients of these
/// awards and 210 more were checked bit for bit when it landed; the existing tests check the
/// adjoints' values against refits.)
#[test]
fn adjoints_solved_side_by_side_have_the_bits_of_each_solved_alone() {
    for (seed, nj, np, reads) in [(1, 12, 60, 3), (4, 60, 400, 4), (7, 30, 200, 3)] {
        let mut obs = award_with_held_and_flat(seed, nj, np, reads);
        for o in obs.iter_mut().flatten().step_by(3) {
            o.weight = 1.7;
        }
        let fit = fit_affine_shared(nj + 4, np, &obs, &options());
        assert!(fit.held.iter().any(|&h| h), "a held juror");
        let influence = Influence::new(nj + 4, np, &obs, &fit, 5.0, 0.1);
        let mut gs: Vec<Gradient> = (0..5)
            .map(|k| influence.total_gradient(k * 7 % np, &WEIGHTS))
            .collect();
        gs.push(influence.mean_total_gradient(&[1, 2, 3], &WEIGHTS));
        gs.insert(2, influence.total_gradient(0, &[0.0; CRITERIA]));
        let together = influence.adjoints(&gs);
        // Blocks of two vectors: 5 blocks × 2 vectors × 8 bytes per parameter.
        let n = (nj + 4) + CRITERIA * (nj + 4 + np);
        let in_twos = influence.adjoints_within(&gs, 5 * 2 * 8 * n);
        assert_eq!((together.len(), in_twos.len()), (gs.len(), gs.len()));
        for ((g, t), two) in gs.iter().zip(&together).zip(&in_twos) {
            let alone = influence.adjoint(g);
            assert!(alone.converged && t.converged, "seed {seed}");
            assert!(
                alone.bits() == t.bits(),
                "seed {seed}: not the bits of the solve alone"
            );
            assert!(
                alone.bits() == two.bits(),
                "seed {seed}: a block of two differs"
            );
        }
    }
}
