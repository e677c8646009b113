//! Variants, paired: every cell was measured under every variant in A B B A turns within each
//! round, so run `r` of the base and run `r` of another variant saw the same stretch of the
//! session. Each such pair gives a ratio new/base; a cell's verdict comes from the
//! distribution of its paired ratios, not from two medians taken apart:
//!
//! - the median ratio with a 95% bootstrap interval (`measure::stats`), and a Wilcoxon
//!   signed-rank test on the log ratios;
//! - **regressed**: median ratio above 1 + threshold and its interval entirely above 1;
//!   **improved**: the mirror; **noisy**: such a change that one half of the rounds (even or
//!   odd) does not show in the same direction; otherwise **unchanged**;
//! - the detectable change: the interval's larger half-width, the smallest change the pairs
//!   could tell from their own noise. A threshold below it is warned about.
//!
//! Also here: checksums compared across variants ("variants compute different results").

use crate::measure::stats;
use crate::record::{CellId, RunRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The default threshold of a variant run, in percent (`--fail-on-regression PCT` sets it).
pub const DEFAULT_THRESHOLD_PCT: f64 = 2.0;

/// A cell's verdict from its paired ratios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
    /// A change that one half of the rounds does not show.
    Noisy,
    /// Fewer than two pairs of successful runs (a variant failed).
    NotComparable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Unchanged => "unchanged",
            Verdict::Noisy => "noisy",
            Verdict::NotComparable => "not comparable",
        }
    }
}

/// One cell under one variant against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedCell {
    /// Workload, model and workers: the cell without its variant ([`CellId::base`]).
    #[serde(flatten)]
    pub cell: CellId,
    pub base: String,
    pub variant: String,
    /// Pairs of successful runs (same repeat, so same round).
    pub pairs: usize,
    pub base_median_s: Option<f64>,
    pub variant_median_s: Option<f64>,
    /// Median of the paired ratios variant/base, with its 95% bootstrap interval.
    pub ratio: Option<f64>,
    pub ratio_ci_low: Option<f64>,
    pub ratio_ci_high: Option<f64>,
    /// Median ratio of the pairs of even and of odd rounds.
    pub even_rounds_ratio: Option<f64>,
    pub odd_rounds_ratio: Option<f64>,
    /// Two-sided p of the Wilcoxon signed-rank test on the log ratios.
    pub wilcoxon_p: Option<f64>,
    /// The smallest change, in percent, the pairs can tell from their noise.
    pub detectable_pct: Option<f64>,
    pub verdict: Verdict,
    /// Failed runs of the variant (with the first error), when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// The variants of a run and their paired comparison (results.json `variants`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// Variant names, the base first.
    pub names: Vec<String>,
    pub threshold_pct: f64,
    /// Whether this was an A/A calibration (`--aa`): every flagged cell is a false alarm.
    pub aa: bool,
    pub cells: Vec<PairedCell>,
    /// Workloads whose checksums differ between variants: `(workload, text)`.
    pub different_results: Vec<String>,
    /// An earlier `--aa` run's detectable change (`--aa-run DIR`): stated beside this run's
    /// own, and the one the threshold is checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
}

/// What an A/A calibration (`--aa`) found, as a later run uses it (`--aa-run DIR`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The `--aa` run's folder, as given.
    pub dir: String,
    pub started_utc: String,
    /// Its false alarms at its threshold, and the cells it judged.
    pub false_alarms: usize,
    pub cells: usize,
    /// Its largest detectable change per worker count, in percent.
    pub detectable_pct: BTreeMap<u64, f64>,
}

impl Calibration {
    /// The calibration an `--aa` run's paired verdicts give (`None` when it was not one).
    pub fn of(dir: &str, started_utc: &str, aa: &Paired) -> Option<Calibration> {
        aa.aa.then(|| Calibration {
            dir: dir.to_string(),
            started_utc: started_utc.to_string(),
            false_alarms: aa.count(Verdict::Regressed) + aa.count(Verdict::Improved),
            cells: aa.cells.len(),
            detectable_pct: aa.detectable_by_workers(),
        })
    }
}

impl Paired {
    pub fn regressed(&self) -> usize {
        self.count(Verdict::Regressed)
    }

    pub fn count(&self, v: Verdict) -> usize {
        self.cells.iter().filter(|c| c.verdict == v).count()
    }

