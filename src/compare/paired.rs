//! `parabench compare DIR` with one run folder that has variants: the run judged the way
//! `compare` judges two runs, so a paired gate and a two-run gate print the same table,
//! Markdown and JSON (one recipe for PR comments). The base variant is the base side, the
//! other variants the new side; every cell's verdict is the paired one (see
//! [`crate::report::variants`]): its median ratio, the ratio's CI, the halves, and the
//! Wilcoxon signed-rank p in the `p` column. With `--threshold` the pairs are judged again at
//! that threshold; without it, at the run's own.

use super::model::{CellComparison, CellStats, Comparison, Rule, Settings, SideInfo, Verdict};
use crate::error::Error;
use crate::report::summary::SummaryRow;
use crate::report::variants::{self, Paired, PairedCell};
use crate::report::RunData;
use std::path::Path;

/// The variants of the run in `dir` as a comparison: the base variant against each other one.
pub fn comparison(
    dir: &Path,
    data: &RunData,
    threshold_pct: Option<f64>,
    fail_on_noisy: bool,
) -> Result<Comparison, Error> {
    let names = data.meta.variant_names();
    let Some(v) = data.variants.as_ref().filter(|_| names.len() >= 2) else {
        return Err(Error::Input(format!(
            "{} is a run without variants: compare needs a second run folder to judge it \
             against (parabench compare BASE_DIR NEW_DIR); only a run with variants can be \
             compared alone (its variants against its base)",
            dir.display()
        )));
    };
    let paired = match threshold_pct {
        Some(t) => {
            let rows: Vec<_> = data.rows.iter().chain(&v.rows).cloned().collect();
            variants::pair(&rows, &names, t, data.meta.aa)
        }
        None => v.paired.clone(),
    };
    let side = |which: String| {
        let mut s = SideInfo::of(dir, data);
        s.variant = Some(which);
        s
    };
    let others: Vec<String> = names[1..].iter().map(|n| format!("`{n}`")).collect();
    let summaries: Vec<&SummaryRow> = data.summary.iter().chain(&v.summary).collect();
    let cells = paired
        .cells
        .iter()
        .filter_map(|c| cell(c, &summaries))
        .collect();
    Ok(Comparison {
        base: side(format!("`{}`", names[0])),
        new: side(others.join(", ")),
        settings: Settings {
            threshold_pct: paired.threshold_pct,
            alpha: 0.05,
            fail_on_noisy,
            rule: Rule::Paired,
        },
        cells,
        only_in_base: Vec::new(),
        only_in_new: Vec::new(),
        warnings: warnings(&paired),
        unchecked: (0, 0),
    })
}

/// One paired cell as a compared cell (`None` when a side has no summary: a cell without
/// runs).
fn cell(c: &PairedCell, summaries: &[&SummaryRow]) -> Option<CellComparison> {
    let find = |variant: &str| {
        summaries
            .iter()
            .copied()
            .find(|s| s.cell.base() == c.cell && s.cell.variant.as_deref() == Some(variant))
    };
    let (base, new) = (find(&c.base)?, find(&c.variant)?);
    let change = |b: Option<f64>, n: Option<f64>| match (b, n) {
        (Some(b), Some(n)) if b > 0.0 => Some((n / b - 1.0) * 100.0),
        _ => None,
    };
    Some(CellComparison {
        cell: c.cell.clone(),
        verdict: verdict(c.verdict),
        reason: reason(c),
        base: CellStats::of(base),
        new: CellStats::of(new),
        time_change_pct: c.ratio.map(|r| (r - 1.0) * 100.0),
        speedup_change_pct: change(base.speedup, new.speedup),
        efficiency_change_pct: change(base.efficiency, new.efficiency),
        p_value: c.wilcoxon_p,
        p_method: c.wilcoxon_p.map(|_| "wilcoxon signed-rank, paired"),
        smallest_p: None,
        cis_overlap: None,
        notes: notes(c),
        paired: Some(c.clone()),
    })
}

fn verdict(v: variants::Verdict) -> Verdict {
    match v {
        variants::Verdict::Regressed => Verdict::Regressed,
        variants::Verdict::Improved => Verdict::Improved,
        variants::Verdict::Unchanged => Verdict::Unchanged,
        variants::Verdict::Noisy => Verdict::Noisy,
        variants::Verdict::NotComparable => Verdict::NotComparable,
    }
}

/// "`slow`: 4.9% slower, paired ratio 1.049 (95% CI 1.045-1.052), Wilcoxon p = 0.012".
fn reason(c: &PairedCell) -> String {
    let name = &c.variant;
    if let Some(f) = &c.failure {
        if c.ratio.is_none() {
            return format!("`{name}`: {f}");
        }
    }
    let (Some(r), Some(lo), Some(hi)) = (c.ratio, c.ratio_ci_low, c.ratio_ci_high) else {
        return format!("`{name}`: fewer than 2 pairs of successful runs");
    };
    let how = if r >= 1.0 { "slower" } else { "faster" };
    let p = c
        .wilcoxon_p
        .map_or(String::new(), |p| format!(", Wilcoxon p = {p:.3}"));
    let mut s = format!(
        "`{name}`: {:.1}% {how}, paired ratio {r:.3} (95% CI {lo:.3}-{hi:.3}){p}",
        (r - 1.0).abs() * 100.0
    );
    if c.verdict == variants::Verdict::Noisy {
        s.push_str(": one half of the rounds does not show the change");
    }
    s
}

/// The ratio and its CI where the reason is not shown, the halves and the detectable change
/// (and a failure beside a ratio).
fn notes(c: &PairedCell) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(
        c.verdict,
        variants::Verdict::Regressed | variants::Verdict::Improved
    ) {
        if let (Some(r), Some(lo), Some(hi)) = (c.ratio, c.ratio_ci_low, c.ratio_ci_high) {
            out.push(format!("ratio {r:.3} ({lo:.3}-{hi:.3})"));
        }
    }
    if let (Some(e), Some(o)) = (c.even_rounds_ratio, c.odd_rounds_ratio) {
        out.push(format!("halves {e:.3} / {o:.3}"));
    }
    if let Some(d) = c.detectable_pct {
        out.push(format!("detectable {d:.1}%"));
    }
    if let (Some(f), Some(_)) = (&c.failure, c.ratio) {
        out.push(f.clone());
    }
    out
}

/// The run's own caveats: different results, and a threshold below the detectable change.
fn warnings(p: &Paired) -> Vec<String> {
    let mut out: Vec<String> = p.different_results.to_vec();
    if p.aa {
        out.push(format!(
            "an A/A calibration (--aa): `{}` against itself, so every flagged cell is a false alarm",
            p.names.first().map_or("", String::as_str)
        ));
    }
    if let Some(worst) = p.worst_detectable_pct().filter(|w| p.threshold_pct < *w) {
        let whose = match &p.calibration {
            Some(c) => format!("the A/A calibration in {}", c.dir),
            None => "these pairs".to_string(),
        };
        out.push(format!(
            "the threshold ({}%) is below the detectable change of {whose} ({worst:.1}%): \
             a verdict at this threshold is close to a coin toss in the noisiest cells; use \
             more repeats or rounds, a quieter machine, or a threshold of at least {:.0}%",
            super::format_pct(p.threshold_pct),
            worst.ceil()
        ));
    }
    out
}
