//! End-to-end tests of `parabench run`, `plot`, `list` and the command line, over the fixtures
//! in tests/scenarios/valid/ and small scenarios written on the fly. No timing assertions:
//! shapes, counts, and exact values only where a scripted command model dictates them.

use crate::common::{
    builtin_cells, num, parabench, run, run_scenario, some_text_has, svg_texts, tempdir, valid,
    write_scenario, Csv, Ran, BUILTIN_MODELS, RUNS_COLUMNS, SUMMARY_COLUMNS,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Checksums of the native fixture's workloads, by hand: noop returns the task index
/// (0 + 1 + ... + 7 = 28), sleep returns `ms` per task (4 x 1), primes returns the number of
/// primes below 2000 per task (4 x 303).
const NATIVE_CHECKSUMS: &[(&str, &str, u64)] = &[
    ("noop", "noop", 8 * 7 / 2),
    ("sleep", "sleep", 4),
    ("primes", "primes", 4 * 303),
];

/// The native fixture, run once for every test that only reads its outputs. The folder is
/// under cargo's per-target temporary directory and replaced on each test run.
fn native_run() -> &'static (PathBuf, Ran) {
    static RUN: OnceLock<(PathBuf, Ran)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-native");
        if out.exists() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        let ran = run_scenario(&valid("native_all_models.toml"), &out, &[]);
        (out.join("native_all_models"), ran)
    })
}

fn native_dir() -> &'static Path {
    let (dir, ran) = native_run();
    ran.expect_code(0);
    dir
}

fn by_workload(csv: &Csv) -> BTreeMap<String, Vec<&std::collections::HashMap<String, String>>> {
    let mut m: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for r in &csv.rows {
        m.entry(r["workload"].clone()).or_default().push(r);
    }
    m
}

#[test]
fn native_run_prints_where_the_results_are() {
    let (dir, ran) = native_run();
    // 3 workloads of every built-in model at 1 and 2 workers, 2 repeats each.
    let cells = 3 * builtin_cells(2);
    ran.expect_code(0);
    assert!(
        ran.stdout
            .contains(&format!("{} runs in {cells} cells", cells * 2)),
        "{}",
        ran.describe()
    );
    assert!(ran.stdout.contains(&dir.display().to_string()));
}

