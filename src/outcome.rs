//! The outcome of scoring an award: every stage's result, kept for the reports.

use std::sync::OnceLock;

use crate::aggregate::{self, ProposalValues};
use crate::award::Award;
use crate::conflicts::{self, Status};
use crate::diagnostics::{self, Diagnostics};
use crate::eligibility::{self, Ineligible, RawRanges};
use crate::fit::{components_of_edges, FitOptions};
use crate::ids::ProposalId;
use crate::normalize::{self, Correction, Start};
use crate::rank::{self, Ranking};
use crate::reliability::{self, Statistic};
use crate::settings::Settings;
use crate::warnings::Warning;
use crate::winners::{self, Selection, Winner};

mod access;
mod posterior;
mod uncertainty;

pub(crate) use uncertainty::interval;
pub use uncertainty::{cut_reading, Cut, Uncertainty, INTERVAL_TAIL};

/// Everything scoring found: corrected scores, criterion values, eligibility, ranking,
/// winners and warnings. Reports are written from it.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What became of each score, in [`Award::scores`] order.
    pub(crate) status: Vec<Status>,
    /// Corrected scores and juror effects.
    pub(crate) correction: Correction,
    /// Per proposal: criterion values, total, reviews, spread.
    pub(crate) values: Vec<ProposalValues>,
    /// Per juror agreement and flags; per proposal whether it needs another reader
    /// (computed by [`score`]; empty from [`score_with`] and [`score_counted`]).
    pub(crate) diagnostics: Diagnostics,
    /// Per proposal: why it is not eligible (empty when it is).
    pub(crate) ineligible: Vec<Vec<Ineligible>>,
    /// The ranking of the eligible proposals.
    pub(crate) ranking: Ranking,
    /// The winners.
    pub(crate) selection: Selection,
    /// Everything a coordinator must know, from every stage.
    pub(crate) warnings: Vec<Warning>,
    /// How sure the winner list is, when estimated ([`crate::uncertainty::estimate`]).
    pub(crate) uncertainty: Option<Uncertainty>,
    /// The panel's reliability, computed on first use ([`Outcome::reliability`]).
    reliability: OnceLock<Vec<Statistic>>,
}

impl Outcome {
    /// The corrected value of score `i`, when it counts.
    ///
    /// # Panics
    ///
    /// When `i` is not an index of [`Award::scores`].
    pub fn corrected(&self, i: usize) -> Option<f64> {
        (self.status[i] == Status::Used).then(|| self.correction.corrected[i])
    }

    /// The panel's reliability on the raw valid scores ([`reliability::panel`]), computed on
    /// first use and kept: most runs never ask for it, and on a large award it costs more
    /// than scoring.
    ///
    /// # Panics
    ///
    /// When `award` is not the award this outcome was scored from (it may panic, or give
    /// numbers of the wrong award when the shapes happen to match).
    pub fn reliability(&self, award: &Award) -> &[Statistic] {
        self.reliability
            .get_or_init(|| reliability::panel(award, &self.status))
    }

    /// The winners, best first.
    pub fn winners(&self) -> Vec<ProposalId> {
        self.winner_positions().map(ProposalId::from).collect()
    }

    /// The winners' positions in the award's proposals, best first.
    pub(crate) fn winner_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.ranking
            .order
            .iter()
            .copied()
            .filter(|&p| self.selection.winner[p] == Some(Winner::Yes))
    }

    /// Every proposal in report order: ranked proposals by rank, then the ineligible ones by
    /// total (highest first, no total last) and id.
    pub fn listing(&self) -> Vec<ProposalId> {
        self.listing_positions()
            .into_iter()
            .map(ProposalId::from)
            .collect()
    }

    /// [`Outcome::listing`] as positions in the award's proposals.
    pub(crate) fn listing_positions(&self) -> Vec<usize> {
        let mut rest: Vec<usize> = (0..self.values.len())
            .filter(|&p| self.ranking.rank[p].is_none())
            .collect();
        let total = |p: usize| self.values[p].total.unwrap_or(f64::NEG_INFINITY);
        rest.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
        self.ranking.order.iter().copied().chain(rest).collect()
    }
}

