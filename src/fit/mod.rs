//! Design-aware juror correction: the numerical core of the `additive` and `affine` methods.
//!
//! Each juror reads a different sparse subset of the proposals, so a juror's leniency can only
//! be told apart from the quality of the batch they read by fitting both jointly over the whole
//! design. This module fits, for one criterion at a time,
//!
//! * [`fit_additive`]: `score ≈ value[proposal] + bias[juror]` (MacKay et al. 2017, "Calibration
//!   with confidence"), by weighted least squares;
//! * [`fit_affine`]: `score ≈ scale[juror] × value[proposal] + bias[juror]` (Paul 1981; Roos,
//!   Rothe & Scheuermann 2011), by penalised alternating least squares, with positive scales
//!   shrunk toward 1 for jurors with few scores.
//!
//! The caller corrects a raw score as `raw − bias` (additive) or `(raw − bias) / scale`
//! (affine).
//!
//! # Identification and connectivity
//! Both models are identified only within a connected component of the bipartite
//! juror–proposal graph ([`components`]): adding a constant to every value of a component and
//! subtracting it from every bias of that component changes no fitted score. Each component is
//! therefore fitted on its own, and pinned by conventions stated on each fit. Values in two
//! different components are not comparable; the caller reports a split design.
//!
//! # Which observations are used
//! An observation is used when its juror is `< n_jurors`, its proposal is `< n_proposals`, its
//! score is finite and its weight is finite and positive. Any other observation is ignored
//! entirely (it neither informs a fit nor connects the design); callers validate their input
//! first, so this only keeps the functions total. A juror or proposal without a used
//! observation is *unobserved*.
//!
//! # Determinism
//! Observations are bucketed by proposal and, within a proposal, sorted by (juror, score,
//! weight); every sum then runs in a fixed order that depends on the data only. The result is
//! bit-identical for any order of the input and any number of rayon threads (work is split
//! into chunks fixed by the data, and partial sums are combined in chunk order).

use rayon::prelude::*;
use std::cmp::Ordering;
use std::ops::Range;

/// One valid score of one criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Juror index, `0..n_jurors`.
    pub juror: u32,
    /// Proposal index, `0..n_proposals`.
    pub proposal: u32,
    /// The score (finite).
    pub score: f64,
    /// The weight of this score in the least-squares fit (positive and finite), e.g. the
    /// confidence the juror gave the review; 1 when there is none.
    pub weight: f64,
}

impl Observation {
    /// A score with weight 1.
    pub fn new(juror: u32, proposal: u32, score: f64) -> Self {
        Observation {
            juror,
            proposal,
            score,
            weight: 1.0,
        }
    }

    fn is_used(&self, n_jurors: usize, n_proposals: usize) -> bool {
        (self.juror as usize) < n_jurors
            && (self.proposal as usize) < n_proposals
            && self.score.is_finite()
            && self.weight.is_finite()
            && self.weight > 0.0
    }
}

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
/// use jury::fit::{components, Observation};
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

/// Which linear solver [`fit_additive`] uses in each connected component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Solver {
    /// `Direct` for a component of at most 64 jurors, `Iterative` above.
    #[default]
    Auto,
    /// Dense Cholesky factorisation of the juror system: exact to rounding, but O(m²) memory and
    /// O(m³) time for a component of m jurors. Falls back to `Iterative` if the factorisation
    /// meets a non-positive pivot (a numerically disconnected component).
    Direct,
    /// Preconditioned conjugate gradients, matrix-free: one pass over the scores per iteration.
    Iterative,
}

/// Settings of the solvers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Convergence tolerance; default `1e-10`. The conjugate-gradient solve of a component stops
    /// when the Euclidean norm of the residual of its juror equations has fallen to `tolerance`
    /// times its initial value (the start is all biases 0), or earlier if it can make no more
    /// progress (the residual is at the rounding level). The affine iteration stops in a
    /// component when, over one sweep, no scale moved by more than `tolerance` and no bias or
    /// value moved by more than `tolerance` × the weighted standard deviation of the
    /// component's scores (changes at the rounding level of the numbers always pass).
    pub tolerance: f64,
    /// Most iterations (conjugate-gradient steps, or affine sweeps) per component; default 1000.
    /// A component that has not converged by then keeps its last iterate and the fit reports
    /// `converged: false`.
    pub max_iterations: usize,
    /// The linear solver; default [`Solver::Auto`].
    pub solver: Solver,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            tolerance: 1e-10,
            max_iterations: 1000,
            solver: Solver::Auto,
        }
    }
}

/// Result of [`fit_additive`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveFit {
    /// Bias of each juror (their leniency, in score units); 0 for an unobserved juror.
    pub bias: Vec<f64>,
    /// Value of each proposal, in score units; 0 for an unobserved proposal.
    pub value: Vec<f64>,
    /// Most conjugate-gradient iterations used by any component (0 when every component was
    /// solved directly).
    pub iterations: usize,
    /// Whether every component met the tolerance.
    pub converged: bool,
}

/// Fits `score ≈ value[proposal] + bias[juror]` by weighted least squares: minimises
/// `Σ weight × (score − value[p] − bias[j])²` over the used observations.
///
/// **Identification.** In each connected component the biases sum to zero weighted by each
/// juror's number of used scores: `Σ_j n_j × bias[j] = 0` over the component's jurors.
/// In a complete design with unit weights this is the two-way analysis of variance: a juror's
/// bias is their mean minus the grand mean, a proposal's value the mean of its scores.
/// A component with a single juror has bias 0 and each value is the weighted mean of the
/// proposal's scores. An unobserved juror has bias 0; an unobserved proposal has value 0.0
/// (the caller knows which proposals have scores).
///
/// **Solver.** Eliminating the values leaves, per component, the juror system `S b = g`
/// (`S` a weighted graph Laplacian over jurors, the Schur complement of the proposals). It is
/// solved by dense Cholesky with one juror grounded, or by Jacobi-preconditioned conjugate
/// gradients applied matrix-free (one pass over the scores per iteration), see [`Solver`] and
/// [`FitOptions::tolerance`]; then `value[p]` is the weighted mean of `score − bias[j]` over
/// the proposal's scores. Time is O(scores × iterations), memory about 20 bytes per score.
///
/// ```
/// use jury::fit::{fit_additive, FitOptions, Observation};
/// // Juror 1 is one point more lenient than juror 0 on the two proposals they share.
/// let obs = [
///     Observation::new(0, 0, 3.0), Observation::new(1, 0, 4.0),
///     Observation::new(0, 1, 2.0), Observation::new(1, 1, 3.0),
///     Observation::new(1, 2, 5.0),
/// ];
/// let fit = fit_additive(2, 3, &obs, &FitOptions::default());
/// // Juror 0 has 2 scores and juror 1 has 3, so 2 b0 + 3 b1 = 0 with b1 − b0 = 1.
/// assert!((fit.bias[0] + 0.6).abs() < 1e-12 && (fit.bias[1] - 0.4).abs() < 1e-12);
/// let corrected = obs[4].score - fit.bias[1];
/// assert!((corrected - fit.value[2]).abs() < 1e-12);
/// ```
pub fn fit_additive(
    n_jurors: usize,
    n_proposals: usize,
    obs: &[Observation],
    opts: &FitOptions,
) -> AdditiveFit {
    additive(&Design::new(n_jurors, n_proposals, obs), opts)
}

/// Settings of [`fit_affine`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AffineOptions {
    /// Pseudo-observations pulling each juror's scale toward 1; 0 = none; default 5. See
    /// [`fit_affine`] for the exact penalty. A negative or NaN value counts as 0.
    pub shrinkage: f64,
    /// Floor of the scales, relative to their mean (which is 1): every identified scale is at
    /// least `min_scale` × the component's mean scale; default 0.1. Keeps scales strictly
    /// positive, so `(raw − bias) / scale` is always defined. Taken into `[1e-6, 0.99]`
    /// (NaN counts as 1e-6).
    pub min_scale: f64,
    /// Tolerance and iteration limit of the alternating iteration (and of the additive start).
    pub fit: FitOptions,
}

impl Default for AffineOptions {
    fn default() -> Self {
        AffineOptions {
            shrinkage: 5.0,
            min_scale: 0.1,
            fit: FitOptions::default(),
        }
    }
}

/// Result of [`fit_affine`].
#[derive(Debug, Clone, PartialEq)]
pub struct AffineFit {
    /// Scale of each juror (how stretched their use of the scale is); 1 for an unobserved
    /// juror and for a juror whose scale the data cannot identify.
    pub scale: Vec<f64>,
    /// Bias of each juror, in score units; 0 for an unobserved juror.
    pub bias: Vec<f64>,
    /// Value of each proposal; 0 for an unobserved proposal.
    pub value: Vec<f64>,
    /// Most alternating sweeps used by any component (the additive start is not counted).
    pub iterations: usize,
    /// Whether every component met the tolerance.
    pub converged: bool,
}

