//! The legend: a box right of the plot with a sample and a label per series, the fitted
//! curves and the reference line, so it never hides data whatever shape the lines take.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::SeriesStyle;
use super::lines::point_marker;
use super::style::*;
use super::text::{text_width, Label, Pen};

/// What a legend entry shows next to its label.
#[derive(Clone, Copy)]
pub(super) enum LegendSample {
    Series(RGBColor, SeriesStyle),
    Reference,
    /// Short dashes in the colours of (up to) the first three fitted curves.
    Fit([RGBColor; 3]),
}

/// Width and height in pixels of the legend box for `entries`.
pub(super) fn legend_size(entries: &[(&str, LegendSample)]) -> (i32, i32) {
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

pub(super) fn draw_legend<DB: DrawingBackend>(
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
