//! Charts of a run: each chart kind builds plain data (a [`Figure`]) from the run's summary,
//! and the `parabench-charts` crate draws any figure as SVG and PNG ([`draw`]). A line chart
//! over worker counts is a small declaration ([`line::LineChart`]: title, y label, metric, y
//! scale, reference, place in the report) in its own file plus one line in [`CHARTS`]. A chart
//! of another shape implements [`ChartKind`] itself (the timeline returns a [`Gantt`]: rows of
//! bars).

pub use parabench_charts::{
    draw, svg, Bar, Chart, Drawing, Excluded, Figure, FitCurve, Fits, Gantt, Lane, Outliers, Point,
    Reference, Series, SeriesStyle, Unit,
};

mod cpu;
mod efficiency;
mod host;
mod line;
mod memory;
mod speedup;
mod time;
mod timeline;
mod variants;

pub use timeline::MAX_RECORDED_TASKS;

#[cfg(test)]
pub(crate) mod tests;

use crate::report::RunData;
use crate::scenario::Workload;

/// Every chart drawn for each workload, in report order.
pub static CHARTS: &[&dyn ChartKind] = &[
    &speedup::SPEEDUP,
    &time::TIME,
    &efficiency::EFFICIENCY,
    &memory::MEMORY,
    &cpu::CPU,
    &host::Host,
    &timeline::Timeline,
    &variants::Variants,
];

/// Where a chart stands in `report.md`. Charts appear in [`CHARTS`] order within each
/// workload's section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InReport {
    /// Shown as an image, with its caption under it.
    Image,
    /// A link in the "More charts" line.
    Link,
}

/// A kind of chart: what it draws for one workload of a run, and where the report shows it.
/// Line charts are declared as a [`line::LineChart`]; charts of another shape implement this
/// themselves.
pub trait ChartKind: Sync {
    /// File name part: `<workload>.<suffix>.png`.
    fn suffix(&self) -> &'static str;
    /// Heading in the report.
    fn title(&self) -> &'static str;
    /// Shown as an image or linked in the report.
    fn in_report(&self) -> InReport;
    /// What to draw; `None` writes no file (nothing recorded to show).
    fn figure(&self, data: &RunData, workload: &Workload) -> Option<Figure>;

    /// A sentence under the chart in the report, if it needs one.
    fn caption(&self, _data: &RunData, _workload: &Workload) -> Option<String> {
        None
    }

    /// When [`ChartKind::figure`] has nothing to draw: why, and how to get the chart, for the
    /// report to say in its place (nothing is left out without a word).
    fn missing(&self, _data: &RunData, _workload: &Workload) -> Option<String> {
        None
    }
}

/// A log axis reads better once the counts span a factor of 8 or more.
pub(crate) fn wide(xs: &[f64]) -> bool {
    match (xs.first(), xs.last()) {
        (Some(&a), Some(&b)) if a > 0.0 => b / a >= 8.0,
        _ => false,
    }
}

pub(crate) fn core_marker(data: &RunData) -> (f64, String) {
    let m = &data.meta.machine;
    let label = match m.physical_cores {
        Some(p) if p != m.logical_cores => {
            format!("{} logical cores ({p} physical)", m.logical_cores)
        }
        _ => format!("{} cores", m.logical_cores),
    };
    (m.logical_cores as f64, label)
}

/// "kernel primes (limit=50000), 16 tasks, strong scaling".
pub(crate) fn workload_line(w: &Workload) -> String {
    let params: Vec<String> = w.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let params = if params.is_empty() {
        String::new()
    } else {
        format!(" ({})", params.join(", "))
    };
    let tasks = match w.scaling {
        crate::scenario::Scaling::Strong => format!("{} tasks", w.tasks),
        crate::scenario::Scaling::Weak => format!("{} tasks per worker", w.tasks),
    };
    format!("kernel {}{params}, {tasks}", w.kernel)
}

/// "baseline: sequential", or what speedups are relative to when no baseline is named.
pub(crate) fn baseline_line(w: &Workload) -> String {
    match &w.baseline {
        Some(b) => format!("baseline: {b}"),
        None => "baseline: each model at its fewest workers".into(),
    }
}

/// The worker count speedups are relative to (the `@N` of the summary's `baseline`, e.g.
/// `sequential@1`), for the ideal line `workers / N`; 1 when unknown.
pub(crate) fn reference_workers(data: &RunData, w: &Workload) -> f64 {
    data.summary
        .iter()
        .filter(|r| r.cell.workload == w.name)
        .find(|r| r.speedup.is_some())
        .and_then(|r| r.baseline.workers())
        .map(|n| n as f64)
        .unwrap_or(1.0)
}

/// The y label of a speedup chart: plain or scaled (weak scaling) speedup.
pub(crate) fn speedup_label(w: &Workload) -> String {
    match w.scaling {
        crate::scenario::Scaling::Strong => "speedup (x)".into(),
        crate::scenario::Scaling::Weak => "scaled speedup (x, weak scaling)".into(),
    }
}
