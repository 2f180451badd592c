//! Every class of bad input is refused with exit 2, names its file, line and value, and
//! writes nothing.

use crate::util::{jury, Dir};

const OK_SCORES: &str = "juror,proposal,criterion,score\nJ1,P1,innovation,4\nJ1,P1,impact,3\n";

fn has(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "expected {part:?} in:\n{stderr}");
    }
}

#[test]
fn a_folder_without_award_toml() {
    let d = Dir::empty();
    d.write("scores.csv", OK_SCORES);
    has(
        &d.refused(),
        &["this folder has no award.toml, so it is not an award folder"],
    );
}

#[test]
fn a_folder_without_scores_csv() {
    let d = Dir::empty();
    d.write("award.toml", crate::util::RUBRIC);
    has(
        &d.refused(),
        &["scores.csv: there are no scores yet: add scores.csv, or scores.xlsx"],
    );
}

#[test]
fn an_empty_scores_file() {
    has(
        &Dir::award("", "").refused(),
        &["scores.csv", "the file is empty"],
    );
}

#[test]
fn a_scores_file_with_a_header_and_no_scores() {
    // Blank lines are not rows: the file still has no score.
    for csv in [
        "juror,proposal,criterion,score\n",
        "juror,proposal,criterion,score\n\n\r\n",
    ] {
        has(
            &Dir::award("", csv).refused(),
            &["scores.csv", "a header but no scores"],
        );
    }
    // A header that cannot give a score is the problem, not the rows under it.
    let err = Dir::award("", "juror,proposal,comment\nJ1,P1,x\n").refused();
    has(&err, &["missing criterion columns"]);
    assert!(!err.contains("no scores"), "{err}");
}

#[test]
fn toml_syntax_error_names_its_line() {
    has(
        &Dir::award("[award]\nwinners = = 3\n", OK_SCORES).refused(),
        &["award.toml:2"],
    );
}

#[test]
fn an_unknown_key_in_award_toml_is_a_typo_not_a_silence() {
    has(
        &Dir::award("[ranking]\nmin_review = 3\n", OK_SCORES).refused(),
        &["award.toml:2", "unknown field `min_review`"],
    );
}

#[test]
fn a_missing_column() {
    has(
        &Dir::award("", "juror,criterion,score\nJ1,innovation,4\n").refused(),
        &["scores.csv:1", "missing column 'proposal'"],
    );
}

#[test]
fn a_score_that_is_not_a_number() {
    let scores = "juror,proposal,criterion,score\nJ1,P1,innovation,4\nJ1,P1,impact,four\n";
    has(
        &Dir::award("", scores).refused(),
        &[
            "scores.csv:3: column 'score': value \"four\"",
            "not a number",
            "from 1 to 5",
        ],
    );
}

#[test]
fn nan_and_infinity_are_not_scores() {
    let scores = "juror,proposal,criterion,score\nJ1,P1,innovation,NaN\nJ1,P1,impact,inf\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &["scores.csv:2", "\"NaN\"", "scores.csv:3", "\"inf\""],
    );
}

#[test]
fn off_scale_and_off_step_scores() {
    let scores = "juror,proposal,innovation,impact\nJ1,P1,6,3.5\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &[
            "scores.csv:2: column 'innovation': value \"6\"",
            "scores.csv:2: column 'impact': value \"3.5\"",
            "in steps of 1",
        ],
    );
    // The value as written in the file, not as the number reads back.
    let scores = "juror,proposal,criterion,score\nJ1,P1,innovation,1e308\nJ1,P1,impact,.5\n";
    has(
        &Dir::award("", scores).refused(),
        &[
            "scores.csv:2: column 'score': value \"1e308\"",
            "scores.csv:3: column 'score': value \".5\"",
        ],
    );
}

#[test]
fn a_decimal_comma_is_explained() {
    let scores = "juror,proposal,innovation,impact\nJ1,P1,\"3,5\",3\n";
    has(
        &Dir::award("", scores).refused(),
        &[
            "\"3,5\"",
            "a decimal comma where cells are separated by commas",
            "save the file with ';' between cells",
        ],
    );
}

