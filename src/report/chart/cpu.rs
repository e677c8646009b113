//! `<workload>.cpu.{png,svg}`: CPU utilisation ((user + sys) / wall, worker processes
//! included) vs workers: ~1.0 means one core busy, ~N means N cores busy, near 0 means waiting.

use super::{Chart, ChartKind, Point, Reference};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Cpu;

impl ChartKind for Cpu {
    fn suffix(&self) -> &'static str {
        "cpu"
    }
    fn title(&self) -> &'static str {
        "CPU utilisation"
    }
    fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let series = super::by_model(data, w, |r| {
            Some(Point {
                x: r.workers as f64,
                y: r.cpu_util?,
                ci: None,
            })
        });
        let xs = super::x_values(&series, data);
        let cores = data.meta.machine.logical_cores as f64;
        let reference = (!xs.is_empty()).then(|| Reference {
            label: "all cores busy".into(),
            points: xs.iter().map(|&x| (x, cores)).collect(),
        });
        Chart {
            title: format!(
                "{} / {}: CPU utilisation vs workers",
                data.meta.scenario.name, w.name
            ),
            subtitle: format!(
                "{} - (user + sys) / wall, median of runs",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: "busy cores ((user + sys) / wall)".into(),
            x_log: super::wide(&xs),
            y_log: false,
            series: series.into_iter().map(|(s, _)| s).collect(),
            reference,
            marker: Some(super::core_marker(data)),
            fits: None,
        }
    }
}
