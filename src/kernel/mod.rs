//! Kernels: what one task does. Each kernel declares its parameters (with defaults and sane
//! limits) and prepares a [`Task`] that models call once per task index. Every task returns a
//! checksum; a run's checksum is the wrapping sum over its tasks, so every model must arrive at
//! the same number. Adding a kernel is one file here plus one line in [`KERNELS`].
//!
//! Most tasks compute their checksum where they run. A task that [returns
//! data](Task::returns_data) (`payload`) instead hands its bytes to the model, which carries
//! them back to its coordinator (by moving the buffer between threads, or through a pipe
//! between processes); the coordinator computes the checksum from what it received with
//! [`data_checksum`]. Models pick that path once per run, so the other kernels' per-task path
//! stays exactly as it was.
//!
//! A workload may run the user's own code instead ([`user_code`]): a Python function (only
//! the CPython harness runs it) or a function in a shared library ([`library`]), whose task
//! the native models run like any kernel's.

mod alloc;
mod crash;
pub mod exports;
mod file;
pub mod http;
pub mod library;
mod noop;
mod payload;
mod primes;
mod sleep;
mod spin;
pub mod user_code;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What went wrong in a kernel, as the models, the cell and validation see it. The text is
/// the kernel's own (it becomes a run's `error` column), so every variant displays only it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KernelError {
    /// The task could not be built for the workload's parameters: a parameter it cannot use,
    /// a library that does not load or whose init hook refused.
    #[error("{0}")]
    Setup(String),
    /// The kernel's service (the loopback HTTP server) could not start.
    #[error("{0}")]
    Service(String),
    /// One task failed (an IO error, a refused request, the library's own failure).
    #[error("{0}")]
    Task(String),
    /// The user's code cannot be used as written: a `function` that names no function, a
    /// `library` that is not a shared library of this machine.
    #[error("{0}")]
    Code(String),
    /// The workload names a kernel that is not built in.
    #[error("unknown kernel `{0}`")]
    Unknown(String),
}

/// Every built-in kernel, in the order `parabench list` shows them.
pub static KERNELS: &[&dyn Kernel] = &[
    &primes::Primes,
    &spin::Spin,
    &alloc::Alloc,
    &sleep::Sleep,
    &file::File,
    &http::Http,
    &noop::Noop,
    &payload::Payload,
    &crash::Crash,
];

/// Looks a built-in kernel up by name.
pub fn find(name: &str) -> Option<&'static dyn Kernel> {
    KERNELS.iter().copied().find(|k| k.name() == name)
}

/// The task a native model runs for a workload: the built-in kernel's, the user's library's,
/// or none (a kernel or Python function that only command models run).
pub fn prepare_task(
    kernel: &str,
    builtin: bool,
    code: Option<&user_code::UserCode>,
    params: &Params,
) -> Result<Option<Arc<dyn Task>>, KernelError> {
    if let Some(code) = code {
        return code.prepare(params);
    }
    if !builtin {
        return Ok(None);
    }
    let k = find(kernel).ok_or_else(|| KernelError::Unknown(kernel.to_string()))?;
    k.prepare(params).map(Some)
}

/// Names of all built-in kernels, for "expected one of" messages.
pub fn names() -> Vec<&'static str> {
    KERNELS.iter().map(|k| k.name()).collect()
}

/// Names of the built-in kernels the CPython models run ([`Kernel::cpython`]).
pub fn cpython_names() -> Vec<&'static str> {
    KERNELS
        .iter()
        .filter(|k| k.cpython())
        .map(|k| k.name())
        .collect()
}

/// The kind of work a kernel does, shown by `parabench list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cpu,
    Io,
    Overhead,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Io => "io",
            Kind::Overhead => "overhead",
        }
    }
}

/// A built-in kernel.
pub trait Kernel: Sync {
    fn name(&self) -> &'static str;
    fn about(&self) -> &'static str;
    fn kind(&self) -> Kind;
    /// Whether the shipped CPython models (`py-*`) run this kernel: `scenarios/python/
    /// kernels.py` implements it with the same checksums. Validation and `parabench list`
    /// read this; nothing else lists them.
    fn cpython(&self) -> bool {
        false
    }
    fn params(&self) -> &'static [ParamSpec];
    /// Builds the task from validated parameters (every declared parameter is present, plus
    /// those its [`Kernel::service`] provides).
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError>;

    /// Something that must run while the workload runs (e.g. a loopback server), started once
    /// per workload by the scheduler. Its parameters (e.g. `url`) are added to every task's.
    fn service(&self, _params: &Params) -> Result<Option<Service>, KernelError> {
        Ok(None)
    }

