//! Writing a line chart from its plan: title, grid, axes and tick labels, the core-count
//! marker (under the data), the prediction region, reference line and fitted curves, the
//! axis break, then the series (dodged error bars, lines, shaped markers, single points on
//! top) and the legend. Nothing is decided here: positions come from the plan.

use crate::layout::{Plan, PlannedSeries, Region};
use crate::legend::draw_legend;
use crate::place::TICK_GAP;
use crate::plan::SeriesStyle;
use crate::shapes::{draw_marker, Marker};
use crate::style::*;
use crate::svg::{Fill, Stroke, Svg, TextAs};
use crate::text::{text_width, HPos, Label, VPos, Weight};

/// The middle of the pixel at `v`: 1-pixel lines drawn there stay sharp.
pub(crate) fn crisp(v: f64) -> f64 {
    v.round() + 0.5
}

/// Length of the tick marks outside the plot.
const TICK_MARK: f64 = 6.0;

/// The SVG document of a planned line chart.
pub(crate) fn draw(plan: &Plan, text: TextAs) -> String {
    let mut svg = Svg::new(f64::from(WIDTH), f64::from(HEIGHT), text);
    titles(&mut svg, plan);
    grid(&mut svg, plan);
    region_tint(&mut svg, plan);
    axes(&mut svg, plan);
    marker(&mut svg, plan);
    curves(&mut svg, plan);
    region_label(&mut svg, plan);
    axis_break(&mut svg, plan);
    series(&mut svg, plan);
    if !plan.has_data {
        no_data(&mut svg, plan);
    }
    let (lx, ly) = plan.frame.legend_at;
    draw_legend(&mut svg, (f64::from(lx), f64::from(ly)), &plan.legend);
    svg.finish()
}

/// The title and the subtitle, centred above the plot.
fn titles(svg: &mut Svg, plan: &Plan) {
    let f = &plan.frame;
    let mid = f64::from(WIDTH) / 2.0;
    if let Some((title, size, top)) = &f.title {
        let label = Label::new(title, *size, TEXT)
            .bold()
            .anchor(HPos::Center, VPos::Top);
        svg.text(&label, (mid, f64::from(*top)));
    }
    if let Some((subtitle, size, top)) = &f.subtitle {
        let label = Label::new(subtitle, *size, SUBTITLE).anchor(HPos::Center, VPos::Top);
        svg.text(&label, (mid, f64::from(*top)));
    }
}

/// Grid: light lines, then the labelled ticks' lines over them.
fn grid(svg: &mut Svg, plan: &Plan) {
    let p = plan.frame.plot;
    let at = |x: f64, y: f64| plan.pixel((x, y));
    for (ticks, stroke) in [
        (&plan.x.light, Stroke::new(GRID_LIGHT, 1.0)),
        (&plan.x.ticks, Stroke::new(GRID, 1.0)),
    ] {
        for &t in ticks {
            let x = crisp(at(t, plan.y.lo).0);
            svg.line(&[(x, p.y0), (x, p.y1)], stroke);
        }
    }
    for (ticks, stroke) in [
        (&plan.y.light, Stroke::new(GRID_LIGHT, 1.0)),
        (&plan.y.ticks, Stroke::new(GRID, 1.0)),
    ] {
        for &t in ticks {
            let y = crisp(at(plan.x.lo, t).1);
            svg.line(&[(p.x0, y), (p.x1, y)], stroke);
        }
    }
}

/// The prediction region, if any.
fn region(plan: &Plan) -> Option<&Region> {
    plan.fits.as_ref().and_then(|f| f.region.as_ref())
}

