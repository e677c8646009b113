//! parabench: a declarative concurrency-workload runner. A scenario file names workloads,
//! concurrency models, worker counts and repeats; [`run`] executes the whole matrix and writes
//! tidy CSV, a Markdown report and speedup charts. The whole pipeline is [`run_scenario`].

pub mod cli;
pub mod compare;
pub mod kernel;
pub mod measure;
pub mod merge;
pub mod model;
mod overrides;
pub mod plan;
pub mod report;
pub mod run;
pub mod scenario;

use cli::RunArgs;
use measure::stats;
use report::meta::{now_utc, Meta};
use report::output::{read_runs, read_tasks, RunDir, RunsCsv, TasksCsv};
use report::RunData;
use run::progress::Progress;
use run::{Ending, Event};
use scenario::{Scenario, ScenarioError};
use std::path::Path;

/// What went wrong, and so which exit code to use.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file is invalid (exit 2).
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The command line asks for something impossible (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else: IO, a failed write (exit 1).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_) | Error::Usage(_) => 2,
            Error::Other(_) => 1,
        }
    }
}

/// How a successful `run` ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    AllOk,
    SomeFailed,
    Interrupted,
}

/// `parabench run`: validate everything first, then run each scenario in turn.
pub fn run(args: &RunArgs) -> Result<Outcome, Error> {
    let scenarios = if args.scenarios.is_empty() {
        vec![scenario::demo()?]
    } else {
        load_all(&args.scenarios)?
    };
    let scenarios = scenarios
        .into_iter()
        .map(|s| overrides::apply(s, args))
        .collect::<Result<Vec<_>, _>>()?;
    let shard = args
        .shard
        .as_deref()
        .map(plan::Shard::parse)
        .transpose()
        .map_err(Error::Usage)?;
    if args.dry_run {
        for s in &scenarios {
            dry_run(s, shard);
        }
        return Ok(Outcome::AllOk);
    }
    run::install_signal_handlers();
    let mut outcome = Outcome::AllOk;
    for s in &scenarios {
        match run_scenario(s, args, shard)? {
            Outcome::Interrupted => return Ok(Outcome::Interrupted),
            Outcome::SomeFailed => outcome = Outcome::SomeFailed,
            Outcome::AllOk => {}
        }
    }
    Ok(outcome)
}

/// The pipeline for one scenario: plan, fresh run folder, run every cell (each row to
/// runs.csv as it comes), then summary, report, charts and metadata.
pub fn run_scenario(
    scenario: &Scenario,
    args: &RunArgs,
    shard: Option<plan::Shard>,
) -> Result<Outcome, Error> {
    let (mut dir, earlier, earlier_tasks) = open_run_dir(scenario, args, shard)?;
    let planned = planned_cells(scenario, shard, args.timeline);
    let (cells, kept) = plan::remaining(planned, earlier);
    let slots = plan::schedule(&cells, scenario.order, stats::seed_of(&scenario.sha256));
    let mut meta = Meta::new(scenario);
    meta.shard = shard.map(|s| s.to_string());
    dir.write(
        "meta.json",
        &serde_json::to_vec_pretty(&meta).map_err(anyhow::Error::from)?,
    )?;
    let mut runs_csv = RunsCsv::create(&dir.file("runs.csv"))?;
    for row in &kept {
        runs_csv.append(row)?;
    }
    let mut rows = kept.clone();
    // Recorded tasks of the kept cells stay; the rest is recorded anew.
    let mut tasks: Vec<run::TaskRow> = earlier_tasks
        .into_iter()
        .filter(|t| {
            kept.iter()
                .any(|r| r.workload == t.workload && r.model == t.model && r.workers == t.workers)
        })
        .collect();
    let mut tasks_csv = TasksCsv::create(&dir.file("tasks.csv"))?;
    tasks_csv.append(&tasks)?;
    let mut progress = Progress::new(
        plan::total_runs(&cells),
        slots.len(),
        !args.no_progress,
        args.quiet,
    );
    let ending = run::execute(
        &scenario.name,
        &cells,
        &slots,
        &kept,
        &mut progress,
        &mut |event| match event {
            Event::Run(row) => {
                runs_csv.append(row)?;
                rows.push(row.clone());
                Ok(())
            }
            Event::Tasks(recorded) => {
                tasks_csv.append(recorded)?;
                tasks.extend_from_slice(recorded);
                Ok(())
            }
        },
    )?;
    progress.finish();
    meta.finished_utc = Some(now_utc());
    meta.machine.load_end = report::meta::load_average();
    meta.ending = match ending {
        Ending::Complete => "complete",
        Ending::Interrupted => "interrupted",
    }
    .into();
    let data = RunData::new(meta, rows).with_tasks(tasks);
    report::write_all(&dir, &data)?;
    // An interrupted run keeps the earlier complete one beside it (`.<name>.previous`).
    if ending == Ending::Complete {
        dir.commit()?;
    } else if let Some(previous) = dir.previous() {
        eprintln!(
            "the earlier run in this folder is kept in {}",
            previous.display()
        );
    }
    Ok(print_outcome(&dir, &data, ending))
}

