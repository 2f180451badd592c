//! 2,000 bootstrap replicates with the additive refit on the shipped example, on one thread
//! and on every core: the speed-up of the parallel bootstrap.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jury::Method;

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ineli-balkans-2016");
    let mut award = jury::load(dir).unwrap();
    award.settings_mut().method = Method::Additive;
    let outcome = jury::score(&award);
    let mut g = c.benchmark_group("bootstrap_2000_additive_example");
    g.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(jury::advanced::uncertainty::estimate(
                        &award,
                        award.settings(),
                        &outcome,
                        2000,
                        &|_| {},
                    ))
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
