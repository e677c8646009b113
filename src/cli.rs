//! The command line (clap derive). `--help` on each subcommand teaches its use. Only this
//! file and `main.rs` know clap: each command's arguments become the plain option struct of
//! the library function that carries it out (as hyperfine's `Options`).

use crate::app::info::ListWhat as List;
use crate::app::overrides::Overrides;
use crate::app::RunOptions;
use crate::compare;
use crate::plan::{Shard, TimelineCells};
use crate::scenario::diag::Problem;
use crate::scenario::workers::WorkersArg;
use crate::scenario::{Order, ValueError};
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
                  Start with `parabench run` (a built-in demo), then `parabench init` writes a \
                  commented scenario file of your own; `parabench run FILE --dry-run` shows what \
                  it would run. The user guide (docs/, `parabench list --markdown`) documents every key, \
                  output and warning.",
    after_help = "Exit codes: 0 all runs succeeded; 1 some run failed (all others are still written); \
                  2 invalid scenario, command line or run folder (nothing was run or written); \
                  3 results could not be written (disk full, no permission); 130 interrupted \
                  (finished runs are kept; --resume finishes the rest). `compare` exits 1 when a \
                  cell regressed (see `parabench compare --help`)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenario files (or the built-in demo) and write CSV, report and charts.
    Run(Box<RunArgs>),
    /// Check scenario files without running anything.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "SCENARIO")]
        scenarios: Vec<PathBuf>,
        /// Accept more than 256 worker processes (`processes`) or 4096 OS threads (thread models).
        #[arg(long)]
        force: bool,
    },
    /// List the built-in kernels and models.
    List {
        #[arg(value_enum)]
        what: Option<ListWhat>,
        /// Print the user guide's reference tables as Markdown instead, generated from the
        /// registries: `keys`, `kernels`, `models`, `columns` (every CSV column), `warnings`
        /// (every report warning); all of them when no table is named.
        #[arg(long, value_name = "TABLE", num_args = 0..=1, default_missing_value = "all", conflicts_with = "what")]
        markdown: Option<MarkdownTable>,
    },
    /// Write DIR/index.html: one page listing every run folder in DIR (e.g. results/) with
    /// its headline numbers and a link to each report.html.
    Index {
        /// A folder of run folders, e.g. results.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Redraw summary, report and charts of a run folder from its runs.csv and meta.json.
    Plot {
        /// A run folder, e.g. output/demo.
        #[arg(value_name = "RUN_DIR")]
        run_dir: PathBuf,
        /// Which chart files to write: `all` (default), `none`, kinds (`speedup`, `time`,
        /// `efficiency`, `memory`, `cpu`, `timeline`) and formats (`png`, `svg`), comma-separated,
        /// e.g. `speedup,svg`. Chart files of the folder that are left out are removed.
        #[arg(long, value_name = "LIST")]
        charts: Option<String>,
    },
    /// Join the run folders of `run --shard K/N` slices into one run folder, with summary,
    /// report and charts as if the matrix had run in one go.
    #[command(
        after_help = "Example: two CI jobs run `parabench run suite.toml --shard 1/2 -o s1` and `--shard 2/2 -o s2`;\n\
                      then `parabench merge s1/suite s2/suite -o output/suite`.\n\
                      Folders of different scenario texts, parabench versions or splits are refused (exit 2)."
    )]
    Merge {
        /// The shard run folders (each written by `parabench run --shard K/N`).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// The merged run folder to write (replaced if it exists).
        #[arg(short, long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print a JSON Schema of the scenario format, for editors (`#:schema` in the file).
    #[command(
        after_help = "Example: parabench schema > parabench.schema.json, then start the scenario file with\n\
                      #:schema ./parabench.schema.json  (taplo / Even Better TOML complete and check keys)."
    )]
    Schema,
    /// Write a commented starter scenario that runs as it is.
    Init {
        /// Where to write it.
        #[arg(value_name = "PATH", default_value = "parabench.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Compare two run folders cell by cell: the CI regression gate (exit 1 on a regression).
    #[command(
        long_about = COMPARE_ABOUT,
        after_help = "Exit codes: 0 no cell regressed; 1 at least one cell regressed (beyond the \
                      threshold and significant); 2 a folder is missing or invalid, or an option \
                      is bad; 3 the charts, compare.md or stdout cannot be written. The exit code \
                      is the same for every --format.\n\n\
                      In CI: parabench compare base/demo output/demo --format markdown >> \"$GITHUB_STEP_SUMMARY\""
    )]
    Compare(CompareArgs),
    /// (internal) Run one cell in an isolated process.
    #[command(name = "__cell", hide = true)]
    Cell,
    /// (internal) A worker process of the `processes` model.
    #[command(name = "__worker", hide = true)]
    Worker {
        kernel: String,
        params: String,
        /// The user's library to load instead of a built-in kernel (JSON).
        #[arg(long)]
        code: Option<String>,
    },
}

