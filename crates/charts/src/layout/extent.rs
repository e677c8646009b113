//! The axes of a line chart's plan: how far x and y reach (the measured range, how far a
//! prediction may go, the reference line's headroom) and their ticks.

use super::{usable, PlannedSeries};
use crate::axes::{
    all_integers, finite_min_max, linear_ticks, log_ticks, pow2_ticks, worker_ticks, x_range,
    y_range, PLOT_HEIGHT_GUESS, PLOT_WIDTH_GUESS,
};
use crate::geometry::{clip, Scale};
use crate::style::Rgb;
use crate::{Chart, Unit};

/// A rising reference line (the ideal) counts towards the y range up to this many times the
/// largest data value on a linear axis (an octave on a log one): beyond, it is clipped rather
/// than squeezing the data.
const REFERENCE_HEADROOM: f64 = 1.5;
const REFERENCE_HEADROOM_LOG: f64 = 2.0;
/// Predictions take at most this share of the measured range's width (in axis space), so
/// the measured part keeps about two thirds of the axis.
const PREDICTION_SHARE: f64 = 0.5;

/// How far a prediction may reach past the measured range `lo..=hi`, rounded down to a
/// worker count (a power of two on a log axis) so its end is a clean tick.
pub(super) fn prediction_end(lo: f64, hi: f64, fit_hi: f64, log: bool) -> f64 {
    if !(fit_hi > hi && hi > lo) {
        return hi;
    }
    let cap = if log {
        hi * (hi / lo).powf(PREDICTION_SHARE)
    } else {
        hi + (hi - lo) * PREDICTION_SHARE
    };
    let end = fit_hi.min(cap);
    // Rounded down, forgiving float noise (a curve sampled up to 31.999999999999986 ends at 32).
    let rounded = if log && end >= 2.0 {
        2f64.powf((end.log2() + 1e-9).floor())
    } else if end >= 1.0 {
        (end + 1e-9).floor()
    } else {
        end
    };
    if rounded > hi {
        rounded
    } else {
        hi
    }
}

/// The x axis's extent: the measured range (the workload's worker counts, the points, the
/// marker), then the prediction reaching at most [`PREDICTION_SHARE`] of that range further.
pub(super) struct XExtent {
    /// The x values measured (or the reference's, when nothing was).
    pub(super) measured: Vec<f64>,
    /// `measured` and where predictions end.
    pub(super) range_xs: Vec<f64>,
    /// The end of the measured range.
    pub(super) m_hi: f64,
    /// Where predictions end (`m_hi` without them).
    pub(super) pred_hi: f64,
    /// The right end of the fitted curves.
    pub(super) fit_hi: Option<f64>,
    /// The marker's x, when it can be drawn.
    pub(super) marker_x: Option<f64>,
    pub(super) scale: Scale,
}

impl XExtent {
    pub(super) fn new(
        chart: &Chart,
        series: &[PlannedSeries],
        reference_points: &[(f64, f64)],
        fit_curves: &[(Rgb, Vec<(f64, f64)>)],
    ) -> XExtent {
        let x_log = chart.x_log;
        let marker_x = chart
            .marker
            .as_ref()
            .map(|m| m.0)
            .filter(|&x| usable(x, x_log));
        let mut measured: Vec<f64> = chart
            .x_values
            .iter()
            .copied()
            .filter(|&x| usable(x, x_log))
            .collect();
        measured.extend(series.iter().flat_map(|s| s.points.iter().map(|p| p.x)));
        measured.extend(marker_x);
        if measured.is_empty() {
            measured.extend(reference_points.iter().map(|p| p.0));
        }
        let fit_hi = fit_curves
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.0))
            .reduce(f64::max);
        let (m_lo, m_hi) = finite_min_max(&measured).unwrap_or((1.0, 1.0));
        let pred_hi = match fit_hi {
            Some(f) if !measured.is_empty() => prediction_end(m_lo, m_hi, f, x_log),
            Some(f) => f,
            None => m_hi,
        };
        let mut range_xs = measured.clone();
        range_xs.push(pred_hi);
        let (lo, hi) = x_range(&range_xs, x_log);
        XExtent {
            measured,
            range_xs,
            m_hi,
            pred_hi,
            fit_hi,
            marker_x,
            scale: Scale { lo, hi, log: x_log },
        }
    }
}

