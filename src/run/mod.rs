//! Running a plan: every cell in its own child process (`__cell`), one row per measured run
//! handed to the sink the moment it arrives, per-run timeouts that kill the cell's whole
//! process tree, checksum agreement across models, and Ctrl-C that stops cleanly.

pub mod cell;
pub mod progress;

use crate::kernel::{self, Service};
use crate::measure::{fork_exec_group, kill_group, ChildExit};
use crate::plan::{Cell, Slot};
use cell::{CellRequest, Measured, RecordedTasks, CELL_COMMAND, START_LINE, TIMELINE_PREFIX};
use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError};
use progress::Progress;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// One row of `runs.csv`: one measured run. Field order is the column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    pub scenario: String,
    pub workload: String,
    pub kernel: String,
    pub model: String,
    pub workers: u64,
    pub tasks: u64,
    pub repeat: u32,
    pub wall_s: f64,
    pub setup_s: f64,
    pub reported_s: Option<f64>,
    pub user_s: f64,
    pub sys_s: f64,
    pub cpu_util: f64,
    pub max_rss_kb: u64,
    pub workers_rss_kb: Option<u64>,
    pub vol_ctx: u64,
    pub invol_ctx: u64,
    pub checksum: Option<u64>,
    /// `ok`, `error`, `timeout` or `mismatch` (checksum differs from the first model's).
    pub status: String,
    pub error: String,
}

impl RunRow {
    pub fn ok(&self) -> bool {
        self.status == "ok"
    }

    /// The time that counts for statistics: the program's own timing when it reported one.
    pub fn time_s(&self) -> f64 {
        self.reported_s.unwrap_or(self.wall_s)
    }

    fn new(scenario: &str, cell: &Cell, m: Measured) -> RunRow {
        let busy = m.user_s + m.sys_s;
        RunRow {
            scenario: scenario.to_string(),
            workload: cell.workload.clone(),
            kernel: cell.kernel.clone(),
            model: cell.model.clone(),
            workers: cell.workers,
            tasks: cell.tasks,
            repeat: m.repeat,
            wall_s: m.wall_s,
            setup_s: m.setup_s,
            reported_s: m.reported_s,
            user_s: m.user_s,
            sys_s: m.sys_s,
            cpu_util: if m.wall_s > 0.0 { busy / m.wall_s } else { 0.0 },
            max_rss_kb: m.max_rss_kb,
            workers_rss_kb: m.workers_rss_kb,
            vol_ctx: m.vol_ctx,
            invol_ctx: m.invol_ctx,
            checksum: m.checksum,
            status: if m.error.is_some() { "error" } else { "ok" }.to_string(),
            error: m.error.unwrap_or_default().replace(['\n', '\r'], " "),
        }
    }

    fn failed(scenario: &str, cell: &Cell, repeat: u32, status: &str, error: String) -> RunRow {
        let m = Measured {
            repeat,
            error: Some(error),
            ..Measured::default()
        };
        let mut row = RunRow::new(scenario, cell, m);
        row.status = status.to_string();
        row
    }
}

/// One row of `tasks.csv`: one task of a cell's timeline run (an extra run after the
/// measured ones) — which worker ran it, from when to when (seconds since the run's start).
/// Field order is the column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub scenario: String,
    pub workload: String,
    pub model: String,
    pub workers: u64,
    /// The run's index in its cell (the number of measured runs: it follows them).
    pub repeat: u32,
    /// Thread, process or in-flight slot index within the run (see the model).
    pub worker: u32,
    pub task: u64,
    pub start_s: f64,
    pub end_s: f64,
    /// Wall time of the whole run (the same on each of its rows).
    pub run_wall_s: f64,
}

impl TaskRow {
    fn rows(scenario: &str, cell: &Cell, recorded: RecordedTasks) -> Vec<TaskRow> {
        recorded
            .spans
            .into_iter()
            .map(|s| TaskRow {
                scenario: scenario.to_string(),
                workload: cell.workload.clone(),
                model: cell.model.clone(),
                workers: cell.workers,
                repeat: recorded.repeat,
                worker: s.worker,
                task: s.task,
                start_s: s.start_ns as f64 / 1e9,
                end_s: s.end_ns as f64 / 1e9,
                run_wall_s: recorded.wall_s,
            })
            .collect()
    }
}

