//! Writing a simulated award as an award folder, with its truth beside it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{award_name, criterion_id, rubric_toml, Simulation};
use crate::error::{Error, Result};
use crate::load::{AWARD_FILE, JURORS_FILE, PROPOSALS_FILE, SCORES_FILE};
use crate::util::number::number;

/// The true quality of each proposal, in the folder.
pub const TRUTH_FILE: &str = "truth.csv";
/// The true leniency and spread of each juror, in the folder.
pub const JURORS_TRUTH_FILE: &str = "jurors_truth.csv";

/// Writes the simulated award into `dir`, a new or empty folder, atomically:
///
/// | file | content |
/// |---|---|
/// | `award.toml` | the options (as a comment), the award's name, 5 winners, the inline rubric |
/// | `scores.csv` | wide form, `juror,proposal,c1,…`, one review a row, sorted |
/// | `proposals.csv` | `id,title,batch` |
/// | `jurors.csv` | `id,name,panel` |
/// | `truth.csv` | `proposal,batch,offset,quality,c1,…,total,rank` (rank 1: the best true total) |
/// | `jurors_truth.csv` | `juror,panel,leniency,spread,noise_sd,appetite` |
///
/// Numbers are written as in reports ([`crate::report::number`]), so the same simulation
/// gives the same bytes. The folder loads with [`crate::load`] into the same award. A folder
/// that exists and holds anything is refused, never emptied.
pub fn write_folder(simulation: &Simulation, dir: impl AsRef<Path>) -> Result<()> {
    let dir = dir.as_ref();
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source: io::Error| Error::Output { path, source }
    };
    if dir.exists() {
        let empty = dir.is_dir() && fs::read_dir(dir).map_err(fail(dir))?.next().is_none();
        if !empty {
            // A usage problem (exit 2), not a failure to write.
            return Err(Error::Invalid(vec![crate::error::Problem::new(
                crate::error::ProblemKind::Setting,
                crate::error::Location::file(dir),
                "--out exists and is not an empty folder; choose a new or empty folder",
            )]));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(fail(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".jury-simulate-")
        .tempdir_in(&parent)
        .map_err(fail(&parent))?;
    for (name, text) in files(simulation) {
        let path = staging.path().join(name);
        fs::write(&path, text).map_err(fail(&path))?;
    }
    if dir.exists() {
        fs::remove_dir(dir).map_err(fail(dir))?;
    }
    fs::rename(staging.path(), dir).map_err(fail(dir))?;
    // The staging folder now is `dir`; make sure its guard does not remove it.
    let _ = staging.keep();
    Ok(())
}

/// Every file of the folder, with its text.
fn files(sim: &Simulation) -> Vec<(&'static str, String)> {
    let o = &sim.options;
    let criteria: Vec<String> = (0..o.criteria).map(criterion_id).collect();
    let header = criteria.join(",");
    let toml = award_toml(sim);
    let scores = scores_csv(sim, &header);
    let (proposals_csv, truth_csv) = proposals_csv(sim, &header);
    let (jurors_csv, jurors_truth) = jurors_csv(sim);
    vec![
        (AWARD_FILE, toml),
        (SCORES_FILE, scores),
        (PROPOSALS_FILE, proposals_csv),
        (JURORS_FILE, jurors_csv),
        (TRUTH_FILE, truth_csv),
        (JURORS_TRUTH_FILE, jurors_truth),
    ]
}

/// `award.toml`: the options as a comment, the award's name and winners, the inline rubric.
fn award_toml(sim: &Simulation) -> String {
    let (o, award) = (&sim.options, &sim.award);
    let mut toml = format!(
        "# A simulated award, drawn by `jury simulate` (jury::simulate) with these options:\n\
         #   proposals = {}, jurors = {}, reviews = {}, criteria = {}, scale = {}, seed = {},\n\
         #   panels = {}, cross_reading = {}, batch_strength = {}, quality_sd = {},\n\
         #   criterion_sd = {}, leniency_sd = {}, spread_sd = {}, noise_sd = {}\n\
         # {TRUTH_FILE} and {JURORS_TRUTH_FILE} hold what the jurors could not see.\n\n\
         [award]\nname = \"{}\"\nwinners = {}\n\n",
        o.proposals,
        o.jurors,
        o.reviews,
        o.criteria,
        o.scale,
        o.seed,
        o.panels,
        o.cross_reading,
        o.batch_strength,
        o.quality_sd,
        o.criterion_sd,
        o.leniency_sd,
        o.spread_sd,
        o.noise_sd,
        award_name(o.seed),
        award.settings().winners,
    );
    toml += &rubric_toml(o.criteria, &o.scale);
    toml
}

/// `scores.csv`, in wide form, one review a row, under `header` (the criteria's ids).
fn scores_csv(sim: &Simulation, header: &str) -> String {
    let (o, award) = (&sim.options, &sim.award);
    let (proposals, jurors) = (award.proposals(), award.jurors());
    let mut reviews: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    for s in award.scores() {
        let row = reviews
            .entry((s.juror_index(), s.proposal_index()))
            .or_default();
        row.resize(o.criteria, 0.0);
        row[s.criterion_index()] = s.raw().unwrap_or_default();
    }
    let mut scores = format!("juror,proposal,{header}\n");
    for ((j, p), row) in &reviews {
        let cells: Vec<String> = row.iter().map(|&x| number(x)).collect();
        let _ = writeln!(
            scores,
            "{},{},{}",
            jurors.id(*j),
            proposals.id(*p),
            cells.join(",")
        );
    }
    scores
}

/// `proposals.csv` and `truth.csv`, whose criterion columns are under `header`.
fn proposals_csv(sim: &Simulation, header: &str) -> (String, String) {
    let (o, truth) = (&sim.options, &sim.truth);
    let proposals = sim.award.proposals();
    let mut proposals_csv = String::from("id,title,batch\n");
    let mut truth_csv = format!("proposal,batch,offset,quality,{header},total,rank\n");
    let mut rank = vec![0; truth.totals.len()];
    for (r, p) in truth.top(truth.totals.len()).into_iter().enumerate() {
        rank[p] = r + 1;
    }
    for (p, rank) in rank.into_iter().enumerate() {
        let (id, b) = (proposals.id(p), truth.batch[p]);
        let _ = writeln!(proposals_csv, "{id},{},{}", proposals.label(p), b + 1);
        let values = &truth.values[p * o.criteria..(p + 1) * o.criteria];
        let values: Vec<String> = values.iter().map(|&v| number(v)).collect();
        let _ = writeln!(
            truth_csv,
            "{id},{},{},{},{},{},{}",
            b + 1,
            number(truth.offsets[b]),
            number(truth.quality[p]),
            values.join(","),
            number(truth.totals[p]),
            rank
        );
    }
    (proposals_csv, truth_csv)
}

/// `jurors.csv` and `jurors_truth.csv`.
fn jurors_csv(sim: &Simulation) -> (String, String) {
    let (o, truth) = (&sim.options, &sim.truth);
    let jurors = sim.award.jurors();
    let mut jurors_csv = String::from("id,name,panel\n");
    let mut jurors_truth = String::from("juror,panel,leniency,spread,noise_sd,appetite\n");
    for j in 0..jurors.len() {
        let (id, panel) = (jurors.id(j), truth.panel[j] + 1);
        let _ = writeln!(jurors_csv, "{id},{},{panel}", jurors.label(j));
        let _ = writeln!(
            jurors_truth,
            "{id},{panel},{},{},{},{}",
            number(truth.leniency[j]),
            number(truth.spread[j]),
            number(o.noise_sd),
            number(truth.appetite[j])
        );
    }
    (jurors_csv, jurors_truth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{simulate, SimulationOptions};

    const FILES: [&str; 6] = [
        AWARD_FILE,
        SCORES_FILE,
        PROPOSALS_FILE,
        JURORS_FILE,
        TRUTH_FILE,
        JURORS_TRUTH_FILE,
    ];

    fn seeded(seed: u64) -> Simulation {
        simulate(&SimulationOptions {
            seed,
            ..SimulationOptions::default()
        })
        .unwrap()
    }

    fn written(sim: &Simulation) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        write_folder(sim, root.path().join("award")).unwrap();
        root
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let (a, b) = (written(&seeded(21)), written(&seeded(21)));
        for name in FILES {
            let read = |d: &tempfile::TempDir| fs::read(d.path().join("award").join(name)).unwrap();
            assert_eq!(read(&a), read(&b), "{name}");
        }
        let other = written(&seeded(22));
        let scores = |d: &tempfile::TempDir| fs::read(d.path().join("award/scores.csv")).unwrap();
        assert_ne!(scores(&a), scores(&other));
    }

    #[test]
    fn the_folder_loads_into_the_same_award() {
        let sim = seeded(5);
        let root = written(&sim);
        let loaded = crate::load(root.path().join("award")).unwrap();
        assert_eq!(loaded.rubric(), sim.award.rubric());
        assert_eq!(loaded.settings(), sim.award.settings());
        assert_eq!(loaded.proposals(), sim.award.proposals());
        assert_eq!(loaded.jurors(), sim.award.jurors());
        let key = |a: &crate::Award| -> Vec<(usize, usize, usize, Option<f64>)> {
            (a.scores().iter())
                .map(|s| {
                    (
                        s.juror_index(),
                        s.proposal_index(),
                        s.criterion_index(),
                        s.raw(),
                    )
                })
                .collect()
        };
        assert_eq!(key(&loaded), key(&sim.award));
    }

    #[test]
    fn a_continuous_scale_reads_back_exactly() {
        let sim = simulate(&SimulationOptions {
            scale: crate::Scale {
                min: 0.0,
                max: 10.0,
                step: None,
            },
            criteria: 2,
            ..SimulationOptions::default()
        })
        .unwrap();
        let root = written(&sim);
        let loaded = crate::load(root.path().join("award")).unwrap();
        let raw =
            |a: &crate::Award| -> Vec<Option<f64>> { a.scores().iter().map(|s| s.raw()).collect() };
        assert_eq!(raw(&loaded), raw(&sim.award));
        assert_eq!(loaded.rubric(), sim.award.rubric());
    }

    #[test]
    fn the_truth_files_list_every_proposal_and_juror() {
        let sim = seeded(6);
        let root = written(&sim);
        let text = |name: &str| fs::read_to_string(root.path().join("award").join(name)).unwrap();
        let truth = text(TRUTH_FILE);
        let lines: Vec<&str> = truth.lines().collect();
        assert_eq!(
            lines[0],
            "proposal,batch,offset,quality,c1,c2,c3,c4,c5,total,rank"
        );
        assert_eq!(lines.len(), 1 + 60);
        // The proposal of rank 1 is the best by true total.
        let best = sim.award.proposals().id(sim.truth.top(1)[0]);
        let first = lines.iter().find(|l| l.ends_with(",1")).unwrap();
        assert!(first.starts_with(&format!("{best},")), "{first}");
        let jurors = text(JURORS_TRUTH_FILE);
        assert_eq!(jurors.lines().count(), 1 + 12);
        assert!(jurors.starts_with("juror,panel,leniency,spread,noise_sd,appetite\nJ01,"));
        assert!(text(AWARD_FILE).contains("seed = 6,"));
    }

    #[test]
    fn a_folder_that_holds_anything_is_refused_and_kept() {
        let sim = seeded(1);
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("busy");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let err = write_folder(&sim, &dir).unwrap_err();
        assert!(err.to_string().contains("not an empty folder"), "{err}");
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1);
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        // An empty folder is filled, and nothing is left beside it.
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_folder(&sim, &empty).unwrap();
        assert_eq!(fs::read_dir(&empty).unwrap().count(), FILES.len());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 2);
    }
}
