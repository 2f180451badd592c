//! `jury init DIR [--rubric NAME|PATH]`: a new award folder that works on its own (the
//! rubric copied inline), with empty lists to fill in and commented settings.

use std::path::Path;
use std::process::ExitCode;

use jury::{Error, Location, Problem, ProblemKind, Rubric};

/// The rubrics shipped in `rubrics/`, built into the binary: (name, TOML).
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "ineli-balkans",
        include_str!("../../rubrics/ineli-balkans.toml"),
    ),
    (
        "horizon-europe-ria",
        include_str!("../../rubrics/horizon-europe-ria.toml"),
    ),
    (
        "horizon-europe-ia",
        include_str!("../../rubrics/horizon-europe-ia.toml"),
    ),
];

/// The lists written empty, with their headers.
const LISTS: [(&str, &str); 3] = [
    ("proposals.csv", "id,title\n"),
    ("jurors.csv", "id,name\n"),
    ("conflicts.csv", "juror,proposal,reason\n"),
];

/// Writes a new award folder `dir` with the rubric `rubric` (a shipped rubric's name, or a
/// rubric file; default `ineli-balkans`). Refuses a folder that exists and is not empty.
pub fn init(dir: &Path, rubric: Option<&str>) -> Result<ExitCode, Error> {
    let (name, text) = rubric_text(rubric.unwrap_or("ineli-balkans"))?;
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(invalid(
            Location::file(dir),
            "the folder is not empty; jury init writes a new award folder: give a new or empty one",
        ));
    }
    let award = dir
        .file_name()
        .map_or("award".into(), |n| n.to_string_lossy().into_owned());
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join("award.toml"), award_toml(&award, &name, &text)))
        .and_then(|()| {
            LISTS
                .iter()
                .try_for_each(|(file, header)| std::fs::write(dir.join(file), header))
        });
    if let Err(source) = written {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            source,
        });
    }
    let shown = dir.display();
    println!(
        "wrote {shown}/award.toml (rubric: {name}), proposals.csv, jurors.csv and conflicts.csv"
    );
    println!(
        "next: list the proposals and jurors, collect the scores, then `jury validate {shown}`"
    );
    Ok(ExitCode::SUCCESS)
}

/// The rubric's name as award.toml credits it, and its TOML, checked.
fn rubric_text(given: &str) -> Result<(String, String), Error> {
    let wanted = given.trim_end_matches(".toml");
    if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == wanted) {
        return Ok((
            format!("rubrics/{name}.toml, shipped with jury"),
            text.to_string(),
        ));
    }
    let path = Path::new(given);
    if !path.is_file() {
        let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        return Err(invalid(
            Location::file(given),
            format!(
                "no shipped rubric of this name and no such file; give one of {} or a rubric file",
                names.join(", ")
            ),
        ));
    }
    Rubric::from_path(path)?;
    let text = std::fs::read_to_string(path).map_err(|source| Error::Output {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((given.to_string(), text))
}

fn invalid(at: Location, message: impl Into<String>) -> Error {
    Error::Invalid(vec![Problem::new(ProblemKind::Unreadable, at, message)])
}

/// award.toml: the award, commented settings and examples, and the rubric inline.
fn award_toml(award: &str, rubric_name: &str, rubric: &str) -> String {
    let award = award.replace(['"', '\\'], "");
    format!(
        r#"# A new award folder, written by `jury init`. Fill in proposals.csv and jurors.csv, collect
# the scores, then check and score (from the folder above this one):
#   jury validate {award}
#   jury score {award} --out {award}-report
# Every file and setting: docs/formats.md.
#
# proposals.csv, one row a proposal; columns besides id and title are attributes:
#   id,title,country
#   P01,Reading club for children of seasonal workers,AM
# jurors.csv, one row a juror:
#   id,name,country
#   J01,Ana Example,RS
# conflicts.csv, a juror whose scores on a proposal never count:
#   juror,proposal,reason
#   J01,P01,works at the applicant library
# The scores: scores.csv (or scores.xlsx, .ods, or a folder scores/ of one sheet per juror),
# one review a row, one column per criterion id (or name) of the rubric below:
#   juror,proposal,<criterion ids>
#   J01,P01,4,3,5

[award]
name = "{award}"
winners = 5

# [ranking]
# min_reviews = 3            # fewer valid reviews: not eligible
# max_per = {{ country = 2 }}  # at most two winners from one country

# [conflicts]
# same = ["country"]         # a juror never counts on a proposal of their own country

# [input]                    # how the tables are read, where detection is not wanted
# delimiter = ";"
# columns = {{ juror = "Your name" }}
# duplicates = "last"        # a form sent twice: the one sent last wins (by its Timestamp, else the lower row)

# The rubric, copied from {rubric_name} so that this folder works on its own.
{rubric}"#
    )
}
