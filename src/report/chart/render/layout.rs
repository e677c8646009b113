//! The plan of a line chart: everything decided from the data before drawing — the y scale
//! (log or a marked break when outlier series would flatten the others), axis ranges, ticks
//! and units, cleaned-up series with their markers and dodged error bars, the reference line
//! and fitted curves clipped to the plot, a prediction region that never takes most of the
//! width, the legend with its notes, the pixel frame and where the labels go.

use plotters::style::RGBColor;

use super::super::{Chart, Outliers, SeriesStyle, Unit};
use super::axes::{
    all_integers, finite_min_max, linear_ticks, log_ticks, pow2_ticks, worker_ticks, x_range,
    y_range, Axis, PLOT_HEIGHT_GUESS, PLOT_WIDTH_GUESS,
};
use super::format::format_number;
use super::geometry::{clip, Polyline, Rect, Scale};
use super::legend::{Legend, LegendSample};
use super::place::{free_spot_in, label_size, Frame, Obstacles};
use super::shapes::Shape;
use super::style::*;

/// One series, cleaned up for drawing.
#[derive(Debug, Clone)]
pub(super) struct PlannedSeries {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) style: SeriesStyle,
    pub(super) shape: Shape,
    /// Runs of consecutive drawable points, clipped to the plot; a skipped (non-finite) point
    /// breaks the line.
    pub(super) runs: Polyline,
    pub(super) points: Vec<PlannedPoint>,
    pub(super) bars: Vec<PlannedBar>,
    /// Only one drawable point: drawn on top of the others, and without a line in the legend.
    pub(super) single: bool,
}

/// A marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PlannedPoint {
    pub(super) x: f64,
    /// Where it is drawn: its value, or the top of a broken axis.
    pub(super) y: f64,
    pub(super) hollow: bool,
    /// Cut off by the axis break: drawn at the break with an arrow up.
    pub(super) above: bool,
    /// Pixels sideways: single points at the same spot are drawn side by side.
    pub(super) dodge: i32,
}

/// An error bar, shifted `dodge` pixels sideways when bars of several series share its x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PlannedBar {
    pub(super) x: f64,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) dodge: i32,
}

/// Fitted curves, clipped to the plot, and the prediction region.
#[derive(Debug, Clone)]
pub(super) struct PlannedFits {
    pub(super) label: String,
    pub(super) curves: Vec<(RGBColor, Polyline)>,
    pub(super) region: Option<Region>,
}

/// The shaded prediction region from `from` to the right end of the x axis, with its label's
/// box (`None`: no free spot, the legend explains it alone).
#[derive(Debug, Clone)]
pub(super) struct Region {
    pub(super) from: f64,
    pub(super) label: String,
    pub(super) label_box: Option<Rect>,
}

/// The vertical marker (core count) and where its label goes.
#[derive(Debug, Clone)]
pub(super) struct PlannedMarker {
    pub(super) x: f64,
    pub(super) label: String,
    pub(super) label_box: Option<Rect>,
}

#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) x: Axis,
    pub(super) y: Axis,
    pub(super) series: Vec<PlannedSeries>,
    /// Reference label and its polyline clipped to the plot.
    pub(super) reference: Option<(String, Polyline)>,
    pub(super) marker: Option<PlannedMarker>,
    pub(super) fits: Option<PlannedFits>,
    /// The y axis is cut here (the top of the plot): outlier series go above it.
    pub(super) y_break: Option<f64>,
    pub(super) legend: Legend,
    pub(super) frame: Frame,
    /// Whether any series has at least one drawable point.
    pub(super) has_data: bool,
}