/// Attributes that settings changed in code name and the award's lists do not have (the
/// loader and [`crate::AwardBuilder::build`] refuse them in the award's own settings): a cap
/// or a conflict rule that silently applied to nothing would name wrong winners.
fn unknown_attributes(award: &Award, settings: &Settings) -> Vec<Warning> {
    let has = |names: &[String], a: &String| names.contains(a);
    let proposals = award.proposals().attribute_names();
    let jurors = award.jurors().attribute_names();
    let caps = settings
        .max_per
        .keys()
        .filter(|a| !has(proposals, a))
        .map(|a| ("max_per", a));
    // Conflicts are decided by the award's own settings.
    let same = award
        .settings()
        .conflicts_same
        .iter()
        .filter(|a| !has(proposals, a) || !has(jurors, a))
        .map(|a| ("conflicts_same", a));
    caps.chain(same)
        .map(|(setting, a)| Warning::UnknownAttribute {
            setting,
            attribute: a.clone(),
        })
        .collect()
}

/// Scores an award with its settings: excludes conflicts, corrects juror bias, aggregates,
/// diagnoses the jurors, checks eligibility, ranks and names the winners.
pub fn score(award: &Award) -> Outcome {
    scored(award, award.settings(), None, true)
}

/// Scores an award with other settings (another method, say). Conflicts are decided by the
/// award's own settings, which fixed its inputs. The settings are taken as they are: check
/// settings made in code with [`Settings::validate`].
pub fn score_with(award: &Award, settings: &Settings) -> Outcome {
    score_counted(award, settings, None)
}

/// Scores an award counting each score `counts[i]` times (see
/// [`crate::normalize::correct_counted`]); `None` counts every score once. Counts are the
/// multiplicities a bootstrap replicate draws, a handful each: the median and trimmed
/// aggregates hold each score as many times as it is counted.
///
/// # Panics
///
/// When `counts` has not one count for each of the award's scores.
pub fn score_counted(award: &Award, settings: &Settings, counts: Option<&[u32]>) -> Outcome {
    if let Some(counts) = counts {
        assert_eq!(
            counts.len(),
            award.scores().len(),
            "score_counted takes one count for each score of the award"
        );
    }
    scored(award, settings, counts, false)
}

/// What every scoring of one award under one settings in a bootstrap shares: the statuses
/// (conflicts are decided by the award's own settings) and where the fitted method's
/// iteration starts, the fit of the whole award. Made once per estimate; also, with no start,
/// for the bundle's scorings of the award under other methods.
pub(crate) struct Replay {
    status: Vec<Status>,
    start: Option<Start>,
}

impl Replay {
    /// The statuses of `award` and the start of `settings`' method on it (one fit).
    pub(crate) fn new(award: &Award, settings: &Settings) -> Replay {
        let status = conflicts::statuses(award);
        let start = normalize::start(award, &status, settings.method);
        Replay { status, start }
    }

    /// The statuses of `outcome`, an outcome of the award, with no start: for scoring the award
    /// as it is under other methods ([`Replay::score_all`]), where the fit starts cold as in
    /// [`score_with`]. (Any outcome of an award has its statuses: conflicts are decided by the
    /// award's own settings.)
    pub(crate) fn statuses_of(outcome: &Outcome) -> Replay {
        Replay {
            status: outcome.status.clone(),
            start: None,
        }
    }

    /// The whole award's `affine` fit, the start of every replay's (`None` under another
    /// method).
    pub(crate) fn affine_fit(&self) -> Option<&crate::fit::SharedAffineFit> {
        self.start.as_ref().map(normalize::Start::fit)
    }

    /// [`score_counted`] with the fit started from the whole award's (the same outcome to
    /// within the fit's tolerance, [`crate::advanced::fit::FitOptions::tolerance`]), and no
    /// warnings: a replicate is asked only for its values, ranking and winners.
    pub(crate) fn score(&self, award: &Award, settings: &Settings, counts: &[u32]) -> Outcome {
        self.score_within(award, settings, counts, &FitOptions::default())
    }

