//! The scheduler's side of one slot: start a cell process, send it the request, then one `go`
//! per run, each only once the previous report has been handled (see [`super::protocol`]).
//! Between reports the scheduler sleeps in `poll` on the cell's stdout and the signal pipe,
//! with the run's deadline as the only timeout: no reader thread, no timer tick. A cell
//! process that crashes or overruns its deadline costs one run; a fresh process takes over the
//! rest of the slot.

use super::protocol::{CellRequest, Measured, RecordedTasks, Report};
use crate::measure::ChildExit;
use crate::plan::Cell;
use crate::record::Status;
use process::{CellProcess, Wait};
use std::time::{Duration, Instant};

mod process;

/// Time allowed for a cell process to start and prepare before its first run's limit applies.
const STARTUP_GRACE: Duration = Duration::from_secs(2);

/// Time allowed on top of a run's limit for the host probes around it (two probes of about
/// 0.1 ms each, more on a slowed or busy host).
const PROBE_GRACE: Duration = Duration::from_millis(50);

/// What a slot yields, in order.
#[derive(Debug)]
pub enum Yield {
    /// The cell process is prepared (with what it can measure).
    Ready(super::protocol::Probe),
    Warmup {
        repeat: u32,
        error: Option<String>,
    },
    Run(Measured),
    /// A measured run that produced no report: the process died, overran, or talked nonsense.
    Failed {
        repeat: u32,
        status: Status,
        error: String,
        wall_s: f64,
    },
    Timeline(RecordedTasks),
}

/// How a slot ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotEnd {
    Done,
    Interrupted,
}

/// Which run of the process the next `go` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Warmup(u32),
    Measured(u32),
    Timeline,
}

/// One slot of a group (see [`run_slots`]): the cell, its measured repeats, its warmup
/// (runs, and tasks per run when short), and whether it also does the cell's timeline run.
pub struct SlotSpec<'a> {
    pub cell: &'a Cell,
    pub repeats: std::ops::Range<u32>,
    pub warmup: (u32, Option<u64>),
    pub timeline: bool,
}

/// Runs the slots of one group, each in its own cell process, handing every result to
/// `emit` (with the slot's index) before the next run starts. The processes are started and
/// warmed up first; then the slots' measured runs take turns, A B, B A, A B ... (a single
/// slot simply runs them in order), each while the other processes wait idle for their next
/// `go`; then the timeline runs. A process that crashes or overruns costs its slot one run; a
/// fresh process takes over the rest of that slot.
pub fn run_slots(
    exe: &std::path::Path,
    specs: &[SlotSpec<'_>],
    settle_us: u64,
    emit: &mut dyn FnMut(usize, Yield) -> anyhow::Result<()>,
) -> anyhow::Result<SlotEnd> {
    let mut lanes: Vec<Lane> = specs.iter().map(|s| Lane::new(s, settle_us)).collect();
    let ended = drive_lanes(exe, &mut lanes, emit);
    for lane in &mut lanes {
        if let Some(mut p) = lane.process.take() {
            p.finish();
        }
    }
    ended
}

/// [`run_slots`]' turns; the caller ends whatever processes are left.
fn drive_lanes(
    exe: &std::path::Path,
    lanes: &mut [Lane<'_>],
    emit: &mut dyn FnMut(usize, Yield) -> anyhow::Result<()>,
) -> anyhow::Result<SlotEnd> {
    for (i, lane) in lanes.iter_mut().enumerate() {
        if lane.prepare(exe, &mut |y| emit(i, y))? == Step::Interrupted {
            return Ok(SlotEnd::Interrupted);
        }
    }
    let mut turn = 0usize;
    while lanes.iter().any(|l| l.slot.next < l.slot.end) {
        let order: Vec<usize> = match turn % 2 {
            0 => (0..lanes.len()).collect(),
            _ => (0..lanes.len()).rev().collect(),
        };
        for i in order {
            let lane = &mut lanes[i];
            if lane.slot.next < lane.slot.end {
                let step = Next::Measured(lane.slot.next);
                if lane.step(exe, step, &mut |y| emit(i, y))? == Step::Interrupted {
                    return Ok(SlotEnd::Interrupted);
                }
            }
        }
        turn += 1;
    }
    for (i, lane) in lanes.iter_mut().enumerate() {
        while lane.slot.timeline_left {
            if lane.step(exe, Next::Timeline, &mut |y| emit(i, y))? == Step::Interrupted {
                return Ok(SlotEnd::Interrupted);
            }
        }
    }
    Ok(SlotEnd::Done)
}

/// How one step of a lane went (its failures are already recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Done,
    Interrupted,
}

/// One slot of a group and its cell process while it lives.
struct Lane<'a> {
    slot: SlotRun<'a>,
    warmup: (u32, Option<u64>),
    settle_us: u64,
    process: Option<CellProcess>,
}

