//! Command-line overrides of a validated scenario (`--repeats`, `--workers`, `--models`, ...).
//! Names given here are checked like scenario names: unknown ones stop the run with exit 2.

use crate::cli::RunArgs;
use crate::scenario::{diag::suggest, logical_cores, process_limit, workers, Scenario};
use crate::Error;

pub fn apply(mut s: Scenario, args: &RunArgs) -> Result<Scenario, Error> {
    if let Some(o) = &args.order {
        s.order = crate::plan::Order::parse(o)
            .ok_or_else(|| Error::Usage(format!("--order: unknown order `{o}`")))?;
    }
    let workers = match &args.workers {
        Some(text) => Some(
            workers::parse_list(text)
                .and_then(|w| w.resolve(logical_cores()))
                .map_err(|e| Error::Usage(format!("--workers: {e}")))?,
        ),
        None => None,
    };
    if let Some(names) = &args.workloads {
        let known: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
        for n in names {
            if !known.contains(&n.as_str()) {
                return Err(Error::Usage(format!(
                    "--workloads: scenario `{}` has no workload `{n}`; {}",
                    s.name,
                    suggest(n, "its workloads are", &known)
                )));
            }
        }
        s.workloads.retain(|w| names.contains(&w.name));
    }
    if let Some(names) = &args.models {
        let mut known: Vec<&str> = s
            .workloads
            .iter()
            .flat_map(|w| w.models.iter().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        for n in names {
            if !known.contains(&n.as_str()) {
                return Err(Error::Usage(format!(
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
    }
    for w in &mut s.workloads {
        if args.quick {
            w.repeats = 1;
            w.warmup = 0;
        }
        if let Some(r) = args.repeats {
            if r == 0 {
                return Err(Error::Usage("--repeats must be at least 1".into()));
            }
            w.repeats = r;
        }
        if let Some(n) = args.warmup {
            w.warmup = n;
        }
        if let Some(list) = &workers {
            w.workers = list.clone();
            w.workers_spec = args.workers.clone().unwrap_or_default();
            if let Some((problem, limit)) = process_limit(&w.workers, &w.models) {
                return Err(Error::Usage(format!(
                    "--workers: {problem} in workload `{}`: use at most {limit}, or pass --force if you mean it",
                    w.name
                )));
            }
        }
    }
    if s.workloads.is_empty() {
        return Err(Error::Usage(format!(
            "nothing to run in scenario `{}` after --models/--workloads",
            s.name
        )));
    }
    Ok(s)
}
