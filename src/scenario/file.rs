//! The scenario file as written (format v1): serde types that mirror the TOML one to one.
//! Meaning (kernel names, model names, parameter checks, defaults) is added in `validate.rs`.

use super::workers::WorkersSpec;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Keys that may stand at the top level and be overridden in each `[[workload]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matrix {
    pub repeats: Option<u32>,
    pub warmup: Option<u32>,
    pub workers: Option<WorkersSpec>,
    pub models: Option<Vec<String>>,
    pub baseline: Option<String>,
    pub scaling: Option<Scaling>,
    pub timeout_s: Option<f64>,
}

/// The matrix key names, for "did you mean" and for the workload parser.
pub const MATRIX_KEYS: &[&str] = &[
    "repeats",
    "warmup",
    "workers",
    "models",
    "baseline",
    "scaling",
    "timeout_s",
];

/// Strong scaling keeps the total work fixed; weak scaling keeps the work per worker fixed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    #[default]
    Strong,
    Weak,
}

impl Scaling {
    pub fn as_str(self) -> &'static str {
        match self {
            Scaling::Strong => "strong",
            Scaling::Weak => "weak",
        }
    }
}

impl Matrix {
    /// Reads one matrix key's value if `key` is one; returns false for other keys.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "repeats" => self.repeats = Some(map.next_value()?),
            "warmup" => self.warmup = Some(map.next_value()?),
            "workers" => self.workers = Some(map.next_value()?),
            "models" => self.models = Some(map.next_value()?),
            "baseline" => self.baseline = Some(map.next_value()?),
            "scaling" => self.scaling = Some(map.next_value()?),
            "timeout_s" => self.timeout_s = Some(map.next_value::<Number>()?.0),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A TOML integer or float, as f64 (so `timeout_s = 120` and `timeout_s = 0.5` both work).
struct Number(f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of seconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole file. Unknown keys are kept (not rejected here) so that validation can point at
/// the exact key and suggest the nearest known one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Interpreter for the built-in `py-*` models.
    pub python: Option<String>,
    /// Run order: `cells`, `interleaved` or `random` (see [`super::Order`]).
    pub order: Option<String>,
    pub matrix: Matrix,
    pub workloads: Vec<RawWorkload>,
    pub models: Vec<RawModel>,
    pub unknown: Vec<String>,
}

/// One `[[workload]]` table. Keys that are neither workload keys nor matrix keys are kernel
/// parameters (`limit = 60_000` beside `kernel = "primes"`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawWorkload {
    pub name: Option<String>,
    pub kernel: Option<String>,
    pub tasks: Option<u64>,
    pub description: Option<String>,
    pub matrix: Matrix,
    pub params: BTreeMap<String, toml::Value>,
}

pub const WORKLOAD_KEYS: &[&str] = &["name", "kernel", "tasks", "description"];
pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "python",
    "order",
    "workload",
    "model",
];

/// One `[[model]]` table: an external command run once per measured run.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    /// The model's name, as used in `models` lists.
    pub name: String,
    /// argv template; placeholders like `{workers}` are replaced per run.
    pub command: Vec<String>,
    /// Run through `sh -c` (the argv joined with spaces) instead of directly.
    #[serde(default)]
    pub shell: bool,
    /// One line on what the model is, shown in the report.
    pub description: Option<String>,
}

impl<'de> Deserialize<'de> for RawScenario {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawScenario;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scenario table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawScenario, A::Error> {
                let mut s = RawScenario::default();
                while let Some(key) = map.next_key::<String>()? {
                    if s.matrix.read(&key, &mut map)? {
                        continue;
                    }
                    match key.as_str() {
                        "name" => s.name = Some(map.next_value()?),
                        "description" => s.description = Some(map.next_value()?),
                        "python" => s.python = Some(map.next_value()?),
                        "order" => s.order = Some(map.next_value()?),
                        "workload" => s.workloads = map.next_value()?,
                        "model" => s.models = map.next_value()?,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            s.unknown.push(key);
                        }
                    }
                }
                Ok(s)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for RawWorkload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawWorkload;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a [[workload]] table with name, kernel, tasks and kernel parameters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawWorkload, A::Error> {
                let mut w = RawWorkload::default();
                while let Some(key) = map.next_key::<String>()? {
                    if w.matrix.read(&key, &mut map)? {
                        continue;
                    }
                    match key.as_str() {
                        "name" => w.name = Some(map.next_value()?),
                        "kernel" => w.kernel = Some(map.next_value()?),
                        "tasks" => w.tasks = Some(map.next_value()?),
                        "description" => w.description = Some(map.next_value()?),
                        _ => {
                            let v = map.next_value::<toml::Value>()?;
                            w.params.insert(key, v);
                        }
                    }
                }
                Ok(w)
            }
        }
        d.deserialize_map(V)
    }
}
