//! The planning rules, checked on random awards.

use proptest::prelude::*;

use super::*;
use crate::award::AwardBuilder;
use crate::settings::Settings;
use crate::testkit::one_criterion;

/// An award of `jurors` and `proposals` with no scores; jurors and proposals get a country
/// from `countries` (cycled; `None`: no `[conflicts] same`), and the declared conflicts.
fn roster(
    jurors: usize,
    proposals: usize,
    countries: Option<usize>,
    declared: &[(usize, usize)],
) -> Award {
    let mut settings = Settings::default();
    if countries.is_some() {
        settings.conflicts_same = vec!["country".to_string()];
    }
    let mut b = AwardBuilder::new(one_criterion(1.0, 5.0), settings);
    let country = |i: usize| countries.map_or(String::new(), |c| format!("C{}", i % c));
    for j in 0..jurors {
        b.juror(&format!("J{j:03}"), "", &[("country", &country(j * 7 + 1))]);
    }
    for p in 0..proposals {
        b.proposal(&format!("P{p:03}"), "", &[("country", &country(p))]);
    }
    for &(j, p) in declared {
        b.conflict(
            &format!("J{:03}", j % jurors),
            &format!("P{:03}", p % proposals),
            "",
        );
    }
    b.build().unwrap()
}

/// Whether juror `j` may read proposal `p`, worked out from the roster independently of the
/// planner: a declared conflict or the same country.
fn conflicted(award: &Award, j: usize, p: usize) -> bool {
    let declared = award
        .conflicts()
        .iter()
        .any(|c| c.juror.index() == j && c.proposal.index() == p);
    let same = award.settings().conflicts_same.iter().any(|a| {
        matches!((award.jurors().attribute(j, a), award.proposals().attribute(p, a)),
            (Some(x), Some(y)) if x == y)
    });
    declared || same
}

fn first_rules(award: &Award, setup: &Setup, k: usize, plan: &Plan) -> Result<(), TestCaseError> {
    let (jurors, proposals) = (award.jurors().len(), award.proposals().len());
    let mut readers = vec![Vec::new(); proposals];
    let mut loads = vec![0usize; jurors];
    for r in &plan.reads {
        prop_assert!(
            !conflicted(award, r.juror.index(), r.proposal.index()),
            "{r:?}"
        );
        prop_assert_eq!(r.round, 1);
        readers[r.proposal.index()].push(r.juror.index());
        loads[r.juror.index()] += 1;
    }
    for rs in &mut readers {
        prop_assert_eq!(rs.len(), k);
        rs.sort_unstable();
        rs.dedup();
        prop_assert_eq!(rs.len(), k, "a juror reads a proposal twice");
    }
    for (j, load) in loads.iter().enumerate() {
        if let Some(Some(c)) = setup.capacity.get(j) {
            prop_assert!(load <= c, "juror {j}: {load} > {c}");
        }
    }
    prop_assert_eq!(&plan.loads, &loads);
    Ok(())
}

