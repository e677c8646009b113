//! The flat rows of `runs.csv` and `tasks.csv`: the csv crate cannot spread a nested struct
//! into columns (`#[serde(flatten)]`), so [`RunRow`] and [`TaskRow`] are read and written
//! through these, which keep the files' columns exactly as they always were.

use super::{CellId, CpuScope, HostProbes, Measurement, RunRow, Status, TaskRow, Work};
use serde::{Deserialize, Serialize};

/// A row of `runs.csv` (and an entry of `results.json`'s `runs`) as written: field order is
/// the column order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct RunRecord {
    scenario: String,
    workload: String,
    kernel: Work,
    model: String,
    /// The variant of the code under test the run measured (`[[variant]]`); the column exists
    /// only in runs with variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
    workers: u64,
    tasks: u64,
    repeat: u32,
    /// The round of the session the run was measured in (see `order`); 0 in folders written
    /// before rounds existed.
    #[serde(default)]
    round: u32,
    /// When the run started, in seconds since the session began (empty in older folders).
    #[serde(default)]
    start_s: Option<f64>,
    wall_s: f64,
    /// Start-up of the pool, processes, threads or runtime inside the run; for command
    /// models what the program printed as `setup_s=` (empty when it prints none).
    setup_s: Option<f64>,
    reported_s: Option<f64>,
    user_s: f64,
    sys_s: f64,
    cpu_util: f64,
    max_rss_kb: u64,
    workers_rss_kb: Option<u64>,
    vol_ctx: u64,
    invol_ctx: u64,
    /// Seconds the run's threads (and worker processes) were ready to run but waited for a
    /// CPU (Linux schedstat); empty for command models and where it cannot be read.
    #[serde(default)]
    runq_wait_s: Option<f64>,
    /// CPU migrations of the run's threads and child processes (perf software counter);
    /// empty where perf is not allowed.
    #[serde(default)]
    cpu_migrations: Option<u64>,
    /// Context switches of the run's threads and child processes (perf software counter).
    #[serde(default)]
    ctx_switches: Option<u64>,
    /// Command models: seconds from starting the program to the start of its own measured
    /// window (its `start_ns=`): interpreter start-up, outside the time that counts. Empty
    /// for native models and for programs that print no `start_ns=`.
    #[serde(default)]
    interp_start_s: Option<f64>,
    /// What `user_s`, `sys_s` and `cpu_util` cover (empty in run folders older than it).
    #[serde(default)]
    cpu_scope: Option<CpuScope>,
    /// The host's speed around the run: every sampled CPU timed the same short loop just
    /// before the run's settle pause and right after the run ([`HostProbes`], raw microseconds
    /// per CPU; empty where the probes could not run).
    #[serde(default)]
    probe_before_us: HostProbes,
    #[serde(default)]
    probe_after_us: HostProbes,
    /// The host's speed around the run: the mean over the sampled CPUs, before and after the
    /// run, of each CPU's speed relative to the fastest that CPU was seen in the whole session
    /// (1 = at its best; 0.5 = the loop took twice as long). Derived from the probe columns
    /// when the report is made (see [`HostSpeeds`]).
    #[serde(default)]
    host_speed: Option<f64>,
    /// The slowest sampled CPU's relative speed before and after the run.
    #[serde(default)]
    host_speed_before: Option<f64>,
    #[serde(default)]
    host_speed_after: Option<f64>,
    /// How far apart the CPUs were: the fastest CPU's relative speed over the slowest's, the
    /// larger of before and after (1 = all alike).
    #[serde(default)]
    host_spread: Option<f64>,
    checksum: Option<u64>,
    status: Status,
    error: String,
}

