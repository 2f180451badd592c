//! `report.html` in a real browser: headless Chromium loads the example's report, and the
//! test checks what it rendered (the charts are in the page), that it logged nothing to the
//! console (the page runs no script, so any message is an error: a resource refused by its
//! content security policy, a parse problem), and that it prints to PDF on A4.
//!
//! The browser is `$JURY_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
//! `google-chrome` on the PATH. Without one the test says so and passes, unless
//! `JURY_BROWSER=required` (as `.ci/run` sets, after installing Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{jury, repo, Dir};

const EXAMPLE: &str = "fixtures/ineli-balkans-2016";

fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("JURY_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The browser, or `None` (with a note) when there is none and none is required.
fn chromium() -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        let required = std::env::var("JURY_BROWSER").is_ok_and(|v| v == "required");
        assert!(!required, "JURY_BROWSER=required and no Chromium was found");
        eprintln!("browser test skipped: no Chromium (set JURY_CHROMIUM or install chromium)");
    }
    found
}

/// Runs headless Chromium on `page` with `args`; returns stdout and the console messages.
fn run(browser: &Path, page: &Path, args: &[&str]) -> (String, Vec<String>) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

fn bundle(dir: &Dir) -> PathBuf {
    let out = dir.join("bundle");
    jury()
        .arg("score")
        .arg(repo(EXAMPLE))
        .args(["--bootstrap", "100", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn the_example_report_renders_with_its_charts_logs_nothing_and_prints_on_a4() {
    let Some(browser) = chromium() else { return };
    let dir = Dir::empty();
    let page = bundle(&dir).join("report.html");
    let (dom, console) = run(&browser, &page, &["--dump-dom"]);
    assert!(console.is_empty(), "console messages: {console:#?}");
    // The rendered DOM, not the file: four charts, each labelled for screen readers, with
    // its marks (the forest plot's 36 ranked proposals, the 9 jurors) and its caption.
    assert_eq!(
        dom.matches("<svg role=\"img\" aria-label=").count(),
        4,
        "{dom}"
    );
    assert_eq!(dom.matches("<figcaption>").count(), 4);
    assert!(dom.matches("<circle").count() >= 36 + 9, "{dom}");
    assert!(dom.contains("P33 stays ahead of P34"), "{dom}");
    let pdf = dir.join("report.pdf");
    let print = format!("--print-to-pdf={}", pdf.display());
    let (_, console) = run(&browser, &page, &["--no-pdf-header-footer", &print]);
    assert!(console.is_empty(), "console messages: {console:#?}");
    let pdf = std::fs::read(&pdf).expect("a PDF was printed");
    assert!(pdf.starts_with(b"%PDF-"));
    // A4 is 595 × 842 points: every page's box says so.
    let text = String::from_utf8_lossy(&pdf);
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox")
        .map(|(i, _)| &text[i..i + 40])
        .collect();
    assert!(!boxes.is_empty());
    assert!(
        boxes
            .iter()
            .all(|b| b.contains(" 594.9") && b.contains(" 841.9")),
        "{boxes:?}"
    );
}

#[test]
fn the_console_check_catches_a_page_that_breaks_its_policy() {
    // The check above must be able to fail: the same page with an image from the network
    // and a script is refused by its content security policy, and the browser says so.
    let Some(browser) = chromium() else { return };
    let dir = Dir::empty();
    let page = bundle(&dir).join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let broken = html.replacen(
        "<main>",
        "<main><img src=\"http://example.invalid/x.png\"><script>console.log(1)</script>",
        1,
    );
    let bad = dir.join("bad.html");
    std::fs::write(&bad, broken).unwrap();
    let (_, console) = run(&browser, &bad, &["--dump-dom"]);
    assert_eq!(console.len(), 2, "{console:#?}");
}
