//! `summary.csv`: one row per cell — statistics of its successful runs, speedup and
//! efficiency against the baseline, with bootstrap intervals. Computed from runs alone, so
//! `parabench plot` can redo it from `runs.csv`.

use super::{Exporter, RunData};
use crate::measure::stats::{self, median_of};
use crate::record::{Baseline, CellId, RunRow};
use crate::report::meta::Meta;
use crate::scenario::{Scaling, Workload};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

mod rows;

/// Which clock a cell's statistics use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// parabench's monotonic clock around the run.
    #[default]
    Wall,
    /// The program's own `elapsed_s` (command models).
    Reported,
    /// Some runs reported their own time and some did not.
    Mixed,
}

impl std::fmt::Display for TimeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeSource::Wall => "wall",
            TimeSource::Reported => "reported",
            TimeSource::Mixed => "mixed",
        })
    }
}

/// One cell's statistics (a row of `summary.csv`, an entry of `results.json`'s `cells`),
/// written flat: field order and names in `rows`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "rows::SummaryRecord", into = "rows::SummaryRecord")]
pub struct SummaryRow {
    pub scenario: String,
    /// Workload, model, workers and variant.
    pub cell: CellId,
    pub kernel: String,
    pub tasks: u64,
    /// Successful runs (the statistics use these) and failed ones.
    pub runs: usize,
    pub failed: usize,
    /// `wall` (parabench's clock), `reported` (the program's own `elapsed_s`) or `mixed`.
    pub time_source: TimeSource,
    pub median_s: Option<f64>,
    pub mean_s: Option<f64>,
    pub stddev_s: Option<f64>,
    pub min_s: Option<f64>,
    pub max_s: Option<f64>,
    pub ci_low_s: Option<f64>,
    pub ci_high_s: Option<f64>,
    pub outliers: usize,
    pub speedup: Option<f64>,
    pub speedup_ci_low: Option<f64>,
    pub speedup_ci_high: Option<f64>,
    pub efficiency: Option<f64>,
    pub efficiency_ci_low: Option<f64>,
    pub efficiency_ci_high: Option<f64>,
    pub setup_s: Option<f64>,
    pub cpu_util: Option<f64>,
    /// Medians of the runs' run-queue wait, CPU migrations and context switches (empty where
    /// some run could not measure them).
    pub runq_wait_s: Option<f64>,
    pub cpu_migrations: Option<f64>,
    pub ctx_switches: Option<f64>,
    /// Median interpreter start-up of a command model (outside its time), when every run
    /// measured it.
    pub interp_start_s: Option<f64>,
    /// What `cpu_util` covers: `run`, `window`, `process` (see [`crate::record::CpuScope`]),
    /// `mixed` when the runs differ, empty when not recorded.
    pub cpu_scope: String,
    /// Median over the runs of the host's speed around each (runs.csv `host_speed`: every CPU
    /// before and after the run, relative to its best), and of the spread between CPUs; empty
    /// without probes.
    pub host_speed: Option<f64>,
    pub host_spread: Option<f64>,
    /// Median time of the runs in even rounds (0, 2, ...) and in odd rounds (1, 3, ...): two
    /// independent halves of the session, never split within a round.
    pub even_rounds_s: Option<f64>,
    pub odd_rounds_s: Option<f64>,
    /// Whether the halves agree (within [`super::replication::TOLERANCE`], or within each
    /// other's 95% CIs); empty when not checked (one round, or too few runs per half).
    pub reproduced: Option<bool>,
    pub max_rss_kb: Option<u64>,
    pub workers_rss_kb: Option<u64>,
    /// The reference of the speedup, e.g. `sequential@1`.
    pub baseline: Baseline,
    pub scaling: Scaling,
}

/// Computes the summary of every cell present in `rows`, in plan order.
pub fn compute(meta: &Meta, rows: &[RunRow]) -> Vec<SummaryRow> {
    let index = Index::new(rows);
    let mut out = Vec::new();
    for w in &meta.workloads {
        for model in &w.models {
            for workers in index.counts(&w.name, model) {
                let id = CellId::new(&w.name, model, workers);
                out.push(summarize_cell(meta, &index, w, id));
            }
        }
    }
    out
}

