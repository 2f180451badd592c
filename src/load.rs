//! Loading an award folder: `award.toml`, the rubric, and the CSV files, checked together.
//!
//! Every problem in every file is collected before anything is reported, each with its file,
//! line, column, value and what was expected. See `docs/formats.md` for the formats.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use crate::award::{Award, AwardBuilder, Batch, InputFile};
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::rubric::Rubric;
use crate::settings::{AwardSpec, RubricRef, Settings, SettingsSource};
use crate::tomlfile::TomlFile;

mod digest;

mod pieces;
mod records;

use digest::Feeding;
use records::Records;

/// The file that describes an award.
pub const AWARD_FILE: &str = "award.toml";
/// The jurors' scores.
pub const SCORES_FILE: &str = "scores.csv";
/// The proposals (optional).
pub const PROPOSALS_FILE: &str = "proposals.csv";
/// The jurors (optional).
pub const JURORS_FILE: &str = "jurors.csv";
/// Declared conflicts of interest (optional).
pub const CONFLICTS_FILE: &str = "conflicts.csv";

/// Loads and checks the award in folder `dir`.
///
/// ```
/// let award = jury::load("fixtures/ineli-balkans-2016").unwrap();
/// assert_eq!(award.settings().winners, 5);
/// ```
pub fn load(dir: impl AsRef<Path>) -> Result<Award> {
    load_with(dir.as_ref(), pieces::Sizes::default())
}

/// [`load`], reading `scores.csv` in blocks and pieces of the given sizes.
fn load_with(dir: &Path, sizes: pieces::Sizes) -> Result<Award> {
    let award_file = TomlFile::read(&dir.join(AWARD_FILE), AWARD_FILE.into()).map_err(one)?;
    // Each input's name as the manifest shows it, and the SHA-256 of the bytes read.
    let mut inputs: Vec<(String, String)> = vec![(AWARD_FILE.to_string(), award_file.sha256())];
    let mut spec: AwardSpec = award_file.parse().map_err(one)?;
    let rubric = match spec.rubric.take() {
        Some(RubricRef::Path(path)) => {
            match TomlFile::read(&dir.join(&path), PathBuf::from(&path)) {
                Ok(file) => {
                    inputs.push((path.clone(), file.sha256()));
                    Rubric::from_file(&file)?
                }
                Err(p) => {
                    return Err(one(Problem::new(
                        p.kind,
                        Location::cell(AWARD_FILE, 1, "rubric"),
                        format!(
                            "cannot read the rubric file '{path}' (paths are relative to the award folder): {}",
                            p.message
                        ),
                    )
                    .with_value(path)))
                }
            }
        }
        Some(RubricRef::Inline(inline)) => Rubric::check(*inline, &award_file)?,
        None => {
            return Err(one(Problem::new(
                ProblemKind::Setting,
                Location::file(AWARD_FILE),
                "award.toml has no rubric: add rubric = \"path/to/rubric.toml\" at the top, or a [rubric] table",
            )))
        }
    };
    let default_name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "award".to_string());
    let source = SettingsSource::file(&spec, &award_file);
    // A setting refused is no reason not to check the lists and the scores against the
    // rubric: every problem is reported at once, the CSV files' read with the defaults.
    let (settings, refused) = match Settings::check(spec, &rubric, &award_file, &default_name) {
        Ok(settings) => (settings, Vec::new()),
        Err(Error::Invalid(problems)) => {
            let defaults = Settings::for_rubric(&rubric).unwrap_or_default();
            (defaults, problems)
        }
        Err(e) => return Err(e),
    };
    let mut builder = AwardBuilder::new(rubric, settings);
    builder.set_settings_source(source);
    for problem in refused {
        builder.add_problem(problem);
    }
    let files = read_csv_files(dir, &mut builder, sizes);
    // A file that could not be read whole has no digest; it was reported, and no award is
    // built.
    for (shown, sha256) in inputs.into_iter().chain(files) {
        builder.add_input(InputFile {
            path: shown,
            sha256,
        });
    }
    builder.build()
}

