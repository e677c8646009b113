//! Records: the rows a run produces and every later stage reads — `runs.csv` ([`RunRow`]),
//! `tasks.csv` ([`TaskRow`]), a run's [`Status`], a cell's identity ([`CellId`]), what a run
//! measured ([`Measurement`]), how a run ended ([`Ending`]) — and the one rule that judges
//! rows against each other, the checksum agreement across models ([`ChecksumCheck`]). The
//! files' flat columns are in `rows`. This module imports nothing from the crate: `plan`,
//! `run`, `report`, `merge` and `compare` all build on it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

mod probes;
mod rows;
#[cfg(test)]
mod tests;
mod work;

pub use probes::{BadProbe, HostProbes, HostSpeeds};
pub use work::{Work, WorkKind};

/// How one measured run went (the `status` column).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Ok,
    /// The run failed: a panic, a worker that died, a command that exited non-zero.
    Error,
    /// The run exceeded `timeout_s` and its processes were killed.
    Timeout,
    /// The run finished, but its checksum differs from the first one measured for the workload.
    Mismatch,
    /// The host probes saw the run on a slowed host, and it was measured again
    /// (`--remeasure`): kept for the record, left out of the statistics, not a failure.
    Slowed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Mismatch => "mismatch",
            Status::Slowed => "slowed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One measured run (a row of `runs.csv`): which cell and run, what was measured, and how
/// it went. `runs.csv` and `results.json` write it as one flat row (field order and names in
/// `rows`), with the [`CellId`] and the [`Measurement`] spread into their columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "rows::RunRecord", into = "rows::RunRecord")]
pub struct RunRow {
    pub scenario: String,
    pub cell: CellId,
    pub kernel: Work,
    pub tasks: u64,
    pub repeat: u32,
    /// The round of the session the run was measured in (see `order`); 0 in folders written
    /// before rounds existed.
    pub round: u32,
    /// When the run started, in seconds since the session began (empty in older folders).
    pub start_s: Option<f64>,
    pub measured: Measurement,
    /// CPU time over the time it covers (see [`CpuScope`]).
    pub cpu_util: f64,
    /// The host's speed around the run: the mean over the sampled CPUs, before and after the
    /// run, of each CPU's speed relative to the fastest that CPU was seen in the whole session
    /// (1 = at its best; 0.5 = the loop took twice as long). Derived from the probe columns
    /// when the report is made (see [`HostSpeeds`]).
    pub host_speed: Option<f64>,
    /// The slowest sampled CPU's relative speed before and after the run.
    pub host_speed_before: Option<f64>,
    pub host_speed_after: Option<f64>,
    /// How far apart the CPUs were: the fastest CPU's relative speed over the slowest's, the
    /// larger of before and after (1 = all alike).
    pub host_spread: Option<f64>,
    pub status: Status,
    pub error: String,
}

/// What the cell process measured of one run: the same record in the run protocol
/// (`run::protocol::Measured`) and in a [`RunRow`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub wall_s: f64,
    /// Start-up of the pool, processes, threads or runtime inside the run; for command
    /// models what the program printed as `setup_s=` (empty when it prints none).
    pub setup_s: Option<f64>,
    /// The program's own time (`elapsed_s=`), for command models that print it.
    pub reported_s: Option<f64>,
    pub user_s: f64,
    pub sys_s: f64,
    pub max_rss_kb: u64,
    pub workers_rss_kb: Option<u64>,
    pub vol_ctx: u64,
    pub invol_ctx: u64,
    /// Seconds the run's threads (and worker processes) were ready to run but waited for a
    /// CPU (Linux schedstat); empty for command models and where it cannot be read.
    pub runq_wait_s: Option<f64>,
    /// CPU migrations of the run's threads and child processes (perf software counter);
    /// empty where perf is not allowed.
    pub cpu_migrations: Option<u64>,
    /// Context switches of the run's threads and child processes (perf software counter).
    pub ctx_switches: Option<u64>,
    /// Command models: seconds from starting the program to the start of its own measured
    /// window (its `start_ns=`): interpreter start-up, outside the time that counts. Empty
    /// for native models and for programs that print no `start_ns=`.
    pub interp_start_s: Option<f64>,
    /// What `user_s`, `sys_s` and `cpu_util` cover (empty in run folders older than it).
    pub cpu_scope: Option<CpuScope>,
    /// The host's speed around the run: every sampled CPU timed the same short loop just
    /// before the run's settle pause and right after the run ([`HostProbes`], raw microseconds
    /// per CPU; empty where the probes could not run).
    #[serde(default)]
    pub probe_before_us: HostProbes,
    #[serde(default)]
    pub probe_after_us: HostProbes,
    pub checksum: Option<u64>,
}

