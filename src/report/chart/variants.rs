//! `<workload>.variants.{png,svg}`: each variant's time over the base's, per cell: the median
//! paired ratio with its 95% CI, one line per model (and variant after the base), against the
//! line of no change. Which worker counts moved shows at a glance. Only in runs with
//! variants.

use super::{
    Chart, ChartKind, Figure, InReport, Outliers, Point, Reference, Series, SeriesStyle, Unit,
};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Variants;

impl ChartKind for Variants {
    fn suffix(&self) -> &'static str {
        "variants"
    }
    fn title(&self) -> &'static str {
        "Variants against the base"
    }
    fn in_report(&self) -> InReport {
        InReport::Image
    }
    fn figure(&self, data: &RunData, w: &Workload) -> Option<Figure> {
        let v = data.variants.as_ref()?;
        let base = v.paired.names.first()?;
        let several = v.paired.names.len() > 2;
        let mut series = Vec::new();
        for name in v.paired.names.iter().skip(1) {
            for m in &w.models {
                let points: Vec<Point> = v
                    .paired
                    .cells
                    .iter()
                    .filter(|c| {
                        c.cell.workload == w.name && &c.cell.model == m && &c.variant == name
                    })
                    .filter_map(|c| {
                        let ci = c.ratio_ci_low.zip(c.ratio_ci_high);
                        Some(Point::new(c.cell.workers as f64, c.ratio?, ci))
                    })
                    .collect();
                if !points.is_empty() {
                    series.push(Series {
                        label: if several {
                            format!("{m} ({name})")
                        } else {
                            m.clone()
                        },
                        color_index: data.meta.model_index(m),
                        points,
                        style: SeriesStyle::Solid,
                    });
                }
            }
        }
        if series.is_empty() {
            return None;
        }
        let xs = super::line::worker_counts(data, w);
        let thr = v.paired.threshold_pct;
        Some(Figure::Lines(Box::new(Chart {
            title: format!(
                "{} / {}: time of {} over {base}, paired",
                data.meta.scenario.name,
                w.name,
                v.paired.names[1..].join(", ")
            ),
            subtitle: format!(
                "{} - median of paired ratios with 95% CI; above 1 + {thr}% with the CI above 1: regressed",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: format!("time ratio (variant / {base}, log scale)"),
            y_unit: Unit::Plain,
            x_log: super::wide(&xs),
            // Ratios: a log axis shows 0.9 and 1.1 alike, and does not squash a 5% change
            // against an axis from 0.
            y_log: true,
            outliers: Outliers::LogScale,
            reference: Some(Reference {
                label: "no change (1.0)".into(),
                points: xs.iter().map(|&x| (x, 1.0)).collect(),
            }),
            x_values: xs,
            series,
            marker: Some(super::core_marker(data)),
            fits: None,
            hollow_label: None,
            notes: Vec::new(),
        })))
    }
}
