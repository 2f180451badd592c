//! Juror-bias correction: each valid score is corrected for its juror's leniency and spread.
//!
//! Each criterion has its own juror effects, fitted on valid scores only (status `used`):
//! conflicts and missing scores never inform a juror's estimate. Every method but `affine`
//! fits each criterion on its own; `affine` fits every criterion at once, with one scale per
//! juror on all of them ([`crate::fit::fit_affine_shared`]). Every method
//! writes its juror effects in one form, `corrected = (raw − bias) / scale`, so that the
//! audit shows each juror's leniency (`bias`, positive = lenient) and spread (`scale`,
//! above 1 = wider than the panel) whatever the method.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::award::Award;
use crate::conflicts::Status;
use crate::fit::{Designs, FitOptions, Observation, Posterior, SharedAffineFit};
use crate::rubric::Criterion;
use crate::settings::Method;
use crate::util::spare;
use crate::util::stats::weighted_mean_sd;
use crate::warnings::Warning;

mod additive;
mod affine;
mod bayes;
mod minmax;
mod none;
mod rank;
mod ratio;
mod zscore;

/// Shrinkage of the `affine` method: each juror's scale is pulled toward 1 as if they had
/// this many more scores lying on the panel's line (see [`crate::advanced::fit::AffineOptions`]).
pub const AFFINE_SHRINKAGE: f64 = 5.0;

/// Little data, little correction: under `affine`, a juror who scored fewer than this many
/// distinct proposals (on every criterion) keeps scale 1 and is corrected for leniency only,
/// reported as [`Warning::ScalesHeld`] (docs/methods.md, "Little data, little correction").
pub const AFFINE_MIN_PROPOSALS: usize = 5;

/// One juror's effect on one criterion, as fitted by the method.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JurorEffect {
    /// Valid scores the juror gave on the criterion.
    pub scores: usize,
    /// Their mean raw score (0 when they gave none).
    pub mean: f64,
    /// The population standard deviation of their raw scores.
    pub spread: f64,
    /// Leniency in score units, `corrected = (raw − bias) / scale`; `None` when the method
    /// does not correct this juror by such a map (`rank`, or a juror it cannot measure).
    pub bias: Option<f64>,
    /// Spread relative to the panel (1 = as wide as the panel); `None` as for `bias`.
    pub scale: Option<f64>,
}

/// The corrected scores and the juror effects behind them.
#[derive(Clone, Debug, Default)]
pub struct Correction {
    /// The corrected value of every score, in [`Award::scores`] order; meaningful only where
    /// the score's status is [`Status::Used`] (0 elsewhere). [`crate::Outcome::corrected`]
    /// pairs it with the status.
    pub corrected: Vec<f64>,
    /// Juror effects, `effects[juror * criteria + criterion]`.
    pub effects: Vec<JurorEffect>,
    /// What the correction needs a coordinator to know.
    pub warnings: Vec<Warning>,
    /// The posterior draws behind `bayes` (`None` for every other method): the values and
    /// probabilities of the outcome come from it.
    pub posterior: Option<Arc<Posterior>>,
}

impl Correction {
    /// The effect of a juror on a criterion.
    pub fn effect(&self, juror: usize, criterion: usize, criteria: usize) -> &JurorEffect {
        &self.effects[juror * criteria + criterion]
    }
}

/// Corrects every valid score of the award with `method`.
///
/// Every method corrects each criterion from its valid scores only (`affine` fits one scale
/// per juror across the criteria, see [`Method::Affine`]). A juror whose spread a method
/// needs but cannot measure on a criterion (one score, or the same score everywhere) is
/// handled by a fixed rule, reported as [`Warning::NoSpread`]:
/// `zscore` sets their scores to the pooled mean; `minmax` to the middle of the scale;
/// `rank` to the middle of the scale; `affine` gives them their scale from the other criteria,
/// else 1 (one score), and sets
/// the scores of a straight-liner to the mean value of what they read (their line has no
/// slope, so whatever their scale, their bias absorbs their scores).
/// `ratio` cannot divide by a mean of zero or below and keeps such a juror's scores raw,
/// reported as [`Warning::RatioUndefined`]. A method that does not keep unanimity
/// ([`Method::keeps_unanimity`]) says so in a [`Warning::BreaksUnanimity`], and `affine`
/// reports the jurors whose scale it held at 1 in a [`Warning::ScalesHeld`].
pub fn correct(award: &Award, status: &[Status], method: Method) -> Correction {
    correct_counted(award, status, None, method)
}

