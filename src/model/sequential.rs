//! `sequential`: one thread, a plain loop — the reference every other model is compared to.
//! The loop is its own coordinator: a `payload` task's bytes are checksummed where they were
//! made. Its timeline has one row, the thread.

use super::ModelError;
use super::{Job, Model, Outcome, Spawns};

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
    fn spawns(&self) -> Spawns {
        Spawns::Nothing
    }
    fn timeline_worker(&self) -> &str {
        "thread"
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let mut checksum = 0u64;
        match &job.recorder {
            None => {
                for i in 0..job.tasks {
                    checksum = checksum.wrapping_add(task.run(i)?);
                }
            }
            Some(r) => {
                for i in 0..job.tasks {
                    checksum = checksum.wrapping_add(r.time(0, i, || task.run(i))?);
                }
            }
        }
        Ok(Outcome {
            checksum: Some(checksum),
            ..Outcome::default()
        })
    }
}