#[test]
fn the_same_score_given_twice() {
    let scores =
        "juror,proposal,criterion,score\nJ1,P1,innovation,4\nJ1,P1,impact,3\nJ1,P1,innovation,5\n";
    has(
        &Dir::award("", scores).refused(),
        &["scores.csv:4", "a second time (first on line 2)"],
    );
}

#[test]
fn a_score_given_three_times_is_reported_twice_against_its_first_line() {
    let scores = "juror,proposal,criterion,score\nJ1,P1,impact,3\nJ1,P1,impact,4\nJ1,P1,impact,5\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &[
            "scores.csv:3: juror 'J1' scores proposal 'P1' on criterion 'impact' a second time (first on line 2)",
            "scores.csv:4: juror 'J1' scores proposal 'P1' on criterion 'impact' a second time (first on line 2)",
        ],
    );
}

#[test]
fn an_unknown_criterion_in_long_and_wide_form() {
    let long = "juror,proposal,criterion,score\nJ1,P1,novelty,4\n";
    has(
        &Dir::award("", long).refused(),
        &[
            "scores.csv:2: column 'criterion': value \"novelty\"",
            "innovation, impact",
        ],
    );
    let wide = "juror,proposal,innovation,impact,novelty\nJ1,P1,4,4,4\n";
    has(
        &Dir::award("", wide).refused(),
        &["scores.csv:1: column 'novelty'", "unknown column"],
    );
    let missing = "juror,proposal,innovation\nJ1,P1,4\n";
    has(
        &Dir::award("", missing).refused(),
        &["missing criterion column impact"],
    );
}

#[test]
fn an_unknown_column_in_long_form_and_in_conflicts_is_a_typo_not_a_silence() {
    // A misspelt `confidence` would drop every weight unseen, and a criterion column beside
    // `criterion` and `score` would drop its scores.
    for (header, column) in [
        ("juror,proposal,criterion,score,confidance", "confidance"),
        ("juror,proposal,criterion,score,innovation", "innovation"),
    ] {
        let d = Dir::award("", &format!("{header}\nJ1,P1,impact,3,0.1\n"));
        has(
            &d.refused(),
            &[
                &format!("scores.csv:1: column '{column}'"),
                "unknown column",
            ],
        );
    }
    let d = Dir::award("", OK_SCORES);
    d.write("conflicts.csv", "juror,proposal,reasn\nJ1,P1,works there\n");
    has(
        &d.refused(),
        &["conflicts.csv:1: column 'reasn'", "unknown column"],
    );
}

#[test]
fn a_misnamed_or_unreadable_optional_file_is_not_taken_as_absent() {
    // Read under its own name, `Conflicts.csv` would be skipped, and every conflict with it.
    let d = Dir::award("", OK_SCORES);
    d.write("Conflicts.csv", "juror,proposal\nJ1,P1\n");
    if !d.join("conflicts.csv").exists() {
        // (A file system that ignores letter case reads it as conflicts.csv.)
        has(
            &d.refused(),
            &["Conflicts.csv", "rename the file to conflicts.csv"],
        );
    }
    let d = Dir::award("", OK_SCORES);
    d.write("proposal.csv", "id,title\nP1,One\n");
    has(
        &d.refused(),
        &["proposal.csv", "rename the file to proposals.csv"],
    );
    // Found by a review: a hidden `.txt` (Notepad), a space before the extension, a
    // workbook misnamed; a backup is left alone.
    let d = Dir::award("", OK_SCORES);
    for name in [
        "conflicts.csv.txt",
        "conflicts .csv",
        "conflict.xlsx",
        "conflicts.csv.bak",
    ] {
        d.write(name, "juror,proposal\nJ1,P1\n");
    }
    let err = d.refused();
    has(
        &err,
        &[
            "conflicts.csv.txt: value \"conflicts.csv.txt\": this looks like conflicts.csv",
            "conflicts .csv: value",
            "conflict.xlsx: value \"conflict.xlsx\": this looks like conflicts.xlsx, which jury reads by that exact name only; rename the file to conflicts.xlsx",
        ],
    );
    assert!(!err.contains(".bak"), "{err}");
    // A folder named like a list (application PDFs), or notes in a .txt, is no list (found
    // on a last read: both refused the award).
    let d = Dir::award("", OK_SCORES);
    std::fs::create_dir(d.join("proposals")).unwrap();
    d.write("jurors.txt", "J1 is the chair");
    jury().arg("validate").arg(d.path()).assert().success();
    // A folder where a file should be: there, but not readable.
    let d = Dir::award("", OK_SCORES);
    std::fs::create_dir(d.join("proposals.csv")).unwrap();
    has(&d.refused(), &["proposals.csv", "cannot read the file"]);
}