/// [`correct`] with a multiplicity for each score: a score counted `k` times weighs as `k`
/// copies of itself, and a score counted 0 times is left out, as a bootstrap replicate
/// (reviews drawn with replacement) or a jury without one juror needs. `None` counts every
/// score once.
///
/// # Panics
///
/// When `status` (or `counts`) has not one entry for each of the award's scores.
pub fn correct_counted(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
) -> Correction {
    correct_seeded(award, status, counts, method, award.settings().seed)
}

/// [`correct_counted`] with the seed of a sampled method (`bayes`; the others ignore it).
pub fn correct_seeded(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
    seed: u64,
) -> Correction {
    correct_started(
        award,
        status,
        counts,
        method,
        &FitOptions::default(),
        seed,
        None,
    )
}

/// [`correct_counted`] with the fitted methods' tolerance and iteration limit.
#[cfg(test)]
fn correct_within(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
    options: &FitOptions,
) -> Correction {
    let seed = award.settings().seed;
    correct_started(award, status, counts, method, options, seed, None)
}

/// Where the iteration of a fitted method stopped on the whole award: the fits of a bootstrap
/// replicate and of the award without one juror start from it ([`correct_from`]). Only
/// `affine` has one; every other method fits from scratch, or fits nothing.
#[derive(Clone)]
pub(crate) struct Start {
    fit: Arc<SharedAffineFit>,
    /// The designs of a whole-award fit, to recount for a replay's: kept by the fit,
    /// each observation numbered by its position; [`start`] numbers them by their scores in
    /// the award, as [`Start::designs`] reads them.
    base: Option<Arc<Designs>>,
}

impl Start {
    /// A start at `fit`, keeping `designs` (those of a whole-award fit) when given.
    fn of(fit: SharedAffineFit, designs: Option<Designs>) -> Start {
        Start {
            fit: Arc::new(fit),
            base: designs.map(Arc::new),
        }
    }

    /// The fit itself.
    pub(crate) fn fit(&self) -> &SharedAffineFit {
        &self.fit
    }

    /// The designs of a replay that counts score `i` `counts[i]` times: the whole award's,
    /// recounted (`None` when this start kept none).
    fn designs(&self, counts: &[u32]) -> Option<Designs> {
        let base = self.base.as_ref()?;
        Some(base.recounted(|i| counts[i]))
    }
}

/// The start of `method`'s fit on the valid scores of the award (`None` for a method without
/// an iteration to start).
pub(crate) fn start(award: &Award, status: &[Status], method: Method) -> Option<Start> {
    if method != Method::Affine {
        return None; // (no other method's fit iterates from a start)
    }
    let ranges = criterion_runs(award);
    let used = |i: usize| status[i] == Status::Used;
    let options = FitOptions::default();
    let mut start = corrector(method)
        .fit(&FitInput::whole(award, &ranges, &used, &options))?
        .start?;
    // Its designs, numbered by each observation's score in the award for the replays.
    let index: Vec<Vec<u32>> = (ranges.iter())
        .map(|r| r.clone().filter(|&i| used(i)).map(|i| i as u32).collect())
        .collect();
    let designs = start.base.as_mut().and_then(Arc::get_mut)?;
    designs.renumber(|k, q| index[k][q]);
    Some(start)
}

