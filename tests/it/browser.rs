//! The demo's report.html in a real browser: headless Chromium (Debian's `chromium`) loads the
//! page with `#selfcheck`, the page checks itself and writes the result into the DOM, and
//! `--dump-dom` hands it back: no script error or console error, every chart drawn (each
//! SVG with a non-zero box, every collapsed section opened first), and a click on a table
//! header reorders the table. Screenshots at 1280 and 400 px and a printed PDF go to
//! `target/tmp/browser/` to be looked at.
//!
//! Chromium is required. The test is skipped only when `PARABENCH_TESTS_WITHOUT_BROWSER=1`
//! says so, never because the browser is missing (then it fails, naming the package).
//! `PARABENCH_CHROMIUM` names another Chromium binary.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PARABENCH_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// Runs the browser on `url` with `args`, at most 90 s; returns its stdout (through a file:
/// a dumped DOM fills a pipe).
fn browse(browser: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let stdout_path = profile.join("stdout.txt");
    let stdout = std::fs::File::create(&stdout_path).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("{} did not finish {url} within 90 s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    String::from_utf8_lossy(&std::fs::read(&stdout_path).unwrap()).into_owned()
}

#[test]
fn the_demo_report_passes_its_self_check_in_chromium() {
    if std::env::var("PARABENCH_TESTS_WITHOUT_BROWSER").as_deref() == Ok("1") {
        eprintln!("SKIPPED: PARABENCH_TESTS_WITHOUT_BROWSER=1");
        return;
    }
    let Some(browser) = chromium() else {
        panic!(
            "the browser test needs Chromium: `apt-get install chromium` (or set \
             PARABENCH_CHROMIUM=/path/to/chromium); PARABENCH_TESTS_WITHOUT_BROWSER=1 skips it"
        );
    };
    // The published demo, redrawn by this build (the report as a user gets it).
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&out);
    let dir = out.join("results/demo");
    std::fs::create_dir_all(&dir).unwrap();
    let demo = root().join("results/demo");
    for e in std::fs::read_dir(&demo).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".csv") || name.ends_with(".json") {
            std::fs::copy(&p, dir.join(&name)).unwrap();
        }
    }
    parabench()
        .args(["plot", dir.to_str().unwrap()])
        .assert()
        .success();
    let page = dir.join("report.html");
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 1_500_000, "the demo's report.html is {size} bytes");
    let svg_files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    let url = format!("file://{}", page.display());
    let profile = tempdir();

    for width in [1280, 400] {
        let dom = browse(
            &browser,
            profile.path(),
            &[
                format!("--window-size={width},2000"),
                "--dump-dom".into(),
                // Let the page's scripts settle before the DOM is taken.
                "--virtual-time-budget=2000".into(),
            ],
            &format!("{url}#selfcheck"),
        );
        let start = dom
            .find("<pre id=\"selfcheck\">")
            .unwrap_or_else(|| panic!("no self-check result at {width} px in:\n{dom}"))
            + "<pre id=\"selfcheck\">".len();
        let end = dom[start..].find("</pre>").unwrap() + start;
        let json = dom[start..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        let check: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("self-check is not JSON ({e}): {json}"));
        assert_eq!(check["errors"], serde_json::json!([]), "{width} px: {json}");
        assert_eq!(check["svgs"], svg_files, "{width} px: {json}");
        assert_eq!(
            check["empty_svgs"],
            serde_json::json!([]),
            "{width} px: {json}"
        );
        let sorted = check["sorted"].as_str().unwrap_or_default();
        assert!(sorted.starts_with("ok"), "{width} px: {json}");
        // How long the page took to parse and run its scripts: reported, never asserted.
        eprintln!("{width} px: page ready after {} ms", check["loaded_ms"]);

        let shot = out.join(format!("report-{width}px.png"));
        browse(
            &browser,
            profile.path(),
            &[
                format!("--window-size={width},2400"),
                format!("--screenshot={}", shot.display()),
            ],
            &url,
        );
        let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display()));
        assert!(png.starts_with(b"\x89PNG"), "{}", shot.display());
    }
    let pdf = out.join("report.pdf");
    browse(
        &browser,
        profile.path(),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
        &url,
    );
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    assert!(bytes.starts_with(b"%PDF"), "{}", pdf.display());
    eprintln!("screenshots and PDF in {}", out.display());
}
