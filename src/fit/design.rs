//! The design: scores bucketed by proposal, in a canonical order, with the per-juror,
//! per-proposal and per-component sums both fits are built from.

use rayon::prelude::*;
use std::cmp::Ordering;
use std::ops::Range;

use super::components::{label, NONE};
use super::Observation;
use crate::util::spare;

/// Scores per chunk of the parallel juror sums. A constant (never the thread count), so the
/// summation order, and hence every bit of the result, is the same on any number of threads.
/// Small under `cfg(test)` so that the tests exercise several chunks.
const CHUNK_SCORES: usize = if cfg!(test) { 64 } else { 1 << 18 };
/// Proposals per rayon task in per-proposal maps (these sums are per proposal: any split of
/// the work gives the same bits).
const MIN_PROPOSALS_PER_TASK: usize = 4096;
/// Scores (over all criteria) from which the sweeps of the shared affine fit step its
/// criteria in parallel, one task per criterion: below it a task costs more than it saves (a bootstrap
/// fits a small award thousands of times, in parallel already). Each criterion's numbers do
/// not depend on the split.
const PARALLEL_CRITERIA_FROM: usize = 20_000;

/// The scores of one proposal.
#[derive(Clone, Copy)]
pub(super) struct Seg<'a> {
    pub(super) juror: &'a [u32],
    pub(super) weight: &'a [f64],
    pub(super) score: &'a [f64],
}

/// The used observations of one criterion, bucketed by proposal, with the sums both fits
/// need.
pub(super) struct Design {
    pub(super) n_jurors: usize,
    pub(super) n_proposals: usize,
    /// Scores of proposal `p` are at `start[p]..start[p + 1]`, sorted by (juror, score, weight).
    start: Vec<usize>,
    juror: Vec<u32>,
    weight: Vec<f64>,
    score: Vec<f64>,
    /// Total weight of each proposal's scores.
    pub(super) proposal_weight: Vec<f64>,
    /// Total weight of each juror's scores.
    pub(super) juror_weight: Vec<f64>,
    /// Weighted sum of each juror's scores.
    pub(super) juror_score_sum: Vec<f64>,
    /// Number of each juror's scores.
    pub(super) juror_count: Vec<f64>,
    /// Component of each juror and proposal, `NONE` when unobserved.
    pub(super) juror_comp: Vec<u32>,
    pub(super) proposal_comp: Vec<u32>,
    pub(super) n_comps: usize,
    /// Proposal ranges of the chunks of the parallel juror sums.
    chunks: Vec<Range<usize>>,
    /// Each score's number: its position among the observations the design was made of,
    /// until [`Design::renumber`] renumbers them.
    source: Vec<u32>,
}

fn entry_cmp(a: &(u32, f64, f64), b: &(u32, f64, f64)) -> Ordering {
    a.0.cmp(&b.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.total_cmp(&b.2))
}

/// One proposal's scores: jurors, scores, weights, positions among the observations.
type Piece<'a> = (&'a mut [u32], &'a mut [f64], &'a mut [f64], &'a mut [u32]);

/// Puts one proposal's scores in canonical order: by juror, then score, then weight (each
/// score's position among the observations goes with it).
fn sort_scores(piece: Piece<'_>, buf: &mut Vec<((u32, f64, f64), u32)>) {
    let (js, ss, ws, qs) = piece;
    let entry = |k: usize| (js[k], ss[k], ws[k]);
    if (1..js.len()).all(|k| entry_cmp(&entry(k - 1), &entry(k)) != Ordering::Greater) {
        return;
    }
    buf.clear();
    buf.extend((0..js.len()).map(|k| (entry(k), qs[k])));
    buf.sort_unstable_by(|a, b| entry_cmp(&a.0, &b.0));
    for (k, ((j, s, w), q)) in buf.iter().enumerate() {
        (js[k], ss[k], ws[k], qs[k]) = (*j, *s, *w, *q);
    }
}

/// The used observations bucketed by proposal (counting sort, in input order within a
/// proposal).
struct Buckets {
    /// The start of each proposal's scores (`n_proposals + 1` entries).
    start: Vec<usize>,
    juror: Vec<u32>,
    weight: Vec<f64>,
    score: Vec<f64>,
    /// The position of each score among the observations.
    source: Vec<u32>,
    /// The number of each juror's scores, summed in input order.
    juror_count: Vec<f64>,
}

