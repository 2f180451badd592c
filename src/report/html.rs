//! `report.html`: the audit bundle as one page people look at.
//!
//! One self-contained file (inline CSS and SVG, no script, nothing fetched), drawn from the
//! bundle's own files, so that `jury report DIR` draws the same bytes from a bundle as
//! `jury score --out DIR` wrote with it. Each chart has a one-line reading in plain words
//! and the table behind it.

mod charts;
mod page;
mod read;
mod sections;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// The report's file name in the bundle.
pub const HTML_FILE: &str = "report.html";

/// Draws the report of the audit bundle in `dir` (written by [`crate::write_bundle`]).
///
/// # Errors
///
/// When a file the report needs (`summary.json`, `manifest.json`, `jurors.csv`,
/// `reliability.csv`) is missing or is not what jury writes: the error names the file.
pub fn render_html(dir: &Path) -> Result<String> {
    let bundle = read::read(dir)?;
    page::page(&bundle).map_err(|message| Error::Output {
        path: dir.join(HTML_FILE),
        source: io::Error::other(message),
    })
}

/// Draws the report of the bundle in `dir` again and writes it to `dir/report.html`,
/// atomically (a file beside it, renamed into place). The bytes are those the bundle was
/// written with.
///
/// # Errors
///
/// As [`render_html`], and when the file cannot be written.
pub fn write_html(dir: &Path) -> Result<()> {
    let html = render_html(dir)?;
    let path = dir.join(HTML_FILE);
    let fail = |source: io::Error| Error::Output {
        path: path.clone(),
        source,
    };
    let mut file = tempfile::Builder::new()
        .prefix(STRAY_PREFIX)
        .suffix(STRAY_SUFFIX)
        .tempfile_in(dir)
        .map_err(fail)?;
    file.write_all(html.as_bytes()).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(&path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The name of the file `write_html` writes before renaming it into place.
const STRAY_PREFIX: &str = ".report-";
const STRAY_SUFFIX: &str = ".html.tmp";

/// Whether a file in a bundle is one [`write_html`] left when it was killed before renaming
/// it into place: part of the bundle, replaced with it.
pub(crate) fn stray(name: &str) -> bool {
    name.starts_with(STRAY_PREFIX) && name.ends_with(STRAY_SUFFIX)
}

/// Writes the report of the bundle being staged in `dir` (every other file already there).
pub(crate) fn write_staged(dir: &Path) -> Result<()> {
    let html = render_html(dir)?;
    let path = dir.join(HTML_FILE);
    let write = || -> io::Result<()> {
        let mut file = fs::File::create(&path)?;
        file.write_all(html.as_bytes())?;
        file.sync_all()
    };
    write().map_err(|source| Error::Output {
        path: path.clone(),
        source,
    })
}
