//! The run folder of `parabench run`: opened fresh or, with `--resume`, with the rows of the
//! earlier session; its meta.json; kept or replaced by the finished run.

use super::RunOptions;
use crate::error::{write_failure, Error};
use crate::plan::Shard;
use crate::record::{Ending, RunRow, TaskRow};
use crate::report::meta::{FailedRun, Meta};
use crate::report::output::{read_runs, read_tasks, RunDir};
use crate::scenario::Scenario;

pub(super) fn write_meta(dir: &RunDir, meta: &Meta) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(meta).map_err(anyhow::Error::from)?;
    dir.write("meta.json", &bytes)
        .map_err(write_failure("meta.json"))?;
    Ok(())
}

/// An interrupted run keeps the earlier complete one beside it (`.<name>.previous`); a
/// complete one replaces it.
pub(super) fn keep_or_drop_previous(dir: &mut RunDir, ending: Ending) -> Result<(), Error> {
    if ending == Ending::Complete {
        dir.commit()
            .map_err(write_failure("the run folder (removing the earlier run)"))?;
    } else if let Some(previous) = dir.previous() {
        eprintln!(
            "the earlier run in this folder is kept in {}",
            previous.display()
        );
    }
    Ok(())
}
/// The rows a run folder held before this run (with `--resume`), to be kept or run again,
/// and when its first session began.
#[derive(Default)]
pub(super) struct Earlier {
    pub runs: Vec<RunRow>,
    pub tasks: Vec<TaskRow>,
    pub origin_unix_s: Option<f64>,
    /// Its failed warmup and timeline runs.
    pub failed: Vec<FailedRun>,
}

/// The run folder: a fresh one, or with `--resume` the existing one with its runs and
/// recorded tasks (which must come from the same scenario text and the same shard).
pub(super) fn open_run_dir(
    scenario: &Scenario,
    opts: &RunOptions,
    shard: Option<Shard>,
) -> Result<(RunDir, Earlier), Error> {
    let path = opts.out.join(&scenario.name);
    if !opts.resume || !path.join("runs.csv").is_file() {
        if opts.resume {
            eprintln!(
                "nothing to resume in {}: starting a fresh run",
                path.display()
            );
        }
        let dir =
            RunDir::create(&opts.out, &scenario.name).map_err(write_failure("the run folder"))?;
        return Ok((dir, Earlier::default()));
    }
    let meta_path = path.join("meta.json");
    let meta: Meta = std::fs::read_to_string(&meta_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            Error::Input(format!(
                "--resume: {} is missing or unreadable; run without --resume to start over",
                meta_path.display()
            ))
        })?;
    if meta.scenario.sha256 != scenario.sha256 {
        return Err(Error::Input(format!(
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
        return Err(Error::Input(format!(
            "--resume: the run in {} holds {}, but this command asks for {}; give the same --shard as before",
            path.display(),
            says(&meta.shard),
            says(&wanted)
        )));
    }
    let resume_error = |e: anyhow::Error| Error::Input(format!("--resume: {e:#}"));
    let runs = read_runs(&path.join("runs.csv")).map_err(resume_error)?;
    let tasks = read_tasks(&path.join("tasks.csv")).map_err(resume_error)?;
    let earlier = Earlier {
        runs,
        tasks,
        origin_unix_s: meta.started_unix_s,
        failed: meta.failed_unmeasured,
    };
    Ok((RunDir::open(&path), earlier))
}
