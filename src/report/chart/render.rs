//! The one renderer: draws any [`Chart`] as a PNG and an SVG with plotters.
//!
//! Fonts are embedded (DejaVu Sans, regular and bold) and registered once, so rendering needs
//! no fontconfig or system fonts. Files are written under a temporary name in the target folder
//! and renamed into place, so a half-written chart is never left behind.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontStyle, FontTransform};

use super::{Chart, SeriesStyle};

// Timelines (rows of bars) share this renderer's fonts, text and axis helpers.
mod gantt;
pub use gantt::render_gantt;

/// Image size in pixels (PNG) and in user units (SVG).
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 750;

/// The family name the embedded fonts are registered under.
const FONT: &str = "sans-serif";

const TITLE_SIZE: f64 = 28.0;
const SUBTITLE_SIZE: f64 = 18.0;
const AXIS_DESC_SIZE: f64 = 20.0;
const TICK_SIZE: f64 = 16.0;
const LEGEND_SIZE: f64 = 17.0;
const MARKER_LABEL_SIZE: f64 = 16.0;

const TEXT: RGBColor = RGBColor(25, 25, 25);
const SUBTITLE: RGBColor = RGBColor(85, 85, 85);
const AXIS: RGBColor = RGBColor(60, 60, 60);
const GRID: RGBColor = RGBColor(222, 222, 222);
const GRID_LIGHT: RGBColor = RGBColor(240, 240, 240);
const REFERENCE: RGBColor = RGBColor(130, 130, 130);
const MARKER: RGBColor = RGBColor(95, 95, 95);
/// Legend sample of fitted curves when there are none to take colours from.
const FIT_SAMPLE: RGBColor = RGBColor(90, 90, 90);
/// Tint of the prediction region and colour of its label.
const PREDICTION_FILL: RGBColor = RGBColor(236, 240, 246);
const PREDICTION_TEXT: RGBColor = RGBColor(90, 105, 130);

/// Series stroke width and marker radius in pixels.
const LINE_WIDTH: u32 = 3;
const POINT_RADIUS: i32 = 5;
/// Fitted curves: thinner than the data, with short dashes (the reference has long ones).
const FIT_WIDTH: u32 = 2;
const FIT_DASH: (i32, i32) = (7, 6);

/// Legend geometry: room for the line sample, and padding inside the box.
const LEGEND_SAMPLE_AREA: i32 = 44;
const LEGEND_MARGIN: i32 = 10;
/// Space between the plot area and the legend box on its right.
const LEGEND_GAP: i32 = 18;

/// Colour-blind-friendly palette: Okabe-Ito (without the hard-to-see yellow) followed by
/// Tableau colours that stay distinguishable from them.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(140, 86, 75),   // brown
    RGBColor(148, 103, 189), // violet
    RGBColor(188, 189, 34),  // olive
];

/// The stable colour of a series; `index` wraps around the palette.
pub fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Draws `chart` to `png_path` (1200x750 PNG) and `svg_path` (SVG of the same size).
///
/// Each file is written to a temporary name in its folder and renamed into place.
pub fn render(chart: &Chart, png_path: &Path, svg_path: &Path) -> Result<()> {
    ensure_fonts()?;
    let plan = Plan::new(chart);
    render_png(chart, &plan, png_path)
        .with_context(|| format!("rendering chart PNG {}", png_path.display()))?;
    render_svg(chart, &plan, svg_path)
        .with_context(|| format!("rendering chart SVG {}", svg_path.display()))?;
    Ok(())
}

static FONT_BYTES_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static FONT_BYTES_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts with plotters, once per process.
fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, FONT_BYTES_REGULAR)
                .map_err(|_| "embedded font DejaVuSans.ttf is invalid".to_string())?;
            register_font(FONT, FontStyle::Bold, FONT_BYTES_BOLD)
                .map_err(|_| "embedded font DejaVuSans-Bold.ttf is invalid".to_string())?;
            Ok(())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

// ---------------------------------------------------------------------------------------------
// Output files
// ---------------------------------------------------------------------------------------------

/// `dir/name.ext` -> `dir/name.tmp.ext` (the extension is kept: the bitmap backend picks the
/// image format from it). Without the expected extension, `.tmp.<ext>` is appended.
fn temp_path(path: &Path, ext: &str) -> PathBuf {
    let has_ext = path
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext));
    let base = if has_ext {
        path.file_stem()
    } else {
        path.file_name()
    };
    let base = base.map_or_else(|| "chart".into(), |b| b.to_string_lossy().into_owned());
    path.with_file_name(format!("{base}.tmp.{ext}"))
}

/// Runs `write` on a temporary path next to `path`, then renames it into place; the temporary
/// file is removed if anything fails.
fn write_atomically(path: &Path, ext: &str, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = temp_path(path, ext);
    let result = write(&tmp).and_then(|()| {
        fs::rename(&tmp, path)
            .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn render_png(chart: &Chart, plan: &Plan, path: &Path) -> Result<()> {
    write_atomically(path, "png", |tmp| {
        let root = BitMapBackend::new(tmp, (WIDTH, HEIGHT)).into_drawing_area();
        draw_chart(&root, chart, plan, Pen { bitmap: true })?;
        root.present()
            .with_context(|| format!("writing {}", tmp.display()))?;
        Ok(())
    })
}

fn render_svg(chart: &Chart, plan: &Plan, path: &Path) -> Result<()> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw_chart(&root, chart, plan, Pen { bitmap: false })?;
        root.present().context("finishing SVG document")?;
    }
    write_atomically(path, "svg", |tmp| {
        fs::write(tmp, svg.as_bytes()).with_context(|| format!("writing {}", tmp.display()))
    })
}

// ---------------------------------------------------------------------------------------------
// Plan: everything computed from the data before drawing (ranges, ticks, clean point runs)
// ---------------------------------------------------------------------------------------------

/// One axis: its range, tick positions and label format.
#[derive(Debug, Clone)]
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// Labelled ticks (bold grid lines).
    ticks: Vec<f64>,
    /// Unlabelled light grid lines.
    light: Vec<f64>,
    /// Tick labels show durations ("250 ms") rather than bare numbers.
    seconds: bool,
    /// Significant digits for non-integer labels.
    digits: usize,
}

