//! One criterion in the alternating iteration of the affine fits: its constants, the current
//! scales, biases and values, and the steps of one sweep.

use super::super::additive::AdditiveFit;
use super::super::components::NONE;
use super::super::design::{add_by_component, Design, Seg};
use super::super::FitOptions;
use super::gauge::{moments, normalise, ComponentSums};
use super::joint;
use super::scale_step::scale_step;
use super::{AffineFit, AffineOptions};
use crate::util::spare;

/// A juror's scale is identified when `S_xx > IDENTIFIED × W_j × σ²`.
pub(super) const IDENTIFIED: f64 = 1e-10;
/// Changes this many times the size of a number are at the rounding level.
const ROUNDING: f64 = 16.0 * f64::EPSILON;

/// One criterion in the alternating iteration: its design, the constants of its components,
/// and the current scales, biases and values.
pub(super) struct Criterion<'a> {
    pub(super) design: &'a Design,
    /// `κ`, the pseudo-observations pulling each scale toward 1 (0 for none).
    pub(super) shrinkage: f64,
    /// The floor of the scales, relative to the component's mean scale.
    pub(super) floor: f64,
    /// Per component: total weight, mean weight and mean score of its scores.
    pub(super) weight_sum: Vec<f64>,
    pub(super) mean_weight: Vec<f64>,
    pub(super) mean_score: Vec<f64>,
    /// Per component, the units of the convergence test: the spread of the scores (1 if they
    /// do not vary), and their mean size, which sets the rounding level.
    pub(super) spread: Vec<f64>,
    pub(super) magnitude: Vec<f64>,
    /// The jurors of each component.
    pub(super) members: Vec<Vec<usize>>,
    /// The current scale and bias of each juror and value of each proposal.
    pub(super) scale: Vec<f64>,
    pub(super) bias: Vec<f64>,
    pub(super) value: Vec<f64>,
    /// Whether each juror's scale is identified (the values they read vary, and the juror is
    /// not held).
    pub(super) identified: Vec<bool>,
    /// Jurors whose scale is held at 1 whatever the data (too few proposals read); empty
    /// when none is.
    pub(super) held: Vec<bool>,
    /// The scales are one per juror, shared with other criteria and set by the caller's scale
    /// step: the gauge step then only shifts (no rescaling of this criterion alone).
    pub(super) shared: bool,
    /// The scale step's target and curvature for each juror: their shrunk regression slope
    /// and its curvature (then moved by the pooling, in the pooled fit).
    pub(super) target: Vec<f64>,
    pub(super) curvature: Vec<f64>,
    /// Each juror's unpenalised regression on the current values: `S_xx` and the slope
    /// `S_xy / S_xx`, and their residual sum of squares (pooled fit only).
    pub(super) sxx: Vec<f64>,
    pub(super) raw_slope: Vec<f64>,
    pub(super) rss: Vec<f64>,
    /// `Σ w (score − mean_score)²` of each juror's scores (pooled fit only).
    pub(super) syy: Vec<f64>,
    /// Whether each component is still iterating.
    pub(super) live: Vec<bool>,
    /// The last joint step stopped at its cap: take another on the next sweep.
    pub(super) joint_due: bool,
    /// The last joint step of the shared fit met its reduction within 1 to
    /// [`joint::EASY_STEPS`] conjugate-gradient steps: the periodic joint steps come every
    /// [`joint::EASY_EVERY`] sweeps.
    pub(super) joint_easy: bool,
    /// Most conjugate-gradient steps of a joint step (doubled after a slow step, [`joint::SLOW`]).
    pub(super) joint_steps: usize,
    /// Each proposal's `(G_p, H_p)` of the value step: `Σ w a (score − b)` and `Σ w a²`.
    pub(super) value_terms: Vec<(f64, f64)>,
    /// The juror sums of the current sweep's regression (four per juror: `Σ w Δv`, `Σ w Δy`,
    /// `Σ w Δv²`, `Σ w Δv Δy`), and the weighted mean and variance of each component's
    /// values.
    pub(super) regression_sums: Vec<f64>,
    pub(super) value_mean: Vec<f64>,
    pub(super) value_var: Vec<f64>,
    /// Each observed proposal's value less its component's mean value (of the current
    /// sweep's regression), and its component's mean score.
    value_dev: Vec<f64>,
    score_centre: Vec<f64>,
    /// The value step's pull of each component ([`Criterion::pull`]): its strength `k_c`, its
    /// mean `m_c`, and the two sums behind the mean (two numbers a component).
    pull_strength: Vec<f64>,
    pull_mean: Vec<f64>,
    pull_sums: Vec<f64>,
    /// The gauge step's sums ([`normalise`]).
    gauge_sums: ComponentSums,
    /// The previous iterate: scales, biases, values.
    pub(super) previous: (Vec<f64>, Vec<f64>, Vec<f64>),
}

