//! Models: the `[[model]]` tables (external commands), the built-in CPython models a scenario
//! names, each workload's `models` list, and its `baseline`.

use super::{key, Checker, Paths};
use crate::model::{self, command, command::CommandModel};
use crate::scenario::diag::{did_you_mean, Seg};
use crate::scenario::file::{Matrix, RawTable};
use crate::scenario::ScenarioError;
use std::collections::BTreeSet;

/// What to say when the program that was not found looks like a whole shell command.
const SHELL_HELP: &str =
    "the first item of `command` is the program alone: split the rest into items, or set shell = true to run it through `sh -c`";

impl Checker<'_> {
    /// The `[[model]]` tables as command models.
    pub(super) fn commands(&self, tables: &[RawTable]) -> Result<Vec<CommandModel>, ScenarioError> {
        let mut out: Vec<CommandModel> = Vec::new();
        for (i, m) in tables.iter().enumerate() {
            let base = vec![key("model"), Seg::Index(i)];
            let at = |k: &str| vec![key("model"), Seg::Index(i), key(k)];
            let name = m.name.as_ref().ok_or_else(|| {
                self.err(&base, "missing key `name`").with_help(
                    "every [[model]] needs a name (to list in `models`) and a command, e.g. name = \"my-tool\"",
                )
            })?;
            if model::find(name).is_some() {
                return Err(self
                    .err(&at("name"), format!("`{name}` is a built-in model"))
                    .with_help(format!("give the [[model]] another name, e.g. `my-{name}`")));
            }
            if out.iter().any(|c| &c.name == name) {
                return Err(self
                    .err(&at("name"), format!("duplicate model name `{name}`"))
                    .with_help("give each [[model]] a unique name"));
            }
            let argv = m.command.as_ref().ok_or_else(|| {
                self.err(&base, format!("the [[model]] `{name}` has no `command`"))
                    .with_help("give the program and its arguments, e.g. command = [\"python3\", \"bench.py\", \"--workers\", \"{workers}\"]")
            })?;
            if argv.is_empty() || argv[0].trim().is_empty() {
                return Err(self
                    .err(&at("command"), "the command is empty")
                    .with_help("give the program and its arguments, e.g. command = [\"python3\", \"bench.py\", \"--workers\", \"{workers}\"]"));
            }
            for (j, arg) in argv.iter().enumerate() {
                let mut p = at("command");
                p.push(Seg::Index(j));
                command::placeholders(arg).map_err(|e| {
                    self.err(&p, e.to_string()).with_help(
                        "a placeholder is a name in braces, e.g. \"--workers={workers}\"; `{{` and `}}` are literal braces",
                    )
                })?;
            }
            let shell = m.shell.unwrap_or(false);
            let program = &argv[0];
            if !shell && command::placeholders(program).is_ok_and(|p| p.is_empty()) {
                let mut p = at("command");
                p.push(Seg::Index(0));
                command::resolve_program(program, self.dir).map_err(|e| {
                    let help = if program.contains(char::is_whitespace) {
                        SHELL_HELP.to_string()
                    } else {
                        e.fix
                    };
                    self.err(&p, e.message).with_help(help)
                })?;
            }
            out.push(CommandModel {
                name: name.clone(),
                argv: argv.clone(),
                shell,
                dir: self.dir.to_path_buf(),
                description: m
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("external command: {}", argv.join(" "))),
                pass_params: false,
                fixed_workers: None,
                spawns: model::Spawns::Unknown,
                cpu_parallel: true,
                timeline_worker: None,
                output_limit_mb: None,
                family: model::Family::Command,
            });
        }
        Ok(out)
    }

    /// Adds a command model for every built-in `py-*` name the scenario uses (unless a
    /// `[[model]]` of that name overrides it).
    pub(super) fn python_models(
        &self,
        raw: &RawTable,
        commands: &mut Vec<CommandModel>,
    ) -> Result<(), ScenarioError> {
        let python = match &raw.python {
            Some(p) if raw.python_wins => p.clone(),
            _ => model::python::interpreter(raw.python.as_deref()),
        };
        for (path, name) in python_uses(raw) {
            if !commands.iter().any(|c| c.name == name) {
                // Point at `python = ...` when that is the interpreter that was not found.
                let path = if raw.python.is_some()
                    && (raw.python_wins || std::env::var_os(model::python::PYTHON_ENV).is_none())
                {
                    vec![key("python")]
                } else {
                    path
                };
                let c = model::python::command_model(name, &python, self.dir).map_err(|e| {
                    self.err(&path, e.to_string()).with_help(format!(
                        "install CPython 3.8 or newer, or name an interpreter with python = \"...\" at the top of the scenario or in {}",
                        model::python::PYTHON_ENV
                    ))
                })?;
                commands.push(c);
            }
        }
        Ok(())
    }

    /// The workload's models (its own list, the top-level one, or `default`: the models that
    /// can run its work): each known, none twice.
    pub(super) fn model_list(
        &self,
        p: &Paths,
        mine: &Matrix,
        top: &Matrix,
        commands: &[CommandModel],
        default: Vec<String>,
    ) -> Result<Vec<String>, ScenarioError> {
        let models: Vec<String> = mine
            .models
            .clone()
            .or_else(|| top.models.clone())
            .unwrap_or(default);
        let models_path = p.origin("models", mine.models.is_some());
        if models.is_empty() {
            return Err(self
                .err(&models_path, "the model list is empty")
                .with_help(
                    "name at least one model, e.g. models = [\"sequential\", \"threads\"] (`parabench list models` shows them all)",
                ));
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
            let mut path = models_path.clone();
            path.push(Seg::Index(j));
            if !known.contains(&m.as_str()) {
                let mean = did_you_mean(m, known.iter().copied())
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                return Err(self
                    .err(&path, format!("unknown model `{m}`"))
                    .with_help(format!(
                        "{mean}`parabench list models` shows them all; a model of your own is a [[model]] table with a command"
                    )));
            }
            if !seen.insert(m.as_str()) {
                return Err(self
                    .err(&path, format!("model `{m}` is listed twice"))
                    .with_help("list each model once"));
            }
        }
        Ok(models)
    }

    /// The speedup reference: one of the workload's models.
    pub(super) fn baseline(
        &self,
        p: &Paths,
        mine: &Matrix,
        top: &Matrix,
        models: &[String],
    ) -> Result<Option<String>, ScenarioError> {
        let baseline = mine.baseline.clone().or_else(|| top.baseline.clone());
        if let Some(b) = &baseline {
            if !models.contains(b) {
                let list: Vec<&str> = models.iter().map(String::as_str).collect();
                let mean = crate::scenario::diag::did_you_mean(b, list.iter().copied())
                    .map(|m| format!("did you mean `{m}`? otherwise "))
                    .unwrap_or_default();
                let names =
                    crate::scenario::diag::some_of(&list, crate::scenario::diag::LIST_CHARS);
                return Err(self
                    .err(
                        &p.origin("baseline", mine.baseline.is_some()),
                        format!("baseline `{b}` is not among this workload's models"),
                    )
                    .with_help(format!(
                        "{mean}add it to `models` or remove `baseline` (the workload's models are: {names})"
                    )));
            }
        }
        Ok(baseline)
    }
}

/// Every mention of a built-in `py-*` model, in file order, with where it stands: in a
/// `models` list, or the `function` key of a workload that runs every `py-*` model because it
/// names none (a `[[model]]` of the same name replaces the built-in one: the caller checks).
pub(super) fn python_uses(raw: &RawTable) -> Vec<(Vec<Seg>, &str)> {
    let mut uses: Vec<(Vec<Seg>, &str)> = Vec::new();
    if let Some(models) = &raw.matrix.models {
        uses.extend(
            models
                .iter()
                .enumerate()
                .map(|(j, m)| (vec![key("models"), Seg::Index(j)], m.as_str())),
        );
    }
    for (i, w) in raw.workloads.iter().enumerate() {
        if let Some(models) = &w.matrix.models {
            uses.extend(models.iter().enumerate().map(|(j, m)| {
                (
                    vec![key("workload"), Seg::Index(i), key("models"), Seg::Index(j)],
                    m.as_str(),
                )
            }));
        }
    }
    uses.extend(super::own_code::implied_python_models(raw));
    uses.retain(|(_, name)| model::python::is_py_model(name));
    uses
}