impl<'a> Lane<'a> {
    fn new(spec: &SlotSpec<'a>, settle_us: u64) -> Lane<'a> {
        Lane {
            slot: SlotRun {
                cell: spec.cell,
                next: spec.repeats.start,
                end: spec.repeats.end,
                timeline_left: spec.timeline,
                per_run: spec.cell.workload.timeout_s.map(Duration::from_secs_f64),
                settle: Duration::from_micros(settle_us),
            },
            warmup: spec.warmup,
            settle_us,
            process: None,
        }
    }

    /// The step the process does first: the next measured run, else the timeline run.
    fn first_step(&self) -> Next {
        if self.slot.next < self.slot.end {
            Next::Measured(self.slot.next)
        } else {
            Next::Timeline
        }
    }

    /// Starts the lane's process (for what is left of the slot), waits for its `ready` and
    /// does its warmup runs. A failure costs the next run; the process is then gone.
    fn prepare(
        &mut self,
        exe: &std::path::Path,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Step> {
        if self.slot.next >= self.slot.end && !self.slot.timeline_left {
            return Ok(Step::Done);
        }
        let (warmup, warmup_tasks) = self.warmup;
        let req = CellRequest {
            cell: self.slot.cell.clone(),
            first_repeat: self.slot.next,
            end_repeat: self.slot.end,
            timeline: self.slot.timeline_left,
            settle_us: self.settle_us,
            warmup,
            warmup_tasks,
        };
        let mut process = match CellProcess::start(exe, &req) {
            Ok(p) => p,
            Err(e) => {
                let error = format!("failed to start the cell process: {e}");
                self.slot
                    .fail(Stopped::error(self.first_step(), error, 0.0), emit)?;
                return Ok(Step::Done);
            }
        };
        let mut driven = self
            .slot
            .await_ready(&mut process, self.first_step(), emit)?;
        if let Drive::Finished = driven {
            let warmups: Vec<Next> = (0..warmup).map(Next::Warmup).collect();
            driven = self.slot.run_steps(&mut process, &warmups, emit)?;
        }
        self.process = Some(process);
        self.settle(driven, emit)
    }

    /// Does `step` in the lane's process (starting one first if there is none).
    fn step(
        &mut self,
        exe: &std::path::Path,
        step: Next,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Step> {
        if self.process.is_none() {
            let before = (self.slot.next, self.slot.timeline_left);
            if self.prepare(exe, emit)? == Step::Interrupted {
                return Ok(Step::Interrupted);
            }
            if self.process.is_none() || before != (self.slot.next, self.slot.timeline_left) {
                return Ok(Step::Done); // the failure took this step's place
            }
        }
        let Some(process) = self.process.as_mut() else {
            return Ok(Step::Done);
        };
        let driven = self.slot.run_steps(process, &[step], emit)?;
        self.settle(driven, emit)
    }

    /// After driving the process: on a stop, ends the process and records the failure.
    fn settle(
        &mut self,
        driven: Drive,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Step> {
        match driven {
            Drive::Finished => Ok(Step::Done),
            Drive::Interrupted => Ok(Step::Interrupted),
            Drive::Stopped(mut stopped) => {
                if let Some(mut process) = self.process.take() {
                    let (exit, stderr_tail) = process.finish();
                    stopped.explain(&exit, &stderr_tail);
                }
                self.slot.fail(stopped, emit)?;
                Ok(Step::Done)
            }
        }
    }
}

/// Where a slot stands: what is left to run, and the limits each run gets.
struct SlotRun<'a> {
    cell: &'a Cell,
    /// The next measured repeat to run.
    next: u32,
    /// One past the slot's last measured repeat.
    end: u32,
    /// Whether the timeline run is still to do.
    timeline_left: bool,
    /// The cell's limit on one run.
    per_run: Option<Duration>,
    /// The pause before each run (not counted in its wall time).
    settle: Duration,
}

/// A run that ended without a report: which run, how, why, and after how long.
struct Stopped {
    step: Next,
    status: Status,
    /// Why; empty when the process just ended, filled in by [`Stopped::explain`].
    error: String,
    wall_s: f64,
}

impl Stopped {
    fn error(step: Next, error: String, wall_s: f64) -> Stopped {
        Stopped {
            step,
            status: Status::Error,
            error,
            wall_s,
        }
    }

    /// Adds what the ended process tells: its exit when there is no other reason, and the
    /// tail of its stderr to an error.
    fn explain(&mut self, exit: &ChildExit, stderr_tail: &str) {
        if self.error.is_empty() {
            self.error = format!(
                "the cell process ended early ({}){stderr_tail}",
                exit.describe()
            );
        } else if !stderr_tail.is_empty() && self.status == Status::Error {
            self.error.push_str(stderr_tail);
        }
    }
}

/// How driving one cell process ended.
enum Drive {
    /// Every step got its report (or, from [`SlotRun::await_ready`], the process is ready).
    Finished,
    Stopped(Stopped),
    Interrupted,
}

impl SlotRun<'_> {
    /// Waits for the process's `ready` (the start-up grace on top of the run limit); a
    /// failure here costs `first`, the first step of its plan.
    fn await_ready(
        &self,
        process: &mut CellProcess,
        first: Next,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Drive> {
        let deadline = self.per_run.map(|t| Instant::now() + t + STARTUP_GRACE);
        let stopped = match process.wait_line(deadline)? {
            Wait::Line(line) => match Report::from_line(&line) {
                Ok(Report::Ready(probe)) => {
                    emit(Yield::Ready(probe))?;
                    return Ok(Drive::Finished);
                }
                Ok(other) => {
                    let why = format!("the cell process sent {other:?} before `ready`");
                    Stopped::error(first, why, 0.0)
                }
                Err(why) => Stopped::error(first, why.to_string(), 0.0),
            },
            Wait::Interrupted => return Ok(Drive::Interrupted),
            Wait::Eof => Stopped::error(first, String::new(), 0.0),
            Wait::Timeout => Stopped {
                step: first,
                status: Status::Timeout,
                error: format!(
                    "the cell process did not start within timeout_s = {} s (+{} s to start)",
                    self.cell.workload.timeout_s.unwrap_or_default(),
                    STARTUP_GRACE.as_secs()
                ),
                wall_s: 0.0,
            },
        };
        Ok(Drive::Stopped(stopped))
    }

    /// Sends one `go` per step of `plan` and hands each report to `emit`, until the plan is
    /// done or a run ends without a report.
    fn run_steps(
        &mut self,
        process: &mut CellProcess,
        plan: &[Next],
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Drive> {
        for &step in plan {
            let started = Instant::now();
            let deadline = self
                .per_run
                .map(|t| started + self.settle + PROBE_GRACE + t);
            if !process.go() {
                return Ok(Drive::Stopped(Stopped::error(step, String::new(), 0.0)));
            }
            let waited = process.wait_line(deadline)?;
            let wall_s = started.elapsed().saturating_sub(self.settle).as_secs_f64();
            let stopped = match waited {
                Wait::Line(line) => match self.take_report(&line, emit)? {
                    Ok(()) => continue,
                    Err(why) => Stopped::error(step, why, wall_s),
                },
                Wait::Eof => Stopped::error(step, String::new(), wall_s),
                Wait::Timeout => Stopped {
                    step,
                    status: Status::Timeout,
                    error: format!(
                        "run exceeded timeout_s = {} s; its processes were killed",
                        self.cell.workload.timeout_s.unwrap_or_default()
                    ),
                    wall_s,
                },
                Wait::Interrupted => return Ok(Drive::Interrupted),
            };
            return Ok(Drive::Stopped(stopped));
        }
        Ok(Drive::Finished)
    }

    /// Hands the report in `line` to `emit` and notes what it leaves to run; `Err` says why
    /// the line is not a report that may come now.
    fn take_report(
        &mut self,
        line: &str,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<Result<(), String>> {
        match Report::from_line(line) {
            Ok(Report::Warmup { repeat, error }) => emit(Yield::Warmup { repeat, error })?,
            Ok(Report::Run(m)) => {
                self.next = m.repeat + 1;
                emit(Yield::Run(m))?;
            }
            Ok(Report::Timeline(t)) => {
                self.timeline_left = false;
                emit(Yield::Timeline(t))?;
            }
            Ok(Report::Ready(_)) => {
                return Ok(Err("the cell process said `ready` twice".to_string()))
            }
            Err(why) => return Ok(Err(why.to_string())),
        }
        Ok(Ok(()))
    }

    /// Records a run that ended without a report: a failure before or during the warmup, or
    /// of a measured run, costs the next measured run; else the timeline run fails.
    fn fail(
        &mut self,
        stopped: Stopped,
        emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        match stopped.step {
            Next::Warmup(_) | Next::Measured(_) if self.next < self.end => {
                emit(Yield::Failed {
                    repeat: self.next,
                    status: stopped.status,
                    error: stopped.error,
                    wall_s: stopped.wall_s,
                })?;
                self.next += 1;
            }
            _ => {
                self.timeline_left = false;
                emit(Yield::Timeline(RecordedTasks {
                    repeat: self.cell.workload.repeats,
                    wall_s: stopped.wall_s,
                    error: Some(stopped.error),
                    ..RecordedTasks::default()
                }))?;
            }
        }
        Ok(())
    }
}