impl Axis {
    fn label(&self, v: f64) -> String {
        if self.seconds {
            // Linear axes share one unit, chosen from the largest tick; log axes spanning
            // decades read better with a unit per tick.
            let unit_of = if self.log {
                v.abs()
            } else {
                self.ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()))
            };
            format_seconds(v, unit_of, self.digits)
        } else {
            format_number(v, self.digits)
        }
    }

    /// Picks the fewest significant digits (at least 3) that keep every tick label distinct.
    fn choose_digits(&mut self) {
        for digits in 3..=8 {
            self.digits = digits;
            let labels: Vec<String> = self.ticks.iter().map(|&t| self.label(t)).collect();
            let distinct = labels.windows(2).all(|w| w[0] != w[1]);
            if distinct {
                return;
            }
        }
    }
}

/// Pieces of a line, each a run of points drawn connected.
type Polyline = Vec<Vec<(f64, f64)>>;

/// One series, cleaned up for drawing.
#[derive(Debug, Clone)]
struct PlannedSeries {
    label: String,
    color: RGBColor,
    style: SeriesStyle,
    /// Runs of consecutive drawable points; a skipped (non-finite) point breaks the line.
    runs: Polyline,
    /// Error bars: (x, low, y, high).
    bars: Vec<(f64, f64, f64, f64)>,
}

/// Fitted curves, clipped to the plot, and the prediction region.
#[derive(Debug, Clone)]
struct PlannedFits {
    label: String,
    curves: Vec<(RGBColor, Polyline)>,
    /// The shaded region from this x to the right end of the x axis, with its label; `None`
    /// when the data reaches the end of the axis.
    region: Option<(f64, String)>,
}

#[derive(Debug, Clone)]
struct Plan {
    x: Axis,
    y: Axis,
    series: Vec<PlannedSeries>,
    /// Reference label and its polyline clipped to the plot.
    reference: Option<(String, Polyline)>,
    marker: Option<(f64, String)>,
    fits: Option<PlannedFits>,
    /// Whether any series has at least one drawable point.
    has_data: bool,
}

