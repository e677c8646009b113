//! `<workload>.memory.{png,svg}`: peak memory vs workers — the cell process's peak RSS, or for
//! process and command models the peak RSS summed over their worker processes, whichever is
//! larger (the footprint a user pays for the model).

use super::line::{LineChart, YScale};
use super::{InReport, Outliers, Point, Unit};

pub static MEMORY: LineChart = LineChart {
    suffix: "memory",
    heading: "Peak memory",
    in_report: InReport::Link,
    quantity: "peak memory",
    subtitle: |_| "peak RSS of the run's process, or summed over its worker processes".into(),
    y_label: |_, _| "peak RSS (MiB)".into(),
    point: |r| {
        let kb = r.max_rss_kb.max(r.workers_rss_kb)?;
        Some(Point::new(r.cell.workers as f64, kb as f64 / 1024.0, None))
    },
    y_unit: Unit::Plain,
    y_scale: YScale::Linear,
    outliers: Outliers::LogScale,
    mark_oversubscribed: false,
    reference: None,
    finish: None,
};
