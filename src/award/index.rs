//! The award's scores found by proposal and by juror.
//!
//! The award keeps its scores in (criterion, juror, proposal) order, so one juror's scores of
//! one criterion are a run sorted by proposal. Passes that go proposal by proposal jump across
//! the whole list; on a million scores every step of such a pass misses the cache. The
//! indexes here are built by reading the scores in their order, never by jumping.

use crate::award::Award;

/// Where each bucket starts once items with these bucket keys are dealt in order: bucket `k`
/// of `buckets` is `starts[k]..starts[k + 1]`.
pub(crate) fn bucket_starts(keys: impl Iterator<Item = usize>, buckets: usize) -> Vec<usize> {
    let mut start = vec![0usize; buckets + 1];
    for k in keys {
        start[k + 1] += 1;
    }
    for k in 0..buckets {
        start[k + 1] += start[k];
    }
    start
}

/// Where each (criterion, juror) run of the award's scores starts: the run of criterion `c`
/// and juror `j` is `start[c * jurors + j]..start[c * jurors + j + 1]`.
#[derive(Clone)]
pub(crate) struct Runs {
    jurors: usize,
    /// 32-bit, as an award holds at most `u32::MAX` scores: a bootstrap makes this for every
    /// replicate, criteria × jurors long.
    start: Vec<u32>,
}

impl Runs {
    /// Finds the runs in one pass over the scores.
    pub(crate) fn new(award: &Award) -> Runs {
        let jurors = award.jurors().len();
        let criteria = award.rubric().criteria.len();
        let mut start = vec![0u32; criteria * jurors + 1];
        for s in award.scores() {
            start[s.criterion_index() * jurors + s.juror_index() + 1] += 1;
        }
        for k in 0..criteria * jurors {
            start[k + 1] += start[k];
        }
        Runs { jurors, start }
    }

    /// The scores of criterion `c`, sorted by juror and proposal.
    pub(crate) fn criterion(&self, c: usize) -> std::ops::Range<usize> {
        self.start[c * self.jurors] as usize..self.start[(c + 1) * self.jurors] as usize
    }

    /// The scores of juror `j` on criterion `c`, sorted by proposal.
    pub(crate) fn of(&self, c: usize, j: usize) -> std::ops::Range<usize> {
        let k = c * self.jurors + j;
        self.start[k] as usize..self.start[k + 1] as usize
    }
}

/// Juror `j`'s scores for which `used(i)` holds (indices into the award's scores), merged
/// from their runs, one per criterion, into (proposal, criterion) order, so that each review
/// is a run; into `out`, which is cleared first.
pub(crate) fn juror_scores(
    award: &Award,
    runs: &Runs,
    j: usize,
    used: impl Fn(usize) -> bool,
    out: &mut Vec<u32>,
) {
    juror_reviews(award, runs, j, used, out, |_| {});
}

/// [`juror_scores`], handing each review (the run of `out` on one proposal) to `review` as
/// soon as it is merged, in order.
pub(crate) fn juror_reviews(
    award: &Award,
    runs: &Runs,
    j: usize,
    used: impl Fn(usize) -> bool,
    out: &mut Vec<u32>,
    mut review: impl FnMut(&[u32]),
) {
    out.clear();
    let scores = award.scores();
    // The next valid score of each criterion's run, its proposal (`usize::MAX` past the
    // run's last valid score), and the run's end.
    let head = |mut i: usize, end: usize| {
        while i < end && !used(i) {
            i += 1;
        }
        let p = if i < end {
            scores[i].proposal_index()
        } else {
            usize::MAX
        };
        (i, p, end)
    };
    let mut heads: Vec<(usize, usize, usize)> = (0..award.rubric().criteria.len())
        .map(|c| {
            let run = runs.of(c, j);
            head(run.start, run.end)
        })
        .collect();
    // One review at a time: the smallest proposal, then its scores in criterion order (a
    // run holds a proposal at most once).
    loop {
        let p = heads.iter().map(|h| h.1).min().unwrap_or(usize::MAX);
        if p == usize::MAX {
            break;
        }
        let start = out.len();
        for h in heads.iter_mut().filter(|h| h.1 == p) {
            out.push(h.0 as u32);
            *h = head(h.0 + 1, h.2);
        }
        review(&out[start..]);
    }
}

/// The valid scores of each (proposal, criterion) cell, as indices into the award's scores;
/// the award's score order lists each cell's jurors in ascending order. A score counted zero
/// times (a bootstrap replicate that did not draw it) is left out.
pub(crate) struct ByProposal {
    criteria: usize,
    start: Vec<u32>,
    bucket: Vec<u32>,
}

