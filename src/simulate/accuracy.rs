//! How close an outcome came to the truth, and the oracle that knew every juror's bias.

use super::{midpoint, rubric_toml, Simulation};
use crate::award::{Award, AwardBuilder};
use crate::outcome::Outcome;
use crate::rubric::{Rubric, Scale};
use crate::settings::Method;
use crate::tolerance;

/// How close an outcome came to the truth.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Accuracy {
    /// How many of the true top `n` are in the outcome's top `n`, where `n` is the award's
    /// number of winners and the outcome's top is its ranking of the eligible proposals.
    pub winners_found: usize,
    /// Kendall's tau-b between the outcome's totals and the true totals, over the proposals
    /// that have a total (totals within [`tolerance::TIE`] count as tied).
    pub kendall_tau: f64,
}

impl Simulation {
    /// How close `outcome` (of this award, scored with any method) came to the truth.
    pub fn accuracy(&self, outcome: &Outcome) -> Accuracy {
        let n = self.award.settings().winners;
        let truth = self.truth.top(n);
        let found = outcome.ranking.order.iter().take(n);
        let pairs: Vec<(f64, f64)> = (0..self.truth.totals.len())
            .filter_map(|p| Some((outcome.values[p].total?, self.truth.totals[p])))
            .collect();
        Accuracy {
            winners_found: found.filter(|p| truth.contains(p)).count(),
            kendall_tau: kendall_tau_b(&pairs),
        }
    }

    /// The oracle: the same scores, each corrected by its juror's true leniency and spread,
    /// `(raw − m − ℓ) / s + m`, on a scale without a step wide enough for every corrected
    /// score, with the same settings and method `none`. It shows how well a method that knew
    /// every juror's bias would do; the noise, rounding and clamping remain.
    pub fn oracle(&self) -> Award {
        let m = midpoint(&self.options.scale);
        let t = &self.truth;
        let corrected: Vec<f64> = (self.award.scores().iter())
            .map(|s| {
                (s.raw().unwrap_or(m) - m - t.leniency[s.juror_index()]) / t.spread[s.juror_index()]
                    + m
            })
            .collect();
        let (lo, hi) = corrected
            .iter()
            .fold((m, m), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let scale = Scale {
            min: lo.floor() - 1.0,
            max: hi.ceil() + 1.0,
            step: None,
        };
        let rubric = Rubric::from_toml_str(&rubric_toml(self.options.criteria, &scale))
            .expect("a rubric of positive weights on a finite scale is valid");
        let mut settings = self.award.settings().clone();
        settings.method = Method::None;
        let mut b = AwardBuilder::new(rubric, settings);
        let (jurors, proposals) = (self.award.jurors(), self.award.proposals());
        for (s, x) in self.award.scores().iter().zip(corrected) {
            let criterion = &self.award.rubric().criteria[s.criterion_index()].id;
            b.score(
                jurors.id(s.juror_index()),
                proposals.id(s.proposal_index()),
                criterion,
                Some(x),
            );
        }
        b.finish()
            .expect("corrected scores lie on the oracle's scale")
    }
}

/// Kendall's tau-b of paired values: `(C − D) / √((n₀ − n₁)(n₀ − n₂))`, with `n₀` the pairs,
/// `n₁` and `n₂` the pairs tied in the first and in the second value; 0 when undefined.
fn kendall_tau_b(pairs: &[(f64, f64)]) -> f64 {
    let sign = |a: f64, b: f64| {
        if a == b || tolerance::same(a, b) {
            0
        } else if a < b {
            -1
        } else {
            1
        }
    };
    let (mut concordant, mut discordant) = (0i64, 0i64);
    let (mut tied_x, mut tied_y, mut n0) = (0i64, 0i64, 0i64);
    for (i, &(x1, y1)) in pairs.iter().enumerate() {
        for &(x2, y2) in &pairs[i + 1..] {
            n0 += 1;
            match (sign(x1, x2), sign(y1, y2)) {
                (0, 0) => {
                    tied_x += 1;
                    tied_y += 1;
                }
                (0, _) => tied_x += 1,
                (_, 0) => tied_y += 1,
                (a, b) if a == b => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let denominator = (((n0 - tied_x) * (n0 - tied_y)) as f64).sqrt();
    if denominator == 0.0 {
        0.0
    } else {
        (concordant - discordant) as f64 / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::tests::{scores, sim, WIDE};
    use crate::simulate::SimulationOptions;
    use crate::Status;

    #[test]
    fn the_oracle_undoes_each_jurors_leniency_and_spread() {
        // Without noise, raw = round₆(ℓ + s v) on a scale of midpoint 0, so the oracle's
        // (raw − ℓ) / s differs from v by at most 5e-7 / s.
        let s = sim(SimulationOptions {
            scale: WIDE,
            noise_sd: 0.0,
            seed: 4,
            ..SimulationOptions::default()
        });
        let oracle = s.oracle();
        assert_eq!(oracle.settings().method, Method::None);
        for (j, p, c, x) in scores(&oracle) {
            let bound = 5e-7 / s.truth.spread[j] + 1e-12;
            assert!((x - s.truth.values[p * 5 + c]).abs() <= bound);
        }
        // Its totals are then within 5 × 5e-7 / min s of the truth; when the true totals are
        // further apart than twice that, it ranks every proposal right.
        let min_spread = s.truth.spread.iter().copied().fold(f64::INFINITY, f64::min);
        let mut totals = s.truth.totals.clone();
        totals.sort_by(f64::total_cmp);
        let gap = totals
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(f64::INFINITY, f64::min);
        assert!(gap > 2.0 * 5.0 * 5e-7 / min_spread, "{gap}");
        let outcome = crate::score(&oracle);
        assert!(outcome.status.iter().all(|&x| x == Status::Used));
        let accuracy = s.accuracy(&outcome);
        assert_eq!(accuracy.winners_found, 5);
        assert_eq!(accuracy.kendall_tau, 1.0);
    }

    #[test]
    fn kendall_tau_b_by_hand() {
        // 6 pairs; only (2, 3) swaps: C = 5, D = 1 → (5 − 1) / 6.
        let swapped = [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (4.0, 4.0)];
        assert!((kendall_tau_b(&swapped) - 4.0 / 6.0).abs() < 1e-15);
        // 3 pairs, one tied in x: C = 2, D = 0, n₁ = 1, n₂ = 0 → 2 / √((3 − 1)(3 − 0)).
        let tied = [(1.0, 1.0), (1.0, 2.0), (2.0, 3.0)];
        assert!((kendall_tau_b(&tied) - 2.0 / 6f64.sqrt()).abs() < 1e-15);
        let reversed = [(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)];
        assert_eq!(kendall_tau_b(&reversed), -1.0);
        assert_eq!(kendall_tau_b(&[(1.0, 1.0), (1.0, 2.0)]), 0.0);
    }
}
