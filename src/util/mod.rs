//! Utilities below the data model: number formatting, text folding, digests, small
//! statistics and the vectors a thread keeps for its next work. They import nothing from the
//! crate but [`crate::error`]-free basics.

pub mod digest;
pub mod number;
pub mod spare;
pub mod stats;
pub mod text;