/// Fits `score ≈ scale[juror] × value[proposal] + bias[juror]`, with positive scales shrunk
/// toward 1.
///
/// **Objective.** In each connected component, with `W` the total weight of its used scores,
/// `w̄ = W / n` their mean weight and `σ²(value) = Σ w (value[p] − mean)² / W` the weighted
/// variance of the values over its scores, the fit minimises
///
/// `Σ w (score − scale[j] value[p] − bias[j])²  +  shrinkage · w̄ · σ² · Σ_j (scale[j] − 1)²`
///
/// subject to `scale[j] ≥ min_scale × mean scale` for every identified juror (below).
/// The penalty is `shrinkage` pseudo-observations per juror: given the values, a juror's
/// unconstrained scale is `(S_xy + shrinkage w̄ σ²) / (S_xx + shrinkage w̄ σ²)` (`S_xx`, `S_xy`:
/// their weighted centred sums of value × value and value × score), as if each
/// pseudo-observation were a score of mean weight, one pooled standard deviation from the
/// juror's mean value, on a line of slope 1. A juror with 2 scores is therefore pulled toward
/// 1 far more than one with 40. Changing every score to `k × score + d` (`k > 0`) multiplies
/// both terms by `k²`, and a common factor on the weights multiplies both by that factor, so
/// the fit does not depend on the units of scores or weights: scales are unchanged, values
/// and biases follow the same affine map.
///
/// **Identification, per component.** (1) The scales of the identified jurors have
/// arithmetic mean exactly 1 (unweighted over jurors). With `shrinkage > 0` this is not an
/// extra condition: the objective is stationary along the rescaling `value × s`, `scale / s`
/// exactly there. With `shrinkage = 0` it is imposed. (2) `Σ_j n_j bias[j] = 0` over the
/// component's jurors (`n_j` their number of scores), as in [`fit_additive`].
///
/// **Degenerate jurors.** A juror's scale is *identified* when the values of the proposals
/// they scored vary (`S_xx > 1e-10 × W_j × σ²`). Otherwise (one score, or a batch of equal
/// values) their scale is exactly 1 and their bias is their weighted mean score minus the
/// weighted mean value of their batch. A juror who gives every proposal the same score has
/// slope 0 and ends at the floor `min_scale`, with corrected scores all equal to the mean
/// value of their batch: they carry no information on the ranking. A component whose values
/// do not vary, or where no positive scales fit, keeps every scale at 1 (the additive fit).
///
/// **Algorithm.** Start from [`fit_additive`] (scales 1), then sweep: exact minimisation over
/// every juror's (scale, bias) given the values (a small active-set problem for the floor);
/// exact minimisation over the values given the jurors (a weighted mean, pulled slightly
/// toward the component mean by the `σ²` term); exact minimisation along the rescaling
/// `value × s, scale / s`, and recentring of the biases. Each step lowers the objective.
/// Convergence: [`FitOptions::tolerance`]; with `shrinkage = 0` a small or noisy design can
/// be nearly unidentified and slow to converge (`converged: false`).
///
/// ```
/// use jury::fit::{fit_affine, AffineOptions, Observation};
/// // Juror 1 scores 2 × value + 1, juror 0 scores the value itself.
/// let values = [1.0, 2.0, 4.0];
/// let mut obs = Vec::new();
/// for (p, v) in values.iter().enumerate() {
///     obs.push(Observation::new(0, p as u32, *v));
///     obs.push(Observation::new(1, p as u32, 2.0 * v + 1.0));
/// }
/// let opts = AffineOptions { shrinkage: 0.0, ..AffineOptions::default() };
/// let fit = fit_affine(2, 3, &obs, &opts);
/// assert!((fit.scale[1] / fit.scale[0] - 2.0).abs() < 1e-8);
/// assert!((fit.scale[0] + fit.scale[1] - 2.0).abs() < 1e-12); // mean scale 1
/// let corrected = (obs[5].score - fit.bias[1]) / fit.scale[1];
/// assert!((corrected - fit.value[2]).abs() < 1e-8);
/// ```
pub fn fit_affine(
    n_jurors: usize,
    n_proposals: usize,
    obs: &[Observation],
    opts: &AffineOptions,
) -> AffineFit {
    let design = Design::new(n_jurors, n_proposals, obs);
    let start = additive(&design, &opts.fit);
    affine(&design, start, opts)
}

// ---------------------------------------------------------------------------------------------
// The design: scores bucketed by proposal, in a canonical order.

/// Components of at most this many jurors are solved directly by [`Solver::Auto`].
const DIRECT_MAX_JURORS: usize = 64;
/// Scores per chunk of the parallel juror sums. A constant (never the thread count), so the
/// summation order, and hence every bit of the result, is the same on any number of threads.
/// Small under `cfg(test)` so that the tests exercise several chunks.
const CHUNK_SCORES: usize = if cfg!(test) { 64 } else { 1 << 18 };
/// Proposals per rayon task in per-proposal maps (these sums are per proposal: any split of
/// the work gives the same bits).
const MIN_PROPOSALS_PER_TASK: usize = 4096;
/// A juror's scale is identified when `S_xx > IDENTIFIED × W_j × σ²`.
const IDENTIFIED: f64 = 1e-10;
/// Changes this many times the size of a number are at the rounding level.
const ROUNDING: f64 = 16.0 * f64::EPSILON;
/// No component.
const NONE: u32 = u32::MAX;

/// The scores of one proposal.
#[derive(Clone, Copy)]
struct Seg<'a> {
    juror: &'a [u32],
    weight: &'a [f64],
    score: &'a [f64],
}

struct Design {
    n_jurors: usize,
    n_proposals: usize,
    /// Scores of proposal `p` are at `start[p]..start[p + 1]`, sorted by (juror, score, weight).
    start: Vec<usize>,
    juror: Vec<u32>,
    weight: Vec<f64>,
    score: Vec<f64>,
    /// Total weight of each proposal's scores.
    pweight: Vec<f64>,
    /// Total weight of each juror's scores.
    jweight: Vec<f64>,
    /// Weighted sum of each juror's scores.
    jscore: Vec<f64>,
    /// Number of each juror's scores.
    jcount: Vec<f64>,
    /// Component of each juror and proposal, `NONE` when unobserved.
    jcomp: Vec<u32>,
    pcomp: Vec<u32>,
    n_comps: usize,
    /// Proposal ranges of the chunks of the parallel juror sums.
    chunks: Vec<Range<usize>>,
}

fn entry_cmp(a: &(u32, f64, f64), b: &(u32, f64, f64)) -> Ordering {
    a.0.cmp(&b.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.total_cmp(&b.2))
}

/// Puts one proposal's scores in canonical order: by juror, then score, then weight.
fn sort_scores(js: &mut [u32], ss: &mut [f64], ws: &mut [f64], buf: &mut Vec<(u32, f64, f64)>) {
    let entry = |k: usize| (js[k], ss[k], ws[k]);
    if (1..js.len()).all(|k| entry_cmp(&entry(k - 1), &entry(k)) != Ordering::Greater) {
        return;
    }
    buf.clear();
    buf.extend((0..js.len()).map(entry));
    buf.sort_unstable_by(entry_cmp);
    for (k, e) in buf.iter().enumerate() {
        (js[k], ss[k], ws[k]) = *e;
    }
}

impl Design {
    fn new(n_jurors: usize, n_proposals: usize, obs: &[Observation]) -> Design {
        let used = || obs.iter().filter(|o| o.is_used(n_jurors, n_proposals));
        // Bucket by proposal (counting sort), then sort each bucket canonically.
        let mut start = vec![0usize; n_proposals + 1];
        for o in used() {
            start[o.proposal as usize + 1] += 1;
        }
        for p in 0..n_proposals {
            start[p + 1] += start[p];
        }
        let n = start[n_proposals];
        let (mut juror, mut weight, mut score) = (vec![0u32; n], vec![0.0; n], vec![0.0; n]);
        let mut next = start.clone();
        for o in used() {
            let k = &mut next[o.proposal as usize];
            (juror[*k], score[*k], weight[*k]) = (o.juror, o.score, o.weight);
            *k += 1;
        }
        drop(next);
        let mut chunks = Vec::new();
        let mut first = 0;
        for p in 0..n_proposals {
            if start[p + 1] - start[first] >= CHUNK_SCORES || p + 1 == n_proposals {
                chunks.push(first..p + 1);
                first = p + 1;
            }
        }
        // Sort each proposal's scores, chunks in parallel.
        let mut pieces = Vec::with_capacity(chunks.len());
        let (mut js, mut ss, mut ws) = (&mut juror[..], &mut score[..], &mut weight[..]);
        for r in &chunks {
            let len = start[r.end] - start[r.start];
            let (j, rest) = std::mem::take(&mut js).split_at_mut(len);
            js = rest;
            let (s, rest) = std::mem::take(&mut ss).split_at_mut(len);
            ss = rest;
            let (w, rest) = std::mem::take(&mut ws).split_at_mut(len);
            ws = rest;
            pieces.push((r.clone(), j, s, w));
        }
        pieces.into_par_iter().for_each(|(r, js, ss, ws)| {
            let (base, mut buf) = (start[r.start], Vec::new());
            for p in r {
                let seg = start[p] - base..start[p + 1] - base;
                sort_scores(
                    &mut js[seg.clone()],
                    &mut ss[seg.clone()],
                    &mut ws[seg],
                    &mut buf,
                );
            }
        });

        let pweight = (0..n_proposals)
            .map(|p| weight[start[p]..start[p + 1]].iter().sum())
            .collect();
        let (mut jweight, mut jscore, mut jcount) = (
            vec![0.0; n_jurors],
            vec![0.0; n_jurors],
            vec![0.0; n_jurors],
        );
        for k in 0..n {
            let j = juror[k] as usize;
            jweight[j] += weight[k];
            jscore[j] += weight[k] * score[k];
            jcount[j] += 1.0;
        }

        let comps = label(
            n_jurors,
            n_proposals,
            (0..n_proposals)
                .flat_map(|p| (start[p]..start[p + 1]).map(move |k| (k, p)))
                .map(|(k, p)| (juror[k] as usize, p)),
        );
        let flat = |c: &[Option<u32>]| c.iter().map(|c| c.unwrap_or(NONE)).collect();
        let (jcomp, pcomp) = (flat(&comps.juror), flat(&comps.proposal));

        Design {
            n_jurors,
            n_proposals,
            start,
            juror,
            weight,
            score,
            pweight,
            jweight,
            jscore,
            jcount,
            jcomp,
            pcomp,
            n_comps: comps.count,
            chunks,
        }
    }

