//! The plan of a line chart: everything decided from the data before drawing — the y scale
//! (log or a marked break when outlier series would flatten the others), axis ranges, ticks
//! and units, cleaned-up series with their markers and dodged error bars, the reference line
//! and fitted curves clipped to the plot, a prediction region that never takes most of the
//! width, the legend with its notes, the pixel frame and where the labels go.

use crate::style::Rgb;

use crate::axes::Axis;
use crate::geometry::{clip, Polyline, Rect, Scale};
use crate::legend::Legend;
use crate::notes::{legend, single_spots};
use crate::place::Frame;
use crate::shapes::Shape;
use crate::style::*;
use crate::{Chart, Outliers, SeriesStyle, Unit};

mod extent;
use extent::{x_ticks, y_range_of, y_ticks, XExtent};

/// One series, cleaned up for drawing.
#[derive(Debug, Clone)]
pub(crate) struct PlannedSeries {
    pub(crate) label: String,
    pub(crate) color: Rgb,
    pub(crate) style: SeriesStyle,
    pub(crate) shape: Shape,
    /// Runs of consecutive drawable points, clipped to the plot; a skipped (non-finite) point
    /// breaks the line.
    pub(crate) runs: Polyline,
    pub(crate) points: Vec<PlannedPoint>,
    pub(crate) bars: Vec<PlannedBar>,
    /// Only one drawable point: drawn on top of the others, and without a line in the legend.
    pub(crate) single: bool,
}

/// A marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlannedPoint {
    pub(crate) x: f64,
    /// Where it is drawn: its value, or the top of a broken axis.
    pub(crate) y: f64,
    pub(crate) hollow: bool,
    /// Cut off by the axis break: drawn at the break with an arrow up.
    pub(crate) above: bool,
    /// Pixels sideways: single points at the same spot are drawn side by side.
    pub(crate) dodge: i32,
}

/// An error bar, shifted `dodge` pixels sideways when bars of several series share its x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlannedBar {
    pub(crate) x: f64,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) dodge: i32,
}

/// Fitted curves, clipped to the plot, and the prediction region.
#[derive(Debug, Clone)]
pub(crate) struct PlannedFits {
    pub(crate) label: String,
    pub(crate) curves: Vec<(Rgb, Polyline)>,
    pub(crate) region: Option<Region>,
}

/// The shaded prediction region from `from` to the right end of the x axis, with its label's
/// box (`None`: no free spot, the legend explains it alone).
#[derive(Debug, Clone)]
pub(crate) struct Region {
    pub(crate) from: f64,
    pub(crate) label: String,
    pub(crate) label_box: Option<Rect>,
}

/// The vertical marker (core count) and where its label goes.
#[derive(Debug, Clone)]
pub(crate) struct PlannedMarker {
    pub(crate) x: f64,
    pub(crate) label: String,
    pub(crate) label_box: Option<Rect>,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) x: Axis,
    pub(crate) y: Axis,
    pub(crate) series: Vec<PlannedSeries>,
    /// Reference label and its polyline clipped to the plot.
    pub(crate) reference: Option<(String, Polyline)>,
    pub(crate) marker: Option<PlannedMarker>,
    pub(crate) fits: Option<PlannedFits>,
    /// The y axis is cut here (the top of the plot): outlier series go above it.
    pub(crate) y_break: Option<f64>,
    pub(crate) legend: Legend,
    pub(crate) frame: Frame,
    /// Whether any series has at least one drawable point.
    pub(crate) has_data: bool,
}

