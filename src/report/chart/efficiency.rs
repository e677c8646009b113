//! `<workload>.efficiency.{png,svg}`: parallel efficiency (speedup per unit of added workers)
//! vs workers, with 95% CI bars; 1.0 is perfect scaling.

use super::{Chart, ChartKind, Point, Reference};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Efficiency;

impl ChartKind for Efficiency {
    fn suffix(&self) -> &'static str {
        "efficiency"
    }
    fn title(&self) -> &'static str {
        "Efficiency"
    }
    fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let series = super::by_model(data, w, |r| {
            Some(Point {
                x: r.workers as f64,
                y: r.efficiency?,
                ci: r.efficiency_ci_low.zip(r.efficiency_ci_high),
            })
        });
        let xs = super::x_values(&series, data);
        let reference = (!xs.is_empty()).then(|| Reference {
            label: "perfect scaling".into(),
            points: xs.iter().map(|&x| (x, 1.0)).collect(),
        });
        Chart {
            title: format!(
                "{} / {}: efficiency vs workers",
                data.meta.scenario.name, w.name
            ),
            subtitle: format!(
                "{} - speedup / (workers / reference workers) - 1.0 is perfect",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: "parallel efficiency".into(),
            x_log: super::wide(&xs),
            y_log: false,
            series: series.into_iter().map(|(s, _)| s).collect(),
            reference,
            marker: Some(super::core_marker(data)),
            fits: None,
        }
    }
}
