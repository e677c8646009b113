//! Drawing a [`Gantt`] (a timeline): lanes stacked top to bottom, a row per worker, a bar per
//! task on one time axis. Part of the one renderer: same fonts, text, colours and axis labels
//! as the line charts, drawn with pixel geometry of its own (rows are not a numeric axis).
//!
//! Bars in a row alternate between the lane's colour and a lighter tint, so neighbouring
//! tasks stay apart; bars narrower than a few pixels that touch are drawn as one block (at
//! that zoom a row of thousands of tiny tasks is a busy stretch, and the SVG stays small).
//! Bars that overlap in time within one row (async tasks waiting side by side on one thread)
//! are stacked in tracks inside the row, which grows (up to [`MAX_ROW_UNITS`] rows' height).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::{Bar, Gantt};
use super::axes::{linear_ticks, Axis};
use super::style::{
    color, AXIS, AXIS_DESC_SIZE, GRID, GRID_LIGHT, SUBTITLE, SUBTITLE_SIZE, TEXT, TICK_SIZE,
    TITLE_SIZE, WIDTH,
};
use super::text::{ensure_fonts, fit_text, text_width, Label, Pen};
use super::write_atomically;

/// Image height bounds: the height follows the number of rows.
const MIN_HEIGHT: f64 = 420.0;
const TARGET_HEIGHT: f64 = 750.0;
const MAX_HEIGHT: f64 = 2400.0;
/// Row height bounds in pixels (below the minimum the image grows, up to `MAX_HEIGHT`).
const MAX_ROW: f64 = 26.0;
const MIN_ROW: f64 = 8.0;
/// A lane is at least this tall, so its two label lines fit.
const LANE_MIN: f64 = 46.0;
const LANE_GAP: f64 = 14.0;
const LANE_LABEL_SIZE: f64 = 17.0;
const LANE_DETAIL_SIZE: f64 = 14.0;
const ROW_LABEL_SIZE: f64 = 12.0;
const NOTE_SIZE: f64 = 15.0;
/// Bars narrower than this (pixels) merge with touching neighbours.
const MERGE_BELOW: f64 = 3.0;
/// Overlapping bars of one row get at most this many tracks (later ones share the track that
/// frees first), and the row at most this many plain rows' height.
const MAX_TRACKS: usize = 32;
const MAX_ROW_UNITS: f64 = 4.0;

/// Draws `gantt` as a PNG and an SVG, each written under a temporary name and renamed.
pub fn render_gantt(gantt: &Gantt, png_path: &Path, svg_path: &Path) -> Result<()> {
    ensure_fonts()?;
    let layout = Layout::new(gantt);
    let size = (WIDTH, layout.height.round() as u32);
    write_atomically(png_path, "png", |tmp| {
        let root = BitMapBackend::new(tmp, size).into_drawing_area();
        draw(&root, gantt, &layout, Pen { bitmap: true })?;
        root.present()
            .with_context(|| format!("writing {}", tmp.display()))
    })
    .with_context(|| format!("rendering chart PNG {}", png_path.display()))?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, gantt, &layout, Pen { bitmap: false })?;
        root.present().context("finishing SVG document")?;
    }
    write_atomically(svg_path, "svg", |tmp| {
        fs::write(tmp, svg.as_bytes()).with_context(|| format!("writing {}", tmp.display()))
    })
    .with_context(|| format!("rendering chart SVG {}", svg_path.display()))
}

/// Everything measured before drawing: vertical geometry, tracks and the time axis.
struct Layout {
    height: f64,
    lanes: Vec<LaneGeom>,
    /// Left column width (lane labels), and the row label column right of it.
    label_w: f64,
    row_label_w: f64,
    x: Axis,
}

struct LaneGeom {
    top: f64,
    height: f64,
    rows: Vec<RowGeom>,
}

struct RowGeom {
    top: f64,
    height: f64,
    tracks: usize,
    /// The row's drawable bars in time order, each with its track.
    bars: Vec<(Bar, usize)>,
}

