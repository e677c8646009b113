//! Command models: an external program per run, from a `[[model]]` table. The argv template's
//! placeholders (`{workers}`, `{tasks}`, `{kernel}`, `{workload}`, `{model}`, `{repeat}` and every
//! workload parameter) are replaced inside each argument — never re-split, never through a
//! shell unless `shell = true`. The program runs in the scenario file's folder. If its last
//! stdout line holds `elapsed_s=<float>` and/or `checksum=<int>`, both are recorded; the
//! optional `setup_s=`, `start_ns=`, `user_s=`, `sys_s=` and `runq_wait_s=` describe the
//! program's own measured window (see [`LastLine`]).
//!
//! In a run that records a timeline, the program finds a file name in [`TIMELINE_ENV`] and
//! may append one line per task to it: `<worker> <task> <start_ns> <end_ns>`, where `worker`
//! is any token naming what ran the task (a thread, a process, a slot) and the times are
//! `CLOCK_MONOTONIC` nanoseconds (Python's `time.monotonic_ns()`, Rust's `Instant`: the same
//! clock as parabench's on Linux). Workers become rows in order of their first task.

use super::ModelError;
use super::{Family, Job, Model, Outcome, ProgramWindow, Recorder, Spawns};
use crate::measure::{
    fork_exec, limit_file_size, read_back, scratch_file, wait_child, written, ChildExit,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Environment variable naming the file a command may write its per-task times to.
pub const TIMELINE_ENV: &str = "PARABENCH_TIMELINE";

/// The largest file a command may write, in MiB, unless the scenario's `output_limit_mb` or
/// [`OUTPUT_LIMIT_ENV`] says otherwise: its stdout and stderr (unlinked scratch files in the
/// temp folder, read after it exits), the timeline file, and any file of its own.
pub const DEFAULT_OUTPUT_LIMIT_MB: u64 = 1024;

/// Environment variable overriding every scenario's output limit (MiB; 0 lifts it).
pub const OUTPUT_LIMIT_ENV: &str = "PARABENCH_OUTPUT_LIMIT_MB";

/// The output limit in force and where it came from (for the message of a run that hits it).
fn output_limit(scenario_mb: Option<u64>) -> (u64, &'static str) {
    let env = std::env::var(OUTPUT_LIMIT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match (env, scenario_mb) {
        (Some(mb), _) => (mb, OUTPUT_LIMIT_ENV),
        (None, Some(mb)) => (mb, "output_limit_mb"),
        (None, None) => (DEFAULT_OUTPUT_LIMIT_MB, "output_limit_mb"),
    }
}

/// Placeholders every command template may use, besides the workload's parameters.
pub const BUILTIN_PLACEHOLDERS: &[&str] =
    &["workers", "tasks", "kernel", "workload", "model", "repeat"];

/// A resolved `[[model]]` with a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandModel {
    pub name: String,
    pub argv: Vec<String>,
    pub shell: bool,
    /// Folder the program runs in (the scenario file's folder).
    pub dir: PathBuf,
    pub description: String,
    /// The shipped CPython harness: append the workload as it takes it, `--kernel <name>` and
    /// `--<param> <value>` per parameter (`_` becomes `-`), or the user's function (see
    /// [`super::python::workload_args`]).
    #[serde(default)]
    pub pass_params: bool,
    /// Measure at this worker count only (a sequential program ignores the count).
    #[serde(default)]
    pub fixed_workers: Option<u64>,
    /// What the program starts per worker, when known (the shipped CPython models).
    #[serde(default = "unknown_spawns")]
    pub spawns: Spawns,
    /// Whether its CPU work runs in parallel (estimates only).
    #[serde(default = "yes")]
    pub cpu_parallel: bool,
    /// What one row of its timeline is, when known.
    #[serde(default)]
    pub timeline_worker: Option<String>,
    /// The scenario's `output_limit_mb` (`None`: [`DEFAULT_OUTPUT_LIMIT_MB`]).
    #[serde(default)]
    pub output_limit_mb: Option<u64>,
    /// `cpython` for the shipped CPython models, `command` for a `[[model]]` table.
    #[serde(default = "command_family")]
    pub family: Family,
}

fn command_family() -> Family {
    Family::Command
}

fn unknown_spawns() -> Spawns {
    Spawns::Unknown
}

fn yes() -> bool {
    true
}

impl Model for CommandModel {
    fn name(&self) -> &str {
        &self.name
    }
    fn about(&self) -> &str {
        &self.description
    }
    fn fixed_workers(&self) -> Option<u64> {
        self.fixed_workers
    }
    fn timeline_worker(&self) -> &str {
        self.timeline_worker.as_deref().unwrap_or("worker")
    }
    fn spawns(&self) -> Spawns {
        self.spawns
    }
    fn family(&self) -> Family {
        self.family
    }
    fn cpu_parallel(&self) -> bool {
        self.cpu_parallel
    }
    fn tallies_threads(&self) -> bool {
        false
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let argv = self.argv(job)?;
        let mut cmd = self.command(&argv)?;
        // Output goes to unlinked files read after the program exits: no pipe, and so no
        // reader thread of parabench's, wakes while the run is measured.
        let scratch = || scratch_file().map_err(|e| ModelError::Setup(e.to_string()));
        let (out_file, err_file) = (scratch()?, scratch()?);
        let to = |f: &std::fs::File| {
            f.try_clone().map(Stdio::from).map_err(|e| {
                ModelError::Command(format!("cannot pass an output file to the command: {e}"))
            })
        };
        cmd.current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(to(&out_file)?)
            .stderr(to(&err_file)?);
        let (limit_mb, limit_from) = output_limit(self.output_limit_mb);
        let limit_bytes = (limit_mb > 0).then(|| limit_mb.saturating_mul(1 << 20));
        if let Some(bytes) = limit_bytes {
            limit_file_size(&mut cmd, bytes);
        }
        let timeline = job.recorder.as_ref().map(|_| timeline_file());
        if let Some(path) = &timeline {
            let _ = std::fs::remove_file(path);
            cmd.env(TIMELINE_ENV, path);
        }
        let child = fork_exec(&mut cmd).spawn().map_err(|e| {
            ModelError::Command(format!("failed to start `{}`: {e}", argv.join(" ")))
        })?;
        drop(cmd); // closes parabench's copies of the output files' descriptors
        let exit = wait_child(&child)
            .map_err(|e| ModelError::Command(format!("failed to wait for the command: {e}")))?;
        if let Some(bytes) = limit_bytes {
            if let Some(which) = over_limit(&out_file, &err_file, bytes, &exit) {
                if let Some(path) = &timeline {
                    let _ = std::fs::remove_file(path);
                }
                return Err(ModelError::Command(format!(
                    "the command hit the output limit: {which} reached {limit_mb} MiB ({}); \
                     raise {limit_from} (0: no limit) or send the output elsewhere, \
                     e.g. `> /dev/null` with shell = true",
                    exit.describe()
                )));
            }
        }
        let out = read_back(out_file);
        let err_text = read_back(err_file);
        if !exit.success() {
            if let Some(reason) = self.harness_failure(job, &exit, &err_text) {
                return Err(ModelError::Command(reason));
            }
            return Err(ModelError::Command(format!(
                "command failed: {}{}",
                exit.describe(),
                tail(&err_text, " stderr: ")
            )));
        }
        if let (Some(path), Some(recorder)) = (&timeline, &job.recorder) {
            if let Ok(file) = std::fs::File::open(path) {
                read_timeline(std::io::BufReader::new(file), recorder);
            }
            let _ = std::fs::remove_file(path);
        }
        let line = parse_last_line(&out)?;
        Ok(Outcome {
            checksum: line.checksum,
            setup_s: 0.0,
            reported_s: line.elapsed_s,
            workers_rss_kb: Some(exit.max_rss_kb),
            program: Some(line.window()),
        })
    }
}

impl CommandModel {
    /// The command line for `job`: `{key}` placeholders filled from the job and its
    /// parameters, then the workload's arguments when `pass_params` is set.
    fn argv(&self, job: &Job) -> Result<Vec<String>, ModelError> {
        let mut values: BTreeMap<&str, String> = BTreeMap::new();
        values.insert("workers", job.workers.to_string());
        values.insert("tasks", job.tasks.to_string());
        values.insert("kernel", job.kernel.to_string());
        values.insert("workload", job.workload.to_string());
        values.insert("model", job.model.to_string());
        values.insert("repeat", job.repeat.to_string());
        for (k, v) in job.params {
            values.insert(k, v.to_string());
        }
        let mut argv = self
            .argv
            .iter()
            .map(|a| substitute(a, &values))
            .collect::<Result<Vec<_>, _>>()?;
        if self.pass_params {
            argv.extend(super::python::workload_args(job)?);
        }
        Ok(argv)
    }

    /// The process to start: `sh -c` with the joined line when `shell` is set, else the
    /// program (resolved against the scenario's folder) and its arguments.
    fn command(&self, argv: &[String]) -> Result<Command, ModelError> {
        Ok(if self.shell {
            let mut c = Command::new("sh");
            c.arg("-c").arg(argv.join(" "));
            c
        } else {
            let program = argv
                .first()
                .ok_or_else(|| ModelError::Command("the command is empty".into()))?;
            let mut c = Command::new(
                resolve_program(program, &self.dir).map_err(|e| ModelError::Command(e.into()))?,
            );
            c.args(&argv[1..]);
            c
        })
    }

    /// Why the shipped harness failed a user's function: its last stderr line, which names
    /// the function, the task, the exception and the user's own `file:line` (the lines before
    /// it are whatever the function printed). `None` for anything else.
    fn harness_failure(&self, job: &Job, exit: &ChildExit, stderr: &str) -> Option<String> {
        let function = job.code.is_some_and(|c| c.is_function());
        if !(self.pass_params && function && exit.exit_code() == Some(1)) {
            return None;
        }
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
        Some(crate::text::shorten(last.trim(), ERROR_LINE_CHARS))
    }
}

/// What reached the output limit of `bytes`, if anything: the command's stdout, its stderr,
/// or (killed by SIGXFSZ) a file it wrote.
fn over_limit(
    out_file: &std::fs::File,
    err_file: &std::fs::File,
    bytes: u64,
    exit: &ChildExit,
) -> Option<&'static str> {
    if written(out_file) >= bytes {
        Some("its stdout")
    } else if written(err_file) >= bytes {
        Some("its stderr")
    } else if exit.signal() == Some(libc::SIGXFSZ) {
        Some("a file it wrote")
    } else {
        None
    }
}

