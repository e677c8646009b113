//! `sequential`: one thread, a plain loop — the reference every other model is compared to.

use super::{Job, Model, Outcome};
use crate::kernel::run_range;

pub struct Sequential;

impl Model for Sequential {
    fn name(&self) -> &str {
        "sequential"
    }
    fn about(&self) -> &str {
        "one thread, a plain loop over the tasks (measured at 1 worker only)"
    }
    fn fixed_workers(&self) -> Option<u64> {
        Some(1)
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let checksum = run_range(job.task()?.as_ref(), 0..job.tasks)?;
        Ok(Outcome {
            checksum: Some(checksum),
            ..Outcome::default()
        })
    }
}
