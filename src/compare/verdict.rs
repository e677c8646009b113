//! The rule. A matched cell is **regressed** when its median time grew by more than the
//! threshold *and* the change is significant (Mann-Whitney U p < alpha on the runs, and the
//! 95% bootstrap CIs of the medians apart); **improved** is the same, faster; anything else is
//! **unchanged**, with the reason ([`judge`]). A cell whose two sides did different work, or
//! that lacks successful runs, is **not comparable**. Also here: the notes a verdict carries,
//! the caveats about the comparison as a whole, and the rule's knobs as the command line
//! writes them (`--threshold`, `--alpha`).

use super::model::{
    CellComparison, CellStats, Comparison, Matched, MatchedCell, Settings, SideInfo, Verdict,
};
use super::rank;
use crate::kernel::Params;
use crate::record::Ending;

/// Judges every matched cell and adds the caveats: the whole comparison.
pub fn judge_all(
    (base, new): (SideInfo, SideInfo),
    matched: Matched<'_>,
    settings: &Settings,
) -> Comparison {
    let cells = matched
        .cells
        .iter()
        .map(|m| judge_cell(m, settings))
        .collect();
    let unchecked =
        |side: fn(&MatchedCell<'_>) -> bool| matched.cells.iter().filter(|m| side(m)).count();
    let mut c = Comparison {
        base,
        new,
        settings: *settings,
        unchecked: (
            unchecked(|m| m.base_halves.is_none()),
            unchecked(|m| m.new_halves.is_none()),
        ),
        cells,
        only_in_base: matched.only_in_base,
        only_in_new: matched.only_in_new,
        warnings: Vec::new(),
    };
    c.warnings = warnings(&c);
    c
}

/// `(new / base - 1) * 100`, when both are known and the base is positive.
fn change_pct(new: Option<f64>, base: Option<f64>) -> Option<f64> {
    match (new, base) {
        (Some(n), Some(b)) if b > 0.0 && n.is_finite() => Some((n / b - 1.0) * 100.0),
        _ => None,
    }
}

/// What makes the two sides of a cell different work (or leaves nothing to compare): each
/// difference says what changed, e.g. `tasks changed 16 -> 32`. Empty when comparable.
fn differences(m: &MatchedCell<'_>) -> Vec<String> {
    let (b, n) = (m.base, m.new);
    let mut out = Vec::new();
    let mut changed = |what: &str, from: String, to: String| {
        if from != to {
            out.push(format!("{what} changed {from} -> {to}"));
        }
    };
    changed("kernel", b.kernel.clone(), n.kernel.clone());
    changed("tasks", b.tasks.to_string(), n.tasks.to_string());
    changed(
        "scaling",
        b.scaling.as_str().to_string(),
        n.scaling.as_str().to_string(),
    );
    if let (Some(bp), Some(np)) = (m.base_params, m.new_params) {
        let keys: std::collections::BTreeSet<&String> = bp.keys().chain(np.keys()).collect();
        for k in keys {
            let show = |p: &Params| p.get(k).map_or("(unset)".to_string(), |v| v.to_string());
            changed(k, show(bp), show(np));
        }
    }
    if b.runs > 0 && n.runs > 0 {
        changed(
            "time source",
            b.time_source.to_string(),
            n.time_source.to_string(),
        );
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.runs == 0 {
            out.push(format!(
                "no successful runs in {side} ({} failed)",
                s.failed
            ));
        }
    }
    out
}

/// Facts worth knowing about a cell that do not change its verdict.
fn notes(m: &MatchedCell<'_>) -> Vec<String> {
    let (b, n) = (m.base, m.new);
    let mut out = Vec::new();
    if b.baseline != n.baseline {
        out.push(format!(
            "speedup baseline changed {} -> {}",
            b.baseline, n.baseline
        ));
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.failed > 0 && s.runs > 0 {
            out.push(format!("{} failed run(s) in {side}", s.failed));
        }
    }
    out
}

/// A change in median time that the host probes can explain is not judged: the base and the
/// new run of the cell ran on hosts at least this far apart in speed (relative) ...
pub const HOST_DIFFERENCE: f64 = 0.01;
/// ... in the direction of the change, and the change is at most this many times the hosts'
/// difference. On the development VM a whole session on a host 2-3% slower by the probes made
/// its 2-worker cells 6-8% slower (a session 2-3% faster, 6-7% faster): up to 3.5x, so 4
/// leaves room. A real change moves the time, not the probes.
pub const HOST_GAIN: f64 = 4.0;

/// Why the cell cannot be judged at the threshold: a side whose even and odd rounds disagree
/// by more than it (see [`crate::report::replication`]), or base and new measured on hosts
/// whose difference in speed can explain the change. Empty when the cell can be judged.
fn noisy(m: &MatchedCell<'_>, settings: &Settings) -> Vec<String> {
    let tolerance = settings.threshold_pct / 100.0;
    let mut why: Vec<String> = halves_disagree(m, settings, tolerance);
    let hosts = (m.base.host_speed, m.new.host_speed);
    let times = (m.base.median_s, m.new.median_s);
    if let ((Some(hb), Some(hn)), (Some(tb), Some(tn))) = (hosts, times) {
        let (host, time) = ((hn / hb).ln(), (tn / tb).ln());
        // A slower host (host < 0) explains a longer time (time > 0), and the other way round.
        let explains = host.abs() >= HOST_DIFFERENCE.ln_1p()
            && host.signum() != time.signum()
            && HOST_GAIN * host.abs() >= time.abs();
        if explains && time.abs() > tolerance.ln_1p() {
            why.push(format!(
                "the host probes saw the new run's host {:.1}% {} than the base's (speed {hn:.3} \
                 vs {hb:.3}), enough to explain a {:+.1}% change",
                (host.exp() - 1.0).abs() * 100.0,
                if host < 0.0 { "slower" } else { "faster" },
                (time.exp() - 1.0) * 100.0
            ));
        }
    }
    why
}

/// The sides whose even and odd rounds disagree by more than `tolerance`.
fn halves_disagree(m: &MatchedCell<'_>, settings: &Settings, tolerance: f64) -> Vec<String> {
    [("base", &m.base_halves), ("new", &m.new_halves)]
        .into_iter()
        .filter_map(|(side, h)| {
            let h = h.as_ref().filter(|h| !h.agree(tolerance))?;
            Some(format!(
                "{side} run not reproduced: its even rounds took {} and its odd rounds {} \
                 ({:+.1}%, beyond the {}% threshold)",
                crate::text::seconds(Some(h.even.median)),
                crate::text::seconds(Some(h.odd.median)),
                (h.odd.median / h.even.median - 1.0) * 100.0,
                format_pct(settings.threshold_pct)
            ))
        })
        .collect()
}

/// Compares one cell present on both sides.
fn judge_cell(m: &MatchedCell<'_>, settings: &Settings) -> CellComparison {
    let (b, n) = (m.base, m.new);
    let (base_times, new_times) = (&m.base_times, &m.new_times);
    let time_change_pct = change_pct(n.median_s, b.median_s);
    let test = rank::mann_whitney(base_times, new_times);
    let smallest_p = (!base_times.is_empty() && !new_times.is_empty())
        .then(|| rank::smallest_p(base_times.len(), new_times.len()));
    let cis_overlap = match (b.ci_low_s, b.ci_high_s, n.ci_low_s, n.ci_high_s) {
        (Some(bl), Some(bh), Some(nl), Some(nh)) => Some(bl <= nh && nl <= bh),
        _ => None,
    };
    let differences = differences(m);
    let noisy = noisy(m, settings);
    let (verdict, reason) = match (time_change_pct, test, smallest_p, cis_overlap) {
        _ if !differences.is_empty() => (Verdict::NotComparable, differences.join("; ")),
        _ if !noisy.is_empty() => (Verdict::Noisy, noisy.join("; ")),
        (Some(change), Some(t), Some(min_p), Some(overlap)) => {
            judge(change, t.p, min_p, overlap, (b.runs, n.runs), settings)
        }
        _ => (
            Verdict::NotComparable,
            "no usable median time on one side".to_string(),
        ),
    };
    CellComparison {
        cell: n.cell.base(),
        verdict,
        reason,
        base: CellStats::of(b),
        new: CellStats::of(n),
        time_change_pct,
        speedup_change_pct: change_pct(n.speedup, b.speedup),
        efficiency_change_pct: change_pct(n.efficiency, b.efficiency),
        p_value: test.map(|t| t.p),
        p_method: test.map(|t| if t.exact { "exact" } else { "normal" }),
        smallest_p,
        cis_overlap,
        notes: notes(m),
        paired: None,
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
                p_value(smallest_p)
            ),
        );
    }
    if p >= s.alpha {
        return (
            Verdict::Unchanged,
            format!("not significant (p = {})", p_value(p)),
        );
    }
    if cis_overlap {
        return (
            Verdict::Unchanged,
            format!("CIs overlap (p = {})", p_value(p)),
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
        format!("{size:.1}% {word}, p = {}, CIs apart", p_value(p)),
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
            b.short_sha(),
            n.short_sha()
        ));
    }
    if b.cpu_model != n.cpu_model || b.logical_cores != n.logical_cores {
        w.push(format!(
            "the runs come from different machines (base: {}, {} cores; new: {}, {} cores): a change may be the machine's, not the code's",
            b.cpu_model, b.logical_cores, n.cpu_model, n.logical_cores
        ));
    }
    for (side, s) in [("base", b), ("new", n)] {
        if s.ending != Ending::Complete {
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
            first.cell.workload,
            first.cell.model,
            first.cell.workers,
            first.base.runs,
            first.new.runs,
            p_value(first.smallest_p.unwrap_or(1.0)),
            rank::runs_needed(c.settings.alpha)
        ));
    }
    for (side, unchecked) in [("base", c.unchecked.0), ("new", c.unchecked.1)] {
        if unchecked > 0 && unchecked == c.cells.len() {
            w.push(format!(
                "the {side} run cannot be checked for noise (one round per cell: `cells` order, \
                 or fewer than 4 repeats): a slow spell of the host during it can show up as a \
                 regression; run both sides with the default `--order rounds`"
            ));
        }
    }
    w
}

