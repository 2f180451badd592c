//! Terminal tables: the score summary and the juror briefing.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;

use super::fitted;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use jury::advanced::uncertainty::cut_reading;
use jury::report::{number, ranking_rows, text, RankingRow};
use jury::{Award, Comparison, Error, Outcome, ProposalId, Rubric, Uncertainty, Winner};

pub(super) fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// Text from the inputs (a title, a name, a note) as the terminal shows it: a line break or
/// tab as a space, and any other control character as `�`, so that no input can move the
/// cursor, clear the terminal or overwrite what is shown. Ids cannot hold control
/// characters; the CSV and JSON reports keep the text as given.
pub(super) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let shown: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect();
    Cow::Owned(shown)
}

/// [`printable`], each line on its own: for texts written in lines (a rubric's descriptions
/// and levels), shown in lines.
fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A table cell of [`printable`] text.
pub(super) fn plain(text: &str) -> Cell {
    Cell::new(printable(text))
}

pub(super) fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

/// Two decimals for a person to read; the CSV reports keep more.
pub(super) fn short(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.2}")).unwrap_or_default()
}

/// Rows of a ranking shown in the terminal at least. `score` cuts a longer ranking after
/// this many rows (or after the last winner, when that comes later) and `compare` after this
/// many and the winners under any method, each with a line saying where the whole ranking
/// is. A table of 40,000 rows is read by nobody and took comfy-table 0.6 s and 190 MB.
pub const TABLE_ROWS: usize = 100;

/// Whether a proposal is a winner or tied for the last winning place: a row no cut leaves out.
fn named(winner: Option<Winner>) -> bool {
    matches!(winner, Some(Winner::Yes | Winner::Tied))
}

/// The winners and the ranking; `bundle` is the folder the audit bundle goes to, if any.
pub fn summary(
    award: &Award,
    outcome: &Outcome,
    bundle: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    heading(award, outcome, out)?;
    ranking_table(award, outcome, bundle, out)?;
    if let Some(u) = outcome.uncertainty() {
        uncertainty(award, outcome, u, out)?;
    }
    Ok(())
}

/// The award's name, its size and settings, and the winners.
fn heading(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let s = award.settings();
    let proposals = award.proposals();
    writeln!(out, "{}", printable(&s.name))?;
    writeln!(
        out,
        "{}, {}, {} · method {} · aggregate {} · seed {}",
        super::counted(proposals.len(), "proposal"),
        super::counted(award.jurors().len(), "juror"),
        super::counted(award.scores().len(), "score"),
        s.method,
        s.aggregate,
        s.seed
    )?;
    writeln!(out)?;
    let winners = outcome.winners();
    writeln!(out, "Winners ({} of {}):", winners.len(), s.winners)?;
    for (i, &p) in winners.iter().enumerate() {
        let total = short(outcome.total(p));
        writeln!(
            out,
            "  {}. {} {} ({total})",
            i + 1,
            proposals.id(p),
            printable(proposals.label(p))
        )?;
    }
    writeln!(out)
}

/// The ranking as a table, cut after [`TABLE_ROWS`] rows or the last winner, with a line
/// saying where the rest is.
fn ranking_table(
    award: &Award,
    outcome: &Outcome,
    bundle: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = fitted::width();
    let mut t = table();
    let u = outcome.uncertainty();
    let mut header = vec!["rank", "proposal", "title", "total", "winner", "reviews"];
    if u.is_some() {
        header.extend(["p_win", "rank 90%"]);
    }
    let criteria = award.rubric().criteria.len();
    header.extend(award.rubric().criteria.iter().map(|c| c.id.as_str()));
    header.push("note");
    let columns = header.len();
    t.set_header(header);
    let listing = outcome.listing();
    // Through the last winner (or proposal tied for the last place), and at least TABLE_ROWS.
    let last_winner = listing
        .iter()
        .rposition(|&p| named(outcome.winner(p)))
        .map_or(0, |i| i + 1);
    let shown = listing.len().min(TABLE_ROWS.max(last_winner));
    let mut notes = Vec::new();
    for row in ranking_rows(award, outcome).take(shown) {
        let mut cells = ranking_cells(award, u, &row);
        if width.is_some() {
            // Fitted: the title clipped, the note a number, its text below the table.
            cells[2] = plain(&fitted::clip(
                award.proposals().label(row.proposal),
                TITLE_WIDTH,
            ));
            cells[columns - 1] = Cell::new(if row.note.is_empty() {
                String::new()
            } else {
                notes.push(row.note.clone());
                format!("[{}]", notes.len())
            });
        }
        t.add_row(cells);
    }
    // Left out first when the terminal is narrow: the criteria from the right, then the
    // bootstrap's columns, then the reviews.
    let first_criterion = columns - 1 - criteria;
    let droppable: Vec<usize> = (first_criterion..columns - 1)
        .rev()
        .chain((6..first_criterion).rev())
        .chain([5])
        .collect();
    let hidden = width.map_or_else(Vec::new, |w| fitted::fit(&mut t, w, &droppable));
    writeln!(out, "{t}")?;
    for (k, note) in notes.iter().enumerate() {
        writeln!(out, "[{}] {}", k + 1, printable(note))?;
    }
    if let (Some(w), false) = (width, hidden.is_empty()) {
        writeln!(
            out,
            "Not shown in {w} columns: {}; -f csv or a wider terminal shows every column.",
            hidden.join(", ")
        )?;
    }
    if shown < listing.len() {
        let rest = listing.len() - shown;
        match bundle {
            Some(dir) => writeln!(
                out,
                "… and {rest} more proposals; the whole ranking: {}",
                dir.join("ranking.csv").display()
            )?,
            None => writeln!(
                out,
                "… and {rest} more proposals; the whole ranking: --format csv, or ranking.csv with --out DIR"
            )?,
        }
    }
    Ok(())
}

