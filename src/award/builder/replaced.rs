//! `[input] duplicates = "last"`: a score given again (one juror, proposal and criterion)
//! replaces the earlier one, which is kept for the audit, never dropped unseen.

use std::path::PathBuf;

use super::AwardBuilder;
use crate::award::roster::Roster;
use crate::award::Replaced;
use crate::error::Location;
use crate::ids::{JurorId, ProposalId};

impl AwardBuilder {
    /// Takes every score given again out of the sorted scores (and their lines and
    /// weights), all but the one on the last line; gives them, each with the line that
    /// replaced it.
    pub(super) fn take_replaced(
        &mut self,
        lines: &mut Vec<u32>,
        weights: &mut Option<Vec<f64>>,
        files: &[PathBuf],
        (jurors, proposals): (&Roster<JurorId>, &Roster<ProposalId>),
    ) -> Vec<Replaced> {
        let file = files
            .get(self.scores_file as usize)
            .cloned()
            .unwrap_or_default();
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
            let last = run.clone().max_by_key(|&i| lines[i]).unwrap_or(run.start);
            let mut earlier: Vec<usize> = run.filter(|&i| i != last).collect();
            earlier.sort_by_key(|&i| lines[i]);
            for i in earlier {
                keep[i] = false;
                let s = &self.scores[i];
                replaced.push(Replaced {
                    juror: jurors.id(s.juror_index()).to_string(),
                    proposal: proposals.id(s.proposal_index()).to_string(),
                    criterion: self.rubric.criteria[s.criterion_index()].id.clone(),
                    raw: s.raw(),
                    confidence: weights.as_ref().map_or(1.0, |w| w[i]),
                    at: Location::line(&file, u64::from(lines[i])),
                    by: Location::line(&file, u64::from(lines[last])),
                });
            }
        }
        if replaced.is_empty() {
            return replaced;
        }
        let mut k = 0..;
        self.scores.retain(|_| keep[k.next().unwrap_or(0)]);
        let mut k = 0..;
        lines.retain(|_| keep[k.next().unwrap_or(0)]);
        if let Some(w) = weights {
            let mut k = 0..;
            w.retain(|_| keep[k.next().unwrap_or(0)]);
        }
        let note = format!(
            "{} score{} replaced by a later row for the same juror, proposal and criterion ([input] duplicates = \"last\"); each is in the audit's scores.csv with status replaced",
            replaced.len(),
            if replaced.len() == 1 { "" } else { "s" }
        );
        self.notes.push((file.display().to_string(), note));
        replaced
    }
}
