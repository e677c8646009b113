//! Point markers: each series gets a shape as well as a colour (by its colour index, so a
//! model keeps its shape on every chart of a run), so lines that run together stay apart and
//! charts read in greyscale. Markers are filled, or hollow for points that are shown but not
//! what the chart is about (a comparison's base run, oversubscribed cells).

use crate::style::{Rgb, POINT_RADIUS, WHITE};
use crate::svg::{Fill, Paint, Stroke, Svg};

/// The marker shapes, in the order colour indexes take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Plus,
    Cross,
}

/// Seven shapes: a run's first seven models (the built-in ones) all differ.
const SHAPES: [Shape; 7] = [
    Shape::Circle,
    Shape::Square,
    Shape::TriangleUp,
    Shape::Diamond,
    Shape::TriangleDown,
    Shape::Plus,
    Shape::Cross,
];

impl Shape {
    /// The stable shape of colour index `index`.
    pub(crate) fn of(index: usize) -> Shape {
        SHAPES[index % SHAPES.len()]
    }

    /// The outline around (0, 0), `r` pixels from the centre (circles are drawn as circles).
    fn outline(self, r: f64) -> Vec<(f64, f64)> {
        let polygon = |n: usize, start: f64| -> Vec<(f64, f64)> {
            (0..n)
                .map(|i| {
                    let a = start + std::f64::consts::TAU * i as f64 / n as f64;
                    (r * a.cos(), r * a.sin())
                })
                .collect()
        };
        match self {
            Shape::Circle => polygon(20, 0.0),
            Shape::Square => {
                let h = r * 0.85;
                vec![(-h, -h), (h, -h), (h, h), (-h, h)]
            }
            // Triangles are larger than r: their area matches the others'.
            Shape::TriangleUp => polygon(3, -std::f64::consts::FRAC_PI_2)
                .into_iter()
                .map(|(x, y)| (x * 1.25, y * 1.25 + r * 0.15))
                .collect(),
            Shape::TriangleDown => polygon(3, std::f64::consts::FRAC_PI_2)
                .into_iter()
                .map(|(x, y)| (x * 1.25, y * 1.25 - r * 0.15))
                .collect(),
            Shape::Diamond => polygon(4, 0.0)
                .into_iter()
                .map(|(x, y)| (x * 1.15, y * 1.15))
                .collect(),
            Shape::Cross => {
                // The plus turned by 45 degrees.
                let turn = std::f64::consts::FRAC_1_SQRT_2;
                Shape::Plus
                    .outline(r)
                    .into_iter()
                    .map(|(x, y)| ((x - y) * turn, (x + y) * turn))
                    .collect()
            }
            Shape::Plus => {
                let (a, b) = (r * 1.1, r * 0.42);
                vec![
                    (-b, -a),
                    (b, -a),
                    (b, -b),
                    (a, -b),
                    (a, b),
                    (b, b),
                    (b, a),
                    (-b, a),
                    (-b, b),
                    (-a, b),
                    (-a, -b),
                    (-b, -b),
                ]
            }
        }
    }
}

/// One marker: its shape, colour and fill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Marker {
    pub(crate) shape: Shape,
    pub(crate) color: Rgb,
    /// A white inside and a coloured outline rather than filled.
    pub(crate) hollow: bool,
}

/// Draws `shape` centred at `(x, y)`, `r` pixels from the centre.
fn outline(svg: &mut Svg, shape: Shape, (x, y): (f64, f64), r: f64, paint: impl Into<Paint>) {
    match shape {
        Shape::Circle => svg.circle((x, y), r, paint),
        _ => {
            let pts: Vec<(f64, f64)> = shape
                .outline(r)
                .into_iter()
                .map(|(a, b)| (x + a, y + b))
                .collect();
            svg.polygon(&pts, paint);
        }
    }
}

/// Draws `marker` centred at pixel `at`, on a white halo so it stands out from lines and
/// markers beneath it.
pub(crate) fn draw_marker(svg: &mut Svg, at: (f64, f64), marker: Marker) {
    // Hollow markers are a little larger, so their white inside shows at this size.
    let r = if marker.hollow {
        POINT_RADIUS + 1.0
    } else {
        POINT_RADIUS
    };
    outline(svg, marker.shape, at, r + 1.5, Fill::new(WHITE));
    if marker.hollow {
        let ring = Stroke::new(marker.color, 2.0);
        outline(svg, marker.shape, at, r - 0.5, (Fill::new(WHITE), ring));
    } else {
        outline(svg, marker.shape, at, r, Fill::new(marker.color));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_colours_get_different_shapes() {
        for i in 0..SHAPES.len() {
            assert_ne!(Shape::of(i), Shape::of(i + 1));
        }
        assert_eq!(Shape::of(SHAPES.len()), Shape::Circle);
        for s in SHAPES {
            assert!(s.outline(5.0).len() >= 3);
        }
    }
}