/// What a run's CPU time (`user_s`, `sys_s`) and `cpu_util` cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuScope {
    /// A native model's run: getrusage of the cell process and its reaped workers around it,
    /// over the wall time.
    Run,
    /// A command's own measured window, as the program reported it (`user_s=`, `sys_s=`:
    /// the shipped CPython harness counts itself, its threads and its worker processes),
    /// over its own `elapsed_s`.
    Window,
    /// A whole command process, its start-up and exit included (a program that reports no
    /// CPU time of its own), over the wall time.
    Process,
}

impl CpuScope {
    pub fn as_str(self) -> &'static str {
        match self {
            CpuScope::Run => "run",
            CpuScope::Window => "window",
            CpuScope::Process => "process",
        }
    }
}

impl RunRow {
    pub fn ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// Whether the run failed (an error, a timeout, a checksum mismatch); a run set aside for
    /// a re-measurement did not.
    pub fn failed(&self) -> bool {
        !matches!(self.status, Status::Ok | Status::Slowed)
    }

    /// Reads a row of a run folder older than `cpu_scope` with today's meaning: a command's
    /// `setup_s` was then its wall time minus its own time (interpreter start-up and exit,
    /// not a pool's start-up), and its CPU time the whole process's.
    pub fn upgrade(&mut self) {
        let m = &mut self.measured;
        if m.cpu_scope.is_none() && m.reported_s.is_some() {
            m.setup_s = None;
            m.cpu_scope = Some(CpuScope::Process);
        }
    }

    /// The time that counts for statistics: the program's own timing when it reported one.
    pub fn time_s(&self) -> f64 {
        self.measured.reported_s.unwrap_or(self.measured.wall_s)
    }
}

/// One task of a cell's timeline run (a row of `tasks.csv`; an extra run after the measured
/// ones): which worker ran it, from when to when (seconds since the run's start). Written
/// flat, field order and names in `rows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "rows::TaskRecord", into = "rows::TaskRecord")]
pub struct TaskRow {
    pub scenario: String,
    pub cell: CellId,
    /// The run's index in its cell (the number of measured runs: it follows them).
    pub repeat: u32,
    /// Thread, process or in-flight slot index within the run (see the model).
    pub worker: u32,
    pub task: u64,
    pub start_s: f64,
    pub end_s: f64,
    /// Wall time of the whole run (the same on each of its rows).
    pub run_wall_s: f64,
    /// Command models: where the program's own measured window starts (seconds since the
    /// run's start: before it, the interpreter starting) and how long it lasts (its
    /// `elapsed_s`). Empty for native models, and where the program did not say.
    pub window_start_s: Option<f64>,
    pub window_s: Option<f64>,
}

/// A cell's identity: one (workload, model, workers) point of the matrix, under one variant
/// of the code (`None` without variants). Runs, tasks, summary rows, plan cells, events and
/// compared cells all carry it; they match on it (across variants on [`CellId::base`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellId {
    pub workload: String,
    pub model: String,
    pub workers: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl CellId {
    pub fn new(workload: impl Into<String>, model: impl Into<String>, workers: u64) -> CellId {
        CellId {
            workload: workload.into(),
            model: model.into(),
            workers,
            variant: None,
        }
    }

    /// The same point of the matrix without its variant: what pairs a cell across variants.
    pub fn base(&self) -> CellId {
        CellId {
            variant: None,
            ..self.clone()
        }
    }

    /// The text the cell's bootstrap seed is derived from (the same for every variant).
    pub fn seed_text(&self) -> String {
        format!("{}/{}/{}", self.workload, self.model, self.workers)
    }
}

