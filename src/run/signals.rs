//! Ctrl-C and SIGTERM: the handler sets a flag and writes one byte to a pipe, so the
//! scheduler, which sleeps in `poll` on its cell process and that pipe, wakes at once — with
//! no timer ticking while a run is measured.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Write end of the wake pipe (-1 until installed).
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);
/// Read end of the wake pipe (-1 until installed).
static WAKE_READ: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let fd = WAKE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write is async-signal-safe; the pipe is non-blocking, so a full pipe (a
        // second signal before the first was seen) just drops the byte.
        unsafe {
            libc::write(fd, (&byte as *const u8).cast(), 1);
        }
    }
}

/// Routes Ctrl-C and SIGTERM to the flag and the wake pipe, so a run stops cleanly and keeps
/// its rows. Safe to call more than once.
pub fn install() {
    if WAKE_READ.load(Ordering::SeqCst) < 0 {
        let mut fds = [-1; 2];
        // SAFETY: pipe2 writes two descriptors into `fds`.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } == 0 {
            WAKE_READ.store(fds[0], Ordering::SeqCst);
            WAKE_WRITE.store(fds[1], Ordering::SeqCst);
        }
    }
    // SAFETY: the handler only touches atomics and calls write, which are async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// Whether Ctrl-C or SIGTERM arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The pipe that becomes readable when a signal arrives, if [`install`] ran.
pub fn wake_fd() -> Option<RawFd> {
    let fd = WAKE_READ.load(Ordering::SeqCst);
    (fd >= 0).then_some(fd)
}
