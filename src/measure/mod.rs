//! Measuring: process resource usage (getrusage, wait4) and child spawning with fork+exec
//! semantics. Statistics over runs live in [`stats`], scaling-law fits in [`fit`].

pub mod fit;
pub mod host;
pub mod sched;
pub mod stats;

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

/// A snapshot of resource usage: this process plus its reaped children.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub user_s: f64,
    pub sys_s: f64,
    pub vol_ctx: u64,
    pub invol_ctx: u64,
    /// Peak RSS of this process so far (a high-water mark), in KiB.
    pub max_rss_kb: u64,
}

fn tv_s(tv: libc::timeval) -> f64 {
    tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6
}

fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: getrusage only writes into the struct we pass; a zeroed rusage is a valid value.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    }
}

impl Usage {
    /// Usage of this process and of every child it has waited for.
    pub fn now() -> Usage {
        let me = rusage(libc::RUSAGE_SELF);
        let kids = rusage(libc::RUSAGE_CHILDREN);
        Usage {
            user_s: tv_s(me.ru_utime) + tv_s(kids.ru_utime),
            sys_s: tv_s(me.ru_stime) + tv_s(kids.ru_stime),
            vol_ctx: (me.ru_nvcsw + kids.ru_nvcsw) as u64,
            invol_ctx: (me.ru_nivcsw + kids.ru_nivcsw) as u64,
            max_rss_kb: me.ru_maxrss as u64,
        }
    }

    /// Usage between two snapshots (peak RSS is the later high-water mark).
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            user_s: (self.user_s - before.user_s).max(0.0),
            sys_s: (self.sys_s - before.sys_s).max(0.0),
            vol_ctx: self.vol_ctx.saturating_sub(before.vol_ctx),
            invol_ctx: self.invol_ctx.saturating_sub(before.invol_ctx),
            max_rss_kb: self.max_rss_kb,
        }
    }
}

/// How a child process ended, with its own resource usage.
#[derive(Debug, Clone, Copy)]
pub struct ChildExit {
    /// Raw wait status.
    pub status: i32,
    pub max_rss_kb: u64,
}

impl ChildExit {
    /// From a status `std` already waited for (no resource usage then).
    pub fn from_status(status: std::process::ExitStatus) -> ChildExit {
        use std::os::unix::process::ExitStatusExt;
        ChildExit {
            status: status.into_raw(),
            max_rss_kb: 0,
        }
    }

    pub fn success(&self) -> bool {
        libc::WIFEXITED(self.status) && libc::WEXITSTATUS(self.status) == 0
    }

    /// The exit code, when the process exited (rather than died of a signal).
    pub fn exit_code(&self) -> Option<i32> {
        libc::WIFEXITED(self.status).then(|| libc::WEXITSTATUS(self.status))
    }

    /// The signal that ended the process, when one did.
    pub fn signal(&self) -> Option<i32> {
        libc::WIFSIGNALED(self.status).then(|| libc::WTERMSIG(self.status))
    }

