//! Text: the embedded fonts (DejaVu Sans, regular and bold, registered once, so rendering
//! needs no fontconfig or system fonts), text width from their glyph metrics, fitting text
//! into a width, and drawing labels the same way in PNG and SVG.

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontStyle, FontTransform};

/// The family name the embedded fonts are registered under.
const FONT: &str = "sans-serif";

pub(super) static FONT_BYTES_REGULAR: &[u8] =
    include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
pub(super) static FONT_BYTES_BOLD: &[u8] =
    include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts with plotters, once per process.
pub(super) fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, FONT_BYTES_REGULAR)
                .map_err(|_| "embedded font DejaVuSans.ttf is invalid".to_string())?;
            register_font(FONT, FontStyle::Bold, FONT_BYTES_BOLD)
                .map_err(|_| "embedded font DejaVuSans-Bold.ttf is invalid".to_string())?;
            Ok(())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

pub(super) fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, style)
}

/// Width of `text` in whole pixels at plotters font size `size`: glyph advances plus kerning,
/// computed exactly as plotters' ab_glyph backend lays the text out (same units, same `f32`
/// arithmetic, truncated the same way), so widths agree with what the bitmap backend draws.
pub(super) fn text_width(text: &str, size: f64, style: FontStyle) -> i32 {
    match metrics(style) {
        Some(m) => m.width_px(text, size),
        // Only if the embedded font failed to parse (then nothing renders text anyway).
        None => (text.chars().count() as f64 * size * 0.6) as i32,
    }
}

/// Horizontal metrics of an embedded font, read with `ttf-parser`.
///
/// plotters' ab_glyph renderer places each glyph's ink at the pen position, dropping the
/// glyph's left side bearing, which makes bitmap text look unevenly spaced ("prim es"). The
/// bitmap pen therefore draws text glyph by glyph, shifted by the bearing read here.
pub(super) struct Metrics {
    face: ttf_parser::Face<'static>,
    /// Ascender minus descender in font units: ab_glyph scales this to the font size.
    height: f64,
}

impl Metrics {
    fn parse(data: &'static [u8]) -> Option<Metrics> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let height = f64::from(face.ascender()) - f64::from(face.descender());
        (height > 0.0).then_some(Metrics { face, height })
    }

    /// The glyph of `c`; 0 (the font's "missing" glyph) when it has none, as ab_glyph does.
    fn glyph(&self, c: char) -> ttf_parser::GlyphId {
        self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0))
    }

    /// Horizontal kerning of a glyph pair from the first horizontal, non-variable `kern`
    /// subtable that has the pair (the subtables ab_glyph consults).
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

    /// Left side bearing of `c` in whole pixels at plotters font size `size`, as ab_glyph
    /// would offset the glyph's ink.
    pub(super) fn bearing_px(&self, c: char, size: f64) -> i32 {
        let lsb = self
            .face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_side_bearing(g));
        lsb.map_or(0, |l| (f64::from(l) * size / self.height).floor() as i32)
    }
}

/// The metrics of the embedded font of `style`, parsed once.
pub(super) fn metrics(style: FontStyle) -> Option<&'static Metrics> {
    static REGULAR: OnceLock<Option<Metrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<Metrics>> = OnceLock::new();
    match style {
        FontStyle::Bold => BOLD.get_or_init(|| Metrics::parse(FONT_BYTES_BOLD)),
        _ => REGULAR.get_or_init(|| Metrics::parse(FONT_BYTES_REGULAR)),
    }
    .as_ref()
}