/// The most characters of a title a fitted table shows.
const TITLE_WIDTH: usize = 32;

/// One row of the ranking table.
fn ranking_cells(award: &Award, u: Option<&Uncertainty>, row: &RankingRow) -> Vec<Cell> {
    let proposals = award.proposals();
    let winner = match row.winner {
        Some(Winner::Yes) => "★ yes",
        Some(Winner::Tied) => "TIED",
        _ => "",
    };
    let mut cells = vec![
        right(
            row.rank
                .map(|r| r.to_string())
                .unwrap_or_else(|| "–".into()),
        ),
        Cell::new(proposals.id(row.proposal)),
        plain(proposals.label(row.proposal)),
        right(short(row.total)),
        Cell::new(winner),
        right(row.reviews),
    ];
    if let Some(u) = u {
        cells.push(right(format!("{:.2}", u.p_winner(row.proposal))));
        cells.push(right(
            u.rank_interval(row.proposal)
                .map_or("–".to_string(), |(a, b)| format!("{a}–{b}")),
        ));
    }
    cells.extend(row.values.iter().map(|v| right(short(*v))));
    cells.push(plain(&row.note));
    cells
}

/// How sure the winner list is: the cut and the jurors whose absence changes a winner.
fn uncertainty(
    award: &Award,
    outcome: &Outcome,
    u: &Uncertainty,
    out: &mut dyn Write,
) -> io::Result<()> {
    let proposals = award.proposals();
    writeln!(out)?;
    let (source, of) = if u.is_posterior() {
        ("posterior draws of the bayes model", "draws")
    } else {
        ("bootstrap replicates over reviews", "replicates")
    };
    writeln!(out, "Uncertainty ({} {source}):", u.replicates())?;
    if let Some(cut) = u.cut() {
        writeln!(
            out,
            "  The cut: {} stays ahead of {} in {:.0}% of {of}: {}.",
            proposals.id(cut.last_winner),
            proposals.id(cut.runner_up),
            100.0 * cut.holds,
            cut_reading(cut.holds)
        )?;
    }
    let decisive = u.decisive_jurors(outcome);
    if decisive.is_empty() && u.has_without() {
        writeln!(out, "  Leaving out any one juror changes no winner.")?;
    }
    for j in decisive {
        let ids: Vec<&str> = u.without(j).iter().map(|&p| proposals.id(p)).collect();
        writeln!(
            out,
            "  Without juror {} the winners would be: {}.",
            award.jurors().id(j),
            ids.join(", ")
        )?;
    }
    Ok(())
}

/// The reliability statistics as a table, with a reading of each criterion.
pub fn reliability(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut t = table();
    t.set_header(["criterion", "statistic", "value", "95% interval", "p"]);
    for s in outcome.reliability(award) {
        t.add_row(vec![
            Cell::new(&s.criterion),
            Cell::new(s.statistic),
            right(format!("{:.3}", s.value)),
            // An unbounded end is left blank, as reliability.csv leaves it.
            right(s.interval.map_or(String::new(), |(a, b)| {
                let end = |x: f64| {
                    if x.is_finite() {
                        format!("{x:.3}")
                    } else {
                        String::new()
                    }
                };
                format!("{} – {}", end(a), end(b))
            })),
            right(s.test.map_or(String::new(), |t| format!("{:.4}", t.3))),
        ]);
    }
    writeln!(out, "{t}")?;
    readings(award, outcome, out)
}

/// One line per criterion: Krippendorff's interval alpha and what it means.
fn readings(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Reliability (Krippendorff's alpha, interval metric, raw valid scores):"
    )?;
    for s in outcome
        .reliability(award)
        .iter()
        .filter(|s| s.statistic == "krippendorff_alpha_interval")
    {
        writeln!(
            out,
            "  {}: α = {:.2}, {}",
            s.criterion,
            s.value,
            jury::reliability::reading(s.value)
        )?;
    }
    Ok(())
}

