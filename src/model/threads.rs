//! `threads`: N OS threads pulling task indices from one shared crossbeam channel — the
//! `threading.Thread` + `queue.Queue` pattern.

use super::{panic_text, Job, Model, Outcome};
use std::time::Instant;

pub struct Threads;

impl Model for Threads {
    fn name(&self) -> &str {
        "threads"
    }
    fn about(&self) -> &str {
        "N OS threads pulling tasks from a shared crossbeam channel (a work queue)"
    }
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let (tx, rx) = crossbeam_channel::unbounded::<u64>();
        let results = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..job.workers)
                .map(|_| {
                    let rx = rx.clone();
                    let task = task.clone();
                    scope.spawn(move || {
                        let mut sum = 0u64;
                        for i in rx.iter() {
                            sum = sum.wrapping_add(task.run(i)?);
                        }
                        Ok::<u64, String>(sum)
                    })
                })
                .collect();
            let setup_s = start.elapsed().as_secs_f64();
            for i in 0..job.tasks {
                // The receivers only go away if every thread ended early (an error): stop feeding.
                if tx.send(i).is_err() {
                    break;
                }
            }
            drop(tx);
            let sums: Vec<Result<u64, String>> = handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|p| {
                        Err(format!("worker thread panicked: {}", panic_text(&*p)))
                    })
                })
                .collect();
            (setup_s, sums)
        });
        let (setup_s, sums) = results;
        let mut checksum = 0u64;
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