/// `--threshold`: a percentage, with or without `%`. A bare number below 1 is refused, since
/// `0.05` may mean 5% (a fraction) or 0.05%.
pub fn parse_threshold(text: &str) -> Result<f64, ThresholdError> {
    let t = text.trim();
    let (number, has_pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = number.parse().map_err(|_| ThresholdError::NotANumber)?;
    if !v.is_finite() || !(0.0..=1000.0).contains(&v) {
        return Err(ThresholdError::OutOfRange);
    }
    if !has_pct && v > 0.0 && v < 1.0 {
        return Err(ThresholdError::Ambiguous {
            text: t.to_string(),
            pct: format_pct(v * 100.0),
        });
    }
    Ok(v)
}

const THRESHOLD_EXAMPLE: &str =
    "e.g. --threshold 5% (or 5) for five percent, 0.5% for half a percent";

/// A `--threshold` that is not a percentage parabench can read unambiguously.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("expected a percentage, {}", THRESHOLD_EXAMPLE)]
    NotANumber,
    #[error("expected a percentage from 0% to 1000%, {}", THRESHOLD_EXAMPLE)]
    OutOfRange,
    /// A bare number below 1: a fraction, or a percentage?
    #[error("{text} is ambiguous (a fraction, or {text}%?): write {pct}% or {text}% explicitly")]
    Ambiguous { text: String, pct: String },
}

