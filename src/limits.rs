//! The limits on an award's size and numbers, in one place: beyond them an award is
//! refused with a clear message instead of overflowing or running out of memory.

/// The most criteria a rubric can have.
pub const MAX_CRITERIA: usize = 1 << (32 - JUROR_BITS);
/// The most jurors an award can have.
pub const MAX_JURORS: usize = 1 << JUROR_BITS;
pub(crate) const JUROR_BITS: u32 = 24;

/// The most bootstrap replicates a run may ask for. The usual 1,000 to 10,000 already put
/// every reported share within a point or so of where more replicates would put it (the
/// Monte Carlo error of a share is at most 0.5/√N: 0.5 points at 10,000); 100,000 put it
/// within 0.16 points. Beyond that a count is a slip of the keyboard: each replicate scores
/// the award again, and every replicate's ranks and totals are held until the intervals are
/// read off, 13 bytes a proposal a replicate (some 130 MB for 100 proposals at this limit).
pub const MAX_BOOTSTRAP: usize = 100_000;

/// The largest `trim`. A proposal has at most one score a juror on a criterion (a bootstrap
/// replicate draws no more reviews than it has), so at most [`MAX_JURORS`]; a larger trim
/// could never keep one, and every trimmed mean would fall back to the median.
pub const MAX_TRIM: usize = (MAX_JURORS - 1) / 2;

/// The largest magnitude of a scale's ends. Fits square scores and sum the squares; far
/// beyond any real scale they overflow, and totals turn to infinity or NaN.
pub(crate) const SCALE_LIMIT: f64 = 1e9;

/// The narrowest scale, and the smallest weight. Totals closer than [`crate::tolerance::TIE`] are
/// tied (relative to their size, but never to less than 1): on a criterion whose weight ×
/// width is tiny every proposal ties and the tie-break rules, a lottery at the end, would
/// decide the ranking.
pub(crate) const SMALLEST: f64 = 1e-3;

/// The largest weight: a weight beyond it times a score overflows the total.
pub(crate) const LARGEST_WEIGHT: f64 = 1e6;
