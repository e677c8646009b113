//! `<workload>.efficiency.{png,svg}`: parallel efficiency (speedup per unit of added workers)
//! vs workers, with 95% CI bars; 1.0 is perfect scaling.

use super::line::{LineChart, YScale};
use super::{InReport, Outliers, Point, Reference, Unit};

pub static EFFICIENCY: LineChart = LineChart {
    suffix: "efficiency",
    heading: "Efficiency",
    in_report: InReport::Link,
    quantity: "efficiency",
    subtitle: |_| "speedup / (workers / reference workers) - 1.0 is perfect".into(),
    y_label: |_, _| "parallel efficiency".into(),
    point: |r| {
        Some(Point::new(
            r.cell.workers as f64,
            r.efficiency?,
            r.efficiency_ci_low.zip(r.efficiency_ci_high),
        ))
    },
    y_unit: Unit::Plain,
    y_scale: YScale::Linear,
    outliers: Outliers::LogScale,
    mark_oversubscribed: true,
    reference: Some(|_, _, xs| Reference {
        label: "perfect scaling".into(),
        points: xs.iter().map(|&x| (x, 1.0)).collect(),
    }),
    finish: None,
};
