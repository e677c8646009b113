//! `remeasure`: the runs the host probes saw on a slowed host, measured again at the end of
//! the session. In a run with variants a pair is measured again whole (every variant's run of
//! that repeat, side by side), so its two runs stay adjacent in time.

use super::{run_slots, RunOptions, Store};
use crate::error::Error;
use crate::plan;
use crate::record::{ChecksumCheck, Ending};
use crate::report::output::RunDir;
use crate::run;

/// Measures again, each in a fresh process at the end of the session, up to `budget` runs of
/// more than one worker that the host probes saw on a slowed host (see
/// [`crate::report::host::SLOWED`]), in up to three passes (a run measured again may land in a
/// slow spell too). Each first measurement stays in runs.csv, marked `slowed` (runs.csv is
/// written again, whole, before each pass, so an interruption leaves no duplicate `ok` rows).
#[allow(clippy::too_many_arguments)]
pub(super) fn remeasure(
    session: run::Session<'_>,
    cells: &[plan::Cell],
    budget: u32,
    check: &mut ChecksumCheck,
    store: &mut Store,
    dir: &RunDir,
    opts: &RunOptions,
) -> Result<Ending, Error> {
    use crate::record::HostSpeeds;
    // The extra runs record no timeline.
    let cells: Vec<plan::Cell> = cells
        .iter()
        .map(|c| plan::Cell {
            timeline: false,
            ..c.clone()
        })
        .collect();
    let mut left = budget as usize;
    for _pass in 0..3 {
        let mut probed = store.rows.clone();
        HostSpeeds::learn(&probed).fill(&mut probed);
        let Some(typical) = crate::report::host::typical_speed(&probed) else {
            break;
        };
        let mut slowed: Vec<(usize, f64)> = probed
            .iter()
            .enumerate()
            .filter(|(_, r)| r.ok() && r.cell.workers >= 2)
            .filter_map(|(i, r)| Some((i, r.host_speed?)))
            .filter(|(_, h)| *h < crate::report::host::SLOWED * typical)
            .collect();
        slowed.sort_by(|a, b| a.1.total_cmp(&b.1));
        slowed.truncate(left);
        if slowed.is_empty() {
            break;
        }
        let slots = again(&slowed, typical, &cells, store);
        store.rewrite_runs(dir)?;
        left = left.saturating_sub(slots.len());
        if !opts.quiet {
            eprintln!(
                "measuring again {} that the host probes saw on a slowed host",
                crate::text::count(slots.len() as u64, "run")
            );
        }
        let ending = run_slots(session, &cells, &slots, (check, store), opts)?;
        if ending != Ending::Complete || left == 0 {
            return Ok(ending);
        }
    }
    Ok(Ending::Complete)
}

/// The slots that measure the `slowed` rows (index, host speed) again, each with its pair
/// (see [`pair_of`]), marking the first measurements `slowed`.
fn again(
    slowed: &[(usize, f64)],
    typical: f64,
    cells: &[plan::Cell],
    store: &mut Store,
) -> Vec<plan::Slot> {
    use crate::record::Status;
    let mut slots = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    for &(i, speed) in slowed {
        let pair = pair_of(&store.rows, i);
        if pair.iter().any(|j| taken.contains(j)) {
            continue; // measured again already, with its partner
        }
        let group = (pair.len() > 1).then_some(slots.len() as u32);
        let mut turn: Vec<plan::Slot> = Vec::new();
        for &j in &pair {
            let row = &mut store.rows[j];
            let same = |c: &plan::Cell| c.id == row.cell;
            let Some(c) = cells.iter().position(same) else {
                continue;
            };
            row.status = Status::Slowed;
            row.error = if j == i {
                format!(
                    "measured again: the host probes saw this run at {speed:.2} of the CPUs' \
                     best (the session's typical {typical:.2})"
                )
            } else {
                "measured again with the other run of its pair, which the host probes saw on \
                 a slowed host"
                    .to_string()
            };
            turn.push(plan::Slot {
                cell: c,
                repeats: row.repeat..row.repeat + 1,
                round: row.round,
                warmup: cells[c].workload.warmup,
                warmup_tasks: None,
                group,
            });
        }
        if group.is_some_and(|g| g % 2 == 1) {
            turn.reverse();
        }
        taken.extend(pair);
        slots.extend(turn);
    }
    slots
}

/// The rows measured again together with row `i`: with variants, every variant's successful
/// run of the same cell and repeat (the pair); else the row alone.
fn pair_of(rows: &[crate::record::RunRow], i: usize) -> Vec<usize> {
    let row = &rows[i];
    if row.cell.variant.is_none() {
        return vec![i];
    }
    let base = row.cell.base();
    (0..rows.len())
        .filter(|&j| rows[j].ok() && rows[j].repeat == row.repeat && rows[j].cell.base() == base)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pair_of;
    use crate::record::{CellId, RunRow, Status};

    fn row(variant: Option<&str>, workers: u64, repeat: u32) -> RunRow {
        RunRow {
            cell: CellId {
                workload: "w".into(),
                model: "threads".into(),
                workers,
                variant: variant.map(str::to_string),
            },
            repeat,
            ..RunRow::default()
        }
    }

    #[test]
    fn a_pair_is_measured_again_whole_and_a_plain_run_alone() {
        let mut rows = vec![
            row(Some("a"), 2, 0),
            row(Some("b"), 2, 0),
            row(Some("a"), 2, 1),
            row(Some("b"), 2, 1),
            row(Some("b"), 1, 1),
            row(Some("b"), 2, 1), // b's repeat 1 measured again: the first one is now `slowed`
        ];
        rows[3].status = Status::Slowed;
        assert_eq!(pair_of(&rows, 0), [0, 1]);
        assert_eq!(pair_of(&rows, 2), [2, 5]);
        let plain = vec![row(None, 2, 0), row(None, 2, 0)];
        assert_eq!(pair_of(&plain, 1), [1]);
    }
}
