//! `<workload>.time.{png,svg}`: median time per run vs workers with 95% CI bars (log scale
//! when the times span more than a decade).

use super::{Chart, ChartKind, Point};
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Time;

impl ChartKind for Time {
    fn suffix(&self) -> &'static str {
        "time"
    }
    fn title(&self) -> &'static str {
        "Time per run"
    }
    fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let series = super::by_model(data, w, |r| {
            Some(Point {
                x: r.workers as f64,
                y: r.median_s?,
                ci: r.ci_low_s.zip(r.ci_high_s),
            })
        });
        let xs = super::x_values(&series, data);
        let ys: Vec<f64> = series
            .iter()
            .flat_map(|(s, _)| s.points.iter().map(|p| p.y))
            .collect();
        let (lo, hi) = ys
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), &y| (a.min(y), b.max(y)));
        let reported = data
            .summary
            .iter()
            .any(|r| r.workload == w.name && r.time_source != "wall");
        Chart {
            title: format!(
                "{} / {}: time per run vs workers",
                data.meta.scenario.name, w.name
            ),
            subtitle: format!(
                "{} - median of runs, 95% CI - lower is better",
                super::workload_line(w)
            ),
            x_label: "workers".into(),
            y_label: if reported {
                "median time per run (s; programs' own elapsed_s where reported)".into()
            } else {
                "median wall time per run (s)".into()
            },
            x_log: super::wide(&xs),
            y_log: lo > 0.0 && hi / lo > 10.0,
            series: series.into_iter().map(|(s, _)| s).collect(),
            reference: None,
            marker: Some(super::core_marker(data)),
            fits: None,
        }
    }
}
