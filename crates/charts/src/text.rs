//! Text: the embedded fonts (DejaVu Sans, regular and bold), text width from their glyph
//! metrics (so layout needs no system fonts), fitting text into a width, text as glyph
//! outlines (for the PNG), and the [`Label`] the SVG writer draws.
//!
//! Sizes are text heights in pixels (ascender to descender), not CSS em sizes: a label of
//! size 16 is as tall as 16 pixels of DejaVu's line. [`em`] converts for the SVG.

use std::fmt::Write;
use std::sync::OnceLock;

/// The family the SVG names: the embedded font, else the reader's sans-serif.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

pub(crate) static FONT_BYTES_REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub(crate) static FONT_BYTES_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// Regular or bold text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Normal,
    Bold,
}

/// Horizontal metrics of an embedded font, read with `ttf-parser`.
struct Metrics {
    face: ttf_parser::Face<'static>,
    /// Ascender minus descender in font units: a text's size is this height.
    height: f64,
    units_per_em: f64,
}

impl Metrics {
    fn parse(data: &'static [u8]) -> Option<Metrics> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let height = f64::from(face.ascender()) - f64::from(face.descender());
        let units_per_em = f64::from(face.units_per_em());
        (height > 0.0 && units_per_em > 0.0).then_some(Metrics {
            face,
            height,
            units_per_em,
        })
    }

    /// The glyph of `c`; 0 (the font's "missing" glyph) when it has none.
    fn glyph(&self, c: char) -> ttf_parser::GlyphId {
        self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0))
    }

    /// Horizontal kerning of a glyph pair from the first horizontal, non-variable `kern`
    /// subtable that has the pair.
    fn kerning(&self, left: ttf_parser::GlyphId, right: ttf_parser::GlyphId) -> f32 {
        self.face
            .tables()
            .kern
            .iter()
            .flat_map(|k| k.subtables)
            .filter(|st| st.horizontal && !st.variable)
            .find_map(|st| st.glyphs_kerning(left, right))
            .map_or(0.0, f32::from)
    }

    /// Glyph advances plus kerning, in whole pixels (the `f32` arithmetic of the layouts the
    /// chart snapshots were taken with).
    fn width_px(&self, text: &str, size: f64) -> i32 {
        let scale = size as f32 / self.height as f32;
        let mut width = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let g = self.glyph(c);
            width += scale * f32::from(self.face.glyph_hor_advance(g).unwrap_or(0));
            if let Some(p) = prev {
                width += scale * self.kerning(p, g);
            }
            prev = Some(g);
        }
        (width as i32).abs()
    }
}

/// Writes a glyph outline as SVG path data, in pixels: `scale` pixels per font unit, the pen
/// at `x` on the baseline (y = 0; font units point up, SVG's down).
struct PathData<'a> {
    d: &'a mut String,
    x: f64,
    scale: f64,
}

impl PathData<'_> {
    fn point(&mut self, x: f32, y: f32) {
        let (x, y) = (
            self.x + f64::from(x) * self.scale,
            -f64::from(y) * self.scale,
        );
        let _ = write!(self.d, "{:.2} {:.2} ", x, y);
    }
}

impl ttf_parser::OutlineBuilder for PathData<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.point(x1, y1);
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.point(x1, y1);
        self.point(x2, y2);
        self.point(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// `text` at size `size` as SVG path data, its baseline starting at (0, 0), and its width in
/// pixels: glyphs placed by advance and kerning exactly as [`text_width`] measures them.
pub(crate) fn outline(text: &str, size: f64, weight: Weight) -> (String, f64) {
    let mut d = String::new();
    let Some(m) = metrics(weight) else {
        return (d, f64::from(text_width(text, size, weight)));
    };
    let scale = size / m.height;
    let mut x = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let g = m.glyph(c);
        if let Some(p) = prev {
            x += scale * f64::from(m.kerning(p, g));
        }
        let mut path = PathData {
            d: &mut d,
            x,
            scale,
        };
        m.face.outline_glyph(g, &mut path);
        x += scale * f64::from(m.face.glyph_hor_advance(g).unwrap_or(0));
        prev = Some(g);
    }
    (d, x)
}

