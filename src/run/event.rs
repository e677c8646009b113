//! The scheduler's event stream. [`super::execute`] emits one [`Event`] per thing that happens
//! and hands it to each [`Subscriber`] in turn (as nextest's runner feeds its reporter);
//! subscribers never reach into the scheduler. A subscriber earlier in the list may amend a
//! finished run before later ones see it: the checksum check marks mismatches before the CSV
//! store writes the row.

use crate::plan::Cell;
use crate::record::{ChecksumCheck, RunRow, TaskRow};

/// What happens while a plan runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A cell process is about to start (a cell may take several: interleaved orders, or a
    /// restart after a crash or timeout).
    CellStarted { cell: &'a Cell },
    /// A warmup run failed: it is never measured, but the measured runs that follow may be
    /// affected too.
    WarmupFailed {
        cell: &'a Cell,
        repeat: u32,
        error: &'a str,
    },
    /// A measured run ended (a row of `runs.csv`), successfully or not.
    RunFinished { cell: &'a Cell, row: Box<RunRow> },
    /// The tasks of a cell's timeline run (rows of `tasks.csv`).
    TimelineRecorded { cell: &'a Cell, tasks: Vec<TaskRow> },
    /// The timeline run failed; nothing is drawn for it.
    TimelineFailed { cell: &'a Cell, error: &'a str },
    /// Every slot of a cell that the plan holds has run.
    CellFinished { cell: &'a Cell },
    /// Ctrl-C or SIGTERM: the run stops; everything already handed out is kept.
    Interrupted,
}

/// Something that reacts to events: stores rows, shows progress, checks results.
pub trait Subscriber {
    fn on(&mut self, event: &mut Event) -> anyhow::Result<()>;
}

/// The checksum agreement across models (see [`ChecksumCheck`]), as a subscriber.
impl Subscriber for ChecksumCheck {
    fn on(&mut self, event: &mut Event) -> anyhow::Result<()> {
        if let Event::RunFinished { row, .. } = event {
            self.check(row);
        }
        Ok(())
    }
}
