//! The outcome of scoring an award: every stage's result, kept for the reports.

use crate::aggregate::{self, ProposalValues};
use crate::award::Award;
use crate::conflicts::{self, Status};
use crate::diagnostics::{self, Diagnostics};
use crate::eligibility;
use crate::normalize::{self, Correction};
use crate::rank::{self, Ranking};
use crate::warnings::Warning;
use crate::winners::{self, Selection, Winner};

/// Everything scoring found: corrected scores, criterion values, eligibility, ranking,
/// winners and warnings. Reports are written from it.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What became of each score, in [`Award::scores`] order.
    pub status: Vec<Status>,
    /// Corrected scores and juror effects.
    pub correction: Correction,
    /// Per proposal: criterion values, total, reviews, spread.
    pub values: Vec<ProposalValues>,
    /// Per juror agreement and flags; per proposal whether it needs another reader.
    pub diagnostics: Diagnostics,
    /// Per proposal: why it is not eligible (empty when it is).
    pub ineligible: Vec<Vec<String>>,
    /// The ranking of the eligible proposals.
    pub ranking: Ranking,
    /// The winners.
    pub selection: Selection,
    /// Everything a coordinator must know, from every stage.
    pub warnings: Vec<Warning>,
}

impl Outcome {
    /// The corrected value of score `i`, when it counts.
    pub fn corrected(&self, i: usize) -> Option<f64> {
        (self.status[i] == Status::Used).then(|| self.correction.corrected[i])
    }

    /// The winners, best first.
    pub fn winners(&self) -> Vec<usize> {
        self.ranking
            .order
            .iter()
            .copied()
            .filter(|&p| self.selection.winner[p] == Some(Winner::Yes))
            .collect()
    }

    /// Every proposal in report order: ranked proposals by rank, then the ineligible ones by
    /// total (highest first, no total last) and id.
    pub fn listing(&self) -> Vec<usize> {
        let mut rest: Vec<usize> = (0..self.values.len())
            .filter(|&p| self.ranking.rank[p].is_none())
            .collect();
        let total = |p: usize| self.values[p].total.unwrap_or(f64::NEG_INFINITY);
        rest.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
        self.ranking.order.iter().copied().chain(rest).collect()
    }
}

/// Scores an award with its settings: excludes conflicts, corrects juror bias, aggregates,
/// diagnoses the jurors, checks eligibility, ranks and names the winners.
pub fn score(award: &Award) -> Outcome {
    let settings = award.settings();
    let rubric = award.rubric();
    let status = conflicts::statuses(award);
    let mut warnings = Vec::new();
    let count = |s: Status| status.iter().filter(|&&x| x == s).count();
    let (missing, conflict) = (count(Status::Missing), count(Status::Conflict));
    if missing > 0 {
        warnings.push(Warning::MissingScores { count: missing });
    }
    if conflict > 0 {
        warnings.push(Warning::ConflictScores { count: conflict });
    }
    let correction = normalize::correct(award, &status, settings.method);
    warnings.extend(correction.warnings.iter().cloned());
    let (values, aggregate_warnings) = aggregate::aggregate(
        award,
        &status,
        &correction,
        settings.aggregate,
        settings.trim,
    );
    warnings.extend(aggregate_warnings);
    let diagnostics = diagnostics::diagnose(award, &status, &correction, &values);
    let ineligible: Vec<Vec<String>> = values
        .iter()
        .map(|v| eligibility::reasons(v, rubric, settings.min_reviews))
        .collect();
    let eligible: Vec<bool> = ineligible.iter().map(Vec::is_empty).collect();
    let ranking = rank::rank(
        &values,
        &eligible,
        rubric,
        &settings.tie_break,
        settings.seed,
    );
    let selection = winners::select(award, &ranking, settings.winners);
    warnings.extend(selection.warnings.iter().cloned());
    warnings.extend(diagnostics.warnings.iter().cloned());
    Outcome {
        status,
        correction,
        values,
        diagnostics,
        ineligible,
        ranking,
        selection,
        warnings,
    }
}
