//! Reading TOML files (`award.toml`, rubric files) with problems that name the line.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Location, Problem, ProblemKind};

/// The largest TOML file read, in bytes.
const MAX_TOML: u64 = 16 << 20;

/// The text of one TOML file, kept to turn byte spans into line numbers.
pub(crate) struct TomlFile {
    /// The file's name as shown in problems.
    pub(crate) shown: PathBuf,
    pub(crate) text: String,
}

impl TomlFile {
    /// Reads a TOML file; `shown` is the name used in problems.
    pub(crate) fn read(path: &Path, shown: PathBuf) -> Result<TomlFile, Box<Problem>> {
        // Settings and rubrics are a few KB: a file of gigabytes is not one, and is not read
        // into memory whole to find that out. Nor is one that says it is empty and never ends
        // (`/dev/zero`, a pipe): at most one byte past the limit is read.
        let too_large = || {
            Box::new(Problem::new(
                ProblemKind::Unreadable,
                Location::file(&shown),
                "the file is larger than 16 MiB, far more than any settings or rubric file",
            ))
        };
        if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_TOML) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_TOML + 1).read_to_end(&mut bytes))
            .map_err(|e| Box::new(unreadable(Location::file(&shown), &e)))?;
        if bytes.len() as u64 > MAX_TOML {
            return Err(too_large());
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Box::new(Problem::new(
                ProblemKind::Encoding,
                Location::line(&shown, line as u64),
                "the file is not valid UTF-8; save it as UTF-8",
            ))
        })?;
        Ok(TomlFile { shown, text })
    }

    /// The SHA-256 of the file's bytes as read, in lowercase hex.
    pub(crate) fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        crate::util::digest::hex(&Sha256::digest(self.text.as_bytes()))
    }

    /// Parses the whole file into `T`, naming the line of a syntax error or unknown key, and
    /// the key when the line sets one.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, Box<Problem>> {
        toml::from_str(&self.text).map_err(|e| {
            let location = match e.span() {
                Some(span) => {
                    let line = self.line_of(span.start);
                    match self.key_on(line) {
                        Some(key) => Location::cell(&self.shown, line, key),
                        None => Location::line(&self.shown, line),
                    }
                }
                None => Location::file(&self.shown),
            };
            Box::new(Problem::new(
                ProblemKind::Syntax,
                location,
                plain(e.message().trim()),
            ))
        })
    }

    /// The key that line `line` sets (`winners` in `winners = 2.5`), if it sets one.
    fn key_on(&self, line: u64) -> Option<String> {
        let text = self.text.lines().nth(line.checked_sub(1)? as usize)?;
        let (key, _) = text.split_once('=')?;
        let key = key.trim().trim_matches('"');
        let simple = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        simple.then(|| key.to_string())
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> u64 {
        let end = offset.min(self.text.len());
        1 + self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    }

    /// The location of a spanned key or value.
    pub(crate) fn at(&self, span: Range<usize>, key: &str) -> Location {
        Location::cell(&self.shown, self.line_of(span.start), key)
    }
}

/// An input file that cannot be read, at `at`: one message for every file of an award.
pub(crate) fn unreadable(at: Location, e: &std::io::Error) -> Problem {
    Problem::new(
        ProblemKind::Unreadable,
        at,
        format!("cannot read the file: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_type_names_the_key_and_what_was_expected_in_plain_words() {
        // Not serde's "award.toml:10: invalid type: floating point `2.5`, expected i64",
        // which names no key and speaks Rust.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Award {
            winners: i64,
            weight: Option<f64>,
            rules: Option<Vec<String>>,
        }
        let problem = |text: &str| {
            let file = TomlFile {
                shown: "award.toml".into(),
                text: text.to_string(),
            };
            file.parse::<Award>().unwrap_err().to_string()
        };
        assert_eq!(
            problem("winners = 2.5\n"),
            "award.toml:1: column 'winners': invalid type: number `2.5`, expected a whole number"
        );
        assert_eq!(
            problem("winners = 1\nweight = \"1\"\n"),
            "award.toml:2: column 'weight': invalid type: string \"1\", expected a number"
        );
        assert!(problem("winners = 1\nrules = \"lottery\"\n").starts_with(
            "award.toml:2: column 'rules': invalid type: string \"lottery\", expected a list"
        ));
        assert_eq!(
            problem("winners = 99999999999999999999\n"),
            "award.toml:1: column 'winners': the number is too large"
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Small {
        winners: u32,
    }

    fn file(text: &str) -> TomlFile {
        TomlFile {
            shown: "award.toml".into(),
            text: text.to_string(),
        }
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let p = file("winners = 5\nwinner = 3\n")
            .parse::<Small>()
            .unwrap_err();
        assert_eq!(p.location.line, Some(2));
        assert!(
            p.message.contains("unknown field `winner`"),
            "{}",
            p.message
        );
    }

    #[test]
    fn a_syntax_error_is_named_with_its_line() {
        let p = file("\n\nwinners = = 5\n").parse::<Small>().unwrap_err();
        assert_eq!(p.location.line, Some(3));
        assert_eq!(p.kind, ProblemKind::Syntax);
    }
}

#[cfg(all(test, unix))]
mod endless {
    use super::*;

    #[test]
    fn a_file_that_says_it_is_empty_and_never_ends_is_read_no_further_than_the_limit() {
        // `rubric = "/dev/zero"` has a size of 0, passes the size check, and would be read
        // until memory ran out.
        let err = TomlFile::read(Path::new("/dev/zero"), "r.toml".into())
            .err()
            .unwrap();
        assert!(
            err.message.contains("larger than 16 MiB"),
            "{}",
            err.message
        );
    }
}

/// A TOML error's message in a user's words: "expected a whole number", not "expected i64".
fn plain(message: &str) -> String {
    let words = [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list, as [\"a\", \"b\"]"),
        ("expected a boolean", "expected true or false"),
        (
            "number too large to fit in target type",
            "the number is too large",
        ),
        (
            "number too small to fit in target type",
            "the number is too small",
        ),
        ("floating point", "number"),
    ];
    let mut out = message.to_string();
    for (rust, user) in words {
        out = out.replace(rust, user);
    }
    // `expected struct RubricSpec`, `expected enum Method`: a Rust type's name.
    if let Some(at) = out.find("expected struct ") {
        out.truncate(at);
        out.push_str("expected a table of settings");
    }
    out
}
