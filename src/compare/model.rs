//! What `compare` works on: the two sides (run folders as the output describes them), a cell's
//! statistics on one side, the cells matched across the sides by (workload, model, workers)
//! and those found on one side only, and the judged result, [`Comparison`]. Types and the
//! matching only; the rule that judges a matched cell is in [`super::verdict`].

use crate::kernel::Params;
use crate::record::{Baseline, CellId, Ending, RunRow};
use crate::report::replication::Halves;
use crate::report::summary::SummaryRow;
use crate::report::RunData;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The judging rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Smallest change in median time that counts, in percent.
    pub threshold_pct: f64,
    /// Significance level of the rank test.
    pub alpha: f64,
    /// Noisy cells fail the gate too (`--fail-on-noisy`).
    pub fail_on_noisy: bool,
    /// Which rule judged the cells.
    pub rule: Rule,
}

/// Which rule judged the cells (`rule` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Two run folders: the threshold, a Mann-Whitney U test on the runs and the medians'
    /// CIs apart ([`super::verdict`]).
    #[default]
    TwoRuns,
    /// One run with variants: each cell's paired ratios ([`super::paired`]).
    Paired,
}

/// The outcome for one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
    /// The cell's own halves (even and odd rounds) disagreed by more than the threshold in
    /// the base run or in the new run: the host moved under it, so no change can be claimed.
    Noisy,
    /// Different work on the two sides (kernel, tasks, parameters, ...) or no successful runs.
    NotComparable,
}

/// One run folder, as the output describes it.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// The folder as given on the command line.
    pub dir: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub started_utc: String,
    /// `complete` or `interrupted`.
    pub ending: Ending,
    pub parabench_version: String,
    pub cpu_model: String,
    pub logical_cores: u64,
    /// The variant(s) this side stands for (one run with variants compared alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl SideInfo {
    /// The run in folder `dir` (the folder actually read).
    pub fn of(dir: &Path, data: &RunData) -> SideInfo {
        let m = &data.meta;
        SideInfo {
            dir: dir.display().to_string(),
            scenario: m.scenario.name.clone(),
            scenario_sha256: m.scenario.sha256.clone(),
            started_utc: m.started_utc.clone(),
            ending: m.ending,
            parabench_version: m.parabench_version.clone(),
            cpu_model: m.machine.cpu_model.clone(),
            logical_cores: m.machine.logical_cores,
            variant: None,
        }
    }

    /// The folder, and the variant when the side is one: "out/x (variant `base`)".
    pub fn folder(&self) -> String {
        match &self.variant {
            Some(v) => format!("{} (variant {v})", self.dir),
            None => self.dir.clone(),
        }
    }

    /// The first 12 characters of the scenario's SHA-256: enough to tell versions apart.
    pub fn short_sha(&self) -> &str {
        let sha = &self.scenario_sha256;
        // `get` rather than slicing: a hand-edited meta.json may hold anything.
        sha.get(..12).unwrap_or(sha)
    }
}

/// One side of a cell: what its summary says.
#[derive(Debug, Clone, Serialize)]
pub struct CellStats {
    pub kernel: String,
    pub tasks: u64,
    /// Successful runs (the statistics use these) and failed ones.
    pub runs: usize,
    pub failed: usize,
    pub time_source: crate::report::summary::TimeSource,
    pub median_s: Option<f64>,
    /// 95% bootstrap CI of the median.
    pub ci_low_s: Option<f64>,
    pub ci_high_s: Option<f64>,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    /// The speedup's reference, e.g. `sequential@1`.
    pub baseline: Baseline,
}

impl CellStats {
    pub fn of(r: &SummaryRow) -> CellStats {
        CellStats {
            kernel: r.kernel.to_string(),
            tasks: r.tasks,
            runs: r.runs,
            failed: r.failed,
            time_source: r.time_source,
            median_s: r.median_s,
            ci_low_s: r.ci_low_s,
            ci_high_s: r.ci_high_s,
            speedup: r.speedup,
            efficiency: r.efficiency,
            baseline: r.baseline.clone(),
        }
    }
}

