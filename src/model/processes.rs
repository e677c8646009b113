//! `processes`: N worker processes — parabench re-executing itself as a hidden worker — fed
//! chunks of task indices over pipes, the `multiprocessing.Pool` analogue. Starting the
//! workers is inside the timed run (as `with Pool(n)` is) and reported as `setup_s`.
//!
//! Protocol (text lines): the worker prints `ready`; the coordinator sends `<start> <end>`,
//! or `<start> <end> timed` in a run that records a timeline; the worker answers
//! `ok <checksum>` or `err <message>`; EOF on stdin ends the worker, which answers
//! `bye <ns>` with its run-queue wait (`/proc/thread-self/schedstat`) and exits. Chunks follow `Pool.map`'s
//! default size, `ceil(tasks / (4 * workers))`, so per-task cost does not turn into one pipe
//! round trip per task.
//!
//! Tasks that return data (`payload`) send each task's bytes before the chunk's `ok` as a
//! frame, `data <length>` and a newline, then the raw bytes; the coordinator reads them from
//! the pipe and checksums them (the `ok` line then carries 0). In a timed chunk, the `ok`
//! line continues with `<start_ns> <end_ns>` per task in order, read from `CLOCK_MONOTONIC`,
//! which every process shares, so the coordinator records them as they are. A timeline row is
//! a worker process.

use super::recorder::now_ns;
use super::ModelError;
use super::{Dispenser, Job, Model, Outcome, Spawns};
use crate::kernel::user_code::UserCode;
use crate::kernel::{self, data_checksum, KernelError, Params, Task};
use crate::measure::{fork_exec, wait_child};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub struct Processes;

/// The hidden subcommand the workers run.
pub const WORKER_COMMAND: &str = "__worker";

struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Model for Processes {
    fn name(&self) -> &str {
        "processes"
    }
    fn about(&self) -> &str {
        "N worker processes (parabench re-executed), task chunks and results over pipes (Pool)"
    }
    fn timeline_worker(&self) -> &str {
        "process"
    }
    fn spawns(&self) -> Spawns {
        Spawns::Processes
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        job.task()?;
        let start = Instant::now();
        let mut workers = Vec::new();
        let started = start_workers(job, &mut workers);
        let setup_s = start.elapsed().as_secs_f64();
        let result = started.and_then(|()| feed(job, &mut workers));
        // Close every stdin first, so the workers wind down side by side, then reap them all
        // (also after an error).
        for w in workers.iter_mut() {
            w.stdin.take();
        }
        let mut rss = 0;
        let mut exit_problem = None;
        for (n, w) in workers.iter_mut().enumerate() {
            // A worker's last line, once its stdin closes, is its run-queue wait.
            match read_farewell(&mut w.stdout) {
                Some(ns) => job.waits.add_ns(ns),
                None => job.waits.mark_missing(),
            }
            match wait_child(&w.child) {
                Ok(exit) => {
                    rss += exit.max_rss_kb;
                    if !exit.success() && exit_problem.is_none() {
                        exit_problem = Some(format!(
                            "worker process {n}: {}{}",
                            exit.describe(),
                            stderr_tail(&mut w.child)
                        ));
                    }
                }
                Err(e) => exit_problem = Some(format!("failed to wait for worker {n}: {e}")),
            }
        }
        let checksum = match (result, exit_problem) {
            (Ok(sum), None) => sum,
            (Err(e), Some(p)) => return Err(ModelError::Worker(format!("{e}; {p}"))),
            (Err(e), None) => return Err(e),
            (Ok(_), Some(p)) => return Err(ModelError::Worker(p)),
        };
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            workers_rss_kb: Some(rss),
            ..Outcome::default()
        })
    }
}

