//! The report's sections, in the order a coordinator reads them: the winners, how decided
//! they are, the ranking, the jurors, the criteria, the panel's reliability, the warnings,
//! and what the numbers were computed from.

use std::fmt::Write;

use super::charts::{self, Point};
use super::page::{escape, figure, heading, num, table, Cell};
use super::read::{Bundle, Row};

mod panel;

pub(super) use panel::{audit, criteria, jurors, readers, reliability, warnings};

/// At most this many rows in a table; the CSV files hold every row.
pub(super) const MOST_ROWS: usize = 100;
/// At most this many proposals in the forest plot.
const MOST_IN_FOREST: usize = 40;

pub(super) type Drawn = Result<(), String>;

pub(super) fn header(html: &mut String, b: &Bundle) {
    let s = &b.summary;
    let scores: usize = b.jurors.iter().map(|j| j.scores).sum();
    let _ = writeln!(
        html,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{} proposals, {} jurors, {} scores · rubric {} · method {} · aggregate {} · seed {} · jury {}</p>\n</header>",
        escape(&s.award),
        s.ranking.len(),
        b.jurors.len(),
        scores,
        escape(&b.manifest.rubric.name),
        escape(&s.method),
        escape(&s.aggregate),
        b.manifest.seed,
        escape(&b.manifest.version),
    );
}

pub(super) fn winners(html: &mut String, b: &Bundle) {
    heading(html, "winners", "Winners");
    let rows = &b.summary.ranking;
    let won: Vec<&Row> = rows.iter().filter(|r| r.winner == "yes").collect();
    if !rows.iter().any(|r| r.eligible) {
        html.push_str("<p>No proposal wins: none is eligible.</p>\n");
    }
    if !won.is_empty() {
        html.push_str("<ol class=\"winners\">\n");
    }
    for r in &won {
        let _ = write!(
            html,
            "<li><strong>{}</strong> {} ({})",
            escape(&r.proposal),
            escape(&r.title),
            num(r.total)
        );
        if let Some(p) = r.p_winner {
            let _ = write!(
                html,
                ", a winner in {:.0}% of {}",
                100.0 * p,
                draws(b, false)
            );
        }
        html.push_str("</li>\n");
    }
    if !won.is_empty() {
        html.push_str("</ol>\n");
    }
    let tied: Vec<&str> = rows
        .iter()
        .filter(|r| r.winner == "tied")
        .map(|r| r.proposal.as_str())
        .collect();
    if !tied.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"reading\">Tied for the last winning places after every tie-break rule: {}. The jury decides.</p>",
            escape(&tied.join(", "))
        );
    }
    html.push_str("</section>\n");
}

pub(super) fn cut(html: &mut String, b: &Bundle) {
    heading(html, "cut", "How decided is the cut?");
    let s = &b.summary;
    match (&s.cut, s.replicates) {
        (Some(c), Some(n)) => {
            let _ = writeln!(
                html,
                "<p class=\"reading\">{} stays ahead of {} in {:.0}% of {n} {}: {}.</p>",
                escape(&c.last_winner),
                escape(&c.runner_up),
                100.0 * c.holds,
                draws(b, true),
                escape(&c.reading)
            );
        }
        (None, Some(_)) => {
            html.push_str("<p>No proposal below the winners could have won: the cut is not in question.</p>\n");
        }
        _ => html.push_str(
            "<p>How decided the cut is needs the bootstrap: score again with <code>--bootstrap 2000 --out DIR</code>.</p>\n",
        ),
    }
    if s.replicates.is_some() {
        without_juror(html, b);
    }
    methods(html, b);
    html.push_str("</section>\n");
}

/// What the shares are shares of: the bootstrap's replicates, or `bayes`'s posterior draws.
fn draws(b: &Bundle, long: bool) -> &'static str {
    match (b.summary.method == "bayes", long) {
        (true, _) => "posterior draws",
        (false, true) => "bootstrap replicates over reviews",
        (false, false) => "replicates",
    }
}

fn without_juror(html: &mut String, b: &Bundle) {
    if !b.jurors.iter().any(|j| j.without_run) {
        return;
    }
    let decisive: Vec<_> = b
        .jurors
        .iter()
        .filter_map(|j| Some((&j.juror, j.winners_without.as_ref()?)))
        .collect();
    if decisive.is_empty() {
        html.push_str("<p>Leaving out any one juror changes no winner.</p>\n");
        return;
    }
    html.push_str("<ul>\n");
    for (juror, winners) in decisive {
        let _ = writeln!(
            html,
            "<li>Without juror {} the winners would be: {}.</li>",
            escape(juror),
            escape(&winners.replace("; ", ", "))
        );
    }
    html.push_str("</ul>\n");
}

fn methods(html: &mut String, b: &Bundle) {
    let Some(methods) = &b.summary.methods else {
        return;
    };
    let won = |m: &str, p: &str| {
        methods
            .iter()
            .any(|d| d.method == m && d.winners.iter().any(|w| w == p))
    };
    let chosen = &b.summary.winners;
    let (robust, depend): (Vec<&String>, Vec<&String>) = chosen
        .iter()
        .partition(|p| methods.iter().all(|d| won(&d.method, p)));
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    let reading = match (robust.is_empty(), depend.is_empty()) {
        _ if chosen.is_empty() => {
            "Under the award's method no proposal wins outright (the winning places are tied or none is eligible); each method's outright winners:".to_string()
        }
        (_, true) => "Every winner wins under every method.".to_string(),
        (true, _) => "No winner wins under every method.".to_string(),
        _ => format!(
            "{} win under every method; {} depend on the method.",
            list(&robust),
            list(&depend)
        ),
    };
    let _ = writeln!(html, "<p class=\"reading\">{}</p>", escape(&reading));
    let rows: Vec<(bool, Vec<Cell>)> = methods
        .iter()
        .map(|d| {
            let name = if d.chosen {
                format!("{} (chosen)", d.method)
            } else {
                d.method.clone()
            };
            (
                d.chosen,
                vec![Cell::Text(name), Cell::Text(d.winners.join(", "))],
            )
        })
        .collect();
    table(html, &["method", "winners"], &rows);
}

