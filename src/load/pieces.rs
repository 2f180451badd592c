//! Reading the records of `scores.csv`, the one large file, in parallel pieces.
//!
//! The file is read in blocks that end at a line break; a block is cut into pieces at line
//! breaks, and the pieces are checked in parallel, each into its own [`Batch`]. The batches
//! join the builder in file order, while the next block's pieces are checked, so the award
//! and every problem are the same as reading row by row, on any number of threads.
//!
//! A line break separates records only outside quotes, and a lone carriage return ends a
//! record too: from the first block that holds a `"` or a lone `\r`, the rest of the file is
//! read record by record ([`Records`], on `csv_core`). Both ways share [`split`], which
//! checks the encoding and the row length, and
//! `load::tests::pieces_read_exactly_what_reading_record_by_record_reads` holds the pieces to
//! the record-by-record reading.

use std::io::{self, Read};
use std::path::Path;

use rayon::prelude::*;

use crate::award::{AwardBuilder, Batch};
use crate::error::{Location, Problem, ProblemKind};
use crate::rubric::Rubric;

use super::digest::Feeding;
use super::records::{self, too_long, Records, MAX_RECORD};

/// Sizes of the blocks read at once and of the pieces checked in parallel, in bytes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sizes {
    pub block: usize,
    pub piece: usize,
    /// Read every record one by one, as a file with quotes is (for tests that compare the
    /// two ways).
    pub csv_only: bool,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            block: 2 << 20,
            piece: 256 << 10,
            csv_only: false,
        }
    }
}

/// What one checked row does: gets the batch, the row's line and its trimmed cells.
pub(super) type RowFn<'f> = dyn Fn(&mut Batch<'_>, u64, &[&str]) + Sync + 'f;

/// The file being read: its name as shown, its headers, and the rubric.
pub(super) struct Source<'s> {
    pub name: &'s Path,
    pub headers: &'s [String],
    pub rubric: &'s Rubric,
}

/// Reads every record of the rest of a file into the builder: the bytes `head` already read
/// from it and then the rest of `file`, which start at a record on line `first_line`. Gives
/// the file's SHA-256, of the bytes read (none when the file could not be read to its end).
pub(super) fn read(
    (head, file): (Vec<u8>, Feeding<impl Read>),
    first_line: u64,
    source: &Source<'_>,
    sizes: Sizes,
    row: &RowFn<'_>,
    builder: &mut AwardBuilder,
) -> Option<String> {
    let Feeding {
        inner: file,
        mut digest,
        at,
    } = file;
    // The file offset of the first byte of `head`, and then of `buf`.
    let mut at = at - head.len() as u64;
    let mut input = io::Cursor::new(head).chain(file);
    let mut buf: Vec<u8> = Vec::with_capacity(sizes.block);
    let mut joining = Joining {
        checking: Vec::new(),
        checked: Vec::new(),
        ready: 0,
        line: first_line,
    };
    if sizes.csv_only {
        let rest = Feeding {
            inner: input,
            digest,
            at,
        };
        return read_records(rest, joining.line, source, row, builder);
    }
    // Bytes to hold before looking for a line break: a block, or twice a line that is
    // longer than a block (so a long line costs linear time).
    let mut want = sizes.block;
    loop {
        let eof = match fill(&mut input, &mut buf, want) {
            Ok(eof) => eof,
            Err(e) => {
                joining.absorb(builder);
                builder.add_problem(unreadable(source.name, joining.line, &e));
                return None;
            }
        };
        let end = match block_end(&buf, eof) {
            BlockEnd::At(end) => end,
            BlockEnd::TooLong => {
                joining.absorb(builder);
                builder.add_problem(unreadable(source.name, joining.line, &too_long()));
                return None;
            }
            BlockEnd::ReadOn => {
                want = 2 * buf.len();
                continue;
            }
        };
        want = sizes.block;
        let block = &buf[..end];
        if !plain(block) {
            joining.absorb(builder);
            // The block is offered again as the start of the rest: bytes hashed already are
            // skipped.
            let rest = Feeding {
                inner: io::Cursor::new(std::mem::take(&mut buf)).chain(input),
                digest,
                at,
            };
            return read_records(rest, joining.line, source, row, builder);
        }
        let feed = || digest.feed(at, &buf);
        joining.check(block, sizes.piece, source, row, builder, feed);
        buf.drain(..end);
        at += end as u64;
        if eof {
            joining.absorb(builder);
            return digest.finish();
        }
    }
}

