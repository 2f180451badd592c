//! How sure is the winner list: a bootstrap over reviews, and the winners without each juror.
//!
//! Each bootstrap replicate draws, for every proposal, as many of its valid reviews as it has,
//! with replacement (a review drawn twice counts twice, one not drawn is left out), then re-fits
//! the chosen correction, re-aggregates, re-checks eligibility and re-ranks. From the
//! replicates come each proposal's probability of being a winner, a 90% interval of its rank
//! and of its total, and how often the last winning place stays ahead of the first place below.
//!
//! Replicates run in parallel; replicate `r` draws from its own ChaCha8 stream (the seed, stream
//! `r`), and results are combined in replicate order, so the numbers are the same for any
//! number of threads. The stream's next number after the reviews seeds the replicate's
//! lottery, so a place that only the lottery decides shows as the coin toss it is.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use crate::award::Award;
use crate::conflicts::Status;
use crate::ids::ProposalId;
use crate::outcome::{interval, Cut, Outcome, Replay, Uncertainty};
use crate::settings::{Method, Settings};
use crate::util::spare;
use crate::winners::Winner;

pub use crate::outcome::INTERVAL_TAIL;

mod cut;
mod screen;
mod screen_affine;
mod settle;

use screen::{Scratch, Screen};

/// Which kind of run of [`estimate`] has finished, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Run {
    /// One bootstrap replicate; the first starts after the last [`Run::WithoutJuror`].
    Replicate,
    /// One scoring of the award without one juror; there is one per juror, and all of them
    /// finish before the first replicate starts.
    WithoutJuror,
}

/// Runs `replicates` bootstrap replicates and the leave-one-juror-out scorings of the award
/// under `settings`; `tick` is called once per finished run, with its kind (for progress
/// bars: one call per juror with [`Run::WithoutJuror`], then `replicates` calls with
/// [`Run::Replicate`], from any thread). The runs without each juror come first so that what
/// they allocate is freed before the replicates' results are held. With 0
/// replicates only [`Uncertainty::without`] means anything: every `p_winner` and the cut's
/// share are 0 and every interval `None` (`jury score` estimates nothing then). Every
/// replicate's ranks and totals are held until the end: `replicates` is meant to be a checked
/// `bootstrap` (at most [`crate::advanced::limits::MAX_BOOTSTRAP`], as [`Settings::validate`] requires).
///
/// Each replicate frees what it allocated before the next starts: on a large award, an
/// allocator that hands freed memory back to the system at once (glibc's defaults) faults it
/// in again every replicate. `jury score` asks glibc to keep it (docs/performance.md, "The
/// allocator keeps what a replicate frees"); this function leaves the allocator alone.
///
/// # Panics
///
/// When `outcome` was not scored from `award` (or, when the shapes happen to match, gives
/// numbers of the wrong award).
pub fn estimate(
    award: &Award,
    settings: &Settings,
    outcome: &Outcome,
    replicates: usize,
    tick: &(dyn Fn(Run) + Sync),
) -> Uncertainty {
    let replay = Replay::new(award, settings);
    if let Some(u) = outcome.uncertainty.as_ref().filter(|u| u.posterior) {
        // A sampled method's posterior already gives the probabilities: only the runs
        // without each juror are made.
        return Uncertainty {
            without: without_each_juror(award, settings, outcome, &replay, tick),
            ..u.clone()
        };
    }
    let without = without_each_juror(award, settings, outcome, &replay, tick);
    let reviews = Reviews::new(award, &outcome.status);
    let per_proposal = reviews.per_proposal();
    let n = award.proposals().len();
    let runs: Vec<Replicate> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let (counts, lottery) = reviews.draw(settings.seed, r as u64);
            // The lottery is drawn again too: a place it decided is a coin toss, and must
            // not look certain because every replicate tossed the same coin.
            let settings = Settings {
                seed: lottery,
                ..settings.clone()
            };
            let o = replay.score_drawn(award, &settings, &counts, &per_proposal);
            tick(Run::Replicate);
            let replicate = Replicate::of(&o);
            // Its corrected scores go back to the thread's spares for the next replicate.
            spare::keep(o.correction.corrected);
            replicate
        })
        .collect();
    let mut p_winner = vec![0.0; n];
    let mut rank = vec![None; n];
    let mut total = vec![None; n];
    for p in 0..n {
        let wins = runs.iter().filter(|r| r.winner[p]).count();
        p_winner[p] = if replicates == 0 {
            0.0
        } else {
            wins as f64 / replicates as f64
        };
        let mut ranks: Vec<usize> = runs.iter().filter_map(|r| r.rank(p)).collect();
        ranks.sort_unstable();
        rank[p] = interval(&ranks);
        let mut totals: Vec<f64> = runs.iter().filter_map(|r| r.total(p)).collect();
        totals.sort_by(f64::total_cmp);
        total[p] = interval(&totals);
    }
    let cut = cut_pair(outcome).map(|(w, r)| Cut {
        last_winner: ProposalId::from(w),
        runner_up: ProposalId::from(r),
        holds: cut_holds(&runs, w, r),
    });
    Uncertainty {
        replicates,
        p_winner,
        rank,
        total,
        cut,
        without,
        posterior: false,
    }
}

