//! Warnings: things a coordinator must know about a result, as data.
//!
//! The library never prints. Each stage adds [`Warning`]s to the outcome; the command line
//! shows them on stderr and the audit bundle writes them to `warnings.csv`.

use std::fmt;

/// Something about a result that a coordinator must know, with advice where there is some.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Warning {
    /// Blank score cells: missing scores, never counted as zeros.
    MissingScores {
        /// How many.
        count: usize,
    },
    /// Reviews that give no row at all for some criterion (long form): that criterion rests
    /// on the other jurors, as a blank cell would.
    IncompleteReviews {
        /// How many reviews.
        count: usize,
        /// The first such review's juror and proposal, and the criteria it leaves out.
        juror: String,
        /// The first such review's proposal.
        proposal: String,
        /// The criteria the first such review has no row for.
        absent: String,
    },
    /// Scores that do not count because of conflicts of interest.
    ConflictScores {
        /// How many.
        count: usize,
    },
    /// A juror gave the same score to everything they read on a criterion (or scored only
    /// one proposal), so the method cannot measure their spread.
    NoSpread {
        /// The juror's id.
        juror: String,
        /// The criterion's id.
        criterion: String,
        /// How many scores they gave on it.
        scores: usize,
        /// What the method did.
        rule: &'static str,
    },
    /// The juror–proposal graph falls into parts that share no juror: totals are comparable
    /// only within a part, and fitted methods identify juror effects only within a part.
    SplitDesign {
        /// Each part's jurors and proposals (ids).
        parts: Vec<(Vec<String>, Vec<String>)>,
    },
    /// A fitted method stopped at its iteration limit before converging: its corrections are
    /// approximate. It happens when the juror graph is nearly split, or nearly a ring.
    NotConverged {
        /// The method.
        method: String,
        /// The criteria whose fit did not converge.
        criteria: Vec<String>,
        /// The iteration limit.
        iterations: usize,
    },
    /// The `bayes` sampler's chains disagree (split R-hat of some weighted total above
    /// [`crate::fit::RHAT_POOR`] even after the longer rerun): its ranking and probabilities
    /// are approximate.
    NotMixed {
        /// The largest split R-hat over the proposals' weighted totals, to three decimals.
        rhat: String,
        /// Proposals whose total's R-hat is above the limit.
        proposals: usize,
        /// Sweeps each chain ran.
        sweeps: usize,
    },
    /// A proposal has a single valid review: its value rests on one juror.
    SingleReview {
        /// The proposal's id.
        proposal: String,
    },
    /// The trimmed mean had too few reviews to drop any and used the median instead.
    TrimFallback {
        /// The proposal's id.
        proposal: String,
        /// The criterion's id.
        criterion: String,
        /// How many valid scores it had.
        reviews: usize,
    },
    /// Fewer eligible proposals than winning places.
    FewerEligible {
        /// Eligible proposals.
        eligible: usize,
        /// Winning places.
        winners: usize,
    },
    /// Proposals still equal after every tie-break rule straddle the last winning place.
    TieAtCut {
        /// The tied proposals' ids.
        proposals: Vec<String>,
        /// Winning places left for them.
        places: usize,
    },
    /// The last winning place was decided by a tie-break rule, not by the total.
    CutDecidedByRule {
        /// The last winner.
        winner: String,
        /// The first proposal below the cut.
        runner_up: String,
        /// The rule that decided.
        rule: String,
    },
    /// A proposal that would have won was passed over for a `max_per` cap.
    PassedOver {
        /// The proposal's id.
        proposal: String,
        /// The capped attribute.
        attribute: String,
        /// Its value.
        value: String,
        /// The cap.
        cap: usize,
    },
    /// A juror gave nearly the same score everywhere (see [`crate::advanced::diagnostics`]).
    StraightLining {
        /// The juror's id.
        juror: String,
        /// Why, in plain words, with the numbers behind it.
        reason: String,
    },
    /// A juror gave the same score on every criterion of many of their reviews.
    Halo {
        /// The juror's id.
        juror: String,
        /// Why, in plain words, with the numbers behind it.
        reason: String,
    },
    /// A juror's agreement with the rest of the panel is far below the panel's.
    OutlierJuror {
        /// The juror's id.
        juror: String,
        /// Why, in plain words, with the numbers behind it.
        reason: String,
    },
    /// A juror scored proposals that share their country, institution or another attribute
    /// well above (or below) the proposals' values.
    HomeBias {
        /// The juror's id.
        juror: String,
        /// Why, in plain words, with the numbers behind it.
        reason: String,
    },
    /// A proposal's reviews disagree beyond `[diagnostics] disagreement`.
    NeedsAnotherReader {
        /// The proposal's id.
        proposal: String,
        /// On which criteria and by how much.
        reason: String,
    },
    /// `ratio` cannot divide by a juror's mean score or the criterion's pooled mean when
    /// either is zero or below (a scale reaching below zero): the juror's scores on the
    /// criterion are kept raw.
    RatioUndefined {
        /// The juror's id.
        juror: String,
        /// The criterion's id.
        criterion: String,
        /// The juror's mean score on it, as written in the reports.
        mean: String,
        /// Every juror's mean on it, as written in the reports.
        pooled_mean: String,
    },
    /// `ratio` corrects a criterion whose scale reaches below 0, where a juror's mean can
    /// come near 0 and dividing by it blows their scores up.
    RatioOnSignedScale {
        /// The criterion's id.
        criterion: String,
        /// Its scale's minimum, as written in the reports.
        min: String,
    },
    /// The method corrects each juror with a different map on each criterion (or not by a
    /// map at all), so it can rank B above A although every juror's weighted total put A
    /// above B (docs/methods.md, "Unanimity").
    BreaksUnanimity {
        /// The method.
        method: String,
    },
    /// `affine` kept the scale of jurors who read too few proposals to tell a spread from
    /// noise at 1: they are corrected for leniency only.
    ScalesHeld {
        /// How many jurors.
        jurors: usize,
        /// The first of them (by id order in the award).
        first: String,
        /// The fewest distinct proposals a juror must read for a scale to be fitted.
        min_proposals: usize,
    },
    /// Settings changed in code name an attribute that the award's lists do not have, so the
    /// cap or conflict rule applied to nothing. (Read from `award.toml`, such a setting is an
    /// error.)
    UnknownAttribute {
        /// The setting: `max_per` or `conflicts_same`.
        setting: &'static str,
        /// The attribute named.
        attribute: String,
    },
    /// How an input table was read, where it was not the plain way: a delimiter other than a
    /// comma, a decimal comma, a sheet chosen, form metadata skipped, re-submitted rows
    /// replaced.
    Input {
        /// The file (and sheet) read.
        file: String,
        /// What was done, in plain words.
        note: String,
    },
}

