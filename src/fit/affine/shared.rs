//! The shared-scale affine fit: every criterion at once, one scale per juror (the `affine`
//! method).

use rayon::prelude::*;

use super::super::additive::{additive, AdditiveFit};
use super::super::components::NONE;
use super::super::design::Design;
#[cfg(doc)]
use super::super::FitOptions;
use super::super::Observation;
use super::criterion::Criterion;
#[cfg(doc)]
use super::fit_affine;
use super::joint;
use super::newton::Newton;
use super::scale_step::scale_step_mean_one;
use super::{AffineFit, AffineOptions};
use crate::util::spare;

/// Result of [`fit_affine_shared`].
#[derive(Debug, Clone, PartialEq)]
pub struct SharedAffineFit {
    /// The fit of each criterion, in the order given: its biases and values, and the shared
    /// scales (a juror's scale is the same on every criterion they scored), with `iterations`
    /// and `converged` those of the joint iteration.
    pub criteria: Vec<AffineFit>,
    /// Each juror's scale; 1 for an unobserved juror, a held one, or one whose scale no
    /// criterion identifies.
    pub scale: Vec<f64>,
    /// Each juror held at scale 1 for reading too few proposals
    /// ([`AffineOptions::min_proposals`]); false for an unobserved juror.
    pub held: Vec<bool>,
    /// Most sweeps of the joint iteration.
    pub iterations: usize,
    /// Whether the joint iteration met the tolerance.
    pub converged: bool,
}

/// Fits the affine model on several criteria at once with one scale per juror:
/// `score ≈ scale[j] × value[p,c] + bias[j,c]` on criterion `c`.
///
/// **Objective.** The sum over the criteria of each criterion's objective of [`fit_affine`]
/// (its least squares and its pull of every scale toward 1 by `shrinkage` pseudo-observations
/// of the criterion), with `scale[j,c] = scale[j]`: a juror's spread is a trait of the juror,
/// so their scale on a criterion is their scale on every other.
///
/// **Little data, little correction.** A juror who scored fewer than
/// [`AffineOptions::min_proposals`] distinct proposals on every criterion is *held*: their
/// scale is 1, the panel's mean scale, and only their biases are fitted.
///
/// **Identification.** Scales: in each part of the juror graph joined over the criteria,
/// the scales that are fitted (jurors not held, identified on at least one criterion) have
/// mean exactly 1 and are at least `min_scale`. Biases and values: in each component of each
/// criterion, `Σ n_j bias[j,c] = 0`, as in [`fit_affine`].
///
/// **Guarantees.** Every scale is positive, and a juror's scale is the same on every
/// criterion, so `(raw − bias) / scale` is one increasing map of each juror's weighted total:
/// on a pair of proposals that the same jurors read, with the mean as aggregate, the
/// corrected totals never reverse what every juror's weighted total agreed on
/// (`docs/methods.md`, "Unanimity"). Changing every score to `k × score + d` (`k > 0`), or
/// every weight by a constant, changes no scale. The fit converges when every criterion
/// meets [`FitOptions::tolerance`] in the same sweep; when every juror is held, the first
/// sweep leaves the additive fit in place. On a small award (about `J³ (C + 1) ≤ 56 ×` the
/// scores, `J` jurors and `C` criteria, one connected design) Newton steps on every scale
/// and bias at once come between the sweeps, which still test convergence: the fit is the
/// sweeps' to within the tolerance, in a few sweeps (`docs/methods.md`, "The shared fit:
/// Newton steps on small awards").
///
/// ```
/// use jury::advanced::fit::{fit_affine_shared, AffineOptions, Observation};
/// // Juror 1 scores 2 × value + 1 on both criteria, juror 0 the value itself.
/// let values = [[1.0, 2.0, 4.0], [3.0, 1.0, 2.0]];
/// let criteria: Vec<Vec<Observation>> = values
///     .iter()
///     .map(|vs| {
///         let mut obs = Vec::new();
///         for (p, v) in vs.iter().enumerate() {
///             obs.push(Observation::new(0, p as u32, *v));
///             obs.push(Observation::new(1, p as u32, 2.0 * v + 1.0));
///         }
///         obs
///     })
///     .collect();
/// let opts = AffineOptions { shrinkage: 0.0, ..AffineOptions::default() };
/// let fit = fit_affine_shared(2, 3, &criteria, &opts);
/// assert!((fit.scale[1] / fit.scale[0] - 2.0).abs() < 1e-8);
/// assert!((fit.scale[0] + fit.scale[1] - 2.0).abs() < 1e-12); // mean scale 1
/// assert_eq!(fit.criteria[1].scale, fit.scale);
/// ```
pub fn fit_affine_shared(
    n_jurors: usize,
    n_proposals: usize,
    criteria: &[Vec<Observation>],
    opts: &AffineOptions,
) -> SharedAffineFit {
    let designs: Vec<Design> = criteria
        .iter()
        .map(|obs| Design::new(n_jurors, n_proposals, obs))
        .collect();
    shared(n_jurors, &designs, opts, None, true)
}

