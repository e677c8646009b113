//! `results.json`: the whole run in one machine-readable file — every run and every cell, the
//! machine, and the scenario as resolved (defaults filled, worker counts evaluated). Its shape
//! is versioned by `schema_version`; fields are only ever added within a version.

use super::meta::{Machine, ModelInfo, ScenarioInfo};
use super::summary::SummaryRow;
use super::{Exporter, RunData};
use crate::record::RunRow;
use crate::scenario::{Interpreter, Workload};
use serde::Serialize;

/// Bumped when a field changes meaning or goes away. 2: rows carry `round`, `start_s` and the
/// host probes, and the default order became `rounds` (cells no longer measured in one stretch);
/// `decision` added.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Results<'a> {
    schema_version: u32,
    parabench_version: &'a str,
    scenario: ResolvedScenario<'a>,
    machine: &'a Machine,
    run: RunInfo<'a>,
    /// The decision table per workload: best model per family (with ties), each model's
    /// headlines, the rule of thumb, and whether each reproduced in the session's halves.
    decision: &'a [super::decision::WorkloadDecision],
    /// One entry per cell, as in summary.csv.
    cells: &'a [SummaryRow],
    /// One entry per measured run, as in runs.csv.
    runs: &'a [RunRow],
    /// Every variant against the base, paired (only in runs with variants).
    #[serde(skip_serializing_if = "Option::is_none")]
    variants: Option<&'a super::variants::Paired>,
}

#[derive(Serialize)]
struct ResolvedScenario<'a> {
    #[serde(flatten)]
    info: &'a ScenarioInfo,
    order: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rounds: Option<u32>,
    workloads: &'a [Workload],
    models: &'a [ModelInfo],
    /// The interpreters the models ran on (meta.json's `interpreters`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    interpreters: &'a [Interpreter],
}

#[derive(Serialize)]
struct RunInfo<'a> {
    command_line: &'a [String],
    started_utc: &'a str,
    finished_utc: Option<&'a str>,
    ending: crate::record::Ending,
    shard: Option<&'a str>,
    merged_from: &'a [String],
    /// What could not be measured on this machine, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<&'a crate::record::Probe>,
}

pub struct ResultsJson;

impl Exporter for ResultsJson {
    fn file_name(&self) -> &'static str {
        "results.json"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        let m = &data.meta;
        let results = Results {
            schema_version: SCHEMA_VERSION,
            parabench_version: &m.parabench_version,
            scenario: ResolvedScenario {
                info: &m.scenario,
                order: &m.order,
                rounds: m.rounds,
                workloads: &m.workloads,
                models: &m.models,
                interpreters: &m.interpreters,
            },
            machine: &m.machine,
            run: RunInfo {
                command_line: &m.command_line,
                started_utc: &m.started_utc,
                finished_utc: m.finished_utc.as_deref(),
                ending: m.ending,
                shard: m.shard.as_deref(),
                merged_from: &m.merged_from,
                probe: m.probe.as_ref(),
            },
            decision: &data.decision,
            cells: &data.every_summary(),
            runs: &data.every_row(),
            variants: data.variants.as_ref().map(|v| &v.paired),
        };
        let mut v = serde_json::to_vec_pretty(&results)?;
        v.push(b'\n');
        Ok(v)
    }
}