/// A row's bars in time order, each with its track, and the number of tracks.
type Tracked = (Vec<(Bar, usize)>, usize);

/// Sorts a row's bars and gives each the first track free at its start.
fn tracks(mut bars: Vec<Bar>) -> Tracked {
    bars.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut ends: Vec<f64> = Vec::new();
    let placed = bars
        .into_iter()
        .map(|b| {
            let free = ends.iter().position(|&e| e <= b.start);
            let t = match free {
                Some(t) => t,
                None if ends.len() < MAX_TRACKS => {
                    ends.push(f64::NEG_INFINITY);
                    ends.len() - 1
                }
                None => (0..ends.len())
                    .min_by(|&x, &y| ends[x].total_cmp(&ends[y]))
                    .unwrap_or(0),
            };
            ends[t] = ends[t].max(b.end);
            (b, t)
        })
        .collect();
    (placed, ends.len().max(1))
}

/// Height of a row with `tracks` tracks, in plain rows.
fn row_units(tracks: usize) -> f64 {
    (1.0 + (tracks.max(1) - 1) as f64 / 4.0).min(MAX_ROW_UNITS)
}

impl Layout {
    fn new(g: &Gantt) -> Layout {
        let mut top = 14.0;
        if !g.title.is_empty() {
            top += TITLE_SIZE + 12.0;
        }
        if !g.subtitle.is_empty() {
            top += SUBTITLE_SIZE + 10.0;
        }
        top += 16.0;
        let axis = 12.0 + TICK_SIZE + 14.0 + AXIS_DESC_SIZE + 10.0;
        let note = if g.note.is_empty() {
            0.0
        } else {
            NOTE_SIZE + 12.0
        };
        let bottom = axis + note + 12.0;
        let gaps = LANE_GAP * g.lanes.len().saturating_sub(1) as f64;

        // Each lane's rows with their bars in tracks.
        let placed: Vec<Vec<Tracked>> = g
            .lanes
            .iter()
            .map(|l| {
                let mut by_row: Vec<Vec<Bar>> = vec![Vec::new(); l.rows.max(1) as usize];
                for b in &l.bars {
                    let drawable = b.start.is_finite() && b.end.is_finite();
                    if let (true, Some(v)) = (drawable, by_row.get_mut(b.row as usize)) {
                        v.push(*b);
                    }
                }
                by_row.into_iter().map(tracks).collect()
            })
            .collect();
        let units: f64 = placed
            .iter()
            .flat_map(|rows| rows.iter().map(|(_, t)| row_units(*t)))
            .sum::<f64>()
            .max(1.0);
        let fixed = top + bottom + gaps;
        let mut row = ((TARGET_HEIGHT - fixed) / units).min(MAX_ROW);
        if row < MIN_ROW {
            row = ((MAX_HEIGHT - fixed) / units).min(MIN_ROW);
        }
        let mut lanes = Vec::with_capacity(g.lanes.len());
        let mut y = top;
        for rows in placed {
            // A lane shorter than its labels gets taller rows rather than blank space.
            let natural: f64 = rows.iter().map(|(_, t)| row_units(*t) * row).sum();
            let stretch = (LANE_MIN / natural.max(f64::MIN_POSITIVE)).max(1.0);
            let mut ry = y;
            let rows: Vec<RowGeom> = rows
                .into_iter()
                .map(|(bars, tracks)| {
                    let height = row_units(tracks) * row * stretch;
                    let r = RowGeom {
                        top: ry,
                        height,
                        tracks,
                        bars,
                    };
                    ry += height;
                    r
                })
                .collect();
            let height = (ry - y).max(LANE_MIN);
            lanes.push(LaneGeom {
                top: y,
                height,
                rows,
            });
            y += height + LANE_GAP;
        }
        let height = (y - LANE_GAP + bottom).clamp(MIN_HEIGHT, MAX_HEIGHT.max(y));

        let label_w = g
            .lanes
            .iter()
            .flat_map(|l| {
                [
                    text_width(&l.label, LANE_LABEL_SIZE, FontStyle::Bold),
                    text_width(&l.detail, LANE_DETAIL_SIZE, FontStyle::Normal),
                ]
            })
            .max()
            .map_or(120.0, f64::from)
            .clamp(120.0, 320.0);
        let max_rows = g.lanes.iter().map(|l| l.rows).max().unwrap_or(1);
        let row_label_w = f64::from(text_width(
            &(max_rows.saturating_sub(1)).to_string(),
            ROW_LABEL_SIZE,
            FontStyle::Normal,
        )) + 10.0;

        // Time axis: 0 to the last bar or run end, with a little room.
        let hi = g
            .lanes
            .iter()
            .flat_map(|l| l.bars.iter().map(|b| b.end).chain(l.end))
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let hi = if hi > 0.0 { hi * 1.02 } else { 1.0 };
        let mut x = Axis {
            lo: 0.0,
            hi,
            log: false,
            ticks: linear_ticks(0.0, hi, 8, false),
            light: vec![],
            seconds: true,
            digits: 3,
        };
        x.choose_digits();
        Layout {
            height,
            lanes,
            label_w,
            row_label_w,
            x,
        }
    }
}