/// Rows by cell and worker counts by (workload, model), indexed in one pass: scanning every
/// row for every cell made runs of 1,000 cells slow to summarise. Cells are keyed without
/// their variant: the summary is computed one variant at a time.
struct Index<'a> {
    by_cell: HashMap<CellId, Vec<&'a RunRow>>,
    /// Sorted.
    by_model: HashMap<(&'a str, &'a str), Vec<u64>>,
}

impl<'a> Index<'a> {
    fn new(rows: &'a [RunRow]) -> Self {
        let mut by_cell: HashMap<CellId, Vec<&RunRow>> = HashMap::new();
        for r in rows {
            by_cell.entry(r.cell.base()).or_default().push(r);
        }
        let mut by_model: HashMap<(&str, &str), Vec<u64>> = HashMap::new();
        for r in rows {
            let counts = by_model
                .entry((&r.cell.workload, &r.cell.model))
                .or_default();
            if !counts.contains(&r.cell.workers) {
                counts.push(r.cell.workers);
            }
        }
        by_model.values_mut().for_each(|v| v.sort_unstable());
        Index { by_cell, by_model }
    }

    /// The runs of one cell, in the order of `rows`.
    fn cell(&self, id: &CellId) -> Vec<&'a RunRow> {
        self.by_cell.get(id).cloned().unwrap_or_default()
    }

    /// The worker counts of a model on a workload, fewest first.
    fn counts(&self, workload: &str, model: &str) -> Vec<u64> {
        self.by_model
            .get(&(workload, model))
            .cloned()
            .unwrap_or_default()
    }
}

fn ok_times(cell: &[&RunRow]) -> Vec<f64> {
    cell.iter().filter(|r| r.ok()).map(|r| r.time_s()).collect()
}

/// A (value, CI low, CI high) triple.
type WithCi = Option<(f64, f64, f64)>;

/// The speedup and efficiency of a cell against its reference cell: the baseline model (or
/// this model) at its fewest workers.
fn against_baseline(
    index: &Index<'_>,
    w: &Workload,
    id: &CellId,
    times: &[f64],
    seed: u64,
) -> (WithCi, WithCi, Baseline) {
    let ref_model = w.baseline.as_deref().unwrap_or(&id.model);
    let ref_workers = index.counts(&w.name, ref_model).first().copied();
    match ref_workers {
        Some(rw) => {
            let ref_times = ok_times(&index.cell(&CellId::new(&w.name, ref_model, rw)));
            let ratio = id.workers as f64 / rw as f64;
            let factor = match w.scaling {
                Scaling::Strong => 1.0,
                Scaling::Weak => ratio,
            };
            let sp = stats::speedup(&ref_times, times, factor, seed ^ 0x5eed);
            let eff = sp.map(|(a, b, c)| (a / ratio, b / ratio, c / ratio));
            let baseline = Baseline::Cell {
                model: ref_model.to_string(),
                workers: rw,
            };
            (sp, eff, baseline)
        }
        None => (
            None,
            None,
            Baseline::NotMeasured {
                model: ref_model.to_string(),
            },
        ),
    }
}

