//! Drawing a line chart from its plan: title, axes and tick labels, the core-count marker
//! (under the data), the prediction region, reference line and fitted curves, the axis
//! break, then the series (dodged error bars, lines, shaped markers, single points on top)
//! and the legend. Nothing is decided here: positions come from the plan.

use anyhow::Result;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::SeriesStyle;
use super::axes::AxisCoord;
use super::geometry::Rect;
use super::layout::{Plan, PlannedSeries};
use super::legend::draw_legend;
use super::place::TICK_GAP;
use super::shapes::{draw_marker, Fill};
use super::style::*;
use super::text::{text_width, Label, Pen};

pub(super) fn draw_chart<DB>(root: &DrawingArea<DB, Shift>, plan: &Plan, pen: Pen) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let f = &plan.frame;
    let w = WIDTH as i32;

    if let Some((title, size, top)) = &f.title {
        let label = Label::new(title, *size, TEXT)
            .bold()
            .anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (w / 2, *top))?;
    }
    if let Some((subtitle, size, top)) = &f.subtitle {
        let label = Label::new(subtitle, *size, SUBTITLE).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (w / 2, *top))?;
    }

    let mut cc = ChartBuilder::on(root)
        .margin_top(f.top)
        .margin_left(f.left)
        .margin_bottom(f.bottom)
        .margin_right(f.right)
        .x_label_area_size(f.x_area)
        .y_label_area_size(f.y_area)
        .build_cartesian_2d(AxisCoord(plan.x.clone()), AxisCoord(plan.y.clone()))?;

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
    // Pixel positions, from a copy of plotters' own mapping (so they match what it draws).
    let coord = cc.plotting_area().as_coord_spec().clone();
    let at = |x: f64, y: f64| coord.translate(&(x, y));

    // Prediction region: a tint over the grid (translucent, so grid lines show through) and
    // its edge.
    let region = plan.fits.as_ref().and_then(|f| f.region.as_ref());
    if let Some(r) = region {
        cc.draw_series(std::iter::once(Rectangle::new(
            [(r.from, y_lo), (plan.x.hi, y_hi)],
            PREDICTION_FILL.mix(0.6).filled(),
        )))?;
        cc.draw_series(LineSeries::new(
            [(r.from, y_lo), (r.from, y_hi)],
            PREDICTION_TEXT.mix(0.5).stroke_width(1),
        ))?;
    }

    // Tick labels and axis titles.
    for (t, l) in plan.x.ticks.iter().zip(&plan.x.labels) {
        let (x, _) = at(*t, y_lo);
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
        pen.draw(root, &label, (x, py.end + TICK_GAP))?;
    }
    for (t, l) in plan.y.ticks.iter().zip(&plan.y.labels) {
        let (_, y) = at(plan.x.lo, *t);
        let label = Label::new(l, TICK_SIZE, TEXT).anchor(HPos::Right, VPos::Center);
        pen.draw(root, &label, (px.start - TICK_GAP, y))?;
    }
    let x_title = Label::new(&plan.x.title, AXIS_DESC_SIZE, TEXT).anchor(HPos::Center, VPos::Top);
    pen.draw(
        root,
        &x_title,
        (
            (px.start + px.end) / 2,
            py.end + TICK_GAP + TICK_SIZE as i32 + 14,
        ),
    )?;
    let y_title = Label::new(&plan.y.title, AXIS_DESC_SIZE, TEXT)
        .anchor(HPos::Center, VPos::Top)
        .vertical();
    pen.draw(
        root,
        &y_title,
        (
            px.start - f.y_tick_width - TICK_GAP - 36,
            (py.start + py.end) / 2,
        ),
    )?;

    // Core-count marker: a light dashed line under everything else, its label above the plot.
    if let Some(m) = &plan.marker {
        cc.draw_series(DashedLineSeries::new(
            [(m.x, y_lo), (m.x, y_hi)],
            5,
            5,
            MARKER.stroke_width(2),
        ))?;
        if let Some(b) = &m.label_box {
            let label =
                Label::new(&m.label, MARKER_LABEL_SIZE, MARKER_TEXT).anchor(HPos::Left, VPos::Top);
            pen.draw(root, &label, (b.x0.round() as i32, b.y0.round() as i32))?;
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
    if let Some(b) = region.and_then(|r| r.label_box.as_ref().map(|b| (r, b))) {
        let (r, b) = b;
        draw_region_label(root, &r.label, b, pen)?;
    }

    // An axis break: two slanted strokes across the top of the y axis.
    if plan.y_break.is_some() {
        let (x, y) = (px.start, py.start + 10);
        root.draw(&Rectangle::new(
            [(x - 7, y - 4), (x + 8, y + 5)],
            WHITE.filled(),
        ))?;
        for dy in [-3, 3] {
            root.draw(&PathElement::new(
                vec![(x - 7, y + dy + 3), (x + 7, y + dy - 3)],
                AXIS.stroke_width(2),
            ))?;
        }
    }

    // Series: error bars, lines, then markers, series with a single point last so nothing
    // hides them.
    for s in &plan.series {
        for b in &s.bars {
            let (x, lo) = at(b.x, b.lo);
            let (_, hi) = at(b.x, b.hi);
            let x = x + b.dodge;
            let style = s.color.stroke_width(2);
            root.draw(&PathElement::new(vec![(x, lo), (x, hi)], style))?;
            for y in [lo, hi] {
                root.draw(&PathElement::new(vec![(x - 6, y), (x + 6, y)], style))?;
            }
        }
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
    let (many, single): (Vec<&PlannedSeries>, Vec<&PlannedSeries>) =
        plan.series.iter().partition(|s| !s.single);
    for s in many.into_iter().chain(single) {
        for p in &s.points {
            let (x, y) = at(p.x, p.y);
            let x = x + p.dodge;
            let fill = if p.hollow { Fill::Hollow } else { Fill::Filled };
            draw_marker(root, (x, y), s.shape, POINT_RADIUS, s.color, fill)?;
            if p.above {
                // Off the chart: an arrow up from the marker.
                root.draw(&PathElement::new(
                    vec![(x, y - 8), (x, y - 20)],
                    s.color.stroke_width(2),
                ))?;
                root.draw(&Polygon::new(
                    vec![(x - 5, y - 18), (x + 5, y - 18), (x, y - 25)],
                    s.color.filled(),
                ))?;
            }
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

    draw_legend(root, f.legend_at, &plan.legend, pen)?;
    Ok(())
}

/// The prediction region's label on a patch of the region's tint.
fn draw_region_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    b: &Rect,
    pen: Pen,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x, y) = (b.x0.round() as i32, b.y0.round() as i32);
    let (w, h) = ((b.x1 - b.x0).round() as i32, (b.y1 - b.y0).round() as i32);
    root.draw(&Rectangle::new(
        [(x - 4, y - 3), (x + w + 4, y + h + 1)],
        PREDICTION_FILL.filled(),
    ))?;
    let label = Label::new(text, MARKER_LABEL_SIZE, PREDICTION_TEXT).anchor(HPos::Left, VPos::Top);
    pen.draw(root, &label, (x, y))
}