    /// The largest detectable change per worker count (for "changes under X% at N workers
    /// cannot be told from noise").
    pub fn detectable_by_workers(&self) -> BTreeMap<u64, f64> {
        let mut out: BTreeMap<u64, f64> = BTreeMap::new();
        for c in &self.cells {
            if let Some(d) = c.detectable_pct {
                let e = out.entry(c.cell.workers).or_insert(d);
                *e = e.max(d);
            }
        }
        out
    }

    /// The detectable change the threshold is checked against: the `--aa` run's when one is
    /// given, else the largest of this run's own.
    pub fn worst_detectable_pct(&self) -> Option<f64> {
        let by = match &self.calibration {
            Some(c) => &c.detectable_pct,
            None => &self.detectable_by_workers(),
        };
        by.values().copied().reduce(f64::max)
    }
}

/// Pairs the runs of every variant with the base's and judges each cell. `rows` are all the
/// run's rows; `names` the variants, the base first.
pub fn pair(rows: &[RunRow], names: &[String], threshold_pct: f64, aa: bool) -> Paired {
    let Some(base) = names.first() else {
        return Paired {
            names: Vec::new(),
            threshold_pct,
            aa,
            cells: Vec::new(),
            different_results: Vec::new(),
            calibration: None,
        };
    };
    let mut by: BTreeMap<(CellId, &str), Vec<&RunRow>> = BTreeMap::new();
    let mut order: Vec<CellId> = Vec::new();
    for r in rows {
        let Some(v) = r.cell.variant.as_deref() else {
            continue;
        };
        let cell = r.cell.base();
        if !order.contains(&cell) {
            order.push(cell.clone());
        }
        by.entry((cell, v)).or_default().push(r);
    }
    let mut cells = Vec::new();
    for cell in order {
        let empty = Vec::new();
        let base_rows = by.get(&(cell.clone(), base.as_str())).unwrap_or(&empty);
        for other in &names[1..] {
            let mine = by.get(&(cell.clone(), other.as_str())).unwrap_or(&empty);
            cells.push(judge(&cell, base, other, base_rows, mine, threshold_pct));
        }
    }
    Paired {
        names: names.to_vec(),
        threshold_pct,
        aa,
        cells,
        different_results: different_results(rows, base),
        calibration: None,
    }
}

fn judge(
    cell: &CellId,
    base: &str,
    variant: &str,
    base_rows: &[&RunRow],
    mine: &[&RunRow],
    threshold_pct: f64,
) -> PairedCell {
    let ok = |rows: &[&RunRow]| -> BTreeMap<u32, (u32, f64)> {
        rows.iter()
            .filter(|r| r.ok())
            .map(|r| (r.repeat, (r.round, r.time_s())))
            .collect()
    };
    let (b, v) = (ok(base_rows), ok(mine));
    // (round, ratio) of every repeat both measured successfully.
    let pairs: Vec<(u32, f64)> = b
        .iter()
        .filter_map(|(rep, &(round, tb))| {
            let &(_, tv) = v.get(rep)?;
            (tb > 0.0 && tv > 0.0).then_some((round, tv / tb))
        })
        .collect();
    let failure = mine.iter().find(|r| r.failed()).map(|r| {
        let n = mine.iter().filter(|r| r.failed()).count();
        format!(
            "{n} run(s) of variant `{variant}` failed: {}",
            crate::text::shorten(&r.error, 160)
        )
    });
    let median = |m: &BTreeMap<u32, (u32, f64)>| -> Option<f64> {
        let xs: Vec<f64> = m.values().map(|x| x.1).collect();
        (!xs.is_empty()).then(|| stats::median_of(&xs))
    };
    let ratios: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let seed = crate::hash::seed_of(&format!("{}/{variant}", cell.seed_text()));
    let summary = (ratios.len() >= 2)
        .then(|| stats::summarize(&ratios, seed))
        .flatten();
    let half = |even: bool| -> Option<f64> {
        let xs: Vec<f64> = pairs
            .iter()
            .filter(|p| (p.0 % 2 == 0) == even)
            .map(|p| p.1)
            .collect();
        (!xs.is_empty()).then(|| stats::median_of(&xs))
    };
    let (even, odd) = (half(true), half(false));
    let verdict = verdict(summary.as_ref(), (even, odd), threshold_pct);
    PairedCell {
        cell: cell.clone(),
        base: base.into(),
        variant: variant.into(),
        pairs: ratios.len(),
        base_median_s: median(&b),
        variant_median_s: median(&v),
        ratio: summary.map(|s| s.median),
        ratio_ci_low: summary.map(|s| s.ci_low),
        ratio_ci_high: summary.map(|s| s.ci_high),
        even_rounds_ratio: even,
        odd_rounds_ratio: odd,
        wilcoxon_p: wilcoxon(&ratios),
        detectable_pct: summary.map(|s| (s.median - s.ci_low).max(s.ci_high - s.median) * 100.0),
        verdict,
        failure,
    }
}