/// A cell present on both sides, compared.
#[derive(Debug, Clone, Serialize)]
pub struct CellComparison {
    /// Workload, model and workers (cells are matched across runs without their variant).
    #[serde(flatten)]
    pub cell: CellId,
    pub verdict: Verdict,
    /// Why: e.g. "50.0% slower, p = 0.008, CIs apart", "not significant (p = 0.310)".
    pub reason: String,
    pub base: CellStats,
    pub new: CellStats,
    /// (new median / base median - 1) * 100: positive is slower.
    pub time_change_pct: Option<f64>,
    /// (new speedup / base speedup - 1) * 100: positive is better.
    pub speedup_change_pct: Option<f64>,
    pub efficiency_change_pct: Option<f64>,
    /// Two-sided Mann-Whitney U p-value of the runs' times.
    pub p_value: Option<f64>,
    /// `exact` (small samples, no ties) or `normal` (approximation with tie correction).
    pub p_method: Option<&'static str>,
    /// The smallest p the rank test could give with these run counts.
    pub smallest_p: Option<f64>,
    /// Whether the 95% CIs of the two medians overlap.
    pub cis_overlap: Option<bool>,
    /// Facts worth knowing that do not change the verdict (e.g. a changed speedup baseline).
    pub notes: Vec<String>,
    /// A paired verdict's statistics (one run with variants, see [`super::paired`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired: Option<crate::report::variants::PairedCell>,
}

/// A cell present on one side only.
#[derive(Debug, Clone, Serialize)]
pub struct LoneCell {
    /// Workload, model and workers (cells are matched across runs without their variant).
    #[serde(flatten)]
    pub cell: CellId,
    #[serde(flatten)]
    pub stats: CellStats,
}

impl LoneCell {
    pub fn of(r: &SummaryRow) -> LoneCell {
        LoneCell {
            cell: r.cell.base(),
            stats: CellStats::of(r),
        }
    }
}

/// How many cells ended up where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub regressed: usize,
    pub improved: usize,
    pub unchanged: usize,
    pub noisy: usize,
    pub not_comparable: usize,
    pub only_in_base: usize,
    pub only_in_new: usize,
}

/// Everything `compare` found.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub base: SideInfo,
    pub new: SideInfo,
    pub settings: Settings,
    /// Cells on both sides, in the new run's order.
    pub cells: Vec<CellComparison>,
    pub only_in_base: Vec<LoneCell>,
    pub only_in_new: Vec<LoneCell>,
    /// Things that make the whole comparison less trustworthy (other machine, too few runs...).
    pub warnings: Vec<String>,
    /// Matched cells whose base / new side could not be checked for noise (one round).
    pub unchecked: (usize, usize),
}

impl Comparison {
    /// Whether the gate fails: a regressed cell, or with `--fail-on-noisy` a noisy one.
    pub fn fails(&self) -> bool {
        let n = self.counts();
        n.regressed > 0 || (self.settings.fail_on_noisy && n.noisy > 0)
    }

    pub fn counts(&self) -> Counts {
        let of = |v: Verdict| self.cells.iter().filter(|c| c.verdict == v).count();
        Counts {
            regressed: of(Verdict::Regressed),
            improved: of(Verdict::Improved),
            unchanged: of(Verdict::Unchanged),
            noisy: of(Verdict::Noisy),
            not_comparable: of(Verdict::NotComparable),
            only_in_base: self.only_in_base.len(),
            only_in_new: self.only_in_new.len(),
        }
    }