/// The winners of the award scored without each juror in turn (their scores counted 0
/// times), in juror order. A juror whom the screen clears ([`Screen::clears`]) keeps the
/// award's own winners; every other juror's absence is scored exactly.
fn without_each_juror(
    award: &Award,
    settings: &Settings,
    outcome: &Outcome,
    replay: &Replay,
    tick: &(dyn Fn(Run) + Sync),
) -> Vec<Vec<ProposalId>> {
    let screen = Screen::new(award, settings, outcome, replay.affine_fit());
    let winners = outcome.winners();
    (0..award.jurors().len())
        .into_par_iter()
        .map_init(Scratch::default, |scratch, j| {
            let cleared = screen.as_ref().is_some_and(|s| s.clears(j, scratch));
            let without = if cleared {
                winners.clone()
            } else {
                without_juror(award, settings, replay, j)
            };
            tick(Run::WithoutJuror);
            without
        })
        .collect()
}

/// The winners of the award scored without juror `j`: under `affine`, those of a fit to a
/// looser tolerance when they are settled there ([`settle::settled`]), otherwise (and under
/// every other method) those of the full fit.
fn without_juror(award: &Award, settings: &Settings, replay: &Replay, j: usize) -> Vec<ProposalId> {
    let counts = without_counts(award, j);
    if settings.method == Method::Affine {
        let first = replay.score_within(award, settings, &counts, &settle::LOOSE);
        if settle::settled(award, &first) {
            return first.winners();
        }
    }
    replay.score(award, settings, &counts).winners()
}

/// Each score counted once, juror `j`'s not at all.
fn without_counts(award: &Award, j: usize) -> Vec<u32> {
    (award.scores().iter())
        .map(|s| u32::from(s.juror_index() != j))
        .collect()
}

/// The share of the replicates `runs` in which last winner `w` stays ahead of runner-up `r`:
/// a tie, or neither ranked, counts half; 0 without replicates.
fn cut_holds(runs: &[Replicate], w: usize, r: usize) -> f64 {
    let replicates = runs.len();
    let holds: f64 = runs
        .iter()
        .map(|run| match (run.rank(w), run.rank(r)) {
            (Some(a), Some(b)) if a < b => 1.0,
            (Some(a), Some(b)) if a == b => 0.5,
            (Some(_), None) => 1.0,
            (None, None) => 0.5,
            _ => 0.0,
        })
        .sum();
    if replicates == 0 {
        0.0
    } else {
        holds / replicates as f64
    }
}

/// The last winner and the first proposal below the winners that the caps would have let
/// win ([`crate::winners::Selection::runner_up`]).
fn cut_pair(outcome: &Outcome) -> Option<(usize, usize)> {
    let last = outcome.winner_positions().last()?;
    Some((last, outcome.selection.runner_up?))
}

/// What one replicate keeps until the end, 13 bytes a proposal: whether it won, its rank (0
/// when it has none: ranks start at 1, and proposals are numbered by `u32`) and its total (NaN
/// when it has none: a total is a sum of finite numbers).
struct Replicate {
    winner: Vec<bool>,
    rank: Vec<u32>,
    total: Vec<f64>,
}

impl Replicate {
    fn of(o: &Outcome) -> Replicate {
        Replicate {
            winner: o
                .selection
                .winner
                .iter()
                .map(|w| *w == Some(Winner::Yes))
                .collect(),
            rank: (o.ranking.rank.iter())
                .map(|r| r.map_or(0, |r| r as u32))
                .collect(),
            total: (o.values.iter())
                .map(|v| {
                    debug_assert!(v.total.is_none_or(|t| !t.is_nan()));
                    v.total.unwrap_or(f64::NAN)
                })
                .collect(),
        }
    }