impl Warning {
    /// A short stable name of the warning's kind, as written in `warnings.csv`.
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::MissingScores { .. } => "missing_scores",
            Warning::IncompleteReviews { .. } => "incomplete_reviews",
            Warning::ConflictScores { .. } => "conflict_scores",
            Warning::NoSpread { .. } => "no_spread",
            Warning::SplitDesign { .. } => "split_design",
            Warning::NotConverged { .. } => "not_converged",
            Warning::NotMixed { .. } => "not_mixed",
            Warning::SingleReview { .. } => "single_review",
            Warning::TrimFallback { .. } => "trim_fallback",
            Warning::FewerEligible { .. } => "fewer_eligible",
            Warning::TieAtCut { .. } => "tie_at_cut",
            Warning::CutDecidedByRule { .. } => "cut_decided_by_rule",
            Warning::PassedOver { .. } => "passed_over",
            Warning::StraightLining { .. } => "straight_lining",
            Warning::Halo { .. } => "halo",
            Warning::OutlierJuror { .. } => "outlier",
            Warning::HomeBias { .. } => "home_bias",
            Warning::NeedsAnotherReader { .. } => "needs_another_reader",
            Warning::UnknownAttribute { .. } => "unknown_attribute",
            Warning::Input { .. } => "input",
            Warning::RatioUndefined { .. } => "ratio_undefined",
            Warning::RatioOnSignedScale { .. } => "ratio_on_signed_scale",
            Warning::BreaksUnanimity { .. } => "breaks_unanimity",
            Warning::ScalesHeld { .. } => "scales_held",
        }
    }

    /// Whether the warning puts the winner list itself in question.
    pub fn is_loud(&self) -> bool {
        matches!(
            self,
            Warning::TieAtCut { .. }
                | Warning::FewerEligible { .. }
                | Warning::SplitDesign { .. }
                | Warning::NotConverged { .. }
                | Warning::NotMixed { .. }
        )
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each family writes its own variants; a variant no family wrote is named by its kind.
        self.fmt_scores(f)
            .or_else(|| self.fmt_correction(f))
            .or_else(|| self.fmt_ranking(f))
            .or_else(|| self.fmt_diagnostics(f))
            .unwrap_or_else(|| f.write_str(self.kind()))
    }
}

