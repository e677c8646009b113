//! Scenario files: parsing (format v1), validation with located errors, and resolution into
//! concrete workloads (defaults filled, worker expressions evaluated, paths made absolute).
//! Nothing runs until a whole scenario has passed through here.

pub mod diag;
pub mod file;
pub mod schema;
mod validate;
pub mod workers;

pub use diag::ScenarioError;
pub use file::Scaling;

use crate::kernel::Params;
use crate::model::command::CommandModel;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The built-in demo, compiled in: it runs when `parabench run` gets no file, and doubles as
/// the annotated example of the format.
pub const DEMO: &str = include_str!("../../scenarios/demo.toml");

/// The commented starter scenario `parabench init` writes.
pub const STARTER: &str = include_str!("../../scenarios/starter.toml");

/// A validated scenario, ready to plan.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The file it came from; `None` for the built-in demo.
    pub path: Option<PathBuf>,
    /// SHA-256 of the file's text.
    pub sha256: String,
    pub workloads: Vec<Workload>,
    /// External command models defined by `[[model]]` tables.
    pub commands: Vec<CommandModel>,
    /// The order runs happen in (`order = ...`, or `--order`).
    pub order: crate::plan::Order,
}

/// One workload with every matrix key resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub name: String,
    pub description: String,
    pub kernel: String,
    /// Whether `kernel` is built in (otherwise only command models may run it).
    pub builtin: bool,
    /// Tasks per run (strong scaling) or per worker (weak scaling).
    pub tasks: u64,
    pub params: Params,
    pub repeats: u32,
    pub warmup: u32,
    /// Resolved, sorted and deduplicated worker counts.
    pub workers: Vec<u64>,
    /// How the counts were written (e.g. `[1, 2, "cores"]`), for the record.
    pub workers_spec: String,
    pub models: Vec<String>,
    pub baseline: Option<String>,
    pub scaling: Scaling,
    pub timeout_s: Option<f64>,
}

/// `--force`: lift the limit on worker processes (set once by the command line).
pub static FORCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Starting more worker processes than this is almost surely a mistake on any machine.
pub const MAX_PROCESSES: u64 = 256;

/// Starting more OS threads than this is almost surely a mistake too. Coroutines (`async`)
/// are cheap and go up to the hard limit of [`workers::MAX_WORKERS`].
pub const MAX_THREADS: u64 = 4096;

/// Models that start one OS thread per worker.
const THREAD_MODELS: &[&str] = &["threads", "rayon", "async-multi", "async-blocking"];

/// Why these worker counts are too many for the models (`processes` starts one process per
/// worker, the thread models one thread), if they are, and the limit that applies. `--force`
/// lifts both.
pub fn process_limit(workers: &[u64], models: &[String]) -> Option<(String, u64)> {
    let max = workers.last().copied().unwrap_or(1);
    if FORCE.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    if max > MAX_PROCESSES && models.iter().any(|m| m == "processes") {
        return Some((
            format!("the `processes` model would start {max} processes"),
            MAX_PROCESSES,
        ));
    }
    let threads = models.iter().find(|m| THREAD_MODELS.contains(&m.as_str()));
    match threads {
        Some(m) if max > MAX_THREADS => Some((
            format!("the `{m}` model would start {max} OS threads"),
            MAX_THREADS,
        )),
        _ => None,
    }
}

/// Logical cores this process may use (affinity-aware).
pub fn logical_cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ScenarioError::whole_file(path, format!("cannot read the scenario file: {e}"))
            .with_help("check the path; `parabench run` with no file runs the built-in demo")
    })?;
    let dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scenario");
    let mut s = parse(path, &text, stem, &dir, logical_cores())?;
    s.path = Some(path.to_path_buf());
    Ok(s)
}

/// The built-in demo scenario.
pub fn demo() -> Result<Scenario, ScenarioError> {
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    parse(
        Path::new("<built-in demo>"),
        DEMO,
        "demo",
        &dir,
        logical_cores(),
    )
}

/// Parses and validates scenario text. `file` is only used in messages; `stem` is the default
/// name; `dir` is where relative paths point; `cores` resolves worker expressions.
pub fn parse(
    file: &Path,
    text: &str,
    stem: &str,
    dir: &Path,
    cores: u64,
) -> Result<Scenario, ScenarioError> {
    validate::parse(file, text, stem, dir, cores)
}

/// SHA-256 of some text, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