/// The criteria's designs of a shared fit: those of a whole award are kept to make those of
/// its replays, the same observations each counted some number of times
/// ([`Designs::recounted`]), without bucketing them again.
pub(crate) struct Designs {
    n_jurors: usize,
    designs: Vec<Design>,
}

impl Designs {
    /// The designs of each criterion's observations, in the order given, each list dropped
    /// once its design is built: on a large award only one criterion's list is held at once.
    pub(crate) fn new(
        n_jurors: usize,
        n_proposals: usize,
        criteria: impl Iterator<Item = Vec<Observation>>,
    ) -> Designs {
        let designs = criteria
            .map(|obs| Design::new(n_jurors, n_proposals, &obs))
            .collect();
        Designs { n_jurors, designs }
    }

    /// Numbers observation `q` of criterion `k` `number(k, q)`, for [`Designs::recounted`]
    /// (at first, `q`).
    pub(crate) fn renumber(&mut self, number: impl Fn(usize, usize) -> u32) {
        for (k, d) in self.designs.iter_mut().enumerate() {
            d.renumber(|q| number(k, q));
        }
    }

    /// The designs with the observation numbered `i` counted `count(i)` times instead of
    /// once: bit for bit those of [`Designs::new`] on the observations so counted (their
    /// weights and counts multiplied, one counted 0 times left out). `self` must be designs of
    /// observations each counted once, numbered apart across the criteria.
    pub(crate) fn recounted(&self, count: impl Fn(usize) -> u32) -> Designs {
        let designs = (self.designs.iter()).map(|d| d.recounted(&count)).collect();
        Designs {
            n_jurors: self.n_jurors,
            designs,
        }
    }

    /// [`fit_affine_shared`] on these designs.
    ///
    /// **Warm start.** With `start`, a fit of the same jurors, proposals and criteria (of the
    /// whole award, say, for a bootstrap replicate or the award without one juror), the
    /// iteration starts from its biases, values and scales instead of from the additive fit.
    /// It stops on the same test ([`FitOptions::tolerance`]), so the result is the cold fit's
    /// to within that tolerance (`docs/methods.md`, "Warm starts").
    pub(crate) fn fit(
        &self,
        opts: &AffineOptions,
        start: Option<&SharedAffineFit>,
    ) -> SharedAffineFit {
        shared(self.n_jurors, &self.designs, opts, start, true)
    }
}

/// Where criterion `k`'s iteration starts: the additive fit of its design, or the biases and
/// values of `start` (0 for a juror or proposal this design does not observe).
fn start_of(
    d: &Design,
    k: usize,
    opts: &AffineOptions,
    start: Option<&SharedAffineFit>,
) -> AdditiveFit {
    let Some(fit) = start.and_then(|s| s.criteria.get(k)) else {
        return additive(d, &opts.fit);
    };
    let keep = |x: &[f64], comp: &[u32]| -> Vec<f64> {
        spare::collect((x.iter().zip(comp)).map(|(&x, &c)| if c == NONE { 0.0 } else { x }))
    };
    AdditiveFit {
        bias: keep(&fit.bias, &d.juror_comp),
        value: keep(&fit.value, &d.proposal_comp),
        iterations: 0,
        converged: true,
    }
}