pub(crate) fn usable(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

/// A series is an outlier when its largest value is more than this many times that of every
/// series below it.
const OUTLIER_FACTOR: f64 = 4.0;

/// The series (by index) far above all the others, and the largest value of the others:
/// at most a minority of the series, and only with at least three series.
fn outliers(maxima: &[(usize, f64)]) -> Option<(Vec<usize>, f64)> {
    let mut sorted: Vec<(usize, f64)> =
        maxima.iter().copied().filter(|m| m.1.is_finite()).collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let k = sorted.len();
    let best = (1..k)
        .filter(|&j| j < k - j && sorted[j].1 > 0.0)
        .map(|j| (j, sorted[j - 1].1 / sorted[j].1))
        .filter(|&(_, ratio)| ratio > OUTLIER_FACTOR)
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let j = best.0;
    Some((sorted[..j].iter().map(|m| m.0).collect(), sorted[j].1))
}

/// Error bars at one x are spread over at most this many pixels.
const BAR_SPREAD: f64 = 30.0;

/// The pixel offset of the `i`-th of `n` things at one x, 5 pixels apart, or closer so
/// that all fit in `spread` pixels.
fn dodge(i: usize, n: usize, spread: f64) -> i32 {
    let step = if n > 1 {
        (spread / (n - 1) as f64).min(5.0)
    } else {
        0.0
    };
    ((i as f64 - (n as f64 - 1.0) / 2.0) * step).round() as i32
}

impl Plan {
    pub(crate) fn new(chart: &Chart) -> Plan {
        let x_log = chart.x_log;
        let (y_log, broken, logged) = y_scale(chart);
        let ok = |x: f64, y: f64| usable(x, x_log) && usable(y, y_log);
        let mut series: Vec<PlannedSeries> =
            chart.series.iter().map(|s| plan_series(s, &ok)).collect();
        let has_data = series.iter().any(|s| !s.points.is_empty());
        let reference_points: Vec<(f64, f64)> = chart
            .reference
            .iter()
            .flat_map(|r| r.points.iter().copied())
            .filter(|&(x, y)| ok(x, y))
            .collect();
        let fit_curves: Vec<(Rgb, Vec<(f64, f64)>)> = chart
            .fits
            .iter()
            .flat_map(|f| &f.curves)
            .map(|c| {
                let pts = c.points.iter().copied().filter(|&(x, y)| ok(x, y));
                (color(c.color_index), pts.collect::<Vec<_>>())
            })
            .filter(|(_, pts)| !pts.is_empty())
            .collect();
        let xe = XExtent::new(chart, &series, &reference_points, &fit_curves);
        let xs = xe.scale;
        let (y_lo, y_hi) = y_range_of(&series, &broken, y_log, &xe, &reference_points, &fit_curves);
        // A broken axis ends where the range of what it keeps ends: the outliers go off the top.
        let y_break = (!broken.is_empty()).then_some(y_hi);
        let ys_scale = Scale {
            lo: y_lo,
            hi: y_hi,
            log: y_log,
        };
        clip_series(&mut series, xs, ys_scale);
        dodge_apart(&mut series, ys_scale);
        let reference = chart
            .reference
            .as_ref()
            .map(|r| (r.label.clone(), clip(&reference_points, xs, ys_scale)));
        let fits = plan_fits(chart, &fit_curves, &xe, ys_scale);
        let x_ticks = x_ticks(chart, &xe);
        let y_ticks = y_ticks(y_log, chart.y_unit, (y_lo, y_hi));
        let x = Axis::new((xs.lo, xs.hi), x_log, x_ticks, Unit::Plain, &chart.x_label);
        let y = Axis::new((y_lo, y_hi), y_log, y_ticks, chart.y_unit, &chart.y_label);

        let mut legend = legend(chart, &series, (&reference, &fits), (y_break, &logged), &y);
        let frame = framed(chart, (&x, &y), &mut legend);
        let marker_label = chart.marker.as_ref().map_or(String::new(), |m| m.1.clone());
        let mut plan = Plan {
            x,
            y,
            series,
            reference,
            marker: xe.marker_x.map(|x| PlannedMarker {
                x,
                label: marker_label.clone(),
                label_box: None,
            }),
            fits,
            y_break,
            legend,
            frame,
            has_data,
        };
        plan.place_labels();
        plan.marker_label_to_legend(chart);
        plan
    }

    /// When the marker's label found no free spot above the plot, the legend names the line
    /// instead, and the labels are placed again around the new legend.
    fn marker_label_to_legend(&mut self, chart: &Chart) {
        if !self
            .marker
            .as_ref()
            .is_some_and(|m| !m.label.is_empty() && m.label_box.is_none())
        {
            return;
        }
        let marker_label = chart.marker.as_ref().map_or(String::new(), |m| m.1.clone());
        let mut notes = self.legend.notes.clone();
        notes.push(format!("Dotted line: {marker_label}."));
        self.legend = Legend::new(self.legend.entries.clone(), &notes);
        self.frame = framed(chart, (&self.x, &self.y), &mut self.legend);
        if let Some(m) = &mut self.marker {
            m.label.clear();
        }
        self.place_labels();
    }

    /// Pixel position of a data point.
    pub(crate) fn pixel(&self, p: (f64, f64)) -> (f64, f64) {
        self.frame.at(self.x.scale(), self.y.scale(), p)
    }
}

/// The pixel frame around the axes and the legend, with the legend cut to fit under it.
fn framed(chart: &Chart, (x, y): (&Axis, &Axis), legend: &mut Legend) -> Frame {
    let frame = Frame::new(
        &chart.title,
        &chart.subtitle,
        (&x.title, &y.title),
        (&x.labels, &y.labels),
        legend,
        chart.marker.is_some(),
    );
    legend.truncate_to(HEIGHT as i32 - frame.top - 8);
    frame
}

/// The y scale: as asked, unless a few series far above the rest would flatten them. Returns
/// whether y is logarithmic, the series cut off by a broken axis, and those a log scale was
/// chosen for.
fn y_scale(chart: &Chart) -> (bool, Vec<usize>, Vec<usize>) {
    let x_log = chart.x_log;
    let finite = |p: &&crate::Point| p.x.is_finite() && p.y.is_finite();
    if chart.y_log {
        return (true, vec![], vec![]);
    }
    let maxima: Vec<(usize, f64)> = chart
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let m = s
                .points
                .iter()
                .filter(finite)
                .filter(|p| usable(p.x, x_log))
                .map(|p| p.ci.map_or(p.y, |c| p.y.max(c.0).max(c.1)))
                .filter(|v| v.is_finite())
                .reduce(f64::max)?;
            Some((i, m))
        })
        .collect();
    let Some((top, _)) = outliers(&maxima) else {
        return (false, vec![], vec![]);
    };
    let positive = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(finite))
        .all(|p| p.y > 0.0);
    if chart.outliers == Outliers::LogScale && positive {
        (true, vec![], top)
    } else {
        (false, top, vec![])
    }
}

