//! Snapshot tests of chart data: every chart of a fixed synthetic run (the demo's models on a
//! 2-core machine) built and planned, and the plan (axes, ticks, units, series, labels,
//! legend, notes — not pixels) compared with the snapshot in `snapshots/`. Each plan's labels
//! are also checked to touch no line.

use super::{Figure, CHARTS};
use crate::record::TaskRow;
use crate::report::meta::Meta;
use crate::report::summary::SummaryRow;
use crate::report::RunData;
use crate::scenario::Workload;
use parabench_charts::describe;

const CORES: u64 = 2;

/// A summary row of `model` at `workers` with median time `time_s` against `base_s` (the
/// baseline's time), CPU utilisation `cpu` and peak RSS `rss_mib`.
fn row(w: &Workload, model: &str, workers: u64, time_s: f64, base_s: f64) -> SummaryRow {
    let speedup = base_s / time_s;
    let efficiency = speedup / workers as f64;
    SummaryRow {
        median_s: Some(time_s),
        mean_s: Some(time_s),
        stddev_s: Some(time_s * 0.02),
        min_s: Some(time_s * 0.97),
        max_s: Some(time_s * 1.03),
        ci_low_s: Some(time_s * 0.98),
        ci_high_s: Some(time_s * 1.03),
        outliers: 0,
        speedup: Some(speedup),
        speedup_ci_low: Some(speedup * 0.97),
        speedup_ci_high: Some(speedup * 1.02),
        efficiency: Some(efficiency),
        efficiency_ci_low: Some(efficiency * 0.97),
        efficiency_ci_high: Some(efficiency * 1.02),
        setup_s: Some(0.0001),
        max_rss_kb: Some(5 * 1024),
        ..SummaryRow::blank(w, model, workers)
    }
}

/// One task of a timeline run.
fn task(w: &Workload, model: &str, workers: u64, worker: u32, span: (f64, f64)) -> TaskRow {
    TaskRow {
        scenario: "demo".into(),
        cell: crate::record::CellId {
            workload: w.name.clone(),
            model: model.into(),
            workers,
            variant: None,
        },
        repeat: 5,
        worker,
        task: 0,
        start_s: span.0,
        end_s: span.1,
        run_wall_s: 0.0,
        window_start_s: None,
        window_s: None,
    }
}

/// The demo on a 2-core machine, made up but shaped like the committed run: `primes` is
/// CPU-bound (1, 2 and 4 workers: 4 is oversubscribed), `sleep` waits (1 to 16 workers) and
/// `async-multi` has a speedup of 26 at every count there (an outlier); `sleep-linear` is the
/// same on a linear worker axis (1, 2, 4), where the speedup chart must break its axis.
/// The models of the synthetic run, in the order it recorded them.
const SYNTHETIC_MODELS: &[&str] = &[
    "sequential",
    "threads",
    "rayon",
    "processes",
    "async",
    "async-multi",
    "async-blocking",
];

