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
fn a_folder_of_csv_sheets_that_differ_in_their_decimal_mark_scores_as_the_plain_csv() {
    // Jurors save their sheets where they are: J3's with ';' and a decimal comma, J1's and
    // J2's with ',' and a point; J0's, with ';', has no row yet. Each sheet's `4,5` is read
    // by its own mark (before, the folder took a point for all of them and refused J3's
    // 2,5 as "a decimal comma where cells are separated by commas").
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    let d = Dir::empty();
    d.write("award.toml", NAMED);
    d.write("scores/J0.csv", "juror;proposal;innovation;impact\n");
    d.write(
        "scores/J1.csv",
        "juror,proposal,innovation,impact\nJ1,P1,4.5,3\nJ1,P2,2,3\n",
    );
    d.write(
        "scores/J2.csv",
        "juror,proposal,innovation,impact\nJ2,P1,4,4\nJ2,P2,3,2.5\n",
    );
    d.write(
        "scores/J3.csv",
        // The decimal comma on the sheet's first row: its mark starts with that row.
        "juror;proposal;innovation;impact\nJ3;P2;2,5;2\nJ3;P1;5;4\n",
    );
    let (got, stderr) = ranking(&d);
    assert_eq!(got, plain);
    assert!(
        stderr.contains("scores/J3.csv: cells separated by ';' (detected from the header row); a decimal comma in scores read as a point (4,5 is 4.5)"),
        "{stderr}"
    );
    // A ',' sheet's decimal comma is still no number there, and is refused as before.
    d.write(
        "scores/J2.csv",
        "juror,proposal,innovation,impact\nJ2,P1,4,4\nJ2,P2,3,\"2,5\"\n",
    );
    let err = d.refused();
    let e = "scores/J2.csv:3: column 'impact': value \"2,5\": not a number; expected a number from 1 to 5 in steps of 0.5 (a decimal comma where cells are separated by commas";
    assert!(err.contains(e), "{e}\n{err}");
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
        } else if name == "report.html" {
            // The page shows the manifest's inputs in its last section: the rest is the same.
            let before = |bytes: &[u8]| {
                let page = String::from_utf8(bytes.to_vec()).unwrap();
                page[..page.find("<section id=\"audit\">").unwrap()].to_string()
            };
            assert!(before(&a) == before(&b), "report.html differs");
        } else {
            assert!(a == b, "{name} differs");
        }
    }
}

mod same_award {
    //! Property: the same award written as CSV, as one `.xlsx` and as a folder of per-juror
    //! sheets (workbooks and CSV files) gives byte-identical reports.

    use std::collections::BTreeMap;
    use std::path::Path;

    use jury::report::{JurorsCsv, RankingCsv, Report, ScoresCsv, WarningsCsv};
    use proptest::prelude::*;

    use crate::input::NAMED;

    /// (juror, proposal) → the two scores (`None`: blank), in half points.
    type Reviews = BTreeMap<(u8, u8), Vec<Option<f64>>>;

    /// Rows of a table: (juror, proposal) and the scores.
    type Rows<'r> = [(&'r (u8, u8), &'r Vec<Option<f64>>)];

    fn reviews() -> impl Strategy<Value = Reviews> {
        let score =
            prop_oneof![9 => (2u8..=10).prop_map(|k| Some(f64::from(k) / 2.0)), 1 => Just(None)];
        proptest::collection::btree_map(
            (0u8..6, 0u8..8),
            proptest::collection::vec(score, 2),
            1..40,
        )
    }

    const HEADER: [&str; 4] = ["juror", "proposal", "innovation", "impact"];

    fn csv(rows: &Rows<'_>) -> String {
        let mut out = HEADER.join(",") + "\n";
        for ((j, p), scores) in rows {
            let cells: Vec<String> = scores
                .iter()
                .map(|s| s.map_or(String::new(), |x| x.to_string()))
                .collect();
            out.push_str(&format!("J{j},P{p},{}\n", cells.join(",")));
        }
        out
    }

