//! Reading the lists: `proposals.csv`, `jurors.csv` and `conflicts.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use super::table::Table;
use super::{CONFLICTS_FILE, PROPOSALS_FILE};
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};

/// A column's index and key.
type Column = (usize, String);

/// Reads `proposals.csv` or `jurors.csv`; gives its SHA-256.
pub(super) fn read_roster(
    dir: &Path,
    name: &str,
    label: &str,
    builder: &mut AwardBuilder,
) -> Option<String> {
    let table = Table::open(dir, name, builder)?;
    // A list without its id column fails the load (reported): no digest.
    let id = table.require("id", builder, name)?;
    let label_col = table.column(label);
    // A column without a name (a trailing comma in the header) is no attribute: it must be
    // empty.
    let (attributes, nameless): (Vec<Column>, Vec<Column>) = (0..table.keys.len())
        .filter(|&i| i != id && Some(i) != label_col)
        .map(|i| (i, table.keys[i].clone()))
        .partition(|(_, key)| !key.is_empty());
    let id_header = table.headers[id].clone();
    let is_proposals = name == PROPOSALS_FILE;
    let mut rows = 0;
    let problems = builder.taken().1;
    let sha256 = table.rows(name, builder, |b, line, cells| {
        rows += 1;
        for (i, _) in &nameless {
            if !cells[*i].is_empty() {
                let column = format!("#{}", i + 1);
                let message = "this column has no name in the header; name it (an attribute), or leave it empty";
                b.problem(ProblemKind::Column, line, &column, message, cells[*i]);
            }
        }
        let attrs: BTreeMap<String, String> = attributes
            .iter()
            .map(|(i, key)| (key.clone(), cells[*i].to_string()))
            .collect();
        let text = label_col.map_or("", |i| cells[i]);
        if is_proposals {
            b.declare_proposal(cells[id], text, attrs, line, &id_header);
        } else {
            b.declare_juror(cells[id], text, attrs, line, &id_header);
        }
    });
    // A list with no one on it (a template left in the folder) would check no id at all;
    // rows that could not be read were reported as such.
    if rows == 0 && builder.taken().1 == problems {
        let whom = if is_proposals { "proposals" } else { "jurors" };
        builder.add_problem(Problem::new(
            ProblemKind::Empty,
            Location::file(name),
            format!("the file has a header but no {whom}; list them, or remove the file"),
        ));
    }
    sha256
}

/// Reads `conflicts.csv`; gives its SHA-256.
pub(super) fn read_conflicts(dir: &Path, builder: &mut AwardBuilder) -> Option<String> {
    let name = CONFLICTS_FILE;
    let table = Table::open(dir, name, builder)?;
    let juror = table.require("juror", builder, name);
    let proposal = table.require("proposal", builder, name);
    let reason = table.column("reason");
    table.refuse_others(
        &["juror", "proposal", "reason"],
        "conflicts.csv takes juror, proposal and reason",
        builder,
    );
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return None;
    };
    table.rows(name, builder, |b, line, cells| {
        b.push_conflict(
            cells[juror],
            cells[proposal],
            reason.map_or("", |i| cells[i]),
            line,
        );
    })
}
