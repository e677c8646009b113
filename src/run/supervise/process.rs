//! A cell process as the scheduler holds it: started in its own process group with its
//! request, its stdout read line by line while the scheduler sleeps in `poll` (on the pipe and
//! the wake socket, up to a deadline), its stderr in a scratch file read after it ends.

use crate::measure::{fork_exec_group, kill_group, read_back, scratch_file, ChildExit};
use crate::run::protocol::{CellRequest, CELL_COMMAND, GO};
use crate::run::signals;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Instant;

/// What waiting for a line gave.
pub(super) enum Wait {
    Line(String),
    /// The cell process closed its stdout (it ended or died).
    Eof,
    Timeout,
    Interrupted,
}

/// A running cell process: its group, its pipes, and its stderr in a scratch file.
pub(super) struct CellProcess {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: ChildStdout,
    stderr: Option<std::fs::File>,
    /// Bytes read from stdout that do not end a line yet.
    pending: Vec<u8>,
    eof: bool,
}

impl CellProcess {
    pub(super) fn start(exe: &std::path::Path, req: &CellRequest) -> anyhow::Result<CellProcess> {
        let stderr = scratch_file().map_err(anyhow::Error::msg)?;
        let mut cmd = Command::new(exe);
        cmd.arg(CELL_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr.try_clone()?))
            .envs(req.cell.env.iter().map(|(k, v)| (k, v)));
        let mut child = fork_exec_group(&mut cmd).spawn()?;
        drop(cmd);
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            kill_group(child.id());
            let _ = child.wait();
            anyhow::bail!("the cell process's pipes were not created");
        };
        // A cell process that dies at once shows up as end of file on its stdout.
        let _ = writeln!(stdin, "{}", serde_json::to_string(req)?);
        Ok(CellProcess {
            child,
            stdin: Some(stdin),
            stdout,
            stderr: Some(stderr),
            pending: Vec::new(),
            eof: false,
        })
    }

    /// Sends `go`; false if the process is gone.
    pub(super) fn go(&mut self) -> bool {
        match &mut self.stdin {
            Some(stdin) => writeln!(stdin, "{GO}").and_then(|()| stdin.flush()).is_ok(),
            None => false,
        }
    }

    /// The next line, sleeping in `poll` until it comes, the deadline passes, or a signal.
    pub(super) fn wait_line(&mut self, deadline: Option<Instant>) -> anyhow::Result<Wait> {
        loop {
            if let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=i).collect();
                let text = String::from_utf8_lossy(&line[..i]).into_owned();
                return Ok(Wait::Line(text));
            }
            if self.eof {
                return Ok(Wait::Eof);
            }
            if signals::interrupted() {
                return Ok(Wait::Interrupted);
            }
            let timeout_ms = match deadline {
                None => -1,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(Wait::Timeout);
                    }
                    // Round up, so the wait never ends just before the deadline.
                    left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
                }
            };
            match poll2(self.stdout.as_raw_fd(), signals::wake_fd(), timeout_ms)? {
                Polled::Readable => self.read_some()?,
                Polled::Woken => {
                    if let Some(fd) = signals::wake_fd() {
                        drain(fd);
                    }
                }
                Polled::Nothing => {}
            }
        }
    }

    fn read_some(&mut self) -> anyhow::Result<()> {
        let mut buf = [0u8; 8192];
        // SAFETY: reading into a valid local buffer from a descriptor we own; poll said it
        // is readable, so this does not block.
        let n = unsafe { libc::read(self.stdout.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            0 => self.eof = true,
            n if n > 0 => self.pending.extend_from_slice(&buf[..n as usize]),
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    self.eof = true;
                }
            }
        }
        Ok(())
    }

    /// Kills the process group and reaps the process; returns how it ended and the last
    /// lines of its stderr (": a | b | c", or empty).
    pub(super) fn finish(&mut self) -> (ChildExit, String) {
        self.stdin.take();
        kill_group(self.child.id()); // anything the cell left behind in its group
        let exit = match self.child.wait() {
            Ok(status) => ChildExit::from_status(status),
            Err(_) => ChildExit {
                status: 0,
                max_rss_kb: 0,
            },
        };
        let text = self.stderr.take().map(read_back).unwrap_or_default();
        (exit, tail(&text))
    }
}

/// The last few stderr lines of a cell process (panic messages and the like).
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    match lines.len() {
        0 => String::new(),
        n => format!(": {}", lines[n.saturating_sub(3)..].join(" | ")),
    }
}

enum Polled {
    Readable,
    Woken,
    Nothing,
}

/// Sleeps until `fd` is readable (or closed), `wake` is readable, or `timeout_ms` passes.
fn poll2(fd: RawFd, wake: Option<RawFd>, timeout_ms: i32) -> anyhow::Result<Polled> {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: wake.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: `fds` is a valid array of two pollfd; a negative fd is ignored by poll.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(Polled::Nothing); // a signal: the caller checks the flag
        }
        return Err(e.into());
    }
    if fds[1].revents != 0 {
        return Ok(Polled::Woken);
    }
    if fds[0].revents != 0 {
        return Ok(Polled::Readable);
    }
    Ok(Polled::Nothing)
}

/// Empties the (non-blocking) signal pipe.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 64];
    // SAFETY: reading into a valid local buffer; the wake socket is non-blocking.
    while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
}