fn start_workers(job: &Job, workers: &mut Vec<Worker>) -> Result<(), ModelError> {
    let exe = std::env::current_exe()
        .map_err(|e| ModelError::Setup(format!("cannot find parabench itself: {e}")))?;
    let params = serde_json::to_string(job.params).map_err(|e| ModelError::Setup(e.to_string()))?;
    // Each worker loads the user's library itself (and runs its init hook), as it prepares a
    // built-in kernel.
    let code = job
        .code
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ModelError::Setup(e.to_string()))?;
    for n in 0..job.workers {
        let mut cmd = Command::new(&exe);
        cmd.arg(WORKER_COMMAND).arg(job.kernel).arg(&params);
        if let Some(code) = &code {
            cmd.arg("--code").arg(code);
        }
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A panic's message, not a backtrace, belongs in the `error` column.
            .env("RUST_BACKTRACE", "0");
        let mut child = fork_exec(&mut cmd)
            .spawn()
            .map_err(|e| ModelError::Setup(format!("failed to start worker process {n}: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(ModelError::Setup("worker pipes were not created".into()));
        };
        workers.push(Worker {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
        });
    }
    for (n, w) in workers.iter_mut().enumerate() {
        let mut line = String::new();
        w.stdout
            .read_line(&mut line)
            .map_err(|e| ModelError::Setup(format!("worker {n} did not start: {e}")))?;
        if line.trim() != "ready" {
            return Err(ModelError::Setup(format!(
                "worker {n} did not start: {}",
                line.trim()
            )));
        }
    }
    Ok(())
}

/// Hands out chunks from a shared counter, one coordinator thread per worker.
fn feed(job: &Job, workers: &mut [Worker]) -> Result<u64, ModelError> {
    let chunk = job.tasks.div_ceil(4 * job.workers).max(1);
    let timed = if job.recorder.is_some() { " timed" } else { "" };
    let tasks = Dispenser::new(job.tasks);
    let failed = AtomicBool::new(false);
    let sums = std::thread::scope(|scope| {
        let handles: Vec<_> = workers
            .iter_mut()
            .enumerate()
            .map(|(n, w)| {
                let (tasks, failed) = (&tasks, &failed);
                scope.spawn(move || {
                    let sum = feed_one(job, w, n, chunk, timed, tasks, failed);
                    job.thread_done();
                    sum
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ModelError::Worker("coordinator thread panicked".into()))
                })
            })
            .collect::<Vec<_>>()
    });
    let mut checksum = 0u64;
    for s in sums {
        checksum = checksum.wrapping_add(s?);
    }
    Ok(checksum)
}

/// One coordinator thread: sends worker `n` chunks until none are left or a worker failed.
fn feed_one(
    job: &Job,
    w: &mut Worker,
    n: usize,
    chunk: u64,
    timed: &str,
    tasks: &Dispenser,
    failed: &AtomicBool,
) -> Result<u64, ModelError> {
    let mut sum = 0u64;
    let mut reply = Reply::default();
    let stdin = w
        .stdin
        .as_mut()
        .ok_or_else(|| ModelError::Worker("worker stdin closed".into()))?;
    while !failed.load(Ordering::Relaxed) {
        let Some(range) = tasks.next_chunk(chunk) else {
            break;
        };
        let (start, end) = (range.start, range.end);
        let sent = writeln!(stdin, "{start} {end}{timed}").and_then(|()| stdin.flush());
        let got = match sent {
            Ok(()) => reply.read(&mut w.stdout, n),
            Err(_) => Err(None),
        };
        let got = got.map_err(|e| {
            e.unwrap_or_else(|| {
                ModelError::Worker(format!(
                    "worker process {n} died during tasks {start}..{end}"
                ))
            })
        });
        match got {
            Ok(s) => {
                sum = sum.wrapping_add(s);
                if let Some(r) = &job.recorder {
                    for (k, &(t0, t1)) in reply.times.iter().enumerate() {
                        r.record(n, start + k as u64, t0, t1);
                    }
                }
            }
            Err(e) => {
                failed.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
    }
    Ok(sum)
}

/// The coordinator's side of one chunk's answer; its buffers are reused from chunk to chunk.
#[derive(Default)]
struct Reply {
    line: String,
    bytes: Vec<u8>,
    /// Start and end of each task of a timed chunk (monotonic nanoseconds).
    times: Vec<(u64, u64)>,
}

impl Reply {
    /// Reads data frames and the closing line; returns the chunk's checksum (the worker's sum
    /// plus the checksums of the bytes received). `Err(None)`: the worker is gone; an `err`
    /// line is the task's own failure, relayed.
    fn read(
        &mut self,
        from: &mut BufReader<ChildStdout>,
        n: usize,
    ) -> Result<u64, Option<ModelError>> {
        let mut received = 0u64;
        self.times.clear();
        loop {
            self.line.clear();
            match from.read_line(&mut self.line) {
                Ok(0) | Err(_) => return Err(None),
                Ok(_) => {}
            }
            let line = self.line.trim_end();
            if let Some(len) = line.strip_prefix("data ") {
                let len: usize = len.parse().map_err(|_| {
                    Some(ModelError::Worker(format!(
                        "worker {n} sent a bad frame: {line}"
                    )))
                })?;
                self.bytes.resize(len, 0);
                from.read_exact(&mut self.bytes).map_err(|_| None)?;
                received = received.wrapping_add(data_checksum(&self.bytes));
            } else if let Some(rest) = line.strip_prefix("ok ") {
                let mut fields = rest.split(' ').map(str::parse::<u64>);
                let bad = || {
                    Some(ModelError::Worker(format!(
                        "worker {n} sent a bad reply: {line}"
                    )))
                };
                let sum = fields.next().and_then(Result::ok).ok_or_else(bad)?;
                while let Some(t0) = fields.next() {
                    match (t0, fields.next()) {
                        (Ok(t0), Some(Ok(t1))) => self.times.push((t0, t1)),
                        _ => return Err(bad()),
                    }
                }
                return Ok(sum.wrapping_add(received));
            } else if let Some(msg) = line.strip_prefix("err ") {
                return Err(Some(ModelError::Task(KernelError::Task(msg.to_string()))));
            } else {
                return Err(Some(ModelError::Worker(format!(
                    "worker {n} sent an unexpected line: {line}"
                ))));
            }
        }
    }
}

/// Reads up to the worker's `bye <run-queue wait ns>` line (skipping anything left over from
/// a failed chunk); `None` if it never comes or cannot say.
fn read_farewell(from: &mut BufReader<ChildStdout>) -> Option<u64> {
    let mut line = String::new();
    loop {
        line.clear();
        if from.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(ns) = line.trim_end().strip_prefix("bye ") {
            return ns.parse().ok();
        }
    }
}

fn stderr_tail(child: &mut Child) -> String {
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    let tail: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("note: "))
        .rev()
        .take(3)
        .collect();
    if tail.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )
    }
}

