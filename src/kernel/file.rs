//! `file`: write `bytes` bytes to a file in a private temporary folder, fsync it, read it
//! back — disk IO with a real durability barrier. The folder is removed when the task is
//! dropped (at the end of the run's process), so nothing is left behind.

use super::{int, int_or, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct File;

struct FileTask {
    bytes: usize,
    dir: PathBuf,
}

impl Kernel for File {
    fn name(&self) -> &'static str {
        "file"
    }
    fn about(&self) -> &'static str {
        "write `bytes` bytes to a temp file, fsync, read back (checksum: sum of the bytes read)"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "bytes",
            about: "file size per task",
            default: 65_536,
            min: 0,
            max: 1 << 30,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "parabench-file-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| {
            KernelError::Setup(format!("cannot create temp folder {}: {e}", dir.display()))
        })?;
        Ok(Arc::new(FileTask {
            bytes: int(params, "bytes")? as usize,
            dir,
        }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        // An fsync costs milliseconds; the bytes themselves little.
        2e-3 + int_or(params, "bytes", 65_536) / 5e8
    }
}

impl Task for FileTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        let path = self.dir.join(format!("task-{index}.bin"));
        let data: Vec<u8> = (0..self.bytes)
            .map(|k| ((index as usize + k) % 256) as u8)
            .collect();
        let io = |what: &str, e: std::io::Error| {
            KernelError::Task(format!("{what} {}: {e}", path.display()))
        };
        let mut f = std::fs::File::create(&path).map_err(|e| io("cannot create", e))?;
        f.write_all(&data).map_err(|e| io("cannot write", e))?;
        f.sync_all().map_err(|e| io("cannot fsync", e))?;
        drop(f);
        let mut back = Vec::with_capacity(self.bytes);
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut back))
            .map_err(|e| io("cannot read back", e))?;
        let _ = std::fs::remove_file(&path);
        Ok(back.iter().map(|&b| b as u64).sum())
    }
}

impl Drop for FileTask {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_reads_and_cleans_up() {
        let mut p = Params::new();
        p.insert("bytes".into(), super::super::ParamValue::Int(300));
        let task = File.prepare(&p).unwrap();
        // bytes 0..255 then 0..43: 32640 + 946
        assert_eq!(task.run(0), Ok(32640 + 946));
        drop(task);
        let dir = std::env::temp_dir().join(format!("parabench-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let task = FileTask {
            bytes: 10,
            dir: dir.clone(),
        };
        assert_eq!(task.run(1), Ok((1..=10).sum()));
        drop(task);
        assert!(!dir.exists(), "the temp folder is removed with the task");
    }
}