/// The observations the fitted methods fit on the whole award (its used scores, each of its
/// own weight), per criterion that has scores: (criterion index, observations), in criterion
/// order, as [`start`]'s fit has them.
pub(crate) fn observations(award: &Award, status: &[Status]) -> Vec<(usize, Vec<Observation>)> {
    let ranges = criterion_runs(award);
    let used = |i: usize| status[i] == Status::Used;
    let options = FitOptions::default();
    let input = FitInput::whole(award, &ranges, &used, &options);
    let criterion = |r: &Range<usize>| award.scores()[r.start].criterion_index();
    ranges
        .iter()
        .map(|r| (criterion(r), input.observations(r)))
        .collect()
}

/// The runs of the award's scores, one per criterion that has scores, in criterion order
/// (the award keeps its scores by criterion, then juror, then proposal).
fn criterion_runs(award: &Award) -> Vec<Range<usize>> {
    let index = award.runs();
    (0..award.rubric().criteria.len())
        .map(|c| index.criterion(c))
        .filter(|r| !r.is_empty())
        .collect()
}

/// [`correct_seeded`] with the fit started at `start` (see [`start`]) and stopped as `options`
/// say: the same correction to within their tolerance ([`FitOptions::tolerance`]), in fewer
/// sweeps when the data are close to those of the start.
pub(crate) fn correct_from(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
    seed: u64,
    start: Option<&Start>,
    options: &FitOptions,
) -> Correction {
    correct_started(award, status, counts, method, options, seed, start)
}

/// [`correct_from`] with the fitted methods' tolerance and iteration limit.
fn correct_started(
    award: &Award,
    status: &[Status],
    counts: Option<&[u32]>,
    method: Method,
    options: &FitOptions,
    seed: u64,
    start: Option<&Start>,
) -> Correction {
    let criteria = award.rubric().criteria.len();
    let scores = award.scores();
    assert_eq!(status.len(), scores.len(), "one status for each score");
    assert!(
        counts.is_none_or(|k| k.len() == scores.len()),
        "one count for each score"
    );
    let mut out = Correction {
        corrected: spare::filled(scores.len(), 0.0),
        effects: vec![JurorEffect::default(); award.jurors().len() * criteria],
        warnings: Vec::new(),
        posterior: None,
    };
    // The criteria are contiguous runs of the scores: after the fit (which shares the affine
    // scales across criteria), each is corrected on its own, in parallel, into its own part
    // of `corrected`.
    let ranges = criterion_runs(award);
    let split = split_at(scores.len());
    let used = |i: usize| status[i] == Status::Used && counts.is_none_or(|k| k[i] > 0);
    let rule = corrector(method);
    let input = FitInput {
        award,
        ranges: &ranges,
        used: &used,
        counts,
        options,
        seed,
        start,
    };
    let fitted = match rule.sample(&input) {
        Some(sampled) => {
            out.posterior = Some(Arc::new(sampled.posterior));
            out.warnings.extend(sampled.warnings);
            Some(sampled.fitted)
        }
        None => rule.fit(&input),
    };
    if let Some(f) = fitted.as_ref().filter(|f| !f.unconverged.is_empty()) {
        out.warnings.push(not_converged(award, &ranges, method, f));
    }
    if let Some(f) = fitted.as_ref() {
        out.warnings.extend(f.warnings.iter().cloned());
    }
    let slices = split_runs(&mut out.corrected, &ranges);
    let parts: Vec<Part<'_>> = ranges
        .par_iter()
        .zip(slices)
        .with_min_len(split)
        .enumerate()
        .map(|(k, (range, corrected))| {
            let c = scores[range.start].criterion_index();
            let mut part = Part {
                offset: range.start,
                corrected,
                effects: Vec::with_capacity(award.jurors().len()),
                warnings: Vec::new(),
            };
            let fitted = fitted
                .as_ref()
                .map(|f| (&f.effects[k].0[..], &f.effects[k].1[..]));
            let criterion = CriterionScores {
                c,
                scores: range.clone(),
                used,
            };
            correct_criterion(award, &criterion, counts, rule, fitted, &mut part);
            part
        })
        .collect();
    for part in parts {
        for (k, effect) in part.effects {
            out.effects[k] = effect;
        }
        out.warnings.extend(part.warnings);
    }
    // The fit's numbers are in the effects now: their vectors go back to the thread's spares.
    for (bias, scale) in fitted.into_iter().flat_map(|f| f.effects) {
        spare::keep(bias);
        spare::keep(scale);
    }
    if !method.keeps_unanimity() {
        out.warnings.push(Warning::BreaksUnanimity {
            method: method.to_string(),
        });
    }
    out
}

