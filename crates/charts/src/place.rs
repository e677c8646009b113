//! Where things go in pixels: the frame of a line chart (title, plot area, axis label areas,
//! legend) sized from the actual texts, and the placement of the labels drawn inside or above
//! the plot ("prediction", the core count) where they touch no line, bar, marker or other
//! label.

use crate::text::Weight;

use crate::geometry::{Rect, Scale};
use crate::layout::Plan;
use crate::legend::Legend;
use crate::plan::SeriesStyle;
use crate::style::*;
use crate::text::{fit_text, text_width};

/// Gap between tick marks and their labels.
pub(crate) const TICK_GAP: i32 = 11;
/// Space kept free between a placed label and anything drawn.
const CLEARANCE: f64 = 3.0;

/// The pixel geometry of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frame {
    /// Title and subtitle as drawn (shortened to fit) with their font size and top.
    pub(crate) title: Option<(String, f64, i32)>,
    pub(crate) subtitle: Option<(String, f64, i32)>,
    /// Margins around the plot and the sizes of the label areas.
    pub(crate) top: i32,
    pub(crate) left: i32,
    pub(crate) bottom: i32,
    pub(crate) right: i32,
    pub(crate) x_area: i32,
    pub(crate) y_area: i32,
    /// Width of the widest y tick label.
    pub(crate) y_tick_width: i32,
    /// The plot area.
    pub(crate) plot: Rect,
    /// Top-left corner of the legend box.
    pub(crate) legend_at: (i32, i32),
}

impl Frame {
    /// Lays out a chart of `WIDTH` x `HEIGHT` pixels around its texts.
    pub(crate) fn new(
        title: &str,
        subtitle: &str,
        (x_title, y_title): (&str, &str),
        (x_labels, y_labels): (&[String], &[String]),
        legend: &Legend,
        has_marker: bool,
    ) -> Frame {
        let (w, h) = (WIDTH as i32, HEIGHT as i32);
        let mut top = 14;
        let title = (!title.is_empty()).then(|| {
            let (t, size) = fit_text(title, TITLE_SIZE, 16.0, Weight::Bold, w - 40);
            let at = top;
            top += size as i32 + 12;
            (t, size, at)
        });
        let subtitle = (!subtitle.is_empty()).then(|| {
            let (t, size) = fit_text(subtitle, SUBTITLE_SIZE, 11.0, Weight::Normal, w - 40);
            let at = top;
            top += size as i32 + 10;
            (t, size, at)
        });
        // Room above the plot for the marker label (and for the top y tick label).
        top += if has_marker { 30 } else { 12 };
        let y_tick_width = y_labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE, Weight::Normal))
            .max()
            .unwrap_or(0);
        let y_area = y_tick_width + TICK_GAP + if y_title.is_empty() { 8 } else { 44 };
        let x_area = TICK_SIZE as i32 + TICK_GAP + if x_title.is_empty() { 8 } else { 40 };
        let last_x_tick_half = x_labels
            .last()
            .map_or(0, |l| text_width(l, TICK_SIZE, Weight::Normal) / 2);
        let right = if legend.is_empty() {
            28.max(last_x_tick_half + 8)
        } else {
            legend.size.0 + LEGEND_GAP + 14
        };
        let (left, bottom) = (14, 12);
        let plot = Rect {
            x0: f64::from(left + y_area),
            y0: f64::from(top),
            x1: f64::from(w - right),
            y1: f64::from(h - bottom - x_area),
        };
        Frame {
            title,
            subtitle,
            top,
            left,
            bottom,
            right,
            x_area,
            y_area,
            y_tick_width,
            legend_at: (w - right + LEGEND_GAP, top),
            plot,
        }
    }

    /// The pixel position of data point `(x, y)` on axes `xs` and `ys`.
    pub(crate) fn at(&self, xs: Scale, ys: Scale, (x, y): (f64, f64)) -> (f64, f64) {
        let p = &self.plot;
        (
            p.x0 + xs.fraction(x) * (p.x1 - p.x0),
            p.y1 - ys.fraction(y) * (p.y1 - p.y0),
        )
    }
}

/// What a label must stay clear of, in pixels.
#[derive(Debug, Default)]
pub(crate) struct Obstacles {
    pub(crate) segments: Vec<((f64, f64), (f64, f64))>,
    pub(crate) boxes: Vec<Rect>,
}

impl Obstacles {
    /// Adds a drawn polyline.
    pub(crate) fn line(&mut self, pixels: &[(f64, f64)]) {
        self.segments
            .extend(pixels.windows(2).map(|w| (w[0], w[1])));
    }

    pub(crate) fn free(&self, r: &Rect) -> bool {
        let r = r.grow(CLEARANCE);
        !self.segments.iter().any(|&(a, b)| r.hit_by(a, b))
            && !self.boxes.iter().any(|b| b.overlaps(&r))
    }
}

/// Width and height in pixels of a label of `text` at font size `size`.
pub(crate) fn label_size(text: &str, size: f64) -> (f64, f64) {
    (
        f64::from(text_width(text, size, Weight::Normal)),
        size.round(),
    )
}