/// The batches being checked, and those of the block before, which join the builder
/// meanwhile: the joining, which must go in file order, overlaps the checking.
struct Joining<'s> {
    /// One batch per piece, kept from block to block with its memory.
    checking: Vec<(Batch<'s>, u64)>,
    checked: Vec<(Batch<'s>, u64)>,
    /// How many of `checked` hold pieces of the block before (the others are spare).
    ready: usize,
    /// The line of the file that the first of them starts at.
    line: u64,
}

impl<'s> Joining<'s> {
    /// Joins the ready batches to the builder, in file order, each with the lines it read.
    fn absorb(&mut self, builder: &mut AwardBuilder) {
        absorb(&mut self.checked[..self.ready], builder, &mut self.line);
    }

    /// Checks the pieces of `block` (of about `piece` bytes) in parallel while the batches
    /// ready join the builder and then `feed` runs; the block's batches are then the ready
    /// ones.
    fn check(
        &mut self,
        block: &[u8],
        piece: usize,
        source: &Source<'s>,
        row: &RowFn<'_>,
        builder: &mut AwardBuilder,
        feed: impl FnOnce() + Send,
    ) {
        let pieces = cut(block, piece);
        while self.checking.len() < pieces.len() {
            self.checking
                .push((Batch::new(source.rubric, source.name), 0));
        }
        let Joining {
            checking,
            checked,
            ready,
            line,
        } = self;
        rayon::join(
            || {
                absorb(&mut checked[..*ready], builder, line);
                feed();
            },
            || {
                checking
                    .par_iter_mut()
                    .zip(&pieces)
                    .for_each(|((batch, lines), piece)| {
                        *lines = read_piece(piece, source, row, batch)
                    })
            },
        );
        std::mem::swap(checking, checked);
        *ready = pieces.len();
    }
}

/// Joins `checked` to the builder, in file order, the first at `line`, which is then the line
/// after them.
fn absorb(checked: &mut [(Batch<'_>, u64)], builder: &mut AwardBuilder, line: &mut u64) {
    for (batch, lines) in checked {
        builder.absorb(batch, *line);
        *line += *lines;
    }
}

/// Where a block ends in the bytes held.
enum BlockEnd {
    /// After this many bytes.
    At(usize),
    /// Nowhere: one line longer than a record may be.
    TooLong,
    /// Not yet: one line longer than a block, read on.
    ReadOn,
}

/// Where the block of `buf` ends: after its last line break (or at the end of the file).
fn block_end(buf: &[u8], eof: bool) -> BlockEnd {
    if eof {
        return BlockEnd::At(buf.len());
    }
    match memchr::memrchr(b'\n', buf) {
        Some(i) => BlockEnd::At(i + 1),
        // No line break: records ended by lone carriage returns (then read record by
        // record), or one line longer than a block: read on.
        None if !plain(buf) => BlockEnd::At(buf.len()),
        None if buf.len() >= MAX_RECORD => BlockEnd::TooLong,
        None => BlockEnd::ReadOn,
    }
}

/// Fills `buf` up to `size` bytes (at least one more byte when it already holds as many);
/// true at the end of the input.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, size: usize) -> io::Result<bool> {
    let want = size.max(buf.len() + 1);
    while buf.len() < want {
        let n = input
            .by_ref()
            .take((want - buf.len()) as u64)
            .read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether every line break of `block` ends a record: no quotes, and every `\r` is followed
/// by `\n`.
fn plain(block: &[u8]) -> bool {
    memchr::memchr(b'"', block).is_none()
        && memchr::memchr_iter(b'\r', block).all(|i| block.get(i + 1) == Some(&b'\n'))
}

/// Cuts a block into pieces of about `size` bytes, each ending after a line break (the last
/// one at the block's end).
fn cut(block: &[u8], size: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(block.len() / size.max(1) + 1);
    let mut rest = block;
    while rest.len() > size {
        match memchr::memchr(b'\n', &rest[size..]) {
            Some(i) => {
                let (piece, after) = rest.split_at(size + i + 1);
                pieces.push(piece);
                rest = after;
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// Checks the rows of one piece into an empty batch, whose line 1 is the piece's first line;
/// returns the number of line breaks in the piece.
fn read_piece(piece: &[u8], source: &Source<'_>, row: &RowFn<'_>, batch: &mut Batch<'_>) -> u64 {
    let mut cells: Vec<&str> = Vec::with_capacity(source.headers.len());
    let mut line = 0u64;
    let mut start = 0;
    // Checked as a whole once, the usual piece needs no check line by line.
    let whole = std::str::from_utf8(piece).ok();
    while start < piece.len() {
        let stop = memchr::memchr(b'\n', &piece[start..]).map_or(piece.len(), |i| start + i);
        let mut end = stop;
        if end > start && piece[end - 1] == b'\r' {
            end -= 1;
        }
        let range = start..end;
        start = stop + 1;
        line += 1;
        // Empty lines are skipped, as csv_core skips them.
        if range.is_empty() {
            continue;
        }
        // A line ends before an ASCII line break: a whole piece's line is whole characters.
        let text = match whole {
            Some(whole) => Ok(&whole[range.clone()]),
            None => std::str::from_utf8(&piece[range.clone()]),
        };
        match text {
            Ok(text) => {
                split_str(text, &mut cells);
                if cells.len() == source.headers.len() {
                    row(batch, line, &cells);
                } else {
                    let bad = Bad::Length(cells.len(), false);
                    batch.push_problem(bad.problem(batch.file(), source.headers, line));
                }
            }
            // Find the cell that is not UTF-8.
            Err(_) => {
                let fields = piece[range].split(|&b| b == b',');
                let mut cells = Vec::new();
                check(batch, source.headers, line, fields, &mut cells, row);
            }
        }
    }
    memchr::memchr_iter(b'\n', piece).count() as u64
}

/// Reads the rest of the file record by record ([`Records`]), from line `first_line`; gives
/// the file's SHA-256, none when it could not be read to its end (reported: the load fails).
fn read_records(
    mut input: Feeding<impl Read>,
    first_line: u64,
    source: &Source<'_>,
    row: &RowFn<'_>,
    builder: &mut AwardBuilder,
) -> Option<String> {
    /// Rows per batch, so that the batch stays small.
    const ROWS: usize = 1 << 16;
    let mut records = Records::resume(&mut input);
    let mut batch = Batch::new(source.rubric, source.name);
    let mut rows = 0;
    let mut line = first_line;
    loop {
        line = match records.next() {
            Ok(Some(at)) => at + first_line - 1,
            Ok(None) => break,
            Err(e) => {
                let at = Location::line(source.name, line);
                batch.push_problem(records::problem(source.name, first_line, at, &e));
                builder.absorb(&mut batch, 1);
                return None;
            }
        };
        let mut cells = Vec::with_capacity(source.headers.len());
        check(
            &mut batch,
            source.headers,
            line,
            records.fields(),
            &mut cells,
            row,
        );
        rows += 1;
        if rows == ROWS {
            builder.absorb(&mut batch, 1);
            rows = 0;
        }
    }
    builder.absorb(&mut batch, 1);
    input.finish().ok().flatten()
}

/// Checks one record and passes its trimmed cells to `row`.
fn check<'c>(
    batch: &mut Batch<'_>,
    headers: &[String],
    line: u64,
    fields: impl Iterator<Item = &'c [u8]>,
    cells: &mut Vec<&'c str>,
    row: &RowFn<'_>,
) {
    match split(fields, headers.len(), cells) {
        Ok(()) => row(batch, line, cells),
        Err(bad) => batch.push_problem(bad.problem(batch.file(), headers, line)),
    }
}

/// The trimmed cells of a line without quotes.
fn split_str<'c>(line: &'c str, cells: &mut Vec<&'c str>) {
    cells.clear();
    // A byte loop: cells are a few bytes long, too short for a vectorised search to pay.
    let mut start = 0;
    for (i, &b) in line.as_bytes().iter().enumerate() {
        if b == b',' {
            cells.push(trim(&line[start..i]));
            start = i + 1;
        }
    }
    cells.push(trim(&line[start..]));
}

/// `str::trim`, quicker for the usual cell that starts and ends with a visible ASCII
/// character (no whitespace to trim).
fn trim(cell: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if visible(cell.as_bytes().first()) && visible(cell.as_bytes().last()) {
        cell
    } else {
        cell.trim()
    }
}

/// Why a record cannot be read as a row.
pub(super) enum Bad {
    /// Cell `index` is not UTF-8; its text as Windows-1252 reads it.
    Encoding { index: usize, lossy: String },
    /// The record has this many cells, not as many as the headers; whether a cell runs over
    /// several lines (a quote that closes too late).
    Length(usize, bool),
}

impl Bad {
    /// The problem, on `line` of file `name`.
    pub(super) fn problem(&self, name: &Path, headers: &[String], line: u64) -> Problem {
        match self {
            Bad::Encoding { index, lossy } => {
                let column = headers.get(*index).map_or("", String::as_str);
                Problem::new(
                    ProblemKind::Encoding,
                    Location::cell(name, line, column),
                    "the cell is not valid UTF-8 (the value is what it reads as in Windows-1252, as Excel's plain CSV saves it); save the file as \"CSV UTF-8\", or set [input] encoding = \"windows-1252\" in award.toml",
                )
                .with_value(lossy.clone())
            }
            Bad::Length(n, lines) => Problem::new(
                ProblemKind::RowLength,
                Location::line(name, line),
                format!(
                    "the row has {n} cells, the header has {}; check for a stray or missing comma{}",
                    headers.len(),
                    if *lines {
                        ", and for a quote left open: a quoted cell here runs over several lines"
                    } else {
                        ""
                    }
                ),
            ),
        }
    }
}

/// The cells of a record, each UTF-8 and trimmed, into `cells`; as many as `width`.
pub(super) fn split<'c>(
    fields: impl Iterator<Item = &'c [u8]>,
    width: usize,
    cells: &mut Vec<&'c str>,
) -> Result<(), Bad> {
    cells.clear();
    for (index, field) in fields.enumerate() {
        match std::str::from_utf8(field) {
            Ok(text) => cells.push(trim(text)),
            Err(_) => {
                let lossy = encoding_rs::WINDOWS_1252.decode(field).0.into_owned();
                return Err(Bad::Encoding { index, lossy });
            }
        }
    }
    if cells.len() != width {
        let lines = cells.iter().any(|c| c.contains(['\n', '\r']));
        return Err(Bad::Length(cells.len(), lines));
    }
    Ok(())
}

fn unreadable(name: &Path, line: u64, e: &io::Error) -> Problem {
    crate::tomlfile::unreadable(Location::line(name, line), e)
}
