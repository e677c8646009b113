//! Outputs of a run: `summary.csv`, `fits.csv`, `report.md`, `meta.json`, `results.json`
//! (exporters: pure functions from the run's data to bytes) and the charts (data built per
//! workload, drawn by one renderer). `runs.csv` is written while the run goes (see [`output::RunsCsv`]). Adding an
//! output is one file plus one line in [`EXPORTERS`]; adding a chart is one file plus one line
//! in [`chart::CHARTS`].

pub mod chart;
pub mod columns;
pub mod decision;
pub mod fits;
pub mod folder;
pub mod host;
pub mod html;
pub mod markdown;
pub mod meta;
pub mod notices;
pub mod output;
pub mod replication;
pub mod results;
pub mod summary;
pub mod variants;
pub mod warnings;

use anyhow::Context;

use crate::record::{RunRow, TaskRow};
use meta::Meta;
use output::RunDir;
use summary::SummaryRow;

/// Everything known about a finished (or interrupted) run. With variants, `rows`, `summary`,
/// `decision` and `tasks` are the base variant's (so every section and chart reads as for a
/// run without variants) and `variants` holds the others and the paired comparison.
pub struct RunData {
    pub meta: Meta,
    pub rows: Vec<RunRow>,
    pub summary: Vec<SummaryRow>,
    /// The answer per workload, every headline checked against the session's halves.
    pub decision: Vec<decision::WorkloadDecision>,
    /// The tasks of the runs that recorded a timeline (`tasks.csv`); often none.
    pub tasks: Vec<TaskRow>,
    /// The variants after the base, and every variant paired with the base.
    pub variants: Option<VariantData>,
}

/// The variants after the base: their rows, summaries and tasks, and the paired verdicts.
pub struct VariantData {
    pub paired: variants::Paired,
    pub rows: Vec<RunRow>,
    pub summary: Vec<SummaryRow>,
    pub tasks: Vec<TaskRow>,
}

impl RunData {
    /// The data of a run folder's rows. The host columns are derived again from the probes of
    /// all rows, as one session measured them (a merge of shards, which may come from
    /// different machines, keeps each shard's own, derived before the merge).
    pub fn new(meta: Meta, mut rows: Vec<RunRow>) -> RunData {
        if meta.merged_from.is_empty() {
            crate::record::HostSpeeds::learn(&rows).fill(&mut rows);
        }
        let names = meta.variant_names();
        let mut variants = None;
        if let Some(base) = names.first() {
            let mut paired = variants::pair(&rows, &names, meta.threshold_pct(), meta.aa);
            paired.calibration = meta.calibration.clone();
            let (mine, others): (Vec<RunRow>, Vec<RunRow>) = rows
                .into_iter()
                .partition(|r| r.cell.variant.as_deref().is_none_or(|v| v == base));
            let mut summary = Vec::new();
            for v in &names[1..] {
                let of: Vec<RunRow> = others
                    .iter()
                    .filter(|r| r.cell.variant.as_deref() == Some(v))
                    .cloned()
                    .collect();
                summary.extend(summary::compute(&meta, &of).into_iter().map(|mut s| {
                    s.cell.variant = Some(v.clone());
                    s
                }));
            }
            variants = Some(VariantData {
                paired,
                rows: others,
                summary,
                tasks: Vec::new(),
            });
            rows = mine;
        }
        let mut summary = summary::compute(&meta, &rows);
        if let Some(base) = names.first() {
            summary
                .iter_mut()
                .for_each(|s| s.cell.variant = Some(base.clone()));
        }
        let mut data = RunData {
            meta,
            rows,
            summary,
            decision: Vec::new(),
            tasks: Vec::new(),
            variants,
        };
        data.decision = decision::decide(&data);
        data
    }

    /// Adds the recorded tasks (for the timeline charts).
    pub fn with_tasks(mut self, tasks: Vec<TaskRow>) -> RunData {
        match (&mut self.variants, self.meta.variant_names().first()) {
            (Some(v), Some(base)) => {
                let (mine, others) = tasks
                    .into_iter()
                    .partition(|t| t.cell.variant.as_deref().is_none_or(|v| v == base));
                self.tasks = mine;
                v.tasks = others;
            }
            _ => self.tasks = tasks,
        }
        self
    }

    /// Every run, of every variant.
    pub fn every_row(&self) -> Vec<RunRow> {
        let mut all = self.rows.clone();
        if let Some(v) = &self.variants {
            all.extend(v.rows.iter().cloned());
        }
        all
    }

    /// Every summary row, of every variant.
    pub fn every_summary(&self) -> Vec<SummaryRow> {
        let mut all = self.summary.clone();
        if let Some(v) = &self.variants {
            all.extend(v.summary.iter().cloned());
        }
        all
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
    &html::Html,
    &meta::MetaJson,
    &results::ResultsJson,
];

/// The chart file formats, as their extensions.
const FORMATS: [&str; 2] = ["png", "svg"];

/// Writes every exporter's file and the charts `meta.charts` asks for (all of them when it
/// says nothing) into the run folder. Chart files of kinds or formats left out are removed
/// (an earlier `plot` may have drawn them), so the folder holds what `meta.json` says.
pub fn write_all(dir: &RunDir, data: &RunData) -> anyhow::Result<()> {
    for e in EXPORTERS {
        dir.write(e.file_name(), &e.serialize(data)?)?;
    }
    if let Some(v) = &data.variants {
        let md = variants::markdown(
            &v.paired,
            &format!("# Variants: {}", data.meta.scenario.name),
        )?;
        dir.write("variants.md", md.as_bytes())?;
        let mut json = serde_json::to_vec_pretty(&v.paired)?;
        json.push(b'\n');
        dir.write("variants.json", &json)?;
    }
    let asked = data.meta.charts.clone().unwrap_or_default();
    for w in &data.meta.workloads {
        for c in chart::CHARTS {
            for ext in FORMATS {
                if !(asked.draws(c.suffix()) && asked.writes(ext)) {
                    remove_if_there(&dir.file(&format!("{}.{}.{ext}", w.name, c.suffix())))?;
                }
            }
        }
    }
    if asked.formats.is_empty() {
        return Ok(());
    }
    // Charts are independent of each other: draw them on every core.
    use rayon::prelude::*;
    let jobs: Vec<_> = data
        .meta
        .workloads
        .iter()
        .flat_map(|w| chart::CHARTS.iter().map(move |c| (w, c)))
        .filter(|(_, c)| asked.draws(c.suffix()))
        .collect();
    jobs.par_iter().try_for_each(|(w, c)| {
        // A chart with nothing to show (no recorded tasks) is not written at all.
        let Some(figure) = c.figure(data, w) else {
            return Ok(());
        };
        let stem = format!("{}.{}", w.name, c.suffix());
        if !asked.writes("png") {
            // The SVG alone: no rasterising.
            return dir.write(&format!("{stem}.svg"), chart::svg(&figure).as_bytes());
        }
        let drawn = chart::draw(&figure).with_context(|| format!("drawing chart {stem}"))?;
        if asked.writes("svg") {
            dir.write(&format!("{stem}.svg"), drawn.svg.as_bytes())?;
        }
        dir.write(&format!("{stem}.png"), &drawn.png)
    })
}

fn remove_if_there(path: &std::path::Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(anyhow::Error::new(e).context(format!("failed to remove {}", path.display())))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_chart_selection_knows_every_chart() {
        let registry: Vec<&str> = super::chart::CHARTS.iter().map(|c| c.suffix()).collect();
        let kinds: Vec<&str> = crate::scenario::charts::KINDS
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(registry, kinds);
    }
}
