//! What the machine did to the answer. A run was measured on a disturbed machine when
//!
//! - its host was slowed: the host probes just before and right after it (every sampled CPU
//!   timing the same short loop at once; runs.csv `host_speed`, their mean speed relative to
//!   each CPU's best in the session) were well below the session's typical speed. The probes
//!   time every CPU at once, which is what a run that keeps several CPUs busy meets; a slow
//!   spell that shows only when every CPU runs (on the development VM: two virtual CPUs
//!   sharing one physical core) does not touch a run on one CPU, so this counts for runs of
//!   more than one worker. Measured there (`scenarios/benchmarks/rerun-agreement.py`):
//!   2-worker runs whose probes averaged under 0.55 of their best took 1.7x their cell's
//!   median; 1-worker runs showed no such relation;
//! - or another program took its CPUs: its threads waited in the run queue for a tenth of the
//!   CPU time they could have had (runs.csv `runq_wait_s`), whatever the worker count.
//!
//! When a cell's median without its disturbed runs differs from its median with them by more
//! than the cell's own CI allows, part of its number is the machine's, not the model's: the
//! report names the cell, the size of the possible error, and the remedy.

use super::summary::SummaryRow;
use super::RunData;
use crate::measure::stats::median_of;
use crate::record::RunRow;
use crate::scenario::Workload;

/// A run ran on a slowed host when its host speed was below this share of the session's
/// typical one.
pub const SLOWED: f64 = 0.8;

/// Changes below this share are within what the probes can tell apart.
pub const HOST_FLOOR: f64 = 0.05;

/// A cell whose disturbed runs took this many times its clean median is named even when its
/// median held.
pub const HELD_SLOWER: f64 = 1.10;

/// A run whose threads waited in the run queue for this share more of the CPU time they could
/// have had (wall time x CPUs they could use) than the cell's runs usually do shared its CPUs
/// with another program.
pub const CROWDED: f64 = 0.10;

/// The session's typical host speed: the median over every successful run that has one.
pub fn typical_speed(rows: &[RunRow]) -> Option<f64> {
    let speeds: Vec<f64> = rows
        .iter()
        .filter(|r| r.ok())
        .filter_map(|r| r.host_speed)
        .collect();
    (!speeds.is_empty()).then(|| median_of(&speeds))
}

/// The runs measured again because the host probes saw them on a slowed host (`remeasure`),
/// as one report line.
pub fn remeasured(data: &RunData) -> Option<String> {
    let n = data
        .rows
        .iter()
        .filter(|r| r.status == crate::record::Status::Slowed)
        .count();
    (n > 0).then(|| {
        format!(
            "> **Measured again**: {} of more than one worker that the host probes saw on a \
             slowed host (below {:.0}% of the session's typical speed) ran again, each in a \
             fresh process at the end of the session (`remeasure`); the first measurements \
             stay in runs.csv with status `slowed`, outside the statistics.",
            crate::text::count(n as u64, "run"),
            SLOWED * 100.0
        )
    })
}

/// How the disturbed runs of one cell moved its median.
struct Moved<'a> {
    row: &'a SummaryRow,
    /// Runs on a slowed host, and runs that waited for CPUs another program held.
    slowed: usize,
    crowded: usize,
    runs: usize,
    /// Median host speed of the slowed runs.
    slowed_speed: Option<f64>,
    /// The cell's median without its disturbed runs (estimated from the host speeds when
    /// every run was slowed).
    clean_s: f64,
    /// The median time of the disturbed runs themselves.
    disturbed_s: f64,
}

impl Moved<'_> {
    /// Measured median over the clean one: above 1, the machine made the cell look slower.
    fn off(&self) -> f64 {
        self.row.median_s.unwrap_or(self.clean_s) / self.clean_s
    }

    /// What disturbed the cell, in words.
    fn what(&self, typical: f64) -> String {
        let runs = crate::text::count(self.runs as u64, "run");
        let mut parts = Vec::new();
        if let Some(speed) = self.slowed_speed {
            parts.push(format!(
                "{} of {runs} on a slowed host (CPUs at {speed:.2} of their best; typical \
                 {typical:.2})",
                self.slowed
            ));
        }
        if self.crowded > 0 {
            parts.push(format!(
                "{} of {runs} waiting for CPUs another program held",
                self.crowded
            ));
        }
        parts.join(" and ")
    }
}

