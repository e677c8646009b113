//! Planning: a scenario becomes the ordered list of cells to measure. One cell is one
//! (workload, model, workers) point; models that ignore the worker count get one cell.

use crate::kernel::user_code::UserCode;
use crate::kernel::Params;
use crate::model::{self, command::CommandModel, recorder::MAX_RECORDED_TASKS, Model, Spawns};
use crate::record::{CellKey, RunRow};
use crate::scenario::{Order, Scaling, Scenario};
use serde::{Deserialize, Serialize};

/// One (workload, model, workers) point with everything its isolated child process needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub workload: String,
    pub kernel: String,
    pub builtin_kernel: bool,
    /// The user's own code (a Python function or a library) the workload runs, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<UserCode>,
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

impl Cell {
    pub fn key(&self) -> CellKey<'_> {
        CellKey {
            workload: &self.workload,
            model: &self.model,
            workers: self.workers,
        }
    }

    /// The model that runs this cell: its command, or the built-in model of its name.
    pub fn model(&self) -> Option<&dyn Model> {
        match &self.command {
            Some(c) => Some(c),
            None => model::find(&self.model).map(|m| m as &dyn Model),
        }
    }
}

/// Which cells record a timeline in one extra run after their measured ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimelineCells {
    /// None.
    Off,
    /// Each model's cell with the most workers, per workload.
    #[default]
    Largest,
    /// Every cell.
    All,
}

