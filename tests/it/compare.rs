//! End-to-end tests of `parabench compare`, the CI regression gate, over real run folders made
//! by `parabench run`: a tiny native run (spin kernel; only compared with copies of itself, so
//! its noise never matters) and a scripted command-model run whose times are exact, so
//! regressions and their numbers are deterministic. Copies are edited (runs.csv times, tasks,
//! missing cells, an extra model) to make each situation.

use crate::common::{parabench, run, run_scenario, tempdir, write_scenario, Ran};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Real native work, 5 runs per cell: 2 models x 2 worker counts. One round per cell (`cells`
/// order), so a busy test machine cannot make a cell's halves disagree: these tests compare
/// the run with copies of itself, and its noise must never matter.
const SPIN: &str = r#"
name = "spin"
order = "cells"
repeats = 5
warmup = 0
workers = [1, 2]
models = ["threads", "rayon"]

[[workload]]
name = "spin"
kernel = "spin"
tasks = 4
iters = 20000
"#;

/// Scripted times: `steady` reports (1 + repeat / 100) / workers seconds, `slow` twice that;
/// speedups are against `steady` at 1 worker (median 1.02 s).
const SCRIPTED: &str = r#"
name = "scripted"
repeats = 5
warmup = 0
workers = [1, 2]
models = ["steady", "slow"]
baseline = "steady"

[[workload]]
name = "fake"
kernel = "fake"
tasks = 4
factor = 1

[[model]]
name = "steady"
command = ["sh", "-c", "awk -v w={workers} -v r={repeat} -v f={factor} 'BEGIN {{ printf \"elapsed_s=%.17g checksum=42\\n\", f * (1 + r / 100) / w }}'"]

[[model]]
name = "slow"
command = ["sh", "-c", "awk -v w={workers} -v r={repeat} -v f={factor} 'BEGIN {{ printf \"elapsed_s=%.17g checksum=42\\n\", 2 * f * (1 + r / 100) / w }}'"]
"#;

/// Runs a scenario once per test binary into cargo's per-target temporary folder.
fn run_once(
    cell: &'static OnceLock<PathBuf>,
    name: &str,
    text: &str,
    extra: &[&str],
) -> &'static Path {
    cell.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compare-{name}"));
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        let scenario = write_scenario(&root, &format!("{name}.toml"), text);
        let out = root.join("out");
        run_scenario(&scenario, &out, extra).expect_code(0);
        let scenario_name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap();
        out.join(scenario_name)
    })
}

fn spin_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    run_once(&RUN, "spin", SPIN, &[])
}

fn scripted_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    run_once(&RUN, "scripted", SCRIPTED, &[])
}

fn scripted_run_3() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    run_once(&RUN, "scripted3", SCRIPTED, &["--repeats", "3"])
}

/// Copies a run folder's files (not its subfolders) to `to`.
fn copy_run(from: &Path, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    to.to_path_buf()
}

/// Rewrites `runs.csv` in `dir`: `edit` gets each row's fields (with the header) and returns
/// the rows to write in its place (none to drop it, two to add one).
fn edit_runs(dir: &Path, mut edit: impl FnMut(&[String], Vec<String>) -> Vec<Vec<String>>) {
    let path = dir.join("runs.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&header).unwrap();
    for row in rows {
        for out in edit(&header, row) {
            w.write_record(&out).unwrap();
        }
    }
    w.flush().unwrap();
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// Multiplies the times (wall and reported) of every run of `model` by `factor`.
fn scale_model(dir: &Path, model: &str, factor: f64) {
    edit_runs(dir, |h, mut row| {
        if row[col(h, "model")] == model {
            for c in ["wall_s", "reported_s"] {
                let i = col(h, c);
                if let Ok(v) = row[i].parse::<f64>() {
                    row[i] = (v * factor).to_string();
                }
            }
        }
        vec![row]
    });
}

fn compare(base: &Path, new: &Path, extra: &[&str]) -> Ran {
    let mut cmd = parabench();
    cmd.arg("compare").arg(base).arg(new).args(extra);
    run(cmd)
}

fn json(ran: &Ran) -> serde_json::Value {
    serde_json::from_str(&ran.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", ran.describe()))
}

/// The lines of the plain-text section `title` (up to the next blank line).
fn section<'a>(stdout: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(title));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("no section {title} in\n{stdout}"));
    std::iter::once(head)
        .chain(lines.take_while(|l| !l.is_empty()))
        .collect()
}

/// The fields of the table row of `model` at `workers` in `lines`.
fn table_row<'a>(lines: &[&'a str], model: &str, workers: &str) -> Vec<&'a str> {
    lines
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[1] == model && f[2] == workers)
        .unwrap_or_else(|| panic!("no row {model}@{workers} in {lines:#?}"))
}

