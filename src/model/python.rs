//! Ready-made CPython models: `py-threading`, `py-multiprocessing`, `py-asyncio`, ... are
//! command models over the shipped `scenarios/python/kernels.py` (compiled into parabench and
//! written to a cache folder on first use), so any scenario can name them without copying
//! argv templates around. The interpreter is `python3`, the scenario's `python` key, or the
//! `PARABENCH_PYTHON` environment variable (which wins, so one scenario can be rerun under
//! another interpreter, e.g. a free-threaded build).

use super::command::{resolve_program, CommandModel};
use super::Spawns;
use std::path::{Path, PathBuf};

/// The CPython kernel program, as shipped.
pub const KERNELS_PY: &str = include_str!("../../scenarios/python/kernels.py");

/// Environment variable naming the interpreter for the `py-*` models.
pub const PYTHON_ENV: &str = "PARABENCH_PYTHON";

/// One shipped CPython model: the `--model` of kernels.py it runs, and what parabench needs to
/// know about it.
#[derive(Debug, Clone, Copy)]
pub struct PyModel {
    /// The parabench name, `py-...`.
    pub name: &'static str,
    /// kernels.py's `--model`.
    pub harness: &'static str,
    pub about: &'static str,
    /// What one timeline row is (kernels.py names its workers by process and thread, or by
    /// asyncio worker coroutine).
    pub timeline_worker: &'static str,
    pub spawns: Spawns,
    /// CPU work runs in parallel (processes) or takes turns behind the GIL (threads, asyncio).
    pub cpu_parallel: bool,
}

const fn py(
    name: &'static str,
    harness: &'static str,
    about: &'static str,
    timeline_worker: &'static str,
    spawns: Spawns,
    cpu_parallel: bool,
) -> PyModel {
    PyModel {
        name,
        harness,
        about,
        timeline_worker,
        spawns,
        cpu_parallel,
    }
}

/// Every shipped CPython model, in the order `parabench list` shows them.
pub const PY_MODELS: &[PyModel] = &[
    py(
        "py-sequential",
        "sequential",
        "CPython: a plain loop",
        "thread",
        Spawns::Nothing,
        false,
    ),
    py(
        "py-threading",
        "threading",
        "CPython: threading.Thread workers on a queue.Queue",
        "thread",
        Spawns::Threads,
        false,
    ),
    py(
        "py-multiprocessing",
        "multiprocessing",
        "CPython: multiprocessing.Pool(N).map",
        "process",
        Spawns::Processes,
        true,
    ),
    py(
        "py-asyncio",
        "asyncio",
        "CPython: asyncio with N worker coroutines",
        "in-flight slot",
        Spawns::Coroutines,
        false,
    ),
    py(
        "py-threadpool",
        "threadpool",
        "CPython: concurrent.futures.ThreadPoolExecutor",
        "thread",
        Spawns::Threads,
        false,
    ),
    py(
        "py-processpool",
        "processpool",
        "CPython: concurrent.futures.ProcessPoolExecutor",
        "process",
        Spawns::Processes,
        true,
    ),
    py(
        "py-dummy",
        "dummy",
        "CPython: multiprocessing.dummy.Pool (threads)",
        "thread",
        Spawns::Threads,
        false,
    ),
    py(
        "py-to-thread",
        "to_thread",
        "CPython: asyncio + loop.run_in_executor",
        "thread",
        Spawns::Threads,
        false,
    ),
];

/// The shipped CPython model of this name.
pub fn find(name: &str) -> Option<&'static PyModel> {
    PY_MODELS.iter().find(|m| m.name == name)
}

/// Kernels that kernels.py implements (with the same checksums as the native ones).
pub const PY_KERNELS: &[&str] = &[
    "primes", "spin", "alloc", "sleep", "file", "http", "noop", "payload",
];

/// What one row of a `py-*` model's timeline is.
pub fn timeline_worker(name: &str) -> Option<&'static str> {
    find(name).map(|m| m.timeline_worker)
}

pub fn is_py_model(name: &str) -> bool {
    find(name).is_some()
}

/// The interpreter to use: `PARABENCH_PYTHON`, else the scenario's `python`, else `python3`.
pub fn interpreter(scenario_python: Option<&str>) -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| scenario_python.map(str::to_string))
        .unwrap_or_else(|| "python3".to_string())
}

/// Builds the command model for a `py-*` name. Errors say how to fix a missing interpreter.
pub fn command_model(name: &str, python: &str, dir: &Path) -> Result<CommandModel, String> {
    let py = find(name).ok_or_else(|| format!("`{name}` is not a CPython model"))?;
    let program = resolve_program(python, dir).map_err(|e| {
        format!("`{name}` needs a Python interpreter, and {e}; or set python = \"...\" in the scenario or {PYTHON_ENV}")
    })?;
    let script = materialize()?;
    let argv = vec![
        program.display().to_string(),
        script.display().to_string(),
        "--model".into(),
        py.harness.to_string(),
        "--kernel".into(),
        "{kernel}".into(),
        "--workers".into(),
        "{workers}".into(),
        "--tasks".into(),
        "{tasks}".into(),
    ];
    Ok(CommandModel {
        name: name.to_string(),
        argv,
        shell: false,
        dir: dir.to_path_buf(),
        description: format!("{} ({python})", py.about),
        pass_params: true,
        fixed_workers: (py.spawns == Spawns::Nothing).then_some(1),
        spawns: py.spawns,
        cpu_parallel: py.cpu_parallel,
        timeline_worker: Some(py.timeline_worker.to_string()),
    })
}

/// Writes kernels.py to `<temp>/parabench-<version>-<hash>/kernels.py` once (atomically) and
/// returns its path, so the program is found wherever the scenario file lives.
fn materialize() -> Result<PathBuf, String> {
    let hash = &crate::hash::sha256_hex(KERNELS_PY)[..12];
    let dir = std::env::temp_dir().join(format!("parabench-{}-{hash}", env!("CARGO_PKG_VERSION")));
    let path = dir.join("kernels.py");
    if path.is_file() {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tmp = dir.join(format!("kernels.py.{}.tmp", std::process::id()));
    std::fs::write(&tmp, KERNELS_PY)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}