/// Reads the CSV files that are there; gives the name and SHA-256 of each file read whole.
fn read_csv_files(
    dir: &Path,
    builder: &mut AwardBuilder,
    sizes: pieces::Sizes,
) -> Vec<(String, String)> {
    misnamed(dir, builder);
    let mut read = Vec::new();
    let mut digest = |name: &str, sha256: Option<String>| {
        if let Some(sha256) = sha256 {
            read.push((name.to_string(), sha256));
        }
    };
    if present(dir, PROPOSALS_FILE) {
        digest(
            PROPOSALS_FILE,
            read_roster(dir, PROPOSALS_FILE, "title", builder),
        );
    }
    if present(dir, JURORS_FILE) {
        digest(JURORS_FILE, read_roster(dir, JURORS_FILE, "name", builder));
    }
    digest(SCORES_FILE, read_scores(dir, builder, sizes));
    if present(dir, CONFLICTS_FILE) {
        digest(CONFLICTS_FILE, read_conflicts(dir, builder));
    }
    read
}

/// Whether the folder has an entry of this name: an optional file that is there but cannot
/// be read (a broken link, a folder, no permission) is reported, not taken as absent.
fn present(dir: &Path, name: &str) -> bool {
    std::fs::symlink_metadata(dir.join(name)).is_ok()
}

/// Reports files that look like an award file but are named otherwise (`Conflicts.csv`,
/// `conflict.csv`): read under their own names they would be left out unseen, and with
/// them, say, every declared conflict.
fn misnamed(dir: &Path, builder: &mut AwardBuilder) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // Files only (a folder `proposals/` of application PDFs is no misnamed list).
    let mut names: Vec<String> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            std::fs::metadata(e.path()).ok()?.is_file().then_some(())?;
            e.file_name().into_string().ok()
        })
        .collect();
    names.sort();
    for name in names {
        // The name's stem and extension, in lower case and without spaces around them:
        // `Conflicts .CSV.txt` is `conflicts` and `.csv.txt`.
        let lower = name.to_lowercase();
        let (stem, extension) = lower.split_at(lower.find('.').unwrap_or(lower.len()));
        let extension: String = extension.split_whitespace().collect();
        for want in [PROPOSALS_FILE, JURORS_FILE, SCORES_FILE, CONFLICTS_FILE] {
            let plural = want.trim_end_matches(".csv");
            let singular = plural.trim_end_matches('s');
            if name == want || ![plural, singular].contains(&stem.trim()) || present(dir, want) {
                continue;
            }
            let message = match extension.as_str() {
                // A hidden extension (`.csv.txt`), another letter case, a space. (A bare
                // `.txt` or no extension is more likely notes than a list.)
                ".csv" | ".csv.txt" => format!(
                    "this looks like {want}, which jury reads by that exact name only; rename the file to {want}"
                ),
                ".xlsx" | ".xls" | ".ods" | ".tsv" | ".numbers" | ".csv.xlsx" => format!(
                    "this looks like {want} saved as a spreadsheet; jury reads CSV only: save it as CSV (UTF-8) named {want}"
                ),
                // A backup (`.bak`, `.old`) is left alone.
                _ => continue,
            };
            builder.add_problem(
                Problem::new(ProblemKind::Unreadable, Location::file(&name), message)
                    .with_value(name.clone()),
            );
        }
    }
}

/// An open CSV file: its records and its headers (as written, and trimmed lowercase).
struct Table {
    records: Records<Feeding<File>>,
    headers: Vec<String>,
    keys: Vec<String>,
    /// The header's line (1, unless empty lines come before it).
    line: u64,
}