pub(super) fn usable(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

/// A series is an outlier when its largest value is more than this many times that of every
/// series below it.
const OUTLIER_FACTOR: f64 = 4.0;
/// A rising reference line (the ideal) counts towards the y range up to this many times the
/// largest data value on a linear axis (an octave on a log one): beyond, it is clipped rather
/// than squeezing the data.
const REFERENCE_HEADROOM: f64 = 1.5;
const REFERENCE_HEADROOM_LOG: f64 = 2.0;
/// Predictions take at most this share of the measured range's width (in axis space), so
/// the measured part keeps about two thirds of the axis.
const PREDICTION_SHARE: f64 = 0.5;
/// Two series whose points all lie within this fraction of the plot height of each other
/// (at the same x values) are drawn on top of each other: a note says so.
const COINCIDE: f64 = 0.012;

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

/// How far a prediction may reach past the measured range `lo..=hi`, rounded down to a
/// worker count (a power of two on a log axis) so its end is a clean tick.
fn prediction_end(lo: f64, hi: f64, fit_hi: f64, log: bool) -> f64 {
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
    pub(super) fn new(chart: &Chart) -> Plan {
        let x_log = chart.x_log;
        let finite = |p: &&super::super::Point| p.x.is_finite() && p.y.is_finite();

        // The y scale: as asked, unless a few series far above the rest would flatten them.
        let mut y_log = chart.y_log;
        let mut broken: Vec<usize> = vec![];
        let mut logged: Vec<usize> = vec![];
        if !y_log {
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
            if let Some((top, _)) = outliers(&maxima) {
                let positive = chart
                    .series
                    .iter()
                    .flat_map(|s| s.points.iter().filter(finite))
                    .all(|p| p.y > 0.0);
                if chart.outliers == Outliers::LogScale && positive {
                    y_log = true;
                    logged = top;
                } else {
                    broken = top;
                }
            }
        }
        let ok = |x: f64, y: f64| usable(x, x_log) && usable(y, y_log);

        // Points, split into runs at unusable points.
        let mut series: Vec<PlannedSeries> = Vec::with_capacity(chart.series.len());
        for s in &chart.series {
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
            series.push(PlannedSeries {
                label: s.label.clone(),
                color: color(s.color_index),
                style: s.style,
                shape: Shape::of(s.color_index),
                single: points.len() == 1,
                runs,
                points,
                bars,
            });
        }
        let has_data = series.iter().any(|s| !s.points.is_empty());

        let marker_x = chart
            .marker
            .as_ref()
            .map(|m| m.0)
            .filter(|&x| usable(x, x_log));

        // X: the measured range (the workload's worker counts, the points, the marker), then
        // the prediction reaching at most PREDICTION_SHARE of that range further.
        let mut measured: Vec<f64> = chart
            .x_values
            .iter()
            .copied()
            .filter(|&x| usable(x, x_log))
            .collect();
        measured.extend(series.iter().flat_map(|s| s.points.iter().map(|p| p.x)));
        measured.extend(marker_x);
        let reference_points: Vec<(f64, f64)> = chart
            .reference
            .iter()
            .flat_map(|r| r.points.iter().copied())
            .filter(|&(x, y)| ok(x, y))
            .collect();
        if measured.is_empty() {
            measured.extend(reference_points.iter().map(|p| p.0));
        }
        let fit_curves: Vec<(RGBColor, Vec<(f64, f64)>)> = chart
            .fits
            .iter()
            .flat_map(|f| &f.curves)
            .map(|c| {
                let pts = c.points.iter().copied().filter(|&(x, y)| ok(x, y));
                (color(c.color_index), pts.collect::<Vec<_>>())
            })
            .filter(|(_, pts)| !pts.is_empty())
            .collect();
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
        let (x_lo, x_hi) = x_range(&range_xs, x_log);
        let xs = Scale {
            lo: x_lo,
            hi: x_hi,
            log: x_log,
        };

        // Y: the data (without the outliers of a broken axis), the reference up to
        // REFERENCE_HEADROOM x the data, and the fits up to the larger of those.
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
        let ref_ys = in_x(&reference_points, x_hi);
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
        for (_, pts) in &fit_curves {
            let cap = fit_cap.unwrap_or(f64::INFINITY);
            ys.extend(in_x(pts, pred_hi).into_iter().map(|y| y.min(cap)));
        }
        ys.retain(|&y| usable(y, y_log));
        let (y_lo, y_hi) = y_range(&ys, y_log);
        // A broken axis ends where the range of what it keeps ends: the outliers go off the top.
        let y_break = (!broken.is_empty()).then_some(y_hi);
        let ys_scale = Scale {
            lo: y_lo,
            hi: y_hi,
            log: y_log,
        };

        // Everything clipped to the plot; points above a break drawn at it; error bars
        // clamped into the range and spread apart where several share an x.
        for s in &mut series {
            s.runs = s.runs.iter().flat_map(|r| clip(r, xs, ys_scale)).collect();
            for p in &mut s.points {
                if p.y > y_hi {
                    p.y = y_hi;
                    p.above = true;
                }
            }
            for b in &mut s.bars {
                b.lo = b.lo.max(y_lo);
                b.hi = b.hi.min(y_hi);
            }
            s.bars.retain(|b| b.lo < b.hi);
        }
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
        for group in single_spots(&series, ys_scale) {
            for (k, &i) in group.iter().enumerate() {
                if let Some(p) = series[i].points.first_mut() {
                    p.dodge = dodge(k, group.len(), 2.0 * BAR_SPREAD);
                }
            }
        }
        let reference = chart
            .reference
            .as_ref()
            .map(|r| (r.label.clone(), clip(&reference_points, xs, ys_scale)));
        let fits = chart.fits.as_ref().map(|f| PlannedFits {
            label: f.label.clone(),
            curves: fit_curves
                .iter()
                .map(|(c, pts)| (*c, clip(pts, Scale { hi: pred_hi, ..xs }, ys_scale)))
                .collect(),
            region: (usable(f.measured_to, x_log)
                && fit_hi.is_some()
                && pred_hi > f.measured_to * (1.0 + 1e-9))
                .then(|| Region {
                    from: f.measured_to.max(x_lo),
                    label: f.region_label.clone(),
                    label_box: None,
                }),
        });

        // Ticks: the worker counts (and where a prediction ends) on a worker axis, round
        // numbers otherwise; powers of two for plain numbers on a log y axis.
        let x_ticks = if !chart.x_values.is_empty() {
            let mut extra = vec![];
            if pred_hi > m_hi {
                extra.push(pred_hi);
                if x_log {
                    let mut v = 2f64.powf(m_hi.log2().floor() + 1.0);
                    while v < pred_hi && extra.len() < 64 {
                        extra.push(v);
                        v *= 2.0;
                    }
                }
            }
            (
                worker_ticks(&measured, &extra, (x_lo, x_hi), x_log, PLOT_WIDTH_GUESS),
                vec![],
            )
        } else if x_log {
            log_ticks(x_lo, x_hi, Some(&range_xs), PLOT_WIDTH_GUESS)
        } else {
            (
                linear_ticks(x_lo, x_hi, 10, all_integers(&range_xs)),
                vec![],
            )
        };
        let y_ticks = match (y_log, chart.y_unit) {
            (true, Unit::Plain) => match pow2_ticks(y_lo, y_hi, PLOT_HEIGHT_GUESS) {
                Some(t) => (t, vec![]),
                None => log_ticks(y_lo, y_hi, None, PLOT_HEIGHT_GUESS),
            },
            (true, Unit::Seconds) => log_ticks(y_lo, y_hi, None, PLOT_HEIGHT_GUESS),
            (false, _) => (linear_ticks(y_lo, y_hi, 8, false), vec![]),
        };
        let x = Axis::new((x_lo, x_hi), x_log, x_ticks, Unit::Plain, &chart.x_label);
        let y = Axis::new((y_lo, y_hi), y_log, y_ticks, chart.y_unit, &chart.y_label);

        let legend = legend(chart, &series, (&reference, &fits), (y_break, &logged), &y);
        let mut legend = legend;
        let frame = Frame::new(
            &chart.title,
            &chart.subtitle,
            (&x.title, &y.title),
            (&x.labels, &y.labels),
            &legend,
            chart.marker.is_some(),
        );
        legend.truncate_to(HEIGHT as i32 - frame.top - 8);
        let marker_label = chart.marker.as_ref().map_or(String::new(), |m| m.1.clone());
        let mut plan = Plan {
            x,
            y,
            series,
            reference,
            marker: marker_x.map(|x| PlannedMarker {
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
        if plan
            .marker
            .as_ref()
            .is_some_and(|m| !m.label.is_empty() && m.label_box.is_none())
        {
            // No free spot above the plot: the legend names the line instead.
            let mut notes = plan.legend.notes.clone();
            notes.push(format!("Dotted line: {marker_label}."));
            plan.legend = Legend::new(plan.legend.entries.clone(), &notes);
            plan.frame = Frame::new(
                &chart.title,
                &chart.subtitle,
                (&plan.x.title, &plan.y.title),
                (&plan.x.labels, &plan.y.labels),
                &plan.legend,
                chart.marker.is_some(),
            );
            plan.legend.truncate_to(HEIGHT as i32 - plan.frame.top - 8);
            if let Some(m) = &mut plan.marker {
                m.label.clear();
            }
            plan.place_labels();
        }
        plan
    }

    /// Pixel position of a data point.
    pub(super) fn pixel(&self, p: (f64, f64)) -> (f64, f64) {
        self.frame.at(self.x.scale(), self.y.scale(), p)
    }

    /// Everything drawn in the plot that a label must not touch, in pixels: lines, markers
    /// (with the arrows of points above a break), error bars and the core-count line.
    pub(super) fn obstacles(&self) -> Obstacles {
        let plot = self.frame.plot;
        let mut obstacles = Obstacles::default();
        for s in &self.series {
            for run in &s.runs {
                let px: Vec<(f64, f64)> = run.iter().map(|&p| self.pixel(p)).collect();
                obstacles.line(&px);
            }
            for p in &s.points {
                let (x, y) = self.pixel((p.x, p.y));
                let x = x + f64::from(p.dodge);
                let above = if p.above { 20.0 } else { 0.0 };
                obstacles
                    .boxes
                    .push(Rect::new(x - 7.0, y - 7.0 - above, 14.0, 14.0 + above));
            }
            for b in &s.bars {
                let (x, lo) = self.pixel((b.x, b.lo));
                let (_, hi) = self.pixel((b.x, b.hi));
                let x = x + f64::from(b.dodge);
                obstacles.boxes.push(Rect {
                    x0: x - 6.0,
                    y0: hi,
                    x1: x + 6.0,
                    y1: lo,
                });
            }
        }
        let lines: Vec<Vec<(f64, f64)>> = self
            .reference
            .iter()
            .flat_map(|r| r.1.iter())
            .chain(
                self.fits
                    .iter()
                    .flat_map(|f| f.curves.iter().flat_map(|c| c.1.iter())),
            )
            .map(|piece| piece.iter().map(|&p| self.pixel(p)).collect())
            .collect();
        for l in &lines {
            obstacles.line(l);
        }
        if let Some(m) = &self.marker {
            let (x, _) = self.pixel((m.x, self.y.lo));
            obstacles.line(&[(x, plot.y0), (x, plot.y1)]);
        }
        obstacles
    }

    /// The core-count label above the plot, centred on its line (kept inside the image);
    /// the prediction label at the first spot of its region that touches nothing drawn.
    fn place_labels(&mut self) {
        let plot = self.frame.plot;
        let mut obstacles = self.obstacles();
        if let Some(m) = &mut self.marker {
            let (x, _) = self
                .frame
                .at(self.x.scale(), self.y.scale(), (m.x, self.y.lo));
            if !m.label.is_empty() {
                // Centred on its line, else beside it (an arrow of a point above a break may
                // be in the way), kept inside the image.
                let (w, h) = label_size(&m.label, MARKER_LABEL_SIZE);
                let image = f64::from(WIDTH);
                let at = |left: f64| {
                    let left = left.clamp(6.0, (image - 6.0 - w).max(6.0));
                    Rect::new(left, plot.y0 - 8.0 - h, w, h)
                };
                let spot = [x - w / 2.0, x + 12.0, x - 12.0 - w]
                    .into_iter()
                    .map(at)
                    .find(|b| obstacles.free(b));
                if let Some(b) = spot {
                    obstacles.boxes.push(b);
                }
                m.label_box = spot;
            }
        }
        if let Some(region) = self.fits.as_mut().and_then(|f| f.region.as_mut()) {
            let (from, _) = self
                .frame
                .at(self.x.scale(), self.y.scale(), (region.from, self.y.lo));
            let size = label_size(&region.label, MARKER_LABEL_SIZE);
            let area = Rect {
                x0: from,
                y0: plot.y0,
                x1: plot.x1,
                y1: plot.y1,
            };
            region.label_box = free_spot_in(area, size, &obstacles).or_else(|| {
                // Above the plot, over the region, if the core-count label leaves room.
                let b = Rect::new(
                    ((from + plot.x1 - size.0) / 2.0).max(from),
                    plot.y0 - 8.0 - size.1,
                    size.0,
                    size.1,
                );
                (b.x1 <= f64::from(WIDTH) - 4.0 && obstacles.free(&b)).then_some(b)
            });
        }
    }
}

/// The legend: every series (in chart order), the fitted curves, the reference line and
/// hollow points, then notes on lines drawn on top of each other and values cut off by a
/// break.
fn legend(
    chart: &Chart,
    series: &[PlannedSeries],
    (reference, fits): (&Option<(String, Polyline)>, &Option<PlannedFits>),
    (y_break, logged): (Option<f64>, &[usize]),
    y: &Axis,
) -> Legend {
    let mut entries: Vec<(String, LegendSample)> = series
        .iter()
        .map(|s| {
            (
                s.label.clone(),
                LegendSample::Series {
                    color: s.color,
                    style: s.style,
                    shape: s.shape,
                    line: !s.single,
                },
            )
        })
        .collect();
    if let Some(f) = fits.as_ref().filter(|f| !f.curves.is_empty()) {
        let c = |i: usize| {
            f.curves
                .get(i)
                .or(f.curves.first())
                .map_or(FIT_SAMPLE, |c| c.0)
        };
        entries.push((f.label.clone(), LegendSample::Fit([c(0), c(1), c(2)])));
    }
    if let Some((label, pieces)) = reference {
        if !pieces.is_empty() {
            entries.push((label.clone(), LegendSample::Reference));
        }
    }
    let hollow = series
        .iter()
        .any(|s| s.style == SeriesStyle::Solid && s.points.iter().any(|p| p.hollow));
    if let (true, Some(label)) = (hollow, &chart.hollow_label) {
        entries.push((label.clone(), LegendSample::Hollow));
    }

    let mut notes = chart.notes.clone();
    if !logged.is_empty() {
        // Why the axis is logarithmic when the chart did not ask for it.
        let names: Vec<&str> = logged.iter().map(|&i| series[i].label.as_str()).collect();
        notes.push(format!(
            "Log scale: {} far above the others.",
            join_names(&names)
        ));
    }
    for group in single_spots(series, y.scale()) {
        let names: Vec<&str> = group.iter().map(|&i| series[i].label.as_str()).collect();
        notes.push(format!(
            "{} have one point each, at the same place (drawn side by side).",
            join_names(&names)
        ));
    }
    let groups: Vec<String> = coinciding(series, y)
        .iter()
        .map(|g| {
            let names: Vec<&str> = g.iter().map(|&i| series[i].label.as_str()).collect();
            join_names(&names)
        })
        .collect();
    match groups.as_slice() {
        [] => {}
        [one] => notes.push(format!(
            "{one} lie on top of each other (told apart by their markers)."
        )),
        many => notes.push(format!(
            "On top of each other, told apart by their markers: {}.",
            many.join("; ")
        )),
    }
    if let Some(at) = y_break {
        for (s, raw) in series.iter().zip(&chart.series) {
            let top = raw
                .points
                .iter()
                .map(|p| p.y)
                .filter(|y| y.is_finite())
                .reduce(f64::max);
            if let Some(top) = top.filter(|&t| t > at) {
                notes.push(format!(
                    "▲ {} goes off the chart above the axis break, up to {}.",
                    s.label,
                    value_label(top, chart.y_unit)
                ));
            }
        }
    }
    Legend::new(entries, &notes)
}

/// A value as a y tick would read, with its unit for durations.
fn value_label(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Plain => format_number(v, 3),
        Unit::Seconds => {
            let (scale, symbol) = super::format::seconds_unit(v.abs());
            format!("{} {symbol}", format_number(v * scale, 3))
        }
    }
}

/// "a", "a and b", "a, b and c".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Groups (by index) of single-point series at the same spot (same x, y within
/// [`COINCIDE`] of the plot height), which would hide each other.
fn single_spots(series: &[PlannedSeries], y: Scale) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![];
    for (i, s) in series.iter().enumerate().filter(|(_, s)| s.single) {
        let Some(p) = s.points.first() else { continue };
        let at = |j: &usize| {
            series[*j]
                .points
                .first()
                .is_some_and(|q| q.x == p.x && (y.fraction(q.y) - y.fraction(p.y)).abs() < COINCIDE)
        };
        match groups.iter_mut().find(|g| g.first().is_some_and(at)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Groups (by index) of series with at least two points whose points are at the same x values
/// and within [`COINCIDE`] of the plot height of each other at every one.
fn coinciding(series: &[PlannedSeries], y: &Axis) -> Vec<Vec<usize>> {
    let scale = y.scale();
    let same = |a: &PlannedSeries, b: &PlannedSeries| {
        a.points.len() >= 2
            && a.points.len() == b.points.len()
            && a.points.iter().zip(&b.points).all(|(p, q)| {
                p.x == q.x && (scale.fraction(p.y) - scale.fraction(q.y)).abs() < COINCIDE
            })
    };
    // Groups are the connected sets of the "drawn on top of each other" pairs.
    let mut group_of: Vec<usize> = (0..series.len()).collect();
    for i in 0..series.len() {
        for j in i + 1..series.len() {
            if same(&series[i], &series[j]) {
                let (from, to) = (group_of[j], group_of[i]);
                for g in &mut group_of {
                    if *g == from {
                        *g = to;
                    }
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = vec![];
    for i in 0..series.len() {
        let group: Vec<usize> = (0..series.len()).filter(|&j| group_of[j] == i).collect();
        if group.len() > 1 {
            groups.push(group);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlier_series_are_a_minority_far_above_the_rest() {
        let m = |v: &[f64]| -> Vec<(usize, f64)> { v.iter().copied().enumerate().collect() };
        // The demo's sleep efficiency: async-multi at 26, the others about 1.
        assert_eq!(
            outliers(&m(&[1.0, 1.03, 0.98, 26.6, 0.86, 1.01])),
            Some((vec![3], 1.03))
        );
        // Spread out but no gap: none.
        assert_eq!(outliers(&m(&[1.0, 2.0, 4.0, 8.0, 16.0])), None);
        // Two series: neither is a minority.
        assert_eq!(outliers(&m(&[1.0, 30.0])), None);
        // A gap below the majority (one low series) is not an outlier at the top.
        assert_eq!(outliers(&m(&[14.0, 14.5, 13.0, 1.0])), None);
    }

    #[test]
    fn predictions_take_at_most_a_third_of_the_axis() {
        // Measured 1..16 on a log axis: up to 64, here the fit's 32.
        assert_eq!(prediction_end(1.0, 16.0, 32.0, true), 32.0);
        // Measured 1..4, fits to 16: stop at 8 (a power of two).
        assert_eq!(prediction_end(1.0, 4.0, 16.0, true), 8.0);
        // Linear 1..4: at most 5.5, rounded down to 5.
        assert_eq!(prediction_end(1.0, 4.0, 16.0, false), 5.0);
        // No room (1..2 on a log axis: at most 2.8, no power of two above 2): none.
        assert_eq!(prediction_end(1.0, 2.0, 16.0, true), 2.0);
        // Fits within the data: the measured end.
        assert_eq!(prediction_end(1.0, 8.0, 8.0, true), 8.0);
    }

    #[test]
    fn bars_at_one_x_spread_symmetrically() {
        assert_eq!(
            (0..3).map(|i| dodge(i, 3, 30.0)).collect::<Vec<_>>(),
            [-5, 0, 5]
        );
        assert_eq!(dodge(0, 1, 30.0), 0);
        // Fourteen bars stay within 30 pixels.
        assert_eq!((dodge(0, 14, 30.0), dodge(13, 14, 30.0)), (-15, 15));
        assert_eq!(join_names(&["a", "b", "c"]), "a, b and c");
    }
}
