//! Outputs of a run: `summary.csv`, `fits.csv`, `report.md`, `meta.json`, `results.json`
//! (exporters: pure functions from the run's data to bytes) and the charts (data built per
//! workload, drawn by one renderer). `runs.csv` is written while the run goes (see [`output::RunsCsv`]). Adding an
//! output is one file plus one line in [`EXPORTERS`]; adding a chart is one file plus one line
//! in [`chart::CHARTS`].

pub mod chart;
pub mod fits;
pub mod folder;
pub mod markdown;
pub mod meta;
pub mod output;
pub mod results;
pub mod summary;
pub mod warnings;

use anyhow::Context;

use crate::record::{RunRow, TaskRow};
use meta::Meta;
use output::RunDir;
use summary::SummaryRow;

/// Everything known about a finished (or interrupted) run.
pub struct RunData {
    pub meta: Meta,
    pub rows: Vec<RunRow>,
    pub summary: Vec<SummaryRow>,
    /// The tasks of the runs that recorded a timeline (`tasks.csv`); often none.
    pub tasks: Vec<TaskRow>,
}

impl RunData {
    pub fn new(meta: Meta, rows: Vec<RunRow>) -> RunData {
        let summary = summary::compute(&meta, &rows);
        RunData {
            meta,
            rows,
            summary,
            tasks: Vec::new(),
        }
    }

    /// Adds the recorded tasks (for the timeline charts).
    pub fn with_tasks(mut self, tasks: Vec<TaskRow>) -> RunData {
        self.tasks = tasks;
        self
    }
}

/// A file format written from a run's data.
pub trait Exporter: Sync {
    fn file_name(&self) -> &'static str;
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>>;
}

/// Every file written at the end of a run, besides `runs.csv` and the charts.
pub static EXPORTERS: &[&dyn Exporter] = &[
    &summary::SummaryCsv,
    &fits::FitsCsv,
    &markdown::Markdown,
    &meta::MetaJson,
    &results::ResultsJson,
];

/// Writes every exporter's file and every chart into the run folder.
pub fn write_all(dir: &RunDir, data: &RunData) -> anyhow::Result<()> {
    for e in EXPORTERS {
        dir.write(e.file_name(), &e.serialize(data)?)?;
    }
    // Charts are independent of each other: draw them on every core.
    use rayon::prelude::*;
    let jobs: Vec<_> = data
        .meta
        .workloads
        .iter()
        .flat_map(|w| chart::CHARTS.iter().map(move |c| (w, c)))
        .collect();
    jobs.par_iter().try_for_each(|(w, c)| {
        // A chart with nothing to show (no recorded tasks) is not written at all.
        let Some(figure) = c.figure(data, w) else {
            return Ok(());
        };
        let stem = format!("{}.{}", w.name, c.suffix());
        let drawn = chart::draw(&figure).with_context(|| format!("drawing chart {stem}"))?;
        dir.write(&format!("{stem}.svg"), drawn.svg.as_bytes())?;
        dir.write(&format!("{stem}.png"), &drawn.png)
    })
}
