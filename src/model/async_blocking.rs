//! `async-blocking`: an event loop that hands each task to tokio's blocking thread pool, with
//! at most N in flight — the `loop.run_in_executor` / `asyncio.to_thread` pattern.

use super::{start_runtime, sum_joined, Job, Model, Outcome};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub struct AsyncBlocking;

impl Model for AsyncBlocking {
    fn name(&self) -> &str {
        "async-blocking"
    }
    fn about(&self) -> &str {
        "tokio event loop sending each task to spawn_blocking, at most N in flight (run_in_executor)"
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.max_blocking_threads(job.workers as usize);
        let (rt, setup_s) = start_runtime(builder, start)?;
        let total = job.tasks;
        let next = Arc::new(AtomicU64::new(0));
        let checksum = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..job.workers.min(total.max(1)) {
                let next = next.clone();
                let task = task.clone();
                set.spawn(async move {
                    let mut sum = 0u64;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return Ok::<u64, String>(sum);
                        }
                        let task = task.clone();
                        let r = tokio::task::spawn_blocking(move || task.run(i))
                            .await
                            .map_err(|e| format!("blocking task failed: {e}"))??;
                        sum = sum.wrapping_add(r);
                    }
                });
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