const COMPARE_ABOUT: &str =
    "Compare two run folders cell by cell: BASE_DIR is the reference (e.g. a run \
    of the main branch), NEW_DIR the run to judge (e.g. of a pull request). A cell is one \
    (workload, model, workers); cells are matched by those three.\n\n\
    Compared per cell: the median time per run (change in %), speedup and efficiency (base -> \
    new), from the successful runs in each folder's runs.csv.\n\n\
    Judged per cell: `regressed` when the median time grew by more than --threshold AND the \
    change is significant, which takes both a two-sided Mann-Whitney U rank test on the runs' \
    times with p < --alpha and 95% bootstrap confidence intervals of the two medians that do not \
    overlap. `improved` is the same in the other direction; anything else is `unchanged` \
    (within the threshold, not significant, or the intervals overlap). The rank test needs at \
    least 4 runs per side to reach p < 0.05 (with 3 + 3 runs its smallest p is 0.1): cells with \
    fewer are flagged, never judged.\n\n\
    Reported, without changing the exit code: cells whose kernel, tasks, kernel parameters, \
    scaling or time source differ (not comparable), cells without successful runs, and cells \
    present in only one folder.\n\n\
    Output on stdout: an aligned table (default), GitHub Markdown for PR comments and \
    $GITHUB_STEP_SUMMARY, or JSON (with a schema_version). Charts of base vs new speedup per \
    workload (compare.<workload>.png and .svg) and compare.md are written to NEW_DIR/compare/ \
    unless --out or --no-charts say otherwise.";

/// `parabench compare`'s options.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The reference run folder, e.g. output/demo of the main branch.
    #[arg(value_name = "BASE_DIR")]
    pub base: PathBuf,

    /// The run folder to judge against it. Left out, BASE_DIR must be a run with variants:
    /// its variants are judged against its base variant from their paired runs, printed the
    /// same way (the same table, Markdown and JSON, for one PR-comment recipe).
    #[arg(value_name = "NEW_DIR")]
    pub new: Option<PathBuf>,

    /// Smallest change in median time that counts, in percent: `5%` or `5` (five percent),
    /// `0.5%` (half a percent), `0` (any significant change). [default: 5%; a run with
    /// variants compared alone: the run's own threshold]
    #[arg(
        long,
        value_name = "PCT",
        allow_hyphen_values = true,
        value_parser = compare::parse_threshold
    )]
    pub threshold: Option<f64>,

    /// Significance level of the rank test: a change counts only when p < ALPHA.
    #[arg(
        long,
        value_name = "ALPHA",
        default_value = "0.05",
        allow_hyphen_values = true,
        value_parser = compare::parse_alpha
    )]
    pub alpha: f64,

    /// Also exit 1 when a cell is noisy: its even and odd rounds disagreed by more than the
    /// threshold in either run, so the host moved under it and no change can be claimed.
    /// Without it noisy cells are reported and counted but leave the exit status alone.
    #[arg(long)]
    pub fail_on_noisy: bool,

    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,

    /// Folder for the charts and compare.md [default: NEW_DIR/compare].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write no charts and no compare.md (stdout only).
    #[arg(long)]
    pub no_charts: bool,
}

/// How `parabench compare` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned plain-text tables.
    Table,
    /// GitHub-flavoured Markdown (PR comments, $GITHUB_STEP_SUMMARY).
    Markdown,
    /// JSON with a `schema_version` (documented in the guide, docs/src/ci.md).
    Json,
}

impl From<CompareFormat> for compare::Format {
    fn from(f: CompareFormat) -> compare::Format {
        match f {
            CompareFormat::Table => compare::Format::Table,
            CompareFormat::Markdown => compare::Format::Markdown,
            CompareFormat::Json => compare::Format::Json,
        }
    }
}

impl From<CompareArgs> for compare::Options {
    fn from(a: CompareArgs) -> compare::Options {
        compare::Options {
            base: a.base,
            new: a.new,
            threshold_pct: a.threshold,
            alpha: a.alpha,
            fail_on_noisy: a.fail_on_noisy,
            format: a.format.into(),
            out: a.out,
            charts: !a.no_charts,
        }
    }
}

/// `list --markdown TABLE`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MarkdownTable {
    All,
    Keys,
    Kernels,
    Models,
    Columns,
    Warnings,
}