/// One series' points (those `ok` can draw), split into runs at the others, with their
/// error bars.
fn plan_series(s: &crate::Series, ok: &dyn Fn(f64, f64) -> bool) -> PlannedSeries {
    let mut runs: Polyline = vec![];
    let mut current = vec![];
    let mut points = vec![];
    let mut bars = vec![];
    for p in &s.points {
        if ok(p.x, p.y) {
            current.push((p.x, p.y));
            points.push(PlannedPoint {
                x: p.x,
                y: p.y,
                hollow: p.hollow || s.style == SeriesStyle::Dashed,
                above: false,
                dodge: 0,
            });
            if let Some((a, b)) = p.ci.filter(|c| c.0.is_finite() && c.1.is_finite()) {
                bars.push(PlannedBar {
                    x: p.x,
                    lo: a.min(b),
                    hi: a.max(b),
                    dodge: 0,
                });
            }
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    PlannedSeries {
        label: s.label.clone(),
        color: color(s.color_index),
        style: s.style,
        shape: Shape::of(s.color_index),
        single: points.len() == 1,
        runs,
        points,
        bars,
    }
}

/// Everything clipped to the plot; points above a break drawn at it; error bars clamped into
/// the range.
fn clip_series(series: &mut [PlannedSeries], xs: Scale, ys: Scale) {
    for s in series {
        s.runs = s.runs.iter().flat_map(|r| clip(r, xs, ys)).collect();
        for p in &mut s.points {
            if p.y > ys.hi {
                p.y = ys.hi;
                p.above = true;
            }
        }
        for b in &mut s.bars {
            b.lo = b.lo.max(ys.lo);
            b.hi = b.hi.min(ys.hi);
        }
        s.bars.retain(|b| b.lo < b.hi);
    }
}

/// Error bars spread apart where several share an x, and single points at one spot drawn
/// side by side.
fn dodge_apart(series: &mut [PlannedSeries], ys: Scale) {
    let mut bar_xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.bars.iter().map(|b| b.x))
        .collect();
    bar_xs.sort_by(f64::total_cmp);
    bar_xs.dedup();
    for x in bar_xs {
        let at: Vec<(usize, usize)> = series
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.bars
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.x == x)
                    .map(move |(j, _)| (i, j))
            })
            .collect();
        for (k, &(i, j)) in at.iter().enumerate() {
            series[i].bars[j].dodge = dodge(k, at.len(), BAR_SPREAD);
        }
    }
    for group in single_spots(series, ys) {
        for (k, &i) in group.iter().enumerate() {
            if let Some(p) = series[i].points.first_mut() {
                p.dodge = dodge(k, group.len(), 2.0 * BAR_SPREAD);
            }
        }
    }
}

/// The fitted curves clipped to the plot up to where predictions end, and the prediction
/// region beyond the measured range.
fn plan_fits(
    chart: &Chart,
    fit_curves: &[(Rgb, Vec<(f64, f64)>)],
    xe: &XExtent,
    ys: Scale,
) -> Option<PlannedFits> {
    let (xs, pred_hi) = (xe.scale, xe.pred_hi);
    chart.fits.as_ref().map(|f| PlannedFits {
        label: f.label.clone(),
        curves: fit_curves
            .iter()
            .map(|(c, pts)| (*c, clip(pts, Scale { hi: pred_hi, ..xs }, ys)))
            .collect(),
        region: (usable(f.measured_to, xs.log)
            && xe.fit_hi.is_some()
            && pred_hi > f.measured_to * (1.0 + 1e-9))
            .then(|| Region {
                from: f.measured_to.max(xs.lo),
                label: f.region_label.clone(),
                label_box: None,
            }),
    })
}

#[cfg(test)]
mod tests;
