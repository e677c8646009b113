//! The run protocol between the scheduler and a cell process, one line at a time.
//!
//! ```text
//! scheduler                         cell process (`parabench __cell`)
//!   request (JSON line)   ------->    prepares the kernel and the model
//!                         <-------    ready {probe}
//!   (idle) go             ------->    probes the host, settles, one run (warmup, measured or
//!                                     timeline), probes the host again
//!                         <-------    warmup {..} | run {measured} | timeline {..}
//!   handles it (CSV, checks, progress), then, idle again: go ...
//! ```
//!
//! Nothing of parabench but the run's own workers is runnable while a run is measured: the
//! cell writes nothing until the run has ended, and the scheduler, which sends `go` only when
//! it has finished handling the previous report, sleeps in `poll` until the next line (or a
//! signal, or the run's deadline). After `go` the cell waits [`SETTLE`] before it starts the
//! clock, so the scheduler is asleep again before the run's threads are placed on the cores.

use crate::model::recorder::Span;
use crate::plan::Cell;
use crate::record::Measurement;
pub use crate::record::Probe;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The hidden subcommand that runs one cell.
pub const CELL_COMMAND: &str = "__cell";

/// The scheduler's go-ahead for the next run.
pub const GO: &str = "go";

/// The pause between `go` and the start of a run's clock (see the module docs and the
/// guide's "How it measures", docs/src/how-it-measures.md, for the measurement behind it).
pub const SETTLE: Duration = Duration::from_millis(1);

/// Overrides [`SETTLE`] in microseconds (for measuring the harness itself, not for users).
pub const SETTLE_ENV: &str = "PARABENCH_SETTLE_US";

/// What the scheduler asks of a cell process (its first line).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CellRequest {
    pub cell: Cell,
    /// Measured runs start at this index (later than 0 after a failed cell process).
    pub first_repeat: u32,
    /// ... and stop before this one. Interleaved and random orders run one measured run per
    /// process.
    pub end_repeat: u32,
    /// Whether this process ends with the cell's timeline run.
    pub timeline: bool,
    /// The pause between `go` and a run's start, in microseconds.
    pub settle_us: u64,
    /// Warmup runs before the first measured one (the cell's `warmup`, see
    /// `supervise::warmup_runs`).
    pub warmup: u32,
    /// Tasks of each warmup run, when fewer than the cell's (a short warmup).
    #[serde(default)]
    pub warmup_tasks: Option<u64>,
}

/// One line from the cell process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    /// The kernel and model are prepared; the first `go` may come.
    Ready(Probe),
    /// A warmup run ended (it is never measured, but a failure is reported).
    Warmup { repeat: u32, error: Option<String> },
    /// A measured run ended.
    Run(Measured),
    /// The timeline run ended.
    Timeline(RecordedTasks),
}

impl Report {
    /// The line that carries it (no newline).
    pub fn to_line(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| format!("unserialisable report: {e}"))
    }

    /// Reads one line; the error quotes it.
    pub fn from_line(line: &str) -> Result<Report, BadLine> {
        serde_json::from_str(line).map_err(|source| BadLine {
            source,
            shown: line.chars().take(200).collect(),
        })
    }
}

/// A line from the cell process that is not a [`Report`] (its first 200 characters shown).
#[derive(Debug, thiserror::Error)]
#[error("the cell process sent a line parabench cannot read ({source}): `{shown}`")]
pub struct BadLine {
    pub source: serde_json::Error,
    pub shown: String,
}

/// One measured run, as the cell process reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub repeat: u32,
    /// When the run's clock started (Unix time, seconds): the scheduler turns it into seconds
    /// since the session began.
    #[serde(default)]
    pub start_unix_s: Option<f64>,
    /// What was measured (the same record the run's row keeps), its fields inline on the
    /// wire.
    #[serde(flatten)]
    pub measurement: Measurement,
    pub error: Option<String>,
}

/// The per-task spans of the timeline run (offsets from the run's start).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordedTasks {
    /// The run's index in its cell: one past the measured runs.
    pub repeat: u32,
    /// Its wall time, measured as for every run.
    pub wall_s: f64,
    /// A command's interpreter start-up and own time (`elapsed_s`): where its measured
    /// window lies in the run.
    #[serde(default)]
    pub interp_start_s: Option<f64>,
    #[serde(default)]
    pub reported_s: Option<f64>,
    pub spans: Vec<Span>,
    /// Why the timeline run failed, if it did (then there are no spans).
    pub error: Option<String>,
}
