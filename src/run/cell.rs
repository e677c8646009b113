//! The isolated cell process: parabench re-executed as `__cell`. It reads one
//! [`CellRequest`], prepares the kernel and the model, says `ready`, and then does one run per
//! `go` from the scheduler (warmup runs, the measured runs, and for a cell that records a
//! timeline one more run that carries a [`Recorder`]), answering each with one line (see
//! [`super::protocol`]). A fresh process per cell keeps peak RSS, allocator state and thread
//! pools of one cell out of the next (JMH-style forks). The process changes nothing
//! process-wide that one model's threads would feel and another's would not (no allocator
//! tuning): at 1 worker every model runs the same work in the same conditions.

use super::protocol::{CellRequest, Measured, Probe, RecordedTasks, Report, GO};
use crate::kernel::{self, KernelError};
use crate::measure::host::HostProbe;
use crate::measure::sched::{self, Counters, RunQueueTally};
use crate::measure::Usage;
use crate::model::{panic_text, Job, Model, ProgramWindow, Recorder};
use crate::record::{CpuScope, Measurement};
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Switches measurements off: a comma-separated list of `runq` (run-queue wait), `perf`
/// (CPU migrations and context switches) and `host` (the host speed probes), e.g. to check how
/// a run reports what it could not measure, or to leave perf counters to another tool.
pub const DISABLE_ENV: &str = "PARABENCH_DISABLE_PROBES";

/// Why a cell process stopped before its runs were done (a run that fails is not one of
/// these: its error goes to the scheduler in the run's report).
#[derive(Debug, thiserror::Error)]
pub enum CellError {
    /// The line to the scheduler broke: a request or `go` that cannot be read, a report that
    /// cannot be written.
    #[error("{0}")]
    Link(String),
    /// The request names a model this build does not have.
    #[error("unknown model `{0}`")]
    UnknownModel(String),
    /// The kernel or the user's library could not be prepared.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// The cell's thread could not start, or panicked.
    #[error(transparent)]
    Thread(#[from] crate::measure::MeasureError),
}

/// Entry point of the `__cell` process.
pub fn cell_main() -> Result<(), CellError> {
    crate::measure::kill_group_on_sigterm();
    crate::measure::off_main_thread("parabench-cell", cell_runs)?
}

/// The cell process's work, on a thread of its own (see [`crate::measure::off_main_thread`]).
fn cell_runs() -> Result<(), CellError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|e| CellError::Link(format!("cannot read the cell request: {e}")))?;
    let req: CellRequest = serde_json::from_str(&line)
        .map_err(|e| CellError::Link(format!("bad cell request: {e}")))?;
    let cell = &req.cell;
    let model: &dyn Model = cell
        .model()
        .ok_or_else(|| CellError::UnknownModel(cell.id.model.clone()))?;
    // A library is loaded (and its init hook run) only for the models that call it in this
    // process: command models run their own programs.
    let code = cell
        .workload
        .code
        .as_ref()
        .filter(|_| cell.command.is_none());
    let task = kernel::prepare_task(
        &cell.workload.kernel,
        cell.workload.builtin,
        code,
        &cell.workload.params,
    )?;
    let mut job = Job {
        task,
        kernel: &cell.workload.kernel,
        code: cell.workload.code.as_ref(),
        params: &cell.workload.params,
        workload: &cell.id.workload,
        model: &cell.id.model,
        tasks: cell.tasks,
        workers: cell.id.workers,
        repeat: 0,
        recorder: None,
        waits: Arc::default(),
    };
    let (gauge, probe) = Gauge::open(req.settle_us);
    let mut runs = CellRuns {
        req: &req,
        model,
        gauge,
        link: Link {
            input,
            line,
            out: std::io::stdout().lock(),
        },
    };
    runs.link.send(&Report::Ready(probe))?;
    if !runs.warmups(&mut job)? || !runs.measured(&mut job)? {
        return Ok(());
    }
    if req.timeline && runs.link.wait_go()? {
        runs.timeline(&mut job)?;
    }
    Ok(())
}

/// Lets go of the task after the process's last run, before reporting it: a library's
/// `_fini` hook runs here, outside every measurement and before the scheduler ends the process.
fn release(job: &mut Job) {
    job.task = None;
}

/// The cell process's line to the scheduler: `go`s in, reports out.
struct Link<'a> {
    input: std::io::StdinLock<'a>,
    line: String,
    out: std::io::StdoutLock<'a>,
}

