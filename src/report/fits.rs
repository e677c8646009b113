//! Scaling-law fits per workload and model (Amdahl and USL, see [`crate::measure::fit`]) on
//! the measured speedups of `summary.csv`, and `fits.csv`: one row per workload x model with
//! the fitted parameters, predictions, fit quality, or why nothing was fitted.

use super::{Exporter, RunData};
use crate::measure::fit::{self, Amdahl, Usl};
use crate::record::CpuScope;
use crate::scenario::{Scaling, Workload};
use serde::Serialize;

/// Predictions reach at least this many workers ...
const MIN_HORIZON: u64 = 64;
/// ... and at least this many times the largest measured count ...
const HORIZON_FACTOR: u64 = 4;
// ... but, with strong scaling, no more workers than tasks: the rest would idle.

/// A model's work counts as CPU-bound when, at its fewest workers, it kept at least this many
/// cores busy per worker that can be busy. CPU kernels measure 0.98 to 1.0 in the committed
/// runs; waits measured up to 0.58 while CPython's interpreter start-up was counted in a short
/// run's CPU time, and stay below 0.1 now that the harness reports its own window's: the line
/// sits between them with room on both sides.
pub const CPU_BOUND_UTIL: f64 = 0.8;

/// The fewest worker counts a law is fitted to: one more than Amdahl's two parameters, so
/// that the fit can miss a point. Through 2 points any 2-parameter curve passes exactly, and
/// its limit and predictions would say nothing about the model.
pub const MIN_COUNTS: usize = 3;

/// The fits of one model in one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFit {
    pub model: String,
    /// The (workers, speedup) points fitted: cells with a speedup and no failed run, and on
    /// CPU-bound work no more workers than cores.
    pub points: Vec<(f64, f64)>,
    /// Cells left out because some of their runs failed.
    pub excluded: usize,
    /// Worker counts left out because they exceed the core count on CPU-bound work (see
    /// [`cpu_bound`]): such a point times the OS scheduler sharing cores, not the model.
    pub oversubscribed: Vec<u64>,
    pub amdahl: Result<Amdahl, String>,
    pub usl: Result<Usl, String>,
}

/// The reason a model with `n` (fewer than [`MIN_COUNTS`]) worker counts to fit gets.
pub fn not_a_fit(n: usize) -> String {
    format!("{}: not a fit", crate::text::count(n as u64, "count"))
}

