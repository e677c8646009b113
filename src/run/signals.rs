//! Ctrl-C and SIGTERM: `signal-hook` sets a flag and writes one byte to a socket pair (its
//! handlers save and restore `errno`), so the scheduler, which sleeps in `poll` on its cell
//! process and that socket, wakes at once — with no timer ticking while a run is measured.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// What [`install`] set up: the flag, and the read end of the wake socket (none if the
/// handlers could not be registered: the scheduler then waits for its cell alone).
struct Installed {
    flag: Arc<AtomicBool>,
    wake: Option<UnixStream>,
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

/// Routes Ctrl-C and SIGTERM to the flag and the wake socket, so a run stops cleanly and
/// keeps its rows. Safe to call more than once. If the handlers cannot be registered, the
/// default action (end the process) stays, and a warning says so.
pub fn install() {
    INSTALLED.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        match register(&flag) {
            Ok(wake) => Installed {
                flag,
                wake: Some(wake),
            },
            Err(e) => {
                eprintln!(
                    "warning: cannot catch Ctrl-C ({e}): an interrupted run keeps only the rows \
                     already written"
                );
                Installed { flag, wake: None }
            }
        }
    });
}

/// Registers both signals on `flag` and on a new socket pair; returns its read end.
fn register(flag: &Arc<AtomicBool>) -> std::io::Result<UnixStream> {
    let (wake, ring) = UnixStream::pair()?;
    // The reader drains without blocking; a full socket (signals faster than the scheduler
    // wakes) just drops the byte, since the flag is already set.
    wake.set_nonblocking(true)?;
    ring.set_nonblocking(true)?;
    for sig in [SIGINT, SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(flag))?;
        signal_hook::low_level::pipe::register(sig, ring.try_clone()?)?;
    }
    Ok(wake)
}

/// Whether Ctrl-C or SIGTERM arrived.
pub fn interrupted() -> bool {
    INSTALLED
        .get()
        .is_some_and(|i| i.flag.load(Ordering::SeqCst))
}

/// The socket that becomes readable when a signal arrives, if [`install`] registered one.
pub fn wake_fd() -> Option<RawFd> {
    INSTALLED
        .get()
        .and_then(|i| i.wake.as_ref())
        .map(AsRawFd::as_raw_fd)
}
