//! Running a plan: every slot of cells in its own child process (`__cell`, see [`cell`]),
//! driven one run at a time by the scheduler ([`supervise`]) over a small line protocol
//! ([`protocol`]) that keeps parabench silent while a run is measured. Everything that
//! happens becomes an [`Event`] for the subscribers (CSV store, checksum check, progress):
//! one row per measured run the moment it arrives, per-run timeouts that kill the cell's
//! whole process tree, and Ctrl-C that stops cleanly.

pub mod cell;
pub mod event;
pub mod progress;
pub mod protocol;
pub mod signals;
mod supervise;

use crate::kernel::user_code::UserCode;
use crate::kernel::{self, Service};
use crate::plan::{Cell, Slot};
use crate::record::{CpuScope, Ending, RunRow, Status, TaskRow, Work};
pub use event::{Event, Subscriber};
use protocol::{Measured, Probe, RecordedTasks};
use std::collections::HashMap;
use std::sync::Arc;
use supervise::{SlotEnd, SlotSpec, Yield};

/// What a run of a plan learned about the machine besides the rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Executed {
    pub ending: Ending,
    /// What the cell processes could not measure, and why (from their first `ready`).
    pub probe: Option<Probe>,
}

/// Where the rows of a session are going: the scenario's name, and when the session began
/// (Unix seconds; a resumed run keeps its first session's start, so `start_s` goes on).
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub scenario: &'a str,
    pub origin_unix_s: f64,
}

/// Runs every slot of the plan (see [`crate::plan::schedule`]), handing each event to every
/// subscriber in order (a subscriber may amend a run before the next sees it).
pub fn execute(
    session: Session<'_>,
    cells: &[Cell],
    slots: &[Slot],
    subscribers: &mut [&mut dyn Subscriber],
) -> anyhow::Result<Executed> {
    let exe = std::env::current_exe()?;
    let settle_us = settle_us();
    let mut publish = |mut e: Event| -> anyhow::Result<()> {
        for s in subscribers.iter_mut() {
            s.on(&mut e)?;
        }
        Ok(())
    };
    let mut probe = None;
    // Running services (e.g. the http kernel's server) by workload. In cell order only the
    // current workload's; interleaved orders keep each one up until the end.
    let mut services: HashMap<String, Option<Service>> = HashMap::new();
    // Slots still to run per cell, so a cell is finished when its last slot is.
    let mut slots_left: Vec<usize> = vec![0; cells.len()];
    for slot in slots {
        slots_left[slot.cell] += 1;
    }
    let one_per_workload = slots.len() == cells.len();
    for group in groups(slots) {
        let mut planned = Vec::with_capacity(group.len());
        for slot in group {
            planned.push(with_service(
                &mut services,
                &cells[slot.cell],
                one_per_workload,
            )?);
        }
        for cell in &planned {
            publish(Event::CellStarted { cell })?;
        }
        let specs: Vec<SlotSpec> = group
            .iter()
            .zip(&planned)
            .map(|(slot, cell)| SlotSpec {
                cell,
                repeats: slot.repeats.clone(),
                warmup: (slot.warmup, slot.warmup_tasks),
                // The process that does a cell's last measured run also does its timeline run.
                timeline: cell.timeline && slot.repeats.end == cell.workload.repeats,
            })
            .collect();
        let end = supervise::run_slots(&exe, &specs, settle_us, &mut |i, got| {
            let to = Yielded {
                session,
                cell: &planned[i],
                round: group[i].round,
            };
            to.publish(got, &mut probe, &mut publish)
        })?;
        if end == SlotEnd::Interrupted {
            publish(Event::Interrupted)?;
            return Ok(Executed {
                ending: Ending::Interrupted,
                probe,
            });
        }
        for (slot, cell) in group.iter().zip(&planned) {
            slots_left[slot.cell] -= 1;
            if slots_left[slot.cell] == 0 {
                publish(Event::CellFinished { cell })?;
            }
        }
    }
    Ok(Executed {
        ending: Ending::Complete,
        probe,
    })
}

/// The slots in runs that go together: consecutive slots of one [`Slot::group`], every
/// other slot alone.
fn groups(slots: &[Slot]) -> impl Iterator<Item = &[Slot]> {
    slots.chunk_by(|a, b| a.group.is_some() && a.group == b.group)
}

/// `planned` with the parameters of its workload's service (e.g. the http kernel's server's
/// address), started if it is not running yet. With `one_per_workload` (cell order), starting
/// one stops the previous workload's service first.
fn with_service(
    services: &mut HashMap<String, Option<Service>>,
    planned: &Cell,
    one_per_workload: bool,
) -> anyhow::Result<Cell> {
    if !services.contains_key(&planned.id.workload) {
        if one_per_workload {
            services.clear();
        }
        services.insert(planned.id.workload.clone(), start_service(planned)?);
    }
    let mut cell = planned.clone();
    if let Some(Some(s)) = services.get(&cell.id.workload) {
        Arc::make_mut(&mut cell.workload)
            .params
            .extend(s.params.clone());
    }
    Ok(cell)
}

