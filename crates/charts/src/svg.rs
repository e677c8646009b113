//! The one drawing: an SVG document written element by element. Everything the charts draw
//! is a rectangle, a line (solid or dashed), a polygon, a circle or a text label; the PNG is
//! this same drawing rasterised ([`crate::raster`]), so both files show the same picture and
//! text is laid out once.
//!
//! In the SVG file text is `<text>` naming the font family (not embedding it: a browser uses
//! DejaVu Sans when installed and its own sans-serif otherwise). For the PNG the same labels
//! are written as the embedded font's glyph outlines ([`TextAs::Outlines`]).

use std::fmt::Write;

use crate::style::Rgb;
use crate::text::{em, outline, HPos, Label, Weight, FONT_FAMILY};

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stroke {
    pub(crate) color: Rgb,
    pub(crate) width: f64,
    /// Dash and gap lengths in pixels; `None` is a solid line.
    pub(crate) dash: Option<(f64, f64)>,
    pub(crate) opacity: f64,
}

impl Stroke {
    pub(crate) fn new(color: Rgb, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
            opacity: 1.0,
        }
    }

    pub(crate) fn dashed(mut self, dash: f64, gap: f64) -> Stroke {
        self.dash = Some((dash, gap));
        self
    }

    pub(crate) fn opacity(mut self, opacity: f64) -> Stroke {
        self.opacity = opacity;
        self
    }

    fn attributes(&self) -> String {
        let mut a = format!(
            r#"stroke="{}" stroke-width="{}""#,
            self.color,
            n(self.width)
        );
        if let Some((dash, gap)) = self.dash {
            let _ = write!(a, r#" stroke-dasharray="{} {}""#, n(dash), n(gap));
        }
        if self.opacity < 1.0 {
            let _ = write!(a, r#" stroke-opacity="{}""#, n(self.opacity));
        }
        a
    }
}

/// How a shape is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fill {
    pub(crate) color: Rgb,
    pub(crate) opacity: f64,
}

impl Fill {
    pub(crate) fn new(color: Rgb) -> Fill {
        Fill {
            color,
            opacity: 1.0,
        }
    }

    pub(crate) fn opacity(mut self, opacity: f64) -> Fill {
        self.opacity = opacity;
        self
    }

    fn attributes(&self) -> String {
        if self.opacity < 1.0 {
            format!(
                r#"fill="{}" fill-opacity="{}""#,
                self.color,
                n(self.opacity)
            )
        } else {
            format!(r#"fill="{}""#, self.color)
        }
    }
}

/// A number in the document: at most two decimals, without trailing zeros.
fn n(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn points(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|&(x, y)| format!("{},{}", n(x), n(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text with the characters XML reserves escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// How a shape is painted: filled, outlined, or both (`(Fill, Stroke)`).
pub(crate) struct Paint(Option<Fill>, Option<Stroke>);

impl From<Fill> for Paint {
    fn from(f: Fill) -> Paint {
        Paint(Some(f), None)
    }
}

impl From<Stroke> for Paint {
    fn from(s: Stroke) -> Paint {
        Paint(None, Some(s))
    }
}

impl From<(Fill, Stroke)> for Paint {
    fn from((f, s): (Fill, Stroke)) -> Paint {
        Paint(Some(f), Some(s))
    }
}

impl Paint {
    fn attributes(&self) -> String {
        let fill = self
            .0
            .map_or_else(|| r#"fill="none""#.to_string(), |f| f.attributes());
        self.1
            .map_or(fill.clone(), |s| format!("{fill} {}", s.attributes()))
    }
}

/// How labels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextAs {
    /// `<text>` elements: selectable, searchable, small (the SVG file).
    Elements,
    /// Filled glyph outlines of the embedded font (what the PNG is rasterised from).
    Outlines,
}

/// An SVG document being written, on a white background.
pub(crate) struct Svg {
    out: String,
    text: TextAs,
}

impl Svg {
    pub(crate) fn new(width: f64, height: f64, text: TextAs) -> Svg {
        let (w, h) = (n(width), n(height));
        let mut svg = Svg {
            out: format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#
            ),
            text,
        };
        svg.out.push('\n');
        svg.rect((0.0, 0.0, width, height), Fill::new(crate::style::WHITE));
        svg
    }

    /// A rectangle from `(x0, y0)` to `(x1, y1)`.
    pub(crate) fn rect(&mut self, (x0, y0, x1, y1): (f64, f64, f64, f64), paint: impl Into<Paint>) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {}/>"#,
            n(x0.min(x1)),
            n(y0.min(y1)),
            n((x1 - x0).abs()),
            n((y1 - y0).abs()),
            paint.into().attributes()
        );
    }

    /// A line through `pts` (nothing for fewer than two points).
    pub(crate) fn line(&mut self, pts: &[(f64, f64)], stroke: Stroke) {
        let stroke = Paint::from(stroke).attributes();
        let _ = match pts {
            [] | [_] => Ok(()),
            [(x1, y1), (x2, y2)] => writeln!(
                self.out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {stroke}/>"#,
                n(*x1),
                n(*y1),
                n(*x2),
                n(*y2)
            ),
            _ => writeln!(
                self.out,
                r#"<polyline points="{}" stroke-linejoin="round" {stroke}/>"#,
                points(pts)
            ),
        };
    }

    pub(crate) fn polygon(&mut self, pts: &[(f64, f64)], paint: impl Into<Paint>) {
        let _ = writeln!(
            self.out,
            r#"<polygon points="{}" {}/>"#,
            points(pts),
            paint.into().attributes()
        );
    }

    pub(crate) fn circle(&mut self, (x, y): (f64, f64), r: f64, paint: impl Into<Paint>) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" {}/>"#,
            n(x),
            n(y),
            n(r),
            paint.into().attributes()
        );
    }