#[test]
fn runs_csv_has_the_documented_columns_and_one_row_per_run() {
    let runs = Csv::read(&native_dir().join("runs.csv"));
    assert_eq!(runs.header, RUNS_COLUMNS);
    // Per workload: every built-in model at 1 and 2 workers (sequential once), 2 repeats.
    let workloads = 3;
    let expected = workloads * builtin_cells(2) * 2;
    assert_eq!(runs.rows.len(), expected);
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        assert_eq!(r["error"], "", "{r:?}");
        assert_eq!(r["scenario"], "native_all_models");
        assert!(num(r, "wall_s") > 0.0, "{r:?}");
        assert!(num(r, "setup_s") >= 0.0, "{r:?}");
        assert_eq!(r["reported_s"], "", "native models report no own time");
        assert!(num(r, "user_s") >= 0.0 && num(r, "sys_s") >= 0.0);
        assert!(num(r, "cpu_util") >= 0.0);
        assert!(num(r, "max_rss_kb") > 0.0, "{r:?}");
        let _: u64 = r["vol_ctx"].parse().unwrap();
        let _: u64 = r["invol_ctx"].parse().unwrap();
        let repeat: u32 = r["repeat"].parse().unwrap();
        assert!(repeat < 2);
    }
    // Every model at every count, sequential only at 1 worker, each with repeats 0 and 1.
    let cells: BTreeSet<(String, String, String, String)> = runs
        .rows
        .iter()
        .map(|r| {
            (
                r["workload"].clone(),
                r["model"].clone(),
                r["workers"].clone(),
                r["repeat"].clone(),
            )
        })
        .collect();
    assert_eq!(cells.len(), expected, "no run appears twice");
    for (w, _, _) in NATIVE_CHECKSUMS {
        for m in BUILTIN_MODELS.iter() {
            let counts: &[&str] = if *m == "sequential" {
                &["1"]
            } else {
                &["1", "2"]
            };
            for c in counts {
                for rep in ["0", "1"] {
                    assert!(
                        cells.contains(&(w.to_string(), m.to_string(), c.to_string(), rep.into())),
                        "missing {w}/{m}/{c}/{rep}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_model_computes_the_same_hand_checked_checksum() {
    let runs = Csv::read(&native_dir().join("runs.csv"));
    let groups = by_workload(&runs);
    assert_eq!(groups.len(), NATIVE_CHECKSUMS.len());
    for (workload, kernel, expected) in NATIVE_CHECKSUMS {
        let rows = &groups[*workload];
        let models: BTreeSet<&str> = rows.iter().map(|r| r["model"].as_str()).collect();
        assert_eq!(models.len(), BUILTIN_MODELS.len(), "{workload}: {models:?}");
        for r in rows {
            assert_eq!(r["kernel"], *kernel);
            let tasks: u64 = r["tasks"].parse().unwrap();
            assert_eq!(tasks, if *workload == "noop" { 8 } else { 4 });
            assert_eq!(
                r["checksum"],
                expected.to_string(),
                "{workload} / {} / {} workers",
                r["model"],
                r["workers"]
            );
        }
    }
}

#[test]
fn process_model_rows_record_their_workers_memory() {
    let runs = Csv::read(&native_dir().join("runs.csv"));
    let procs = runs.filter(&[("model", "processes")]);
    assert_eq!(procs.len(), 3 * 2 * 2);
    for r in procs {
        let kb: u64 = r["workers_rss_kb"]
            .parse()
            .unwrap_or_else(|_| panic!("workers_rss_kb missing: {r:?}"));
        assert!(kb > 0, "{r:?}");
    }
}

#[test]
fn summary_csv_has_one_row_per_cell_with_consistent_statistics() {
    let summary = Csv::read(&native_dir().join("summary.csv"));
    for col in SUMMARY_COLUMNS {
        assert!(
            summary.header.iter().any(|h| h == col),
            "summary.csv lacks column {col}: {:?}",
            summary.header
        );
    }
    let want = 3 * builtin_cells(2);
    assert_eq!(summary.rows.len(), want, "one row per cell");
    let cells: BTreeSet<(String, String, String)> = summary
        .rows
        .iter()
        .map(|r| {
            (
                r["workload"].clone(),
                r["model"].clone(),
                r["workers"].clone(),
            )
        })
        .collect();
    assert_eq!(cells.len(), want, "each cell once");
    for r in &summary.rows {
        assert_eq!(r["runs"], "2", "{r:?}");
        assert_eq!(r["baseline"], "sequential@1", "{r:?}");
        let (min, max) = (num(r, "min_s"), num(r, "max_s"));
        let (med, mean) = (num(r, "median_s"), num(r, "mean_s"));
        assert!(min > 0.0 && min <= med && med <= max, "{r:?}");
        assert!(min <= mean && mean <= max, "{r:?}");
        assert!(num(r, "stddev_s") >= 0.0);
        let (lo, hi) = (num(r, "ci_low_s"), num(r, "ci_high_s"));
        assert!(min <= lo && lo <= hi && hi <= max, "{r:?}");
        let (s, slo, shi) = (
            num(r, "speedup"),
            num(r, "speedup_ci_low"),
            num(r, "speedup_ci_high"),
        );
        assert!(s > 0.0 && slo <= shi, "{r:?}");
        let workers = num(r, "workers");
        assert!((num(r, "efficiency") - s / workers).abs() < 1e-9, "{r:?}");
        let outliers: usize = r["outliers"].parse().unwrap();
        assert!(outliers <= 2);
        if r["model"] == "sequential" {
            // The baseline against itself.
            assert_eq!(r["workers"], "1");
            assert!((s - 1.0).abs() < 1e-12, "{r:?}");
        }
    }
}

#[test]
fn charts_exist_as_png_and_svg_with_titles_and_axis_labels() {
    let dir = native_dir();
    for (workload, _, _) in NATIVE_CHECKSUMS {
        for kind in ["speedup", "time", "efficiency", "memory", "cpu"] {
            let png = std::fs::read(dir.join(format!("{workload}.{kind}.png"))).unwrap();
            assert!(
                png.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{workload}.{kind}.png is not a PNG"
            );
            assert!(
                png.len() > 10_000,
                "{workload}.{kind}.png is only {} bytes",
                png.len()
            );
            let texts = svg_texts(&dir.join(format!("{workload}.{kind}.svg")));
            assert!(some_text_has(
                &texts,
                &format!("native_all_models / {workload}:")
            ));
            assert!(some_text_has(&texts, "workers"), "x axis label");
            for m in BUILTIN_MODELS.iter() {
                assert!(
                    texts.iter().any(|t| t == m),
                    "{workload}.{kind}.svg has no legend entry for {m}: {texts:?}"
                );
            }
        }
        let texts = svg_texts(&dir.join(format!("{workload}.speedup.svg")));
        assert!(texts
            .iter()
            .any(|t| t == &format!("native_all_models / {workload}: speedup vs workers")));
        assert!(some_text_has(&texts, "speedup"), "y axis label");
        assert!(
            some_text_has(&texts, "baseline: sequential"),
            "subtitle names the baseline"
        );
    }
}

#[test]
fn meta_json_records_machine_and_scenario() {
    let dir = native_dir();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    assert_eq!(meta["machine"]["logical_cores"].as_u64(), Some(cores));
    let text = std::fs::read(valid("native_all_models.toml")).unwrap();
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&text)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(meta["scenario"]["sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(meta["scenario"]["name"].as_str(), Some("native_all_models"));
    assert_eq!(
        meta["parabench_version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(meta["ending"].as_str(), Some("complete"));
    assert!(meta["finished_utc"].is_string());
    assert!(meta["command_line"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
}

#[test]
fn report_md_has_a_section_and_table_per_workload() {
    let report = std::fs::read_to_string(native_dir().join("report.md")).unwrap();
    assert!(report.starts_with("# parabench report: native_all_models"));
    for (workload, _, _) in NATIVE_CHECKSUMS {
        assert!(report.contains(&format!("\n## {workload}\n")), "{workload}");
        assert!(report.contains(&format!("({workload}.speedup.png)")));
        assert!(report.contains(&format!("({workload}.time.png)")));
        for kind in ["efficiency", "memory", "cpu"] {
            assert!(
                report.contains(&format!("({workload}.{kind}.png)")),
                "{kind}"
            );
        }
    }
    assert!(report.contains("| load average (1/5/15 min) | "));
    for m in BUILTIN_MODELS.iter() {
        let rows = report
            .lines()
            .filter(|l| l.starts_with(&format!("| {m} | ")))
            .count();
        // Its cells, plus one row in each workload's scaling-fits table.
        let per_workload = if *m == "sequential" { 1 } else { 2 } + 1;
        assert_eq!(rows, 3 * per_workload, "table rows of {m}");
    }
    assert_eq!(report.matches("**Scaling fits.**").count(), 3);
    assert!(report
        .contains("| sequential | runs at a fixed worker count, so there is nothing to fit | - |"));
    // 2 worker counts per model: no law is fitted, none predicts.
    assert!(report.contains("| threads | 2 counts: not a fit | - |"));
    assert!(!report.contains("Amdahl limit"), "{report}");
    assert!(!report.contains("## Failed runs"));
}

/// Copies a run folder (flat) so a test may change it without disturbing the others.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn plot_redraws_summary_report_and_charts_from_the_csv() {
    let tmp = tempdir();
    let copy = tmp.path().join("copy");
    copy_dir(native_dir(), &copy);
    let summary_before = std::fs::read_to_string(copy.join("summary.csv")).unwrap();
    let report_before = std::fs::read_to_string(copy.join("report.md")).unwrap();
    let mut removed = vec![
        "summary.csv".to_string(),
        "fits.csv".to_string(),
        "report.md".to_string(),
    ];
    for (w, _, _) in NATIVE_CHECKSUMS {
        for kind in ["speedup", "time", "efficiency", "memory", "cpu"] {
            for ext in ["png", "svg"] {
                removed.push(format!("{w}.{kind}.{ext}"));
            }
        }
    }
    for f in &removed {
        std::fs::remove_file(copy.join(f)).unwrap();
    }
    let mut cmd = parabench();
    cmd.arg("plot").arg(&copy);
    let out = run(cmd);
    out.expect_code(0);
    for f in &removed {
        assert!(copy.join(f).is_file(), "plot did not recreate {f}");
    }
    let summary_after = std::fs::read_to_string(copy.join("summary.csv")).unwrap();
    assert_eq!(
        summary_before, summary_after,
        "summary.csv must be identical when recomputed from runs.csv"
    );
    let report_after = std::fs::read_to_string(copy.join("report.md")).unwrap();
    assert_eq!(report_before, report_after);
    let png = std::fs::read(copy.join("primes.speedup.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}

#[test]
fn plot_of_a_folder_that_is_not_a_run_is_a_usage_error() {
    let tmp = tempdir();
    let mut cmd = parabench();
    cmd.arg("plot").arg(tmp.path());
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("meta.json"), "{}", out.describe());
}

/// The time the scripted models report: `mult * (1 + repeat / 100) / workers`, computed in
/// the same order as the awk program does.
fn scripted_time(mult: f64, repeat: u32, workers: u64) -> f64 {
    mult * 1.0 * (1.0 + repeat as f64 / 100.0) / workers as f64
}

#[test]
fn scripted_timings_give_exactly_computable_statistics() {
    let tmp = tempdir();
    let out = run_scenario(&valid("scripted.toml"), tmp.path(), &[]);
    out.expect_code(0);
    let dir = tmp.path().join("scripted");
    let runs = Csv::read(&dir.join("runs.csv"));
    assert_eq!(runs.rows.len(), 2 * 3 * 3);
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        assert_eq!(r["checksum"], "42");
        assert_eq!(r["kernel"], "fake");
        let mult = if r["model"] == "scripted" { 1.0 } else { 2.0 };
        let expect = scripted_time(
            mult,
            r["repeat"].parse().unwrap(),
            r["workers"].parse().unwrap(),
        );
        assert_eq!(num(r, "reported_s"), expect, "{r:?}");
        // It prints its time only: CPU time is the whole process's, nothing else is known.
        assert_eq!(r["cpu_scope"], "process", "{r:?}");
        assert_eq!(r["setup_s"], "", "{r:?}");
        assert_eq!(r["interp_start_s"], "", "{r:?}");
    }

    let summary = Csv::read(&dir.join("summary.csv"));
    assert_eq!(summary.rows.len(), 6);
    for r in &summary.rows {
        assert_eq!(r["cpu_scope"], "process", "{r:?}");
        assert_eq!(r["setup_s"], "", "{r:?}");
    }
    let t_ref = scripted_time(1.0, 1, 1); // median of scripted@1 = 1.01
    for (model, mult) in [("scripted", 1.0), ("scripted-slow", 2.0)] {
        for w in [1u64, 2, 4] {
            let ws = w.to_string();
            let rows = summary.filter(&[("model", model), ("workers", &ws)]);
            assert_eq!(rows.len(), 1, "{model}@{w}");
            let r = rows[0];
            let times: Vec<f64> = (0..3).map(|k| scripted_time(mult, k, w)).collect();
            let mean = times.iter().sum::<f64>() / 3.0;
            let sd = (times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
            let close = |col: &str, want: f64| {
                let got = num(r, col);
                assert!(
                    (got - want).abs() < 1e-9,
                    "{model}@{w} {col}: got {got}, want {want}"
                );
            };
            assert_eq!(r["time_source"], "reported");
            assert_eq!(r["runs"], "3");
            assert_eq!(r["failed"], "0");
            assert_eq!(r["tasks"], "10");
            assert_eq!(r["outliers"], "0");
            assert_eq!(r["baseline"], "scripted@1");
            assert_eq!(r["scaling"], "strong");
            close("median_s", times[1]);
            close("mean_s", mean);
            close("stddev_s", sd);
            assert_eq!(num(r, "min_s"), times[0], "{model}@{w} min");
            assert_eq!(num(r, "max_s"), times[2], "{model}@{w} max");
            let (lo, hi) = (num(r, "ci_low_s"), num(r, "ci_high_s"));
            assert!(times[0] <= lo && lo <= times[1] && times[1] <= hi && hi <= times[2]);
            let speedup = t_ref / times[1];
            close("speedup", speedup);
            close("speedup", w as f64 / mult);
            close("efficiency", 1.0 / mult);
            let (slo, shi) = (num(r, "speedup_ci_low"), num(r, "speedup_ci_high"));
            assert!(slo <= speedup + 1e-12 && speedup <= shi + 1e-12, "{r:?}");
        }
    }

    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("\n## fake-work\n"), "{report}");
    assert!(report.contains("| scripted | 1 | 3 | "), "{report}");
    assert!(report.contains("| scripted-slow | 4 | 3 | "), "{report}");
    // Setup and interpreter start cannot be had; CPU util is the whole process's, marked.
    let row = report
        .lines()
        .find(|l| l.starts_with("| scripted | 2 | 3 | "))
        .unwrap();
    let cells: Vec<&str> = row.split(" | ").collect();
    assert_eq!(cells[7], "n/a", "setup: {row}");
    assert!(cells[8].ends_with('*'), "CPU util: {row}");
    assert_eq!(cells[10], "n/a |", "interpreter start: {row}");
    assert!(
        report.contains("*: the whole process for `scripted` and `scripted-slow`"),
        "{report}"
    );
    if std::fs::read_to_string("/proc/thread-self/schedstat").is_ok() {
        assert!(
            report.contains("Run-queue wait (`runq_wait_s` in runs.csv) is empty for `scripted` and `scripted-slow`: the program did not print `runq_wait_s=`"),
            "{report}"
        );
    }
    assert!(
        report.contains("elapsed_s"),
        "the report says times are reported ones"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let models = meta["models"].as_array().unwrap();
    assert_eq!(models.len(), 2);
    assert!(models[0]["command"].is_array());

    // Speedups of exactly 1, 2, 4 and half that: both laws see perfect scaling, gamma 1 and
    // 0.5, and with 10 tasks the predictions stop at 10 workers.
    let fits = Csv::read(&dir.join("fits.csv"));
    assert_eq!(fits.rows.len(), 2);
    for (model, gamma) in [("scripted", 1.0), ("scripted-slow", 0.5)] {
        let rows = fits.filter(&[("model", model)]);
        let r = rows[0];
        assert_eq!(r["status"], "fitted", "{r:?}");
        assert_eq!(r["reason"], "");
        assert_eq!(r["points"], "3");
        assert_eq!(r["horizon_workers"], "10");
        assert_eq!(r["usl_peak_workers"], "", "kappa = 0: no peak");
        assert_eq!(r["amdahl_max_speedup"], "", "s = 0: no limit");
        for (col, want) in [
            ("usl_gamma", gamma),
            ("usl_sigma", 0.0),
            ("usl_kappa", 0.0),
            ("amdahl_gamma", gamma),
            ("amdahl_serial_fraction", 0.0),
            ("usl_speedup_at_horizon", 10.0 * gamma),
            ("usl_rms_rel_error", 0.0),
        ] {
            let got = num(r, col);
            assert!(
                (got - want).abs() < 1e-9,
                "{model} {col}: got {got}, want {want}"
            );
        }
    }
    assert!(report.contains("**Scaling fits.**"), "{report}");
    assert!(report.contains("| scripted | 3 (1-4) | 0 | unbounded (s = 0) | 0 | 0 | no peak (κ = 0) | - | 10.00x | "), "{report}");
    assert!(
        report.contains("Predictions stop at 10 workers"),
        "{report}"
    );
    let texts = svg_texts(&dir.join("fake-work.speedup.svg"));
    assert!(some_text_has(&texts, "USL fit (prediction)"), "{texts:?}");
    assert!(some_text_has(&texts, "ideal (linear)"), "{texts:?}");
}

#[test]
fn weak_scaling_speedup_scales_with_workers() {
    let tmp = tempdir();
    let out = run_scenario(
        &valid("weak.toml"),
        tmp.path(),
        &["--workloads", "scripted-weak"],
    );
    out.expect_code(0);
    let dir = tmp.path().join("weak");
    let runs = Csv::read(&dir.join("runs.csv"));
    assert_eq!(runs.rows.len(), 3 * 2);
    for r in &runs.rows {
        let w: u64 = r["workers"].parse().unwrap();
        assert_eq!(r["tasks"], (5 * w).to_string(), "tasks are per worker");
        assert_eq!(r["status"], "ok");
    }
    let summary = Csv::read(&dir.join("summary.csv"));
    for r in &summary.rows {
        let w = num(r, "workers");
        assert_eq!(r["scaling"], "weak");
        assert_eq!(num(r, "median_s"), 0.5);
        assert!((num(r, "speedup") - w).abs() < 1e-12, "{r:?}");
        assert!((num(r, "efficiency") - 1.0).abs() < 1e-12, "{r:?}");
    }
    let texts = svg_texts(&dir.join("scripted-weak.speedup.svg"));
    assert!(
        some_text_has(&texts, "weak scaling"),
        "the y axis says weak scaling"
    );
}

#[test]
fn weak_scaling_native_models_are_not_checksum_mismatches() {
    let tmp = tempdir();
    let out = run_scenario(
        &valid("weak.toml"),
        tmp.path(),
        &["--workloads", "noop-weak"],
    );
    let runs = Csv::read(&tmp.path().join("weak/runs.csv"));
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        // noop: 0 + 1 + ... + (3w - 1).
        let n: u64 = r["tasks"].parse().unwrap();
        assert_eq!(r["checksum"], (n * (n - 1) / 2).to_string());
    }
    out.expect_code(0);
}

#[test]
fn running_twice_into_the_same_folder_keeps_only_the_second_run() {
    let tmp = tempdir();
    let scenario = valid("scripted.toml");
    run_scenario(&scenario, tmp.path(), &[]).expect_code(0);
    let dir = tmp.path().join("scripted");
    let first = Csv::read(&dir.join("runs.csv")).rows.len();
    let meta1 = std::fs::read_to_string(dir.join("meta.json")).unwrap();
    std::fs::write(dir.join("stray.txt"), "left over from the first run").unwrap();

    run_scenario(&scenario, tmp.path(), &[]).expect_code(0);
    assert_eq!(Csv::read(&dir.join("runs.csv")).rows.len(), first);
    assert!(
        !dir.join("stray.txt").exists(),
        "the old run folder is replaced as a whole"
    );
    // Fewer repeats the second time: only the second run's rows remain.
    run_scenario(&scenario, tmp.path(), &["--repeats", "1"]).expect_code(0);
    let rows = Csv::read(&dir.join("runs.csv")).rows;
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["repeat"] == "0"));
    let summary = Csv::read(&dir.join("summary.csv"));
    assert!(summary.rows.iter().all(|r| r["runs"] == "1"));
    let meta3 = std::fs::read_to_string(dir.join("meta.json")).unwrap();
    assert!(meta3.contains("--repeats") && !meta1.contains("--repeats"));

    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["scripted"], "nothing set aside is left behind");
}

#[test]
fn command_line_overrides_restrict_the_matrix() {
    let tmp = tempdir();
    let out = run_scenario(
        &valid("native_all_models.toml"),
        tmp.path(),
        &[
            "--workers",
            "1,2",
            "--models",
            "threads",
            "--repeats",
            "1",
            "--workloads",
            "noop",
        ],
    );
    out.expect_code(0);
    let runs = Csv::read(&tmp.path().join("native_all_models/runs.csv"));
    // The baseline (sequential) stays: sequential@1 + threads@1 + threads@2, one run each.
    let got: BTreeSet<(String, String, String)> = runs
        .rows
        .iter()
        .map(|r| {
            (
                r["workload"].clone(),
                r["model"].clone(),
                r["workers"].clone(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("noop", "sequential", "1"),
        ("noop", "threads", "1"),
        ("noop", "threads", "2"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(runs.rows.len(), 3);
    assert!(runs
        .rows
        .iter()
        .all(|r| r["repeat"] == "0" && r["checksum"] == "28"));
    let summary = Csv::read(&tmp.path().join("native_all_models/summary.csv"));
    assert_eq!(summary.rows.len(), 3);
    assert!(!tmp
        .path()
        .join("native_all_models/primes.speedup.png")
        .exists());
}

#[test]
fn workers_override_accepts_core_expressions() {
    let tmp = tempdir();
    let out = run_scenario(
        &valid("native_all_models.toml"),
        tmp.path(),
        &[
            "--workers",
            "cores,1,cores",
            "--models",
            "rayon",
            "--quick",
            "--workloads",
            "noop",
        ],
    );
    out.expect_code(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runs = Csv::read(&tmp.path().join("native_all_models/runs.csv"));
    let rayon: BTreeSet<String> = runs
        .filter(&[("model", "rayon")])
        .iter()
        .map(|r| r["workers"].clone())
        .collect();
    let want: BTreeSet<String> = ["1".to_string(), cores.to_string()].into_iter().collect();
    assert_eq!(rayon, want, "resolved, sorted and deduplicated");
}

#[test]
fn quick_runs_each_cell_once() {
    let tmp = tempdir();
    let out = run_scenario(
        &valid("native_all_models.toml"),
        tmp.path(),
        &["--quick", "--workloads", "noop"],
    );
    out.expect_code(0);
    let runs = Csv::read(&tmp.path().join("native_all_models/runs.csv"));
    assert_eq!(runs.rows.len(), builtin_cells(2));
    assert!(runs
        .rows
        .iter()
        .all(|r| r["repeat"] == "0" && r["status"] == "ok"));
}

#[test]
fn unknown_names_on_the_command_line_exit_2_before_running() {
    let tmp = tempdir();
    let fixture = valid("native_all_models.toml");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--models", "nosuch"],
            &[
                "--models",
                "no model `nosuch`",
                "`threads`",
                "`async-blocking`",
            ],
        ),
        (&["--models", "thread"], &["did you mean `threads`?"]),
        (
            &["--workloads", "nop"],
            &["no workload `nop`", "did you mean `noop`?"],
        ),
        (&["--workers", "0"], &["--workers", "at least 1"]),
        (
            &["--workers", "1,lots"],
            &["--workers", "invalid worker expression `lots`"],
        ),
        (&["--repeats", "0"], &["--repeats must be at least 1"]),
    ];
    for (args, says) in cases {
        let out_dir = tmp.path().join("out");
        let out = run_scenario(&fixture, &out_dir, args);
        out.expect_code(2);
        for s in *says {
            assert!(
                out.stderr.contains(s),
                "{args:?}: expected {s:?}\n{}",
                out.describe()
            );
        }
        assert!(!out_dir.exists(), "{args:?} created the output folder");
    }
    // clap rejects a malformed number with its own usage error, also exit 2.
    let out = run_scenario(&fixture, &tmp.path().join("out"), &["--repeats", "many"]);
    out.expect_code(2);
}

#[test]
fn two_scenarios_with_the_same_name_are_refused() {
    let tmp = tempdir();
    let mut cmd = parabench();
    cmd.arg("run")
        .arg(valid("scripted.toml"))
        .arg(valid("scripted.toml"))
        .arg("-o")
        .arg(tmp.path().join("out"));
    let out = run(cmd);
    out.expect_code(2);
    assert!(
        out.stderr.contains("two scenarios are named `scripted`"),
        "{}",
        out.describe()
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn list_names_every_kernel_and_model() {
    let kernels = ["primes", "spin", "alloc", "sleep", "file", "http", "noop"];
    let all = run({
        let mut c = parabench();
        c.arg("list");
        c
    });
    all.expect_code(0);
    for k in kernels
        .iter()
        .copied()
        .chain(parabench::kernel::names())
        .chain(BUILTIN_MODELS.iter().copied())
        .chain(parabench::model::names())
    {
        assert!(all.stdout.contains(&format!("  {k} ")), "`list` lacks {k}");
    }
    let only_kernels = run({
        let mut c = parabench();
        c.args(["list", "kernels"]);
        c
    });
    only_kernels.expect_code(0);
    for k in kernels.iter().copied().chain(parabench::kernel::names()) {
        assert!(only_kernels.stdout.contains(&format!("  {k} ")), "{k}");
    }
    assert!(!only_kernels.stdout.contains("async-blocking"));
    // Parameters are listed with their defaults.
    assert!(
        only_kernels.stdout.contains("limit = 50000"),
        "{}",
        only_kernels.stdout
    );
    let only_models = run({
        let mut c = parabench();
        c.args(["list", "models"]);
        c
    });
    only_models.expect_code(0);
    for m in BUILTIN_MODELS.iter() {
        assert!(only_models.stdout.contains(&format!("  {m} ")), "{m}");
    }
    assert!(!only_models.stdout.contains("  primes "));
    assert!(only_models.stdout.contains("[[model]]"));
}

#[test]
fn help_explains_subcommands_and_flags() {
    let top = run({
        let mut c = parabench();
        c.arg("--help");
        c
    });
    top.expect_code(0);
    for word in ["run", "validate", "list", "plot", "Exit codes"] {
        assert!(top.stdout.contains(word), "--help lacks {word}");
    }
    assert!(
        !top.stdout.contains("__cell"),
        "internal subcommands stay hidden"
    );
    let run_help = run({
        let mut c = parabench();
        c.args(["run", "--help"]);
        c
    });
    run_help.expect_code(0);
    for flag in [
        "--out",
        "--repeats",
        "--warmup",
        "--workers",
        "--models",
        "--workloads",
        "--quick",
        "--no-progress",
    ] {
        assert!(run_help.stdout.contains(flag), "run --help lacks {flag}");
    }
    let version = run({
        let mut c = parabench();
        c.arg("--version");
        c
    });
    version.expect_code(0);
    assert!(version.stdout.contains(env!("CARGO_PKG_VERSION")));
    let bad = run({
        let mut c = parabench();
        c.arg("frobnicate");
        c
    });
    bad.expect_code(2);
}

#[test]
fn failing_commands_become_error_and_mismatch_rows_and_exit_1() {
    let tmp = tempdir();
    let scenario = write_scenario(
        tmp.path(),
        "failing.toml",
        r#"
repeats = 2
warmup = 0
workers = [1, 2]
models = ["good", "bad", "liar", "garbled"]

[[workload]]
name = "w"
kernel = "ext"
tasks = 1

[[model]]
name = "good"
command = ["sh", "-c", "echo checksum=7"]

[[model]]
name = "bad"
command = ["sh", "-c", "echo oops >&2; exit 3"]

[[model]]
name = "liar"
command = ["sh", "-c", "echo checksum=8"]

[[model]]
name = "garbled"
command = ["sh", "-c", "echo elapsed_s=abc"]
"#,
    );
    let out_dir = tmp.path().join("out");
    let out = run_scenario(&scenario, &out_dir, &[]);
    out.expect_code(1);
    assert!(out.stderr.contains("run(s) failed"), "{}", out.describe());
    let runs = Csv::read(&out_dir.join("failing/runs.csv"));
    assert_eq!(runs.rows.len(), 4 * 2 * 2, "failed runs are rows too");
    for r in &runs.rows {
        match r["model"].as_str() {
            "good" => {
                assert_eq!(r["status"], "ok", "{r:?}");
                assert_eq!(r["checksum"], "7");
            }
            "bad" => {
                assert_eq!(r["status"], "error", "{r:?}");
                assert!(r["error"].contains("exit code 3"), "{r:?}");
                assert!(r["error"].contains("oops"), "stderr is kept: {r:?}");
            }
            "liar" => {
                assert_eq!(r["status"], "mismatch", "{r:?}");
                assert_eq!(r["checksum"], "8");
                assert!(
                    r["error"].contains('7') && r["error"].contains('8'),
                    "{r:?}"
                );
            }
            "garbled" => {
                assert_eq!(r["status"], "error", "{r:?}");
                assert!(r["error"].contains("elapsed_s=abc"), "{r:?}");
            }
            other => panic!("unexpected model {other}"),
        }
    }
    let summary = Csv::read(&out_dir.join("failing/summary.csv"));
    for r in summary.filter(&[("model", "bad")]) {
        assert_eq!(r["runs"], "0");
        assert_eq!(r["failed"], "2");
        assert_eq!(r["median_s"], "");
    }
    let report = std::fs::read_to_string(out_dir.join("failing/report.md")).unwrap();
    assert!(report.contains("## Failed runs"));
    assert!(report.contains("exit code 3"));
}

#[test]
fn a_timeout_kills_the_whole_process_tree_and_marks_the_runs() {
    let tmp = tempdir();
    // A unique duration so that pgrep finds only this test's processes.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let marker = format!("sleep 30.{}{:09}", std::process::id(), nanos);
    let scenario = write_scenario(
        tmp.path(),
        "timeout.toml",
        &format!(
            r#"
repeats = 2
warmup = 0
workers = [1]
timeout_s = 0.5
models = ["sleeper"]

[[workload]]
name = "slow"
kernel = "ext"
tasks = 1

[[model]]
name = "sleeper"
command = ["sh", "-c", "{marker}; echo checksum=1"]
"#
        ),
    );
    let out_dir = tmp.path().join("out");
    let start = Instant::now();
    let out = run_scenario(&scenario, &out_dir, &[]);
    let took = start.elapsed();
    out.expect_code(1);
    assert!(
        took < Duration::from_secs(20),
        "the runs were not cut short: {took:?}"
    );
    let runs = Csv::read(&out_dir.join("timeout/runs.csv"));
    assert_eq!(runs.rows.len(), 2);
    for (i, r) in runs.rows.iter().enumerate() {
        assert_eq!(r["status"], "timeout", "{r:?}");
        assert_eq!(r["repeat"], i.to_string());
        assert!(r["error"].contains("timeout_s = 0.5"), "{r:?}");
    }
    // Neither the shell nor its `sleep` child may outlive the run.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = std::process::Command::new("pgrep")
            .args(["-f", &marker])
            .output()
            .expect("pgrep runs");
        if !found.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "processes left behind: {}",
            String::from_utf8_lossy(&found.stdout)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_huge_timeout_is_refused_with_its_limit() {
    let tmp = tempdir();
    let scenario = write_scenario(
        tmp.path(),
        "huge_timeout.toml",
        "timeout_s = 1e300\nrepeats = 1\nwarmup = 0\nworkers = [1]\nmodels = [\"threads\"]\n\n\
         [[workload]]\nname = \"n\"\nkernel = \"noop\"\ntasks = 2\n",
    );
    let out_dir = tmp.path().join("out");
    let out = run_scenario(&scenario, &out_dir, &[]);
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    out.expect_code(2);
    for text in [
        "huge_timeout.toml:1:13: `timeout_s`",
        "must be a positive number of seconds up to 604800",
        "e.g. timeout_s = 120, or leave it out for no limit",
    ] {
        assert!(
            out.stderr.contains(text),
            "lacks {text:?}\n{}",
            out.describe()
        );
    }
    assert!(
        !out_dir.exists(),
        "nothing is written for a refused scenario"
    );
}

#[test]
fn printing_commands_end_quietly_when_their_reader_goes_away() {
    use std::os::unix::process::ExitStatusExt;
    // `parabench list | head -1`, `... --dry-run | head`: stdout is a pipe whose reader is
    // gone before anything is written.
    for args in [
        vec!["list"],
        vec!["run", "--dry-run"],
        vec!["validate", "tests/scenarios/valid/native_all_models.toml"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("parabench"))
            .args(&args)
            .current_dir(crate::common::root())
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "{args:?}: {stderr}"
        );
    }
}
