//! `async`: a tokio current-thread runtime running N in-flight slots (see [`super::slots`]) —
//! the asyncio analogue. Waits overlap (N timers at once); CPU work runs on the one thread and
//! blocks the loop, exactly as it does in asyncio. Timeline rows are the N slots, all on the
//! one thread: overlapping bars are waits, not parallel work.

use super::slots::in_flight;
use super::ModelError;
use super::{start_runtime, Job, Model, Outcome, Spawns};
use std::time::Instant;

pub struct Async;

impl Model for Async {
    fn name(&self) -> &str {
        "async"
    }
    fn about(&self) -> &str {
        "tokio current-thread runtime, at most N tasks in flight (asyncio: IO overlaps, CPU blocks)"
    }
    fn timeline_worker(&self) -> &str {
        "in-flight slot"
    }
    fn spawns(&self) -> Spawns {
        Spawns::Coroutines
    }
    fn cpu_parallel(&self) -> bool {
        false
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let start = Instant::now();
        let (rt, setup_s) =
            start_runtime(tokio::runtime::Builder::new_current_thread(), start, job)?;
        let checksum = rt.block_on(in_flight(job, task))?;
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            ..Outcome::default()
        })
    }
}
