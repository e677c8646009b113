//! The scheduler's side of one slot: start a cell process, send it the request, then one `go`
//! per run, each only once the previous report has been handled (see [`super::protocol`]).
//! Between reports the scheduler sleeps in `poll` on the cell's stdout and the signal pipe,
//! with the run's deadline as the only timeout: no reader thread, no timer tick. A cell
//! process that crashes or overruns its deadline costs one run; a fresh process takes over the
//! rest of the slot.

use super::protocol::{CellRequest, Measured, RecordedTasks, Report, CELL_COMMAND, GO};
use super::signals;
use crate::measure::{fork_exec_group, kill_group, read_back, scratch_file, ChildExit};
use crate::plan::Cell;
use crate::record::Status;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

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

/// Runs measured repeats `repeats` of `cell` after `warmup` warmup runs (and its timeline run
/// when `timeline`), handing each result to `emit` before the next run starts.
#[allow(clippy::too_many_arguments)]
pub fn run_slot(
    exe: &std::path::Path,
    cell: &Cell,
    repeats: std::ops::Range<u32>,
    (warmup, warmup_tasks): (u32, Option<u64>),
    timeline: bool,
    settle_us: u64,
    emit: &mut dyn FnMut(Yield) -> anyhow::Result<()>,
) -> anyhow::Result<SlotEnd> {
    let mut slot = SlotRun {
        cell,
        next: repeats.start,
        end: repeats.end,
        timeline_left: timeline,
        per_run: cell.workload.timeout_s.map(Duration::from_secs_f64),
        settle: Duration::from_micros(settle_us),
    };
    while slot.next < slot.end || slot.timeline_left {
        let req = CellRequest {
            cell: cell.clone(),
            first_repeat: slot.next,
            end_repeat: slot.end,
            timeline: slot.timeline_left,
            settle_us,
            warmup,
            warmup_tasks,
        };
        let mut process = match CellProcess::start(exe, &req) {
            Ok(p) => p,
            Err(e) => {
                let step = if slot.next < slot.end {
                    Next::Measured(slot.next)
                } else {
                    Next::Timeline
                };
                let error = format!("failed to start the cell process: {e}");
                slot.fail(Stopped::error(step, error, 0.0), emit)?;
                continue;
            }
        };
        let plan = slot.plan(warmup);
        let mut driven = slot.await_ready(&mut process, plan[0], emit)?;
        if let Drive::Finished = driven {
            driven = slot.run_steps(&mut process, &plan, emit)?;
        }
        let stopped = match driven {
            Drive::Interrupted => return process.stop(SlotEnd::Interrupted),
            Drive::Finished => None,
            Drive::Stopped(stopped) => Some(stopped),
        };
        let (exit, stderr_tail) = process.finish();
        if let Some(mut stopped) = stopped {
            stopped.explain(&exit, &stderr_tail);
            slot.fail(stopped, emit)?;
        }
    }
    Ok(SlotEnd::Done)
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
    /// The runs one process does, in order: the warmup, the measured runs left, then the
    /// timeline run if it is still to do.
    fn plan(&self, warmup: u32) -> Vec<Next> {
        (0..warmup)
            .map(Next::Warmup)
            .chain((self.next..self.end).map(Next::Measured))
            .chain(self.timeline_left.then_some(Next::Timeline))
            .collect()
    }

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

/// What waiting for a line gave.
enum Wait {
    Line(String),
    /// The cell process closed its stdout (it ended or died).
    Eof,
    Timeout,
    Interrupted,
}

/// A running cell process: its group, its pipes, and its stderr in a scratch file.
struct CellProcess {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: ChildStdout,
    stderr: Option<std::fs::File>,
    /// Bytes read from stdout that do not end a line yet.
    pending: Vec<u8>,
    eof: bool,
}

impl CellProcess {
    fn start(exe: &std::path::Path, req: &CellRequest) -> anyhow::Result<CellProcess> {
        let stderr = scratch_file().map_err(anyhow::Error::msg)?;
        let mut cmd = Command::new(exe);
        cmd.arg(CELL_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr.try_clone()?))
            .envs(req.cell.env.iter().map(|(k, v)| (k, v)));
        let mut child = fork_exec_group(&mut cmd).spawn()?;
        drop(cmd);
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            kill_group(child.id());
            let _ = child.wait();
            anyhow::bail!("the cell process's pipes were not created");
        };
        // A cell process that dies at once shows up as end of file on its stdout.
        let _ = writeln!(stdin, "{}", serde_json::to_string(req)?);
        Ok(CellProcess {
            child,
            stdin: Some(stdin),
            stdout,
            stderr: Some(stderr),
            pending: Vec::new(),
            eof: false,
        })
    }

    /// Sends `go`; false if the process is gone.
    fn go(&mut self) -> bool {
        match &mut self.stdin {
            Some(stdin) => writeln!(stdin, "{GO}").and_then(|()| stdin.flush()).is_ok(),
            None => false,
        }
    }

    /// The next line, sleeping in `poll` until it comes, the deadline passes, or a signal.
    fn wait_line(&mut self, deadline: Option<Instant>) -> anyhow::Result<Wait> {
        loop {
            if let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=i).collect();
                let text = String::from_utf8_lossy(&line[..i]).into_owned();
                return Ok(Wait::Line(text));
            }
            if self.eof {
                return Ok(Wait::Eof);
            }
            if signals::interrupted() {
                return Ok(Wait::Interrupted);
            }
            let timeout_ms = match deadline {
                None => -1,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(Wait::Timeout);
                    }
                    // Round up, so the wait never ends just before the deadline.
                    left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
                }
            };
            match poll2(self.stdout.as_raw_fd(), signals::wake_fd(), timeout_ms)? {
                Polled::Readable => self.read_some()?,
                Polled::Woken => {
                    if let Some(fd) = signals::wake_fd() {
                        drain(fd);
                    }
                }
                Polled::Nothing => {}
            }
        }
    }

    fn read_some(&mut self) -> anyhow::Result<()> {
        let mut buf = [0u8; 8192];
        // SAFETY: reading into a valid local buffer from a descriptor we own; poll said it
        // is readable, so this does not block.
        let n = unsafe { libc::read(self.stdout.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            0 => self.eof = true,
            n if n > 0 => self.pending.extend_from_slice(&buf[..n as usize]),
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    self.eof = true;
                }
            }
        }
        Ok(())
    }

    /// Kills the process group and reaps the process; returns how it ended and the last
    /// lines of its stderr (": a | b | c", or empty).
    fn finish(&mut self) -> (ChildExit, String) {
        self.stdin.take();
        kill_group(self.child.id()); // anything the cell left behind in its group
        let exit = match self.child.wait() {
            Ok(status) => ChildExit::from_status(status),
            Err(_) => ChildExit {
                status: 0,
                max_rss_kb: 0,
            },
        };
        let text = self.stderr.take().map(read_back).unwrap_or_default();
        (exit, tail(&text))
    }

    fn stop(mut self, end: SlotEnd) -> anyhow::Result<SlotEnd> {
        self.finish();
        Ok(end)
    }
}

/// The last few stderr lines of a cell process (panic messages and the like).
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    match lines.len() {
        0 => String::new(),
        n => format!(": {}", lines[n.saturating_sub(3)..].join(" | ")),
    }
}

enum Polled {
    Readable,
    Woken,
    Nothing,
}

/// Sleeps until `fd` is readable (or closed), `wake` is readable, or `timeout_ms` passes.
fn poll2(fd: RawFd, wake: Option<RawFd>, timeout_ms: i32) -> anyhow::Result<Polled> {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: wake.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: `fds` is a valid array of two pollfd; a negative fd is ignored by poll.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(Polled::Nothing); // a signal: the caller checks the flag
        }
        return Err(e.into());
    }
    if fds[1].revents != 0 {
        return Ok(Polled::Woken);
    }
    if fds[0].revents != 0 {
        return Ok(Polled::Readable);
    }
    Ok(Polled::Nothing)
}

/// Empties the (non-blocking) signal pipe.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 64];
    // SAFETY: reading into a valid local buffer; the wake socket is non-blocking.
    while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
}
