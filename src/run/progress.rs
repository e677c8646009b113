//! Progress on stderr, as a subscriber of the run's events: a bar with the current cell and
//! an ETA on a terminal; one plain line per finished cell otherwise, so CI logs stay readable.
//! The bar is redrawn only when an event arrives — between runs — never by a timer of its own,
//! so nothing of parabench wakes while a run is measured.

use super::event::{Event, Subscriber};
use crate::measure::stats::median_of;
use crate::plan::Cell;
use crate::record::{CellId, RunRow};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    /// Print one line per cell (when there is no bar).
    lines: bool,
    /// Say nothing but problems... and not even those when quiet.
    quiet: bool,
    cells_total: usize,
    cells_done: usize,
    /// Rows of the cells not finished yet (interleaved orders spread a cell over many slots).
    rows: HashMap<CellId, Vec<RunRow>>,
}

impl Progress {
    /// `total_runs` measured runs in `cells` cells. `bar` = false forces the plain log;
    /// `quiet` prints nothing at all.
    pub fn new(total_runs: u64, cells: usize, bar: bool, quiet: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (bar && tty && !quiet).then(|| {
            let pb = ProgressBar::new(total_runs);
            let style = ProgressStyle::with_template(
                "{elapsed_precise} {bar:20.cyan/blue} {pos}/{len} runs, ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            pb.set_style(style);
            pb
        });
        Progress {
            lines: bar.is_none() && !quiet,
            bar,
            quiet,
            cells_total: cells,
            cells_done: 0,
            rows: HashMap::new(),
        }
    }

    /// A line that must be seen (a warning), above the bar if there is one.
    fn say(&self, text: String) {
        match &self.bar {
            Some(pb) => pb.println(text),
            None if !self.quiet => eprintln!("{text}"),
            None => {}
        }
    }

    fn end_cell(&mut self, cell: &Cell) {
        self.cells_done += 1;
        let rows = self.rows.remove(&cell.id).unwrap_or_default();
        let ok: Vec<f64> = rows.iter().filter(|r| r.ok()).map(RunRow::time_s).collect();
        let failed = rows.len() - ok.len();
        let result = if ok.is_empty() {
            format!(
                "all {} failed: {}",
                runs(rows.len()),
                rows.first().map_or("", |r| r.error.as_str())
            )
        } else if failed > 0 {
            format!(
                "median {:.4} s, {failed} of {} failed",
                median_of(&ok),
                runs(rows.len())
            )
        } else {
            format!("median {:.4} s ({})", median_of(&ok), runs(rows.len()))
        };
        let variant = cell
            .id
            .variant
            .as_deref()
            .map_or(String::new(), |v| format!(" [variant {v}]"));
        let text = format!(
            "[{}/{}] {}{variant}: {result}",
            self.cells_done, self.cells_total, cell.id
        );
        match &self.bar {
            Some(pb) if failed > 0 => pb.println(text),
            Some(_) => {}
            None if self.lines => eprintln!("{text}"),
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(pb) = &self.bar {
            pb.finish_and_clear();
        }
    }
}

/// "1 run", "5 runs".
fn runs(n: usize) -> String {
    if n == 1 {
        "1 run".into()
    } else {
        format!("{n} runs")
    }
}

impl Subscriber for Progress {
    fn on(&mut self, event: &mut Event) -> anyhow::Result<()> {
        match event {
            Event::CellStarted { cell } => {
                if let Some(pb) = &self.bar {
                    pb.set_message(cell.id.to_string());
                }
            }
            Event::WarmupFailed {
                cell,
                repeat,
                error,
            } => self.say(format!(
                "warning: {}: warmup run {repeat} failed ({error}); the measured runs may fail too",
                cell.id
            )),
            Event::RunFinished { cell, row } => {
                if let Some(pb) = &self.bar {
                    pb.inc(1);
                }
                self.rows
                    .entry(cell.id.clone())
                    .or_default()
                    .push((**row).clone());
            }
            Event::TimelineFailed { cell, error } => self.say(format!(
                "warning: {}: the timeline run failed ({error}); no timeline is drawn for it",
                cell.id
            )),
            Event::CellFinished { cell } => self.end_cell(cell),
            Event::TimelineRecorded { .. } | Event::Interrupted => {}
        }
        Ok(())
    }
}
