//! `parabench run --dry-run`: the expanded matrix, its runs and an estimated duration; runs
//! and writes nothing.

use crate::plan::{self, Shard, TimelineCells};
use crate::scenario::{self, Scenario};
use crate::text::{count, rough_duration};

pub fn dry_run(scenario: &Scenario, shard: Option<Shard>) {
    let cores = scenario::logical_cores();
    let cells = super::run::planned_cells(scenario, shard, TimelineCells::Off);
    let slots = super::run::planned_slots(scenario, &cells);
    let slice = shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    println!(
        "scenario `{}` ({}{slice}, order {}{}):",
        scenario.name,
        scenario
            .path
            .as_deref()
            .map_or("built-in demo".into(), |p| p.display().to_string()),
        scenario.order.as_str(),
        match scenario.order {
            scenario::Order::Rounds => format!(", {}", count(scenario.rounds.into(), "round")),
            _ => String::new(),
        }
    );
    println!(
        "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
        "workload", "model", "workers", "tasks", "warmup+runs", "est. time"
    );
    let names: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
    if !names.is_empty() {
        println!(
            "  {} measured under every one of them, paired A B B A: {}; a cell whose pairs \
             cannot resolve the threshold gets up to {} more (not in the estimate)",
            count(names.len() as u64, "variant"),
            names.join(", "),
            count(scenario.rounds.into(), "round")
        );
    }
    for (i, c) in cells.iter().enumerate() {
        let model = match &c.id.variant {
            Some(v) => format!("{} [{v}]", c.id.model),
            None => c.id.model.clone(),
        };
        let mine: Vec<&plan::Slot> = slots.iter().filter(|s| s.cell == i).collect();
        let warmup: u32 = mine.iter().map(|s| s.warmup).sum();
        let est: f64 = mine
            .iter()
            .map(|s| plan::estimate_slot_s(s, &cells, cores))
            .sum();
        println!(
            "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
            c.id.workload,
            model,
            c.id.workers,
            c.tasks,
            format!("{warmup}+{}", c.workload.repeats),
            rough_duration(est)
        );
    }
    // Every slot is a process of its own, with its own warmup.
    let total: f64 = slots
        .iter()
        .map(|s| plan::estimate_slot_s(s, &cells, cores))
        .sum();
    println!(
        "  {}, {}, {}; estimated time about {} (a rough guess from the kernels' parameters)",
        count(cells.len() as u64, "cell"),
        count(plan::total_runs(&cells), "measured run"),
        count(slots.len() as u64, "process"),
        rough_duration(total)
    );
}
