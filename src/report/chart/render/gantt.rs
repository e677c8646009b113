//! Drawing a [`Gantt`] (a timeline): lanes stacked top to bottom, a row per worker, a bar per
//! task. Part of the one renderer: same fonts, text, colours and axis labels as the line
//! charts, drawn with pixel geometry of its own (rows are not a numeric axis) laid out in
//! [`super::lanes`]: each lane on its own time scale when their lengths differ, every row
//! labelled, overlapping tasks in countable tracks.
//!
//! Bars in a row alternate between the lane's colour and a lighter tint, so neighbouring
//! tasks stay apart; bars narrower than a few pixels that touch are drawn as one block (at
//! that zoom a row of thousands of tiny tasks is a busy stretch, and the SVG stays small).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::Gantt;
use super::lanes::*;
use super::style::{
    color, AXIS, AXIS_DESC_SIZE, GRID, GRID_LIGHT, SUBTITLE, SUBTITLE_SIZE, TEXT, TICK_SIZE,
    TITLE_SIZE, WIDTH,
};
use super::text::{ensure_fonts, fit_text, Label, Pen};
use super::write_atomically;

/// Bars narrower than this (pixels) merge with touching neighbours.
const MERGE_BELOW: f64 = 3.0;

/// Fill and text of a lane's excluded stretch (see [`super::super::Excluded`]).
const EXCLUDED_FILL: RGBColor = RGBColor(226, 226, 226);
const EXCLUDED_TEXT: RGBColor = RGBColor(80, 80, 80);

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
    // Room on the right for the unit after each lane's own axis.
    let right = w - if l.shared { 30.0 } else { 40.0 };
    let ipx = |v: f64| v.round() as i32;
    let mut bottom = l.height / 3.0 + LANE_MIN;

    for (lane, geom) in g.lanes.iter().zip(&l.lanes) {
        let (top, height) = (geom.top, geom.height);
        bottom = top + height;
        let axis = &geom.axis;
        let span = (axis.hi - axis.lo).max(f64::MIN_POSITIVE);
        let px = |t: f64| left + (t - axis.lo) / span * (right - left);
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
        // The part of the run outside the measurement: shaded under the grid, labelled over it.
        let excluded = lane
            .excluded
            .as_ref()
            .filter(|e| e.end > e.start)
            .map(|ex| {
                let (a, e) = (px(ex.start.max(axis.lo)), px(ex.end.min(axis.hi)));
                (ex, a, e)
            });
        if let Some((_, a, e)) = excluded {
            root.draw(&Rectangle::new(
                [(ipx(a), ipx(top)), (ipx(e), ipx(top + height))],
                EXCLUDED_FILL.filled(),
            ))?;
        }
        for &t in &axis.ticks {
            let x = ipx(px(t));
            root.draw(&PathElement::new(
                vec![(x, ipx(top)), (x, ipx(top + height))],
                GRID.stroke_width(1),
            ))?;
        }
        if let Some((ex, a, e)) = excluded {
            let (text, size) = fit_text(
                &ex.label,
                LANE_DETAIL_SIZE,
                9.0,
                FontStyle::Normal,
                ipx(e - a - 8.0),
            );
            if !text.starts_with('…') && e - a > 16.0 {
                let label =
                    Label::new(&text, size, EXCLUDED_TEXT).anchor(HPos::Center, VPos::Center);
                pen.draw(root, &label, (ipx((a + e) / 2.0), ipx(top + height / 2.0)))?;
            }
        }
        root.draw(&Rectangle::new(
            [(ipx(left), ipx(top)), (ipx(right), ipx(top + height))],
            AXIS.mix(0.5).stroke_width(1),
        ))?;

        // Lane title and detail, left; a label for every row, right-aligned next to the plot
        // (thinned only in a timeline too tall to give every row its label's height).
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
        if geom.rows.iter().any(|r| r.overlap > 1) && height >= 70.0 {
            let (text, size) = fit_text(
                "×N: N tasks at once in the row",
                LANE_DETAIL_SIZE,
                10.0,
                FontStyle::Normal,
                ipx(l.label_w + 10.0),
            );
            let note = Label::new(&text, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
            pen.draw(root, &note, (14, ipx(top + LANE_LABEL_SIZE + 28.0)))?;
        }
        let mut free_below = f64::NEG_INFINITY;
        for (r, row) in geom.rows.iter().enumerate() {
            let yc = row.top + row.height / 2.0;
            // Digits are about 0.75 em tall; keep 2 pixels between labels.
            let half = ROW_LABEL_SIZE * 0.75 / 2.0;
            if yc - half < free_below {
                continue;
            }
            free_below = yc + half + 2.0;
            let text = row.label(r);
            let label =
                Label::new(&text, ROW_LABEL_SIZE, SUBTITLE).anchor(HPos::Right, VPos::Center);
            pen.draw(root, &label, (ipx(left - 6.0), ipx(yc)))?;
        }

        // Bars, row by row and track by track, in time order.
        for row in &geom.rows {
            let track_h = row.height / row.tracks as f64;
            // Tracks of overlapping tasks keep a gap between them, so they can be counted.
            let pad = if track_h >= 8.0 {
                (track_h * 0.14).round()
            } else if row.tracks > 1 {
                0.5
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

        // Its own time axis, unless all lanes share the one below the last.
        if !l.shared {
            time_axis(root, geom, (left, right), top + height, LANE_TICK_SIZE, pen)?;
            let unit =
                Label::new(geom.unit, LANE_TICK_SIZE, SUBTITLE).anchor(HPos::Left, VPos::Top);
            pen.draw(root, &unit, (ipx(right + 6.0), ipx(top + height + 6.0)))?;
        }
    }

    // The shared time axis and the title.
    let axis_y = ipx(bottom) + 1;
    let mut title_y = axis_y + 11;
    if let (true, Some(last)) = (l.shared, l.lanes.last()) {
        time_axis(root, last, (left, right), bottom, TICK_SIZE, pen)?;
        title_y += TICK_SIZE as i32 + 14;
    } else if !l.shared {
        title_y += LANE_TICK_SIZE as i32 + 8;
    }
    let x_title = Label::new(&l.x_title, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
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

/// A time axis under a lane: the line, tick marks and tick labels of `geom.axis`.
fn time_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    geom: &LaneGeom,
    (left, right): (f64, f64),
    at: f64,
    size: f64,
    pen: Pen,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ipx = |v: f64| v.round() as i32;
    let axis = &geom.axis;
    let span = (axis.hi - axis.lo).max(f64::MIN_POSITIVE);
    let px = |t: f64| left + (t - axis.lo) / span * (right - left);
    let y = ipx(at) + 1;
    root.draw(&PathElement::new(
        vec![(ipx(left), y), (ipx(right), y)],
        AXIS.stroke_width(1),
    ))?;
    for (&t, text) in axis.ticks.iter().zip(&axis.labels) {
        let x = ipx(px(t));
        root.draw(&PathElement::new(
            vec![(x, y), (x, y + 5)],
            AXIS.stroke_width(1),
        ))?;
        let label = Label::new(text, size, TEXT).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (x, y + 8))?;
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
    use super::super::super::{Bar, Lane};
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
            excluded: None,
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
        let mut started = lane("py-threading", 2, vec![]);
        started.excluded = Some(super::super::super::Excluded {
            start: 0.0,
            end: 0.006,
            label: "interpreter start (excluded)".into(),
        });
        let g = sample(vec![
            lane("threads", 2, bars),
            lane("async", 64, tiny),
            started,
        ]);
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
            "interpreter start (excluded)",
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
