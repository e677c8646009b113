//! `<workload>.time.{png,svg}`: median time per run vs workers with 95% CI bars (log scale
//! when the times span more than a decade), in the time unit the values call for.

use super::line::{LineChart, YScale};
use super::{InReport, Outliers, Point, Unit};
use crate::report::RunData;
use crate::scenario::Workload;

pub static TIME: LineChart = LineChart {
    suffix: "time",
    heading: "Time per run",
    in_report: InReport::Image,
    quantity: "time per run",
    subtitle: |_| "median of runs, 95% CI - lower is better".into(),
    y_label,
    y_unit: Unit::Seconds,
    point: |r| {
        Some(Point::new(
            r.cell.workers as f64,
            r.median_s?,
            r.ci_low_s.zip(r.ci_high_s),
        ))
    },
    y_scale: YScale::LogOverDecade,
    outliers: Outliers::LogScale,
    mark_oversubscribed: true,
    reference: None,
    finish: None,
};

/// Command models may report their own `elapsed_s`: then the label says which time it is.
fn y_label(data: &RunData, w: &Workload) -> String {
    let reported = data.summary.iter().any(|r| {
        r.cell.workload == w.name && r.time_source != crate::report::summary::TimeSource::Wall
    });
    if reported {
        "median time per run ({unit}; programs' own elapsed_s where reported)".into()
    } else {
        "median wall time per run ({unit})".into()
    }
}
