//! The command line (clap derive). `--help` on each subcommand teaches its use.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "parabench",
    version,
    about = "Which concurrency model should I use for this work, and how far does it scale?",
    long_about = "parabench runs a matrix of workloads (CPU kernels, IO kernels, external programs) \
                  under concurrency models (sequential, threads, rayon, processes, tokio async, \
                  or any command such as a CPython script) over a range of worker counts, and \
                  writes tidy CSV, a Markdown report and speedup charts.\n\n\
                  Start with `parabench run` (a built-in demo), then write a scenario file: see \
                  scenarios/demo.toml and the README.",
    after_help = "Exit codes: 0 all runs succeeded; 1 some run failed (all others are still written); \
                  2 invalid scenario or command line; 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenario files (or the built-in demo) and write CSV, report and charts.
    Run(RunArgs),
    /// Check scenario files without running anything.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
        /// Accept more than 256 worker processes for the `processes` model.
        #[arg(long)]
        force: bool,
    },
    /// List the built-in kernels and models.
    List {
        #[arg(value_enum)]
        what: Option<ListWhat>,
    },
    /// Redraw summary, report and charts of a run folder from its runs.csv and meta.json.
    Plot {
        /// A run folder, e.g. output/demo.
        #[arg(value_name = "RUN_DIR")]
        run_dir: PathBuf,
    },
    /// (internal) Run one cell in an isolated process.
    #[command(name = "__cell", hide = true)]
    Cell,
    /// (internal) A worker process of the `processes` model.
    #[command(name = "__worker", hide = true)]
    Worker { kernel: String, params: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListWhat {
    Kernels,
    Models,
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario files to run; none runs the built-in demo (scenarios/demo.toml).
    #[arg(value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,

    /// Output folder; each scenario writes to <DIR>/<scenario name>/, replacing an earlier run there.
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// Measured runs per cell (overrides the scenario).
    #[arg(long, value_name = "N")]
    pub repeats: Option<u32>,

    /// Unmeasured warmup runs per cell (overrides the scenario).
    #[arg(long, value_name = "N")]
    pub warmup: Option<u32>,

    /// Worker counts for every workload, e.g. `1,2,cores,2*cores` (overrides the scenario).
    #[arg(long, value_name = "LIST")]
    pub workers: Option<String>,

    /// Run only these models, e.g. `threads,rayon` (a workload's baseline model is kept).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub models: Option<Vec<String>>,

    /// Run only these workloads, by name.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub workloads: Option<Vec<String>>,

    /// A quick smoke run: 1 measured run and no warmup per cell (unless --repeats/--warmup say otherwise).
    #[arg(long)]
    pub quick: bool,

    /// No progress bar (one line per finished cell instead).
    #[arg(long)]
    pub no_progress: bool,

    /// Print nothing but errors and the final summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// Continue an interrupted run in the output folder: keep the cells already complete in its
    /// runs.csv (same scenario file, same SHA-256) and run only the rest.
    #[arg(long)]
    pub resume: bool,

    /// Accept more than 256 worker processes for the `processes` model.
    #[arg(long)]
    pub force: bool,

    /// Record which worker runs which task when (tasks.csv and <workload>.timeline.png) in one
    /// extra run, after the measured ones, of: each model's largest worker count (`default`),
    /// every cell (`all`), or none (`off`).
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = Timeline::Default)]
    pub timeline: Timeline,
}

/// Which cells record a timeline (`--timeline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Timeline {
    /// No timeline.
    Off,
    /// Each model's cell with the most workers, per workload.
    #[default]
    Default,
    /// Every cell.
    All,
}