/// The worker side: prepare the kernel (or load the user's library, `code`), say `ready`, run
/// chunks until stdin closes.
pub fn worker_main(
    kernel_name: &str,
    params_json: &str,
    code_json: Option<&str>,
) -> Result<(), ModelError> {
    // Tasks run off the main thread, as in every other model (see `off_main_thread`).
    crate::measure::off_main_thread("parabench-worker", || {
        worker_tasks(kernel_name, params_json, code_json)
    })
    .map_err(|e| ModelError::Worker(e.to_string()))?
}

fn worker_tasks(
    kernel_name: &str,
    params_json: &str,
    code_json: Option<&str>,
) -> Result<(), ModelError> {
    let params: Params = serde_json::from_str(params_json)
        .map_err(|e| ModelError::Worker(format!("bad worker parameters: {e}")))?;
    let code: Option<UserCode> = code_json
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ModelError::Worker(format!("bad worker code: {e}")))?;
    let task = kernel::prepare_task(kernel_name, code.is_none(), code.as_ref(), &params)?
        .ok_or_else(|| ModelError::Worker(format!("kernel `{kernel_name}` has no native task")))?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let io = |e: std::io::Error| ModelError::Worker(e.to_string());
    writeln!(out, "ready")
        .and_then(|()| out.flush())
        .map_err(io)?;
    for line in stdin.lock().lines() {
        let line = line.map_err(io)?;
        let mut parts = line.split_whitespace();
        let range = match (parts.next().map(str::parse), parts.next().map(str::parse)) {
            (Some(Ok(a)), Some(Ok(b))) => Some(a..b),
            _ => None,
        };
        let timed = parts.next() == Some("timed");
        let reply = match range {
            Some(range) => match run_chunk(task.as_ref(), range, timed, &mut out) {
                Ok(tail) => format!("ok {tail}"),
                Err(e) => format!("err {}", e.to_string().replace('\n', " ")),
            },
            None => format!("err bad request `{line}`"),
        };
        writeln!(out, "{reply}")
            .and_then(|()| out.flush())
            .map_err(io)?;
    }
    // The coordinator closed stdin: the run is over. Its last line is this process's
    // run-queue wait (`bye -` if it cannot be read).
    let wait = crate::measure::sched::thread_runq_wait_ns().map_or("-".into(), |ns| ns.to_string());
    writeln!(out, "bye {wait}")
        .and_then(|()| out.flush())
        .map_err(io)?;
    Ok(())
}

/// Runs one chunk in a worker; data tasks write their frames to `out` as they go. Returns the
/// `ok` line's fields: the checksum, then each task's start and end when `timed`.
fn run_chunk(
    task: &dyn Task,
    range: std::ops::Range<u64>,
    timed: bool,
    out: &mut impl Write,
) -> Result<String, ModelError> {
    use std::fmt::Write as _;
    let data = task.returns_data();
    let mut sum = 0u64;
    let mut times = String::new();
    for i in range {
        let t0 = if timed { now_ns() } else { 0 };
        if data {
            let bytes = task.data(i)?;
            let t1 = if timed { now_ns() } else { 0 };
            writeln!(out, "data {}", bytes.len())
                .and_then(|()| out.write_all(&bytes))
                .map_err(|e| ModelError::Worker(format!("cannot send task {i}'s data: {e}")))?;
            if timed {
                let _ = write!(times, " {t0} {t1}");
            }
        } else {
            sum = sum.wrapping_add(task.run(i)?);
            if timed {
                let _ = write!(times, " {t0} {}", now_ns());
            }
        }
    }
    Ok(format!("{sum}{times}"))
}
