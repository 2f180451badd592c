//! `jury jurors`: the juror diagnostics as a terminal table, the reasons for every flag, and
//! the proposals that need another reader.

use std::io::{self, Write};

use comfy_table::Cell;
use jury::report::number;
use jury::{Award, Outcome};

use super::table::{plain, printable, right, short, table};

/// The juror table, the flags' reasons and the proposals that need another reader.
pub fn report(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let s = award.settings();
    let jurors = award.jurors();
    writeln!(out, "{}", printable(&s.name))?;
    writeln!(
        out,
        "{}, {} · method {}",
        super::counted(jurors.len(), "juror"),
        super::counted(award.scores().len(), "score"),
        s.method
    )?;
    writeln!(out)?;
    writeln!(out, "{}", juror_table(award, outcome))?;
    writeln!(
        out,
        "agreement: correlation of a juror's scores with the mean of the other jurors' corrected scores on the same proposals and criteria"
    )?;
    writeln!(out)?;
    flags(award, outcome, out)?;
    writeln!(out)?;
    readers(award, outcome, out)
}

/// One row a juror: counts, mean and spread, leniency and scale, agreement, home bias, flags.
fn juror_table(award: &Award, outcome: &Outcome) -> comfy_table::Table {
    let jurors = award.jurors();
    let d = outcome.diagnostics();
    let mut t = table();
    let mut header: Vec<String> = [
        "juror",
        "name",
        "scores",
        "mean",
        "spread",
        "leniency",
        "scale",
        "agreement",
    ]
    .map(String::from)
    .to_vec();
    header.extend(d.home_attributes.iter().map(|a| format!("home {a}")));
    header.push("flags".into());
    t.set_header(header);
    for (j, juror) in d.jurors.iter().enumerate() {
        let mut cells = vec![
            Cell::new(jurors.id(j)),
            plain(jurors.label(j)),
            right(juror.scores),
            right(short(juror.mean)),
            right(short(juror.spread)),
            right(short(juror.leniency)),
            right(short(juror.scale)),
            right(short(juror.agreement)),
        ];
        cells.extend(juror.home.iter().map(|h| right(short(h.residual))));
        let flags: Vec<String> = juror.flags.iter().map(|f| f.flag.to_string()).collect();
        cells.push(Cell::new(flags.join("; ")));
        t.add_row(cells);
    }
    t
}

/// Every flag raised, with its reason.
fn flags(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let jurors = award.jurors();
    let d = outcome.diagnostics();
    let flagged: Vec<(usize, &str)> = d
        .jurors
        .iter()
        .enumerate()
        .flat_map(|(j, juror)| juror.flags.iter().map(move |f| (j, f.reason.as_str())))
        .collect();
    if flagged.is_empty() {
        writeln!(out, "No juror is flagged.")?;
    } else {
        writeln!(out, "Flags:")?;
        for (j, reason) in flagged {
            writeln!(out, "  {}: {reason}", jurors.id(j))?;
        }
    }
    Ok(())
}

/// The proposals whose reviews disagree so much that they need another reader.
fn readers(award: &Award, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let s = award.settings();
    let d = outcome.diagnostics();
    let proposals = award.proposals();
    let readers: Vec<(usize, &str)> = d
        .proposals
        .iter()
        .enumerate()
        .filter_map(|(p, x)| Some((p, x.needs_reader.as_deref()?)))
        .collect();
    writeln!(
        out,
        "Proposals that need another reader: {} of {} ([diagnostics] disagreement = {})",
        readers.len(),
        proposals.len(),
        number(s.disagreement)
    )?;
    for (p, reason) in readers {
        let title = printable(proposals.label(p));
        if title.is_empty() {
            writeln!(out, "  {}: {reason}", proposals.id(p))?;
        } else {
            writeln!(out, "  {} ({title}): {reason}", proposals.id(p))?;
        }
    }
    Ok(())
}