#[test]
fn a_run_compared_with_itself_has_no_regressions() {
    let tmp = tempdir();
    let base = copy_run(spin_run(), &tmp.path().join("base"));
    let new = copy_run(spin_run(), &tmp.path().join("new"));
    let out = compare(&base, &new, &[]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("result: no regressions (exit 0)"),
        "{}",
        out.describe()
    );
    assert!(out
        .stdout
        .contains("0 regressed, 0 improved, 4 unchanged, 0 only in base, 0 only in new"));
    assert!(out.stdout.contains("Regressions: none"));
    let unchanged = section(&out.stdout, "Unchanged (4):");
    let row = table_row(&unchanged, "rayon", "2");
    assert_eq!(row[0], "spin");
    assert!(out.stdout.contains("within threshold (5%)"));
    // The same folder twice works too (the CI recipe's self-check).
    compare(spin_run(), spin_run(), &["--no-charts"]).expect_code(0);
}

#[test]
fn the_comparison_chart_and_compare_md_are_written_beside_the_new_run() {
    let tmp = tempdir();
    let base = copy_run(spin_run(), &tmp.path().join("base"));
    let new = copy_run(spin_run(), &tmp.path().join("new"));
    scale_model(&new, "threads", 1.5);
    let out = compare(&base, &new, &[]);
    let dir = new.join("compare");
    assert!(
        out.stderr.contains(&dir.display().to_string()),
        "{}",
        out.describe()
    );
    let png = std::fs::read(dir.join("compare.spin.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    let texts = crate::common::svg_texts(&dir.join("compare.spin.svg"));
    for text in [
        "spin: speedup",
        &base.display().to_string(),
        &new.display().to_string(),
        "threads (base)",
        "threads (new)",
        "rayon (base)",
        "rayon (new)",
        "dashed: base, solid: new",
        "workers",
    ] {
        assert!(
            crate::common::some_text_has(&texts, text),
            "the chart lacks {text:?}: {texts:?}"
        );
    }
    let md = std::fs::read_to_string(dir.join("compare.md")).unwrap();
    assert!(md.contains("## parabench compare"));
    assert!(md.contains("![compare.spin.png](compare.spin.png)"));
}

#[test]
fn out_chooses_the_chart_folder_and_no_charts_writes_nothing() {
    let tmp = tempdir();
    let base = copy_run(spin_run(), &tmp.path().join("base"));
    let new = copy_run(spin_run(), &tmp.path().join("new"));
    let charts = tmp.path().join("charts");
    compare(&base, &new, &["--out", charts.to_str().unwrap()]).expect_code(0);
    assert!(charts.join("compare.spin.png").is_file());
    assert!(charts.join("compare.spin.svg").is_file());
    assert!(charts.join("compare.md").is_file());
    assert!(!new.join("compare").exists());
    compare(&base, &new, &["--no-charts"]).expect_code(0);
    assert!(!new.join("compare").exists());
}

#[test]
fn a_slowed_model_is_a_regression_with_its_numbers() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    scale_model(&new, "slow", 1.5);
    let out = compare(&base, &new, &["--no-charts"]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("2 regressed, 0 improved, 2 unchanged"),
        "{}",
        out.describe()
    );
    assert!(out
        .stdout
        .contains("result: 2 regressions beyond 5% (exit 1)"));
    let regressions = section(&out.stdout, "Regressions (2):");
    // slow@1: 2.04 s -> 3.06 s; speedup vs steady@1 (1.02 s): 0.50x -> 0.33x.
    let r = table_row(&regressions, "slow", "1");
    assert_eq!(
        &r[3..],
        [
            "2.040", "s", "3.060", "s", "+50.0%", "0.008", "apart", "0.50x", "->", "0.33x",
            "(-33.3%)", "0.50", "->", "0.33"
        ]
    );
    // slow@2: 1.02 s -> 1.53 s; 1.00x -> 0.67x, efficiency 0.50 -> 0.33.
    let r = table_row(&regressions, "slow", "2");
    assert_eq!(
        &r[3..],
        [
            "1.020", "s", "1.530", "s", "+50.0%", "0.008", "apart", "1.00x", "->", "0.67x",
            "(-33.3%)", "0.50", "->", "0.33"
        ]
    );
    // The untouched model is unchanged.
    let unchanged = section(&out.stdout, "Unchanged (2):");
    table_row(&unchanged, "steady", "1");
    table_row(&unchanged, "steady", "2");
}

#[test]
fn json_has_a_schema_version_and_the_same_verdicts() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    scale_model(&new, "slow", 1.5);
    let out = compare(&base, &new, &["--no-charts", "--format", "json"]);
    out.expect_code(1);
    let v = json(&out);
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["threshold_pct"], 5.0);
    assert_eq!(v["alpha"], 0.05);
    assert_eq!(v["counts"]["regressed"], 2);
    assert_eq!(v["counts"]["unchanged"], 2);
    assert_eq!(v["base"]["dir"], base.display().to_string());
    assert_eq!(v["new"]["scenario"], "scripted");
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    let cell = cells
        .iter()
        .find(|c| c["model"] == "slow" && c["workers"] == 2)
        .unwrap();
    assert_eq!(cell["verdict"], "regressed");
    assert_eq!(cell["workload"], "fake");
    assert_eq!(cell["base"]["median_s"], 1.02);
    assert_eq!(cell["base"]["runs"], 5);
    let close = |x: &serde_json::Value, want: f64| (x.as_f64().unwrap() - want).abs() < 1e-9;
    assert!(close(&cell["new"]["median_s"], 1.53), "{cell}");
    assert!(close(&cell["time_change_pct"], 50.0), "{cell}");
    assert!(close(&cell["speedup_change_pct"], -100.0 / 3.0), "{cell}");
    assert!(close(&cell["p_value"], 2.0 / 252.0), "{cell}");
    assert_eq!(cell["p_method"], "exact");
    assert_eq!(cell["cis_overlap"], false);
    let steady = cells.iter().find(|c| c["model"] == "steady").unwrap();
    assert_eq!(steady["verdict"], "unchanged");
    assert_eq!(v["only_in_base"].as_array().unwrap().len(), 0);
}

