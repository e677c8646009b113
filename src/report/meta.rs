//! `meta.json`: what was run, where, when and with what — enough to redraw every output from
//! `runs.csv` alone (`parabench plot`) and to judge whether two runs are comparable.

use super::{Exporter, RunData};
use crate::record::{Ending, Family, Probe, Spawns};
use crate::scenario::{Charts, Interpreter, Scenario, Workload};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub parabench_version: String,
    pub scenario: ScenarioInfo,
    pub command_line: Vec<String>,
    pub started_utc: String,
    /// When the session began, in Unix seconds: `start_s` in runs.csv counts from here (a
    /// resumed run keeps its first session's).
    #[serde(default)]
    pub started_unix_s: Option<f64>,
    pub finished_utc: Option<String>,
    /// `running`, `complete`, `interrupted` (or `incomplete` for a merge missing a slice).
    pub ending: Ending,
    pub machine: Machine,
    pub workloads: Vec<Workload>,
    pub models: Vec<ModelInfo>,
    /// The interpreters the models ran on, as checked before the run (today the Python of
    /// the `py-*` models; empty when none ran, and in folders written before it was recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<Interpreter>,
    /// Run order: `rounds`, `cells`, `interleaved` or `random` (folders written before
    /// `rounds` existed ran `cells`).
    #[serde(default = "default_order")]
    pub order: String,
    /// Rounds of `rounds` order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// `K/N` when this folder holds one `--shard` slice of the matrix.
    #[serde(default)]
    pub shard: Option<String>,
    /// The shard folders `parabench merge` joined into this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// Which cells recorded a timeline (`--timeline`): `default` (each model's most workers),
    /// `all` or `off`; `None` in folders written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<String>,
    /// Warmup and timeline runs that failed: they are not in `runs.csv`, and the report says
    /// what happened to them from here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_unmeasured: Vec<FailedRun>,
    /// Which chart files were asked for (`charts = ...` or `--charts`), and what that left
    /// out; `None` in folders written before it was recorded (every chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charts: Option<Charts>,
    /// What the cell processes could not measure on this machine, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    /// The versions of the code under test, the base first (only in runs with variants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<crate::scenario::Variant>,
    /// The threshold of the paired verdicts, in percent (`--fail-on-regression`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_threshold_pct: Option<f64>,
    /// An A/A calibration (`--aa`): the base against itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aa: bool,
    /// An earlier `--aa` run's detectable change (`--aa-run DIR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<super::variants::Calibration>,
}

impl Meta {
    /// The variants' names, the base first; empty without variants.
    pub fn variant_names(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.name.clone()).collect()
    }

    /// The threshold of the paired verdicts, in percent.
    pub fn threshold_pct(&self) -> f64 {
        self.variant_threshold_pct
            .unwrap_or(super::variants::DEFAULT_THRESHOLD_PCT)
    }
}

/// A run outside the measurements (a warmup run, or the timeline run) that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRun {
    /// Workload, model and workers, inline in meta.json.
    #[serde(flatten)]
    pub cell: crate::record::CellId,
    /// `warmup 0`, `warmup 1`, ... or `timeline`.
    pub run: String,
    pub error: String,
}

impl FailedRun {
    /// Whether this is the timeline run of `model` in `workload`.
    pub fn is_timeline_of(&self, workload: &str, model: &str) -> bool {
        self.run == "timeline" && self.cell.workload == workload && self.cell.model == model
    }
}

fn default_order() -> String {
    "cells".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    pub path: Option<String>,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub about: String,
    /// The argv template of a command model; `None` for built-in models.
    pub command: Option<Vec<String>>,
    /// `--version` of a command model's interpreter (python, node, ...), when it is one.
    #[serde(default)]
    pub interpreter: Option<String>,
    /// What one row of its timeline is ("thread", "process", "in-flight slot" ...), from the
    /// model registry when the run was made, so a run folder redraws from what it recorded;
    /// `None` for command models and in folders written before it was recorded ("worker").
    #[serde(default)]
    pub timeline_worker: Option<String>,
    /// Built in, a shipped CPython model or an external program (folders written before it
    /// was recorded: inferred from the command, see [`ModelInfo::family`]).
    #[serde(default, rename = "family")]
    pub recorded_family: Option<Family>,
    /// What the model starts per worker (threads, processes, coroutines ...), when known.
    #[serde(default)]
    pub spawns: Option<Spawns>,
}

impl ModelInfo {
    /// A model known by name only (tests, synthetic runs).
    pub fn named(name: &str) -> ModelInfo {
        ModelInfo {
            name: name.to_string(),
            about: String::new(),
            command: None,
            interpreter: None,
            timeline_worker: None,
            recorded_family: None,
            spawns: None,
        }
    }

