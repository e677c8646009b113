//! Sizes, colours and line styles shared by every chart the renderer draws: one place to
//! change the look of all of them.

use plotters::style::RGBColor;

/// Image size in pixels (PNG) and in user units (SVG).
pub(super) const WIDTH: u32 = 1200;
pub(super) const HEIGHT: u32 = 750;

pub(super) const TITLE_SIZE: f64 = 28.0;
pub(super) const SUBTITLE_SIZE: f64 = 18.0;
pub(super) const AXIS_DESC_SIZE: f64 = 20.0;
pub(super) const TICK_SIZE: f64 = 16.0;
pub(super) const LEGEND_SIZE: f64 = 17.0;
pub(super) const MARKER_LABEL_SIZE: f64 = 16.0;
/// Notes under the legend entries.
pub(super) const NOTE_SIZE: f64 = 14.0;

pub(super) const TEXT: RGBColor = RGBColor(25, 25, 25);
pub(super) const SUBTITLE: RGBColor = RGBColor(85, 85, 85);
pub(super) const AXIS: RGBColor = RGBColor(60, 60, 60);
pub(super) const GRID: RGBColor = RGBColor(222, 222, 222);
pub(super) const GRID_LIGHT: RGBColor = RGBColor(240, 240, 240);
pub(super) const REFERENCE: RGBColor = RGBColor(130, 130, 130);
/// The core-count line: lighter than the data, and drawn under it, so error bars at the core
/// count stay visible on top of it.
pub(super) const MARKER: RGBColor = RGBColor(150, 150, 150);
pub(super) const MARKER_TEXT: RGBColor = RGBColor(95, 95, 95);
/// Legend sample of fitted curves when there are none to take colours from.
pub(super) const FIT_SAMPLE: RGBColor = RGBColor(90, 90, 90);
/// Tint of the prediction region and colour of its label.
pub(super) const PREDICTION_FILL: RGBColor = RGBColor(236, 240, 246);
pub(super) const PREDICTION_TEXT: RGBColor = RGBColor(90, 105, 130);

/// Series stroke width and marker radius in pixels.
pub(super) const LINE_WIDTH: u32 = 3;
pub(super) const POINT_RADIUS: f64 = 5.0;
/// Fitted curves: thinner than the data, with short dashes (the reference has long ones).
pub(super) const FIT_WIDTH: u32 = 2;
pub(super) const FIT_DASH: (i32, i32) = (7, 6);

/// Legend geometry: room for the line sample, and padding inside the box.
pub(super) const LEGEND_SAMPLE_AREA: i32 = 44;
pub(super) const LEGEND_MARGIN: i32 = 10;
/// Space between the plot area and the legend box on its right.
pub(super) const LEGEND_GAP: i32 = 18;

/// Colour-blind-friendly palette: Okabe-Ito (without the hard-to-see yellow) followed by
/// Tableau colours that stay distinguishable from them.
pub(super) const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(140, 86, 75),   // brown
    RGBColor(148, 103, 189), // violet
    RGBColor(188, 189, 34),  // olive
];

/// The stable colour of a series; `index` wraps around the palette.
pub(super) fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_distinct_and_wraps() {
        for i in 0..PALETTE.len() {
            for j in 0..i {
                assert_ne!(color(i), color(j));
            }
        }
        assert_eq!(color(PALETTE.len() + 2), color(2));
    }
}
