//! `parabench schema`: a JSON Schema (draft 2020-12) of the scenario format, for editors that
//! read `#:schema` lines (taplo / Even Better TOML). Every property comes from the key table
//! ([`KEYS`](super::keys::KEYS)): its schema from its [`Kind`] (an exhaustive match, so a new kind cannot be
//! added without one), its description from the key's doc and default, `required` from
//! [`Absent::Required`], `oneOf` and `dependentRequired` from [`Absent::OneOf`] and
//! [`Absent::With`]. Each built-in kernel's parameters come from the kernel registry. So
//! the schema cannot drift from what `parabench validate` accepts.

use super::keys::{self, Absent, Key, Kind, Place};
use super::workers::{WorkersSpec, MAX_WORKERS};
use crate::kernel::KERNELS;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// The schema as pretty JSON.
pub fn scenario_schema() -> Result<String, serde_json::Error> {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<ScenarioFile>();
    serde_json::to_string_pretty(&schema)
}

/// The three kinds of table, as schema types (`$defs` entries).
struct ScenarioFile;
struct WorkloadTable;
struct ModelTable;
struct VariantTable;

/// A key's schema: its kind's, plus its description.
fn property(key: &Key, gen: &mut SchemaGenerator) -> Value {
    let mut v = kind_schema(key, gen);
    if let Value::Object(m) = &mut v {
        m.insert("description".into(), Value::String(key.doc()));
    }
    v
}

fn kind_schema(key: &Key, gen: &mut SchemaGenerator) -> Value {
    match key.kind {
        Kind::Whole { min, max, .. } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Kind::Seconds { max, .. } => {
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": max})
        }
        Kind::Text { .. } => json!({"type": "string"}),
        Kind::Bool { .. } => json!({"type": "boolean"}),
        Kind::Texts { .. } => json!({"type": "array", "minItems": 1, "items": {"type": "string"}}),
        Kind::Word { words, .. } => {
            json!({"enum": words.iter().map(|(w, _)| *w).collect::<Vec<_>>()})
        }
        Kind::Words { words, .. } => {
            let words: Vec<&str> = words().iter().map(|(w, _)| *w).collect();
            json!({"anyOf": [
                {"enum": words},
                {"type": "array", "minItems": 1, "items": {"enum": words}}
            ]})
        }
        Kind::Workers { .. } => gen.subschema_for::<WorkersSpec>().to_value(),
        Kind::Env { .. } => {
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        }
        Kind::Tables { of, .. } => {
            let items = match of {
                Place::Top => gen.subschema_for::<ScenarioFile>(),
                Place::Workload => gen.subschema_for::<WorkloadTable>(),
                Place::Model => gen.subschema_for::<ModelTable>(),
                Place::Variant => gen.subschema_for::<VariantTable>(),
            };
            let mut v = json!({"type": "array", "items": items.to_value()});
            if key.absent == Absent::Required {
                v["minItems"] = json!(1);
            }
            v
        }
    }
}

/// What the keys of `place` require of each other beyond `required`: exactly one key of each
/// [`Absent::OneOf`] group (`oneOf`), and each [`Absent::With`] key together with its partner
/// (`dependentRequired`, both ways).
fn together(place: Place) -> Vec<Value> {
    let mut out = Vec::new();
    let mut groups: Vec<&[&str]> = Vec::new();
    for key in keys::in_place(place) {
        match key.absent {
            Absent::OneOf(group) if !groups.contains(&group) => {
                groups.push(group);
                let each: Vec<Value> = group.iter().map(|k| json!({"required": [k]})).collect();
                out.push(json!({"oneOf": each}));
            }
            Absent::With(other) => out.push(json!({"dependentRequired": {
                key.name: [other],
                other: [key.name],
            }})),
            _ => {}
        }
    }
    out
}

/// The properties of `place` and the names of its required keys.
fn table(place: Place, gen: &mut SchemaGenerator) -> (Map<String, Value>, Vec<&'static str>) {
    let mut props = Map::new();
    let mut required = Vec::new();
    for key in keys::in_place(place) {
        props.insert(key.name.to_string(), property(key, gen));
        if key.absent == Absent::Required {
            required.push(key.name);
        }
    }
    (props, required)
}

impl JsonSchema for ScenarioFile {
    fn schema_name() -> Cow<'static, str> {
        "ParabenchScenario".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let (props, required) = table(Place::Top, gen);
        json_schema!({
            "title": "parabench scenario (format v1)",
            "description": "A parabench scenario: workloads x concurrency models x worker counts. See `parabench init` for a commented example.",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false
        })
    }
}

