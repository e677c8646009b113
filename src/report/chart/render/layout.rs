//! The plan of a line chart: everything computed from the data before drawing — cleaned-up
//! series, axis ranges and ticks, the reference line and fitted curves clipped to the plot.

use plotters::style::RGBColor;

use super::super::{Chart, SeriesStyle};
use super::axes::{
    all_integers, finite_min_max, linear_ticks, log_ticks, x_range, y_range, Axis,
    PLOT_HEIGHT_GUESS, PLOT_WIDTH_GUESS,
};
use super::format::is_seconds_label;
use super::style::color;

/// Pieces of a line, each a run of points drawn connected.
pub(super) type Polyline = Vec<Vec<(f64, f64)>>;

/// One series, cleaned up for drawing.
#[derive(Debug, Clone)]
pub(super) struct PlannedSeries {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) style: SeriesStyle,
    /// Runs of consecutive drawable points; a skipped (non-finite) point breaks the line.
    pub(super) runs: Polyline,
    /// Error bars: (x, low, y, high).
    pub(super) bars: Vec<(f64, f64, f64, f64)>,
}

/// Fitted curves, clipped to the plot, and the prediction region.
#[derive(Debug, Clone)]
pub(super) struct PlannedFits {
    pub(super) label: String,
    pub(super) curves: Vec<(RGBColor, Polyline)>,
    /// The shaded region from this x to the right end of the x axis, with its label; `None`
    /// when the data reaches the end of the axis.
    pub(super) region: Option<(f64, String)>,
}

#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) x: Axis,
    pub(super) y: Axis,
    pub(super) series: Vec<PlannedSeries>,
    /// Reference label and its polyline clipped to the plot.
    pub(super) reference: Option<(String, Polyline)>,
    pub(super) marker: Option<(f64, String)>,
    pub(super) fits: Option<PlannedFits>,
    /// Whether any series has at least one drawable point.
    pub(super) has_data: bool,
}

pub(super) fn usable(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

impl Plan {
    pub(super) fn new(chart: &Chart) -> Plan {
        let (x_log, y_log) = (chart.x_log, chart.y_log);
        let ok = |x: f64, y: f64| usable(x, x_log) && usable(y, y_log);

        // Points, split into runs at unusable points.
        let mut series = Vec::with_capacity(chart.series.len());
        for s in &chart.series {
            let mut runs: Polyline = vec![];
            let mut current = vec![];
            let mut bars = vec![];
            for p in &s.points {
                if ok(p.x, p.y) {
                    current.push((p.x, p.y));
                    if let Some((a, b)) = p.ci {
                        if a.is_finite() && b.is_finite() {
                            bars.push((p.x, a.min(b), p.y, a.max(b)));
                        }
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
                runs,
                bars,
            });
        }
        let has_data = series.iter().any(|s| !s.runs.is_empty());

        let marker = chart
            .marker
            .as_ref()
            .filter(|(x, _)| usable(*x, x_log))
            .cloned();

        let reference_points: Vec<(f64, f64)> = chart
            .reference
            .as_ref()
            .map(|r| {
                r.points
                    .iter()
                    .copied()
                    .filter(|&(x, y)| ok(x, y))
                    .collect()
            })
            .unwrap_or_default();

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
        let fit_xs: Vec<f64> = fit_curves
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.0))
            .collect();

        // X range: all series points, fitted curves and the marker; the reference only when
        // nothing else.
        let data_xs: Vec<f64> = series
            .iter()
            .flat_map(|s| s.runs.iter().flatten().map(|p| p.0))
            .collect();
        let mut range_xs = data_xs.clone();
        range_xs.extend(marker.as_ref().map(|m| m.0));
        // The measured part of the axis, before any prediction range.
        let measured_hi = finite_min_max(&range_xs).map(|m| m.1);
        range_xs.extend(&fit_xs);
        if data_xs.is_empty() {
            range_xs.extend(reference_points.iter().map(|p| p.0));
        }
        let (x_lo, x_hi) = x_range(&range_xs, x_log);

        // Reference clipped to the x range.
        let reference = chart.reference.as_ref().map(|r| {
            let clipped = clip_polyline(&reference_points, x_lo, x_hi);
            (r.label.clone(), clipped)
        });

        // Y range: points, CI ends and the visible reference; with fits, the reference only
        // over the measured range and the fitted curves only up to the larger of the data and
        // the reference at the end of the axis, so a runaway prediction cannot flatten the data.
        let mut ys: Vec<f64> = vec![];
        for s in &series {
            ys.extend(s.runs.iter().flatten().map(|p| p.1));
            for &(_, a, _, b) in &s.bars {
                ys.extend([a, b]);
            }
        }
        let reference_ys = |hi: f64| -> Vec<f64> {
            clip_polyline(&reference_points, x_lo, hi)
                .iter()
                .flatten()
                .map(|p| p.1)
                .collect()
        };
        match measured_hi {
            Some(hi) if !fit_curves.is_empty() => {
                ys.extend(reference_ys(hi));
                let cap = ys
                    .iter()
                    .chain(&reference_ys(x_hi))
                    .copied()
                    .filter(|&y| usable(y, y_log))
                    .fold(f64::NEG_INFINITY, f64::max);
                for (_, pts) in &fit_curves {
                    ys.extend(pts.iter().map(|p| p.1.min(cap)));
                }
            }
            _ => ys.extend(reference_ys(x_hi)),
        }
        ys.retain(|&y| usable(y, y_log));
        let (y_lo, y_hi) = y_range(&ys, y_log);
        let reference = reference.map(|(label, pieces)| (label, clip_y(&pieces, y_lo, y_hi)));
        let fits = chart.fits.as_ref().map(|f| PlannedFits {
            label: f.label.clone(),
            curves: fit_curves
                .iter()
                .map(|(c, pts)| {
                    let pieces = clip_polyline(pts, x_lo, x_hi);
                    (*c, clip_y(&pieces, y_lo, y_hi))
                })
                .collect(),
            region: (usable(f.measured_to, x_log)
                && finite_min_max(&fit_xs)
                    .is_some_and(|(_, hi)| hi > f.measured_to * (1.0 + 1e-9)))
            .then(|| (f.measured_to.max(x_lo), f.region_label.clone())),
        });

        // Clamp error bars into the y range (only matters for a log axis, where a CI can reach
        // down to zero or below).
        for s in &mut series {
            for bar in &mut s.bars {
                bar.1 = bar.1.max(y_lo);
                bar.3 = bar.3.min(y_hi);
            }
            s.bars.retain(|bar| bar.1 <= bar.3);
        }

        let mut xs_for_ticks = data_xs;
        if xs_for_ticks.is_empty() {
            xs_for_ticks = range_xs;
        }
        // Past the data, fitted curves get ticks at powers of two and at their end.
        if let (Some((_, data_hi)), Some((_, fit_hi))) =
            (finite_min_max(&xs_for_ticks), finite_min_max(&fit_xs))
        {
            let mut v = 2f64.powf(data_hi.log2().floor() + 1.0);
            while v < fit_hi && xs_for_ticks.len() < 64 {
                xs_for_ticks.push(v);
                v *= 2.0;
            }
            if fit_hi > data_hi {
                xs_for_ticks.push(fit_hi);
            }
        }
        let x_ticks = if x_log {
            log_ticks(x_lo, x_hi, Some(&xs_for_ticks), PLOT_WIDTH_GUESS)
        } else {
            (
                linear_ticks(x_lo, x_hi, 10, all_integers(&xs_for_ticks)),
                vec![],
            )
        };
        let y_ticks = if y_log {
            log_ticks(y_lo, y_hi, None, PLOT_HEIGHT_GUESS)
        } else {
            (linear_ticks(y_lo, y_hi, 8, false), vec![])
        };

        let mut x = Axis {
            lo: x_lo,
            hi: x_hi,
            log: x_log,
            ticks: x_ticks.0,
            light: x_ticks.1,
            seconds: is_seconds_label(&chart.x_label),
            digits: 3,
        };
        let mut y = Axis {
            lo: y_lo,
            hi: y_hi,
            log: y_log,
            ticks: y_ticks.0,
            light: y_ticks.1,
            seconds: is_seconds_label(&chart.y_label),
            digits: 3,
        };
        x.choose_digits();
        y.choose_digits();

        Plan {
            x,
            y,
            series,
            reference,
            marker,
            fits,
            has_data,
        }
    }
}

