//! `parabench run`: every scenario in turn through [`run_scenario`], the pipeline.

use super::info::model_infos;
use super::overrides::{self, Overrides};
use crate::error::{write_failure, Error};
use crate::hash;
use crate::plan::{self, Shard, TimelineCells};
use crate::record::{CellId, ChecksumCheck, Ending, RunRow, TaskRow};
use crate::report::meta::{load_average, now_utc, FailedRun, Meta};
use crate::report::output::{write_runs, RunDir, RunsCsv, TasksCsv};
use crate::report::variants::Calibration;
use crate::report::{self, RunData};
use crate::run::progress::Progress;
use crate::run::{self, Event, Subscriber};
use crate::scenario::{self, LoadOptions, Scenario};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

mod folder;
mod pairs;
mod remeasure;
use folder::{keep_or_drop_previous, open_run_dir, write_meta};
pub use pairs::MORE_ROUNDS_ENV;
use remeasure::remeasure;

/// What `parabench run` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Scenario files; none runs the built-in demo.
    pub scenarios: Vec<PathBuf>,
    /// Each scenario writes to `<out>/<scenario name>/`.
    pub out: PathBuf,
    pub overrides: Overrides,
    /// Draw a progress bar on a terminal (else one line per cell).
    pub progress_bar: bool,
    /// Print nothing but errors and the final summary.
    pub quiet: bool,
    /// Keep the complete cells of an interrupted run in the output folder.
    pub resume: bool,
    /// Lift the limits on threads and processes.
    pub force: bool,
    pub dry_run: bool,
    /// `K/N`: run one slice of the matrix.
    pub shard: Option<Shard>,
    pub timeline: TimelineCells,
    /// `--variant` as given.
    pub variants: Vec<String>,
    /// `--aa`: the base against itself.
    pub aa: bool,
    /// `--fail-on-regression PCT`.
    pub fail_on_regression: Option<f64>,
    /// `--aa-run DIR`: an earlier A/A calibration's folder.
    pub aa_run: Option<std::path::PathBuf>,
}

/// How a `run` ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    AllOk,
    SomeFailed,
    Interrupted,
    /// `--fail-on-regression`: a cell of a variant regressed.
    Regressed,
}

/// `parabench run`: validate everything first, then run each scenario in turn.
pub fn run(opts: &RunOptions) -> Result<Outcome, Error> {
    let load = LoadOptions {
        variants: opts.variants.clone(),
        ..LoadOptions::here(opts.force)
    };
    let scenarios = if opts.scenarios.is_empty() {
        vec![scenario::demo(&load)?]
    } else {
        load_all(&opts.scenarios, &load)?
    };
    let scenarios = scenarios
        .into_iter()
        .map(|s| overrides::apply(s, &opts.overrides, opts.force))
        .map(|s| s.and_then(|s| variants_for(s, opts)))
        .collect::<Result<Vec<_>, _>>()?;
    let calibration = opts.aa_run.as_deref().map(calibration).transpose()?;
    let shard = opts.shard;
    if opts.dry_run {
        super::end_quietly_on_closed_stdout();
        for s in &scenarios {
            super::dry_run::dry_run(s, shard);
        }
        return Ok(Outcome::AllOk);
    }
    run::signals::install();
    let mut outcome = Outcome::AllOk;
    for s in &scenarios {
        match run_scenario(s, opts, shard, calibration.as_ref())? {
            Outcome::Interrupted => return Ok(Outcome::Interrupted),
            Outcome::SomeFailed => outcome = Outcome::SomeFailed,
            Outcome::Regressed if outcome == Outcome::AllOk => outcome = Outcome::Regressed,
            Outcome::Regressed | Outcome::AllOk => {}
        }
    }
    Ok(outcome)
}

/// `--aa-run DIR`: what the A/A calibration in `dir` found (refused unless it is one).
fn calibration(dir: &std::path::Path) -> Result<Calibration, Error> {
    let (read, data) = crate::report::folder::load_run_dir(dir)?;
    data.variants
        .as_ref()
        .and_then(|v| {
            Calibration::of(
                &dir.display().to_string(),
                &data.meta.started_utc,
                &v.paired,
            )
        })
        .ok_or_else(|| {
            Error::Input(format!(
                "--aa-run: {} is not an A/A calibration: give the folder of a run made with \
                 --aa (e.g. parabench run s.toml --aa -o calibration, then --aa-run \
                 calibration/<scenario>)",
                read.display()
            ))
        })
}

