//! `parabench compare BASE_DIR NEW_DIR`: the CI regression gate. Cells of two run folders are
//! matched by (workload, model, workers); each matched cell's change in median time is judged
//! against a relative threshold and two significance checks (a Mann-Whitney U rank test on the
//! runs, and non-overlapping bootstrap CIs of the medians). The whole flow is [`compare`];
//! [`format`] renders the result (table, Markdown, JSON) and [`chart`] draws base vs new
//! speedup per workload.

pub mod chart;
pub mod format;
pub mod rank;

use crate::error::{write_failure, Error};
use crate::kernel::Params;
use crate::report::output::write_atomic;
use crate::report::summary::SummaryRow;
use crate::report::RunData;
pub use format::Format;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `parabench compare` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The reference run folder.
    pub base: PathBuf,
    /// The run folder to judge against it.
    pub new: PathBuf,
    /// Smallest change in median time that counts, in percent.
    pub threshold_pct: f64,
    /// Significance level of the rank test.
    pub alpha: f64,
    pub format: Format,
    /// Folder for the charts and compare.md (default `NEW/compare`).
    pub out: Option<PathBuf>,
    /// Write the charts and compare.md.
    pub charts: bool,
}

/// Version of the JSON output's shape (`--format json`); raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// What the comparison means for CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// No cell regressed (exit 0).
    Pass,
    /// At least one cell regressed beyond the threshold, significantly (exit 1).
    Regressed,
}

/// `parabench compare`: load both folders, judge every cell, write the charts, print.
pub fn compare(args: &Options) -> Result<Gate, Error> {
    let ((base_dir, base), (new_dir, new)) = load_both(&args.base, &args.new)?;
    let settings = Settings {
        threshold_pct: args.threshold_pct,
        alpha: args.alpha,
    };
    let sides = (side_info(&base_dir, &base), side_info(&new_dir, &new));
    let result = Comparison::new(sides, &base, &new, &settings);
    if args.charts {
        let out = args.out.clone().unwrap_or_else(|| new_dir.join("compare"));
        write_files(&out, &result, &base, &new)?;
    }
    let text = format::render(&result, args.format)
        .map_err(|e| Error::Failed(anyhow::anyhow!("failed to format the comparison: {e}")))?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| write_failure("the comparison to stdout")(e.into()))?;
    Ok(if result.counts().regressed > 0 {
        Gate::Regressed
    } else {
        Gate::Pass
    })
}

/// Loads both run folders at once (each recomputes its summary: the slow part).
type Loaded = (PathBuf, RunData);

fn load_both(base: &Path, new: &Path) -> Result<(Loaded, Loaded), Error> {
    use crate::report::folder::load_run_dir;
    std::thread::scope(|s| {
        let b = s.spawn(|| load_run_dir(base));
        let n = load_run_dir(new);
        let b = b
            .join()
            .map_err(|_| Error::Failed(anyhow::anyhow!("failed to load {}", base.display())))?;
        Ok((b?, n?))
    })
}

/// `--threshold`: a percentage, with or without `%`. A bare number below 1 is refused, since
/// `0.05` may mean 5% (a fraction) or 0.05%.
pub fn parse_threshold(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, has_pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let example = "e.g. --threshold 5% (or 5) for five percent, 0.5% for half a percent";
    let v: f64 = number
        .parse()
        .map_err(|_| format!("expected a percentage, {example}"))?;
    if !v.is_finite() || !(0.0..=1000.0).contains(&v) {
        return Err(format!("expected a percentage from 0% to 1000%, {example}"));
    }
    if !has_pct && v > 0.0 && v < 1.0 {
        return Err(format!(
            "{t} is ambiguous (a fraction, or {t}%?): write {}% or {t}% explicitly",
            format_pct(v * 100.0)
        ));
    }
    Ok(v)
}

/// `--alpha`: a probability strictly between 0 and 0.5.
pub fn parse_alpha(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 0.5 => Ok(v),
        _ => Err("expected a significance level above 0 and at most 0.5, e.g. --alpha 0.05 or --alpha 0.01".into()),
    }
}

