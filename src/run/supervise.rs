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
    let mut next = repeats.start;
    let end = repeats.end;
    let mut timeline_left = timeline;
    let per_run = cell.timeout_s.map(Duration::from_secs_f64);
    let settle = Duration::from_micros(settle_us);
    while next < end || timeline_left {
        let req = CellRequest {
            cell: cell.clone(),
            first_repeat: next,
            end_repeat: end,
            timeline: timeline_left,
            settle_us,
            warmup,
            warmup_tasks,
        };
        let mut process = match CellProcess::start(exe, &req) {
            Ok(p) => p,
            Err(e) => {
                let error = format!("failed to start the cell process: {e}");
                if next < end {
                    emit(Yield::Failed {
                        repeat: next,
                        status: Status::Error,
                        error,
                        wall_s: 0.0,
                    })?;
                    next += 1;
                } else {
                    timeline_left = false;
                    emit(Yield::Timeline(RecordedTasks {
                        repeat: cell.repeats,
                        error: Some(error),
                        ..RecordedTasks::default()
                    }))?;
                }
                continue;
            }
        };
        // The runs this process does, in order.
        let plan: Vec<Next> = (0..warmup)
            .map(Next::Warmup)
            .chain((next..end).map(Next::Measured))
            .chain(timeline_left.then_some(Next::Timeline))
            .collect();
        let mut problem: Option<(Next, Status, String, f64)> = None;
        let mut deadline = per_run.map(|t| Instant::now() + t + STARTUP_GRACE);
        match process.wait_line(deadline)? {
            Wait::Line(line) => match Report::from_line(&line) {
                Ok(Report::Ready(probe)) => emit(Yield::Ready(probe))?,
                Ok(other) => {
                    let why = format!("the cell process sent {other:?} before `ready`");
                    problem = Some((plan[0], Status::Error, why, 0.0));
                }
                Err(why) => problem = Some((plan[0], Status::Error, why, 0.0)),
            },
            Wait::Interrupted => return process.stop(SlotEnd::Interrupted),
            Wait::Eof => problem = Some((plan[0], Status::Error, String::new(), 0.0)),
            Wait::Timeout => {
                let why = format!(
                    "the cell process did not start within timeout_s = {} s (+{} s to start)",
                    cell.timeout_s.unwrap_or_default(),
                    STARTUP_GRACE.as_secs()
                );
                problem = Some((plan[0], Status::Timeout, why, 0.0));
            }
        }
        let mut steps = plan.iter().copied();
        while problem.is_none() {
            let Some(step) = steps.next() else { break };
            let started = Instant::now();
            deadline = per_run.map(|t| started + settle + PROBE_GRACE + t);
            if !process.go() {
                problem = Some((step, Status::Error, String::new(), 0.0));
                break;
            }
            let waited = process.wait_line(deadline)?;
            let wall_s = started.elapsed().saturating_sub(settle).as_secs_f64();
            match waited {
                Wait::Line(line) => match Report::from_line(&line) {
                    Ok(Report::Warmup { repeat, error }) => emit(Yield::Warmup { repeat, error })?,
                    Ok(Report::Run(m)) => {
                        next = m.repeat + 1;
                        emit(Yield::Run(m))?;
                    }
                    Ok(Report::Timeline(t)) => {
                        timeline_left = false;
                        emit(Yield::Timeline(t))?;
                    }
                    Ok(Report::Ready(_)) => {
                        let why = "the cell process said `ready` twice".to_string();
                        problem = Some((step, Status::Error, why, wall_s));
                    }
                    Err(why) => problem = Some((step, Status::Error, why, wall_s)),
                },
                Wait::Eof => problem = Some((step, Status::Error, String::new(), wall_s)),
                Wait::Timeout => {
                    let why = format!(
                        "run exceeded timeout_s = {} s; its processes were killed",
                        cell.timeout_s.unwrap_or_default()
                    );
                    problem = Some((step, Status::Timeout, why, wall_s));
                }
                Wait::Interrupted => return process.stop(SlotEnd::Interrupted),
            }
        }
        let (exit, stderr_tail) = process.finish();
        let Some((step, status, mut error, wall_s)) = problem else {
            continue;
        };
        if error.is_empty() {
            error = format!(
                "the cell process ended early ({}){stderr_tail}",
                exit.describe()
            );
        } else if !stderr_tail.is_empty() && status == Status::Error {
            error.push_str(&stderr_tail);
        }
        match step {
            // A failure before or during the warmup costs the first measured run.
            Next::Warmup(_) | Next::Measured(_) if next < end => {
                emit(Yield::Failed {
                    repeat: next,
                    status,
                    error,
                    wall_s,
                })?;
                next += 1;
            }
            _ => {
                timeline_left = false;
                emit(Yield::Timeline(RecordedTasks {
                    repeat: cell.repeats,
                    wall_s,
                    error: Some(error),
                    ..RecordedTasks::default()
                }))?;
            }
        }
    }
    Ok(SlotEnd::Done)
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
