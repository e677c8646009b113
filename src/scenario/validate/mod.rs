//! From text to a validated [`Scenario`]: TOML syntax, then keys, types and ranges (the key
//! table, through `file.rs`), then meaning — one concern per file:
//!
//! - `names.rs`: names that become file names, and workload names that must be unique
//! - `models.rs`: `[[model]]` commands, the CPython models, model lists and `baseline`
//! - `interpreter.rs`: the interpreters the scenario runs on (Python for the `py-*` models),
//!   started once each and checked for their version
//! - `params.rs`: the kernel and its parameters
//! - `own_code.rs`: the user's own code instead of a kernel: a Python `function`, or a
//!   `library` and its `symbol`
//! - `placeholders.rs`: the placeholders of the command models a workload uses
//! - `limits.rs`: worker counts, resolved against the cores, and the models' limits
//! - `workload.rs`: one workload, top-level defaults filled in, through all of the above
//! - `variants.rs`: `[[variant]]` tables and `--variant`: each variant's tree checked again
//!   with its overrides in place, its errors pointing at the variant's keys
//!
//! The first problem found is returned, located at the exact key or value.

pub(super) mod interpreter;
mod limits;
mod models;
mod names;
mod own_code;
mod params;
mod placeholders;
mod variants;
mod workload;

use super::diag::{Seg, Source};
use super::file;
use super::{LoadOptions, Scenario, ScenarioError};
use crate::hash::sha256_hex;
use std::collections::BTreeSet;
use std::path::Path;
use toml::de::DeTable;

pub fn parse(
    file: &Path,
    text: &str,
    stem: &str,
    dir: &Path,
    opts: &LoadOptions,
) -> Result<Scenario, ScenarioError> {
    let src = Source::new(file, text);
    let doc = DeTable::parse(text).map_err(|e| {
        src.error_at(
            e.span(),
            String::new(),
            format!("invalid TOML: {}", e.message()),
        )
        .with_help("see https://toml.io for the syntax; strings need double quotes")
    })?;
    let mut raw = file::read(doc.get_ref()).map_err(|p| src.locate(&[], p))?;
    if !opts.variants.is_empty() {
        raw.variants = opts
            .variants
            .iter()
            .map(|v| variants::from_command_line(v))
            .collect::<Result<_, _>>()
            .map_err(|e| ScenarioError::whole_file(file, e))?;
    }
    // When every variant names its interpreter, the scenario's own (or $PARABENCH_PYTHON)
    // runs nothing: the base is checked on the first variant's.
    if let (Some(first), true) = (
        raw.variants.first().and_then(|v| v.python.clone()),
        !raw.variants.is_empty() && raw.variants.iter().all(|v| v.python.is_some()),
    ) {
        raw.python = Some(first);
        raw.python_wins = true;
    }
    let checker = Checker {
        src: &src,
        dir,
        opts,
        has_variants: !raw.variants.is_empty(),
    };
    let mut scenario = checker.scenario(&raw, text, stem)?;
    scenario.variants = checker.variants(&raw, &scenario, text, stem)?;
    Ok(scenario)
}

/// What every check needs: the text (to locate problems), the scenario's folder (relative
/// programs) and the load options (cores, `--force`).
struct Checker<'a> {
    src: &'a Source<'a>,
    dir: &'a Path,
    opts: &'a LoadOptions,
    /// Whether the scenario has variants (`{variant}` may then stand in commands).
    has_variants: bool,
}

fn key(k: &str) -> Seg {
    Seg::key(k)
}

/// Key paths inside one `[[workload]]`.
struct Paths {
    base: Vec<Seg>,
}

impl Paths {
    fn workload(i: usize) -> Paths {
        Paths {
            base: vec![key("workload"), Seg::Index(i)],
        }
    }

    /// The workload's own key `k`.
    fn at(&self, k: &str) -> Vec<Seg> {
        let mut p = self.base.clone();
        p.push(key(k));
        p
    }

    /// Where a matrix key's value came from: the workload's own table, else the top level.
    fn origin(&self, k: &str, here: bool) -> Vec<Seg> {
        if here {
            self.at(k)
        } else {
            vec![key(k)]
        }
    }
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
        raw: &file::RawTable,
        text: &str,
        stem: &str,
    ) -> Result<Scenario, ScenarioError> {
        let name = match &raw.name {
            Some(n) => {
                self.file_name(&[key("name")], n)?;
                n.clone()
            }
            None => stem.to_string(),
        };
        let mut commands = self.commands(&raw.commands)?;
        let interpreters = self.interpreters(raw, &commands)?;
        self.python_models(raw, &mut commands)?;
        for c in &mut commands {
            c.output_limit_mb = raw.output_limit_mb;
        }
        if raw.workloads.is_empty() {
            return Err(self.src.error_at(Some(0..0), String::new(), "the scenario has no workloads".into())
                .with_help("add a [[workload]] table with name, kernel and tasks, e.g.\n\n    [[workload]]\n    name = \"primes\"\n    kernel = \"primes\"\n    tasks = 16\n"));
        }
        let mut names = BTreeSet::new();
        let mut workloads = Vec::new();
        for (i, w) in raw.workloads.iter().enumerate() {
            let wl = self.workload(i, w, &raw.matrix, &commands)?;
            self.unique(&mut names, i, &wl.name)?;
            workloads.push(wl);
        }
        Ok(Scenario {
            name,
            description: raw.description.clone().unwrap_or_default(),
            path: None,
            sha256: sha256_hex(text),
            workloads,
            commands,
            order: raw.order.unwrap_or_default(),
            interpreters,
            charts: raw.charts.clone().unwrap_or_default(),
            rounds: raw.rounds.unwrap_or(super::DEFAULT_ROUNDS),
            remeasure: raw.remeasure.unwrap_or(0),
            variants: Vec::new(),
        })
    }
}
