//! Tests of the CSV reports: unique column names, spreadsheet-safe cells, the row order
//! and the same bytes on any number of threads.

use super::*;

fn written(report: &dyn Report, award: &Award, outcome: &Outcome) -> String {
    let mut out = Vec::new();
    report.write(award, outcome, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// `Columns` with `reserved` taken, claiming `names` under `prefix`.
fn claimed(reserved: &[&str], names: &[&str], prefix: &str) -> Vec<String> {
    let mut columns = Columns::default();
    columns.reserve(reserved);
    columns.claim(names, prefix)
}

#[test]
fn a_taken_name_is_prefixed_until_it_is_unique_in_either_order() {
    // The review's proposals.csv: columns `rank` and `proposal_rank` gave two columns
    // named `proposal_rank`. The rule is Columns' documented one.
    let want = ["proposal_proposal_rank", "proposal_rank"];
    assert_eq!(
        claimed(&["rank", "note"], &["rank", "proposal_rank"], "proposal_"),
        want
    );
    assert_eq!(
        claimed(&["rank", "note"], &["proposal_rank", "rank"], "proposal_"),
        [want[1], want[0]]
    );
    assert_eq!(
        claimed(
            &["note"],
            &["note", "proposal_note", "proposal_proposal_note"],
            "proposal_"
        ),
        [
            "proposal_proposal_proposal_note",
            "proposal_note",
            "proposal_proposal_note"
        ]
    );
    assert_eq!(claimed(&["rank"], &["country"], "proposal_"), ["country"]);
}

#[test]
fn names_are_unique_as_a_spreadsheet_safe_header_writes_them() {
    // `=x` is written `'=x` (docs/reports.md), the name of another attribute; the
    // prefixed name starts with a letter and needs no quote.
    assert_eq!(claimed(&[], &["'=x", "=x"], "juror_"), ["'=x", "juror_=x"]);
    let mut columns = Columns::default();
    columns.reserve(&["total"]);
    assert_eq!(columns.claim(&["total"], "criterion_"), ["criterion_total"]);
    assert_eq!(
        columns.claim(&["criterion_total", "total"], "proposal_"),
        ["proposal_criterion_total", "proposal_total"]
    );
}

#[test]
fn jurors_csv_from_an_outcome_without_diagnostics_has_every_juror() {
    // `score_with` and `score_counted` skip the diagnostics; jurors.csv must still list
    // every juror, with the same numbers as from `score`, never just a header.
    let award = crate::load("fixtures/ineli-balkans-2016").unwrap();
    let full = crate::score(&award);
    let bare = crate::score_with(&award, award.settings());
    assert!(bare.diagnostics.jurors.is_empty());
    let expected = written(&JurorsCsv, &award, &full);
    assert_eq!(expected.lines().count(), award.jurors().len() + 1);
    assert_eq!(written(&JurorsCsv, &award, &bare), expected);
}

/// 12,000 proposals read by 3 of 60 jurors on 2 criteria, without correction: more
/// ranking rows (and more rows of scores.csv) than one round of blocks, so that rows are
/// written by several threads and in several rounds.
fn large() -> (Award, Outcome) {
    let sim = crate::simulate::simulate(&crate::simulate::SimulationOptions {
        proposals: 12_000,
        jurors: 60,
        reviews: 3,
        criteria: 2,
        ..Default::default()
    })
    .unwrap();
    let mut award = sim.award;
    award.settings_mut().method = crate::Method::None;
    let outcome = crate::score(&award);
    (award, outcome)
}

/// The report written on one thread, after checking that two threads write the same bytes.
fn on_one_thread_or_two(report: &(dyn Report + Sync), award: &Award, outcome: &Outcome) -> String {
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| written(report, award, outcome))
    };
    let one = on(1);
    assert!(
        on(2) == one,
        "{} differs on two threads",
        report.file_name()
    );
    one
}

#[test]
fn ranking_rows_come_in_listing_order_the_same_bytes_on_one_thread_or_two() {
    let (award, outcome) = large();
    let one = on_one_thread_or_two(&RankingCsv, &award, &outcome);
    // The header, then one row per proposal, in the order of the listing.
    let ids: Vec<&str> = one
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(1).unwrap())
        .collect();
    let listing: Vec<&str> = (outcome.listing().into_iter())
        .map(|p| award.proposals().id(p))
        .collect();
    assert_eq!(ids, listing);
}

#[test]
fn score_rows_come_by_proposal_juror_and_criterion_the_same_bytes_on_one_thread_or_two() {
    let (award, outcome) = large();
    let one = on_one_thread_or_two(&ScoresCsv, &award, &outcome);
    // Every score once, sorted by the indices of its proposal, juror and criterion.
    let scores = award.scores();
    let mut want: Vec<usize> = (0..scores.len()).collect();
    want.sort_by_key(|&i| {
        (
            scores[i].proposal_index(),
            scores[i].juror_index(),
            scores[i].criterion_index(),
        )
    });
    assert!(want.len() > 65_536);
    let criteria = &award.rubric().criteria;
    let rows: Vec<&str> = one.lines().skip(1).collect();
    assert_eq!(rows.len(), want.len());
    for (row, &i) in rows.iter().zip(&want) {
        let s = &scores[i];
        let head = format!(
            "{},{},{},{},1,{},used,",
            award.jurors().id(s.juror_index()),
            award.proposals().id(s.proposal_index()),
            criteria[s.criterion_index()].id,
            number(s.raw().unwrap()),
            number(s.raw().unwrap()),
        );
        assert_eq!(*row, head);
    }
}