impl Table {
    fn open(dir: &Path, name: &str, builder: &mut AwardBuilder) -> Option<Table> {
        builder.set_file(PathBuf::from(name));
        let unreadable = |e: io::Error| {
            Problem::new(
                ProblemKind::Unreadable,
                Location::file(name),
                format!("cannot read the file: {e}"),
            )
        };
        let mut records = match File::open(dir.join(name)) {
            Ok(f) => Records::new(Feeding::new(f)),
            Err(e) => {
                builder.add_problem(unreadable(e));
                return None;
            }
        };
        // The header's line: empty lines before it are skipped, and counted.
        let mut line = 1;
        let raw: Vec<Vec<u8>> = match records.next() {
            Ok(Some(at)) => {
                line = at;
                records.fields().map(<[u8]>::to_vec).collect()
            }
            Ok(None) => Vec::new(),
            Err(e) => {
                let problem = records::problem(Path::new(name), 1, Location::file(name), &e);
                builder.add_problem(problem);
                return None;
            }
        };
        if raw.iter().all(|h| h.is_empty()) {
            builder.add_problem(Problem::new(
                ProblemKind::Empty,
                Location::file(name),
                "the file is empty; expected a header row (see docs/formats.md)",
            ));
            return None;
        }
        let mut headers = Vec::new();
        for (i, h) in raw.iter().enumerate() {
            match std::str::from_utf8(h) {
                Ok(h) => headers.push(h.trim().to_string()),
                Err(_) => {
                    builder.add_problem(Problem::new(
                        ProblemKind::Encoding,
                        Location::cell(name, line, format!("#{}", i + 1)),
                        "the header is not valid UTF-8; save the file as UTF-8",
                    ));
                    return None;
                }
            }
        }
        let keys: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
        for (i, k) in keys.iter().enumerate() {
            // Nameless columns (trailing commas) are judged by what they hold, elsewhere.
            if !k.is_empty() && keys[..i].contains(k) {
                builder.problem(
                    ProblemKind::Column,
                    line,
                    &headers[i],
                    "this column is given twice",
                    k,
                );
            }
        }
        Some(Table {
            records,
            headers,
            keys,
            line,
        })
    }

    /// The SHA-256 of the whole file, once its records were read to the end.
    fn finish(self) -> Option<String> {
        let (_, file, _) = self.records.into_rest();
        file.finish().ok().flatten()
    }

    fn column(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    /// Reports every column whose key is not one of `known`; `takes` says what the file
    /// takes.
    fn refuse_others(&self, known: &[&str], takes: &str, builder: &mut AwardBuilder) {
        for (key, header) in self.keys.iter().zip(&self.headers) {
            if !known.contains(&key.as_str()) {
                let message = format!("unknown column; {takes} (see docs/formats.md)");
                builder.problem(ProblemKind::Column, self.line, header, message, header);
            }
        }
    }

    /// The index of a required column, reporting it when absent.
    fn require(&self, key: &str, builder: &mut AwardBuilder, name: &str) -> Option<usize> {
        let found = self.column(key);
        if found.is_none() {
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(name, self.line),
                format!(
                    "missing column '{key}'; the header has: {}",
                    self.headers.join(", ")
                ),
            ));
        }
        found
    }

    /// Calls `row` for every record with its line and trimmed cells, reporting rows of the
    /// wrong length and cells that are not UTF-8; gives the file's SHA-256.
    fn rows(
        mut self,
        name: &str,
        builder: &mut AwardBuilder,
        mut row: impl FnMut(&mut AwardBuilder, u64, &[&str]),
    ) -> Option<String> {
        loop {
            let line = match self.records.next() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    let problem = records::problem(Path::new(name), 1, Location::file(name), &e);
                    builder.add_problem(problem);
                    // The load fails: no digest, and no reading on through what may be
                    // gigabytes of something else.
                    return None;
                }
            };
            let mut cells = Vec::with_capacity(self.headers.len());
            match pieces::split(self.records.fields(), self.headers.len(), &mut cells) {
                Ok(()) if blank(&cells) => {}
                Ok(()) => row(builder, line, &cells),
                Err(bad) => builder.add_problem(bad.problem(Path::new(name), &self.headers, line)),
            }
        }
        self.finish()
    }
}

/// Reads `proposals.csv` or `jurors.csv`; gives its SHA-256.
/// A column's index and key.
type Column = (usize, String);

