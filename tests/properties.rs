//! Invariants that hold for every award: row order does not matter, the ranking is a
//! permutation with competition ranks, and z-scores ignore a juror's shift and stretch.

use std::collections::BTreeMap;

use jury::report::{JurorsCsv, RankingCsv, Report, ScoresCsv, WarningsCsv};
use jury::{Award, AwardBuilder, Method, Rubric, Settings};
use proptest::prelude::*;

const TWO_CRITERIA: &str = "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
    [[rubric.criterion]]\nid = 'a'\nweight = 2\n[[rubric.criterion]]\nid = 'b'\nweight = 1\n";

const CONTINUOUS: &str = "[rubric]\nscale = { min = -1000, max = 1000 }\n\
    [[rubric.criterion]]\nid = 'q'\nweight = 1\n";

/// (juror, proposal) → scores on each criterion (`None`: blank).
type Reviews = BTreeMap<(u8, u8), Vec<Option<f64>>>;

/// One review: (juror, proposal) and its scores.
type Row = ((u8, u8), Vec<Option<f64>>);

fn build(rubric: &str, settings: Settings, rows: &[Row]) -> Award {
    let rubric = Rubric::from_toml_str(rubric).unwrap();
    let ids: Vec<String> = rubric.criteria.iter().map(|c| c.id.clone()).collect();
    let mut b = AwardBuilder::new(rubric, settings);
    for ((j, p), scores) in rows {
        for (c, s) in ids.iter().zip(scores) {
            b.score(&format!("J{j}"), &format!("P{p}"), c, *s);
        }
    }
    b.build().unwrap()
}

fn reports(award: &Award) -> Vec<u8> {
    let outcome = jury::score(award);
    let mut bytes = Vec::new();
    let all: [&dyn Report; 4] = [&RankingCsv, &ScoresCsv, &JurorsCsv, &WarningsCsv];
    for r in all {
        r.write(award, &outcome, &mut bytes).unwrap();
    }
    bytes
}

fn integer_reviews() -> impl Strategy<Value = Reviews> {
    let score = prop_oneof![9 => (1u8..=5).prop_map(|x| Some(x as f64)), 1 => Just(None)];
    proptest::collection::btree_map(
        (0u8..6, 0u8..10),
        proptest::collection::vec(score, 2),
        1..45,
    )
}

