//! Drawing a [`Gantt`] (a timeline): lanes stacked top to bottom, a row per worker, a bar per
//! task. Part of the one renderer: same fonts, text, colours and axis labels as the line
//! charts, drawn with pixel geometry of its own (rows are not a numeric axis) laid out in
//! [`super::lanes`]: each lane on its own time scale when their lengths differ, every row
//! labelled, overlapping tasks in countable tracks.
//!
//! Bars in a row alternate between the lane's colour and a lighter tint, so neighbouring
//! tasks stay apart; bars narrower than a few pixels that touch are drawn as one block (at
//! that zoom a row of thousands of tiny tasks is a busy stretch, and the SVG stays small).

use crate::lanes::*;
use crate::lines::crisp;
use crate::style::{
    color, Rgb, AXIS, AXIS_DESC_SIZE, GRID, GRID_LIGHT, SUBTITLE, SUBTITLE_SIZE, TEXT, TICK_SIZE,
    TITLE_SIZE, WIDTH,
};
use crate::svg::{Fill, Stroke, Svg, TextAs};
use crate::text::{fit_text, HPos, Label, VPos, Weight};
use crate::{Gantt, Lane};

/// Bars narrower than this (pixels) merge with touching neighbours.
const MERGE_BELOW: f64 = 3.0;

/// A lighter tint of `c` (towards white by `t`).
fn tint(c: Rgb, t: f64) -> Rgb {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    Rgb(mix(c.0), mix(c.1), mix(c.2))
}

