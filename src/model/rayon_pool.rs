//! `rayon`: a rayon pool of N threads built for this run (never the global pool), with the
//! tasks as a parallel iterator — work stealing instead of one shared queue. Tasks that return
//! data (`payload`) send their buffer (a move) over a bounded channel to the coordinating
//! thread while the pool runs. Timeline rows are the pool's threads.

use super::ModelError;
use super::{panic_text, Job, Model, Outcome};
use crate::kernel::{data_checksum, Task};
use rayon::prelude::*;
use std::time::Instant;

pub struct Rayon;

impl Model for Rayon {
    fn name(&self) -> &str {
        "rayon"
    }
    fn about(&self) -> &str {
        "a rayon thread pool of N threads built for the run; tasks as a parallel iterator"
    }
    fn timeline_worker(&self) -> &str {
        "pool thread"
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let start = Instant::now();
        // Dropping a rayon pool does not wait for its threads; each says when it exits, so
        // the run ends only once they are gone (as `threads` joins its own) and their
        // run-queue wait is counted.
        let (exited_tx, exited) = crossbeam_channel::unbounded::<()>();
        let waits = job.waits.clone();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(job.workers as usize)
            .thread_name(|i| format!("rayon-{i}"))
            .exit_handler(move |_| {
                waits.thread_done();
                let _ = exited_tx.send(());
            })
            .build()
            .map_err(|e| {
                ModelError::Setup(format!(
                    "failed to start a rayon pool of {}: {e}",
                    job.workers
                ))
            })?;
        let setup_s = start.elapsed().as_secs_f64();
        let checksum = run_on(&pool, job, task);
        drop(pool);
        for _ in 0..job.workers {
            if exited.recv().is_err() {
                break;
            }
        }
        Ok(Outcome {
            checksum: Some(checksum?),
            setup_s,
            ..Outcome::default()
        })
    }
}

/// Runs every task on `pool`; returns the summed checksum.
fn run_on(
    pool: &rayon::ThreadPool,
    job: &Job,
    task: &std::sync::Arc<dyn Task>,
) -> Result<u64, ModelError> {
    if task.returns_data() {
        run_data_on(pool, job, task)
    } else {
        Ok(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let tasks = (0..job.tasks).into_par_iter();
            let sum = |a: u64, b: u64| Ok(a.wrapping_add(b));
            pool.install(|| match &job.recorder {
                None => tasks.map(|i| task.run(i)).try_reduce(|| 0, sum),
                Some(r) => tasks
                    .map(|i| r.time(pool_thread(), i, || task.run(i)))
                    .try_reduce(|| 0, sum),
            })
        }))
        .map_err(|p| {
            ModelError::Worker(format!("worker thread panicked: {}", panic_text(&*p)))
        })??)
    }
}

/// The pool thread running the task, looked up only when recording.
fn pool_thread() -> usize {
    rayon::current_thread_index().unwrap_or(0)
}

/// Runs every task that returns data on `pool`: a scoped thread drives the parallel loop while
/// this thread sums the buffers it sends; returns that sum.
fn run_data_on(
    pool: &rayon::ThreadPool,
    job: &Job,
    task: &std::sync::Arc<dyn Task>,
) -> Result<u64, ModelError> {
    let (tx, rx) = crossbeam_channel::bounded::<Vec<u8>>(job.workers as usize);
    std::thread::scope(|scope| {
        let running = scope.spawn(move || {
            let done = pool.install(|| {
                (0..job.tasks)
                    .into_par_iter()
                    .try_for_each_with(tx, |tx, i| {
                        let w = if job.recorder.is_some() {
                            pool_thread()
                        } else {
                            0
                        };
                        let bytes = job.timed(w, i, || task.data(i))?;
                        tx.send(bytes).map_err(|_| {
                            ModelError::Worker("the coordinator stopped receiving".into())
                        })
                    })
            });
            job.thread_done();
            done
        });
        // Ends when the parallel loop is over (it holds every sender).
        let mut received = 0u64;
        for bytes in rx.iter() {
            received = received.wrapping_add(data_checksum(&bytes));
        }
        running
            .join()
            .unwrap_or_else(|p| {
                Err(ModelError::Worker(format!(
                    "worker thread panicked: {}",
                    panic_text(&*p)
                )))
            })
            .map(|()| received)
    })
}
