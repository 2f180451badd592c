//! End-to-end scoring of a generated award of 1,000,000 scores, next to a bench that only
//! parses the same CSV with the csv crate (the floor any scorer must pay).
//!
//! The award (40,000 proposals × 5 reviews × 5 criteria, 2,000 jurors, long form) is written
//! once to `target/bench-award-1m` and reused; run `jury score target/bench-award-1m` under
//! `/usr/bin/time -v` to see peak memory. The fitted methods are also timed on the same award
//! with jurors assigned at random (`target/bench-award-1m-random`), see [`Assignment`], and
//! the default method (`affine`) on it twice: ranking only, as `jury score --format csv`
//! does, and writing the whole bundle, as `jury score --out` does (into
//! `target/bench-bundle-1m-random`).

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

/// A lower bound for scoring: what any scorer of this award must do at the least, and
/// nothing else. It reads the file and takes its SHA-256 (for the manifest), splits it into
/// pieces at line breaks, and on two threads cuts each piece's lines into cells. It interns
/// the juror and proposal ids and parses each score. Then it averages each (proposal,
/// criterion) cell, ranks by total, and writes the ranking as CSV.
///
/// It checks nothing: no encoding or row length, scale, step, duplicate or unknown id, and
/// keeps no line numbers. It also skips the juror order that diagnostics need, the ties and
/// their notes, and the statuses. Set against `parse_only`, it shows how much of the 2×
/// budget those take up (docs/performance.md).
fn floor_no_checks(path: &Path) -> usize {
    use rayon::prelude::*;
    use rustc_hash::FxHashMap;
    use sha2::{Digest, Sha256};

    /// One piece's ids (in order of first appearance) and rows (juror, proposal, criterion,
    /// score), the ids as indices into its list.
    type Piece<'a> = (Vec<&'a [u8]>, Vec<(u32, u32, u8, f64)>);
    fn intern<'a>(
        map: &mut FxHashMap<&'a [u8], u32>,
        ids: &mut Vec<&'a [u8]>,
        id: &'a [u8],
    ) -> u32 {
        *map.entry(id).or_insert_with(|| {
            ids.push(id);
            ids.len() as u32 - 1
        })
    }
    fn piece(text: &[u8]) -> Piece<'_> {
        let mut map = FxHashMap::default();
        let (mut ids, mut rows) = (Vec::new(), Vec::new());
        for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let mut cells = line.split(|&b| b == b',');
            let mut cell = || cells.next().unwrap();
            let (juror, proposal, criterion, score) = (cell(), cell(), cell(), cell());
            let c = CRITERIA
                .iter()
                .position(|c| c.as_bytes() == criterion)
                .unwrap();
            let score: f64 = std::str::from_utf8(score).unwrap().parse().unwrap();
            let j = intern(&mut map, &mut ids, juror);
            let p = intern(&mut map, &mut ids, proposal);
            rows.push((j, p, c as u8, score));
        }
        (ids, rows)
    }

    let bytes = fs::read(path).unwrap();
    let body = &bytes[memchr::memchr(b'\n', &bytes).unwrap() + 1..];
    let mut cuts = vec![0];
    while let Some(&at) = cuts.last().filter(|&&at| at < body.len()) {
        let next = (at + (256 << 10)).min(body.len());
        cuts.push(memchr::memchr(b'\n', &body[next..]).map_or(body.len(), |i| next + i + 1));
    }
    let (digest, pieces): (_, Vec<Piece<'_>>) = rayon::join(
        || Sha256::digest(&bytes),
        || {
            cuts.par_windows(2)
                .map(|w| piece(&body[w[0]..w[1]]))
                .collect()
        },
    );
    // Global proposal numbers, in order of first appearance, and each cell's sum and count.
    let mut numbers: FxHashMap<&[u8], usize> = FxHashMap::default();
    let mut names: Vec<&[u8]> = Vec::new();
    let mut cells: Vec<[(f64, u32); CRITERIA.len()]> = Vec::new();
    for (ids, rows) in &pieces {
        let mut global = vec![usize::MAX; ids.len()];
        for &(_, p, c, score) in rows {
            let g = &mut global[p as usize];
            if *g == usize::MAX {
                *g = *numbers.entry(ids[p as usize]).or_insert_with(|| {
                    names.push(ids[p as usize]);
                    cells.push(Default::default());
                    names.len() - 1
                });
            }
            let cell = &mut cells[*g][c as usize];
            cell.0 += score;
            cell.1 += 1;
        }
    }
    let values: Vec<[f64; CRITERIA.len()]> = cells
        .par_iter()
        .map(|cell| cell.map(|(sum, n)| sum / n as f64))
        .collect();
    let mut ranked: Vec<(f64, usize)> = (values.iter().enumerate())
        .map(|(p, v)| (v.iter().sum(), p))
        .collect();
    ranked.par_sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut w = csv::Writer::from_writer(io::sink());
    for (rank, &(total, p)) in ranked.iter().enumerate() {
        w.write_field(itoa::Buffer::new().format(rank + 1)).unwrap();
        w.write_field(names[p]).unwrap();
        w.write_field(jury::report::number(total)).unwrap();
        for v in values[p] {
            w.write_field(jury::report::number(v)).unwrap();
        }
        w.write_record(None::<&[u8]>).unwrap();
    }
    w.flush().unwrap();
    digest.len() + ranked.len()
}

fn bench(c: &mut Criterion) {
    let dir = award(Assignment::Rigid);
    let random = award(Assignment::Random);
    let scores = dir.join("scores.csv");
    let mut g = c.benchmark_group("1m_scores");
    g.sample_size(10);
    g.bench_function("parse_only", |b| b.iter(|| black_box(parse_only(&scores))));
    g.bench_function("floor_no_checks", |b| {
        b.iter(|| black_box(floor_no_checks(&scores)))
    });
    g.bench_function("ingest", |b| {
        b.iter(|| black_box(jury::load(&dir).unwrap()))
    });
    let awards = [
        (Method::None, &dir, ""),
        (Method::Zscore, &dir, ""),
        (Method::Additive, &dir, ""),
        (Method::Additive, &random, "_random"),
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
    // The default method (`affine`, the award's own setting) as the command runs it: ranking
    // only (what `score_affine_end_to_end_random` timed before), and the whole bundle.
    g.bench_function("score_affine_ranking_random", |b| {
        b.iter(|| {
            let award = jury::load(&random).unwrap();
            let outcome = jury::score(&award);
            RankingCsv.write(&award, &outcome, &mut io::sink()).unwrap();
            black_box(outcome.winners())
        })
    });
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-bundle-1m-random");
    g.bench_function("score_affine_out_random", |b| {
        b.iter(|| {
            let award = jury::load(&random).unwrap();
            let outcome = jury::score(&award);
            black_box(jury::write_bundle(&award, &outcome, &out).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