pub(super) fn ranking(html: &mut String, b: &Bundle) -> Drawn {
    heading(html, "ranking", "Ranking");
    let ranked: Vec<&Row> = b
        .summary
        .ranking
        .iter()
        .filter(|r| r.rank.is_some())
        .collect();
    let winners = ranked.iter().filter(|r| r.winner != "no").count();
    let shown = ranked
        .len()
        .min(MOST_IN_FOREST.max(winners + 10))
        .min(ranked.len());
    let points: Vec<Point> = ranked[..shown]
        .iter()
        .filter_map(|r| {
            Some(Point {
                label: r.proposal.clone(),
                value: r.total?,
                interval: r.total_interval,
                winner: r.winner != "no",
            })
        })
        .collect();
    if !points.is_empty() {
        let svg = charts::forest(&points, winners.checked_sub(1))?;
        figure(html, &svg, &ranking_reading(&ranked, winners, shown));
    }
    let has_bootstrap = b.summary.replicates.is_some();
    let mut header = vec!["rank", "proposal", "title", "total"];
    if has_bootstrap {
        header.extend(["90% interval", "rank 90%", "p_winner"]);
    }
    header.extend(["reviews", "winner"]);
    let rows: Vec<(bool, Vec<Cell>)> = b
        .summary
        .ranking
        .iter()
        .filter(|r| r.eligible)
        .take(MOST_ROWS)
        .map(|r| (r.winner != "no", ranking_cells(r, has_bootstrap)))
        .collect();
    table(html, &header, &rows);
    more(
        html,
        b.summary.ranking.iter().filter(|r| r.eligible).count(),
        "ranking.csv",
    );
    html.push_str("</section>\n");
    Ok(())
}

fn ranking_reading(ranked: &[&Row], winners: usize, shown: usize) -> String {
    let Some(first) = ranked.first() else {
        return String::new();
    };
    let mut s = format!("{} ranks first with {}", first.proposal, num(first.total));
    if let (Some(last), Some(next)) = (ranked.get(winners.wrapping_sub(1)), ranked.get(winners)) {
        let _ = write!(
            s,
            "; the cut (red line) falls between {} ({}) and {} ({})",
            last.proposal,
            num(last.total),
            next.proposal,
            num(next.total)
        );
        if let (Some(a), Some(b)) = (last.total_interval, next.total_interval) {
            let overlap = if a.0 <= b.1 {
                "overlap"
            } else {
                "do not overlap"
            };
            let _ = write!(s, ", whose 90% intervals {overlap}");
        }
    }
    let _ = write!(
        s,
        ". The top {shown} of {} ranked proposals are shown.",
        ranked.len()
    );
    s
}

fn ranking_cells(r: &Row, bootstrap: bool) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Num(r.rank.map_or("–".to_string(), |k| k.to_string())),
        Cell::Text(r.proposal.clone()),
        Cell::Text(r.title.clone()),
        Cell::Num(num(r.total)),
    ];
    if bootstrap {
        cells.push(Cell::Num(
            r.total_interval
                .map_or("–".to_string(), |(a, b)| format!("{a:.2}–{b:.2}")),
        ));
        cells.push(Cell::Num(
            r.rank_interval
                .map_or("–".to_string(), |(a, b)| format!("{a}–{b}")),
        ));
        cells.push(Cell::Num(num(r.p_winner)));
    }
    cells.push(Cell::Num(r.reviews.to_string()));
    cells.push(Cell::Text(r.winner.clone()));
    cells
}

/// A note under a table that shows only its first rows.
pub(super) fn more(html: &mut String, total: usize, file: &str) {
    if total > MOST_ROWS {
        let _ = writeln!(
            html,
            "<p class=\"note\">The first {MOST_ROWS} of {total} rows; {file} holds them all.</p>"
        );
    }
}

pub(super) fn ineligible(html: &mut String, b: &Bundle) {
    let out: Vec<&Row> = b.summary.ranking.iter().filter(|r| !r.eligible).collect();
    if out.is_empty() {
        return;
    }
    heading(html, "ineligible", "Not eligible, and why");
    let rows: Vec<(bool, Vec<Cell>)> = out
        .iter()
        .take(MOST_ROWS)
        .map(|r| {
            let why = r.note.strip_prefix("not eligible: ").unwrap_or(&r.note);
            (
                false,
                vec![
                    Cell::Text(r.proposal.clone()),
                    Cell::Text(r.title.clone()),
                    Cell::Num(num(r.total)),
                    Cell::Text(why.to_string()),
                ],
            )
        })
        .collect();
    table(html, &["proposal", "title", "total", "why"], &rows);
    more(html, out.len(), "ranking.csv");
    html.push_str("</section>\n");
}

pub(super) fn list(html: &mut String, items: &[&str]) {
    html.push_str("<ul>\n");
    for item in items.iter().take(MOST_ROWS) {
        let _ = writeln!(html, "<li>{}</li>", escape(item));
    }
    html.push_str("</ul>\n");
}
