//! `<workload>.cpu.{png,svg}`: CPU utilisation ((user + sys) / wall, worker processes
//! included) vs workers: ~1.0 means one core busy, ~N means N cores busy, near 0 means waiting.

use super::line::{LineChart, YScale};
use super::{InReport, Outliers, Point, Reference, Unit};

pub static CPU: LineChart = LineChart {
    suffix: "cpu",
    heading: "CPU utilisation",
    in_report: InReport::Link,
    quantity: "CPU utilisation",
    subtitle: |_| "(user + sys) / wall, median of runs".into(),
    y_label: |_, _| "busy cores ((user + sys) / wall)".into(),
    point: |r| Some(Point::new(r.cell.workers as f64, r.cpu_util?, None)),
    y_unit: Unit::Plain,
    y_scale: YScale::Linear,
    outliers: Outliers::LogScale,
    mark_oversubscribed: false,
    reference: Some(|data, _, xs| {
        let cores = data.meta.machine.logical_cores as f64;
        Reference {
            label: "all cores busy".into(),
            points: xs.iter().map(|&x| (x, cores)).collect(),
        }
    }),
    finish: None,
};