fn print_outcome(dir: &RunDir, data: &RunData, ending: Ending) -> Outcome {
    let failed = data.rows.iter().filter(|r| !r.ok()).count();
    println!(
        "{}: {} runs in {} cells -> {}/ (report.md, runs.csv, summary.csv, charts)",
        data.meta.scenario.name,
        data.rows.len(),
        data.summary.len(),
        dir.path.display()
    );
    if ending == Ending::Interrupted {
        eprintln!(
            "interrupted: the {} completed runs are in {}; add --resume to the same command to finish the rest",
            data.rows.len(),
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

/// Every cell of the scenario, or only those of one `--shard` slice, with the cells that
/// record a timeline marked (chosen over the whole matrix, so slices agree).
fn planned_cells(
    scenario: &Scenario,
    shard: Option<plan::Shard>,
    timeline: cli::Timeline,
) -> Vec<plan::Cell> {
    let mut cells = plan::cells(scenario);
    plan::choose_timeline(&mut cells, timeline);
    match shard {
        Some(sh) => plan::shard(cells, sh, scenario::logical_cores()),
        None => cells,
    }
}

/// `--dry-run`: the expanded matrix, its runs and an estimated duration; runs nothing.
fn dry_run(scenario: &Scenario, shard: Option<plan::Shard>) {
    let cores = scenario::logical_cores();
    let cells = planned_cells(scenario, shard, cli::Timeline::Off);
    let slots = plan::schedule(&cells, scenario.order, stats::seed_of(&scenario.sha256));
    let slice = shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    println!(
        "scenario `{}` ({}{slice}, order {}):",
        scenario.name,
        scenario
            .path
            .as_deref()
            .map_or("built-in demo".into(), |p| p.display().to_string()),
        scenario.order.as_str()
    );
    println!(
        "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
        "workload", "model", "workers", "tasks", "warmup+runs", "est. time"
    );
    let mut total = 0.0;
    for c in &cells {
        let est = plan::estimate_cell_s(c, cores);
        total += est;
        println!(
            "  {:<20} {:<20} {:>7} {:>7} {:>13} {:>10}",
            c.workload,
            c.model,
            c.workers,
            c.tasks,
            format!("{}+{}", c.warmup, c.repeats),
            human_duration(est)
        );
    }
    // Interleaved and random orders start a process (with its warmup) for every run.
    if slots.len() > cells.len() {
        total = slots
            .iter()
            .map(|sl| {
                let c = &cells[sl.cell];
                0.01 + (c.warmup + 1) as f64 * plan::estimate_run_s(c, cores)
            })
            .sum();
    }
    println!(
        "  {} cells, {} measured runs, {} processes; estimated time about {} (a rough guess from the kernels' parameters)",
        cells.len(),
        plan::total_runs(&cells),
        slots.len(),
        human_duration(total)
    );
}

/// "850 ms", "12.3 s", "4 min 10 s", "2 h 05 min".
fn human_duration(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else {
        format!(
            "{} h {:02} min",
            (s / 3600.0) as u64,
            ((s % 3600.0) / 60.0) as u64
        )
    }
}

/// The run folder: a fresh one, or with `--resume` the existing one with its runs and
/// recorded tasks (which must come from the same scenario text and the same shard).
type Opened = (RunDir, Vec<run::RunRow>, Vec<run::TaskRow>);

fn open_run_dir(
    scenario: &Scenario,
    args: &RunArgs,
    shard: Option<plan::Shard>,
) -> Result<Opened, Error> {
    let path = args.out.join(&scenario.name);
    if !args.resume || !path.join("runs.csv").is_file() {
        if args.resume {
            eprintln!(
                "nothing to resume in {}: starting a fresh run",
                path.display()
            );
        }
        return Ok((RunDir::create(&args.out, &scenario.name)?, vec![], vec![]));
    }
    let meta_path = path.join("meta.json");
    let meta: Meta = std::fs::read_to_string(&meta_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            Error::Usage(format!(
                "--resume: {} is missing or unreadable; run without --resume to start over",
                meta_path.display()
            ))
        })?;
    if meta.scenario.sha256 != scenario.sha256 {
        return Err(Error::Usage(format!(
            "--resume: the run in {} is of a different version of scenario `{}` (sha256 {} then, {} now); run without --resume to start over",
            path.display(),
            scenario.name,
            &meta.scenario.sha256[..12.min(meta.scenario.sha256.len())],
            &scenario.sha256[..12]
        )));
    }
    let wanted = shard.map(|s| s.to_string());
    if meta.shard != wanted {
        let says = |s: &Option<String>| {
            s.as_ref()
                .map_or("the whole matrix".to_string(), |s| format!("shard {s}"))
        };
        return Err(Error::Usage(format!(
            "--resume: the run in {} holds {}, but this command asks for {}; give the same --shard as before",
            path.display(),
            says(&meta.shard),
            says(&wanted)
        )));
    }
    let resume_error = |e: anyhow::Error| Error::Usage(format!("--resume: {e:#}"));
    let rows = read_runs(&path.join("runs.csv")).map_err(resume_error)?;
    let tasks = read_tasks(&path.join("tasks.csv")).map_err(resume_error)?;
    Ok((RunDir::open(&path), rows, tasks))
}

/// Loads and validates every file, stopping at the first invalid one.
pub fn load_all(paths: &[std::path::PathBuf]) -> Result<Vec<Scenario>, Error> {
    let mut out: Vec<Scenario> = Vec::new();
    for p in paths {
        let s = scenario::load(p)?;
        if let Some(other) = out.iter().find(|o| o.name == s.name) {
            return Err(Error::Usage(format!(
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

/// `parabench init`: writes the commented starter scenario to `path` (never over an existing
/// file unless `force`).
pub fn init(path: &Path, force: bool) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "{} already exists; choose another path (parabench init my-bench.toml) or add --force to overwrite it",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Usage(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    std::fs::write(path, scenario::STARTER)
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))?;
    println!(
        "wrote {p}\nnext: parabench run {p} --dry-run   (what would run)\n      parabench run {p}             (results in output/{stem}/)\n      parabench schema > {schema}   (editor completion via the #:schema line)",
        p = path.display(),
        stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario"),
        schema = path
            .with_file_name("parabench.schema.json")
            .display()
    );
    Ok(())
}

/// Reads a run folder's `meta.json`, `runs.csv` and `tasks.csv` (as `plot`, `compare` and
/// `merge` do) and recomputes its summary.
pub fn load_run_dir(run_dir: &Path) -> Result<RunData, Error> {
    let meta_path = run_dir.join("meta.json");
    let text = std::fs::read_to_string(&meta_path).map_err(|e| {
        Error::Usage(format!(
            "{} is not a parabench run folder: cannot read {}: {e}; give a folder written by `parabench run` (it holds meta.json and runs.csv)",
            run_dir.display(),
            meta_path.display()
        ))
    })?;
    let meta: Meta = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: not a parabench meta.json: {e}",
            meta_path.display()
        ))
    })?;
    let rows = read_runs(&run_dir.join("runs.csv")).map_err(|e| Error::Usage(format!("{e:#}")))?;
    let tasks =
        read_tasks(&run_dir.join("tasks.csv")).map_err(|e| Error::Usage(format!("{e:#}")))?;
    Ok(RunData::new(meta, rows).with_tasks(tasks))
}

/// `parabench plot`: recompute summary, report and charts from a run folder's files.
pub fn plot(run_dir: &Path) -> Result<(), Error> {
    let data = load_run_dir(run_dir)?;
    report::write_all(&RunDir::open(run_dir), &data)?;
    println!("redrew {} from {} runs", run_dir.display(), data.rows.len());
    Ok(())
}