/// The warning that the fit of `method` stopped at its iteration limit on the `fitted`
/// criteria it names, `ranges` being the criteria's runs of scores.
fn not_converged(
    award: &Award,
    ranges: &[Range<usize>],
    method: Method,
    fitted: &Fitted,
) -> Warning {
    let criteria = &award.rubric().criteria;
    let scores = award.scores();
    Warning::NotConverged {
        method: method.to_string(),
        criteria: fitted
            .unconverged
            .iter()
            .map(|&k| {
                criteria[scores[ranges[k].start].criterion_index()]
                    .id
                    .clone()
            })
            .collect(),
        iterations: fitted.iterations,
    }
}

/// `corrected` cut into one slice per run of `ranges`, which cover it in order.
fn split_runs<'a>(corrected: &'a mut [f64], ranges: &[Range<usize>]) -> Vec<&'a mut [f64]> {
    let mut slices = Vec::with_capacity(ranges.len());
    let mut rest = corrected;
    for range in ranges {
        let (slice, after) = rest.split_at_mut(range.len());
        slices.push(slice);
        rest = after;
    }
    slices
}

/// The least number of criteria a parallel task takes: all of them (no parallel tasks) on a
/// small award, where a task would cost more than it saves (a bootstrap scores a small award
/// thousands of times, in parallel already), one on a large one.
fn split_at(scores: usize) -> usize {
    const PARALLEL_FROM_SCORES: usize = 20_000;
    if scores < PARALLEL_FROM_SCORES {
        usize::MAX
    } else {
        1
    }
}

/// What correcting one criterion gives: its scores' corrected values (`corrected[i − offset]`
/// for score `i`), the juror effects (with their index in [`Correction::effects`]) and
/// warnings.
struct Part<'a> {
    offset: usize,
    corrected: &'a mut [f64],
    effects: Vec<(usize, JurorEffect)>,
    warnings: Vec<Warning>,
}

impl Part<'_> {
    fn set(&mut self, i: u32, value: f64) {
        self.corrected[i as usize - self.offset] = value;
    }
}

/// One criterion's scores: a run of the award's scores (sorted by juror), and which of them
/// are valid.
struct CriterionScores<U> {
    c: usize,
    scores: Range<usize>,
    used: U,
}

/// Corrects the valid scores of one criterion with `rule`; `fitted` holds the fitted methods'
/// biases and scales of its jurors.
fn correct_criterion(
    award: &Award,
    of: &CriterionScores<impl Fn(usize) -> bool + Copy>,
    counts: Option<&[u32]>,
    rule: &dyn Corrector,
    fitted: Option<(&[f64], &[f64])>,
    out: &mut Part<'_>,
) {
    let (c, used) = (of.c, of.used);
    let count = |i: u32| counts.map_or(1.0, |k| k[i as usize] as f64);
    let scores = award.scores();
    let criteria = award.rubric().criteria.len();
    let criterion = &award.rubric().criteria[c];
    let raw = |i: u32| scores[i as usize].raw().unwrap_or(0.0);
    let valid = of
        .scores
        .clone()
        .filter(move |&i| used(i))
        .map(|i| i as u32);
    let pooled = (rule.uses_pooled()).then(|| weighted_mean_sd(valid.map(|i| (raw(i), count(i)))));
    rule.check_criterion(criterion, &mut out.warnings);
    // Each juror's valid scores in turn, in one reused list (a juror scores a proposal once
    // on a criterion).
    let mut mine: Vec<u32> = Vec::with_capacity(award.proposals().len());
    let index = award.runs();
    for run in (0..award.jurors().len()).map(|j| index.of(c, j)) {
        mine.clear();
        mine.extend(run.filter(|&i| used(i)).map(|i| i as u32));
        if mine.is_empty() {
            continue;
        }
        let juror = scores[mine[0] as usize].juror_index();
        let (mean, sd) = weighted_mean_sd(mine.iter().map(|&i| (raw(i), count(i))));
        let view = JurorScores {
            award,
            criterion,
            juror,
            mine: &mine,
            counts,
            mean,
            sd,
            pooled,
            fitted,
        };
        let map = rule.juror(&view, out);
        if let Some((bias, a)) = map {
            for &i in &mine {
                out.set(i, (raw(i) - bias) / a);
            }
        }
        let effect = JurorEffect {
            scores: mine.len(),
            mean,
            spread: sd,
            bias: map.map(|m| m.0),
            scale: map.map(|m| m.1),
        };
        out.effects.push((juror * criteria + c, effect));
    }
}