/// A fresh file name for one run's per-task times.
fn timeline_file() -> PathBuf {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("parabench-timeline-{}-{n}.txt", std::process::id()))
}

/// The longest line of a timeline file that is read; longer ones are skipped.
const TIMELINE_LINE_BYTES: usize = 256;

/// How far a timeline file is read at least (lines beyond the slots are never kept, so this
/// bounds only the time spent on a program that writes far more than one line per task).
const TIMELINE_READ_BYTES: u64 = 64 << 20;

/// Records the `<worker> <task> <start_ns> <end_ns>` lines a command wrote; worker names
/// become indices in the order of their first task. Malformed lines are skipped: a timeline is
/// an extra, never a reason to fail a run. Memory stays bounded whatever the program wrote:
/// the file is streamed, lines longer than [`TIMELINE_LINE_BYTES`] are skipped, and reading
/// stops after as many accepted lines as the recorder has slots (or after that many longest
/// lines' worth of bytes, and at least [`TIMELINE_READ_BYTES`]).
pub fn read_timeline(input: impl std::io::BufRead, recorder: &Recorder) {
    let slots = recorder.capacity();
    let mut names: std::collections::HashMap<String, usize> = Default::default();
    // Per worker index: its name and its first task's start.
    let mut first: Vec<(String, u64)> = Vec::new();
    let mut tasks: Vec<(usize, u64, u64, u64)> = Vec::new();
    let max_bytes = slots
        .saturating_mul(TIMELINE_LINE_BYTES as u64)
        .max(TIMELINE_READ_BYTES);
    for_each_line(input, TIMELINE_LINE_BYTES, max_bytes, |line| {
        let Ok(line) = std::str::from_utf8(line) else {
            return true;
        };
        let mut f = line.split_whitespace();
        let parsed = (|| {
            let worker = f.next()?;
            let mut num = || f.next()?.parse::<u64>().ok();
            let (task, t0, t1) = (num()?, num()?, num()?);
            Some((worker, task, t0, t1))
        })();
        let Some((worker, task, t0, t1)) = parsed.filter(|p| p.1 < slots) else {
            return true;
        };
        let id = *names.entry(worker.to_string()).or_insert_with(|| {
            first.push((worker.to_string(), t0));
            first.len() - 1
        });
        first[id].1 = first[id].1.min(t0);
        tasks.push((id, task, t0, t1));
        (tasks.len() as u64) < slots
    });
    let mut order: Vec<usize> = (0..first.len()).collect();
    order.sort_by(|&a, &b| (first[a].1, &first[a].0).cmp(&(first[b].1, &first[b].0)));
    let mut row = vec![0; first.len()];
    for (r, &id) in order.iter().enumerate() {
        row[id] = r;
    }
    for (id, task, t0, t1) in tasks {
        recorder.record(row[id], task, t0, t1);
    }
}

