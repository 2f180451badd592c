//! An audit bundle read back from its folder: what the HTML report shows, and nothing more.
//!
//! The report is drawn from the bundle's own files (`summary.json`, `manifest.json`,
//! `jurors.csv`, `reliability.csv`), never from the award in memory, so `jury report DIR`
//! draws the same bytes as `jury score --out DIR` did.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Location, Problem, ProblemKind, Result};
use crate::report::untext;

/// The bundle, as the report needs it.
pub(crate) struct Bundle {
    pub summary: Summary,
    pub manifest: ManifestDoc,
    pub jurors: Vec<JurorRow>,
    pub reliability: Vec<Reliability>,
}

/// `summary.json` (schema `jury.score/1`, docs/json.md).
#[derive(Deserialize)]
pub(crate) struct Summary {
    pub award: String,
    pub method: String,
    pub aggregate: String,
    pub winners: Vec<String>,
    pub ranking: Vec<Row>,
    pub warnings: Vec<WarningDoc>,
    #[serde(default)]
    pub replicates: Option<usize>,
    #[serde(default)]
    pub cut: Option<CutDoc>,
    #[serde(default)]
    pub methods: Option<Vec<MethodDoc>>,
}

/// A row of the ranking.
#[derive(Deserialize)]
pub(crate) struct Row {
    pub rank: Option<usize>,
    pub proposal: String,
    pub title: String,
    pub total: Option<f64>,
    pub winner: String,
    pub eligible: bool,
    pub reviews: usize,
    pub values: BTreeMap<String, Option<f64>>,
    #[serde(default)]
    pub p_winner: Option<f64>,
    #[serde(default)]
    pub total_interval: Option<(f64, f64)>,
    #[serde(default)]
    pub rank_interval: Option<(usize, usize)>,
    pub note: String,
}

/// A warning.
#[derive(Deserialize)]
pub(crate) struct WarningDoc {
    pub kind: String,
    pub message: String,
}

/// How decided the cut is.
#[derive(Deserialize)]
pub(crate) struct CutDoc {
    pub last_winner: String,
    pub runner_up: String,
    pub holds: f64,
    pub reading: String,
}

/// One method's winners.
#[derive(Deserialize)]
pub(crate) struct MethodDoc {
    pub method: String,
    pub chosen: bool,
    pub winners: Vec<String>,
}

/// `manifest.json`: the parts the report prints.
#[derive(Deserialize)]
pub(crate) struct ManifestDoc {
    pub tool: String,
    pub version: String,
    pub seed: u64,
    pub settings: BTreeMap<String, serde_json::Value>,
    pub rubric: RubricDoc,
    pub inputs: Vec<FileDoc>,
    pub reports: Vec<FileDoc>,
}

/// The rubric as the manifest records it.
#[derive(Deserialize)]
pub(crate) struct RubricDoc {
    pub name: String,
    pub criteria: Vec<CriterionDoc>,
}

/// One criterion.
#[derive(Deserialize)]
pub(crate) struct CriterionDoc {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub threshold: Option<f64>,
    pub scale: ScaleDoc,
}

/// A criterion's scale.
#[derive(Deserialize)]
pub(crate) struct ScaleDoc {
    pub min: f64,
    pub max: f64,
}

/// A file and its SHA-256.
#[derive(Deserialize)]
pub(crate) struct FileDoc {
    pub path: String,
    pub sha256: String,
}

/// A row of `jurors.csv`, the columns the report shows.
pub(crate) struct JurorRow {
    pub juror: String,
    pub name: String,
    pub scores: usize,
    pub leniency: Option<f64>,
    pub scale: Option<f64>,
    pub agreement: Option<f64>,
    pub flags: String,
    /// Whether the runs without each juror were made (`changes_winners` is filled).
    pub without_run: bool,
    pub winners_without: Option<String>,
}

/// A row of `reliability.csv`.
pub(crate) struct Reliability {
    pub criterion: String,
    pub statistic: String,
    pub value: Option<f64>,
}

/// Reads the bundle in `dir`.
pub(crate) fn read(dir: &Path) -> Result<Bundle> {
    if !dir.is_dir() {
        return Err(invalid(
            dir,
            ProblemKind::Unreadable,
            "not a folder: give the folder written by `jury score --out`".to_string(),
        ));
    }
    let manifest: ManifestDoc = json(dir, "manifest.json")?;
    if manifest.tool != "jury" {
        return Err(invalid(
            &dir.join("manifest.json"),
            ProblemKind::Syntax,
            format!(
                "written by '{}', not jury: give a folder written by `jury score --out`",
                manifest.tool
            ),
        ));
    }
    Ok(Bundle {
        summary: json(dir, "summary.json")?,
        manifest,
        jurors: jurors(&dir.join("jurors.csv"))?,
        reliability: reliability(&dir.join("reliability.csv"))?,
    })
}

fn json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let text = text(&path)?;
    serde_json::from_str(&text).map_err(|e| {
        invalid(
            &path,
            ProblemKind::Syntax,
            format!("not the document jury writes ({e}); write the bundle again with `jury score --out`"),
        )
    })
}

fn text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| {
        invalid(
            path,
            ProblemKind::Unreadable,
            format!("cannot read it ({e}); give a folder written by `jury score --out` (bundles written before jury 0.2 have no summary.json: score the award again)"),
        )
    })
}

fn invalid(path: &Path, kind: ProblemKind, message: String) -> Error {
    Error::Invalid(vec![Problem::new(kind, Location::file(path), message)])
}

/// The rows of a CSV report as maps from column to cell.
fn table(path: &Path) -> Result<Vec<BTreeMap<String, String>>> {
    let text = text(path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let syntax = |e: csv::Error| invalid(path, ProblemKind::Syntax, e.to_string());
    let header = reader.headers().map_err(syntax)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(syntax)?;
        rows.push(
            header
                .iter()
                .zip(record.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect(),
        );
    }
    Ok(rows)
}

fn cell<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column).map_or("", String::as_str)
}

/// A text cell as given (the page shows `@J01`, as `summary.json` does, not `'@J01`).
fn given(cell: &str) -> String {
    untext(cell).to_string()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> Option<f64> {
    cell(row, column)
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
}

fn jurors(path: &Path) -> Result<Vec<JurorRow>> {
    Ok(table(path)?
        .iter()
        .map(|r| JurorRow {
            juror: given(cell(r, "juror")),
            name: given(cell(r, "name")),
            scores: cell(r, "scores").parse().unwrap_or(0),
            leniency: number(r, "leniency"),
            scale: number(r, "scale"),
            agreement: number(r, "agreement"),
            flags: cell(r, "flags").to_string(),
            without_run: !cell(r, "changes_winners").is_empty(),
            winners_without: (cell(r, "changes_winners") == "yes")
                .then(|| given(cell(r, "winners_without"))),
        })
        .collect())
}

fn reliability(path: &Path) -> Result<Vec<Reliability>> {
    Ok(table(path)?
        .iter()
        .map(|r| Reliability {
            criterion: given(cell(r, "criterion")),
            statistic: cell(r, "statistic").to_string(),
            value: number(r, "value"),
        })
        .collect())
}