/// Y: the data (without the outliers of a broken axis), the reference up to
/// [`REFERENCE_HEADROOM`] x the data, and the fits up to the larger of those.
pub(super) fn y_range_of(
    series: &[PlannedSeries],
    broken: &[usize],
    y_log: bool,
    xe: &XExtent,
    reference_points: &[(f64, f64)],
    fit_curves: &[(Rgb, Vec<(f64, f64)>)],
) -> (f64, f64) {
    let xs = xe.scale;
    let mut ys: Vec<f64> = vec![];
    let kept = series
        .iter()
        .enumerate()
        .filter(|(i, _)| !broken.contains(i))
        .map(|(_, s)| s);
    for s in kept {
        ys.extend(s.points.iter().map(|p| p.y));
        ys.extend(s.bars.iter().flat_map(|b| [b.lo, b.hi]));
    }
    ys.retain(|&y| usable(y, y_log));
    let data_max = ys.iter().copied().reduce(f64::max);
    let in_x = |pts: &[(f64, f64)], hi: f64| -> Vec<f64> {
        let wide = Scale {
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
            log: false,
        };
        let to = Scale { hi, ..xs };
        clip(pts, to, wide)
            .into_iter()
            .flatten()
            .map(|p| p.1)
            .collect()
    };
    let ref_ys = in_x(reference_points, xs.hi);
    let ref_cap = match (data_max, ref_ys.iter().copied().reduce(f64::min)) {
        (Some(d), Some(r_min)) => {
            let headroom = if y_log {
                REFERENCE_HEADROOM_LOG
            } else {
                REFERENCE_HEADROOM
            };
            (d * headroom).max(r_min)
        }
        _ => f64::INFINITY,
    };
    let ref_kept: Vec<f64> = ref_ys.into_iter().map(|y| y.min(ref_cap)).collect();
    let fit_cap = ys.iter().chain(&ref_kept).copied().reduce(f64::max);
    ys.extend(&ref_kept);
    for (_, pts) in fit_curves {
        let cap = fit_cap.unwrap_or(f64::INFINITY);
        ys.extend(in_x(pts, xe.pred_hi).into_iter().map(|y| y.min(cap)));
    }
    ys.retain(|&y| usable(y, y_log));
    y_range(&ys, y_log)
}

/// X ticks: the worker counts (and where a prediction ends) on a worker axis, round numbers
/// otherwise.
pub(super) fn x_ticks(chart: &Chart, xe: &XExtent) -> (Vec<f64>, Vec<f64>) {
    let Scale { lo, hi, log } = xe.scale;
    if !chart.x_values.is_empty() {
        let mut extra = vec![];
        if xe.pred_hi > xe.m_hi {
            extra.push(xe.pred_hi);
            if log {
                let mut v = 2f64.powf(xe.m_hi.log2().floor() + 1.0);
                while v < xe.pred_hi && extra.len() < 64 {
                    extra.push(v);
                    v *= 2.0;
                }
            }
        }
        (
            worker_ticks(&xe.measured, &extra, (lo, hi), log, PLOT_WIDTH_GUESS),
            vec![],
        )
    } else if log {
        log_ticks(lo, hi, Some(&xe.range_xs), PLOT_WIDTH_GUESS)
    } else {
        (linear_ticks(lo, hi, 10, all_integers(&xe.range_xs)), vec![])
    }
}

/// Y ticks: round numbers; powers of two for plain numbers on a log axis.
pub(super) fn y_ticks(log: bool, unit: Unit, (lo, hi): (f64, f64)) -> (Vec<f64>, Vec<f64>) {
    match (log, unit) {
        (true, Unit::Plain) => match pow2_ticks(lo, hi, PLOT_HEIGHT_GUESS) {
            Some(t) => (t, vec![]),
            None => log_ticks(lo, hi, None, PLOT_HEIGHT_GUESS),
        },
        (true, Unit::Seconds) => log_ticks(lo, hi, None, PLOT_HEIGHT_GUESS),
        (false, _) => (linear_ticks(lo, hi, 8, false), vec![]),
    }
}
