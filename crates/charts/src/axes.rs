//! Axes: the range of each axis from the data, where its ticks go (linear or logarithmic),
//! and their labels in the unit the values call for.

use crate::format::{format_number, seconds_unit};
use crate::geometry::Scale;
use crate::Unit;

/// One axis: its range, tick positions, their labels and the axis title.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) log: bool,
    /// Labelled ticks (bold grid lines).
    pub(crate) ticks: Vec<f64>,
    /// One label per tick, in the axis's unit.
    pub(crate) labels: Vec<String>,
    /// Unlabelled light grid lines.
    pub(crate) light: Vec<f64>,
    /// The title, with the unit the labels are written in.
    pub(crate) title: String,
}

impl Axis {
    /// An axis whose tick labels are numbers in the unit `unit` calls for; `{unit}` in
    /// `title` becomes that unit, so the title and the ticks always agree.
    pub(crate) fn new(
        (lo, hi): (f64, f64),
        log: bool,
        (ticks, light): (Vec<f64>, Vec<f64>),
        unit: Unit,
        title: &str,
    ) -> Axis {
        let (scale, symbol) = match unit {
            Unit::Plain => (1.0, ""),
            Unit::Seconds => {
                let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
                seconds_unit(if largest > 0.0 { largest } else { hi.abs() })
            }
        };
        let labels = tick_labels(&ticks, scale);
        let title = match unit {
            Unit::Plain => title.to_string(),
            Unit::Seconds => title.replace("{unit}", symbol),
        };
        Axis {
            lo,
            hi,
            log,
            ticks,
            labels,
            light,
            title,
        }
    }

    pub(crate) fn scale(&self) -> Scale {
        Scale {
            lo: self.lo,
            hi: self.hi,
            log: self.log,
        }
    }
}

/// Labels for `ticks` (multiplied by `scale`) with the fewest significant digits, at least 3,
/// that keep neighbouring labels distinct.
pub(crate) fn tick_labels(ticks: &[f64], scale: f64) -> Vec<String> {
    let mut labels = Vec::new();
    for digits in 3..=8 {
        labels = ticks
            .iter()
            .map(|&t| format_number(t * scale, digits))
            .collect();
        if labels.windows(2).all(|w| w[0] != w[1]) {
            break;
        }
    }
    labels
}

/// Rough plot-area size, used only to thin out crowded ticks.
pub(crate) const PLOT_WIDTH_GUESS: f64 = 1000.0;
pub(crate) const PLOT_HEIGHT_GUESS: f64 = 550.0;

pub(crate) fn finite_min_max(vs: &[f64]) -> Option<(f64, f64)> {
    vs.iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Data range of the x axis plus a little padding.
pub(crate) fn x_range(xs: &[f64], log: bool) -> (f64, f64) {
    match (finite_min_max(xs), log) {
        (None, false) => (0.0, 1.0),
        (None, true) => (1.0, 10.0),
        (Some((lo, hi)), false) => {
            let span = hi - lo;
            if span > 0.0 {
                (lo - span * 0.04, hi + span * 0.04)
            } else {
                let pad = (lo.abs() * 0.1).max(0.5);
                (lo - pad, hi + pad)
            }
        }
        (Some((lo, hi)), true) => log_pad(lo, hi, 0.045, 1.08),
    }
}

/// Y range: from 0 (or the negative minimum) to 110% of the maximum for linear axes; the
/// positive data range with padding for log axes.
pub(crate) fn y_range(ys: &[f64], log: bool) -> (f64, f64) {
    match (finite_min_max(ys), log) {
        (None, false) => (0.0, 1.0),
        (None, true) => (1.0, 10.0),
        (Some((lo, hi)), false) => {
            let lo = if lo < 0.0 { lo * 1.1 } else { 0.0 };
            let hi = if hi > 0.0 { hi * 1.1 } else { 0.0 };
            if hi - lo > 0.0 {
                (lo, hi)
            } else {
                (lo, lo + 1.0)
            }
        }
        (Some((lo, hi)), true) => log_pad(lo, hi, 0.07, 1.15),
    }
}

/// Pads a positive range multiplicatively by `frac` of its decades (at least `min_factor`).
pub(crate) fn log_pad(lo: f64, hi: f64, frac: f64, min_factor: f64) -> (f64, f64) {
    if hi / lo <= 1.0 + 1e-9 {
        return (lo / 2.0, hi * 2.0);
    }
    let factor = (hi / lo).powf(frac).max(min_factor);
    (lo / factor, hi * factor)
}

pub(crate) fn all_integers(xs: &[f64]) -> bool {
    !xs.is_empty() && xs.iter().all(|x| (x - x.round()).abs() < 1e-9)
}

/// A "nice" step (1, 2 or 5 times a power of ten) near `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let m = raw / base;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// Evenly spaced round ticks covering `lo..=hi`, about `target` of them.
pub(crate) fn linear_ticks(lo: f64, hi: f64, target: usize, integers: bool) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let mut step = nice_step(span / target.max(1) as f64);
    if integers && step < 1.0 {
        step = 1.0;
    }
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .take(100)
        .map(|k| {
            let v = k as f64 * step;
            // Remove float noise such as 0.30000000000000004.
            let scale = 10f64.powi((-step.log10().floor() as i32 + 3).max(0));
            (v * scale).round() / scale
        })
        .collect()
}