/// The summary row of one cell.
fn summarize_cell(meta: &Meta, index: &Index<'_>, w: &Workload, id: CellId) -> SummaryRow {
    let cell = index.cell(&id);
    let times = ok_times(&cell);
    let ok: Vec<&RunRow> = cell.iter().copied().filter(|r| r.ok()).collect();
    let seed = crate::hash::seed_of(&id.seed_text());
    let s = stats::summarize(&times, seed);
    let halves = super::replication::Halves::of(&ok, seed);
    let (speedup, efficiency, baseline) = against_baseline(index, w, &id, &times, seed);
    let reported = ok
        .iter()
        .filter(|r| r.measured.reported_s.is_some())
        .count();
    let time_source = match reported {
        0 => TimeSource::Wall,
        n if n == ok.len() => TimeSource::Reported,
        _ => TimeSource::Mixed,
    };
    let med = |f: &dyn Fn(&RunRow) -> f64| -> Option<f64> {
        (!ok.is_empty()).then(|| median_of(&ok.iter().map(|r| f(r)).collect::<Vec<_>>()))
    };
    // Only when every run measured it: a median over some runs would mislead.
    let med_some = |f: &dyn Fn(&RunRow) -> Option<f64>| -> Option<f64> {
        let v: Option<Vec<f64>> = ok.iter().map(|r| f(r)).collect();
        v.filter(|v| !v.is_empty()).map(|v| median_of(&v))
    };
    SummaryRow {
        scenario: meta.scenario.name.clone(),
        cell: id,
        kernel: w.kernel.clone(),
        tasks: cell.first().map_or(w.tasks, |r| r.tasks),
        runs: ok.len(),
        failed: cell.iter().filter(|r| r.failed()).count(),
        time_source,
        median_s: s.map(|s| s.median),
        mean_s: s.map(|s| s.mean),
        stddev_s: s.map(|s| s.stddev),
        min_s: s.map(|s| s.min),
        max_s: s.map(|s| s.max),
        ci_low_s: s.map(|s| s.ci_low),
        ci_high_s: s.map(|s| s.ci_high),
        outliers: s.map_or(0, |s| s.outliers),
        speedup: speedup.map(|t| t.0),
        speedup_ci_low: speedup.map(|t| t.1),
        speedup_ci_high: speedup.map(|t| t.2),
        efficiency: efficiency.map(|t| t.0),
        efficiency_ci_low: efficiency.map(|t| t.1),
        efficiency_ci_high: efficiency.map(|t| t.2),
        setup_s: med_some(&|r| r.measured.setup_s),
        cpu_util: med(&|r| r.cpu_util),
        runq_wait_s: med_some(&|r| r.measured.runq_wait_s),
        cpu_migrations: med_some(&|r| r.measured.cpu_migrations.map(|c| c as f64)),
        ctx_switches: med_some(&|r| r.measured.ctx_switches.map(|c| c as f64)),
        interp_start_s: med_some(&|r| r.measured.interp_start_s),
        cpu_scope: cpu_scope(&ok),
        host_speed: med_some(&|r| r.host_speed),
        host_spread: med_some(&|r| r.host_spread),
        even_rounds_s: halves.as_ref().map(|h| h.even.median),
        odd_rounds_s: halves.as_ref().map(|h| h.odd.median),
        reproduced: halves.map(|h| h.agree(super::replication::TOLERANCE)),
        max_rss_kb: ok.iter().map(|r| r.measured.max_rss_kb).max(),
        workers_rss_kb: ok.iter().filter_map(|r| r.measured.workers_rss_kb).max(),
        baseline,
        scaling: w.scaling,
    }
}

/// The one CPU scope of a cell's runs, `mixed` when they differ, empty when unknown.
fn cpu_scope(ok: &[&RunRow]) -> String {
    let mut scopes = ok.iter().map(|r| r.measured.cpu_scope);
    match scopes.next() {
        Some(Some(first)) if scopes.all(|s| s == Some(first)) => first.as_str().into(),
        Some(Some(_)) => "mixed".into(),
        _ => String::new(),
    }
}

impl SummaryRow {
    /// A row of `model` at `workers` in workload `w` with every statistic empty: the base of
    /// the synthetic rows tests build.
    #[cfg(test)]
    pub(crate) fn blank(w: &crate::scenario::Workload, model: &str, workers: u64) -> SummaryRow {
        SummaryRow {
            scenario: "demo".into(),
            cell: CellId::new(&w.name, model, workers),
            kernel: w.kernel.clone(),
            tasks: w.tasks,
            runs: 5,
            baseline: Baseline::Cell {
                model: "sequential".into(),
                workers: 1,
            },
            scaling: Scaling::Strong,
            ..SummaryRow::default()
        }
    }
}

pub struct SummaryCsv;

impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in &data.every_summary() {
            w.serialize(row)?;
        }
        Ok(w.into_inner()?)
    }
}