/// The disturbed runs of `r` and what they did to its median, if it had any. `cores` bounds
/// the CPUs a run could use.
fn moved<'a>(r: &'a SummaryRow, runs: &[&RunRow], typical: f64, cores: u64) -> Option<Moved<'a>> {
    let median = r.median_s?;
    let usable = r.cell.workers.clamp(1, cores.max(1)) as f64;
    let cell: Vec<&&RunRow> = runs
        .iter()
        .filter(|x| x.cell.model == r.cell.model && x.cell.workers == r.cell.workers)
        .collect();
    // Run-queue wait as a share of the CPU time a run could have had; a model's own threads
    // may always wait a little (a coordinator, an event loop), so a run is crowded only when
    // it waited that much more than the cell's usual.
    let share = |x: &RunRow| {
        x.measured
            .runq_wait_s
            .map(|q| q / (x.measured.wall_s * usable).max(f64::MIN_POSITIVE))
    };
    let shares: Vec<f64> = cell.iter().filter_map(|x| share(x)).collect();
    let usual = if shares.is_empty() {
        0.0
    } else {
        median_of(&shares)
    };
    // (slowed host speed, crowded, time) of each run.
    let mine: Vec<(Option<f64>, bool, f64)> = cell
        .iter()
        .map(|x| {
            let slowed = x
                .host_speed
                .filter(|h| r.cell.workers >= 2 && *h < SLOWED * typical);
            let crowded = share(x).is_some_and(|q| q > usual + CROWDED);
            (slowed, crowded, x.time_s())
        })
        .collect();
    let disturbed = |m: &&(Option<f64>, bool, f64)| m.0.is_some() || m.1;
    let slowed: Vec<f64> = mine.iter().filter_map(|m| m.0).collect();
    let crowded = mine.iter().filter(|m| m.1).count();
    if slowed.is_empty() && crowded == 0 {
        return None;
    }
    let clean: Vec<f64> = mine.iter().filter(|m| !disturbed(m)).map(|m| m.2).collect();
    let slowed_speed = (!slowed.is_empty()).then(|| median_of(&slowed));
    let disturbed_s = median_of(
        &mine
            .iter()
            .filter(|m| disturbed(m))
            .map(|m| m.2)
            .collect::<Vec<_>>(),
    );
    let clean_s = match (clean.len(), slowed_speed) {
        (n, _) if n >= 2 => median_of(&clean),
        (_, Some(speed)) => median * speed / typical,
        // Every run crowded, and no host speed to scale by: nothing to compare with.
        (_, None) => return None,
    };
    Some(Moved {
        row: r,
        slowed: slowed.len(),
        crowded,
        runs: mine.len(),
        slowed_speed,
        clean_s,
        disturbed_s,
    })
}

