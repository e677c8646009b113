//! The one builder of line charts over worker counts. A line chart is declared as a
//! [`LineChart`]: its title, y label and unit, the metric of one summary row, the y scale rule,
//! an optional reference line and its place in the report; the builder does the rest (one series per model, the
//! workload's worker axis, the core-count marker, hollow oversubscribed points). Adding one is
//! a small file with a `static` plus one line in [`super::CHARTS`].

use super::{
    Chart, ChartKind, Figure, InReport, Outliers, Point, Reference, Series, SeriesStyle, Unit,
};
use crate::report::fits;
use crate::report::summary::SummaryRow;
use crate::report::RunData;
use crate::scenario::Workload;

/// A line chart of one metric vs workers, one line per model.
pub struct LineChart {
    /// File name part: `<workload>.<suffix>.png`.
    pub suffix: &'static str,
    /// Heading in the report.
    pub heading: &'static str,
    /// Shown as an image or linked in the report.
    pub in_report: InReport,
    /// What is plotted, in the title: "<scenario> / <workload>: <quantity> vs workers".
    pub quantity: &'static str,
    /// The subtitle after the workload line (what the numbers are, which way is better).
    pub subtitle: fn(&Workload) -> String,
    /// The y axis title (with `{unit}` where the unit goes, for [`Unit::Seconds`]).
    pub y_label: fn(&RunData, &Workload) -> String,
    pub y_unit: Unit,
    /// The point of one cell (x = workers), or `None` when the cell lacks the metric.
    pub point: fn(&SummaryRow) -> Option<Point>,
    pub y_scale: YScale,
    pub outliers: Outliers,
    /// Draw points of CPU-bound work on more workers than cores hollow (they time the OS
    /// scheduler, not the model; see [`fits::cpu_bound`]).
    pub mark_oversubscribed: bool,
    /// A reference line over the x values (every measured worker count and the core count).
    pub reference: Option<ReferenceFn>,
    /// Anything a chart adds on top of the common skeleton (the speedup chart's fitted
    /// curves), given the series with their model names.
    pub finish: Option<FinishFn>,
}

/// Builds a reference line over the x values.
pub type ReferenceFn = fn(&RunData, &Workload, &[f64]) -> Reference;
/// Adds a chart's own parts, given the series with their model names.
pub type FinishFn = fn(&mut Chart, &RunData, &Workload, &[(Series, String)]);

/// How the y axis is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YScale {
    Linear,
    /// Logarithmic once the points span more than a decade.
    LogOverDecade,
    /// Logarithmic exactly when the worker axis is, so lines through the origin such as the
    /// ideal speedup stay straight.
    FollowX,
}

/// The legend entry of hollow points.
const HOLLOW_LABEL: &str = "hollow: more workers than cores";

impl ChartKind for LineChart {
    fn suffix(&self) -> &'static str {
        self.suffix
    }
    fn title(&self) -> &'static str {
        self.heading
    }
    fn in_report(&self) -> InReport {
        self.in_report
    }
    fn figure(&self, data: &RunData, w: &Workload) -> Option<Figure> {
        Some(Figure::Lines(Box::new(self.build(data, w))))
    }
}

impl LineChart {
    /// The chart of workload `w`: one series per model with a point per worker count.
    pub fn build(&self, data: &RunData, w: &Workload) -> Chart {
        let mut series = by_model(data, w, self.point);
        if self.mark_oversubscribed {
            let cores = data.meta.machine.logical_cores as f64;
            for (s, model) in &mut series {
                let cpu_bound = fits::cpu_bound(data, w, model);
                for p in &mut s.points {
                    p.hollow = cpu_bound && p.x > cores;
                }
            }
        }
        let xs = worker_counts(data, w);
        let x_log = super::wide(&xs);
        let y_log = match self.y_scale {
            YScale::Linear => false,
            YScale::FollowX => x_log,
            YScale::LogOverDecade => {
                let (lo, hi) = series
                    .iter()
                    .flat_map(|(s, _)| s.points.iter().map(|p| p.y))
                    .fold((f64::INFINITY, 0.0f64), |(a, b), y| (a.min(y), b.max(y)));
                lo > 0.0 && hi / lo > 10.0
            }
        };
        let reference = self
            .reference
            .filter(|_| !xs.is_empty())
            .map(|r| r(data, w, &xs));
        let hollow = series
            .iter()
            .any(|(s, _)| s.points.iter().any(|p| p.hollow));
        let mut chart = Chart {
            title: format!(
                "{} / {}: {} vs workers",
                data.meta.scenario.name, w.name, self.quantity
            ),
            subtitle: format!("{} - {}", super::workload_line(w), (self.subtitle)(w)),
            x_label: "workers".into(),
            y_label: (self.y_label)(data, w),
            y_unit: self.y_unit,
            x_log,
            y_log,
            outliers: self.outliers,
            x_values: xs,
            series: series.iter().map(|(s, _)| s.clone()).collect(),
            reference,
            marker: Some(super::core_marker(data)),
            fits: None,
            hollow_label: hollow.then(|| HOLLOW_LABEL.to_string()),
            notes: not_shown(data, w, &series, self.quantity)
                .into_iter()
                .collect(),
        };
        if let Some(finish) = self.finish {
            finish(&mut chart, data, w, &series);
        }
        variant_lines(&mut chart, data, w, self.point);
        chart
    }
}

