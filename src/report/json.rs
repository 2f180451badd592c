//! JSON reports: the manifest of the audit bundle, and the summary for `--format json`.

use std::io;

use serde::{Serialize, Serializer};

use super::{ranking_rows, RankingRow, Report};
use crate::award::{Award, InputFile};
use crate::fit::RHAT_POOR;
use crate::ids::ProposalId;
use crate::outcome::{cut_reading, Outcome};
use crate::rubric::Rubric;
use crate::settings::{Method, Settings};
use crate::winners::Winner;

/// `manifest.json`: the tool and version, the resolved settings and rubric, the seed, and
/// the SHA-256 of every input file and of every report written beside it.
pub struct Manifest {
    /// The reports written with it, with their hashes.
    pub reports: Vec<InputFile>,
}

#[derive(Serialize)]
struct ManifestDoc<'a> {
    tool: &'static str,
    version: &'static str,
    award: &'a str,
    seed: u64,
    settings: &'a Settings,
    rubric: &'a Rubric,
    inputs: &'a [InputFile],
    reports: &'a [InputFile],
    /// The `bayes` sampler's run and convergence, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    sampler: Option<SamplerDoc>,
}

/// What `manifest.json` records of the `bayes` sampler: its chains and draws, and the split
/// R-hat of the proposals' weighted totals against the limit above which it warns.
#[derive(Serialize)]
struct SamplerDoc {
    chains: usize,
    draws_per_chain: usize,
    worst_rhat: f64,
    rhat_limit: f64,
    proposals_above_limit: usize,
}

impl SamplerDoc {
    fn of(outcome: &Outcome) -> Option<SamplerDoc> {
        let p = outcome.correction.posterior.as_ref()?;
        Some(SamplerDoc {
            chains: p.chains,
            draws_per_chain: p.per_chain,
            worst_rhat: p.worst_rhat(),
            rhat_limit: RHAT_POOR,
            proposals_above_limit: p.rhat.iter().filter(|&&r| r > RHAT_POOR).count(),
        })
    }
}

impl Report for Manifest {
    fn file_name(&self) -> &'static str {
        "manifest.json"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let doc = ManifestDoc {
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            award: &award.settings().name,
            seed: award.settings().seed,
            settings: award.settings(),
            rubric: award.rubric(),
            inputs: award.inputs(),
            reports: &self.reports,
            sampler: SamplerDoc::of(outcome),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

/// The ranking, winners and warnings as one JSON document (`jury score --format json`, and
/// `summary.json` in the audit bundle), schema [`SUMMARY_SCHEMA`] (docs/json.md); each row's
/// criterion values in rubric order. With uncertainty, it also says how decided the cut is.
#[derive(Clone, Copy, Default)]
pub struct SummaryJson<'a> {
    /// Each method's winners, first place first, when compared: the document then lists
    /// them (the bundle's copy always does).
    pub methods: Option<&'a [(Method, Vec<ProposalId>)]>,
}

/// The `schema` field of [`SummaryJson`]: the document's name and version.
pub const SUMMARY_SCHEMA: &str = "jury.score/1";

#[derive(Serialize)]
struct SummaryDoc<'a> {
    schema: &'static str,
    award: &'a str,
    method: String,
    aggregate: String,
    winners: Vec<&'a str>,
    ranking: RankingDoc<'a>,
    warnings: Vec<WarningDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replicates: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cut: Option<CutDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    methods: Option<Vec<MethodDoc<'a>>>,
}

/// The last winning place and how often it holds over the bootstrap replicates.
#[derive(Serialize)]
struct CutDoc<'a> {
    last_winner: &'a str,
    runner_up: &'a str,
    holds: f64,
    reading: &'static str,
}

/// One method's winners.
#[derive(Serialize)]
struct MethodDoc<'a> {
    method: String,
    chosen: bool,
    winners: Vec<&'a str>,
}

