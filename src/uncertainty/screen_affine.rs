//! The leave-one-juror-out screen under `affine`: the places near the cut moved by the
//! first-order influence of each juror ([`Influence`]), with an allowance for what one
//! Newton step misses.
//!
//! A set `S` of places is watched: the ranking down to the runner-up and the next
//! [`EXTRA`] places below it. A juror who read a watched proposal is scored again exactly.
//! For any other juror, each watched total's change is worked out to first order, with its
//! own allowance ([`ALLOWANCE`] times the size of the juror's local terms, which carry the
//! nonlinearity); the proposals below `S` are checked against the runner-up, both measured
//! from the award's mean change, with their direct change and once (unread) or twice (read)
//! the juror's largest direct change for the rest. Refused: thresholds or a pass total, a
//! split design, an unconverged fit. The rule and the checks against brute force:
//! `docs/methods.md`, "Leave-one-juror-out screen".

use rayon::prelude::*;

use crate::award::Award;
use crate::fit::AffineOptions;
use crate::fit::{Adjoint, Gradient, Influence, Observation, SharedAffineFit};
use crate::normalize::{self, AFFINE_SHRINKAGE};
use crate::outcome::Outcome;

/// Places watched below the runner-up.
pub(super) const EXTRA: usize = 20;
/// The allowance for the second-order terms, as a multiple of the size of a juror's local
/// terms (the largest ratio of the error of the first-order change of a gap to that size was
/// 1.69 over 215 gaps of six random awards, with held jurors and one at the floor in one of
/// them, `src/fit/affine/influence_tests.rs`).
pub(super) const ALLOWANCE: f64 = 4.0;
/// Most watched places: beyond, the screen does not apply (every juror is scored again).
const MOST_WATCHED: usize = 64;
/// The least allowance, relative to a total's size (at least 1).
const FLOOR: f64 = 1e-6;

/// The affine screen's parts, made once.
pub(super) struct Affine {
    influence: Influence,
    /// The watched proposals in ranking order (the prefix first), and their adjoints; the
    /// adjoint of the mean total of the award (every proposal with a total).
    watched: Vec<usize>,
    adjoints: Vec<Adjoint>,
    mean: Adjoint,
    /// Places of the prefix (down to the runner-up) among the watched.
    prefix: usize,
    /// Whether each proposal is watched.
    is_watched: Vec<bool>,
    /// The best total below the watched places (−∞ when none).
    below: f64,
}

impl Affine {
    /// The parts for `outcome` (scored under `affine` with the mean), from the whole award's
    /// `fit`; `None` when the screen cannot apply: thresholds or a pass total (a criterion
    /// value's change is not worked out), a fit that did not converge (the step starts from a
    /// stationary point), a criterion whose design is split (a juror's absence shifts their
    /// part's level, [`Influence::connected`]), too many watched places, or an adjoint whose
    /// iteration did not converge.
    pub(super) fn new(
        award: &Award,
        outcome: &Outcome,
        fit: &SharedAffineFit,
        prefix: usize,
    ) -> Option<Affine> {
        let rubric = award.rubric();
        if rubric.has_bars() || !fit.converged {
            return None;
        }
        let order = &outcome.ranking.order;
        let watched: Vec<usize> = order.iter().copied().take(prefix + EXTRA).collect();
        if watched.len() > MOST_WATCHED || watched.len() < 2 {
            return None;
        }
        let below = order
            .get(watched.len())
            .and_then(|&p| outcome.values[p].total)
            .unwrap_or(f64::NEG_INFINITY);
        let (criteria, weights): (Vec<Vec<Observation>>, Vec<f64>) =
            normalize::observations(award, &outcome.status)
                .into_iter()
                .map(|(c, obs)| (obs, rubric.criteria[c].weight))
                .unzip();
        let (n_j, n_p) = (award.jurors().len(), award.proposals().len());
        let influence = Influence::new(
            n_j,
            n_p,
            &criteria,
            fit,
            AFFINE_SHRINKAGE,
            AffineOptions::default().min_scale,
        );
        if !influence.connected() {
            return None;
        }
        let with_total: Vec<usize> = (0..n_p)
            .filter(|&p| outcome.values[p].total.is_some())
            .collect();
        let gradients: Vec<Gradient> = (0..=watched.len())
            .into_par_iter()
            .map(|k| match watched.get(k) {
                Some(&p) => influence.total_gradient(p, &weights),
                None => influence.mean_total_gradient(&with_total, &weights),
            })
            .collect();
        // Solved side by side, one group a thread: a pass over the scores serves a whole
        // group (as much of it as fits in Influence::adjoints' memory), and each adjoint has
        // the same bits in any group.
        let group = gradients
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(1);
        let mut adjoints: Vec<Adjoint> = (gradients.par_chunks(group))
            .flat_map_iter(|gs| influence.adjoints(gs))
            .collect();
        if adjoints.iter().any(|a| !a.converged) {
            return None;
        }
        let mean = adjoints.pop()?;
        let mut is_watched = vec![false; n_p];
        watched.iter().for_each(|&p| is_watched[p] = true);
        Some(Affine {
            influence,
            watched,
            adjoints,
            mean,
            prefix,
            is_watched,
            below,
        })
    }