#[test]
fn the_exit_code_does_not_depend_on_the_format() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    scale_model(&new, "slow", 1.5);
    for format in ["table", "markdown", "json"] {
        compare(&base, &new, &["--no-charts", "--format", format]).expect_code(1);
        compare(&base, &base, &["--no-charts", "--format", format]).expect_code(0);
    }
    let md = compare(&base, &new, &["--no-charts", "--format", "markdown"]);
    for text in [
        "**Result: 2 regressions beyond 5%**",
        "### Regressions (2)",
        "| fake | slow | 2 | 1.020 s | 1.530 s | +50.0% | 0.008 | apart | 1.00x -> 0.67x (-33.3%) | 0.50 -> 0.33 |",
        "### Improvements (0)",
        "<details><summary><b>Unchanged (2)</b></summary>",
        "### Only in base (0)",
        "### Only in new (0)",
    ] {
        assert!(md.stdout.contains(text), "markdown lacks {text:?}\n{}", md.stdout);
    }
}

#[test]
fn improvements_are_listed_apart_and_pass_the_gate() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    scale_model(&new, "slow", 0.8);
    let out = compare(&base, &new, &["--no-charts"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("Regressions: none"),
        "{}",
        out.describe()
    );
    let improvements = section(&out.stdout, "Improvements (2):");
    let r = table_row(&improvements, "slow", "2");
    assert_eq!(&r[7..10], ["-20.0%", "0.008", "apart"]);
    assert!(out.stdout.contains("result: no regressions (exit 0)"));
}

#[test]
fn the_threshold_decides_what_counts() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    scale_model(&new, "slow", 1.5);
    let out = compare(&base, &new, &["--no-charts", "--threshold", "60%"]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("within threshold (60%)"),
        "{}",
        out.describe()
    );
    compare(&base, &new, &["--no-charts", "--threshold", "49"]).expect_code(1);
}

