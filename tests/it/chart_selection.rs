//! Asking for fewer chart files: the `charts` key, `--charts` on `run` (which overrides the
//! key) and on `plot`. Only the charts asked for are written, report.md links nothing else and
//! says what was left out, and meta.json records what was asked and what it left out.

use crate::common::{parabench, run, run_scenario, tempdir, valid};
use std::collections::BTreeSet;
use std::path::Path;

/// The chart files (png and svg) in a folder.
fn chart_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".png") || f.ends_with(".svg"))
        .collect()
}

fn set(files: &[&str]) -> BTreeSet<String> {
    files.iter().map(|f| f.to_string()).collect()
}

fn meta_charts(dir: &Path) -> serde_json::Value {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    meta["charts"].clone()
}

/// The scripted scenario (command models, no timeline) with a `charts` key.
fn scripted_with(dir: &Path, charts: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(valid("scripted.toml")).unwrap();
    let text = text.replacen("repeats = 3", &format!("repeats = 3\ncharts = {charts}"), 1);
    let path = dir.join("scripted.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_charts_key_writes_only_what_it_names() {
    let tmp = tempdir();
    let scenario = scripted_with(tmp.path(), r#"["speedup", "time", "svg"]"#);
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).expect_code(0);
    let dir = out.join("scripted");
    assert_eq!(
        chart_files(&dir),
        set(&["fake-work.speedup.svg", "fake-work.time.svg"])
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("![Speedup of fake-work](fake-work.speedup.svg)"),
        "{report}"
    );
    assert!(
        report.contains("![Time per run of fake-work](fake-work.time.svg)"),
        "{report}"
    );
    assert!(
        !report.contains(".png)"),
        "report.md links a PNG:\n{report}"
    );
    assert!(!report.contains("efficiency.svg"), "{report}");
    assert!(
        report.contains(
            "**Charts:** asked for `speedup`, `time`, `svg`, so left out: the efficiency, memory, cpu, host and timeline charts, and PNG files. `parabench plot` on this folder draws them from its CSV files."
        ),
        "{report}"
    );
    assert_eq!(
        meta_charts(&dir),
        serde_json::json!({
            "asked": ["speedup", "time", "svg"],
            "kinds": ["speedup", "time"],
            "formats": ["svg"],
            "left_out": ["efficiency", "memory", "cpu", "host", "timeline", "variants", "png"]
        })
    );
}

#[test]
fn the_flag_overrides_the_key_and_none_writes_no_chart() {
    let tmp = tempdir();
    let scenario = scripted_with(tmp.path(), r#""speedup""#);
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &["--charts", "none"]).expect_code(0);
    let dir = out.join("scripted");
    assert!(chart_files(&dir).is_empty(), "{:?}", chart_files(&dir));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(!report.contains("!["), "{report}");
    assert!(
        report.contains("**Charts:** none were written (asked: `none`)."),
        "{report}"
    );
    assert_eq!(meta_charts(&dir)["asked"], serde_json::json!(["none"]));
    // Every other output is there.
    for f in ["runs.csv", "summary.csv", "fits.csv", "results.json"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
}

#[test]
fn plot_draws_every_chart_by_default_and_removes_what_it_is_told_to_leave_out() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    run_scenario(&valid("scripted.toml"), &out, &["--charts", "png"]).expect_code(0);
    let dir = out.join("scripted");
    let pngs = set(&[
        "fake-work.cpu.png",
        "fake-work.efficiency.png",
        "fake-work.host.png",
        "fake-work.memory.png",
        "fake-work.speedup.png",
        "fake-work.time.png",
    ]);
    assert_eq!(chart_files(&dir), pngs);

    let mut cmd = parabench();
    cmd.arg("plot").arg(&dir);
    run(cmd).expect_code(0);
    assert_eq!(chart_files(&dir).len(), 12, "{:?}", chart_files(&dir));
    assert_eq!(meta_charts(&dir)["asked"], serde_json::json!(["all"]));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(!report.contains("**Charts:**"), "{report}");

    let mut cmd = parabench();
    cmd.arg("plot").arg(&dir).args(["--charts", "speedup"]);
    run(cmd).expect_code(0);
    assert_eq!(
        chart_files(&dir),
        set(&["fake-work.speedup.png", "fake-work.speedup.svg"])
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(!report.contains("time.png"), "{report}");
}

#[test]
fn a_bad_charts_flag_is_refused_before_anything_runs() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let ran = run_scenario(&valid("scripted.toml"), &out, &["--charts", "speedup,pngs"]);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains(
            "error: --charts: unknown chart `pngs`: did you mean `png`? charts are `all`, `none`, kinds (speedup, time, efficiency, memory, cpu, host, timeline, variants) and formats (png, svg)"
        ),
        "{}",
        ran.describe()
    );
    assert!(!out.exists());

    let mut cmd = parabench();
    cmd.arg("plot")
        .arg(tmp.path())
        .args(["--charts", "none,svg"]);
    let ran = run(cmd);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("--charts: `none` and `svg` together"),
        "{}",
        ran.describe()
    );
}