/// Expands every workload into cells, in workload, model, workers order.
pub fn cells(scenario: &Scenario) -> Vec<Cell> {
    let mut out = Vec::new();
    for w in &scenario.workloads {
        for m in &w.models {
            let command = scenario.commands.iter().find(|c| &c.name == m).cloned();
            let fixed = model::lookup(m, &scenario.commands).and_then(|b| b.fixed_workers());
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
                    code: w.code.clone(),
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
/// [`TimelineCells::Largest`] each model's cell with the most workers in each workload, with
/// [`TimelineCells::All`] every cell; only runs of at most [`MAX_RECORDED_TASKS`] tasks. (A
/// command model's program records only if it writes the file it is given, as the shipped
/// kernels.py does.)
pub fn choose_timeline(cells: &mut [Cell], which: TimelineCells) {
    let recordable = |c: &Cell| c.tasks <= MAX_RECORDED_TASKS;
    for i in 0..cells.len() {
        let c = &cells[i];
        let largest = !cells
            .iter()
            .any(|o| o.workload == c.workload && o.model == c.model && o.workers > c.workers);
        cells[i].timeline = recordable(&cells[i])
            && match which {
                TimelineCells::Off => false,
                TimelineCells::Largest => largest,
                TimelineCells::All => true,
            };
    }
}

/// For `--resume`: the cells still to run, and the earlier rows to keep (those of cells that
/// already have all their runs). A cell with only some of its runs is run again whole, so its
/// runs share one warmed-up process.
pub fn remaining(cells: Vec<Cell>, earlier: Vec<RunRow>) -> (Vec<Cell>, Vec<RunRow>) {
    let mut counts: std::collections::HashMap<CellKey, usize> = Default::default();
    for r in &earlier {
        *counts.entry(r.key()).or_default() += 1;
    }
    let (done, todo): (Vec<Cell>, Vec<Cell>) = cells
        .into_iter()
        .partition(|c| counts.get(&c.key()).copied().unwrap_or(0) >= c.repeats as usize);
    let done_keys: std::collections::HashSet<CellKey> = done.iter().map(Cell::key).collect();
    let kept = earlier
        .iter()
        .filter(|r| done_keys.contains(&r.key()))
        .cloned()
        .collect();
    (todo, kept)
}

/// Total measured runs in a list of cells (for progress and `--dry-run`-style summaries).
pub fn total_runs(cells: &[Cell]) -> u64 {
    cells.iter().map(|c| c.repeats as u64).sum()
}

/// A stretch of one cell's measured runs that one cell process does (after its warmup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Index into the cell list.
    pub cell: usize,
    pub repeats: std::ops::Range<u32>,
}

/// The slots to run, in order. With `Cells` each cell is one slot; otherwise each measured
/// run is its own slot (and its own process, with its own warmup).
pub fn schedule(cells: &[Cell], order: Order, seed: u64) -> Vec<Slot> {
    let all = |c: usize| Slot {
        cell: c,
        repeats: 0..cells[c].repeats,
    };
    let one = |c: usize, r: u32| Slot {
        cell: c,
        repeats: r..r + 1,
    };
    match order {
        Order::Cells => (0..cells.len()).map(all).collect(),
        Order::Interleaved => {
            let rounds = cells.iter().map(|c| c.repeats).max().unwrap_or(0);
            (0..rounds)
                .flat_map(|r| {
                    (0..cells.len())
                        .filter(move |&c| r < cells[c].repeats)
                        .map(move |c| one(c, r))
                })
                .collect()
        }
        Order::Random => {
            let mut slots: Vec<Slot> = (0..cells.len())
                .flat_map(|c| (0..cells[c].repeats).map(move |r| one(c, r)))
                .collect();
            // Fisher-Yates with a small deterministic generator.
            let mut rng = crate::hash::SplitMix64(seed);
            for i in (1..slots.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                slots.swap(i, j);
            }
            slots
        }
    }
}

/// A rough estimate of one measured run of `cell`, in seconds, from the kernel's per-task
/// cost and how the model spreads tasks over `cores` cores. Used for `--dry-run` and to
/// balance `--shard` slices; only its order of magnitude matters.
pub fn estimate_run_s(cell: &Cell, cores: u64) -> f64 {
    let kernel = crate::kernel::find(&cell.kernel).filter(|_| cell.builtin_kernel);
    let per_task = kernel.map_or(1e-3, |k| k.task_cost_s(&cell.params));
    let cpu = kernel.is_none_or(|k| k.kind() != crate::kernel::Kind::Io);
    let w = cell.workers.max(1) as f64;
    let model = cell.model();
    let spawns = model.map_or(Spawns::Unknown, |m| m.spawns());
    let cpu_parallel = model.is_none_or(|m| m.cpu_parallel());
    let parallel = match spawns {
        Spawns::Nothing => 1.0,
        _ if cpu && !cpu_parallel => 1.0,
        _ if cpu => w.min(cores.max(1) as f64),
        _ => w,
    };
    let mut t = cell.tasks as f64 * per_task / parallel;
    if cell.command.is_some() {
        // An interpreter: slower per task (CPython ~30x on CPU work) and seconds to start.
        if cpu {
            t *= 30.0;
        }
        t += 0.3;
    }
    if spawns == Spawns::Processes {
        t += 0.002 * w;
    }
    t + 0.0005
}

/// The estimated seconds of a whole cell: its process, warmup and measured runs.
pub fn estimate_cell_s(cell: &Cell, cores: u64) -> f64 {
    0.01 + (cell.warmup + cell.repeats) as f64 * estimate_run_s(cell, cores)
}

/// A `--shard K/N` selection: which of N slices this machine runs (K counts from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!("--shard `{s}`: expected K/N with 1 <= K <= N, e.g. --shard 1/2 and --shard 2/2 on two machines")
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The cells of one shard, in plan order. Cells go, costliest first, to the shard with the
/// least estimated time so far (ties to the lower shard), so the N slices take about equally
/// long and every cell lands in exactly one of them, the same way on every machine.
pub fn shard(cells: Vec<Cell>, shard: Shard, cores: u64) -> Vec<Cell> {
    let cost: Vec<f64> = cells.iter().map(|c| estimate_cell_s(c, cores)).collect();
    let mut by_cost: Vec<usize> = (0..cells.len()).collect();
    by_cost.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]).then(a.cmp(&b)));
    let mut load = vec![0.0f64; shard.count as usize];
    let mut owner = vec![0usize; cells.len()];
    for i in by_cost {
        let lightest = (0..load.len())
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        load[lightest] += cost[i];
        owner[i] = lightest;
    }
    cells
        .into_iter()
        .enumerate()
        .filter(|(i, _)| owner[*i] == shard.index as usize - 1)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(workload: &str, model: &str, workers: u64, tasks: u64) -> Cell {
        Cell {
            workload: workload.into(),
            kernel: "noop".into(),
            builtin_kernel: true,
            code: None,
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
        choose_timeline(&mut cells, TimelineCells::Largest);
        assert_eq!(marked(&cells), [false, true, false, true, true, false]);
        choose_timeline(&mut cells, TimelineCells::All);
        assert_eq!(marked(&cells), [true, true, true, true, true, false]);
        choose_timeline(&mut cells, TimelineCells::Off);
        assert_eq!(marked(&cells), [false; 6]);
    }
}