/// A correction method: its fit of the jurors (if it has one), its check of a criterion, and
/// its correction of one juror's scores on a criterion. Adding a method is one variant of
/// [`Method`], one module implementing this trait and one arm of [`corrector`].
trait Corrector: Sync {
    /// Each juror's fitted bias and scale on each criterion; `None` for a method that fits
    /// nothing.
    fn fit(&self, _input: &FitInput<'_>) -> Option<Fitted> {
        None
    }

    /// A sampled method's posterior, with the biases and scales it implies and its warnings;
    /// `None` (the fitted methods' [`Corrector::fit`] is used) for every other method.
    fn sample(&self, _input: &FitInput<'_>) -> Option<Sampled> {
        None
    }

    /// Whether the method corrects toward the criterion's pooled mean and spread
    /// ([`JurorScores::pooled`]), which are taken only then.
    fn uses_pooled(&self) -> bool {
        false
    }

    /// Warns, once per criterion and before any juror's warning, of what the method makes of
    /// the criterion itself.
    fn check_criterion(&self, _criterion: &Criterion, _warnings: &mut Vec<Warning>) {}

    /// Corrects one juror's valid scores on a criterion: either the affine map
    /// `(bias, scale)` that `corrected = (raw − bias) / scale` applies, or `None` when the
    /// method has set each of the juror's scores in `out` itself.
    fn juror(&self, of: &JurorScores<'_>, out: &mut Part<'_>) -> Option<(f64, f64)>;
}

/// The one dispatch from a [`Method`] to its implementation.
fn corrector(method: Method) -> &'static dyn Corrector {
    match method {
        Method::None => &none::Raw,
        Method::Zscore => &zscore::Zscore,
        Method::Ratio => &ratio::Ratio,
        Method::Minmax => &minmax::Minmax,
        Method::Rank => &rank::Rank,
        Method::Additive => &additive::Additive,
        Method::Affine => &affine::Affine,
        Method::Bayes => &bayes::Bayes,
    }
}

/// One juror's valid scores on one criterion, with what a method corrects them by.
struct JurorScores<'a> {
    award: &'a Award,
    criterion: &'a Criterion,
    juror: usize,
    /// The juror's valid scores (indexes into [`Award::scores`]), at least one.
    mine: &'a [u32],
    counts: Option<&'a [u32]>,
    /// Weighted mean and population standard deviation of the juror's raw scores.
    mean: f64,
    sd: f64,
    /// The same over every valid score of the criterion, when the method uses them
    /// ([`Corrector::uses_pooled`]; read them with [`JurorScores::pooled`]).
    pooled: Option<(f64, f64)>,
    /// The fitted methods' biases and scales of the criterion's jurors.
    fitted: Option<(&'a [f64], &'a [f64])>,
}

