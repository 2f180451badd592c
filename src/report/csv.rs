//! The CSV reports of the audit bundle.

use std::io;

use super::{number, ranking_rows, text, Report};
use crate::award::Award;
use crate::conflicts::{conflict_reason, Status};
use crate::outcome::Outcome;
use crate::winners::Winner;

/// `ranking.csv`: every proposal, ranked ones first, with its total, criterion values,
/// winner and eligibility, and a note on ties, caps and ineligibility.
pub struct RankingCsv;

/// `scores.csv`: every input score with its raw and corrected value and its status.
pub struct ScoresCsv;

/// `jurors.csv`: per juror counts, raw mean and spread, and the fitted leniency and scale.
pub struct JurorsCsv;

/// `warnings.csv`: every warning, with its kind.
pub struct WarningsCsv;

/// `reliability.csv`: `criterion,statistic,value,ci_lower,ci_upper,test,df1,df2,p`, per
/// criterion and for the weighted total (`total`).
pub struct ReliabilityCsv;

impl Report for ReliabilityCsv {
    fn file_name(&self) -> &'static str {
        "reliability.csv"
    }

    fn write(&self, _award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record([
            "criterion",
            "statistic",
            "value",
            "ci_lower",
            "ci_upper",
            "test",
            "df1",
            "df2",
            "p",
        ])?;
        for s in &outcome.reliability {
            let (lo, hi) = s.interval.map_or((None, None), |(a, b)| (Some(a), Some(b)));
            let (t, df1, df2, p) = s.test.map_or((None, None, None, None), |(t, a, b, p)| {
                (Some(t), Some(a), b, Some(p))
            });
            w.write_record([
                text(&s.criterion).as_ref(),
                s.statistic,
                &number(s.value),
                &finite(lo),
                &finite(hi),
                &finite(t),
                &finite(df1),
                &finite(df2),
                &finite(p),
            ])?;
        }
        w.flush()
    }
}

/// A number, or blank when absent or not finite (an interval bound of −∞, an F of +∞).
fn finite(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite()).map(number).unwrap_or_default()
}

fn opt(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn writer(out: &mut dyn io::Write) -> csv::Writer<&mut dyn io::Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

impl Report for RankingCsv {
    fn file_name(&self) -> &'static str {
        "ranking.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let criteria = &award.rubric().criteria;
        let proposals = award.proposals();
        let mut header: Vec<String> = [
            "rank", "proposal", "title", "total", "winner", "eligible", "reviews",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        header.extend(criteria.iter().map(|c| c.id.clone()));
        header.push("spread".into());
        let uncertainty = outcome.uncertainty.as_ref();
        if uncertainty.is_some() {
            header.extend(
                ["p_winner", "rank_lo", "rank_hi", "total_lo", "total_hi"].map(String::from),
            );
        }
        let attributes: Vec<&String> = proposals.attribute_names().iter().collect();
        for a in &attributes {
            let name = if header.contains(a) || *a == "note" {
                format!("proposal_{a}")
            } else {
                (*a).clone()
            };
            header.push(name);
        }
        header.push("note".into());
        let mut w = writer(out);
        w.write_record(header.iter().map(|h| text(h).into_owned()))?;
        for row in ranking_rows(award, outcome) {
            let p = row.proposal;
            let mut record: Vec<String> = vec![
                row.rank.map(|r| r.to_string()).unwrap_or_default(),
                text(proposals.id(p)).into_owned(),
                text(proposals.label(p)).into_owned(),
                opt(row.total),
                row.winner.unwrap_or(Winner::No).to_string(),
                yes(row.eligible).to_string(),
                row.reviews.to_string(),
            ];
            record.extend(row.values.iter().map(|v| opt(*v)));
            record.push(number(row.spread));
            if let Some(u) = uncertainty {
                record.push(number(u.p_winner[p]));
                let (lo, hi) = u.rank[p].map_or((String::new(), String::new()), |(a, b)| {
                    (a.to_string(), b.to_string())
                });
                record.extend([lo, hi]);
                let (lo, hi) = u.total[p].map_or((String::new(), String::new()), |(a, b)| {
                    (number(a), number(b))
                });
                record.extend([lo, hi]);
            }
            for a in &attributes {
                record.push(text(proposals.attribute(p, a).unwrap_or("")).into_owned());
            }
            record.push(text(&row.note).into_owned());
            w.write_record(&record)?;
        }
        w.flush()
    }
}

impl Report for ScoresCsv {
    fn file_name(&self) -> &'static str {
        "scores.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let scores = award.scores();
        let mut order: Vec<u32> = (0..scores.len() as u32).collect();
        order.sort_unstable_by_key(|&i| {
            let s = &scores[i as usize];
            (s.proposal(), s.juror(), s.criterion())
        });
        let mut w = writer(out);
        w.write_record([
            "juror",
            "proposal",
            "criterion",
            "raw",
            "confidence",
            "corrected",
            "status",
            "note",
        ])?;
        let criteria = &award.rubric().criteria;
        for i in order {
            let i = i as usize;
            let s = &scores[i];
            let status = outcome.status[i];
            let note = if status == Status::Conflict {
                conflict_reason(award, s.juror(), s.proposal()).unwrap_or_default()
            } else {
                String::new()
            };
            w.write_record([
                text(award.jurors().id(s.juror())).as_ref(),
                text(award.proposals().id(s.proposal())).as_ref(),
                text(&criteria[s.criterion()].id).as_ref(),
                &opt(s.raw()),
                &number(award.weight(i)),
                &opt(outcome.corrected(i)),
                &status.to_string(),
                text(&note).as_ref(),
            ])?;
        }
        w.flush()
    }
}

