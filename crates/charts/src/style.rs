//! Sizes, colours and line styles shared by every chart the renderer draws: one place to
//! change the look of all of them.

/// A colour, written `#rrggbb` in the SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u8, pub(crate) u8, pub(crate) u8);

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

pub(crate) const WHITE: Rgb = Rgb(255, 255, 255);

/// Image size in pixels (PNG) and in user units (SVG).
pub(crate) const WIDTH: u32 = 1200;
pub(crate) const HEIGHT: u32 = 750;

pub(crate) const TITLE_SIZE: f64 = 28.0;
pub(crate) const SUBTITLE_SIZE: f64 = 18.0;
pub(crate) const AXIS_DESC_SIZE: f64 = 20.0;
pub(crate) const TICK_SIZE: f64 = 16.0;
pub(crate) const LEGEND_SIZE: f64 = 17.0;
pub(crate) const MARKER_LABEL_SIZE: f64 = 16.0;
/// Notes under the legend entries.
pub(crate) const NOTE_SIZE: f64 = 14.0;

pub(crate) const TEXT: Rgb = Rgb(25, 25, 25);
pub(crate) const SUBTITLE: Rgb = Rgb(85, 85, 85);
pub(crate) const AXIS: Rgb = Rgb(60, 60, 60);
pub(crate) const GRID: Rgb = Rgb(222, 222, 222);
pub(crate) const GRID_LIGHT: Rgb = Rgb(240, 240, 240);
pub(crate) const REFERENCE: Rgb = Rgb(130, 130, 130);
/// The core-count line: lighter than the data, and drawn under it, so error bars at the core
/// count stay visible on top of it.
pub(crate) const MARKER: Rgb = Rgb(150, 150, 150);
pub(crate) const MARKER_TEXT: Rgb = Rgb(95, 95, 95);
/// Legend sample of fitted curves when there are none to take colours from.
pub(crate) const FIT_SAMPLE: Rgb = Rgb(90, 90, 90);
/// Tint of the prediction region and colour of its label.
pub(crate) const PREDICTION_FILL: Rgb = Rgb(236, 240, 246);
pub(crate) const PREDICTION_TEXT: Rgb = Rgb(90, 105, 130);

/// Series stroke width and marker radius in pixels.
pub(crate) const LINE_WIDTH: f64 = 3.0;
pub(crate) const POINT_RADIUS: f64 = 5.0;
/// Fitted curves: thinner than the data, with short dashes (the reference has long ones).
pub(crate) const FIT_WIDTH: f64 = 2.0;
pub(crate) const FIT_DASH: (f64, f64) = (7.0, 6.0);

/// Legend geometry: room for the line sample, and padding inside the box.
pub(crate) const LEGEND_SAMPLE_AREA: i32 = 44;
pub(crate) const LEGEND_MARGIN: i32 = 10;
/// Space between the plot area and the legend box on its right.
pub(crate) const LEGEND_GAP: i32 = 18;

/// Colour-blind-friendly palette: Okabe-Ito (without the hard-to-see yellow) followed by
/// Tableau colours that stay distinguishable from them.
pub(crate) const PALETTE: [Rgb; 10] = [
    Rgb(0, 114, 178),   // blue
    Rgb(213, 94, 0),    // vermillion
    Rgb(0, 158, 115),   // bluish green
    Rgb(204, 121, 167), // reddish purple
    Rgb(230, 159, 0),   // orange
    Rgb(86, 180, 233),  // sky blue
    Rgb(0, 0, 0),       // black
    Rgb(140, 86, 75),   // brown
    Rgb(148, 103, 189), // violet
    Rgb(188, 189, 34),  // olive
];

/// The stable colour of a series; `index` wraps around the palette.
pub(crate) fn color(index: usize) -> Rgb {
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
