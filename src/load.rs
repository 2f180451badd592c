//! Loading an award folder: `award.toml`, the rubric, and the CSV files, checked together.
//!
//! Every problem in every file is collected before anything is reported, each with its file,
//! line, column, value and what was expected. See `docs/formats.md` for the formats.

use std::path::{Path, PathBuf};

use crate::award::{Award, AwardBuilder, InputFile};
use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::rubric::Rubric;
use crate::settings::{AwardSpec, RubricRef, Settings, SettingsSource};
use crate::tomlfile::TomlFile;

mod dialect;
mod digest;
mod folder;
mod grid;
mod input;
mod lists;
mod pieces;
mod plan;
mod records;
mod scores;
mod sources;
mod stamp;
mod table;
mod workbook;

use input::InputOptions;
use lists::{read_conflicts, read_roster};
pub use plan::{read_plan_inputs, PlanInputs, AFFINITY_FILE, ASSIGNMENT_FILE};
use scores::read_scores;
use sources::{present, Reading, TableKind};

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
    load_folder(dir, sizes, true)
}

/// [`load`] for planning reads: `scores.csv` may be absent (a first round has no scores);
/// when there, it is read and checked as [`load`] does.
pub fn load_unscored(dir: impl AsRef<Path>) -> Result<Award> {
    load_folder(dir.as_ref(), pieces::Sizes::default(), false)
}

/// Loads the folder; `scores.csv` is required when `scores` is true.
fn load_folder(dir: &Path, sizes: pieces::Sizes, scores: bool) -> Result<Award> {
    let award_file =
        TomlFile::read(&dir.join(AWARD_FILE), AWARD_FILE.into()).map_err(|p| one(*p))?;
    // Each input's name as the manifest shows it, and the SHA-256 of the bytes read.
    let mut inputs: Vec<(String, String)> = vec![(AWARD_FILE.to_string(), award_file.sha256())];
    let mut spec: AwardSpec = award_file.parse().map_err(|p| one(*p))?;
    let rubric = read_rubric(dir, spec.rubric.take(), &award_file, &mut inputs)?;
    let default_name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "award".to_string());
    let source = SettingsSource::file(&spec, &award_file);
    let ids: Vec<String> = rubric.criteria.iter().map(|c| c.id.clone()).collect();
    let (options, input_problems) =
        InputOptions::check(std::mem::take(&mut spec.input), &award_file, &ids);
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
    for problem in refused.into_iter().chain(input_problems) {
        builder.add_problem(problem);
    }
    builder.duplicates(options.duplicates);
    let mut reading = Reading {
        dir,
        options,
        book: None,
        book_refused: false,
        scores_required: scores,
        layouts: Vec::new(),
    };
    let files = read_tables(&mut reading, &mut builder, sizes);
    // A file that could not be read whole has no digest; it was reported, and no award is
    // built. A workbook holding several tables is one input.
    for (shown, sha256) in inputs.into_iter().chain(files) {
        if !builder.has_input(&shown) {
            builder.add_input(InputFile {
                path: shown,
                sha256,
            });
        }
    }
    finish(builder, &reading.layouts)
}

/// The award's rubric: the file `award.toml` names (its digest added to `inputs`), or the
/// inline `[rubric]` table.
fn read_rubric(
    dir: &Path,
    rubric: Option<RubricRef>,
    award_file: &TomlFile,
    inputs: &mut Vec<(String, String)>,
) -> Result<Rubric> {
    match rubric {
        Some(RubricRef::Path(path)) => {
            match TomlFile::read(&dir.join(&path), PathBuf::from(&path)) {
                Ok(file) => {
                    inputs.push((path.clone(), file.sha256()));
                    Rubric::from_file(&file)
                }
                Err(p) => Err(one(Problem::new(
                        p.kind,
                        Location::cell(AWARD_FILE, 1, "rubric"),
                        format!(
                            "cannot read the rubric file '{path}' (paths are relative to the award folder): {}",
                            p.message
                        ),
                    )
                    .with_value(path))),
            }
        }
        Some(RubricRef::Inline(inline)) => Rubric::check(*inline, award_file),
        None => Err(one(Problem::new(
            ProblemKind::Setting,
            Location::file(AWARD_FILE),
            "award.toml has no rubric: add rubric = \"path/to/rubric.toml\" at the top, or a [rubric] table",
        ))),
    }
}