pub(crate) fn synthetic_run() -> RunData {
    let mut demo = crate::scenario::demo(&crate::scenario::LoadOptions {
        cores: CORES,
        force: false,
        variants: Vec::new(),
    })
    .expect("the built-in demo parses");
    // The models this run recorded: fixed here (the demo's default is every model in today's
    // registry, and a run folder is what it recorded, whatever models were added since).
    for w in &mut demo.workloads {
        w.models = SYNTHETIC_MODELS.iter().map(|m| m.to_string()).collect();
    }
    // Models as a run records them, with their timeline rows.
    let models = demo.workloads[0]
        .models
        .iter()
        .map(|m| {
            let mut info = crate::report::meta::ModelInfo::named(m);
            info.timeline_worker = Some(
                match m.as_str() {
                    "sequential" | "threads" => "thread",
                    "rayon" => "pool thread",
                    "processes" => "process",
                    "async-multi" => "runtime thread",
                    _ => "in-flight slot",
                }
                .to_string(),
            );
            info
        })
        .collect();
    let mut meta = Meta::new(&demo, models);
    meta.machine.logical_cores = CORES;
    meta.machine.physical_cores = Some(CORES);
    let template = meta.workloads[1].clone();
    meta.workloads[0].workers = vec![1, 2, 4];
    meta.workloads[1].workers = vec![1, 2, 4, 8, 16];
    let mut linear = template;
    linear.name = "sleep-linear".into();
    linear.workers = vec![1, 2, 4];
    meta.workloads.push(linear);
    let (primes, sleep, linear) = (
        meta.workloads[0].clone(),
        meta.workloads[1].clone(),
        meta.workloads[2].clone(),
    );

    let mut summary = vec![];
    let mut tasks = vec![];
    // primes: 120 ms alone; parallel models halve it on 2 cores and gain nothing beyond.
    let base = 0.120;
    let mut r = row(&primes, "sequential", 1, base, base);
    r.cpu_util = Some(1.0);
    summary.push(r);
    for (model, at2, at4) in [
        ("threads", 0.0612, 0.0614),
        ("rayon", 0.0604, 0.0642),
        ("processes", 0.0655, 0.0731),
        ("async", 0.1157, 0.1159),
        ("async-multi", 0.0620, 0.0627),
        ("async-blocking", 0.0696, 0.0614),
    ] {
        for (n, t) in [(1, base * 1.02), (2, at2), (4, at4)] {
            let mut r = row(&primes, model, n, t, base);
            let busy = if model == "async" {
                1.0
            } else {
                n.min(CORES) as f64
            };
            r.cpu_util = Some(0.98 * busy);
            if model == "processes" {
                r.workers_rss_kb = Some(4800 * n);
            }
            r.max_rss_kb = Some(5000 + 100 * n + 40 * r.cell.model.len() as u64);
            summary.push(r);
        }
    }
    for i in 0..16 {
        let t = f64::from(i) * 0.0072;
        tasks.push(task(&primes, "sequential", 1, 0, (t, t + 0.0072)));
        let (w, k) = (i % 4, f64::from(i / 4));
        tasks.push(task(
            &primes,
            "threads",
            4,
            w,
            (k * 0.015, (k + 1.0) * 0.015),
        ));
    }

    // sleep and sleep-linear: waits overlap; async-multi runs every task at once whatever
    // its worker count.
    for w in [&sleep, &linear] {
        let base = 0.165;
        let mut r = row(w, "sequential", 1, base, base);
        r.cpu_util = Some(0.008);
        summary.push(r);
        for &n in &w.workers {
            let nf = n as f64;
            for (model, t) in [
                ("threads", base / nf * 1.02),
                ("rayon", base / nf * 1.03),
                ("processes", base / nf.min(4.3)),
                ("async", base / nf * 1.19),
                ("async-multi", 0.0064),
                ("async-blocking", base / nf * 1.04),
            ] {
                let mut r = row(w, model, n, t, base);
                r.cpu_util = Some(0.01 * nf.sqrt() * model.len() as f64);
                r.max_rss_kb = Some(5000 + 50 * n + 60 * model.len() as u64);
                if model == "processes" {
                    r.workers_rss_kb = Some(4800 * n);
                }
                summary.push(r);
            }
        }
    }
    for i in 0..32 {
        let t = f64::from(i) * 0.0052;
        tasks.push(task(&sleep, "sequential", 1, 0, (t, t + 0.0051)));
        let k = f64::from(i / 16);
        tasks.push(task(
            &sleep,
            "threads",
            16,
            i % 16,
            (k * 0.0053, k * 0.0053 + 0.0052),
        ));
        // Tasks waiting side by side on two runtime threads.
        let row = if i < 24 { 0 } else { 7 };
        tasks.push(task(&sleep, "async-multi", 16, row, (0.0003, 0.0064)));
    }
    // Each run ends a little after its last task.
    let ends: Vec<((String, String), f64)> = tasks
        .iter()
        .map(|t| ((t.cell.workload.clone(), t.cell.model.clone()), t.end_s))
        .collect();
    for t in &mut tasks {
        let last = ends
            .iter()
            .filter(|(k, _)| k.0 == t.cell.workload && k.1 == t.cell.model)
            .map(|e| e.1)
            .fold(0.0, f64::max);
        t.run_wall_s = last + 0.0004;
    }
    RunData {
        meta,
        rows: vec![],
        summary,
        decision: vec![],
        tasks,
        variants: None,
    }
}