/// Whether each juror scored fewer than `min` distinct proposals on every criterion (false
/// for a juror who scored nothing); empty when `min` is 0 or 1 (no juror is held).
pub(super) fn held_jurors(designs: &[Design], min: usize) -> Vec<bool> {
    let Some(first) = designs.first().filter(|_| min > 1) else {
        return Vec::new();
    };
    let mut most = vec![0.0f64; first.n_jurors];
    for d in designs {
        // A proposal's scores are sorted by juror: one count per run of a juror.
        let read = d.juror_sums(1, |_, s, acc| {
            for (k, &j) in s.juror.iter().enumerate() {
                if k == 0 || s.juror[k - 1] != j {
                    acc[j as usize] += 1.0;
                }
            }
        });
        most.iter_mut().zip(read).for_each(|(m, r)| *m = m.max(r));
    }
    most.iter().map(|&m| m > 0.0 && m < min as f64).collect()
}

/// [`fit_affine_shared`] on the criteria's designs; with `newton`, Newton steps between the
/// sweeps on a small award ([`Newton`]), else the sweeps alone.
pub(super) fn shared(
    n_jurors: usize,
    designs: &[Design],
    opts: &AffineOptions,
    start: Option<&SharedAffineFit>,
    newton: bool,
) -> SharedAffineFit {
    let held = held_jurors(designs, opts.min_proposals);
    let parallel = Design::parallel(designs);
    // Started in turn, so that what each criterion holds through the fit is allocated on this
    // thread: glibc would keep a second thread's arena grown by it after the fit
    // (docs/performance.md, tenth session).
    let mut crits: Vec<Criterion> = designs
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let from = start_of(d, k, opts, start);
            let mut c = Criterion::new(d, from, opts, false).holding(&held);
            c.shared = true;
            c.joint_steps = joint::SHARED_STEPS;
            if let Some(s) = start {
                for (j, a) in c.scale.iter_mut().enumerate() {
                    if d.juror_comp[j] != NONE {
                        *a = s.scale[j];
                    }
                }
            }
            c
        })
        .collect();
    let groups = juror_groups(designs, n_jurors);
    let mut scale: Vec<Option<f64>> = vec![None; n_jurors];
    let mut squarem = Extrapolation::default();
    let mut lists = ScaleLists::default();
    let mut newton =
        Newton::new(designs, n_jurors, parallel).filter(|_| newton && groups.len() == 1);
    let mut sweeps = 0;
    let live = |crits: &[Criterion]| crits.iter().any(|c| c.live.contains(&true));
    while live(&crits) && sweeps < opts.fit.max_iterations {
        sweeps += 1;
        each(&mut crits, parallel, |c| {
            c.sweep_start();
            c.regress();
        });
        shared_scales(&mut crits, &groups, &mut scale, &mut lists);
        // The joint steps and the extrapolation serve the sweeps alone.
        let joint = newton.is_none();
        each(&mut crits, parallel, |c| {
            c.biases();
            if joint && c.joint_now(sweeps) {
                c.joint(&opts.fit);
            }
            c.values_and_gauge();
        });
        let done = crits.iter().all(|c| c.all_done(opts.fit.tolerance));
        if done {
            crits.iter_mut().for_each(|c| c.live.fill(false));
        } else if let Some(n) = newton.as_mut() {
            if !n.steps(&mut crits, &mut scale, opts.fit.tolerance) {
                // Refused before any step was taken: the fit is that of the sweeps alone,
                // from the start (the first sweep skipped their joint step).
                if !n.taken() {
                    return shared(n_jurors, designs, opts, start, false);
                }
                newton = None;
            }
        } else {
            squarem.after_sweep(&mut crits);
        }
    }
    let converged = !live(&crits);
    let criteria: Vec<AffineFit> = crits
        .into_iter()
        .map(|c| AffineFit {
            converged,
            ..c.finish(sweeps, Some(&scale))
        })
        .collect();
    SharedAffineFit {
        criteria,
        scale: scale.iter().map(|s| s.unwrap_or(1.0)).collect(),
        held: if held.is_empty() {
            vec![false; n_jurors]
        } else {
            held
        },
        iterations: sweeps,
        converged,
    }
}