/// The SVG document of a timeline laid out as `l`.
pub(crate) fn draw(g: &Gantt, l: &Layout, text: TextAs) -> String {
    let mut svg = Svg::new(f64::from(WIDTH), l.height.round(), text);
    header(&mut svg, g);
    let left = 14.0 + l.label_w + 12.0 + l.row_label_w;
    // Room on the right for the unit after each lane's own axis.
    let right = f64::from(WIDTH) - if l.shared { 30.0 } else { 40.0 };
    let mut bottom = l.height / 3.0 + LANE_MIN;
    for (lane, geom) in g.lanes.iter().zip(&l.lanes) {
        bottom = geom.top + geom.height;
        draw_lane(&mut svg, lane, geom, l, (left, right));
    }

    // The shared time axis and the title.
    let mut title_y = bottom.round() + 12.0;
    if let (true, Some(last)) = (l.shared, l.lanes.last()) {
        time_axis(&mut svg, last, (left, right), bottom, TICK_SIZE);
        title_y += TICK_SIZE.round() + 14.0;
    } else if !l.shared {
        title_y += LANE_TICK_SIZE.round() + 8.0;
    }
    let x_title = Label::new(&l.x_title, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
    svg.text(&x_title, (((left + right) / 2.0).round(), title_y));
    if !g.note.is_empty() {
        let (note, size) = fit_text(&g.note, NOTE_SIZE, 10.0, Weight::Normal, WIDTH as i32 - 28);
        let label = Label::new(&note, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
        svg.text(&label, (14.0, title_y + AXIS_DESC_SIZE.round() + 12.0));
    }
    svg.finish()
}

/// Title and subtitle, each shortened to fit the width.
fn header(svg: &mut Svg, g: &Gantt) {
    let mid = f64::from(WIDTH) / 2.0;
    let mut y = 14.0;
    if !g.title.is_empty() {
        let (title, size) = fit_text(&g.title, TITLE_SIZE, 16.0, Weight::Bold, WIDTH as i32 - 40);
        let label = Label::new(&title, size, TEXT)
            .bold()
            .anchor(HPos::Center, VPos::Top);
        svg.text(&label, (mid, y));
        y += size.round() + 12.0;
    }
    if !g.subtitle.is_empty() {
        let (sub, size) = fit_text(
            &g.subtitle,
            SUBTITLE_SIZE,
            11.0,
            Weight::Normal,
            WIDTH as i32 - 40,
        );
        let label = Label::new(&sub, size, SUBTITLE).anchor(HPos::Center, VPos::Top);
        svg.text(&label, (mid, y));
    }
}

/// One lane: its frame and shaded rows, its labels, its bars, where the run ended, and its
/// own time axis unless the lanes share one.
/// Fill and text of a lane's excluded stretch (see [`crate::Excluded`]).
const EXCLUDED_FILL: Rgb = Rgb(226, 226, 226);
const EXCLUDED_TEXT: Rgb = Rgb(80, 80, 80);

fn draw_lane(svg: &mut Svg, lane: &Lane, geom: &LaneGeom, l: &Layout, (left, right): (f64, f64)) {
    let (top, height) = (geom.top.round(), geom.height);
    let bottom = (geom.top + height).round();
    let axis = &geom.axis;
    let span = (axis.hi - axis.lo).max(f64::MIN_POSITIVE);
    let px = |t: f64| left + (t - axis.lo) / span * (right - left);
    let c = color(lane.color_index);
    // Lane frame, with every other row lightly shaded so rows can be followed.
    for row in geom.rows.iter().skip(1).step_by(2) {
        let (y0, y1) = (row.top.round(), (row.top + row.height).round());
        svg.rect((left.round(), y0, right.round(), y1), Fill::new(GRID_LIGHT));
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
        svg.rect(
            (a.round(), top, e.round(), bottom),
            Fill::new(EXCLUDED_FILL),
        );
    }
    for &t in &axis.ticks {
        let x = crisp(px(t));
        svg.line(&[(x, top), (x, bottom)], Stroke::new(GRID, 1.0));
    }
    if let Some((ex, a, e)) = excluded {
        let width = (e - a - 8.0).round() as i32;
        let (text, size) = fit_text(&ex.label, LANE_DETAIL_SIZE, 9.0, Weight::Normal, width);
        if !text.starts_with('…') && e - a > 16.0 {
            let label = Label::new(&text, size, EXCLUDED_TEXT).anchor(HPos::Center, VPos::Center);
            svg.text(
                &label,
                (((a + e) / 2.0).round(), ((top + bottom) / 2.0).round()),
            );
        }
    }
    svg.rect(
        (crisp(left), top + 0.5, crisp(right), bottom + 0.5),
        Stroke::new(AXIS, 1.0).opacity(0.5),
    );
    labels(svg, lane, geom, l, left);
    bars(svg, geom, c, &px);

    // Where the run ended.
    if let Some(end) = lane.end.filter(|e| e.is_finite()) {
        let x = px(end).round();
        svg.line(&[(x, top - 3.0), (x, bottom + 3.0)], Stroke::new(TEXT, 2.0));
    }
    // Its own time axis, unless all lanes share the one below the last.
    if !l.shared {
        time_axis(svg, geom, (left, right), geom.top + height, LANE_TICK_SIZE);
        let unit = Label::new(geom.unit, LANE_TICK_SIZE, SUBTITLE).anchor(HPos::Left, VPos::Top);
        svg.text(
            &unit,
            ((right + 6.0).round(), (geom.top + height + 6.0).round()),
        );
    }
}

/// Lane title and detail, left; a label for every row, right-aligned next to the plot
/// (thinned only in a timeline too tall to give every row its label's height).
fn labels(svg: &mut Svg, lane: &Lane, geom: &LaneGeom, l: &Layout, left: f64) {
    let top = geom.top.round();
    let c = color(lane.color_index);
    let title = Label::new(&lane.label, LANE_LABEL_SIZE, c)
        .bold()
        .anchor(HPos::Left, VPos::Top);
    svg.text(&title, (14.0, top + 2.0));
    let width = (l.label_w + 10.0).round() as i32;
    let (detail, size) = fit_text(&lane.detail, LANE_DETAIL_SIZE, 10.0, Weight::Normal, width);
    let detail = Label::new(&detail, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
    svg.text(&detail, (14.0, (geom.top + LANE_LABEL_SIZE + 8.0).round()));
    if geom.rows.iter().any(|r| r.overlap > 1) && geom.height >= 70.0 {
        let text = "×N: N tasks at once in the row";
        let (text, size) = fit_text(text, LANE_DETAIL_SIZE, 10.0, Weight::Normal, width);
        let note = Label::new(&text, size, SUBTITLE).anchor(HPos::Left, VPos::Top);
        svg.text(&note, (14.0, (geom.top + LANE_LABEL_SIZE + 28.0).round()));
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
        let label = Label::new(&text, ROW_LABEL_SIZE, SUBTITLE).anchor(HPos::Right, VPos::Center);
        svg.text(&label, ((left - 6.0).round(), yc.round()));
    }
}

/// The bars of a lane, row by row and track by track, in time order; bars in a track
/// alternate between the lane's colour and a tint, and narrow touching bars merge.
fn bars(svg: &mut Svg, geom: &LaneGeom, c: Rgb, px: &dyn Fn(f64) -> f64) {
    let shades = [c, tint(c, 0.45)];
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
        let mut pending: Vec<Option<(f64, f64, Rgb)>> = vec![None; row.tracks];
        let mut count = vec![0usize; row.tracks];
        for &(b, t) in &row.bars {
            let a = px(b.start);
            let e = px(b.end.max(b.start)).max(a + 1.0);
            let shade = shades[count[t] % 2];
            count[t] += 1;
            match &mut pending[t] {
                Some(p) if a <= p.1 + 1.0 && (e - a < MERGE_BELOW || p.1 - p.0 < MERGE_BELOW) => {
                    p.1 = p.1.max(e);
                    p.2 = c;
                }
                slot => {
                    if let Some((a0, e0, s)) = slot.take() {
                        bar(svg, (a0, e0), track_y(row, t, track_h, pad), s);
                    }
                    *slot = Some((a, e, shade));
                }
            }
        }
        for (t, p) in pending.into_iter().enumerate() {
            if let Some((a0, e0, s)) = p {
                bar(svg, (a0, e0), track_y(row, t, track_h, pad), s);
            }
        }
    }
}

/// A time axis under a lane: the line, tick marks and tick labels of `geom.axis`.
fn time_axis(svg: &mut Svg, geom: &LaneGeom, (left, right): (f64, f64), at: f64, size: f64) {
    let axis = &geom.axis;
    let span = (axis.hi - axis.lo).max(f64::MIN_POSITIVE);
    let px = |t: f64| left + (t - axis.lo) / span * (right - left);
    let y = crisp(at.round() + 1.0);
    let stroke = Stroke::new(AXIS, 1.0);
    svg.line(&[(left.round(), y), (right.round(), y)], stroke);
    for (&t, text) in axis.ticks.iter().zip(&axis.labels) {
        let x = crisp(px(t));
        svg.line(&[(x, y), (x, y + 5.0)], stroke);
        let label = Label::new(text, size, TEXT).anchor(HPos::Center, VPos::Top);
        svg.text(&label, (x, y + 7.5));
    }
}

/// Pixel rows `y0..y1` (at least one) of track `t` of `row`.
fn track_y(row: &RowGeom, t: usize, track_h: f64, pad: f64) -> (f64, f64) {
    let y0 = (row.top + t as f64 * track_h + pad).round();
    let y1 = (row.top + (t as f64 + 1.0) * track_h - pad).round();
    (y0, y1.max(y0 + 1.0))
}

/// One bar (or merged block) from x `a` to `e` (at least one pixel wide), pixel rows `y0..y1`.
fn bar(svg: &mut Svg, (a, e): (f64, f64), (y0, y1): (f64, f64), fill: Rgb) {
    let x0 = a.round();
    let x1 = e.round().max(x0 + 1.0);
    svg.rect((x0, y0, x1, y1), Fill::new(fill));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bar, Figure};

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
        started.excluded = Some(crate::Excluded {
            start: 0.0,
            end: 0.006,
            label: "interpreter start (excluded)".into(),
        });
        let g = sample(vec![
            lane("threads", 2, bars),
            lane("async", 64, tiny),
            started,
        ]);
        let drawn = crate::draw(&Figure::Gantt(g)).unwrap();
        assert!(drawn.png.starts_with(b"\x89PNG"));
        let text = drawn.svg;
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
        for (name, g) in [
            ("empty", sample(vec![])),
            ("no-bars", sample(vec![lane("x", 0, vec![])])),
            (
                "many-rows",
                sample(vec![lane("x", 4000, vec![]), lane("y", 4000, vec![])]),
            ),
        ] {
            let drawn = crate::draw(&Figure::Gantt(g)).unwrap();
            assert!(drawn.png.starts_with(b"\x89PNG"), "{name}");
        }
    }
}