    /// Names of the parameters [`Kernel::service`] adds (usable as command placeholders).
    fn service_params(&self) -> &'static [&'static str] {
        &[]
    }

    /// A rough estimate of one task's seconds on one native worker, for `--dry-run`
    /// estimates and for balancing `--shard` slices. Only its order of magnitude matters.
    fn task_cost_s(&self, _params: &Params) -> f64 {
        1e-6
    }
}

/// A running helper of a workload; it stops when dropped.
pub struct Service {
    pub params: Params,
    pub guard: Box<dyn Send>,
}

/// One task, ready to run any number of times from any thread.
pub trait Task: Send + Sync + 'static {
    /// Runs task `index` on the calling thread (blocking) and returns its checksum.
    fn run(&self, index: u64) -> Result<u64, KernelError>;

    /// Runs task `index` inside an async runtime. The default runs the blocking body inline,
    /// which is exactly what CPU work does to an event loop: it blocks it. IO kernels override
    /// this with a real non-blocking version.
    fn run_async(self: Arc<Self>, index: u64) -> TaskFuture {
        Box::pin(async move { self.run(index) })
    }

    /// Whether a task's result is data for the coordinator ([`Task::data`]) rather than a
    /// checksum computed where the task ran. Models ask once per run.
    fn returns_data(&self) -> bool {
        false
    }

    /// The bytes task `index` hands back to the coordinator, which checksums them with
    /// [`data_checksum`]. Only called when [`Task::returns_data`] is true; [`Task::run`] of
    /// such a task is `data_checksum` of this, for models whose coordinator is the task's own
    /// thread (sequential).
    fn data(&self, index: u64) -> Result<Vec<u8>, KernelError> {
        Err(KernelError::Task(format!(
            "task {index} returns no data: this kernel computes its checksum where it runs"
        )))
    }
}

/// The checksum of one task's data, as the coordinator computes it from the bytes it
/// received: their CRC-32 (IEEE, as Python's `zlib.crc32`), so CPython models can compute the
/// same number at C speed.
pub fn data_checksum(bytes: &[u8]) -> u64 {
    u64::from(crc32fast::hash(bytes))
}

pub type TaskFuture = Pin<Box<dyn Future<Output = Result<u64, KernelError>> + Send>>;

/// A kernel parameter: an integer with a default and an allowed range.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub about: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

/// Parameter values by name, as given in the scenario (or defaulted).
pub type Params = BTreeMap<String, ParamValue>;

/// A parameter value. Built-in kernels take integers; external kernels may take anything a
/// command template can print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Float(v) => write!(f, "{v}"),
            ParamValue::Bool(v) => write!(f, "{v}"),
            ParamValue::Str(v) => f.write_str(v),
        }
    }
}

/// An integer parameter for estimates: its value, or `default` when absent or not an integer.
pub fn int_or(params: &Params, name: &str, default: i64) -> f64 {
    match params.get(name) {
        Some(ParamValue::Int(v)) => *v as f64,
        _ => default as f64,
    }
}

/// Reads an integer parameter that validation guarantees is present.
pub fn int(params: &Params, name: &str) -> Result<i64, KernelError> {
    match params.get(name) {
        Some(ParamValue::Int(v)) => Ok(*v),
        other => Err(KernelError::Setup(format!(
            "parameter `{name}` should be an integer, found {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Default parameters (kept small), plus those of the kernel's service, which stays up as
    /// long as the returned guard lives.
    fn defaults(k: &dyn Kernel) -> (Params, Option<Service>) {
        let mut p: Params = k
            .params()
            .iter()
            .map(|p| (p.name.to_string(), ParamValue::Int(p.default.min(1000))))
            .collect();
        let service = k.service(&p).unwrap();
        if let Some(s) = &service {
            p.extend(s.params.clone());
        }
        (p, service)
    }

    #[test]
    fn every_kernel_prepares_with_defaults_and_is_deterministic() {
        for k in KERNELS {
            let (params, _service) = defaults(*k);
            let task = k.prepare(&params).unwrap();
            assert_eq!(task.run(3), task.run(3), "kernel {}", k.name());
            for p in k.params() {
                assert!(
                    p.min <= p.default && p.default <= p.max,
                    "{}.{}",
                    k.name(),
                    p.name
                );
            }
        }
    }

    #[test]
    fn async_and_blocking_agree() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for k in KERNELS {
            let (params, _service) = defaults(*k);
            let task = k.prepare(&params).unwrap();
            let blocking = task.run(5);
            let asynced = rt.block_on(task.clone().run_async(5));
            assert_eq!(blocking, asynced, "kernel {}", k.name());
        }
    }
}