#[derive(Serialize)]
struct RowDoc<'a> {
    rank: Option<usize>,
    proposal: &'a str,
    title: &'a str,
    total: Option<f64>,
    winner: String,
    eligible: bool,
    reviews: usize,
    values: Values<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_winner: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rank_interval: Option<(usize, usize)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_interval: Option<(f64, f64)>,
    note: String,
}

/// Criterion values as a JSON object in rubric order.
struct Values<'a>(Vec<(&'a str, Option<f64>)>);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The ranking, each row made as it is written: 40,000 rows made at once held some 30 MB.
struct RankingDoc<'a> {
    award: &'a Award,
    outcome: &'a Outcome,
}

impl Serialize for RankingDoc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (award, outcome) = (self.award, self.outcome);
        serializer.collect_seq(ranking_rows(award, outcome).map(|r| row_doc(award, outcome, r)))
    }
}

/// A number as the CSV reports write it (at most 6 decimals), read back.
fn round(x: f64) -> f64 {
    super::number(x).parse::<f64>().unwrap_or(x)
}

fn row_doc<'a>(award: &'a Award, outcome: &'a Outcome, r: RankingRow) -> RowDoc<'a> {
    let proposals = award.proposals();
    let u = outcome.uncertainty.as_ref();
    RowDoc {
        rank: r.rank,
        proposal: proposals.id(r.proposal),
        title: proposals.label(r.proposal),
        total: r.total.map(round),
        winner: r.winner.unwrap_or(Winner::No).to_string(),
        eligible: r.eligible,
        reviews: r.reviews,
        values: Values(
            award
                .rubric()
                .criteria
                .iter()
                .zip(&r.values)
                .map(|(c, v)| (c.id.as_str(), v.map(round)))
                .collect(),
        ),
        p_winner: u.map(|u| round(u.p_winner(r.proposal))),
        rank_interval: u.and_then(|u| u.rank_interval(r.proposal)),
        total_interval: u
            .and_then(|u| u.total_interval(r.proposal))
            .map(|(a, b)| (round(a), round(b))),
        note: r.note,
    }
}

#[derive(Serialize)]
struct WarningDoc {
    kind: &'static str,
    message: String,
}

impl Report for SummaryJson<'_> {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn write(&self, award: &Award, outcome: &Outcome, out: &mut dyn io::Write) -> io::Result<()> {
        let proposals = award.proposals();
        let doc = SummaryDoc {
            schema: SUMMARY_SCHEMA,
            award: &award.settings().name,
            method: award.settings().method.to_string(),
            aggregate: award.settings().aggregate.to_string(),
            winners: outcome
                .winners()
                .into_iter()
                .map(|p| proposals.id(p))
                .collect(),
            ranking: RankingDoc { award, outcome },
            warnings: outcome
                .warnings
                .iter()
                .map(|w| WarningDoc {
                    kind: w.kind(),
                    message: w.to_string(),
                })
                .collect(),
            replicates: outcome.uncertainty.as_ref().map(|u| u.replicates()),
            cut: cut_doc(award, outcome),
            methods: self.methods.map(|c| method_docs(award, c)),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

fn cut_doc<'a>(award: &'a Award, outcome: &Outcome) -> Option<CutDoc<'a>> {
    let cut = outcome.uncertainty.as_ref()?.cut()?;
    let proposals = award.proposals();
    Some(CutDoc {
        last_winner: proposals.id(cut.last_winner),
        runner_up: proposals.id(cut.runner_up),
        holds: round(cut.holds),
        reading: cut_reading(cut.holds),
    })
}

fn method_docs<'a>(award: &'a Award, methods: &[(Method, Vec<ProposalId>)]) -> Vec<MethodDoc<'a>> {
    let proposals = award.proposals();
    let chosen = award.settings().method;
    methods
        .iter()
        .map(|(method, winners)| MethodDoc {
            method: method.to_string(),
            chosen: *method == chosen,
            winners: winners.iter().map(|&p| proposals.id(p)).collect(),
        })
        .collect()
}