    /// "exit code 3" or "killed by signal 9 (SIGKILL)".
    pub fn describe(&self) -> String {
        if libc::WIFEXITED(self.status) {
            format!("exit code {}", libc::WEXITSTATUS(self.status))
        } else if libc::WIFSIGNALED(self.status) {
            let sig = libc::WTERMSIG(self.status);
            format!("killed by signal {sig}{}", signal_name(sig))
        } else {
            format!("wait status {}", self.status)
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGSEGV => " (SIGSEGV)",
        libc::SIGABRT => " (SIGABRT)",
        libc::SIGTERM => " (SIGTERM)",
        libc::SIGINT => " (SIGINT)",
        libc::SIGBUS => " (SIGBUS)",
        libc::SIGXFSZ => " (SIGXFSZ)",
        _ => "",
    }
}

/// Waits for `child` with wait4, which also returns the child's own peak RSS and CPU time.
/// After this the `Child` handle must not be waited on again.
pub fn wait_child(child: &Child) -> io::Result<ChildExit> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain integers, for which all-zero bytes are a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 writes the status and rusage of our own child into valid locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            return Ok(ChildExit {
                status,
                max_rss_kb: ru.ru_maxrss as u64,
            });
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Makes `cmd` spawn with fork+exec rather than posix_spawn. With posix_spawn (vfork) the
/// child's `ru_maxrss` starts at the parent's peak, so every child would appear as large as
/// parabench; with fork+exec it starts from the new program's own pages. The child is also
/// killed if its parent dies, so a parabench killed hard leaves no workers behind.
pub fn fork_exec(cmd: &mut Command) -> &mut Command {
    // SAFETY: prctl is async-signal-safe and only affects the new child.
    unsafe { cmd.pre_exec(die_with_parent) }
}

fn die_with_parent() -> io::Result<()> {
    signal_on_parent_death(libc::SIGKILL)
}

fn signal_on_parent_death(sig: libc::c_int) -> io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and touches no memory.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, sig) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Like [`fork_exec`], and also puts the child in a new process group so that it and every
/// process it starts can be killed together (timeouts, Ctrl-C). If parabench dies, the child
/// gets SIGTERM, on which a cell process kills its whole group (see `run::cell`).
pub fn fork_exec_group(cmd: &mut Command) -> &mut Command {
    // SAFETY: setpgid is async-signal-safe and only affects the new child.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setpgid(0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
            signal_on_parent_death(libc::SIGTERM)
        })
    }
}

/// What the measuring machinery could not do. A probe that is missing is reported as a
/// notice, and the run goes on; a scratch file or thread that cannot be made fails the run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MeasureError {
    /// A probe or counter this machine or container does not offer (perf events refused,
    /// an affinity that cannot be read or set).
    #[error("{0}")]
    Unavailable(String),
    /// A scratch file or a thread could not be created.
    #[error("{0}")]
    Resource(String),
    /// The thread the work ran on panicked.
    #[error("the {thread} thread panicked: {message}")]
    Panicked { thread: String, message: String },
}

/// An unnamed scratch file (created, then unlinked at once), for a child's output: unlike a
/// pipe, nothing has to read it while the child runs.
pub fn scratch_file() -> Result<std::fs::File, MeasureError> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("parabench-output-{}-{n}.txt", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| MeasureError::Resource(format!("cannot create {}: {e}", path.display())))?;
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

/// How much of a scratch file [`read_back`] reads: a program's output may run to gigabytes,
/// but what parabench wants from it is its last lines (the `elapsed_s=` line, the last
/// stderr lines of an error), so only the end is ever read and memory stays constant.
pub const OUTPUT_TAIL_BYTES: u64 = 64 * 1024;

