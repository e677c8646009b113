//! `<workload>.host.{png,svg}`: the host's speed over the session, one mark per measured run
//! of the workload — at the run's start (seconds since the session began), at its host speed
//! (every probed CPU timed at once just before and right after the run, their mean speed
//! relative to each CPU's best in the session) — coloured and shaped by model. A slow spell
//! of the host shows as a band of marks well below 1, and the marks in it name the cells it
//! hit. Runs without probes (switched off, or a folder older than them) give no chart, and the
//! report says why.

use super::{Chart, Workload};
use super::{ChartKind, Figure, InReport, Outliers, Point, Reference, Series, SeriesStyle, Unit};
use crate::report::RunData;

pub struct Host;

impl ChartKind for Host {
    fn suffix(&self) -> &'static str {
        "host"
    }
    fn title(&self) -> &'static str {
        "Host speed"
    }
    fn in_report(&self) -> InReport {
        InReport::Link
    }
    fn figure(&self, data: &RunData, w: &Workload) -> Option<Figure> {
        let marks = |model: &str| -> Vec<Point> {
            data.rows
                .iter()
                .filter(|r| r.cell.workload == w.name && r.cell.model == model && !r.failed())
                .filter_map(|r| Some(Point::new(r.start_s?, r.host_speed?, None)))
                .collect()
        };
        let series: Vec<Series> = w
            .models
            .iter()
            .map(|m| Series {
                label: m.clone(),
                color_index: data.meta.model_index(m),
                points: marks(m),
                style: SeriesStyle::Scatter,
            })
            .filter(|s| !s.points.is_empty())
            .collect();
        let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.x));
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        if series.is_empty() {
            return None;
        }
        let chart = Chart {
            title: format!(
                "{} / {}: the host's speed during each run",
                data.meta.scenario.name, w.name
            ),
            subtitle: "every CPU timed at once just before and right after each run: their mean \
                       speed relative to each CPU's best in the session; one mark per run"
                .into(),
            x_label: "seconds since the session began".into(),
            y_label: "host speed (1 = each CPU's best)".into(),
            y_unit: Unit::Plain,
            x_log: false,
            y_log: false,
            outliers: Outliers::Break,
            x_values: Vec::new(),
            series,
            reference: Some(Reference {
                label: "each CPU at its best".into(),
                points: vec![(lo, 1.0), (hi, 1.0)],
            }),
            marker: None,
            fits: None,
            hollow_label: None,
            notes: vec![
                "Marks well below the others: the host ran slower around those runs (a \
                 neighbour on the same physical core, or a lower clock); runs on more than one \
                 CPU slow down with it, and the report names the cells whose numbers moved."
                    .into(),
            ],
        };
        Some(Figure::Lines(Box::new(chart)))
    }

    fn missing(&self, data: &RunData, w: &Workload) -> Option<String> {
        let why = data
            .meta
            .probe
            .as_ref()
            .and_then(|p| p.host_unavailable.clone())
            .unwrap_or_else(|| {
                "its runs carry no host probes (a run folder older than them)".into()
            });
        let probed = data
            .rows
            .iter()
            .any(|r| r.cell.workload == w.name && r.host_speed.is_some());
        (!probed).then(|| format!("**No host-speed chart:** {why}."))
    }
}