/// Calls `f` with each line of `input` (without its `\n`) until it returns false, skipping
/// lines longer than `max_line` bytes without holding them, and stopping after `max_bytes`.
fn for_each_line(
    mut input: impl std::io::BufRead,
    max_line: usize,
    max_bytes: u64,
    mut f: impl FnMut(&[u8]) -> bool,
) {
    let mut line: Vec<u8> = Vec::with_capacity(max_line);
    let (mut too_long, mut read) = (false, 0u64);
    loop {
        let (used, ended) = match input.fill_buf() {
            Ok(buf) if !buf.is_empty() => {
                let newline = buf.iter().position(|&b| b == b'\n');
                let part = &buf[..newline.unwrap_or(buf.len())];
                if !too_long && line.len() + part.len() <= max_line {
                    line.extend_from_slice(part);
                } else {
                    too_long = true;
                    line.clear();
                }
                (newline.map_or(buf.len(), |i| i + 1), newline.is_some())
            }
            _ => break,
        };
        input.consume(used);
        read += used as u64;
        if ended {
            if !too_long && !f(&line) {
                return;
            }
            line.clear();
            too_long = false;
        }
        if read >= max_bytes {
            return;
        }
    }
    if !too_long && !line.is_empty() {
        f(&line);
    }
}

/// The longest stderr line quoted in a run's error (a longer one keeps both its ends).
const ERROR_LINE_CHARS: usize = 300;