impl JsonSchema for WorkloadTable {
    fn schema_name() -> Cow<'static, str> {
        "Workload".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let (props, required) = table(Place::Workload, gen);
        // A built-in kernel takes exactly its own parameters beside the workload's keys.
        let per_kernel: Vec<Value> = KERNELS
            .iter()
            .map(|k| {
                let mut allowed: Vec<String> = keys::names(Place::Workload)
                    .into_iter()
                    .map(String::from)
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
            .chain(together(Place::Workload))
            .collect();
        json_schema!({
            "description": "One [[workload]]: a kernel, a task count, and any matrix key for this workload alone.",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": {"description": "A kernel parameter (e.g. limit = 60_000 for primes)."},
            "allOf": per_kernel
        })
    }
}

impl JsonSchema for ModelTable {
    fn schema_name() -> Cow<'static, str> {
        "Model".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let (props, required) = table(Place::Model, gen);
        json_schema!({
            "description": "One `[[model]]` table: an external command run once per measured run.",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false
        })
    }
}

impl JsonSchema for VariantTable {
    fn schema_name() -> Cow<'static, str> {
        "Variant".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let (props, required) = table(Place::Variant, gen);
        json_schema!({
            "description": "One `[[variant]]` table: a version of the code under test.",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false
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
        // A lone expression string is one count; a lone number is refused (see
        // `WorkersSpec::read`), so the schema takes a string but not an integer there.
        let lone = json!({"type": "string", "pattern": "^\\s*(([0-9]+\\s*\\*\\s*)?cores(\\s*[-+*/]\\s*[0-9]+)?|[0-9]+)\\s*$"});
        json_schema!({
            "description": "Worker counts: a list of counts and core expressions, or a range {from, to, step | factor}.",
            "anyOf": [
                {"type": "array", "minItems": 1, "items": expr},
                lone,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        serde_json::from_str(&scenario_schema().unwrap()).unwrap()
    }

    /// The schema's properties of a table, by name.
    fn properties<'a>(v: &'a Value, pointer: &str) -> Vec<&'a str> {
        let mut names: Vec<&str> = v
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no {pointer}"))
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn the_schema_has_exactly_the_keys_of_the_table_in_each_place() {
        let v = schema();
        for (place, pointer) in [
            (Place::Top, "/properties"),
            (Place::Workload, "/$defs/Workload/properties"),
            (Place::Model, "/$defs/Model/properties"),
            (Place::Variant, "/$defs/Variant/properties"),
        ] {
            let mut want = keys::names(place);
            want.sort_unstable();
            assert_eq!(properties(&v, pointer), want, "{place:?}");
        }
    }

    #[test]
    fn every_property_is_described_and_typed() {
        let v = schema();
        for pointer in [
            "/properties",
            "/$defs/Workload/properties",
            "/$defs/Model/properties",
        ] {
            for (name, p) in v.pointer(pointer).and_then(Value::as_object).unwrap() {
                let p = p.as_object().unwrap();
                assert!(p.contains_key("description"), "{pointer}/{name}");
                let typed = |p: &serde_json::Map<String, Value>| {
                    ["type", "enum", "$ref"].iter().any(|k| p.contains_key(*k))
                };
                // One of several shapes (`charts`: a word or a list of words), each typed.
                let alternatives = p.get("anyOf").and_then(Value::as_array);
                assert!(
                    typed(p)
                        || alternatives
                            .is_some_and(|a| a.iter().all(|x| x.as_object().is_some_and(typed))),
                    "{pointer}/{name} has no type: {p:?}"
                );
            }
        }
    }

    #[test]
    fn required_keys_are_required() {
        let v = schema();
        assert_eq!(v["required"], json!(["workload"]));
        assert_eq!(v["$defs"]["Workload"]["required"], json!(["name", "tasks"]));
        // What a workload runs: exactly one of kernel, function, library; symbol with library.
        let all_of = v["$defs"]["Workload"]["allOf"].as_array().unwrap();
        assert!(all_of.contains(&json!({"oneOf": [
            {"required": ["kernel"]}, {"required": ["function"]}, {"required": ["library"]}
        ]})));
        assert!(all_of.contains(&json!({"dependentRequired": {
            "symbol": ["library"], "library": ["symbol"]
        }})));
        assert_eq!(v["$defs"]["Model"]["required"], json!(["name", "command"]));
    }
}
