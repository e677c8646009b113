//! The user's own code as what a workload runs: `function` (a Python function, run by the
//! `py-*` models) or `library` with `symbol` (a C-ABI function in a shared library, run by the
//! native models), instead of a `kernel`. Checked before anything runs, without running the
//! user's code where that can be helped: a Python file is parsed (only a module, or a name bound
//! by an assignment or import, is imported, in a child process with a timeout), and a library's
//! exported functions are read from its ELF dynamic symbol table instead of loading it.

use super::{key, Checker, Paths};
use crate::kernel::exports::Exports;
use crate::kernel::library;
use crate::kernel::user_code::{FunctionSource, FunctionSpec, UserCode};
use crate::kernel::Params;
use crate::model::{self, command::CommandModel};
use crate::scenario::diag::{did_you_mean, Seg};
use crate::scenario::file::RawTable;
use crate::scenario::ScenarioError;
use std::path::Path;

/// What a workload names as its work, before it is checked.
pub(super) enum Work<'w> {
    Kernel(&'w str),
    Own(Own<'w>),
}

/// The user's own code, as written.
pub(super) enum Own<'w> {
    Function(&'w str),
    Library { path: &'w str, symbol: &'w str },
}

/// What native models cannot run, and the way out.
const NATIVE_CANNOT: &str =
    "native models cannot run a Python function: use py-* models, or wrap it in a command";
const PYTHON_CANNOT: &str =
    "CPython models cannot run a native library: use native models, or wrap it in a command";

impl Work<'_> {
    /// The models a workload runs when no `models` list names them: those that can run it.
    pub(super) fn default_models(&self) -> Vec<String> {
        match self {
            Work::Own(Own::Function(_)) => model::python::PY_MODELS
                .iter()
                .map(|m| m.name.to_string())
                .collect(),
            Work::Kernel(_) | Work::Own(Own::Library { .. }) => {
                model::names().iter().map(|s| s.to_string()).collect()
            }
        }
    }
}

/// The `py-*` models a workload with a `function` and no `models` list anywhere runs, each
/// with where to point when its interpreter is missing (the `function` key): for
/// `python_models`, which builds their command models.
pub(super) fn implied_python_models(raw: &RawTable) -> Vec<(Vec<Seg>, &'static str)> {
    if raw.matrix.models.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, w) in raw.workloads.iter().enumerate() {
        if w.function.is_some() && w.matrix.models.is_none() {
            let at = vec![key("workload"), Seg::Index(i), key("function")];
            out.extend(
                model::python::PY_MODELS
                    .iter()
                    .map(|m| (at.clone(), m.name)),
            );
        }
    }
    out
}

/// An exported name with the same letters as `symbol` in another order (`wrok` for `work`),
/// which edit distance alone finds too far.
fn swapped<'e>(symbol: &str, exports: &'e Exports) -> Option<&'e str> {
    let letters = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    let want = letters(symbol);
    exports
        .functions
        .iter()
        .find(|f| letters(f) == want)
        .map(String::as_str)
}

/// A harness model: the shipped CPython program, which runs only the kernels and functions
/// it is given (a `[[model]]` command runs whatever its program does).
fn is_harness(m: &str, commands: &[CommandModel]) -> bool {
    commands.iter().any(|c| c.name == m && c.pass_params)
}

