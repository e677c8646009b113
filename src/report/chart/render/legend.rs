//! The legend: a box right of the plot with a sample and a label per series, the fitted
//! curves, the reference line and hollow points, then notes (lines that run together, values
//! cut off by an axis break), so it never hides data whatever shape the lines take.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;

use super::super::SeriesStyle;
use super::shapes::{draw_marker, Fill, Shape};
use super::style::*;
use super::text::{text_width, Label, Pen};

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum LegendSample {
    /// A series: its line (unless it has a single point) and marker.
    Series {
        color: RGBColor,
        style: SeriesStyle,
        shape: Shape,
        line: bool,
    },
    Reference,
    /// Short dashes in the colours of (up to) the first three fitted curves.
    Fit([RGBColor; 3]),
    /// A hollow grey marker: what hollow points mean.
    Hollow,
}

/// The legend's entries and notes, and its size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Legend {
    pub(super) entries: Vec<(String, LegendSample)>,
    /// Lines of smaller text under the entries (already wrapped to the box).
    pub(super) notes: Vec<String>,
    pub(super) size: (i32, i32),
}

/// Notes are wrapped to at least this width even when the entries are narrower.
const NOTE_MIN_WIDTH: i32 = 210;

fn line_height() -> i32 {
    (LEGEND_SIZE * 1.3).round() as i32
}

fn note_height() -> i32 {
    (NOTE_SIZE * 1.3).round() as i32
}

impl Legend {
    /// Lays out `entries` and `notes` (each note wrapped to the box width).
    pub(super) fn new(entries: Vec<(String, LegendSample)>, notes: &[String]) -> Legend {
        if entries.is_empty() && notes.is_empty() {
            return Legend {
                entries,
                notes: vec![],
                size: (0, 0),
            };
        }
        let text_w = entries
            .iter()
            .map(|(l, _)| text_width(l, LEGEND_SIZE, FontStyle::Normal))
            .max()
            .unwrap_or(0);
        let entries_w = LEGEND_SAMPLE_AREA + text_w;
        let wrap_w = entries_w.max(NOTE_MIN_WIDTH);
        let notes: Vec<String> = notes.iter().flat_map(|n| wrap(n, wrap_w)).collect();
        let notes_w = notes
            .iter()
            .map(|n| text_width(n, NOTE_SIZE, FontStyle::Normal))
            .max()
            .unwrap_or(0);
        let notes_h = if notes.is_empty() {
            0
        } else {
            6 + note_height() * notes.len() as i32
        };
        let size = (
            2 * LEGEND_MARGIN + entries_w.max(notes_w),
            2 * LEGEND_MARGIN + line_height() * entries.len() as i32 + notes_h,
        );
        Legend {
            entries,
            notes,
            size,
        }
    }

    /// Drops note lines from the end until the box is at most `max_height` pixels tall, the
    /// last line kept ending in "…" (entries are always kept).
    pub(super) fn truncate_to(&mut self, max_height: i32) {
        let mut cut = false;
        while self.size.1 > max_height && !self.notes.is_empty() {
            self.notes.pop();
            self.size.1 -= note_height();
            if self.notes.is_empty() {
                self.size.1 -= 6;
            }
            cut = true;
        }
        if let (true, Some(last)) = (cut, self.notes.last_mut()) {
            last.push_str(" …");
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.notes.is_empty()
    }
}

/// Splits `text` into lines of at most `width` pixels at spaces (a word longer than that gets
/// a line of its own).
fn wrap(text: &str, width: i32) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, NOTE_SIZE, FontStyle::Normal) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub(super) fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    legend: &Legend,
    pen: Pen,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if legend.is_empty() {
        return Ok(());
    }
    let (x1, y1) = (x0 + legend.size.0, y0 + legend.size.1);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], AXIS.stroke_width(1)))?;
    let x = x0 + LEGEND_MARGIN;
    for (i, (text, sample)) in legend.entries.iter().enumerate() {
        let y = y0 + LEGEND_MARGIN + line_height() * i as i32 + line_height() / 2;
        match *sample {
            LegendSample::Series {
                color,
                style,
                shape,
                line,
            } => {
                let pieces: &[(i32, i32)] = match (line, style) {
                    (false, _) => &[],
                    (true, SeriesStyle::Solid) => &[(0, 32)],
                    (true, SeriesStyle::Dashed) => &[(0, 9), (23, 32)],
                };
                for &(a, b) in pieces {
                    root.draw(&PathElement::new(
                        vec![(x + a, y), (x + b, y)],
                        color.stroke_width(LINE_WIDTH),
                    ))?;
                }
                let fill = match style {
                    SeriesStyle::Solid => Fill::Filled,
                    SeriesStyle::Dashed => Fill::Hollow,
                };
                draw_marker(root, (x + 16, y), shape, POINT_RADIUS, color, fill)?;
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
            LegendSample::Hollow => {
                draw_marker(
                    root,
                    (x + 16, y),
                    Shape::Circle,
                    POINT_RADIUS,
                    SUBTITLE,
                    Fill::Hollow,
                )?;
            }
        }
        let label = Label::new(text, LEGEND_SIZE, TEXT).anchor(HPos::Left, VPos::Center);
        pen.draw(root, &label, (x + LEGEND_SAMPLE_AREA, y))?;
    }
    let notes_top = y0 + LEGEND_MARGIN + line_height() * legend.entries.len() as i32 + 6;
    for (i, note) in legend.notes.iter().enumerate() {
        let y = notes_top + note_height() * i as i32 + note_height() / 2;
        let label = Label::new(note, NOTE_SIZE, SUBTITLE).anchor(HPos::Left, VPos::Center);
        pen.draw(root, &label, (x, y))?;
    }
    Ok(())
}
