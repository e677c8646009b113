//! Planning: a scenario becomes the ordered list of cells to measure. One cell is one
//! (workload, model, workers) point; models that ignore the worker count get one cell.

use crate::model::{self, command::CommandModel, recorder::MAX_RECORDED_TASKS, Model, Spawns};
use crate::record::{CellId, RunRow};
use crate::scenario::{Order, Scaling, Scenario, Workload};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

mod shard;
#[cfg(test)]
mod tests;

pub use shard::{shard, BadShard, Shard, ShardError};

/// One (workload, model, workers) point with everything its isolated child process needs.
/// What runs (kernel or code, parameters, repeats, warmup, timeout) is the workload's own,
/// shared by its cells: a new workload key is read from `cell.workload`, never copied here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Workload, model, workers and variant.
    pub id: CellId,
    /// The workload, as resolved; a variant that changes the code has its own copy (see
    /// [`with_variants`]).
    pub workload: Arc<Workload>,
    /// The command definition for external models; `None` for built-in models.
    pub command: Option<CommandModel>,
    /// Tasks per run, after weak scaling (tasks per worker x workers) is applied.
    pub tasks: u64,
    /// Whether one more run after the measured ones records which worker runs which task when.
    #[serde(default)]
    pub timeline: bool,
    /// The variant's environment variables, set on the cell process (and so on everything it
    /// starts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<(String, String)>,
}

impl Cell {
    /// The model that runs this cell: its command, or the built-in model of its name.
    pub fn model(&self) -> Option<&dyn Model> {
        match &self.command {
            Some(c) => Some(c),
            None => model::find(&self.id.model).map(|m| m as &dyn Model),
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
        let workload = Arc::new(w.clone());
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
                    id: CellId::new(&w.name, m, workers),
                    workload: Arc::clone(&workload),
                    command: command.clone(),
                    tasks,
                    timeline: false,
                    env: Vec::new(),
                });
            }
        }
    }
    out
}

/// Every cell once per variant, variant after variant (cell `c` of variant `v` at
/// `v * cells.len() + c`), each with the variant's code, command models (`{variant}` filled
/// in) and environment. Without variants the cells stay as they are.
pub fn with_variants(cells: Vec<Cell>, variants: &[crate::scenario::Variant]) -> Vec<Cell> {
    if variants.is_empty() {
        return cells;
    }
    let placeholder = format!("{{{}}}", crate::scenario::VARIANT_PLACEHOLDER);
    let mut out = Vec::with_capacity(cells.len() * variants.len());
    for v in variants {
        for c in &cells {
            let mut cell = c.clone();
            if let Some((_, code)) = v.code.iter().find(|(w, _)| *w == c.id.workload) {
                let w = Arc::make_mut(&mut cell.workload);
                w.kernel = code.kernel_name();
                w.code = Some(code.clone());
            }
            if let Some(command) = &mut cell.command {
                if let Some(mine) = v.commands.iter().find(|m| m.name == command.name) {
                    *command = mine.clone();
                }
                for arg in &mut command.argv {
                    *arg = arg.replace(&placeholder, &v.name);
                }
            }
            cell.id.variant = Some(v.name.clone());
            cell.env = v.env.clone();
            out.push(cell);
        }
    }
    out
}

/// How the variants of a cell take turns (see [`expand_variants`]), measured with
/// `scenarios/benchmarks/variants.py alternation 10` (the native-c library and a build with 5%
/// more work; sequential, threads and processes at 1 and 2 workers, 20 runs per cell, threshold
/// 2%; the modes interleaved round by round on the shared 2-core VM). Quiet host (load 1.5-2.3),
/// two series: together 49 and 47 of 50 cells regressed (`processes`@2 9/10 and 7/10), A/A 1 and
/// 0 of 50 flagged, 4.7 s a run; per process 46 and 46 (`processes`@2 6/10, 6/10), A/A 1 and 1,
/// 4.8 s; per run 49 (9/10), A/A 1, 8.4 s. Busy host (load 4-5, 6 rounds): together 27 of 30,
/// per process 23, per run 26. Together pairs as closely as per run at the cost of per process,
/// so it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alternation {
    /// The variants' processes of a slot start together and take turns run by run, A B B A:
    /// each runs its measured run while the others wait idle (blocked on their next `go`),
    /// so the runs of a pair are adjacent in time without a fresh process per run.
    #[default]
    Together,
    /// Each slot of a cell becomes one slot per variant, the variants' processes taking
    /// turns A B, then B A at the next slot (a pair's runs are a slot apart).
    Process,
    /// Each measured run is a slot of its own (a fresh process with its warmup, short after
    /// the first of the cell's round), the variants alternating A B B A run by run.
    Run,
}

