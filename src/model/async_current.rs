//! `async`: a tokio current-thread runtime with N worker tasks pulling indices — the asyncio
//! analogue. Waits overlap (N timers at once); CPU work runs on the one thread and blocks the
//! loop, exactly as it does in asyncio.

use super::{start_runtime, Job, Model, Outcome};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

pub struct Async;

impl Model for Async {
    fn name(&self) -> &str {
        "async"
    }
    fn about(&self) -> &str {
        "tokio current-thread runtime, at most N tasks in flight (asyncio: IO overlaps, CPU blocks)"
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let (rt, setup_s) = start_runtime(tokio::runtime::Builder::new_current_thread(), start)?;
        let local = tokio::task::LocalSet::new();
        let total = job.tasks;
        let next = Rc::new(Cell::new(0u64));
        let checksum = local.block_on(&rt, async {
            let mut handles = Vec::new();
            for _ in 0..job.workers.min(total.max(1)) {
                let next = next.clone();
                let task = task.clone();
                handles.push(tokio::task::spawn_local(async move {
                    let mut sum = 0u64;
                    loop {
                        let i = next.get();
                        if i >= total {
                            return Ok::<u64, String>(sum);
                        }
                        next.set(i + 1);
                        sum = sum.wrapping_add(task.clone().run_async(i).await?);
                    }
                }));
            }
            let mut checksum = 0u64;
            for h in handles {
                let sum = h.await.map_err(|e| format!("async task failed: {e}"))??;
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