/// The end of what was written to a scratch file: its last [`OUTPUT_TAIL_BYTES`] at most,
/// starting at a line boundary when the file is longer (unless that would leave nothing but
/// the end of one long line), as lossy UTF-8.
pub fn read_back(mut file: std::fs::File) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata().map_or(0, |m| m.len());
    let start = len.saturating_sub(OUTPUT_TAIL_BYTES);
    let mut bytes = Vec::new();
    let _ = file
        .seek(SeekFrom::Start(start))
        .and_then(|_| file.take(OUTPUT_TAIL_BYTES).read_to_end(&mut bytes));
    if start > 0 {
        // The cut fell inside a line: drop its end, unless no whole line follows it.
        if let Some(i) = bytes.iter().position(|&b| b == b'\n') {
            if bytes[i + 1..].iter().any(|b| !b.is_ascii_whitespace()) {
                bytes.drain(..=i);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The size of a scratch file so far (0 when it cannot be read).
pub fn written(file: &std::fs::File) -> u64 {
    file.metadata().map_or(0, |m| m.len())
}

/// Makes `cmd`'s program (and everything it starts) unable to grow any file past
/// `max_bytes` (`RLIMIT_FSIZE`): a write beyond it fails (`EFBIG`) or raises `SIGXFSZ`,
/// which ends the program unless it ignores the signal. A lower limit already in place is kept.
pub fn limit_file_size(cmd: &mut Command, max_bytes: u64) -> &mut Command {
    // SAFETY: getrlimit and setrlimit are async-signal-safe and only affect the new child.
    unsafe {
        cmd.pre_exec(move || {
            let mut lim: libc::rlimit = std::mem::zeroed();
            if libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim) != 0 {
                return Err(io::Error::last_os_error());
            }
            let want = max_bytes as libc::rlim_t;
            if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur > want {
                lim.rlim_cur = want;
                if lim.rlim_max != libc::RLIM_INFINITY && lim.rlim_max < want {
                    lim.rlim_cur = lim.rlim_max;
                }
                if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(())
        })
    }
}

/// Runs `f` on a thread of its own (with the main thread's 8 MiB of stack) and waits for it.
///
/// Every run, of every model, happens off the process's main thread: glibc gives the main
/// thread its own malloc arena (grown with brk, trimmed by its own rules), and every other
/// thread an arena of the other kind. Were `sequential` and `async` to run their tasks on the
/// main thread and the other models on threads of their own, the same work would allocate
/// differently at 1 worker (a file task's 256 KiB buffers took 15-20% longer in the main
/// arena, measured with `scenarios/benchmarks/parity.toml`).
pub fn off_main_thread<T: Send>(
    name: &str,
    f: impl FnOnce() -> T + Send,
) -> Result<T, MeasureError> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(name.to_string())
            .stack_size(8 << 20)
            .spawn_scoped(s, f)
            .map_err(|e| MeasureError::Resource(format!("cannot start the {name} thread: {e}")))?
            .join()
            .map_err(|p| {
                let message = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                MeasureError::Panicked {
                    thread: name.to_string(),
                    message,
                }
            })
    })
}

/// Makes SIGTERM kill this process's whole group: every worker, command and their children.
/// Cell processes install it, as parabench's death reaches them as SIGTERM.
pub fn kill_group_on_sigterm() {
    extern "C" fn on_term(_: libc::c_int) {
        // SAFETY: kill is async-signal-safe; 0 means "my own process group".
        unsafe {
            libc::kill(0, libc::SIGKILL);
        }
    }
    // SAFETY: installs a handler that only calls kill.
    unsafe {
        libc::signal(libc::SIGTERM, on_term as *const () as libc::sighandler_t);
    }
}

/// Kills the process group led by `pid` (the whole tree a cell or command started).
pub fn kill_group(pid: u32) {
    // SAFETY: sending a signal has no memory effects; a stale group id just fails with ESRCH.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch_with(bytes: &[u8]) -> std::fs::File {
        let mut f = scratch_file().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    #[test]
    fn only_the_tail_of_a_long_output_is_read() {
        let mut text = "x".repeat(3 * OUTPUT_TAIL_BYTES as usize);
        text.push_str("\nsecond to last\nelapsed_s=0.5 checksum=7\n");
        let back = read_back(scratch_with(text.as_bytes()));
        // The cut line's end is dropped: what is left starts at a line.
        assert_eq!(back, "second to last\nelapsed_s=0.5 checksum=7\n");
        assert_eq!(read_back(scratch_with(b"short\n")), "short\n");
    }

    #[test]
    fn a_single_long_line_keeps_its_end() {
        let mut text = "y".repeat(2 * OUTPUT_TAIL_BYTES as usize);
        text.push_str(" checksum=3\n");
        let back = read_back(scratch_with(text.as_bytes()));
        assert_eq!(back.len() as u64, OUTPUT_TAIL_BYTES);
        assert!(back.ends_with("y checksum=3\n"));
    }

    #[test]
    fn a_file_size_limit_stops_a_writer() {
        let out = scratch_file().unwrap();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 300000 /dev/zero"])
            .stdout(out.try_clone().unwrap());
        limit_file_size(&mut cmd, 100_000);
        let status = cmd.status().unwrap();
        assert!(!status.success());
        assert_eq!(written(&out), 100_000);
    }
}
