//! The interpreters a scenario runs on, checked before anything runs: each is started once,
//! with a time limit, and asked for its version, so a missing, broken or too old interpreter
//! is a located error (exit 2) rather than every run failing later. Today there is one: the
//! Python of the `py-*` models and `function` workloads (the `python` key,
//! `$PARABENCH_PYTHON`, or `python3`), which must be 3.8 or later for the shipped harness.
//! What was found goes to `meta.json` and the report's machine table ([`Interpreter`]), as a
//! list, so that more interpreters (one per variant) fit beside it.

use super::{key, Checker};
use crate::measure::{fork_exec_group, kill_group, read_back, scratch_file};
use crate::model::{self, command::CommandModel};
use crate::scenario::diag::Seg;
use crate::scenario::file::RawTable;
use crate::scenario::ScenarioError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The oldest Python the shipped harness (`scenarios/python/kernels.py`) runs on.
pub const MIN_PYTHON: (u64, u64) = (3, 8);

/// How long an interpreter may take to start and print its version.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// What the interpreter runs: three lines, its version, its implementation and its build. It
/// is valid Python 2 as well, so an old interpreter says how old it is.
const PROBE: &str = "import sys, platform; sys.stdout.write('%d.%d.%d\\n%s\\n%s\\n' % \
    (sys.version_info[0], sys.version_info[1], sys.version_info[2], \
    platform.python_implementation(), sys.version.replace('\\n', ' ')))";

/// An interpreter a run uses, as checked before it started (`meta.json`'s `interpreters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpreter {
    /// What runs on it: `py-* models`.
    pub runs: String,
    /// The program as named: `python3`, or the value of the `python` key or the variable.
    pub program: String,
    /// What named it: `default`, `python key` or `PARABENCH_PYTHON`.
    pub named_by: String,
    /// The program that was started.
    pub path: String,
    /// `3.11.7`.
    pub version: String,
    /// `CPython`, `PyPy`, ...
    pub implementation: String,
    /// `sys.version`, on one line (build date and compiler).
    pub build: String,
}

/// What named the interpreter, and how an error says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamedBy {
    Default,
    Key,
    Env,
    /// A `[[variant]]`'s `python` (or `--variant`'s): it wins over `$PARABENCH_PYTHON`.
    Variant,
}

impl NamedBy {
    fn as_str(self) -> &'static str {
        match self {
            NamedBy::Default => "default",
            NamedBy::Key => "python key",
            NamedBy::Env => model::python::PYTHON_ENV,
            NamedBy::Variant => "variant",
        }
    }

    /// Said after the program's name in an error (the `python` key is where it points).
    fn said(self) -> String {
        match self {
            NamedBy::Default => " (the default)".into(),
            NamedBy::Key => String::new(),
            NamedBy::Env => format!(" (from ${})", model::python::PYTHON_ENV),
            // The error stands at the variant's `python` and names the variant.
            NamedBy::Variant => String::new(),
        }
    }

    /// The fix: name a Python 3.8 or newer where this one was named.
    fn help(self) -> String {
        let env = model::python::PYTHON_ENV;
        let (major, minor) = MIN_PYTHON;
        match self {
            NamedBy::Default => format!(
                "the py-* models need Python {major}.{minor} or newer: install it as python3, or name it with python = \"python3.12\" at the top of the scenario or in ${env}"
            ),
            NamedBy::Key => format!(
                "name Python {major}.{minor} or newer here, e.g. python = \"python3.12\" (${env}, when set, wins)"
            ),
            NamedBy::Env => format!(
                "set ${env} to Python {major}.{minor} or newer (e.g. python3.12), or unset it to use the scenario's `python` key or python3"
            ),
            NamedBy::Variant => format!(
                "name Python {major}.{minor} or newer as the variant's python, e.g. python = \"/usr/bin/python3.12\" (check it first: `python3.12 --version`)"
            ),
        }
    }
}