fn bucket(n_jurors: usize, n_proposals: usize, obs: &[Observation]) -> Buckets {
    // Each observation's proposal, NONE for one not used: one test of each.
    let slot: Vec<u32> = obs
        .iter()
        .map(|o| {
            if o.is_used(n_jurors, n_proposals) {
                o.proposal
            } else {
                NONE
            }
        })
        .collect();
    let mut start = vec![0usize; n_proposals + 1];
    for &p in slot.iter().filter(|&&p| p != NONE) {
        start[p as usize + 1] += 1;
    }
    for p in 0..n_proposals {
        start[p + 1] += start[p];
    }
    let n = start[n_proposals];
    let (mut juror, mut weight, mut score) = (vec![0u32; n], vec![0.0; n], vec![0.0; n]);
    let mut source = vec![0u32; n];
    let mut juror_count = vec![0.0; n_jurors];
    let mut next = start.clone();
    for (q, (o, &p)) in obs.iter().zip(&slot).enumerate() {
        if p == NONE {
            continue;
        }
        let k = &mut next[p as usize];
        (juror[*k], score[*k], weight[*k]) = (o.juror, o.score, o.weight);
        source[*k] = q as u32;
        *k += 1;
        juror_count[o.juror as usize] += o.count;
    }
    Buckets {
        start,
        juror,
        weight,
        score,
        source,
        juror_count,
    }
}

/// The proposal ranges of the chunks of the parallel juror sums: about [`CHUNK_SCORES`]
/// scores each.
fn chunk_ranges(start: &[usize], n_proposals: usize) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut first = 0;
    for p in 0..n_proposals {
        if start[p + 1] - start[first] >= CHUNK_SCORES || p + 1 == n_proposals {
            chunks.push(first..p + 1);
            first = p + 1;
        }
    }
    chunks
}

/// Sorts each proposal's scores canonically, chunks in parallel.
fn sort_buckets(start: &[usize], chunks: &[Range<usize>], all: Piece<'_>) {
    let sort = |r: Range<usize>, piece: Piece<'_>| {
        let (base, mut buf) = (start[r.start], Vec::new());
        let (js, ss, ws, qs) = piece;
        for p in r {
            let seg = start[p] - base..start[p + 1] - base;
            let piece = (
                &mut js[seg.clone()],
                &mut ss[seg.clone()],
                &mut ws[seg.clone()],
                &mut qs[seg],
            );
            sort_scores(piece, &mut buf);
        }
    };
    if let [r] = chunks {
        sort(r.clone(), all); // one chunk: no task to spawn
        return;
    }
    let mut pieces = Vec::with_capacity(chunks.len());
    let (mut js, mut ss, mut ws, mut qs) = all;
    for r in chunks {
        let len = start[r.end] - start[r.start];
        let (j, rest) = std::mem::take(&mut js).split_at_mut(len);
        js = rest;
        let (s, rest) = std::mem::take(&mut ss).split_at_mut(len);
        ss = rest;
        let (w, rest) = std::mem::take(&mut ws).split_at_mut(len);
        ws = rest;
        let (q, rest) = std::mem::take(&mut qs).split_at_mut(len);
        qs = rest;
        pieces.push((r.clone(), (j, s, w, q)));
    }
    pieces.into_par_iter().for_each(|(r, piece)| sort(r, piece));
}

impl Design {
    pub(super) fn new(n_jurors: usize, n_proposals: usize, obs: &[Observation]) -> Design {
        // Bucket by proposal (counting sort), then sort each bucket canonically.
        Design::of(n_jurors, n_proposals, bucket(n_jurors, n_proposals, obs))
    }

    /// Gives the score numbered `q` the number `number(q)` (see [`Design::recounted`]).
    pub(super) fn renumber(&mut self, number: impl Fn(usize) -> u32) {
        self.source
            .iter_mut()
            .for_each(|q| *q = number(*q as usize));
    }

    /// The design of the same observations, the one numbered `q` (its position among them,
    /// unless renumbered) counted `count(q)` times instead of once (its weight and count
    /// multiplied; one counted 0 times left out): the same as [`Design::new`] on observations
    /// so counted, bit for bit, without bucketing them again. `self` must be a design of
    /// observations each counted once.
    pub(super) fn recounted(&self, count: impl Fn(usize) -> u32) -> Design {
        let n = self.juror.len();
        let mut b = Buckets {
            start: spare::take(),
            juror: spare::take(),
            weight: spare::take(),
            score: spare::take(),
            source: spare::take(),
            juror_count: spare::filled(self.n_jurors, 0.0),
        };
        b.start.reserve_exact(self.n_proposals + 1);
        b.juror.reserve_exact(n);
        b.weight.reserve_exact(n);
        b.score.reserve_exact(n);
        b.source.reserve_exact(n);
        b.start.push(0);
        for p in 0..self.n_proposals {
            for k in self.start[p]..self.start[p + 1] {
                let q = self.source[k];
                let c = count(q as usize);
                if c == 0 {
                    continue;
                }
                let (j, c) = (self.juror[k], f64::from(c));
                b.juror.push(j);
                b.weight.push(self.weight[k] * c);
                b.score.push(self.score[k]);
                b.source.push(q);
                // Whole counts: their sum is exact in any order.
                b.juror_count[j as usize] += c;
            }
            b.start.push(b.juror.len());
        }
        Design::of(self.n_jurors, self.n_proposals, b)
    }

