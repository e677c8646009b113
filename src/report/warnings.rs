//! When a cell cannot be trusted, the report says so in words a user can act on: each warning
//! names the cells and the remedy. The checks read only what the run recorded (`runs.csv`,
//! the summary, `meta.json`), so `parabench plot` redraws them for any run folder.
//!
//! - **Two clusters**: a cell whose runs fall into a fast and a slow group (one about k times
//!   slower) measured two different things, e.g. runs where a worker lost its core.
//! - **Waiting for a CPU**: on CPU-bound work (as the fits judge it, [`super::fits::cpu_bound`])
//!   at no more workers than cores, a run's threads should never wait for a core; run-queue
//!   wait above a few percent of the CPU time means something else was running.
//! - **Noisy**: a coefficient of variation above 10%.
//! - **Too short**: runs below 5 ms, or whose start-up is a large part of the run.
//! - **One worker is one worker**: at 1 worker every model runs the same tasks one after
//!   another, so its time should be the sequential model's plus its own start-up.

use super::summary::SummaryRow;
use super::RunData;
use crate::measure::stats::median_of;
use crate::record::{Family, RunRow};
use crate::scenario::Workload;
use crate::text::seconds;
use std::collections::HashMap;

/// A cell whose runs vary more than this (stddev / mean) is flagged as noisy.
pub const NOISY_CV: f64 = 0.10;
/// Runs shorter than this are flagged as too short to time well.
pub const SHORT_S: f64 = 0.005;
/// Start-up above this share of a run's median makes the run too short for its workers.
pub const SETUP_SHARE: f64 = 0.25;
/// Two clusters whose medians differ by this factor or more are reported.
pub const CLUSTER_RATIO: f64 = 1.25;
/// Run-queue wait above this share of a run's CPU time is reported.
pub const RUNQ_SHARE: f64 = 0.05;
/// A 1-worker cell may differ from its sequential reference by this share beyond start-up.
pub const PARITY_TOLERANCE: f64 = 0.10;

/// The warnings of one workload, each a Markdown paragraph (a quote).
pub fn for_workload(data: &RunData, w: &Workload) -> Vec<String> {
    let rows: Vec<&SummaryRow> = data
        .summary
        .iter()
        .filter(|r| r.cell.workload == w.name)
        .collect();
    let cores = data.meta.machine.logical_cores;
    let runs = runs_by_cell(&data.rows, &w.name);
    let mut out = Vec::new();
    out.extend(clusters_warning(&rows, &runs));
    out.extend(waiting_warning(data, w, &rows, cores));
    out.extend(noisy_warning(&rows, &runs));
    out.extend(short_warning(&rows));
    out.extend(startup_warning(&rows));
    out.extend(super::host::warning(data, w));
    out.extend(parity_warning(data, &rows));
    out
}

/// Cells whose runs fall into a fast and a slow group.
fn clusters_warning(rows: &[&SummaryRow], runs: &HashMap<(&str, u64), Vec<f64>>) -> Option<String> {
    let clusters: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let times = runs.get(&(r.cell.model.as_str(), r.cell.workers))?;
            let c = two_clusters(times)?;
            Some(format!(
                "{} ({} of {} runs {:.1}x slower: {} vs {})",
                cell(r),
                c.slow,
                times.len(),
                c.ratio,
                seconds(Some(c.slow_median)),
                seconds(Some(c.fast_median))
            ))
        })
        .collect();
    (!clusters.is_empty()).then(|| {
        format!(
            "> **Two clusters of runs**: {}. A cell's runs should agree; two groups mean two \
             different things were measured — for CPU-bound work usually runs in which two \
             workers shared one core (another program woke up, or the OS placed them badly). \
             Check `runq_wait_s` and `cpu_migrations` of the slow runs in runs.csv, close other \
             programs, and rerun with more repeats or `--order interleaved`.",
            clusters.join(", ")
        )
    })
}

/// CPU-bound cells within the cores whose threads waited for a core.
fn waiting_warning(
    data: &RunData,
    w: &Workload,
    rows: &[&SummaryRow],
    cores: u64,
) -> Option<String> {
    let waited: Vec<String> = rows
        .iter()
        .filter(|r| r.cell.workers <= cores && super::fits::cpu_bound(data, w, &r.cell.model))
        .filter_map(|r| {
            let cpu_s = r.cpu_util? * r.median_s?;
            let share = r.runq_wait_s? / cpu_s;
            (cpu_s > 0.0 && share > RUNQ_SHARE).then(|| {
                format!(
                    "{} ({:.0}% of its CPU time, {} per run)",
                    cell(r),
                    share * 100.0,
                    seconds(r.runq_wait_s)
                )
            })
        })
        .collect();
    (!waited.is_empty()).then(|| {
        format!(
            "> **Waiting for a CPU**: {}. These CPU-bound cells use no more workers than the \
             {cores} cores, yet their threads waited in the run queue for a core: another \
             program was running, or threads of the model besides its workers (a coordinator \
             handing out tasks, an event loop) took turns with them. Compare with `threads` at \
             the same count: if it waited too, close other programs and rerun; if not, the \
             wait is the model's own cost.",
            waited.join(", ")
        )
    })
}

