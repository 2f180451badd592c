//! Putting the scores in the award's order, (criterion, juror, proposal), each score's line
//! and confidence carried along.
//!
//! Each (criterion, juror) pair is a bucket. The scores are dealt in two passes, each of
//! which reads them once in order and writes each where it belongs: first into blocks of
//! (criterion, a range of jurors), a few dozen places to write at once, then, block by block
//! and in parallel, into the buckets of the block. Dealing straight into ten thousand buckets
//! writes to as many places at once, and on a million scores nearly every write misses the
//! cache. Both passes keep the order given within a bucket, so the result is that of one
//! stable sort, on any number of threads. Each bucket is then sorted by proposal, which a
//! file listed in proposal order already is. With more buckets than half the scores (many
//! jurors who read little) the scores are sorted by comparison instead.

use rayon::prelude::*;

use super::Score;
use crate::award::index::bucket_starts;

/// Jurors are cut into this many ranges for the first pass: enough blocks to share among
/// threads, few enough to write to at once.
const BLOCKS: usize = 8;

/// Scores per chunk of the first pass, each dealt by one task.
const CHUNK: usize = 1 << 16;

/// Sorts `scores` (with their `lines` and `weights`) into the award's order; returns the
/// weights in that order.
pub(super) fn sort_scores(
    scores: &mut [Score],
    lines: &mut [u32],
    weights: Option<Vec<f64>>,
    jurors: usize,
    criteria: usize,
) -> Option<Vec<f64>> {
    let buckets = criteria.saturating_mul(jurors);
    if buckets == 0 || buckets > scores.len() / 2 {
        return sort_by_comparison(scores, lines, weights);
    }
    let width = jurors.div_ceil(BLOCKS);
    let block = move |s: &Score| s.criterion_index() * BLOCKS + s.juror_index() / width;
    let blocks = criteria * BLOCKS;
    let mut weights = weights;
    let from = Parts {
        scores: &mut *scores,
        lines: &mut *lines,
        weights: weights.as_deref_mut(),
    };
    let (mut dealt, at) = deal_blocks(from, blocks, block);
    let to = Parts {
        scores,
        lines,
        weights: weights.as_deref_mut(),
    };
    deal_jurors(&mut dealt, to, &at, jurors, width);
    weights
}

/// First pass, in parallel: the input cut into chunks, each chunk's scores of a block written
/// to their own stretch of the block, after the chunks before it: the places one pass in
/// order would give. Gives the copy, and where each of the `blocks` starts in it.
fn deal_blocks(
    from: Parts<'_>,
    blocks: usize,
    block: impl Fn(&Score) -> usize + Sync + Send + Copy,
) -> (Columns, Vec<usize>) {
    let n = from.scores.len();
    let chunk_starts: Vec<usize> = (0..n.div_ceil(CHUNK))
        .map(|c| c * CHUNK)
        .chain([n])
        .collect();
    let counts: Vec<Vec<usize>> = from
        .scores
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut count = vec![0usize; blocks];
            for s in chunk {
                count[block(s)] += 1;
            }
            count
        })
        .collect();
    let mut dealt = Columns {
        scores: Vec::with_capacity(n),
        lines: vec![0; n],
        weights: from.weights.as_ref().map(|w| vec![0.0; w.len()]),
    };
    // Filled in parallel: the first touch of each page costs more than the write.
    dealt
        .scores
        .par_extend(rayon::iter::repeat_n(from.scores[0], n));
    let mut at = vec![0usize; blocks + 1];
    for b in 0..blocks {
        at[b + 1] = at[b] + counts.iter().map(|count| count[b]).sum::<usize>();
    }
    {
        // Stretch (block b, chunk c) of the copy, in the copy's order.
        let sizes: Vec<usize> = (0..blocks)
            .flat_map(|b| counts.iter().map(move |count| count[b]))
            .collect();
        let offsets: Vec<usize> = std::iter::once(0)
            .chain(sizes.iter().scan(0, |sum, &k| {
                *sum += k;
                Some(*sum)
            }))
            .collect();
        let mut stretches: Vec<Option<Parts<'_>>> = dealt
            .parts()
            .split(&offsets)
            .into_iter()
            .map(Some)
            .collect();
        let chunks = counts.len();
        let targets: Vec<Vec<Parts<'_>>> = (0..chunks)
            .map(|c| {
                (0..blocks)
                    .map(|b| stretches[b * chunks + c].take().expect("each stretch once"))
                    .collect()
            })
            .collect();
        from.split(&chunk_starts)
            .into_par_iter()
            .zip(targets)
            .for_each(|(from, mut to)| deal(&from, &mut to, block));
    }
    (dealt, at)
}