/// The constants of each component: total weight, mean weight, mean score.
struct ComponentConstants {
    weight_sum: Vec<f64>,
    mean_weight: Vec<f64>,
    mean_score: Vec<f64>,
}

impl ComponentConstants {
    fn new(d: &Design) -> ComponentConstants {
        let nc = d.n_comps;
        let sum = |x: &dyn Fn(usize) -> f64| {
            let mut out = spare::take();
            d.comp_sum_into(true, x, &mut out);
            out
        };
        let wsum = sum(&|j| d.juror_weight[j]);
        let count = sum(&|j| d.juror_count[j]);
        let wbar = spare::collect((0..nc).map(|c| wsum[c] / count[c]));
        let scores = sum(&|j| d.juror_score_sum[j]);
        let ybar = spare::collect(scores.iter().zip(&wsum).map(|(s, w)| s / w));
        spare::keep(count);
        spare::keep(scores);
        ComponentConstants {
            weight_sum: wsum,
            mean_weight: wbar,
            mean_score: ybar,
        }
    }
}

/// The units of the convergence test of each component: the spread of the scores (1 if they
/// do not vary), and their mean size, which sets the rounding level.
fn convergence_units(d: &Design, wsum: &[f64], ybar: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let nc = d.n_comps;
    let pc = |p: usize| d.proposal_comp[p] as usize;
    let mut ss = spare::filled(d.n_proposals, (0.0, 0.0));
    d.per_proposal(&mut ss, |p, s, o| {
        if d.proposal_comp[p] != NONE {
            let m = ybar[pc(p)];
            *o = (0..s.juror.len()).fold((0.0, 0.0), |(sq, ab), k| {
                let w = s.weight[k];
                (sq + w * (s.score[k] - m).powi(2), ab + w * s.score[k].abs())
            });
        }
    });
    let (mut sq, mut size) = (spare::take(), spare::take());
    d.comp_sum_into(false, |p| ss[p].0, &mut sq);
    d.comp_sum_into(false, |p| ss[p].1, &mut size);
    spare::keep(ss);
    let unit = spare::collect((0..nc).map(|c| match (sq[c] / wsum[c]).sqrt() {
        sd if sd > 0.0 => sd,
        _ => 1.0,
    }));
    let mean_size = spare::collect((0..nc).map(|c| size[c] / wsum[c]));
    spare::keep(sq);
    spare::keep(size);
    (unit, mean_size)
}

/// `Σ w (score − ybar)²` of each juror's scores, `ybar` the mean score of their component.
fn juror_syy(d: &Design, ybar: &[f64]) -> Vec<f64> {
    let pc = |p: usize| d.proposal_comp[p] as usize;
    d.juror_sums(1, |p, s, acc| {
        if d.proposal_comp[p] != NONE {
            for k in 0..s.juror.len() {
                let dy = s.score[k] - ybar[pc(p)];
                acc[s.juror[k] as usize] += s.weight[k] * dy * dy;
            }
        }
    })
}