fn settings(method: Method) -> Settings {
    Settings {
        method,
        winners: 3,
        ..Settings::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shuffled_rows_give_identical_reports(reviews in integer_reviews(), seed in any::<u64>()) {
        let rows: Vec<_> = reviews.into_iter().collect();
        let mut shuffled = rows.clone();
        // A seeded Fisher–Yates shuffle.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for method in [Method::None, Method::Zscore] {
            let a = reports(&build(TWO_CRITERIA, settings(method), &rows));
            let b = reports(&build(TWO_CRITERIA, settings(method), &shuffled));
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn the_ranking_is_a_permutation_with_competition_ranks(reviews in integer_reviews()) {
        let rows: Vec<_> = reviews.into_iter().collect();
        let award = build(TWO_CRITERIA, settings(Method::Zscore), &rows);
        let outcome = jury::score(&award);
        let mut listing = outcome.listing();
        listing.sort();
        prop_assert_eq!(listing, award.proposals().members().collect::<Vec<_>>());
        let ranks: Vec<usize> = outcome.ranking().order.iter().map(|&p| outcome.ranking().rank[p].unwrap()).collect();
        for (i, &r) in ranks.iter().enumerate() {
            // Competition ranking: a proposal's rank is 1 + the number ranked strictly above it.
            prop_assert_eq!(r, 1 + ranks.iter().filter(|&&s| s < r).count());
            prop_assert!(i == 0 || ranks[i - 1] <= r);
        }
        prop_assert!(outcome.winners().len() <= 3);
    }

    #[test]
    fn zscore_ranking_ignores_a_jurors_shift_and_stretch(
        reviews in proptest::collection::btree_map((0u8..5, 0u8..8), -100.0f64..100.0, 10..40),
        juror in 0u8..5,
        stretch in 0.2f64..5.0,
        shift in -50.0f64..50.0,
    ) {
        let rows: Vec<_> = reviews.iter().map(|(k, x)| (*k, vec![Some(*x)])).collect();
        let moved: Vec<_> = reviews
            .iter()
            .map(|(k, x)| (*k, vec![Some(if k.0 == juror { stretch * x + shift } else { *x })]))
            .collect();
        let s = Settings { tie_break: vec![], ..settings(Method::Zscore) };
        let before = jury::score(&build(CONTINUOUS, s.clone(), &rows));
        let after = jury::score(&build(CONTINUOUS, s, &moved));
        prop_assert_eq!(&before.ranking().order, &after.ranking().order);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_near_noiseless_award_gives_its_clear_winners_p_winner_one(
        shifts in proptest::collection::vec(-20.0f64..20.0, 6),
        noise in proptest::collection::vec(-1e-6f64..1e-6, 60),
        seed in any::<u64>(),
    ) {
        // Ten proposals of quality 10, 20, …, 100, read by six jurors who each add their own
        // shift: the additive fit removes the shifts, so every replicate ranks by quality and
        // the top five win in every replicate.
        let mut rows = Vec::new();
        for j in 0..6u8 {
            for p in 0..10u8 {
                let x = 10.0 * (p as f64 + 1.0) + shifts[j as usize] + noise[(j * 10 + p) as usize];
                rows.push(((j, p), vec![Some(x)]));
            }
        }
        let settings = Settings { winners: 5, seed, ..settings(Method::Additive) };
        let award = build(CONTINUOUS, settings, &rows);
        let outcome = jury::score(&award);
        let u = jury::advanced::uncertainty::estimate(&award, award.settings(), &outcome, 50, &|_| {});
        for p in 0..10 {
            let want = if p >= 5 { 1.0 } else { 0.0 };
            prop_assert_eq!(u.p_winner(jury::ProposalId::from(p)), want, "proposal P{}", p);
        }
        prop_assert!(u.cut().unwrap().holds == 1.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn additive_shifts_every_total_equally_when_one_juror_adds_a_constant(
        reviews in proptest::collection::btree_map((0u8..5, 0u8..8), -100.0f64..100.0, 12..40),
        juror in 0u8..5,
        shift in -50.0f64..50.0,
    ) {
        // With Σ nⱼ biasⱼ = 0 in each part of the design, a shift d of juror j moves every value
        // of j's part by d·nⱼ/N: totals shift equally and the ranking stays.
        let rows: Vec<_> = reviews.iter().map(|(k, x)| (*k, vec![Some(*x)])).collect();
        let moved: Vec<_> = reviews
            .iter()
            .map(|(k, x)| (*k, vec![Some(if k.0 == juror { x + shift } else { *x })]))
            .collect();
        let s = Settings { tie_break: vec![], ..settings(Method::Additive) };
        let a = build(CONTINUOUS, s.clone(), &rows);
        let before = jury::score(&a);
        let after = jury::score(&build(CONTINUOUS, s, &moved));
        let obs: Vec<jury::advanced::fit::Observation> = a
            .scores()
            .iter()
            .map(|s| jury::advanced::fit::Observation::new(s.juror().index() as u32, s.proposal().index() as u32, 0.0))
            .collect();
        let parts = jury::advanced::fit::components(a.jurors().len(), a.proposals().len(), &obs);
        if parts.count == 1 {
            prop_assert_eq!(&before.ranking().order, &after.ranking().order);
            let deltas: Vec<f64> = before
                .proposal_values()
                .iter()
                .zip(after.proposal_values())
                .filter_map(|(b, a)| Some(a.total? - b.total?))
                .collect();
            for d in &deltas {
                prop_assert!((d - deltas[0]).abs() < 1e-6, "{:?}", deltas);
            }
        }
    }
}