/// The first spot for a `w` x `h` label inside `area` (top corners first, then down its left
/// and right edges) that touches nothing in `obstacles`.
pub(crate) fn free_spot_in(area: Rect, (w, h): (f64, f64), obstacles: &Obstacles) -> Option<Rect> {
    let pad = 8.0;
    if area.x1 - area.x0 < w + 2.0 * pad || area.y1 - area.y0 < h + 2.0 * pad {
        return None;
    }
    let (left, right) = (area.x0 + pad, area.x1 - pad - w);
    let steps = ((area.y1 - area.y0 - h - 2.0 * pad) / h).floor().max(0.0) as usize;
    let ys = (0..=steps).map(|i| area.y0 + pad + i as f64 * h);
    ys.flat_map(|y| [Rect::new(left, y, w, h), Rect::new(right, y, w, h)])
        .find(|r| r.inside(&area) && obstacles.free(r))
}

impl Plan {
    /// Everything drawn in the plot that a label must not touch, in pixels: lines, markers
    /// (with the arrows of points above a break), error bars and the core-count line.
    pub(crate) fn obstacles(&self) -> Obstacles {
        let plot = self.frame.plot;
        let mut obstacles = Obstacles::default();
        for s in &self.series {
            // A scatter's points are not joined: only its markers are in the way.
            let joined = s.style != SeriesStyle::Scatter;
            for run in s.runs.iter().filter(|_| joined) {
                let px: Vec<(f64, f64)> = run.iter().map(|&p| self.pixel(p)).collect();
                obstacles.line(&px);
            }
            for p in &s.points {
                let (x, y) = self.pixel((p.x, p.y));
                let x = x + f64::from(p.dodge);
                let above = if p.above { 20.0 } else { 0.0 };
                obstacles
                    .boxes
                    .push(Rect::new(x - 7.0, y - 7.0 - above, 14.0, 14.0 + above));
            }
            for b in &s.bars {
                let (x, lo) = self.pixel((b.x, b.lo));
                let (_, hi) = self.pixel((b.x, b.hi));
                let x = x + f64::from(b.dodge);
                obstacles.boxes.push(Rect {
                    x0: x - 6.0,
                    y0: hi,
                    x1: x + 6.0,
                    y1: lo,
                });
            }
        }
        let lines: Vec<Vec<(f64, f64)>> = self
            .reference
            .iter()
            .flat_map(|r| r.1.iter())
            .chain(
                self.fits
                    .iter()
                    .flat_map(|f| f.curves.iter().flat_map(|c| c.1.iter())),
            )
            .map(|piece| piece.iter().map(|&p| self.pixel(p)).collect())
            .collect();
        for l in &lines {
            obstacles.line(l);
        }
        if let Some(m) = &self.marker {
            let (x, _) = self.pixel((m.x, self.y.lo));
            obstacles.line(&[(x, plot.y0), (x, plot.y1)]);
        }
        obstacles
    }

    /// The core-count label above the plot, centred on its line (kept inside the image);
    /// the prediction label at the first spot of its region that touches nothing drawn.
    pub(crate) fn place_labels(&mut self) {
        let plot = self.frame.plot;
        let mut obstacles = self.obstacles();
        if let Some(m) = &mut self.marker {
            let (x, _) = self
                .frame
                .at(self.x.scale(), self.y.scale(), (m.x, self.y.lo));
            if !m.label.is_empty() {
                // Centred on its line, else beside it (an arrow of a point above a break may
                // be in the way), kept inside the image.
                let (w, h) = label_size(&m.label, MARKER_LABEL_SIZE);
                let image = f64::from(WIDTH);
                let at = |left: f64| {
                    let left = left.clamp(6.0, (image - 6.0 - w).max(6.0));
                    Rect::new(left, plot.y0 - 8.0 - h, w, h)
                };
                let spot = [x - w / 2.0, x + 12.0, x - 12.0 - w]
                    .into_iter()
                    .map(at)
                    .find(|b| obstacles.free(b));
                if let Some(b) = spot {
                    obstacles.boxes.push(b);
                }
                m.label_box = spot;
            }
        }
        if let Some(region) = self.fits.as_mut().and_then(|f| f.region.as_mut()) {
            let (from, _) = self
                .frame
                .at(self.x.scale(), self.y.scale(), (region.from, self.y.lo));
            let size = label_size(&region.label, MARKER_LABEL_SIZE);
            let area = Rect {
                x0: from,
                y0: plot.y0,
                x1: plot.x1,
                y1: plot.y1,
            };
            region.label_box = free_spot_in(area, size, &obstacles).or_else(|| {
                // Above the plot, over the region, if the core-count label leaves room.
                let b = Rect::new(
                    ((from + plot.x1 - size.0) / 2.0).max(from),
                    plot.y0 - 8.0 - size.1,
                    size.0,
                    size.1,
                );
                (b.x1 <= f64::from(WIDTH) - 4.0 && obstacles.free(&b)).then_some(b)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_avoid_lines_and_boxes() {
        let area = Rect::new(0.0, 0.0, 200.0, 100.0);
        let mut o = Obstacles::default();
        // A line across the top of the area: the label goes below it.
        o.line(&[(0.0, 12.0), (200.0, 12.0)]);
        let spot = free_spot_in(area, (60.0, 16.0), &o).unwrap();
        assert!(spot.y0 > 12.0, "{spot:?}");
        // Nothing free: no spot.
        o.boxes.push(area);
        assert!(free_spot_in(area, (60.0, 16.0), &o).is_none());
        // Too small an area: no spot.
        let tiny = Rect::new(0.0, 0.0, 30.0, 100.0);
        assert!(free_spot_in(tiny, (60.0, 16.0), &Obstacles::default()).is_none());
    }
}