/// Cuts a polyline to `lo <= x <= hi`, interpolating at the edges. Returns the visible pieces.
pub(super) fn clip_polyline(points: &[(f64, f64)], lo: f64, hi: f64) -> Polyline {
    let inside = |x: f64| x >= lo && x <= hi;
    let lerp = |a: (f64, f64), b: (f64, f64), x: f64| {
        if (b.0 - a.0).abs() < f64::EPSILON {
            (x, a.1)
        } else {
            (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
        }
    };
    let mut pieces = vec![];
    let mut current: Vec<(f64, f64)> = vec![];
    for (i, &p) in points.iter().enumerate() {
        if i > 0 {
            let a = points[i - 1];
            // Entry or exit points where the segment crosses the range edges.
            let (x0, x1) = (a.0.min(p.0), a.0.max(p.0));
            let mut cuts: Vec<f64> = [lo, hi].into_iter().filter(|&e| e > x0 && e < x1).collect();
            if a.0 > p.0 {
                cuts.reverse();
            }
            for c in cuts {
                let q = lerp(a, p, c);
                if current.is_empty() {
                    current.push(q);
                } else {
                    current.push(q);
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
        if inside(p.0) {
            current.push(p);
        } else if !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// Cuts every piece of a polyline to `lo <= y <= hi`.
pub(super) fn clip_y(pieces: &Polyline, lo: f64, hi: f64) -> Polyline {
    let swap = |v: &[(f64, f64)]| -> Vec<(f64, f64)> { v.iter().map(|&(a, b)| (b, a)).collect() };
    pieces
        .iter()
        .flat_map(|p| clip_polyline(&swap(p), lo, hi))
        .map(|p| swap(&p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylines_are_clipped_in_y() {
        let pieces = vec![vec![(0.0, 0.0), (1.0, 10.0), (2.0, 0.0)]];
        assert_eq!(
            clip_y(&pieces, 0.0, 5.0),
            vec![vec![(0.0, 0.0), (0.5, 5.0)], vec![(1.5, 5.0), (2.0, 0.0)]]
        );
    }

    #[test]
    fn reference_is_clipped_to_x_range() {
        let pieces = clip_polyline(&[(0.0, 0.0), (10.0, 10.0)], 2.0, 5.0);
        assert_eq!(pieces, vec![vec![(2.0, 2.0), (5.0, 5.0)]]);
        assert!(clip_polyline(&[(6.0, 6.0), (10.0, 10.0)], 2.0, 5.0).is_empty());
    }
}