/// Second pass: each block (starting at `at`) from the copy back into the input's place
/// `to`, by juror, in parallel; each bucket then sorted by proposal.
fn deal_jurors(dealt: &mut Columns, to: Parts<'_>, at: &[usize], jurors: usize, width: usize) {
    let pairs: Vec<(Parts<'_>, Parts<'_>)> = dealt
        .parts()
        .split(at)
        .into_iter()
        .zip(to.split(at))
        .collect();
    pairs
        .into_par_iter()
        .enumerate()
        .for_each(|(k, (from, to))| {
            let first = (k % BLOCKS) * width;
            let last = (first + width).min(jurors).max(first);
            let juror = |s: &Score| s.juror_index() - first;
            let starts = bucket_starts(from.scores.iter().map(juror), last - first);
            let mut runs = to.split(&starts);
            deal(&from, &mut runs, juror);
            for run in &mut runs {
                by_proposal(run);
            }
        });
}

/// The scores, lines and weights being sorted.
struct Columns {
    scores: Vec<Score>,
    lines: Vec<u32>,
    weights: Option<Vec<f64>>,
}

impl Columns {
    fn parts(&mut self) -> Parts<'_> {
        Parts {
            scores: &mut self.scores,
            lines: &mut self.lines,
            weights: self.weights.as_deref_mut(),
        }
    }
}

/// A stretch of the scores being sorted, with their lines and weights.
struct Parts<'a> {
    scores: &'a mut [Score],
    lines: &'a mut [u32],
    weights: Option<&'a mut [f64]>,
}

impl<'a> Parts<'a> {
    /// Cut at `starts` (as [`bucket_starts`] gives them): one stretch per bucket.
    fn split(self, starts: &[usize]) -> Vec<Parts<'a>> {
        let mut out = Vec::with_capacity(starts.len());
        let (mut scores, mut lines, mut weights) = (self.scores, self.lines, self.weights);
        for w in starts.windows(2) {
            let n = w[1] - w[0];
            let (s, rest) = scores.split_at_mut(n);
            scores = rest;
            let (l, rest) = lines.split_at_mut(n);
            lines = rest;
            let (wt, rest) = match weights {
                Some(weights) => {
                    let (a, b) = weights.split_at_mut(n);
                    (Some(a), Some(b))
                }
                None => (None, None),
            };
            weights = rest;
            out.push(Parts {
                scores: s,
                lines: l,
                weights: wt,
            });
        }
        out
    }
}

/// Writes every score of `from` to the next place of its bucket `to[bucket(score)]`, in
/// order.
fn deal(from: &Parts<'_>, to: &mut [Parts<'_>], bucket: impl Fn(&Score) -> usize) {
    let mut fill = vec![0usize; to.len()];
    for (i, s) in from.scores.iter().enumerate() {
        let k = bucket(s);
        let at = fill[k];
        fill[k] += 1;
        let to = &mut to[k];
        to.scores[at] = *s;
        to.lines[at] = from.lines[i];
        if let (Some(to), Some(from)) = (to.weights.as_deref_mut(), from.weights.as_deref()) {
            to[at] = from[i];
        }
    }
}

/// Sorts one bucket by proposal, then line (copies of one score in the order given), unless
/// it already is.
fn by_proposal(run: &mut Parts<'_>) {
    if run
        .scores
        .windows(2)
        .all(|w| w[0].proposal <= w[1].proposal)
    {
        return;
    }
    let mut order: Vec<usize> = (0..run.scores.len()).collect();
    order.sort_unstable_by_key(|&i| (run.scores[i].proposal, run.lines[i]));
    permute(run.scores, &order);
    permute(run.lines, &order);
    if let Some(weights) = run.weights.as_deref_mut() {
        permute(weights, &order);
    }
}

/// Puts `items[order[k]]` at `k`.
fn permute<T: Copy>(items: &mut [T], order: &[usize]) {
    let copy: Vec<T> = order.iter().map(|&i| items[i]).collect();
    items.copy_from_slice(&copy);
}

