//! Utilities below the data model: number formatting, text folding, digests and small
//! statistics. They import nothing from the crate but [`crate::error`]-free basics.

pub mod digest;
pub mod number;
pub mod stats;
pub mod text;
