//! CSV records one after another, each with the line it starts on, read with `csv_core`.
//!
//! The csv crate's own positions put a record that follows a `\r\n` on the line before it
//! (the `\n` is read as part of the next record), so every line number of a file saved by
//! Excel on Windows would be one too small. Here a record's line is one more than the number
//! of `\n` before its first byte, whatever the line ends.

use std::io::{self, Read};

use csv_core::{ReadRecordResult, Reader};

/// The records of a CSV input (RFC 4180: `,`, `"` quotes with `""` inside them, any of
/// `\n`, `\r\n` or `\r` ending a record, empty lines skipped, a UTF-8 byte-order mark at the
/// start dropped).
pub(super) struct Records<R> {
    input: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[pos..]`.
    pos: usize,
    eof: bool,
    core: Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last record: `ends[..len]`.
    len: usize,
    /// Line breaks (`\n`) read so far.
    newlines: u64,
    /// Whether the last byte read ended a record with `\r`.
    after_cr: bool,
}

const CHUNK: usize = 1 << 16;

/// The longest record read, in bytes: no row of scores, roster or conflicts comes near it,
/// and a file that does (a file of another kind, or no line breaks at all) is refused rather
/// than held in memory whole.
pub(super) const MAX_RECORD: usize = 64 << 20;

/// The error for a record longer than [`MAX_RECORD`].
pub(super) fn too_long() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a record longer than 64 MiB; is this a CSV file of the award?",
    )
}

impl<R: Read> Records<R> {
    /// Records of `input`, which starts at the beginning of a file.
    pub(super) fn new(input: R) -> Records<R> {
        Records {
            input,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            core: Reader::new(),
            fields: vec![0; 256],
            ends: vec![0; 16],
            len: 0,
            newlines: 0,
            after_cr: false,
        }
    }

    /// Records of `input`, which starts at a record in the middle of a file (line 1 is its
    /// first line): a byte-order mark there is data, as it is to a reader of the whole file.
    pub(super) fn resume(input: R) -> Records<R> {
        let mut records = Records::new(input);
        // csv_core drops a byte-order mark only from the first bytes it is given: give it
        // an empty line (which it skips) first.
        let _ = records.core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        records
    }

    /// Reads the next record; `Ok(Some(line))` with its first line, `Ok(None)` at the end.
    pub(super) fn next(&mut self) -> io::Result<Option<u64>> {
        let (mut nout, mut nend) = (0, 0);
        let mut line = None;
        loop {
            if self.pos == self.buf.len() && !self.eof {
                self.refill()?;
            }
            let input = &self.buf[self.pos..];
            let _ = input.is_empty();
            if line.is_none() {
                // Empty lines and the `\n` of a `\r\n` come before the record itself.
                let skip = input
                    .iter()
                    .take_while(|&&b| b == b'\n' || b == b'\r')
                    .count();
                if skip < input.len() {
                    line = Some(self.newlines + count_newlines(&input[..skip], self.after_cr) + 1);
                }
            }
            let (res, nin, out, end) =
                self.core
                    .read_record(input, &mut self.fields[nout..], &mut self.ends[nend..]);
            self.newlines += count_newlines(&input[..nin], self.after_cr);
            if nin > 0 {
                self.after_cr = input[nin - 1] == b'\r';
            }
            self.pos += nin;
            nout += out;
            nend += end;
            match res {
                // At the end of the input, read_record on no bytes ends the last record or
                // the file; were it to ask for more, there is none.
                ReadRecordResult::InputEmpty if self.eof && nin == 0 && out == 0 => {
                    return Ok(None)
                }
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if self.fields.len() >= MAX_RECORD => {
                    return Err(too_long());
                }
                ReadRecordResult::OutputFull => {
                    let n = self.fields.len();
                    self.fields.resize(2 * n, 0);
                }
                ReadRecordResult::OutputEndsFull
                    if self.ends.len() * std::mem::size_of::<usize>() >= MAX_RECORD =>
                {
                    return Err(too_long());
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len();
                    self.ends.resize(2 * n, 0);
                }
                ReadRecordResult::Record => {
                    self.len = nend;
                    return Ok(Some(line.unwrap_or(self.newlines + 1)));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// The fields of the last record read.
    pub(super) fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let ends = &self.ends[..self.len];
        let starts = std::iter::once(0).chain(ends.iter().copied());
        starts
            .zip(ends)
            .map(|(start, &end)| &self.fields[start..end])
    }

    /// The bytes not yet read (with the `\n` of a `\r\n` that ended the last record already
    /// dropped), the rest of the input, and the line the bytes start on. Call it only after
    /// [`Records::next`] returned a record.
    pub(super) fn into_rest(mut self) -> (Vec<u8>, R, u64) {
        if self.after_cr && self.pos == self.buf.len() && !self.eof {
            // The `\n` may be the first byte of the next chunk.
            let _ = self.refill();
        }
        if self.after_cr && self.buf.get(self.pos) == Some(&b'\n') {
            // The rest of a `\r\n` whose `\r` was counted.
            self.pos += 1;
        }
        self.buf.drain(..self.pos);
        (self.buf, self.input, self.newlines + 1)
    }

    fn refill(&mut self) -> io::Result<()> {
        self.buf.drain(..self.pos);
        self.pos = 0;
        let n = self
            .input
            .by_ref()
            .take(CHUNK as u64)
            .read_to_end(&mut self.buf)?;
        self.eof = n == 0;
        Ok(())
    }
}

/// The line breaks in `bytes` as a text editor counts them: `\n`, `\r\n` and a lone `\r`
/// each end a line. `after_cr`: the byte before `bytes` was a `\r` (so a `\n` first ends no
/// further line).
fn count_newlines(bytes: &[u8], after_cr: bool) -> u64 {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    let cr = memchr::memchr_iter(b'\r', bytes).count();
    let crlf = memchr::memmem::find_iter(bytes, b"\r\n").count()
        + usize::from(after_cr && bytes.first() == Some(&b'\n'));
    (lf + cr - crlf) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut records = Records::new(data);
        let mut out = Vec::new();
        while let Some(line) = records.next().unwrap() {
            let fields = records
                .fields()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((line, fields));
        }
        out
    }

    fn rec(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn each_record_starts_on_the_line_a_text_editor_shows() {
        // Line by line: 1 header (CRLF); 2 record; 3 empty; 4 record with a quoted line
        // break that runs to line 5; 6 record ended by a lone CR (an old Macintosh line end,
        // which editors show as one); 7 another; 8 a last record without a line end.
        let data = b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n\"x\ny\",3\n4,5\r6,7\n8,\"9\"\"\"";
        assert_eq!(
            read(data),
            vec![
                rec(1, &["a", "b"]),
                rec(2, &["1", "2"]),
                rec(4, &["x\ny", "3"]),
                rec(6, &["4", "5"]),
                rec(7, &["6", "7"]),
                rec(8, &["8", "9\""]),
            ]
        );
    }

    #[test]
    fn the_rest_after_a_crlf_header_starts_on_line_2() {
        let mut records = Records::new(&b"a,b\r\n1,2\r\n"[..]);
        assert_eq!(records.next().unwrap(), Some(1));
        let (rest, _, line) = records.into_rest();
        assert_eq!((rest.as_slice(), line), (&b"1,2\r\n"[..], 2));
    }

    proptest::proptest! {
        /// The fields are the csv crate's, on any input; and each record's line is one more
        /// than the line breaks before its first byte, counted as an editor counts them
        /// (`\n`, `\r\n` and a lone `\r` each end a line), the first byte found from the
        /// csv crate's position of the record (which puts it at the end of the record
        /// before: past any empty lines and line ends from there).
        #[test]
        fn fields_are_the_csv_crates(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"ab,\"\n\r \xc3".to_vec()), 0..200),
        ) {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let mut want = Vec::new();
            for record in reader.byte_records() {
                let record = record.unwrap();
                let fields = record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>();
                want.push((record.position().unwrap().line(), fields));
            }
            let got = read(&bytes);
            let fields = |v: &[(u64, Vec<String>)]| v.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(fields(&got), fields(&want));
            let breaks = |upto: usize| {
                (0..upto)
                    .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                    .count() as u64
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let lines: Vec<u64> = reader
                .byte_records()
                .map(|record| {
                    let mut first = record.unwrap().position().unwrap().byte() as usize;
                    while matches!(bytes.get(first), Some(b'\n' | b'\r')) {
                        first += 1;
                    }
                    1 + breaks(first)
                })
                .collect();
            proptest::prop_assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), lines);
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped_at_the_start_of_a_file_only() {
        let bom = "\u{feff}";
        let data = format!("{bom}a\n{bom}b\n");
        assert_eq!(
            read(data.as_bytes()),
            vec![rec(1, &["a"]), rec(2, &[&format!("{bom}b")])]
        );
        let mut resumed = Records::resume(data.as_bytes());
        assert_eq!(resumed.next().unwrap(), Some(1));
        let first: Vec<&[u8]> = resumed.fields().collect();
        assert_eq!(first, vec![format!("{bom}a").as_bytes()]);
    }

    #[test]
    fn an_empty_input_has_no_records() {
        assert!(read(b"").is_empty());
        assert!(read(b"\n\r\n").is_empty());
    }

    #[test]
    fn long_fields_and_many_fields_are_read_whole() {
        let long = "x".repeat(100_000);
        let many = vec!["7"; 1000].join(",");
        let data = format!("{long},1\n{many}\n");
        let got = read(data.as_bytes());
        assert_eq!(got[0], rec(1, &[&long, "1"]));
        assert_eq!(got[1].1.len(), 1000);
    }
}