/// `primes / threads / 2 workers` (the variant is not shown).
impl std::fmt::Display for CellId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let noun = if self.workers == 1 {
            "worker"
        } else {
            "workers"
        };
        write!(
            f,
            "{} / {} / {} {noun}",
            self.workload, self.model, self.workers
        )
    }
}

/// What a cell's speedup is relative to: the baseline model at its fewest workers
/// (`sequential@1` in summary.csv and results.json), or the baseline model when it has no
/// measured cell (`sequential (not measured)`). Parsed once where text comes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    Cell { model: String, workers: u64 },
    NotMeasured { model: String },
}

const NOT_MEASURED: &str = " (not measured)";

/// A row that has not been given its baseline yet (filled in by the summary).
impl Default for Baseline {
    fn default() -> Baseline {
        Baseline::NotMeasured {
            model: String::new(),
        }
    }
}

impl Baseline {
    /// The worker count speedups are relative to, when the baseline was measured.
    pub fn workers(&self) -> Option<u64> {
        match self {
            Baseline::Cell { workers, .. } => Some(*workers),
            Baseline::NotMeasured { .. } => None,
        }
    }

    /// The baseline cell, when it was measured.
    pub fn cell(&self) -> Option<(&str, u64)> {
        match self {
            Baseline::Cell { model, workers } => Some((model, *workers)),
            Baseline::NotMeasured { .. } => None,
        }
    }
}

impl std::fmt::Display for Baseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Baseline::Cell { model, workers } => write!(f, "{model}@{workers}"),
            Baseline::NotMeasured { model } => write!(f, "{model}{NOT_MEASURED}"),
        }
    }
}

/// Text that is not a baseline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "baseline `{0}` is neither `model@workers` (e.g. `sequential@1`) nor `model (not measured)`"
)]
pub struct BaselineError(pub String);

impl std::str::FromStr for Baseline {
    type Err = BaselineError;

    fn from_str(s: &str) -> Result<Baseline, BaselineError> {
        if let Some(model) = s.strip_suffix(NOT_MEASURED) {
            return Ok(Baseline::NotMeasured {
                model: model.to_string(),
            });
        }
        let (model, workers) = s
            .rsplit_once('@')
            .ok_or_else(|| BaselineError(s.to_string()))?;
        let workers = workers.parse().map_err(|_| BaselineError(s.to_string()))?;
        Ok(Baseline::Cell {
            model: model.to_string(),
            workers,
        })
    }
}

impl Serialize for Baseline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Baseline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Baseline, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Starting more worker processes than this is almost surely a mistake on any machine.
pub const MAX_PROCESSES: u64 = 256;

/// Starting more OS threads than this is almost surely a mistake too. Coroutines (`async`)
/// are cheap and go up to the hard limit on worker counts.
pub const MAX_THREADS: u64 = 4096;

/// What a model starts for each worker: it sets the sanity limit on worker counts (`--force`
/// lifts it), shapes time estimates, and says which style of concurrency the model is
/// (processes, threads, or coroutines on an event loop) for the report's rule of thumb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Spawns {
    /// Nothing (a plain loop).
    Nothing,
    /// One OS thread per worker.
    Threads,
    /// One process per worker.
    Processes,
    /// One coroutine or slot on one thread per worker: cheap.
    Coroutines,
    /// Unknown: an external program decides.
    Unknown,
}

impl Spawns {
    /// The most workers that make sense without `--force`, and what they would be.
    pub fn limit(self) -> Option<(u64, &'static str)> {
        match self {
            Spawns::Threads => Some((MAX_THREADS, "OS threads")),
            Spawns::Processes => Some((MAX_PROCESSES, "processes")),
            Spawns::Nothing | Spawns::Coroutines | Spawns::Unknown => None,
        }
    }
}