fn read_roster(dir: &Path, name: &str, label: &str, builder: &mut AwardBuilder) -> Option<String> {
    let table = Table::open(dir, name, builder)?;
    // A list without its id column fails the load (reported): no digest.
    let id = table.require("id", builder, name)?;
    let label_col = table.column(label);
    // A column without a name (a trailing comma in the header) is no attribute: it must be
    // empty.
    let (attributes, nameless): (Vec<Column>, Vec<Column>) = (0..table.keys.len())
        .filter(|&i| i != id && Some(i) != label_col)
        .map(|i| (i, table.keys[i].clone()))
        .partition(|(_, key)| !key.is_empty());
    let id_header = table.headers[id].clone();
    let is_proposals = name == PROPOSALS_FILE;
    let mut rows = 0;
    let problems = builder.taken().1;
    let sha256 = table.rows(name, builder, |b, line, cells| {
        rows += 1;
        for (i, _) in &nameless {
            if !cells[*i].is_empty() {
                let column = format!("#{}", i + 1);
                let message = "this column has no name in the header; name it (an attribute), or leave it empty";
                b.problem(ProblemKind::Column, line, &column, message, cells[*i]);
            }
        }
        let attrs: BTreeMap<String, String> = attributes
            .iter()
            .map(|(i, key)| (key.clone(), cells[*i].to_string()))
            .collect();
        let text = label_col.map_or("", |i| cells[i]);
        if is_proposals {
            b.declare_proposal(cells[id], text, attrs, line, &id_header);
        } else {
            b.declare_juror(cells[id], text, attrs, line, &id_header);
        }
    });
    // A list with no one on it (a template left in the folder) would check no id at all;
    // rows that could not be read were reported as such.
    if rows == 0 && builder.taken().1 == problems {
        let whom = if is_proposals { "proposals" } else { "jurors" };
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(name),
            format!("the file has a header but no {whom}; list them, or remove the file"),
        ));
    }
    sha256
}

/// Reads `scores.csv`; gives its SHA-256.
fn read_scores(dir: &Path, builder: &mut AwardBuilder, sizes: pieces::Sizes) -> Option<String> {
    let name = SCORES_FILE;
    let table = Table::open(dir, name, builder)?;
    let problems_at_open = builder.taken().1;
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let confidence = table.column("confidence");
    let long = table.column("criterion").zip(table.column("score"));
    // Long form: a column it does not take (a misspelt `confidence`, say) would be dropped
    // unseen.
    if long.is_some() {
        table.refuse_others(
            &["juror", "proposal", "criterion", "score", "confidence", "comment"],
            "scores.csv in long form takes juror, proposal, criterion, score, confidence and comment",
            builder,
        );
    }
    // Wide form: every other column must be a criterion id.
    let mut wide: Vec<(usize, usize)> = Vec::new();
    if long.is_none() {
        let mut seen = vec![false; builder.rubric().criteria.len()];
        for (i, key) in table.keys.iter().enumerate() {
            if ["juror", "proposal", "confidence", "comment"].contains(&key.as_str()) {
                continue;
            }
            match criterion_of(builder.rubric(), key) {
                // A criterion's second column: reported as a column given twice, and read
                // once (else every row would score the criterion twice).
                Some(c) if seen[c] => {}
                Some(c) => {
                    seen[c] = true;
                    wide.push((i, c));
                }
                None => {
                    let message = format!(
                        "unknown column; scores.csv takes juror, proposal, confidence, comment and either criterion + score (long form) or one column per criterion: {}",
                        builder.criterion_list()
                    );
                    builder.problem(
                        ProblemKind::Column,
                        table.line,
                        &table.headers[i],
                        message,
                        &table.headers[i],
                    );
                }
            }
        }
        let absent: Vec<&str> = builder
            .rubric()
            .criteria
            .iter()
            .zip(&seen)
            .filter(|(_, s)| !**s)
            .map(|(c, _)| c.id.as_str())
            .collect();
        if !absent.is_empty() {
            let message = format!(
                "missing criterion column{} {} (wide form needs one column per criterion; long form needs 'criterion' and 'score')",
                if absent.len() == 1 { "" } else { "s" },
                absent.join(", ")
            );
            builder.add_problem(Problem::new(
                ProblemKind::Column,
                Location::line(name, table.line),
                message,
            ));
        }
    }
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return None;
    };
    // Room for every score at once, so the list never grows by copying (untouched memory
    // costs nothing): a long-form row takes at least 8 bytes; a wide row of C scores at least
    // 2C + 4.
    let bytes = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len() as usize);
    builder.reserve(match long {
        Some(_) => bytes / 8,
        None => bytes / (2 * wide.len() + 4) * wide.len(),
    });
    let columns = ScoreColumns {
        juror,
        proposal,
        confidence,
        long,
        wide,
        headers: table.headers.clone(),
        criteria: builder.criterion_list(),
    };
    // The records after the header, read in pieces.
    let (read, file, first_line) = table.records.into_rest();
    let rubric = builder.rubric().clone();
    let source = pieces::Source {
        name: Path::new(name),
        headers: &columns.headers,
        rubric: &rubric,
    };
    let row = |b: &mut Batch<'_>, line: u64, cells: &[&str]| columns.row(b, line, cells);
    let before = builder.taken();
    let sha256 = pieces::read((read, file), first_line, &source, sizes, &row, builder);
    // A header and nothing under it would score nothing and look like a result (when the
    // header itself was refused, no row could give a score: that problem is the one).
    if builder.taken() == (before.0, problems_at_open) {
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(name),
            "the file has a header but no scores; expected one row per score (see docs/formats.md)",
        ));
    }
    sha256
}