impl Report for JurorsCsv {
    fn file_name(&self) -> &'static str {
        "jurors.csv"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let jurors = award.jurors();
        let n = jurors.len();
        let criteria = award.rubric().criteria.len();
        // counts[j] = (scores, used, conflicts, missing), and the used raw scores' sums.
        let mut counts = vec![[0usize; 4]; n];
        let mut sum = vec![0.0f64; n];
        for (s, status) in award.scores().iter().zip(&outcome.status) {
            let c = &mut counts[s.juror()];
            c[0] += 1;
            match status {
                Status::Used => {
                    c[1] += 1;
                    sum[s.juror()] += s.raw().unwrap_or(0.0);
                }
                Status::Conflict => c[2] += 1,
                Status::Missing => c[3] += 1,
            }
        }
        let mean: Vec<f64> = (0..n)
            .map(|j| {
                if counts[j][1] > 0 {
                    sum[j] / counts[j][1] as f64
                } else {
                    0.0
                }
            })
            .collect();
        let mut ss = vec![0.0f64; n];
        for (s, status) in award.scores().iter().zip(&outcome.status) {
            if *status == Status::Used {
                let d = s.raw().unwrap_or(0.0) - mean[s.juror()];
                ss[s.juror()] += d * d;
            }
        }
        let mut w = writer(out);
        let attributes = jurors.attribute_names();
        let mut header: Vec<String> = vec!["juror".into(), "name".into()];
        header.extend(attributes.iter().cloned());
        header.extend(
            [
                "scores",
                "used",
                "conflicts",
                "missing",
                "mean",
                "spread",
                "leniency",
                "scale",
            ]
            .map(String::from),
        );
        w.write_record(header.iter().map(|h| text(h).into_owned()))?;
        for j in 0..n {
            let effects = (0..criteria).map(|c| outcome.correction.effect(j, c, criteria));
            // Leniency and scale: means over criteria, weighted by the juror's scores on each.
            let (mut k, mut bias, mut k_scale, mut scale) = (0usize, 0.0, 0usize, 0.0);
            for e in effects {
                if let Some(b) = e.bias {
                    k += e.scores;
                    bias += e.scores as f64 * b;
                }
                if let Some(a) = e.scale {
                    k_scale += e.scores;
                    scale += e.scores as f64 * a;
                }
            }
            let used = counts[j][1];
            let mut record: Vec<String> = vec![
                text(jurors.id(j)).into_owned(),
                text(jurors.label(j)).into_owned(),
            ];
            record.extend(
                attributes
                    .iter()
                    .map(|a| text(jurors.attribute(j, a).unwrap_or("")).into_owned()),
            );
            record.extend(counts[j].iter().map(|c| c.to_string()));
            record.push(if used > 0 {
                number(mean[j])
            } else {
                String::new()
            });
            record.push(if used > 0 {
                number((ss[j] / used as f64).sqrt())
            } else {
                String::new()
            });
            record.push(if k > 0 {
                number(bias / k as f64)
            } else {
                String::new()
            });
            record.push(if k_scale > 0 {
                number(scale / k_scale as f64)
            } else {
                String::new()
            });
            w.write_record(&record)?;
        }
        w.flush()
    }
}

impl Report for WarningsCsv {
    fn file_name(&self) -> &'static str {
        "warnings.csv"
    }

    fn write(&self, _award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(["kind", "message"])?;
        for warning in &outcome.warnings {
            w.write_record([warning.kind(), text(&warning.to_string()).as_ref()])?;
        }
        w.flush()
    }
}