    /// [`Replay::score`] with the fitted methods stopped as `options` say (to within their
    /// tolerance of the fit [`Replay::score`] stops at, and unconverged, with a
    /// [`Warning::NotConverged`] in the correction's warnings, after their most sweeps).
    pub(crate) fn score_within(
        &self,
        award: &Award,
        settings: &Settings,
        counts: &[u32],
        options: &FitOptions,
    ) -> Outcome {
        self.scored(award, settings, counts, *options, None)
    }

    /// [`Replay::score`] of a bootstrap draw whose `counts` keep every proposal's number of
    /// reviews, `reviews[p]` (each review's valid scores all counted as often as the review was
    /// drawn, and as many draws as reviews): the same outcome, without counting the reviews
    /// again.
    pub(crate) fn score_drawn(
        &self,
        award: &Award,
        settings: &Settings,
        counts: &[u32],
        reviews: &[usize],
    ) -> Outcome {
        let options = FitOptions::default();
        self.scored(award, settings, counts, options, Some(reviews))
    }

    /// The replay of `counts` as `run` says, with `reviews` when the counts keep them.
    fn scored(
        &self,
        award: &Award,
        settings: &Settings,
        counts: &[u32],
        options: FitOptions,
        reviews: Option<&[usize]>,
    ) -> Outcome {
        assert_eq!(
            counts.len(),
            award.scores().len(),
            "one count for each score"
        );
        let run = Run {
            diagnose: false,
            replay: Some(self),
            options,
            reviews,
        };
        scored_as(award, settings, Some(counts), run)
    }

    /// [`score_with`] on the statuses of this replay and without warnings: the same values,
    /// ranking and winners.
    pub(crate) fn score_all(&self, award: &Award, settings: &Settings) -> Outcome {
        let run = Run {
            diagnose: false,
            replay: Some(self),
            options: FitOptions::default(),
            reviews: None,
        };
        scored_as(award, settings, None, run)
    }
}

/// How [`scored_as`] runs: with the diagnostics, or as a replay (statuses and start given,
/// no warnings); the fitted methods stopped as `options` say; each proposal's number of
/// reviews given when the counts are known to keep it ([`Replay::score_drawn`]).
#[derive(Clone, Copy)]
struct Run<'a> {
    diagnose: bool,
    replay: Option<&'a Replay>,
    options: FitOptions,
    reviews: Option<&'a [usize]>,
}

/// [`score_counted`], and the diagnostics when `diagnose` (their warnings last).
fn scored(award: &Award, settings: &Settings, counts: Option<&[u32]>, diagnose: bool) -> Outcome {
    let run = Run {
        diagnose,
        replay: None,
        options: FitOptions::default(),
        reviews: None,
    };
    scored_as(award, settings, counts, run)
}

/// The warnings that come before the correction's: the input's notes, missing and conflicted
/// scores, attributes the settings name that the lists lack.
fn first_warnings(award: &Award, settings: &Settings, status: &[Status]) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = (award.input_notes().iter())
        .map(|(file, note)| Warning::Input {
            file: file.clone(),
            note: note.clone(),
        })
        .collect();
    warnings.extend(status_warnings(status));
    warnings.extend(unknown_attributes(award, settings));
    warnings
}