/// An `--alpha` that is not a significance level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a significance level above 0 and at most 0.5, e.g. --alpha 0.05 or --alpha 0.01")]
pub struct AlphaError;

/// `--alpha`: a probability strictly between 0 and 0.5.
pub fn parse_alpha(text: &str) -> Result<f64, AlphaError> {
    match text.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 0.5 => Ok(v),
        _ => Err(AlphaError),
    }
}

/// A percentage without trailing zeros: 5, 0.5, 12.25.
pub fn format_pct(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A p-value with three decimals, or `<0.001`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::Rule;
    use super::*;

    const S: Settings = Settings {
        threshold_pct: 5.0,
        alpha: 0.05,
        fail_on_noisy: false,
        rule: Rule::TwoRuns,
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
        assert!(e.to_string().contains("write 5% or 0.05%"), "{e}");
        for bad in ["", "five", "-5%", "NaN", "inf", "2000%", "5%%"] {
            let e = parse_threshold(bad).unwrap_err();
            assert!(e.to_string().contains("e.g. --threshold 5%"), "{bad}: {e}");
        }
    }

    #[test]
    fn alpha_must_be_a_small_probability() {
        assert_eq!(parse_alpha("0.01"), Ok(0.01));
        for bad in ["0", "0.6", "1", "-0.05", "5%", "x"] {
            assert!(
                parse_alpha(bad)
                    .unwrap_err()
                    .to_string()
                    .contains("--alpha 0.05"),
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

    #[test]
    fn p_values_print_with_three_decimals() {
        assert_eq!(p_value(0.0001), "<0.001");
        assert_eq!(p_value(2.0 / 252.0), "0.008");
    }
}
