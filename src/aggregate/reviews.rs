//! Each proposal's number of reviews, as counts weigh them.

use rayon::prelude::*;

use crate::award::index::Runs;
use crate::award::Award;

/// Each proposal's reviews: the jurors with a valid score on it, a juror counted as many
/// times as the smallest count among their scores of it. Jurors are taken in ranges, in
/// parallel; the counts are whole numbers, so their sum does not depend on the ranges. Each
/// range keeps three arrays over every proposal, so the ranges are few (a handful per thread,
/// not one per 256 jurors): with one range per 256 jurors, 160,000 jurors who each read a
/// proposal of their own cleared 625 × 3 arrays of 160,000 — time quadratic in the award.
pub(super) fn reviews(
    award: &Award,
    runs: &Runs,
    counts_once: bool,
    used: impl Fn(usize) -> bool + Sync,
    count: impl Fn(usize) -> u32 + Sync,
) -> Vec<usize> {
    /// Jurors a task takes at the least.
    const JURORS: usize = 256;
    /// Tasks per thread at the most.
    const TASKS_PER_THREAD: usize = 4;
    let proposals = award.proposals().len();
    let jurors = award.jurors().len();
    let tasks = jurors
        .div_ceil(JURORS)
        .min(TASKS_PER_THREAD * rayon::current_num_threads())
        .max(1);
    let per = jurors.div_ceil(tasks);
    (0..tasks)
        .into_par_iter()
        .map(|k| {
            let range = (k * per).min(jurors)..((k + 1) * per).min(jurors);
            reviews_of(award, runs, range, counts_once, &used, &count)
        })
        .reduce_with(|mut a, b| {
            for (a, b) in a.iter_mut().zip(b) {
                *a += b;
            }
            a
        })
        .unwrap_or_else(|| vec![0; proposals])
}

/// [`reviews`] by the jurors of `range` alone; `counts_once` when every count is 1.
fn reviews_of(
    award: &Award,
    runs: &Runs,
    range: std::ops::Range<usize>,
    counts_once: bool,
    used: impl Fn(usize) -> bool,
    count: impl Fn(usize) -> u32,
) -> Vec<usize> {
    let proposals = award.proposals().len();
    let criteria = award.rubric().criteria.len();
    let scores = award.scores();
    let mut reviews = vec![0usize; proposals];
    // `seen[p]` is the juror whose scores of `p` are being counted, `least[p]` their smallest
    // count so far; after that juror is done, `seen[p]` is `DONE`.
    const DONE: usize = usize::MAX;
    let mut seen = vec![DONE; proposals];
    let mut least = vec![0u32; proposals];
    let once = counts_once;
    for j in range {
        if once {
            // Every score counted once: a review is a proposal met for the first time.
            for i in (0..criteria).flat_map(|c| runs.of(c, j)) {
                let p = scores[i].proposal_index();
                if seen[p] != j && used(i) {
                    seen[p] = j;
                    reviews[p] += 1;
                }
            }
            continue;
        }
        let mine = || {
            (0..criteria)
                .flat_map(|c| runs.of(c, j))
                .filter(|&i| used(i))
                .map(|i| (scores[i].proposal_index(), count(i)))
        };
        for (p, k) in mine() {
            if seen[p] == j {
                least[p] = least[p].min(k);
            } else {
                seen[p] = j;
                least[p] = k;
            }
        }
        for (p, _) in mine() {
            if seen[p] == j {
                reviews[p] += least[p] as usize;
                seen[p] = DONE;
            }
        }
    }
    reviews
}