/// A lighter tint of `c` (towards white by `t`).
fn tint(c: RGBColor, t: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn draw<DB>(root: &DrawingArea<DB, Shift>, g: &Gantt, l: &Layout, pen: Pen) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let w = f64::from(WIDTH);
    let mut y = 14;
    if !g.title.is_empty() {
        let (title, size) = fit_text(
            &g.title,
            TITLE_SIZE,
            16.0,
            FontStyle::Bold,
            WIDTH as i32 - 40,
        );
        let label = Label::new(&title, size, TEXT)
            .bold()
            .anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (WIDTH as i32 / 2, y))?;
        y += size as i32 + 12;
    }
    if !g.subtitle.is_empty() {
        let (sub, size) = fit_text(
            &g.subtitle,
            SUBTITLE_SIZE,
            11.0,
            FontStyle::Normal,
            WIDTH as i32 - 40,
        );
        let label = Label::new(&sub, size, SUBTITLE).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (WIDTH as i32 / 2, y))?;
    }

    let left = 14.0 + l.label_w + 12.0 + l.row_label_w;
    let right = w - 30.0;
    let span = (l.x.hi - l.x.lo).max(f64::MIN_POSITIVE);
    let px = |t: f64| left + (t - l.x.lo) / span * (right - left);
    let (plot_top, plot_bottom) = match (l.lanes.first(), l.lanes.last()) {
        (Some(a), Some(b)) => (a.top, b.top + b.height),
        _ => (l.height / 3.0, l.height / 3.0 + LANE_MIN),
    };
    let ipx = |v: f64| v.round() as i32;

    // Vertical grid at the ticks, under everything.
    for &t in &l.x.ticks {
        let x = ipx(px(t));
        root.draw(&PathElement::new(
            vec![(x, ipx(plot_top)), (x, ipx(plot_bottom))],
            GRID.stroke_width(1),
        ))?;
    }

    for (lane, geom) in g.lanes.iter().zip(&l.lanes) {
        let (top, height) = (geom.top, geom.height);
        let c = color(lane.color_index);
        let shades = [c, tint(c, 0.45)];
        // Lane frame, with every other row lightly shaded so rows can be followed.
        for row in geom.rows.iter().skip(1).step_by(2) {
            root.draw(&Rectangle::new(
                [
                    (ipx(left), ipx(row.top)),
                    (ipx(right), ipx(row.top + row.height)),
                ],
                GRID_LIGHT.filled(),
            ))?;
        }
        for &t in &l.x.ticks {
            let x = ipx(px(t));
            root.draw(&PathElement::new(
                vec![(x, ipx(top)), (x, ipx(top + height))],
                GRID.stroke_width(1),
            ))?;
        }
        root.draw(&Rectangle::new(
            [(ipx(left), ipx(top)), (ipx(right), ipx(top + height))],
            AXIS.mix(0.5).stroke_width(1),
        ))?;

        // Lane title and detail, left; row labels right-aligned next to the plot, thinned
        // out so they do not collide.
        let title = Label::new(&lane.label, LANE_LABEL_SIZE, c)
            .bold()
            .anchor(HPos::Left, VPos::Top);
        pen.draw(root, &title, (14, ipx(top) + 2))?;
        let (detail, size) = fit_text(
            &lane.detail,
            LANE_DETAIL_SIZE,
            10.0,
            FontStyle::Normal,
            ipx(l.label_w + 10.0),
        );
        let detail = Label::new(&detail, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
        pen.draw(root, &detail, (14, ipx(top + LANE_LABEL_SIZE + 8.0)))?;
        let mut free_below = f64::NEG_INFINITY;
        for (r, row) in geom.rows.iter().enumerate() {
            let yc = row.top + row.height / 2.0;
            // Digits are about 0.75 em tall; keep 2 pixels between labels.
            let half = ROW_LABEL_SIZE * 0.75 / 2.0;
            if yc - half < free_below {
                continue;
            }
            free_below = yc + half + 2.0;
            let text = r.to_string();
            let label =
                Label::new(&text, ROW_LABEL_SIZE, SUBTITLE).anchor(HPos::Right, VPos::Center);
            pen.draw(root, &label, (ipx(left - 6.0), ipx(yc)))?;
        }

        // Bars, row by row and track by track, in time order.
        for row in &geom.rows {
            let track_h = row.height / row.tracks as f64;
            let pad = if track_h >= 8.0 {
                (track_h * 0.14).round()
            } else {
                0.0
            };
            let mut pending: Vec<Option<(f64, f64, RGBColor)>> = vec![None; row.tracks];
            let mut count = vec![0usize; row.tracks];
            for &(b, t) in &row.bars {
                let (y0, y1) = track_y(row, t, track_h, pad);
                let a = px(b.start);
                let e = px(b.end.max(b.start)).max(a + 1.0);
                let shade = shades[count[t] % 2];
                count[t] += 1;
                match &mut pending[t] {
                    Some(p)
                        if a <= p.1 + 1.0 && (e - a < MERGE_BELOW || p.1 - p.0 < MERGE_BELOW) =>
                    {
                        p.1 = p.1.max(e);
                        p.2 = c;
                    }
                    slot => {
                        if let Some((a0, e0, s)) = slot.take() {
                            bar(root, (a0, e0), (y0, y1), s)?;
                        }
                        *slot = Some((a, e, shade));
                    }
                }
            }
            for (t, p) in pending.into_iter().enumerate() {
                if let Some((a0, e0, s)) = p {
                    bar(root, (a0, e0), track_y(row, t, track_h, pad), s)?;
                }
            }
        }

        // Where the run ended.
        if let Some(end) = lane.end.filter(|e| e.is_finite()) {
            let x = ipx(px(end));
            root.draw(&PathElement::new(
                vec![(x, ipx(top) - 3), (x, ipx(top + height) + 3)],
                TEXT.stroke_width(2),
            ))?;
        }
    }

    // Time axis.
    let axis_y = ipx(plot_bottom) + 1;
    root.draw(&PathElement::new(
        vec![(ipx(left), axis_y), (ipx(right), axis_y)],
        AXIS.stroke_width(1),
    ))?;
    for &t in &l.x.ticks {
        let x = ipx(px(t));
        root.draw(&PathElement::new(
            vec![(x, axis_y), (x, axis_y + 6)],
            AXIS.stroke_width(1),
        ))?;
        let text = l.x.label(t);
        let label = Label::new(&text, TICK_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (x, axis_y + 11))?;
    }
    let title_y = axis_y + 11 + TICK_SIZE as i32 + 14;
    let x_title = Label::new(&g.x_label, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
    pen.draw(root, &x_title, (ipx((left + right) / 2.0), title_y))?;
    if !g.note.is_empty() {
        let (note, size) = fit_text(
            &g.note,
            NOTE_SIZE,
            10.0,
            FontStyle::Normal,
            WIDTH as i32 - 28,
        );
        let label = Label::new(&note, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
        pen.draw(root, &label, (14, title_y + AXIS_DESC_SIZE as i32 + 12))?;
    }
    Ok(())
}

/// Pixel rows `y0..y1` (end exclusive, at least one) of track `t` of `row`.
fn track_y(row: &RowGeom, t: usize, track_h: f64, pad: f64) -> (i32, i32) {
    let y0 = (row.top + t as f64 * track_h + pad).round() as i32;
    let y1 = (row.top + (t as f64 + 1.0) * track_h - pad).round() as i32;
    (y0, y1.max(y0 + 1))
}

/// One bar (or merged block) from x `a` to `e`, pixel rows `y0..y1`. Both backends fill
/// rectangles end-exclusive, so a bar is at least one pixel wide.
fn bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (a, e): (f64, f64),
    (y0, y1): (i32, i32),
    fill: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let x0 = a.round() as i32;
    let x1 = (e.round() as i32).max(x0 + 1);
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
}

#[cfg(test)]
mod tests {
    use super::super::super::Lane;
    use super::*;

    fn lane(label: &str, rows: u32, bars: Vec<Bar>) -> Lane {
        Lane {
            label: label.into(),
            detail: format!("{rows} threads, run 3 (12.0 ms)"),
            color_index: 1,
            rows,
            row_label: "thread".into(),
            bars,
            end: Some(0.013),
        }
    }

    fn sample(lanes: Vec<Lane>) -> Gantt {
        Gantt {
            title: "demo / primes: which worker runs which task when".into(),
            subtitle: "kernel primes, 16 tasks".into(),
            x_label: "time since the run's start (s)".into(),
            lanes,
            note: "Not recorded: py-threading (command model)".into(),
        }
    }

    #[test]
    fn renders_lanes_rows_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        let bars = (0..16)
            .map(|i| Bar {
                row: i % 2,
                start: f64::from(i / 2) * 0.0015,
                end: f64::from(i / 2 + 1) * 0.0015,
            })
            .collect();
        // Thousands of tiny tasks in one row (merged into blocks) and odd values.
        let tiny = (0..5000)
            .map(|i| Bar {
                row: 0,
                start: f64::from(i) * 2e-6,
                end: f64::from(i) * 2e-6 + 1e-6,
            })
            .chain([
                Bar {
                    row: 7,
                    start: f64::NAN,
                    end: 1.0,
                },
                Bar {
                    row: 99,
                    start: 0.0,
                    end: 1.0,
                },
                Bar {
                    row: 1,
                    start: 0.004,
                    end: 0.003,
                },
            ])
            .collect();
        let g = sample(vec![lane("threads", 2, bars), lane("async", 64, tiny)]);
        let png = dir.path().join("t.png");
        let svg = dir.path().join("t.svg");
        render_gantt(&g, &png, &svg).unwrap();
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        let text = fs::read_to_string(&svg).unwrap();
        for needle in [
            "which worker runs which task when",
            "threads",
            "async",
            "2 threads, run 3",
            "time since the run",
            "Not recorded: py-threading",
            " ms",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
        // Merged: far fewer rectangles than tasks.
        assert!(text.matches("<rect").count() < 2000);
    }

    #[test]
    fn empty_and_huge_timelines_render() {
        let dir = tempfile::tempdir().unwrap();
        for (name, g) in [
            ("empty", sample(vec![])),
            ("no-bars", sample(vec![lane("x", 0, vec![])])),
            (
                "many-rows",
                sample(vec![lane("x", 4000, vec![]), lane("y", 4000, vec![])]),
            ),
        ] {
            let png = dir.path().join(format!("{name}.png"));
            let svg = dir.path().join(format!("{name}.svg"));
            render_gantt(&g, &png, &svg).unwrap();
            assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"), "{name}");
        }
    }
}