impl<'a> Criterion<'a> {
    /// The criterion at the additive fit `start`, scales 1; `pooled` keeps the sums the pooled
    /// fit needs.
    pub(super) fn new(
        d: &'a Design,
        start: AdditiveFit,
        opts: &AffineOptions,
        pooled: bool,
    ) -> Criterion<'a> {
        let (nj, nc) = (d.n_jurors, d.n_comps);
        let shrinkage = if opts.shrinkage > 0.0 {
            opts.shrinkage.min(1e15)
        } else {
            0.0
        };
        let floor = if opts.min_scale >= 1e-6 {
            opts.min_scale.min(0.99)
        } else {
            1e-6
        };
        let constants = ComponentConstants::new(d);
        let (spread, magnitude) =
            convergence_units(d, &constants.weight_sum, &constants.mean_score);
        let syy = if pooled {
            juror_syy(d, &constants.mean_score)
        } else {
            Vec::new()
        };
        let jurors = if pooled { nj } else { 0 };
        let score_centre = spare::collect((d.proposal_comp.iter()).map(|&c| match c {
            NONE => 0.0,
            c => constants.mean_score[c as usize],
        }));
        Criterion {
            design: d,
            shrinkage,
            floor,
            weight_sum: constants.weight_sum,
            mean_weight: constants.mean_weight,
            mean_score: constants.mean_score,
            spread,
            magnitude,
            members: d.members(),
            scale: spare::filled(nj, 1.0),
            bias: start.bias,
            value: start.value,
            identified: spare::filled(nj, false),
            held: Vec::new(),
            shared: false,
            target: spare::filled(nj, 0.0),
            curvature: spare::filled(nj, 0.0),
            sxx: spare::filled(jurors, 0.0),
            raw_slope: spare::filled(jurors, 0.0),
            rss: spare::filled(jurors, 0.0),
            syy,
            live: spare::filled(nc, true),
            joint_due: false,
            joint_easy: false,
            joint_steps: joint::STEPS,
            value_terms: spare::filled(d.n_proposals, (0.0, 0.0)),
            regression_sums: spare::take(),
            value_mean: spare::take(),
            value_var: spare::take(),
            value_dev: spare::take(),
            score_centre,
            pull_strength: spare::take(),
            pull_mean: spare::take(),
            pull_sums: spare::take(),
            gauge_sums: ComponentSums::default(),
            previous: (spare::take(), spare::take(), spare::take()),
        }
    }

    /// The criterion with the jurors marked in `held` (one flag per juror, or empty) held at
    /// scale 1.
    pub(super) fn holding(mut self, held: &[bool]) -> Criterion<'a> {
        self.held = spare::collect(held.iter().copied());
        self
    }

    /// `σ̂²`: the residual sum of squares of the jurors' own lines over the degrees of
    /// freedom left, scores less parameters (see
    /// [`fit_affine_pooled`](super::fit_affine_pooled)).
    pub(super) fn residual_variance(&self) -> Option<f64> {
        let d = self.design;
        let observed = |comp: &[u32]| comp.iter().filter(|&&c| c != NONE).count() as f64;
        let scores: f64 = (0..d.n_jurors)
            .filter(|&j| d.juror_comp[j] != NONE)
            .map(|j| d.juror_count[j])
            .sum();
        let dof = scores - observed(&d.proposal_comp) - 2.0 * observed(&d.juror_comp)
            + 2.0 * d.n_comps as f64;
        let rss: f64 = (0..d.n_jurors)
            .filter(|&j| d.juror_comp[j] != NONE)
            .map(|j| self.rss[j])
            .sum();
        (dof > 0.0).then(|| rss / dof)
    }

    /// Whether every component is still iterating (always so in the shared and pooled fits,
    /// whose components stop together): the passes over the scores then test no proposal.
    fn all_live(&self) -> bool {
        self.live.iter().all(|&l| l)
    }

    fn on_j(&self, j: usize) -> bool {
        self.design.juror_comp[j] != NONE && self.live[self.design.juror_comp[j] as usize]
    }

    fn on_p(&self, p: usize) -> bool {
        self.design.proposal_comp[p] != NONE && self.live[self.design.proposal_comp[p] as usize]
    }

    pub(super) fn sweep_start(&mut self) {
        self.previous.0.clone_from(&self.scale);
        self.previous.1.clone_from(&self.bias);
        self.previous.2.clone_from(&self.value);
    }

    /// 1a. Each juror's weighted regression of score on value, centred in the component:
    /// the shrunk slope and its curvature (and, in the pooled fit, the unpenalised slope).
    pub(super) fn regress(&mut self) {
        let d = self.design;
        let (mut mean, mut var, mut dev) = (
            std::mem::take(&mut self.value_mean),
            std::mem::take(&mut self.value_var),
            std::mem::take(&mut self.value_dev),
        );
        moments(
            d,
            &self.value,
            &self.weight_sum,
            (&mut mean, &mut var, &mut dev),
        );
        let mut sums = std::mem::take(&mut self.regression_sums);
        // Slices, captured by value: the loop over the scores keeps them in registers.
        let (live, pcomp) = (&self.live[..], &d.proposal_comp[..]);
        let (dev_p, centre) = (&dev[..], &self.score_centre[..]);
        let add = move |p: usize, s: Seg<'_>, acc: &mut [f64]| {
            let (dv, yc) = (dev_p[p], centre[p]);
            for ((&j, &w), &y) in s.juror.iter().zip(s.weight).zip(s.score) {
                let (j, dy) = (4 * j as usize, y - yc);
                let [sv, sy, svv, svy] = &mut acc[j..j + 4] else {
                    unreachable!("a slice of 4")
                };
                *sv += w * dv;
                *sy += w * dy;
                *svv += w * dv * dv;
                *svy += w * dv * dy;
            }
        };
        if self.all_live() {
            // (A proposal no one read has no scores: nothing to test.)
            d.juror_sums_into(4, add, &mut sums);
        } else {
            let add_live = move |p: usize, s: Seg<'_>, acc: &mut [f64]| {
                let c = pcomp[p];
                if c != NONE && live[c as usize] {
                    add(p, s, acc);
                }
            };
            d.juror_sums_into(4, add_live, &mut sums);
        }
        for j in 0..d.n_jurors {
            if !self.on_j(j) {
                continue;
            }
            let (c, w) = (d.juror_comp[j] as usize, d.juror_weight[j]);
            let (mv, sv) = (sums[4 * j] / w, sums[4 * j]);
            let sxx = (sums[4 * j + 2] - sv * mv).max(0.0);
            let prior = self.shrinkage * self.mean_weight[c] * var[c];
            // (The values must vary at all, beyond rounding, relative to the scores.)
            self.identified[j] = sxx > IDENTIFIED * w * var[c]
                && var[c] > 1e-20 * self.spread[c] * self.spread[c]
                && !self.held.get(j).is_some_and(|&h| h);
            self.curvature[j] = sxx + prior;
            self.target[j] =
                (sums[4 * j + 3] - sv * sums[4 * j + 1] / w + prior) / self.curvature[j];
            if !self.syy.is_empty() {
                let sxy = sums[4 * j + 3] - sv * sums[4 * j + 1] / w;
                let syy = self.syy[j] - sums[4 * j + 1] * sums[4 * j + 1] / w;
                let (raw, fit) = if self.identified[j] {
                    (sxy / sxx, sxy * sxy / sxx)
                } else {
                    (1.0, 0.0)
                };
                (self.sxx[j], self.raw_slope[j], self.rss[j]) = (sxx, raw, (syy - fit).max(0.0));
            }
        }
        (self.regression_sums, self.value_mean, self.value_var) = (sums, mean, var);
        self.value_dev = dev;
    }

    /// 1b. The exact scale step of each component, to the targets in `target` and
    /// `curvature`, then each juror's bias given their scale.
    pub(super) fn scales(&mut self) {
        for (_, m) in self
            .members
            .iter()
            .enumerate()
            .filter(|&(c, _)| self.live[c])
        {
            let ids: Vec<usize> = m.iter().copied().filter(|&j| self.identified[j]).collect();
            let cs: Vec<f64> = ids.iter().map(|&j| self.curvature[j]).collect();
            let rs: Vec<f64> = ids.iter().map(|&j| self.target[j]).collect();
            let mut scales = vec![1.0; ids.len()];
            if !scale_step(&cs, &rs, self.floor, &mut scales) {
                scales.iter_mut().for_each(|a| *a = 1.0); // no positive solution: additive
            }
            for &j in m {
                self.scale[j] = 1.0;
            }
            for (&j, &s) in ids.iter().zip(&scales) {
                self.scale[j] = s;
            }
        }
        self.biases();
    }

    /// 1c. Each juror's bias given their scale: the line through their weighted means.
    pub(super) fn biases(&mut self) {
        let d = self.design;
        let sums = &self.regression_sums;
        for (c, m) in self
            .members
            .iter()
            .enumerate()
            .filter(|&(c, _)| self.live[c])
        {
            for &j in m {
                let w = d.juror_weight[j];
                self.bias[j] = (self.mean_score[c] + sums[4 * j + 1] / w)
                    - self.scale[j] * (self.value_mean[c] + sums[4 * j] / w);
            }
        }
    }

    /// The value step's pull toward each component's mean: its strength `k_c` and the mean
    /// `m_c` that goes with the current biases, into `pull_strength` and `pull_mean`; leaves
    /// each proposal's `(G_p, H_p)` in `value_terms`.
    fn pull(&mut self) {
        let d = self.design;
        let nc = d.n_comps;
        // Slices, captured by value: the loop over the scores keeps them in registers.
        let (a, b, live) = (&self.scale[..], &self.bias[..], &self.live[..]);
        let pcomp = &d.proposal_comp[..];
        let terms = move |s: Seg<'_>, o: &mut (f64, f64)| {
            let (mut g, mut h) = (0.0, 0.0);
            for ((&j, &w), &y) in s.juror.iter().zip(s.weight).zip(s.score) {
                let aj = a[j as usize];
                g += w * aj * (y - b[j as usize]);
                h += w * aj * aj;
            }
            *o = (g, h);
        };
        if self.all_live() {
            // A proposal no one read gets (0, 0), the terms it starts with.
            d.per_proposal(&mut self.value_terms, move |_, s, o| terms(s, o));
        } else {
            d.per_proposal(&mut self.value_terms, move |p, s, o| {
                let c = pcomp[p];
                if c != NONE && live[c as usize] {
                    terms(s, o);
                }
            });
        }
        let (mut k, mut m) = (
            std::mem::take(&mut self.pull_strength),
            std::mem::take(&mut self.pull_mean),
        );
        d.comp_sum_into(
            true,
            |j| {
                if self.on_j(j) {
                    (a[j] - 1.0).powi(2)
                } else {
                    0.0
                }
            },
            &mut k,
        );
        for (c, k) in k.iter_mut().enumerate() {
            *k = self.shrinkage * self.mean_weight[c] * *k / self.weight_sum[c];
        }
        // Σ shrunk × G and Σ shrunk × H over each component's live proposals, in index order,
        // `shrunk = D_p / (H_p + k_c D_p)`.
        let sums = &mut self.pull_sums;
        sums.clear();
        sums.resize(2 * nc, 0.0);
        let (terms, dp) = (&self.value_terms, &d.proposal_weight);
        add_by_component(
            &d.proposal_comp,
            |p, c| {
                live[c].then(|| {
                    let ((g, h), dp) = (terms[p], dp[p]);
                    let r = dp / (h + k[c] * dp);
                    [r * g, r * h]
                })
            },
            sums,
        );
        m.clear();
        m.extend((0..nc).map(|c| {
            if k[c] > 0.0 {
                sums[2 * c] / sums[2 * c + 1]
            } else {
                0.0
            }
        }));
        (self.pull_strength, self.pull_mean) = (k, m);
    }

    /// 1d. The joint step ([`joint`]): every bias (and value) at once, at the current scales
    /// and pull; the value step then sets the values given the biases.
    pub(super) fn joint(&mut self, opts: &FitOptions) {
        self.pull();
        let pull = joint::Pull {
            strength: &self.pull_strength,
            mean: &self.pull_mean,
        };
        let stop = joint::joint_step(
            self.design,
            &self.scale,
            &self.live,
            &pull,
            opts,
            self.joint_steps,
            &mut self.bias,
        );
        self.joint_due = stop.capped;
        // A step with nothing to do (no conjugate-gradient step) says nothing of the design.
        if stop.steps > 0 {
            self.joint_easy = self.shared && stop.steps <= joint::EASY_STEPS;
        }
        if stop.slow {
            self.joint_steps = (2 * self.joint_steps).min(joint::MOST_STEPS);
        }
    }

    /// Whether this sweep takes the joint step: on the first sweep and every
    /// [`joint::EVERY`]th after (every [`joint::EASY_EVERY`]th when the last joint step was
    /// easy, [`joint::EASY_STEPS`]), and on the sweep after one whose joint step stopped at its
    /// cap of conjugate-gradient steps (the cap doubled if it was slow, up to
    /// [`joint::MOST_STEPS`]).
    pub(super) fn joint_now(&self, sweep: usize) -> bool {
        let every = if self.joint_easy {
            joint::EASY_EVERY
        } else {
            joint::EVERY
        };
        self.joint_due || sweep % every == 1
    }

    /// 2. Value step: minimise Σ_p [H_p (v_p − G_p/H_p)² ] + k_c Σ_p D_p (v_p − mean)²;
    /// 3. gauge step: mean identified scale 1, Σ n_j b_j = 0.
    pub(super) fn values_and_gauge(&mut self) {
        let d = self.design;
        self.pull();
        let (k, m) = (&self.pull_strength, &self.pull_mean);
        let live = &self.live;
        let per_p = self
            .value
            .iter_mut()
            .zip(&d.proposal_comp)
            .zip(&self.value_terms)
            .zip(&d.proposal_weight);
        for (((v, &c), &(g, h)), &dp) in per_p {
            if c != NONE && live[c as usize] {
                let c = c as usize;
                *v = (g + k[c] * dp * m[c]) / (h + k[c] * dp);
            }
        }
        // Shared scales keep their mean of 1 from the shared scale step: a rescaling here
        // would move this criterion's scales alone.
        let rescaled = if self.shared {
            &[][..]
        } else {
            &self.identified[..]
        };
        normalise(
            d,
            rescaled,
            &self.live,
            (&mut self.scale, &mut self.bias, &mut self.value),
            &mut self.gauge_sums,
        );
    }

    /// Step 4, convergence of each component in this sweep: every change within the
    /// tolerance, or at the rounding level.
    pub(super) fn done(&self, tol: f64) -> Vec<bool> {
        let mut done = self.live.clone();
        self.each_check(tol, |c, met| {
            done[c] = done[c] && met;
            true
        });
        done
    }

    /// Whether every component converged in this sweep (every entry of [`Criterion::done`]
    /// true), stopping at the first change beyond the tolerance.
    pub(super) fn all_done(&self, tol: f64) -> bool {
        let mut all = self.live.iter().all(|&l| l);
        if all {
            self.each_check(tol, |_, met| {
                all = met;
                met
            });
        }
        all
    }

    /// Step 4's tests of the live components' scales, biases and values, in turn:
    /// `check(c, met)` with `met` whether the change is within what component `c` allows
    /// (false for a NaN tolerance), until `check` returns false.
    fn each_check(&self, tol: f64, mut check: impl FnMut(usize, bool) -> bool) {
        let d = self.design;
        let (a0, b0, v0) = &self.previous;
        let (a, b, v) = (&self.scale, &self.bias, &self.value);
        let mut within = |c: usize, change: f64, allowed: f64| check(c, change <= allowed);
        for j in (0..d.n_jurors).filter(|&j| self.on_j(j)) {
            let c = d.juror_comp[j] as usize;
            let going = within(c, (a[j] - a0[j]).abs(), tol + ROUNDING * a[j])
                && within(
                    c,
                    (b[j] - b0[j]).abs(),
                    tol * self.spread[c] + ROUNDING * (b[j].abs() + self.magnitude[c]),
                );
            if !going {
                return;
            }
        }
        for p in (0..d.n_proposals).filter(|&p| self.on_p(p)) {
            let c = d.proposal_comp[p] as usize;
            let going = within(
                c,
                (v[p] - v0[p]).abs(),
                tol * self.spread[c] + ROUNDING * (v[p].abs() + self.magnitude[c]),
            );
            if !going {
                return;
            }
        }
    }

    /// Jurors whose scale is not identified: scale exactly 1 (or, given `shared`, their
    /// shared scale where it is `Some`), and the bias that fits it best; then the final
    /// identification.
    pub(super) fn finish(mut self, sweeps: usize, shared: Option<&[Option<f64>]>) -> AffineFit {
        let d = self.design;
        let v = &self.value;
        let mut sv = spare::take();
        let sum = |p: usize, s: Seg<'_>, acc: &mut [f64]| {
            for k in 0..s.juror.len() {
                acc[s.juror[k] as usize] += s.weight[k] * v[p];
            }
        };
        d.juror_sums_into(1, sum, &mut sv);
        for j in (0..d.n_jurors).filter(|&j| d.juror_comp[j] != NONE && !self.identified[j]) {
            self.scale[j] = shared.and_then(|s| s[j]).unwrap_or(1.0);
            self.bias[j] = (d.juror_score_sum[j] - self.scale[j] * sv[j]) / d.juror_weight[j];
        }
        let all = spare::filled(d.n_comps, true);
        let none = spare::filled(d.n_jurors, false);
        normalise(
            d,
            &none,
            &all,
            (&mut self.scale, &mut self.bias, &mut self.value),
            &mut self.gauge_sums,
        );
        spare::keep(sv);
        spare::keep(all);
        spare::keep(none);
        AffineFit {
            scale: std::mem::take(&mut self.scale),
            bias: std::mem::take(&mut self.bias),
            value: std::mem::take(&mut self.value),
            iterations: sweeps,
            converged: !self.live.contains(&true),
        }
    }
}

impl Drop for Criterion<'_> {
    /// The criterion's vectors go back to the thread's spares for its next fit.
    fn drop(&mut self) {
        let (a, b, v) = &mut self.previous;
        spare::keep_all([
            &mut self.weight_sum,
            &mut self.mean_weight,
            &mut self.mean_score,
            &mut self.spread,
            &mut self.magnitude,
            &mut self.scale,
            &mut self.bias,
            &mut self.value,
            &mut self.target,
            &mut self.curvature,
            &mut self.sxx,
            &mut self.raw_slope,
            &mut self.rss,
            &mut self.syy,
            &mut self.regression_sums,
            &mut self.value_mean,
            &mut self.value_var,
            &mut self.value_dev,
            &mut self.score_centre,
            &mut self.pull_strength,
            &mut self.pull_mean,
            &mut self.pull_sums,
            a,
            b,
            v,
        ]);
        spare::keep_all([&mut self.identified, &mut self.held, &mut self.live]);
        spare::keep(std::mem::take(&mut self.value_terms));
        self.members.drain(..).for_each(spare::keep);
    }
}
