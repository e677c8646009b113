//! `async`: a tokio current-thread runtime with N worker tasks pulling indices — the asyncio
//! analogue. Waits overlap (N timers at once); CPU work runs on the one thread and blocks the
//! loop, exactly as it does in asyncio. Tasks that return data (`payload`) pass their buffer to
//! the coordinating future over a bounded channel. Timeline rows are the N in-flight slots
//! (worker tasks), all on the one thread: overlapping bars are waits, not parallel work.

use super::Dispenser;
use super::{start_runtime, Job, Model, Outcome, Spawns};
use crate::kernel::data_checksum;
use std::sync::Arc;
use std::time::Instant;

pub struct Async;

impl Model for Async {
    fn name(&self) -> &str {
        "async"
    }
    fn about(&self) -> &str {
        "tokio current-thread runtime, at most N tasks in flight (asyncio: IO overlaps, CPU blocks)"
    }
    fn timeline_worker(&self) -> &str {
        "in-flight slot"
    }
    fn spawns(&self) -> Spawns {
        Spawns::Coroutines
    }
    fn cpu_parallel(&self) -> bool {
        false
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let data = task.returns_data();
        let start = Instant::now();
        let (rt, setup_s) =
            start_runtime(tokio::runtime::Builder::new_current_thread(), start, job)?;
        let total = job.tasks;
        // One thread only (current-thread runtime), so this counter is never contended.
        let next = Arc::new(Dispenser::new(total));
        let checksum = rt.block_on(async {
            let slots = job.workers.min(total.max(1));
            let (data_tx, mut data_rx) = tokio::sync::mpsc::channel::<Vec<u8>>(slots as usize);
            let mut handles = Vec::new();
            for w in 0..slots as usize {
                let (next, task, recorder) = (next.clone(), task.clone(), job.recorder.clone());
                // Two kinds of slot: only tasks that return data hold a sender, and keeping the
                // plain slot's future small keeps 10,000 of them cheap to spawn.
                handles.push(if data {
                    let data_tx = data_tx.clone();
                    tokio::spawn(async move {
                        while let Some(i) = next.next() {
                            // A buffer is made only once the coordinator has room for it.
                            let Ok(permit) = data_tx.reserve().await else {
                                break;
                            };
                            let rec = recorder.as_deref();
                            permit.send(super::recorder::timed(rec, w, i, || task.data(i))?);
                        }
                        Ok::<u64, String>(0)
                    })
                } else {
                    tokio::spawn(async move {
                        let mut sum = 0u64;
                        while let Some(i) = next.next() {
                            let out = match &recorder {
                                None => task.clone().run_async(i).await,
                                Some(r) => {
                                    let t0 = super::recorder::now_ns();
                                    let out = task.clone().run_async(i).await;
                                    r.record(w, i, t0, super::recorder::now_ns());
                                    out
                                }
                            };
                            sum = sum.wrapping_add(out?);
                        }
                        Ok::<u64, String>(sum)
                    })
                });
            }
            drop(data_tx);
            // Ends when every slot has finished (each holds a sender).
            let mut checksum = 0u64;
            while let Some(bytes) = data_rx.recv().await {
                checksum = checksum.wrapping_add(data_checksum(&bytes));
            }
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