proptest! {
    #![proptest_config(crate::testkit::cases(64))]

    /// Without conflicts or capacities: K distinct readers each, loads within one, one
    /// component whenever K ≥ 2.
    #[test]
    fn unconstrained_plans_are_even_and_connected(
        jurors in 2usize..20, proposals in 1usize..60, k in 1usize..6, seed in any::<u64>(),
    ) {
        let k = k.min(jurors);
        let award = roster(jurors, proposals, None, &[]);
        let setup = Setup { seed, ..Setup::default() };
        let plan = first_round(&award, &setup, k).unwrap();
        first_rules(&award, &setup, k, &plan)?;
        let (lo, hi) = (plan.loads.iter().min().unwrap(), plan.loads.iter().max().unwrap());
        prop_assert!(hi - lo <= 1, "loads {:?}", plan.loads);
        if k >= 2 && proposals * k >= 2 * jurors {
            prop_assert_eq!(plan.mixing.components, 1, "{:?}", plan.mixing);
        }
    }

    /// With conflicts and capacities: no conflicted pair, K distinct readers, capacities kept;
    /// or a refusal, and then only when a rule truly cannot be kept (checked by counting).
    #[test]
    fn constrained_plans_keep_every_rule(
        jurors in 3usize..16, proposals in 1usize..40, k in 1usize..5,
        countries in prop::option::of(2usize..6),
        declared in prop::collection::vec((0usize..16, 0usize..40), 0..30),
        caps in prop::collection::vec(prop::option::of(0usize..12), 0..16),
        seed in any::<u64>(),
    ) {
        let award = roster(jurors, proposals, countries, &declared);
        let setup = Setup { capacity: caps, seed, ..Setup::default() };
        match first_round(&award, &setup, k) {
            Ok(plan) => first_rules(&award, &setup, k, &plan)?,
            Err(e) => {
                // A refusal names a proposal short of readers, or capacities short of demand,
                // or a proposal no plan can serve; the first two are checked here by counting.
                let short = (0..proposals).any(|p| {
                    (0..jurors).filter(|&j| !conflicted(&award, j, p)).count() < k
                });
                let room: usize = (0..jurors).map(|j| {
                    let reach = (0..proposals).filter(|&p| !conflicted(&award, j, p)).count();
                    reach.min(setup.capacity.get(j).copied().flatten().unwrap_or(usize::MAX))
                }).sum();
                let text = e.to_string();
                prop_assert!(short || room < proposals * k || text.contains("no plan gives"), "{text}");
            }
        }
    }

    /// The plan depends on the award and the seed only: not on the order rows were given in
    /// (the roster is sorted on ingest), nor on the number of threads.
    #[test]
    fn plans_do_not_depend_on_row_order_or_threads(
        jurors in 3usize..12, proposals in 1usize..30, k in 1usize..4, seed in any::<u64>(),
        declared in prop::collection::vec((0usize..12, 0usize..30), 0..10),
    ) {
        let k = k.min(jurors - 1);
        let award = roster(jurors, proposals, Some(3), &declared);
        let mut reversed = declared.clone();
        reversed.reverse();
        // The same lists given in the opposite order.
        let mut b = AwardBuilder::new(one_criterion(1.0, 5.0), award.settings().clone());
        for j in (0..jurors).rev() {
            let c = award.jurors().attribute(j, "country").unwrap_or("").to_string();
            b.juror(award.jurors().id(j), "", &[("country", &c)]);
        }
        for p in (0..proposals).rev() {
            let c = award.proposals().attribute(p, "country").unwrap_or("").to_string();
            b.proposal(award.proposals().id(p), "", &[("country", &c)]);
        }
        for &(j, p) in &reversed {
            b.conflict(&format!("J{:03}", j % jurors), &format!("P{:03}", p % proposals), "");
        }
        let other = b.build().unwrap();
        let setup = Setup { seed, ..Setup::default() };
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let a = one.install(|| first_round(&award, &setup, k)).map_err(|e| e.to_string());
        let b = first_round(&other, &setup, k).map_err(|e| e.to_string());
        prop_assert_eq!(a, b);
    }
}

#[test]
fn too_many_reads_name_the_proposal_and_the_numbers() {
    // 4 jurors; J000 and J001 declared conflicted with P001: it has 2 readers for 3 reads.
    let award = roster(4, 3, None, &[(0, 1), (1, 1)]);
    let e = first_round(&award, &Setup::default(), 3).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains(
            "proposal P001 has 2 jurors without a conflict (of 4), fewer than the 3 reads"
        ),
        "{text}"
    );
    assert_eq!(e.problems().len(), 1);
}

#[test]
fn capacity_below_demand_names_the_totals() {
    // 3 proposals × 2 reads = 6; capacities 1 + 1 + 2 = 4.
    let award = roster(3, 3, None, &[]);
    let setup = Setup {
        capacity: vec![Some(1), Some(1), Some(2)],
        ..Setup::default()
    };
    let text = first_round(&award, &setup, 2).unwrap_err().to_string();
    assert!(text.contains("can take 4 reads in all"), "{text}");
    assert!(text.contains("fewer than the 6 asked"), "{text}");
    assert!(text.contains("J000 (1), J001 (1), J002 (2)"), "{text}");
}

