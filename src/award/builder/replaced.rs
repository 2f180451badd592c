//! `[input] duplicates = "last"`: a score given again (one juror, proposal and criterion)
//! replaces the earlier one, which is kept for the audit, never dropped unseen. "Earlier" is
//! by the rows' timestamps when the loader gave them ([`RowTimes`]), else by line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::AwardBuilder;
use crate::award::roster::Roster;
use crate::award::Replaced;
use crate::error::{Location, Problem, ProblemKind, Problems, FIRST_ON_LINE};
use crate::ids::{JurorId, ProposalId};

/// The timestamps of the scores table's rows, which order re-submitted rows.
#[derive(Clone, Debug, Default)]
pub(crate) struct RowTimes {
    /// The timestamp column's header, as written.
    pub column: String,
    /// Each row's (by its line) timestamp.
    pub times: HashMap<u32, Stamp>,
    /// The column's day order when it was set or found (`"day-first"`), for the note.
    pub order: Option<&'static str>,
}

/// One row's timestamp: its text, and its time read day-first and read month-first (the
/// same where the text or the column fixes the order; `None` where that reading gives no
/// time).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stamp {
    pub text: String,
    pub readings: [Option<i64>; 2],
}

/// The accepted timestamp formats, for messages.
const FORMATS: &str = "2016-05-12 10:22:31, 2016-05-12T10:22:31+02:00, 2016/05/12 10:22:31 AM GMT+3, 5/12/2016 10:22:31, 12/05/2016 10:22, 12.05.2016 10:22:31";

impl AwardBuilder {
    /// Orders re-submitted rows by these timestamps rather than by line.
    pub(crate) fn order_by(&mut self, times: RowTimes) {
        self.times = Some(times);
    }

    /// The timestamps the batches kept ([`crate::award::Batch::stamp`]), each with its row's
    /// line, in line order.
    pub(crate) fn take_stamps(&mut self) -> Vec<(u32, String)> {
        let mut stamps = std::mem::take(&mut self.stamps);
        stamps.sort_unstable();
        stamps
    }

    /// Takes every score given again out of the sorted scores (and their lines and
    /// weights), all but the one sent last (by timestamp when there are [`RowTimes`], else
    /// the one on the last line); gives them, each with the line that replaced it. A run
    /// whose last row the timestamps cannot tell (a value that is no timestamp, two rows at
    /// one time, a day order that decides it unset) is a problem: the load fails.
    pub(super) fn take_replaced(
        &mut self,
        lines: &mut Vec<u32>,
        weights: &mut Option<Vec<f64>>,
        files: &[PathBuf],
        rosters: (&Roster<JurorId>, &Roster<ProposalId>),
        problems: &mut Problems,
    ) -> Vec<Replaced> {
        let file = files
            .get(self.scores_file as usize)
            .cloned()
            .unwrap_or_default();
        let times = self.times.take();
        let mut replaced = Vec::new();
        let mut keep = vec![true; self.scores.len()];
        let mut start = 0;
        while start < self.scores.len() {
            let key = self.scores[start].key();
            let len = (self.scores[start..].iter())
                .take_while(|s| s.key() == key)
                .count();
            let run = start..start + len;
            start += len;
            if len < 2 {
                continue;
            }
            let last = match self.last_of(run.clone(), lines, times.as_ref(), &file, rosters) {
                Ok(last) => last,
                Err(problem) => {
                    // The load fails on this problem; the rows' "given a second time"
                    // would only repeat it, so all but one leave the scores unreported.
                    problems.push(*problem);
                    run.clone().skip(1).for_each(|i| keep[i] = false);
                    continue;
                }
            };
            let mut earlier: Vec<usize> = run.filter(|&i| i != last).collect();
            earlier.sort_by_key(|&i| lines[i]);
            for i in earlier {
                keep[i] = false;
                let s = &self.scores[i];
                replaced.push(Replaced {
                    juror: rosters.0.id(s.juror_index()).to_string(),
                    proposal: rosters.1.id(s.proposal_index()).to_string(),
                    criterion: self.rubric.criteria[s.criterion_index()].id.clone(),
                    raw: s.raw(),
                    confidence: weights.as_ref().map_or(1.0, |w| w[i]),
                    at: Location::line(&file, u64::from(lines[i])),
                    by: Location::line(&file, u64::from(lines[last])),
                });
            }
        }
        self.drop_unkept(&keep, lines, weights);
        if !replaced.is_empty() {
            let note = replaced_note(replaced.len(), times.as_ref());
            self.notes.push((file.display().to_string(), note));
        }
        replaced
    }