/// Winners and ranks under every method.
pub fn comparison(award: &Award, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let proposals = award.proposals();
    let own = c.outcome(award.settings().method);
    writeln!(
        out,
        "{}: ranks under every method (★ winner)",
        printable(&award.settings().name)
    )?;
    let mut t = table();
    let mut header = vec!["proposal".to_string(), "title".to_string()];
    header.extend(c.methods.iter().map(|m| {
        if *m == award.settings().method {
            format!("{m} (chosen)")
        } else {
            m.to_string()
        }
    }));
    t.set_header(header);
    // The first TABLE_ROWS rows, and every later proposal that some method names a winner
    // (or ties for the last place).
    let listing = own.listing();
    let wins = |p: ProposalId| c.outcomes.iter().any(|o| named(o.winner(p)));
    let shown: Vec<ProposalId> = listing
        .iter()
        .enumerate()
        .filter(|&(k, &p)| k < TABLE_ROWS || wins(p))
        .map(|(_, &p)| p)
        .collect();
    for &p in &shown {
        let mut cells = vec![Cell::new(proposals.id(p)), plain(proposals.label(p))];
        for o in &c.outcomes {
            let star = if o.winner(p) == Some(Winner::Yes) {
                " ★"
            } else {
                ""
            };
            let rank = o.rank(p).map_or("–".to_string(), |r| r.to_string());
            cells.push(right(format!("{rank}{star}")));
        }
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    if shown.len() < listing.len() {
        writeln!(
            out,
            "… and {} more proposals that no method names a winner; every rank: --format csv",
            listing.len() - shown.len()
        )?;
    }
    let ids = |ps: &[ProposalId]| -> String {
        let v: Vec<&str> = ps.iter().map(|&p| proposals.id(p)).collect();
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    writeln!(out, "Winners under every method: {}", ids(&c.robust))?;
    let shaky: Vec<ProposalId> = own
        .winners()
        .into_iter()
        .filter(|p| !c.robust.contains(p))
        .collect();
    if !shaky.is_empty() {
        writeln!(out, "Winners that depend on the method: {}", ids(&shaky))?;
    }
    Ok(())
}

/// Winners and ranks under every method, as CSV: `proposal,title,<method>_rank,<method>_winner…`.
pub fn comparison_csv(award: &Award, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let proposals = award.proposals();
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["proposal".to_string(), "title".to_string()];
    for m in &c.methods {
        header.push(format!("{m}_rank"));
        header.push(format!("{m}_winner"));
    }
    header.push("robust_winner".into());
    w.write_record(&header)?;
    for p in c.outcome(award.settings().method).listing() {
        let mut row = vec![
            text(proposals.id(p)).into_owned(),
            text(proposals.label(p)).into_owned(),
        ];
        for o in &c.outcomes {
            row.push(o.rank(p).map(|r| r.to_string()).unwrap_or_default());
            row.push(o.winner(p).unwrap_or(Winner::No).to_string());
        }
        row.push(if c.robust.contains(&p) { "yes" } else { "no" }.to_string());
        w.write_record(&row)?;
    }
    w.flush()
}

/// The rubric as a briefing table for jurors.
pub fn rubric(path: &Path) -> Result<ExitCode, Error> {
    let rubric = Rubric::from_path(path)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    super::stdout_result(briefing(&rubric, &mut out))
}

fn briefing(rubric: &Rubric, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", printable(&rubric.name))?;
    let total = rubric.total_weight();
    let mut t = table();
    t.set_header([
        "criterion",
        "weight",
        "scale",
        "threshold",
        "what to judge",
        "levels",
    ]);
    for c in &rubric.criteria {
        let levels: Vec<String> = c
            .levels
            .iter()
            .map(|(k, v)| format!("{}: {}", number(*k), printable_lines(v)))
            .collect();
        t.add_row(vec![
            Cell::new(format!("{}\n({})", printable(&c.name), c.id)),
            right(format!(
                "{}%",
                number((100.0 * c.weight / total * 10.0).round() / 10.0)
            )),
            Cell::new(c.scale.to_string()),
            right(c.threshold.map(number).unwrap_or_default()),
            Cell::new(printable_lines(&c.description)),
            Cell::new(levels.join("\n")),
        ]);
    }
    writeln!(out, "{t}")?;
    if let Some(p) = rubric.pass_total {
        writeln!(
            out,
            "Eligible only with a sum of criterion scores of at least {} (weights order the ranking only).",
            number(p)
        )?;
    }
    if !rubric.tie_break.is_empty() {
        writeln!(out, "Ties are broken by: {}.", rubric.tie_break.join(", "))?;
    }
    Ok(())
}
