//! The fixture harness: a temporary award folder written from strings, and the binary.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A rubric with two criteria on a 1–5 integer scale, weights 2 and 1.
pub const RUBRIC: &str = r#"
[rubric]
name = "test rubric"
scale = { min = 1, max = 5, step = 1 }

[[rubric.criterion]]
id = "innovation"
weight = 2

[[rubric.criterion]]
id = "impact"
weight = 1
"#;

/// A temporary award folder.
pub struct Dir {
    root: tempfile::TempDir,
}

impl Dir {
    /// An award folder with `award.toml` (the inline rubric appended) and `scores.csv`.
    pub fn award(settings: &str, scores: &str) -> Dir {
        let d = Dir::empty();
        d.write("award.toml", &format!("{settings}\n{RUBRIC}"));
        d.write("scores.csv", scores);
        d
    }

    pub fn empty() -> Dir {
        Dir {
            root: tempfile::tempdir().unwrap(),
        }
    }

    pub fn write(&self, name: &str, text: &str) -> &Self {
        self.write_bytes(name, text.as_bytes())
    }

    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> &Self {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, bytes).unwrap();
        self
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.join(name)).unwrap()
    }

    /// `jury ARGS... DIR`.
    pub fn jury(&self, args: &[&str]) -> Command {
        let mut cmd = jury();
        cmd.args(args).arg(self.path());
        cmd
    }

    /// `jury score DIR --out DIR/out` expected to fail with exit 2 and write nothing; returns
    /// stderr.
    pub fn refused(&self) -> String {
        let out = self.join("out");
        let assert = jury()
            .arg("score")
            .arg(self.path())
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        assert!(!out.exists(), "a refused run must write no report");
        String::from_utf8(assert.get_output().stderr.clone()).unwrap()
    }
}

pub fn jury() -> Command {
    Command::cargo_bin("jury").unwrap()
}

/// The repository root (for the shipped fixtures and rubrics).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// What a command that must succeed printed on stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let assert = cmd.assert().success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

/// `jury score AWARD --out OUT ARGS...`, which must succeed.
pub fn score_into(award: &Path, out: &Path, args: &[&str]) {
    jury()
        .arg("score")
        .arg(award)
        .arg("--out")
        .arg(out)
        .args(args)
        .assert()
        .success();
}