/// Ticks for a log axis: (labelled, light grid).
///
/// With `data` (the x axis), the distinct data values are used when they are few enough, which
/// gives ticks exactly at the measured worker counts; crowded ones are thinned out.
pub(crate) fn log_ticks(
    lo: f64,
    hi: f64,
    data: Option<&[f64]>,
    pixels: f64,
) -> (Vec<f64>, Vec<f64>) {
    let span = (hi / lo).ln();
    let min_gap = span * 48.0 / pixels;
    let thin = |vals: Vec<f64>| thin_log(vals, min_gap);
    if let Some(ticks) = data.and_then(|data| data_ticks(lo, hi, data, min_gap)) {
        return (ticks, vec![]);
    }

    let e_lo = lo.log10().floor() as i32;
    let e_hi = hi.log10().ceil() as i32;
    let in_range = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let decades: Vec<f64> = (e_lo..=e_hi)
        .map(|e| 10f64.powi(e))
        .filter(in_range)
        .collect();
    let with_mantissas = |ms: &[f64]| -> Vec<f64> {
        (e_lo..=e_hi)
            .flat_map(|e| ms.iter().map(move |m| m * 10f64.powi(e)))
            .filter(in_range)
            .collect()
    };

    let mut bold = decades.clone();
    if bold.len() < 4 {
        bold = thin(with_mantissas(&[1.0, 2.0, 5.0]));
    }
    if bold.len() < 3 {
        bold = linear_ticks(lo, hi, 5, false)
            .into_iter()
            .filter(|v| *v > 0.0)
            .collect();
        return (bold, vec![]);
    }
    if bold.len() > 10 {
        let every = bold.len().div_ceil(10);
        bold = bold.into_iter().step_by(every).collect();
    }
    let light = if e_hi - e_lo <= 8 {
        with_mantissas(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
            .into_iter()
            .filter(|v| !bold.iter().any(|b| (b - v).abs() <= 1e-9 * v))
            .collect()
    } else {
        vec![]
    };
    (bold, light)
}

/// `vals` (sorted) without those closer than `min_gap` (in natural-log units) to the one
/// kept before them.
fn thin_log(vals: Vec<f64>, min_gap: f64) -> Vec<f64> {
    let mut out: Vec<f64> = vec![];
    for v in vals {
        if out.last().is_none_or(|&p| (v / p).ln() >= min_gap) {
            out.push(v);
        }
    }
    out
}

/// Log ticks from the data: its distinct values when they are few enough, else powers of two
/// for integer data spanning more than a factor of 4; `None` when neither gives enough ticks.
fn data_ticks(lo: f64, hi: f64, data: &[f64], min_gap: f64) -> Option<Vec<f64>> {
    let span = (hi / lo).ln();
    let mut vals: Vec<f64> = data
        .iter()
        .copied()
        .filter(|&v| v.is_finite() && v >= lo && v <= hi)
        .collect();
    vals.sort_by(f64::total_cmp);
    vals.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs());
    if (1..=16).contains(&vals.len()) {
        let ticks = thin_log(vals.clone(), min_gap);
        if ticks.len() >= 2 || span < 1.0 {
            return Some(ticks);
        }
    }
    if all_integers(&vals) && hi / lo > 4.0 {
        // Powers of two suit worker counts.
        let mut pow2 = vec![];
        let mut v = 2f64.powf(lo.log2().ceil());
        while v <= hi && pow2.len() < 64 {
            pow2.push(v);
            v *= 2.0;
        }
        let ticks = thin_log(pow2, min_gap);
        if ticks.len() >= 3 {
            return Some(ticks);
        }
    }
    None
}