/// Prediction region: a tint over the grid (translucent, so grid lines show through) and its
/// edge.
fn region_tint(svg: &mut Svg, plan: &Plan) {
    let p = plan.frame.plot;
    if let Some(r) = region(plan) {
        let (x, _) = plan.pixel((r.from, plan.y.lo));
        svg.rect(
            (x, p.y0, p.x1, p.y1),
            Fill::new(PREDICTION_FILL).opacity(0.6),
        );
        svg.line(
            &[(crisp(x), p.y0), (crisp(x), p.y1)],
            Stroke::new(PREDICTION_TEXT, 1.0).opacity(0.5),
        );
    }
}

/// Core-count marker: a light dashed line under everything else, its label above the plot.
fn marker(svg: &mut Svg, plan: &Plan) {
    let p = plan.frame.plot;
    if let Some(m) = &plan.marker {
        let (x, _) = plan.pixel((m.x, plan.y.lo));
        svg.line(
            &[(x, p.y1), (x, p.y0)],
            Stroke::new(MARKER, 2.0).dashed(5.0, 5.0),
        );
        if let Some(b) = &m.label_box {
            let label =
                Label::new(&m.label, MARKER_LABEL_SIZE, MARKER_TEXT).anchor(HPos::Left, VPos::Top);
            svg.text(&label, (b.x0.round(), b.y0.round()));
        }
    }
}

/// Reference line and fitted curves, under the series.
fn curves(svg: &mut Svg, plan: &Plan) {
    let pixels = |piece: &[(f64, f64)]| -> Vec<(f64, f64)> {
        piece.iter().map(|&q| plan.pixel(q)).collect()
    };
    if let Some((_, pieces)) = &plan.reference {
        for piece in pieces {
            svg.line(
                &pixels(piece),
                Stroke::new(REFERENCE, 2.0).dashed(10.0, 7.0),
            );
        }
    }
    if let Some(f) = &plan.fits {
        for (c, pieces) in &f.curves {
            for piece in pieces {
                let stroke = Stroke::new(*c, FIT_WIDTH).dashed(FIT_DASH.0, FIT_DASH.1);
                svg.line(&pixels(piece), stroke);
            }
        }
    }
}

/// The prediction region's label on a patch of the region's tint.
fn region_label(svg: &mut Svg, plan: &Plan) {
    if let Some((r, b)) = region(plan).and_then(|r| r.label_box.as_ref().map(|b| (r, b))) {
        let (x, y) = (b.x0.round(), b.y0.round());
        let (w, h) = ((b.x1 - b.x0).round(), (b.y1 - b.y0).round());
        svg.rect(
            (x - 4.0, y - 3.0, x + w + 4.0, y + h + 1.0),
            Fill::new(PREDICTION_FILL),
        );
        let label =
            Label::new(&r.label, MARKER_LABEL_SIZE, PREDICTION_TEXT).anchor(HPos::Left, VPos::Top);
        svg.text(&label, (x, y));
    }
}

/// An axis break: two slanted strokes across the top of the y axis.
fn axis_break(svg: &mut Svg, plan: &Plan) {
    let p = plan.frame.plot;
    if plan.y_break.is_some() {
        let (x, y) = (p.x0, p.y0 + 10.0);
        svg.rect((x - 7.0, y - 4.0, x + 8.0, y + 5.0), Fill::new(WHITE));
        for dy in [-3.0, 3.0] {
            svg.line(
                &[(x - 7.0, y + dy + 3.0), (x + 7.0, y + dy - 3.0)],
                Stroke::new(AXIS, 2.0),
            );
        }
    }
}

/// "no data" in the middle of an empty plot.
fn no_data(svg: &mut Svg, plan: &Plan) {
    let p = plan.frame.plot;
    let text = "no data";
    let size = 22.0;
    let (cx, cy) = ((p.x0 + p.x1) / 2.0, (p.y0 + p.y1) / 2.0);
    let half_w = f64::from(text_width(text, size, Weight::Normal) / 2 + 12);
    let half_h = size / 2.0 + 8.0;
    svg.rect(
        (cx - half_w, cy - half_h, cx + half_w, cy + half_h),
        Fill::new(WHITE),
    );
    let note = Label::new(text, size, SUBTITLE).anchor(HPos::Center, VPos::Center);
    svg.text(&note, (cx, cy));
}