    /// Proposal `p`'s rank.
    fn rank(&self, p: usize) -> Option<usize> {
        let r = self.rank[p];
        (r != 0).then_some(r as usize)
    }

    /// Proposal `p`'s total.
    fn total(&self, p: usize) -> Option<f64> {
        let t = self.total[p];
        (!t.is_nan()).then_some(t)
    }
}

/// The valid reviews of every proposal, and which review each score belongs to.
struct Reviews {
    /// Per proposal, the range of its reviews in the flat review list.
    of_proposal: Vec<std::ops::Range<usize>>,
    /// Per score, its review in the flat list (`None` when the score does not count).
    review_of: Vec<Option<u32>>,
}

impl Reviews {
    fn new(award: &Award, status: &[Status]) -> Reviews {
        let scores = award.scores();
        let mut pairs: Vec<(usize, usize)> = scores
            .iter()
            .zip(status)
            .filter(|(_, s)| **s == Status::Used)
            .map(|(s, _)| (s.proposal_index(), s.juror_index()))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut of_proposal = vec![0..0; award.proposals().len()];
        let mut k = 0;
        while k < pairs.len() {
            let p = pairs[k].0;
            let end = k + pairs[k..].iter().take_while(|x| x.0 == p).count();
            of_proposal[p] = k..end;
            k = end;
        }
        let review_of = scores
            .iter()
            .zip(status)
            .map(|(s, st)| {
                (*st == Status::Used).then(|| {
                    let range = of_proposal[s.proposal_index()].clone();
                    let at = pairs[range.clone()].partition_point(|x| x.1 < s.juror_index());
                    (range.start + at) as u32
                })
            })
            .collect();
        Reviews {
            of_proposal,
            review_of,
        }
    }

    /// Each proposal's number of valid reviews, which every draw keeps.
    fn per_proposal(&self) -> Vec<usize> {
        self.of_proposal.iter().map(|r| r.len()).collect()
    }