impl MarkdownTable {
    /// The table to generate (`None`: all of them).
    pub fn table(self) -> Option<crate::app::reference::Table> {
        use crate::app::reference::Table;
        match self {
            MarkdownTable::All => None,
            MarkdownTable::Keys => Some(Table::Keys),
            MarkdownTable::Kernels => Some(Table::Kernels),
            MarkdownTable::Models => Some(Table::Models),
            MarkdownTable::Columns => Some(Table::Columns),
            MarkdownTable::Warnings => Some(Table::Warnings),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListWhat {
    Kernels,
    Models,
}

impl ListWhat {
    pub fn choice(what: Option<ListWhat>) -> List {
        match what {
            None => List::All,
            Some(ListWhat::Kernels) => List::Kernels,
            Some(ListWhat::Models) => List::Models,
        }
    }
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
    #[arg(long, value_name = "LIST", value_parser = parse_workers)]
    pub workers: Option<WorkersArg>,

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

    /// Accept more than 256 worker processes (`processes`) or 4096 OS threads (thread models).
    #[arg(long)]
    pub force: bool,

    /// Print the expanded matrix (every cell, its runs and an estimated time) and exit
    /// without running anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Run only slice K of N of the matrix, e.g. `--shard 1/2` on one machine and `--shard 2/2`
    /// on another; `parabench merge` joins the folders. Slices are balanced by estimated time
    /// and the same on every machine.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    /// Run order: `rounds` (the default: each cell's repeats split over `--rounds` rounds, every
    /// round visiting the cells in a shuffled order, each (cell, round) in a fresh process with
    /// its own warmup, so a slow spell of the host lands on slices of many cells and odd and
    /// even rounds can be checked against each other), `cells` (cell after cell: fastest,
    /// for quick local runs), `interleaved` (one run of every cell per round) or `random`
    /// (every run shuffled, seeded by the file). Overrides the scenario's `order`.
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    pub order: Option<Order>,

    /// Rounds of `--order rounds` (default 4, or the scenario's `rounds`; at most a cell's
    /// repeats).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub rounds: Option<u32>,

    /// Measure again, each in a fresh process at the end of the session, up to N runs of more
    /// than one worker that the host probes saw on a slowed host (a noisy cloud VM or CI
    /// runner); the first measurements stay in runs.csv with status `slowed`, outside the
    /// statistics. Overrides the scenario's `remeasure` (default 0: never).
    #[arg(long, value_name = "N")]
    pub remeasure: Option<u32>,

    /// Record which worker runs which task when (tasks.csv and <workload>.timeline.png) in one
    /// extra run, after the measured ones, of: each model's largest worker count (`default`),
    /// every cell (`all`), or none (`off`).
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = Timeline::Default)]
    pub timeline: Timeline,

    /// Which chart files to write: `all` (default), `none`, kinds (`speedup`, `time`,
    /// `efficiency`, `memory`, `cpu`, `timeline`) and formats (`png`, `svg`), comma-separated,
    /// e.g. `speedup,svg` (overrides the scenario's `charts`). `parabench plot` draws the rest
    /// later.
    #[arg(long, value_name = "LIST")]
    pub charts: Option<String>,

    /// A version of the code under test, measured paired with the others in one run:
    /// `name:key=value,...` with keys library, symbol, function, python, workloads (joined
    /// with +) and env.NAME; repeat it per variant (the first is the base). Replaces the
    /// scenario's [[variant]] tables. E.g. `--variant base:library=main/libwork.so --variant
    /// new:library=pr/libwork.so`.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...")]
    pub variants: Vec<String>,

    /// A/A calibration: measure the base variant (or the scenario as it is) against itself
    /// with the same paired design, and report the false alarms and the smallest change this
    /// machine can tell from noise.
    #[arg(long)]
    pub aa: bool,

    /// With variants: the folder of an earlier `--aa` run on this machine. Its detectable
    /// change per worker count is stated in the report beside this run's own, and the
    /// threshold is checked against it.
    #[arg(long, value_name = "DIR")]
    pub aa_run: Option<PathBuf>,

    /// With variants: exit 1 when a cell regressed by more than PCT percent (median paired
    /// ratio above 1 + PCT/100 and its 95% CI above 1); the verdict is in variants.md and
    /// variants.json (`parabench compare DIR` prints it as compare does). Default threshold
    /// without it: 2%. A cell whose CI is wider than the threshold gets more rounds of pairs.
    #[arg(long, value_name = "PCT", value_parser = crate::compare::parse_threshold)]
    pub fail_on_regression: Option<f64>,
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

impl From<RunArgs> for RunOptions {
    fn from(a: RunArgs) -> RunOptions {
        RunOptions {
            scenarios: a.scenarios,
            out: a.out,
            overrides: Overrides {
                repeats: a.repeats,
                warmup: a.warmup,
                workers: a.workers,
                models: a.models,
                workloads: a.workloads,
                quick: a.quick,
                order: a.order,
                charts: a.charts,
                rounds: a.rounds,
                remeasure: a.remeasure,
            },
            progress_bar: !a.no_progress,
            quiet: a.quiet,
            resume: a.resume,
            force: a.force,
            dry_run: a.dry_run,
            shard: a.shard,
            variants: a.variants,
            aa: a.aa,
            aa_run: a.aa_run,
            fail_on_regression: a.fail_on_regression,
            timeline: match a.timeline {
                Timeline::Off => TimelineCells::Off,
                Timeline::Default => TimelineCells::Largest,
                Timeline::All => TimelineCells::All,
            },
        }
    }
}

fn parse_order(s: &str) -> Result<Order, ValueError> {
    s.parse()
}

fn parse_shard(s: &str) -> Result<Shard, crate::plan::BadShard> {
    s.parse()
}

fn parse_workers(s: &str) -> Result<WorkersArg, Problem> {
    s.parse()
}