/// Which family a model belongs to: the decision table picks a best model per family, since
/// a Python developer cannot switch to a Rust thread pool, nor a Rust one to `asyncio`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Built into parabench (Rust).
    #[default]
    Native,
    /// The shipped CPython models (`py-*`).
    CPython,
    /// An external program (`[[model]]` with a `command`).
    Command,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Native => "native",
            Family::CPython => "CPython",
            Family::Command => "commands",
        }
    }
}

/// How a run of a scenario ended (`ending` in meta.json).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ending {
    /// Still running (what meta.json says while the cells run).
    #[default]
    Running,
    Complete,
    /// Stopped by Ctrl-C or SIGTERM; `--resume` finishes it.
    Interrupted,
    /// A merge of shard folders that lacks a slice or holds an unfinished one.
    Incomplete,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Running => "running",
            Ending::Complete => "complete",
            Ending::Interrupted => "interrupted",
            Ending::Incomplete => "incomplete",
        }
    }
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the cell processes could not measure besides time on this machine, and why (both
/// `None` where everything could be measured).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// Why run-queue wait (`runq_wait_s`) cannot be read.
    pub runq_unavailable: Option<String>,
    /// Why CPU migrations and context switches cannot be counted.
    pub counters_unavailable: Option<String>,
    /// Why the host's speed cannot be probed (the probe columns are then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_unavailable: Option<String>,
}

/// Checksum agreement: every model must arrive at the same checksum for a workload (and task
/// count: weak scaling varies it) under one variant; variants are compared with each other
/// only in the report ("variants compute different results", see `report::variants`). The first successful run seen sets the reference; a later
/// run that differs is marked [`Status::Mismatch`]. The scheduler checks each run as it
/// arrives, `merge` checks the joined slices with the same rule.
#[derive(Debug, Default)]
pub struct ChecksumCheck {
    /// First checksum per (variant, workload, tasks), and the model that produced it.
    reference: HashMap<(Option<String>, String, u64), (u64, String)>,
    /// Added to the error text, e.g. " in another shard".
    elsewhere: &'static str,
}

impl ChecksumCheck {
    pub fn new() -> ChecksumCheck {
        ChecksumCheck::default()
    }

    /// A check whose messages say the reference may come from another shard.
    pub fn across_shards() -> ChecksumCheck {
        ChecksumCheck {
            elsewhere: " in another shard",
            ..ChecksumCheck::default()
        }
    }

    /// Takes earlier rows (e.g. kept by `--resume`) as references without judging them.
    pub fn learn(&mut self, rows: &[RunRow]) {
        for r in rows.iter().filter(|r| r.ok()) {
            if let Some(sum) = r.measured.checksum {
                self.reference
                    .entry((r.cell.variant.clone(), r.cell.workload.clone(), r.tasks))
                    .or_insert((sum, r.cell.model.clone()));
            }
        }
    }

    /// Judges one run: marks it a mismatch if its checksum differs from the reference, or
    /// makes it the reference if it is the first.
    pub fn check(&mut self, row: &mut RunRow) {
        let (true, Some(sum)) = (row.ok(), row.measured.checksum) else {
            return;
        };
        let id = (
            row.cell.variant.clone(),
            row.cell.workload.clone(),
            row.tasks,
        );
        match self.reference.get(&id) {
            Some((expected, by)) if *expected != sum => {
                row.status = Status::Mismatch;
                let why = if row.kernel.is_own_code() {
                    "a task's result depends on more than its index (make your code deterministic \
                     per index), or the model did not run every task exactly once"
                } else {
                    "the model did not run every task exactly once"
                };
                row.error = format!(
                    "checksum {sum} differs from {expected} (first measured by model `{by}`{}): {why}",
                    self.elsewhere
                );
            }
            Some(_) => {}
            None => {
                self.reference.insert(id, (sum, row.cell.model.clone()));
            }
        }
    }
}