/// The verdict of a cell's paired ratios (`summary`), checked against the halves' medians.
fn verdict(
    summary: Option<&stats::Summary>,
    (even, odd): (Option<f64>, Option<f64>),
    threshold_pct: f64,
) -> Verdict {
    let Some(s) = summary else {
        return Verdict::NotComparable;
    };
    let thr = threshold_pct / 100.0;
    let up = s.median > 1.0 + thr && s.ci_low > 1.0;
    let down = s.median < 1.0 / (1.0 + thr) && s.ci_high < 1.0;
    // A change both halves must show in its direction (when the rounds split).
    let halves_agree = |dir: f64| match (even, odd) {
        (Some(e), Some(o)) => (e - 1.0) * dir > 0.0 && (o - 1.0) * dir > 0.0,
        _ => true,
    };
    match (up, down) {
        (true, _) if halves_agree(1.0) => Verdict::Regressed,
        (_, true) if halves_agree(-1.0) => Verdict::Improved,
        (true, _) | (_, true) => Verdict::Noisy,
        _ => Verdict::Unchanged,
    }
}

/// Two-sided p of the Wilcoxon signed-rank test that the log ratios centre on 0 (normal
/// approximation with tie and zero corrections, Pratt's treatment of zeros dropped). `None`
/// below 5 non-zero pairs, where no p under 0.05 is possible.
pub fn wilcoxon(ratios: &[f64]) -> Option<f64> {
    let mut d: Vec<f64> = ratios
        .iter()
        .filter(|r| r.is_finite() && **r > 0.0)
        .map(|r| r.ln())
        .filter(|x| *x != 0.0)
        .collect();
    let n = d.len();
    if n < 5 {
        return None;
    }
    d.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    // Average ranks of ties in |d|.
    let mut ranks = vec![0.0; n];
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && d[j + 1].abs() == d[i].abs() {
            j += 1;
        }
        let r = (i + j + 2) as f64 / 2.0;
        ranks[i..=j].iter_mut().for_each(|x| *x = r);
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let w_plus: f64 = d
        .iter()
        .zip(&ranks)
        .filter(|(x, _)| **x > 0.0)
        .map(|(_, r)| r)
        .sum();
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    if var <= 0.0 {
        return None;
    }
    let z = ((w_plus - mean).abs() - 0.5).max(0.0) / var.sqrt();
    Some((2.0 * (1.0 - normal_cdf(z))).clamp(0.0, 1.0))
}

/// The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn normal_cdf(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * z.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(z * z) / 2.0).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// Workloads whose successful runs' checksums differ between variants (per task count): the
/// variants compute different results, which no timing can excuse.
fn different_results(rows: &[RunRow], base: &str) -> Vec<String> {
    let mut sums: BTreeMap<(&str, u64), BTreeMap<&str, u64>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.ok()) {
        if let (Some(v), Some(sum)) = (r.cell.variant.as_deref(), r.measured.checksum) {
            sums.entry((&r.cell.workload, r.tasks))
                .or_default()
                .entry(v)
                .or_insert(sum);
        }
    }
    let mut out = Vec::new();
    for ((w, tasks), by) in sums {
        let Some(&b) = by.get(base) else { continue };
        let differ: Vec<String> = by
            .iter()
            .filter(|(_, &s)| s != b)
            .map(|(v, s)| format!("`{v}` {s}"))
            .collect();
        if !differ.is_empty() {
            out.push(format!(
                "workload `{w}` ({tasks} tasks): variants compute different results (checksum \
                 {b} under `{base}`, {})",
                differ.join(", ")
            ));
        }
    }
    out
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "-".into(), f)
}

