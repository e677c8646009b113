//! Command-line overrides of a validated scenario (`--repeats`, `--workers`, `--models`, ...).
//! Names given here are checked like scenario names: unknown ones stop the run with exit 2.

use crate::error::Error;
use crate::scenario::{
    diag::suggest, logical_cores, process_limit, workers::WorkersArg, Charts, Order, Scenario,
};

/// The command line's changes to every scenario of a run.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub repeats: Option<u32>,
    pub warmup: Option<u32>,
    /// Worker counts, e.g. `1,2,cores` (parsed by the command line).
    pub workers: Option<WorkersArg>,
    pub models: Option<Vec<String>>,
    pub workloads: Option<Vec<String>>,
    /// 1 measured run and no warmup per cell (unless `repeats`/`warmup` say otherwise).
    pub quick: bool,
    pub order: Option<Order>,
    pub rounds: Option<u32>,
    pub remeasure: Option<u32>,
    /// Which chart files to write, as written (`--charts speedup,svg`).
    pub charts: Option<String>,
}

pub fn apply(mut s: Scenario, args: &Overrides, force: bool) -> Result<Scenario, Error> {
    if let Some(o) = args.order {
        s.order = o;
    }
    if let Some(r) = args.rounds {
        s.rounds = r;
    }
    if let Some(r) = args.remeasure {
        s.remeasure = r;
    }
    if let Some(c) = &args.charts {
        s.charts = Charts::parse_flag(c).map_err(|e| Error::Input(e.to_string()))?;
    }
    let workers = match &args.workers {
        Some(arg) => Some(
            arg.spec
                .resolve(logical_cores())
                .map_err(|e| Error::Input(format!("--workers: {e}")))?,
        ),
        None => None,
    };
    if let Some(names) = &args.workloads {
        keep_workloads(&mut s, names)?;
    }
    if let Some(names) = &args.models {
        keep_models(&mut s, names)?;
    }
    for w in &mut s.workloads {
        if args.quick {
            w.repeats = 1;
            w.warmup = 0;
        }
        if let Some(r) = args.repeats {
            if r == 0 {
                return Err(Error::Input("--repeats must be at least 1".into()));
            }
            w.repeats = r;
        }
        if let Some(n) = args.warmup {
            w.warmup = n;
        }
        if let Some(list) = &workers {
            w.workers = list.clone();
            w.workers_spec = args
                .workers
                .as_ref()
                .map(|a| a.text.clone())
                .unwrap_or_default();
            if let Some((problem, limit)) = process_limit(&w.workers, &w.models, &s.commands, force)
            {
                return Err(Error::Input(format!(
                    "--workers: {problem} in workload `{}`: use at most {limit}, or pass --force if you mean it",
                    w.name
                )));
            }
        }
    }
    if s.workloads.is_empty() {
        return Err(Error::Input(format!(
            "nothing to run in scenario `{}` after --models/--workloads",
            s.name
        )));
    }
    Ok(s)
}

/// `--workloads`: keeps the named workloads; a name the scenario lacks is an error.
fn keep_workloads(s: &mut Scenario, names: &[String]) -> Result<(), Error> {
    let known: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
    for n in names {
        if !known.contains(&n.as_str()) {
            return Err(Error::Input(format!(
                "--workloads: scenario `{}` has no workload `{n}`; {}",
                s.name,
                suggest(n, "its workloads are", &known)
            )));
        }
    }
    s.workloads.retain(|w| names.contains(&w.name));
    Ok(())
}

/// `--models`: keeps the named models (and each workload's baseline); a name no workload
/// uses is an error, and a workload left without models goes.
fn keep_models(s: &mut Scenario, names: &[String]) -> Result<(), Error> {
    let mut known: Vec<&str> = s
        .workloads
        .iter()
        .flat_map(|w| w.models.iter().map(String::as_str))
        .collect();
    known.sort_unstable();
    known.dedup();
    for n in names {
        if !known.contains(&n.as_str()) {
            return Err(Error::Input(format!(
                "--models: scenario `{}` uses no model `{n}`; {}",
                s.name,
                suggest(n, "its models are", &known)
            )));
        }
    }
    for w in &mut s.workloads {
        let keep = |m: &String| names.contains(m) || w.baseline.as_ref() == Some(m);
        w.models = w.models.iter().filter(|m| keep(m)).cloned().collect();
    }
    s.workloads.retain(|w| !w.models.is_empty());
    Ok(())
}