/// `step` on every criterion, one task each when `parallel` (each criterion's step reads and
/// writes only its own state, so the split changes no number).
fn each(crits: &mut [Criterion], parallel: bool, step: impl Fn(&mut Criterion) + Sync + Send) {
    if parallel {
        crits.par_iter_mut().for_each(step);
    } else {
        crits.iter_mut().for_each(step);
    }
}

/// The parts of the juror graph joined over the criteria: jurors who share a component on
/// some criterion are in one part. Each part's observed jurors, in index order.
pub(super) fn juror_groups(designs: &[Design], n_jurors: usize) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n_jurors).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for d in designs {
        for members in d.members() {
            for w in members.windows(2) {
                let (x, y) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                parent[x.max(y)] = x.min(y);
            }
            spare::keep(members);
        }
    }
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n_jurors];
    for j in 0..n_jurors {
        if designs.iter().any(|d| d.juror_comp[j] != NONE) {
            let root = find(&mut parent, j);
            groups[root].push(j);
        }
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// The shared scale step: given the values, each juror's scale minimises the sum over the
/// criteria that identify it of `curvature × (scale − target)²` (each criterion's exact
/// scale objective), under a mean of 1 and the floor in each part of the juror graph
/// ([`scale_step_mean_one`]); jurors identified on no criterion keep scale 1. Writes every juror's
/// scale into each criterion, and into `scale` (`None` for a juror without a fitted scale).
/// `lists` holds the step's lists, their allocations reused from one sweep to the next.
fn shared_scales(
    crits: &mut [Criterion],
    groups: &[Vec<usize>],
    scale: &mut [Option<f64>],
    lists: &mut ScaleLists,
) {
    let floor = crits.first().map_or(0.1, |c| c.floor);
    let on = |c: &Criterion, j: usize| {
        let comp = c.design.juror_comp[j];
        comp != NONE && c.live[comp as usize]
    };
    let ScaleLists { ids, hs, ts, a } = lists;
    for group in groups {
        if !group.iter().any(|&j| crits.iter().any(|c| on(c, j))) {
            continue; // converged on every criterion
        }
        ids.clear();
        hs.clear();
        ts.clear();
        for &j in group {
            let (h, ht) = crits
                .iter()
                .filter(|c| c.design.juror_comp[j] != NONE && c.identified[j])
                .fold((0.0, 0.0), |(h, ht), c| {
                    (h + c.curvature[j], ht + c.curvature[j] * c.target[j])
                });
            scale[j] = None;
            if h > 0.0 {
                ids.push(j);
                hs.push(h);
                ts.push(ht / h);
            }
        }
        a.clear();
        a.resize(ids.len(), 1.0);
        if ids.is_empty() || !scale_step_mean_one(hs, ts, floor, a) {
            a.fill(1.0); // no positive solution: additive
        }
        for (&j, &a) in ids.iter().zip(a.iter()) {
            scale[j] = Some(a);
        }
        for &j in group {
            for c in crits.iter_mut() {
                if c.design.juror_comp[j] != NONE {
                    c.scale[j] = scale[j].unwrap_or(1.0);
                }
            }
        }
    }
}

/// The lists of one group of the shared scale step: its jurors with a fitted scale, their
/// curvatures, targets and scales.
#[derive(Default)]
struct ScaleLists {
    ids: Vec<usize>,
    hs: Vec<f64>,
    ts: Vec<f64>,
    a: Vec<f64>,
}

/// Jumps in a row after which the next sweep moved further than the sweep before, that turn
/// the extrapolation off. On a nearly-ring design of 1M scores (5 criteria, juror
/// `(7p + 401r) mod 2000` for review `r` of proposal `p`, the pattern of `benches/score.rs`)
/// 15 single such jumps came and went: turned off at the first, the fit took 345 sweeps; as it
/// is, 122 (measured with continuous scores, before the joint step's cap could double).
const STRIKES: usize = 3;

/// The squared extrapolation of the sweeps (SQUAREM, Varadhan and Roland 2008): every two
/// sweeps, the state (every criterion's biases and values) jumps along the path the sweeps
/// take. Alternating steps creep along a slow mode at a steady rate; the jump covers many such
/// sweeps at once. The scales follow from the values at the next sweep, and the fit stops only
/// after a plain sweep moved nothing beyond the tolerance, so the jumps change how fast the
/// iteration gets there, never where it stops. [`STRIKES`] jumps in a row after each of which
/// the next sweep moved the state further than the sweep before it did turn the extrapolation
/// off for the rest of the fit.
#[derive(Default)]
struct Extrapolation {
    /// Up to three states, each the sweep of the one before.
    states: Vec<Vec<f64>>,
    /// `‖x2 − x1‖²` of the last jump, to judge the sweep after it; `None` before any jump.
    last: Option<f64>,
    /// Turned off by [`STRIKES`] jumps in a row that made things worse.
    off: bool,
    /// Jumps in a row that made things worse.
    strikes: usize,
    /// Buffers of states no longer needed.
    spare: Vec<Vec<f64>>,
}

impl Extrapolation {
    /// Every criterion's biases then values, end to end (`previous`: those before the sweep),
    /// in a buffer of an earlier state when there is one.
    fn state(&mut self, crits: &[Criterion], previous: bool) -> Vec<f64> {
        let mut x = self.spare.pop().unwrap_or_default();
        x.clear();
        for c in crits {
            let (b, v) = if previous {
                (&c.previous.1, &c.previous.2)
            } else {
                (&c.bias, &c.value)
            };
            x.extend_from_slice(b);
            x.extend_from_slice(v);
        }
        x
    }

    fn set(crits: &mut [Criterion], x: &[f64]) {
        let mut k = 0;
        for c in crits.iter_mut() {
            let (nb, nv) = (c.bias.len(), c.value.len());
            c.bias.copy_from_slice(&x[k..k + nb]);
            c.value.copy_from_slice(&x[k + nb..k + nb + nv]);
            k += nb + nv;
        }
    }

    /// After a sweep that did not converge: with three states `x0`, `x1 = F(x0)`,
    /// `x2 = F(x1)`, `r = x1 − x0` and `u = x2 − 2 x1 + x0`, jumps to
    /// `x0 − 2 α r + α² u`, `α = −‖r‖ / ‖u‖`, when `α < −1` (`α = −1` is `x2` itself).
    fn after_sweep(&mut self, crits: &mut [Criterion]) {
        if self.off {
            return;
        }
        if self.states.is_empty() {
            let x = self.state(crits, true);
            self.states.push(x);
        }
        let x = self.state(crits, false);
        self.states.push(x);
        let sq = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| (a - b) * (a - b)).sum();
        if let (Some(last), 2) = (self.last.take(), self.states.len()) {
            let moved: f64 = sq(&self.states[1], &self.states[0]);
            if moved > last || moved.is_nan() {
                self.strikes += 1;
                self.off = self.strikes >= STRIKES;
                return;
            }
            self.strikes = 0;
        }
        if self.states.len() < 3 {
            return;
        }
        let (x0, x1, x2) = (&self.states[0], &self.states[1], &self.states[2]);
        let (mut rr, mut uu) = (0.0, 0.0);
        for k in 0..x0.len() {
            let (r, u) = (x1[k] - x0[k], x2[k] - 2.0 * x1[k] + x0[k]);
            rr += r * r;
            uu += u * u;
        }
        let alpha = -(rr / uu).sqrt();
        if alpha < -1.0 && alpha.is_finite() {
            let mut x = self.spare.pop().unwrap_or_default();
            x.clear();
            x.extend((0..x0.len()).map(|k| {
                let (r, u) = (x1[k] - x0[k], x2[k] - 2.0 * x1[k] + x0[k]);
                x0[k] - 2.0 * alpha * r + alpha * alpha * u
            }));
            self.last = Some(sq(x2, x1));
            Self::set(crits, &x);
            self.spare.push(x);
        }
        self.spare.append(&mut self.states);
    }
}
