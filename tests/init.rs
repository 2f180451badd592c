//! `jury init`: a new award folder that works on its own, and what `jury validate` says is
//! still missing in it.

use crate::util::{jury, repo, stdout_of, Dir};

#[test]
fn a_new_folder_validates_to_what_is_still_missing_in_plain_words() {
    let d = Dir::empty();
    let dir = d.join("my-award");
    let said = stdout_of(jury().arg("init").arg(&dir));
    assert!(
        said.contains("rubric: rubrics/ineli-balkans.toml, shipped with jury"),
        "{said}"
    );
    let award = std::fs::read_to_string(dir.join("award.toml")).unwrap();
    assert!(award.contains("name = \"my-award\""), "{award}");
    assert!(
        !award.contains("../") && !award.contains("rubric = "),
        "the rubric is inline: {award}"
    );
    assert!(
        award.contains("jury score my-award --out my-award-report"),
        "{award}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("jurors.csv")).unwrap(),
        "id,name\n"
    );
    let out = jury().arg("validate").arg(&dir).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    for e in [
        "jurors.csv: the table has a header but no jurors; list them, or remove it",
        "proposals.csv: the table has a header but no proposals; list them, or remove it",
        "scores.csv: there are no scores yet: add scores.csv, or scores.xlsx",
        "3 problems found",
    ] {
        assert!(err.contains(e), "{e}\n{err}");
    }
    // Filled in, it scores.
    std::fs::write(dir.join("proposals.csv"), "id,title\nP1,One\nP2,Two\n").unwrap();
    std::fs::write(dir.join("jurors.csv"), "id,name\nJ1,Ana\nJ2,Ben\n").unwrap();
    let scores =
        "juror,proposal,innovation,unserved,community,learning,feasibility,sustainability\n\
        J1,P1,4,3,5,4,3,4\nJ1,P2,2,2,3,2,3,3\nJ2,P1,5,4,4,4,4,4\nJ2,P2,3,3,3,3,3,3\n";
    std::fs::write(dir.join("scores.csv"), scores).unwrap();
    jury().arg("validate").arg(&dir).assert().success();
    let ranking = stdout_of(jury().args(["score", "--format", "csv"]).arg(&dir));
    assert!(
        ranking.lines().nth(1).unwrap().starts_with("1,P1,One,"),
        "{ranking}"
    );
}

#[test]
fn a_shipped_rubric_by_name_or_a_rubric_file_is_copied_in() {
    let d = Dir::empty();
    let dir = d.join("grant");
    jury()
        .args(["init", "--rubric", "horizon-europe-ria"])
        .arg(&dir)
        .assert()
        .success();
    let award = std::fs::read_to_string(dir.join("award.toml")).unwrap();
    let shipped = std::fs::read_to_string(repo("rubrics/horizon-europe-ria.toml")).unwrap();
    assert!(award.ends_with(&shipped), "{award}");
    let dir = d.join("from-file");
    let file = repo("rubrics/horizon-europe-ia.toml");
    jury()
        .args(["init", "--rubric"])
        .arg(&file)
        .arg(&dir)
        .assert()
        .success();
    let award = std::fs::read_to_string(dir.join("award.toml")).unwrap();
    assert!(award.ends_with(&std::fs::read_to_string(&file).unwrap()));
}

#[test]
fn init_refuses_an_unknown_rubric_and_a_folder_that_is_not_empty() {
    let d = Dir::empty();
    let out = jury()
        .args(["init", "--rubric", "nope"])
        .arg(d.join("x"))
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("nope: no shipped rubric of this name and no such file; give one of ineli-balkans, horizon-europe-ria, horizon-europe-ia"), "{err}");
    assert!(!d.join("x").exists());
    d.write("notes.txt", "mine");
    let out = jury().arg("init").arg(d.path()).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("the folder is not empty"), "{err}");
    assert!(!d.join("award.toml").exists());
}
