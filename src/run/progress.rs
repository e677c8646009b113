//! Progress on stderr: a bar with the current cell and an ETA on a terminal; one plain line
//! per finished cell otherwise, so CI logs stay readable.

use super::RunRow;
use crate::measure::stats::median_of;
use crate::plan::Cell;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    /// Print one line per cell (when there is no bar).
    lines: bool,
    cells_total: usize,
    cells_done: usize,
}

impl Progress {
    /// `total_runs` measured runs in `cells` cells. `bar` = false forces the plain log;
    /// `quiet` prints nothing at all.
    pub fn new(total_runs: u64, cells: usize, bar: bool, quiet: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (bar && tty && !quiet).then(|| {
            let pb = ProgressBar::new(total_runs);
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {bar:20.cyan/blue} {pos}/{len} runs, ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            pb.set_style(style);
            // Keep the clock and spinner moving during long runs.
            pb.enable_steady_tick(std::time::Duration::from_millis(200));
            pb
        });
        Progress {
            lines: bar.is_none() && !quiet,
            bar,
            cells_total: cells,
            cells_done: 0,
        }
    }

    pub fn start_cell(&mut self, cell: &Cell) {
        if let Some(pb) = &self.bar {
            pb.set_message(format!(
                "{}: {} x{}",
                cell.workload, cell.model, cell.workers
            ));
        }
    }

    pub fn run_done(&mut self, _row: &RunRow) {
        if let Some(pb) = &self.bar {
            pb.inc(1);
        }
    }

    pub fn end_cell(&mut self, cell: &Cell, rows: &[RunRow]) {
        self.cells_done += 1;
        let ok: Vec<f64> = rows.iter().filter(|r| r.ok()).map(RunRow::time_s).collect();
        let failed = rows.len() - ok.len();
        let result = if ok.is_empty() {
            format!(
                "all {} runs failed: {}",
                rows.len(),
                rows.first().map_or("", |r| r.error.as_str())
            )
        } else if failed > 0 {
            format!(
                "median {:.4} s, {failed} of {} runs failed",
                median_of(&ok),
                rows.len()
            )
        } else {
            format!("median {:.4} s ({} runs)", median_of(&ok), rows.len())
        };
        let text = format!(
            "[{}/{}] {} / {} / {} workers: {result}",
            self.cells_done, self.cells_total, cell.workload, cell.model, cell.workers
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
