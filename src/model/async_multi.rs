//! `async-multi`: a tokio multi-thread runtime of min(N, cores) worker threads running N
//! in-flight slots (see [`super::slots`]) — async IO plus real parallelism for CPU work, with
//! tokio's work stealing. At most N tasks are in progress at once, as for every model; more
//! runtime threads than cores would only take turns on them. Timeline rows are the slots.

use super::slots::in_flight;
use super::ModelError;
use super::{start_runtime, Job, Model, Outcome, Spawns};
use std::time::Instant;

pub struct AsyncMulti;

impl Model for AsyncMulti {
    fn name(&self) -> &str {
        "async-multi"
    }
    fn about(&self) -> &str {
        "tokio multi-thread runtime of min(N, cores) threads, at most N tasks in flight"
    }
    fn timeline_worker(&self) -> &str {
        "in-flight slot"
    }
    fn spawns(&self) -> Spawns {
        // N slots, but never more OS threads than cores.
        Spawns::Coroutines
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let start = Instant::now();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads((job.workers as usize).clamp(1, cores));
        let (rt, setup_s) = start_runtime(builder, start, job)?;
        let checksum = rt.block_on(in_flight(job, task))?;
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            ..Outcome::default()
        })
    }
}