impl Alternation {
    pub const ENV: &'static str = "PARABENCH_VARIANT_ALTERNATION";

    pub fn from_env() -> Alternation {
        match std::env::var(Self::ENV).as_deref() {
            Ok("run") => Alternation::Run,
            Ok("process") => Alternation::Process,
            Ok("together") => Alternation::Together,
            _ => Alternation::default(),
        }
    }
}

/// With `variants` variants (the cells laid out by [`with_variants`]), turns the schedule of
/// the base cells (the first `cells / variants`) into one that runs every variant of each
/// slot's cell around the same moment, in ABBA order: the variants' slots of the k-th base
/// slot go A B for even k and B A for odd k, so neither variant always goes first.
pub fn expand_variants(
    base: Vec<Slot>,
    cells: &[Cell],
    variants: usize,
    alternation: Alternation,
) -> Vec<Slot> {
    if variants < 2 {
        return base;
    }
    let n = cells.len() / variants;
    let mut out = Vec::new();
    let mut k = 0usize;
    for s in base {
        match alternation {
            Alternation::Process | Alternation::Together => {
                let group = (alternation == Alternation::Together).then_some(k as u32);
                out.extend(turn(k, variants).map(|v| Slot {
                    cell: v * n + s.cell,
                    group,
                    ..s.clone()
                }));
                k += 1;
            }
            Alternation::Run => {
                for (j, r) in s.repeats.clone().enumerate() {
                    out.extend(turn(k, variants).map(|v| one_run(&s, v * n + s.cell, r, j, cells)));
                    k += 1;
                }
            }
        }
    }
    out
}

/// The order of the variants in the k-th turn: 0, 1, ... for even k, reversed for odd k.
fn turn(k: usize, variants: usize) -> impl Iterator<Item = usize> {
    let mut v: Vec<usize> = (0..variants).collect();
    if k % 2 == 1 {
        v.reverse();
    }
    v.into_iter()
}

/// Run `r` (the `j`-th of base slot `s`) of cell `c` as a slot of its own: the slot's warmup,
/// short after the first run.
fn one_run(s: &Slot, c: usize, r: u32, j: usize, cells: &[Cell]) -> Slot {
    Slot {
        cell: c,
        repeats: r..r + 1,
        warmup_tasks: if j == 0 {
            s.warmup_tasks
        } else {
            Some(short_warmup_tasks(&cells[c]))
        },
        ..s.clone()
    }
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
        let largest = !cells.iter().any(|o| {
            o.id.workload == c.id.workload
                && o.id.model == c.id.model
                && o.id.workers > c.id.workers
        });
        cells[i].timeline = recordable(&cells[i])
            && match which {
                TimelineCells::Off => false,
                TimelineCells::Largest => largest,
                TimelineCells::All => true,
            };
    }
}

/// For `--resume`: the slots still to run, and the earlier rows to keep (those of slots that
/// already have all their runs). A slot with only some of its runs is run again whole, so its
/// runs share one warmed-up process; with `rounds` order that costs at most one round of one
/// cell. Also the cells whose timeline run is kept: those whose last slot (the one that
/// records it) is complete.
pub fn remaining(cells: &[Cell], slots: Vec<Slot>, earlier: Vec<RunRow>) -> Remaining {
    use std::collections::HashSet;
    let done: HashSet<(&CellId, u32)> = earlier.iter().map(|r| (&r.cell, r.repeat)).collect();
    fn id(c: &Cell, r: u32) -> (&CellId, u32) {
        (&c.id, r)
    }
    let complete = |s: &Slot| {
        s.repeats
            .clone()
            .all(|r| done.contains(&id(&cells[s.cell], r)))
    };
    let (kept_slots, todo): (Vec<Slot>, Vec<Slot>) = slots.into_iter().partition(complete);
    let kept_runs: HashSet<(&CellId, u32)> = kept_slots
        .iter()
        .flat_map(|s| s.repeats.clone().map(move |r| id(&cells[s.cell], r)))
        .collect();
    let kept = earlier
        .iter()
        .filter(|r| kept_runs.contains(&(&r.cell, r.repeat)))
        .cloned()
        .collect();
    let kept_timelines = kept_slots
        .iter()
        .filter(|s| s.repeats.end == cells[s.cell].workload.repeats)
        .map(|s| cells[s.cell].id.clone())
        .collect();
    Remaining {
        slots: todo,
        kept,
        kept_timelines,
    }
}

/// What `--resume` leaves to do (see [`remaining`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Remaining {
    pub slots: Vec<Slot>,
    pub kept: Vec<RunRow>,
    /// Cells whose recorded timeline stays (their last slot is kept).
    pub kept_timelines: std::collections::HashSet<CellId>,
}

