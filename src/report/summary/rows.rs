//! The flat row of `summary.csv`: the csv crate cannot spread the nested [`CellId`] into
//! columns, so [`SummaryRow`] is read and written through this, which keeps the file's
//! columns exactly as they always were.

use super::{SummaryRow, TimeSource};
use crate::record::{Baseline, CellId};
use crate::scenario::Scaling;
use serde::{Deserialize, Serialize};

/// A row of `summary.csv` (and an entry of `results.json`'s `cells`) as written: field order
/// is the column order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct SummaryRecord {
    scenario: String,
    workload: String,
    kernel: String,
    model: String,
    /// The variant (only in runs with variants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
    workers: u64,
    tasks: u64,
    /// Successful runs (the statistics use these) and failed ones.
    runs: usize,
    failed: usize,
    /// `wall` (parabench's clock), `reported` (the program's own `elapsed_s`) or `mixed`.
    time_source: TimeSource,
    median_s: Option<f64>,
    mean_s: Option<f64>,
    stddev_s: Option<f64>,
    min_s: Option<f64>,
    max_s: Option<f64>,
    ci_low_s: Option<f64>,
    ci_high_s: Option<f64>,
    outliers: usize,
    speedup: Option<f64>,
    speedup_ci_low: Option<f64>,
    speedup_ci_high: Option<f64>,
    efficiency: Option<f64>,
    efficiency_ci_low: Option<f64>,
    efficiency_ci_high: Option<f64>,
    setup_s: Option<f64>,
    cpu_util: Option<f64>,
    /// Medians of the runs' run-queue wait, CPU migrations and context switches (empty where
    /// some run could not measure them).
    #[serde(default)]
    runq_wait_s: Option<f64>,
    #[serde(default)]
    cpu_migrations: Option<f64>,
    #[serde(default)]
    ctx_switches: Option<f64>,
    /// Median interpreter start-up of a command model (outside its time), when every run
    /// measured it.
    #[serde(default)]
    interp_start_s: Option<f64>,
    /// What `cpu_util` covers: `run`, `window`, `process` (see [`crate::record::CpuScope`]),
    /// `mixed` when the runs differ, empty when not recorded.
    #[serde(default)]
    cpu_scope: String,
    /// Median over the runs of the host's speed around each (runs.csv `host_speed`: every CPU
    /// before and after the run, relative to its best), and of the spread between CPUs; empty
    /// without probes.
    #[serde(default)]
    host_speed: Option<f64>,
    #[serde(default)]
    host_spread: Option<f64>,
    /// Median time of the runs in even rounds (0, 2, ...) and in odd rounds (1, 3, ...): two
    /// independent halves of the session, never split within a round.
    #[serde(default)]
    even_rounds_s: Option<f64>,
    #[serde(default)]
    odd_rounds_s: Option<f64>,
    /// Whether the halves agree (within [`super::replication::TOLERANCE`], or within each
    /// other's 95% CIs); empty when not checked (one round, or too few runs per half).
    #[serde(default)]
    reproduced: Option<bool>,
    max_rss_kb: Option<u64>,
    workers_rss_kb: Option<u64>,
    /// The reference of the speedup, e.g. `sequential@1`.
    baseline: Baseline,
    scaling: Scaling,
}

impl From<SummaryRecord> for SummaryRow {
    fn from(r: SummaryRecord) -> SummaryRow {
        SummaryRow {
            scenario: r.scenario,
            cell: CellId {
                workload: r.workload,
                model: r.model,
                workers: r.workers,
                variant: r.variant,
            },
            kernel: r.kernel,
            tasks: r.tasks,
            runs: r.runs,
            failed: r.failed,
            time_source: r.time_source,
            median_s: r.median_s,
            mean_s: r.mean_s,
            stddev_s: r.stddev_s,
            min_s: r.min_s,
            max_s: r.max_s,
            ci_low_s: r.ci_low_s,
            ci_high_s: r.ci_high_s,
            outliers: r.outliers,
            speedup: r.speedup,
            speedup_ci_low: r.speedup_ci_low,
            speedup_ci_high: r.speedup_ci_high,
            efficiency: r.efficiency,
            efficiency_ci_low: r.efficiency_ci_low,
            efficiency_ci_high: r.efficiency_ci_high,
            setup_s: r.setup_s,
            cpu_util: r.cpu_util,
            runq_wait_s: r.runq_wait_s,
            cpu_migrations: r.cpu_migrations,
            ctx_switches: r.ctx_switches,
            interp_start_s: r.interp_start_s,
            cpu_scope: r.cpu_scope,
            host_speed: r.host_speed,
            host_spread: r.host_spread,
            even_rounds_s: r.even_rounds_s,
            odd_rounds_s: r.odd_rounds_s,
            reproduced: r.reproduced,
            max_rss_kb: r.max_rss_kb,
            workers_rss_kb: r.workers_rss_kb,
            baseline: r.baseline,
            scaling: r.scaling,
        }
    }
}

impl From<SummaryRow> for SummaryRecord {
    fn from(r: SummaryRow) -> SummaryRecord {
        let c = r.cell;
        SummaryRecord {
            scenario: r.scenario,
            workload: c.workload,
            kernel: r.kernel,
            model: c.model,
            variant: c.variant,
            workers: c.workers,
            tasks: r.tasks,
            runs: r.runs,
            failed: r.failed,
            time_source: r.time_source,
            median_s: r.median_s,
            mean_s: r.mean_s,
            stddev_s: r.stddev_s,
            min_s: r.min_s,
            max_s: r.max_s,
            ci_low_s: r.ci_low_s,
            ci_high_s: r.ci_high_s,
            outliers: r.outliers,
            speedup: r.speedup,
            speedup_ci_low: r.speedup_ci_low,
            speedup_ci_high: r.speedup_ci_high,
            efficiency: r.efficiency,
            efficiency_ci_low: r.efficiency_ci_low,
            efficiency_ci_high: r.efficiency_ci_high,
            setup_s: r.setup_s,
            cpu_util: r.cpu_util,
            runq_wait_s: r.runq_wait_s,
            cpu_migrations: r.cpu_migrations,
            ctx_switches: r.ctx_switches,
            interp_start_s: r.interp_start_s,
            cpu_scope: r.cpu_scope,
            host_speed: r.host_speed,
            host_spread: r.host_spread,
            even_rounds_s: r.even_rounds_s,
            odd_rounds_s: r.odd_rounds_s,
            reproduced: r.reproduced,
            max_rss_kb: r.max_rss_kb,
            workers_rss_kb: r.workers_rss_kb,
            baseline: r.baseline,
            scaling: r.scaling,
        }
    }
}