    /// A workbook of the rows; every third score typed as text.
    fn xlsx(rows: &Rows<'_>, path: &Path) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let mut k = 0;
        for (r, ((j, p), scores)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, format!("J{j}")).unwrap();
            sheet.write_string(r, 1, format!("P{p}")).unwrap();
            for (c, s) in scores.iter().enumerate() {
                let Some(x) = s else { continue };
                k += 1;
                if k % 3 == 0 {
                    sheet.write_string(r, c as u16 + 2, x.to_string()).unwrap();
                } else {
                    sheet.write_number(r, c as u16 + 2, *x).unwrap();
                }
            }
        }
        book.save(path).unwrap();
    }

    fn reports(dir: &Path) -> Vec<u8> {
        let award = jury::load(dir).unwrap();
        let outcome = jury::score(&award);
        let mut bytes = Vec::new();
        let all: [&dyn Report; 4] = [&RankingCsv, &ScoresCsv, &JurorsCsv, &WarningsCsv];
        for r in all {
            r.write(&award, &outcome, &mut bytes).unwrap();
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 24,
            // Kept under tests/, not in a folder at the top of the project.
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
                "tests/proptest-regressions/workbooks.txt",
            ))),
            ..ProptestConfig::default()
        })]
        #[test]
        fn csv_xlsx_and_a_folder_of_sheets_give_the_same_reports(reviews in reviews()) {
            let rows: Vec<_> = reviews.iter().collect();
            let root = tempfile::tempdir().unwrap();
            let dirs = ["csv", "xlsx", "folder"].map(|d| root.path().join(d));
            for d in &dirs {
                std::fs::create_dir_all(d).unwrap();
                std::fs::write(d.join("award.toml"), NAMED).unwrap();
            }
            std::fs::write(dirs[0].join("scores.csv"), csv(&rows)).unwrap();
            xlsx(&rows, &dirs[1].join("scores.xlsx"));
            let folder = dirs[2].join("scores");
            std::fs::create_dir(&folder).unwrap();
            for j in 0..6u8 {
                let mine: Vec<_> = rows.iter().filter(|((jj, _), _)| *jj == j).cloned().collect();
                if mine.is_empty() {
                    continue;
                }
                if j % 2 == 0 {
                    xlsx(&mine, &folder.join(format!("J{j}.xlsx")));
                } else {
                    std::fs::write(folder.join(format!("J{j}.csv")), csv(&mine)).unwrap();
                }
            }
            let want = reports(&dirs[0]);
            prop_assert!(want == reports(&dirs[1]), "xlsx differs");
            prop_assert!(want == reports(&dirs[2]), "folder differs");
        }
    }
}

#[test]
fn the_sheet_read_is_the_only_one_with_cells_or_the_one_named_after_the_table() {
    let write = |d: &Dir, sheets: &[(&str, &str)]| {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, csv) in sheets {
            let sheet = book.add_worksheet();
            sheet.set_name(*name).unwrap();
            for (r, line) in csv.lines().enumerate() {
                for (c, cell) in line.split(',').enumerate() {
                    sheet.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
        book.save(d.join("scores.xlsx")).unwrap();
    };
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    let d = Dir::empty();
    d.write("award.toml", NAMED);
    // Another sheet with cells, and the one named after the table (in other letters).
    write(
        &d,
        &[("Read me", "Sent by the secretariat"), ("SCORES", PLAIN)],
    );
    let (got, stderr) = ranking(&d);
    assert_eq!(got, plain);
    assert!(
        stderr.contains("scores.xlsx: sheet 'SCORES' read (named after the table); the workbook's other sheets are not"),
        "{stderr}"
    );
    // `jury validate` says it too.
    let out = d.jury(&["validate"]).assert().success();
    let said = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        said.contains("note: scores.xlsx: sheet 'SCORES' read"),
        "{said}"
    );
    // An empty sheet beside the only one with cells is passed over; two with cells and
    // none named after the table is refused.
    write(&d, &[("Sheet1", PLAIN), ("Sheet2", "")]);
    assert_eq!(ranking(&d).0, plain);
    write(&d, &[("Round 1", PLAIN), ("Round 2", PLAIN)]);
    let err = d.refused();
    assert!(
        err.contains("scores.xlsx: the workbook has 2 sheets with cells (Round 1, Round 2) and none is named 'scores'; name the sheet to read 'scores', or keep one sheet"),
        "{err}"
    );
}

#[test]
fn a_merged_cell_holds_its_value_in_its_first_cell_only() {
    // J1's name merged over their two rows (A2:A3): the second row has no juror.
    let d = Dir::empty();
    d.write("award.toml", NAMED);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Scores").unwrap();
    for (r, line) in PLAIN.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            match cell.parse::<f64>() {
                Ok(x) => sheet.write_number(r as u32, c as u16, x).unwrap(),
                Err(_) => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    let plain = rust_xlsxwriter::Format::new();
    sheet.merge_range(1, 0, 2, 0, "J1", &plain).unwrap();
    book.save(d.join("scores.xlsx")).unwrap();
    let err = d.refused();
    assert!(
        err.contains("scores.xlsx, sheet 'Scores', cell A3: column 'juror': the juror id is blank; every row needs one"),
        "{err}"
    );
    assert!(err.contains("1 problem found"), "{err}");
}

#[test]
fn two_award_workbooks_are_refused_naming_both() {
    let d = with_workbook("award.xlsx", "award.xlsx");
    copy(
        &repo("tests/data/workbooks/scores.ods"),
        &d.join("award.ods"),
    );
    let err = d.refused();
    assert!(
        err.contains("award.xlsx: the folder has award.xlsx and award.ods: two workbooks for one award; keep one"),
        "{err}"
    );
    // Its tables are not reported missing besides.
    assert!(err.contains("1 problem found"), "{err}");
}