/// The "Variants" section of report.md, and the verdict that `--fail-on-regression` prints
/// (Markdown, for `$GITHUB_STEP_SUMMARY` and PR comments).
pub fn markdown(p: &Paired, heading: &str) -> Result<String, std::fmt::Error> {
    let mut s = String::new();
    writeln!(s, "{heading}\n")?;
    intro(&mut s, p)?;
    for d in &p.different_results {
        writeln!(s, "- **Variants compute different results:** {d}")?;
    }
    if !p.different_results.is_empty() {
        writeln!(s)?;
    }
    writeln!(
        s,
        "| workload | model | workers | variant | base median | variant median | ratio (95% CI) | halves (even / odd) | Wilcoxon p | verdict |"
    )?;
    writeln!(s, "|---|---|---:|---|---:|---:|---|---|---:|---|")?;
    for c in &p.cells {
        let ci = match (c.ratio, c.ratio_ci_low, c.ratio_ci_high) {
            (Some(r), Some(l), Some(h)) => format!("{r:.3} ({l:.3}-{h:.3})"),
            _ => "-".into(),
        };
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {ci} | {} / {} | {} | {}{} |",
            c.cell.workload,
            c.cell.model,
            c.cell.workers,
            c.variant,
            crate::text::seconds(c.base_median_s),
            crate::text::seconds(c.variant_median_s),
            opt(c.even_rounds_ratio, |v| format!("{v:.3}")),
            opt(c.odd_rounds_ratio, |v| format!("{v:.3}")),
            opt(c.wilcoxon_p, |v| format!("{v:.3}")),
            if c.verdict == Verdict::Regressed {
                "**regressed**"
            } else {
                c.verdict.as_str()
            },
            c.failure
                .as_deref()
                .map_or(String::new(), |f| format!(": {f}"))
        )?;
    }
    writeln!(s)?;
    detectable(&mut s, p)?;
    Ok(s)
}

/// What the table shows and the counts (or, for `--aa`, the false alarms).
fn intro(s: &mut String, p: &Paired) -> std::fmt::Result {
    let thr = p.threshold_pct;
    if p.aa {
        writeln!(
            s,
            "A/A calibration (`--aa`): `{}` measured against itself with the same paired design. \
             Every cell flagged below is a false alarm at the {thr}% threshold: **{} of {} cells**.\n",
            p.names.first().map_or("", String::as_str),
            p.count(Verdict::Regressed) + p.count(Verdict::Improved),
            p.cells.len()
        )?;
    } else {
        writeln!(
            s,
            "Each cell ran under every variant, side by side, run by run in A B B A turns; a \
             pair is run `r` of both, the ratio is variant/base time. Regressed: median ratio above {:.3} and its \
             95% CI above 1; improved: the mirror; noisy: one half of the rounds does not show \
             the change. **{} regressed, {} improved, {} noisy, {} unchanged** of {} cells.\n",
            1.0 + thr / 100.0,
            p.count(Verdict::Regressed),
            p.count(Verdict::Improved),
            p.count(Verdict::Noisy),
            p.count(Verdict::Unchanged),
            p.cells.len()
        )?;
    }
    Ok(())
}

/// The smallest change the pairs can tell from noise, per worker count, and the warning when
/// the threshold is below it.
fn detectable(s: &mut String, p: &Paired) -> std::fmt::Result {
    let thr = p.threshold_pct;
    let detectable = p.detectable_by_workers();
    if !detectable.is_empty() {
        writeln!(
            s,
            "Detectable change (the widest half of a cell's ratio CI): on this runner, changes \
             under {} cannot be told from noise.",
            by_workers(&detectable)
        )?;
    }
    if let Some(c) = &p.calibration {
        writeln!(
            s,
            "\nFrom the A/A calibration in `{}` (started {}, {} false alarm(s) in {} cells): \
             changes under {} could not be told from noise.",
            c.dir,
            c.started_utc,
            c.false_alarms,
            c.cells,
            by_workers(&c.detectable_pct)
        )?;
    }
    if let Some(worst) = p.worst_detectable_pct().filter(|w| thr < *w) {
        let whose = if p.calibration.is_some() {
            "the A/A calibration's"
        } else {
            "the"
        };
        writeln!(
            s,
            "\n**Threshold below the detectable change:** the threshold ({thr}%) is below \
             {whose} detectable change ({worst:.1}%): \
             a verdict at this threshold is close to a coin toss in the noisiest cells. Use \
             more repeats or rounds, a quieter machine, or a threshold of at least {:.0}%.",
            worst.ceil()
        )?;
    }
    Ok(())
}

/// "1.3% at 1 worker, 2.7% at 2 workers".
fn by_workers(detectable: &BTreeMap<u64, f64>) -> String {
    let parts: Vec<String> = detectable
        .iter()
        .map(|(w, d)| format!("{d:.1}% at {}", crate::report::markdown::workers(*w)))
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests;