    fn seg(&self, p: usize) -> Seg<'_> {
        let r = self.start[p]..self.start[p + 1];
        Seg {
            juror: &self.juror[r.clone()],
            weight: &self.weight[r.clone()],
            score: &self.score[r],
        }
    }

    /// Per-juror sums: `f(p, scores of p, acc)` adds proposal `p`'s contributions into `acc`
    /// (`width` numbers per juror). Chunks of proposals run in parallel into their own
    /// accumulators, which are then added in chunk order.
    fn juror_sums<F>(&self, width: usize, f: F) -> Vec<f64>
    where
        F: Fn(usize, Seg<'_>, &mut [f64]) + Sync,
    {
        let len = self.n_jurors * width;
        let run = |r: &Range<usize>| {
            let mut acc = vec![0.0; len];
            for p in r.clone() {
                f(p, self.seg(p), &mut acc);
            }
            acc
        };
        if self.chunks.len() <= 1 {
            return self.chunks.first().map_or_else(|| vec![0.0; len], run);
        }
        let parts: Vec<Vec<f64>> = self.chunks.par_iter().map(run).collect();
        let mut parts = parts.into_iter();
        let mut out = parts.next().unwrap_or_default();
        for part in parts {
            out.iter_mut().zip(&part).for_each(|(o, x)| *o += x);
        }
        out
    }

    /// Per-proposal map: `f(p, scores of p, out[p])`, in parallel.
    fn per_proposal<T, F>(&self, out: &mut [T], f: F)
    where
        T: Send,
        F: Fn(usize, Seg<'_>, &mut T) + Sync,
    {
        out.par_iter_mut()
            .enumerate()
            .with_min_len(MIN_PROPOSALS_PER_TASK)
            .for_each(|(p, o)| f(p, self.seg(p), o));
    }

    /// The observed jurors of each component, in index order.
    fn members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.n_comps];
        for (j, &c) in self.jcomp.iter().enumerate() {
            if c != NONE {
                members[c as usize].push(j);
            }
        }
        members
    }

    /// Sums `x[j]` (if `jurors`) or `x[p]` over each component's members, in index order.
    fn comp_sum(&self, jurors: bool, x: impl Fn(usize) -> f64) -> Vec<f64> {
        let comp = if jurors { &self.jcomp } else { &self.pcomp };
        let mut out = vec![0.0; self.n_comps];
        for (i, &c) in comp.iter().enumerate() {
            if c != NONE {
                out[c as usize] += x(i);
            }
        }
        out
    }
}

