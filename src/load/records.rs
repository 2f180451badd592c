//! CSV records one after another, each with the line it starts on, read with `csv_core`.
//!
//! The csv crate's own positions put a record that follows a `\r\n` on the line before it
//! (the `\n` is read as part of the next record), so every line number of a file saved by
//! Excel on Windows would be one too small. Here a record's line is one more than the number
//! of `\n` before its first byte, whatever the line ends.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

use csv_core::{ReadRecordResult, Reader};

use crate::error::{Location, Problem, ProblemKind};
use crate::tomlfile::unreadable;

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
    /// Where the record being read stands with its quotes.
    quotes: Quotes,
    /// The byte between cells.
    delimiter: u8,
}

/// Where a record stands with its quotes, as `csv_core` reads them (RFC 4180): a `"` that
/// opens a field opens a quoted cell, `""` inside it is one quote, and a lone `"` closes it.
/// csv_core reads on without a word where RFC 4180 has no meaning: a quote never closed makes
/// the rest of the file one cell, and text after a closing quote joins the cell. Both are
/// followed here, and refused: the second is what a quote left open and closed by the next
/// quote, lines later, looks like.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Quotes {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not open with a quote.
    Plain,
    /// Inside a quoted part.
    Open,
    /// After a `"` inside a quoted part: the part closed, unless another `"` follows.
    Closing,
    /// After a closing quote and spaces (`"Novi Sad" ,`): only a separator may come.
    Closed,
    /// Text came after a closing quote, in this record.
    Stray,
}

impl Quotes {
    /// The state after `bytes`, whose cells are separated by `delimiter`.
    fn after(mut self, bytes: &[u8], delimiter: u8) -> Quotes {
        for &b in bytes {
            let b = if b == delimiter { b',' } else { b };
            self = match (self, b) {
                (Quotes::Stray, _) => return Quotes::Stray,
                (Quotes::Open, b'"') => Quotes::Closing,
                (Quotes::Open, _) => Quotes::Open,
                (Quotes::FieldStart | Quotes::Closing, b'"') => Quotes::Open,
                (_, b',' | b'\n' | b'\r') => Quotes::FieldStart,
                // Spaces after a closing quote are trimmed with the cell.
                (Quotes::Closing | Quotes::Closed, b' ' | b'\t') => Quotes::Closed,
                (Quotes::Closing | Quotes::Closed, _) => Quotes::Stray,
                _ => Quotes::Plain,
            };
        }
        self
    }
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

/// A quote in the record that starts on `line` that CSV cannot read: never closed, or
/// followed by more text in its cell.
#[derive(Debug)]
pub(super) struct Unclosed {
    pub line: u64,
    /// Never closed (else: text after the closing quote).
    pub never: bool,
}

impl fmt::Display for Unclosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.never {
            write!(
                f,
                "a quote opened in this row is never closed, so every line after it would read as part of one cell; close it (a quote inside a quoted cell is written twice: \"\")"
            )
        } else {
            write!(
                f,
                "a quoted cell in this row goes on after its closing quote; a quote inside a quoted cell is written twice (\"\"), and a quote left open closes at the next quote, maybe lines later, taking the rows between into one cell"
            )
        }
    }
}

impl std::error::Error for Unclosed {}

/// The problem of an error that [`Records::next`] gave: a quote never closed, on its row
/// (the records' line 1 being the file's line `first_line`); any other, as a file that
/// cannot be read, at `elsewhere`.
pub(super) fn problem(name: &Path, first_line: u64, elsewhere: Location, e: &io::Error) -> Problem {
    match e.get_ref().and_then(|e| e.downcast_ref::<Unclosed>()) {
        Some(u) => Problem::new(
            ProblemKind::Syntax,
            Location::line(name, u.line + first_line - 1),
            u.to_string(),
        ),
        None => unreadable(elsewhere, e),
    }
}

impl<R: Read> Records<R> {
    /// Records of `input`, which starts at the beginning of a file.
    pub(super) fn new(input: R) -> Records<R> {
        Records::with_delimiter(input, b',')
    }