    /// The model's family: as recorded, or for older folders, a command that runs the shipped
    /// CPython harness is CPython, any other command a command, the rest native.
    pub fn family(&self) -> Family {
        self.recorded_family.unwrap_or(match &self.command {
            Some(argv) if argv.iter().any(|a| a.ends_with("kernels.py")) => Family::CPython,
            Some(_) => Family::Command,
            None => Family::Native,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub os: String,
    pub kernel: String,
    pub arch: String,
    pub cpu_model: String,
    /// Logical cores available to parabench (what `cores` resolved to).
    pub logical_cores: u64,
    pub physical_cores: Option<u64>,
    /// Simultaneous multithreading (hyperthreads): more logical than physical cores.
    #[serde(default)]
    pub smt: Option<bool>,
    pub memory_kb: Option<u64>,
    /// 1, 5 and 15 minute load averages when the run started and when it ended: a busy
    /// machine makes numbers noisy.
    #[serde(default)]
    pub load_start: Option<[f64; 3]>,
    #[serde(default)]
    pub load_end: Option<[f64; 3]>,
}

impl Meta {
    /// The metadata of a run of `scenario` starting now, with its models described by the
    /// caller (the model registry lives above the report).
    pub fn new(scenario: &Scenario, models: Vec<ModelInfo>) -> Meta {
        Meta {
            parabench_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: ScenarioInfo {
                name: scenario.name.clone(),
                description: scenario.description.clone(),
                path: scenario.path.as_ref().map(|p| p.display().to_string()),
                sha256: scenario.sha256.clone(),
            },
            command_line: std::env::args().collect(),
            started_utc: now_utc(),
            started_unix_s: crate::run::unix_now_s(),
            finished_utc: None,
            ending: Ending::Running,
            machine: Machine::detect(),
            workloads: scenario.workloads.clone(),
            models,
            interpreters: scenario.interpreters.clone(),
            order: scenario.order.as_str().into(),
            rounds: (scenario.order == crate::scenario::Order::Rounds).then_some(scenario.rounds),
            shard: None,
            merged_from: Vec::new(),
            timeline: None,
            failed_unmeasured: Vec::new(),
            variants: scenario.variants.clone(),
            variant_threshold_pct: None,
            aa: false,
            calibration: None,
            charts: Some(scenario.charts.clone()),
            probe: None,
        }
    }

    /// Position of a model in the run's model order: the key of its chart colour, so one
    /// model has one colour in every chart of a run.
    pub fn model_index(&self, model: &str) -> usize {
        self.models
            .iter()
            .position(|m| m.name == model)
            .unwrap_or(self.models.len())
    }
}

pub struct MetaJson;

impl Exporter for MetaJson {
    fn file_name(&self) -> &'static str {
        "meta.json"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(&data.meta)?;
        v.push(b'\n');
        Ok(v)
    }
}

impl Machine {
    pub fn detect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        // Physical cores: distinct (physical id, core id) pairs.
        let mut cores = std::collections::BTreeSet::new();
        let (mut phys, mut core) = (None, None);
        for line in cpuinfo.lines() {
            if let Some((k, v)) = line.split_once(':') {
                match k.trim() {
                    "physical id" => phys = Some(v.trim().to_string()),
                    "core id" => core = Some(v.trim().to_string()),
                    _ => {}
                }
            }
            if line.trim().is_empty() {
                if let (Some(p), Some(c)) = (phys.take(), core.take()) {
                    cores.insert((p, c));
                }
            }
        }
        let memory_kb = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        });
        let physical_cores = (!cores.is_empty()).then_some(cores.len() as u64);
        let logical_cores = crate::scenario::logical_cores();
        Machine {
            os: std::env::consts::OS.to_string(),
            kernel: uname_release(),
            arch: std::env::consts::ARCH.to_string(),
            cpu_model,
            logical_cores,
            physical_cores,
            smt: physical_cores.map(|p| p < logical_cores),
            memory_kb,
            load_start: load_average(),
            load_end: None,
        }
    }
}

/// The 1, 5 and 15 minute load averages from /proc/loadavg.
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

fn uname_release() -> String {
    // SAFETY: uname fills a zeroed struct of fixed-size, NUL-terminated arrays.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return "unknown".into();
        }
        let cstr = |a: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(a.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        format!("{} {}", cstr(&u.sysname), cstr(&u.release))
    }
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format_utc(secs)
}

/// Formats Unix seconds as an ISO-8601 UTC timestamp (civil-from-days, proleptic Gregorian).
pub fn format_utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formatting() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_utc(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