    /// Whether the award without juror `j` surely keeps its winners in the same order, given
    /// `direct`, the direct change of each total juror `j` read (at the other jurors'
    /// corrections), as (proposal, change).
    pub(super) fn clears(&self, j: usize, outcome: &Outcome, direct: &[(usize, f64)]) -> bool {
        if direct.iter().any(|&(p, _)| self.is_watched[p]) {
            return false; // read near the cut: scored again exactly
        }
        let mut change = Vec::with_capacity(self.watched.len() + 1);
        let mut local = Vec::with_capacity(self.watched.len() + 1);
        for a in self.adjoints.iter().chain([&self.mean]) {
            let Some((c, l)) = self.influence.without_terms(a, j) else {
                return false;
            };
            change.push(c);
            local.push(l);
        }
        let total = |k: usize| outcome.values[self.watched[k]].total.unwrap_or(0.0);
        // The allowance of the gap between watched places k and l.
        let allow = |k: usize, l: usize| {
            let size: f64 = local[k]
                .iter()
                .zip(&local[l])
                .map(|(x, y)| (x - y).abs())
                .sum();
            ALLOWANCE * size + FLOOR * total(k).abs().max(1.0)
        };
        let apart = |k: usize, l: usize| total(k) - total(l) + change[k] - change[l] > allow(k, l);
        if !(1..self.prefix).all(|k| apart(k - 1, k)) {
            return false;
        }
        let last = self.prefix - 1;
        if !(self.prefix..self.watched.len()).all(|k| apart(last, k)) {
            return false;
        }
        // Below the watched places, against the award's mean change (which moves no place):
        // the runner-up moves by its change from the mean give or take its allowance; a total
        // the juror read by its direct change and at most twice the juror's largest direct
        // change; any other total by at most that largest change.
        let m = self.watched.len();
        let size: f64 = local[last]
            .iter()
            .zip(&local[m])
            .map(|(x, y)| (x - y).abs())
            .sum();
        let cut = total(last) + change[last]
            - change[m]
            - ALLOWANCE * size
            - FLOOR * total(last).abs().max(1.0);
        let most = direct.iter().fold(0.0f64, |m, &(_, d)| m.max(d.abs()));
        // (An unranked proposal stays so: without thresholds a juror's absence can only take
        // reviews away.)
        let read_ok = direct
            .iter()
            .filter(|&&(p, _)| outcome.ranking.rank[p].is_some())
            .filter_map(|&(p, d)| outcome.values[p].total.map(|t| (t, d)))
            .all(|(t, d)| t + d + 2.0 * most < cut);
        read_ok && self.below + most < cut
    }
}