/// The award, its replaced scores' places in their files' own words; or every problem, so
/// placed.
fn finish(builder: AwardBuilder, layouts: &[grid::Layout]) -> Result<Award> {
    match builder.finish() {
        Ok(mut award) => {
            for r in award.replaced_mut() {
                for layout in layouts {
                    layout.relocate_location(&mut r.at);
                    layout.relocate_location(&mut r.by);
                }
            }
            Ok(award)
        }
        Err(e) => Err(relocate(e, layouts)),
    }
}

/// The problems of tables read into memory placed in their files' and spreadsheets' own
/// words (file, sheet and cell), in order.
fn relocate(e: Error, layouts: &[grid::Layout]) -> Error {
    match e {
        Error::Invalid(mut problems) if !layouts.is_empty() => {
            for p in &mut problems {
                for layout in layouts {
                    layout.relocate(p);
                }
            }
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            Error::Invalid(problems)
        }
        e => e,
    }
}

/// Reads the tables that are there; gives the name and SHA-256 of each file read whole.
fn read_tables(
    reading: &mut Reading<'_>,
    builder: &mut AwardBuilder,
    sizes: pieces::Sizes,
) -> Vec<(String, String)> {
    misnamed(reading.dir, builder);
    reading.open_book(builder);
    let mut read = Vec::new();
    read.extend(read_roster(reading, TableKind::Proposals, builder));
    read.extend(read_roster(reading, TableKind::Jurors, builder));
    read.extend(read_scores(reading, builder, sizes));
    read.extend(read_conflicts(reading, builder));
    read
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
            // Read as it is: `scores.csv`, `scores.xlsx`, `scores.xls`, `scores.ods`.
            let exact = (name.strip_prefix(plural))
                .and_then(|e| e.strip_prefix('.'))
                .is_some_and(|e| e == "csv" || workbook::WORKBOOK_EXTENSIONS.contains(&e));
            let taken = present(dir, want)
                || (workbook::WORKBOOK_EXTENSIONS.iter())
                    .any(|e| present(dir, &format!("{plural}.{e}")));
            if exact || ![plural, singular].contains(&stem.trim()) || taken {
                continue;
            }
            let message = match extension.as_str() {
                // A hidden extension (`.csv.txt`), another letter case, a space. (A bare
                // `.txt` or no extension is more likely notes than a list.)
                ".csv" | ".csv.txt" => format!(
                    "this looks like {want}, which jury reads by that exact name only; rename the file to {want}"
                ),
                ".xlsx" | ".xls" | ".ods" | ".csv.xlsx" => format!(
                    "this looks like {plural}{}, which jury reads by that exact name only; rename the file to {plural}{}",
                    extension.trim_start_matches(".csv"),
                    extension.trim_start_matches(".csv"),
                ),
                ".tsv" | ".numbers" => format!(
                    "this looks like {want} in a form jury does not read; save it as CSV (UTF-8) named {want}, or as {plural}.xlsx"
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

/// Whether every cell of a row is blank: a row of commas, as spreadsheets export below their
/// data, is skipped as an empty line is (it holds no score and names no one).
fn blank(cells: &[&str]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

fn one(problem: Problem) -> Error {
    Error::Invalid(vec![problem])
}

#[cfg(test)]
mod tests {
    use super::pieces::Sizes;
    use super::scores::decimal;
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
        #![proptest_config(crate::testkit::cases(256))]
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
        #![proptest_config(crate::testkit::cases(256))]
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
                    let juror = award.jurors().id(s.juror_index());
                    (
                        juror,
                        award.proposals().id(s.proposal_index()),
                        award.weight(i),
                    )
                })
                .collect();
            // In the award's order: impact, then reach.
            let each = [("J1", "P1", 2.0), ("J1", "P2", 0.5), ("J2", "P1", 1.0)];
            assert_eq!(weights, [each, each].concat(), "{sizes:?}");
        }
    }

    proptest! {
        #![proptest_config(crate::testkit::cases(256))]
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
