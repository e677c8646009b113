//! The isolated cell process: parabench re-executed as `__cell`, reading one [`CellRequest`]
//! as JSON on stdin, doing the warmup runs, then printing one [`Measured`] JSON line per
//! measured run as soon as it ends. A fresh process per cell keeps peak RSS, allocator state
//! and thread pools of one cell out of the next (JMH-style forks).
//!
//! A cell that records a timeline does one more run after the measured ones, the only one
//! that carries a [`Recorder`]; its per-task spans go out as one [`TIMELINE_PREFIX`] line
//! (and no [`Measured`] line), so the measured runs are exactly as they would be without.

use crate::kernel;
use crate::measure::Usage;
use crate::model::recorder::Span;
use crate::model::{self, panic_text, Job, Model, Recorder};
use crate::plan::Cell;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// The hidden subcommand that runs one cell.
pub const CELL_COMMAND: &str = "__cell";

/// Printed by the cell process just before each run (warmup or measured) begins.
pub const START_LINE: &str = "start";

/// Starts the line that carries a recorded run's [`RecordedTasks`] as JSON.
pub const TIMELINE_PREFIX: &str = "timeline ";

/// The per-task spans of the timeline run (offsets from the run's start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedTasks {
    /// The run's index in its cell: one past the measured runs.
    pub repeat: u32,
    /// Its wall time, measured as for every run.
    pub wall_s: f64,
    pub spans: Vec<Span>,
}

/// What the scheduler asks of a cell process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CellRequest {
    pub cell: Cell,
    /// Measured runs start at this index (later than 0 after a failed cell process).
    pub first_repeat: u32,
    /// ... and stop before this one (`None`: the cell's `repeats`). Interleaved and random
    /// orders run one measured run per process.
    #[serde(default)]
    pub end_repeat: Option<u32>,
}

/// One measured run, as the cell process reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub repeat: u32,
    pub wall_s: f64,
    pub setup_s: f64,
    pub reported_s: Option<f64>,
    pub user_s: f64,
    pub sys_s: f64,
    pub max_rss_kb: u64,
    pub workers_rss_kb: Option<u64>,
    pub vol_ctx: u64,
    pub invol_ctx: u64,
    pub checksum: Option<u64>,
    pub error: Option<String>,
}

/// Entry point of the `__cell` process.
pub fn cell_main() -> Result<(), String> {
    crate::measure::kill_group_on_sigterm();
    crate::measure::keep_heap_warm();
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the cell request: {e}"))?;
    let req: CellRequest =
        serde_json::from_str(&input).map_err(|e| format!("bad cell request: {e}"))?;
    let cell = &req.cell;
    let builtin = model::find(&cell.model);
    let model: &dyn Model = match (&cell.command, builtin) {
        (Some(c), _) => c,
        (None, Some(m)) => m,
        (None, None) => return Err(format!("unknown model `{}`", cell.model)),
    };
    let task = if cell.builtin_kernel {
        let k = kernel::find(&cell.kernel)
            .ok_or_else(|| format!("unknown kernel `{}`", cell.kernel))?;
        Some(k.prepare(&cell.params)?)
    } else {
        None
    };
    let mut job = Job {
        task,
        kernel: &cell.kernel,
        params: &cell.params,
        workload: &cell.workload,
        model: &cell.model,
        tasks: cell.tasks,
        workers: cell.workers,
        repeat: 0,
        recorder: None,
    };
    let mut out = std::io::stdout().lock();
    // `start` before every run lets the scheduler time each run out on its own.
    let start = |out: &mut std::io::StdoutLock| {
        writeln!(out, "{START_LINE}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot report a run: {e}"))
    };
    for w in 0..cell.warmup {
        job.repeat = w;
        start(&mut out)?;
        let _ = measure(model, &job);
    }
    let end = req.end_repeat.unwrap_or(cell.repeats);
    for r in req.first_repeat..end {
        job.repeat = r;
        start(&mut out)?;
        let m = measure(model, &job);
        let line = serde_json::to_string(&m).map_err(|e| e.to_string())?;
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot report a run: {e}"))?;
    }
    // The process that does a cell's last measured run (interleaved orders run one per
    // process) also does its timeline run.
    if cell.timeline && end == cell.repeats {
        // One more run, timed like the others but outside the statistics, records the
        // timeline; its slots are allocated before its clock starts.
        job.repeat = cell.repeats;
        job.recorder = Some(Arc::new(Recorder::new(cell.tasks)));
        start(&mut out)?;
        let m = measure(model, &job);
        if let (Some(rec), None) = (job.recorder.take(), &m.error) {
            let tasks = RecordedTasks {
                repeat: job.repeat,
                wall_s: m.wall_s,
                spans: rec.spans(),
            };
            let line = serde_json::to_string(&tasks).map_err(|e| e.to_string())?;
            writeln!(out, "{TIMELINE_PREFIX}{line}")
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot report the timeline run: {e}"))?;
        }
    }
    Ok(())
}

/// Times one run of `model` and takes its resource usage.
pub fn measure(model: &dyn Model, job: &Job) -> Measured {
    let before = Usage::now();
    if let Some(r) = &job.recorder {
        r.start();
    }
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| model.run(job)))
        .unwrap_or_else(|p| Err(format!("panicked: {}", panic_text(&*p))));
    let wall_s = start.elapsed().as_secs_f64();
    let usage = Usage::now().since(&before);
    let mut m = Measured {
        repeat: job.repeat,
        wall_s,
        user_s: usage.user_s,
        sys_s: usage.sys_s,
        max_rss_kb: usage.max_rss_kb,
        vol_ctx: usage.vol_ctx,
        invol_ctx: usage.invol_ctx,
        ..Measured::default()
    };
    match result {
        Ok(o) => {
            m.setup_s = o.setup_s;
            m.reported_s = o.reported_s;
            m.workers_rss_kb = o.workers_rss_kb;
            m.checksum = o.checksum;
        }
        Err(e) => m.error = Some(e),
    }
    m
}
