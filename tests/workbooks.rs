//! Workbooks (`.xlsx`, `.xls`, `.ods`) made by LibreOffice (tests/data/workbooks/README.md),
//! one per table, one `award.xlsx`, and a folder of per-juror sheets: each scores as the plain
//! CSV of the same scores; each refusal names the file, sheet and cell, exits 2 and writes
//! nothing.

use std::path::Path;

use crate::input::{folder, ranking, NAMED, PLAIN};
use crate::util::{repo, Dir};

/// A folder with the named rubric and the test workbook `data` as `name`.
fn with_workbook(data: &str, name: &str) -> Dir {
    let d = Dir::empty();
    d.write("award.toml", NAMED);
    copy(&repo("tests/data/workbooks").join(data), &d.join(name));
    d
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn a_workbook_of_scores_scores_as_the_plain_csv() {
    // The header at B2, a score typed as text, another the saved value of a formula.
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    for name in ["scores.xlsx", "scores.xls", "scores.ods"] {
        let (got, _) = ranking(&with_workbook(name, name));
        assert_eq!(got, plain, "{name}");
    }
}

#[test]
fn cells_that_are_no_score_are_refused_by_sheet_and_cell() {
    for ext in ["xlsx", "xls", "ods"] {
        let name = format!("scores.{ext}");
        let err = with_workbook(&format!("bad.{ext}"), &name).refused();
        let at = |cell: &str| {
            format!("{name}, sheet 'Scores', cell {cell}: column 'innovation': value ")
        };
        let expected = [
            format!("{}\"2016-05-01\": a date or time, not a number", at("C2")),
            format!("{}\"TRUE\": a true/false value, not a number", at("C3")),
            format!(
                "{}\"four\": not a number; expected a number from 1 to 5",
                at("C5")
            ),
            "4 problems found; nothing was written".to_string(),
        ];
        for e in expected {
            assert!(err.contains(&e), "{ext}: {e}\n{err}");
        }
        // The formula =1/0: an error value in .xlsx and .xls; LibreOffice saves its failure
        // in .ods as empty text, read as a formula without a value.
        let failed = match ext {
            "ods" => format!(
                "{}\"=1/0\": a formula with no saved value (or one that failed)",
                at("C4")
            ),
            _ => format!("{}\"#DIV/0!\": the cell holds an error value", at("C4")),
        };
        assert!(err.contains(&failed), "{ext}: {failed}\n{err}");
    }
}

#[test]
fn a_formula_without_its_saved_value_is_refused() {
    let err = with_workbook("nocache.xlsx", "scores.xlsx").refused();
    assert!(
        err.contains("scores.xlsx, sheet 'Scores', cell E5: column 'impact': value \"=2*2\": a formula with no saved value"),
        "{err}"
    );
}

#[test]
fn one_award_workbook_holds_every_table_and_its_other_sheets_are_named() {
    let d = with_workbook("award.xlsx", "award.xlsx");
    let (got, stderr) = ranking(&d);
    assert!(
        got.contains("1,P1,One,12.666667,yes,yes,3,4.5,3.666667,"),
        "{got}"
    );
    assert!(
        stderr.contains("award.xlsx: sheet 'Notes' not read: jury reads the sheets named scores, proposals, jurors and conflicts"),
        "{stderr}"
    );
    let out = d.join("bundle");
    d.jury(&["score", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    assert_eq!(
        manifest.matches("\"path\": \"award.xlsx\"").count(),
        1,
        "{manifest}"
    );
    // A table both in the workbook and beside it.
    d.write("jurors.csv", "id\nJ1\nJ2\nJ3\n");
    let err = d.refused();
    assert!(
        err.contains("jurors.csv: 2 sources for the jurors table: jurors.csv and award.xlsx, sheet 'Jurors'; keep one"),
        "{err}"
    );
}

#[test]
fn two_sources_for_one_table_are_refused_naming_both() {
    let d = with_workbook("scores.xlsx", "scores.xlsx");
    d.write("scores.csv", PLAIN);
    let err = d.refused();
    assert!(
        err.contains("scores.csv: 2 sources for the scores table: scores.csv and scores.xlsx; keep one (jury never chooses between them)"),
        "{err}"
    );
}

#[test]
fn a_folder_of_per_juror_sheets_scores_as_the_plain_csv() {
    // J1.xlsx (its columns in another order), J2.ods, J3.csv (';' and a decimal comma).
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    let d = with_workbook("folder", "scores");
    let (got, stderr) = ranking(&d);
    assert_eq!(got, plain);
    assert!(
        stderr.contains("scores/J3.csv: cells separated by ';'"),
        "{stderr}"
    );
    // A problem names its file, and its sheet and row or cell; the first of a score given
    // twice too.
    let j3 = "juror;proposal;innovation;impact\r\nJ3;P1;5;4\r\nJ3;P2;2,5;2\r\nJ1;P1;x;3\r\n";
    d.write("scores/J3.csv", j3);
    let err = d.refused();
    for e in [
        "scores/J3.csv:4: column 'innovation': value \"x\": not a number",
        "scores/J3.csv:4: juror 'J1' scores proposal 'P1' on criterion 'impact' a second time (first at scores/J1.xlsx, sheet 'Sheet1', row 2)",
    ] {
        assert!(err.contains(e), "{e}\n{err}");
    }
    // Another set of columns, or a file that is no sheet.
    d.write("scores/J3.csv", "juror,proposal,innovation\nJ3,P1,5\n");
    d.write("scores/notes.txt", "J4 will send hers on Monday");
    let err = d.refused();
    for e in [
        "scores/J3.csv:1: every sheet of scores/ must have the columns of scores/J1.xlsx; this one has no impact",
        "scores/notes.txt: scores/ holds sheets of scores (.csv, .xlsx, .xls, .ods) only; move this file out of it",
    ] {
        assert!(err.contains(e), "{e}\n{err}");
    }
}

#[test]
fn the_example_award_as_one_workbook_scores_byte_for_byte_as_its_csv_files() {
    let run = |dir: &str| {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("bundle");
        let args = [
            "score",
            "--bootstrap",
            "50",
            "--out",
            target.to_str().unwrap(),
        ];
        crate::util::jury()
            .args(args)
            .arg(repo(dir))
            .assert()
            .success();
        (out, target)
    };
    let (_a, csv) = run("fixtures/ineli-balkans-2016");
    let (_b, xlsx) = run("fixtures/ineli-balkans-2016-xlsx");
    let mut names: Vec<String> = std::fs::read_dir(&csv)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        let (a, b) = (
            std::fs::read(csv.join(&name)).unwrap(),
            std::fs::read(xlsx.join(&name)).unwrap(),
        );
        if name == "manifest.json" {
            // The same but for the inputs read: four CSV files, or one workbook.
            let strip = |bytes: &[u8]| {
                let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                let inputs = m.as_object_mut().unwrap().remove("inputs").unwrap();
                (m, inputs)
            };
            let ((a, a_in), (b, b_in)) = (strip(&a), strip(&b));
            assert_eq!(a, b);
            assert_eq!(a_in.as_array().unwrap().len(), 6, "{a_in}");
            let names: Vec<&str> = (b_in.as_array().unwrap().iter())
                .map(|i| i["path"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                [
                    "award.toml",
                    "../../rubrics/ineli-balkans.toml",
                    "award.xlsx"
                ]
            );
        } else {
            assert!(a == b, "{name} differs");
        }
    }
}