/// [`scored`] as `run` says.
fn scored_as(award: &Award, settings: &Settings, counts: Option<&[u32]>, run: Run<'_>) -> Outcome {
    let (status, start, warn) = match run.replay {
        Some(r) => (r.status.clone(), r.start.as_ref(), false),
        None => (conflicts::statuses(award), None, true),
    };
    let mut warnings = if warn {
        first_warnings(award, settings, &status)
    } else {
        Vec::new()
    };
    // The design's connectivity is one pass on one thread: it runs beside the correction,
    // whose criteria rarely share the threads out evenly.
    let (split, (correction, (values, aggregate_warnings))) = rayon::join(
        || warn.then(|| split_design(award, &status)).flatten(),
        || {
            let correction = normalize::correct_from(
                award,
                &status,
                counts,
                settings.method,
                settings.seed,
                start,
                &run.options,
            );
            let aggregated = aggregate::aggregate_reviewed(
                award,
                (&status, counts, run.reviews),
                &correction,
                settings.aggregate,
                settings.trim,
            );
            (correction, aggregated)
        },
    );
    let mut values = values;
    if let Some(posterior) = &correction.posterior {
        posterior::apply(&mut values, posterior, award.rubric());
    }
    warnings.extend(split);
    warnings.extend(correction.warnings.iter().cloned());
    warnings.extend(aggregate_warnings);
    for (p, v) in values.iter().enumerate().filter(|_| warn) {
        if v.reviews == 1 {
            warnings.push(Warning::SingleReview {
                proposal: award.proposals().id(p).to_string(),
            });
        }
    }
    // Ranking is mostly one thread's work: the diagnostics, which need only the values, run
    // beside it.
    let ((ineligible, ranking, selection), diagnostics) = rayon::join(
        || {
            let raw = eligibility::threshold_ranges(award, &status, counts);
            rank_and_select(award, settings, &values, &raw)
        },
        || {
            if run.diagnose {
                diagnostics::diagnose(award, &status, &correction, &values)
            } else {
                Diagnostics::default()
            }
        },
    );
    warnings.extend(selection.warnings.iter().cloned());
    warnings.extend(diagnostics.warnings.iter().cloned());
    // A sampled method's probabilities come from its posterior (not for a bootstrap
    // replicate, whose own winners are all it is asked for).
    let uncertainty = correction
        .posterior
        .as_ref()
        .filter(|_| counts.is_none())
        .map(|post| {
            let scored = posterior::Scored {
                award,
                settings,
                values: &values,
                ineligible: &ineligible,
                ranking: &ranking,
                selection: &selection,
            };
            posterior::uncertainty(&scored, post)
        });
    Outcome {
        status,
        correction,
        values,
        diagnostics,
        ineligible,
        ranking,
        selection,
        warnings,
        uncertainty,
        reliability: OnceLock::new(),
    }
}

/// The warnings that some scores are missing and that some are excluded as conflicts.
fn status_warnings(status: &[Status]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let count = |s: Status| status.iter().filter(|&&x| x == s).count();
    let (missing, conflict) = (count(Status::Missing), count(Status::Conflict));
    if missing > 0 {
        warnings.push(Warning::MissingScores { count: missing });
    }
    if conflict > 0 {
        warnings.push(Warning::ConflictScores { count: conflict });
    }
    warnings
}

/// Each proposal's reasons for being ineligible (none when eligible; `raw` holds its valid
/// scores' range on each criterion), the ranking of the eligible ones and the winners
/// selected from it.
fn rank_and_select(
    award: &Award,
    settings: &Settings,
    values: &[ProposalValues],
    raw: &RawRanges,
) -> (Vec<Vec<Ineligible>>, Ranking, Selection) {
    let rubric = award.rubric();
    let ineligible: Vec<Vec<Ineligible>> = values
        .iter()
        .enumerate()
        .map(|(p, v)| eligibility::reasons(v, raw.proposal(p), rubric, settings.min_reviews))
        .collect();
    let eligible: Vec<bool> = ineligible.iter().map(Vec::is_empty).collect();
    let ranking = rank::rank(
        values,
        &eligible,
        rubric,
        &settings.tie_break,
        settings.seed,
    );
    let selection = winners::select(award, &ranking, settings);
    (ineligible, ranking, selection)
}

