//! Snapshots of every exporter's output — `summary.csv`, `fits.csv`, `report.md`, `meta.json`,
//! `results.json`, each through its `serialize` in `parabench::report::EXPORTERS` — on one
//! synthetic run built here: a fixed machine, fixed times, three native models over 1, 2 and
//! 4 workers (a checksum mismatch, a noisy cell, a failed run; a model fitted by both scaling
//! laws, one by neither), a weak-scaling workload of short runs with a
//! command model that reports its own times, and a few timeline tasks. Nothing is read from
//! the live machine or clock, so the snapshots are the same on every machine and every run.
//!
//! After a deliberate change to an output (a new column, a new warning), rewrite the snapshots
//! in one command and review the diff in git:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test it exporters
//! ```
//!
//! (or `cargo test --test it exporters` then `cargo insta review`, with cargo-insta installed).

use parabench::record::{CpuScope, HostProbes, RunRow, Status, TaskRow};
use parabench::report::meta::Meta;
use parabench::report::{RunData, EXPORTERS};

const SCENARIO: &str = "snapshot";

/// The run's metadata, as meta.json would hold it. Built through serde so that fields added
/// to meta.json later (with their defaults) need no change here.
fn meta() -> Meta {
    let meta = serde_json::json!({
        "parabench_version": "0.1.0",
        "scenario": {
            "name": SCENARIO,
            "description": "A fixed synthetic run: every exporter's output is snapshotted from it.",
            "path": "/bench/snapshot.toml",
            "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        },
        "command_line": ["parabench", "run", "/bench/snapshot.toml", "-o", "/bench/out"],
        "started_utc": "2026-01-02T03:04:05Z",
        "started_unix_s": 1767323045.0,
        "finished_utc": "2026-01-02T03:05:06Z",
        "ending": "complete",
        "machine": {
            "os": "linux",
            "kernel": "Linux 6.1.0-fixture",
            "arch": "x86_64",
            "cpu_model": "Fixture CPU @ 3.00GHz",
            "logical_cores": 4,
            "physical_cores": 2,
            "smt": true,
            "memory_kb": 16_777_216,
            "load_start": [0.5, 0.25, 0.125],
            "load_end": [1.5, 0.75, 0.25]
        },
        "workloads": [
            {
                "name": "primes",
                "description": "Count primes below a limit, per task.",
                "kernel": "primes",
                "builtin": true,
                "tasks": 8,
                "params": { "limit": 20000 },
                "repeats": 3,
                "warmup": 1,
                "workers": [1, 2, 4],
                "workers_spec": "[1, 2, \"cores\"]",
                "models": ["sequential", "threads", "rayon"],
                "baseline": "sequential",
                "scaling": "strong",
                "timeout_s": 60.0
            },
            {
                "name": "noop-weak",
                "description": "",
                "kernel": "noop",
                "builtin": true,
                "tasks": 1000,
                "params": {},
                "repeats": 2,
                "warmup": 0,
                "workers": [1, 2],
                "workers_spec": "[1, 2]",
                "models": ["threads", "py-threading"],
                "baseline": null,
                "scaling": "weak",
                "timeout_s": null
            }
        ],
        // `timeline_worker` is read once meta.json records what a timeline row is; until
        // then serde ignores it.
        "models": [
            { "name": "sequential", "about": "one thread, tasks in order", "command": null,
              "interpreter": null, "timeline_worker": "thread", "family": "native",
              "spawns": "nothing" },
            { "name": "threads", "about": "N OS threads pulling tasks from a shared queue",
              "command": null, "interpreter": null, "timeline_worker": "thread",
              "family": "native", "spawns": "threads" },
            { "name": "rayon", "about": "a rayon pool of N threads", "command": null,
              "interpreter": null, "timeline_worker": "thread", "family": "native",
              "spawns": "threads" },
            { "name": "py-threading", "about": "CPython threading (kernels.py)",
              "command": ["/usr/bin/python3", "kernels.py", "--model", "threading",
                          "--kernel", "{kernel}", "--workers", "{workers}", "--tasks", "{tasks}"],
              "interpreter": "Python 3.11.7", "timeline_worker": "thread", "family": "cpython",
              "spawns": "threads" }
        ],
        "interpreters": [
            { "runs": "py-* models", "program": "python3", "named_by": "default",
              "path": "/usr/bin/python3", "version": "3.11.7", "implementation": "CPython",
              "build": "3.11.7 (main, Jan  1 2026, 00:00:00) [GCC 12.2.0]" }
        ],
        "order": "rounds",
        "rounds": 2,
        "shard": null,
        "timeline": "default",
        "failed_unmeasured": [
            { "workload": "primes", "model": "sequential", "workers": 1, "run": "timeline",
              "error": "task 3 panicked: fixture" },
            { "workload": "primes", "model": "rayon", "workers": 2, "run": "warmup 0",
              "error": "the cell process ended early (killed by signal 9 (SIGKILL))" }
        ],
        "probe": {
            "runq_unavailable": "/proc/self/schedstat is missing (fixture)",
            "counters_unavailable": null
        }
    });
    serde_json::from_value(meta).expect("the fixture is a valid meta.json")
}

/// One cell of the matrix, to make its runs from.
struct Cell {
    workload: &'static str,
    kernel: &'static str,
    model: &'static str,
    workers: u64,
    tasks: u64,
}

impl Cell {
    /// Successful runs taking `walls` seconds, with `checksum`. Every other measurement is a
    /// fixed function of the wall time and the workers (user time = wall x workers, system
    /// time = wall / 8), chosen so the numbers print exactly. Runs alternate between two
    /// rounds (repeat 0 in round 0, 1 in round 1, ...), and each CPU's host probe took
    /// 100 us before and after the run.
    // Every field is set today; `..RunRow::default()` gives columns added to runs.csv later
    // their defaults, so this file compiles unchanged and only the snapshots move.
    #[allow(clippy::needless_update)]
    fn runs(&self, walls: &[f64], checksum: u64) -> Vec<RunRow> {
        let w = self.workers as f64;
        walls
            .iter()
            .enumerate()
            .map(|(i, &wall_s)| RunRow {
                scenario: SCENARIO.into(),
                cell: parabench::record::CellId::new(self.workload, self.model, self.workers),
                measured: parabench::record::Measurement {
                    wall_s,
                    setup_s: Some(0.00025 * w),
                    reported_s: None,
                    user_s: wall_s * w,
                    sys_s: wall_s / 8.0,
                    max_rss_kb: 8192 + 1024 * self.workers,
                    workers_rss_kb: None,
                    vol_ctx: 4 * self.workers,
                    invol_ctx: i as u64,
                    cpu_scope: Some(CpuScope::Run),
                    probe_before_us: HostProbes(vec![(0, 100.0), (1, 100.0)]),
                    probe_after_us: HostProbes(vec![(0, 100.0), (1, 100.0)]),
                    checksum: Some(checksum),
                    ..parabench::record::Measurement::default()
                },
                kernel: self.kernel.into(),
                tasks: self.tasks,
                repeat: i as u32,
                round: i as u32 % 2,
                start_s: Some(i as f64 + wall_s),
                cpu_util: w + 0.125,
                status: Status::Ok,
                error: String::new(),
                ..RunRow::default()
            })
            .collect()
    }
}

/// Primes below 20000: 2262 per task.
const PRIMES_SUM: u64 = 8 * 2262;

fn primes(model: &'static str, workers: u64) -> Cell {
    Cell {
        workload: "primes",
        kernel: "primes",
        model,
        workers,
        tasks: 8,
    }
}

fn noop(model: &'static str, workers: u64) -> Cell {
    Cell {
        workload: "noop-weak",
        kernel: "noop",
        model,
        workers,
        tasks: 1000 * workers,
    }
}

/// The runs, in plan order.
fn rows() -> Vec<RunRow> {
    let mut rows = Vec::new();
    rows.extend(primes("sequential", 1).runs(&[0.4, 0.404, 0.402], PRIMES_SUM));
    // threads: a checksum mismatch at 1 worker, a noisy cell at 2 (a coefficient of
    // variation near 18%), a failed run at 4; rayon: clean, so both laws fit it.
    let mut threads_1 = primes("threads", 1).runs(&[0.41, 0.412, 0.408], PRIMES_SUM);
    threads_1[1].status = Status::Mismatch;
    threads_1[1].measured.checksum = Some(PRIMES_SUM - 1);
    threads_1[1].error = format!(
        "checksum {} differs from {PRIMES_SUM} (first measured by model `sequential`): \
         the model did not run every task exactly once",
        PRIMES_SUM - 1
    );
    rows.extend(threads_1);
    rows.extend(primes("threads", 2).runs(&[0.18, 0.214, 0.26], PRIMES_SUM));
    let mut threads_4 = primes("threads", 4).runs(&[0.12, 0.118, 0.125], PRIMES_SUM);
    threads_4[2].status = Status::Error;
    threads_4[2].measured.checksum = None;
    threads_4[2].error =
        "cell process ended early: killed by signal 9 (SIGKILL); stderr: out of memory".into();
    rows.extend(threads_4);
    rows.extend(primes("rayon", 1).runs(&[0.405, 0.407, 0.406], PRIMES_SUM));
    // rayon at 2 workers ran while both CPUs were at about 0.55 of their best: the host
    // warning names it.
    let mut rayon_2 = primes("rayon", 2).runs(&[0.205, 0.209, 0.207], PRIMES_SUM);
    for r in &mut rayon_2 {
        r.measured.probe_before_us = HostProbes(vec![(0, 180.0), (1, 182.0)]);
        r.measured.probe_after_us = HostProbes(vec![(0, 181.0), (1, 180.0)]);
    }
    rows.extend(rayon_2);
    rows.extend(primes("rayon", 4).runs(&[0.11, 0.112, 0.111], PRIMES_SUM));

    // Weak scaling: 1000 tasks per worker, runs shorter than 5 ms.
    let sum = |n: u64| n * (n - 1) / 2;
    rows.extend(noop("threads", 1).runs(&[0.0021, 0.002], sum(1000)));
    rows.extend(noop("threads", 2).runs(&[0.0023, 0.0022], sum(2000)));
    // The shipped harness: its own window's time, setup and CPU time, and the interpreter's
    // start-up (wall time minus it and 2.5 ms of exit).
    for (workers, reported) in [(1, [0.004, 0.0042]), (2, [0.008, 0.0078])] {
        let mut runs = noop("py-threading", workers).runs(&[0.0625, 0.0675], sum(1000 * workers));
        for (r, elapsed) in runs.iter_mut().zip(reported) {
            r.measured.reported_s = Some(elapsed);
            r.measured.setup_s = Some(0.000125 * workers as f64);
            r.measured.interp_start_s = Some(r.measured.wall_s - elapsed - 0.0025);
            r.measured.user_s = elapsed * 0.75;
            r.measured.sys_s = elapsed * 0.25;
            r.cpu_util = 1.0;
            r.measured.cpu_scope = Some(CpuScope::Window);
            r.measured.workers_rss_kb = Some(10240 * workers);
        }
        rows.extend(runs);
    }
    rows
}

/// The timeline runs (one after the 3 measured runs) of `threads` and `rayon` at 4 workers:
/// 8 tasks each, two per thread, 50 ms each. `sequential` recorded nothing.
fn tasks() -> Vec<TaskRow> {
    let mut tasks = Vec::new();
    for (model, run_wall_s) in [("threads", 0.125), ("rayon", 0.1875)] {
        for task in 0..8u32 {
            let (worker, round) = (task % 4, f64::from(task / 4));
            let start_s = round * 0.0625 + f64::from(worker) * 0.001;
            tasks.push(TaskRow {
                scenario: SCENARIO.into(),
                cell: parabench::record::CellId {
                    workload: "primes".into(),
                    model: model.into(),
                    workers: 4,
                    variant: None,
                },
                repeat: 3,
                worker,
                task: u64::from(task),
                start_s,
                end_s: start_s + 0.05,
                run_wall_s,
                window_start_s: None,
                window_s: None,
            });
        }
    }
    tasks
}

fn data() -> RunData {
    RunData::new(meta(), rows()).with_tasks(tasks())
}

/// The output of the exporter that writes `file`, as text.
#[track_caller]
fn exported(file: &str) -> String {
    let exporter = EXPORTERS
        .iter()
        .find(|e| e.file_name() == file)
        .unwrap_or_else(|| panic!("no exporter writes {file}"));
    let bytes = exporter
        .serialize(&data())
        .unwrap_or_else(|e| panic!("{file}: {e:#}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{file} is not UTF-8: {e}"))
}

#[test]
fn every_exporter_has_a_snapshot_here() {
    let names: Vec<&str> = EXPORTERS.iter().map(|e| e.file_name()).collect();
    assert_eq!(
        names,
        [
            "summary.csv",
            "fits.csv",
            "report.md",
            "report.html",
            "meta.json",
            "results.json"
        ],
        "an exporter was added or removed: give it a snapshot test in tests/it/exporters.rs"
    );
}

#[test]
fn exporters_are_deterministic() {
    for e in EXPORTERS {
        let (a, b) = (e.serialize(&data()), e.serialize(&data()));
        assert_eq!(a.unwrap(), b.unwrap(), "{}", e.file_name());
    }
}

#[test]
fn summary_csv() {
    insta::assert_snapshot!("summary.csv", exported("summary.csv"));
}

#[test]
fn fits_csv() {
    insta::assert_snapshot!("fits.csv", exported("fits.csv"));
}

#[test]
fn report_md() {
    insta::assert_snapshot!("report.md", exported("report.md"));
}

/// report.html with each inline chart (checked against the chart's own SVG document in
/// `tests/report_html.rs`) replaced by its size, so the snapshot stays readable.
#[test]
fn report_html() {
    let html = exported("report.html");
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<svg") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find("</svg>").expect("an unclosed <svg>") + at + "</svg>".len();
        out.push_str(&format!("<svg …{} bytes…>", end - at));
        rest = &rest[end..];
    }
    out.push_str(rest);
    insta::assert_snapshot!("report.html", out);
}