/// Multiplies the times of the runs of `model` measured in odd rounds: a slow spell of the
/// host that hit half of the session.
fn scale_odd_rounds(dir: &Path, model: &str, factor: f64) {
    edit_runs(dir, |h, mut row| {
        let odd = row[col(h, "round")].parse::<u32>().unwrap() % 2 == 1;
        if row[col(h, "model")] == model && odd {
            for c in ["wall_s", "reported_s"] {
                let i = col(h, c);
                if let Ok(v) = row[i].parse::<f64>() {
                    row[i] = (v * factor).to_string();
                }
            }
        }
        vec![row]
    });
}

#[test]
fn a_cell_whose_halves_disagree_is_noisy_never_regressed_and_fails_only_when_asked() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    // The new run's `slow` cells took 1.5x as long, but only in its odd rounds: a spell of the
    // host, not a change of the code. Its medians moved, yet it did not reproduce.
    scale_odd_rounds(&new, "slow", 1.5);
    let out = compare(&base, &new, &["--no-charts", "--format", "json"]);
    out.expect_code(0);
    let v = json(&out);
    assert_eq!(v["counts"]["noisy"], 2, "{}", out.describe());
    assert_eq!(v["counts"]["regressed"], 0, "{}", out.describe());
    let cell = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "slow" && c["workers"] == 1)
        .unwrap();
    assert_eq!(cell["verdict"], "noisy");
    let reason = cell["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("new run not reproduced: its even rounds took 2.020 s and its odd rounds 3.090 s (+53.0%"),
        "{reason}"
    );
    assert!(reason.contains("beyond the 5% threshold"), "{reason}");
    let plain = compare(&base, &new, &["--no-charts"]);
    plain.expect_code(0);
    assert!(
        plain
            .stdout
            .contains("0 regressed, 0 improved, 2 unchanged, 2 noisy"),
        "{}",
        plain.describe()
    );
    assert!(plain.stdout.contains("Noisy (2):"), "{}", plain.describe());
    assert!(plain
        .stdout
        .contains("result: no regressions; 2 noisy cells not judged (exit 0)"));
    compare(&base, &new, &["--no-charts", "--fail-on-noisy"]).expect_code(1);
    // A real change moves both halves alike: still a regression, not noise.
    let real = copy_run(scripted_run(), &tmp.path().join("real"));
    scale_model(&real, "slow", 1.5);
    let v = json(&compare(&base, &real, &["--no-charts", "--format", "json"]));
    assert_eq!(v["counts"]["regressed"], 2);
    assert_eq!(v["counts"]["noisy"], 0);
}

