//! The host's speed, probed around every run. On a cloud VM or a CI runner each virtual CPU
//! can run everything up to ~2x slower for a while (a neighbour on the same physical core, a
//! frequency change) with no steal time and no hardware counter to show it; a run measured in
//! such a spell looks like a property of its model. So just before each run's settle pause and
//! right after the run, one thread pinned to each sampled CPU times the same short loop, all
//! at once, and the raw times go into the run's row. The report turns them into each CPU's
//! speed relative to the fastest it was seen in the session ([`crate::record::HostSpeeds`]).
//!
//! The probe threads are started before the cell opens its perf counters (so the counters,
//! which follow threads started after them, never count the probes), pinned once, in the
//! idle scheduling class (so another program busy on a CPU slows its probe down as well), and
//! parked on a barrier between probes: they allocate nothing and take no CPU while a run is
//! measured.

use super::MeasureError;
use crate::record::HostProbes;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::JoinHandle;
use std::time::Instant;

/// At most this many CPUs are probed (spread evenly over the ones this process may use), so a
/// probe costs the same on a 2-core runner and a 128-core server.
pub const MAX_PROBED_CPUS: usize = 16;

/// Numbers the probe tests for primality by trial division: about 100 us on one 2020s server
/// core at its best.
const LOOP_ITERS: u64 = 600;

/// A probe thread's wait for its CPU below this is an idle CPU waking up (5-15 us on the
/// development VM), not another program: it does not count.
const WAKE_GRACE_NS: u64 = 50_000;

/// The probe threads of one cell process.
pub struct HostProbe {
    cpus: Vec<u32>,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

struct Shared {
    /// The coordinator and every probe thread meet here to start a probe ...
    start: Barrier,
    /// ... and here when every probe thread has its time.
    done: Barrier,
    /// Probe threads that have reached the loop, over all probes so far: each spins until all
    /// of its generation are there, so the loops run at the same moment on every CPU.
    arrived: AtomicUsize,
    ns: Vec<AtomicU64>,
    stop: AtomicBool,
}

impl HostProbe {
    /// Starts and pins one probe thread per sampled CPU, or says why it cannot.
    pub fn start() -> Result<HostProbe, MeasureError> {
        let cpus = sampled(&allowed_cpus().map_err(MeasureError::Unavailable)?);
        let n = cpus.len();
        let shared = Arc::new(Shared {
            start: Barrier::new(n + 1),
            done: Barrier::new(n + 1),
            arrived: AtomicUsize::new(0),
            ns: (0..n).map(|_| AtomicU64::new(0)).collect(),
            stop: AtomicBool::new(false),
        });
        let (tx, rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let mut threads = Vec::with_capacity(n);
        for (i, &cpu) in cpus.iter().enumerate() {
            let shared = Arc::clone(&shared);
            let thread_tx = tx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("parabench-probe-{cpu}"))
                .stack_size(64 << 10)
                .spawn(move || {
                    // A thread that cannot pin still joins the barriers, so the others can be
                    // released and joined; the probe as a whole is then refused.
                    lowest_priority();
                    let _ = thread_tx.send(pin_to(cpu));
                    drop(thread_tx);
                    probe_loop(&shared, i, n);
                });
            match spawned {
                Ok(t) => threads.push(t),
                Err(e) => {
                    let _ = tx.send(Err(format!("cannot start a probe thread: {e}")));
                    break;
                }
            }
        }
        drop(tx);
        let mut problem = None;
        for got in rx.iter().take(n) {
            if let Err(why) = got {
                problem.get_or_insert(why);
            }
        }
        let probe = HostProbe {
            cpus,
            shared,
            threads,
        };
        // Dropping a refused probe releases and joins its threads.
        match problem {
            None => Ok(probe),
            Some(why) => Err(MeasureError::Unavailable(why)),
        }
    }

    /// Times the loop on every sampled CPU at once.
    pub fn sample(&self) -> HostProbes {
        self.shared.start.wait();
        self.shared.done.wait();
        HostProbes(
            self.cpus
                .iter()
                .zip(&self.shared.ns)
                .map(|(&cpu, ns)| (cpu, ns.load(Ordering::Acquire) as f64 / 1e3))
                .collect(),
        )
    }
}

impl Drop for HostProbe {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        if self.threads.len() == self.cpus.len() {
            self.shared.start.wait();
            for t in self.threads.drain(..) {
                let _ = t.join();
            }
        }
        // Otherwise a thread failed to start and the barrier cannot fill: the threads that
        // did start stay parked until the process ends.
    }
}

