//! The timeline recorder: which worker ran which task, from when to when, in one run.
//!
//! Only the runs that draw a timeline carry a [`Recorder`] (see [`super::Job::recorder`]);
//! every other run takes the plain path. Recording is built to stay out of the way of what it
//! measures: one slot per task index is allocated before the run starts, each task writes only
//! its own slot (relaxed atomic stores: no locks, no contention, nothing shared between
//! workers but distinct slots), times are two reads of the monotonic clock, and the spans are
//! gathered only after the run. Times are absolute `CLOCK_MONOTONIC` nanoseconds while the run
//! goes — the same clock in every process on Linux, so a worker process can time its tasks and
//! send the numbers back — and offsets from the run's start once gathered.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Runs with more tasks than this record no timeline (a chart of more bars is unreadable,
/// and the slots would take memory the run itself should have).
pub const MAX_RECORDED_TASKS: u64 = 100_000;

/// One task of a recorded run: the worker that ran it (thread, process or in-flight slot
/// index, see each model) and its start and end as nanoseconds since the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub worker: u32,
    pub task: u64,
    pub start_ns: u64,
    pub end_ns: u64,
}

#[derive(Default)]
struct Slot {
    worker: AtomicU32,
    start_ns: AtomicU64,
    /// 0 while the task has not been recorded (the monotonic clock is never 0 after boot).
    end_ns: AtomicU64,
}

/// Per-task start and end times of one run, written by the workers as they go.
pub struct Recorder {
    origin_ns: AtomicU64,
    slots: Box<[Slot]>,
}

/// Now on the system-wide monotonic clock, in nanoseconds (what `Instant` reads on Linux).
#[inline]
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

impl Recorder {
    /// Slots for tasks `0..tasks` (at most [`MAX_RECORDED_TASKS`]), allocated now, before the
    /// run's clock starts.
    pub fn new(tasks: u64) -> Recorder {
        let n = tasks.min(MAX_RECORDED_TASKS) as usize;
        Recorder {
            origin_ns: AtomicU64::new(now_ns()),
            slots: (0..n).map(|_| Slot::default()).collect(),
        }
    }

    /// How many tasks it has slots for (tasks `0..capacity`).
    pub fn capacity(&self) -> u64 {
        self.slots.len() as u64
    }

    /// Marks the run's start: span times are offsets from here.
    pub fn start(&self) {
        self.origin_ns.store(now_ns(), Ordering::Relaxed);
    }

    /// Runs `f` (task `index` on `worker`) and records when it started and ended.
    #[inline]
    pub fn time<T>(&self, worker: usize, index: u64, f: impl FnOnce() -> T) -> T {
        let start = now_ns();
        let out = f();
        self.record(worker, index, start, now_ns());
        out
    }

    /// Records a task timed elsewhere (e.g. in a worker process) on the monotonic clock.
    #[inline]
    pub fn record(&self, worker: usize, index: u64, start_ns: u64, end_ns: u64) {
        if let Some(slot) = self.slots.get(index as usize) {
            slot.worker.store(worker as u32, Ordering::Relaxed);
            slot.start_ns.store(start_ns, Ordering::Relaxed);
            slot.end_ns.store(end_ns.max(1), Ordering::Relaxed);
        }
    }

    /// The recorded tasks in task order, as offsets from [`Recorder::start`]. Call it after
    /// the run: joining the workers is what makes their stores visible here.
    pub fn spans(&self) -> Vec<Span> {
        let origin = self.origin_ns.load(Ordering::Relaxed);
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let end = s.end_ns.load(Ordering::Relaxed);
                (end != 0).then(|| {
                    let start = s.start_ns.load(Ordering::Relaxed);
                    Span {
                        worker: s.worker.load(Ordering::Relaxed),
                        task: i as u64,
                        start_ns: start.saturating_sub(origin),
                        end_ns: end.max(start).saturating_sub(origin),
                    }
                })
            })
            .collect()
    }
}

/// Runs `f` (task `index` on `worker`), timed when there is a recorder: for closures that
/// cannot borrow the [`super::Job`] (spawned futures, blocking-pool closures).
#[inline]
pub fn timed<T>(
    recorder: Option<&Recorder>,
    worker: usize,
    index: u64,
    f: impl FnOnce() -> T,
) -> T {
    match recorder {
        Some(r) => r.time(worker, index, f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_each_task_once_relative_to_the_start() {
        let r = Recorder::new(3);
        r.start();
        let v = r.time(1, 2, || 42);
        assert_eq!(v, 42);
        let t = now_ns();
        r.record(0, 0, t, t + 10);
        r.record(0, 99, t, t + 10); // beyond the slots: ignored
        let spans = r.spans();
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[0].worker, spans[0].task), (0, 0));
        assert_eq!(spans[0].end_ns - spans[0].start_ns, 10);
        assert_eq!((spans[1].worker, spans[1].task), (1, 2));
        assert!(spans[1].start_ns <= spans[1].end_ns);
    }

    #[test]
    fn the_monotonic_clock_agrees_with_instant() {
        // Instant is CLOCK_MONOTONIC on Linux: both advance together.
        let a = now_ns();
        let i = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let d = i.elapsed().as_nanos() as u64;
        let b = now_ns();
        // [a, b] encloses [i, i + d] when both read the same clock.
        assert!(b - a >= d && d >= 5_000_000, "{} < {d}", b - a);
    }

    #[test]
    fn slots_are_capped() {
        assert_eq!(
            Recorder::new(u64::MAX).slots.len() as u64,
            MAX_RECORDED_TASKS
        );
    }
}
