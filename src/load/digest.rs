//! The SHA-256 of each input file, taken from the very bytes that are read and checked: the
//! manifest's digest is of what was scored, even if the file changes on disk meanwhile, and
//! no file is read twice.
//!
//! Bytes reach the digest in file order but not always once: `scores.csv` is read in blocks
//! whose unfinished last line is offered again with the next block. [`Digest::feed`] takes
//! bytes with their offset in the file and hashes only those past what it has hashed.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use crate::util::digest::hex;

/// A SHA-256 fed a file's bytes in order, each byte once however often it is offered.
pub(super) struct Digest {
    hasher: Sha256,
    /// Bytes hashed so far: the file's first `done` bytes.
    done: u64,
    /// False once bytes came after a gap (a byte never offered): the digest is then of no
    /// file, and [`Digest::finish`] gives none.
    whole: bool,
}

impl Digest {
    pub(super) fn new() -> Digest {
        Digest {
            hasher: Sha256::new(),
            done: 0,
            whole: true,
        }
    }

    /// Takes `bytes`, which start at offset `at` of the file.
    pub(super) fn feed(&mut self, at: u64, bytes: &[u8]) {
        if at > self.done {
            self.whole = false;
        }
        let skip = self.done.saturating_sub(at);
        if skip < bytes.len() as u64 {
            self.hasher.update(&bytes[skip as usize..]);
            self.done = at + bytes.len() as u64;
        }
    }

    /// The digest in lowercase hex, when every byte up to the last one offered was hashed.
    pub(super) fn finish(self) -> Option<String> {
        self.whole.then(|| hex(&self.hasher.finalize()))
    }
}

/// A reader that feeds every byte it reads to a [`Digest`]; `at` is the file offset of the
/// next byte it reads.
pub(super) struct Feeding<R> {
    pub inner: R,
    pub digest: Digest,
    pub at: u64,
}

impl<R: Read> Feeding<R> {
    /// Reads `inner` from the start of a file.
    pub(super) fn new(inner: R) -> Feeding<R> {
        Feeding {
            inner,
            digest: Digest::new(),
            at: 0,
        }
    }

    /// Reads whatever is left of the file (nothing, once the reading reached its end: a
    /// reading that stopped early fails the load and asks for no digest), and gives the
    /// digest.
    pub(super) fn finish(mut self) -> io::Result<Option<String>> {
        io::copy(&mut self, &mut io::sink())?;
        Ok(self.digest.finish())
    }
}

impl<R: Read> Read for Feeding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.feed(self.at, &buf[..n]);
        self.at += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SHA-256 of `bytes` in one go.
    fn sha(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    #[test]
    fn bytes_offered_again_are_hashed_once() {
        let file = b"juror,proposal\nj1,p1\nj2,p2\n";
        let mut d = Digest::new();
        d.feed(0, &file[..10]);
        // The unfinished line offered again with the next block, and a block offered twice.
        d.feed(4, &file[4..20]);
        d.feed(4, &file[4..20]);
        d.feed(15, &file[15..]);
        assert_eq!(d.finish(), Some(sha(file)));
    }

    #[test]
    fn a_byte_never_offered_leaves_no_digest() {
        let file = b"juror,proposal\nj1,p1\n";
        let mut d = Digest::new();
        d.feed(0, &file[..10]);
        d.feed(11, &file[11..]);
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn a_feeding_reader_hashes_the_whole_file_even_when_reading_stops_early() {
        // Bigger than the copy buffer of io::copy, so that finishing takes several reads.
        let file: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut reader = Feeding::new(io::Cursor::new(&file));
        let mut first = [0u8; 1000];
        reader.read_exact(&mut first).unwrap();
        assert_eq!(reader.at, 1000);
        assert_eq!(reader.finish().unwrap(), Some(sha(&file)));
    }
}