/// Where the parts of a score are in the columns of `scores.csv`.
struct ScoreColumns {
    juror: usize,
    proposal: usize,
    confidence: Option<usize>,
    /// Long form: the criterion and score columns.
    long: Option<(usize, usize)>,
    /// Wide form: each criterion column and its criterion.
    wide: Vec<(usize, usize)>,
    headers: Vec<String>,
    /// The rubric's criteria, for messages.
    criteria: String,
}

impl ScoreColumns {
    /// Checks one row and adds its scores to the batch.
    fn row(&self, b: &mut Batch<'_>, line: u64, cells: &[&str]) {
        if cells[self.juror].is_empty() && blank(cells) {
            return;
        }
        let headers = &self.headers;
        let weight = match self.confidence.map(|i| (i, cells[i])) {
            None | Some((_, "")) => 1.0,
            Some((i, text)) => match text.parse::<f64>() {
                Ok(w) if b.check_confidence(w, line, &headers[i]) => w,
                Ok(_) => return,
                Err(_) => {
                    b.problem(
                        ProblemKind::NotANumber,
                        line,
                        &headers[i],
                        "not a number; a confidence must be a positive number (blank means 1)",
                        text,
                    );
                    return;
                }
            },
        };
        let (juror, proposal) = (cells[self.juror], cells[self.proposal]);
        match self.long {
            Some((criterion_col, score_col)) => {
                let text = cells[criterion_col];
                let Some(c) = b.criterion(text) else {
                    let message = format!("unknown criterion; expected one of: {}", self.criteria);
                    b.problem(
                        ProblemKind::UnknownId,
                        line,
                        &headers[criterion_col],
                        message,
                        text,
                    );
                    return;
                };
                let column = &headers[score_col];
                let text = cells[score_col];
                if let Some(score) = parse_score(b, c, text, line, column) {
                    b.push(juror, proposal, c, score, weight, line, (column, text));
                }
            }
            None => {
                for &(col, c) in &self.wide {
                    let column = &headers[col];
                    if let Some(score) = parse_score(b, c, cells[col], line, column) {
                        b.push(
                            juror,
                            proposal,
                            c,
                            score,
                            weight,
                            line,
                            (column, cells[col]),
                        );
                    }
                }
            }
        }
    }
}