#[test]
fn too_few_runs_for_the_rank_test_are_said_not_hidden() {
    let tmp = tempdir();
    let base = copy_run(scripted_run_3(), &tmp.path().join("base"));
    let new = copy_run(scripted_run_3(), &tmp.path().join("new"));
    scale_model(&new, "slow", 1.5);
    let out = compare(&base, &new, &["--no-charts"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("too few runs for the rank test (3 + 3: p >= 0.100)"),
        "{}",
        out.describe()
    );
    assert!(out
        .stdout
        .contains("warning: 4 of 4 compared cells have too few runs"));
    assert!(out.stdout.contains("at least 4 runs"));
    let v = json(&compare(&base, &new, &["--no-charts", "--format", "json"]));
    assert!(v["warnings"][0].as_str().unwrap().contains("too few runs"));
}

#[test]
fn cells_in_only_one_run_are_reported_not_fatal() {
    let tmp = tempdir();
    let base = copy_run(spin_run(), &tmp.path().join("base"));
    let new = copy_run(spin_run(), &tmp.path().join("new"));
    // The new run lost rayon@2 and gained a model `extra` (threads' rows, renamed).
    edit_runs(&new, |h, row| {
        let (model, workers) = (row[col(h, "model")].clone(), row[col(h, "workers")].clone());
        match (model.as_str(), workers.as_str()) {
            ("rayon", "2") => vec![],
            ("threads", _) => {
                let mut extra = row.clone();
                extra[col(h, "model")] = "extra".into();
                vec![row, extra]
            }
            _ => vec![row],
        }
    });
    let meta_path = new.join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["workloads"][0]["models"]
        .as_array_mut()
        .unwrap()
        .push("extra".into());
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();

    let out = compare(&base, &new, &["--no-charts"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("0 regressed, 0 improved, 3 unchanged, 1 only in base, 2 only in new"),
        "{}",
        out.describe()
    );
    let only_base = section(&out.stdout, "Only in base (1):");
    table_row(&only_base, "rayon", "2");
    let only_new = section(&out.stdout, "Only in new (2):");
    table_row(&only_new, "extra", "1");
    table_row(&only_new, "extra", "2");
    // The other way round, too, and the chart still draws.
    let back = compare(&new, &base, &[]);
    back.expect_code(0);
    assert!(
        back.stdout.contains("2 only in base, 1 only in new"),
        "{}",
        back.describe()
    );
    assert!(base.join("compare/compare.spin.png").is_file());
}

#[test]
fn cells_doing_different_work_are_not_comparable() {
    let tmp = tempdir();
    let base = copy_run(scripted_run(), &tmp.path().join("base"));
    let new = copy_run(scripted_run(), &tmp.path().join("new"));
    // The new run gave `slow` twice the tasks (and it took 1.5 times as long).
    scale_model(&new, "slow", 1.5);
    edit_runs(&new, |h, mut row| {
        if row[col(h, "model")] == "slow" {
            row[col(h, "tasks")] = "8".into();
        }
        vec![row]
    });
    let out = compare(&base, &new, &["--no-charts"]);
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("0 regressed, 0 improved, 2 unchanged, 2 not comparable"),
        "{}",
        out.describe()
    );
    let section = section(&out.stdout, "Not comparable (2):");
    let row = table_row(&section, "slow", "2").join(" ");
    assert!(row.ends_with("tasks changed 4 -> 8"), "{row}");
}

#[test]
fn a_folder_that_is_not_a_run_exits_2_naming_it() {
    let tmp = tempdir();
    let missing = tmp.path().join("no-such-run");
    let out = compare(&missing, spin_run(), &[]);
    out.expect_code(2);
    assert!(
        out.stderr.contains(&missing.display().to_string()),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("parabench run"), "{}", out.describe());
    assert!(out.stdout.is_empty());
    let out = compare(spin_run(), &missing, &["--format", "json"]);
    out.expect_code(2);
    assert!(out.stderr.contains("no-such-run"));
    // A folder whose runs.csv is not a run's.
    let broken = copy_run(spin_run(), &tmp.path().join("broken"));
    std::fs::write(broken.join("runs.csv"), "a,b\n1,2\n").unwrap();
    let out = compare(spin_run(), &broken, &[]);
    out.expect_code(2);
    assert!(out.stderr.contains("runs.csv"), "{}", out.describe());
}

#[test]
fn a_bad_threshold_or_alpha_exits_2_with_an_example() {
    for bad in ["0.05", "five", "-5%", "2000%"] {
        let out = compare(spin_run(), spin_run(), &["--threshold", bad]);
        out.expect_code(2);
        assert!(out.stderr.contains("--threshold"), "{}", out.describe());
        assert!(out.stderr.contains("5%"), "{}", out.describe());
    }
    let out = compare(spin_run(), spin_run(), &["--alpha", "5"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--alpha 0.05"), "{}", out.describe());
}

#[test]
fn an_unwritable_chart_folder_is_a_write_failure_exit_3() {
    let tmp = tempdir();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = compare(
        spin_run(),
        spin_run(),
        &["--out", file.join("charts").to_str().unwrap()],
    );
    out.expect_code(3);
    assert!(out.stderr.contains("--no-charts"), "{}", out.describe());
}

#[test]
fn help_explains_the_rule_and_the_exit_codes() {
    let out = run({
        let mut c = parabench();
        c.args(["compare", "--help"]);
        c
    });
    out.expect_code(0);
    for text in [
        "BASE_DIR",
        "NEW_DIR",
        "(workload, model, workers)",
        "Mann-Whitney U",
        "confidence intervals",
        "--threshold",
        "--alpha",
        "--format",
        "markdown",
        "GITHUB_STEP_SUMMARY",
        "--no-charts",
        "Exit codes: 0 no cell regressed; 1 at least one cell regressed",
    ] {
        assert!(out.stdout.contains(text), "compare --help lacks {text:?}");
    }
}
