//! The bootstrap and the winners without each juror.
//!
//! * `bootstrap_2000_example`: 2,000 replicates on the shipped example under the default
//!   method (`affine`) and `additive`, on one thread and on every core.
//! * `conference_300k`: a simulated conference (15,000 proposals × 4 reads × 5 criteria, 3,000
//!   jurors, 300,000 scores): plain scoring under `affine` (the default), and under
//!   `additive` the runs without each juror alone (`estimate` with 0 replicates: the screen,
//!   then the exact scorings it leaves) and with 10 replicates on 2 threads. Under `affine`
//!   the screen leaves about 1,100 jurors to score again, too long for criterion: timed whole
//!   (`jury score --bootstrap 1`) in docs/performance.md.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jury::advanced::uncertainty::estimate;
use jury::simulate::{simulate, SimulationOptions};
use jury::{Award, Method};

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn example(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ineli-balkans-2016");
    let mut g = c.benchmark_group("bootstrap_2000_example");
    g.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for method in [Method::Affine, Method::Additive] {
        let mut award = jury::load(&dir).unwrap();
        award.settings_mut().method = method;
        let outcome = jury::score(&award);
        for threads in [1, cores] {
            let pool = pool(threads);
            g.bench_function(format!("{method}_{threads}_threads"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        black_box(estimate(&award, award.settings(), &outcome, 2000, &|_| {}))
                    })
                })
            });
        }
    }
    g.finish();
}

/// The simulated conference: 15,000 proposals read 4 times each by 3,000 jurors in 10 panels.
fn conference() -> Award {
    let options = SimulationOptions {
        proposals: 15_000,
        jurors: 3_000,
        reviews: 4,
        criteria: 5,
        panels: 10,
        seed: 2026,
        ..SimulationOptions::default()
    };
    simulate(&options).unwrap().award
}

fn conference_300k(c: &mut Criterion) {
    let mut award = conference();
    let mut g = c.benchmark_group("conference_300k");
    g.sample_size(10);
    let pool = pool(2);
    g.bench_function("score_affine", |b| {
        b.iter(|| pool.install(|| black_box(jury::score(&award).winners())))
    });
    award.settings_mut().method = Method::Additive;
    let outcome = jury::score(&award);
    g.bench_function("score_additive", |b| {
        b.iter(|| pool.install(|| black_box(jury::score(&award).winners())))
    });
    for replicates in [0, 10] {
        g.bench_function(format!("estimate_additive_{replicates}_replicates"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(estimate(
                        &award,
                        award.settings(),
                        &outcome,
                        replicates,
                        &|_| {},
                    ))
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, example, conference_300k);
criterion_main!(benches);