/// A percentage without trailing zeros: 5, 0.5, 12.25.
pub fn format_pct(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The judging rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Smallest change in median time that counts, in percent.
    pub threshold_pct: f64,
    /// Significance level of the rank test.
    pub alpha: f64,
}

/// The outcome for one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
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
    pub ending: crate::record::Ending,
    pub parabench_version: String,
    pub cpu_model: String,
    pub logical_cores: u64,
}

fn side_info(dir: &Path, data: &RunData) -> SideInfo {
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
    pub time_source: String,
    pub median_s: Option<f64>,
    /// 95% bootstrap CI of the median.
    pub ci_low_s: Option<f64>,
    pub ci_high_s: Option<f64>,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    /// The speedup's reference, e.g. `sequential@1`.
    pub baseline: String,
}

impl CellStats {
    fn of(r: &SummaryRow) -> CellStats {
        CellStats {
            kernel: r.kernel.clone(),
            tasks: r.tasks,
            runs: r.runs,
            failed: r.failed,
            time_source: r.time_source.clone(),
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
    pub workload: String,
    pub model: String,
    pub workers: u64,
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
}

/// A cell present on one side only.
#[derive(Debug, Clone, Serialize)]
pub struct LoneCell {
    pub workload: String,
    pub model: String,
    pub workers: u64,
    #[serde(flatten)]
    pub stats: CellStats,
}

/// How many cells ended up where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub regressed: usize,
    pub improved: usize,
    pub unchanged: usize,
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
}

/// A cell's identity.
type Key<'a> = (&'a str, &'a str, u64);

fn key(r: &SummaryRow) -> Key<'_> {
    (&r.workload, &r.model, r.workers)
}

/// The successful runs' times of every cell, in one pass over the rows.
fn times_by_cell(data: &RunData) -> HashMap<Key<'_>, Vec<f64>> {
    let mut m: HashMap<Key<'_>, Vec<f64>> = HashMap::new();
    for r in data.rows.iter().filter(|r| r.ok()) {
        m.entry((&r.workload, &r.model, r.workers))
            .or_default()
            .push(r.time_s());
    }
    m
}

impl Comparison {
    pub fn new(
        (base_info, new_info): (SideInfo, SideInfo),
        base: &RunData,
        new: &RunData,
        settings: &Settings,
    ) -> Comparison {
        let (base_times, new_times) = (times_by_cell(base), times_by_cell(new));
        let base_rows: HashMap<Key<'_>, &SummaryRow> =
            base.summary.iter().map(|r| (key(r), r)).collect();
        let new_keys: HashSet<Key<'_>> = new.summary.iter().map(key).collect();
        let params = |data: &RunData, workload: &str| -> Option<Params> {
            let w = data.meta.workloads.iter().find(|w| w.name == workload)?;
            Some(w.params.clone())
        };
        let no_times = Vec::new();
        let mut cells = Vec::new();
        let mut only_in_new = Vec::new();
        for n in &new.summary {
            let Some(b) = base_rows.get(&key(n)) else {
                only_in_new.push(lone(n));
                continue;
            };
            let cell = compare_cell(
                b,
                n,
                base_times.get(&key(b)).unwrap_or(&no_times),
                new_times.get(&key(n)).unwrap_or(&no_times),
                (params(base, &b.workload), params(new, &n.workload)),
                settings,
            );
            cells.push(cell);
        }
        let only_in_base = base
            .summary
            .iter()
            .filter(|b| !new_keys.contains(&key(b)))
            .map(lone)
            .collect();
        let mut c = Comparison {
            base: base_info,
            new: new_info,
            settings: *settings,
            cells,
            only_in_base,
            only_in_new,
            warnings: Vec::new(),
        };
        c.warnings = warnings(&c);
        c
    }

