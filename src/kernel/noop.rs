//! `noop`: do nothing and return the task index — what remains is the model's own cost of
//! handing out a task and collecting its result (dispatch overhead per task).

use super::{Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Noop;

struct NoopTask;

impl Kernel for Noop {
    fn name(&self) -> &'static str {
        "noop"
    }
    fn about(&self) -> &'static str {
        "return at once: measures per-task dispatch overhead (checksum: the task index)"
    }
    fn kind(&self) -> Kind {
        Kind::Overhead
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn prepare(&self, _params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(NoopTask))
    }
}

impl Task for NoopTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        Ok(std::hint::black_box(index))
    }
}
