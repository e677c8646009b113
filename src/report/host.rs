//! What the host did to the answer. Every run carries the host probes taken just before and
//! right after it (runs.csv `host_speed_before`, `host_speed_after`: the slowest sampled CPU's
//! speed relative to its best in the session). A cell whose runs were measured while the host
//! ran slower (or faster) than during the rest of the session by more than the cell's own CI
//! allows has a time, and a speedup, that say as much about the host as about the model: the
//! report names such cells, the size of the possible error, and the remedy.

use super::summary::SummaryRow;
use super::RunData;
use crate::measure::stats::median_of;
use crate::scenario::Workload;

/// Host differences below this share are within what the probes can tell apart.
pub const HOST_FLOOR: f64 = 0.05;

/// The session's typical host speed: the median over every successful run that has one.
pub fn typical_speed(data: &RunData) -> Option<f64> {
    let speeds: Vec<f64> = data
        .rows
        .iter()
        .filter(|r| r.ok())
        .filter_map(|r| r.host_speed())
        .collect();
    (!speeds.is_empty()).then(|| median_of(&speeds))
}

/// The host warning of one workload, if any cell of it was measured on a host that differed.
pub fn warning(data: &RunData, w: &Workload) -> Option<String> {
    let typical = typical_speed(data)?;
    let rows: Vec<&SummaryRow> = data
        .summary
        .iter()
        .filter(|r| r.workload == w.name)
        .collect();
    let find = |model: &str, workers: u64| {
        rows.iter()
            .find(|r| r.model == model && r.workers == workers)
            .copied()
    };
    let mut hit = Vec::new();
    for r in &rows {
        let Some(h) = r.host_speed.filter(|h| *h > 0.0) else {
            continue;
        };
        // Slower host, longer time: the time may be this many times off.
        let time_off = typical / h;
        let time_ci = relative_half_width(r.median_s, r.ci_low_s, r.ci_high_s);
        let base = r
            .baseline
            .rsplit_once('@')
            .and_then(|(m, n)| find(m, n.parse().ok()?))
            .filter(|b| b.model != r.model || b.workers != r.workers);
        // The speedup divides the baseline's time by the cell's: their host speeds divide too.
        let speedup_off = base.and_then(|b| Some((b, b.host_speed.filter(|x| *x > 0.0)?)));
        let speedup_ci = relative_half_width(r.speedup, r.speedup_ci_low, r.speedup_ci_high);
        let beyond = |off: f64, ci: f64| off.ln().abs() > (1.0 + ci.max(HOST_FLOOR)).ln();
        let time_hit = beyond(time_off, time_ci);
        let speedup_hit = speedup_off.is_some_and(|(_, hb)| beyond(h / hb, speedup_ci));
        if !time_hit && !speedup_hit {
            continue;
        }
        let mut text = format!(
            "`{}`@{} ran while the slowest CPU was at {h:.2} of its best (the session's \
             typical: {typical:.2})",
            r.model, r.workers
        );
        if let (true, Some((b, hb))) = (speedup_hit, speedup_off) {
            text.push_str(&format!(
                "; its baseline `{}`@{} at {hb:.2}: its speedup may be off by up to {:.2}x",
                b.model,
                b.workers,
                factor(h / hb)
            ));
        } else {
            text.push_str(&format!(
                ": its time may be off by up to {:.2}x",
                factor(time_off)
            ));
        }
        hit.push(text);
    }
    (!hit.is_empty()).then(|| {
        format!(
            "> **The host's speed moved under some cells**: {}. The host probes around each run \
             (runs.csv `host_speed_before`/`host_speed_after`) saw the CPUs slower or faster than \
             during the rest of the session by more than these cells' confidence intervals \
             allow, so part of what they show is the host, not the model: on a cloud VM or CI \
             runner a virtual CPU can run everything up to 2x slower for a while. \
             `{}.host.png` shows when. Rerun with more rounds (`--rounds 8`) to spread such a \
             spell over more cells, rerun and compare, or use a quieter machine.",
            hit.join("; "),
            w.name
        )
    })
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
