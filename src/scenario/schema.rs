//! `parabench schema`: a JSON Schema (draft 2020-12) of the scenario format, for editors that
//! read `#:schema` lines (taplo / Even Better TOML). The key lists are the parser's own
//! ([`TOP_KEYS`], [`MATRIX_KEYS`], [`WORKLOAD_KEYS`]), the `[[model]]` table and `scaling` are
//! derived from their serde types, and each built-in kernel's parameters come from the kernel
//! registry — so the schema cannot drift from what `parabench validate` accepts.

use super::file::{
    RawModel, RawScenario, RawWorkload, Scaling, MATRIX_KEYS, TOP_KEYS, WORKLOAD_KEYS,
};
use super::validate::{MAX_REPEATS, MAX_TASKS, MAX_TIMEOUT_S, MAX_WARMUP};
use super::workers::{WorkersSpec, MAX_WORKERS};
use crate::kernel::KERNELS;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// The schema as pretty JSON.
pub fn scenario_schema() -> Result<String, String> {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawScenario>();
    serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())
}

/// The keys that may stand at the top level and in each workload (`MATRIX_KEYS`).
fn matrix_properties(gen: &mut SchemaGenerator) -> Map<String, Value> {
    let mut m = Map::new();
    for key in MATRIX_KEYS {
        let v = match *key {
            "repeats" => json!({"type": "integer", "minimum": 1, "maximum": MAX_REPEATS,
                "description": "Measured runs per cell (default 5)."}),
            "warmup" => json!({"type": "integer", "minimum": 0, "maximum": MAX_WARMUP,
                "description": "Unmeasured runs per cell before the measured ones (default 1)."}),
            "workers" => gen.subschema_for::<WorkersSpec>().to_value(),
            "models" => json!({"type": "array", "minItems": 1, "items": {"type": "string"},
                "description": format!("Models to run: built in ({}), the py-* CPython models, or the name of a [[model]] table.", crate::model::names().join(", "))}),
            "baseline" => json!({"type": "string",
                "description": "Speedup reference model (at its fewest workers); default: each model against itself."}),
            "scaling" => gen.subschema_for::<Scaling>().to_value(),
            "timeout_s" => {
                json!({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TIMEOUT_S,
                "description": "Per-run limit in seconds; a run over it is killed and recorded as `timeout`."})
            }
            other => json!({"description": format!("matrix key `{other}`")}),
        };
        m.insert(key.to_string(), v);
    }
    m
}

impl JsonSchema for RawScenario {
    fn schema_name() -> Cow<'static, str> {
        "ParabenchScenario".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let mut props = matrix_properties(gen);
        for key in TOP_KEYS {
            let v = match *key {
                "name" => {
                    json!({"type": "string", "description": "Scenario name; output goes to <out>/<name>/. Default: the file stem."})
                }
                "description" => {
                    json!({"type": "string", "description": "One line shown in the report."})
                }
                "python" => {
                    json!({"type": "string", "description": "Interpreter for the built-in py-* models (default python3; $PARABENCH_PYTHON wins)."})
                }
                "order" => json!({"enum": super::Order::NAMES,
                    "description": "Run order: `cells` (cell after cell), `interleaved` (one run of every cell per round) or `random` (shuffled, seeded by the file)."}),
                "workload" => {
                    json!({"type": "array", "minItems": 1, "items": gen.subschema_for::<RawWorkload>().to_value(),
                    "description": "The workloads: [[workload]] tables."})
                }
                "model" => {
                    json!({"type": "array", "items": gen.subschema_for::<RawModel>().to_value(),
                    "description": "External command models: [[model]] tables."})
                }
                other => json!({"description": format!("key `{other}`")}),
            };
            props.insert(key.to_string(), v);
        }
        json_schema!({
            "title": "parabench scenario (format v1)",
            "description": "A parabench scenario: workloads x concurrency models x worker counts. See `parabench init` for a commented example.",
            "type": "object",
            "properties": props,
            "required": ["workload"],
            "additionalProperties": false
        })
    }
}

impl JsonSchema for RawWorkload {
    fn schema_name() -> Cow<'static, str> {
        "Workload".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let mut props = matrix_properties(gen);
        for key in WORKLOAD_KEYS {
            let v = match *key {
                "name" => {
                    json!({"type": "string", "description": "Workload name; names the chart files."})
                }
                "kernel" => json!({"type": "string",
                    "description": format!("What one task does: a built-in kernel ({}) or, with command models only, any name passed to them.", crate::kernel::names().join(", "))}),
                "tasks" => json!({"type": "integer", "minimum": 1, "maximum": MAX_TASKS,
                    "description": "Tasks per run (strong scaling) or per worker (weak scaling)."}),
                "description" => json!({"type": "string"}),
                other => json!({"description": format!("key `{other}`")}),
            };
            props.insert(key.to_string(), v);
        }
        // A built-in kernel takes exactly its own parameters beside the workload's keys.
        let per_kernel: Vec<Value> = KERNELS
            .iter()
            .map(|k| {
                let mut allowed: Vec<String> = WORKLOAD_KEYS
                    .iter()
                    .chain(MATRIX_KEYS)
                    .map(|s| s.to_string())
                    .collect();
                let mut params = Map::new();
                for p in k.params() {
                    allowed.push(p.name.to_string());
                    params.insert(
                        p.name.to_string(),
                        json!({"type": "integer", "minimum": p.min, "maximum": p.max,
                            "default": p.default, "description": p.about}),
                    );
                }
                json!({
                    "if": {"properties": {"kernel": {"const": k.name()}}, "required": ["kernel"]},
                    "then": {"properties": params, "propertyNames": {"enum": allowed}}
                })
            })
            .collect();
        json_schema!({
            "type": "object",
            "properties": props,
            "required": ["name", "kernel", "tasks"],
            "additionalProperties": {"description": "A kernel parameter (e.g. limit = 60_000 for primes)."},
            "allOf": per_kernel
        })
    }
}

impl JsonSchema for WorkersSpec {
    fn schema_name() -> Cow<'static, str> {
        "Workers".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let expr = json!({"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_WORKERS},
            {"type": "string", "pattern": "^\\s*(([0-9]+\\s*\\*\\s*)?cores(\\s*[-+*/]\\s*[0-9]+)?|[0-9]+)\\s*$",
             "description": "A core expression: cores, 2*cores, cores/2, cores+1 ..."}
        ]});
        json_schema!({
            "description": "Worker counts: a list of counts and core expressions, or a range {from, to, step | factor}.",
            "anyOf": [
                {"type": "array", "minItems": 1, "items": expr},
                expr,
                {"type": "object",
                 "properties": {"from": expr, "to": expr,
                    "step": {"type": "integer", "minimum": 1},
                    "factor": {"type": "integer", "minimum": 2}},
                 "required": ["from", "to"],
                 "additionalProperties": false,
                 "not": {"required": ["step", "factor"]}}
            ]
        })
    }
}