/// Cells (not already split into two clusters) whose runs vary more than [`NOISY_CV`].
fn noisy_warning(rows: &[&SummaryRow], runs: &HashMap<(&str, u64), Vec<f64>>) -> Option<String> {
    let noisy: Vec<String> = rows
        .iter()
        .filter(|r| {
            runs.get(&(r.cell.model.as_str(), r.cell.workers))
                .is_none_or(|t| two_clusters(t).is_none())
        })
        .filter_map(|r| {
            let cv = r.stddev_s? / r.mean_s?;
            (r.runs > 1 && cv > NOISY_CV).then(|| format!("{} ({:.0}%)", cell(r), cv * 100.0))
        })
        .collect();
    (!noisy.is_empty()).then(|| {
        format!(
            "> **Noisy cells** (coefficient of variation above {:.0}%): {}. Treat their medians \
             with care; more repeats or a quieter machine help.",
            NOISY_CV * 100.0,
            noisy.join(", ")
        )
    })
}

/// Cells whose median is below [`SHORT_S`].
fn short_warning(rows: &[&SummaryRow]) -> Option<String> {
    let short: Vec<String> = rows
        .iter()
        .filter(|r| r.median_s.is_some_and(|m| m < SHORT_S))
        .map(|r| cell(r))
        .collect();
    (!short.is_empty()).then(|| {
        format!(
            "> **Short runs** (median below {:.0} ms, where start-up and timer resolution \
             weigh): {}. Give the workload more tasks or a larger size for firmer numbers.",
            SHORT_S * 1e3,
            short.join(", ")
        )
    })
}

/// Cells whose start-up takes more than [`SETUP_SHARE`] of the run.
fn startup_warning(rows: &[&SummaryRow]) -> Option<String> {
    // A command's setup_s is inside its own time, as a native model's is inside the run
    // (interpreter start-up is `interp_start_s`, outside both).
    let startup: Vec<String> = rows
        .iter()
        .filter(|r| r.median_s.is_some_and(|m| m >= SHORT_S))
        .filter_map(|r| {
            let share = r.setup_s? / r.median_s?;
            (share > SETUP_SHARE).then(|| format!("{} ({:.0}%)", cell(r), share * 100.0))
        })
        .collect();
    (!startup.is_empty()).then(|| {
        format!(
            "> **Runs too short for their workers**: starting the pool, processes or runtime \
             takes more than {:.0}% of the run in {}. Those times measure start-up more than \
             the work; give each worker more to do (more tasks or a larger size).",
            SETUP_SHARE * 100.0,
            startup.join(", ")
        )
    })
}

/// 1-worker cells that differ from their sequential reference beyond start-up.
fn parity_warning(data: &RunData, rows: &[&SummaryRow]) -> Option<String> {
    let parity = parity(data, rows);
    (!parity.is_empty()).then(|| {
        format!(
            "> **One worker is not one worker**: {}. At 1 worker every model runs the same \
             tasks one after another, so it should take its sequential reference's time plus \
             its own start-up (`setup_s`). The difference is something the model does that \
             `sequential` does not: an allocator or cache effect of the threads it starts (a \
             new thread's own malloc arena), a coarser timer (tokio rounds sleeps up to its \
             1 ms tick), processes that start cold in every run, or not doing the same work \
             (compare the checksums in runs.csv).",
            parity.join("; ")
        )
    })
}

/// What the cell processes could not measure on this machine, as one report line.
pub fn unmeasured(data: &RunData) -> Option<String> {
    let p = data.meta.probe.as_ref()?;
    let mut parts = Vec::new();
    if let Some(why) = &p.runq_unavailable {
        parts.push(format!("run-queue wait (`runq_wait_s`): {why}"));
    }
    if let Some(why) = &p.counters_unavailable {
        parts.push(format!(
            "CPU migrations and context switches (`cpu_migrations`, `ctx_switches`): {why}"
        ));
    }
    if let Some(why) = &p.host_unavailable {
        parts.push(format!(
            "the host's speed around each run (`probe_before_us`, `probe_after_us` and the \
             `host_*` columns): {why}"
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "> **Not measured on this machine**, so those columns are empty and the checks \
             that use them are skipped: {}.",
            parts.join("; ")
        )
    })
}

/// "`threads`@2".
fn cell(r: &SummaryRow) -> String {
    format!("`{}`@{}", r.cell.model, r.cell.workers)
}

