//! `async-multi`: a tokio multi-thread runtime with N worker threads and every task spawned
//! at once — async IO plus real parallelism for CPU work, with tokio's work stealing.

use super::{Job, Model, Outcome};
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
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(job.workers as usize)
            .enable_time()
            .enable_io()
            .build()
            .map_err(|e| format!("failed to start a tokio runtime: {e}"))?;
        let setup_s = start.elapsed().as_secs_f64();
        let checksum = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..job.tasks {
                set.spawn(task.clone().run_async(i));
            }
            let mut checksum = 0u64;
            while let Some(r) = set.join_next().await {
                let sum = r.map_err(|e| format!("async task failed: {e}"))??;
                checksum = checksum.wrapping_add(sum);
            }
            Ok::<u64, String>(checksum)
        })?;
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            ..Outcome::default()
        })
    }
}