impl JurorScores<'_> {
    /// The raw value of score `i` (0 when missing).
    fn raw(&self, i: u32) -> f64 {
        self.award.scores()[i as usize].raw().unwrap_or(0.0)
    }

    /// How many times score `i` counts.
    fn count(&self, i: u32) -> f64 {
        self.counts.map_or(1.0, |k| k[i as usize] as f64)
    }

    /// The weighted mean and population standard deviation of every valid raw score of the
    /// criterion.
    ///
    /// # Panics
    ///
    /// When the method does not say it uses them ([`Corrector::uses_pooled`]).
    fn pooled(&self) -> (f64, f64) {
        self.pooled
            .expect("a method reading the pooled mean and spread says so (uses_pooled)")
    }

    /// Whether the juror gave the same score everywhere (or only one score).
    fn flat(&self) -> bool {
        self.sd == 0.0
    }

    /// The juror's fitted `(bias, scale)`; `(0, 1)` when nothing was fitted.
    fn fitted_map(&self) -> (f64, f64) {
        self.fitted
            .map_or((0.0, 1.0), |f| (f.0[self.juror], f.1[self.juror]))
    }

    /// Sets each of the juror's scores to `value`.
    fn set_each(&self, out: &mut Part<'_>, value: f64) {
        for &i in self.mine {
            out.set(i, value);
        }
    }

    /// Reports that the method cannot measure the juror's spread and applies `rule`.
    fn no_spread(&self, out: &mut Part<'_>, rule: &'static str) {
        out.warnings.push(Warning::NoSpread {
            juror: self.award.jurors().id(self.juror).to_string(),
            criterion: self.criterion.id.clone(),
            scores: self.mine.len(),
            rule,
        })
    }
}

/// What a fitted method fits on: the runs of scores (one per criterion), which are valid, how
/// many times each counts, and the fit's tolerance and iteration limit.
struct FitInput<'a> {
    award: &'a Award,
    ranges: &'a [Range<usize>],
    used: &'a (dyn Fn(usize) -> bool + Sync),
    counts: Option<&'a [u32]>,
    options: &'a FitOptions,
    /// The seed of a sampled method.
    seed: u64,
    /// Where a fitted method's iteration starts (`None`: from scratch).
    start: Option<&'a Start>,
}

impl<'a> FitInput<'a> {
    /// The input of a fit of the whole award: the scores of `ranges` that are `used`, each
    /// counted once, from scratch.
    fn whole(
        award: &'a Award,
        ranges: &'a [Range<usize>],
        used: &'a (dyn Fn(usize) -> bool + Sync),
        options: &'a FitOptions,
    ) -> FitInput<'a> {
        FitInput {
            award,
            ranges,
            used,
            counts: None,
            options,
            seed: award.settings().seed,
            start: None,
        }
    }

    /// The valid scores of the run `range` as the observations of a fit. Each criterion's
    /// observations are made when its fit needs them and dropped after: on a large award only
    /// one or two criteria's lists are held at once.
    fn observations(&self, range: &Range<usize>) -> Vec<Observation> {
        let scores = self.award.scores();
        let counts = self.counts;
        range
            .clone()
            .filter(|&i| (self.used)(i))
            .map(|i| Observation {
                juror: scores[i].juror_index() as u32,
                proposal: scores[i].proposal_index() as u32,
                score: scores[i].raw().unwrap_or(0.0),
                weight: self.award.weight(i) * counts.map_or(1.0, |k| k[i] as f64),
                count: counts.map_or(1.0, |k| k[i] as f64),
            })
            .collect()
    }
}

/// What a fitted method found: per criterion (in the order of the scores' criteria), each
/// juror's bias and scale; and the criteria whose fit stopped at the iteration limit.
struct Fitted {
    effects: Vec<(Vec<f64>, Vec<f64>)>,
    /// What the fit needs a coordinator to know (beyond not converging).
    warnings: Vec<Warning>,
    unconverged: Vec<usize>,
    iterations: usize,
    /// Where the fit's iteration stopped, for fits of nearly the same data to start from.
    start: Option<Start>,
}

/// What a sampled method found: its posterior, the juror effects it implies, its warnings.
struct Sampled {
    posterior: Posterior,
    fitted: Fitted,
    warnings: Vec<Warning>,
}

#[cfg(test)]
mod tests;
