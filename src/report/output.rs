//! The run folder: created fresh for every run (an earlier run is set aside first and removed
//! only once the new one is complete, so old and new files never mix), files written under a
//! temporary name and renamed into place, and `runs.csv` (and `tasks.csv`) appended and
//! flushed per run.

use crate::record::{RunRow, TaskRow};
use anyhow::Context;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// A run folder in use.
pub struct RunDir {
    pub path: PathBuf,
    /// Where the previous run in this folder was moved, until this run completes.
    previous: Option<PathBuf>,
}

impl RunDir {
    /// Prepares `<root>/<name>/` for a new run.
    pub fn create(root: &Path, name: &str) -> anyhow::Result<RunDir> {
        fs::create_dir_all(root)
            .with_context(|| format!("failed to create output folder {}", root.display()))?;
        let path = root.join(name);
        let mut previous = None;
        if path.exists() {
            let aside = root.join(format!(".{name}.previous"));
            if aside.exists() {
                fs::remove_dir_all(&aside)
                    .with_context(|| format!("failed to remove {}", aside.display()))?;
            }
            fs::rename(&path, &aside).with_context(|| {
                format!("failed to set aside the earlier run in {}", path.display())
            })?;
            previous = Some(aside);
        }
        fs::create_dir_all(&path)
            .with_context(|| format!("failed to create {}", path.display()))?;
        Ok(RunDir { path, previous })
    }

    /// Opens an existing run folder (for `parabench plot`).
    pub fn open(path: &Path) -> RunDir {
        RunDir {
            path: path.to_path_buf(),
            previous: None,
        }
    }

    /// Where the earlier run was set aside, while it is kept.
    pub fn previous(&self) -> Option<&Path> {
        self.previous.as_deref()
    }

    /// The new run is complete: the earlier one can go.
    pub fn commit(&mut self) -> anyhow::Result<()> {
        if let Some(p) = self.previous.take() {
            fs::remove_dir_all(&p).with_context(|| format!("failed to remove {}", p.display()))?;
        }
        Ok(())
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes a file atomically: to a temporary name, then renamed over the real one.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        write_atomic(&self.file(name), bytes)
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    fs::write(&tmp, bytes).with_context(|| format!("failed to write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("failed to write {}", path.display()))?;
    Ok(())
}

/// `runs.csv`, one row appended and flushed per run so nothing measured is ever lost.
pub struct RunsCsv {
    writer: csv::Writer<File>,
}

impl RunsCsv {
    pub fn create(path: &Path) -> anyhow::Result<RunsCsv> {
        let file =
            File::create(path).with_context(|| format!("failed to create {}", path.display()))?;
        Ok(RunsCsv {
            writer: csv::Writer::from_writer(file),
        })
    }

    /// Goes on appending to an existing `runs.csv` (which already has its header).
    pub fn reopen(path: &Path) -> anyhow::Result<RunsCsv> {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("failed to open {}", path.display()))?;
        Ok(RunsCsv {
            writer: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(file),
        })
    }

    pub fn append(&mut self, row: &RunRow) -> anyhow::Result<()> {
        self.writer.serialize(row)?;
        self.writer.flush()?;
        Ok(())
    }
}

/// Writes `runs.csv` whole, replacing the file atomically: at the end of a run, when the
/// session's probes give the host columns every row derives from them.
pub fn write_runs(path: &Path, rows: &[RunRow]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    write_atomic(path, &w.into_inner()?)
}

/// Reads `runs.csv` back.
pub fn read_runs(path: &Path) -> anyhow::Result<Vec<RunRow>> {
    let mut rows: Vec<RunRow> = read_csv(path, "a parabench run")?;
    rows.iter_mut().for_each(RunRow::upgrade);
    Ok(rows)
}

/// `tasks.csv`: the per-task rows of the runs that recorded a timeline, appended and flushed
/// as each such run ends. The file exists only once a run has recorded something.
pub struct TasksCsv {
    path: PathBuf,
    writer: Option<csv::Writer<File>>,
}

impl TasksCsv {
    /// Starts `tasks.csv` afresh (an earlier run's file in the folder is removed).
    pub fn create(path: &Path) -> anyhow::Result<TasksCsv> {
        match fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("failed to remove {}", path.display()))
            }
            _ => {}
        }
        Ok(TasksCsv {
            path: path.to_path_buf(),
            writer: None,
        })
    }

    pub fn append(&mut self, rows: &[TaskRow]) -> anyhow::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let writer = match &mut self.writer {
            Some(w) => w,
            None => {
                let file = File::create(&self.path)
                    .with_context(|| format!("failed to create {}", self.path.display()))?;
                self.writer.insert(csv::Writer::from_writer(file))
            }
        };
        for row in rows {
            writer.serialize(row)?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// Reads `tasks.csv` back; a folder without one has no recorded tasks.
pub fn read_tasks(path: &Path) -> anyhow::Result<Vec<TaskRow>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_csv(path, "a parabench task")
}

fn read_csv<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("failed to open {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize().enumerate() {
        rows.push(row.with_context(|| format!("{}: row {} is not {what}", path.display(), i + 2))?);
    }
    Ok(rows)
}