impl Checker<'_> {
    /// Which of `kernel`, `function` and `library` the workload names: exactly one, and
    /// `symbol` exactly with `library`.
    pub(super) fn work<'w>(
        &self,
        p: &Paths,
        w: &'w RawTable,
        name: &str,
    ) -> Result<Work<'w>, ScenarioError> {
        let both = |second: &str, first: &str, help: &str| {
            self.err_key(
                &p.at(second),
                format!("workload `{name}` names both a `{first}` and a `{second}`"),
            )
            .with_help(help.to_string())
        };
        if w.kernel.is_some() && w.function.is_some() {
            return Err(both(
                "function",
                "kernel",
                "a workload runs one of them: remove one (`kernel` to run your function, `function` to run the kernel)",
            ));
        }
        if w.function.is_some() && w.library.is_some() {
            return Err(both(
                "library",
                "function",
                "a workload runs one of them: put the Python function and the library in workloads of their own (py-* models run the one, native models the other)",
            ));
        }
        if w.kernel.is_some() && w.library.is_some() {
            return Err(both(
                "library",
                "kernel",
                "a workload runs one of them: remove one (`kernel` to run your library, `library` and `symbol` to run the kernel)",
            ));
        }
        if let (Some(_), None) = (&w.symbol, &w.library) {
            return Err(self
                .err_key(
                    &p.at("symbol"),
                    format!("workload `{name}` has a `symbol` but no `library`"),
                )
                .with_help("`symbol` names a function in a shared library: add library = \"path/to/libwork.so\", or remove `symbol`"));
        }
        if let Some(f) = &w.function {
            return Ok(Work::Own(Own::Function(f)));
        }
        if let Some(path) = &w.library {
            let symbol = w.symbol.as_deref().ok_or_else(|| {
                self.err(&p.base, format!("workload `{name}` has a `library` but no `symbol`"))
                    .with_help("name the function each task calls, e.g. symbol = \"work\" for uint64_t work(uint64_t index, const char *params)")
            })?;
            return Ok(Work::Own(Own::Library { path, symbol }));
        }
        let kernel = w.kernel.as_deref().ok_or_else(|| {
            self.err(&p.base, format!("workload `{name}` has no `kernel`"))
                .with_help(
                    "add kernel = \"primes\" (`parabench list kernels` shows them all), or your own code: function = \"work.py:name\" or library = \"libwork.so\" with symbol = \"work\"",
                )
        })?;
        Ok(Work::Kernel(kernel))
    }

    /// The user's code a `function` or `library` workload runs, checked against its models and
    /// its parameters, and the parameters as they will be passed.
    pub(super) fn own_code(
        &self,
        p: &Paths,
        w: &RawTable,
        own: &Own,
        models: &[String],
        models_path: &[Seg],
        commands: &[CommandModel],
    ) -> Result<(UserCode, Params), ScenarioError> {
        let function = matches!(own, Own::Function(_));
        for (j, m) in models.iter().enumerate() {
            let command = commands.iter().any(|c| &c.name == m);
            let refused = match function {
                true if !command => Some(NATIVE_CANNOT),
                false if is_harness(m, commands) => Some(PYTHON_CANNOT),
                _ => None,
            };
            if let Some(why) = refused {
                let mut at = models_path.to_vec();
                at.push(Seg::Index(j));
                let fit = if function {
                    "the py-* models"
                } else {
                    "the native models"
                };
                return Err(self.err(&at, why).with_help(format!(
                    "`{m}` cannot run this workload; {fit} can (`parabench list models` shows them all)"
                )));
            }
        }
        let params = self.own_params(p, w, !function)?;
        let code = match *own {
            Own::Function(written) => self.function(p, written, &params, models, commands)?,
            Own::Library { path, symbol } => self.library(p, path, symbol)?,
        };
        Ok((code, params))
    }

    /// The workload's other keys as parameters: numbers, booleans and strings (for a library
    /// also without line breaks, one `key=value` line each).
    fn own_params(&self, p: &Paths, w: &RawTable, library: bool) -> Result<Params, ScenarioError> {
        let to = if library {
            "the library"
        } else {
            "the function"
        };
        let mut params = Params::new();
        for (pname, value) in &w.params {
            let v = match super::params::scalar(value) {
                Some(v) => v,
                None => {
                    return Err(self
                        .err(
                            &p.at(pname),
                            format!("parameter `{pname}` cannot be passed to {to}: it must be a number, boolean or string"),
                        )
                        .with_help(if library {
                            "each of the workload's other keys reaches the library as one `key=value` line"
                        } else {
                            "each of the workload's other keys becomes a keyword argument of the function"
                        }))
                }
            };
            if library {
                if let Some(why) = library::unpassable(&v) {
                    return Err(self
                        .err(
                            &p.at(pname),
                            format!("parameter `{pname}` cannot be passed to a library: {why}"),
                        )
                        .with_help("the library gets one `key=value` line per key: keep each value on one line"));
                }
            }
            params.insert(pname.clone(), v);
        }
        Ok(params)
    }

    /// A `function` value: well formed, its file there, and callable as fn(index, **params)
    /// (checked by the CPython harness of one of the workload's `py-*` models, if any).
    fn function(
        &self,
        p: &Paths,
        written: &str,
        params: &Params,
        models: &[String],
        commands: &[CommandModel],
    ) -> Result<UserCode, ScenarioError> {
        let at = p.at("function");
        let help = "a function is `file.py:name` (relative to the scenario's folder) or `package.module:name` (importable), called as name(index, **params)";
        let spec = FunctionSpec::parse(written)
            .map_err(|e| self.err(&at, e.to_string()).with_help(help))?;
        if let FunctionSource::File(file) = &spec.source {
            let path = self.dir.join(file);
            if !path.is_file() {
                return Err(self
                    .err(
                        &at,
                        format!(
                            "file `{file}` not found (looked for {})",
                            path.display()
                        ),
                    )
                    .with_help("paths are relative to the scenario's folder; or name an importable module as package.module:name"));
            }
        }
        let target = spec.target(self.dir);
        let harness = models
            .iter()
            .filter(|m| is_harness(m, commands))
            .find_map(|m| commands.iter().find(|c| &c.name == m));
        if let Some(python) = harness.and_then(|c| c.argv.first()) {
            if let Err(problem) =
                model::python::check_function(Path::new(python), &target, self.dir, params)
            {
                let err = match &problem.param {
                    Some(param) => self.err_key(&p.at(param), problem.message),
                    None => self.err(&at, problem.message),
                };
                return Err(err.with_help(format!(
                    "each task calls {}(index, **params), params being the workload's other keys",
                    spec.name
                )));
            }
        }
        Ok(UserCode::Function {
            written: written.to_string(),
            target,
        })
    }

    /// A `library` and its `symbol`: the file there, a shared library for this machine, and
    /// `symbol` a function it exports (read from the file, not loaded).
    fn library(&self, p: &Paths, written: &str, symbol: &str) -> Result<UserCode, ScenarioError> {
        let at = p.at("library");
        let path = self.dir.join(written);
        if !path.is_file() {
            return Err(self
                .err(
                    &at,
                    format!(
                        "library `{written}` not found (looked for {})",
                        path.display()
                    ),
                )
                .with_help("paths are relative to the scenario's folder; build the library first, e.g. cc -shared -fPIC -O2 -o libwork.so work.c, or cargo build --release for a cdylib crate"));
        }
        let exports = Exports::read(&path).map_err(|e| {
            self.err(&at, e.to_string())
                .with_help("`library` names a shared library (.so) built for this machine")
        })?;
        if !exports.has(symbol) {
            let shown = library::file_name(&path);
            let near = did_you_mean(symbol, exports.functions.iter().map(String::as_str))
                .or_else(|| swapped(symbol, &exports))
                .map(|m| format!("did you mean `{m}`? "))
                .unwrap_or_default();
            let listed: Vec<String> = exports
                .functions
                .iter()
                .take(12)
                .map(|f| format!("`{f}`"))
                .collect();
            let more = exports.functions.len().saturating_sub(listed.len());
            let what = match (listed.is_empty(), more) {
                (true, _) => "it exports no functions: declare yours extern \"C\" (C++) or #[no_mangle] pub extern \"C\" (Rust), and not static".to_string(),
                (false, 0) => format!("it exports {}", listed.join(", ")),
                (false, n) => format!("it exports {} and {n} more", listed.join(", ")),
            };
            return Err(self
                .err(
                    &p.at("symbol"),
                    format!("{shown} defines no function `{symbol}`"),
                )
                .with_help(format!("{near}{what}")));
        }
        Ok(UserCode::Library {
            written: written.to_string(),
            path,
            symbol: symbol.to_string(),
        })
    }
}