/// How long the check may take: [`START_TIMEOUT`], or the seconds in
/// `$PARABENCH_CHECK_TIMEOUT_S` (shared with the check of a `function`).
fn timeout() -> Duration {
    std::env::var(model::python::CHECK_TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(START_TIMEOUT, Duration::from_secs)
}

impl Checker<'_> {
    /// Checks the interpreter of every `py-*` model the scenario names (unless a `[[model]]`
    /// of that name replaces it) and of every `function` workload: the list of interpreters
    /// the run uses, or an error at the `python` key (or at the first use, when the
    /// interpreter was not named there).
    pub(super) fn interpreters(
        &self,
        raw: &RawTable,
        commands: &[CommandModel],
    ) -> Result<Vec<Interpreter>, ScenarioError> {
        let first_use = super::models::python_uses(raw)
            .into_iter()
            .find(|(_, name)| !commands.iter().any(|c| c.name == *name));
        let Some((use_path, _)) = first_use else {
            return Ok(Vec::new());
        };
        let env = std::env::var(model::python::PYTHON_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty());
        let (program, named_by) = match (env, &raw.python) {
            (_, Some(p)) if raw.python_wins => (p.clone(), NamedBy::Variant),
            (Some(p), _) => (p, NamedBy::Env),
            (None, Some(p)) => (p.clone(), NamedBy::Key),
            (None, None) => ("python3".to_string(), NamedBy::Default),
        };
        let at: Vec<Seg> = if matches!(named_by, NamedBy::Key | NamedBy::Variant) {
            vec![key("python")]
        } else {
            use_path
        };
        let python = check_python(&program, named_by, self.dir).map_err(|f| {
            let err = self.err(&at, f.message);
            match f.note {
                Some(note) => err.with_note(note),
                None => err,
            }
            .with_help(named_by.help())
        })?;
        Ok(vec![python])
    }
}

/// Why an interpreter cannot be used: what went wrong, and what it said if that explains it.
#[derive(Debug, PartialEq, Eq)]
struct Failure {
    message: String,
    note: Option<String>,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            message,
            note: None,
        }
    }
}

/// Starts `program` once with [`PROBE`] and checks what it says: the interpreter, or what
/// went wrong in words.
fn check_python(program: &str, named_by: NamedBy, dir: &Path) -> Result<Interpreter, Failure> {
    // Each distinct interpreter is started once per process, however many variants name it.
    type Checked = std::collections::HashMap<(String, std::path::PathBuf), Interpreter>;
    static CHECKED: std::sync::Mutex<Option<Checked>> = std::sync::Mutex::new(None);
    let id = (program.to_string(), dir.to_path_buf());
    if let Ok(mut checked) = CHECKED.lock() {
        if let Some(i) = checked.get_or_insert_with(Checked::new).get(&id) {
            return Ok(Interpreter {
                named_by: named_by.as_str().into(),
                ..i.clone()
            });
        }
    }
    let found = start_python(program, named_by, dir)?;
    if let Ok(mut checked) = CHECKED.lock() {
        checked
            .get_or_insert_with(Checked::new)
            .insert(id, found.clone());
    }
    Ok(found)
}

fn start_python(program: &str, named_by: NamedBy, dir: &Path) -> Result<Interpreter, Failure> {
    let said = named_by.said();
    let named = format!("`{program}`{said}");
    let path = model::command::resolve_program(program, dir).map_err(|e| {
        if program.contains('/') {
            Failure {
                message: format!("Python interpreter {named} not found"),
                note: (!program.starts_with('/')).then_some(e.fix),
            }
        } else {
            format!("Python interpreter {named} not found on PATH").into()
        }
    })?;
    let answer = run_probe(&path).map_err(|f| Failure {
        message: format!("Python interpreter {named} {}", f.message),
        note: f.note,
    })?;
    let mut lines = answer.lines();
    let (version, implementation, build) = (lines.next(), lines.next(), lines.next());
    let numbers: Option<Vec<u64>> =
        version.and_then(|v| v.trim().split('.').map(|n| n.parse().ok()).collect());
    let (Some(version), Some([major, minor, _])) = (version, numbers.as_deref()) else {
        let printed = answer.lines().map(str::trim).find(|l| !l.is_empty());
        return Err(Failure {
            message: format!("{named} is not a Python interpreter: it did not print a version"),
            note: Some(match printed {
                Some(line) => format!(
                    "asked for it, it printed: {}",
                    crate::text::shorten(line, 120)
                ),
                None => "asked for it, it printed nothing".into(),
            }),
        });
    };
    if (*major, *minor) < MIN_PYTHON {
        let which = match named_by {
            NamedBy::Key | NamedBy::Variant => String::new(),
            NamedBy::Default => format!(" (`{program}` is the default)"),
            NamedBy::Env => format!(" (`{program}` is named by ${})", model::python::PYTHON_ENV),
        };
        return Err(format!(
            "Python {version} is too old: the harness needs {}.{}{which}",
            MIN_PYTHON.0, MIN_PYTHON.1
        )
        .into());
    }
    Ok(Interpreter {
        runs: "py-* models".into(),
        program: program.to_string(),
        named_by: named_by.as_str().into(),
        path: path.display().to_string(),
        version: version.to_string(),
        implementation: implementation.unwrap_or("").trim().to_string(),
        build: build.unwrap_or("").trim().to_string(),
    })
}