/// [`sort_scores`] by comparing keys, for designs with more (criterion, juror) pairs than
/// half the scores.
fn sort_by_comparison(
    scores: &mut [Score],
    lines: &mut [u32],
    weights: Option<Vec<f64>>,
) -> Option<Vec<f64>> {
    let mut order: Vec<(u64, u32, u32)> = scores
        .iter()
        .zip(lines.iter())
        .enumerate()
        .map(|(i, (s, &line))| (s.key(), line, i as u32))
        .collect();
    order.par_sort_unstable();
    let sorted: Vec<Score> = order.iter().map(|&(_, _, i)| scores[i as usize]).collect();
    scores.copy_from_slice(&sorted);
    drop(sorted);
    for (to, &(_, line, _)) in lines.iter_mut().zip(&order) {
        *to = line;
    }
    weights.map(|w| order.iter().map(|&(_, _, i)| w[i as usize]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::{RngCore, SeedableRng};

    /// `n` scores in a random order, their lines 1, 2, … as read, a few given twice, and
    /// weights when `weighted`.
    fn drawn(n: usize, jurors: usize, criteria: usize, seed: u64) -> (Vec<Score>, Vec<u32>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut pick = |k: usize| (rng.next_u64() % k as u64) as usize;
        let scores = (0..n)
            .map(|_| {
                // Few proposals, so that copies of one score are common.
                let (c, j, p) = (pick(criteria), pick(jurors), pick(n / 4 + 1));
                Score::new(c, j as u32, p as u32, Some(pick(5) as f64))
            })
            .collect();
        (scores, (1..=n as u32).collect())
    }

    /// Every score and its line and weight, in the order of one stable sort by (criterion,
    /// juror, proposal, line): the order the award promises, worked out the simplest way.
    fn expected(scores: &[Score], lines: &[u32], weights: &[f64]) -> Vec<(u64, u32, u64, u64)> {
        let mut all: Vec<(u64, u32, u64, u64)> = (0..scores.len())
            .map(|i| {
                let s = &scores[i];
                (s.key(), lines[i], s.raw.to_bits(), weights[i].to_bits())
            })
            .collect();
        all.sort_by_key(|&(key, line, _, _)| (key, line));
        all
    }

    #[test]
    fn dealing_in_blocks_gives_the_order_of_one_sort_by_criterion_juror_proposal_and_line() {
        // Several chunks of the first pass, jurors that do not divide into the blocks, fewer
        // jurors than blocks, one criterion; with and without weights.
        for (n, jurors, criteria) in [(200_000, 301, 3), (150_000, 5, 2), (70_000, 1000, 1)] {
            for weighted in [false, true] {
                let (mut scores, mut lines) = drawn(n, jurors, criteria, n as u64 + jurors as u64);
                let weights: Vec<f64> = if weighted {
                    (0..n).map(|i| 1.0 + (i % 7) as f64).collect()
                } else {
                    vec![1.0; n]
                };
                let want = expected(&scores, &lines, &weights);
                assert!(
                    criteria * jurors <= n / 2,
                    "the dealing way, not the comparison"
                );
                let given = weighted.then(|| weights.clone());
                let got_weights = sort_scores(&mut scores, &mut lines, given, jurors, criteria)
                    .unwrap_or_else(|| vec![1.0; n]);
                let got = (0..n)
                    .map(|i| {
                        let s = &scores[i];
                        (s.key(), lines[i], s.raw.to_bits(), got_weights[i].to_bits())
                    })
                    .collect::<Vec<_>>();
                assert!(got == want, "n {n}, jurors {jurors}, criteria {criteria}");
            }
        }
    }

    #[test]
    fn sorting_by_comparison_gives_the_same_order() {
        let (n, jurors, criteria) = (1_000, 900, 2);
        let (mut scores, mut lines) = drawn(n, jurors, criteria, 7);
        let weights: Vec<f64> = (0..n).map(|i| 0.5 + (i % 3) as f64).collect();
        let want = expected(&scores, &lines, &weights);
        let got_weights =
            sort_scores(&mut scores, &mut lines, Some(weights), jurors, criteria).unwrap();
        let got: Vec<_> = (0..n)
            .map(|i| {
                let s = &scores[i];
                (s.key(), lines[i], s.raw.to_bits(), got_weights[i].to_bits())
            })
            .collect();
        assert!(got == want);
    }
}