impl Link<'_> {
    /// Waits for the next `go`; false when the scheduler is gone (then the process stops
    /// quietly).
    fn wait_go(&mut self) -> Result<bool, CellError> {
        self.line.clear();
        let n = self
            .input
            .read_line(&mut self.line)
            .map_err(|e| CellError::Link(format!("cannot read from the scheduler: {e}")))?;
        match self.line.trim_end() {
            _ if n == 0 => Ok(false),
            GO => Ok(true),
            other => Err(CellError::Link(format!(
                "unexpected line from the scheduler: `{other}`"
            ))),
        }
    }

    fn send(&mut self, report: &Report) -> Result<(), CellError> {
        writeln!(self.out, "{}", report.to_line())
            .and_then(|()| self.out.flush())
            .map_err(|e| CellError::Link(format!("cannot report to the scheduler: {e}")))
    }
}

/// The runs one cell process does, each on the scheduler's `go`.
struct CellRuns<'a> {
    req: &'a CellRequest,
    model: &'a dyn Model,
    gauge: Gauge,
    link: Link<'a>,
}

impl CellRuns<'_> {
    /// The warmup runs (with `warmup_tasks` tasks each, if given); false when the scheduler
    /// went away.
    fn warmups(&mut self, job: &mut Job) -> Result<bool, CellError> {
        let tasks = self.req.cell.tasks;
        for w in 0..self.req.warmup {
            if !self.link.wait_go()? {
                return Ok(false);
            }
            job.repeat = w;
            job.tasks = self.req.warmup_tasks.unwrap_or(tasks);
            let m = self.gauge.probed_run(self.model, job);
            job.tasks = tasks;
            self.link.send(&Report::Warmup {
                repeat: w,
                error: m.error,
            })?;
        }
        Ok(true)
    }

    /// The measured runs; the task is released after the last unless a timeline run follows.
    /// False when the scheduler went away.
    fn measured(&mut self, job: &mut Job) -> Result<bool, CellError> {
        let req = self.req;
        for r in req.first_repeat..req.end_repeat {
            if !self.link.wait_go()? {
                return Ok(false);
            }
            job.repeat = r;
            let m = self.gauge.probed_run(self.model, job);
            if r + 1 == req.end_repeat && !req.timeline {
                release(job);
            }
            self.link.send(&Report::Run(m))?;
        }
        Ok(true)
    }

    /// One more run, timed like the others but outside the statistics, records the timeline;
    /// its slots are allocated before its clock starts.
    fn timeline(&mut self, job: &mut Job) -> Result<(), CellError> {
        let cell = &self.req.cell;
        job.repeat = cell.workload.repeats;
        job.recorder = Some(Arc::new(Recorder::new(cell.tasks)));
        let m = self.gauge.probed_run(self.model, job);
        release(job);
        let spans = match (job.recorder.take(), &m.error) {
            (Some(rec), None) => rec.spans(),
            _ => Vec::new(),
        };
        let recorded = RecordedTasks {
            repeat: job.repeat,
            wall_s: m.measurement.wall_s,
            interp_start_s: m.measurement.interp_start_s,
            reported_s: m.measurement.reported_s,
            spans,
            error: m.error,
        };
        self.link.send(&Report::Timeline(recorded))
    }
}

/// What the cell process can read around a run besides the clock.
pub struct Gauge {
    counters: Option<Counters>,
    /// `/proc/thread-self/schedstat` is readable.
    runq: bool,
    host: Option<HostProbe>,
    /// The pause between `go` and the run (see [`super::protocol::SETTLE`]).
    settle: Duration,
}

impl Gauge {
    /// Opens what can be read around a run, and says what cannot and why (`DISABLE_ENV`
    /// switches parts off). The host probe's threads start before the perf counters open, so
    /// the counters (which follow only threads started after them) never count a probe.
    fn open(settle_us: u64) -> (Gauge, Probe) {
        let disabled = std::env::var(DISABLE_ENV).unwrap_or_default();
        let off = |what: &str| disabled.split(',').any(|d| d.trim() == what);
        let by_env = || format!("switched off by {DISABLE_ENV}={disabled}");
        let (host, host_unavailable) = match HostProbe::start() {
            _ if off("host") => (None, Some(by_env())),
            Ok(h) => (Some(h), None),
            Err(why) => (None, Some(why.to_string())),
        };
        // Opened before any run, so the counters follow every thread and process a run starts.
        let (counters, counters_unavailable) = match Counters::open() {
            _ if off("perf") => (None, Some(by_env())),
            Ok(c) => (Some(c), None),
            Err(why) => (None, Some(why.to_string())),
        };
        let runq_unavailable = if off("runq") {
            Some(by_env())
        } else {
            sched::runq_probe()
        };
        let gauge = Gauge {
            counters,
            runq: runq_unavailable.is_none(),
            host,
            settle: Duration::from_micros(settle_us),
        };
        let probe = Probe {
            runq_unavailable,
            counters_unavailable,
            host_unavailable,
        };
        (gauge, probe)
    }

