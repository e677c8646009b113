//! From text to a validated [`Scenario`]: TOML syntax, then types (serde, with key paths),
//! then meaning (names, kernels, parameters, models, placeholders, limits). The first problem
//! found is returned, located at the exact key or value.

use super::diag::{suggest, Seg, Source};
use super::file::{Matrix, RawScenario, RawWorkload, MATRIX_KEYS, TOP_KEYS, WORKLOAD_KEYS};
use super::workers::{Step, WorkerExpr, WorkersSpec};
use super::{LoadOptions, Order, Scenario, ScenarioError, Workload};
use crate::hash::sha256_hex;
use crate::kernel::{self, ParamValue, Params};
use crate::model::{self, command};
use std::collections::BTreeSet;
use std::path::Path;

pub(crate) const MAX_REPEATS: u32 = 100_000;
pub(crate) const MAX_WARMUP: u32 = 10_000;
pub(crate) const MAX_TASKS: u64 = 100_000_000;
/// A week: longer limits are typos (and would overflow timers).
pub(crate) const MAX_TIMEOUT_S: f64 = 604_800.0;

pub fn parse(
    file: &Path,
    text: &str,
    stem: &str,
    dir: &Path,
    opts: &LoadOptions,
) -> Result<Scenario, ScenarioError> {
    let src = Source::new(file, text);
    if let Err(e) = toml::de::DeTable::parse(text) {
        return Err(src
            .error_at(
                e.span(),
                String::new(),
                format!("invalid TOML: {}", e.message()),
            )
            .with_help("see https://toml.io for the syntax; strings need double quotes"));
    }
    let de = toml::Deserializer::parse(text).map_err(|e| {
        src.error_at(
            e.span(),
            String::new(),
            format!("invalid TOML: {}", e.message()),
        )
    })?;
    let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let key = if path == "." { String::new() } else { path };
        let (message, help) = friendly(inner.message());
        let err = src.error_at(inner.span(), key, message);
        match help {
            Some(h) => err.with_help(h),
            None => err,
        }
    })?;
    Checker {
        src: &src,
        dir,
        opts,
    }
    .scenario(raw, text, stem)
}

struct Checker<'a> {
    src: &'a Source<'a>,
    dir: &'a Path,
    opts: &'a LoadOptions,
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