/// `--aa` and `--fail-on-regression` applied to a loaded scenario: with `--aa` the base
/// (the first variant, or the scenario as it is) twice, the second named `<base>-again`.
fn variants_for(mut s: Scenario, opts: &RunOptions) -> Result<Scenario, Error> {
    if opts.aa {
        let base = s.variants.first().cloned().unwrap_or(scenario::Variant {
            name: "base".into(),
            env: Vec::new(),
            code: Vec::new(),
            commands: s.commands.clone(),
            interpreters: Vec::new(),
            overrides: Vec::new(),
        });
        let again = scenario::Variant {
            name: format!("{}-again", base.name),
            ..base.clone()
        };
        s.variants = vec![base, again];
    }
    let asked = match (opts.fail_on_regression, &opts.aa_run) {
        (Some(_), _) => Some("--fail-on-regression"),
        (None, Some(_)) => Some("--aa-run"),
        (None, None) => None,
    };
    if let Some(flag) = asked.filter(|_| s.variants.len() < 2) {
        return Err(Error::Input(format!(
            "{flag}: scenario `{}` has no variants to compare: add [[variant]] \
             tables, or --variant base:library=main/libwork.so --variant new:library=pr/libwork.so",
            s.name
        )));
    }
    Ok(s)
}

/// The pipeline for one scenario: plan, run folder, every cell (each row to runs.csv as it
/// comes), then summary, report, charts and metadata.
pub fn run_scenario(
    scenario: &Scenario,
    opts: &RunOptions,
    shard: Option<Shard>,
    calibration: Option<&Calibration>,
) -> Result<Outcome, Error> {
    let (mut dir, earlier) = open_run_dir(scenario, opts, shard)?;
    let cells = planned_cells(scenario, shard, opts.timeline);
    let slots = planned_slots(scenario, &cells);
    let todo = plan::remaining(&cells, slots, earlier.runs);
    let mut meta = Meta::new(scenario, model_infos(scenario));
    meta.aa = opts.aa;
    meta.variant_threshold_pct = opts.fail_on_regression;
    meta.calibration = calibration.cloned();
    if !opts.quiet {
        say_which_python_won(scenario);
    }
    meta.shard = shard.map(|s| s.to_string());
    meta.timeline = Some(timeline_word(opts.timeline).into());
    if let Some(origin) = earlier.origin_unix_s {
        meta.started_unix_s = Some(origin);
    }
    write_meta(&dir, &meta)?;
    let mut store = Store::create(
        &dir,
        todo.kept,
        earlier.tasks,
        &todo.kept_timelines,
        earlier.failed,
    )?;
    let mut check = ChecksumCheck::new();
    check.learn(&store.rows);
    let mut progress = Progress::new(
        plan::runs_in(&todo.slots),
        plan::cells_in(&todo.slots),
        opts.progress_bar,
        opts.quiet,
    );
    let session = run::Session {
        scenario: &scenario.name,
        origin_unix_s: meta.started_unix_s.unwrap_or_default(),
    };
    let mut executed = run::execute(
        session,
        &cells,
        &todo.slots,
        &mut [&mut check, &mut store, &mut progress],
    )?;
    progress.finish();
    let extra = Extra {
        session,
        cells: &cells,
        dir: &dir,
        judging: pairs::Judging {
            threshold_pct: meta.threshold_pct(),
            aa: meta.aa,
        },
    };
    executed.ending = extra.runs(scenario, executed.ending, (&mut check, &mut store), opts)?;
    meta.finished_utc = Some(now_utc());
    meta.machine.load_end = load_average();
    meta.ending = executed.ending;
    meta.probe = executed.probe;
    meta.failed_unmeasured = store.failed;
    let data = RunData::new(meta, store.rows).with_tasks(store.tasks);
    // A complete run writes runs.csv again, whole, now that the session's probes give the
    // host columns; an interrupted one leaves the rows as they were appended.
    if executed.ending == Ending::Complete {
        write_runs(&dir.file("runs.csv"), &data.every_row()).map_err(write_failure("runs.csv"))?;
    }
    report::write_all(&dir, &data).map_err(write_failure("the report and charts"))?;
    keep_or_drop_previous(&mut dir, executed.ending)?;
    let outcome = print_outcome(&dir, &data, executed.ending);
    Ok(gate(&dir, &data, opts, outcome))
}

/// What the runs after the session need: the session, its cells and folder, and how the
/// pairs of a variant run are judged.
struct Extra<'a> {
    session: run::Session<'a>,
    cells: &'a [plan::Cell],
    dir: &'a RunDir,
    judging: pairs::Judging,
}

