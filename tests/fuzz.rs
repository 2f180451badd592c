//! Fuzzing the loader and the scorer on stable Rust: award folders made from the shipped
//! example by random mutations (bytes flipped, tokens inserted, spans deleted, lines
//! duplicated or swapped, files truncated or emptied), each loaded, and when it loads scored
//! and written as a bundle. No input may panic or hang; a refused input names its problems.
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
    let dir = tempfile::tempdir().unwrap();
    let award_dir = dir.path().join("folder");
    fs::create_dir(&award_dir).unwrap();
    for (name, bytes) in FILES.iter().zip(files) {
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
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_mutated_folder_panics_hangs_or_is_refused_without_a_word(
        mutations in prop::collection::vec(mutation(), 1..5)
    ) {
        let mut files = seed();
        for m in &mutations {
            apply(&mut files, m);
        }
        let (done, result) = std::sync::mpsc::channel();
        let folder = files.clone();
        std::thread::spawn(move || done.send(run(&folder)));
        let result = result.recv_timeout(Duration::from_secs(60));
        prop_assert!(result.is_ok(), "no answer: a panic, or a hang of 60 s");
        if let Ok(Err(message)) = result {
            // A refusal says what and where: the file it is about.
            prop_assert!(FILES.iter().any(|f| message.contains(f)), "{message}");
        }
    }
}