/// Union–find over jurors; each proposal hangs on the first juror seen for it. Components are
/// labelled in the order of their lowest juror, so the labels do not depend on edge order.
fn label(
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
    let mut parent: Vec<usize> = (0..n_jurors).collect();
    let mut first = vec![usize::MAX; n_proposals];
    let mut seen = vec![false; n_jurors];
    for (j, p) in edges {
        seen[j] = true;
        if first[p] == usize::MAX {
            first[p] = j;
        } else {
            let (a, b) = (find(&mut parent, j), find(&mut parent, first[p]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut names = vec![NONE; n_jurors];
    let mut count = 0;
    let mut juror = vec![None; n_jurors];
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
    let proposal = first
        .iter()
        .map(|&j| if j == usize::MAX { None } else { juror[j] })
        .collect();
    Components {
        juror,
        proposal,
        count: count as usize,
    }
}

// ---------------------------------------------------------------------------------------------
// Additive model.

fn additive(d: &Design, opts: &FitOptions) -> AdditiveFit {
    let nc = d.n_comps;
    let mut bias = vec![0.0; d.n_jurors];

    // Right-hand side of the juror system: g_j = Σ w (score − mean score of the proposal).
    let g = d.juror_sums(1, |p, s, acc| {
        if s.juror.is_empty() {
            return;
        }
        let mean = dot(s.weight, s.score) / d.pweight[p];
        for k in 0..s.juror.len() {
            acc[s.juror[k] as usize] += s.weight[k] * (s.score[k] - mean);
        }
    });

    let members = d.members();
    let direct: Vec<bool> = members
        .iter()
        .map(|m| match opts.solver {
            Solver::Auto => m.len() <= DIRECT_MAX_JURORS,
            Solver::Direct => true,
            Solver::Iterative => false,
        })
        .collect();
    let mut proposals: Vec<Vec<usize>> = vec![Vec::new(); nc];
    for (p, &c) in d.pcomp.iter().enumerate() {
        if c != NONE && direct[c as usize] && members[c as usize].len() > 1 {
            proposals[c as usize].push(p);
        }
    }
    let mut iterative = vec![false; nc];
    let mut local = vec![0usize; d.n_jurors];
    for c in 0..nc {
        if members[c].len() < 2 {
            continue; // a lone juror: bias 0
        }
        let solved = if direct[c] {
            direct_solve(d, &members[c], &proposals[c], &g, &mut local)
        } else {
            None
        };
        match solved {
            Some(x) => members[c].iter().zip(x).for_each(|(&j, x)| bias[j] = x),
            None => iterative[c] = true,
        }
    }
    let (iterations, converged) = if iterative.contains(&true) {
        conjugate_gradients(d, &g, &iterative, opts, &mut bias)
    } else {
        (0, true)
    };

    // Identification: Σ n_j b_j = 0 in each component.
    let nb = d.comp_sum(true, |j| d.jcount[j] * bias[j]);
    let n = d.comp_sum(true, |j| d.jcount[j]);
    for (j, &c) in d.jcomp.iter().enumerate() {
        if c != NONE {
            bias[j] -= nb[c as usize] / n[c as usize];
        }
    }

    let mut value = vec![0.0; d.n_proposals];
    d.per_proposal(&mut value, |p, s, v| {
        if !s.juror.is_empty() {
            let resid = (0..s.juror.len())
                .map(|k| s.weight[k] * (s.score[k] - bias[s.juror[k] as usize]))
                .sum::<f64>();
            *v = resid / d.pweight[p];
        }
    });
    AdditiveFit {
        bias,
        value,
        iterations,
        converged,
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves one component's juror system `S b = g` densely: `S` is assembled as a Laplacian
/// (`S_jk = −Σ_p N_pj N_pk / D_p`, rows summing to zero), the juror with the largest diagonal
/// is grounded (`b = 0`) and the rest solved by Cholesky. `None` on a non-positive pivot.
fn direct_solve(
    d: &Design,
    members: &[usize],
    proposals: &[usize],
    g: &[f64],
    local: &mut [usize],
) -> Option<Vec<f64>> {
    let m = members.len();
    for (l, &j) in members.iter().enumerate() {
        local[j] = l;
    }
    let mut s = vec![0.0; m * m];
    for &p in proposals {
        let seg = d.seg(p);
        for (k, &jk) in seg.juror.iter().enumerate() {
            let (row, wk) = (local[jk as usize] * m, seg.weight[k] / d.pweight[p]);
            for (i, &ji) in seg.juror.iter().enumerate() {
                if ji != jk {
                    s[row + local[ji as usize]] -= wk * seg.weight[i];
                }
            }
        }
    }
    for r in 0..m {
        let off: f64 = (0..m).filter(|&c| c != r).map(|c| s[r * m + c]).sum();
        s[r * m + r] = -off;
    }
    let ground = (0..m).fold(0, |best, r| {
        if s[r * m + r] > s[best * m + best] {
            r
        } else {
            best
        }
    });
    let keep: Vec<usize> = (0..m).filter(|&r| r != ground).collect();
    let n = keep.len();
    let mut a: Vec<f64> = keep
        .iter()
        .flat_map(|&r| keep.iter().map(move |&c| (r, c)))
        .map(|(r, c)| s[r * m + c])
        .collect();
    let mut x: Vec<f64> = keep.iter().map(|&r| g[members[r]]).collect();
    let floor = 1e-13 * s[ground * m + ground];
    // Cholesky, lower triangle in place.
    for i in 0..n {
        for k in 0..i {
            let sum = dot(&a[i * n..i * n + k], &a[k * n..k * n + k]);
            a[i * n + k] = (a[i * n + k] - sum) / a[k * n + k];
        }
        let pivot = a[i * n + i] - dot(&a[i * n..i * n + i], &a[i * n..i * n + i]);
        if pivot.is_nan() || pivot <= floor {
            return None;
        }
        a[i * n + i] = pivot.sqrt();
    }
    for i in 0..n {
        x[i] = (x[i] - dot(&a[i * n..i * n + i], &x[..i])) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| a[k * n + i] * x[k]).sum();
        x[i] = (x[i] - sum) / a[i * n + i];
    }
    let mut b = vec![0.0; m];
    keep.iter().zip(x).for_each(|(&r, x)| b[r] = x);
    Some(b)
}

/// Jacobi-preconditioned conjugate gradients on the juror systems of the components in
/// `mask`, each with its own step sizes and stopping test; they share the passes over the
/// scores. Returns (iterations, converged).
fn conjugate_gradients(
    d: &Design,
    g: &[f64],
    mask: &[bool],
    opts: &FitOptions,
    x: &mut [f64],
) -> (usize, bool) {
    let nc = d.n_comps;
    let on = |j: usize, live: &[bool]| d.jcomp[j] != NONE && live[d.jcomp[j] as usize];
    // Diagonal of S: Σ_p N_pj (D_p − N_pj) / D_p, with N_pj the weight of j's scores of p.
    let diag = d.juror_sums(1, |p, s, acc| {
        if d.pcomp[p] == NONE || !mask[d.pcomp[p] as usize] {
            return;
        }
        let mut k = 0;
        while k < s.juror.len() {
            let j = s.juror[k];
            let mut nj = 0.0;
            while k < s.juror.len() && s.juror[k] == j {
                nj += s.weight[k];
                k += 1;
            }
            acc[j as usize] += nj * (d.pweight[p] - nj) / d.pweight[p];
        }
    });
    let minv: Vec<f64> = diag
        .iter()
        .map(|&v| if v > 0.0 { 1.0 / v } else { 0.0 })
        .collect();
    let comp_dot = |a: &[f64], b: &[f64], live: &[bool]| {
        d.comp_sum(true, |j| if on(j, live) { a[j] * b[j] } else { 0.0 })
    };

    let mut r: Vec<f64> = (0..d.n_jurors)
        .map(|j| if on(j, mask) { g[j] } else { 0.0 })
        .collect();
    let mut z: Vec<f64> = r.iter().zip(&minv).map(|(r, m)| r * m).collect();
    let mut dir = z.clone();
    let mut rz = comp_dot(&r, &z, mask);
    let r0 = comp_dot(&r, &r, mask);
    let tol2 = opts.tolerance * opts.tolerance;
    let mut live: Vec<bool> = (0..nc).map(|c| mask[c] && r0[c] > 0.0).collect();
    let mut converged: Vec<bool> = (0..nc).map(|c| !live[c]).collect();
    let mut iterations = 0;
    while live.contains(&true) && iterations < opts.max_iterations {
        iterations += 1;
        // q = S dir, as Σ_p Σ_{i∈p} w_i (dir_j − t_p) with t_p the weighted mean of dir over p.
        let q = d.juror_sums(1, |p, s, acc| {
            if d.pcomp[p] == NONE || !live[d.pcomp[p] as usize] {
                return;
            }
            let t = (0..s.juror.len())
                .map(|k| s.weight[k] * dir[s.juror[k] as usize])
                .sum::<f64>()
                / d.pweight[p];
            for k in 0..s.juror.len() {
                let j = s.juror[k] as usize;
                acc[j] += s.weight[k] * (dir[j] - t);
            }
        });
        let dq = comp_dot(&dir, &q, &live);
        let alpha: Vec<f64> = (0..nc)
            .map(|c| if dq[c] > 0.0 { rz[c] / dq[c] } else { 0.0 })
            .collect();
        for c in 0..nc {
            if live[c] && !(dq[c] > 0.0 && alpha[c].is_finite()) {
                // No descent direction left: for this consistent positive semi-definite
                // system that happens only once the residual is at the rounding level.
                live[c] = false;
                converged[c] = true;
            }
        }
        for j in (0..d.n_jurors).filter(|&j| on(j, &live)) {
            let a = alpha[d.jcomp[j] as usize];
            x[j] += a * dir[j];
            r[j] -= a * q[j];
        }
        let rr = comp_dot(&r, &r, &live);
        for c in 0..nc {
            if live[c] && rr[c] <= tol2 * r0[c] {
                live[c] = false;
                converged[c] = true;
            }
        }
        for j in (0..d.n_jurors).filter(|&j| on(j, &live)) {
            z[j] = r[j] * minv[j];
        }
        let rz_new = comp_dot(&r, &z, &live);
        for j in (0..d.n_jurors).filter(|&j| on(j, &live)) {
            let c = d.jcomp[j] as usize;
            dir[j] = z[j] + rz_new[c] / rz[c] * dir[j];
        }
        for c in (0..nc).filter(|&c| live[c]) {
            rz[c] = rz_new[c];
        }
    }
    (iterations, converged.iter().all(|&c| c))
}

// ---------------------------------------------------------------------------------------------
// Affine model.

fn affine(d: &Design, start: AdditiveFit, opts: &AffineOptions) -> AffineFit {
    let (nj, nc) = (d.n_jurors, d.n_comps);
    let kappa = if opts.shrinkage > 0.0 {
        opts.shrinkage.min(1e15)
    } else {
        0.0
    };
    let lo = if opts.min_scale >= 1e-6 {
        opts.min_scale.min(0.99)
    } else {
        1e-6
    };
    let jc = |j: usize| d.jcomp[j] as usize;
    let pc = |p: usize| d.pcomp[p] as usize;

    // Constants of each component: total weight, mean weight, mean score, score spread.
    let wsum = d.comp_sum(true, |j| d.jweight[j]);
    let count = d.comp_sum(true, |j| d.jcount[j]);
    let wbar: Vec<f64> = (0..nc).map(|c| wsum[c] / count[c]).collect();
    let ybar: Vec<f64> = d
        .comp_sum(true, |j| d.jscore[j])
        .iter()
        .zip(&wsum)
        .map(|(s, w)| s / w)
        .collect();
    // The units of the convergence test: the spread of the scores (1 if they do not vary),
    // and their mean size, which sets the rounding level.
    let mut ss = vec![(0.0, 0.0); d.n_proposals];
    d.per_proposal(&mut ss, |p, s, o| {
        if d.pcomp[p] != NONE {
            let m = ybar[pc(p)];
            *o = (0..s.juror.len()).fold((0.0, 0.0), |(sq, ab), k| {
                let w = s.weight[k];
                (sq + w * (s.score[k] - m).powi(2), ab + w * s.score[k].abs())
            });
        }
    });
    let sq = d.comp_sum(false, |p| ss[p].0);
    let size = d.comp_sum(false, |p| ss[p].1);
    drop(ss);
    let unit: Vec<f64> = (0..nc)
        .map(|c| match (sq[c] / wsum[c]).sqrt() {
            sd if sd > 0.0 => sd,
            _ => 1.0,
        })
        .collect();
    let size: Vec<f64> = (0..nc).map(|c| size[c] / wsum[c]).collect();

    let (mut a, mut b, mut v) = (vec![1.0; nj], start.bias, start.value);
    let mut identified = vec![false; nj];
    let (mut slope, mut curve) = (vec![0.0; nj], vec![0.0; nj]);
    let members = d.members();
    let mut live = vec![true; nc];
    let mut gh = vec![(0.0, 0.0); d.n_proposals];
    let mut sweeps = 0;
    while live.contains(&true) && sweeps < opts.fit.max_iterations {
        sweeps += 1;
        let (a0, b0, v0) = (a.clone(), b.clone(), v.clone());
        let on_j = |j: usize| d.jcomp[j] != NONE && live[jc(j)];
        let on_p = |p: usize| d.pcomp[p] != NONE && live[pc(p)];

        // 1. Juror step: weighted regression of score on value, centred in the component.
        let (mean, var) = moments(d, &v, &wsum);
        let sums = d.juror_sums(4, |p, s, acc| {
            if !on_p(p) {
                return;
            }
            let (dv, yc) = (v[p] - mean[pc(p)], ybar[pc(p)]);
            for k in 0..s.juror.len() {
                let (j, w, dy) = (4 * s.juror[k] as usize, s.weight[k], s.score[k] - yc);
                acc[j] += w * dv;
                acc[j + 1] += w * dy;
                acc[j + 2] += w * dv * dv;
                acc[j + 3] += w * dv * dy;
            }
        });
        for j in (0..nj).filter(|&j| on_j(j)) {
            let (c, w) = (jc(j), d.jweight[j]);
            let (mv, sv) = (sums[4 * j] / w, sums[4 * j]);
            let sxx = (sums[4 * j + 2] - sv * mv).max(0.0);
            let prior = kappa * wbar[c] * var[c];
            // (The values must vary at all, beyond rounding, relative to the scores.)
            identified[j] = sxx > IDENTIFIED * w * var[c] && var[c] > 1e-20 * unit[c] * unit[c];
            curve[j] = sxx + prior;
            slope[j] = (sums[4 * j + 3] - sv * sums[4 * j + 1] / w + prior) / curve[j];
        }
        for (c, m) in members.iter().enumerate().filter(|&(c, _)| live[c]) {
            let ids: Vec<usize> = m.iter().copied().filter(|&j| identified[j]).collect();
            let cs: Vec<f64> = ids.iter().map(|&j| curve[j]).collect();
            let rs: Vec<f64> = ids.iter().map(|&j| slope[j]).collect();
            let mut scales = vec![1.0; ids.len()];
            if !scale_step(&cs, &rs, lo, &mut scales) {
                scales.iter_mut().for_each(|a| *a = 1.0); // no positive solution: additive
            }
            for &j in m {
                a[j] = 1.0;
            }
            for (&j, &s) in ids.iter().zip(&scales) {
                a[j] = s;
            }
            for &j in m {
                let w = d.jweight[j];
                b[j] = (ybar[c] + sums[4 * j + 1] / w) - a[j] * (mean[c] + sums[4 * j] / w);
            }
        }

        // 2. Value step: minimise Σ_p [H_p (v_p − G_p/H_p)² ] + k_c Σ_p D_p (v_p − mean)².
        d.per_proposal(&mut gh, |p, s, o| {
            if on_p(p) {
                *o = (0..s.juror.len()).fold((0.0, 0.0), |(g, h), k| {
                    let (w, aj) = (s.weight[k], a[s.juror[k] as usize]);
                    (
                        g + w * aj * (s.score[k] - b[s.juror[k] as usize]),
                        h + w * aj * aj,
                    )
                });
            }
        });
        let spread = d.comp_sum(true, |j| if on_j(j) { (a[j] - 1.0).powi(2) } else { 0.0 });
        let k: Vec<f64> = (0..nc)
            .map(|c| kappa * wbar[c] * spread[c] / wsum[c])
            .collect();
        let shrunk = |p: usize| {
            let (dp, (_, h)) = (d.pweight[p], gh[p]);
            dp / (h + k[pc(p)] * dp)
        };
        let num = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].0 } else { 0.0 });
        let den = d.comp_sum(false, |p| if on_p(p) { shrunk(p) * gh[p].1 } else { 0.0 });
        for p in (0..d.n_proposals).filter(|&p| on_p(p)) {
            let (c, (g, h)) = (pc(p), gh[p]);
            let m = if k[c] > 0.0 { num[c] / den[c] } else { 0.0 };
            v[p] = (g + k[c] * d.pweight[p] * m) / (h + k[c] * d.pweight[p]);
        }

        // 3. Gauge step: mean identified scale 1, Σ n_j b_j = 0.
        normalise(d, &identified, &live, &mut a, &mut b, &mut v);

        // 4. Convergence: every change within the tolerance, or at the rounding level.
        let tol = opts.fit.tolerance;
        let mut done = live.clone();
        let mut check = |c: usize, change: f64, allowed: f64| {
            done[c] = done[c] && change <= allowed; // false for a NaN tolerance
        };
        for j in (0..nj).filter(|&j| on_j(j)) {
            let c = jc(j);
            check(c, (a[j] - a0[j]).abs(), tol + ROUNDING * a[j]);
            check(
                c,
                (b[j] - b0[j]).abs(),
                tol * unit[c] + ROUNDING * (b[j].abs() + size[c]),
            );
        }
        for p in (0..d.n_proposals).filter(|&p| on_p(p)) {
            let c = pc(p);
            check(
                c,
                (v[p] - v0[p]).abs(),
                tol * unit[c] + ROUNDING * (v[p].abs() + size[c]),
            );
        }
        for c in 0..nc {
            live[c] = live[c] && !done[c];
        }
    }

    // Jurors whose scale is not identified: scale exactly 1, and the bias that fits it best.
    let sv = d.juror_sums(1, |p, s, acc| {
        for k in 0..s.juror.len() {
            acc[s.juror[k] as usize] += s.weight[k] * v[p];
        }
    });
    for j in (0..nj).filter(|&j| d.jcomp[j] != NONE && !identified[j]) {
        a[j] = 1.0;
        b[j] = (d.jscore[j] - sv[j]) / d.jweight[j];
    }
    normalise(d, &vec![false; nj], &vec![true; nc], &mut a, &mut b, &mut v);

    AffineFit {
        scale: a,
        bias: b,
        value: v,
        iterations: sweeps,
        converged: !live.contains(&true),
    }
}

/// The exact scale step of one component: minimises `Σ_j c_j (a_j − r_j)²` (`c_j > 0`; `r_j`
/// the juror's shrunk regression slope, `c_j` its curvature) subject to `a_j ≥ lo × mean(a)`.
/// Active-set method: with the set `L` of jurors held at the bound, the mean is
/// `g Σ_F a_j` (`g = 1 / (n − lo |L|)`) and the free scales have the closed form
/// `a_j = r_j − λ / c_j`; violators join `L`, and a held juror whose multiplier is negative
/// leaves it. Returns `false` when no solution with a positive mean exists.
fn scale_step(c: &[f64], r: &[f64], lo: f64, a: &mut [f64]) -> bool {
    let n = c.len();
    let mut held = vec![false; n];
    for _ in 0..2 * n + 2 {
        let (mut h, mut sr, mut cl, mut clr, mut nl) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            if held[j] {
                (cl, clr, nl) = (cl + c[j], clr + c[j] * r[j], nl + 1.0);
            } else {
                (h, sr) = (h + 1.0 / c[j], sr + r[j]);
            }
        }
        if nl == n as f64 {
            return false;
        }
        let g = 1.0 / (n as f64 - lo * nl);
        let (q, rl) = (g * g * lo * lo * cl, g * lo * clr);
        let free_sum = (sr + rl * h) / (1.0 + q * h);
        let (mean, lambda) = (g * free_sum, q * free_sum - rl);
        if !(mean > 0.0 && mean.is_finite()) {
            return false;
        }
        let mut joined = false;
        for j in 0..n {
            a[j] = if held[j] {
                lo * mean
            } else {
                r[j] - lambda / c[j]
            };
            if !held[j] && a[j] < lo * mean {
                held[j] = true;
                joined = true;
            }
        }
        if joined {
            continue;
        }
        // Half the multiplier of a held juror's bound: c_j (a_j − r_j) + λ.
        let leave = (0..n)
            .filter(|&j| held[j])
            .map(|j| (j, c[j] * (a[j] - r[j]) + lambda))
            .filter(|&(_, mu)| mu < 0.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        match leave {
            Some((j, _)) => held[j] = false,
            None => return true,
        }
    }
    true
}

/// Weighted mean and variance of the values over each component's scores.
fn moments(d: &Design, v: &[f64], wsum: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mean: Vec<f64> = d
        .comp_sum(false, |p| d.pweight[p] * v[p])
        .iter()
        .zip(wsum)
        .map(|(s, w)| s / w)
        .collect();
    let var = d
        .comp_sum(false, |p| {
            d.pweight[p] * (v[p] - mean[d.pcomp[p] as usize]).powi(2)
        })
        .iter()
        .zip(wsum)
        .map(|(s, w)| s / w)
        .collect();
    (mean, var)
}

/// Moves each live component along the model's gauge orbit, which leaves every fitted score
/// unchanged: `value → s·value + t`, `scale → scale / s`, `bias → bias − scale·t/s`, with `s`
/// the mean scale of the identified jurors (1 if none) and `t` making `Σ n_j b_j = 0`.
fn normalise(
    d: &Design,
    identified: &[bool],
    live: &[bool],
    a: &mut [f64],
    b: &mut [f64],
    v: &mut [f64],
) {
    let on = |j: usize| d.jcomp[j] != NONE && live[d.jcomp[j] as usize] && identified[j];
    let sum = d.comp_sum(true, |j| if on(j) { a[j] } else { 0.0 });
    let ids = d.comp_sum(true, |j| if on(j) { 1.0 } else { 0.0 });
    let s: Vec<f64> = (0..d.n_comps)
        .map(|c| if ids[c] > 0.0 { sum[c] / ids[c] } else { 1.0 })
        .collect();
    for (j, &c) in d.jcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            a[j] /= s[c as usize];
        }
    }
    for (p, &c) in d.pcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            v[p] *= s[c as usize];
        }
    }
    let nb = d.comp_sum(true, |j| d.jcount[j] * b[j]);
    let na = d.comp_sum(true, |j| d.jcount[j] * a[j]);
    for (j, &c) in d.jcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            b[j] -= a[j] * nb[c as usize] / na[c as usize];
        }
    }
    for (p, &c) in d.pcomp.iter().enumerate() {
        if c != NONE && live[c as usize] {
            v[p] += nb[c as usize] / na[c as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// xorshift64*: a tiny seeded generator for test designs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        /// Uniform in `[lo, hi)`.
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// Roughly standard normal (sum of 12 uniforms).
        fn normal(&mut self) -> f64 {
            (0..12).map(|_| self.uniform(0.0, 1.0)).sum::<f64>() - 6.0
        }
        fn shuffle<T>(&mut self, x: &mut [T]) {
            for i in (1..x.len()).rev() {
                x.swap(i, self.below(i + 1));
            }
        }
    }

    /// Each proposal read by `reviews` distinct random jurors: (juror, proposal) pairs.
    fn sparse_design(rng: &mut Rng, nj: usize, np: usize, reviews: usize) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        let mut jurors: Vec<u32> = (0..nj as u32).collect();
        for p in 0..np as u32 {
            for r in 0..reviews {
                let k = r + rng.below(nj - r);
                jurors.swap(r, k);
                pairs.push((jurors[r], p));
            }
        }
        pairs
    }

    fn max_diff(a: &[f64], b: &[f64]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    fn assert_close(what: &str, a: &[f64], b: &[f64], tol: f64) {
        let d = max_diff(a, b);
        assert!(
            d <= tol,
            "{what}: max difference {d:e} > {tol:e}\n{a:?}\n{b:?}"
        );
    }

    fn counts(nj: usize, obs: &[Observation]) -> Vec<f64> {
        let mut n = vec![0.0; nj];
        obs.iter().for_each(|o| n[o.juror as usize] += 1.0);
        n
    }

    /// Moves an additive truth to the documented identification: Σ n_j b_j = 0 (one component).
    fn identify_additive(n: &[f64], bias: &mut [f64], value: &mut [f64]) {
        let t = dot(n, bias) / n.iter().sum::<f64>();
        bias.iter_mut().for_each(|b| *b -= t);
        value.iter_mut().for_each(|v| *v += t);
    }

    /// Reference: the full normal equations of the additive model with one Lagrange multiplier
    /// per component for Σ n_j b_j = 0, solved densely by Gaussian elimination with partial
    /// pivoting. Unknowns: values, then biases, then multipliers.
    fn dense_additive(nj: usize, np: usize, obs: &[Observation]) -> (Vec<f64>, Vec<f64>) {
        let comps = components(nj, np, obs);
        let m = np + nj + comps.count;
        let mut a = vec![vec![0.0; m + 1]; m];
        for o in obs {
            let (p, j) = (o.proposal as usize, np + o.juror as usize);
            for (r, c) in [(p, p), (p, j), (j, p), (j, j)] {
                a[r][c] += o.weight;
            }
            a[p][m] += o.weight * o.score;
            a[j][m] += o.weight * o.score;
            let row = np + nj + comps.juror[o.juror as usize].unwrap() as usize;
            a[row][j] += 1.0;
            a[j][row] += 1.0;
        }
        for (i, row) in a.iter_mut().enumerate() {
            if row.iter().all(|&x| x == 0.0) {
                row[i] = 1.0; // unobserved: pinned at 0
            }
        }
        for col in 0..m {
            let piv = (col..m)
                .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
                .unwrap();
            a.swap(col, piv);
            let pivot = a[col].clone();
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot[col];
                    row[col..]
                        .iter_mut()
                        .zip(&pivot[col..])
                        .for_each(|(x, p)| *x -= f * p);
                }
            }
        }
        let x: Vec<f64> = (0..m).map(|i| a[i][m] / a[i][i]).collect();
        (x[np..np + nj].to_vec(), x[..np].to_vec())
    }

    fn additive_opts(solver: Solver) -> FitOptions {
        FitOptions {
            tolerance: 1e-13,
            max_iterations: 10_000,
            solver,
        }
    }

    fn affine_opts(shrinkage: f64) -> AffineOptions {
        AffineOptions {
            shrinkage,
            min_scale: 0.1,
            fit: FitOptions {
                tolerance: 1e-13,
                max_iterations: 100_000,
                solver: Solver::Auto,
            },
        }
    }

    // --- components ----------------------------------------------------------------------

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

    // --- additive --------------------------------------------------------------------------

    #[test]
    fn additive_complete_design_is_the_two_way_anova() {
        // Worked by hand. Rows are proposals, columns jurors, unit weights:
        //
        //            J0   J1   J2  | row mean
        //      P0     4    5    3  |   4
        //      P1     2    4    3  |   3
        //      P2     5    6    4  |   5
        //   col mean 11/3  5  10/3 | grand mean 36/9 = 4
        //
        // Every juror has 3 scores, so the constraint is Σ b_j = 0 and the least-squares
        // solution is the two-way ANOVA: b_j = column mean − grand mean = (−1/3, 1, −2/3),
        // v_p = row mean = (4, 3, 5). (Check: the normal equation of P0 is
        // 3 v0 + Σ b = 12, i.e. v0 = 4; that of J0 is Σ_p v_p + 3 b0 = 11, i.e. b0 = −1/3.)
        let table = [[4.0, 5.0, 3.0], [2.0, 4.0, 3.0], [5.0, 6.0, 4.0]];
        let mut obs = Vec::new();
        for (p, row) in table.iter().enumerate() {
            for (j, &y) in row.iter().enumerate() {
                obs.push(Observation::new(j as u32, p as u32, y));
            }
        }
        for solver in [Solver::Direct, Solver::Iterative] {
            let fit = fit_additive(3, 3, &obs, &additive_opts(solver));
            assert_close("bias", &fit.bias, &[-1.0 / 3.0, 1.0, -2.0 / 3.0], 1e-9);
            assert_close("value", &fit.value, &[4.0, 3.0, 5.0], 1e-9);
            assert!(fit.converged);
        }
    }

    #[test]
    fn additive_residuals_reproduce_shrout_fleiss_icc() {
        // Shrout & Fleiss (1979), 6 targets × 4 judges (shared/validation/
        // icc_shrout_fleiss_1979.csv): the two-way F = MSR/MSE is 11.0 and ICC(3,1) = 0.71.
        // MSE is the residual mean square of the additive fit, (n−1)(k−1) degrees of freedom.
        let table = [
            [9.0, 2.0, 5.0, 8.0],
            [6.0, 1.0, 3.0, 2.0],
            [8.0, 4.0, 6.0, 8.0],
            [7.0, 1.0, 2.0, 6.0],
            [10.0, 5.0, 6.0, 9.0],
            [6.0, 2.0, 4.0, 7.0],
        ];
        let (n, k) = (6.0, 4.0);
        let mut obs = Vec::new();
        for (p, row) in table.iter().enumerate() {
            for (j, &y) in row.iter().enumerate() {
                obs.push(Observation::new(j as u32, p as u32, y));
            }
        }
        let fit = fit_additive(4, 6, &obs, &FitOptions::default());
        let sse: f64 = obs
            .iter()
            .map(|o| {
                (o.score - fit.value[o.proposal as usize] - fit.bias[o.juror as usize]).powi(2)
            })
            .sum();
        let mse = sse / ((n - 1.0) * (k - 1.0));
        let grand = obs.iter().map(|o| o.score).sum::<f64>() / (n * k);
        let msr = k * fit.value.iter().map(|v| (v - grand).powi(2)).sum::<f64>() / (n - 1.0);
        assert!((msr / mse - 11.0).abs() < 0.05, "F = {}", msr / mse);
        let icc31 = (msr - mse) / (msr + (k - 1.0) * mse);
        assert!((icc31 - 0.71).abs() < 0.005, "ICC(3,1) = {icc31}");
    }

    #[test]
    fn additive_recovers_noise_free_truth_on_sparse_design() {
        let mut rng = Rng(7);
        let (nj, np) = (90, 400);
        let pairs = sparse_design(&mut rng, nj, np, 3);
        let mut bias: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.5, 1.5)).collect();
        let mut value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
        let obs: Vec<Observation> = pairs
            .iter()
            .map(|&(j, p)| Observation {
                juror: j,
                proposal: p,
                score: value[p as usize] + bias[j as usize],
                weight: rng.uniform(0.5, 2.0),
            })
            .collect();
        assert_eq!(components(nj, np, &obs).count, 1);
        identify_additive(&counts(nj, &obs), &mut bias, &mut value);
        for solver in [Solver::Auto, Solver::Direct, Solver::Iterative] {
            let fit = fit_additive(nj, np, &obs, &additive_opts(solver));
            assert!(fit.converged, "{solver:?}");
            assert_close("bias", &fit.bias, &bias, 1e-9);
            assert_close("value", &fit.value, &value, 1e-9);
        }
        // With the default tolerance (90 jurors: conjugate gradients) as well.
        let fit = fit_additive(nj, np, &obs, &FitOptions::default());
        assert!(fit.converged && fit.iterations > 0 && fit.iterations < 200);
        assert_close("bias", &fit.bias, &bias, 1e-9);
    }

    #[test]
    fn split_design_is_fitted_per_component() {
        let mut rng = Rng(11);
        let mut obs = Vec::new();
        // Jurors 0..5 read proposals 0..20, jurors 5..10 read 20..40.
        for half in 0..2u32 {
            for (j, p) in sparse_design(&mut rng, 5, 20, 3) {
                obs.push(Observation::new(
                    j + 5 * half,
                    p + 20 * half,
                    rng.uniform(1.0, 5.0),
                ));
            }
        }
        let c = components(10, 40, &obs);
        assert_eq!(c.count, 2);
        assert!((0..5).all(|j| c.juror[j] == Some(0) && c.juror[j + 5] == Some(1)));

        let shifted: Vec<Observation> = obs
            .iter()
            .map(|o| Observation {
                score: o.score + if o.juror >= 5 { 7.0 } else { 0.0 },
                ..*o
            })
            .collect();
        for solver in [Solver::Direct, Solver::Iterative] {
            let a = fit_additive(10, 40, &obs, &additive_opts(solver));
            let b = fit_additive(10, 40, &shifted, &additive_opts(solver));
            // The first component is untouched, to the bit.
            assert_eq!(a.bias[..5], b.bias[..5]);
            assert_eq!(a.value[..20], b.value[..20]);
            // The second: values shift by 7, biases stay.
            assert_close("bias", &a.bias[5..], &b.bias[5..], 1e-9);
            let v: Vec<f64> = a.value[20..].iter().map(|v| v + 7.0).collect();
            assert_close("value", &v, &b.value[20..], 1e-9);
        }
        let a = fit_affine(10, 40, &obs, &affine_opts(2.0));
        let b = fit_affine(10, 40, &shifted, &affine_opts(2.0));
        assert_eq!(a.scale[..5], b.scale[..5]);
        assert_eq!(a.value[..20], b.value[..20]);
        assert_close("scale", &a.scale[5..], &b.scale[5..], 1e-9);
    }

    #[test]
    fn additive_juror_shift_moves_that_bias_and_only_recentres_the_rest() {
        // Adding d to juror 3's scores raises b_3 by d relative to every other juror; the
        // constraint Σ n_j b_j = 0 then moves all biases by −d n_3 / N and all values by
        // +d n_3 / N, a common constant that changes no ranking.
        let mut rng = Rng(5);
        let (nj, np) = (8, 30);
        let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 3)
            .into_iter()
            .map(|(j, p)| Observation::new(j, p, rng.uniform(1.0, 5.0)))
            .collect();
        let d = 1.75;
        let moved: Vec<Observation> = obs
            .iter()
            .map(|o| Observation {
                score: o.score + if o.juror == 3 { d } else { 0.0 },
                ..*o
            })
            .collect();
        let n = counts(nj, &obs);
        let shift = d * n[3] / n.iter().sum::<f64>();
        let a = fit_additive(nj, np, &obs, &FitOptions::default());
        let b = fit_additive(nj, np, &moved, &FitOptions::default());
        let expect: Vec<f64> = (0..nj)
            .map(|j| a.bias[j] - shift + if j == 3 { d } else { 0.0 })
            .collect();
        assert_close("bias", &b.bias, &expect, 1e-9);
        let expect: Vec<f64> = a.value.iter().map(|v| v + shift).collect();
        assert_close("value", &b.value, &expect, 1e-9);
    }

    // --- affine ----------------------------------------------------------------------------

    /// Noise-free affine data on a sparse design, with the truth moved to the documented
    /// identification (mean scale 1, Σ n_j b_j = 0).
    #[allow(clippy::type_complexity)]
    fn affine_truth(
        seed: u64,
        nj: usize,
        np: usize,
    ) -> (Vec<Observation>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut rng = Rng(seed);
        let pairs = sparse_design(&mut rng, nj, np, 4);
        let mut a: Vec<f64> = (0..nj).map(|_| rng.uniform(0.5, 2.0)).collect();
        let mut b: Vec<f64> = (0..nj).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let mut v: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
        let obs: Vec<Observation> = pairs
            .iter()
            .map(|&(j, p)| {
                let (j, p) = (j as usize, p as usize);
                Observation {
                    juror: j as u32,
                    proposal: p as u32,
                    score: a[j] * v[p] + b[j],
                    weight: rng.uniform(0.5, 2.0),
                }
            })
            .collect();
        let s = a.iter().sum::<f64>() / nj as f64;
        a.iter_mut().for_each(|x| *x /= s);
        v.iter_mut().for_each(|x| *x *= s);
        let n = counts(nj, &obs);
        let t = dot(&n, &b) / dot(&n, &a);
        b.iter_mut().zip(&a).for_each(|(b, a)| *b -= a * t);
        v.iter_mut().for_each(|x| *x += t);
        (obs, a, b, v)
    }

    #[test]
    fn affine_recovers_noise_free_truth() {
        let (nj, np) = (12, 80);
        let (obs, a, b, v) = affine_truth(3, nj, np);
        let fit = fit_affine(nj, np, &obs, &affine_opts(0.0));
        assert!(fit.converged, "{} sweeps", fit.iterations);
        assert_close("scale", &fit.scale, &a, 1e-6);
        assert_close("bias", &fit.bias, &b, 1e-6);
        assert_close("value", &fit.value, &v, 1e-6);
    }

    #[test]
    fn affine_juror_stretch_keeps_values_up_to_identification() {
        // Shrinkage 0: juror 2's scores × 1.8 + 0.6 change only their own scale and bias, up to
        // the identification: the new values are an increasing affine map of the old ones.
        // Least squares is invariant to this only if juror 2's residuals keep their weight,
        // so the weight of their scores is divided by 1.8² (noise-free data need no such
        // adjustment: the fit is exact either way).
        let mut rng = Rng(21);
        let (nj, np, c, d) = (9, 60, 1.8, 0.6);
        let noisy: Vec<Observation> = sparse_design(&mut rng, nj, np, 4)
            .into_iter()
            .map(|(j, p)| {
                let y = 3.0 + (0.2 * p as f64) % 2.0 + 0.3 * rng.normal() + 0.1 * j as f64;
                Observation::new(j, p, y)
            })
            .collect();
        let (exact, ..) = affine_truth(21, nj, np);
        for (obs, reweight) in [(noisy, true), (exact, false)] {
            let moved: Vec<Observation> = obs
                .iter()
                .map(|o| match o.juror {
                    2 => Observation {
                        score: c * o.score + d,
                        weight: o.weight / if reweight { c * c } else { 1.0 },
                        ..*o
                    },
                    _ => *o,
                })
                .collect();
            let a = fit_affine(nj, np, &obs, &affine_opts(0.0));
            let b = fit_affine(nj, np, &moved, &affine_opts(0.0));
            assert!(a.converged && b.converged);
            // b.value = α a.value + β from two proposals, then checked on every proposal.
            let alpha = (b.value[0] - b.value[1]) / (a.value[0] - a.value[1]);
            let beta = b.value[0] - alpha * a.value[0];
            assert!(alpha > 0.0);
            let mapped: Vec<f64> = a.value.iter().map(|v| alpha * v + beta).collect();
            assert_close("value", &b.value, &mapped, 1e-7);
            // Other jurors' scales change by the common 1/α; juror 2's also by c.
            let ratio: Vec<f64> = (0..nj)
                .map(|j| b.scale[j] / a.scale[j] / if j == 2 { c } else { 1.0 })
                .collect();
            assert_close("scale ratio", &ratio, &vec![1.0 / alpha; nj], 1e-7);
        }
    }

    #[test]
    fn affine_is_invariant_to_units_of_scores_and_weights() {
        let mut rng = Rng(8);
        let (nj, np) = (7, 40);
        let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 3)
            .into_iter()
            .map(|(j, p)| Observation {
                juror: j,
                proposal: p,
                score: (1.0 + j as f64 / 4.0) * (p % 5) as f64 + rng.normal(),
                weight: rng.uniform(0.5, 2.0),
            })
            .collect();
        let (k, d, w) = (10.0, -3.0, 4.0);
        let rescaled: Vec<Observation> = obs
            .iter()
            .map(|o| Observation {
                score: k * o.score + d,
                weight: w * o.weight,
                ..*o
            })
            .collect();
        let a = fit_affine(nj, np, &obs, &affine_opts(3.0));
        let b = fit_affine(nj, np, &rescaled, &affine_opts(3.0));
        assert_close("scale", &a.scale, &b.scale, 1e-8);
        // Corrected scores map by the same affine map in both fits.
        let corrected = |f: &AffineFit, o: &Observation| {
            (o.score - f.bias[o.juror as usize]) / f.scale[o.juror as usize]
        };
        let ca: Vec<f64> = obs.iter().map(|o| corrected(&a, o)).collect();
        let cb: Vec<f64> = rescaled.iter().map(|o| corrected(&b, o) / k).collect();
        let offset = cb[0] - ca[0];
        let ca: Vec<f64> = ca.iter().map(|c| c + offset).collect();
        assert_close("corrected", &ca, &cb, 1e-8);
    }

    #[test]
    fn affine_shrinks_a_juror_with_two_scores_more_than_one_with_forty() {
        // Jurors 0 and 1 stretch the scale by 2 (scores 2v − 3); the others use it as it is.
        // Juror 0 has 2 scores, juror 1 has 40. Without shrinkage both are found at the same
        // scale; with it juror 0 is pulled toward 1 far more.
        let mut rng = Rng(99);
        let (nj, np) = (10, 60);
        let value: Vec<f64> = (0..np).map(|_| rng.uniform(1.0, 5.0)).collect();
        let mut obs = Vec::new();
        for p in 0..np as u32 {
            for j in [2 + p % 8, 2 + (p + 3) % 8] {
                obs.push(Observation::new(j, p, value[p as usize]));
            }
            if p < 40 {
                obs.push(Observation::new(1, p, 2.0 * value[p as usize] - 3.0));
            }
        }
        obs.push(Observation::new(0, 50, 2.0 * value[50] - 3.0));
        obs.push(Observation::new(0, 55, 2.0 * value[55] - 3.0));
        let free = fit_affine(nj, np, &obs, &affine_opts(0.0));
        assert!((free.scale[0] / free.scale[1] - 1.0).abs() < 1e-6);
        let shrunk = fit_affine(nj, np, &obs, &affine_opts(5.0));
        let pull = |j: usize| (free.scale[j] - shrunk.scale[j]) / (free.scale[j] - 1.0);
        assert!(shrunk.scale[0] > 1.0 && shrunk.scale[1] > shrunk.scale[0]);
        assert!(pull(0) > 0.5 && pull(1) < 0.2, "{} {}", pull(0), pull(1));
    }

    #[test]
    fn affine_is_a_stationary_point_of_the_documented_objective() {
        let mut rng = Rng(4);
        let (nj, np, kappa) = (10, 70, 3.0);
        let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 3)
            .into_iter()
            .map(|(j, p)| Observation {
                juror: j,
                proposal: p,
                score: (0.6 + j as f64 / 8.0) * (p as f64 / 20.0) + j as f64 / 5.0 + rng.normal(),
                weight: rng.uniform(0.5, 2.0),
            })
            .collect();
        let fit = fit_affine(nj, np, &obs, &affine_opts(kappa));
        assert!(fit.converged);
        let (a, b, v) = (&fit.scale, &fit.bias, &fit.value);
        assert!(a.iter().all(|&a| a > 0.1 && a < 10.0), "{a:?}");
        let (mut gw, mut gd, mut dsum) = (0.0, vec![0.0; np], 0.0);
        let (mut ga, mut gb, mut gv) = (vec![0.0; nj], vec![0.0; nj], vec![0.0; np]);
        for o in &obs {
            let (j, p, w) = (o.juror as usize, o.proposal as usize, o.weight);
            let r = o.score - a[j] * v[p] - b[j];
            gb[j] -= 2.0 * w * r;
            ga[j] -= 2.0 * w * r * v[p];
            gv[p] -= 2.0 * w * r * a[j];
            gw += w;
            gd[p] += w;
            dsum += 1.0;
        }
        let mean = dot(&gd, v) / gw;
        let var = gd
            .iter()
            .zip(v)
            .map(|(d, v)| d * (v - mean).powi(2))
            .sum::<f64>()
            / gw;
        let wbar = gw / dsum;
        let spread: f64 = a.iter().map(|a| (a - 1.0).powi(2)).sum();
        for j in 0..nj {
            ga[j] += 2.0 * kappa * wbar * var * (a[j] - 1.0);
        }
        for p in 0..np {
            gv[p] += kappa * wbar * spread * 2.0 * gd[p] * (v[p] - mean) / gw;
        }
        let scale = obs.iter().map(|o| o.weight * o.score.abs()).sum::<f64>();
        for (name, g) in [("scale", &ga), ("bias", &gb), ("value", &gv)] {
            let worst = g.iter().fold(0.0f64, |m, g| m.max(g.abs()));
            assert!(worst < 1e-7 * scale, "gradient of {name}: {worst:e}");
        }
        // Identification: mean scale 1, Σ n_j b_j = 0.
        assert!((a.iter().sum::<f64>() / nj as f64 - 1.0).abs() < 1e-12);
        assert!(dot(&counts(nj, &obs), b).abs() < 1e-9);
    }

    #[test]
    fn affine_with_overwhelming_shrinkage_is_the_additive_fit() {
        let mut rng = Rng(13);
        let (nj, np) = (6, 25);
        let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 3)
            .into_iter()
            .map(|(j, p)| Observation::new(j, p, rng.uniform(1.0, 5.0)))
            .collect();
        let add = fit_additive(nj, np, &obs, &FitOptions::default());
        let aff = fit_affine(nj, np, &obs, &affine_opts(1e12));
        assert_close("scale", &aff.scale, &vec![1.0; nj], 1e-9);
        assert_close("bias", &aff.bias, &add.bias, 1e-8);
        assert_close("value", &aff.value, &add.value, 1e-8);
    }

    // --- degenerate input ------------------------------------------------------------------

    #[test]
    fn degenerate_inputs_give_defined_finite_results() {
        for (nj, np) in [(0, 0), (3, 0), (0, 3), (3, 4)] {
            let add = fit_additive(nj, np, &[], &FitOptions::default());
            assert_eq!((add.bias, add.value), (vec![0.0; nj], vec![0.0; np]));
            let aff = fit_affine(nj, np, &[], &AffineOptions::default());
            assert_eq!(aff.scale, vec![1.0; nj]);
            assert!(aff.converged && add.converged);
        }
        // Juror 0: one score. Juror 1: all scores equal. Proposal 5: one review.
        // Juror 4: unobserved. Proposal 6: unobserved.
        let mut obs = vec![Observation::new(0, 0, 4.0), Observation::new(1, 5, 3.0)];
        for p in 0..5u32 {
            obs.push(Observation::new(1, p, 3.0));
            obs.push(Observation::new(2, p, 1.0 + p as f64));
            obs.push(Observation::new(3, p, 2.0 + 0.5 * p as f64));
        }
        let add = fit_additive(5, 7, &obs, &FitOptions::default());
        for shrinkage in [0.0, 5.0] {
            let aff = fit_affine(5, 7, &obs, &affine_opts(shrinkage));
            let all = [&aff.scale[..], &aff.bias, &aff.value, &add.bias, &add.value];
            assert!(all.iter().all(|x| x.iter().all(|v| v.is_finite())));
            assert_eq!(aff.scale[0], 1.0, "a single score: scale 1");
            assert_eq!(aff.scale[4], 1.0);
            assert_eq!(
                (aff.bias[4], aff.value[6], add.bias[4], add.value[6]),
                (0.0, 0.0, 0.0, 0.0)
            );
            // The straight-liner's scale is as small as allowed, and their corrected scores all
            // land on the mean value of their batch.
            assert!(
                aff.scale[1] < 0.5 && aff.scale[1] >= 0.1 - 1e-9,
                "{}",
                aff.scale[1]
            );
            let batch = aff.value[..6].iter().sum::<f64>() / 6.0;
            assert!(((3.0 - aff.bias[1]) / aff.scale[1] - batch).abs() < 1e-6);
        }
        // Unusable observations are ignored, exactly.
        let mut noisy = obs.clone();
        noisy.push(Observation {
            weight: 0.0,
            ..obs[3]
        });
        noisy.push(Observation {
            weight: -1.0,
            ..obs[4]
        });
        noisy.push(Observation {
            weight: f64::NAN,
            ..obs[4]
        });
        noisy.push(Observation {
            score: f64::INFINITY,
            ..obs[5]
        });
        noisy.push(Observation::new(9, 0, 1.0));
        noisy.push(Observation::new(0, 9, 1.0));
        assert_eq!(fit_additive(5, 7, &noisy, &FitOptions::default()), add);
        assert_eq!(
            fit_affine(5, 7, &noisy, &AffineOptions::default()),
            fit_affine(5, 7, &obs, &AffineOptions::default())
        );
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        let mut rng = Rng(17);
        let (nj, np) = (120, 500);
        let obs: Vec<Observation> = sparse_design(&mut rng, nj, np, 4)
            .into_iter()
            .map(|(j, p)| Observation::new(j, p, rng.uniform(1.0, 5.0)))
            .collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                (
                    fit_additive(nj, np, &obs, &FitOptions::default()),
                    fit_affine(nj, np, &obs, &AffineOptions::default()),
                )
            })
        };
        let one = run(1);
        assert!(one.0.iterations > 0, "the iterative path is exercised");
        assert_eq!(one, run(3));
    }

    // --- properties ------------------------------------------------------------------------

    prop_compose! {
        /// A small random design: scores on random (juror, proposal) pairs, possibly split
        /// into several components, with duplicates and random weights.
        fn small_design()(nj in 2usize..7, np in 2usize..12)
            (obs in prop::collection::vec(
                (0..nj as u32, 0..np as u32, -5.0f64..5.0, 0.1f64..3.0), 1..40),
             nj in Just(nj), np in Just(np)) -> (usize, usize, Vec<Observation>) {
            let obs = obs.into_iter()
                .map(|(juror, proposal, score, weight)| Observation { juror, proposal, score, weight })
                .collect();
            (nj, np, obs)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn solvers_match_dense_normal_equations((nj, np, obs) in small_design()) {
            let (bias, value) = dense_additive(nj, np, &obs);
            for solver in [Solver::Direct, Solver::Iterative] {
                let fit = fit_additive(nj, np, &obs, &additive_opts(solver));
                prop_assert!(fit.converged);
                prop_assert!(max_diff(&fit.bias, &bias) < 1e-8, "{:?} {:?}", fit.bias, bias);
                prop_assert!(max_diff(&fit.value, &value) < 1e-8);
            }
        }

        #[test]
        fn shuffled_input_gives_identical_fits((nj, np, obs) in small_design(), seed in 1u64..) {
            let mut shuffled = obs.clone();
            Rng(seed).shuffle(&mut shuffled);
            let opts = FitOptions { solver: Solver::Iterative, ..FitOptions::default() };
            prop_assert_eq!(fit_additive(nj, np, &obs, &opts), fit_additive(nj, np, &shuffled, &opts));
            let opts = AffineOptions::default();
            prop_assert_eq!(fit_affine(nj, np, &obs, &opts), fit_affine(nj, np, &shuffled, &opts));
        }

        #[test]
        fn affine_output_is_finite_and_identified((nj, np, obs) in small_design(), shrinkage in 0.0f64..10.0) {
            let opts = AffineOptions { shrinkage, ..AffineOptions::default() };
            let fit = fit_affine(nj, np, &obs, &opts);
            let c = components(nj, np, &obs);
            prop_assert!(fit.scale.iter().all(|&a| a.is_finite() && a > 0.0));
            prop_assert!(fit.bias.iter().chain(&fit.value).all(|x| x.is_finite()));
            for comp in 0..c.count as u32 {
                let nb: f64 = obs.iter().filter(|o| c.juror[o.juror as usize] == Some(comp))
                    .map(|o| fit.bias[o.juror as usize]).sum();
                let scale: f64 = obs.iter().map(|o| o.score.abs()).sum::<f64>() + 1.0;
                prop_assert!(nb.abs() < 1e-9 * scale, "Σ n b = {}", nb);
            }
        }
    }
}