/// The plan of every chart of `workload`, one section per chart.
fn plans(data: &RunData, workload: &str) -> String {
    let w = data
        .meta
        .workloads
        .iter()
        .find(|w| w.name == workload)
        .expect("a workload of the synthetic run");
    let mut out = String::new();
    for kind in CHARTS {
        let text = match kind.figure(data, w) {
            Some(figure) => describe::figure(&figure).unwrap_or_else(|e| panic!("{e}")),
            None => "no figure\n".into(),
        };
        out.push_str(&format!("== {}.{}\n{text}\n", w.name, kind.suffix()));
    }
    out
}

#[test]
fn cpu_bound_charts() {
    insta::assert_snapshot!(plans(&synthetic_run(), "primes"));
}

#[test]
fn waiting_charts_with_an_outlier_on_a_log_worker_axis() {
    insta::assert_snapshot!(plans(&synthetic_run(), "sleep"));
}

#[test]
fn waiting_charts_with_an_outlier_on_a_linear_worker_axis() {
    insta::assert_snapshot!(plans(&synthetic_run(), "sleep-linear"));
}

/// The plan of a line chart as text.
fn lines(chart: parabench_charts::Chart) -> String {
    describe::figure(&Figure::Lines(Box::new(chart))).unwrap_or_else(|e| panic!("{e}"))
}

/// The properties the snapshots pin, asserted outright so a careless snapshot update cannot
/// lose them.
#[test]
fn chart_properties_hold() {
    let data = synthetic_run();
    let w = |name: &str| {
        data.meta
            .workloads
            .iter()
            .find(|w| w.name == name)
            .cloned()
            .expect("a workload of the synthetic run")
    };
    let chart = |kind: usize, name: &str| match CHARTS[kind].figure(&data, &w(name)) {
        Some(Figure::Lines(c)) => *c,
        other => panic!("expected a line chart, got {other:?}"),
    };
    let (speedup, time) = (0, 1);
    // One worker axis per workload: same scale and counts on every chart.
    for name in ["primes", "sleep"] {
        let xs: Vec<(bool, Vec<f64>)> = (0..5)
            .map(|k| {
                let c = chart(k, name);
                (c.x_log, c.x_values)
            })
            .collect();
        assert!(xs.windows(2).all(|p| p[0] == p[1]), "{name}: {xs:?}");
    }
    // The ideal is straight: speedup on a log scale exactly when workers are.
    for name in ["primes", "sleep", "sleep-linear"] {
        let c = chart(speedup, name);
        assert_eq!(c.x_log, c.y_log, "{name}");
    }
    // The demo's threads at 4 workers on 2 cores: hollow, and no curve predicts from them.
    let c = chart(speedup, "primes");
    let threads = c.series.iter().find(|s| s.label == "threads").unwrap();
    assert!(threads.points.iter().any(|p| p.x == 4.0 && p.hollow));
    assert!(c.fits.is_none());
    assert!(c.notes.iter().any(|n| n.contains("No USL curve")));
    // Time titles carry the unit the ticks are in.
    let t = lines(chart(time, "primes"));
    assert!(t.contains("\"median wall time per run (ms)\""), "{t}");
    // The outlier flattens nothing: log scale on sleep, a break on sleep-linear.
    let eff = lines(chart(2, "sleep"));
    assert!(eff.contains("y: \"parallel efficiency\" log"), "{eff}");
    let broken = lines(chart(speedup, "sleep-linear"));
    assert!(broken.contains("y axis broken at"), "{broken}");
    assert!(
        broken.contains("async-multi goes off the chart"),
        "{broken}"
    );
}