    /// The design of bucketed observations: each bucket sorted canonically, then the sums and
    /// components.
    fn of(n_jurors: usize, n_proposals: usize, buckets: Buckets) -> Design {
        let Buckets {
            start,
            mut juror,
            mut weight,
            mut score,
            mut source,
            juror_count: jcount,
        } = buckets;
        let chunks = chunk_ranges(&start, n_proposals);
        let all = (
            &mut juror[..],
            &mut score[..],
            &mut weight[..],
            &mut source[..],
        );
        sort_buckets(&start, &chunks, all);

        let pweight =
            spare::collect((0..n_proposals).map(|p| weight[start[p]..start[p + 1]].iter().sum()));
        let (mut jweight, mut jscore) =
            (spare::filled(n_jurors, 0.0), spare::filled(n_jurors, 0.0));
        for ((&j, &w), &y) in juror.iter().zip(&weight).zip(&score) {
            jweight[j as usize] += w;
            jscore[j as usize] += w * y;
        }

        let comps = label(
            n_jurors,
            n_proposals,
            (0..n_proposals)
                .flat_map(|p| (start[p]..start[p + 1]).map(move |k| (k, p)))
                .map(|(k, p)| (juror[k] as usize, p)),
        );
        let flat = |c: &[Option<u32>]| spare::collect(c.iter().map(|c| c.unwrap_or(NONE)));
        let (jcomp, pcomp) = (flat(&comps.juror), flat(&comps.proposal));
        let count = comps.count;
        spare::keep(comps.juror);
        spare::keep(comps.proposal);

        Design {
            n_jurors,
            n_proposals,
            start,
            juror,
            weight,
            score,
            proposal_weight: pweight,
            juror_weight: jweight,
            juror_score_sum: jscore,
            juror_count: jcount,
            juror_comp: jcomp,
            proposal_comp: pcomp,
            n_comps: count,
            chunks,
            source,
        }
    }

    /// The number of used scores.
    pub(super) fn n_scores(&self) -> usize {
        self.juror.len()
    }

    /// Whether the criteria of `designs` are worth stepping in parallel, one task each.
    pub(super) fn parallel(designs: &[Design]) -> bool {
        designs.len() > 1
            && designs.iter().map(|d| d.juror.len()).sum::<usize>() >= PARALLEL_CRITERIA_FROM
    }