/// The last lines of some output, one line, prefixed; empty when there is none.
fn tail(text: &str, prefix: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| crate::text::shorten(l.trim_end(), ERROR_LINE_CHARS))
        .collect();
    let start = lines.len().saturating_sub(3);
    if lines.is_empty() {
        String::new()
    } else {
        format!("{prefix}{}", lines[start..].join(" | "))
    }
}

/// What a command may print on its last stdout line, as `key=value` pairs in any order; every
/// one is optional, and other keys are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LastLine {
    /// `elapsed_s=`: its own timing of the work, interpreter start-up excluded.
    pub elapsed_s: Option<f64>,
    /// `checksum=`: compared across models.
    pub checksum: Option<u64>,
    /// `setup_s=`: start-up of its pool, threads or event loop inside `elapsed_s`.
    pub setup_s: Option<f64>,
    /// `start_ns=`: when its measured window began, in CLOCK_MONOTONIC nanoseconds (Python's
    /// `time.monotonic_ns()`); parabench subtracts the moment it started the program.
    pub start_ns: Option<u64>,
    /// `user_s=`, `sys_s=`: CPU time over its window, its threads and worker processes
    /// included. Used only when both are given.
    pub user_s: Option<f64>,
    pub sys_s: Option<f64>,
    /// `runq_wait_s=`: time its threads and processes waited for a CPU over its window.
    pub runq_wait_s: Option<f64>,
}

impl LastLine {
    /// What the line says about the program's own measured window.
    pub fn window(&self) -> ProgramWindow {
        ProgramWindow {
            setup_s: self.setup_s,
            start_ns: self.start_ns,
            cpu_s: self.user_s.zip(self.sys_s),
            runq_wait_s: self.runq_wait_s,
        }
    }
}

