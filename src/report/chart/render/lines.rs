//! Drawing a line chart from its plan: title, axes and tick labels, the core-count marker,
//! the prediction region, reference line and fitted curves, then the series (error bars,
//! lines, markers) and the legend.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::{Chart, SeriesStyle};
use super::axes::AxisCoord;
use super::layout::Plan;
use super::legend::{draw_legend, legend_size, LegendSample};
use super::style::*;
use super::text::{fit_text, text_width, Label, Pen};

/// A data point's marker: filled for solid series, a ring for dashed ones.
pub(super) fn point_marker(c: RGBColor, style: SeriesStyle) -> Circle<(i32, i32), i32> {
    match style {
        SeriesStyle::Solid => Circle::new((0, 0), POINT_RADIUS, c.filled()),
        SeriesStyle::Dashed => Circle::new((0, 0), POINT_RADIUS - 1, c.stroke_width(2)),
    }
}

pub(super) fn draw_chart<DB>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
    plan: &Plan,
    pen: Pen,
) -> Result<()>
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
