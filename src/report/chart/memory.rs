//! `<workload>.memory.{png,svg}`: peak memory vs workers — the cell process's peak RSS, or for
//! process and command models the peak RSS summed over their worker processes, whichever is
//! larger (the footprint a user pays for the model).

use super::line::{LineChart, YScale};
use super::Point;

pub static MEMORY: LineChart = LineChart {
    suffix: "memory",
    heading: "Peak memory",
    quantity: "peak memory",
    subtitle: |_| "peak RSS of the run's process, or summed over its worker processes".into(),
    y_label: |_, _| "peak RSS (MiB)".into(),
    point: |r| {
        let kb = r.max_rss_kb.max(r.workers_rss_kb)?;
        Some(Point {
            x: r.workers as f64,
            y: kb as f64 / 1024.0,
            ci: None,
        })
    },
    y_scale: YScale::Linear,
    reference: None,
    finish: None,
};
