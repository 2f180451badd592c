//! How the allocator keeps the memory the command frees.
//!
//! A bootstrap scores the award again for every replicate, and each scoring frees what the
//! one before it allocated. glibc's defaults hand that memory back to the system as soon as
//! it is freed (a block above 128 KiB is its own mapping, unmapped when freed; a free top of
//! a heap above the trim threshold is given back), so on a large award every replicate
//! faults the same pages in again. On the 300,000-score conference with 20 replicates
//! (`--bootstrap 21` against `--bootstrap 1`, 2 threads) that was 5.0 s of system time
//! against 4.2 s of the replicates' own work (docs/performance.md, "The allocator keeps
//! what a replicate frees").
//!
//! Only the runs that score the award again and again ask for it: kept blocks fragment the
//! heaps a little, and a single scoring of a 1,000,000-score award peaked at 146 MB with
//! these settings against 114 MB without. A bootstrap's peak rises little: 265 MB against
//! 259 MB for 200 replicates of the 300,000-score conference (the same settings through
//! `GLIBC_TUNABLES`).
//! The settings override a user's `GLIBC_TUNABLES` for the two parameters.

/// The largest block kept in the heaps rather than mapped on its own: glibc's own ceiling for
/// its adaptive threshold (32 MiB on 64-bit systems). A per-score list of a 4-million-score
/// award is mapped on its own, as before.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;
/// How much free memory at the top of a heap is kept before it is given back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 256 << 20;

/// Keeps freed memory for reuse (up to 256 MiB a heap) instead of giving it back to the
/// system at once. Called before the bootstrap, after the scoring of the award: rayon's
/// workers then have no job. On other systems and C libraries it does nothing.
pub(crate) fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets two parameters of glibc's allocator under the main arena's lock.
    // glibc marks it MT-Unsafe because other arenas' `free` reads these two words without
    // that lock: an idle rayon worker may still free a buffer of its job queue, and then
    // reads the old value or the new, each a valid setting (aligned word writes). Nothing
    // else depends on the values. A refusal (return value 0) leaves glibc's defaults, which
    // are correct too.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}