impl Warning {
    /// Warnings about the scores as given; `None` for the others.
    fn fmt_scores(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Warning::IncompleteReviews { count, juror, proposal, absent } => write!(
                f,
                "{count} review{} give{} no row for some criterion (the first: juror {juror} on proposal {proposal}, no row for {absent}): such a criterion rests on the other jurors, as a blank cell would; add the rows, with a blank score if none was given",
                plural(*count),
                if *count == 1 { "s" } else { "" }
            ),
            Warning::Input { file, note } => write!(f, "{file}: {note}"),
            Warning::MissingScores { count } => write!(
                f,
                "{count} score{} left blank: reported as missing, never counted as zero",
                plural(*count)
            ),
            Warning::ConflictScores { count } => write!(
                f,
                "{count} score{} not counted because of conflicts of interest (status 'conflict' in scores.csv)",
                plural(*count)
            ),
            _ => return None,
        })
    }

    /// Warnings about correcting juror bias; `None` for the others.
    fn fmt_correction(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Warning::NoSpread { juror, criterion, scores, rule } => write!(
                f,
                "juror {juror} gave {} on criterion {criterion}, so their spread cannot be measured: {rule}",
                if *scores == 1 { "only one score".to_string() } else { format!("the same score to all {scores} proposals") }
            ),
            Warning::NotConverged { method, criteria, iterations } => write!(
                f,
                "NOT CONVERGED: the {method} fit of criteria {} stopped after {iterations} iterations without converging, so its corrections are approximate and close ranks may be wrong; this happens when few jurors read across groups of proposals (add readers who cross them), or compare with --method additive",
                criteria.join(", ")
            ),
            Warning::NotMixed { rhat, proposals, sweeps } => write!(
                f,
                "NOT MIXED: the bayes sampler's chains disagree on {proposals} proposal total{} (largest split R-hat {rhat}, after {sweeps} sweeps a chain), so its ranking and probabilities are approximate; compare with --method affine",
                plural(*proposals)
            ),
            Warning::SplitDesign { parts } => split_design(f, parts),
            Warning::RatioUndefined { juror, criterion, mean, pooled_mean } => write!(
                f,
                "ratio cannot divide by a mean of zero or below: juror {juror}'s mean on criterion {criterion} is {mean} and every juror's is {pooled_mean}, so their scores are kept raw"
            ),
            Warning::RatioOnSignedScale { criterion, min } => write!(
                f,
                "ratio divides each juror's scores by their mean over everyone's, which means something only on a scale from 0 up; criterion {criterion}'s scale starts at {min}, where a mean near 0 blows a juror's scores up: prefer zscore, additive or affine"
            ),
            Warning::BreaksUnanimity { method } => write!(
                f,
                "{method} corrects each juror differently on each criterion, so it can rank a proposal below another that every juror's weighted total put below it; affine, additive and none never do"
            ),
            Warning::ScalesHeld { jurors, first, min_proposals } => write!(
                f,
                "{jurors} juror{} (the first: {first}) read fewer than {min_proposals} proposals, too few to tell a spread from noise: affine corrects them for leniency only (scale 1)",
                plural(*jurors),
            ),
            _ => return None,
        })
    }

    /// Warnings about eligibility, ranking and the winners; `None` for the others.
    fn fmt_ranking(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Warning::SingleReview { proposal } => write!(
                f,
                "proposal {proposal} has a single valid review: its value rests on one juror, and no method can correct that juror on it"
            ),
            Warning::TrimFallback { proposal, criterion, reviews } => write!(
                f,
                "proposal {proposal} has {reviews} valid score{} on criterion {criterion}, too few to trim: the median is used",
                plural(*reviews)
            ),
            Warning::FewerEligible { eligible, winners } => write!(
                f,
                "only {eligible} eligible proposal{} for {winners} winning place{}",
                plural(*eligible),
                plural(*winners)
            ),
            Warning::TieAtCut { proposals, places } => write!(
                f,
                "TIE AT THE CUT: {} are equal after every tie-break rule and compete for {places} winning place{}; the jury must decide (or add \"lottery\" to [ranking] tie_break)",
                proposals.join(", "),
                plural(*places)
            ),
            Warning::CutDecidedByRule { winner, runner_up, rule } => write!(
                f,
                "the last winning place went to {winner} over {runner_up} by the tie-break rule {rule}, not by the total"
            ),
            Warning::PassedOver { proposal, attribute, value, cap } => write!(
                f,
                "proposal {proposal} was passed over: {cap} winner{} already from {attribute} {value} (max_per)",
                plural(*cap)
            ),
            Warning::UnknownAttribute { setting, attribute } => write!(
                f,
                "{setting} names the attribute '{attribute}', which the award's lists do not have (attributes are their columns, in lower case): it applied to nothing"
            ),
            _ => return None,
        })
    }

    /// Warnings about a juror or a proposal that needs a look; `None` for the others.
    fn fmt_diagnostics(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        Some(match self {
            Warning::StraightLining { juror, reason }
            | Warning::Halo { juror, reason }
            | Warning::OutlierJuror { juror, reason }
            | Warning::HomeBias { juror, reason } => write!(f, "juror {juror}: {reason}"),
            Warning::NeedsAnotherReader { proposal, reason } => {
                write!(f, "proposal {proposal} needs another reader: {reason}")
            }
            _ => return None,
        })
    }
}