#[test]
fn affinity_is_followed_when_the_rules_allow() {
    // 4 jurors, 4 proposals, 1 read each: loads of exactly one; each proposal has one juror
    // with affinity 1 (J(p+1 mod 4)), so the best plan gives each its match: total 4.
    let award = roster(4, 4, None, &[]);
    let affinity: Vec<_> = (0..4)
        .map(|p| {
            (
                crate::ids::JurorId::from((p + 1) % 4),
                crate::ids::ProposalId::from(p),
                1.0,
            )
        })
        .collect();
    for seed in 0..20 {
        let setup = Setup {
            affinity: affinity.clone(),
            seed,
            ..Setup::default()
        };
        let plan = first_round(&award, &setup, 1).unwrap();
        let pairs: Vec<(usize, usize)> = plan
            .reads
            .iter()
            .map(|r| (r.juror.index(), r.proposal.index()))
            .collect();
        assert_eq!(pairs, [(0, 3), (1, 0), (2, 1), (3, 2)], "seed {seed}");
    }
}

/// The award of [`roster`] with a score for every read of `reads` (juror, proposal), drawn
/// from `seed` on the scale 1–5.
fn scored(base: &Award, reads: &[(usize, usize)], seed: u64) -> Award {
    let mut b = AwardBuilder::new(one_criterion(1.0, 5.0), base.settings().clone());
    for j in 0..base.jurors().len() {
        let c = base
            .jurors()
            .attribute(j, "country")
            .unwrap_or("")
            .to_string();
        b.juror(base.jurors().id(j), "", &[("country", &c)]);
    }
    for p in 0..base.proposals().len() {
        let c = base
            .proposals()
            .attribute(p, "country")
            .unwrap_or("")
            .to_string();
        b.proposal(base.proposals().id(p), "", &[("country", &c)]);
    }
    for c in base.conflicts() {
        b.conflict(
            base.jurors().id(c.juror),
            base.proposals().id(c.proposal),
            "",
        );
    }
    for (i, &(j, p)) in reads.iter().enumerate() {
        let x = 1.0 + ((seed.wrapping_add(i as u64 * 7 + p as u64 * 13)) % 5) as f64;
        b.score(base.jurors().id(j), base.proposals().id(p), "q", Some(x));
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(crate::testkit::cases(48))]

    /// A later round: every extra read goes to a juror who neither read the proposal before
    /// nor is conflicted with it, within capacities over both rounds; the plan is the same on
    /// one thread and on many.
    #[test]
    fn later_rounds_read_nothing_twice_nothing_conflicted_within_capacities(
        jurors in 4usize..14, proposals in 2usize..30, extra in 1usize..40,
        countries in prop::option::of(2usize..5),
        declared in prop::collection::vec((0usize..14, 0usize..30), 0..12),
        caps in prop::collection::vec(prop::option::of(0usize..20), 0..14),
        seed in any::<u64>(),
    ) {
        let base = roster(jurors, proposals, countries, &declared);
        let Ok(first) = first_round(&base, &Setup { seed, ..Setup::default() }, 2) else {
            return Ok(());
        };
        let pairs: Vec<(usize, usize)> =
            first.reads.iter().map(|r| (r.juror.index(), r.proposal.index())).collect();
        let award = scored(&base, &pairs, seed);
        let outcome = crate::outcome::score(&award);
        let setup = Setup { capacity: caps.clone(), seed, ..Setup::default() };
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let plan = one.install(|| next_round(&award, &outcome, &[], &setup, extra, Aim::Posterior));
        let again = next_round(&award, &outcome, &[], &setup, extra, Aim::Posterior);
        prop_assert_eq!(
            plan.as_ref().map_err(|e| e.to_string()),
            again.as_ref().map_err(|e| e.to_string())
        );
        let Ok(plan) = plan else {
            return Ok(());
        };
        prop_assert_eq!(plan.reads.len(), extra);
        let mut load = vec![0usize; jurors];
        for &(j, _) in &pairs {
            load[j] += 1;
        }
        for r in &plan.reads {
            let (j, p) = (r.juror.index(), r.proposal.index());
            prop_assert_eq!(r.round, 2);
            prop_assert!(!pairs.contains(&(j, p)), "{j} read {p} in round 1");
            prop_assert!(!conflicted(&award, j, p), "{j} conflicted with {p}");
            load[j] += 1;
        }
        let mut distinct = plan.reads.clone();
        distinct.dedup_by_key(|r| (r.juror, r.proposal));
        prop_assert_eq!(distinct.len(), extra);
        for (j, &l) in load.iter().enumerate() {
            if let Some(Some(c)) = caps.get(j) {
                // Round 1 ignored the capacities here; round 2 adds nothing past them.
                let before = pairs.iter().filter(|&&(a, _)| a == j).count();
                prop_assert!(l <= (*c).max(before), "juror {j}: {l} > {c}");
            }
        }
        prop_assert_eq!(&plan.loads, &load);
    }
}