#[test]
fn a_conflict_naming_an_id_that_nothing_else_names_is_a_typo() {
    // Without jurors.csv and proposals.csv, "P7" for P1 would declare a conflict that
    // applies to no score, and add a proposal with no reviews to the ranking.
    let d = Dir::award("", OK_SCORES);
    d.write("conflicts.csv", "juror,proposal\nJ1,P7\nJ9,P1\n");
    has(
        &d.refused(),
        &[
            "conflicts.csv:2: column 'proposal': value \"P7\"",
            "no score names this proposal",
            "conflicts.csv:3: column 'juror': value \"J9\"",
        ],
    );
    // A juror listed in jurors.csv may declare a conflict without scoring anything.
    let d = Dir::award("", OK_SCORES);
    d.write("jurors.csv", "id\nJ1\nJ9\n");
    d.write("conflicts.csv", "juror,proposal\nJ9,P1\n");
    d.jury(&["validate"]).assert().success();
}

#[test]
fn a_file_without_line_breaks_is_refused_not_held_in_memory() {
    // 65 MiB on one line: more than any record (64 MiB) can be.
    let mut csv = b"juror,proposal,criterion,score\nJ1,P1,impact,3\n".to_vec();
    csv.resize(csv.len() + (65 << 20), b'x');
    let d = Dir::award("", "");
    d.write_bytes("scores.csv", &csv);
    has(
        &d.refused(),
        &["scores.csv:3", "a record longer than 64 MiB"],
    );
    // So is a list, read record by record.
    let mut list = b"id,title\nP1,".to_vec();
    list.resize(list.len() + (65 << 20), b'x');
    let d = Dir::award("", OK_SCORES);
    d.write_bytes("proposals.csv", &list);
    has(
        &d.refused(),
        &["proposals.csv", "a record longer than 64 MiB"],
    );
}

#[test]
fn an_id_with_a_control_character_is_refused_and_shown_escaped() {
    // "P2 ESC [2J" would clear the terminal wherever the id is printed.
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ1,P2\u{1b}[2J,3,3\n",
    );
    let err = d.refused();
    has(
        &err,
        &[
            "scores.csv:3: column 'proposal': value \"P2\\u{1b}[2J\"",
            "control character",
        ],
    );
    assert!(!err.contains('\u{1b}'), "{err}");
}

#[test]
fn a_criterion_column_given_twice_is_one_problem_not_one_a_row() {
    let scores = "juror,proposal,innovation,impact,Innovation\nJ1,P1,4,4,4\nJ2,P1,3,3,3\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &[
            "scores.csv:1: column 'Innovation'",
            "given twice",
            "1 problem found",
        ],
    );
}

#[test]
fn a_list_with_a_header_and_no_one_on_it_is_refused_not_ignored() {
    // Taken as no list, it would check no id at all.
    for (file, whom) in [("proposals.csv", "proposals"), ("jurors.csv", "jurors")] {
        let d = Dir::award("", OK_SCORES);
        d.write(file, "id,title,name,country\n");
        has(&d.refused(), &[file, &format!("a header but no {whom}")]);
    }
}

