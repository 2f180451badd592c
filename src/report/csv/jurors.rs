//! `jurors.csv`: [`JurorsCsv`](super::JurorsCsv).

use std::io;

use super::super::{text, Report};
use super::{opt, writer, yes, Columns, JurorsCsv};
use crate::award::Award;
use crate::diagnostics;
use crate::ids::JurorId;
use crate::outcome::Outcome;

impl Report for JurorsCsv {
    fn file_name(&self) -> &'static str {
        "jurors.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let jurors = award.jurors();
        // Outcomes from `score_with` and `score_counted` carry no diagnostics: diagnose here,
        // so that every juror is listed whichever way the outcome was made.
        let diagnosed;
        let diagnostics = if outcome.diagnostics.jurors.len() == jurors.len() {
            &outcome.diagnostics
        } else {
            let o = outcome;
            diagnosed = diagnostics::diagnose(award, &o.status, &o.correction, &o.values);
            &diagnosed
        };
        // With uncertainty: whether leaving the juror out changes the winners, and to what.
        // (`bayes` without `--bootstrap` has a posterior but no runs without a juror: then
        // the columns are left out, never filled with a "no" nothing measured.)
        let uncertainty = outcome.uncertainty.as_ref().filter(|u| u.has_without());
        let decisive = uncertainty
            .map(|u| u.decisive_jurors(outcome))
            .unwrap_or_default();
        let attributes = jurors.attribute_names();
        let home = &diagnostics.home_attributes;
        let mut w = writer(out);
        w.write_record(jurors_header(attributes, home, uncertainty.is_some()))?;
        for (j, d) in diagnostics.jurors.iter().enumerate() {
            let mut record: Vec<String> = vec![
                text(jurors.id(j)).into_owned(),
                text(jurors.label(j)).into_owned(),
            ];
            record.extend(
                attributes
                    .iter()
                    .map(|a| text(jurors.attribute(j, a).unwrap_or("")).into_owned()),
            );
            record.extend([d.given, d.scores, d.conflicts, d.missing].map(|n| n.to_string()));
            record.extend([d.mean, d.spread, d.leniency, d.scale, d.agreement].map(opt));
            record.extend([d.pairs, d.reviews, d.flat_reviews].map(|n| n.to_string()));
            for h in &d.home {
                record.push(opt(h.residual));
                record.push(h.scores.to_string());
            }
            let flags: Vec<String> = d.flags.iter().map(|f| f.flag.to_string()).collect();
            let reasons: Vec<&str> = d.flags.iter().map(|f| f.reason.as_str()).collect();
            record.push(flags.join("; "));
            record.push(text(&reasons.join(" ")).into_owned());
            if let Some(u) = uncertainty {
                let ids: Vec<&str> = u
                    .without(JurorId::from(j))
                    .iter()
                    .map(|&p| award.proposals().id(p))
                    .collect();
                record.push(yes(decisive.contains(&JurorId::from(j))).to_string());
                record.push(text(&ids.join("; ")).into_owned());
            }
            w.write_record(&record)?;
        }
        w.flush()
    }
}

/// jurors.csv's header: `juror`, `name`, the juror attributes, then the diagnostics (with
/// a `home_` pair per home attribute), every name unique ([`Columns`]).
fn jurors_header(attributes: &[String], home: &[String], uncertainty: bool) -> Vec<String> {
    let head = ["juror", "name"];
    let counts = [
        "scores",
        "used",
        "conflicts",
        "missing",
        "mean",
        "spread",
        "leniency",
        "scale",
        "agreement",
        "pairs",
        "reviews",
        "flat_reviews",
    ];
    let mut tail = vec!["flags", "reasons"];
    if uncertainty {
        tail.extend(["changes_winners", "winners_without"]);
    }
    let mut columns = Columns::default();
    columns.reserve(head.iter().chain(&counts).chain(&tail));
    let home: Vec<String> = (home.iter())
        .flat_map(|a| [format!("home_{a}"), format!("home_{a}_scores")])
        .collect();
    let home: Vec<&str> = home.iter().map(String::as_str).collect();
    let home_columns = columns.claim(&home, "home_");
    let names: Vec<&str> = attributes.iter().map(String::as_str).collect();
    let attribute_columns = columns.claim(&names, "juror_");
    let mut header: Vec<String> = head.map(String::from).to_vec();
    header.extend(attribute_columns);
    header.extend(counts.map(String::from));
    header.extend(home_columns);
    header.extend(tail.into_iter().map(String::from));
    header
}