/// How many of a split design's parts its sentence names: the largest ones.
const SPLIT_PARTS_NAMED: usize = 3;

/// How many jurors, and how many proposals, the sentence names in each part it names.
const SPLIT_IDS_NAMED: usize = 5;

/// The split-design warning, summarised: how many parts, the [`SPLIT_PARTS_NAMED`] largest
/// (by jurors and proposals together; ties to the lower part number) with their sizes and
/// first few members, and where every part is listed. Its length does not grow with the
/// number of parts, nor with their size.
fn split_design(f: &mut fmt::Formatter<'_>, parts: &[(Vec<String>, Vec<String>)]) -> fmt::Result {
    write!(
        f,
        "SPLIT DESIGN: the jurors and proposals fall into {} parts that share no juror, so totals are comparable only within a part (and fitted methods estimate juror effects only within a part); add readers who cross the parts. ",
        parts.len()
    )?;
    let largest = largest_parts(parts);
    if largest.len() == parts.len() {
        f.write_str("Its parts, largest first:")?;
    } else {
        write!(f, "The {} largest:", largest.len())?;
    }
    for (n, &k) in largest.iter().enumerate() {
        let (jurors, proposals) = &parts[k];
        write!(
            f,
            "{} part {} ({}; {})",
            if n == 0 { "" } else { "," },
            k + 1,
            Named(jurors, "juror"),
            Named(proposals, "proposal")
        )?;
    }
    write!(
        f,
        ". Every part is listed in warnings.csv, one '{SPLIT_PART_KIND}' row each"
    )
}

/// The kind of `warnings.csv`'s row for one part of a split design.
const SPLIT_PART_KIND: &str = "split_design_part";

/// The indexes of a split design's largest parts (at most [`SPLIT_PARTS_NAMED`]), largest
/// first; equal sizes in part order. One pass over the parts.
fn largest_parts(parts: &[(Vec<String>, Vec<String>)]) -> Vec<usize> {
    let size = |k: usize| parts[k].0.len() + parts[k].1.len();
    let mut largest: Vec<usize> = Vec::with_capacity(SPLIT_PARTS_NAMED + 1);
    for k in 0..parts.len() {
        // Before the first smaller one: a later part of equal size stays behind.
        let at = largest
            .iter()
            .position(|&l| size(l) < size(k))
            .unwrap_or(largest.len());
        if at < SPLIT_PARTS_NAMED {
            largest.insert(at, k);
            largest.truncate(SPLIT_PARTS_NAMED);
        }
    }
    largest
}

