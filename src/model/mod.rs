//! Models: how a run's tasks are spread over workers. Each model owns its pool or runtime for
//! exactly one run (built inside the timed region, as `with Pool(n)` is in Python), reports how
//! long that start-up took, and returns the summed checksum. Adding a model is one file here
//! plus one line in [`MODELS`]; what the rest of parabench needs to know about a model (what
//! it starts per worker, whether CPU work runs in parallel, what a timeline row is) lives on
//! the [`Model`] trait. External programs become models through [`command`], the shipped
//! CPython models through the [`python::PY_MODELS`] table.
//!
//! A run that draws a timeline carries a [`Recorder`] in its [`Job`]; models time each task
//! with [`Job::timed`] (or hand times measured elsewhere to [`Recorder::record`]) and say in
//! [`Model::timeline_worker`] what a worker is for them.

mod async_blocking;
mod async_current;
mod async_multi;
pub mod command;
mod dispense;
pub mod processes;
pub mod python;
mod rayon_pool;
pub mod recorder;
mod sequential;
mod slots;
mod threads;

use crate::kernel::user_code::UserCode;
use crate::kernel::{KernelError, Params, Task};
use crate::measure::sched::RunQueueTally;
use command::CommandModel;
pub use dispense::Dispenser;
pub use recorder::Recorder;
use std::sync::Arc;

/// Every built-in model, in the order charts and `parabench list` show them.
pub static MODELS: &[&dyn Model] = &[
    &sequential::Sequential,
    &threads::Threads,
    &rayon_pool::Rayon,
    &processes::Processes,
    &async_current::Async,
    &async_multi::AsyncMulti,
    &async_blocking::AsyncBlocking,
];

/// Looks a built-in model up by name.
pub fn find(name: &str) -> Option<&'static dyn Model> {
    MODELS.iter().copied().find(|m| m.name() == name)
}

/// Looks a model up among a scenario's command models (`[[model]]` tables and the `py-*`
/// models it uses), then among the built-in ones.
pub fn lookup<'a>(name: &str, commands: &'a [CommandModel]) -> Option<&'a dyn Model> {
    match commands.iter().find(|c| c.name == name) {
        Some(c) => Some(c),
        None => find(name).map(|m| m as &dyn Model),
    }
}

/// Names of all built-in models, for defaults and "expected one of" messages.
pub fn names() -> Vec<&'static str> {
    MODELS.iter().map(|m| m.name()).collect()
}

pub use crate::record::{Family, Spawns, MAX_PROCESSES, MAX_THREADS};

/// Why a run of a model failed. The text is what the run's `error` column shows, so every
/// variant displays only its message (a kernel's error unchanged).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A task failed: its kernel's or library's error, as the kernel said it.
    #[error(transparent)]
    Task(#[from] KernelError),
    /// A worker died or broke off: a thread or async task that panicked, a worker process
    /// that crashed, closed its pipe or sent a bad frame.
    #[error("{0}")]
    Worker(String),
    /// The model could not start: its runtime, its worker processes, or a built-in kernel it
    /// needs and the workload does not have.
    #[error("{0}")]
    Setup(String),
    /// An external program failed: it could not start, exited non-zero, timed out, wrote too
    /// much, or its last line could not be read.
    #[error("{0}")]
    Command(String),
}

/// One run's worth of work, as a model sees it.
pub struct Job<'a> {
    /// The prepared kernel or library; `None` for external kernels and Python functions,
    /// which only command models run.
    pub task: Option<Arc<dyn Task>>,
    pub kernel: &'a str,
    /// The user's own code, when the workload runs it instead of a kernel.
    pub code: Option<&'a UserCode>,
    pub params: &'a Params,
    pub workload: &'a str,
    pub model: &'a str,
    pub tasks: u64,
    pub workers: u64,
    /// Index of this run within its cell (warmup runs count from 0 too).
    pub repeat: u32,
    /// Present only in the run that records a timeline (per-task worker, start and end).
    pub recorder: Option<Arc<Recorder>>,
    /// The run-queue wait of the run's threads: every thread a model starts for the run
    /// calls [`RunQueueTally::thread_done`] as its last act (see [`Job::thread_done`]).
    pub waits: Arc<RunQueueTally>,
}

impl Job<'_> {
    /// The prepared task, or an error for models that need a built-in kernel.
    pub fn task(&self) -> Result<&Arc<dyn Task>, ModelError> {
        self.task.as_ref().ok_or_else(|| {
            ModelError::Setup(format!(
                "model `{}` needs a built-in kernel, and `{}` is not one",
                self.model, self.kernel
            ))
        })
    }

    /// Called by every thread a model starts for the run, as its last act: adds the
    /// thread's run-queue wait to the run's.
    pub fn thread_done(&self) {
        self.waits.thread_done();
    }

    /// Runs task `index` on `worker` through `f`, timing it when this run records a timeline.
    #[inline]
    pub fn timed<T>(&self, worker: usize, index: u64, f: impl FnOnce() -> T) -> T {
        recorder::timed(self.recorder.as_deref(), worker, index, f)
    }
}