/// Reads the last non-empty stdout line (see [`LastLine`]). A line without any `key=value`
/// pair is not an error (the program just reports nothing); a malformed value is.
pub fn parse_last_line(out: &str) -> Result<LastLine, ModelError> {
    let mut line = LastLine::default();
    let Some(last) = out.lines().rev().find(|l| !l.trim().is_empty()) else {
        return Ok(line);
    };
    let seconds = |k: &str, v: &str| {
        v.parse::<f64>()
            .ok()
            .filter(|e| e.is_finite() && *e >= 0.0)
            .ok_or_else(|| {
                format!("the command printed `{k}={v}`: expected seconds as a number >= 0")
            })
    };
    for pair in last.split_whitespace() {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        match k {
            "elapsed_s" => line.elapsed_s = Some(seconds(k, v).map_err(ModelError::Command)?),
            "setup_s" => line.setup_s = Some(seconds(k, v).map_err(ModelError::Command)?),
            "user_s" => line.user_s = Some(seconds(k, v).map_err(ModelError::Command)?),
            "sys_s" => line.sys_s = Some(seconds(k, v).map_err(ModelError::Command)?),
            "runq_wait_s" => line.runq_wait_s = Some(seconds(k, v).map_err(ModelError::Command)?),
            "start_ns" => {
                line.start_ns = Some(v.parse::<u64>().map_err(|_| {
                    ModelError::Command(format!("the command printed `start_ns={v}`: expected CLOCK_MONOTONIC nanoseconds, an integer >= 0"))
                })?);
            }
            "checksum" => {
                let c = v
                    .parse::<u64>()
                    .or_else(|_| v.parse::<i64>().map(|i| i as u64));
                line.checksum = Some(c.map_err(|_| {
                    ModelError::Command(format!(
                        "the command printed `checksum={v}`: expected an integer"
                    ))
                })?);
            }
            _ => {}
        }
    }
    Ok(line)
}

/// Placeholder names used in a template argument (`{{` and `}}` are literal braces).
pub fn placeholders(arg: &str) -> Result<Vec<String>, ModelError> {
    let mut names = Vec::new();
    let mut rest = arg;
    while let Some(i) = rest.find(['{', '}']) {
        let after = &rest[i + 1..];
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            rest = &rest[i + 2..];
            continue;
        }
        if rest.as_bytes()[i] == b'}' {
            return Err(ModelError::Command(format!(
                "unmatched `}}` in `{arg}`: write `}}}}` for a literal brace"
            )));
        }
        let end = after.find('}').ok_or_else(|| {
            ModelError::Command(format!(
                "unclosed `{{` in `{arg}`: write `{{{{` for a literal brace"
            ))
        })?;
        names.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    Ok(names)
}

/// Replaces placeholders inside one argument; the result stays one argument.
pub fn substitute(arg: &str, values: &BTreeMap<&str, String>) -> Result<String, ModelError> {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            out.push_str(&rest[i..i + 1]);
            rest = &rest[i + 2..];
            continue;
        }
        let after = &rest[i + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| ModelError::Command(format!("unclosed `{{` in `{arg}`")))?;
        let name = &after[..end];
        let value = values.get(name).ok_or_else(|| {
            ModelError::Command(format!("unknown placeholder `{{{name}}}` in `{arg}`"))
        })?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A program that is not where its name says: what is wrong and the fix, apart so that a
/// scenario error can show them on lines of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub message: String,
    pub fix: String,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.message, self.fix)
    }
}

impl From<NotFound> for String {
    fn from(e: NotFound) -> String {
        e.to_string()
    }
}

/// Finds the program: a path with a slash is taken relative to `dir`; a bare name is looked up
/// on PATH. The error says which and how to fix it.
pub fn resolve_program(program: &str, dir: &Path) -> Result<PathBuf, NotFound> {
    if program.contains('/') {
        let path = dir.join(program);
        if path.is_file() {
            Ok(path)
        } else {
            let shown = dir.join(program.trim_start_matches("./"));
            Err(NotFound {
                message: format!("program `{program}` not found"),
                fix: format!(
                    "looked for {}; relative paths start at the scenario file's folder",
                    shown.display()
                ),
            })
        }
    } else {
        let path_var = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path_var)
            .map(|d| d.join(program))
            .find(|p| is_executable(p))
            .ok_or_else(|| NotFound {
                message: format!("program `{program}` not found on PATH"),
                fix: "install it or give its full path".into(),
            })
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests;