/// How many cells a list of slots visits.
pub fn cells_in(slots: &[Slot]) -> usize {
    let mut cells: Vec<usize> = slots.iter().map(|s| s.cell).collect();
    cells.sort_unstable();
    cells.dedup();
    cells.len()
}

/// Measured runs in a list of slots (for progress and `--dry-run`).
pub fn runs_in(slots: &[Slot]) -> u64 {
    slots
        .iter()
        .map(|s| u64::from(s.repeats.end - s.repeats.start))
        .sum()
}

/// Measured runs of a list of cells.
pub fn total_runs(cells: &[Cell]) -> u64 {
    cells.iter().map(|c| u64::from(c.workload.repeats)).sum()
}

/// A stretch of one cell's measured runs that one cell process does (after its warmup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Index into the cell list.
    pub cell: usize,
    pub repeats: std::ops::Range<u32>,
    /// The round these runs belong to (the `round` column): the slice of the session they
    /// were measured in. `cells` order has one round; `interleaved` and `random` number each
    /// run's round by its repeat.
    pub round: u32,
    /// Warmup runs before the slot's first measured run, in its fresh process.
    pub warmup: u32,
    /// Tasks per warmup run when fewer than the cell's (a short warmup, see [`LaterWarmup`]).
    pub warmup_tasks: Option<u64>,
    /// Slots of one group (consecutive: the variants of one cell's slot, see
    /// [`expand_variants`]) run at the same time, their processes taking turns run by run.
    pub group: Option<u32>,
}

/// How the slots of later rounds warm up their fresh process (round 0, and every other
/// order, always does the cell's full `warmup`). Measured with `scenarios/benchmarks/
/// rerun-agreement.py warmup` on `parity.toml` (every kernel under every native model, 2
/// sessions per mode): without a warmup the first measured run of a later round took
/// 1.8-2.6x the cell's median on `alloc` (a fresh heap faulting in) and 1.04-1.10x on `file`;
/// after a short warmup 0.96-1.09x and 0.95-1.07x, as after a full one (0.93-1.10x,
/// 0.88-1.06x); CPU and waiting kernels were within 2% either way. The short warmup saved 16%
/// of the session's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LaterWarmup {
    /// The cell's `warmup` runs, as in round 0.
    Full,
    /// The cell's `warmup` runs, each with only a few tasks ([`short_warmup_tasks`]): enough to
    /// start the model's threads, processes or runtime and touch its code and heap once.
    #[default]
    Short,
    /// No warmup.
    None,
}

impl LaterWarmup {
    /// The developer override of the measured default (`full`, `short`, `none`), for
    /// measuring what later rounds need.
    pub const ENV: &'static str = "PARABENCH_LATER_WARMUP";

    pub fn from_env() -> LaterWarmup {
        match std::env::var(Self::ENV).as_deref() {
            Ok("full") => LaterWarmup::Full,
            Ok("none") => LaterWarmup::None,
            _ => LaterWarmup::default(),
        }
    }
}

/// The tasks of a short warmup: two per worker (every worker starts and takes work), at most
/// the cell's own.
pub fn short_warmup_tasks(cell: &Cell) -> u64 {
    (2 * cell.id.workers.max(1)).min(cell.tasks)
}

/// The repeats of round `r` when `repeats` are split over `rounds` rounds (at most one round
/// per repeat): as even as possible, the earlier rounds taking one more when they do not
/// divide evenly, so odd and even rounds hold about half each.
pub fn round_repeats(repeats: u32, rounds: u32, r: u32) -> std::ops::Range<u32> {
    let n = rounds.clamp(1, repeats.max(1));
    if r >= n {
        return repeats..repeats;
    }
    let (base, extra) = (repeats / n, repeats % n);
    let start = r * base + r.min(extra);
    start..start + base + u32::from(r < extra)
}