/// A score cell: `Some(None)` for a blank (missing) cell, `Some(Some(x))` for a finite number,
/// `None` (reported) for anything else.
fn parse_score(
    b: &mut Batch<'_>,
    c: usize,
    text: &str,
    line: u64,
    column: &str,
) -> Option<Option<f64>> {
    if text.is_empty() {
        return Some(None);
    }
    match decimal(text).map_or_else(|| text.parse::<f64>(), Ok) {
        Ok(x) if x.is_finite() => Some(Some(x)),
        _ => {
            let message = format!(
                "not a number; expected {} (use '.' for decimals; leave the cell blank for a missing score)",
                b.rubric().criteria[c].scale.expectation()
            );
            b.problem(ProblemKind::NotANumber, line, column, message, text);
            None
        }
    }
}

/// A plain decimal, `-?digits(.digits)?` with at most 15 digits, as `str::parse::<f64>` reads
/// it; `None` for anything else, which the standard library then reads.
///
/// Quicker than the standard library for the usual score, and the same number: a mantissa
/// below 10¹⁵ < 2⁵³ and a power of ten up to 10¹⁵ are exact in `f64`, so their quotient is
/// the correctly rounded value of the decimal, as the standard library's is (Clinger's fast
/// path).
fn decimal(text: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (mut mantissa, mut count, mut decimals) = (0u64, 0usize, 0usize);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
            }
            // A point between digits, once.
            b'.' if decimals == 0 && i > 0 && i + 1 < digits.len() => {
                decimals = digits.len() - i - 1;
            }
            _ => return None,
        }
    }
    if count > 15 {
        return None;
    }
    let x = mantissa as f64 / POWERS[decimals];
    Some(if negative { -x } else { x })
}

/// Reads `conflicts.csv`; gives its SHA-256.
fn read_conflicts(dir: &Path, builder: &mut AwardBuilder) -> Option<String> {
    let name = CONFLICTS_FILE;
    let table = Table::open(dir, name, builder)?;
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let reason = table.column("reason");
    table.refuse_others(
        &["juror", "proposal", "reason"],
        "conflicts.csv takes juror, proposal and reason",
        builder,
    );
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return None;
    };
    table.rows(name, builder, |b, line, cells| {
        b.push_conflict(
            cells[juror],
            cells[proposal],
            reason.map_or("", |i| cells[i]),
            line,
        );
    })
}

