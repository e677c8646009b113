//! Ready-made CPython models: `py-threading`, `py-multiprocessing`, `py-asyncio`, ... are
//! command models over the shipped `scenarios/python/kernels.py` (compiled into parabench and
//! written to a cache folder on first use), so any scenario can name them without copying
//! argv templates around. The interpreter is `python3`, the scenario's `python` key, or the
//! `PARABENCH_PYTHON` environment variable (which wins, so one scenario can be rerun under
//! another interpreter, e.g. a free-threaded build).

use super::command::{resolve_program, CommandModel};
use super::ModelError;
use super::{Job, Spawns};
use crate::kernel::user_code::UserCode;
use crate::kernel::Params;
use crate::measure::{fork_exec_group, kill_group, read_back, scratch_file};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
pub fn command_model(name: &str, python: &str, dir: &Path) -> Result<CommandModel, ModelError> {
    let py =
        find(name).ok_or_else(|| ModelError::Setup(format!("`{name}` is not a CPython model")))?;
    let program = resolve_program(python, dir).map_err(|e| {
        ModelError::Setup(format!("`{name}` needs a Python interpreter, and {e}; or set python = \"...\" in the scenario or {PYTHON_ENV}"))
    })?;
    let script = materialize().map_err(ModelError::Setup)?;
    let argv = vec![
        program.display().to_string(),
        script.display().to_string(),
        "--model".into(),
        py.harness.to_string(),
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
        output_limit_mb: None,
        family: super::Family::CPython,
    })
}

/// The harness's arguments for a run's workload: `--kernel <name>` and `--<param> <value>`
/// per parameter, or for the user's function `--function <target> --params-json <object>`
/// (typed values: the function gets ints as ints and strings as strings).
pub fn workload_args(job: &Job) -> Result<Vec<String>, ModelError> {
    if let Some(UserCode::Function { target, .. }) = job.code {
        let json =
            serde_json::to_string(job.params).map_err(|e| ModelError::Setup(e.to_string()))?;
        return Ok(vec![
            "--function".into(),
            target.clone(),
            "--params-json".into(),
            json,
        ]);
    }
    let mut args = vec!["--kernel".to_string(), job.kernel.to_string()];
    for (k, v) in job.params {
        args.push(format!("--{}", k.replace('_', "-")));
        args.push(v.to_string());
    }
    Ok(args)
}

/// How long checking a function may take (importing a module runs its top-level code).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// Overrides [`CHECK_TIMEOUT`] in seconds (for tests of the timeout, not for users).
pub const CHECK_TIMEOUT_ENV: &str = "PARABENCH_CHECK_TIMEOUT_S";

fn check_timeout() -> Duration {
    std::env::var(CHECK_TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(CHECK_TIMEOUT, Duration::from_secs)
}

/// Why a function cannot be run as a workload's, from [`check_function`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionProblem {
    /// The workload parameter at fault, when one is (point at its key).
    pub param: Option<String>,
    pub message: String,
}

/// Checks, before anything runs, that the function `target` exists and can be called as
/// `fn(index, **params)`: kernels.py parses a file without running it and imports only a
/// module (or a name a file binds by assignment or import), in a child process in `dir`
/// that is killed after [`CHECK_TIMEOUT`] (the child's whole process group, in case the
/// module started processes of its own).
pub fn check_function(
    python: &Path,
    target: &str,
    dir: &Path,
    params: &Params,
) -> Result<(), FunctionProblem> {
    let problem = |message: String| FunctionProblem {
        param: None,
        message,
    };
    let script = materialize().map_err(problem)?;
    let json = serde_json::to_string(params).map_err(|e| problem(e.to_string()))?;
    // Output goes to files, so whatever the module prints on import never fills a pipe.
    let (out_file, err_file) = (
        scratch_file().map_err(|e| problem(e.to_string()))?,
        scratch_file().map_err(|e| problem(e.to_string()))?,
    );
    let to = |f: &std::fs::File| {
        f.try_clone()
            .map(Stdio::from)
            .map_err(|e| problem(format!("cannot pass an output file to the check: {e}")))
    };
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .arg("--check-function")
        .arg(target)
        .arg("--params-json")
        .arg(json)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(to(&out_file)?)
        .stderr(to(&err_file)?);
    let mut child = fork_exec_group(&mut cmd)
        .spawn()
        .map_err(|e| problem(format!("cannot start {}: {e}", python.display())))?;
    drop(cmd);
    let (start, limit) = (Instant::now(), check_timeout());
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > limit => {
                kill_group(child.id());
                let _ = child.wait();
                return Err(problem(format!(
                    "checking `{target}` took longer than {} s (importing it runs its top-level code): move slow work out of the module's top level",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(problem(format!("cannot wait for the check: {e}"))),
        }
    }
    let stdout = read_back(out_file);
    let last = stdout.lines().rev().find(|l| l.starts_with('{'));
    let Some(answer) = last.and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok()) else {
        let err = read_back(err_file);
        return Err(problem(format!(
            "checking `{target}` failed: {}",
            err.lines()
                .last()
                .unwrap_or("no answer from the interpreter")
        )));
    };
    if answer["ok"].as_bool() == Some(true) {
        return Ok(());
    }
    Err(FunctionProblem {
        param: answer["param"].as_str().map(str::to_string),
        message: answer["message"]
            .as_str()
            .unwrap_or("the function cannot be run")
            .to_string(),
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

#[cfg(test)]
mod kernel_tests {
    /// The kernels kernels.py implements (its `KERNELS` tuple) are exactly those that declare
    /// [`crate::kernel::Kernel::cpython`]: one declaration, checked against the harness.
    #[test]
    fn kernels_py_implements_exactly_the_cpython_kernels() {
        let line = super::KERNELS_PY
            .lines()
            .find(|l| l.starts_with("KERNELS = ("))
            .unwrap_or_else(|| panic!("kernels.py has no `KERNELS = (...)` line"));
        let mut in_py: Vec<&str> = line.split('"').skip(1).step_by(2).collect::<Vec<_>>();
        let mut declared = crate::kernel::cpython_names();
        in_py.sort_unstable();
        declared.sort_unstable();
        assert_eq!(in_py, declared);
    }
}
