//! More pairs for the cells of a variant run whose pairs cannot resolve the threshold.
//!
//! After the session, a cell whose paired ratios have a detectable change (the larger
//! half-width of the ratio's 95% CI) above the threshold cannot tell a change the size of the
//! threshold from its own noise: its variants run one more round of pairs (as many as a round
//! of the session had, all variants side by side in A B B A turns), and again, up to as many
//! more rounds as the session had (at most twice the pairs). The rule looks only at the CI's
//! width, never at which side of the threshold the ratio falls, so taking more pairs does not
//! make a false alarm likelier. Measured: `scenarios/benchmarks/variants.py`
//! (`PARABENCH_VARIANT_MORE_ROUNDS=0` turns it off).

use super::{RunOptions, Store};
use crate::error::Error;
use crate::plan::{self, Cell, Slot};
use crate::record::{CellId, ChecksumCheck, Ending};
use crate::report::variants;
use crate::run::Session;
use crate::scenario::Scenario;

/// The variable that caps the extra rounds (default: the scenario's `rounds`).
pub const MORE_ROUNDS_ENV: &str = "PARABENCH_VARIANT_MORE_ROUNDS";

/// What a variant run's threshold and calibration are, for judging the pairs.
pub(super) struct Judging {
    pub threshold_pct: f64,
    pub aa: bool,
}

/// Runs the extra rounds (see the module docs); `cells` are the run's cells, every variant's.
pub(super) fn more_pairs(
    session: Session<'_>,
    scenario: &Scenario,
    cells: &[Cell],
    judging: &Judging,
    (check, store): (&mut ChecksumCheck, &mut Store),
    opts: &RunOptions,
) -> Result<Ending, Error> {
    let names: Vec<String> = scenario.variants.iter().map(|v| v.name.clone()).collect();
    if names.len() < 2 {
        return Ok(Ending::Complete);
    }
    // The extra runs record no timeline.
    let cells: Vec<Cell> = cells
        .iter()
        .map(|c| Cell {
            timeline: false,
            ..c.clone()
        })
        .collect();
    let most = std::env::var(MORE_ROUNDS_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(scenario.rounds);
    let mut group = 0u32;
    for pass in 0..most {
        let paired = variants::pair(&store.rows, &names, judging.threshold_pct, judging.aa);
        let wide: Vec<&CellId> = paired
            .cells
            .iter()
            .filter(|c| c.detectable_pct.is_some_and(|d| d > judging.threshold_pct))
            .map(|c| &c.cell)
            .collect();
        let at = (scenario.rounds, scenario.rounds + pass, &mut group);
        let slots = extra_round(&cells, names.len(), &wide, store, at);
        if slots.is_empty() {
            break;
        }
        if !opts.quiet {
            eprintln!(
                "taking more pairs of {} whose pairs cannot resolve the {}% threshold",
                crate::text::count(wide.len() as u64, "cell"),
                judging.threshold_pct
            );
        }
        let ending = super::run_slots(session, &cells, &slots, (&mut *check, &mut *store), opts)?;
        if ending != Ending::Complete {
            return Ok(ending);
        }
    }
    Ok(Ending::Complete)
}

/// One more round of pairs (as many as the first of the session's `rounds` held) for each
/// cell of `wide` (base identities), numbered `round`: a group of every variant's slot per
/// cell, numbered from `group`, the variants' order turning A B, B A from one group to the
/// next, the repeats following each cell's last.
fn extra_round(
    cells: &[Cell],
    variants: usize,
    wide: &[&CellId],
    store: &Store,
    (rounds, round, group): (u32, u32, &mut u32),
) -> Vec<Slot> {
    let n = cells.len() / variants;
    let mut slots = Vec::new();
    for id in wide {
        let Some(c) = (0..n).find(|&c| cells[c].id.base() == **id) else {
            continue;
        };
        let w = &cells[c].workload;
        let per_round = plan::round_repeats(w.repeats, rounds, 0).len() as u32;
        let next = store
            .rows
            .iter()
            .filter(|r| r.cell.base() == **id)
            .map(|r| r.repeat + 1)
            .max()
            .unwrap_or(0);
        let mut order: Vec<usize> = (0..variants).collect();
        if *group % 2 == 1 {
            order.reverse();
        }
        for v in order {
            let cell = v * n + c;
            slots.push(Slot {
                cell,
                repeats: next..next + per_round.max(1),
                round,
                warmup: cells[cell].workload.warmup.min(1),
                warmup_tasks: Some(plan::short_warmup_tasks(&cells[cell])),
                group: Some(*group),
            });
        }
        *group += 1;
    }
    slots
}