/// A warning when the assignment graph (jurors ↔ proposals, over valid scores of every
/// criterion) has more than one connected component. Time linear in the scores: the
/// components come from one union–find pass, and each juror and proposal is put into its
/// part's lists in one more pass over each roster (in roster order, so each list is sorted
/// as the roster is).
fn split_design(award: &Award, status: &[Status]) -> Option<Warning> {
    let edges = award
        .scores()
        .iter()
        .zip(status)
        .filter(|(_, s)| **s == Status::Used)
        .map(|(s, _)| (s.juror_index(), s.proposal_index()));
    let components = components_of_edges(award.jurors().len(), award.proposals().len(), edges);
    if components.count < 2 {
        return None;
    }
    let mut parts: Vec<(Vec<String>, Vec<String>)> = vec![Default::default(); components.count];
    for (j, part) in components.juror.iter().enumerate() {
        if let Some(k) = part {
            parts[*k as usize].0.push(award.jurors().id(j).to_string());
        }
    }
    for (p, part) in components.proposal.iter().enumerate() {
        if let Some(k) = part {
            parts[*k as usize]
                .1
                .push(award.proposals().id(p).to_string());
        }
    }
    Some(Warning::SplitDesign { parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    fn parts(outcome: &Outcome) -> Vec<(Vec<String>, Vec<String>)> {
        let split: Vec<_> = outcome
            .warnings
            .iter()
            .filter_map(|w| match w {
                Warning::SplitDesign { parts } => Some(parts.clone()),
                _ => None,
            })
            .collect();
        assert!(split.len() <= 1, "{split:?}");
        split.into_iter().next().unwrap_or_default()
    }

    fn owned(parts: &[(&[&str], &[&str])]) -> Vec<(Vec<String>, Vec<String>)> {
        let strings = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect();
        parts
            .iter()
            .map(|(j, p)| (strings(j), strings(p)))
            .collect()
    }

    #[test]
    fn a_split_design_names_each_part_with_its_jurors_and_proposals() {
        // a–P1–c–P4 is one part; b reads P2 and P3, e reads P5, d gave only a blank score
        // (missing) and so is in no part, nor is P6, read by nobody who counts. Parts
        // come in the order of their lowest juror (a, b, e), members in roster order.
        let mut b = testkit::single_builder(
            testkit::one_criterion(0.0, 10.0),
            Settings::default(),
            &[
                ("c", "P4", 1.0),
                ("a", "P1", 2.0),
                ("b", "P3", 3.0),
                ("e", "P5", 4.0),
                ("c", "P1", 5.0),
                ("b", "P2", 6.0),
            ],
        );
        b.score("d", "P6", "q", None);
        let award = b.build().unwrap();
        assert_eq!(
            parts(&score(&award)),
            owned(&[
                (&["a", "c"], &["P1", "P4"]),
                (&["b"], &["P2", "P3"]),
                (&["e"], &["P5"]),
            ])
        );
    }

    #[test]
    fn a_connected_design_has_no_split_warning() {
        let award = testkit::single(
            testkit::one_criterion(0.0, 10.0),
            Settings::default(),
            &[("a", "P1", 1.0), ("b", "P1", 2.0), ("b", "P2", 3.0)],
        );
        assert!(parts(&score(&award)).is_empty());
    }

    #[test]
    fn many_parts_are_bucketed_each_to_its_own() {
        // Juror j reads proposals 2j and 2j+1 alone: 500 parts of one juror, two proposals.
        let scores: Vec<(String, String)> = (0..500)
            .flat_map(|j| [2 * j, 2 * j + 1].map(|p| (format!("J{j:03}"), format!("P{p:04}"))))
            .collect();
        let refs: Vec<(&str, &str, f64)> = scores
            .iter()
            .map(|(j, p)| (j.as_str(), p.as_str(), 1.0))
            .collect();
        let award = testkit::single(
            testkit::one_criterion(0.0, 10.0),
            Settings::default(),
            &refs,
        );
        let got = parts(&score(&award));
        assert_eq!(got.len(), 500);
        for (j, (jurors, proposals)) in got.iter().enumerate() {
            assert_eq!(jurors, &vec![format!("J{j:03}")]);
            assert_eq!(
                proposals,
                &vec![format!("P{:04}", 2 * j), format!("P{:04}", 2 * j + 1)]
            );
        }
    }
}