    #[inline]
    pub(super) fn seg(&self, p: usize) -> Seg<'_> {
        let r = self.start[p]..self.start[p + 1];
        Seg {
            juror: &self.juror[r.clone()],
            weight: &self.weight[r.clone()],
            score: &self.score[r],
        }
    }

    /// `f(p, scores of p)` for each proposal `p` of `r`, in order: one pass along the stored
    /// scores.
    #[inline]
    fn walk(&self, r: Range<usize>, mut f: impl FnMut(usize, Seg<'_>)) {
        let n = self.juror.len();
        let (juror, weight, score) = (&self.juror[..], &self.weight[..n], &self.score[..n]);
        let starts = &self.start[r.start..r.end + 1];
        let mut lo = starts[0];
        for (p, &hi) in r.zip(&starts[1..]) {
            let seg = Seg {
                juror: &juror[lo..hi],
                weight: &weight[lo..hi],
                score: &score[lo..hi],
            };
            f(p, seg);
            lo = hi;
        }
    }

    /// Per-juror sums: `f(p, scores of p, acc)` adds proposal `p`'s contributions into `acc`
    /// (`width` numbers per juror). Chunks of proposals run in parallel into their own
    /// accumulators, which are then added in chunk order.
    pub(super) fn juror_sums<F>(&self, width: usize, f: F) -> Vec<f64>
    where
        F: Fn(usize, Seg<'_>, &mut [f64]) + Sync,
    {
        let mut out = Vec::new();
        self.juror_sums_into(width, f, &mut out);
        out
    }

    /// [`Design::juror_sums`] into `out`, whose allocation it reuses when the design is one
    /// chunk (the same numbers).
    pub(super) fn juror_sums_into<F>(&self, width: usize, f: F, out: &mut Vec<f64>)
    where
        F: Fn(usize, Seg<'_>, &mut [f64]) + Sync,
    {
        let len = self.n_jurors * width;
        let run = |r: &Range<usize>, acc: &mut [f64]| self.walk(r.clone(), |p, s| f(p, s, acc));
        if self.chunks.len() <= 1 {
            out.clear();
            out.resize(len, 0.0);
            run(&self.chunks.first().cloned().unwrap_or_default(), out);
            return;
        }
        let parts: Vec<Vec<f64>> = self
            .chunks
            .par_iter()
            .map(|r| {
                let mut acc = vec![0.0; len];
                run(r, &mut acc);
                acc
            })
            .collect();
        let mut parts = parts.into_iter();
        *out = parts.next().unwrap_or_default();
        for part in parts {
            out.iter_mut().zip(&part).for_each(|(o, x)| *o += x);
        }
    }

    /// Per-proposal map: `f(p, scores of p, out[p])`, in parallel on designs of more than
    /// [`MIN_PROPOSALS_PER_TASK`] proposals (on fewer, one task would do it all: a plain loop
    /// spares rayon's set-up, which a bootstrap of a small award pays thousands of times).
    pub(super) fn per_proposal<T, F>(&self, out: &mut [T], f: F)
    where
        T: Send,
        F: Fn(usize, Seg<'_>, &mut T) + Sync,
    {
        let run = |first: usize, out: &mut [T]| {
            let mut out = out.iter_mut();
            self.walk(first..first + out.len(), |p, s| {
                if let Some(o) = out.next() {
                    f(p, s, o);
                }
            });
        };
        if out.len() <= MIN_PROPOSALS_PER_TASK {
            run(0, out);
            return;
        }
        out.par_chunks_mut(MIN_PROPOSALS_PER_TASK)
            .enumerate()
            .for_each(|(i, o)| run(i * MIN_PROPOSALS_PER_TASK, o));
    }

    /// The observed jurors of each component, in index order.
    pub(super) fn members(&self) -> Vec<Vec<usize>> {
        let mut size = vec![0; self.n_comps];
        for &c in self.juror_comp.iter().filter(|&&c| c != NONE) {
            size[c as usize] += 1;
        }
        let mut members: Vec<Vec<usize>> = (size.into_iter())
            .map(|n| {
                let mut m = spare::take();
                m.reserve_exact(n);
                m
            })
            .collect();
        for (j, &c) in self.juror_comp.iter().enumerate() {
            if c != NONE {
                members[c as usize].push(j);
            }
        }
        members
    }

    /// Sums `x[j]` (if `jurors`) or `x[p]` over each component's members, in index order.
    pub(super) fn comp_sum(&self, jurors: bool, x: impl Fn(usize) -> f64) -> Vec<f64> {
        let mut out = Vec::new();
        self.comp_sum_into(jurors, x, &mut out);
        out
    }

    /// [`Design::comp_sum`] into `out`, reusing its allocation.
    pub(super) fn comp_sum_into(&self, jurors: bool, x: impl Fn(usize) -> f64, out: &mut Vec<f64>) {
        let comp = if jurors {
            &self.juror_comp
        } else {
            &self.proposal_comp
        };
        out.clear();
        out.resize(self.n_comps, 0.0);
        add_by_component(comp, |i, _| Some([x(i)]), out);
    }
}

impl Drop for Design {
    /// Its vectors go back to the thread's spares (a bootstrap recounts the designs for
    /// every replicate).
    fn drop(&mut self) {
        spare::keep_all([
            &mut self.weight,
            &mut self.score,
            &mut self.proposal_weight,
            &mut self.juror_weight,
            &mut self.juror_score_sum,
            &mut self.juror_count,
        ]);
        spare::keep_all([&mut self.juror, &mut self.source]);
        spare::keep_all([&mut self.juror_comp, &mut self.proposal_comp]);
        spare::keep(std::mem::take(&mut self.start));
    }
}

/// Adds `x(i, c)` to the `N` sums of component `c = comp[i]` (`sums[N c..N c + N]`), for
/// each `i` in order whose component is not [`NONE`] and whose `x` is `Some`: bit for bit
/// the additions `sums[N c + k] += x[k]` one after another. A component's sums stay in
/// registers while consecutive entries share it (on a connected design, all of them), instead
/// of each addition waiting on the store of the one before: the sums of the fits' passes over
/// proposals and jurors were bound by that wait.
pub(super) fn add_by_component<const N: usize>(
    comp: &[u32],
    mut x: impl FnMut(usize, usize) -> Option<[f64; N]>,
    sums: &mut [f64],
) {
    let mut run = NONE;
    let mut acc = [0.0; N];
    for (i, &c) in comp.iter().enumerate() {
        if c == NONE {
            continue;
        }
        let Some(xs) = x(i, c as usize) else {
            continue;
        };
        if c != run {
            if run != NONE {
                let r = N * run as usize;
                sums[r..r + N].copy_from_slice(&acc);
            }
            run = c;
            let r = N * c as usize;
            acc.copy_from_slice(&sums[r..r + N]);
        }
        for (a, x) in acc.iter_mut().zip(xs) {
            *a += x;
        }
    }
    if run != NONE {
        let r = N * run as usize;
        sums[r..r + N].copy_from_slice(&acc);
    }
}

pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::Rng;
    use super::*;

    /// Every field of two designs but the observations' positions, floats bit for bit.
    fn same(a: &Design, b: &Design) -> bool {
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        (a.start == b.start && a.juror == b.juror && a.chunks == b.chunks)
            && (bits(&a.weight), bits(&a.score)) == (bits(&b.weight), bits(&b.score))
            && bits(&a.proposal_weight) == bits(&b.proposal_weight)
            && bits(&a.juror_weight) == bits(&b.juror_weight)
            && bits(&a.juror_score_sum) == bits(&b.juror_score_sum)
            && bits(&a.juror_count) == bits(&b.juror_count)
            && (a.juror_comp == b.juror_comp && a.proposal_comp == b.proposal_comp)
            && a.n_comps == b.n_comps
    }

    /// A design recounted (each observation 0 to 3 times) is the design of the observations so
    /// counted, on observations in shuffled order with a juror reading a proposal twice, a
    /// weight of 0, and enough scores for several chunks.
    #[test]
    fn a_recounted_design_is_the_design_of_the_recounted_observations() {
        let mut rng = Rng(0x5eed);
        let (nj, np) = (12, 60);
        let mut obs: Vec<Observation> = (0..400)
            .map(|k| Observation {
                juror: rng.below(nj) as u32,
                proposal: rng.below(np) as u32,
                score: (1 + rng.below(5)) as f64,
                weight: if k % 50 == 0 {
                    0.0
                } else {
                    rng.uniform(0.5, 2.0)
                },
                count: 1.0,
            })
            .collect();
        rng.shuffle(&mut obs);
        let base = Design::new(nj, np, &obs);
        for round in 0..20 {
            let counts: Vec<u32> = (0..obs.len())
                .map(|_| if round == 0 { 1 } else { rng.below(4) as u32 })
                .collect();
            let counted: Vec<Observation> = (obs.iter().zip(&counts))
                .map(|(o, &c)| Observation {
                    weight: o.weight * f64::from(c),
                    count: f64::from(c),
                    ..*o
                })
                .collect();
            let recounted = base.recounted(|q| counts[q]);
            assert!(
                same(&recounted, &Design::new(nj, np, &counted)),
                "round {round}"
            );
        }
    }

    #[test]
    fn sums_by_component_are_the_additions_one_after_another_bit_for_bit() {
        // Runs of one component, switches back and forth, unobserved entries, skipped
        // entries, −0 and values whose sum depends on the order of the additions.
        let mut rng = Rng(7);
        for round in 0..200 {
            let n = 1 + rng.below(40);
            let nc = 1 + rng.below(4);
            let comp: Vec<u32> = (0..n)
                .map(|_| match rng.below(6) {
                    0 => NONE,
                    _ if rng.below(3) == 0 => rng.below(nc) as u32,
                    _ => 0,
                })
                .collect();
            let x: Vec<[f64; 2]> = (0..n)
                .map(|_| match rng.below(5) {
                    0 => [-0.0, 1e16],
                    _ => [rng.normal() * 1e8, rng.uniform(0.0, 1.0)],
                })
                .collect();
            let skip: Vec<bool> = (0..n).map(|_| rng.below(5) == 0).collect();
            let mut naive = vec![0.0; 2 * nc];
            for i in 0..n {
                if comp[i] != NONE && !skip[i] {
                    let c = comp[i] as usize;
                    naive[2 * c] += x[i][0];
                    naive[2 * c + 1] += x[i][1];
                }
            }
            let mut sums = vec![0.0; 2 * nc];
            add_by_component(
                &comp,
                |i, c| {
                    assert_eq!(c, comp[i] as usize);
                    (!skip[i]).then_some(x[i])
                },
                &mut sums,
            );
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sums), bits(&naive), "round {round}");
        }
    }
}
