//! `<workload>.memory.{png,svg}`: peak memory vs workers — the cell process's peak RSS, or for
//! process and command models the peak RSS summed over their worker processes, whichever is
//! larger (the footprint a user pays for the model).

use super::{Chart, ChartKind, Point};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Memory;

impl ChartKind for Memory {
    fn suffix(&self) -> &'static str {
        "memory"
    }
    fn title(&self) -> &'static str {
        "Peak memory"
    }
    fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let series = super::by_model(data, w, |r| {
            let kb = r.max_rss_kb.max(r.workers_rss_kb)?;
            Some(Point {
                x: r.workers as f64,
                y: kb as f64 / 1024.0,
                ci: None,
            })
        });
        let xs = super::x_values(&series, data);
        Chart {
            title: format!(
                "{} / {}: peak memory vs workers",
                data.meta.scenario.name, w.name
            ),
            subtitle: format!(
                "{} - peak RSS of the run's process, or summed over its worker processes",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: "peak RSS (MiB)".into(),
            x_log: super::wide(&xs),
            y_log: false,
            series: series.into_iter().map(|(s, _)| s).collect(),
            reference: None,
            marker: Some(super::core_marker(data)),
            fits: None,
        }
    }
}
