//! Split designs: N jurors who each scored one proposal of their own (`J<i>,P<i>,<1..5>`), so
//! the juror–proposal graph falls into N parts, scored with `--method none` through the
//! library, beside a parse-only floor of the same file. Time should grow linearly with N:
//! compare the ratios between sizes (each size is 4× the one before), and the ratio of
//! `score_none` to `parse_only` at each size. Before the split-design warning was linear,
//! 40,000 parts took 1.67 s.
//!
//! Each award is written once to `target/bench-split-N` and reused.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use jury::report::{Report, WarningsCsv};
use jury::Method;

const SIZES: [usize; 3] = [10_000, 40_000, 160_000];

/// Writes the award of `n` parts once.
fn award(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-split-{n}"));
    if dir.join("scores.csv").exists() {
        return dir;
    }
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("award.toml"),
        "[award]\nname = \"split\"\n[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
         [[rubric.criterion]]\nid = \"a\"\nweight = 1\n",
    )
    .unwrap();
    let mut w = BufWriter::new(File::create(dir.join("scores.csv")).unwrap());
    writeln!(w, "juror,proposal,a").unwrap();
    for i in 0..n {
        writeln!(w, "J{i},P{i},{}", i % 5 + 1).unwrap();
    }
    w.flush().unwrap();
    dir
}

/// The floor: read every record with the csv crate and parse its score.
fn parse_only(path: &Path) -> f64 {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut record = csv::ByteRecord::new();
    let mut sum = 0.0;
    while reader.read_byte_record(&mut record).unwrap() {
        let score: f64 = std::str::from_utf8(&record[2]).unwrap().parse().unwrap();
        sum += score;
    }
    sum
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("split");
    g.sample_size(10);
    for n in SIZES {
        let dir = award(n);
        let scores = dir.join("scores.csv");
        g.bench_with_input(BenchmarkId::new("parse_only", n), &scores, |b, scores| {
            b.iter(|| black_box(parse_only(scores)))
        });
        // Load, score (the connectivity check and the split-design warning included), and the
        // warning's sentence as the command line prints it.
        g.bench_with_input(BenchmarkId::new("score_none", n), &dir, |b, dir| {
            b.iter(|| {
                let mut award = jury::load(dir).unwrap();
                award.settings_mut().method = Method::None;
                let outcome = jury::score(&award);
                let text: usize = outcome.warnings().iter().map(|w| w.to_string().len()).sum();
                black_box((outcome.winners(), text))
            })
        });
        // warnings.csv, with a row for every part.
        let mut award = jury::load(&dir).unwrap();
        award.settings_mut().method = Method::None;
        let outcome = jury::score(&award);
        g.bench_with_input(BenchmarkId::new("warnings_csv", n), &n, |b, _| {
            b.iter(|| {
                WarningsCsv
                    .write(&award, &outcome, &mut io::sink())
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
