//! Plain-text descriptions of computed plans: what a chart shows — axes with their ranges,
//! ticks, labels and titles, series with their points, reference, fits, prediction region,
//! labels, legend and notes — without pixels, for snapshot tests. Also checks the properties
//! a snapshot cannot show at a glance (labels touch no line).

use std::fmt::Write;

use crate::axes::Axis;
use crate::format::format_number;
use crate::geometry::Rect;
use crate::lanes::Layout;
use crate::layout::{Plan, PlannedSeries};
use crate::{Figure, Gantt, SeriesStyle};

/// A number with 4 significant digits (stable across platforms).
fn n(v: f64) -> String {
    format_number(v, 4)
}

fn axis(name: &str, a: &Axis) -> String {
    let ticks: Vec<String> = a
        .ticks
        .iter()
        .zip(&a.labels)
        .map(|(t, l)| {
            if n(*t) == *l {
                l.clone()
            } else {
                format!("{}={l}", n(*t))
            }
        })
        .collect();
    format!(
        "{name}: \"{}\" {} {}..{} ticks [{}]",
        a.title,
        if a.log { "log" } else { "linear" },
        n(a.lo),
        n(a.hi),
        ticks.join(", ")
    )
}

/// Where a label went: inside the plot, above it, or nowhere.
fn placed(b: &Option<Rect>, plot: &Rect) -> &'static str {
    match b {
        None => "not drawn",
        Some(b) if b.y1 <= plot.y0 => "above the plot",
        Some(_) => "inside the plot",
    }
}

/// One series: its shape, style, bars and points.
fn series_line(ser: &PlannedSeries) -> String {
    let points: Vec<String> = ser
        .points
        .iter()
        .map(|p| {
            let mut t = format!("{}:{}", n(p.x), n(p.y));
            if p.hollow {
                t.push_str(" hollow");
            }
            if p.above {
                t.push_str(" above");
            }
            if p.dodge != 0 {
                t.push_str(" beside");
            }
            t
        })
        .collect();
    let style = match ser.style {
        SeriesStyle::Solid => "",
        SeriesStyle::Dashed => ", dashed",
        SeriesStyle::Scatter => ", marks only",
    };
    format!(
        "series {} ({:?}{style}{}, {} bars): {}",
        ser.label,
        ser.shape,
        if ser.single { ", single" } else { "" },
        ser.bars.len(),
        points.join(", ")
    )
}

impl Plan {
    pub(crate) fn describe(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", axis("x", &self.x));
        let _ = writeln!(s, "{}", axis("y", &self.y));
        if let Some(b) = self.y_break {
            let _ = writeln!(s, "y axis broken at {}", n(b));
        }
        for ser in &self.series {
            let _ = writeln!(s, "{}", series_line(ser));
        }
        self.describe_lines(&mut s);
        self.describe_legend(&mut s);
        s
    }

    /// The reference line, the fits with their prediction region, and the marker.
    fn describe_lines(&self, s: &mut String) {
        let plot = &self.frame.plot;
        if let Some((label, pieces)) = &self.reference {
            let ends: Vec<String> = pieces
                .iter()
                .filter_map(|p| Some((p.first()?, p.last()?)))
                .map(|(a, b)| format!("({}, {})-({}, {})", n(a.0), n(a.1), n(b.0), n(b.1)))
                .collect();
            let _ = writeln!(s, "reference \"{label}\": {}", ends.join(" "));
        }
        if let Some(f) = &self.fits {
            let ends: Vec<String> = f
                .curves
                .iter()
                .filter_map(|c| {
                    let first = c.1.first()?.first()?;
                    let last = c.1.last()?.last()?;
                    Some(format!("{}..{}", n(first.0), n(last.0)))
                })
                .collect();
            let _ = writeln!(s, "fits \"{}\": curves over {}", f.label, ends.join(", "));
            if let Some(r) = &f.region {
                let _ = writeln!(
                    s,
                    "prediction region from {}, label \"{}\" {}",
                    n(r.from),
                    r.label,
                    placed(&r.label_box, plot)
                );
            }
        }
        if let Some(m) = &self.marker {
            let _ = writeln!(
                s,
                "marker at {}: \"{}\" {}",
                n(m.x),
                m.label,
                placed(&m.label_box, plot)
            );
        }
    }

    /// The legend's entries and notes.
    fn describe_legend(&self, s: &mut String) {
        for (label, sample) in &self.legend.entries {
            let kind = match sample {
                crate::legend::LegendSample::Series { line: false, .. } => "marker",
                crate::legend::LegendSample::Series { .. } => "line",
                crate::legend::LegendSample::Reference => "reference",
                crate::legend::LegendSample::Fit(_) => "fit",
                crate::legend::LegendSample::Hollow => "hollow",
            };
            let _ = writeln!(s, "legend {kind}: {label}");
        }
        if !self.legend.notes.is_empty() {
            let _ = writeln!(s, "note: {}", self.legend.notes.join(" "));
        }
    }

    /// Labels in the plot touch no line, marker or bar, and not each other; the plot area
    /// keeps most of the width.
    pub(crate) fn check_labels(&self) -> Result<(), String> {
        let obstacles = self.obstacles();
        let boxes: Vec<(&str, Rect)> = self
            .marker
            .iter()
            .filter_map(|m| Some(("marker", m.label_box?)))
            .chain(
                self.fits
                    .iter()
                    .flat_map(|f| &f.region)
                    .filter_map(|r| Some(("prediction", r.label_box?))),
            )
            .collect();
        for (name, b) in &boxes {
            if !obstacles.free(b) {
                return Err(format!("the {name} label touches something drawn: {b:?}"));
            }
        }
        if let [(_, a), (_, b)] = boxes.as_slice() {
            if a.overlaps(b) {
                return Err("the marker and prediction labels overlap".into());
            }
        }
        Ok(())
    }
}

impl Layout {
    pub(crate) fn describe(&self, g: &Gantt) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "time axis: \"{}\" ({})",
            self.x_title,
            if self.shared {
                "one, shared"
            } else {
                "one per lane"
            }
        );
        for (lane, geom) in g.lanes.iter().zip(&self.lanes) {
            let rows: Vec<String> = geom
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut t = r.label(i);
                    if r.tracks > 1 {
                        t.push_str(&format!(" ({} tracks)", r.tracks));
                    }
                    t
                })
                .collect();
            let ticks: Vec<String> = geom
                .axis
                .ticks
                .iter()
                .zip(&geom.axis.labels)
                .map(|(_, l)| l.clone())
                .collect();
            let _ = writeln!(
                s,
                "lane {} \"{}\": axis 0..{} {} [{}], rows [{}]",
                lane.label,
                lane.detail,
                n(geom.axis.hi),
                geom.unit,
                ticks.join(", "),
                rows.join(", ")
            );
        }
        s
    }
}

/// What `figure` shows, as text: the plan of a chart (after checking that its placed labels
/// touch nothing drawn; the error says which one does) or the layout of a timeline.
pub fn figure(figure: &Figure) -> Result<String, String> {
    match figure {
        Figure::Lines(chart) => {
            let plan = Plan::new(chart);
            plan.check_labels()
                .map_err(|e| format!("{}: {e}", chart.title))?;
            Ok(plan.describe())
        }
        Figure::Gantt(g) => Ok(Layout::new(g).describe(g)),
    }
}