impl From<RunRecord> for RunRow {
    fn from(r: RunRecord) -> RunRow {
        RunRow {
            scenario: r.scenario,
            cell: CellId {
                workload: r.workload,
                model: r.model,
                workers: r.workers,
                variant: r.variant,
            },
            kernel: r.kernel,
            tasks: r.tasks,
            repeat: r.repeat,
            round: r.round,
            start_s: r.start_s,
            measured: Measurement {
                wall_s: r.wall_s,
                setup_s: r.setup_s,
                reported_s: r.reported_s,
                user_s: r.user_s,
                sys_s: r.sys_s,
                max_rss_kb: r.max_rss_kb,
                workers_rss_kb: r.workers_rss_kb,
                vol_ctx: r.vol_ctx,
                invol_ctx: r.invol_ctx,
                runq_wait_s: r.runq_wait_s,
                cpu_migrations: r.cpu_migrations,
                ctx_switches: r.ctx_switches,
                interp_start_s: r.interp_start_s,
                cpu_scope: r.cpu_scope,
                probe_before_us: r.probe_before_us,
                probe_after_us: r.probe_after_us,
                checksum: r.checksum,
            },
            cpu_util: r.cpu_util,
            host_speed: r.host_speed,
            host_speed_before: r.host_speed_before,
            host_speed_after: r.host_speed_after,
            host_spread: r.host_spread,
            status: r.status,
            error: r.error,
        }
    }
}

impl From<RunRow> for RunRecord {
    fn from(r: RunRow) -> RunRecord {
        let c = r.cell;
        let m = r.measured;
        RunRecord {
            scenario: r.scenario,
            workload: c.workload,
            kernel: r.kernel,
            model: c.model,
            variant: c.variant,
            workers: c.workers,
            tasks: r.tasks,
            repeat: r.repeat,
            round: r.round,
            start_s: r.start_s,
            wall_s: m.wall_s,
            setup_s: m.setup_s,
            reported_s: m.reported_s,
            user_s: m.user_s,
            sys_s: m.sys_s,
            cpu_util: r.cpu_util,
            max_rss_kb: m.max_rss_kb,
            workers_rss_kb: m.workers_rss_kb,
            vol_ctx: m.vol_ctx,
            invol_ctx: m.invol_ctx,
            runq_wait_s: m.runq_wait_s,
            cpu_migrations: m.cpu_migrations,
            ctx_switches: m.ctx_switches,
            interp_start_s: m.interp_start_s,
            cpu_scope: m.cpu_scope,
            probe_before_us: m.probe_before_us,
            probe_after_us: m.probe_after_us,
            host_speed: r.host_speed,
            host_speed_before: r.host_speed_before,
            host_speed_after: r.host_speed_after,
            host_spread: r.host_spread,
            checksum: m.checksum,
            status: r.status,
            error: r.error,
        }
    }
}

/// A row of `tasks.csv` as written: field order is the column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct TaskRecord {
    scenario: String,
    workload: String,
    model: String,
    /// The variant (only in runs with variants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
    workers: u64,
    /// The run's index in its cell (the number of measured runs: it follows them).
    repeat: u32,
    /// Thread, process or in-flight slot index within the run (see the model).
    worker: u32,
    task: u64,
    start_s: f64,
    end_s: f64,
    /// Wall time of the whole run (the same on each of its rows).
    run_wall_s: f64,
    /// Command models: where the program's own measured window starts (seconds since the
    /// run's start: before it, the interpreter starting) and how long it lasts (its
    /// `elapsed_s`). Empty for native models, and where the program did not say.
    #[serde(default)]
    window_start_s: Option<f64>,
    #[serde(default)]
    window_s: Option<f64>,
}

impl From<TaskRecord> for TaskRow {
    fn from(r: TaskRecord) -> TaskRow {
        TaskRow {
            scenario: r.scenario,
            cell: CellId {
                workload: r.workload,
                model: r.model,
                workers: r.workers,
                variant: r.variant,
            },
            repeat: r.repeat,
            worker: r.worker,
            task: r.task,
            start_s: r.start_s,
            end_s: r.end_s,
            run_wall_s: r.run_wall_s,
            window_start_s: r.window_start_s,
            window_s: r.window_s,
        }
    }
}

impl From<TaskRow> for TaskRecord {
    fn from(r: TaskRow) -> TaskRecord {
        let c = r.cell;
        TaskRecord {
            scenario: r.scenario,
            workload: c.workload,
            model: c.model,
            variant: c.variant,
            workers: c.workers,
            repeat: r.repeat,
            worker: r.worker,
            task: r.task,
            start_s: r.start_s,
            end_s: r.end_s,
            run_wall_s: r.run_wall_s,
            window_start_s: r.window_start_s,
            window_s: r.window_s,
        }
    }
}
