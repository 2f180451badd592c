//! Fuzzing the loader and the scorer on stable Rust: award folders made from the shipped
//! example by random mutations (bytes flipped, tokens inserted, spans deleted, lines
//! duplicated or swapped, files truncated or emptied), each loaded, and when it loads scored
//! and written as a bundle. No input may panic or hang; a refused input names its problems.
//!
//! The same mutations also run on the example's scores as a `;`-separated CSV with decimal
//! commas, and on the parts of a workbook made by LibreOffice (`scores.xlsx`: its sheet, its
//! strings, the workbook, the styles, the content types), zipped again.
//!
//! `cargo test` runs a short campaign; `JURY_FUZZ_CASES=1000000 cargo test --release --test
//! integration fuzz` runs a long one (proptest shrinks a failing case to its fewest
//! mutations, and prints the folder's files).

use std::fs;
use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;

const FILES: [&str; 5] = [
    "award.toml",
    "scores.csv",
    "proposals.csv",
    "jurors.csv",
    "conflicts.csv",
];

/// Tokens that matter to a CSV or TOML reader.
const TOKENS: [&str; 24] = [
    ",", ";", "\t", "\"", "\n", "\r\n", "\r", " ", "=", "+", "-", "@", "#", "[", "]", "{", "}",
    "0", "5", "1e309", "NaN", "\u{feff}", "\u{200b}", "é",
];

/// The shipped example as one folder's files, its rubric inline in award.toml (the folder is
/// written elsewhere, where the relative path would not lead).
fn seed() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("fixtures/ineli-balkans-2016");
    let rubric = fs::read_to_string(root.join("rubrics/ineli-balkans.toml")).unwrap();
    let award = fs::read_to_string(example.join("award.toml")).unwrap();
    let award: String = award
        .lines()
        .filter(|l| !l.starts_with("rubric ="))
        .map(|l| format!("{l}\n"))
        .collect();
    FILES
        .iter()
        .map(|&name| match name {
            "award.toml" => format!("{award}\n{rubric}").into_bytes(),
            _ => fs::read(example.join(name)).unwrap(),
        })
        .collect()
}

/// The example's scores as European Excel saves them: `;` between cells, decimal commas.
fn semicolons(scores: &[u8]) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(scores);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        let fields = record.iter().map(|f| {
            let number = !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if number {
                f.replace('.', ",")
            } else {
                f.to_string()
            }
        });
        writer.write_record(fields).unwrap();
    }
    writer.into_inner().unwrap()
}

/// The workbook's parts that the mutations touch, in the order of `FILES` (five of them).
const PARTS: [&str; 5] = [
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "[Content_Types].xml",
];

/// Every part of `tests/data/workbooks/scores.xlsx`: the five of [`PARTS`] first, then the
/// others, each with its name.
fn workbook_parts() -> Vec<(String, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workbooks/scores.xlsx");
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.name().to_string(), bytes)
        })
        .collect();
    parts.sort_by_key(|(n, _)| PARTS.iter().position(|p| p == n).unwrap_or(PARTS.len()));
    parts
}

