//! `rayon`: a rayon pool of N threads built for this run (never the global pool), with the
//! tasks as a parallel iterator — work stealing instead of one shared queue.

use super::{panic_text, Job, Model, Outcome};
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
    fn run(&self, job: &Job) -> Result<Outcome, String> {
        let task = job.task()?;
        let start = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(job.workers as usize)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .map_err(|e| format!("failed to start a rayon pool of {}: {e}", job.workers))?;
        let setup_s = start.elapsed().as_secs_f64();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(|| {
                (0..job.tasks)
                    .into_par_iter()
                    .map(|i| task.run(i))
                    .try_reduce(|| 0, |a, b| Ok(a.wrapping_add(b)))
            })
        }))
        .map_err(|p| format!("worker thread panicked: {}", panic_text(&*p)))?;
        Ok(Outcome {
            checksum: Some(result?),
            setup_s,
            ..Outcome::default()
        })
    }
}