/// A model without a line is named under the legend with the reason, never just absent.
#[test]
fn models_without_a_line_are_named() {
    let mut data = synthetic_run();
    let w = data.meta.workloads[0].clone();
    // `rayon` ran but every run failed; `processes` has no cell at all.
    for r in &mut data.summary {
        if r.cell.workload == w.name && r.cell.model == "rayon" {
            *r = SummaryRow {
                runs: 0,
                failed: 3,
                ..SummaryRow::blank(&w, "rayon", r.cell.workers)
            };
        }
    }
    data.summary
        .retain(|r| !(r.cell.workload == w.name && r.cell.model == "processes"));
    let Some(Figure::Lines(c)) = CHARTS[0].figure(&data, &w) else {
        panic!("the speedup chart is a line chart");
    };
    assert!(c.series.iter().all(|s| s.label != "rayon"));
    assert!(
        c.notes
            .contains(&"Not shown: rayon (no successful run); processes (not run).".to_string()),
        "{:?}",
        c.notes
    );
}

/// Where a workload has no timeline, the report's timeline place says why and what to do.
#[test]
fn a_missing_timeline_is_explained() {
    let mut data = synthetic_run();
    let w = data.meta.workloads[0].clone();
    data.tasks.retain(|t| t.cell.workload != w.name);
    let timeline = CHARTS.iter().find(|c| c.suffix() == "timeline").unwrap();
    assert!(timeline.figure(&data, &w).is_none());

    data.meta.timeline = Some("off".into());
    let why = timeline.missing(&data, &w).unwrap();
    assert!(
        why.starts_with("**No timeline:** the run was made with `--timeline off`"),
        "{why}"
    );

    // Too many tasks for the recorder.
    data.meta.timeline = Some("default".into());
    for r in &mut data.summary {
        if r.cell.workload == w.name {
            r.tasks = 5_000_000;
        }
    }
    let why = timeline.missing(&data, &w).unwrap();
    assert!(
        why.starts_with("**No timeline:** `sequential`, `threads`, `rayon`, `processes`, `async`, `async-multi`, `async-blocking` (runs of 5000000 tasks are more than the 100000 tasks a timeline records; a workload with at most 100000 tasks per run gets one)."),
        "{why}"
    );
}

/// The host chart: one mark per run with a host speed, by model, over the session's time.
#[test]
fn the_host_chart_marks_every_probed_run_over_the_session() {
    use crate::record::RunRow;
    let mut data = synthetic_run();
    let run = |model: &str, workers: u64, start_s: f64, speed: f64| RunRow {
        cell: crate::record::CellId::new("primes", model, workers),
        measured: crate::record::Measurement {
            wall_s: 0.05,
            ..crate::record::Measurement::default()
        },
        start_s: Some(start_s),
        host_speed: Some(speed),
        ..RunRow::default()
    };
    data.rows = vec![
        run("sequential", 1, 0.0, 1.0),
        run("threads", 2, 0.5, 0.98),
        run("threads", 2, 1.0, 0.52),
        run("rayon", 2, 1.5, 0.55),
        // No probes: left out.
        RunRow {
            host_speed: None,
            ..run("rayon", 2, 2.0, 1.0)
        },
    ];
    let w = data.meta.workloads[0].clone();
    let host = CHARTS.iter().find(|c| c.suffix() == "host").unwrap();
    let Some(Figure::Lines(chart)) = host.figure(&data, &w) else {
        panic!("a line chart")
    };
    let marks: Vec<(String, usize)> = chart
        .series
        .iter()
        .map(|s| (s.label.clone(), s.points.len()))
        .collect();
    assert_eq!(
        marks,
        [
            ("sequential".into(), 1),
            ("threads".into(), 2),
            ("rayon".into(), 1)
        ]
    );
    assert!(chart
        .series
        .iter()
        .all(|s| s.style == super::SeriesStyle::Scatter));
    assert!(!chart.x_log && !chart.y_log);
    let plan = lines(*chart);
    assert!(plan.contains("seconds since the session began"), "{plan}");
    // A run folder without probes has no host chart, and says why.
    data.rows.iter_mut().for_each(|r| r.host_speed = None);
    assert!(host.figure(&data, &w).is_none());
    let why = host.missing(&data, &w).unwrap();
    assert!(why.starts_with("**No host-speed chart:**"), "{why}");
}