/// Smallest distance in pixels between the centres of two tick labels of the worker axis.
const MIN_TICK_GAP: f64 = 44.0;

/// Ticks of a worker axis: only at `values` (the worker counts measured and the core count,
/// so no tick sits where nothing was measured) and at `extra` (where a prediction ends),
/// thinned so labels keep [`MIN_TICK_GAP`] pixels apart on a `pixels`-wide axis. Crowded
/// linear axes keep the counts that are multiples of a round step, plus both ends.
pub(crate) fn worker_ticks(
    values: &[f64],
    extra: &[f64],
    (lo, hi): (f64, f64),
    log: bool,
    pixels: f64,
) -> Vec<f64> {
    let pos = |v: f64| {
        if log {
            (v / lo).ln() / (hi / lo).ln() * pixels
        } else {
            (v - lo) / (hi - lo) * pixels
        }
    };
    let mut all: Vec<f64> = values
        .iter()
        .chain(extra)
        .copied()
        .filter(|&v| v.is_finite() && v >= lo && v <= hi && (!log || v > 0.0))
        .collect();
    all.sort_by(f64::total_cmp);
    all.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    let thin = |vals: &[f64]| -> Vec<f64> {
        let mut out: Vec<f64> = vec![];
        for &v in vals {
            match out.last() {
                Some(&p) if pos(v) - pos(p) < MIN_TICK_GAP => {
                    // Keep the larger end of the axis visible: the last value replaces a
                    // crowded neighbour rather than being dropped.
                    if Some(&v) == vals.last() && out.len() > 1 {
                        out.pop();
                        out.push(v);
                    }
                }
                _ => out.push(v),
            }
        }
        out
    };
    let thinned = thin(&all);
    if thinned.len() == all.len() || log {
        return thinned;
    }
    // Too many counts on a linear axis: the ones on a round step read better than every k-th.
    let (first, last) = match (all.first(), all.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => return thinned,
    };
    let step = nice_step((last - first) * MIN_TICK_GAP / pixels.max(1.0)).max(1.0);
    let mut round: Vec<f64> = all
        .iter()
        .copied()
        .filter(|v| (v / step - (v / step).round()).abs() < 1e-9)
        .collect();
    round.insert(0, first);
    round.push(last);
    round.dedup_by(|a, b| (*a - *b).abs() <= 1e-9);
    thin(&round)
}

/// Powers of two (including 0.5, 0.25 ...) from `lo` to `hi` as log-axis ticks, when there are
/// 3 to 8 of them at least `min_gap_px` apart on a `pixels`-long axis: for plain numbers such
/// as speedups they line up with a worker axis of powers of two.
pub(crate) fn pow2_ticks(lo: f64, hi: f64, pixels: f64) -> Option<Vec<f64>> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let octaves = (hi / lo).log2();
    let every = (octaves * 36.0 / pixels).ceil().max(1.0) as i32;
    let first = lo.log2().ceil() as i32;
    let last = hi.log2().floor() as i32;
    let ticks: Vec<f64> = (first..=last)
        .filter(|e| (e - first) % every == 0)
        .map(|e| 2f64.powi(e))
        .collect();
    (3..=8).contains(&ticks.len()).then_some(ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks() {
        assert_eq!(
            linear_ticks(0.0, 10.0, 5, false),
            [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(linear_ticks(0.5, 3.5, 10, true), [1.0, 2.0, 3.0]);
        let (t, _) = log_ticks(0.8, 40.0, Some(&[1.0, 2.0, 4.0, 8.0, 16.0, 32.0]), 1000.0);
        assert_eq!(t, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]);
        let many: Vec<f64> = (1..=64).map(f64::from).collect();
        let (t, _) = log_ticks(0.8, 80.0, Some(&many), 1000.0);
        assert_eq!(t, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]);
        let (t, light) = log_ticks(0.001, 10.0, None, 550.0);
        assert_eq!(t, [0.001, 0.01, 0.1, 1.0, 10.0]);
        assert!(light.contains(&0.02));
    }
}
