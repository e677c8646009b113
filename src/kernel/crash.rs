//! `crash`: task `at` panics (or, with `abort = 1`, aborts the whole process) on purpose —
//! a fault injected to show isolation. A panic in a thread only fails the run; an abort in a
//! thread takes down the process that owns it, while an abort inside a worker process of the
//! `processes` model leaves the coordinator standing to report it.

use super::{int, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Crash;

struct CrashTask {
    at: u64,
    abort: bool,
}

impl Kernel for Crash {
    fn name(&self) -> &'static str {
        "crash"
    }
    fn about(&self) -> &'static str {
        "task `at` panics, or aborts its process when `abort = 1`; others return their index (fault isolation)"
    }
    fn kind(&self) -> Kind {
        Kind::Overhead
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[
            ParamSpec {
                name: "at",
                about: "index of the task that crashes",
                default: 0,
                min: 0,
                max: i64::MAX,
            },
            ParamSpec {
                name: "abort",
                about: "0 = panic (unwinds), 1 = abort the process",
                default: 0,
                min: 0,
                max: 1,
            },
        ]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(CrashTask {
            at: int(params, "at")? as u64,
            abort: int(params, "abort")? == 1,
        }))
    }
}

impl Task for CrashTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        if index == self.at {
            if self.abort {
                eprintln!("crash kernel: task {index} aborts its process on purpose");
                std::process::abort();
            }
            panic!("crash kernel: task {index} panicked on purpose");
        }
        Ok(index)
    }
}