    /// Records of `input`, which starts at the beginning of a file whose cells are separated
    /// by `delimiter`.
    pub(super) fn with_delimiter(input: R, delimiter: u8) -> Records<R> {
        Records {
            input,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            fields: vec![0; 256],
            ends: vec![0; 16],
            len: 0,
            newlines: 0,
            after_cr: false,
            quotes: Quotes::FieldStart,
            delimiter,
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
        self.quotes = Quotes::FieldStart;
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
            self.quotes = self.quotes.after(&input[..nin], self.delimiter);
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
                ReadRecordResult::Record if matches!(self.quotes, Quotes::Open | Quotes::Stray) => {
                    let unclosed = Unclosed {
                        line: line.unwrap_or(self.newlines + 1),
                        never: self.quotes == Quotes::Open,
                    };
                    return Err(io::Error::new(io::ErrorKind::InvalidData, unclosed));
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
        let (records, unclosed) = try_read(data);
        assert_eq!(unclosed, None);
        records
    }

    /// Records with their lines.
    type Rows = Vec<(u64, Vec<String>)>;

    /// The records, up to a quote CSV cannot read, and that quote's row's line and whether
    /// it is never closed.
    fn try_read(data: &[u8]) -> (Rows, Option<(u64, bool)>) {
        let mut records = Records::new(data);
        let mut out = Vec::new();
        loop {
            match records.next() {
                Ok(Some(line)) => {
                    let fields = records
                        .fields()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect();
                    out.push((line, fields));
                }
                Ok(None) => return (out, None),
                Err(e) => {
                    let unclosed = e.get_ref().and_then(|e| e.downcast_ref::<Unclosed>());
                    let unclosed = unclosed.expect("a quote CSV cannot read");
                    return (out, Some((unclosed.line, unclosed.never)));
                }
            }
        }
    }

    /// The csv crate's records of `data`.
    fn csv_records(data: &[u8]) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        (reader.byte_records())
            .map(|r| {
                (r.unwrap().iter())
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_quote_never_closed_or_followed_by_text_is_refused_on_its_row() {
        // Line 3 opens a quote that nothing closes: the rest of the file would be one cell.
        let (records, unclosed) = try_read(b"a,b\n1,x\n2,\"oops\n3,y\n4,z\n");
        assert_eq!(records, [rec(1, &["a", "b"]), rec(2, &["1", "x"])]);
        assert_eq!(unclosed, Some((3, true)));
        // Line 2 opens a quote that the next quote, on line 3, closes, and text follows it:
        // row 3 would be part of row 2's cell.
        let (records, unclosed) = try_read(b"a,b\n1,\"x\n2,\"y\"\n");
        assert_eq!(records, [rec(1, &["a", "b"])]);
        assert_eq!(unclosed, Some((2, false)));
        assert_eq!(try_read(b"a,b\n1,\"q\"r\n").1, Some((2, false)));
        assert_eq!(try_read(b"a,b\n1,\"q\" r\n").1, Some((2, false)));
        // Spaces after a closing quote, as a hand-edited file has them, are trimmed.
        assert_eq!(
            read(b"a,b\n\"Novi Sad\" ,\"RS\"\t\n"),
            [rec(1, &["a", "b"]), rec(2, &["Novi Sad ", "RS\t"])]
        );
        // A quote opened on the last record's line, right at the end.
        assert_eq!(try_read(b"a,b\r\n1,\"").1, Some((2, true)));
        // Closed at the very end, without a line break after it; a quote written twice; a
        // quote inside a cell that did not open with one: all read.
        let data = b"a,b\n1,\"x\ny\"\"z\"\n2,ab\"c\n4,\"end\"";
        assert_eq!(
            read(data),
            [
                rec(1, &["a", "b"]),
                rec(2, &["1", "x\ny\"z"]),
                rec(4, &["2", "ab\"c"]),
                rec(5, &["4", "end"]),
            ]
        );
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
        #![proptest_config(crate::testkit::cases(256))]
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
            let want = csv_records(&bytes);
            // A quote is open at the end when a `"` more would close it and change nothing,
            // while `""` more would add one quote to the last cell (also tells an open quote
            // from a cell just begun after a comma, which `""` leaves empty).
            let with = |tail: &[u8]| csv_records(&[&bytes[..], tail].concat());
            let open = !want.is_empty() && with(b"\"") == want && {
                let mut quoted = want.clone();
                quoted.last_mut().unwrap().last_mut().unwrap().push('"');
                with(b"\"\"") == quoted
            };
            let (got, refused) = try_read(&bytes);
            // A quote never closed is refused exactly when one is open at the end (unless
            // text after a closing quote was refused before).
            if let Some((_, never)) = refused {
                proptest::prop_assert!(!never || open);
            } else {
                proptest::prop_assert!(!open);
            }
            // Up to the refused record, the same records.
            let read = got.len();
            proptest::prop_assert!(read + usize::from(refused.is_some()) <= want.len());
            if refused.is_none() {
                proptest::prop_assert_eq!(read, want.len());
            }
            let fields = |v: &[(u64, Vec<String>)]| v.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(&fields(&got), &want[..read]);
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
            // The refused row on its own line, as any other row.
            let lines_got: Vec<u64> = (got.iter().map(|r| r.0))
                .chain(refused.map(|r| r.0))
                .collect();
            proptest::prop_assert_eq!(&lines_got[..], &lines[..lines_got.len()]);
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