#[test]
fn meta_json() {
    insta::assert_snapshot!("meta.json", exported("meta.json"));
}

#[test]
fn results_json() {
    insta::assert_snapshot!("results.json", exported("results.json"));
}

/// The same synthetic run with two variants: every row measured under `base` and under `new`,
/// `new` 10% slower on the primes workload (and as fast on the rest).
fn variant_data() -> RunData {
    let mut meta = serde_json::to_value(meta()).unwrap();
    meta["variants"] = serde_json::json!([
        {"name": "base", "overrides": ["library=main/libwork.so"]},
        {"name": "new", "overrides": ["library=pr/libwork.so"]}
    ]);
    let meta: Meta = serde_json::from_value(meta).unwrap();
    let mut rows = Vec::new();
    for r in self::rows() {
        let mut new = r.clone();
        new.cell.variant = Some("new".into());
        if new.cell.workload == "primes" {
            new.measured.wall_s *= 1.1;
            new.measured.reported_s = new.measured.reported_s.map(|t| t * 1.1);
        }
        rows.push(RunRow {
            cell: parabench::record::CellId {
                variant: Some("base".into()),
                ..r.cell
            },
            ..r
        });
        rows.push(new);
    }
    let tasks = self::tasks()
        .into_iter()
        .map(|t| TaskRow {
            cell: parabench::record::CellId {
                variant: Some("base".into()),
                ..t.cell
            },
            ..t
        })
        .collect();
    RunData::new(meta, rows).with_tasks(tasks)
}

