//! Planning at conference scale: the first round for 15,000 proposals and 3,000 jurors at 4
//! reads (conflicts by country: 40 countries), without and with a 1,000,000-row affinity
//! file; then a second round of 15,000 extra reads on the award scored after the first.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jury::assign::{first_round, next_round, Aim, Setup};
use jury::{Award, AwardBuilder, JurorId, ProposalId, Rubric, Settings};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const PROPOSALS: usize = 15_000;
const JURORS: usize = 3_000;
const READS: usize = 4;
const AFFINITIES: usize = 1_000_000;
const COUNTRIES: usize = 40;

fn rubric() -> Rubric {
    Rubric::from_toml_str(
        "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
         [[rubric.criterion]]\nid = 'novelty'\nweight = 2\n\
         [[rubric.criterion]]\nid = 'impact'\nweight = 1\n",
    )
    .unwrap()
}

/// The award's rosters, every juror and proposal from one of 40 countries, with the scores of
/// `reads` (each juror's score a seeded draw around the proposal's hidden quality).
fn award(reads: &[(usize, usize)]) -> Award {
    let settings = Settings {
        conflicts_same: vec!["country".to_string()],
        ..Settings::default()
    };
    let mut b = AwardBuilder::new(rubric(), settings);
    let country = |i: usize| format!("C{}", i % COUNTRIES);
    for p in 0..PROPOSALS {
        b.proposal(&format!("P{p:05}"), "", &[("country", &country(p * 7))]);
    }
    for j in 0..JURORS {
        b.juror(&format!("J{j:04}"), "", &[("country", &country(j))]);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for &(j, p) in reads {
        for c in ["novelty", "impact"] {
            let quality = (p * 2_654_435_761 % 5) as f64;
            let noise = (rng.next_u32() % 3) as f64 - 1.0;
            let x = (1.0 + quality + noise).clamp(1.0, 5.0);
            b.score(&format!("J{j:04}"), &format!("P{p:05}"), c, Some(x));
        }
    }
    b.build().unwrap()
}

fn affinities() -> Vec<(JurorId, ProposalId, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(AFFINITIES);
    while out.len() < AFFINITIES {
        let j = rng.next_u32() as usize % JURORS;
        let p = rng.next_u32() as usize % PROPOSALS;
        if seen.insert((j, p)) {
            let a = (rng.next_u32() % 1000) as f64 / 1000.0;
            out.push((JurorId::from(j), ProposalId::from(p), a));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let roster = award(&[]);
    let mut g = c.benchmark_group("assign_15000_proposals_3000_jurors");
    g.sample_size(10);
    let plain = Setup::default();
    g.bench_function("round_1_4_reads", |b| {
        b.iter(|| black_box(first_round(&roster, &plain, READS).unwrap()))
    });
    let with = Setup {
        affinity: affinities(),
        ..Setup::default()
    };
    g.bench_function("round_1_4_reads_1m_affinities", |b| {
        b.iter(|| black_box(first_round(&roster, &with, READS).unwrap()))
    });
    let plan = first_round(&roster, &plain, READS).unwrap();
    let pairs: Vec<(usize, usize)> = (plan.reads.iter())
        .map(|r| (r.juror.index(), r.proposal.index()))
        .collect();
    let scored = award(&pairs);
    g.bench_function("round_2_15000_extra_with_scoring", |b| {
        b.iter(|| {
            let outcome = jury::score(&scored);
            let extra = next_round(
                &scored,
                &outcome,
                &plan.reads,
                &plain,
                PROPOSALS,
                Aim::Posterior,
            );
            black_box(extra.unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
