//! `threads`: N OS threads pulling task indices from one shared crossbeam channel — the
//! `threading.Thread` + `queue.Queue` pattern. Tasks that return data (`payload`) send their
//! buffer (a move: no copy) over a bounded channel to the coordinating thread, which
//! checksums it. Timeline rows are the threads.

use super::ModelError;
use super::{panic_text, Job, Model, Outcome};
use crate::kernel::{data_checksum, Task};
use crossbeam_channel::{Receiver, Sender};
use std::time::Instant;

pub struct Threads;

impl Model for Threads {
    fn name(&self) -> &str {
        "threads"
    }
    fn about(&self) -> &str {
        "N OS threads pulling tasks from a shared crossbeam channel (a work queue)"
    }
    fn timeline_worker(&self) -> &str {
        "thread"
    }
    fn run(&self, job: &Job) -> Result<Outcome, ModelError> {
        let task = job.task()?;
        let data = task.returns_data();
        let start = Instant::now();
        let (tx, rx) = crossbeam_channel::unbounded::<u64>();
        // Bounded: a worker waits once a few buffers are queued for the coordinator.
        let (data_tx, data_rx) = crossbeam_channel::bounded::<Vec<u8>>(job.workers as usize);
        let results = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..job.workers as usize)
                .map(|w| {
                    let rx = rx.clone();
                    let data_tx = data_tx.clone();
                    let task = task.clone();
                    scope.spawn(move || {
                        let work = || worker(job, &*task, w, &rx, &data_tx, data);
                        let sum = work();
                        job.thread_done();
                        sum
                    })
                })
                .collect();
            drop(data_tx);
            let setup_s = start.elapsed().as_secs_f64();
            for i in 0..job.tasks {
                // The receivers only go away if every thread ended early (an error): stop feeding.
                if tx.send(i).is_err() {
                    break;
                }
            }
            drop(tx);
            // Ends when every worker has finished (each holds a sender).
            let mut received = 0u64;
            if data {
                for bytes in data_rx.iter() {
                    received = received.wrapping_add(data_checksum(&bytes));
                }
            }
            let sums: Vec<Result<u64, ModelError>> = handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|p| {
                        Err(ModelError::Worker(format!(
                            "worker thread panicked: {}",
                            panic_text(&*p)
                        )))
                    })
                })
                .collect();
            (setup_s, received, sums)
        });
        let (setup_s, mut checksum, sums) = results;
        for s in sums {
            checksum = checksum.wrapping_add(s?);
        }
        Ok(Outcome {
            checksum: Some(checksum),
            setup_s,
            ..Outcome::default()
        })
    }
}

/// One worker thread's loop: takes task indices from `rx` until it closes; returns the sum of
/// the checksums, or sends each task's data to the coordinator when the task returns data.
#[inline]
fn worker(
    job: &Job,
    task: &dyn Task,
    w: usize,
    rx: &Receiver<u64>,
    data_tx: &Sender<Vec<u8>>,
    data: bool,
) -> Result<u64, ModelError> {
    let mut sum = 0u64;
    if !data && job.recorder.is_none() {
        // The plain path, kept as lean as can be: `noop` measures it.
        for i in rx.iter() {
            sum = sum.wrapping_add(task.run(i)?);
        }
        return Ok(sum);
    }
    for i in rx.iter() {
        if data {
            let bytes = job.timed(w, i, || task.data(i))?;
            if data_tx.send(bytes).is_err() {
                break;
            }
        } else {
            sum = sum.wrapping_add(job.timed(w, i, || task.run(i))?);
        }
    }
    Ok(sum)
}
