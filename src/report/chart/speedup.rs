//! `<workload>.speedup.{png,svg}`: speedup vs workers, one line per model with 95% CI bars,
//! the ideal line and a marker at the core count.

use super::{Chart, ChartKind, Point, Reference, Series};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Speedup;

impl ChartKind for Speedup {
    fn suffix(&self) -> &'static str {
        "speedup"
    }
    fn title(&self) -> &'static str {
        "Speedup"
    }
    fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let rows: Vec<_> = data
            .summary
            .iter()
            .filter(|r| r.workload == w.name)
            .collect();
        let series = super::by_model(data, w, |r| {
            let y = r.speedup?;
            Some(Point {
                x: r.workers as f64,
                y,
                ci: r.speedup_ci_low.zip(r.speedup_ci_high),
            })
        });
        // Ideal: speedup grows with workers / reference workers.
        let ref_workers = rows
            .iter()
            .find(|r| r.speedup.is_some())
            .and_then(|r| r.baseline.rsplit_once('@'))
            .and_then(|(_, n)| n.parse::<f64>().ok())
            .unwrap_or(1.0);
        let xs = super::x_values(&series, data);
        let reference = (!xs.is_empty()).then(|| Reference {
            label: "ideal (linear)".into(),
            points: xs.iter().map(|&x| (x, x / ref_workers)).collect(),
        });
        let baseline = match &w.baseline {
            Some(b) => format!("baseline: {b}"),
            None => "baseline: each model at its fewest workers".into(),
        };
        Chart {
            title: format!(
                "{} / {}: speedup vs workers",
                data.meta.scenario.name, w.name
            ),
            subtitle: format!(
                "{} - {baseline} - higher is better",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: match w.scaling {
                crate::scenario::Scaling::Strong => "speedup (x)".into(),
                crate::scenario::Scaling::Weak => "scaled speedup (x, weak scaling)".into(),
            },
            x_log: super::wide(&xs),
            y_log: false,
            series: series.into_iter().map(|(s, _)| s).collect::<Vec<Series>>(),
            reference,
            marker: Some(super::core_marker(data)),
        }
    }
}
