//! `async-blocking`: an event loop that hands each task to tokio's blocking thread pool, with
//! at most N in flight — the `loop.run_in_executor` / `asyncio.to_thread` pattern. A
//! `payload` task's buffer comes back to the event loop (the coordinator), which checksums
//! it. Timeline rows are the N in-flight slots; each bar is the task's time on a blocking
//! thread.

use super::recorder::{timed, Recorder};
use super::Dispenser;
use super::ModelError;
use super::{start_runtime, sum_joined, Job, Model, Outcome};
use crate::kernel::{data_checksum, Task};
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
    fn timeline_worker(&self) -> &str {
        "in-flight slot"
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let data = task.returns_data();
        let start = Instant::now();
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.max_blocking_threads(job.workers as usize);
        let (rt, setup_s) = start_runtime(builder, start, job)?;
        let total = job.tasks;
        let next = Arc::new(Dispenser::new(total));
        let checksum = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for w in 0..job.workers.min(total.max(1)) as usize {
                let next = next.clone();
                let task = task.clone();
                let recorder = job.recorder.clone();
                set.spawn(slot(w, next, task, recorder, data));
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

/// One in-flight slot: takes the next task, runs it on a blocking thread and awaits it before
/// taking another; returns the summed checksum. A `data` task's buffer comes back to this
/// loop, which checksums it.
async fn slot(
    w: usize,
    next: Arc<Dispenser>,
    task: Arc<dyn Task>,
    recorder: Option<Arc<Recorder>>,
    data: bool,
) -> Result<u64, ModelError> {
    let mut sum = 0u64;
    while let Some(i) = next.next() {
        let (task, recorder) = (task.clone(), recorder.clone());
        let failed =
            |e: tokio::task::JoinError| ModelError::Worker(format!("blocking task failed: {e}"));
        let r = if data {
            let made = tokio::task::spawn_blocking(move || {
                timed(recorder.as_deref(), w, i, || task.data(i))
            });
            data_checksum(&made.await.map_err(failed)??)
        } else {
            tokio::task::spawn_blocking(move || timed(recorder.as_deref(), w, i, || task.run(i)))
                .await
                .map_err(failed)??
        };
        sum = sum.wrapping_add(r);
    }
    Ok(sum)
}
