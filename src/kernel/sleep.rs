//! `sleep`: wait `ms` milliseconds — the stand-in for any slow IO. Thread models block in
//! `thread::sleep`; async models await a timer, so one thread can wait on thousands at once.

use super::{int, int_or, Kernel, KernelError, Kind, ParamSpec, Params, Task, TaskFuture};
use std::sync::Arc;
use std::time::Duration;

pub struct Sleep;

struct SleepTask {
    ms: u64,
}

impl Kernel for Sleep {
    fn name(&self) -> &'static str {
        "sleep"
    }
    fn about(&self) -> &'static str {
        "wait `ms` milliseconds: blocking sleep on threads, a timer in async models (checksum: ms)"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "ms",
            about: "milliseconds to wait per task",
            default: 10,
            min: 0,
            max: 3_600_000,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(SleepTask {
            ms: int(params, "ms")? as u64,
        }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        1e-3 * int_or(params, "ms", 10)
    }
}

impl Task for SleepTask {
    fn run(&self, _index: u64) -> Result<u64, KernelError> {
        std::thread::sleep(Duration::from_millis(self.ms));
        Ok(self.ms)
    }

    fn run_async(self: Arc<Self>, _index: u64) -> TaskFuture {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(self.ms)).await;
            Ok(self.ms)
        })
    }
}