/// The parts zipped into a workbook.
fn zipped(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        out.start_file(name.as_str(), stored).unwrap();
        std::io::Write::write_all(&mut out, bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// One mutation of one file, positions as fractions of its length.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { file: usize, at: f64, byte: u8 },
    Insert { file: usize, at: f64, token: usize },
    Delete { file: usize, at: f64, len: usize },
    DuplicateLine { file: usize, at: f64 },
    SwapLines { file: usize, a: f64, b: f64 },
    Truncate { file: usize, at: f64 },
    Empty { file: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let file = 0..FILES.len();
    let at = 0.0..1.0f64;
    prop_oneof![
        (file.clone(), at.clone(), any::<u8>()).prop_map(|(file, at, byte)| Mutation::Flip {
            file,
            at,
            byte
        }),
        (file.clone(), at.clone(), 0..TOKENS.len())
            .prop_map(|(file, at, token)| Mutation::Insert { file, at, token }),
        (file.clone(), at.clone(), 1..40usize).prop_map(|(file, at, len)| Mutation::Delete {
            file,
            at,
            len
        }),
        (file.clone(), at.clone()).prop_map(|(file, at)| Mutation::DuplicateLine { file, at }),
        (file.clone(), at.clone(), at.clone()).prop_map(|(file, a, b)| Mutation::SwapLines {
            file,
            a,
            b
        }),
        (file.clone(), at).prop_map(|(file, at)| Mutation::Truncate { file, at }),
        file.prop_map(|file| Mutation::Empty { file }),
    ]
}

/// A position in `bytes` at fraction `at` of its length.
fn position(bytes: &[u8], at: f64) -> usize {
    ((bytes.len() as f64 * at) as usize).min(bytes.len())
}

/// The start of each line of `bytes`, and its end.
fn lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

fn apply(files: &mut [Vec<u8>], m: &Mutation) {
    match *m {
        Mutation::Flip { file, at, byte } => {
            let f = &mut files[file];
            let i = position(f, at);
            if i < f.len() {
                f[i] = byte;
            }
        }
        Mutation::Insert { file, at, token } => {
            let f = &mut files[file];
            let i = position(f, at);
            f.splice(i..i, TOKENS[token].bytes());
        }
        Mutation::Delete { file, at, len } => {
            let f = &mut files[file];
            let i = position(f, at);
            let end = (i + len).min(f.len());
            f.drain(i..end);
        }
        Mutation::DuplicateLine { file, at } => {
            let f = &mut files[file];
            let ls = lines(f);
            if let Some(&(s, e)) = ls.get(((ls.len() as f64) * at) as usize) {
                let line = f[s..e].to_vec();
                f.splice(e..e, line);
            }
        }
        Mutation::SwapLines { file, a, b } => {
            let f = &mut files[file];
            let ls = lines(f);
            let pick = |x: f64| ((ls.len() as f64) * x) as usize;
            if let (Some(&x), Some(&y)) = (ls.get(pick(a)), ls.get(pick(b))) {
                let (x, y) = if x.0 <= y.0 { (x, y) } else { (y, x) };
                if x.1 <= y.0 {
                    let mut out = f[..x.0].to_vec();
                    out.extend_from_slice(&f[y.0..y.1]);
                    out.extend_from_slice(&f[x.1..y.0]);
                    out.extend_from_slice(&f[x.0..x.1]);
                    out.extend_from_slice(&f[y.1..]);
                    *f = out;
                }
            }
        }
        Mutation::Truncate { file, at } => {
            let f = &mut files[file];
            let i = position(f, at);
            f.truncate(i);
        }
        Mutation::Empty { file } => files[file].clear(),
    }
}

/// Loads, scores and writes the folder of `files`; the error's text when it is refused.
fn run(files: &[Vec<u8>]) -> Result<(), String> {
    let named: Vec<(&str, &[u8])> = FILES
        .iter()
        .copied()
        .zip(files.iter().map(|f| &f[..]))
        .collect();
    run_folder(&named)
}

/// Loads, scores and writes a folder of the named files.
fn run_folder(files: &[(&str, &[u8])]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let award_dir = dir.path().join("folder");
    fs::create_dir(&award_dir).unwrap();
    for (name, bytes) in files {
        fs::write(award_dir.join(name), bytes).unwrap();
    }
    let award = jury::load(&award_dir).map_err(|e| e.to_string())?;
    let outcome = jury::score(&award);
    let out = dir.path().join("bundle");
    jury::write_bundle(&award, &outcome, &out).map_err(|e| e.to_string())?;
    for name in ["ranking.csv", "scores.csv", "manifest.json"] {
        assert!(
            out.join(name).is_file(),
            "{name} missing from a written bundle"
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("JURY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

#[test]
fn the_unmutated_seed_loads_and_scores() {
    assert_eq!(run(&seed()), Ok(()));
    let mut files = seed();
    files[1] = semicolons(&files[1]);
    assert_eq!(run(&files), Ok(()));
    assert_eq!(run_workbook(&workbook_parts()), Ok(()));
}

/// A folder of the workbook of `parts` as `scores.xlsx`, with the rubric of its scores.
fn run_workbook(parts: &[(String, Vec<u8>)]) -> Result<(), String> {
    let award = "[rubric]\nscale = { min = 1, max = 5, step = 0.5 }\n\
        [[rubric.criterion]]\nid = \"innovation\"\nweight = 2\n\
        [[rubric.criterion]]\nid = \"impact\"\nweight = 1\n";
    let book = zipped(parts);
    run_folder(&[("award.toml", award.as_bytes()), ("scores.xlsx", &book)])
}

/// Runs `run` on a thread: `Err` when it neither answers nor panics within 60 s, else its
/// answer (`Ok(Err(message))` for a refusal).
fn answer<T: Send + 'static>(
    input: T,
    run: fn(&T) -> Result<(), String>,
) -> Result<Result<(), String>, ()> {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(run(&input)));
    result.recv_timeout(Duration::from_secs(60)).map_err(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_mutated_folder_panics_hangs_or_is_refused_without_a_word(
        mutations in prop::collection::vec(mutation(), 1..5),
        semicolon in any::<bool>(),
    ) {
        let mut files = seed();
        if semicolon {
            files[1] = semicolons(&files[1]);
        }
        for m in &mutations {
            apply(&mut files, m);
        }
        let result = answer(files, |f: &Vec<Vec<u8>>| run(f));
        prop_assert!(result.is_ok(), "no answer: a panic, or a hang of 60 s");
        if let Ok(Err(message)) = result {
            // A refusal says what and where: the file it is about.
            prop_assert!(FILES.iter().any(|f| message.contains(f)), "{message}");
        }
    }

    #[test]
    fn no_mutated_workbook_panics_hangs_or_is_refused_without_a_word(
        mutations in prop::collection::vec(mutation(), 1..5)
    ) {
        let mut parts = workbook_parts();
        let mut bytes: Vec<Vec<u8>> = parts[..PARTS.len()].iter().map(|p| p.1.clone()).collect();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        for (part, b) in parts.iter_mut().zip(bytes) {
            part.1 = b;
        }
        let result = answer(parts, |p: &Vec<(String, Vec<u8>)>| run_workbook(p));
        prop_assert!(result.is_ok(), "no answer: a panic, or a hang of 60 s");
        if let Ok(Err(message)) = result {
            prop_assert!(message.contains("scores.xlsx"), "{message}");
        }
    }
}