/// Whether every cell of a row is blank: a row of commas, as spreadsheets export below their
/// data, is skipped as an empty line is (it holds no score and names no one).
fn blank(cells: &[&str]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

fn criterion_of(rubric: &Rubric, key: &str) -> Option<usize> {
    rubric
        .criteria
        .iter()
        .position(|c| crate::util::text::same_ignoring_case(&c.id, key))
}

fn one(problem: Problem) -> Error {
    Error::Invalid(vec![problem])
}

#[cfg(test)]
mod tests {
    use super::pieces::Sizes;
    use super::*;
    use crate::util::digest::sha256;
    use proptest::prelude::*;

    const AWARD: &str = "[rubric]\nscale = { min = 1, max = 5, step = 0.5 }\n\
        [[rubric.criterion]]\nid = \"impact\"\nweight = 1\n\
        [[rubric.criterion]]\nid = \"reach\"\nweight = 2\n";

    /// What loading gives, as text: the award, or every problem.
    fn loaded(dir: &Path, sizes: Sizes) -> String {
        match load_with(dir, sizes) {
            Ok(award) => format!("{award:?}"),
            Err(e) => format!("{e:?}"),
        }
    }

    /// One line of a long-form scores.csv, from a few awkward choices.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        let id = prop::sample::select(vec!["J1", "J2", " J3 ", "j1", "", "P1", "Ж", "\u{feff}J1"]);
        let proposal = prop::sample::select(vec!["P1", "P2", "P3 ", "\tP4", ""]);
        let criterion = prop::sample::select(vec!["impact", "reach", "REACH", "other"]);
        let score = prop::sample::select(vec!["1", "2.5", " 4 ", "5", "", "x", "7", "2.25", "NaN"]);
        let confidence = prop::sample::select(vec!["", "1", "0.5", "0", "-1", "a"]);
        let tail = prop::sample::select(vec![
            "\n", "\r\n", "\n\n", ",extra\n", "\n \n", "<ff>\n", "\"q\"\n", "\r",
        ]);
        (id, proposal, criterion, score, confidence, tail, 0..40u8).prop_map(
            |(j, p, c, s, w, tail, cut)| {
                let mut row = format!("{j},{p},{c},{s},{w}").into_bytes();
                if cut == 0 {
                    row.truncate(row.len() / 2);
                }
                // Rare quotes and lone carriage returns, so most files stay on the fast way.
                let tail = match tail {
                    "\"q\"\n" | "\r" if cut > 2 => "\n",
                    "<ff>\n" => return [row, vec![0xff, b'\n']].concat(),
                    t => t,
                };
                row.extend_from_slice(tail.as_bytes());
                row
            },
        )
    }

    #[test]
    fn plain_decimals_read_as_the_standard_library_reads_them() {
        for text in [
            "0",
            "-0",
            "3",
            "4.5",
            "-2.25",
            "0.1",
            "123456789012345",
            "0.00000000000001",
            "99999999.9999999",
        ] {
            assert_eq!(
                decimal(text).map(f64::to_bits),
                text.parse::<f64>().ok().map(f64::to_bits),
                "{text}"
            );
        }
        // Left to the standard library: exponents, signs, lone points, 16 digits, words.
        for text in [
            "1e3",
            "+1",
            "1.",
            ".5",
            "1.2.3",
            "1234567890123456",
            "inf",
            "NaN",
            "-",
            "",
            "1,5",
            " 1",
        ] {
            assert_eq!(decimal(text), None, "{text}");
        }
    }

    proptest! {
        #[test]
        fn any_decimal_reads_as_the_standard_library_reads_it(
            text in "-?[0-9]{0,17}(\\.[0-9]{0,17})?|[-+.0-9e]{1,8}",
        ) {
            if let Some(x) = decimal(&text) {
                prop_assert_eq!(Some(x.to_bits()), text.parse::<f64>().ok().map(f64::to_bits));
            }
        }
    }

    proptest! {
        /// The manifest's digest of each input is the SHA-256 of the file (as
        /// `sha256sum` gives it, here the public `sha256`, which reads the file again),
        /// though `scores.csv` is hashed from the blocks read to check it: blocks much smaller
        /// than what the header's reader took, unfinished lines offered again with the next
        /// block, and files that switch to reading record by record at a quote.
        #[test]
        fn each_input_is_hashed_whole_from_the_bytes_read(
            ends in prop::collection::vec(prop::sample::select(vec!["\n", "\r\n", "\n\n"]), 1..200),
            comment in 0usize..800,
            quoted in prop::option::of(0usize..200),
            bom in any::<bool>(),
            block in 16usize..400,
            piece in 1usize..120,
            csv_only in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(AWARD_FILE), AWARD).unwrap();
            let mut csv = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            csv.extend_from_slice(b"juror,proposal,criterion,score,comment\n");
            // Comments long enough that the file often outgrows what the header's reader
            // takes at once (64 KiB), so that most of it is read in blocks.
            let comment = "c".repeat(comment);
            for (k, end) in ends.iter().enumerate() {
                let juror = if quoted == Some(k) { format!("\"J{k}\"") } else { format!("J{k}") };
                csv.extend_from_slice(format!("{juror},P1,impact,3,{comment}{end}").as_bytes());
            }
            std::fs::write(dir.path().join(SCORES_FILE), &csv).unwrap();
            std::fs::write(dir.path().join(PROPOSALS_FILE), "id,title\nP1,\"A, quoted\"\n").unwrap();
            std::fs::write(dir.path().join(CONFLICTS_FILE), "juror,proposal\r\nJ0,P1\r\n").unwrap();
            let award = load_with(dir.path(), Sizes { block, piece, csv_only }).unwrap();
            let names: Vec<&str> = award.inputs().iter().map(|f| f.path.as_str()).collect();
            prop_assert_eq!(names, [AWARD_FILE, PROPOSALS_FILE, SCORES_FILE, CONFLICTS_FILE]);
            for input in award.inputs() {
                prop_assert_eq!(&input.sha256, &sha256(&dir.path().join(&input.path)).unwrap());
            }
        }
    }

    #[test]
    fn a_file_left_unread_after_a_refused_header_still_fails_the_load() {
        // A refused header stops the reading of a file early: the load fails, so no manifest
        // can show a digest of part of it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(AWARD_FILE), AWARD).unwrap();
        std::fs::write(
            dir.path().join(SCORES_FILE),
            "juror,criterion,score\nJ1,impact,3\n",
        )
        .unwrap();
        assert!(load(dir.path()).is_err());
    }

    #[test]
    fn a_confidence_on_the_first_score_of_a_piece_is_kept() {
        // The first row's confidence is the file's first one other than 1; with pieces of one
        // line, every row's is its piece's first.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(AWARD_FILE), AWARD).unwrap();
        let csv =
            "juror,proposal,impact,reach,confidence\nJ1,P1,4,3,2\nJ2,P1,1,1,1\nJ1,P2,3,3,0.5\n";
        std::fs::write(dir.path().join(SCORES_FILE), csv).unwrap();
        let one_line = Sizes {
            block: 16,
            piece: 1,
            csv_only: false,
        };
        let by_csv = Sizes {
            csv_only: true,
            ..Sizes::default()
        };
        for sizes in [Sizes::default(), one_line, by_csv] {
            let award = load_with(dir.path(), sizes).unwrap();
            let weights: Vec<(&str, &str, f64)> = (0..award.scores().len())
                .map(|i| {
                    let s = &award.scores()[i];
                    let juror = award.jurors().id(s.juror());
                    (juror, award.proposals().id(s.proposal()), award.weight(i))
                })
                .collect();
            // In the award's order: impact, then reach.
            let each = [("J1", "P1", 2.0), ("J1", "P2", 0.5), ("J2", "P1", 1.0)];
            assert_eq!(weights, [each, each].concat(), "{sizes:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Reading scores.csv in pieces gives exactly what reading it record by record gives
        /// (whose fields are the csv crate's, `records::tests`): the same award, or the same
        /// problems on the same lines, whatever the block and piece sizes, line ends, long
        /// lines, byte-order marks or quotes.
        #[test]
        fn pieces_read_exactly_what_reading_record_by_record_reads(
            lines in prop::collection::vec(line(), 0..120),
            bom in any::<bool>(),
            block in 16usize..400,
            piece in 1usize..120,
            ends in prop::sample::select(vec!["as drawn", "\r", "none at the end"]),
            long in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(AWARD_FILE), AWARD).unwrap();
            let mut csv = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            csv.extend_from_slice(b"juror,proposal,criterion,score,confidence\n");
            for l in &lines {
                let mut l = l.clone();
                if ends == "\r" {
                    // An old Macintosh file: every line ended by a lone carriage return.
                    while l.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                        l.pop();
                    }
                    l.push(b'\r');
                }
                csv.extend_from_slice(&l);
            }
            if ends == "none at the end" {
                while csv.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    csv.pop();
                }
            }
            if long {
                // One line much longer than a block.
                csv.extend_from_slice(format!("J1,P{},impact,3,\n", "9".repeat(2000)).as_bytes());
            }
            std::fs::write(dir.path().join(SCORES_FILE), &csv).unwrap();
            let by_csv = Sizes { csv_only: true, ..Sizes::default() };
            let in_pieces = Sizes { block, piece, csv_only: false };
            prop_assert_eq!(loaded(dir.path(), in_pieces), loaded(dir.path(), by_csv));
        }
    }
}
