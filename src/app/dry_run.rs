//! `parabench run --dry-run`: the expanded matrix, its runs and an estimated duration; runs
//! and writes nothing.

use crate::plan::{self, Shard, TimelineCells};
use crate::scenario::{self, Scenario};
use crate::text::{count, rough_duration};

pub fn dry_run(scenario: &Scenario, shard: Option<Shard>) {
    let cores = scenario::logical_cores();
    let cells = super::run::planned_cells(scenario, shard, TimelineCells::Off);
    let slots = plan::schedule(
        &cells,
        scenario.order,
        crate::hash::seed_of(&scenario.sha256),
    );
    let slice = shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    println!(
        "scenario `{}` ({}{slice}, order {}):",
        scenario.name,
        scenario
            .path
            .as_deref()
            .map_or("built-in demo".into(), |p| p.display().to_string()),
        scenario.order.as_str()
    );
    println!(
        "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
        "workload", "model", "workers", "tasks", "warmup+runs", "est. time"
    );
    let mut total = 0.0;
    for c in &cells {
        let est = plan::estimate_cell_s(c, cores);
        total += est;
        println!(
            "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
            c.workload,
            c.model,
            c.workers,
            c.tasks,
            format!("{}+{}", c.warmup, c.repeats),
            rough_duration(est)
        );
    }
    // Interleaved and random orders start a process (with its warmup) for every run.
    if slots.len() > cells.len() {
        total = slots
            .iter()
            .map(|sl| {
                let c = &cells[sl.cell];
                0.01 + (c.warmup + 1) as f64 * plan::estimate_run_s(c, cores)
            })
            .sum();
    }
    println!(
        "  {}, {}, {}; estimated time about {} (a rough guess from the kernels' parameters)",
        count(cells.len() as u64, "cell"),
        count(plan::total_runs(&cells), "measured run"),
        count(slots.len() as u64, "process"),
        rough_duration(total)
    );
}