#[test]
fn with_variants_summary_gains_a_variant_column_and_the_report_a_section() {
    let data = variant_data();
    let out = |file: &str| {
        let e = EXPORTERS.iter().find(|e| e.file_name() == file).unwrap();
        String::from_utf8(e.serialize(&data).unwrap()).unwrap()
    };
    let summary = out("summary.csv");
    assert!(summary.starts_with("scenario,workload,kernel,model,variant,workers,"));
    insta::assert_snapshot!("variants.summary.csv", summary);
    let report = out("report.md");
    assert!(report.contains("## Variants"));
    insta::assert_snapshot!("variants.report.md", report);
    let paired = &data.variants.as_ref().unwrap().paired;
    insta::assert_snapshot!(
        "variants.md",
        parabench::report::variants::markdown(paired, "# Variants").unwrap()
    );
    insta::assert_snapshot!(
        "variants.json",
        serde_json::to_string_pretty(paired).unwrap()
    );
}

#[test]
fn with_variants_the_line_charts_add_dashed_lines_and_a_ratio_chart_shows_each_cell() {
    use parabench::report::chart::{Figure, SeriesStyle, CHARTS};
    let data = variant_data();
    let primes = data
        .meta
        .workloads
        .iter()
        .find(|w| w.name == "primes")
        .unwrap();
    let chart = |suffix: &str| -> Box<parabench::report::chart::Chart> {
        let kind = CHARTS.iter().find(|c| c.suffix() == suffix).unwrap();
        match kind.figure(&data, primes) {
            Some(Figure::Lines(c)) => c,
            _ => panic!("no line chart {suffix}"),
        }
    };
    let speedup = chart("speedup");
    let labels: Vec<(&str, SeriesStyle)> = speedup
        .series
        .iter()
        .map(|s| (s.label.as_str(), s.style))
        .collect();
    assert!(
        labels.contains(&("threads (base)", SeriesStyle::Solid)),
        "{labels:?}"
    );
    assert!(
        labels.contains(&("threads (new)", SeriesStyle::Dashed)),
        "{labels:?}"
    );
    let base = speedup
        .series
        .iter()
        .find(|s| s.label == "threads (base)")
        .unwrap();
    let new = speedup
        .series
        .iter()
        .find(|s| s.label == "threads (new)")
        .unwrap();
    assert_eq!(
        base.color_index, new.color_index,
        "a model keeps its colour"
    );

    let ratios = chart("variants");
    assert!(ratios.y_log);
    let threads = ratios.series.iter().find(|s| s.label == "threads").unwrap();
    assert_eq!(threads.points.len(), 3);
    for p in &threads.points {
        assert!((p.y - 1.1).abs() < 1e-9, "{p:?}");
        assert!(p.ci.is_some());
    }
    // Without variants there is no ratio chart.
    let kind = CHARTS.iter().find(|c| c.suffix() == "variants").unwrap();
    assert!(kind.figure(&data_without_variants(), primes).is_none());
}

fn data_without_variants() -> RunData {
    RunData::new(meta(), rows())
}