/// What a model reports about one run, beyond the wall time the caller measures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Wrapping sum of the task checksums; `None` when an external program reports none.
    pub checksum: Option<u64>,
    /// Seconds spent starting the pool, processes or runtime, inside the timed run.
    pub setup_s: f64,
    /// The program's own timing (`elapsed_s=` on its last line), for command models.
    pub reported_s: Option<f64>,
    /// Peak RSS summed over the run's worker processes (process and command models).
    pub workers_rss_kb: Option<u64>,
    /// What a command model's program said about its own measured window; `None` for
    /// native models.
    pub program: Option<ProgramWindow>,
}

/// A command's own account of its measured window (the optional fields of its last stdout
/// line, see [`command::LastLine`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProgramWindow {
    /// Start-up of its pool, threads or event loop inside the window (`setup_s=`).
    pub setup_s: Option<f64>,
    /// When its window began, on the monotonic clock (`start_ns=`).
    pub start_ns: Option<u64>,
    /// CPU time over the window: user, sys (`user_s=`, `sys_s=`).
    pub cpu_s: Option<(f64, f64)>,
    /// Run-queue wait over the window (`runq_wait_s=`).
    pub runq_wait_s: Option<f64>,
}

impl ProgramWindow {
    /// Seconds from the run's start (`run_started_ns` on the monotonic clock, where its wall
    /// time and timeline begin) to the program's window: the interpreter's start-up, which
    /// its own time leaves out. `None` without `start_ns`, or when it lies outside the run
    /// (another clock).
    pub fn interp_start_s(&self, run_started_ns: u64, wall_s: f64) -> Option<f64> {
        self.start_ns
            .and_then(|s| s.checked_sub(run_started_ns))
            .map(|ns| ns as f64 / 1e9)
            .filter(|s| *s <= wall_s)
    }
}

/// A concurrency model.
pub trait Model: Sync {
    fn name(&self) -> &str;
    fn about(&self) -> &str;
    /// Models that ignore the worker count (sequential) are measured at this count only.
    fn fixed_workers(&self) -> Option<u64> {
        None
    }
    /// What one row of this model's timeline is: "thread", "process", "slot" ... (the
    /// worker index models pass to [`Job::timed`]).
    fn timeline_worker(&self) -> &str {
        "worker"
    }
    /// What the model starts per worker (limits, estimates, the report's rule of thumb).
    fn spawns(&self) -> Spawns {
        Spawns::Threads
    }
    /// Built in, a shipped CPython model, or an external program.
    fn family(&self) -> Family {
        Family::Native
    }
    /// Whether CPU-bound tasks run on up to `workers` cores at once (false for one event
    /// loop, or threads behind CPython's GIL). For estimates only: measurements never assume it.
    fn cpu_parallel(&self) -> bool {
        true
    }
    /// Whether every thread and process the model starts adds its run-queue wait to
    /// [`Job::waits`] (false for external programs, whose threads parabench cannot see).
    fn tallies_threads(&self) -> bool {
        true
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError>;
}

/// Builds a tokio runtime inside the timed run; returns it with the seconds since `start`
/// (the run's setup time). Every thread the runtime starts adds its run-queue wait to the
/// run's when it stops; dropping the runtime waits for them.
fn start_runtime(
    mut builder: tokio::runtime::Builder,
    start: std::time::Instant,
    job: &Job,
) -> Result<(tokio::runtime::Runtime, f64), ModelError> {
    let waits = job.waits.clone();
    let rt = builder
        .on_thread_stop(move || waits.thread_done())
        .enable_time()
        .enable_io()
        .build()
        .map_err(|e| ModelError::Setup(format!("failed to start a tokio runtime: {e}")))?;
    Ok((rt, start.elapsed().as_secs_f64()))
}

/// Awaits every task in `set` and sums their checksums (the first error wins).
async fn sum_joined(
    mut set: tokio::task::JoinSet<Result<u64, ModelError>>,
) -> Result<u64, ModelError> {
    let mut checksum = 0u64;
    while let Some(r) = set.join_next().await {
        let sum = r.map_err(|e| ModelError::Worker(format!("async task failed: {e}")))??;
        checksum = checksum.wrapping_add(sum);
    }
    Ok(checksum)
}

/// Turns a panic payload into text for the `error` column.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A task that fails at index 3 with the kernel's own message.
    struct FailsAt3;
    impl Task for FailsAt3 {
        fn run(&self, index: u64) -> Result<u64, KernelError> {
            match index {
                3 => Err(KernelError::Task("task 3 could not read its file".into())),
                i => Ok(i),
            }
        }
    }

    #[test]
    fn a_failed_task_reaches_the_run_as_the_kernels_own_error() {
        let params = Params::new();
        for name in [
            "sequential",
            "threads",
            "rayon",
            "async",
            "async-multi",
            "async-blocking",
        ] {
            let model = find(name).unwrap();
            let job = Job {
                task: Some(Arc::new(FailsAt3)),
                kernel: "fails",
                code: None,
                params: &params,
                workload: "w",
                model: name,
                tasks: 8,
                workers: 2,
                repeat: 0,
                recorder: None,
                waits: Arc::default(),
            };
            let e = model.run(&job).unwrap_err();
            assert_eq!(
                e,
                ModelError::Task(KernelError::Task("task 3 could not read its file".into())),
                "{name}"
            );
            assert_eq!(e.to_string(), "task 3 could not read its file", "{name}");
        }
    }
}
