//! `bayes` beside `affine`: scoring the shipped example and simulated awards of 2,000 and
//! 40,000 scores, on 1 and 2 threads. Run with `cargo bench --bench bayes`.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jury::simulate::{simulate, SimulationOptions};
use jury::{Award, Method};

/// A simulated award of `proposals × reviews × 5` scores.
fn simulated(proposals: usize, jurors: usize, reviews: usize) -> Award {
    let options = SimulationOptions {
        proposals,
        jurors,
        reviews,
        seed: 2016,
        ..SimulationOptions::default()
    };
    simulate(&options).expect("valid options").award
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ineli-balkans-2016");
    let awards = [
        ("example", jury::load(dir).unwrap()),
        ("2k_scores", simulated(100, 12, 4)),
        ("40k_scores", simulated(2_000, 100, 4)),
    ];
    for (name, award) in awards {
        eprintln!("{name}: {} scores", award.scores().len());
        let mut g = c.benchmark_group(format!("score_{name}"));
        g.sample_size(10);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for method in [Method::Affine, Method::Bayes] {
                let mut award = award.clone();
                award.settings_mut().method = method;
                g.bench_function(format!("{method}_{threads}_threads"), |b| {
                    b.iter(|| pool.install(|| black_box(jury::score(&award))))
                });
            }
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