/// One probe thread: at each probe, the loop's time plus the time the thread waited for its
/// CPU from being released until the loop ended (its own schedstat run-queue wait, beyond
/// [`WAKE_GRACE_NS`]). In the idle class the wait is what another program on the CPU costs
/// (when the scheduler makes it wait: a thread that has slept is often let in at once); the
/// loop's time is what the host's CPU itself gives.
fn probe_loop(shared: &Shared, i: usize, n: usize) {
    let schedstat = std::fs::File::open("/proc/thread-self/schedstat").ok();
    let waited_ns = || schedstat.as_ref().and_then(run_queue_wait_ns).unwrap_or(0);
    let mut generation = 0usize;
    loop {
        let before = waited_ns();
        shared.start.wait();
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        generation += 1;
        shared.arrived.fetch_add(1, Ordering::AcqRel);
        while shared.arrived.load(Ordering::Acquire) < n * generation {
            std::hint::spin_loop();
        }
        let t = Instant::now();
        std::hint::black_box(work(std::hint::black_box(LOOP_ITERS)));
        let waited = waited_ns()
            .saturating_sub(before)
            .saturating_sub(WAKE_GRACE_NS);
        let ns = t.elapsed().as_nanos() as u64 + waited;
        shared.ns[i].store(ns, Ordering::Release);
        shared.done.wait();
    }
}

/// The second field of an open `/proc/thread-self/schedstat`: nanoseconds this thread has
/// waited in the run queue. Read into a buffer on the stack: nothing is allocated.
fn run_queue_wait_ns(file: &std::fs::File) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 96];
    let n = file.read_at(&mut buf, 0).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    text.split_ascii_whitespace().nth(1)?.parse().ok()
}

/// The fixed work: trial division of `iters` odd numbers above a million, counting the
/// primes. Integer division keeps the core's execution units busy the way compute-bound work
/// does, so a core that a neighbour (or the other half of its own physical core) shares shows
/// up as slower: on the development VM a divide-bound probe predicted 2-worker runs that took
/// 1.9x their median (probes at a mean speed under 0.7 of their best), where a chain of
/// dependent multiplies, which a shared core does not slow, predicted nothing.
#[inline(never)]
fn work(iters: u64) -> u64 {
    let start = std::hint::black_box(1_000_003u64);
    let mut primes = 0;
    for i in 0..iters {
        let n = start + 2 * i;
        let mut d = 3;
        let mut prime = true;
        while d * d <= n {
            if n % d == 0 {
                prime = false;
                break;
            }
            d += 2;
        }
        primes += u64::from(prime);
    }
    primes
}

/// The CPUs this process may run on.
fn allowed_cpus() -> Result<Vec<u32>, String> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_getaffinity writes at most
    // `size_of::<cpu_set_t>()` bytes into it.
    let set = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Err(format!(
                "cannot read which CPUs this process may use: {}",
                std::io::Error::last_os_error()
            ));
        }
        set
    };
    let cpus: Vec<u32> = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `c` is below CPU_SETSIZE, the size of the set.
        .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
        .map(|c| c as u32)
        .collect();
    if cpus.is_empty() {
        return Err("the process may run on no CPU it can name".into());
    }
    Ok(cpus)
}

/// Up to [`MAX_PROBED_CPUS`] of `cpus`, spread evenly.
fn sampled(cpus: &[u32]) -> Vec<u32> {
    if cpus.len() <= MAX_PROBED_CPUS {
        return cpus.to_vec();
    }
    (0..MAX_PROBED_CPUS)
        .map(|i| cpus[i * cpus.len() / MAX_PROBED_CPUS])
        .collect()
}

/// Gives the calling thread the lowest scheduling class (`SCHED_IDLE`). A probe thread then
/// runs at full speed on a CPU nothing else wants, but only in the gaps another program
/// leaves on a busy one, so its loop takes many times longer there: the probe sees that
/// program too. (At normal priority, or even at nice 19, a probe thread that wakes up runs its
/// 0.1 ms at once, ahead of a busy program, and sees nothing.) Failing to change the class
/// is harmless: the probe then sees less.
fn lowest_priority() {
    // SAFETY: sched_setscheduler reads the param struct we pass; pid 0 is the calling thread,
    // and SCHED_IDLE takes priority 0.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
    }
}

/// Pins the calling thread to one CPU.
fn pin_to(cpu: u32) -> Result<(), String> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET writes inside it (the CPU came
    // from sched_getaffinity, so it is below CPU_SETSIZE); pid 0 is the calling thread.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu as usize, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc != 0 {
        return Err(format!(
            "cannot pin a probe thread to CPU {cpu}: {} (restricted affinity, or a container \
             with fewer CPUs than it reports)",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allowed_cpu_is_probed_and_takes_some_time() {
        let probe = HostProbe::start().unwrap();
        let a = probe.sample();
        let b = probe.sample();
        let cpus = sampled(&allowed_cpus().unwrap());
        assert_eq!(a.0.iter().map(|p| p.0).collect::<Vec<_>>(), cpus);
        for (_, us) in a.0.iter().chain(&b.0) {
            assert!(*us > 0.0 && us.is_finite());
        }
        drop(probe); // joins the threads without hanging
    }

    #[test]
    fn many_cpus_are_sampled_evenly() {
        let cpus: Vec<u32> = (0..64).collect();
        let s = sampled(&cpus);
        assert_eq!(s.len(), MAX_PROBED_CPUS);
        assert_eq!(&s[..3], &[0, 4, 8]);
        assert_eq!(sampled(&[3, 5]), vec![3, 5]);
    }
}