    /// The cells with this verdict; regressions worst first, improvements best first, the
    /// rest in run order.
    pub fn with_verdict(&self, v: Verdict) -> Vec<&CellComparison> {
        let mut cells: Vec<&CellComparison> =
            self.cells.iter().filter(|c| c.verdict == v).collect();
        let change = |c: &CellComparison| c.time_change_pct.unwrap_or(0.0);
        match v {
            Verdict::Regressed => cells.sort_by(|a, b| change(b).total_cmp(&change(a))),
            Verdict::Improved => cells.sort_by(|a, b| change(a).total_cmp(&change(b))),
            _ => {}
        }
        cells
    }
}

/// A cell found in both runs, with what judging it needs.
#[derive(Debug, Clone)]
pub struct MatchedCell<'a> {
    pub base: &'a SummaryRow,
    pub new: &'a SummaryRow,
    /// The times of the cell's successful runs on each side (what the rank test compares).
    pub base_times: Vec<f64>,
    pub new_times: Vec<f64>,
    /// The cell's runs of even and of odd rounds on each side (`None`: not checkable, e.g.
    /// one round).
    pub base_halves: Option<Halves>,
    pub new_halves: Option<Halves>,
    /// The workload's kernel parameters on each side (`None` if meta.json lacks the workload).
    pub base_params: Option<&'a Params>,
    pub new_params: Option<&'a Params>,
}

/// The cells of two runs, matched by (workload, model, workers).
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    /// Cells in both runs, in the new run's order.
    pub cells: Vec<MatchedCell<'a>>,
    /// In the base run's order.
    pub only_in_base: Vec<LoneCell>,
    /// In the new run's order.
    pub only_in_new: Vec<LoneCell>,
}

/// What matches a cell across the two runs: its identity without the variant.
fn key(r: &SummaryRow) -> CellId {
    r.cell.base()
}

/// The successful runs of every cell, in one pass over the rows.
fn runs_by_cell(data: &RunData) -> HashMap<CellId, Vec<&RunRow>> {
    let mut m: HashMap<CellId, Vec<&RunRow>> = HashMap::new();
    for r in data.rows.iter().filter(|r| r.ok()) {
        m.entry(r.cell.base()).or_default().push(r);
    }
    m
}

fn params<'a>(data: &'a RunData, workload: &str) -> Option<&'a Params> {
    let w = data.meta.workloads.iter().find(|w| w.name == workload)?;
    Some(&w.params)
}

/// Matches the cells of `base` and `new` (their summary rows).
pub fn match_cells<'a>(base: &'a RunData, new: &'a RunData) -> Matched<'a> {
    let (base_runs, new_runs) = (runs_by_cell(base), runs_by_cell(new));
    let base_rows: HashMap<CellId, &SummaryRow> =
        base.summary.iter().map(|r| (key(r), r)).collect();
    let new_keys: HashSet<CellId> = new.summary.iter().map(key).collect();
    let runs = |m: &HashMap<CellId, Vec<&'a RunRow>>, k| m.get(&k).cloned().unwrap_or_default();
    let times = |runs: &[&RunRow]| runs.iter().map(|r| r.time_s()).collect();
    let halves = |runs: &[&RunRow], r: &SummaryRow| {
        let seed = crate::hash::seed_of(&r.cell.seed_text());
        Halves::of(runs, seed)
    };
    let mut cells = Vec::new();
    let mut only_in_new = Vec::new();
    for n in &new.summary {
        let Some(b) = base_rows.get(&key(n)) else {
            only_in_new.push(LoneCell::of(n));
            continue;
        };
        let (br, nr) = (runs(&base_runs, key(b)), runs(&new_runs, key(n)));
        cells.push(MatchedCell {
            base: b,
            new: n,
            base_times: times(&br),
            new_times: times(&nr),
            base_halves: halves(&br, b),
            new_halves: halves(&nr, n),
            base_params: params(base, &b.cell.workload),
            new_params: params(new, &n.cell.workload),
        });
    }
    let only_in_base = base
        .summary
        .iter()
        .filter(|b| !new_keys.contains(&key(b)))
        .map(LoneCell::of)
        .collect();
    Matched {
        cells,
        only_in_base,
        only_in_new,
    }
}
