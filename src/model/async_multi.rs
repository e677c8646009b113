//! `async-multi`: a tokio multi-thread runtime with N worker threads and every task spawned
//! at once — async IO plus real parallelism for CPU work, with tokio's work stealing.

use super::{start_runtime, sum_joined, Job, Model, Outcome};
use std::time::Instant;

pub struct AsyncMulti;

impl Model for AsyncMulti {
    fn name(&self) -> &str {
        "async-multi"
    }
    fn about(&self) -> &str {
        "tokio multi-thread runtime with N worker threads; every task spawned at once"
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(job.workers as usize);
        let (rt, setup_s) = start_runtime(builder, start)?;
        let checksum = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..job.tasks {
                set.spawn(task.clone().run_async(i));
            }
            sum_joined(set).await
        })?;
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            ..Outcome::default()
        })
    }
}