impl ByProposal {
    /// The index of the scores for which `used(i)` holds.
    pub(crate) fn new(award: &Award, used: impl Fn(usize) -> bool) -> ByProposal {
        let criteria = award.rubric().criteria.len();
        let cells = award.proposals().len() * criteria;
        let scores = award.scores();
        let mut start = vec![0u32; cells + 1];
        for (i, s) in scores.iter().enumerate() {
            if used(i) {
                start[s.proposal_index() * criteria + s.criterion_index() + 1] += 1;
            }
        }
        for i in 0..cells {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut bucket = vec![0u32; start[cells] as usize];
        for (i, s) in scores.iter().enumerate() {
            if used(i) {
                let cell = s.proposal_index() * criteria + s.criterion_index();
                bucket[fill[cell] as usize] = i as u32;
                fill[cell] += 1;
            }
        }
        ByProposal {
            criteria,
            start,
            bucket,
        }
    }

    /// The scores of proposal `p`: its cells one after another, in criterion order.
    pub(crate) fn proposal(&self, p: usize) -> &[u32] {
        let k = p * self.criteria;
        &self.bucket[self.start[k] as usize..self.start[k + self.criteria] as usize]
    }

    /// The scores of proposal `p` on criterion `c`.
    pub(crate) fn cell(&self, p: usize, c: usize) -> &[u32] {
        let k = p * self.criteria + c;
        &self.bucket[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;
    use crate::{AwardBuilder, Settings};

    /// Two criteria, three jurors; rows given out of order, some cells blank.
    fn award() -> Award {
        let rubric = testkit::criteria(1.0, 5.0, &[("a", 1.0), ("b", 1.0)]);
        let mut b = AwardBuilder::new(rubric, Settings::default());
        for (j, p, c, x) in [
            ("y", "p3", "b", 2.0),
            ("x", "p2", "a", 1.0),
            ("y", "p1", "a", 3.0),
            ("x", "p1", "b", 4.0),
            ("z", "p2", "b", 5.0),
            ("x", "p3", "a", 2.0),
            ("y", "p1", "b", 1.0),
            ("x", "p1", "a", 5.0),
            ("x", "p3", "b", 3.0),
        ] {
            b.score(j, p, c, Some(x));
        }
        b.build().unwrap()
    }

    /// Juror `j`'s merged list.
    fn of(award: &Award, runs: &Runs, j: usize, used: impl Fn(usize) -> bool) -> Vec<u32> {
        let mut out = vec![7]; // cleared first
        juror_scores(award, runs, j, used, &mut out);
        out
    }

    /// (juror, proposal, criterion) of each listed score.
    fn keys(award: &Award, list: &[u32]) -> Vec<(usize, usize, usize)> {
        let s = award.scores();
        list.iter()
            .map(|&i| {
                let s = &s[i as usize];
                (s.juror_index(), s.proposal_index(), s.criterion_index())
            })
            .collect()
    }

    #[test]
    fn a_juror_lists_scores_by_proposal_then_criterion_skipping_the_unused() {
        let award = award();
        let runs = Runs::new(&award);
        // Jurors x, y, z and proposals p1, p2, p3 are numbered 0, 1, 2 in id order.
        let all = |j| keys(&award, &of(&award, &runs, j, |_| true));
        assert_eq!(
            all(0),
            [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 2, 0), (0, 2, 1)]
        );
        assert_eq!(all(1), [(1, 0, 0), (1, 0, 1), (1, 2, 1)]);
        assert_eq!(all(2), [(2, 1, 1)]);
        // Leave out every score of criterion a.
        let b = |i: usize| award.scores()[i].criterion_index() == 1;
        let b_only = |j| keys(&award, &of(&award, &runs, j, b));
        assert_eq!(b_only(0), [(0, 0, 1), (0, 2, 1)]);
        assert_eq!(b_only(1), [(1, 0, 1), (1, 2, 1)]);
        assert_eq!(b_only(2), [(2, 1, 1)]);
    }

    proptest::proptest! {
        #![proptest_config(crate::testkit::cases(256))]
        /// Each juror's list is their used scores sorted by (proposal, criterion), and each
        /// run is one (criterion, juror) pair's scores, whatever the design.
        #[test]
        fn a_jurors_list_is_their_scores_sorted_and_runs_are_their_pairs(
            rows in proptest::collection::btree_set((0..6usize, 0..8usize, 0..3usize), 0..80),
            unused in proptest::collection::vec(proptest::bool::weighted(0.3), 80),
        ) {
            let rubric = testkit::criteria(1.0, 5.0, &[("a", 1.0), ("b", 1.0), ("c", 1.0)]);
            let mut b = AwardBuilder::new(rubric, Settings::default());
            for &(j, p, c) in &rows {
                b.score(&format!("j{j}"), &format!("p{p}"), ["a", "b", "c"][c], Some(3.0));
            }
            let award = b.build().unwrap();
            let scores = award.scores();
            let used = |i: usize| !unused[i];
            let runs = Runs::new(&award);
            for j in 0..award.jurors().len() {
                let mut want: Vec<u32> = (0..scores.len())
                    .filter(|&i| used(i) && scores[i].juror_index() == j)
                    .map(|i| i as u32)
                    .collect();
                want.sort_by_key(|&i| (scores[i as usize].proposal_index(), scores[i as usize].criterion_index()));
                proptest::prop_assert_eq!(of(&award, &runs, j, used), want);
                for c in 0..3 {
                    let run: Vec<usize> = runs.of(c, j).collect();
                    let want: Vec<usize> = (0..scores.len())
                        .filter(|&i| scores[i].juror_index() == j && scores[i].criterion_index() == c)
                        .collect();
                    proptest::prop_assert_eq!(run, want);
                }
            }
        }
    }

    #[test]
    fn a_cell_lists_its_jurors_in_order() {
        let award = award();
        let index = ByProposal::new(&award, |_| true);
        assert_eq!(keys(&award, index.cell(0, 0)), [(0, 0, 0), (1, 0, 0)]);
        assert_eq!(keys(&award, index.cell(2, 1)), [(0, 2, 1), (1, 2, 1)]);
        assert!(index.cell(1, 0).len() == 1 && index.cell(1, 1).len() == 1);
    }
}
