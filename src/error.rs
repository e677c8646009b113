//! What can go wrong, and the one table that maps it to exit codes.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | everything ran and succeeded (`compare`: no cell regressed) |
//! | 1 | some run failed (every other row is still written), `compare` found a regression, or parabench itself failed (e.g. a kernel's service could not start) |
//! | 2 | invalid input: a scenario file, a command-line option, a folder that is not a run; nothing was run or written |
//! | 3 | results could not be written (disk full, no permission, a closed stdout) |
//! | 130 | interrupted by Ctrl-C or SIGTERM; every finished run is kept |

use crate::scenario::ScenarioError;

/// Exit codes (see the module docs).
pub mod exit {
    pub const OK: u8 = 0;
    pub const RUN_FAILED: u8 = 1;
    pub const INVALID_INPUT: u8 = 2;
    pub const WRITE_FAILED: u8 = 3;
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file is invalid.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The command line or a folder given on it cannot be used; the text says how to fix it.
    #[error("{0}")]
    Input(String),
    /// Results could not be written.
    #[error("{0:#}")]
    Write(anyhow::Error),
    /// parabench itself failed.
    #[error(transparent)]
    Failed(anyhow::Error),
}

/// Marks an error as a failure to write results (so it exits with
/// [`exit::WRITE_FAILED`] wherever it surfaces).
#[derive(Debug, thiserror::Error)]
#[error("failed to write {what}: {source}")]
pub struct WriteFailure {
    pub what: String,
    #[source]
    pub source: anyhow::Error,
}

/// Wraps an error from writing `what` as a [`WriteFailure`].
pub fn write_failure(what: impl Into<String>) -> impl FnOnce(anyhow::Error) -> anyhow::Error {
    let what = what.into();
    move |source| anyhow::Error::new(WriteFailure { what, source })
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        if e.chain().any(|c| c.is::<WriteFailure>()) {
            Error::Write(e)
        } else {
            Error::Failed(e)
        }
    }
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_) | Error::Input(_) => exit::INVALID_INPUT,
            Error::Write(_) => exit::WRITE_FAILED,
            Error::Failed(_) => exit::RUN_FAILED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_failure_keeps_its_exit_code_under_context() {
        let e = anyhow::anyhow!("disk full");
        let wrapped = write_failure("runs.csv")(e).context("while running `demo`");
        let err = Error::from(wrapped);
        assert_eq!(err.exit_code(), exit::WRITE_FAILED);
        assert!(
            err.to_string().contains("failed to write runs.csv"),
            "{err}"
        );
        assert_eq!(
            Error::from(anyhow::anyhow!("x")).exit_code(),
            exit::RUN_FAILED
        );
    }
}
