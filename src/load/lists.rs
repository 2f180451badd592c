//! Reading the lists: `proposals.csv`, `jurors.csv` and `conflicts.csv`.

use std::collections::BTreeMap;

use super::sources::{Opened, Reading, TableKind};
use super::table::Header;
use crate::award::AwardBuilder;
use crate::error::{Location, Problem, ProblemKind};

/// A column's index and key.
type Column = (usize, String);

/// Reads the proposals or the jurors, when the folder has them; gives each file read whole
/// and its SHA-256.
pub(super) fn read_roster(
    reading: &mut Reading<'_>,
    kind: TableKind,
    builder: &mut AwardBuilder,
) -> Vec<(String, String)> {
    let Some(opened) = reading.open(kind, builder) else {
        return Vec::new();
    };
    let table = header_of(&opened);
    // A list without its id column fails the load (reported): no digest.
    let Some(id) = table.require("id", builder) else {
        return Vec::new();
    };
    let is_proposals = kind == TableKind::Proposals;
    let label = if is_proposals { "title" } else { "name" };
    let label_col = table.column(label);
    // A column without a name (a trailing comma in the header) is no attribute: it must be
    // empty.
    let (attributes, nameless): (Vec<Column>, Vec<Column>) = (0..table.keys.len())
        .filter(|&i| i != id && Some(i) != label_col && !table.skip[i])
        .map(|i| (i, table.keys[i].clone()))
        .partition(|(_, key)| !key.is_empty());
    let id_header = table.headers[id].clone();
    let name = table.name.clone();
    let mut rows = 0;
    let problems = builder.taken().1;
    let inputs = rows_of(opened, builder, |b, line, cells| {
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
            Location::file(&name),
            format!("the table has a header but no {whom}; list them, or remove it"),
        ));
    }
    inputs
}

/// Reads the declared conflicts, when the folder has them; gives each file read whole and
/// its SHA-256.
pub(super) fn read_conflicts(
    reading: &mut Reading<'_>,
    builder: &mut AwardBuilder,
) -> Vec<(String, String)> {
    let Some(opened) = reading.open(TableKind::Conflicts, builder) else {
        return Vec::new();
    };
    let table = header_of(&opened);
    let juror = table.require("juror", builder);
    let proposal = table.require("proposal", builder);
    let reason = table.column("reason");
    table.refuse_others(
        &["juror", "proposal", "reason"],
        "conflicts take juror, proposal and reason",
        builder,
    );
    let (Some(juror), Some(proposal)) = (juror, proposal) else {
        return Vec::new();
    };
    rows_of(opened, builder, |b, line, cells| {
        b.push_conflict(
            cells[juror],
            cells[proposal],
            reason.map_or("", |i| cells[i]),
            line,
        );
    })
}

fn header_of(opened: &Opened) -> &Header {
    match opened {
        Opened::Stream(table) => &table.header,
        Opened::Grid(grid) => &grid.header,
    }
}

/// Calls `row` for every row of the table with its line and cells; gives each file read
/// whole and its SHA-256.
fn rows_of(
    opened: Opened,
    builder: &mut AwardBuilder,
    mut row: impl FnMut(&mut AwardBuilder, u64, &[&str]),
) -> Vec<(String, String)> {
    match opened {
        Opened::Stream(table) => {
            let name = table.header.name.clone();
            let sha = table.rows(&name, builder, row);
            sha.map(|sha| vec![(name, sha)]).unwrap_or_default()
        }
        Opened::Grid(grid) => {
            grid.each(|line, cells| row(builder, line, cells));
            grid.inputs
        }
    }
}