    /// A label anchored at `(x, y)` (see [`Label::baseline`]).
    pub(crate) fn text(&mut self, label: &Label, (x, y): (f64, f64)) {
        if label.text.is_empty() {
            return;
        }
        let anchor = match label.h {
            HPos::Left => "",
            HPos::Center => r#" text-anchor="middle""#,
            HPos::Right => r#" text-anchor="end""#,
        };
        let weight = match label.weight {
            Weight::Normal => "",
            Weight::Bold => r#" font-weight="bold""#,
        };
        if self.text == TextAs::Outlines {
            self.outlined(label, (x, y));
            return;
        }
        // Rotated a quarter turn back, the text's "down" is the page's right.
        let (bx, by, turn) = if label.vertical {
            (
                x + label.baseline(),
                y,
                format!(
                    r#" transform="rotate(-90 {} {})""#,
                    n(x + label.baseline()),
                    n(y)
                ),
            )
        } else {
            (x, y + label.baseline(), String::new())
        };
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}"{anchor}{weight}{turn}>{}</text>"#,
            n(bx),
            n(by),
            n(em(label.size)),
            label.color,
            escape(label.text)
        );
    }

    /// A label as one path of glyph outlines, placed and turned like the `<text>` element.
    fn outlined(&mut self, label: &Label, (x, y): (f64, f64)) {
        let (d, width) = outline(label.text, label.size, label.weight);
        let along = match label.h {
            HPos::Left => 0.0,
            HPos::Center => width / 2.0,
            HPos::Right => width,
        };
        let (bx, by, turn) = if label.vertical {
            (x + label.baseline(), y, " rotate(-90)")
        } else {
            (x, y + label.baseline(), "")
        };
        let _ = writeln!(
            self.out,
            r#"<path d="{d}" fill="{}" transform="translate({} {}){turn} translate({} 0)"/>"#,
            label.color,
            n(bx),
            n(by),
            n(-along)
        );
    }

    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_are_written_plainly() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(2.456), "2.46");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
        let mut svg = Svg::new(10.0, 10.0, TextAs::Elements);
        svg.line(&[(0.0, 0.0)], Stroke::new(Rgb(0, 0, 0), 1.0));
        let doc = svg.finish();
        assert!(
            !doc.contains("<polyline") && !doc.contains("<line"),
            "{doc}"
        );
    }
}
