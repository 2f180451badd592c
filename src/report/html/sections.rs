//! The report's sections, in the order a coordinator reads them: the winners, how decided
//! they are, the ranking, the jurors, the criteria, the panel's reliability, the warnings,
//! and what the numbers were computed from.

use std::fmt::Write;

use super::charts::{self, Juror, Point, Spread};
use super::page::{escape, figure, heading, num, table, Cell};
use super::read::{Bundle, Row};

/// At most this many rows in a table; the CSV files hold every row.
const MOST_ROWS: usize = 100;
/// At most this many proposals in the forest plot.
const MOST_IN_FOREST: usize = 40;
/// Krippendorff's lines: data are relied on above 0.8, tentatively above 0.667.
const ALPHA_GUIDES: [f64; 2] = [0.667, 0.8];

type Drawn = Result<(), String>;

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
    if won.is_empty() {
        html.push_str("<p>No proposal wins: none is eligible.</p>\n");
    }
    html.push_str("<ol class=\"winners\">\n");
    for r in &won {
        let _ = write!(
            html,
            "<li><strong>{}</strong> {} ({})",
            escape(&r.proposal),
            escape(&r.title),
            num(r.total)
        );
        if let Some(p) = r.p_winner {
            let _ = write!(html, ", a winner in {:.0}% of replicates", 100.0 * p);
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n");
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
                "<p class=\"reading\">{} stays ahead of {} in {:.0}% of {n} bootstrap replicates over reviews: {}.</p>",
                escape(&c.last_winner),
                escape(&c.runner_up),
                100.0 * c.holds,
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

fn without_juror(html: &mut String, b: &Bundle) {
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
        (_, true) if !chosen.is_empty() => "Every winner wins under every method.".to_string(),
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
fn more(html: &mut String, total: usize, file: &str) {
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

pub(super) fn jurors(html: &mut String, b: &Bundle) -> Drawn {
    heading(html, "jurors", "Jurors");
    let points: Vec<Juror> = b
        .jurors
        .iter()
        .filter_map(|j| {
            Some(Juror {
                label: j.juror.clone(),
                leniency: j.leniency?,
                scale: j.scale?,
                flagged: !j.flags.is_empty(),
            })
        })
        .collect();
    if !points.is_empty() {
        let svg = charts::jurors(&points)?;
        figure(html, &svg, &juror_reading(&points));
    }
    let rows: Vec<(bool, Vec<Cell>)> = b
        .jurors
        .iter()
        .take(MOST_ROWS)
        .map(|j| {
            (
                false,
                vec![
                    Cell::Text(j.juror.clone()),
                    Cell::Text(j.name.clone()),
                    Cell::Num(j.scores.to_string()),
                    Cell::Num(num(j.leniency)),
                    Cell::Num(num(j.scale)),
                    Cell::Num(num(j.agreement)),
                    Cell::Text(j.flags.clone()),
                ],
            )
        })
        .collect();
    let header = [
        "juror",
        "name",
        "scores",
        "leniency",
        "scale",
        "agreement",
        "flags",
    ];
    table(html, &header, &rows);
    more(html, b.jurors.len(), "jurors.csv");
    html.push_str("</section>\n");
    Ok(())
}

fn juror_reading(points: &[Juror]) -> String {
    let by = |f: fn(&Juror) -> f64| {
        let lo = points.iter().min_by(|a, b| f(a).total_cmp(&f(b)));
        let hi = points.iter().max_by(|a, b| f(a).total_cmp(&f(b)));
        lo.zip(hi)
    };
    let Some(((severe, lenient), (narrow, wide))) = by(|j| j.leniency).zip(by(|j| j.scale)) else {
        return String::new();
    };
    let flagged = points.iter().filter(|j| j.flagged).count();
    format!(
        "{} is the most severe juror ({:+.2} points) and {} the most lenient ({:+.2}); scales run from {:.2} ({}) to {:.2} ({}); {} flagged (in red).",
        severe.label,
        severe.leniency,
        lenient.label,
        lenient.leniency,
        narrow.scale,
        narrow.label,
        wide.scale,
        wide.label,
        match flagged {
            0 => "no juror is".to_string(),
            1 => "1 juror is".to_string(),
            n => format!("{n} jurors are"),
        }
    )
}

pub(super) fn readers(html: &mut String, b: &Bundle) {
    heading(html, "readers", "Proposals that need another reader");
    let notes: Vec<&str> = b
        .summary
        .warnings
        .iter()
        .filter(|w| w.kind == "needs_another_reader")
        .map(|w| w.message.as_str())
        .collect();
    if notes.is_empty() {
        html.push_str("<p>No proposal's reviews disagree beyond the award's limit.</p>\n");
    } else {
        list(html, &notes);
        more(html, notes.len(), "warnings.csv");
    }
    html.push_str("</section>\n");
}

fn list(html: &mut String, items: &[&str]) {
    html.push_str("<ul>\n");
    for item in items.iter().take(MOST_ROWS) {
        let _ = writeln!(html, "<li>{}</li>", escape(item));
    }
    html.push_str("</ul>\n");
}

pub(super) fn criteria(html: &mut String, b: &Bundle) -> Drawn {
    heading(html, "criteria", "Criteria: the winners against the field");
    let ranked: Vec<&Row> = b.summary.ranking.iter().filter(|r| r.eligible).collect();
    let mut spreads = Vec::new();
    let mut rows = Vec::new();
    for c in &b.manifest.rubric.criteria {
        let width = c.scale.max - c.scale.min;
        let share = |v: f64| 100.0 * (v - c.scale.min) / width;
        let value = |r: &&Row| r.values.get(&c.id).copied().flatten();
        let mut field: Vec<f64> = ranked.iter().filter_map(value).collect();
        field.sort_by(f64::total_cmp);
        let won: Vec<f64> = ranked
            .iter()
            .filter(|r| r.winner != "no")
            .filter_map(value)
            .collect();
        let mean = (!won.is_empty()).then(|| won.iter().sum::<f64>() / won.len() as f64);
        let median = quantile(&field, 0.5);
        spreads.push(Spread {
            label: c.id.clone(),
            field: five(&field).map(|q| q.map(share)),
            winners: won.iter().map(|&v| share(v)).collect(),
        });
        rows.push((c, mean, median));
    }
    if !spreads.is_empty() {
        let svg = charts::criteria(&spreads)?;
        figure(html, &svg, &criteria_reading(&rows));
    }
    let cells: Vec<(bool, Vec<Cell>)> = rows
        .iter()
        .map(|(c, mean, median)| {
            (
                false,
                vec![
                    Cell::Text(c.id.clone()),
                    Cell::Text(c.name.clone()),
                    Cell::Num(format!("{}", c.weight)),
                    Cell::Num(format!("{}–{}", c.scale.min, c.scale.max)),
                    Cell::Num(c.threshold.map_or("–".to_string(), |t| t.to_string())),
                    Cell::Num(num(*mean)),
                    Cell::Num(num(*median)),
                ],
            )
        })
        .collect();
    let header = [
        "criterion",
        "name",
        "weight",
        "scale",
        "threshold",
        "winners' mean",
        "field's median",
    ];
    table(html, &header, &cells);
    html.push_str("</section>\n");
    Ok(())
}

type CriterionRow<'a> = (&'a super::read::CriterionDoc, Option<f64>, Option<f64>);

fn criteria_reading(rows: &[CriterionRow]) -> String {
    let lead = |(c, mean, median): &CriterionRow| {
        let width = c.scale.max - c.scale.min;
        Some(((*mean)? - (*median)?) / width)
    };
    let mut leads: Vec<(f64, &CriterionRow)> =
        rows.iter().filter_map(|r| Some((lead(r)?, r))).collect();
    leads.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (Some(most), Some(least)) = (leads.first(), leads.last()) else {
        return "Each criterion's field (grey box: middle half; line: all) and the winners (blue)."
            .to_string();
    };
    format!(
        "The winners lead the field most on {} (their mean {} against the field's median {}) and least on {} ({} against {}); grey box: the middle half of the field, blue: the winners.",
        most.1 .0.id,
        num(most.1 .1),
        num(most.1 .2),
        least.1 .0.id,
        num(least.1 .1),
        num(least.1 .2)
    )
}

/// The quantile `q` of sorted values, interpolated between neighbours (Hyndman and Fan's
/// type 7, as R and NumPy default to).
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let at = q * last as f64;
    let (i, frac) = (at.floor() as usize, at - at.floor());
    let next = sorted[(i + 1).min(last)];
    Some(sorted[i] + frac * (next - sorted[i]))
}

/// Minimum, quartiles and maximum.
fn five(sorted: &[f64]) -> Option<[f64; 5]> {
    Some([
        *sorted.first()?,
        quantile(sorted, 0.25)?,
        quantile(sorted, 0.5)?,
        quantile(sorted, 0.75)?,
        *sorted.last()?,
    ])
}

pub(super) fn reliability(html: &mut String, b: &Bundle) -> Drawn {
    heading(html, "reliability", "How far the jurors agree");
    let stat = |c: &str, s: &str| {
        b.reliability
            .iter()
            .find(|r| r.criterion == c && r.statistic == s)
            .and_then(|r| r.value)
    };
    let mut names: Vec<&str> = Vec::new();
    for r in &b.reliability {
        if !names.contains(&r.criterion.as_str()) {
            names.push(&r.criterion);
        }
    }
    let alpha = "krippendorff_alpha_interval";
    let bars: Vec<(String, f64)> = names
        .iter()
        .filter_map(|c| Some((c.to_string(), stat(c, alpha)?)))
        .collect();
    if !bars.is_empty() {
        let svg = charts::bars(&bars, &ALPHA_GUIDES)?;
        figure(html, &svg, &reliability_reading(&bars));
    }
    let statistics = [alpha, "krippendorff_alpha_ordinal", "icc1_1", "icc1_k"];
    let rows: Vec<(bool, Vec<Cell>)> = names
        .iter()
        .map(|c| {
            let mut cells = vec![Cell::Text(c.to_string())];
            cells.extend(statistics.iter().map(|s| Cell::Num(num(stat(c, s)))));
            (*c == "total", cells)
        })
        .collect();
    let header = [
        "criterion",
        "α interval",
        "α ordinal",
        "ICC(1,1)",
        "ICC(1,k)",
    ];
    table(html, &header, &rows);
    html.push_str("<p class=\"note\">Every statistic, with intervals and tests, is in reliability.csv.</p>\n</section>\n");
    Ok(())
}

fn reliability_reading(bars: &[(String, f64)]) -> String {
    let criteria: Vec<&(String, f64)> = bars.iter().filter(|b| b.0 != "total").collect();
    let hi = criteria.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let lo = criteria.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let mut s = match (hi, lo) {
        (Some(hi), Some(lo)) => format!(
            "Jurors agree most on {} (α = {:.2}) and least on {} (α = {:.2})",
            hi.0, hi.1, lo.0, lo.1
        ),
        _ => "Jurors' agreement".to_string(),
    };
    s.push_str("; red lines: 0.667 and 0.8, below which Krippendorff advises tentative conclusions or none.");
    s
}

pub(super) fn warnings(html: &mut String, b: &Bundle) {
    let all: Vec<String> = b
        .summary
        .warnings
        .iter()
        .filter(|w| w.kind != "needs_another_reader")
        .map(|w| w.message.clone())
        .collect();
    if all.is_empty() {
        return;
    }
    heading(html, "warnings", "Warnings");
    let items: Vec<&str> = all.iter().map(String::as_str).collect();
    list(html, &items);
    more(html, all.len(), "warnings.csv");
    html.push_str("</section>\n");
}

pub(super) fn audit(html: &mut String, b: &Bundle) {
    heading(html, "audit", "Settings and inputs");
    let m = &b.manifest;
    let settings: Vec<(bool, Vec<Cell>)> = m
        .settings
        .iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            (false, vec![Cell::Text(k.clone()), Cell::Text(v)])
        })
        .collect();
    table(html, &["setting", "value"], &settings);
    html.push_str("<p>The inputs, and the reports written with this page, with their SHA-256 (a copy whose files hash the same holds the same numbers):</p>\n");
    let files: Vec<(bool, Vec<Cell>)> = m
        .inputs
        .iter()
        .map(|f| ("input", f))
        .chain(m.reports.iter().map(|f| ("report", f)))
        .map(|(kind, f)| {
            (
                false,
                vec![
                    Cell::Text(kind.to_string()),
                    Cell::Text(f.path.clone()),
                    Cell::Text(f.sha256.clone()),
                ],
            )
        })
        .collect();
    table(html, &["", "file", "SHA-256"], &files);
    let _ = writeln!(
        html,
        "<p class=\"note\">Drawn by {} {} from this bundle's files; <code>jury report DIR</code> draws it again, byte for byte.</p>\n</section>",
        escape(&m.tool),
        escape(&m.version)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_match_numpys_default() {
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.75]) = [1.75, 3.0, 5.0] (linear, type 7).
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(five(&v), Some([1.0, 1.75, 3.0, 5.0, 8.0]));
        assert_eq!(five(&[]), None);
        assert_eq!(five(&[2.0]), Some([2.0; 5]));
    }
}