/// With variants: the base's lines are labelled with its name, and every other variant adds
/// a dashed line per model in the model's colour.
fn variant_lines(
    chart: &mut Chart,
    data: &RunData,
    w: &Workload,
    point: fn(&SummaryRow) -> Option<Point>,
) {
    let (Some(v), Some(base)) = (&data.variants, data.meta.variants.first()) else {
        return;
    };
    for s in &mut chart.series {
        if s.style == SeriesStyle::Solid && w.models.contains(&s.label) {
            s.label = format!("{} ({})", s.label, base.name);
        }
    }
    for name in v.paired.names.iter().skip(1) {
        for m in &w.models {
            let points: Vec<Point> = v
                .summary
                .iter()
                .filter(|r| r.cell.workload == w.name && &r.cell.model == m)
                .filter(|r| r.cell.variant.as_deref() == Some(name.as_str()))
                .filter_map(point)
                .collect();
            if !points.is_empty() {
                chart.series.push(Series {
                    label: format!("{m} ({name})"),
                    color_index: data.meta.model_index(m),
                    points,
                    style: SeriesStyle::Dashed,
                });
            }
        }
    }
}

/// One series per model of the workload (in the workload's model order), with the points
/// `point` extracts from each summary row; models without any point are left out.
pub(crate) fn by_model(
    data: &RunData,
    w: &Workload,
    point: impl Fn(&SummaryRow) -> Option<Point>,
) -> Vec<(Series, String)> {
    w.models
        .iter()
        .filter_map(|m| {
            let points: Vec<Point> = data
                .summary
                .iter()
                .filter(|r| r.cell.workload == w.name && &r.cell.model == m)
                .filter_map(&point)
                .collect();
            (!points.is_empty()).then(|| {
                (
                    Series {
                        label: m.clone(),
                        color_index: data.meta.model_index(m),
                        points,
                        style: SeriesStyle::Solid,
                    },
                    m.clone(),
                )
            })
        })
        .collect()
}

/// The workload's models without a line, each with the reason: "Not shown: rayon (no
/// successful run)."; `None` when every model has one.
fn not_shown(
    data: &RunData,
    w: &Workload,
    series: &[(Series, String)],
    quantity: &str,
) -> Option<String> {
    let missing: Vec<String> = w
        .models
        .iter()
        .filter(|m| !series.iter().any(|(_, name)| name == *m))
        .map(|m| {
            let cells: Vec<&SummaryRow> = data
                .summary
                .iter()
                .filter(|r| r.cell.workload == w.name && &r.cell.model == m)
                .collect();
            let why = if cells.is_empty() {
                "not run".to_string()
            } else if cells.iter().all(|r| r.runs == 0) {
                "no successful run".to_string()
            } else {
                format!("no {quantity}")
            };
            format!("{m} ({why})")
        })
        .collect();
    (!missing.is_empty()).then(|| format!("Not shown: {}.", missing.join("; ")))
}

/// The worker axis of every chart of workload `w`: each worker count measured for any model
/// (whether or not a chart has a value there) plus the core count, sorted.
pub(crate) fn worker_counts(data: &RunData, w: &Workload) -> Vec<f64> {
    let mut xs: Vec<f64> = data
        .summary
        .iter()
        .filter(|r| r.cell.workload == w.name)
        .map(|r| r.cell.workers as f64)
        .chain(std::iter::once(data.meta.machine.logical_cores as f64))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}