#[test]
fn more_threads_than_a_machine_could_start_are_refused() {
    // Found in review: a --threads the system cannot start panicked in rayon.
    let d = Dir::award("", OK_SCORES);
    let out = d.jury(&["score", "--threads", "100000"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    has(&stderr, &["--threads", "1..=1024"]);
}

#[test]
fn compare_refuses_a_format_it_does_not_print() {
    // Found in review: `compare --format json` printed the table (it prints JSON now).
    let d = Dir::award("", OK_SCORES);
    let out = d.jury(&["compare", "--format", "xml"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    has(&stderr, &["'xml'", "table, csv, json"]);
}

#[test]
fn rows_of_commas_are_skipped_as_empty_lines_are() {
    // Spreadsheets export rows of commas below their data; found in review: one such row
    // gave a dozen "blank id" errors. They hold no score, so they are no rows at all.
    let commas = "juror,proposal,innovation,impact\nJ1,P1,4,4\n,,,\n ,, ,\nJ2,P1,3,3\n,,,\n";
    let plain = "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P1,3,3\n";
    let ranking = |scores: &str| {
        let d = Dir::award("", scores);
        d.write("proposals.csv", "id,title\nP1,One\n,\n");
        d.jury(&["score", "--format", "csv"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(ranking(commas), ranking(plain));
    // A row with something in it is still checked.
    has(
        &Dir::award("", "juror,proposal,innovation,impact\n,,4,\n").refused(),
        &["scores.csv:2: column 'juror': the juror id is blank"],
    );
    let d = Dir::award("", OK_SCORES);
    d.write(
        "proposals.csv",
        "id,title\n,A title without its id\nP1,One\n",
    );
    has(
        &d.refused(),
        &["proposals.csv:2: column 'id': the id is blank"],
    );
}

#[test]
fn ids_not_in_the_lists() {
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\nJ2,P9,3,3\nJX,P1,2,2\n",
    );
    d.write("proposals.csv", "id,title\nP1,One\n");
    d.write("jurors.csv", "id,name\nJ1,Ana\nJ2,Ben\n");
    let err = d.refused();
    has(
        &err,
        &[
            "scores.csv:3: column 'proposal': value \"P9\"",
            "unknown proposal id",
            "scores.csv:4: column 'juror': value \"JX\"",
        ],
    );
}

#[test]
fn duplicate_ids_in_a_list() {
    let d = Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,4,4\n");
    d.write("proposals.csv", "id,title\nP1,One\nP1,Again\n");
    has(&d.refused(), &["proposals.csv:3", "given twice"]);
}

#[test]
fn invalid_utf8() {
    let d = Dir::award("", "");
    d.write_bytes(
        "scores.csv",
        b"juror,proposal,innovation,impact,comment\nJ1,P1,4,4,caf\xe9\n",
    );
    has(
        &d.refused(),
        &["scores.csv:2", "column 'comment'", "not valid UTF-8"],
    );
}

#[test]
fn a_row_with_the_wrong_number_of_cells() {
    has(
        &Dir::award("", "juror,proposal,innovation,impact\nJ1,P1,4,4,4\n").refused(),
        &["scores.csv:2", "the row has 5 cells, the header has 4"],
    );
}

#[test]
fn lines_are_counted_as_an_editor_shows_them_in_windows_files_and_over_blank_lines() {
    // Line 4 (CRLF line ends, a blank line 3) holds the bad score, in scores.csv read in
    // pieces and in proposals.csv (quoted titles) read record by record.
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\r\nJ1,P1,4,4\r\n\r\nJ1,P2,4,9\r\n",
    );
    d.write(
        "proposals.csv",
        "id,title\r\nP1,\"One, two\"\r\n\r\nP1,\"Again\"\r\nP2,Two\r\n",
    );
    has(
        &d.refused(),
        &[
            "scores.csv:4",
            "column 'impact'",
            "proposals.csv:4",
            "given twice",
        ],
    );
}

#[test]
fn lines_are_counted_as_an_editor_shows_them_in_files_with_lone_carriage_returns() {
    // An old Macintosh file, each line ended by a lone CR: the bad score is on line 4 (the
    // blank line 3 counts), and so it is after a single lone CR in a Unix file.
    for csv in [
        "juror,proposal,innovation,impact\rJ1,P1,4,4\r\rJ1,P2,4,9\r",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\rJ2,P1,3,3\nJ1,P2,4,9\n",
    ] {
        has(
            &Dir::award("", csv).refused(),
            &["scores.csv:4", "column 'impact'"],
        );
    }
}

#[test]
fn non_positive_or_non_finite_weights_and_thresholds_off_the_scale() {
    let d = Dir::empty();
    d.write("scores.csv", OK_SCORES);
    d.write(
        "award.toml",
        "[rubric]\nscale = { min = 1, max = 5, step = 1 }\n\
         [[rubric.criterion]]\nid = 'innovation'\nweight = 0\n\
         [[rubric.criterion]]\nid = 'impact'\nweight = nan\nthreshold = 6\n",
    );
    let err = d.refused();
    has(
        &err,
        &[
            "award.toml:5",
            "positive finite",
            "award.toml:8",
            "award.toml:9: column 'threshold'",
        ],
    );
}

#[test]
fn a_rubric_path_that_does_not_exist() {
    let d = Dir::empty();
    d.write("scores.csv", OK_SCORES);
    d.write("award.toml", "rubric = \"../nowhere.toml\"\n");
    has(
        &d.refused(),
        &["cannot read the rubric file '../nowhere.toml'"],
    );
}

#[test]
fn attributes_named_in_settings_that_no_file_has() {
    let d = Dir::award(
        "[ranking]\nmax_per = { region = 1 }\n[conflicts]\nsame = ['country']\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,4\n",
    );
    d.write("proposals.csv", "id,title,country\nP1,One,RS\n");
    let err = d.refused();
    // Each names the line of its setting: award.toml is these settings, then the rubric.
    has(
        &err,
        &[
            "award.toml:2: column 'max_per': value \"region\": [ranking] max_per names the attribute 'region', but proposals.csv has no such column",
            "award.toml:4: column 'same': value \"country\": [conflicts] same names the attribute 'country', but jurors.csv has no such column",
        ],
    );
}

#[test]
fn a_confidence_must_be_positive() {
    let scores = "juror,proposal,innovation,impact,confidence\nJ1,P1,4,4,0\nJ2,P1,4,4,high\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &[
            "scores.csv:2: column 'confidence'",
            "scores.csv:3",
            "\"high\"",
        ],
    );
}

#[test]
fn validate_lists_every_problem_in_every_file_at_once() {
    let d = Dir::award(
        "",
        "juror,proposal,innovation,impact\nJ1,P1,9,4\nJ1,P2,4,x\nJ1,P2,4,4\n",
    );
    d.write("conflicts.csv", "juror,proposal\nJ1,\n");
    let assert = d.jury(&["validate"]).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    has(
        &err,
        &[
            "conflicts.csv:2",
            "scores.csv:2: column 'innovation'",
            "scores.csv:3: column 'impact'",
            "scores.csv:4",
            "4 problems found",
        ],
    );
}

#[test]
fn validate_passes_a_good_award_with_exit_0() {
    Dir::award("", OK_SCORES)
        .jury(&["validate"])
        .assert()
        .success()
        .stdout(predicates::str::contains("no problems found"));
}

#[test]
fn usage_errors_exit_2() {
    jury().args(["score"]).assert().code(2);
    jury()
        .args(["score", ".", "--method", "magic"])
        .assert()
        .code(2);
    jury()
        .args(["score", ".", "--winners", "0"])
        .assert()
        .code(2);
}

#[test]
fn a_bootstrap_count_past_its_limit_is_refused_in_award_toml_with_its_line() {
    // The limit is jury::advanced::limits::MAX_BOOTSTRAP (docs/methods.md); the review's 10^10 passed validate
    // and then aborted `jury score` allocating replicates.
    let d = Dir::award("[uncertainty]\nbootstrap = 10000000000\n", OK_SCORES);
    let assert = d.jury(&["validate"]).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    has(
        &err,
        &[
            "award.toml:2: column 'bootstrap'",
            "\"10000000000\"",
            "from 0 to 100000",
        ],
    );
    has(&d.refused(), &["award.toml:2", "from 0 to 100000"]);
}

#[test]
fn bootstrap_and_trim_flags_past_their_limits_exit_2_naming_the_flag() {
    // The review's overflowing flags panicked (capacity overflow; `2 * trim` wrapping).
    let d = Dir::award("", OK_SCORES);
    for (flags, named) in [
        (&["--bootstrap", "18446744073709551615"][..], "--bootstrap"),
        (&["--bootstrap", "100001"][..], "--bootstrap"),
        (
            &["--aggregate", "trimmed", "--trim", "9223372036854775808"][..],
            "--trim",
        ),
        (&["--trim", "8388608"][..], "--trim"),
    ] {
        let assert = jury()
            .arg("score")
            .arg(d.path())
            .args(flags)
            .assert()
            .code(2);
        let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        has(&err, &[named, flags[flags.len() - 1]]);
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_trim_at_its_limit_keeps_no_score_and_every_value_is_the_median() {
    // Per docs/methods.md: with 2 × trim scores or fewer the median is used, with a warning.
    // Two jurors' 4 and 2 on innovation: median 3; impact 3 and 5: median 4.
    let d = Dir::award(
        "[normalization]\nmethod = 'none'\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,3\nJ2,P1,2,5\n",
    );
    let assert = jury()
        .arg("score")
        .arg(d.path())
        .args([
            "--aggregate",
            "trimmed",
            "--trim",
            "8388607",
            "--format",
            "csv",
        ])
        .assert()
        .success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(out.contains("\n1,P1,,10,yes,yes,2,3,4,"), "{out}");
    assert!(err.contains("too few to trim"), "{err}");
}

#[test]
fn an_award_toml_past_16_mib_is_refused_unread() {
    // Settings and rubrics are a few KB; a file of gigabytes would be read whole to parse.
    let d = Dir::award("", OK_SCORES);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(d.join("award.toml"))
        .unwrap();
    file.set_len(17 << 20).unwrap();
    has(&d.refused(), &["award.toml", "larger than 16 MiB"]);
}

#[test]
fn a_quote_never_closed_is_refused_not_read_as_one_cell_to_the_end() {
    // Found by a review: a comment opened with a quote and never closed made every later row
    // part of one comment cell; ten of twelve scores were dropped without a word, and
    // validate found no problem.
    let scores = "juror,proposal,innovation,impact,comment\n\
                  J1,P1,1,1,\"Weak plan\n\
                  J2,P1,5,5,ok\nJ3,P1,5,5,fine\nJ1,P2,3,3,\nJ2,P2,3,3,\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &["scores.csv:2: a quote opened in this row is never closed"],
    );
    // A conflict whose reason is never closed would drop every conflict after it.
    let d = Dir::award("", OK_SCORES);
    d.write(
        "conflicts.csv",
        "juror,proposal,reason\nJ1,P2,\"sits on the board\nJ2,P1,co-author\n",
    );
    has(
        &d.refused(),
        &["conflicts.csv:2: a quote opened in this row is never closed"],
    );
    // Closed too late, by the quote that opens a cell on the next line: P2 would be part of
    // P1's library, and the file would hold one proposal.
    let d = Dir::award("", OK_SCORES);
    d.write(
        "proposals.csv",
        "id,title,library\nP1,One,\"City Library\nP2,Two,\"Library of Nis\"\n",
    );
    has(
        &d.refused(),
        &["proposals.csv:2: a quoted cell in this row goes on after its closing quote"],
    );
    // Closed too late, and the row too long: the message says where to look.
    let d = Dir::award("", OK_SCORES);
    d.write(
        "proposals.csv",
        "id,title,library\nP1,One,\"City Library\nP2,Two,Library of Nis\",x\n",
    );
    has(
        &d.refused(),
        &["proposals.csv:2: the row has 4 cells", "a quote left open"],
    );
}

#[test]
fn an_id_with_an_invisible_character_or_a_quote_kept_by_a_space_is_refused() {
    // Found by a review: `J2, "P1"` (a space before the opening quote) kept the quotes and
    // made a proposal `"P1"` apart from `P1`; a zero-width space made `P01` two proposals
    // that look the same. Either could win on one review, without a word.
    let scores = "juror,proposal,innovation,impact\nJ1,P1,4,3\nJ2, \"P1\",1,1\n\
                  J1,P01\u{200B},5,5\nJ3,\u{202E}P2,3,3\n";
    let err = Dir::award("", scores).refused();
    has(
        &err,
        &[
            "scores.csv:3: column 'proposal': value \"\\\"P1\\\"\": the proposal id begins with a quote",
            "scores.csv:4: column 'proposal': value \"P01\\u{200b}\": the proposal id holds an invisible character (U+200B)",
            "scores.csv:5: column 'proposal'",
            "(U+202E)",
        ],
    );
}

#[test]
fn a_refused_setting_does_not_hide_the_problems_of_the_lists_and_scores() {
    // Found by a review: `winners = 0` stopped the load before any CSV file was read, so
    // the user fixed it only to meet three more problems.
    let d = Dir::award(
        "[award]\nwinners = 0\n",
        "juror,proposal,innovation,impact\nJ1,P1,4,9\nJ2,P1,4\n",
    );
    d.write("proposals.csv", "id,title\nP1,One\nP1,Again\n");
    has(
        &d.refused(),
        &[
            "award.toml:2: column 'winners'",
            "proposals.csv:3: column 'id': value \"P1\": this proposal id is given twice",
            "scores.csv:2: column 'impact': value \"9\"",
            "scores.csv:3: the row has 3 cells",
            "4 problems found",
        ],
    );
}

#[test]
fn a_header_after_empty_lines_is_named_on_its_own_line() {
    // Found by a review: every header problem said line 1, though empty lines before the
    // header are skipped and counted for the rows below it.
    let d = Dir::award(
        "",
        "\n\njuror,proposal,innovation,impact,bogus\nJ1,P1,4,9,\n",
    );
    d.write("proposals.csv", "\nid,title,title\nP1,One,Two\n");
    has(
        &d.refused(),
        &[
            "scores.csv:3: column 'bogus'",
            "scores.csv:4: column 'impact': value \"9\"",
            "proposals.csv:2: column 'title': value \"title\": this column is given twice",
        ],
    );
}

#[test]
fn a_list_column_without_a_name_must_be_empty_and_an_attribute_must_have_a_name() {
    // Found by a review: a trailing comma in a list's header made an attribute named "",
    // and `max_per = { "" = 1 }` was taken.
    let d = Dir::award("[ranking]\nmax_per = { \"\" = 1 }\n", OK_SCORES);
    d.write(
        "proposals.csv",
        "id,title,country,\nP1,One,RS,oops\nP2,Two,RS,\n",
    );
    let err = d.refused();
    has(
        &err,
        &[
            "award.toml:2: column 'max_per': value \"\": an attribute name cannot be blank",
            "proposals.csv:2: column '#4': value \"oops\": this column has no name",
        ],
    );
    assert!(!err.contains("proposals.csv:3"), "{err}");
    // Empty under nameless columns: the spreadsheet's trailing commas, taken.
    let d = Dir::award("", OK_SCORES);
    d.write("proposals.csv", "id,title,country,,\nP1,One,RS,,\n");
    jury().arg("validate").arg(d.path()).assert().success();
}
