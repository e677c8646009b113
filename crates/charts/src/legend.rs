//! The legend: a box right of the plot with a sample and a label per series, the fitted
//! curves, the reference line and hollow points, then notes (lines that run together, values
//! cut off by an axis break), so it never hides data whatever shape the lines take.

use crate::plan::SeriesStyle;
use crate::shapes::{draw_marker, Marker, Shape};
use crate::style::*;
use crate::svg::{Fill, Stroke, Svg};
use crate::text::{text_width, HPos, Label, VPos, Weight};

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LegendSample {
    /// A series: its line (unless it has a single point or is a scatter) and marker.
    Series {
        color: Rgb,
        style: SeriesStyle,
        shape: Shape,
        line: bool,
    },
    Reference,
    /// Short dashes in the colours of (up to) the first three fitted curves.
    Fit([Rgb; 3]),
    /// A hollow grey marker: what hollow points mean.
    Hollow,
}

/// The legend's entries and notes, and its size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Legend {
    pub(crate) entries: Vec<(String, LegendSample)>,
    /// Lines of smaller text under the entries (already wrapped to the box).
    pub(crate) notes: Vec<String>,
    pub(crate) size: (i32, i32),
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
    pub(crate) fn new(entries: Vec<(String, LegendSample)>, notes: &[String]) -> Legend {
        if entries.is_empty() && notes.is_empty() {
            return Legend {
                entries,
                notes: vec![],
                size: (0, 0),
            };
        }
        let text_w = entries
            .iter()
            .map(|(l, _)| text_width(l, LEGEND_SIZE, Weight::Normal))
            .max()
            .unwrap_or(0);
        let entries_w = LEGEND_SAMPLE_AREA + text_w;
        let wrap_w = entries_w.max(NOTE_MIN_WIDTH);
        let notes: Vec<String> = notes.iter().flat_map(|n| wrap(n, wrap_w)).collect();
        let notes_w = notes
            .iter()
            .map(|n| text_width(n, NOTE_SIZE, Weight::Normal))
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
    pub(crate) fn truncate_to(&mut self, max_height: i32) {
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

    pub(crate) fn is_empty(&self) -> bool {
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
        if line.is_empty() || text_width(&candidate, NOTE_SIZE, Weight::Normal) <= width {
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

/// Writes the legend box with its top-left corner at `(x0, y0)`.
pub(crate) fn draw_legend(svg: &mut Svg, (x0, y0): (f64, f64), legend: &Legend) {
    if legend.is_empty() {
        return;
    }
    let (x1, y1) = (x0 + f64::from(legend.size.0), y0 + f64::from(legend.size.1));
    let paint = (Fill::new(WHITE).opacity(0.85), Stroke::new(AXIS, 1.0));
    svg.rect((x0 + 0.5, y0 + 0.5, x1 + 0.5, y1 + 0.5), paint);
    let x = x0 + f64::from(LEGEND_MARGIN);
    let line_h = f64::from(line_height());
    for (i, (text, sample)) in legend.entries.iter().enumerate() {
        let y = y0 + f64::from(LEGEND_MARGIN) + line_h * i as f64 + (line_h / 2.0).floor();
        draw_sample(svg, (x, y), *sample);
        let label = Label::new(text, LEGEND_SIZE, TEXT).anchor(HPos::Left, VPos::Center);
        svg.text(&label, (x + f64::from(LEGEND_SAMPLE_AREA), y));
    }
    let note_h = f64::from(note_height());
    let notes_top = y0 + f64::from(LEGEND_MARGIN) + line_h * legend.entries.len() as f64 + 6.0;
    for (i, note) in legend.notes.iter().enumerate() {
        let y = notes_top + note_h * i as f64 + (note_h / 2.0).floor();
        let label = Label::new(note, NOTE_SIZE, SUBTITLE).anchor(HPos::Left, VPos::Center);
        svg.text(&label, (x, y));
    }
}

/// What an entry shows left of its label, on the line through `(x, y)`.
fn draw_sample(svg: &mut Svg, (x, y): (f64, f64), sample: LegendSample) {
    let dash = |svg: &mut Svg, pieces: &[(f64, f64)], stroke: Stroke| {
        for &(a, b) in pieces {
            svg.line(&[(x + a, y), (x + b, y)], stroke);
        }
    };
    match sample {
        LegendSample::Series {
            color,
            style,
            shape,
            line,
        } => {
            let pieces: &[(f64, f64)] = match (line, style) {
                (false, _) | (true, SeriesStyle::Scatter) => &[],
                (true, SeriesStyle::Solid) => &[(0.0, 32.0)],
                (true, SeriesStyle::Dashed) => &[(0.0, 9.0), (23.0, 32.0)],
            };
            dash(svg, pieces, Stroke::new(color, LINE_WIDTH));
            let marker = Marker {
                shape,
                color,
                hollow: style == SeriesStyle::Dashed,
            };
            draw_marker(svg, (x + 16.0, y), marker);
        }
        LegendSample::Reference => dash(
            svg,
            &[(0.0, 10.0), (16.0, 26.0), (32.0, 34.0)],
            Stroke::new(REFERENCE, 2.0),
        ),
        LegendSample::Fit(colors) => {
            for (i, c) in colors.iter().enumerate() {
                let a = i as f64 * 13.0;
                dash(
                    svg,
                    &[(a, a + FIT_DASH.0)],
                    Stroke::new(*c, FIT_WIDTH + 1.0),
                );
            }
        }
        LegendSample::Hollow => {
            let marker = Marker {
                shape: Shape::Circle,
                color: SUBTITLE,
                hollow: true,
            };
            draw_marker(svg, (x + 16.0, y), marker);
        }
    }
}