/// What the scheduler hands to its sink as a run goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A measured run ended (`runs.csv`).
    Run(&'a RunRow),
    /// The tasks of a cell's timeline run (`tasks.csv`), after its measured runs.
    Tasks(&'a [TaskRow]),
}

/// Time allowed for a cell process to start before its first run's limit applies.
const STARTUP_GRACE: Duration = Duration::from_secs(2);

/// Set by SIGINT/SIGTERM; the scheduler polls it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Routes Ctrl-C and SIGTERM to a flag so a run can stop cleanly and keep its rows.
pub fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// How a run of the plan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Complete,
    Interrupted,
}

/// Runs every slot of the plan (see [`crate::plan::schedule`]); `sink` gets each row as soon
/// as it exists (it writes and flushes runs.csv and tasks.csv).
pub fn execute(
    scenario: &str,
    cells: &[Cell],
    slots: &[Slot],
    earlier: &[RunRow],
    progress: &mut Progress,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<Ending> {
    let exe = std::env::current_exe()?;
    // First checksum seen per workload and task count (weak scaling varies the count), and
    // the model that produced it.
    let mut reference: HashMap<(String, u64), (u64, String)> = HashMap::new();
    for r in earlier.iter().filter(|r| r.ok()) {
        if let Some(sum) = r.checksum {
            let key = (r.workload.clone(), r.tasks);
            reference.entry(key).or_insert((sum, r.model.clone()));
        }
    }
    // Running services (e.g. the http kernel's server) by workload. In cell order only the
    // current workload's runs; interleaved orders keep each one up until the end.
    let mut services: HashMap<String, Option<Service>> = HashMap::new();
    for slot in slots {
        let cell = &cells[slot.cell];
        if !services.contains_key(&cell.workload) {
            if slots.len() == cells.len() {
                services.clear(); // stops the previous workload's service first
            }
            let started = match kernel::find(&cell.kernel).filter(|_| cell.builtin_kernel) {
                Some(k) => k.service(&cell.params).map_err(|e| {
                    anyhow::anyhow!("failed to start the `{}` kernel's service: {e}", k.name())
                })?,
                None => None,
            };
            services.insert(cell.workload.clone(), started);
        }
        let mut cell = cell.clone();
        if let Some(Some(s)) = services.get(&cell.workload) {
            cell.params.extend(s.params.clone());
        }
        let cell = &cell;
        progress.start_cell(cell);
        let mut rows = Vec::new();
        let ending = run_cell(
            &exe,
            scenario,
            cell,
            slot.repeats.clone(),
            &mut |got: Got| {
                let mut row = match got {
                    Got::Run(row) => *row,
                    Got::Tasks(tasks) => return sink(Event::Tasks(&tasks)),
                };
                if let (true, Some(sum)) = (row.ok(), row.checksum) {
                    let key = (cell.workload.clone(), cell.tasks);
                    match reference.get(&key) {
                        Some((expected, by)) if *expected != sum => {
                            row.status = "mismatch".into();
                            row.error = format!(
                                "checksum {sum} differs from {expected} (first measured by model `{by}`): \
                                 the model did not run every task exactly once"
                            );
                        }
                        Some(_) => {}
                        None => {
                            reference.insert(key, (sum, cell.model.clone()));
                        }
                    }
                }
                sink(Event::Run(&row))?;
                progress.run_done(&row);
                rows.push(row);
                Ok(())
            },
        )?;
        if ending == Ending::Interrupted {
            return Ok(ending);
        }
        progress.end_cell(cell, &rows);
    }
    Ok(Ending::Complete)
}

enum Msg {
    Line(String),
    Eof,
}

/// What a cell process reported.
enum Got {
    Run(Box<RunRow>),
    Tasks(Vec<TaskRow>),
}

/// Runs one cell, restarting its process after a crash or timeout so that only the affected
/// run is lost.
fn run_cell(
    exe: &std::path::Path,
    scenario: &str,
    cell: &Cell,
    repeats: std::ops::Range<u32>,
    emit: &mut dyn FnMut(Got) -> anyhow::Result<()>,
) -> anyhow::Result<Ending> {
    let mut next = repeats.start;
    let end = repeats.end;
    while next < end {
        let req = CellRequest {
            cell: cell.clone(),
            first_repeat: next,
            end_repeat: Some(end),
        };
        let mut cmd = Command::new(exe);
        cmd.arg(CELL_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match fork_exec_group(&mut cmd).spawn() {
            Ok(c) => c,
            Err(e) => {
                emit(Got::Run(Box::new(RunRow::failed(
                    scenario,
                    cell,
                    next,
                    "error",
                    format!("failed to start the cell process: {e}"),
                ))))?;
                next += 1;
                continue;
            }
        };
        let pid = child.id();
        if let Some(mut stdin) = child.stdin.take() {
            // A cell process that dies at once shows up below as a failed run.
            let _ = stdin.write_all(serde_json::to_string(&req)?.as_bytes());
        }
        let lines = spawn_reader(child.stdout.take());
        let stderr = spawn_tail(child.stderr.take());
        let per_run = cell.timeout_s.map(Duration::from_secs_f64);
        // Until the first run starts, allow for process start-up; then each run gets its limit.
        let mut run_start = Instant::now();
        let mut deadline = per_run.map(|t| Instant::now() + t + STARTUP_GRACE);
        let mut timed_out = false;
        let mut stopped = false;
        loop {
            if interrupted() && !stopped {
                kill_group(pid);
                stopped = true;
            }
            match lines.recv_timeout(Duration::from_millis(50)) {
                Ok(Msg::Line(line)) if line == START_LINE => {
                    run_start = Instant::now();
                    deadline = per_run.map(|t| run_start + t);
                }
                Ok(Msg::Line(line)) if line.starts_with(TIMELINE_PREFIX) => {
                    let json = &line[TIMELINE_PREFIX.len()..];
                    if let Ok(recorded) = serde_json::from_str::<RecordedTasks>(json) {
                        emit(Got::Tasks(TaskRow::rows(scenario, cell, recorded)))?;
                    }
                }
                Ok(Msg::Line(line)) => {
                    let Ok(m) = serde_json::from_str::<Measured>(&line) else {
                        continue;
                    };
                    next = m.repeat + 1;
                    emit(Got::Run(Box::new(RunRow::new(scenario, cell, m))))?;
                    deadline = per_run.map(|t| Instant::now() + t + STARTUP_GRACE);
                }
                Ok(Msg::Eof) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    if deadline.is_some_and(|d| Instant::now() > d) && !timed_out {
                        kill_group(pid);
                        timed_out = true;
                    }
                }
            }
        }
        kill_group(pid); // anything the cell left behind in its group
        let status = child.wait()?;
        let tail = stderr.join().unwrap_or_default();
        if stopped {
            return Ok(Ending::Interrupted);
        }
        if next < end {
            let (kind, why) = if timed_out {
                let t = cell.timeout_s.unwrap_or_default();
                (
                    "timeout",
                    format!("run exceeded timeout_s = {t} s; its processes were killed"),
                )
            } else {
                (
                    "error",
                    format!(
                        "the cell process ended early ({}){tail}",
                        ChildExit::from_status(status).describe()
                    ),
                )
            };
            let mut row = RunRow::failed(scenario, cell, next, kind, why);
            row.wall_s = run_start.elapsed().as_secs_f64();
            emit(Got::Run(Box::new(row)))?;
            next += 1;
        }
    }
    Ok(Ending::Complete)
}

fn spawn_reader(stdout: Option<std::process::ChildStdout>) -> Receiver<Msg> {
    let (tx, rx) = unbounded();
    std::thread::spawn(move || {
        if let Some(out) = stdout {
            for line in BufReader::new(out).lines() {
                match line {
                    Ok(l) => {
                        if tx.send(Msg::Line(l)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
        }
        let _ = tx.send(Msg::Eof);
    });
    rx
}

/// Collects the last few stderr lines of a cell process (panic messages and the like).
fn spawn_tail(stderr: Option<std::process::ChildStderr>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut last: VecDeque<String> = VecDeque::new();
        if let Some(err) = stderr {
            let mut reader = BufReader::new(err);
            let mut buf = Vec::new();
            while reader.read_until(b'\n', &mut buf).unwrap_or(0) > 0 {
                let line = String::from_utf8_lossy(&buf).trim().to_string();
                buf.clear();
                if !line.is_empty() && !line.starts_with("note: run with `RUST_BACKTRACE") {
                    last.push_back(line);
                    if last.len() > 3 {
                        last.pop_front();
                    }
                }
            }
            let _ = reader.read_to_end(&mut buf);
        }
        if last.is_empty() {
            String::new()
        } else {
            format!(": {}", Vec::from(last).join(" | "))
        }
    })
}