fn usable(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

impl Plan {
    fn new(chart: &Chart) -> Plan {
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

/// Rough plot-area size, used only to thin out crowded ticks.
const PLOT_WIDTH_GUESS: f64 = 1000.0;
const PLOT_HEIGHT_GUESS: f64 = 550.0;

fn finite_min_max(vs: &[f64]) -> Option<(f64, f64)> {
    vs.iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Data range of the x axis plus a little padding.
fn x_range(xs: &[f64], log: bool) -> (f64, f64) {
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
fn y_range(ys: &[f64], log: bool) -> (f64, f64) {
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
fn log_pad(lo: f64, hi: f64, frac: f64, min_factor: f64) -> (f64, f64) {
    if hi / lo <= 1.0 + 1e-9 {
        return (lo / 2.0, hi * 2.0);
    }
    let factor = (hi / lo).powf(frac).max(min_factor);
    (lo / factor, hi * factor)
}

/// Cuts a polyline to `lo <= x <= hi`, interpolating at the edges. Returns the visible pieces.
fn clip_polyline(points: &[(f64, f64)], lo: f64, hi: f64) -> Polyline {
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
fn clip_y(pieces: &Polyline, lo: f64, hi: f64) -> Polyline {
    let swap = |v: &[(f64, f64)]| -> Vec<(f64, f64)> { v.iter().map(|&(a, b)| (b, a)).collect() };
    pieces
        .iter()
        .flat_map(|p| clip_polyline(&swap(p), lo, hi))
        .map(|p| swap(&p))
        .collect()
}

fn all_integers(xs: &[f64]) -> bool {
    !xs.is_empty() && xs.iter().all(|x| (x - x.round()).abs() < 1e-9)
}

/// A "nice" step (1, 2 or 5 times a power of ten) near `raw`.
fn nice_step(raw: f64) -> f64 {
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
fn linear_ticks(lo: f64, hi: f64, target: usize, integers: bool) -> Vec<f64> {
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
fn log_ticks(lo: f64, hi: f64, data: Option<&[f64]>, pixels: f64) -> (Vec<f64>, Vec<f64>) {
    let span = (hi / lo).ln();
    let min_gap = span * 48.0 / pixels;
    let thin = |vals: Vec<f64>| -> Vec<f64> {
        let mut out: Vec<f64> = vec![];
        for v in vals {
            if out.last().is_none_or(|&p| (v / p).ln() >= min_gap) {
                out.push(v);
            }
        }
        out
    };

    if let Some(data) = data {
        let mut vals: Vec<f64> = data
            .iter()
            .copied()
            .filter(|&v| v.is_finite() && v >= lo && v <= hi)
            .collect();
        vals.sort_by(f64::total_cmp);
        vals.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs());
        if (1..=16).contains(&vals.len()) {
            let ticks = thin(vals.clone());
            if ticks.len() >= 2 || span < 1.0 {
                return (ticks, vec![]);
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
            let ticks = thin(pow2);
            if ticks.len() >= 3 {
                return (ticks, vec![]);
            }
        }
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

// ---------------------------------------------------------------------------------------------
// Label formatting
// ---------------------------------------------------------------------------------------------

/// Integers as integers, other values with `digits` significant digits (trailing zeros
/// trimmed), very large or very small values in scientific notation.
fn format_number(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if a < 1e-12 {
        return "0".to_string();
    }
    let digits = digits.max(1);
    if !(1e-4..1e6).contains(&a) {
        return trim_scientific(&format!("{:.*e}", digits - 1, v));
    }
    if (v - v.round()).abs() < 1e-9 * a.max(1.0) {
        return format!("{:.0}", v.round());
    }
    let magnitude = a.log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    trim_decimal(&format!("{v:.decimals$}"))
}

fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn trim_scientific(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{}", trim_decimal(mantissa), exp),
        None => s.to_string(),
    }
}

/// A duration in seconds with a unit picked from `unit_of` (s, ms, µs, ns).
fn format_seconds(v: f64, unit_of: f64, digits: usize) -> String {
    if v.abs() < 1e-15 {
        return "0".to_string();
    }
    let (scale, unit) = if unit_of >= 1.0 {
        (1.0, "s")
    } else if unit_of >= 1e-3 {
        (1e3, "ms")
    } else if unit_of >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    };
    format!("{} {unit}", format_number(v * scale, digits))
}

/// Whether an axis label says its values are seconds: a bracket holding the unit "s" (or
/// "sec", "seconds"), e.g. "wall time (s)" or "time per run (s; elapsed where reported)".
fn is_seconds_label(label: &str) -> bool {
    let l = label.to_lowercase();
    l.match_indices(['(', '[']).any(|(i, _)| {
        let rest = &l[i + 1..];
        ["seconds", "sec", "s"].iter().any(|unit| {
            rest.strip_prefix(unit)
                .and_then(|after| after.chars().next())
                .is_some_and(|c| matches!(c, ')' | ']' | ';' | ','))
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, style)
}

fn text_width(text: &str, size: f64, style: FontStyle) -> i32 {
    font(size, style).box_size(text).map_or(
        (text.chars().count() as f64 * size * 0.6) as i32,
        |(w, _)| w as i32,
    )
}

/// The largest font size (down to `min`) at which `text` fits in `max_width`; the text is
/// shortened with an ellipsis if it does not fit even then.
fn fit_text(text: &str, size: f64, min: f64, style: FontStyle, max_width: i32) -> (String, f64) {
    let mut s = size;
    while s > min && text_width(text, s, style) > max_width {
        s -= 1.0;
    }
    if text_width(text, s, style) <= max_width {
        return (text.to_string(), s);
    }
    // Longest prefix that fits with an ellipsis (binary search: titles can be long).
    let chars: Vec<char> = text.chars().collect();
    let shortened = |n: usize| -> String {
        let mut t: String = chars[..n].iter().collect();
        t.truncate(t.trim_end().len());
        t.push('…');
        t
    };
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(&shortened(mid), s, style) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (shortened(lo), s)
}

/// Horizontal glyph metrics read from an embedded TrueType font.
///
/// plotters' ab_glyph renderer places each glyph's ink at the pen position, dropping the
/// glyph's left side bearing, which makes bitmap text look unevenly spaced ("prim es"). The
/// bitmap renderer therefore draws text glyph by glyph, shifted by the bearing read here.
struct GlyphMetrics {
    data: &'static [u8],
    /// Offset of the hmtx table.
    hmtx: usize,
    num_hmetrics: usize,
    /// Offset and format (4 or 12) of the Unicode cmap subtable.
    cmap: usize,
    cmap_format: u16,
    /// Ascent minus descent in font units: ab_glyph scales this to the font size.
    height: f64,
}

fn read_u16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at.checked_add(2)?)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn read_u32(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at.checked_add(4)?)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl GlyphMetrics {
    fn parse(data: &'static [u8]) -> Option<GlyphMetrics> {
        let num_tables = usize::from(read_u16(data, 4)?);
        let table = |tag: &[u8; 4]| -> Option<usize> {
            (0..num_tables).find_map(|i| {
                let rec = 12 + 16 * i;
                if data.get(rec..rec + 4)? == tag {
                    read_u32(data, rec + 8).map(|o| o as usize)
                } else {
                    None
                }
            })
        };
        let hhea = table(b"hhea")?;
        let hmtx = table(b"hmtx")?;
        let cmap = table(b"cmap")?;
        let ascent = f64::from(read_u16(data, hhea + 4)? as i16);
        let descent = f64::from(read_u16(data, hhea + 6)? as i16);
        let num_hmetrics = usize::from(read_u16(data, hhea + 34)?);

        // Prefer a full-Unicode (format 12) subtable, else a BMP (format 4) one.
        let mut best: Option<(u8, usize, u16)> = None;
        for i in 0..usize::from(read_u16(data, cmap + 2)?) {
            let rec = cmap + 4 + 8 * i;
            let platform = read_u16(data, rec)?;
            let encoding = read_u16(data, rec + 2)?;
            let offset = cmap + read_u32(data, rec + 4)? as usize;
            let format = read_u16(data, offset)?;
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
            let rank = match format {
                12 if unicode => 2,
                4 if unicode => 1,
                _ => continue,
            };
            if best.is_none_or(|b| rank > b.0) {
                best = Some((rank, offset, format));
            }
        }
        let (_, cmap, cmap_format) = best?;
        let height = ascent - descent;
        (height > 0.0).then_some(GlyphMetrics {
            data,
            hmtx,
            num_hmetrics,
            cmap,
            cmap_format,
            height,
        })
    }

    fn glyph_id(&self, c: char) -> Option<u32> {
        let (d, t, c) = (self.data, self.cmap, c as u32);
        if self.cmap_format == 12 {
            let groups = read_u32(d, t + 12)? as usize;
            return (0..groups).find_map(|i| {
                let g = t + 16 + 12 * i;
                let (start, end) = (read_u32(d, g)?, read_u32(d, g + 4)?);
                (start..=end)
                    .contains(&c)
                    .then(|| read_u32(d, g + 8).map(|first| first + (c - start)))
                    .flatten()
            });
        }
        let c = u16::try_from(c).ok()?;
        let segments = usize::from(read_u16(d, t + 6)? / 2);
        let ends = t + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let range_offsets = deltas + 2 * segments;
        for i in 0..segments {
            if read_u16(d, ends + 2 * i)? < c {
                continue;
            }
            let start = read_u16(d, starts + 2 * i)?;
            if start > c {
                return None;
            }
            let delta = read_u16(d, deltas + 2 * i)?;
            let range_offset = usize::from(read_u16(d, range_offsets + 2 * i)?);
            if range_offset == 0 {
                return Some(u32::from(c.wrapping_add(delta)));
            }
            let at = range_offsets + 2 * i + range_offset + 2 * usize::from(c - start);
            let glyph = read_u16(d, at)?;
            return (glyph != 0).then(|| u32::from(glyph.wrapping_add(delta)));
        }
        None
    }

    /// Left side bearing of `c` in whole pixels at plotters font size `size`, as ab_glyph
    /// would offset the glyph's ink.
    fn bearing_px(&self, c: char, size: f64) -> i32 {
        let lsb = self.glyph_id(c).and_then(|g| {
            let g = g as usize;
            let at = if g < self.num_hmetrics {
                self.hmtx + 4 * g + 2
            } else {
                self.hmtx + 4 * self.num_hmetrics + 2 * (g - self.num_hmetrics)
            };
            read_u16(self.data, at).map(|v| v as i16)
        });
        lsb.map_or(0, |l| (f64::from(l) * size / self.height).floor() as i32)
    }
}

fn glyph_metrics(style: FontStyle) -> Option<&'static GlyphMetrics> {
    static REGULAR: OnceLock<Option<GlyphMetrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<GlyphMetrics>> = OnceLock::new();
    match style {
        FontStyle::Bold => BOLD.get_or_init(|| GlyphMetrics::parse(FONT_BYTES_BOLD)),
        _ => REGULAR.get_or_init(|| GlyphMetrics::parse(FONT_BYTES_REGULAR)),
    }
    .as_ref()
}

/// Text drawing for one output: SVG gets real `<text>` elements; bitmaps get text drawn glyph
/// by glyph with correct bearings (see [`GlyphMetrics`]).
#[derive(Clone, Copy)]
struct Pen {
    bitmap: bool,
}

/// One piece of text to draw.
struct Label<'t> {
    text: &'t str,
    size: f64,
    style: FontStyle,
    color: RGBColor,
    h: HPos,
    v: VPos,
    /// Rotated to read bottom to top (y axis title).
    vertical: bool,
}

impl<'t> Label<'t> {
    fn new(text: &'t str, size: f64, color: RGBColor) -> Label<'t> {
        Label {
            text,
            size,
            style: FontStyle::Normal,
            color,
            h: HPos::Left,
            v: VPos::Top,
            vertical: false,
        }
    }

    fn bold(mut self) -> Self {
        self.style = FontStyle::Bold;
        self
    }

    fn anchor(mut self, h: HPos, v: VPos) -> Self {
        self.h = h;
        self.v = v;
        self
    }

    fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }

    fn text_style(&self, h: HPos) -> TextStyle<'static> {
        let style = font(self.size, self.style)
            .color(&self.color)
            .pos(Pos::new(h, VPos::Top));
        if self.vertical {
            style.transform(FontTransform::Rotate270)
        } else {
            style
        }
    }

    /// Baseline position below the anchor, in pixels: `Top` puts the tops of capitals at the
    /// anchor, `Center` centres capitals and digits on it, `Bottom` puts descenders on it.
    fn baseline(&self) -> f64 {
        let em = match self.v {
            VPos::Top => 0.62,
            VPos::Center => 0.30,
            VPos::Bottom => -0.20,
        };
        em * self.size
    }
}

impl Pen {
    fn draw<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        label: &Label,
        (x, y): (i32, i32),
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        if label.text.is_empty() {
            return Ok(());
        }
        let metrics = glyph_metrics(label.style).filter(|_| self.bitmap);

        // Everything is drawn top-anchored and shifted so both backends agree on the baseline:
        // SVG puts it 0.76 em below the anchor (plotters' em is size / 1.24), ab_glyph at half
        // the size.
        let native = if metrics.is_some() { 0.5 } else { 0.76 / 1.24 };
        let shift = (label.baseline() - native * label.size).round() as i32;
        let (x, y) = if label.vertical {
            (x + shift, y)
        } else {
            (x, y + shift)
        };

        let Some(metrics) = metrics else {
            return area.draw(&Text::new(
                label.text.to_string(),
                (x, y),
                label.text_style(label.h),
            ));
        };
        let total = text_width(label.text, label.size, label.style);
        let start = match label.h {
            HPos::Left => 0,
            HPos::Center => -total / 2,
            HPos::Right => -total,
        };
        let style = label.text_style(HPos::Left);
        let mut prefix = String::with_capacity(label.text.len());
        for c in label.text.chars() {
            let advance = text_width(&prefix, label.size, label.style);
            prefix.push(c);
            if c.is_whitespace() {
                continue;
            }
            let offset = start + advance + metrics.bearing_px(c, label.size);
            let at = if label.vertical {
                (x, y - offset)
            } else {
                (x + offset, y)
            };
            area.draw(&Text::new(c.to_string(), at, style.clone()))?;
        }
        Ok(())
    }
}

/// One axis as a plotters coordinate: linear or logarithmic mapping, with exactly the ticks
/// computed in [`Axis`].
struct AxisCoord {
    lo: f64,
    hi: f64,
    log: bool,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl AxisCoord {
    fn new(a: &Axis) -> AxisCoord {
        AxisCoord {
            lo: a.lo,
            hi: a.hi,
            log: a.log,
            bold: a.ticks.clone(),
            light: a.light.clone(),
        }
    }

    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi`.
    fn fraction(&self, v: f64) -> f64 {
        let (v, lo, hi) = if self.log {
            (v.ln(), self.lo.ln(), self.hi.ln())
        } else {
            (v, self.lo, self.hi)
        };
        let t = (v - lo) / (hi - lo);
        if t.is_finite() {
            t
        } else if t == f64::INFINITY {
            1.0
        } else if t == f64::NEG_INFINITY {
            0.0
        } else {
            0.5
        }
    }
}

impl Ranged for AxisCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = self.fraction(*value).clamp(-10.0, 10.0);
        let len = f64::from(limit.1 - limit.0);
        limit.0 + (len * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// What a legend entry shows next to its label.
#[derive(Clone, Copy)]
enum LegendSample {
    Series(RGBColor, SeriesStyle),
    Reference,
    /// Short dashes in the colours of (up to) the first three fitted curves.
    Fit([RGBColor; 3]),
}

/// A data point's marker: filled for solid series, a ring for dashed ones.
fn point_marker(c: RGBColor, style: SeriesStyle) -> Circle<(i32, i32), i32> {
    match style {
        SeriesStyle::Solid => Circle::new((0, 0), POINT_RADIUS, c.filled()),
        SeriesStyle::Dashed => Circle::new((0, 0), POINT_RADIUS - 1, c.stroke_width(2)),
    }
}

fn draw_chart<DB>(root: &DrawingArea<DB, Shift>, chart: &Chart, plan: &Plan, pen: Pen) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let w = w as i32;

    // Title and subtitle.
    let mut top = 14;
    if !chart.title.is_empty() {
        let (title, size) = fit_text(&chart.title, TITLE_SIZE, 16.0, FontStyle::Bold, w - 40);
        let label = Label::new(&title, size, TEXT)
            .bold()
            .anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (w / 2, top))?;
        top += size as i32 + 12;
    }
    if !chart.subtitle.is_empty() {
        let (subtitle, size) = fit_text(
            &chart.subtitle,
            SUBTITLE_SIZE,
            11.0,
            FontStyle::Normal,
            w - 40,
        );
        let label = Label::new(&subtitle, size, SUBTITLE).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (w / 2, top))?;
        top += size as i32 + 10;
    }
    // Room above the plot for the marker label (and for the top y tick label).
    top += if plan.marker.is_some() { 30 } else { 12 };

    // Label areas sized from the actual tick labels.
    let x_labels: Vec<(f64, String)> = plan.x.ticks.iter().map(|&t| (t, plan.x.label(t))).collect();
    let y_labels: Vec<(f64, String)> = plan.y.ticks.iter().map(|&t| (t, plan.y.label(t))).collect();
    let y_tick_width = y_labels
        .iter()
        .map(|(_, l)| text_width(l, TICK_SIZE, FontStyle::Normal))
        .max()
        .unwrap_or(0);
    let tick_gap = 11;
    let y_area = y_tick_width + tick_gap + if chart.y_label.is_empty() { 8 } else { 44 };
    let x_area = TICK_SIZE as i32 + tick_gap + if chart.x_label.is_empty() { 8 } else { 40 };
    let last_x_tick_half = x_labels
        .last()
        .map_or(0, |(_, l)| text_width(l, TICK_SIZE, FontStyle::Normal) / 2);

    // Legend: every series, then the reference line, in a box right of the plot, so it never
    // hides data whatever shape the lines take.
    let mut entries: Vec<(&str, LegendSample)> = plan
        .series
        .iter()
        .map(|s| (s.label.as_str(), LegendSample::Series(s.color, s.style)))
        .collect();
    if let Some(f) = plan.fits.as_ref().filter(|f| !f.curves.is_empty()) {
        let c = |i: usize| {
            f.curves
                .get(i)
                .or(f.curves.first())
                .map_or(FIT_SAMPLE, |c| c.0)
        };
        entries.push((f.label.as_str(), LegendSample::Fit([c(0), c(1), c(2)])));
    }
    if let Some((label, _)) = &plan.reference {
        entries.push((label.as_str(), LegendSample::Reference));
    }
    let legend = legend_size(&entries);
    let right = if entries.is_empty() {
        28.max(last_x_tick_half + 8)
    } else {
        legend.0 + LEGEND_GAP + 14
    };

    let mut cc = ChartBuilder::on(root)
        .margin_top(top)
        .margin_left(14)
        .margin_bottom(12)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(AxisCoord::new(&plan.x), AxisCoord::new(&plan.y))?;

    // Grid, axes and tick marks from plotters; all text is drawn below with `pen`.
    let no_label = |_: &f64| String::new();
    cc.configure_mesh()
        .x_label_formatter(&no_label)
        .y_label_formatter(&no_label)
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(GRID_LIGHT.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .set_all_tick_mark_size(6)
        .draw()?;

    let (px, py) = cc.plotting_area().get_pixel_range();
    let (y_lo, y_hi) = (plan.y.lo, plan.y.hi);

    // Prediction region: a tint over the grid (translucent, so grid lines show through) and
    // its edge; the label comes after the lines, on a patch of the tint, so none crosses it.
    let region = plan.fits.as_ref().and_then(|f| f.region.as_ref());
    if let Some((from, _)) = region {
        cc.draw_series(std::iter::once(Rectangle::new(
            [(*from, y_lo), (plan.x.hi, y_hi)],
            PREDICTION_FILL.mix(0.6).filled(),
        )))?;
        cc.draw_series(LineSeries::new(
            [(*from, y_lo), (*from, y_hi)],
            PREDICTION_TEXT.mix(0.5).stroke_width(1),
        ))?;
    }

    // Tick labels and axis titles.
    for (t, l) in &x_labels {
        let (x, _) = cc.backend_coord(&(*t, y_lo));
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (x, py.end + tick_gap))?;
    }
    for (t, l) in &y_labels {
        let (_, y) = cc.backend_coord(&(plan.x.lo, *t));
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Right, VPos::Center);
        pen.draw(root, &label, (px.start - tick_gap, y))?;
    }
    let x_title = Label::new(&chart.x_label, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
    pen.draw(
        root,
        &x_title,
        (
            (px.start + px.end) / 2,
            py.end + tick_gap + TICK_SIZE as i32 + 14,
        ),
    )?;
    let y_title = Label::new(&chart.y_label, AXIS_DESC_SIZE, TEXT)
        .anchor(HPos::Center, VPos::Top)
        .vertical();
    pen.draw(
        root,
        &y_title,
        (
            px.start - y_tick_width - tick_gap - 36,
            (py.start + py.end) / 2,
        ),
    )?;

    // Marker: vertical dotted line across the plot, label above the plot area.
    if let Some((mx, text)) = &plan.marker {
        cc.draw_series(DashedLineSeries::new(
            [(*mx, y_lo), (*mx, y_hi)],
            4,
            5,
            MARKER.stroke_width(2),
        ))?;
        if !text.is_empty() {
            let (x, _) = cc.backend_coord(&(*mx, y_hi));
            let tw = text_width(text, MARKER_LABEL_SIZE, FontStyle::Normal);
            let (h, tx) = if x + tw / 2 > w - 6 {
                (HPos::Right, w - 6)
            } else if x - tw / 2 < 6 {
                (HPos::Left, 6)
            } else {
                (HPos::Center, x)
            };
            let label = Label::new(text, MARKER_LABEL_SIZE, MARKER).anchor(h, VPos::Bottom);
            pen.draw(root, &label, (tx, py.start - 8))?;
        }
    }

    // Reference line and fitted curves, under the series.
    if let Some((_, pieces)) = &plan.reference {
        for piece in pieces {
            cc.draw_series(DashedLineSeries::new(
                piece.iter().copied(),
                10,
                7,
                REFERENCE.stroke_width(2),
            ))?;
        }
    }

    if let Some(f) = &plan.fits {
        for (c, pieces) in &f.curves {
            for piece in pieces {
                cc.draw_series(DashedLineSeries::new(
                    piece.iter().copied(),
                    FIT_DASH.0,
                    FIT_DASH.1,
                    c.stroke_width(FIT_WIDTH),
                ))?;
            }
        }
    }

    // A region too narrow for its label is explained by the legend alone.
    let labelled = region.map(|(from, text)| {
        let (x, _) = cc.backend_coord(&(*from, y_hi));
        (
            x + 8,
            text,
            text_width(text, MARKER_LABEL_SIZE, FontStyle::Normal),
        )
    });
    if let Some((x, text, tw)) = labelled.filter(|&(x, _, tw)| x + tw + 8 <= px.end) {
        let y = py.start + 8;
        let h = MARKER_LABEL_SIZE as i32;
        root.draw(&Rectangle::new(
            [(x - 4, y - 3), (x + tw + 4, y + h + 1)],
            PREDICTION_FILL.filled(),
        ))?;
        let label =
            Label::new(text, MARKER_LABEL_SIZE, PREDICTION_TEXT).anchor(HPos::Left, VPos::Top);
        pen.draw(root, &label, (x, y))?;
    }

    // Series: error bars, lines, then markers on top.
    for s in &plan.series {
        let c = s.color;
        cc.draw_series(s.bars.iter().map(|&(x, lo, y, hi)| {
            ErrorBar::new_vertical(x, lo, y, hi, c.filled().stroke_width(2), 12)
        }))?;
    }
    for s in &plan.series {
        for run in &s.runs {
            let line = s.color.stroke_width(LINE_WIDTH);
            match s.style {
                SeriesStyle::Solid => {
                    cc.draw_series(LineSeries::new(run.iter().copied(), line))?;
                }
                SeriesStyle::Dashed => {
                    cc.draw_series(DashedLineSeries::new(run.iter().copied(), 12, 8, line))?;
                }
            }
        }
    }
    for s in &plan.series {
        let (c, style) = (s.color, s.style);
        for run in &s.runs {
            cc.draw_series(run.iter().map(|&p| {
                EmptyElement::at(p)
                    + Circle::new((0, 0), POINT_RADIUS + 1, WHITE.filled())
                    + point_marker(c, style)
            }))?;
        }
    }

    if !plan.has_data {
        let text = "no data";
        let size = 22.0;
        let (cx, cy) = ((px.start + px.end) / 2, (py.start + py.end) / 2);
        let half_w = text_width(text, size, FontStyle::Normal) / 2 + 12;
        let half_h = size as i32 / 2 + 8;
        root.draw(&Rectangle::new(
            [(cx - half_w, cy - half_h), (cx + half_w, cy + half_h)],
            WHITE.filled(),
        ))?;
        let note = Label::new(text, size, SUBTITLE).anchor(HPos::Center, VPos::Center);
        pen.draw(root, &note, (cx, cy))?;
    }

    if !entries.is_empty() {
        draw_legend(root, (px.end + LEGEND_GAP, py.start), legend, pen, &entries)?;
    }
    Ok(())
}

/// Width and height in pixels of the legend box for `entries`.
fn legend_size(entries: &[(&str, LegendSample)]) -> (i32, i32) {
    let line_height = (LEGEND_SIZE * 1.3).round() as i32;
    let text_w = entries
        .iter()
        .map(|(l, _)| text_width(l, LEGEND_SIZE, FontStyle::Normal))
        .max()
        .unwrap_or(0);
    (
        LEGEND_MARGIN + LEGEND_SAMPLE_AREA + text_w + LEGEND_MARGIN,
        2 * LEGEND_MARGIN + line_height * entries.len() as i32,
    )
}

fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    size: (i32, i32),
    pen: Pen,
    entries: &[(&str, LegendSample)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let line_height = (LEGEND_SIZE * 1.3).round() as i32;
    let (x1, y1) = (x0 + size.0, y0 + size.1);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], AXIS.stroke_width(1)))?;
    for (i, (text, sample)) in entries.iter().enumerate() {
        let y = y0 + LEGEND_MARGIN + line_height * i as i32 + line_height / 2;
        let x = x0 + LEGEND_MARGIN;
        match *sample {
            LegendSample::Series(c, style) => {
                let pieces: &[(i32, i32)] = match style {
                    SeriesStyle::Solid => &[(0, 32)],
                    SeriesStyle::Dashed => &[(0, 9), (23, 32)],
                };
                for &(a, b) in pieces {
                    root.draw(&PathElement::new(
                        vec![(x + a, y), (x + b, y)],
                        c.stroke_width(LINE_WIDTH),
                    ))?;
                }
                root.draw(&(EmptyElement::at((x + 16, y)) + point_marker(c, style)))?;
            }
            LegendSample::Reference => {
                for (a, b) in [(0, 10), (16, 26), (32, 34)] {
                    root.draw(&PathElement::new(
                        vec![(x + a, y), (x + b, y)],
                        REFERENCE.stroke_width(2),
                    ))?;
                }
            }
            LegendSample::Fit(colors) => {
                for (i, c) in colors.iter().enumerate() {
                    let a = i as i32 * 13;
                    root.draw(&PathElement::new(
                        vec![(x + a, y), (x + a + FIT_DASH.0, y)],
                        c.stroke_width(FIT_WIDTH + 1),
                    ))?;
                }
            }
        }
        let label = Label::new(text, LEGEND_SIZE, TEXT).anchor(HPos::Left, VPos::Center);
        pen.draw(root, &label, (x + LEGEND_SAMPLE_AREA, y))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{FitCurve, Fits, Point, Reference, Series};
    use super::*;

    fn pt(x: f64, y: f64, ci: Option<(f64, f64)>) -> Point {
        Point { x, y, ci }
    }

    fn sample_chart() -> Chart {
        let workers = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        let threads: Vec<Point> = workers
            .iter()
            .map(|&w: &f64| {
                let s = w / (1.0 + 0.04 * (w - 1.0));
                pt(w, s, Some((s * 0.92, s * 1.07)))
            })
            .collect();
        let asyncs: Vec<Point> = workers
            .iter()
            .map(|&w: &f64| {
                let s = w.min(2.0) * 0.95 + (w.ln() * 0.1);
                pt(w, s, Some((s * 0.97, s * 1.03)))
            })
            .collect();
        Chart {
            title: "cpu-vs-io / primes: speedup vs workers".into(),
            subtitle: "kernel primes(n=200000), 64 tasks, baseline: sequential 1.23 s".into(),
            x_label: "workers".into(),
            y_label: "speedup (×)".into(),
            x_log: true,
            y_log: false,
            series: vec![
                Series {
                    label: "threads".into(),
                    color_index: 0,
                    points: threads,
                    style: SeriesStyle::Solid,
                },
                Series {
                    label: "async (tokio)".into(),
                    color_index: 1,
                    points: asyncs,
                    style: SeriesStyle::Solid,
                },
            ],
            reference: Some(Reference {
                label: "ideal".into(),
                points: workers.iter().map(|&w| (w, w)).collect(),
            }),
            marker: Some((8.0, "8 logical cores".into())),
            fits: None,
        }
    }

    fn log_y_chart() -> Chart {
        let mut c = sample_chart();
        c.title = "cpu-vs-io / primes: wall time vs workers".into();
        c.y_label = "wall time (s)".into();
        c.y_log = true;
        c.reference = Some(Reference {
            label: "ideal (T1 / n)".into(),
            points: [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
                .iter()
                .map(|&w| (w, 1.23 / w))
                .collect(),
        });
        for s in &mut c.series {
            for p in &mut s.points {
                let t = 1.23 / p.y;
                let ci = p.ci.map(|(a, b)| (1.23 / b, 1.23 / a));
                *p = pt(p.x, t, ci);
            }
        }
        c
    }

    fn render_to(dir: &Path, name: &str, chart: &Chart) -> (PathBuf, PathBuf) {
        let png = dir.join(format!("{name}.png"));
        let svg = dir.join(format!("{name}.svg"));
        render(chart, &png, &svg).unwrap();
        (png, svg)
    }

    #[test]
    fn renders_sample_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let chart = sample_chart();
        let (png, svg) = render_to(dir.path(), "speedup", &chart);

        let bytes = fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        assert!(
            bytes.len() > 10 * 1024,
            "PNG suspiciously small: {}",
            bytes.len()
        );

        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.contains("<svg"));
        assert!(text.contains("cpu-vs-io / primes: speedup vs workers"));
        assert!(text.contains("kernel primes(n=200000)"));
        assert!(text.contains("workers"));
        assert!(text.contains("speedup (×)"));
        assert!(text.contains("threads"));
        assert!(text.contains("async (tokio)"));
        assert!(text.contains("ideal"));
        assert!(text.contains("8 logical cores"));

        // No temporary files left behind.
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["speedup.png", "speedup.svg"]);
    }

    #[test]
    fn renders_log_y_chart() {
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = render_to(dir.path(), "time", &log_y_chart());
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.contains("wall time (s)"));
        assert!(text.contains("00 ms"), "seconds ticks should use ms");
    }

    #[test]
    fn overwrites_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("c.png");
        let svg = dir.path().join("c.svg");
        fs::write(&png, b"old").unwrap();
        fs::write(&svg, b"old").unwrap();
        render(&sample_chart(), &png, &svg).unwrap();
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        assert!(fs::read_to_string(&svg).unwrap().contains("<svg"));
    }

    #[test]
    fn missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("nope").join("c.png");
        let svg = dir.path().join("nope").join("c.svg");
        let err = render(&sample_chart(), &png, &svg).unwrap_err();
        assert!(format!("{err:#}").contains("c.png"), "{err:#}");
    }

    fn degenerate_base() -> Chart {
        Chart {
            title: "empty".into(),
            subtitle: String::new(),
            x_label: "workers".into(),
            y_label: "speedup".into(),
            x_log: false,
            y_log: false,
            series: vec![],
            reference: None,
            marker: None,
            fits: None,
        }
    }

    fn one_series(points: Vec<Point>) -> Vec<Series> {
        vec![Series {
            label: "s".into(),
            color_index: 3,
            points,
            style: SeriesStyle::Solid,
        }]
    }

    /// Renders every chart (and its log-log variant when `log_too`) and checks both files.
    fn assert_renders(cases: Vec<(&str, Chart)>, log_too: bool) {
        let dir = tempfile::tempdir().unwrap();
        for (name, chart) in cases {
            let mut variants = vec![(name.to_string(), chart.clone())];
            if log_too {
                let mut log = chart;
                log.x_log = true;
                log.y_log = true;
                variants.push((format!("{name}-log"), log));
            }
            for (name, chart) in variants {
                let (png, svg) = render_to(dir.path(), &name, &chart);
                assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"), "{name}");
                let text = fs::read_to_string(&svg).unwrap();
                assert!(text.contains("<svg"), "{name}");
                if chart.series.iter().all(|s| s.points.is_empty()) {
                    assert!(text.contains("no data"), "{name}");
                }
            }
        }
    }

    #[test]
    fn charts_without_points_render_with_a_note() {
        let mut c = degenerate_base();
        c.series = one_series(vec![]);
        c.reference = Some(Reference {
            label: "ideal".into(),
            points: vec![],
        });
        c.marker = Some((4.0, "4 cores".into()));
        assert_renders(
            vec![("nothing", degenerate_base()), ("empty-series", c)],
            true,
        );
    }

    #[test]
    fn one_point_and_equal_values_render() {
        let mut one = degenerate_base();
        one.series = one_series(vec![pt(4.0, 2.0, Some((1.5, 2.5)))]);
        let mut equal = degenerate_base();
        equal.series = one_series(vec![
            pt(1.0, 3.0, None),
            pt(2.0, 3.0, Some((3.0, 3.0))),
            pt(4.0, 3.0, None),
        ]);
        let mut zeros = degenerate_base();
        zeros.series = one_series(vec![pt(0.0, 0.0, None), pt(0.0, 0.0, None)]);
        assert_renders(vec![("one", one), ("equal", equal), ("zeros", zeros)], true);
    }

    #[test]
    fn non_finite_and_extreme_values_render() {
        let mut nan = degenerate_base();
        nan.series = one_series(vec![
            pt(1.0, f64::NAN, None),
            pt(2.0, 1.0, Some((f64::NEG_INFINITY, 2.0))),
            pt(f64::INFINITY, 3.0, None),
            pt(4.0, 2.0, Some((f64::NAN, f64::NAN))),
            pt(8.0, 0.0, Some((-1.0, 1.0))),
            pt(16.0, 1.0, Some((-2.0, -1.0))),
        ]);
        nan.reference = Some(Reference {
            label: "ideal".into(),
            points: vec![(0.0, 0.0), (f64::NAN, 1.0), (100.0, 100.0)],
        });
        nan.marker = Some((f64::NAN, "nan".into()));
        let mut extreme = degenerate_base();
        extreme.title = "x".repeat(400);
        extreme.subtitle = "y ".repeat(300);
        extreme.series = one_series(vec![pt(1e-9, 1e12, None), pt(2e-9, -5e11, None)]);
        assert_renders(vec![("nan", nan)], true);
        assert_renders(vec![("extreme", extreme)], false);
    }

    #[test]
    fn long_titles_are_shortened_to_fit() {
        ensure_fonts().unwrap();
        let (t, size) = fit_text(&"word ".repeat(100), 28.0, 16.0, FontStyle::Bold, 500);
        assert_eq!(size, 16.0);
        assert!(t.ends_with('…'));
        assert!(text_width(&t, size, FontStyle::Bold) <= 500);
        let (t, size) = fit_text("short", 28.0, 16.0, FontStyle::Bold, 500);
        assert_eq!((t.as_str(), size), ("short", 28.0));
    }

    #[test]
    fn palette_is_distinct_and_wraps() {
        for i in 0..PALETTE.len() {
            for j in 0..i {
                assert_ne!(color(i), color(j));
            }
        }
        assert_eq!(color(PALETTE.len() + 2), color(2));
    }

    #[test]
    fn number_labels() {
        assert_eq!(format_number(1.0, 3), "1");
        assert_eq!(format_number(64.0, 3), "64");
        assert_eq!(format_number(0.0, 3), "0");
        assert_eq!(format_number(2.5, 3), "2.5");
        assert_eq!(format_number(0.125, 3), "0.125");
        assert_eq!(format_number(1.0 / 3.0, 3), "0.333");
        assert_eq!(format_number(0.00123456, 3), "0.00123");
        assert_eq!(format_number(2e-6, 3), "2e-6");
        assert_eq!(format_number(1.5e7, 3), "1.5e7");
        assert_eq!(format_seconds(0.25, 0.25, 3), "250 ms");
        assert_eq!(format_seconds(1.5, 2.0, 3), "1.5 s");
        assert_eq!(format_seconds(0.0, 2.0, 3), "0");
        assert_eq!(format_seconds(2e-5, 2e-5, 3), "20 µs");
        assert!(is_seconds_label("wall time (s)"));
        assert!(is_seconds_label(
            "median time per run (s; own elapsed_s where reported)"
        ));
        assert!(!is_seconds_label("throughput (tasks/s)"));
        assert!(!is_seconds_label("speedup (x)"));
    }

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

    /// The sample chart measured up to 8 workers, with fitted curves to 64: one that keeps
    /// rising past the ideal at the end of the axis, one that turns down.
    fn fitted_chart() -> Chart {
        let mut c = sample_chart();
        for s in &mut c.series {
            s.points.retain(|p| p.x <= 8.0);
        }
        let xs: Vec<f64> = (0..=60).map(|i| 2f64.powf(i as f64 / 10.0)).collect();
        c.fits = Some(Fits {
            label: "USL fit (prediction)".into(),
            curves: vec![
                FitCurve {
                    color_index: 0,
                    points: xs.iter().map(|&n| (n, 3.0 * n)).collect(),
                },
                FitCurve {
                    color_index: 1,
                    points: xs
                        .iter()
                        .map(|&n| (n, n / (1.0 + 0.05 * (n - 1.0) + 0.01 * n * (n - 1.0))))
                        .collect(),
                },
            ],
            measured_to: 8.0,
            region_label: "prediction".into(),
        });
        c
    }

    #[test]
    fn fits_extend_the_x_axis_into_a_labelled_prediction_region() {
        let chart = fitted_chart();
        let plan = Plan::new(&chart);
        assert!(plan.x.hi >= 64.0, "{:?}", plan.x);
        assert!(plan.x.ticks.contains(&16.0) && plan.x.ticks.contains(&64.0));
        // Capped at the ideal at the end of the axis (~69 with padding), not 3 x 69.
        assert!(plan.y.hi < 90.0, "{:?}", plan.y);
        let f = plan.fits.as_ref().unwrap();
        assert_eq!(f.region.as_ref().map(|r| r.0), Some(8.0));
        for (_, pieces) in &f.curves {
            for &(x, y) in pieces.iter().flatten() {
                assert!(x <= plan.x.hi + 1e-9 && y <= plan.y.hi + 1e-9, "({x}, {y})");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = render_to(dir.path(), "fitted", &chart);
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.contains("USL fit (prediction)"));
        assert!(text.contains(">prediction<") || text.contains(">\nprediction\n<"));
        assert!(text.contains("ideal"));
        assert!(text.contains("8 logical cores"));

        let mut log = chart.clone();
        log.y_log = true;
        let (png, _) = render_to(dir.path(), "fitted-log", &log);
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    }

    #[test]
    fn fits_within_the_data_draw_no_prediction_region() {
        let mut chart = fitted_chart();
        if let Some(f) = &mut chart.fits {
            f.measured_to = 64.0;
        }
        let plan = Plan::new(&chart);
        assert!(plan.fits.unwrap().region.is_none());
        // Degenerate curves: empty, non-finite, a single point.
        let mut odd = fitted_chart();
        odd.fits = Some(Fits {
            label: "fit".into(),
            curves: vec![
                FitCurve {
                    color_index: 2,
                    points: vec![],
                },
                FitCurve {
                    color_index: 3,
                    points: vec![(f64::NAN, 1.0), (16.0, f64::INFINITY), (32.0, 2.0)],
                },
            ],
            measured_to: f64::NAN,
            region_label: "prediction".into(),
        });
        assert_renders(vec![("odd-fits", odd)], true);
    }

    #[test]
    fn polylines_are_clipped_in_y() {
        let pieces = vec![vec![(0.0, 0.0), (1.0, 10.0), (2.0, 0.0)]];
        assert_eq!(
            clip_y(&pieces, 0.0, 5.0),
            vec![vec![(0.0, 0.0), (0.5, 5.0)], vec![(1.5, 5.0), (2.0, 0.0)]]
        );
    }

    #[test]
    fn dashed_series_render_beside_solid_ones() {
        let mut c = sample_chart();
        let mut base = c.series[0].clone();
        base.label = "threads (base)".into();
        base.style = SeriesStyle::Dashed;
        c.series.push(base);
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = render_to(dir.path(), "dashed", &c);
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.contains("threads (base)"));
    }

    #[test]
    fn reference_is_clipped_to_x_range() {
        let pieces = clip_polyline(&[(0.0, 0.0), (10.0, 10.0)], 2.0, 5.0);
        assert_eq!(pieces, vec![vec![(2.0, 2.0), (5.0, 5.0)]]);
        assert!(clip_polyline(&[(6.0, 6.0), (10.0, 10.0)], 2.0, 5.0).is_empty());
    }
}
