//! Run folders as `plot`, `merge` and `compare` read them: `meta.json`, `runs.csv` and
//! `tasks.csv`, with the summary recomputed. Given the `-o` folder of a run instead of the
//! scenario folder inside it, the only scenario folder there is used (or the error lists
//! them).

use super::meta::Meta;
use super::output::{read_runs, read_tasks};
use super::RunData;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// Reads a run folder; returns the folder actually read (see the module docs) and its data.
pub fn load_run_dir(dir: &Path) -> Result<(PathBuf, RunData), Error> {
    let run_dir = resolve(dir)?;
    let meta_path = run_dir.join("meta.json");
    let text = std::fs::read_to_string(&meta_path).map_err(|e| {
        Error::Input(format!(
            "{} is not a parabench run folder: cannot read {}: {e}; give a folder written by `parabench run` (it holds meta.json and runs.csv)",
            run_dir.display(),
            meta_path.display()
        ))
    })?;
    let meta: Meta = serde_json::from_str(&text).map_err(|e| {
        Error::Input(format!(
            "{}: not a parabench meta.json: {e}",
            meta_path.display()
        ))
    })?;
    let rows = read_runs(&run_dir.join("runs.csv")).map_err(|e| Error::Input(format!("{e:#}")))?;
    let tasks =
        read_tasks(&run_dir.join("tasks.csv")).map_err(|e| Error::Input(format!("{e:#}")))?;
    Ok((run_dir, RunData::new(meta, rows).with_tasks(tasks)))
}

/// `dir` itself if it holds a run; else its only subfolder that does.
fn resolve(dir: &Path) -> Result<PathBuf, Error> {
    if dir.join("meta.json").is_file() || !dir.is_dir() {
        return Ok(dir.to_path_buf());
    }
    let mut runs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("meta.json").is_file())
                .filter(|p| {
                    !p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    runs.sort();
    match runs.len() {
        0 => Ok(dir.to_path_buf()), // the error about meta.json follows
        1 => Ok(runs.remove(0)),
        _ => Err(Error::Input(format!(
            "{} holds several run folders ({}); give one of them, e.g. {}",
            dir.display(),
            runs.iter()
                .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
                .collect::<Vec<_>>()
                .join(", "),
            runs[0].display()
        ))),
    }
}