impl ModelFit {
    /// What was left out of the fit and why, e.g. "1 cell with failed runs left out;
    /// CPU-bound work: 4, 8 workers, more than the 2 cores, left out as they time the OS
    /// scheduler"; `None` when every cell was fitted.
    pub fn left_out(&self, cores: u64) -> Option<String> {
        let mut parts = Vec::new();
        if self.excluded > 0 {
            parts.push(format!(
                "{} with failed runs left out",
                crate::text::count(self.excluded as u64, "cell")
            ));
        }
        if !self.oversubscribed.is_empty() {
            let counts: Vec<String> = self.oversubscribed.iter().map(u64::to_string).collect();
            parts.push(format!(
                "CPU-bound work: {} workers, more than the {cores} cores, left out as they time the OS scheduler",
                counts.join(", ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Largest measured worker count among the fitted points.
    pub fn max_workers(&self) -> Option<f64> {
        self.points.iter().map(|p| p.0).reduce(f64::max)
    }
}

/// The worker count predictions are shown up to: a power of two, at least [`MIN_HORIZON`]
/// and [`HORIZON_FACTOR`] x the largest measured count; with strong scaling capped at the
/// task count (more workers than tasks cannot help), but never below the measured range.
pub fn horizon(w: &Workload) -> u64 {
    let max = w.workers.iter().copied().max().unwrap_or(1);
    let wide = max
        .saturating_mul(HORIZON_FACTOR)
        .max(MIN_HORIZON)
        .checked_next_power_of_two()
        .unwrap_or(u64::MAX);
    match w.scaling {
        Scaling::Strong => wide.min(w.tasks).max(max),
        Scaling::Weak => wide,
    }
}

/// Whether `model`'s work in workload `w` is CPU-bound, judged from what was recorded (so it
/// holds for command models and old run folders alike): its busy cores at its fewest workers
/// (see [`busy_cores`]) are at least [`CPU_BOUND_UTIL`] per worker that can be busy (no more
/// than the cores). Unknown utilisation counts as not.
pub fn cpu_bound(data: &RunData, w: &Workload, model: &str) -> bool {
    let cores = data.meta.machine.logical_cores.max(1);
    busy_cores(data, w, model)
        .is_some_and(|(workers, busy)| busy / workers.clamp(1, cores) as f64 >= CPU_BOUND_UTIL)
}

/// The fewest workers `model` ran with in `w`, and its median busy cores there: CPU time
/// (user + sys) over the longer of the run's wall time and the time the program reported, so
/// that neither an interpreter's start-up (wall time longer than the reported time) nor a
/// program that reports a made-up time (reported longer than wall) makes waiting look busy.
/// A program's CPU time over its own window (`cpu_scope` = `window`) is already divided by its
/// own time. From `summary.csv`'s `cpu_util` when the runs are not at hand.
pub fn busy_cores(data: &RunData, w: &Workload, model: &str) -> Option<(u64, f64)> {
    let runs: Vec<_> = data
        .rows
        .iter()
        .filter(|r| r.cell.workload == w.name && r.cell.model == model && r.ok())
        .collect();
    if let Some(fewest) = runs.iter().map(|r| r.cell.workers).min() {
        let busy: Vec<f64> = runs
            .iter()
            .filter(|r| r.cell.workers == fewest)
            .map(|r| match r.measured.cpu_scope {
                Some(CpuScope::Window) => r.cpu_util,
                _ => {
                    (r.measured.user_s + r.measured.sys_s)
                        / r.measured.wall_s.max(r.measured.reported_s.unwrap_or(0.0))
                }
            })
            .filter(|u| u.is_finite())
            .collect();
        if !busy.is_empty() {
            return Some((fewest, crate::measure::stats::median_of(&busy)));
        }
    }
    data.summary
        .iter()
        .filter(|r| r.cell.workload == w.name && r.cell.model == model && r.cpu_util.is_some())
        .min_by_key(|r| r.cell.workers)
        .and_then(|r| Some((r.cell.workers, r.cpu_util?)))
}

/// Fits every model of workload `w`, in the workload's model order.
pub fn for_workload(data: &RunData, w: &Workload) -> Vec<ModelFit> {
    let cores = data.meta.machine.logical_cores;
    w.models
        .iter()
        .map(|m| {
            let cells: Vec<_> = data
                .summary
                .iter()
                .filter(|r| r.cell.workload == w.name && &r.cell.model == m)
                .collect();
            let excluded = cells.iter().filter(|r| r.failed > 0).count();
            let cpu_bound = cpu_bound(data, w, m);
            let mut oversubscribed: Vec<u64> = cells
                .iter()
                .filter(|r| cpu_bound && r.cell.workers > cores)
                .map(|r| r.cell.workers)
                .collect();
            oversubscribed.sort_unstable();
            oversubscribed.dedup();
            let points: Vec<(f64, f64)> = cells
                .iter()
                .filter(|r| r.failed == 0 && !oversubscribed.contains(&r.cell.workers))
                .filter_map(|r| Some((r.cell.workers as f64, r.speedup.filter(|s| *s > 0.0)?)))
                .collect();
            let mut counts: Vec<u64> = points.iter().map(|p| p.0 as u64).collect();
            counts.sort_unstable();
            counts.dedup();
            let refusal = if cells.is_empty() {
                Some("not measured".to_string())
            } else if cells.len() == 1 && w.workers.len() > 1 {
                // Measured at one count though the workload names several (`sequential`).
                Some("runs at a fixed worker count, so there is nothing to fit".to_string())
            } else if points.is_empty() && excluded == 0 {
                Some("no speedup (the reference cell has no successful run)".to_string())
            } else if counts.len() < MIN_COUNTS {
                Some(not_a_fit(counts.len()))
            } else {
                None
            };
            let (amdahl, usl) = match refusal {
                Some(r) => (Err(r.clone()), Err(r)),
                None => (
                    fit::amdahl(&points).map_err(|e| e.to_string()),
                    fit::usl(&points).map_err(|e| e.to_string()),
                ),
            };
            ModelFit {
                model: m.clone(),
                points,
                excluded,
                oversubscribed,
                amdahl,
                usl,
            }
        })
        .collect()
}

/// Which laws were fitted (the `status` column of `fits.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FitStatus {
    /// Both Amdahl and the USL.
    #[serde(rename = "fitted")]
    Fitted,
    #[serde(rename = "amdahl only")]
    AmdahlOnly,
    #[serde(rename = "not fitted")]
    NotFitted,
}

/// One row of `fits.csv`. Field order is the column order; empty fields were not fitted.
#[derive(Debug, Serialize)]
struct FitRow<'a> {
    scenario: &'a str,
    workload: &'a str,
    model: &'a str,
    status: FitStatus,
    /// Why a law was not fitted (empty when both were).
    reason: String,
    /// Points used: one per cell with a speedup and no failed run.
    points: usize,
    excluded_cells: usize,
    min_workers: Option<f64>,
    max_workers: Option<f64>,
    /// Worker count of the `*_at_horizon` predictions.
    horizon_workers: u64,
    amdahl_gamma: Option<f64>,
    amdahl_serial_fraction: Option<f64>,
    /// gamma / s: the speedup approached with unlimited workers (empty when s = 0).
    amdahl_max_speedup: Option<f64>,
    amdahl_speedup_at_horizon: Option<f64>,
    amdahl_rms_rel_error: Option<f64>,
    amdahl_r2: Option<f64>,
    usl_gamma: Option<f64>,
    usl_sigma: Option<f64>,
    usl_kappa: Option<f64>,
    /// Worker count of the predicted peak (empty when kappa = 0: no peak).
    usl_peak_workers: Option<u64>,
    usl_peak_speedup: Option<f64>,
    usl_speedup_at_horizon: Option<f64>,
    usl_rms_rel_error: Option<f64>,
    usl_r2: Option<f64>,
    /// Worker counts beyond the USL's 3 parameters; with 0 the curve can pass through every
    /// point whatever the data (unless a constraint stops it), so the fit tests nothing.
    usl_spare_points: Option<usize>,
}

pub struct FitsCsv;

impl Exporter for FitsCsv {
    fn file_name(&self) -> &'static str {
        "fits.csv"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        for w in &data.meta.workloads {
            let h = horizon(w);
            for f in for_workload(data, w) {
                let a = f.amdahl.as_ref().ok();
                let u = f.usl.as_ref().ok();
                let (status, mut reason) = match (&f.amdahl, &f.usl) {
                    (Ok(_), Ok(_)) => (FitStatus::Fitted, String::new()),
                    (Ok(_), Err(r)) => (FitStatus::AmdahlOnly, format!("USL: {r}")),
                    (Err(r), _) => (FitStatus::NotFitted, r.clone()),
                };
                if let (false, Some(left_out)) = (
                    reason.is_empty(),
                    f.left_out(data.meta.machine.logical_cores),
                ) {
                    reason.push_str(&format!(" ({left_out})"));
                }
                let xs = f.points.iter().map(|p| p.0);
                out.serialize(FitRow {
                    scenario: &data.meta.scenario.name,
                    workload: &w.name,
                    model: &f.model,
                    status,
                    reason,
                    points: f.points.len(),
                    excluded_cells: f.excluded,
                    min_workers: xs.clone().reduce(f64::min),
                    max_workers: xs.reduce(f64::max),
                    horizon_workers: h,
                    amdahl_gamma: a.map(|a| a.gamma),
                    amdahl_serial_fraction: a.map(|a| a.serial),
                    amdahl_max_speedup: a.and_then(Amdahl::limit),
                    amdahl_speedup_at_horizon: a.map(|a| a.speedup(h as f64)),
                    amdahl_rms_rel_error: a.map(|a| a.quality.rms_rel),
                    amdahl_r2: a.and_then(|a| a.quality.r2),
                    usl_gamma: u.map(|u| u.gamma),
                    usl_sigma: u.map(|u| u.sigma),
                    usl_kappa: u.map(|u| u.kappa),
                    usl_peak_workers: u.and_then(Usl::peak).map(|p| p.0),
                    usl_peak_speedup: u.and_then(Usl::peak).map(|p| p.1),
                    usl_speedup_at_horizon: u.map(|u| u.speedup(h as f64)),
                    usl_rms_rel_error: u.map(|u| u.quality.rms_rel),
                    usl_r2: u.and_then(|u| u.quality.r2),
                    usl_spare_points: u.map(|u| u.quality.spare),
                })?;
            }
        }
        Ok(out.into_inner()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::meta::Meta;
    use crate::report::summary::SummaryRow;

    fn row(w: &Workload, model: &str, workers: u64, speedup: Option<f64>) -> SummaryRow {
        SummaryRow {
            median_s: Some(1.0),
            mean_s: Some(1.0),
            stddev_s: Some(0.0),
            min_s: Some(1.0),
            max_s: Some(1.0),
            ci_low_s: Some(1.0),
            ci_high_s: Some(1.0),
            outliers: 0,
            speedup,
            speedup_ci_low: speedup,
            speedup_ci_high: speedup,
            ..SummaryRow::blank(w, model, workers)
        }
    }

    /// The demo's primes workload (models sequential, threads, rayon, processes, async, ...)
    /// with made-up cells: threads follow a known USL exactly, rayon has a failed cell,
    /// processes were not measured, async has no speedup.
    fn sample() -> RunData {
        let demo = crate::scenario::demo(&crate::scenario::LoadOptions {
            cores: 2,
            force: false,
            variants: Vec::new(),
        })
        .unwrap();
        let models = demo.workloads[0]
            .models
            .iter()
            .map(|m| crate::report::meta::ModelInfo::named(m))
            .collect();
        let mut meta = Meta::new(&demo, models);
        meta.workloads.truncate(1);
        // Independent of this machine's core count.
        meta.workloads[0].workers = vec![1, 2, 4, 8];
        meta.workloads[0].tasks = 16;
        let w = meta.workloads[0].clone();
        let usl = |n: f64| n / (1.0 + 0.1 * (n - 1.0) + 0.01 * n * (n - 1.0));
        let mut summary = vec![row(&w, "sequential", 1, Some(1.0))];
        for n in [1, 2, 4, 8] {
            summary.push(row(&w, "threads", n, Some(usl(n as f64))));
        }
        for n in [1, 2, 4] {
            let mut r = row(&w, "rayon", n, Some(n as f64 * 0.9));
            if n == 4 {
                r.failed = 2;
            }
            summary.push(r);
        }
        summary.push(row(&w, "async", 1, None));
        summary.push(row(&w, "async", 2, None));
        RunData {
            meta,
            rows: vec![],
            summary,
            decision: vec![],
            tasks: vec![],
            variants: None,
        }
    }

    #[test]
    fn fits_models_and_says_why_not() {
        let data = sample();
        let fits = for_workload(&data, &data.meta.workloads[0]);
        let get = |m: &str| fits.iter().find(|f| f.model == m).unwrap();
        let t = get("threads").usl.as_ref().unwrap();
        assert!((t.sigma - 0.1).abs() < 1e-9 && (t.kappa - 0.01).abs() < 1e-9);
        assert_eq!(t.peak().map(|p| p.0), Some(9)); // sqrt(0.9 / 0.01) = 9
        assert!(get("threads").amdahl.is_ok());

        let err = |m: &str| {
            let f = get(m);
            (
                f.amdahl.as_ref().err().cloned(),
                f.usl.as_ref().err().cloned(),
            )
        };
        let fixed = "runs at a fixed worker count, so there is nothing to fit".to_string();
        assert_eq!(err("sequential"), (Some(fixed.clone()), Some(fixed)));
        // Two counts left after the failed cell: a 2-parameter law would pass through both.
        let two = "2 counts: not a fit".to_string();
        assert_eq!(err("rayon"), (Some(two.clone()), Some(two)));
        assert_eq!(get("rayon").excluded, 1);
        assert_eq!(
            get("rayon").left_out(2).as_deref(),
            Some("1 cell with failed runs left out")
        );
        assert_eq!(get("threads").left_out(2), None);
        assert_eq!(err("processes").1.as_deref(), Some("not measured"));
        assert!(err("async").1.unwrap().starts_with("no speedup"));
    }

    #[test]
    fn fits_csv_and_report_show_numbers_and_reasons() {
        let data = sample();
        let csv = String::from_utf8(FitsCsv.serialize(&data).unwrap()).unwrap();
        let mut lines = csv.lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with("scenario,workload,model,status,reason,points,"));
        assert!(header.contains(",usl_sigma,usl_kappa,usl_peak_workers,"));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), data.meta.workloads[0].models.len());
        assert!(rows
            .iter()
            .any(|r| r.starts_with("demo,primes,threads,fitted,,4,0,1.0,8.0,")));
        assert!(rows.iter().any(|r| r.starts_with(
            "demo,primes,rayon,not fitted,2 counts: not a fit (1 cell with failed runs left out),2,1,1.0,2.0,16,,,,,"
        )), "{csv}");
        assert!(rows.iter().any(|r| r
            .starts_with("demo,primes,sequential,not fitted,\"runs at a fixed worker count, so")));

        let md =
            String::from_utf8(crate::report::markdown::Markdown.serialize(&data).unwrap()).unwrap();
        assert!(md.contains("**Scaling fits.**"));
        // One short line per model, the reason in place of numbers ...
        assert!(
            md.contains("| threads | 4 (1-8) | 0.100 | 0.010 | 9 workers | "),
            "{md}"
        );
        assert!(md.contains("| rayon | 2 counts: not a fit | - |"), "{md}");
        assert!(md.contains("| sequential | runs at a fixed worker count"));
        // ... what was left out said once, and no Amdahl limit from 2 counts anywhere.
        assert!(
            md.contains("\n`rayon`: 1 cell with failed runs left out.\n"),
            "{md}"
        );
        assert!(md.contains("| rayon | 2 (1-2) | - | - |"), "{md}");
        // Every number behind a collapsed section.
        assert!(md.contains("<details><summary>Every fitted number (Amdahl and USL)</summary>"));
        assert!(md.contains("| threads | 4 (1-8) | 0.100 | "), "{md}");
        assert!(md.contains("**Predictions, not measurements.** Beyond 8 workers"));
        // 16 tasks: predictions stop there.
        assert!(md.contains("speedup at 16 (predicted)"));
        assert!(md.contains("Predictions stop at 16 workers"));
    }

    /// The demo's primes on 2 cores: threads measured at 1, 2 and 4 workers (4 is
    /// oversubscribed), rayon at 1, 2, 3, 4; sleep-like work (near-zero CPU) keeps every point.
    fn oversubscribed_sample(cpu_util: f64) -> RunData {
        let mut data = sample();
        data.meta.machine.logical_cores = 2;
        let w = data.meta.workloads[0].clone();
        let mut summary = vec![row(&w, "sequential", 1, Some(1.0))];
        for (n, s) in [(1, 1.0), (2, 1.9), (4, 1.85)] {
            summary.push(row(&w, "threads", n, Some(s)));
        }
        for (n, s) in [(1, 1.0), (2, 1.9), (3, 1.5), (4, 1.4)] {
            summary.push(row(&w, "rayon", n, Some(s)));
        }
        for r in &mut summary {
            r.cpu_util = Some(cpu_util * r.cell.workers.min(2) as f64);
        }
        data.summary = summary;
        data
    }

    #[test]
    fn cpu_bound_fits_leave_out_oversubscribed_counts() {
        let data = oversubscribed_sample(0.98);
        let w = data.meta.workloads[0].clone();
        assert!(cpu_bound(&data, &w, "threads"));
        let fits = for_workload(&data, &w);
        let threads = fits.iter().find(|f| f.model == "threads").unwrap();
        assert_eq!(threads.points, [(1.0, 1.0), (2.0, 1.9)]);
        assert_eq!(threads.oversubscribed, [4]);
        assert_eq!(threads.amdahl.as_ref().unwrap_err(), "2 counts: not a fit");
        assert_eq!(threads.usl.as_ref().unwrap_err(), "2 counts: not a fit");
        assert_eq!(
            threads.left_out(2).as_deref(),
            Some("CPU-bound work: 4 workers, more than the 2 cores, left out as they time the OS scheduler")
        );
        let rayon = fits.iter().find(|f| f.model == "rayon").unwrap();
        assert_eq!(rayon.oversubscribed, [3, 4]);

        let csv = String::from_utf8(FitsCsv.serialize(&data).unwrap()).unwrap();
        let line = csv.lines().find(|l| l.contains(",threads,")).unwrap();
        assert!(
            line.starts_with("demo,primes,threads,not fitted,\"2 counts: not a fit (CPU-bound work: 4 workers, more than the 2 cores, left out as they time the OS scheduler)\",2,0,"),
            "{line}"
        );
        // Same columns as before: only values change.
        assert_eq!(
            csv.lines().next().unwrap().split(',').count(),
            25,
            "fits.csv columns"
        );
        let md =
            String::from_utf8(crate::report::markdown::Markdown.serialize(&data).unwrap()).unwrap();
        assert!(
            md.contains("`threads`: CPU-bound work: 4 workers, more than the 2 cores"),
            "{md}"
        );
        // No model has 3 counts left: no full table of numbers.
        assert!(!md.contains("<details>"), "{md}");
    }

    #[test]
    fn waiting_work_keeps_every_count() {
        // A CPython sleep workload measured up to 0.58 cores while interpreter start-up was
        // counted in it: still waiting.
        let w = sample().meta.workloads[0].clone();
        assert!(!cpu_bound(&oversubscribed_sample(0.58), &w, "threads"));
        let data = oversubscribed_sample(0.01);
        let w = data.meta.workloads[0].clone();
        assert!(!cpu_bound(&data, &w, "threads"));
        let fits = for_workload(&data, &w);
        let threads = fits.iter().find(|f| f.model == "threads").unwrap();
        assert_eq!(threads.points.len(), 3);
        assert!(threads.oversubscribed.is_empty());
        assert!(threads.usl.is_ok());
    }

    /// Runs at 1 worker that took `wall_s`, reported `reported_s` and used `cpu_s`.
    fn busy_with(wall_s: f64, reported_s: Option<f64>, cpu_s: f64) -> bool {
        let mut data = sample();
        let w = data.meta.workloads[0].clone();
        data.rows = (0..3)
            .map(|repeat| crate::record::RunRow {
                cell: crate::record::CellId::new(&w.name, "threads", 1),
                measured: crate::record::Measurement {
                    wall_s,
                    reported_s,
                    user_s: cpu_s * 0.9,
                    sys_s: cpu_s * 0.1,
                    ..crate::record::Measurement::default()
                },
                repeat,
                ..Default::default()
            })
            .collect();
        cpu_bound(&data, &w, "threads")
    }

    #[test]
    fn busy_means_busy_by_both_clocks() {
        // A CPU kernel: a core busy all along.
        assert!(busy_with(1.0, None, 0.99));
        assert!(busy_with(1.05, Some(1.0), 1.04));
        // A program that reports a made-up second but runs 2 ms of awk.
        assert!(!busy_with(0.002, Some(1.0), 0.002));
        // CPython sleeping 0.2 s after 0.15 s of interpreter start-up.
        assert!(!busy_with(0.35, Some(0.2), 0.2));
    }

    fn workload(workers: &[u64], tasks: u64, scaling: Scaling) -> Workload {
        Workload {
            name: "w".into(),
            description: String::new(),
            kernel: "primes".into(),
            builtin: true,
            code: None,
            tasks,
            params: Default::default(),
            repeats: 1,
            warmup: 0,
            workers: workers.to_vec(),
            workers_spec: String::new(),
            models: vec![],
            baseline: None,
            scaling,
            timeout_s: None,
        }
    }

    #[test]
    fn horizon_is_past_the_measured_range_but_not_past_the_tasks() {
        let weak = |ws: &[u64]| horizon(&workload(ws, 1, Scaling::Weak));
        assert_eq!(weak(&[1, 2, 4]), 64);
        assert_eq!(weak(&[1, 16]), 64);
        assert_eq!(weak(&[1, 24]), 128);
        assert_eq!(weak(&[1, 100]), 512);
        assert_eq!(weak(&[]), 64);
        let strong = |ws: &[u64], tasks| horizon(&workload(ws, tasks, Scaling::Strong));
        assert_eq!(strong(&[1, 2, 4], 1000), 64);
        assert_eq!(strong(&[1, 2, 4], 16), 16);
        assert_eq!(strong(&[1, 2, 4], 20), 20);
        // Already measured past the task count: no prediction range at all.
        assert_eq!(strong(&[1, 8, 32], 16), 32);
    }
}