/// The largest font size (down to `min`) at which `text` fits in `max_width`; the text is
/// shortened with an ellipsis if it does not fit even then.
pub(super) fn fit_text(
    text: &str,
    size: f64,
    min: f64,
    style: FontStyle,
    max_width: i32,
) -> (String, f64) {
    let mut s = size;
    while s > min && text_width(text, s, style) > max_width {
        s -= 1.0;
    }
    if text_width(text, s, style) <= max_width {
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
        if text_width(&shortened(mid), s, style) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (shortened(lo), s)
}

/// Text drawing for one output: SVG gets real `<text>` elements; bitmaps get text drawn glyph
/// by glyph with correct bearings (see [`Metrics`]).
#[derive(Clone, Copy)]
pub(super) struct Pen {
    pub(super) bitmap: bool,
}

/// One piece of text to draw.
pub(super) struct Label<'t> {
    pub(super) text: &'t str,
    pub(super) size: f64,
    pub(super) style: FontStyle,
    pub(super) color: RGBColor,
    pub(super) h: HPos,
    pub(super) v: VPos,
    /// Rotated to read bottom to top (y axis title).
    pub(super) vertical: bool,
}

impl<'t> Label<'t> {
    pub(super) fn new(text: &'t str, size: f64, color: RGBColor) -> Label<'t> {
        Label {
            text,
            size,
            style: FontStyle::Normal,
            color,
            h: HPos::Left,
            v: VPos::Top,
            vertical: false,
        }
    }

    pub(super) fn bold(mut self) -> Self {
        self.style = FontStyle::Bold;
        self
    }

    pub(super) fn anchor(mut self, h: HPos, v: VPos) -> Self {
        self.h = h;
        self.v = v;
        self
    }

    pub(super) fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }

    pub(super) fn text_style(&self, h: HPos) -> TextStyle<'static> {
        let style = font(self.size, self.style)
            .color(&self.color)
            .pos(Pos::new(h, VPos::Top));
        if self.vertical {
            style.transform(FontTransform::Rotate270)
        } else {
            style
        }
    }

    /// Baseline position below the anchor, in pixels: `Top` puts the tops of capitals at the
    /// anchor, `Center` centres capitals and digits on it, `Bottom` puts descenders on it.
    pub(super) fn baseline(&self) -> f64 {
        let em = match self.v {
            VPos::Top => 0.62,
            VPos::Center => 0.30,
            VPos::Bottom => -0.20,
        };
        em * self.size
    }
}

impl Pen {
    pub(super) fn draw<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        label: &Label,
        (x, y): (i32, i32),
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        if label.text.is_empty() {
            return Ok(());
        }
        let metrics = metrics(label.style).filter(|_| self.bitmap);

        // Everything is drawn top-anchored and shifted so both backends agree on the baseline:
        // SVG puts it 0.76 em below the anchor (plotters' em is size / 1.24), ab_glyph at half
        // the size.
        let native = if metrics.is_some() { 0.5 } else { 0.76 / 1.24 };
        let shift = (label.baseline() - native * label.size).round() as i32;
        let (x, y) = if label.vertical {
            (x + shift, y)
        } else {
            (x, y + shift)
        };

        let Some(metrics) = metrics else {
            return area.draw(&Text::new(
                label.text.to_string(),
                (x, y),
                label.text_style(label.h),
            ));
        };
        let total = text_width(label.text, label.size, label.style);
        let start = match label.h {
            HPos::Left => 0,
            HPos::Center => -total / 2,
            HPos::Right => -total,
        };
        let style = label.text_style(HPos::Left);
        let mut prefix = String::with_capacity(label.text.len());
        for c in label.text.chars() {
            let advance = text_width(&prefix, label.size, label.style);
            prefix.push(c);
            if c.is_whitespace() {
                continue;
            }
            let offset = start + advance + metrics.bearing_px(c, label.size);
            let at = if label.vertical {
                (x, y - offset)
            } else {
                (x + offset, y)
            };
            area.draw(&Text::new(c.to_string(), at, style.clone()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_shortened_to_fit() {
        ensure_fonts().unwrap();
        let (t, size) = fit_text(&"word ".repeat(100), 28.0, 16.0, FontStyle::Bold, 500);
        assert_eq!(size, 16.0);
        assert!(t.ends_with('…'));
        assert!(text_width(&t, size, FontStyle::Bold) <= 500);
        let (t, size) = fit_text("short", 28.0, 16.0, FontStyle::Bold, 500);
        assert_eq!((t.as_str(), size), ("short", 28.0));
    }
}