/// The slots to run, in order. With `Cells` each cell is one slot; with `Rounds` each cell
/// has one slot per round (its repeats split by [`round_repeats`]), and every round visits the
/// cells in an order shuffled by `seed` and the round; otherwise each measured run is its own
/// slot (and its own process, with its own warmup).
pub fn schedule(
    cells: &[Cell],
    order: Order,
    rounds: u32,
    seed: u64,
    later: LaterWarmup,
) -> Vec<Slot> {
    let one = |c: usize, r: u32| Slot {
        cell: c,
        repeats: r..r + 1,
        round: r,
        warmup: cells[c].workload.warmup,
        warmup_tasks: None,
        group: None,
    };
    match order {
        Order::Cells => (0..cells.len())
            .map(|c| Slot {
                cell: c,
                repeats: 0..cells[c].workload.repeats,
                round: 0,
                warmup: cells[c].workload.warmup,
                warmup_tasks: None,
                group: None,
            })
            .collect(),
        Order::Rounds => round_slots(cells, rounds, seed, later),
        Order::Interleaved => {
            let rounds = cells.iter().map(|c| c.workload.repeats).max().unwrap_or(0);
            (0..rounds)
                .flat_map(|r| {
                    (0..cells.len())
                        .filter(move |&c| r < cells[c].workload.repeats)
                        .map(move |c| one(c, r))
                })
                .collect()
        }
        Order::Random => {
            let mut slots: Vec<Slot> = (0..cells.len())
                .flat_map(|c| (0..cells[c].workload.repeats).map(move |r| one(c, r)))
                .collect();
            shuffle(&mut slots, seed);
            slots
        }
    }
}

/// [`Order::Rounds`]'s slots: each cell once per round (its repeats split by
/// [`round_repeats`], its warmup after the first round as `later` says), every round in an
/// order shuffled by `seed` and the round.
fn round_slots(cells: &[Cell], rounds: u32, seed: u64, later: LaterWarmup) -> Vec<Slot> {
    let most = cells
        .iter()
        .map(|c| rounds.clamp(1, c.workload.repeats.max(1)))
        .max()
        .unwrap_or(0);
    let mut slots = Vec::new();
    for r in 0..most {
        let mut round: Vec<Slot> = (0..cells.len())
            .map(|c| {
                let (warmup, warmup_tasks) = round_warmup(&cells[c], r, later);
                Slot {
                    cell: c,
                    repeats: round_repeats(cells[c].workload.repeats, rounds, r),
                    round: r,
                    warmup,
                    warmup_tasks,
                    group: None,
                }
            })
            .filter(|s| !s.repeats.is_empty())
            .collect();
        shuffle(
            &mut round,
            seed ^ (u64::from(r) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        );
        slots.extend(round);
    }
    slots
}

/// The warmup runs (and the tasks each runs, if fewer) of `cell` in round `r`: the cell's
/// full warmup in the first round, then as `later` says.
fn round_warmup(cell: &Cell, r: u32, later: LaterWarmup) -> (u32, Option<u64>) {
    match later {
        _ if r == 0 => (cell.workload.warmup, None),
        LaterWarmup::Full => (cell.workload.warmup, None),
        LaterWarmup::Short => (cell.workload.warmup, Some(short_warmup_tasks(cell))),
        LaterWarmup::None => (0, None),
    }
}

/// [`schedule`] for cells laid out by [`with_variants`]: the base cells (the first
/// `cells.len() / variants`) are scheduled, then every slot is run under each variant
/// ([`expand_variants`]).
pub fn schedule_variants(
    cells: &[Cell],
    order: Order,
    rounds: u32,
    seed: u64,
    later: LaterWarmup,
    variants: usize,
    alternation: Alternation,
) -> Vec<Slot> {
    let n = cells.len() / variants.max(1);
    let base = schedule(&cells[..n], order, rounds, seed, later);
    expand_variants(base, cells, variants, alternation)
}

/// Fisher-Yates with a small deterministic generator.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = crate::hash::SplitMix64(seed);
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// A rough estimate of one measured run of `cell`, in seconds, from the kernel's per-task
/// cost and how the model spreads tasks over `cores` cores. Used for `--dry-run` and to
/// balance `--shard` slices; only its order of magnitude matters.
pub fn estimate_run_s(cell: &Cell, cores: u64) -> f64 {
    let kernel = crate::kernel::find(&cell.workload.kernel).filter(|_| cell.workload.builtin);
    let per_task = kernel.map_or(1e-3, |k| k.task_cost_s(&cell.workload.params));
    let cpu = kernel.is_none_or(|k| k.kind() != crate::kernel::Kind::Io);
    let w = cell.id.workers.max(1) as f64;
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
    0.01 + (cell.workload.warmup + cell.workload.repeats) as f64 * estimate_run_s(cell, cores)
}

/// The estimated seconds of one slot: its fresh process, its warmup and its measured runs.
pub fn estimate_slot_s(slot: &Slot, cells: &[Cell], cores: u64) -> f64 {
    let cell = &cells[slot.cell];
    let warmup_share = slot
        .warmup_tasks
        .map_or(1.0, |t| t as f64 / cell.tasks.max(1) as f64);
    let runs =
        f64::from(slot.warmup) * warmup_share + f64::from(slot.repeats.end - slot.repeats.start);
    0.01 + runs * estimate_run_s(cell, cores)
}