impl Extra<'_> {
    /// After a complete session: the runs measured again on a slowed host (`remeasure`), then
    /// the extra rounds of pairs of a variant run. Returns how the run ended.
    fn runs(
        &self,
        scenario: &Scenario,
        ending: Ending,
        (check, store): (&mut ChecksumCheck, &mut Store),
        opts: &RunOptions,
    ) -> Result<Ending, Error> {
        let mut ending = ending;
        if ending == Ending::Complete && scenario.remeasure > 0 {
            let budget = scenario.remeasure;
            ending = remeasure(
                self.session,
                self.cells,
                budget,
                check,
                store,
                self.dir,
                opts,
            )?;
        }
        if ending == Ending::Complete && scenario.variants.len() >= 2 {
            let both = (check, store);
            ending = pairs::more_pairs(
                self.session,
                scenario,
                self.cells,
                &self.judging,
                both,
                opts,
            )?;
        }
        Ok(ending)
    }
}

/// A variant whose `python` wins over `$PARABENCH_PYTHON` says so: otherwise two interpreter
/// variants could silently be one interpreter twice.
fn say_which_python_won(scenario: &Scenario) {
    let env = std::env::var(crate::model::python::PYTHON_ENV).unwrap_or_default();
    if env.trim().is_empty() {
        return;
    }
    for v in &scenario.variants {
        for i in v.interpreters.iter().filter(|i| i.named_by == "variant") {
            eprintln!(
                "variant `{}` runs on `{}`: its python wins over ${}={env}",
                v.name,
                i.program,
                crate::model::python::PYTHON_ENV
            );
        }
    }
}

/// With variants: the verdict in one line, and with `--fail-on-regression` the exit status.
fn gate(dir: &RunDir, data: &RunData, opts: &RunOptions, outcome: Outcome) -> Outcome {
    match &data.variants {
        Some(v) if outcome != Outcome::Interrupted => {
            let regressed = v.paired.regressed();
            println!(
                "variants: {} regressed, {} improved, {} noisy, {} unchanged of {} (threshold {}%): {}",
                regressed,
                v.paired.count(crate::report::variants::Verdict::Improved),
                v.paired.count(crate::report::variants::Verdict::Noisy),
                v.paired.count(crate::report::variants::Verdict::Unchanged),
                super::count(v.paired.cells.len() as u64, "cell"),
                v.paired.threshold_pct,
                dir.file("variants.md").display()
            );
            if opts.fail_on_regression.is_some() && regressed > 0 && outcome == Outcome::AllOk {
                return Outcome::Regressed;
            }
            outcome
        }
        _ => outcome,
    }
}

/// Runs `slots` after the session (measured again, or more pairs) with a progress bar of their
/// own; returns how they ended.
fn run_slots(
    session: run::Session<'_>,
    cells: &[plan::Cell],
    slots: &[plan::Slot],
    (check, store): (&mut ChecksumCheck, &mut Store),
    opts: &RunOptions,
) -> Result<Ending, Error> {
    let mut progress = Progress::new(
        plan::runs_in(slots),
        plan::cells_in(slots),
        opts.progress_bar,
        opts.quiet,
    );
    let executed = run::execute(session, cells, slots, &mut [check, store, &mut progress])?;
    progress.finish();
    Ok(executed.ending)
}

/// `--timeline`'s word for `which` (as meta.json records it).
fn timeline_word(which: TimelineCells) -> &'static str {
    match which {
        TimelineCells::Off => "off",
        TimelineCells::Largest => "default",
        TimelineCells::All => "all",
    }
}

/// The slots of `cells` (from [`planned_cells`]) in the scenario's order, every variant of a
/// cell around the same moment.
pub fn planned_slots(scenario: &Scenario, cells: &[plan::Cell]) -> Vec<plan::Slot> {
    plan::schedule_variants(
        cells,
        scenario.order,
        scenario.rounds,
        hash::seed_of(&scenario.sha256),
        plan::LaterWarmup::from_env(),
        scenario.variants.len(),
        plan::Alternation::from_env(),
    )
}

/// Every cell of the scenario, or only those of one `--shard` slice, with the cells that
/// record a timeline marked (chosen over the whole matrix, so slices agree), once per
/// variant (a shard holds every variant of its cells, so they can be paired).
pub fn planned_cells(
    scenario: &Scenario,
    shard: Option<Shard>,
    timeline: TimelineCells,
) -> Vec<plan::Cell> {
    let mut cells = plan::cells(scenario);
    plan::choose_timeline(&mut cells, timeline);
    let cells = match shard {
        Some(sh) => plan::shard(cells, sh, scenario::logical_cores()),
        None => cells,
    };
    plan::with_variants(cells, &scenario.variants)
}

/// Loads and validates every file, stopping at the first invalid one.
pub fn load_all(paths: &[PathBuf], opts: &LoadOptions) -> Result<Vec<Scenario>, Error> {
    let mut out: Vec<Scenario> = Vec::new();
    for p in paths {
        let s = scenario::load(p, opts)?;
        if let Some(other) = out.iter().find(|o| o.name == s.name) {
            return Err(Error::Input(format!(
                "two scenarios are named `{}` ({} and {}), so they would write to the same folder: rename one with name = \"...\"",
                s.name,
                other.path.as_deref().unwrap_or(Path::new("?")).display(),
                p.display()
            )));
        }
        out.push(s);
    }
    Ok(out)
}