/// Successful run times per (model, workers) of one workload.
fn runs_by_cell<'a>(rows: &'a [RunRow], workload: &str) -> HashMap<(&'a str, u64), Vec<f64>> {
    let mut by: HashMap<(&str, u64), Vec<f64>> = HashMap::new();
    for r in rows
        .iter()
        .filter(|r| r.ok() && r.cell.workload == workload)
    {
        by.entry((r.cell.model.as_str(), r.cell.workers))
            .or_default()
            .push(r.time_s());
    }
    by
}

/// A fast and a slow group of runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clusters {
    /// Runs in the slow group.
    pub slow: usize,
    pub fast_median: f64,
    pub slow_median: f64,
    /// slow_median / fast_median.
    pub ratio: f64,
}

/// Splits the runs at their widest relative gap; two clusters when both hold at least
/// max(2, n/5) runs and their medians differ by [`CLUSTER_RATIO`] or more. A single slow run
/// is an outlier, not a cluster.
pub fn two_clusters(times: &[f64]) -> Option<Clusters> {
    let mut t: Vec<f64> = times.iter().copied().filter(|x| *x > 0.0).collect();
    if t.len() < 4 {
        return None;
    }
    t.sort_by(f64::total_cmp);
    let min_size = 2.max(t.len() / 5);
    let (cut, _) = (min_size..=t.len() - min_size)
        .map(|i| (i, t[i] / t[i - 1]))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let (fast, slow) = t.split_at(cut);
    let (fm, sm) = (median_of(fast), median_of(slow));
    let ratio = sm / fm;
    (ratio >= CLUSTER_RATIO).then_some(Clusters {
        slow: slow.len(),
        fast_median: fm,
        slow_median: sm,
        ratio,
    })
}

/// 1-worker cells whose time differs from their sequential reference by more than their own
/// start-up, the 10% tolerance and both confidence intervals allow.
fn parity(data: &RunData, rows: &[&SummaryRow]) -> Vec<String> {
    let reference = |name: &str| {
        rows.iter()
            .find(|r| r.cell.model == name && r.cell.workers == 1 && r.median_s.is_some())
    };
    rows.iter()
        .filter(|r| r.cell.workers == 1 && r.median_s.is_some_and(|m| m >= SHORT_S))
        .filter_map(|r| {
            let ref_name = counterpart(data, &r.cell.model)?;
            let rf = reference(ref_name)?;
            let (t, lo, hi) = (r.median_s?, r.ci_low_s?, r.ci_high_s?);
            let (rt, rlo, rhi) = (rf.median_s?, rf.ci_low_s?, rf.ci_high_s?);
            // Start-up inside the compared time; unknown (a command that does not print it)
            // counts as none.
            let setup = r.setup_s.unwrap_or(0.0);
            let slower = lo - setup > rhi * (1.0 + PARITY_TOLERANCE);
            let faster = hi - setup < rlo * (1.0 - PARITY_TOLERANCE);
            (slower || faster).then(|| {
                format!(
                    "{} takes {:.2}x the time of `{ref_name}`@1 ({} vs {}, after {} of its own start-up)",
                    cell(r),
                    (t - setup) / rt,
                    seconds(Some(t - setup)),
                    seconds(Some(rt)),
                    seconds(Some(setup)),
                )
            })
        })
        .collect()
}

/// The sequential model a model's 1-worker cell is checked against: `py-sequential` for the
/// shipped CPython models, `sequential` for built-in ones, none for other commands.
fn counterpart(data: &RunData, model: &str) -> Option<&'static str> {
    if model == "sequential" || model == "py-sequential" {
        return None;
    }
    let family = data
        .meta
        .models
        .iter()
        .find(|m| m.name == model)
        .map_or(Family::Native, |m| m.family());
    match family {
        Family::CPython => Some("py-sequential"),
        Family::Native => Some("sequential"),
        Family::Command => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_clusters_are_found_and_one_outlier_is_not() {
        let bimodal = [11.3, 11.2, 11.4, 22.3, 22.4, 11.4, 11.3, 11.4, 22.1, 11.4];
        let c = two_clusters(&bimodal).unwrap();
        assert_eq!(c.slow, 3);
        assert!((c.ratio - 1.96).abs() < 0.03, "{c:?}");
        let one_outlier = [13.3, 13.3, 13.4, 13.4, 13.3, 19.5, 13.4, 13.3];
        assert_eq!(two_clusters(&one_outlier), None);
        let steady = [13.3, 13.5, 13.4, 13.6, 13.2, 13.9];
        assert_eq!(two_clusters(&steady), None);
        assert_eq!(two_clusters(&[1.0, 2.0, 2.0]), None, "too few runs to tell");
    }
}
