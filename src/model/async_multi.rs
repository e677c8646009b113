//! `async-multi`: a tokio multi-thread runtime with N worker threads and every task spawned
//! at once — async IO plus real parallelism for CPU work, with tokio's work stealing. Tasks
//! that return data (`payload`) return their buffer through the join set to the coordinating
//! future; a semaphore keeps at most 2N buffers alive at once. Timeline rows are the runtime's
//! worker threads (the one that started the task; a task that waits may finish on another).

use super::recorder::{now_ns, Recorder};
use super::{start_runtime, sum_joined, Job, Model, Outcome};
use crate::kernel::data_checksum;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub struct AsyncMulti;

thread_local! {
    /// Index of the runtime worker thread this is (set only while recording).
    static WORKER: Cell<usize> = const { Cell::new(0) };
}

impl Model for AsyncMulti {
    fn name(&self) -> &str {
        "async-multi"
    }
    fn about(&self) -> &str {
        "tokio multi-thread runtime with N worker threads; every task spawned at once"
    }
    fn timeline_worker(&self) -> &str {
        "runtime thread"
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(job.workers as usize);
        if job.recorder.is_some() {
            // Worker threads start while the runtime is built, before anything else runs on
            // it, so they take the indices 0..N.
            let next = Arc::new(AtomicUsize::new(0));
            builder.on_thread_start(move || WORKER.set(next.fetch_add(1, Ordering::Relaxed)));
        }
        let (rt, setup_s) = start_runtime(builder, start, job)?;
        let recorder = job.recorder.clone();
        let checksum = rt.block_on(async {
            if task.returns_data() {
                return join_data(job, recorder).await;
            }
            let mut set = tokio::task::JoinSet::new();
            for i in 0..job.tasks {
                match &recorder {
                    None => {
                        set.spawn(task.clone().run_async(i));
                    }
                    Some(r) => {
                        let (r, fut) = (r.clone(), task.clone().run_async(i));
                        set.spawn(async move {
                            let (w, t0) = (WORKER.get(), now_ns());
                            let out = fut.await;
                            r.record(w, i, t0, now_ns());
                            out
                        });
                    }
                }
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

/// The data path: every task spawned, each making its buffer once it holds one of 2N
/// permits; the coordinator checksums buffers as they arrive and so frees their permits.
async fn join_data(job: &Job<'_>, recorder: Option<Arc<Recorder>>) -> Result<u64, String> {
    let task = job.task()?;
    let permits = Arc::new(tokio::sync::Semaphore::new(2 * job.workers as usize));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..job.tasks {
        let (task, permits, recorder) = (task.clone(), permits.clone(), recorder.clone());
        set.spawn(async move {
            let permit = permits
                .acquire_owned()
                .await
                .map_err(|e| format!("async task failed: {e}"))?;
            let rec = recorder.as_deref();
            let bytes = super::recorder::timed(rec, WORKER.get(), i, || task.data(i))?;
            Ok::<_, String>((permit, bytes))
        });
    }
    let mut checksum = 0u64;
    while let Some(r) = set.join_next().await {
        let (_permit, bytes) = r.map_err(|e| format!("async task failed: {e}"))??;
        checksum = checksum.wrapping_add(data_checksum(&bytes));
    }
    Ok(checksum)
}
