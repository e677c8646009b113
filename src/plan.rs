//! Planning: a scenario becomes the ordered list of cells to measure. One cell is one
//! (workload, model, workers) point; models that ignore the worker count get one cell.

use crate::cli::Timeline;
use crate::kernel::Params;
use crate::model::{self, command::CommandModel, recorder::MAX_RECORDED_TASKS, Model};
use crate::run::RunRow;
use crate::scenario::{Scaling, Scenario};
use serde::{Deserialize, Serialize};

/// One (workload, model, workers) point with everything its isolated child process needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub workload: String,
    pub kernel: String,
    pub builtin_kernel: bool,
    pub params: Params,
    pub model: String,
    /// The command definition for external models; `None` for built-in models.
    pub command: Option<CommandModel>,
    pub workers: u64,
    /// Tasks per run, after weak scaling (tasks per worker x workers) is applied.
    pub tasks: u64,
    pub warmup: u32,
    pub repeats: u32,
    pub timeout_s: Option<f64>,
    /// Whether one more run after the measured ones records which worker runs which task when.
    #[serde(default)]
    pub timeline: bool,
}

/// Expands every workload into cells, in workload, model, workers order.
pub fn cells(scenario: &Scenario) -> Vec<Cell> {
    let mut out = Vec::new();
    for w in &scenario.workloads {
        for m in &w.models {
            let command = scenario.commands.iter().find(|c| &c.name == m).cloned();
            let fixed = match &command {
                Some(c) => c.fixed_workers(),
                None => model::find(m).and_then(|b| b.fixed_workers()),
            };
            let counts = match fixed {
                Some(n) => vec![n],
                None => w.workers.clone(),
            };
            for workers in counts {
                let tasks = match w.scaling {
                    Scaling::Strong => w.tasks,
                    Scaling::Weak => w.tasks * workers,
                };
                out.push(Cell {
                    workload: w.name.clone(),
                    kernel: w.kernel.clone(),
                    builtin_kernel: w.builtin,
                    params: w.params.clone(),
                    model: m.clone(),
                    command: command.clone(),
                    workers,
                    tasks,
                    warmup: w.warmup,
                    repeats: w.repeats,
                    timeout_s: w.timeout_s,
                    timeline: false,
                });
            }
        }
    }
    out
}

/// Marks the cells that do one more run, after the measured ones, to record a timeline: with
/// [`Timeline::Default`] each model's cell with the most workers in each workload, with
/// [`Timeline::All`] every cell; only runs of at most [`MAX_RECORDED_TASKS`] tasks. (A
/// command model's program records only if it writes the file it is given, as the shipped
/// kernels.py does.)
pub fn choose_timeline(cells: &mut [Cell], which: Timeline) {
    let recordable = |c: &Cell| c.tasks <= MAX_RECORDED_TASKS;
    for i in 0..cells.len() {
        let c = &cells[i];
        let largest = !cells
            .iter()
            .any(|o| o.workload == c.workload && o.model == c.model && o.workers > c.workers);
        cells[i].timeline = recordable(&cells[i])
            && match which {
                Timeline::Off => false,
                Timeline::Default => largest,
                Timeline::All => true,
            };
    }
}

/// For `--resume`: the cells still to run, and the earlier rows to keep (those of cells that
/// already have all their runs). A cell with only some of its runs is run again whole, so its
/// runs share one warmed-up process.
pub fn remaining(cells: Vec<Cell>, earlier: Vec<RunRow>) -> (Vec<Cell>, Vec<RunRow>) {
    let of = |c: &Cell, r: &RunRow| {
        r.workload == c.workload && r.model == c.model && r.workers == c.workers
    };
    let (done, todo): (Vec<Cell>, Vec<Cell>) = cells
        .into_iter()
        .partition(|c| earlier.iter().filter(|r| of(c, r)).count() >= c.repeats as usize);
    let kept = earlier
        .into_iter()
        .filter(|r| done.iter().any(|c| of(c, r)))
        .collect();
    (todo, kept)
}

/// Total measured runs in a list of cells (for progress and `--dry-run`-style summaries).
pub fn total_runs(cells: &[Cell]) -> u64 {
    cells.iter().map(|c| c.repeats as u64).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(workload: &str, model: &str, workers: u64, tasks: u64) -> Cell {
        Cell {
            workload: workload.into(),
            kernel: "noop".into(),
            builtin_kernel: true,
            params: Params::new(),
            model: model.into(),
            command: None,
            workers,
            tasks,
            warmup: 0,
            repeats: 1,
            timeout_s: None,
            timeline: false,
        }
    }

    #[test]
    fn timeline_cells_are_the_largest_per_workload_and_model() {
        let mut cells = vec![
            cell("a", "threads", 1, 10),
            cell("a", "threads", 4, 10),
            cell("a", "threads", 2, 10),
            cell("a", "async", 1, 10),
            cell("b", "threads", 1, 10),
            cell("b", "rayon", 8, MAX_RECORDED_TASKS + 1),
        ];
        let marked = |cells: &[Cell]| -> Vec<bool> { cells.iter().map(|c| c.timeline).collect() };
        choose_timeline(&mut cells, Timeline::Default);
        assert_eq!(marked(&cells), [false, true, false, true, true, false]);
        choose_timeline(&mut cells, Timeline::All);
        assert_eq!(marked(&cells), [true, true, true, true, true, false]);
        choose_timeline(&mut cells, Timeline::Off);
        assert_eq!(marked(&cells), [false; 6]);
    }
}
