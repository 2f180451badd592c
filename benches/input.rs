//! Reading 1,000,000 scores from one `.xlsx` workbook next to the same scores as CSV (the
//! plain dialect, streamed in parallel pieces) and as a `;`-separated CSV with decimal commas
//! (read whole, as every CSV file in another dialect is).
//!
//! `xlsx_calamine_range_only` is the floor of the workbook: calamine reading the sheet into a
//! range, no cell looked at.
//!
//! The award (200,000 reviews × 5 criteria in wide form, 40,000 proposals, 2,000 jurors) is
//! written once to `target/bench-input-1m/{csv,semicolon,xlsx}` and reused. `jury::load` is
//! timed: reading, checking and building the award, as `jury score` starts.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion};

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

/// Each review's juror, proposal and five scores (seeded xorshift: the same on every machine;
/// half points, so the decimal comma is exercised).
fn reviews() -> Vec<(usize, usize, [f64; 5])> {
    let mut state = 0x2016_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(PROPOSALS * REVIEWS);
    for p in 0..PROPOSALS {
        for r in 0..REVIEWS {
            let j = (p * 7 + r * 401) % JURORS;
            let scores = std::array::from_fn(|_| 1.0 + (next() % 9) as f64 / 2.0);
            out.push((j, p, scores));
        }
    }
    out
}

fn award_toml() -> String {
    let mut toml = String::from("[rubric]\nscale = { min = 1, max = 5, step = 0.5 }\n");
    for c in CRITERIA {
        toml.push_str(&format!("[[rubric.criterion]]\nid = \"{c}\"\nweight = 1\n"));
    }
    toml
}

/// Writes the three folders once; gives their paths.
fn awards() -> [PathBuf; 3] {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-input-1m");
    let dirs = ["csv", "semicolon", "xlsx"].map(|d| root.join(d));
    if dirs[2].join("scores.xlsx").exists() {
        return dirs;
    }
    let reviews = reviews();
    for d in &dirs {
        fs::create_dir_all(d).unwrap();
        fs::write(d.join("award.toml"), award_toml()).unwrap();
    }
    for (dir, sep) in [(&dirs[0], ","), (&dirs[1], ";")] {
        let mut w = BufWriter::new(File::create(dir.join("scores.csv")).unwrap());
        writeln!(w, "juror{sep}proposal{sep}{}", CRITERIA.join(sep)).unwrap();
        for (j, p, scores) in &reviews {
            write!(w, "J{j:04}{sep}P{p:05}").unwrap();
            for s in scores {
                let text = format!("{s}");
                let text = if sep == ";" {
                    text.replace('.', ",")
                } else {
                    text
                };
                write!(w, "{sep}{text}").unwrap();
            }
            writeln!(w).unwrap();
        }
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("scores").unwrap();
    for (c, h) in ["juror", "proposal"]
        .into_iter()
        .chain(CRITERIA)
        .enumerate()
    {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (i, (j, p, scores)) in reviews.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, format!("J{j:04}")).unwrap();
        sheet.write_string(row, 1, format!("P{p:05}")).unwrap();
        for (c, s) in scores.iter().enumerate() {
            sheet.write_number(row, c as u16 + 2, *s).unwrap();
        }
    }
    book.save(dirs[2].join("scores.xlsx")).unwrap();
    dirs
}

fn bench(c: &mut Criterion) {
    let [csv, semicolon, xlsx] = awards();
    let mut group = c.benchmark_group("load_1m_scores");
    group.sample_size(10);
    for (name, dir) in [
        ("csv", &csv),
        ("csv_semicolon_decimal_comma", &semicolon),
        ("xlsx", &xlsx),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let award = jury::load(dir).unwrap();
                assert_eq!(award.scores().len(), 1_000_000);
                black_box(award)
            })
        });
    }
    // The floor: calamine's reading of the sheet alone, cells not looked at.
    group.bench_function("xlsx_calamine_range_only", |b| {
        use calamine::Reader;
        b.iter(|| {
            let mut book = calamine::open_workbook_auto(xlsx.join("scores.xlsx")).unwrap();
            let range = book.worksheet_range("scores").unwrap();
            assert_eq!(range.height(), 200_001);
            black_box(range)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