#[test]
fn the_posterior_aims_at_the_undecided_proposals_by_hand() {
    // One criterion of weight 1, method none, one winner. J1 and J2 read every proposal:
    // P1 4 and 5 (mean 4.5), P2 4 and 3 (3.5), P3 2 and 2 (2). Residuals ±0.5, ±0.5, 0: σ² =
    // 1 / 3 (3 degrees of freedom), σ/√2 = 0.408248. Cut (4.5 + 3.5) / 2 = 4. p = Φ(z):
    // P1 Φ(1.224745) = 0.889664, P2 Φ(−1.224745) = 0.110336, P3 Φ(−4.898979) = 4.8e-7
    // (computed with Python's math.erfc). P1 and P2 tie on p(1 − p) / (2 · 3), far above
    // P3's; the first of them gets J3 (the only juror who has not read it), after which the
    // other's priority, / (2 · 3), beats its / (3 · 4).
    let mut settings = Settings {
        winners: 1,
        ..Settings::default()
    };
    settings.method = crate::settings::Method::None;
    let mut b = AwardBuilder::new(one_criterion(1.0, 5.0), settings);
    for j in ["J1", "J2", "J3"] {
        b.juror(j, "", &[]);
    }
    for (j, p, x) in [("J1", "P1", 4.0), ("J2", "P1", 5.0), ("J1", "P2", 4.0)] {
        b.score(j, p, "q", Some(x));
    }
    for (j, p, x) in [("J2", "P2", 3.0), ("J1", "P3", 2.0), ("J2", "P3", 2.0)] {
        b.score(j, p, "q", Some(x));
    }
    let award = b.build().unwrap();
    let outcome = crate::outcome::score(&award);
    let plan = next_round(&award, &outcome, &[], &Setup::default(), 2, Aim::Posterior).unwrap();
    let reads: Vec<(&str, &str)> = (plan.reads.iter())
        .map(|r| (award.jurors().id(r.juror), award.proposals().id(r.proposal)))
        .collect();
    assert_eq!(reads, [("J3", "P1"), ("J3", "P2")]);
    // P1 and P2 tie on p(1 − p) up to rounding: the picks' order between them is either.
    let mut picks = plan.picks.clone();
    picks.sort_by_key(|p| p.proposal);
    let ids: Vec<(&str, usize, usize)> = (picks.iter())
        .map(|p| (award.proposals().id(p.proposal), p.extra, p.reviews))
        .collect();
    assert_eq!(ids, [("P1", 1, 2), ("P2", 1, 2)]);
    assert!((picks[0].p_winner - 0.889_664_319).abs() < 1e-8);
    assert!((picks[1].p_winner - 0.110_335_681).abs() < 1e-8);
    assert_eq!(picks[0].total, Some(4.5));
    assert_eq!(plan.per_proposal, [3, 3, 2]);
    assert_eq!(plan.round, 2);
}
