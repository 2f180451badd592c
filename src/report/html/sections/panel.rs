//! The sections about the panel and the audit: the jurors, the proposals that need another
//! reader, the criteria, the panel's reliability, the warnings, the settings and inputs.

use std::fmt::Write;

use super::super::charts::{self, Juror, Spread};
use super::super::page::{escape, figure, heading, num, table, Cell};
use super::super::read::{Bundle, CriterionDoc, Row};
use super::{list, more, Drawn, MOST_ROWS};

/// Krippendorff's lines: data are relied on above 0.8, tentatively above 0.667.
const ALPHA_GUIDES: [f64; 2] = [0.667, 0.8];

pub(in crate::report::html) fn jurors(html: &mut String, b: &Bundle) -> Drawn {
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

pub(in crate::report::html) fn readers(html: &mut String, b: &Bundle) {
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

pub(in crate::report::html) fn criteria(html: &mut String, b: &Bundle) -> Drawn {
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

type CriterionRow<'a> = (&'a CriterionDoc, Option<f64>, Option<f64>);

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

pub(in crate::report::html) fn reliability(html: &mut String, b: &Bundle) -> Drawn {
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

pub(in crate::report::html) fn warnings(html: &mut String, b: &Bundle) {
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

pub(in crate::report::html) fn audit(html: &mut String, b: &Bundle) {
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
