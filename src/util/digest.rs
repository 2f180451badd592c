//! SHA-256 digests as the manifest records them.

use std::fs::File;
use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The SHA-256 of a file, in lowercase hex.
pub fn sha256(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