/// Where a slot's results go: the session, the cell and the round they belong to.
struct Yielded<'a> {
    session: Session<'a>,
    cell: &'a Cell,
    round: u32,
}

impl Yielded<'_> {
    /// Turns what a slot yielded into the event subscribers see (keeping the first `ready`'s
    /// probe in `probe`).
    fn publish(
        &self,
        got: Yield,
        probe: &mut Option<Probe>,
        publish: &mut dyn FnMut(Event<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let (session, cell, round) = (self.session, self.cell, self.round);
        match got {
            Yield::Ready(p) => {
                probe.get_or_insert(p);
                Ok(())
            }
            Yield::Warmup { repeat, error } => match error {
                Some(error) => publish(Event::WarmupFailed {
                    cell,
                    repeat,
                    error: &error,
                }),
                None => Ok(()),
            },
            Yield::Run(m) => publish(Event::RunFinished {
                cell,
                row: Box::new(run_row(session, cell, round, m)),
            }),
            Yield::Failed {
                repeat,
                status,
                error,
                wall_s,
            } => {
                let mut row = failed_row(session, cell, round, repeat, status, error);
                row.measured.wall_s = wall_s;
                publish(Event::RunFinished {
                    cell,
                    row: Box::new(row),
                })
            }
            Yield::Timeline(recorded) => match &recorded.error {
                Some(error) => publish(Event::TimelineFailed { cell, error }),
                None => publish(Event::TimelineRecorded {
                    cell,
                    tasks: task_rows(session.scenario, cell, recorded),
                }),
            },
        }
    }
}

/// The settle pause between `go` and a run ([`protocol::SETTLE`], or the developer override
/// [`protocol::SETTLE_ENV`]).
fn settle_us() -> u64 {
    std::env::var(protocol::SETTLE_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(protocol::SETTLE.as_micros() as u64)
}

/// Starts the workload's service (e.g. the http kernel's server), if its kernel has one.
fn start_service(cell: &Cell) -> anyhow::Result<Option<Service>> {
    match kernel::find(&cell.workload.kernel).filter(|_| cell.workload.builtin) {
        Some(k) => k.service(&cell.workload.params).map_err(|e| {
            anyhow::anyhow!("failed to start the `{}` kernel's service: {e}", k.name())
        }),
        None => Ok(None),
    }
}

/// The `runs.csv` row of a measured run in round `round` (the host columns derived from the
/// probes are filled in when the report is made: they need the whole session's probes).
pub fn run_row(session: Session<'_>, cell: &Cell, round: u32, m: Measured) -> RunRow {
    let measured = m.measurement;
    let busy = measured.user_s + measured.sys_s;
    // CPU time a program measured over its own window is divided by its own time.
    let over = match measured.cpu_scope {
        Some(CpuScope::Window) => measured.reported_s.unwrap_or(measured.wall_s),
        _ => measured.wall_s,
    };
    RunRow {
        scenario: session.scenario.to_string(),
        cell: cell.id.clone(),
        kernel: cell.workload.code.as_ref().map_or_else(
            || Work::kernel(cell.workload.kernel.clone()),
            UserCode::work,
        ),
        tasks: cell.tasks,
        repeat: m.repeat,
        round,
        start_s: m.start_unix_s.map(|t| (t - session.origin_unix_s).max(0.0)),
        cpu_util: if over > 0.0 { busy / over } else { 0.0 },
        measured,
        host_speed: None,
        host_speed_before: None,
        host_speed_after: None,
        host_spread: None,
        status: if m.error.is_some() {
            Status::Error
        } else {
            Status::Ok
        },
        error: m.error.unwrap_or_default().replace(['\n', '\r'], " "),
    }
}

/// The `runs.csv` row of a run that produced no measurement.
pub fn failed_row(
    session: Session<'_>,
    cell: &Cell,
    round: u32,
    repeat: u32,
    status: Status,
    error: String,
) -> RunRow {
    let m = Measured {
        repeat,
        start_unix_s: unix_now_s(),
        error: Some(error),
        ..Measured::default()
    };
    let mut row = run_row(session, cell, round, m);
    row.status = status;
    row
}

/// Now, in Unix seconds.
pub fn unix_now_s() -> Option<f64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs_f64())
}

/// The `tasks.csv` rows of a timeline run.
fn task_rows(scenario: &str, cell: &Cell, recorded: RecordedTasks) -> Vec<TaskRow> {
    let window_start_s = recorded.interp_start_s;
    let window_s = recorded.reported_s;
    recorded
        .spans
        .into_iter()
        .map(|s| TaskRow {
            scenario: scenario.to_string(),
            cell: cell.id.clone(),
            repeat: recorded.repeat,
            worker: s.worker,
            task: s.task,
            start_s: s.start_ns as f64 / 1e9,
            end_s: s.end_ns as f64 / 1e9,
            run_wall_s: recorded.wall_s,
            window_start_s,
            window_s,
        })
        .collect()
}