/// The host warning of one workload, if a slowed host moved any of its cells' numbers.
pub fn warning(data: &RunData, w: &Workload) -> Option<String> {
    let typical = typical_speed(&data.rows)?;
    let runs: Vec<&RunRow> = data
        .rows
        .iter()
        .filter(|r| r.cell.workload == w.name && r.ok())
        .collect();
    let rows: Vec<&SummaryRow> = data
        .summary
        .iter()
        .filter(|r| r.cell.workload == w.name)
        .collect();
    let cores = data.meta.machine.logical_cores;
    let base_of = |r: &SummaryRow| -> Option<&SummaryRow> {
        let (m, n) = r.baseline.cell()?;
        rows.iter()
            .copied()
            .find(|x| x.cell.model == m && x.cell.workers == n)
    };
    let mut hit = Vec::new();
    // Cells whose disturbed runs were themselves slower, though the median held.
    let mut held = Vec::new();
    for r in rows.iter().copied() {
        let Some(m) = moved(r, &runs, typical, cores) else {
            continue;
        };
        let base_off = base_of(r)
            .filter(|b| b.cell.model != r.cell.model || b.cell.workers != r.cell.workers)
            .and_then(|b| moved(b, &runs, typical, cores))
            .map_or(1.0, |b| b.off());
        let time_ci = relative_half_width(r.median_s, r.ci_low_s, r.ci_high_s);
        let beyond = |off: f64, ci: f64| off.ln().abs() > (1.0 + ci.max(HOST_FLOOR)).ln();
        // A speedup divides the baseline's time by the cell's: their errors divide too.
        let speedup_off = base_off / m.off();
        let speedup_ci = relative_half_width(r.speedup, r.speedup_ci_low, r.speedup_ci_high);
        if !beyond(m.off(), time_ci) && !beyond(speedup_off, speedup_ci) {
            if m.disturbed_s > HELD_SLOWER * m.clean_s {
                held.push(format!(
                    "`{}`@{} ({}: {} against {} for the others)",
                    r.cell.model,
                    r.cell.workers,
                    m.what(typical),
                    crate::text::seconds(Some(m.disturbed_s)),
                    crate::text::seconds(Some(m.clean_s)),
                ));
            }
            continue;
        }
        let mut text = format!(
            "`{}`@{}: {}; without them its median is {}, not {}",
            r.cell.model,
            r.cell.workers,
            m.what(typical),
            crate::text::seconds(Some(m.clean_s)),
            crate::text::seconds(r.median_s),
        );
        if let Some(s) = r.speedup {
            text.push_str(&format!(
                ", and its speedup {:.2}x, not {s:.2}x (off by up to {:.2}x)",
                s / speedup_off,
                factor(speedup_off)
            ));
        }
        hit.push(text);
    }
    message(&w.name, &hit, &held)
}

/// The warning's text from the cells the host moved (`hit`) and those whose median held
/// though their disturbed runs were slower (`held`).
fn message(workload: &str, hit: &[String], held: &[String]) -> Option<String> {
    let held = (!held.is_empty()).then(|| {
        format!(
            "Disturbed runs that did not move their cell's median beyond its confidence \
             interval (the other rounds outvoted them): {}.",
            held.join("; ")
        )
    });
    match (hit.is_empty(), held) {
        (true, None) => None,
        (true, Some(held)) => Some(format!(
            "> **The machine was disturbed during some runs**, but the answer held. {held} \
             `{}.host.png` shows when.",
            workload
        )),
        (false, held) => Some(format!(
            "> **The machine slowed down under some cells**: {}. The host probes around each \
             run (runs.csv `host_speed`: every CPU timing the same loop at once, before and \
             after the run) saw the CPUs well below their usual speed, or the run's threads \
             waited for CPUs (`runq_wait_s`), and the cells' numbers moved with those runs by \
             more than their confidence intervals: part of what they show is the machine, not \
             the model (on a cloud VM or CI runner a virtual CPU can run everything up to 2x \
             slower for a while). `{}.host.png` shows when. Rerun with more rounds \
             (`--rounds 8`) so a spell lands on fewer runs of each cell, close other programs, \
             rerun and compare, or use a quieter machine.{}",
            hit.join("; "),
            workload,
            held.map_or(String::new(), |h| format!(" {h}"))
        )),
    }
}

/// How far off, as a factor of at least 1 (0.55 and 1.82 are both 1.82x off).
fn factor(ratio: f64) -> f64 {
    if ratio < 1.0 {
        1.0 / ratio
    } else {
        ratio
    }
}

/// Half the width of a 95% CI relative to its estimate (0 when unknown).
fn relative_half_width(v: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> f64 {
    match (v, lo, hi) {
        (Some(v), Some(lo), Some(hi)) if v > 0.0 => (hi - lo) / (2.0 * v),
        _ => 0.0,
    }
}
