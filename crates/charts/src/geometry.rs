//! Geometry of drawn lines: clipping polylines to the plot (in axis space, so a line that is
//! straight on a log axis is cut where it really crosses the edge) and testing whether a
//! label's box would touch a line, a bar or a marker.

/// Pieces of a line, each a run of points drawn connected.
pub(crate) type Polyline = Vec<Vec<(f64, f64)>>;

/// Cuts a polyline to `lo <= x <= hi`, interpolating at the edges. Returns the visible pieces.
pub(crate) fn clip_polyline(points: &[(f64, f64)], lo: f64, hi: f64) -> Polyline {
    let inside = |x: f64| x >= lo && x <= hi;
    let lerp = |a: (f64, f64), b: (f64, f64), x: f64| {
        if (b.0 - a.0).abs() < f64::EPSILON {
            (x, a.1)
        } else {
            (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
        }
    };
    let mut pieces = vec![];
    let mut current: Vec<(f64, f64)> = vec![];
    for (i, &p) in points.iter().enumerate() {
        if i > 0 {
            let a = points[i - 1];
            // Entry or exit points where the segment crosses the range edges.
            let (x0, x1) = (a.0.min(p.0), a.0.max(p.0));
            let mut cuts: Vec<f64> = [lo, hi].into_iter().filter(|&e| e > x0 && e < x1).collect();
            if a.0 > p.0 {
                cuts.reverse();
            }
            for c in cuts {
                let q = lerp(a, p, c);
                if current.is_empty() {
                    current.push(q);
                } else {
                    current.push(q);
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
        if inside(p.0) {
            current.push(p);
        } else if !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// Cuts every piece of a polyline to `lo <= y <= hi`.
pub(crate) fn clip_y(pieces: &Polyline, lo: f64, hi: f64) -> Polyline {
    let swap = |v: &[(f64, f64)]| -> Vec<(f64, f64)> { v.iter().map(|&(a, b)| (b, a)).collect() };
    pieces
        .iter()
        .flat_map(|p| clip_polyline(&swap(p), lo, hi))
        .map(|p| swap(&p))
        .collect()
}

/// The range of one axis and whether it is logarithmic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) log: bool,
}

impl Scale {
    /// A value in axis space: its logarithm on a log axis (where lines are straight).
    pub(crate) fn space(self, v: f64) -> f64 {
        if self.log {
            v.ln()
        } else {
            v
        }
    }

    /// The inverse of [`Scale::space`].
    pub(crate) fn value(self, v: f64) -> f64 {
        if self.log {
            v.exp()
        } else {
            v
        }
    }

    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi` (outside the range beyond
    /// those); non-finite positions are pinned to the nearest end or the middle.
    pub(crate) fn fraction(self, v: f64) -> f64 {
        let t = (self.space(v) - self.space(self.lo)) / (self.space(self.hi) - self.space(self.lo));
        if t.is_finite() {
            t
        } else if t == f64::INFINITY {
            1.0
        } else if t == f64::NEG_INFINITY {
            0.0
        } else {
            0.5
        }
    }
}

/// Cuts a polyline to the rectangle of the `x` and `y` ranges, in axis space: a segment that
/// is straight on a log axis is cut where it really crosses the edge.
pub(crate) fn clip(points: &[(f64, f64)], x: Scale, y: Scale) -> Polyline {
    let mapped: Vec<(f64, f64)> = points
        .iter()
        .map(|&(a, b)| (x.space(a), y.space(b)))
        .collect();
    let pieces = clip_polyline(&mapped, x.space(x.lo), x.space(x.hi));
    clip_y(&pieces, y.space(y.lo), y.space(y.hi))
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|(a, b)| (x.value(a), y.value(b)))
                .collect()
        })
        .collect()
}

/// A rectangle in pixels: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Rect {
    pub(crate) fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// The rectangle grown by `m` pixels on every side.
    pub(crate) fn grow(self, m: f64) -> Rect {
        Rect {
            x0: self.x0 - m,
            y0: self.y0 - m,
            x1: self.x1 + m,
            y1: self.y1 + m,
        }
    }

    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub(crate) fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// Whether the segment from `a` to `b` passes through the rectangle (Liang-Barsky).
    pub(crate) fn hit_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 <= t1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylines_are_clipped_in_y() {
        let pieces = vec![vec![(0.0, 0.0), (1.0, 10.0), (2.0, 0.0)]];
        assert_eq!(
            clip_y(&pieces, 0.0, 5.0),
            vec![vec![(0.0, 0.0), (0.5, 5.0)], vec![(1.5, 5.0), (2.0, 0.0)]]
        );
    }

    #[test]
    fn segments_hit_rectangles() {
        let r = Rect::new(10.0, 10.0, 20.0, 10.0);
        assert!(r.hit_by((0.0, 15.0), (40.0, 15.0)));
        assert!(r.hit_by((15.0, 0.0), (15.0, 12.0)));
        assert!(!r.hit_by((0.0, 0.0), (9.0, 30.0)));
        assert!(!r.hit_by((0.0, 25.0), (40.0, 25.0)));
        assert!(r.overlaps(&Rect::new(25.0, 15.0, 10.0, 10.0)));
        assert!(!r.overlaps(&Rect::new(31.0, 15.0, 10.0, 10.0)));
    }

    #[test]
    fn straight_log_lines_are_cut_where_they_cross_the_edge() {
        // y = x on log-log axes, cut at y = 4: the cut lands on the line, at x = 4.
        let log = |lo, hi| Scale { lo, hi, log: true };
        let pieces = clip(&[(1.0, 1.0), (16.0, 16.0)], log(0.5, 32.0), log(0.5, 4.0));
        assert_eq!(pieces.len(), 1);
        let end = pieces[0][1];
        assert!(
            (end.0 - 4.0).abs() < 1e-9 && (end.1 - 4.0).abs() < 1e-9,
            "{end:?}"
        );
    }

    #[test]
    fn reference_is_clipped_to_x_range() {
        let pieces = clip_polyline(&[(0.0, 0.0), (10.0, 10.0)], 2.0, 5.0);
        assert_eq!(pieces, vec![vec![(2.0, 2.0), (5.0, 5.0)]]);
        assert!(clip_polyline(&[(6.0, 6.0), (10.0, 10.0)], 2.0, 5.0).is_empty());
    }
}