/// The metrics of the embedded font of `weight`, parsed once.
fn metrics(weight: Weight) -> Option<&'static Metrics> {
    static REGULAR: OnceLock<Option<Metrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<Metrics>> = OnceLock::new();
    match weight {
        Weight::Bold => BOLD.get_or_init(|| Metrics::parse(FONT_BYTES_BOLD)),
        Weight::Normal => REGULAR.get_or_init(|| Metrics::parse(FONT_BYTES_REGULAR)),
    }
    .as_ref()
}

/// Width of `text` in whole pixels at size `size`.
pub(crate) fn text_width(text: &str, size: f64, weight: Weight) -> i32 {
    match metrics(weight) {
        Some(m) => m.width_px(text, size),
        // Only if the embedded font failed to parse (a test checks that it does not).
        None => (text.chars().count() as f64 * size * 0.6) as i32,
    }
}

/// The CSS font size (em, in pixels) of text of size `size`.
pub(crate) fn em(size: f64) -> f64 {
    match metrics(Weight::Normal) {
        Some(m) => size * m.units_per_em / m.height,
        None => size,
    }
}

/// The largest font size (down to `min`) at which `text` fits in `max_width`; the text is
/// shortened with an ellipsis if it does not fit even then.
pub(crate) fn fit_text(
    text: &str,
    size: f64,
    min: f64,
    weight: Weight,
    max_width: i32,
) -> (String, f64) {
    let mut s = size;
    while s > min && text_width(text, s, weight) > max_width {
        s -= 1.0;
    }
    if text_width(text, s, weight) <= max_width {
        return (text.to_string(), s);
    }
    // Longest prefix that fits with an ellipsis (binary search: titles can be long).
    let chars: Vec<char> = text.chars().collect();
    let shortened = |n: usize| -> String {
        let mut t: String = chars[..n].iter().collect();
        t.truncate(t.trim_end().len());
        t.push('…');
        t
    };
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(&shortened(mid), s, weight) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (shortened(lo), s)
}

/// Where a label's anchor is, along the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HPos {
    Left,
    Center,
    Right,
}

/// Where a label's anchor is, across the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VPos {
    Top,
    Center,
}

/// One piece of text to draw.
pub(crate) struct Label<'t> {
    pub(crate) text: &'t str,
    pub(crate) size: f64,
    pub(crate) weight: Weight,
    pub(crate) color: crate::style::Rgb,
    pub(crate) h: HPos,
    pub(crate) v: VPos,
    /// Rotated to read bottom to top (y axis title).
    pub(crate) vertical: bool,
}

impl<'t> Label<'t> {
    pub(crate) fn new(text: &'t str, size: f64, color: crate::style::Rgb) -> Label<'t> {
        Label {
            text,
            size,
            weight: Weight::Normal,
            color,
            h: HPos::Left,
            v: VPos::Top,
            vertical: false,
        }
    }

    pub(crate) fn bold(mut self) -> Self {
        self.weight = Weight::Bold;
        self
    }

    pub(crate) fn anchor(mut self, h: HPos, v: VPos) -> Self {
        self.h = h;
        self.v = v;
        self
    }

    pub(crate) fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }

    /// Baseline position below the anchor, in pixels: `Top` puts the tops of capitals at the
    /// anchor, `Center` centres capitals and digits on it.
    pub(crate) fn baseline(&self) -> f64 {
        let em = match self.v {
            VPos::Top => 0.62,
            VPos::Center => 0.30,
        };
        em * self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fonts_parse() {
        assert!(metrics(Weight::Normal).is_some());
        assert!(metrics(Weight::Bold).is_some());
        // DejaVu's line is 2384 of its 2048 units per em.
        assert!((em(23.28125) - 20.0).abs() < 1e-9, "{}", em(23.28125));
    }

    #[test]
    fn long_titles_are_shortened_to_fit() {
        let (t, size) = fit_text(&"word ".repeat(100), 28.0, 16.0, Weight::Bold, 500);
        assert_eq!(size, 16.0);
        assert!(t.ends_with('…'));
        assert!(text_width(&t, size, Weight::Bold) <= 500);
        let (t, size) = fit_text("short", 28.0, 16.0, Weight::Bold, 500);
        assert_eq!((t.as_str(), size), ("short", 28.0));
    }
}
