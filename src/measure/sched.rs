//! How much the rest of the machine got in a run's way: the time its threads spent ready to
//! run but waiting for a CPU (the run queue; Linux schedstat), and the CPU migrations and
//! context switches of its threads and child processes (perf software counters that follow
//! them). Either may be unavailable (another OS, a kernel without schedstats, perf denied by
//! `perf_event_paranoid` or a container's seccomp filter); then the probe says why and the
//! columns stay empty, never an error.

use super::MeasureError;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The calling thread's run-queue wait so far, in nanoseconds: the second field of
/// `/proc/thread-self/schedstat`.
pub fn thread_runq_wait_ns() -> Option<u64> {
    let mut buf = [0u8; 96];
    let mut f = std::fs::File::open("/proc/thread-self/schedstat").ok()?;
    let n = f.read(&mut buf).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Why run-queue wait cannot be read here (`None`: it can).
pub fn runq_probe() -> Option<String> {
    match thread_runq_wait_ns() {
        Some(_) => None,
        None => Some(
            "/proc/thread-self/schedstat is not readable (not Linux, or a kernel built without CONFIG_SCHEDSTATS)"
                .into(),
        ),
    }
}

/// The run-queue wait of one run's threads, summed. Threads started for the run add their
/// whole wait when they finish ([`RunQueueTally::thread_done`]); the thread that runs the
/// run adds the difference across it; worker processes send theirs.
#[derive(Debug, Default)]
pub struct RunQueueTally {
    total_ns: AtomicU64,
    /// A thread could not read its own: the total is incomplete.
    missing: AtomicBool,
}

impl RunQueueTally {
    /// Called by a thread started for this run, as its last act.
    pub fn thread_done(&self) {
        match thread_runq_wait_ns() {
            Some(ns) => self.add_ns(ns),
            None => self.missing.store(true, Ordering::Relaxed),
        }
    }

    pub fn add_ns(&self, ns: u64) {
        self.total_ns.fetch_add(ns, Ordering::Relaxed);
    }

    /// Marks the total as incomplete (a worker could not say its own).
    pub fn mark_missing(&self) {
        self.missing.store(true, Ordering::Relaxed);
    }

    /// The total in seconds, or `None` if some thread could not read its own.
    pub fn total_s(&self) -> Option<f64> {
        (!self.missing.load(Ordering::Relaxed))
            .then(|| self.total_ns.load(Ordering::Relaxed) as f64 / 1e9)
    }
}

/// `struct perf_event_attr` up to its first published size (`PERF_ATTR_SIZE_VER0`, 64 bytes),
/// which every kernel since 2.6.31 accepts.
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_COUNT_SW_CONTEXT_SWITCHES: u64 = 3;
const PERF_COUNT_SW_CPU_MIGRATIONS: u64 = 4;
/// `inherit`: the counter follows threads and processes started after it was opened; their
/// counts join it when they exit.
const FLAG_INHERIT: u64 = 1 << 1;
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;

/// CPU migrations and context switches of this process and of every thread and process it
/// starts from now on (counted once they have exited, which every run's workers have by the
/// time it ends).
#[derive(Debug)]
pub struct Counters {
    migrations: std::fs::File,
    switches: std::fs::File,
}

impl Counters {
    /// Opens both counters, or says why they cannot be.
    pub fn open() -> Result<Counters, MeasureError> {
        Ok(Counters {
            migrations: open_counter(PERF_COUNT_SW_CPU_MIGRATIONS)
                .map_err(MeasureError::Unavailable)?,
            switches: open_counter(PERF_COUNT_SW_CONTEXT_SWITCHES)
                .map_err(MeasureError::Unavailable)?,
        })
    }

    /// (migrations, context switches) so far.
    pub fn read(&mut self) -> Option<(u64, u64)> {
        Some((
            read_counter(&mut self.migrations)?,
            read_counter(&mut self.switches)?,
        ))
    }
}

fn open_counter(config: u64) -> Result<std::fs::File, String> {
    use std::os::fd::FromRawFd;
    let attr = PerfEventAttr {
        kind: PERF_TYPE_SOFTWARE,
        size: std::mem::size_of::<PerfEventAttr>() as u32,
        config,
        flags: FLAG_INHERIT,
        ..PerfEventAttr::default()
    };
    // SAFETY: perf_event_open reads `attr` (a valid, fully initialised struct whose `size`
    // field gives its length) and returns a new descriptor or -1; pid 0 = this process,
    // cpu -1 = any CPU, no group.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const PerfEventAttr,
            0 as libc::pid_t,
            -1 as libc::c_int,
            -1 as libc::c_int,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        let err = std::io::Error::last_os_error();
        let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
            .map(|s| format!(" (kernel.perf_event_paranoid = {})", s.trim()))
            .unwrap_or_default();
        return Err(format!(
            "perf software counters are not available: perf_event_open failed: {err}{paranoid}; \
             as root, `sysctl kernel.perf_event_paranoid=1` allows them for your user"
        ));
    }
    // SAFETY: `fd` is a descriptor we just opened and own.
    Ok(unsafe { std::fs::File::from_raw_fd(fd as libc::c_int) })
}

fn read_counter(f: &mut std::fs::File) -> Option<u64> {
    let mut buf = [0u8; 8];
    f.read_exact(&mut buf).ok()?;
    Some(u64::from_ne_bytes(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_has_the_first_published_size() {
        assert_eq!(std::mem::size_of::<PerfEventAttr>(), 64);
    }

    #[test]
    fn counters_follow_threads_started_after_them() {
        // Where perf is denied the reason must say so; where it works, a thread that sleeps
        // switches context at least once and its count joins ours when it exits.
        match Counters::open() {
            Err(why) => {
                assert!(matches!(why, MeasureError::Unavailable(_)), "{why:?}");
                assert!(why.to_string().contains("perf_event_open"), "{why}");
            }
            Ok(mut c) => {
                let (_, before) = c.read().unwrap();
                std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(2)))
                    .join()
                    .unwrap();
                let (_, after) = c.read().unwrap();
                assert!(after > before, "{before} -> {after}");
            }
        }
    }

    #[test]
    fn a_thread_reads_its_own_run_queue_wait() {
        if runq_probe().is_none() {
            let tally = RunQueueTally::default();
            std::thread::scope(|s| {
                s.spawn(|| tally.thread_done());
            });
            assert!(tally.total_s().is_some());
        } else {
            assert!(thread_runq_wait_ns().is_none());
        }
    }
}
