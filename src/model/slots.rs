//! In-flight slots: the loop the tokio models share. `workers` slots are spawned on the
//! runtime; each takes the next task index from one [`Dispenser`] and awaits the task before
//! taking another, so at most `workers` tasks are in progress at once — what `workers` means
//! for every model. On a current-thread runtime (`async`) the slots take turns on one thread;
//! on a multi-thread runtime (`async-multi`) they also run in parallel.
//!
//! Tasks that return data (`payload`) pass their buffer to the coordinating future over a
//! bounded channel. Timeline rows are the slots.

use super::recorder::{now_ns, timed, Recorder};
use super::ModelError;
use super::{Dispenser, Job};
use crate::kernel::{data_checksum, Task};
use std::sync::Arc;

/// Runs every task of `job` in `job.workers` slots (fewer if there are fewer tasks); returns
/// the summed checksum. Must be awaited inside a tokio runtime.
pub async fn in_flight(job: &Job<'_>, task: &Arc<dyn Task>) -> Result<u64, ModelError> {
    let total = job.tasks;
    let data = task.returns_data();
    let next = Arc::new(Dispenser::new(total));
    let slots = job.workers.min(total.max(1));
    let (data_tx, mut data_rx) = tokio::sync::mpsc::channel::<Vec<u8>>(slots as usize);
    let mut handles = Vec::new();
    for w in 0..slots as usize {
        let (next, task, recorder) = (next.clone(), task.clone(), job.recorder.clone());
        // Two kinds of slot: only tasks that return data hold a sender, and keeping the plain
        // slot's future small keeps 10,000 of them cheap to spawn.
        handles.push(if data {
            tokio::spawn(data_slot(w, next, task, recorder, data_tx.clone()))
        } else {
            tokio::spawn(plain_slot(w, next, task, recorder))
        });
    }
    drop(data_tx);
    // Ends when every slot has finished (each holds a sender).
    let mut checksum = 0u64;
    while let Some(bytes) = data_rx.recv().await {
        checksum = checksum.wrapping_add(data_checksum(&bytes));
    }
    for h in handles {
        let sum = h
            .await
            .map_err(|e| ModelError::Worker(format!("async task failed: {e}")))??;
        checksum = checksum.wrapping_add(sum);
    }
    Ok(checksum)
}

/// A slot whose tasks return data: each buffer goes to the coordinator over `data_tx`, and is
/// made only once the coordinator has room for it. Returns 0: the coordinator sums the data.
async fn data_slot(
    w: usize,
    next: Arc<Dispenser>,
    task: Arc<dyn Task>,
    recorder: Option<Arc<Recorder>>,
    data_tx: tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<u64, ModelError> {
    while let Some(i) = next.next() {
        let Ok(permit) = data_tx.reserve().await else {
            break;
        };
        permit.send(timed(recorder.as_deref(), w, i, || task.data(i))?);
    }
    Ok(0)
}

/// A slot whose tasks return a checksum; returns their sum.
async fn plain_slot(
    w: usize,
    next: Arc<Dispenser>,
    task: Arc<dyn Task>,
    recorder: Option<Arc<Recorder>>,
) -> Result<u64, ModelError> {
    let mut sum = 0u64;
    while let Some(i) = next.next() {
        let out = match &recorder {
            None => task.clone().run_async(i).await,
            Some(r) => {
                let t0 = now_ns();
                let out = task.clone().run_async(i).await;
                r.record(w, i, t0, now_ns());
                out
            }
        };
        sum = sum.wrapping_add(out?);
    }
    Ok(sum)
}