/// A count of members with the first few ids: `2 jurors: J1, J2`, `7 proposals: P1, P2, P3,
/// P4, P5 and 2 more`.
struct Named<'a>(&'a [String], &'static str);

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Named(ids, noun) = *self;
        write!(f, "{} {noun}{}: ", ids.len(), plural(ids.len()))?;
        f.write_str(&ids[..ids.len().min(SPLIT_IDS_NAMED)].join(", "))?;
        if ids.len() > SPLIT_IDS_NAMED {
            write!(f, " and {} more", ids.len() - SPLIT_IDS_NAMED)?;
        }
        Ok(())
    }
}

impl Warning {
    /// Rows that `warnings.csv` writes after the warning's own, as (kind, message): for a
    /// split design, one [`SPLIT_PART_KIND`] row per part with every juror and proposal in
    /// it (`part 2 of 40: jurors J3; proposals P3, P7`); none for every other warning.
    pub(crate) fn detail_rows(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let parts = match self {
            Warning::SplitDesign { parts } => &parts[..],
            _ => &[],
        };
        parts
            .iter()
            .enumerate()
            .map(move |(k, (jurors, proposals))| {
                (
                    SPLIT_PART_KIND,
                    format!(
                        "part {} of {}: jurors {}; proposals {}",
                        k + 1,
                        parts.len(),
                        jurors.join(", "),
                        proposals.join(", ")
                    ),
                )
            })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(jurors: usize, proposals: usize) -> (Vec<String>, Vec<String>) {
        (
            (0..jurors).map(|j| format!("J{j}")).collect(),
            (0..proposals).map(|p| format!("P{p}")).collect(),
        )
    }

    #[test]
    fn the_largest_parts_come_first_ties_in_part_order() {
        let sizes = [(1, 1), (2, 2), (1, 1), (3, 1), (1, 3), (5, 5), (2, 2)];
        let parts: Vec<_> = sizes.iter().map(|&(j, p)| part(j, p)).collect();
        // Members: 2, 4, 2, 4, 4, 10, 4 → part 6, then the first two of size 4 (2 and 4).
        assert_eq!(largest_parts(&parts), vec![5, 1, 3]);
        assert_eq!(largest_parts(&parts[..2]), vec![1, 0]);
    }

    #[test]
    fn a_split_design_sentence_stays_short_and_its_rows_list_everyone() {
        let parts: Vec<_> = (0..10_000).map(|k| part(1 + k % 7, 1)).collect();
        let w = Warning::SplitDesign { parts };
        let text = w.to_string();
        assert!(text.len() < 700, "{text}");
        assert!(
            text.contains("fall into 10000 parts")
                && text.contains(
                    "The 3 largest: part 7 (7 jurors: J0, J1, J2, J3, J4 and 2 more; 1 proposal: P0), part 14 (7 jurors"
                ),
            "{text}"
        );
        let rows: Vec<_> = w.detail_rows().collect();
        assert_eq!(rows.len(), 10_000);
        assert_eq!(
            rows[6],
            (
                "split_design_part",
                "part 7 of 10000: jurors J0, J1, J2, J3, J4, J5, J6; proposals P0".to_string()
            )
        );
        assert_eq!(Warning::MissingScores { count: 1 }.detail_rows().count(), 0);
    }

    #[test]
    fn counts_of_one_read_in_the_singular() {
        // Not "only 0 eligible proposals for 1 winning places".
        let w = Warning::FewerEligible {
            eligible: 0,
            winners: 1,
        };
        assert_eq!(
            w.to_string(),
            "only 0 eligible proposals for 1 winning place"
        );
        let w = Warning::FewerEligible {
            eligible: 1,
            winners: 5,
        };
        assert_eq!(
            w.to_string(),
            "only 1 eligible proposal for 5 winning places"
        );
    }
}