    /// One run as the scheduler's `go` asks for it: the host probe, the settle pause (so the
    /// scheduler is asleep again before the run's threads are placed), the measured run, and
    /// the host probe again.
    fn probed_run(&mut self, model: &dyn Model, job: &mut Job) -> Measured {
        let before = self.host.as_ref().map(HostProbe::sample);
        std::thread::sleep(self.settle);
        let mut m = measure(model, job, self);
        m.measurement.probe_after_us = self
            .host
            .as_ref()
            .map(HostProbe::sample)
            .unwrap_or_default();
        m.measurement.probe_before_us = before.unwrap_or_default();
        m
    }
}

/// Times one run of `model` and takes its resource usage and disturbance.
pub fn measure(model: &dyn Model, job: &mut Job, gauge: &mut Gauge) -> Measured {
    job.waits = Arc::new(RunQueueTally::default());
    let counted_before = gauge.counters.as_mut().and_then(Counters::read);
    let waited_before = sched::thread_runq_wait_ns();
    let before = Usage::now();
    if let Some(r) = &job.recorder {
        r.start();
    }
    let start_unix_s = super::unix_now_s();
    let start = Instant::now();
    let started_ns = crate::model::recorder::now_ns();
    let result = catch_unwind(AssertUnwindSafe(|| model.run(job))).unwrap_or_else(|p| {
        Err(crate::model::ModelError::Worker(format!(
            "panicked: {}",
            panic_text(&*p)
        )))
    });
    let wall_s = start.elapsed().as_secs_f64();
    let usage = Usage::now().since(&before);
    // This thread ran the run (or coordinated it): its own wait counts too.
    match (waited_before, sched::thread_runq_wait_ns()) {
        (Some(a), Some(b)) => job.waits.add_ns(b.saturating_sub(a)),
        _ => job.waits.mark_missing(),
    }
    let counted_after = gauge.counters.as_mut().and_then(Counters::read);
    let counted = counted_before
        .zip(counted_after)
        .map(|((m0, s0), (m1, s1))| (m1.saturating_sub(m0), s1.saturating_sub(s0)));
    let mut m = Measured {
        repeat: job.repeat,
        start_unix_s,
        measurement: Measurement {
            wall_s,
            user_s: usage.user_s,
            sys_s: usage.sys_s,
            max_rss_kb: usage.max_rss_kb,
            vol_ctx: usage.vol_ctx,
            invol_ctx: usage.invol_ctx,
            runq_wait_s: if gauge.runq && model.tallies_threads() {
                job.waits.total_s()
            } else {
                None
            },
            cpu_migrations: counted.map(|c| c.0),
            ctx_switches: counted.map(|c| c.1),
            ..Measurement::default()
        },
        error: None,
    };
    match result {
        Ok(o) => {
            m.measurement.reported_s = o.reported_s;
            m.measurement.workers_rss_kb = o.workers_rss_kb;
            m.measurement.checksum = o.checksum;
            match o.program {
                None => {
                    m.measurement.setup_s = Some(o.setup_s);
                    m.measurement.cpu_scope = Some(CpuScope::Run);
                }
                Some(p) => {
                    m.measurement.interp_start_s = p.interp_start_s(started_ns, wall_s);
                    own_window(&mut m, &p, gauge.runq);
                }
            }
        }
        Err(e) => m.error = Some(e.to_string()),
    }
    m
}

/// A command's run as the program measured it, where it said: its window's CPU time (else the
/// whole process's, as rusage took it), its own start-up and run-queue wait (unless switched
/// off).
fn own_window(m: &mut Measured, p: &ProgramWindow, runq: bool) {
    m.measurement.setup_s = p.setup_s;
    m.measurement.cpu_scope = Some(match p.cpu_s {
        Some((user_s, sys_s)) => {
            m.measurement.user_s = user_s;
            m.measurement.sys_s = sys_s;
            CpuScope::Window
        }
        None => CpuScope::Process,
    });
    if runq {
        m.measurement.runq_wait_s = p.runq_wait_s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    #[test]
    fn a_run_of_a_builtin_model_measures_its_wait_and_checksum() {
        let k = kernel::find("spin").unwrap();
        let params = kernel::Params::from([("iters".to_string(), kernel::ParamValue::Int(1000))]);
        let mut job = Job {
            task: Some(k.prepare(&params).unwrap()),
            kernel: "spin",
            code: None,
            params: &params,
            workload: "w",
            model: "threads",
            tasks: 8,
            workers: 2,
            repeat: 0,
            recorder: None,
            waits: Arc::default(),
        };
        let mut gauge = Gauge {
            counters: None,
            runq: sched::runq_probe().is_none(),
            host: None,
            settle: Duration::ZERO,
        };
        let m = measure(model::find("threads").unwrap(), &mut job, &mut gauge);
        assert_eq!(m.error, None);
        assert!(m.measurement.checksum.is_some());
        assert_eq!(m.measurement.runq_wait_s.is_some(), gauge.runq);
    }
}