impl Checker<'_> {
    fn err(&self, path: &[Seg], message: impl Into<String>) -> ScenarioError {
        self.src.error(path, false, message)
    }

    fn err_key(&self, path: &[Seg], message: impl Into<String>) -> ScenarioError {
        self.src.error(path, true, message)
    }

    fn scenario(
        &self,
        raw: RawScenario,
        text: &str,
        stem: &str,
    ) -> Result<Scenario, ScenarioError> {
        if let Some(k) = raw.unknown.first() {
            let known: Vec<&str> = TOP_KEYS.iter().chain(MATRIX_KEYS).copied().collect();
            return Err(self
                .err_key(&[key(k)], format!("unknown key `{k}`"))
                .with_help(suggest(k, "top-level keys are", &known)));
        }
        let name = match &raw.name {
            Some(n) => {
                self.file_name(&[key("name")], n)?;
                n.clone()
            }
            None => stem.to_string(),
        };
        let order = match &raw.order {
            None => Order::default(),
            Some(o) => Order::parse(o).ok_or_else(|| {
                self.err(&[key("order")], format!("unknown order `{o}`"))
                    .with_help(format!(
                        "{}order is `cells` (cell after cell, the default), `interleaved` (one run of every cell per round) or `random` (every run shuffled, seeded by the file)",
                        crate::scenario::diag::did_you_mean(o, Order::NAMES.iter().copied())
                            .map(|k| format!("did you mean `{k}`? "))
                            .unwrap_or_default()
                    ))
            })?,
        };
        let mut commands = self.commands(&raw)?;
        self.python_models(&raw, &mut commands)?;
        if raw.workloads.is_empty() {
            return Err(self.src.error_at(Some(0..0), String::new(), "the scenario has no workloads".into())
                .with_help("add a [[workload]] table with name, kernel and tasks, e.g.\n\n    [[workload]]\n    name = \"primes\"\n    kernel = \"primes\"\n    tasks = 16\n"));
        }
        let mut names = BTreeSet::new();
        let mut workloads = Vec::new();
        for (i, w) in raw.workloads.iter().enumerate() {
            let wl = self.workload(i, w, &raw.matrix, &commands)?;
            if !names.insert(wl.name.clone()) {
                return Err(self
                    .err(
                        &[key("workload"), Seg::Index(i), key("name")],
                        format!("duplicate workload name `{}`", wl.name),
                    )
                    .with_help("workload names name the output files: make each one unique"));
            }
            workloads.push(wl);
        }
        Ok(Scenario {
            name,
            description: raw.description.clone().unwrap_or_default(),
            path: None,
            sha256: sha256_hex(text),
            workloads,
            commands,
            order,
        })
    }

    /// Names that become file or folder names must stay inside the output folder.
    fn file_name(&self, path: &[Seg], name: &str) -> Result<(), ScenarioError> {
        let ok = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(())
        } else {
            Err(self
                .err(path, format!("`{name}` cannot be used as a file name"))
                .with_help("use letters, digits, `-`, `_` and `.` only (it names output files, and must not leave the output folder)"))
        }
    }

    fn commands(&self, raw: &RawScenario) -> Result<Vec<command::CommandModel>, ScenarioError> {
        let mut out: Vec<command::CommandModel> = Vec::new();
        for (i, m) in raw.models.iter().enumerate() {
            let at = |k: &str| vec![key("model"), Seg::Index(i), key(k)];
            if model::find(&m.name).is_some() {
                return Err(self
                    .err(&at("name"), format!("`{}` is a built-in model", m.name))
                    .with_help(format!(
                        "give the [[model]] another name, e.g. `my-{}`",
                        m.name
                    )));
            }
            if out.iter().any(|c| c.name == m.name) {
                return Err(self
                    .err(&at("name"), format!("duplicate model name `{}`", m.name))
                    .with_help("give each [[model]] a unique name"));
            }
            if m.command.is_empty() || m.command[0].trim().is_empty() {
                return Err(self
                    .err(&at("command"), "the command is empty")
                    .with_help("give the program and its arguments, e.g. command = [\"python3\", \"bench.py\", \"--workers\", \"{workers}\"]"));
            }
            for (j, arg) in m.command.iter().enumerate() {
                let mut p = at("command");
                p.push(Seg::Index(j));
                command::placeholders(arg).map_err(|e| self.err(&p, e))?;
            }
            let program = &m.command[0];
            if !m.shell && command::placeholders(program).is_ok_and(|p| p.is_empty()) {
                let mut p = at("command");
                p.push(Seg::Index(0));
                command::resolve_program(program, self.dir).map_err(|e| self.err(&p, e))?;
            }
            out.push(command::CommandModel {
                name: m.name.clone(),
                argv: m.command.clone(),
                shell: m.shell,
                dir: self.dir.to_path_buf(),
                description: m
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("external command: {}", m.command.join(" "))),
                pass_params: false,
                fixed_workers: None,
                spawns: model::Spawns::Unknown,
                cpu_parallel: true,
                timeline_worker: None,
            });
        }
        Ok(out)
    }

    /// Adds a command model for every built-in `py-*` name the scenario uses (unless a
    /// `[[model]]` of that name overrides it).
    fn python_models(
        &self,
        raw: &RawScenario,
        commands: &mut Vec<command::CommandModel>,
    ) -> Result<(), ScenarioError> {
        let mut uses: Vec<(Vec<Seg>, &String)> = Vec::new();
        if let Some(models) = &raw.matrix.models {
            uses.extend(
                models
                    .iter()
                    .enumerate()
                    .map(|(j, m)| (vec![key("models"), Seg::Index(j)], m)),
            );
        }
        for (i, w) in raw.workloads.iter().enumerate() {
            if let Some(models) = &w.matrix.models {
                uses.extend(models.iter().enumerate().map(|(j, m)| {
                    (
                        vec![key("workload"), Seg::Index(i), key("models"), Seg::Index(j)],
                        m,
                    )
                }));
            }
        }
        let python = model::python::interpreter(raw.python.as_deref());
        for (path, name) in uses {
            if model::python::is_py_model(name) && !commands.iter().any(|c| &c.name == name) {
                let path = if raw.python.is_some()
                    && std::env::var_os(model::python::PYTHON_ENV).is_none()
                {
                    vec![key("python")]
                } else {
                    path
                };
                let c = model::python::command_model(name, &python, self.dir)
                    .map_err(|e| self.err(&path, e))?;
                commands.push(c);
            }
        }
        Ok(())
    }

    fn workload(
        &self,
        i: usize,
        w: &RawWorkload,
        top: &Matrix,
        commands: &[command::CommandModel],
    ) -> Result<Workload, ScenarioError> {
        let base = vec![key("workload"), Seg::Index(i)];
        let at = |k: &str| {
            let mut p = base.clone();
            p.push(key(k));
            p
        };
        // Where a matrix key was set: the workload's own table, else the top level.
        let origin = |k: &str, here: bool| if here { at(k) } else { vec![key(k)] };

        let name = w.name.clone().ok_or_else(|| {
            self.err(&base, "missing key `name`")
                .with_help("every [[workload]] needs a name, e.g. name = \"primes\"")
        })?;
        self.file_name(&at("name"), &name)?;
        let kernel_name = w.kernel.clone().ok_or_else(|| {
            self.err(&base, format!("workload `{name}` has no `kernel`"))
                .with_help(format!(
                    "add kernel = \"...\"; built-in kernels: {}",
                    kernel::names().join(", ")
                ))
        })?;
        let tasks = w.tasks.ok_or_else(|| {
            self.err(&base, format!("workload `{name}` has no `tasks`"))
                .with_help("add tasks = <how many tasks per run>, e.g. tasks = 16")
        })?;
        if tasks == 0 || tasks > MAX_TASKS {
            return Err(self
                .err(&at("tasks"), format!("tasks = {tasks} is out of range"))
                .with_help(format!("use 1 to {MAX_TASKS} tasks")));
        }

        let repeats: u32 = pick(&w.matrix.repeats, &top.repeats).unwrap_or(5);
        if repeats == 0 || repeats > MAX_REPEATS {
            return Err(self
                .err(
                    &origin("repeats", w.matrix.repeats.is_some()),
                    format!("repeats = {repeats} is out of range"),
                )
                .with_help(format!("use 1 to {MAX_REPEATS} measured runs per cell")));
        }
        let warmup: u32 = pick(&w.matrix.warmup, &top.warmup).unwrap_or(1);
        if warmup > MAX_WARMUP {
            return Err(self
                .err(
                    &origin("warmup", w.matrix.warmup.is_some()),
                    format!("warmup = {warmup} is out of range"),
                )
                .with_help(format!("use 0 to {MAX_WARMUP} warmup runs")));
        }
        let timeout_s = pick(&w.matrix.timeout_s, &top.timeout_s);
        if let Some(t) = timeout_s {
            if !(t > 0.0 && t <= MAX_TIMEOUT_S) {
                return Err(self
                    .err(
                        &origin("timeout_s", w.matrix.timeout_s.is_some()),
                        format!("timeout_s = {t} must be a positive number of seconds up to {MAX_TIMEOUT_S}"),
                    )
                    .with_help("e.g. timeout_s = 120, or leave it out for no limit"));
            }
        }
        let scaling = pick(&w.matrix.scaling, &top.scaling).unwrap_or_default();

        // Models.
        let models_here = w.matrix.models.is_some();
        let models: Vec<String> = pick(&w.matrix.models, &top.models)
            .unwrap_or_else(|| model::names().iter().map(|s| s.to_string()).collect());
        let models_path = origin("models", models_here);
        if models.is_empty() {
            return Err(self
                .err(&models_path, "the model list is empty")
                .with_help(format!(
                    "name at least one model: {}",
                    model::names().join(", ")
                )));
        }
        let mut known: Vec<&str> = model::names();
        known.extend(commands.iter().map(|c| c.name.as_str()));
        known.extend(
            model::python::PY_MODELS
                .iter()
                .map(|m| m.name)
                .filter(|n| !commands.iter().any(|c| c.name == *n)),
        );
        let mut seen = BTreeSet::new();
        for (j, m) in models.iter().enumerate() {
            let mut p = models_path.clone();
            p.push(Seg::Index(j));
            if !known.contains(&m.as_str()) {
                return Err(self
                    .err(&p, format!("unknown model `{m}`"))
                    .with_help(format!(
                        "{} (or define it in a [[model]] table with a command)",
                        suggest(m, "models are", &known)
                    )));
            }
            if !seen.insert(m.as_str()) {
                return Err(self
                    .err(&p, format!("model `{m}` is listed twice"))
                    .with_help("list each model once"));
            }
        }
        let baseline = pick(&w.matrix.baseline, &top.baseline);
        if let Some(b) = &baseline {
            if !models.contains(b) {
                let list: Vec<&str> = models.iter().map(String::as_str).collect();
                return Err(self
                    .err(
                        &origin("baseline", w.matrix.baseline.is_some()),
                        format!("baseline `{b}` is not among this workload's models"),
                    )
                    .with_help(suggest(b, "the workload's models are", &list)));
            }
        }

        // Kernel and parameters.
        let builtin = kernel::find(&kernel_name);
        let mut params = Params::new();
        match builtin {
            Some(k) => {
                for p in k.params() {
                    params.insert(p.name.to_string(), ParamValue::Int(p.default));
                }
                for (pname, value) in &w.params {
                    let Some(spec) = k.params().iter().find(|p| p.name == pname) else {
                        let mut known: Vec<&str> = k.params().iter().map(|p| p.name).collect();
                        let what = format!(
                            "kernel `{}` takes {}; workload keys are",
                            k.name(),
                            if known.is_empty() {
                                "no parameters".to_string()
                            } else {
                                format!(
                                    "parameters {}",
                                    known
                                        .iter()
                                        .map(|p| format!("`{p}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            }
                        );
                        known.extend(WORKLOAD_KEYS);
                        known.extend(MATRIX_KEYS);
                        let keys = WORKLOAD_KEYS
                            .iter()
                            .chain(MATRIX_KEYS)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ");
                        let help = match super::diag::did_you_mean(pname, known.iter().copied()) {
                            Some(m) => format!("did you mean `{m}`? {what} {keys}"),
                            None => format!("{what} {keys}"),
                        };
                        return Err(self
                            .err_key(
                                &at(pname),
                                format!("unknown key `{pname}` for kernel `{}`", k.name()),
                            )
                            .with_help(help));
                    };
                    let v = value
                        .as_integer()
                        .filter(|v| (spec.min..=spec.max).contains(v));
                    let Some(v) = v else {
                        return Err(self
                            .err(
                                &at(pname),
                                format!(
                                    "`{pname}` = {value} is not valid for kernel `{}`",
                                    k.name()
                                ),
                            )
                            .with_help(format!(
                                "expected an integer from {} to {} ({})",
                                spec.min, spec.max, spec.about
                            )));
                    };
                    params.insert(pname.clone(), ParamValue::Int(v));
                }
            }
            None => {
                if let Some(m) = models
                    .iter()
                    .find(|m| !commands.iter().any(|c| &c.name == *m))
                {
                    return Err(self
                        .err(&at("kernel"), format!("unknown kernel `{kernel_name}`"))
                        .with_help(format!(
                            "{}; a kernel of your own can only be run by [[model]] commands, so either fix the kernel name or remove the built-in model `{m}` from this workload's models",
                            suggest(&kernel_name, "built-in kernels are", &kernel::names())
                        )));
                }
                for (pname, value) in &w.params {
                    let v = match value {
                        toml::Value::Integer(i) => ParamValue::Int(*i),
                        toml::Value::Float(f) => ParamValue::Float(*f),
                        toml::Value::Boolean(b) => ParamValue::Bool(*b),
                        toml::Value::String(s) => ParamValue::Str(s.clone()),
                        _ => {
                            return Err(self
                                .err(
                                    &at(pname),
                                    format!(
                                        "parameter `{pname}` must be a number, boolean or string"
                                    ),
                                )
                                .with_help("parameters are passed to command templates as text"))
                        }
                    };
                    params.insert(pname.clone(), v);
                }
            }
        }

        if let Some(py) = models.iter().find(|m| {
            model::python::is_py_model(m) && commands.iter().any(|c| &c.name == *m && c.pass_params)
        }) {
            if !model::python::PY_KERNELS.contains(&kernel_name.as_str()) {
                return Err(self
                    .err(
                        &at("kernel"),
                        format!("model `{py}` cannot run kernel `{kernel_name}`"),
                    )
                    .with_help(format!(
                        "the CPython models run the kernels {}",
                        model::python::PY_KERNELS.join(", ")
                    )));
            }
        }

        // Placeholders of every command model this workload uses.
        for (mi, c) in commands.iter().enumerate() {
            if !models.contains(&c.name) {
                continue;
            }
            let mut allowed: Vec<&str> = command::BUILTIN_PLACEHOLDERS.to_vec();
            allowed.extend(params.keys().map(String::as_str));
            allowed.extend(builtin.map_or(&[][..], |k| k.service_params()));
            for (j, arg) in c.argv.iter().enumerate() {
                for ph in command::placeholders(arg).unwrap_or_default() {
                    if !allowed.contains(&ph.as_str()) {
                        return Err(self
                            .err(
                                &[key("model"), Seg::Index(mi), key("command"), Seg::Index(j)],
                                format!("unknown placeholder `{{{ph}}}` (for workload `{name}`)"),
                            )
                            .with_help(suggest(&ph, "placeholders here are", &allowed)));
                    }
                }
            }
        }

        // Workers.
        let workers_here = w.matrix.workers.is_some();
        let spec = pick(&w.matrix.workers, &top.workers).unwrap_or_else(|| {
            WorkersSpec::List(vec![
                WorkerExpr::Count(1),
                WorkerExpr::Count(2),
                WorkerExpr::Cores {
                    mul: 1,
                    div: 1,
                    add: 0,
                },
            ])
        });
        let workers_path = origin("workers", workers_here);
        let workers = spec
            .resolve(self.opts.cores)
            .map_err(|e| self.err(&workers_path, e))?;
        if let Some((problem, limit)) =
            super::process_limit(&workers, &models, commands, self.opts.force)
        {
            return Err(self.err(&workers_path, problem).with_help(format!(
                "use at most {limit} workers for that model, or leave it out of this workload (e.g. `async` takes up to {} coroutines), or pass --force if you mean it",
                super::workers::MAX_WORKERS
            )));
        }

        Ok(Workload {
            name,
            description: w.description.clone().unwrap_or_default(),
            kernel: kernel_name,
            builtin: builtin.is_some(),
            tasks,
            params,
            repeats,
            warmup,
            workers,
            workers_spec: spec_text(&spec),
            models,
            baseline,
            scaling,
            timeout_s,
        })
    }
}

/// The workload's own value of a matrix key, else the top-level one.
fn pick<T: Clone>(mine: &Option<T>, theirs: &Option<T>) -> Option<T> {
    mine.clone().or_else(|| theirs.clone())
}

fn spec_text(spec: &WorkersSpec) -> String {
    let e = |w: &WorkerExpr| match w {
        WorkerExpr::Count(n) => n.to_string(),
        other => format!("\"{other}\""),
    };
    match spec {
        WorkersSpec::List(items) => {
            format!("[{}]", items.iter().map(e).collect::<Vec<_>>().join(", "))
        }
        WorkersSpec::Range { from, to, step } => match step {
            Step::Add(s) => format!("{{ from = {}, to = {}, step = {s} }}", e(from), e(to)),
            Step::Mul(f) => format!("{{ from = {}, to = {}, factor = {f} }}", e(from), e(to)),
        },
    }
}

/// Rewords serde's messages for people: Rust type names become words, and an unknown field
/// gets a "did you mean".
fn friendly(message: &str) -> (String, Option<String>) {
    let mut m = message
        .replace("expected u64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("expected a boolean", "expected true or false");
    let mut help = None;
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once('`') {
            let known: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            if let Some(best) = super::diag::did_you_mean(field, known.iter().copied()) {
                help = Some(format!("did you mean `{best}`?"));
            }
            m = format!(
                "unknown key `{field}`{}",
                tail.replace(", expected", "; expected")
            );
        }
    }
    (m, help)
}