    pub fn counts(&self) -> Counts {
        let of = |v: Verdict| self.cells.iter().filter(|c| c.verdict == v).count();
        Counts {
            regressed: of(Verdict::Regressed),
            improved: of(Verdict::Improved),
            unchanged: of(Verdict::Unchanged),
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

fn lone(r: &SummaryRow) -> LoneCell {
    LoneCell {
        workload: r.workload.clone(),
        model: r.model.clone(),
        workers: r.workers,
        stats: CellStats::of(r),
    }
}

/// Compares one cell present on both sides.
fn compare_cell(
    b: &SummaryRow,
    n: &SummaryRow,
    base_times: &[f64],
    new_times: &[f64],
    (base_params, new_params): (Option<Params>, Option<Params>),
    settings: &Settings,
) -> CellComparison {
    let ratio_pct = |new: Option<f64>, base: Option<f64>| match (new, base) {
        (Some(n), Some(b)) if b > 0.0 && n.is_finite() => Some((n / b - 1.0) * 100.0),
        _ => None,
    };
    let time_change_pct = ratio_pct(n.median_s, b.median_s);
    let test = rank::mann_whitney(base_times, new_times);
    let smallest_p = (!base_times.is_empty() && !new_times.is_empty())
        .then(|| rank::smallest_p(base_times.len(), new_times.len()));
    let cis_overlap = match (b.ci_low_s, b.ci_high_s, n.ci_low_s, n.ci_high_s) {
        (Some(bl), Some(bh), Some(nl), Some(nh)) => Some(bl <= nh && nl <= bh),
        _ => None,
    };

    let mut differences = Vec::new();
    let mut changed = |what: &str, from: String, to: String| {
        if from != to {
            differences.push(format!("{what} changed {from} -> {to}"));
        }
    };
    changed("kernel", b.kernel.clone(), n.kernel.clone());
    changed("tasks", b.tasks.to_string(), n.tasks.to_string());
    changed("scaling", b.scaling.clone(), n.scaling.clone());
    if let (Some(bp), Some(np)) = (&base_params, &new_params) {
        let keys: std::collections::BTreeSet<&String> = bp.keys().chain(np.keys()).collect();
        for k in keys {
            let show = |p: &Params| p.get(k).map_or("(unset)".to_string(), |v| v.to_string());
            changed(k, show(bp), show(np));
        }
    }
    if b.runs > 0 && n.runs > 0 {
        changed("time source", b.time_source.clone(), n.time_source.clone());
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.runs == 0 {
            differences.push(format!(
                "no successful runs in {side} ({} failed)",
                s.failed
            ));
        }
    }

    let mut notes = Vec::new();
    if b.baseline != n.baseline {
        notes.push(format!(
            "speedup baseline changed {} -> {}",
            b.baseline, n.baseline
        ));
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.failed > 0 && s.runs > 0 {
            notes.push(format!("{} failed run(s) in {side}", s.failed));
        }
    }

    let (verdict, reason) = match (time_change_pct, test, smallest_p, cis_overlap) {
        _ if !differences.is_empty() => (Verdict::NotComparable, differences.join("; ")),
        (Some(change), Some(t), Some(min_p), Some(overlap)) => {
            judge(change, t.p, min_p, overlap, (b.runs, n.runs), settings)
        }
        _ => (
            Verdict::NotComparable,
            "no usable median time on one side".to_string(),
        ),
    };
    CellComparison {
        workload: n.workload.clone(),
        model: n.model.clone(),
        workers: n.workers,
        verdict,
        reason,
        base: CellStats::of(b),
        new: CellStats::of(n),
        time_change_pct,
        speedup_change_pct: ratio_pct(n.speedup, b.speedup),
        efficiency_change_pct: ratio_pct(n.efficiency, b.efficiency),
        p_value: test.map(|t| t.p),
        p_method: test.map(|t| if t.exact { "exact" } else { "normal" }),
        smallest_p,
        cis_overlap,
        notes,
    }
}

/// The verdict for a change in median time of `change_pct` percent (positive is slower):
/// beyond the threshold and significant (p < alpha and the CIs apart) is a regression or an
/// improvement; anything else is unchanged, with the reason.
pub fn judge(
    change_pct: f64,
    p: f64,
    smallest_p: f64,
    cis_overlap: bool,
    (base_runs, new_runs): (usize, usize),
    s: &Settings,
) -> (Verdict, String) {
    if change_pct.abs() <= s.threshold_pct {
        return (
            Verdict::Unchanged,
            format!("within threshold ({}%)", format_pct(s.threshold_pct)),
        );
    }
    if smallest_p >= s.alpha {
        return (
            Verdict::Unchanged,
            format!(
                "too few runs for the rank test ({base_runs} + {new_runs}: p >= {})",
                format::p_value(smallest_p)
            ),
        );
    }
    if p >= s.alpha {
        return (
            Verdict::Unchanged,
            format!("not significant (p = {})", format::p_value(p)),
        );
    }
    if cis_overlap {
        return (
            Verdict::Unchanged,
            format!("CIs overlap (p = {})", format::p_value(p)),
        );
    }
    let (verdict, word, size) = if change_pct > 0.0 {
        (Verdict::Regressed, "slower", change_pct)
    } else {
        // Faster by how much of the base time.
        (Verdict::Improved, "faster", -change_pct)
    };
    (
        verdict,
        format!("{size:.1}% {word}, p = {}, CIs apart", format::p_value(p)),
    )
}

/// Caveats about the comparison as a whole.
fn warnings(c: &Comparison) -> Vec<String> {
    let (b, n) = (&c.base, &c.new);
    let mut w = Vec::new();
    if b.scenario != n.scenario {
        w.push(format!(
            "base is scenario `{}`, new is `{}`: only cells with the same workload, model and workers are compared",
            b.scenario, n.scenario
        ));
    } else if b.scenario_sha256 != n.scenario_sha256 {
        w.push(format!(
            "the scenario file changed between the runs (sha256 {} -> {})",
            short(&b.scenario_sha256),
            short(&n.scenario_sha256)
        ));
    }
    if b.cpu_model != n.cpu_model || b.logical_cores != n.logical_cores {
        w.push(format!(
            "the runs come from different machines (base: {}, {} cores; new: {}, {} cores): a change may be the machine's, not the code's",
            b.cpu_model, b.logical_cores, n.cpu_model, n.logical_cores
        ));
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.ending != crate::record::Ending::Complete {
            w.push(format!(
                "the {side} run in {} is {}: some of its cells may be missing or short of runs",
                s.dir, s.ending
            ));
        }
    }
    if c.cells.is_empty() {
        w.push("no cell is in both runs: are they runs of the same scenario?".into());
    }
    let starved: Vec<&CellComparison> = c
        .cells
        .iter()
        .filter(|x| x.verdict != Verdict::NotComparable)
        .filter(|x| x.smallest_p.is_some_and(|p| p >= c.settings.alpha))
        .collect();
    if let Some(first) = starved.first() {
        w.push(format!(
            "{} of {} compared cells have too few runs for the rank test to reach alpha {} \
             (e.g. {}/{}/{} with {} + {} runs: the smallest possible p is {}), so they can never \
             count as regressed or improved: give every cell at least {} runs (repeats = 5 is a good default)",
            starved.len(),
            c.cells.len() - c.counts().not_comparable,
            c.settings.alpha,
            first.workload,
            first.model,
            first.workers,
            first.base.runs,
            first.new.runs,
            format::p_value(first.smallest_p.unwrap_or(1.0)),
            rank::runs_needed(c.settings.alpha)
        ));
    }
    w
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// Writes `compare.<workload>.png/.svg` for every workload and `compare.md` into `out`.
fn write_files(out: &Path, c: &Comparison, base: &RunData, new: &RunData) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::Write(anyhow::anyhow!(
            "failed to write the comparison charts to {}: {e}; choose another folder with --out DIR or skip them with --no-charts",
            out.display()
        ))
    };
    std::fs::create_dir_all(out).map_err(|e| fail(&e))?;
    let charts = chart::build(c, base, new);
    for (workload, ch) in &charts {
        let file = |ext: &str| out.join(format!("compare.{workload}.{ext}"));
        crate::report::chart::render(ch, &file("png"), &file("svg"))
            .map_err(|e| fail(&format!("{e:#}")))?;
    }
    let names: Vec<String> = charts
        .iter()
        .map(|(w, _)| format!("compare.{w}.png"))
        .collect();
    let md = format::markdown(c, &names).map_err(|e| fail(&e))?;
    write_atomic(&out.join("compare.md"), md.as_bytes()).map_err(|e| fail(&format!("{e:#}")))?;
    eprintln!(
        "charts and compare.md written to {}/ ({} workload(s))",
        out.display(),
        charts.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Settings = Settings {
        threshold_pct: 5.0,
        alpha: 0.05,
    };

    #[test]
    fn significant_change_beyond_threshold_is_a_verdict() {
        let (v, why) = judge(50.0, 0.008, 0.008, false, (5, 5), &S);
        assert_eq!(v, Verdict::Regressed);
        assert_eq!(why, "50.0% slower, p = 0.008, CIs apart");
        let (v, why) = judge(-20.0, 0.008, 0.008, false, (5, 5), &S);
        assert_eq!(v, Verdict::Improved);
        assert_eq!(why, "20.0% faster, p = 0.008, CIs apart");
    }

    #[test]
    fn anything_short_of_all_three_conditions_is_unchanged() {
        let cases = [
            ((4.9, 0.001, 0.001, false), "within threshold (5%)"),
            ((-5.0, 0.001, 0.001, false), "within threshold (5%)"),
            (
                (50.0, 0.1, 0.1, false),
                "too few runs for the rank test (3 + 3: p >= 0.100)",
            ),
            ((50.0, 0.31, 0.008, false), "not significant (p = 0.310)"),
            ((50.0, 0.05, 0.008, false), "not significant (p = 0.050)"),
            ((50.0, 0.016, 0.008, true), "CIs overlap (p = 0.016)"),
        ];
        for ((change, p, min_p, overlap), why) in cases {
            let (v, got) = judge(change, p, min_p, overlap, (3, 3), &S);
            assert_eq!((v, got.as_str()), (Verdict::Unchanged, why), "{change} {p}");
        }
    }

    #[test]
    fn threshold_zero_counts_any_significant_change() {
        let s = Settings {
            threshold_pct: 0.0,
            ..S
        };
        assert_eq!(
            judge(0.5, 0.008, 0.008, false, (5, 5), &s).0,
            Verdict::Regressed
        );
        assert_eq!(
            judge(0.0, 0.008, 0.008, false, (5, 5), &s).0,
            Verdict::Unchanged
        );
    }

    #[test]
    fn threshold_accepts_percentages_and_refuses_ambiguity() {
        assert_eq!(parse_threshold("5%"), Ok(5.0));
        assert_eq!(parse_threshold("5"), Ok(5.0));
        assert_eq!(parse_threshold(" 12.5 % "), Ok(12.5));
        assert_eq!(parse_threshold("0.5%"), Ok(0.5));
        assert_eq!(parse_threshold("0"), Ok(0.0));
        let e = parse_threshold("0.05").unwrap_err();
        assert!(e.contains("write 5% or 0.05%"), "{e}");
        for bad in ["", "five", "-5%", "NaN", "inf", "2000%", "5%%"] {
            let e = parse_threshold(bad).unwrap_err();
            assert!(e.contains("e.g. --threshold 5%"), "{bad}: {e}");
        }
    }

    #[test]
    fn alpha_must_be_a_small_probability() {
        assert_eq!(parse_alpha("0.01"), Ok(0.01));
        for bad in ["0", "0.6", "1", "-0.05", "5%", "x"] {
            assert!(
                parse_alpha(bad).unwrap_err().contains("--alpha 0.05"),
                "{bad}"
            );
        }
    }

    #[test]
    fn percentages_print_without_trailing_zeros() {
        assert_eq!(format_pct(5.0), "5");
        assert_eq!(format_pct(0.5), "0.5");
        assert_eq!(format_pct(12.25), "12.25");
    }
}