/// The axis lines, tick marks, tick labels and axis titles.
fn axes(svg: &mut Svg, plan: &Plan) {
    let f = &plan.frame;
    let p = f.plot;
    let axis = Stroke::new(AXIS, 1.0);
    let (left, bottom) = (crisp(p.x0 - 1.0), crisp(p.y1));
    svg.line(&[(left, p.y0), (left, bottom)], axis);
    svg.line(&[(left, bottom), (p.x1, bottom)], axis);
    let gap = f64::from(TICK_GAP);
    for (t, l) in plan.x.ticks.iter().zip(&plan.x.labels) {
        let x = crisp(plan.pixel((*t, plan.y.lo)).0);
        svg.line(&[(x, bottom), (x, bottom + TICK_MARK)], axis);
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
        svg.text(&label, (x, p.y1 + gap));
    }
    for (t, l) in plan.y.ticks.iter().zip(&plan.y.labels) {
        let y = crisp(plan.pixel((plan.x.lo, *t)).1);
        svg.line(&[(left - TICK_MARK, y), (left, y)], axis);
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Right, VPos::Center);
        svg.text(&label, (p.x0 - gap, y));
    }
    let x_title = Label::new(&plan.x.title, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
    svg.text(
        &x_title,
        ((p.x0 + p.x1) / 2.0, p.y1 + gap + TICK_SIZE.round() + 14.0),
    );
    let y_title = Label::new(&plan.y.title, AXIS_DESC_SIZE, TEXT)
        .anchor(HPos::Center, VPos::Top)
        .vertical();
    svg.text(
        &y_title,
        (
            p.x0 - f64::from(f.y_tick_width) - gap - 36.0,
            ((p.y0 + p.y1) / 2.0).round(),
        ),
    );
}

/// Error bars, lines, then markers, series with a single point last so nothing hides them.
fn series(svg: &mut Svg, plan: &Plan) {
    for s in &plan.series {
        for b in &s.bars {
            let (x, lo) = plan.pixel((b.x, b.lo));
            let (_, hi) = plan.pixel((b.x, b.hi));
            let x = x + f64::from(b.dodge);
            let stroke = Stroke::new(s.color, 2.0);
            svg.line(&[(x, lo), (x, hi)], stroke);
            for y in [lo, hi] {
                svg.line(&[(x - 6.0, y), (x + 6.0, y)], stroke);
            }
        }
    }
    for s in &plan.series {
        let line = Stroke::new(s.color, LINE_WIDTH);
        let line = match s.style {
            SeriesStyle::Solid => line,
            SeriesStyle::Dashed => line.dashed(12.0, 8.0),
            SeriesStyle::Scatter => continue,
        };
        for run in &s.runs {
            let px: Vec<(f64, f64)> = run.iter().map(|&q| plan.pixel(q)).collect();
            svg.line(&px, line);
        }
    }
    let (many, single): (Vec<&PlannedSeries>, Vec<&PlannedSeries>) =
        plan.series.iter().partition(|s| !s.single);
    for s in many.into_iter().chain(single) {
        for p in &s.points {
            let (x, y) = plan.pixel((p.x, p.y));
            let x = x + f64::from(p.dodge);
            let marker = Marker {
                shape: s.shape,
                color: s.color,
                hollow: p.hollow,
            };
            draw_marker(svg, (x, y), marker);
            if p.above {
                // Off the chart: an arrow up from the marker.
                svg.line(&[(x, y - 8.0), (x, y - 20.0)], Stroke::new(s.color, 2.0));
                svg.polygon(
                    &[(x - 5.0, y - 18.0), (x + 5.0, y - 18.0), (x, y - 25.0)],
                    Fill::new(s.color),
                );
            }
        }
    }
}