fn print_outcome(dir: &RunDir, data: &RunData, ending: Ending) -> Outcome {
    let every = data.every_row();
    let failed = every.iter().filter(|r| r.failed()).count();
    println!(
        "{}: {} in {} -> {}/ (report.html, report.md, runs.csv, summary.csv, charts)",
        data.meta.scenario.name,
        super::count(every.len() as u64, "run"),
        super::count(data.every_summary().len() as u64, "cell"),
        dir.path.display()
    );
    if ending == Ending::Interrupted {
        eprintln!(
            "interrupted: the {} completed runs are in {}; add --resume to the same command to finish the rest",
            every.len(),
            dir.file("runs.csv").display()
        );
        return Outcome::Interrupted;
    }
    if failed > 0 {
        eprintln!(
            "{failed} run(s) failed: see the `error` column of {} and the end of report.md",
            dir.file("runs.csv").display()
        );
        return Outcome::SomeFailed;
    }
    Outcome::AllOk
}

/// The CSV store, as a subscriber: each run to `runs.csv` and each timeline to `tasks.csv`
/// (appended and flushed as they come, so a crash loses nothing), and kept for the report.
struct Store {
    runs_csv: RunsCsv,
    tasks_csv: TasksCsv,
    rows: Vec<RunRow>,
    tasks: Vec<TaskRow>,
    /// The warmup and timeline runs that failed (for `meta.json`).
    failed: Vec<FailedRun>,
}

impl Store {
    /// Starts both files with the rows kept from an earlier run (and the recorded tasks of
    /// the cells whose timeline is kept).
    fn create(
        dir: &RunDir,
        kept: Vec<RunRow>,
        earlier_tasks: Vec<TaskRow>,
        kept_timelines: &HashSet<CellId>,
        earlier_failed: Vec<FailedRun>,
    ) -> Result<Store, Error> {
        // An earlier failure stays on record while the rows of its cell are kept.
        let failed: Vec<FailedRun> = earlier_failed
            .into_iter()
            .filter(|f| kept.iter().any(|r| r.cell.base() == f.cell))
            .collect();
        let tasks: Vec<TaskRow> = earlier_tasks
            .into_iter()
            .filter(|t| kept_timelines.contains(&t.cell))
            .collect();
        let opened = (|| -> anyhow::Result<Store> {
            let mut runs_csv = RunsCsv::create(&dir.file("runs.csv"))?;
            for row in &kept {
                runs_csv.append(row)?;
            }
            let mut tasks_csv = TasksCsv::create(&dir.file("tasks.csv"))?;
            tasks_csv.append(&tasks)?;
            Ok(Store {
                runs_csv,
                tasks_csv,
                rows: kept.clone(),
                tasks: tasks.clone(),
                failed: failed.clone(),
            })
        })();
        Ok(opened.map_err(write_failure("runs.csv"))?)
    }
}

impl Store {
    /// Writes runs.csv again, whole (its rows as they stand now), and goes on appending.
    fn rewrite_runs(&mut self, dir: &RunDir) -> Result<(), Error> {
        let path = dir.file("runs.csv");
        write_runs(&path, &self.rows).map_err(write_failure("runs.csv"))?;
        self.runs_csv = RunsCsv::reopen(&path).map_err(write_failure("runs.csv"))?;
        Ok(())
    }
}

impl Subscriber for Store {
    fn on(&mut self, event: &mut Event) -> anyhow::Result<()> {
        match event {
            Event::RunFinished { row, .. } => {
                self.runs_csv
                    .append(row)
                    .map_err(write_failure("runs.csv"))?;
                self.rows.push((**row).clone());
            }
            Event::TimelineRecorded { tasks, .. } => {
                self.tasks_csv
                    .append(tasks)
                    .map_err(write_failure("tasks.csv"))?;
                self.tasks.append(tasks);
            }
            Event::WarmupFailed {
                cell,
                repeat,
                error,
            } => self
                .failed
                .push(failed_run(cell, format!("warmup {repeat}"), error)),
            Event::TimelineFailed { cell, error } => {
                self.failed.push(failed_run(cell, "timeline".into(), error));
            }
            _ => {}
        }
        Ok(())
    }
}

/// A failed run outside the measurements, as meta.json records it.
fn failed_run(cell: &plan::Cell, run: String, error: &str) -> FailedRun {
    FailedRun {
        cell: cell.id.base(),
        run,
        error: error.to_string(),
    }
}
