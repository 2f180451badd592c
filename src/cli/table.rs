//! Terminal tables: the score summary and the juror briefing.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use jury::report::{number, ranking_rows};
use jury::{Award, Error, Outcome, Rubric, Winner};

pub(super) fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

pub(super) fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

/// Two decimals for a person to read; the CSV reports keep more.
pub(super) fn short(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.2}")).unwrap_or_default()
}

/// The winners and the ranking.
pub fn summary(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let s = award.settings();
    let proposals = award.proposals();
    writeln!(out, "{}", s.name)?;
    writeln!(
        out,
        "{} proposals, {} jurors, {} scores · method {} · aggregate {} · seed {}",
        proposals.len(),
        award.jurors().len(),
        award.scores().len(),
        s.method,
        s.aggregate,
        s.seed
    )?;
    writeln!(out)?;
    let winners = outcome.winners();
    writeln!(out, "Winners ({} of {}):", winners.len(), s.winners)?;
    for (i, &p) in winners.iter().enumerate() {
        let total = short(outcome.values[p].total);
        writeln!(
            out,
            "  {}. {} {} ({total})",
            i + 1,
            proposals.id(p),
            proposals.label(p)
        )?;
    }
    writeln!(out)?;
    let mut t = table();
    let mut header = vec!["rank", "proposal", "title", "total", "winner", "reviews"];
    header.extend(award.rubric().criteria.iter().map(|c| c.id.as_str()));
    header.push("note");
    t.set_header(header);
    for row in ranking_rows(award, outcome) {
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
            Cell::new(proposals.label(row.proposal)),
            right(short(row.total)),
            Cell::new(winner),
            right(row.reviews),
        ];
        cells.extend(row.values.iter().map(|v| right(short(*v))));
        cells.push(Cell::new(&row.note));
        t.add_row(cells);
    }
    writeln!(out, "{t}")
}

/// The rubric as a briefing table for jurors.
pub fn rubric(path: &Path) -> Result<ExitCode, Error> {
    let rubric = Rubric::from_path(path)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    super::stdout_result(briefing(&rubric, &mut out))
}

fn briefing(rubric: &Rubric, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", rubric.name)?;
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
            .map(|(k, v)| format!("{}: {v}", number(*k)))
            .collect();
        t.add_row(vec![
            Cell::new(format!("{}\n({})", c.name, c.id)),
            right(format!(
                "{}%",
                number((100.0 * c.weight / total * 10.0).round() / 10.0)
            )),
            Cell::new(c.scale.to_string()),
            right(c.threshold.map(number).unwrap_or_default()),
            Cell::new(&c.description),
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
