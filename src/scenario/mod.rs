//! Scenario files: parsing (format v1), validation with located errors, and resolution into
//! concrete workloads (defaults filled, worker expressions evaluated, paths made absolute).
//! Nothing runs until a whole scenario has passed through here.
//!
//! Every key of the format is one entry of the key table ([`keys::KEYS`]); the file reader
//! (`file.rs`), the validator (`validate/`) and the JSON Schema (`schema.rs`) all read it. The
//! keys with values of their own type have a file each: `order.rs`, `scaling.rs`, `workers.rs`,
//! `charts.rs`.

pub mod charts;
pub mod diag;
mod file;
pub mod keys;
mod order;
mod scaling;
pub mod schema;
mod validate;
pub mod workers;

pub use charts::Charts;
pub use diag::ScenarioError;
pub use order::{Order, DEFAULT_ROUNDS};
pub use scaling::Scaling;
pub use validate::interpreter::Interpreter;

/// A value given outside a scenario file (a command-line flag, a word read back from a
/// results file) that is not one a setting takes. Errors inside a scenario file are
/// [`ScenarioError`]s, which also point at the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A word that is not one of a setting's choices (`choices` empty: they go unlisted).
    #[error("unknown {setting} `{word}`{}", expected(choices))]
    UnknownWord {
        setting: &'static str,
        word: String,
        choices: &'static [&'static str],
    },
    /// A flag's value that cannot be used; the text names the flag and the fix.
    #[error("{0}")]
    Flag(String),
}

/// `: expected one of a, b` for a word's choices, or nothing.
fn expected(choices: &[&str]) -> String {
    if choices.is_empty() {
        String::new()
    } else {
        format!(": expected one of {}", choices.join(", "))
    }
}

use crate::kernel::user_code::UserCode;
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
    pub order: Order,
    /// The interpreters its models run on, as checked (the Python of the `py-*` models).
    pub interpreters: Vec<Interpreter>,
    /// Which chart files to write (`charts = ...`, or `--charts`).
    pub charts: Charts,
    /// Rounds of [`Order::Rounds`] (`rounds = ...`, or `--rounds`); each cell uses at most
    /// its repeats.
    pub rounds: u32,
    /// Up to this many runs the host probes saw on a slowed host are measured again at the
    /// end of the session (`remeasure = ...`, or `--remeasure`); 0: none.
    pub remeasure: u32,
    /// The versions of the code under test (`[[variant]]` or `--variant`), the base first;
    /// empty when the scenario has none.
    pub variants: Vec<Variant>,
}

/// One version of the code under test: what it changes, resolved and checked like the keys
/// it overrides. Every cell runs under every variant (see `plan::with_variants`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    /// Environment variables of the run's processes (the cell process and what it starts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<(String, String)>,
    /// The workloads whose code this variant replaces, and their code under it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<(String, UserCode)>,
    /// The scenario's command models as this variant runs them (its interpreter for the py-*
    /// models; `{variant}` is filled in per cell).
    #[serde(skip)]
    pub commands: Vec<CommandModel>,
    /// The interpreters it runs on, as checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<Interpreter>,
    /// What it overrides, as written (`library=pr/libwork.so`), for the report.
    #[serde(default)]
    pub overrides: Vec<String>,
}

/// The placeholder of a `[[model]]` command that is the variant's name.
pub const VARIANT_PLACEHOLDER: &str = "variant";

/// One workload with every matrix key resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub name: String,
    pub description: String,
    pub kernel: String,
    /// Whether `kernel` is built in (otherwise only command models may run it).
    pub builtin: bool,
    /// The user's own code the workload runs instead of a kernel (`kernel` then names it, as
    /// `function:work.py:digest` or `library:libwork.so:work`). Absent from meta.json for kernels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<UserCode>,
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

/// What validation needs beyond the file: the cores that worker expressions resolve
/// against, and whether `--force` lifts the limits on threads and processes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadOptions {
    pub cores: u64,
    pub force: bool,
    /// `--variant name:key=value,...` as given: they replace the file's `[[variant]]` tables.
    pub variants: Vec<String>,
}

impl LoadOptions {
    /// This machine's cores; `force` as given.
    pub fn here(force: bool) -> LoadOptions {
        LoadOptions {
            cores: logical_cores(),
            force,
            variants: Vec::new(),
        }
    }
}

/// Why these worker counts are too many for the models (one process or OS thread per worker
/// beyond the model's [`crate::model::Spawns::limit`]), if they are, and the limit that
/// applies. `force` lifts every limit.
pub fn process_limit(
    workers: &[u64],
    models: &[String],
    commands: &[CommandModel],
    force: bool,
) -> Option<(String, u64)> {
    let max = workers.last().copied().unwrap_or(1);
    if force {
        return None;
    }
    models.iter().find_map(|m| {
        let model = crate::model::lookup(m, commands)?;
        let (limit, what) = model.spawns().limit()?;
        (max > limit).then(|| (format!("the `{m}` model would start {max} {what}"), limit))
    })
}

/// Logical cores this process may use (affinity-aware).
pub fn logical_cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

/// Reads and validates a scenario file.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Scenario, ScenarioError> {
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
    let mut s = parse(path, &text, stem, &dir, opts)?;
    s.path = Some(path.to_path_buf());
    Ok(s)
}

/// The built-in demo scenario.
pub fn demo(opts: &LoadOptions) -> Result<Scenario, ScenarioError> {
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    parse(Path::new("<built-in demo>"), DEMO, "demo", &dir, opts)
}

/// Parses and validates scenario text. `file` is only used in messages; `stem` is the default
/// name; `dir` is where relative paths point.
pub use validate::parse;
