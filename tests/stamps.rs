//! `[input] duplicates = "last"` with a timestamp column: of the rows scoring one (juror,
//! proposal, criterion), the one sent last by its timestamp wins, wherever it stands in the
//! table; a timestamp that cannot be read, or a day order that cannot be told, is refused
//! when it decides which row wins.

use crate::input::{folder, ranking, replaced_rows, NAMED, PLAIN};
use crate::util::Dir;

const LAST: &str = "[input]\nduplicates = \"last\"\n";

/// PLAIN with J2's review of P1 as sent again: 3.5 and 4.5 instead of 4 and 4.
fn again() -> String {
    PLAIN.replace("J2,P1,4,4", "J2,P1,3.5,4.5")
}

/// A form export of PLAIN: header, then on line 2 J2's second form for P1 (3.5, 4.5) sent
/// at `second`, then PLAIN's rows on lines 3 to 8 (J2's first form for P1 on line 5, sent
/// at `first`; the others at `others`).
fn form(second: &str, first: &str, others: &str) -> String {
    let mut csv = String::from("Timestamp,Juror,Proposal,innovation,impact\n");
    csv.push_str(&format!("{second},J2,P1,3.5,4.5\n"));
    for line in PLAIN.lines().skip(1) {
        let at = if line.starts_with("J2,P1,") {
            first
        } else {
            others
        };
        csv.push_str(&format!("{at},{line}\n"));
    }
    csv
}

#[test]
fn the_row_sent_last_wins_even_above_the_first() {
    // Google Forms' own format; the second form (line 2) was sent on 9 May, the first
    // (line 5) on 3 May: line 2 wins, so the ranking is `again`'s, not PLAIN's.
    let csv = form(
        "2016/05/09 1:00:00 PM GMT+3",
        "2016/05/03 10:00:00 AM GMT+3",
        "2016/05/01 10:00:00 AM GMT+3",
    );
    let d = folder(LAST, csv.as_bytes());
    let (want, _) = ranking(&folder("", again().as_bytes()));
    let (got, stderr) = ranking(&d);
    assert_eq!(got, want);
    assert!(
        stderr.contains("scores.csv: 2 scores replaced by a row sent later by column 'Timestamp' for the same juror, proposal and criterion"),
        "{stderr}"
    );
    assert_eq!(
        replaced_rows(&d),
        [
            "J2,P1,innovation,4,1,,replaced,given at scores.csv:5; replaced by the row at scores.csv:2",
            "J2,P1,impact,4,1,,replaced,given at scores.csv:5; replaced by the row at scores.csv:2",
        ]
    );
    // With the timestamp column ignored, the row furthest down (line 5) wins: PLAIN.
    let ignored = format!("{LAST}ignore = [\"Timestamp\"]\n");
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    assert_eq!(ranking(&folder(&ignored, csv.as_bytes())).0, plain);
}

#[test]
fn completion_time_or_a_mapped_column_orders_the_rows_never_start_time() {
    let (want_again, _) = ranking(&folder("", again().as_bytes()));
    // Microsoft Forms: line 2 was started before line 5 but completed after it: completion
    // counts, so line 2 wins.
    let csv = form(
        "2016-05-01 09:00,2016-05-09 10:00",
        "2016-05-02 09:00,2016-05-03 10:00",
        "2016-05-01 09:00,2016-05-01 10:00",
    )
    .replace("Timestamp,", "Start time,Completion time,");
    let (got, stderr) = ranking(&folder(LAST, csv.as_bytes()));
    assert_eq!(got, want_again);
    assert!(stderr.contains("by column 'Completion time'"), "{stderr}");
    // Another form tool's column, mapped onto `timestamp`.
    let csv = form("2016-05-09 10:00", "2016-05-03 10:00", "2016-05-01 10:00")
        .replace("Timestamp,", "Submitted at,");
    let mapped = format!("{LAST}columns = {{ timestamp = \"Submitted at\" }}\n");
    let (got, stderr) = ranking(&folder(&mapped, csv.as_bytes()));
    assert_eq!(got, want_again);
    assert!(stderr.contains("by column 'Submitted at'"), "{stderr}");
}

