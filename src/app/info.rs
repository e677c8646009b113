//! `parabench list`, and what a run records about its models in `meta.json` (the registry
//! lives here, above the report, so a run folder redraws from what it recorded).

use crate::model::{self, command::CommandModel};
use crate::report::meta::ModelInfo;
use crate::scenario::Scenario;

/// Which part of the registry `list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListWhat {
    All,
    Kernels,
    Models,
}

/// `parabench list`: kernels with their parameters, then models.
pub fn list(what: ListWhat) {
    if what != ListWhat::Models {
        println!("Kernels (what one task does):");
        for k in crate::kernel::KERNELS {
            let py = if k.cpython() { ", py-*" } else { "" };
            println!(
                "  {:<10} [{}{py}] {}",
                k.name(),
                k.kind().as_str(),
                k.about()
            );
            for p in k.params() {
                println!(
                    "      {} = {} (default; {} to {}) - {}",
                    p.name, p.default, p.min, p.max, p.about
                );
            }
        }
    }
    if what == ListWhat::All {
        println!();
    }
    if what != ListWhat::Kernels {
        println!("Models (how tasks are spread over workers):");
        for m in model::MODELS {
            println!("  {:<15} {}", m.name(), m.about());
        }
        println!("CPython models (the shipped kernels.py; interpreter: python3, `python = ...` or $PARABENCH_PYTHON):");
        for m in model::python::PY_MODELS {
            println!("  {:<19} {}", m.name, m.about);
        }
        println!("  (any [[model]] with a `command` in a scenario file runs an external program)");
    }
}

/// Every model the scenario uses, as meta.json records it.
pub fn model_infos(scenario: &Scenario) -> Vec<ModelInfo> {
    let mut models: Vec<ModelInfo> = Vec::new();
    for w in &scenario.workloads {
        for m in &w.models {
            if models.iter().any(|x| &x.name == m) {
                continue;
            }
            let command = scenario.commands.iter().find(|c| &c.name == m);
            let found = model::lookup(m, &scenario.commands);
            let about = found.map_or(String::new(), |b| b.about().to_string());
            models.push(ModelInfo {
                name: m.clone(),
                about,
                command: command.map(|c| c.argv.clone()),
                interpreter: command.and_then(|c| interpreter_version(c, scenario)),
                timeline_worker: found.map(|b| b.timeline_worker().to_string()),
                recorded_family: found.map(|b| b.family()),
                spawns: found.map(|b| b.spawns()),
            });
        }
    }
    models
}

/// Interpreters whose `--version` is safe to ask and worth recording.
const INTERPRETERS: &[&str] = &["python", "pypy", "node", "ruby", "perl", "java", "php"];

/// Asks a command's interpreter, if it is a known one, for its version (stdin closed, so it
/// cannot wait for input); the version validation found, for an interpreter it checked.
fn interpreter_version(c: &CommandModel, scenario: &Scenario) -> Option<String> {
    let program = c.argv.first()?;
    if let Some(checked) = scenario.interpreters.iter().find(|i| &i.path == program) {
        return Some(format!("Python {}", checked.version));
    }
    let base = std::path::Path::new(program).file_name()?.to_str()?;
    if !INTERPRETERS.iter().any(|i| base.starts_with(i)) {
        return None;
    }
    let path = model::command::resolve_program(program, &c.dir).ok()?;
    let out = std::process::Command::new(path)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(if out.stdout.is_empty() {
        &out.stderr
    } else {
        &out.stdout
    });
    text.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}