    /// Replicate `r`'s multiplicity of every score (each proposal's reviews drawn with
    /// replacement, as many times as it has reviews) and the seed of its lottery, the next
    /// number of the stream (seed, r).
    fn draw(&self, seed: u64, r: u64) -> (Vec<u32>, u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(r);
        let total = self.of_proposal.iter().map(|x| x.end).max().unwrap_or(0);
        let mut drawn = vec![0u32; total];
        for range in &self.of_proposal {
            let len = range.len() as u64;
            for _ in 0..len {
                // Multiply-shift: a uniform index below len from 64 random bits.
                let k = ((rng.next_u64() as u128 * len as u128) >> 64) as usize;
                drawn[range.start + k] += 1;
            }
        }
        let counts = self
            .review_of
            .iter()
            .map(|r| r.map_or(0, |r| drawn[r as usize]))
            .collect();
        (counts, rng.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::score_counted;
    use crate::testkit;
    use crate::Method;
    use crate::Rubric;

    fn rubric() -> Rubric {
        testkit::one_criterion(0.0, 10.0)
    }

    #[test]
    fn intervals_are_the_empirical_five_and_ninety_five_percent_quantiles() {
        // m = 20: positions ⌊1⌋ = 1 and ⌈19⌉ − 1 = 18.
        let v: Vec<usize> = (1..=20).collect();
        assert_eq!(interval(&v), Some((2, 19)));
        assert_eq!(interval(&[7usize]), Some((7, 7)));
        assert_eq!(interval::<usize>(&[]), None);
    }

    #[test]
    fn a_replicate_keeps_every_rank_and_total_and_which_it_lacks() {
        // Raw means, min_reviews 2: P1 (a, b) is ranked; P2 (a alone) has a total and no
        // rank; P3 (c's blank alone) has neither. P1's rank is 1, which a 0-based store would
        // lose.
        let settings = Settings {
            method: Method::None,
            min_reviews: 2,
            ..Settings::default()
        };
        let mut b = testkit::single_builder(
            rubric(),
            settings,
            &[("a", "P1", 6.0), ("b", "P1", 8.0), ("a", "P2", 9.0)],
        );
        b.score("c", "P3", "q", None);
        let award = b.build().unwrap();
        let o = crate::score(&award);
        let (rank, total) = (&o.ranking.rank, |p: usize| o.values[p].total);
        assert_eq!((rank[0], total(0)), (Some(1), Some(7.0)));
        assert_eq!((rank[1], total(1)), (None, Some(9.0)));
        assert_eq!((rank[2], total(2)), (None, None));
        let kept = Replicate::of(&o);
        for (p, &r) in rank.iter().enumerate() {
            let back = (kept.rank(p), kept.total(p));
            assert_eq!(back, (r, total(p)), "P{}", p + 1);
        }
    }

    #[test]
    fn each_proposal_keeps_its_number_of_reviews_in_every_replicate() {
        let award = testkit::single(
            rubric(),
            Settings::default(),
            &[
                ("a", "P1", 1.0),
                ("b", "P1", 2.0),
                ("c", "P1", 3.0),
                ("a", "P2", 4.0),
            ],
        );
        let status = crate::conflicts::statuses(&award);
        let reviews = Reviews::new(&award, &status);
        for r in 0..50 {
            let (counts, _) = reviews.draw(7, r);
            // Scores are sorted by juror: a/P1, a/P2, b/P1, c/P1.
            assert_eq!(counts[0] + counts[2] + counts[3], 3, "P1 has 3 reviews");
            assert_eq!(counts[1], 1, "P2 has one review, always drawn");
        }
        assert_ne!(reviews.draw(7, 0), reviews.draw(8, 0), "the seed matters");
        assert_ne!(
            reviews.draw(7, 0).1,
            reviews.draw(7, 1).1,
            "each replicate its lottery"
        );
    }

    #[test]
    fn a_draw_keeps_every_proposals_reviews_so_a_replicate_need_not_count_them() {
        // Two criteria. c leaves one of P2's scores blank (the review still counts), a has a
        // conflict on P3 (not a review), b scores P1 with a confidence of 2. By hand: P1 has 3
        // reviews (a, b, c), P2 3 (a, b, c), P3 2 (b, c).
        let rubric = testkit::criteria(0.0, 10.0, &[("q", 1.0), ("r", 2.0)]);
        let rows: [(&str, &str, &[f64]); 7] = [
            ("a", "P1", &[1.0, 2.0]),
            ("c", "P1", &[5.0, 6.0]),
            ("a", "P2", &[2.0, 2.0]),
            ("b", "P2", &[7.0, 1.0]),
            ("b", "P3", &[4.0, 4.0]),
            ("c", "P3", &[6.0, 8.0]),
            ("a", "P3", &[9.0, 9.0]),
        ];
        let mut b = testkit::builder(rubric, Settings::default(), &rows);
        b.score_with_confidence("b", "P1", "q", Some(3.0), 2.0)
            .score_with_confidence("b", "P1", "r", Some(4.0), 2.0)
            .score("c", "P2", "q", Some(3.0))
            .score("c", "P2", "r", None)
            .conflict("a", "P3", "");
        let award = b.build().unwrap();
        let status = crate::conflicts::statuses(&award);
        let reviews = Reviews::new(&award, &status);
        let given = reviews.per_proposal();
        assert_eq!(given, vec![3, 3, 2]);
        for method in [
            Method::None,
            Method::Additive,
            Method::Affine,
            Method::Zscore,
        ] {
            let settings = Settings {
                method,
                ..Settings::default()
            };
            let replay = Replay::new(&award, &settings);
            for r in 0..40 {
                let (counts, _) = reviews.draw(3, r);
                // Counted again, as any counts are, and given: the same outcome.
                let counted = replay.score(&award, &settings, &counts);
                let drawn = replay.score_drawn(&award, &settings, &counts, &given);
                let seen: Vec<usize> = counted.values.iter().map(|v| v.reviews).collect();
                assert_eq!(seen, given, "{method:?}, replicate {r}");
                assert_eq!(drawn.values, counted.values, "{method:?}, replicate {r}");
                assert_eq!(drawn.ranking.rank, counted.ranking.rank);
                assert_eq!(drawn.winners(), counted.winners());
            }
        }
    }

    #[test]
    fn counts_of_two_everywhere_change_nothing_and_zero_removes_a_juror() {
        // Counting every score twice is the same jury, for every method without a prior of
        // a fixed number of scores (affine's pull toward scale 1 weighs less against twice
        // the scores); counting one juror's scores zero times is the jury without that juror.
        let rows = [
            ("a", "P1", 6.0),
            ("a", "P2", 4.0),
            ("a", "P3", 5.5),
            ("b", "P1", 7.0),
            ("b", "P2", 5.0),
            ("b", "P4", 2.0),
            ("c", "P2", 3.0),
            ("c", "P3", 8.0),
            ("c", "P4", 6.0),
        ];
        let build = |skip: Option<&str>| {
            let kept: Vec<_> = rows
                .into_iter()
                .filter(|&(j, _, _)| Some(j) != skip)
                .collect();
            testkit::single(rubric(), Settings::default(), &kept)
        };
        let award = build(None);
        let without_b = build(Some("b"));
        for method in Method::ALL {
            let s = Settings {
                method,
                ..Settings::default()
            };
            let totals = |o: &Outcome| o.values.iter().map(|v| v.total).collect::<Vec<_>>();
            let once = totals(&score_counted(&award, &s, None));
            let twice = totals(&score_counted(&award, &s, Some(&vec![2; rows.len()])));
            // affine's shrinkage and bayes's priors weigh against the number of scores.
            let by_count = [Method::Affine, Method::Bayes].contains(&method);
            for (x, y) in once.iter().zip(&twice).filter(|_| !by_count) {
                assert!(
                    (x.unwrap() - y.unwrap()).abs() < 1e-9,
                    "{method}: {once:?} vs {twice:?}"
                );
            }
            let zero: Vec<u32> = award
                .scores()
                .iter()
                .map(|s| u32::from(award.jurors().id(s.juror_index()) != "b"))
                .collect();
            let a = totals(&score_counted(&award, &s, Some(&zero)));
            let b = totals(&score_counted(&without_b, &s, None));
            for (x, y) in a.iter().zip(&b) {
                assert!(
                    (x.unwrap() - y.unwrap()).abs() < 1e-9,
                    "{method}: {a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn p_winner_sums_to_the_number_of_winners_and_is_the_same_on_any_thread_count() {
        let mut rows = Vec::new();
        let mut state = 11u64;
        for j in 0..6 {
            for p in 0..8 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (state >> 33) % 3 != 0 {
                    let x = ((state >> 40) % 100) as f64 / 10.0;
                    rows.push((format!("J{j}"), format!("P{p}"), x));
                }
            }
        }
        let rows: Vec<_> = rows.iter().map(|(j, p, x)| (&j[..], &p[..], *x)).collect();
        let settings = Settings {
            winners: 2,
            ..Settings::default()
        };
        let award = testkit::single(rubric(), settings, &rows);
        let outcome = crate::score(&award);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| estimate(&award, award.settings(), &outcome, 200, &|_| {}))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        // Every juror ticks once as a juror, then every replicate once as a replicate.
        let ticks = std::sync::Mutex::new(Vec::new());
        estimate(&award, award.settings(), &outcome, 30, &|r| {
            ticks.lock().unwrap().push(r);
        });
        let ticks = ticks.into_inner().unwrap();
        let replicates = ticks.iter().filter(|&&r| r == Run::Replicate).count();
        assert_eq!(replicates, 30);
        assert_eq!(ticks.len(), 30 + award.jurors().len());
        let jurors = award.jurors().len();
        assert!(
            ticks[..jurors].iter().all(|&r| r == Run::WithoutJuror),
            "{ticks:?}"
        );
        let sum: f64 = one.p_winner.iter().sum();
        // Every replicate names exactly 2 winners when no tie straddles the cut.
        assert!((sum - 2.0).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn a_place_only_the_lottery_decides_is_a_coin_toss_not_a_certainty() {
        // Four proposals, every score 3, two winners: the lottery alone names them, so by
        // symmetry each wins with probability 2/4 in a replicate that draws its own lottery
        // (with one lottery for all, two would win every replicate: p = 1, 1, 0, 0).
        let names: Vec<_> = (0..3)
            .flat_map(|j| (0..4).map(move |p| (format!("J{j}"), format!("P{p}"))))
            .collect();
        let rows: Vec<_> = names.iter().map(|(j, p)| (&j[..], &p[..], 3.0)).collect();
        let settings = Settings {
            winners: 2,
            method: Method::None,
            ..Settings::default()
        };
        let award = testkit::single(rubric(), settings, &rows);
        let outcome = crate::score(&award);
        let u = estimate(&award, award.settings(), &outcome, 400, &|_| {});
        for (p, &share) in u.p_winner.iter().enumerate() {
            // 400 draws of a fair coin: 0.5 ± 0.1 is five standard deviations.
            assert!((share - 0.5).abs() < 0.1, "P{p}: {share}");
        }
        let holds = u.cut.unwrap().holds;
        assert!((holds - 0.5).abs() < 0.1, "{holds}");
    }
}

#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod settle_tests;
