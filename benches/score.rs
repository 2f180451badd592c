//! End-to-end scoring of a generated award of 1,000,000 scores, next to a bench that only
//! parses the same CSV with the csv crate (the floor any scorer must pay).
//!
//! The award (40,000 proposals × 5 reviews × 5 criteria, 2,000 jurors, long form) is written
//! once to `target/bench-award-1m` and reused; run `jury score target/bench-award-1m` under
//! `/usr/bin/time -v` to see peak memory. The fitted methods are also timed on the same award
//! with jurors assigned at random (`target/bench-award-1m-random`), see [`Assignment`].

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jury::report::{RankingCsv, Report};
use jury::Method;

const PROPOSALS: usize = 40_000;
const JURORS: usize = 2_000;
const REVIEWS: usize = 5;
const CRITERIA: [&str; 5] = [
    "innovation",
    "unserved",
    "community",
    "feasibility",
    "sustainability",
];

/// How each proposal's five jurors are chosen.
#[derive(Clone, Copy)]
enum Assignment {
    /// Juror `(7p + 401r) mod 2000` for review `r` of proposal `p`: a rigid circulant pattern
    /// whose juror graph is nearly a ring, the worst case for the iterative solver of the
    /// fitted methods (about 365 conjugate-gradient steps per criterion).
    Rigid,
    /// Five distinct jurors drawn at random, as an assignment tool would: a well-connected
    /// juror graph.
    Random,
}

/// Writes the award once (seeded xorshift: the same file on every machine).
fn award(assignment: Assignment) -> PathBuf {
    let name = match assignment {
        Assignment::Rigid => "target/bench-award-1m",
        Assignment::Random => "target/bench-award-1m-random",
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    if dir.join("scores.csv").exists() {
        return dir;
    }
    fs::create_dir_all(&dir).unwrap();
    let mut toml = String::from(
        "[award]\nname = \"bench\"\n[rubric]\nscale = { min = 1, max = 5, step = 1 }\n",
    );
    for c in CRITERIA {
        toml.push_str(&format!("[[rubric.criterion]]\nid = \"{c}\"\nweight = 1\n"));
    }
    fs::write(dir.join("award.toml"), toml).unwrap();
    let mut w = BufWriter::new(File::create(dir.join("scores.csv")).unwrap());
    writeln!(w, "juror,proposal,criterion,score").unwrap();
    let mut state = 0x2016_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for p in 0..PROPOSALS {
        let quality = (next() % 5) as i64;
        let mut jurors: Vec<usize> = Vec::with_capacity(REVIEWS);
        for r in 0..REVIEWS {
            // Reviewers of a proposal are distinct: 401 × r differs for every r below 5.
            let j = match assignment {
                Assignment::Rigid => (p * 7 + r * 401) % JURORS,
                Assignment::Random => loop {
                    let j = (next() % JURORS as u64) as usize;
                    if !jurors.contains(&j) {
                        break j;
                    }
                },
            };
            jurors.push(j);
            for c in CRITERIA {
                let s = (quality + (next() % 3) as i64 - 1).clamp(0, 4) + 1;
                writeln!(w, "J{j:04},P{p:05},{c},{s}").unwrap();
            }
        }
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
        let score: f64 = std::str::from_utf8(&record[3]).unwrap().parse().unwrap();
        sum += score;
    }
    sum
}

fn bench(c: &mut Criterion) {
    let dir = award(Assignment::Rigid);
    let random = award(Assignment::Random);
    let scores = dir.join("scores.csv");
    let mut g = c.benchmark_group("1m_scores");
    g.sample_size(10);
    g.bench_function("parse_only", |b| b.iter(|| black_box(parse_only(&scores))));
    g.bench_function("ingest", |b| {
        b.iter(|| black_box(jury::load(&dir).unwrap()))
    });
    let awards = [
        (Method::None, &dir, ""),
        (Method::Zscore, &dir, ""),
        (Method::Additive, &dir, ""),
        (Method::Additive, &random, "_random"),
        (Method::Affine, &random, "_random"),
    ];
    for (method, dir, which) in awards {
        g.bench_function(format!("score_{method}_end_to_end{which}"), |b| {
            b.iter(|| {
                let mut award = jury::load(dir).unwrap();
                award.settings_mut().method = method;
                let outcome = jury::score(&award);
                RankingCsv.write(&award, &outcome, &mut io::sink()).unwrap();
                black_box(outcome.winners())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