/// Runs the probe in a process group of its own (killed whole at the time limit), with its
/// output in scratch files; its stdout, or why there is none ("failed to start: exit code
/// 127", with the first and last lines of its stderr).
fn run_probe(path: &Path) -> Result<String, Failure> {
    let (out, err) = (
        scratch_file().map_err(|e| e.to_string())?,
        scratch_file().map_err(|e| e.to_string())?,
    );
    let to = |f: &std::fs::File| {
        f.try_clone()
            .map(Stdio::from)
            .map_err(|e| Failure::from(format!("cannot be given an output file: {e}")))
    };
    let mut cmd = Command::new(path);
    cmd.arg("-c")
        .arg(PROBE)
        .stdin(Stdio::null())
        .stdout(to(&out)?)
        .stderr(to(&err)?);
    let mut child = fork_exec_group(&mut cmd)
        .spawn()
        .map_err(|e| Failure::from(format!("cannot start: {e}")))?;
    drop(cmd);
    let (start, limit) = (Instant::now(), timeout());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                kill_group(child.id());
                let _ = child.wait();
                return Err(format!(
                    "did not print its version within {} s (${} gives it longer)",
                    limit.as_secs(),
                    model::python::CHECK_TIMEOUT_ENV
                )
                .into());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("cannot be waited for: {e}").into()),
        }
    };
    if !status.success() {
        let exit = crate::measure::ChildExit::from_status(status);
        // The first line of stderr says why a program did not start (a loader, a shim), the
        // last why an interpreter gave up (a traceback's exception).
        let stderr = read_back(err);
        let lines: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let said = match lines.as_slice() {
            [] => None,
            [one] => Some(crate::text::shorten(one, 150)),
            [first, .., last] => Some(format!(
                "{} | {}",
                crate::text::shorten(first, 75),
                crate::text::shorten(last, 75)
            )),
        };
        return Err(Failure {
            message: format!("failed to start: {}", exit.describe()),
            note: said.map(|s| format!("its stderr: {s}")),
        });
    }
    Ok(read_back(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(dir: &Path, name: &str, script: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        format!("./{name}")
    }

    #[test]
    fn versions_are_read_and_judged() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let new = fake(
            dir,
            "new",
            "printf '3.12.1\\nCPython\\n3.12.1 (main) [GCC]\\n'",
        );
        let py = check_python(&new, NamedBy::Key, dir).unwrap();
        assert_eq!(
            (py.version.as_str(), py.implementation.as_str()),
            ("3.12.1", "CPython")
        );
        assert_eq!(py.named_by, "python key");

        let old = fake(dir, "old", "printf '3.7.16\\nCPython\\n3.7.16\\n'");
        let e = check_python(&old, NamedBy::Env, dir).unwrap_err().message;
        assert_eq!(
            e,
            "Python 3.7.16 is too old: the harness needs 3.8 (`./old` is named by $PARABENCH_PYTHON)"
        );
        let e = check_python(&old, NamedBy::Key, dir).unwrap_err().message;
        assert_eq!(e, "Python 3.7.16 is too old: the harness needs 3.8");

        let sh = fake(dir, "sh-like", "echo 'syntax error' >&2; exit 2");
        let e = check_python(&sh, NamedBy::Default, dir).unwrap_err();
        assert_eq!(
            e,
            Failure {
                message:
                    "Python interpreter `./sh-like` (the default) failed to start: exit code 2"
                        .into(),
                note: Some("its stderr: syntax error".into())
            }
        );

        let chatty = fake(dir, "chatty", "echo hello");
        let e = check_python(&chatty, NamedBy::Key, dir).unwrap_err();
        assert_eq!(
            e.message,
            "`./chatty` is not a Python interpreter: it did not print a version"
        );
        assert_eq!(e.note.as_deref(), Some("asked for it, it printed: hello"));
    }
}