    /// The index of the score sent last of `run` (the scores of one juror, proposal and
    /// criterion): by timestamp when there are `times`, else the one on the last line.
    fn last_of(
        &self,
        run: std::ops::Range<usize>,
        lines: &[u32],
        times: Option<&RowTimes>,
        file: &Path,
        (jurors, proposals): (&Roster<JurorId>, &Roster<ProposalId>),
    ) -> Result<usize, Box<Problem>> {
        let last_line = match times {
            None => run.clone().map(|i| lines[i]).max().unwrap_or(0),
            Some(t) => {
                let s = &self.scores[run.start];
                let what = format!(
                    "juror '{}' scores proposal '{}' on criterion '{}' in {} rows",
                    jurors.id(s.juror_index()),
                    proposals.id(s.proposal_index()),
                    self.rubric.criteria[s.criterion_index()].id,
                    run.len()
                );
                let run_lines: Vec<u32> = run.clone().map(|i| lines[i]).collect();
                last_sent(t, &run_lines, file, &what)?
            }
        };
        Ok(run
            .clone()
            .find(|&i| lines[i] == last_line)
            .unwrap_or(run.start))
    }

    /// Drops the scores (with their lines and weights) not to `keep`.
    fn drop_unkept(&mut self, keep: &[bool], lines: &mut Vec<u32>, weights: &mut Option<Vec<f64>>) {
        if keep.iter().all(|&k| k) {
            return;
        }
        let mut k = 0..;
        self.scores.retain(|_| keep[k.next().unwrap_or(0)]);
        let mut k = 0..;
        lines.retain(|_| keep[k.next().unwrap_or(0)]);
        if let Some(w) = weights {
            let mut k = 0..;
            w.retain(|_| keep[k.next().unwrap_or(0)]);
        }
    }
}

/// The warning counting `n` replaced scores, saying what ordered them: the timestamp
/// column (and how its dates were read), or the rows' order.
fn replaced_note(n: usize, times: Option<&RowTimes>) -> String {
    let by = match times {
        None => "a later row".to_string(),
        Some(t) => format!(
            "a row sent later by column '{}'{}",
            t.column,
            t.order.map(|o| format!(" (read {o})")).unwrap_or_default()
        ),
    };
    format!(
        "{n} score{} replaced by {by} for the same juror, proposal and criterion ([input] duplicates = \"last\"); each is in the audit's scores.csv with status replaced",
        if n == 1 { "" } else { "s" }
    )
}

