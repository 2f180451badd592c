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
    pub(crate) fn read(path: &Path, shown: PathBuf) -> Result<TomlFile, Problem> {
        // Settings and rubrics are a few KB: a file of gigabytes is not one, and is not read
        // into memory whole to find that out. Nor is one that says it is empty and never ends
        // (`/dev/zero`, a pipe): at most one byte past the limit is read.
        let too_large = || {
            Problem::new(
                ProblemKind::Unreadable,
                Location::file(&shown),
                "the file is larger than 16 MiB, far more than any settings or rubric file",
            )
        };
        if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_TOML) {
            return Err(too_large());
        }
        let unreadable = |e: std::io::Error| {
            Problem::new(
                ProblemKind::Unreadable,
                Location::file(&shown),
                format!("cannot read the file: {e}"),
            )
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_TOML + 1).read_to_end(&mut bytes))
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_TOML {
            return Err(too_large());
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Problem::new(
                ProblemKind::Encoding,
                Location::line(&shown, line as u64),
                "the file is not valid UTF-8; save it as UTF-8",
            )
        })?;
        Ok(TomlFile { shown, text })
    }

    /// The SHA-256 of the file's bytes as read, in lowercase hex.
    pub(crate) fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        crate::load::hex(&Sha256::digest(self.text.as_bytes()))
    }

    /// Parses the whole file into `T`, naming the line of a syntax error or unknown key.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        toml::from_str(&self.text).map_err(|e| {
            let location = match e.span() {
                Some(span) => Location::line(&self.shown, self.line_of(span.start)),
                None => Location::file(&self.shown),
            };
            Problem::new(
                ProblemKind::Syntax,
                location,
                e.message().trim().to_string(),
            )
        })
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // Found by a review: `rubric = "/dev/zero"` has a size of 0, passed the size check,
        // and was read until memory ran out.
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
