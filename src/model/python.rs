//! Ready-made CPython models: `py-threading`, `py-multiprocessing`, `py-asyncio`, ... are
//! command models over the shipped `scenarios/python/kernels.py` (compiled into parabench and
//! written to a cache folder on first use), so any scenario can name them without copying
//! argv templates around. The interpreter is `python3`, the scenario's `python` key, or the
//! `PARABENCH_PYTHON` environment variable (which wins, so one scenario can be rerun under
//! another interpreter, e.g. a free-threaded build).

use super::command::{resolve_program, CommandModel};
use std::path::{Path, PathBuf};

/// The CPython kernel program, as shipped.
pub const KERNELS_PY: &str = include_str!("../../scenarios/python/kernels.py");

/// Environment variable naming the interpreter for the `py-*` models.
pub const PYTHON_ENV: &str = "PARABENCH_PYTHON";

/// Built-in CPython models: parabench name, `--model` of kernels.py, what it is.
pub const PY_MODELS: &[(&str, &str, &str)] = &[
    ("py-sequential", "sequential", "CPython: a plain loop"),
    (
        "py-threading",
        "threading",
        "CPython: threading.Thread workers on a queue.Queue",
    ),
    (
        "py-multiprocessing",
        "multiprocessing",
        "CPython: multiprocessing.Pool(N).map",
    ),
    (
        "py-asyncio",
        "asyncio",
        "CPython: asyncio with N worker coroutines",
    ),
    (
        "py-threadpool",
        "threadpool",
        "CPython: concurrent.futures.ThreadPoolExecutor",
    ),
    (
        "py-processpool",
        "processpool",
        "CPython: concurrent.futures.ProcessPoolExecutor",
    ),
    (
        "py-dummy",
        "dummy",
        "CPython: multiprocessing.dummy.Pool (threads)",
    ),
    (
        "py-to-thread",
        "to_thread",
        "CPython: asyncio + loop.run_in_executor",
    ),
];

/// Kernels that kernels.py implements (with the same checksums as the native ones).
pub const PY_KERNELS: &[&str] = &[
    "primes", "spin", "alloc", "sleep", "file", "http", "noop", "payload",
];

/// What one row of a `py-*` model's timeline is (kernels.py names its workers by process and
/// thread, or by asyncio worker coroutine).
pub fn timeline_worker(name: &str) -> Option<&'static str> {
    let (_, py_model, _) = PY_MODELS.iter().find(|(n, _, _)| *n == name)?;
    Some(match *py_model {
        "multiprocessing" | "processpool" => "process",
        "asyncio" => "in-flight slot",
        _ => "thread",
    })
}

pub fn is_py_model(name: &str) -> bool {
    PY_MODELS.iter().any(|(n, _, _)| *n == name)
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
    let (_, py_model, about) = PY_MODELS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| format!("`{name}` is not a CPython model"))?;
    let program = resolve_program(python, dir).map_err(|e| {
        format!("`{name}` needs a Python interpreter, and {e}; or set python = \"...\" in the scenario or {PYTHON_ENV}")
    })?;
    let script = materialize()?;
    let argv = vec![
        program.display().to_string(),
        script.display().to_string(),
        "--model".into(),
        py_model.to_string(),
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
        description: format!("{about} ({python})"),
        pass_params: true,
        fixed_workers: (*py_model == "sequential").then_some(1),
    })
}

/// Writes kernels.py to `<temp>/parabench-<version>-<hash>/kernels.py` once (atomically) and
/// returns its path, so the program is found wherever the scenario file lives.
fn materialize() -> Result<PathBuf, String> {
    let hash = &crate::scenario::sha256_hex(KERNELS_PY)[..12];
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