/// The line of the row sent last of `lines` (the rows of one juror, proposal and
/// criterion), by their timestamps; the problem when the timestamps cannot tell.
fn last_sent(
    times: &RowTimes,
    lines: &[u32],
    file: &Path,
    what: &str,
) -> Result<u32, Box<Problem>> {
    let column = &times.column;
    let stamp = |line: u32| times.times.get(&line);
    let at = |line: u32| Location::cell(file, u64::from(line), column.as_str());
    let text = |line: u32| stamp(line).map_or("", |s| s.text.as_str());
    // A value that is no timestamp under any reading.
    if let Some(&bad) =
        (lines.iter()).find(|&&l| stamp(l).is_none_or(|s| s.readings == [None, None]))
    {
        let said = match text(bad) {
            "" => "no timestamp (the cell is blank)",
            _ => "not a timestamp jury reads",
        };
        let message = format!(
            "{said}; {what} and [input] duplicates = \"last\" keeps the one sent last by this column; expected a date and time such as {FORMATS}; correct the value, or list the column in [input] ignore to keep the row furthest down instead"
        );
        return Err(Box::new(
            Problem::new(ProblemKind::NotANumber, at(bad), message).with_value(text(bad)),
        ));
    }
    // The row sent last under each reading (day-first, month-first) that reads every row.
    let mut winners: Vec<u32> = Vec::new();
    for r in 0..2 {
        let read: Option<Vec<(i64, u32)>> = (lines.iter())
            .map(|&l| stamp(l).and_then(|s| s.readings[r]).map(|t| (t, l)))
            .collect();
        let Some(mut read) = read else { continue };
        read.sort();
        let (t, l) = read[read.len() - 1];
        if let Some(&(_, tied)) = read.iter().rev().nth(1).filter(|p| p.0 == t) {
            let message = format!(
                "{what}, and this one has the same timestamp as another ({FIRST_ON_LINE}{tied}): which was sent last cannot be told; delete the row that should not count"
            );
            return Err(Box::new(
                Problem::new(ProblemKind::Duplicate, at(l), message).with_value(text(l)),
            ));
        }
        winners.push(l);
    }
    match winners[..] {
        [w] => Ok(w),
        [a, b] if a == b => Ok(a),
        _ => {
            let (x, y) = match winners[..] {
                [x, y] => (x, y),
                _ => (lines[0], lines[1]),
            };
            let (a, b) = (x.min(y), x.max(y));
            let message = format!(
                "{what}; which was sent last depends on whether the dates in column '{column}' are day first (12/05/2016 = 12 May) or month first (05/12/2016 = 12 May), and no value in the column tells (none has a day above 12), or the values disagree; set [input] timestamp_format = \"day-first\" or \"month-first\" in award.toml (this row's \"{}\" against \"{}\", {FIRST_ON_LINE}{a})",
                text(b),
                text(a)
            );
            Err(Box::new(
                Problem::new(ProblemKind::Setting, at(b), message).with_value(text(b)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times whose rows (lines 2, 3, …) read `readings` (day-first, month-first).
    fn times(readings: &[[Option<i64>; 2]]) -> RowTimes {
        let times = (readings.iter().enumerate())
            .map(|(i, &r)| {
                let stamp = Stamp {
                    text: format!("t{i}"),
                    readings: r,
                };
                (i as u32 + 2, stamp)
            })
            .collect();
        RowTimes {
            column: "Timestamp".into(),
            times,
            order: None,
        }
    }

    fn last(readings: &[[Option<i64>; 2]], lines: &[u32]) -> Result<u32, String> {
        let t = times(readings);
        last_sent(&t, lines, Path::new("scores.csv"), "w").map_err(|p| p.to_string())
    }

    #[test]
    fn the_row_sent_last_is_found_whatever_the_order_of_the_others() {
        // Line 3 is latest both ways; lines 2 and 4 tie, below it: no matter.
        let r = [[Some(1), Some(1)], [Some(9), Some(5)], [Some(1), Some(1)]];
        assert_eq!(last(&r, &[2, 3, 4]), Ok(3));
        // Latest day-first (line 2) and month-first (line 3) differ: refused.
        let r = [[Some(9), Some(1)], [Some(5), Some(5)]];
        let err = last(&r, &[2, 3]).unwrap_err();
        assert!(err.contains("timestamp_format"), "{err}");
        // A reading that reads no row of the run is no reading: month-first has line 3 only.
        let r = [[Some(9), None], [Some(5), Some(7)]];
        assert_eq!(last(&r, &[2, 3]), Ok(2));
        // Tied at the top; a row without a timestamp at all.
        let r = [[Some(9), Some(9)], [Some(9), Some(9)]];
        assert!(last(&r, &[2, 3]).unwrap_err().contains("same timestamp"));
        assert!(last(&r, &[2, 7]).unwrap_err().contains("cell is blank"));
    }
}
