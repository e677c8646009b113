//! parabench's charts: data in, PNG and SVG out.
//!
//! A chart is plain data ([`Figure`]: a [`Chart`] of series over numbers, or a [`Gantt`]
//! timeline of bars), built by the caller from whatever it measured. [`draw`] turns it into
//! one SVG document and the same picture as PNG; nothing here reads or writes files.
//!
//! Drawing a line chart first computes a plan (ranges, ticks, units, clipped lines, where the
//! legend and labels go: `layout`), then writes it as SVG (`lines`, `legend`, through the
//! writer in `svg`); timelines are laid out in `lanes` and written by `gantt`. The PNG is the
//! same drawing rasterised with resvg (`raster`), its text written as the embedded font's
//! glyph outlines, laid out with the metrics the layout measured with (`text`): one drawing,
//! one text layout. [`describe`] writes the plan as text, for snapshot tests.

mod axes;
pub mod describe;
mod format;
mod gantt;
mod geometry;
mod lanes;
mod layout;
mod legend;
mod lines;
mod notes;
mod place;
mod plan;
mod raster;
mod shapes;
mod style;
mod svg;
mod text;

pub use plan::*;
use svg::TextAs;

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SVG did not parse (a bug in the writer).
    #[error("the chart's SVG is invalid: {0}")]
    Svg(String),
    #[error("a chart of {width}x{height} pixels cannot be drawn")]
    Size { width: u32, height: u32 },
    #[error("encoding the chart's PNG failed: {0}")]
    Png(String),
}

/// A figure as files: the SVG document and the same picture as PNG.
pub struct Drawing {
    pub svg: String,
    pub png: Vec<u8>,
}

/// Draws `figure` as SVG and PNG (line charts 1200x750 pixels; a timeline's height follows
/// its rows).
pub fn draw(figure: &Figure) -> Result<Drawing, Error> {
    let svg = document(figure, TextAs::Elements);
    let png = raster::png(&document(figure, TextAs::Outlines))?;
    Ok(Drawing { svg, png })
}

/// The SVG document of `figure`.
pub fn svg(figure: &Figure) -> String {
    document(figure, TextAs::Elements)
}

fn document(figure: &Figure, text: TextAs) -> String {
    match figure {
        Figure::Lines(chart) => lines::draw(&layout::Plan::new(chart), text),
        Figure::Gantt(gantt) => gantt::draw(gantt, &lanes::Layout::new(gantt), text),
    }
}

#[cfg(test)]
mod tests;