#[test]
fn a_column_is_read_day_first_or_month_first_as_its_values_say() {
    let (want_again, _) = ranking(&folder("", again().as_bytes()));
    let (want_plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    // 13/05 can only be day-first: line 2's 04/07 is 4 July, line 5's 05/06 is 5 June;
    // line 2 wins.
    let csv = form("04/07/2016 09:00", "05/06/2016 10:00", "13/05/2016 10:00");
    let (got, stderr) = ranking(&folder(LAST, csv.as_bytes()));
    assert_eq!(got, want_again);
    assert!(stderr.contains("(read day-first)"), "{stderr}");
    // 05/13 can only be month-first: 04/07 is 7 April, 05/06 is 6 May; line 5 wins.
    let csv = form("04/07/2016 09:00", "05/06/2016 10:00", "05/13/2016 10:00");
    let (got, stderr) = ranking(&folder(LAST, csv.as_bytes()));
    assert_eq!(got, want_plain);
    assert!(stderr.contains("(read month-first)"), "{stderr}");
    // Dots are always day-first; ISO 8601 year first.
    let csv = form(
        "04.07.2016 09:00:00",
        "05.06.2016 10:00:00",
        "01.05.2016 10:00",
    );
    assert_eq!(ranking(&folder(LAST, csv.as_bytes())).0, want_again);
    let csv = form("2016-05-12T10:00:01", "2016-05-12 10:00:00", "2016-05-01");
    assert_eq!(ranking(&folder(LAST, csv.as_bytes())).0, want_again);
}

#[test]
fn an_undecided_day_order_is_refused_where_it_decides_which_row_wins() {
    // No value has a part above 12: 04/07 against 05/06 is 4 July after 5 June day-first,
    // but 7 April before 6 May month-first.
    let csv = form("04/07/2016 09:00", "05/06/2016 10:00", "01/05/2016 10:00");
    let err = folder(LAST, csv.as_bytes()).refused();
    assert!(
        err.contains("scores.csv:5: column 'Timestamp': value \"05/06/2016 10:00\": juror 'J2' scores proposal 'P1' on criterion 'impact' in 2 rows; which was sent last depends on whether the dates in column 'Timestamp' are day first")
            && err.contains("set [input] timestamp_format = \"day-first\" or \"month-first\" in award.toml"),
        "{err}"
    );
    // Set, it is read so.
    let (want_again, _) = ranking(&folder("", again().as_bytes()));
    let (want_plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    let day = format!("{LAST}timestamp_format = \"day-first\"\n");
    assert_eq!(ranking(&folder(&day, csv.as_bytes())).0, want_again);
    let month = format!("{LAST}timestamp_format = \"month-first\"\n");
    assert_eq!(ranking(&folder(&month, csv.as_bytes())).0, want_plain);
    // Where both readings agree (07/08 is after 05/06 either way), nothing is asked.
    let csv = form("07/08/2016 09:00", "05/06/2016 10:00", "01/05/2016 10:00");
    assert_eq!(ranking(&folder(LAST, csv.as_bytes())).0, want_again);
}

#[test]
fn a_timestamp_that_cannot_be_read_is_refused_where_it_decides() {
    let csv = form("yesterday", "2016-05-03 10:00", "2016-05-01 10:00");
    let err = folder(LAST, csv.as_bytes()).refused();
    assert!(
        err.contains("scores.csv:2: column 'Timestamp': value \"yesterday\": not a timestamp jury reads; juror 'J2' scores proposal 'P1'")
            && err.contains("expected a date and time such as 2016-05-12 10:22:31")
            && err.contains("list the column in [input] ignore"),
        "{err}"
    );
    // Two rows at one time cannot be told apart.
    let csv = form(
        "2016-05-03 10:00",
        "2016-05-03 10:00:00",
        "2016-05-01 10:00",
    );
    let err = folder(LAST, csv.as_bytes()).refused();
    assert!(
        err.contains("has the same timestamp as another (first on line 2)"),
        "{err}"
    );
    // On a row no other row replaces, it decides nothing and is not read.
    let csv = form("2016-05-09 10:00", "2016-05-03 10:00", "n/a");
    let (want_again, _) = ranking(&folder("", again().as_bytes()));
    assert_eq!(ranking(&folder(LAST, csv.as_bytes())).0, want_again);
}

#[test]
fn with_duplicates_refused_the_timestamps_are_not_read() {
    // No score given twice: timestamps that are no dates change nothing.
    let mut csv = String::from("Timestamp,Juror,Proposal,innovation,impact\n");
    for line in PLAIN.lines().skip(1) {
        csv.push_str(&format!("whenever,{line}\n"));
    }
    let (plain, _) = ranking(&folder("", PLAIN.as_bytes()));
    assert_eq!(ranking(&folder("", csv.as_bytes())).0, plain);
    // A score given twice is the error it always was, whatever the times say.
    let csv = form("2016-05-09 10:00", "2016-05-03 10:00", "2016-05-01 10:00");
    let err = folder("", csv.as_bytes()).refused();
    assert!(
        err.contains("scores.csv:5: juror 'J2' scores proposal 'P1' on criterion 'innovation' a second time (first on line 2)"),
        "{err}"
    );
}

/// A folder with `scores.xlsx` holding `csv` on sheet `Scores`, its first column's cells
/// below the header typed as datetimes (text where they are no ISO 8601 datetime).
fn workbook(csv: &str) -> Dir {
    let d = Dir::empty();
    d.write("award.toml", &format!("{LAST}\n{NAMED}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Scores").unwrap();
    let when = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            let datetime = rust_xlsxwriter::ExcelDateTime::parse_from_str(cell);
            match (cell.parse::<f64>(), datetime) {
                (_, Ok(t)) if r > 0 && c == 0 => {
                    sheet.write_datetime_with_format(r, c, &t, &when).unwrap()
                }
                (Ok(x), _) => sheet.write_number(r, c, x).unwrap(),
                _ => sheet.write_string(r, c, cell).unwrap(),
            };
        }
    }
    book.save(d.join("scores.xlsx")).unwrap();
    d
}

#[test]
fn a_workbook_with_datetime_cells_is_ordered_by_them() {
    // Microsoft Forms' "Completion time", typed as datetimes: row 2 was completed on 9 May,
    // row 5 on 3 May: row 2 wins.
    let csv = form(
        "2016-05-09T10:00:00",
        "2016-05-03T10:00:00",
        "2016-05-01T10:00:00",
    )
    .replace("Timestamp", "Completion time");
    let (want, _) = ranking(&folder("", again().as_bytes()));
    let (got, stderr) = ranking(&workbook(&csv));
    assert_eq!(got, want);
    assert!(stderr.contains("by column 'Completion time'"), "{stderr}");
    // A text cell that is no timestamp is refused at its cell.
    let csv = form("soon", "2016-05-03T10:00:00", "2016-05-01T10:00:00");
    let err = workbook(&csv).refused();
    assert!(
        err.contains("scores.xlsx, sheet 'Scores', cell A2: column 'Timestamp': value \"soon\": not a timestamp jury reads"),
        "{err}"
    );
}

#[test]
fn in_a_folder_of_sheets_the_timestamp_beats_the_files_name_order() {
    // `scores/a.csv` holds J2's second form for P1 (9 May), `scores/b.csv` the rest with the
    // first (3 May): by name order b's row would win; by time a's does.
    let csv = form("2016-05-09 10:00", "2016-05-03 10:00", "2016-05-01 10:00");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let second = lines.next().unwrap();
    let rest: Vec<&str> = lines.collect();
    let d = Dir::empty();
    d.write("award.toml", &format!("{LAST}\n{NAMED}"));
    std::fs::create_dir(d.join("scores")).unwrap();
    d.write("scores/a.csv", &format!("{header}\n{second}\n"));
    d.write("scores/b.csv", &format!("{header}\n{}\n", rest.join("\n")));
    let (want, _) = ranking(&folder("", again().as_bytes()));
    let (got, _) = ranking(&d);
    assert_eq!(got, want);
    let out = d.join("out");
    let args = ["score", "--method", "none", "--out", out.to_str().unwrap()];
    d.jury(&args).assert().success();
    let audit = std::fs::read_to_string(out.join("scores.csv")).unwrap();
    assert!(
        audit.contains("J2,P1,innovation,4,1,,replaced,given at scores/b.csv:4; replaced by the row at scores/a.csv:2"),
        "{audit}"
    );
}
