//! The scenario file as written (format v1): the TOML tree read into [`RawTable`]s, key by key
//! through the key table (`keys/`). Unknown keys, wrong types and out-of-range numbers are
//! refused here, each with its path below the table; meaning (kernel names, model names,
//! parameters, limits) is added in `validate/`.
//!
//! The tree is read from toml's spanned [`DeTable`] rather than through serde: it keeps
//! integers as written (TOML allows more digits than i64 holds, and a step of 2^64 - 1 is a
//! valid way to say "no step"), and a key's problem needs only the key's own entry to explain.

use super::charts::Charts;
use super::diag::{describe, did_you_mean, Problem, Seg};
use super::keys::{self, Key, Kind, Place};
use super::order::Order;
use super::scaling::Scaling;
use super::workers::WorkersSpec;
use std::collections::BTreeMap;
use toml::de::{DeArray, DeInteger, DeTable, DeValue};

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

/// One table as written: the top level, a `[[workload]]` or a `[[model]]`. A field is set only
/// by a key allowed in that place (see [`keys::KEYS`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawTable {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Top level: interpreter for the built-in `py-*` models.
    pub python: Option<String>,
    pub order: Option<Order>,
    /// Top level: which chart files to write.
    pub charts: Option<Charts>,
    /// Top level: the largest file a command model may write, in MiB (0: no limit).
    pub output_limit_mb: Option<u64>,
    /// Top level: rounds of `order = "rounds"`.
    pub rounds: Option<u32>,
    /// Top level: how many slowed runs to measure again.
    pub remeasure: Option<u32>,
    /// Top level: the `[[workload]]` tables.
    pub workloads: Vec<RawTable>,
    /// Top level: the `[[model]]` tables.
    pub commands: Vec<RawTable>,
    /// Top level: the `[[variant]]` tables.
    pub variants: Vec<RawTable>,
    /// `[[variant]]`: environment variables for the run's processes.
    pub env: Option<Vec<(String, String)>>,
    /// Set on the copy of the tree a variant is checked as: its `python` wins over
    /// `$PARABENCH_PYTHON`.
    pub python_wins: bool,
    /// `[[variant]]`: given on the command line (`--variant`), not in the file.
    pub from_command_line: bool,
    /// `[[variant]]`: the workloads its overrides apply to.
    pub only_workloads: Option<Vec<String>>,
    pub kernel: Option<String>,
    /// `[[workload]]`: the user's Python function (`file.py:name` or `module:name`).
    pub function: Option<String>,
    /// `[[workload]]`: the user's shared library and the function in it.
    pub library: Option<String>,
    pub symbol: Option<String>,
    pub tasks: Option<u64>,
    pub matrix: Matrix,
    /// `[[model]]`: the argv template.
    pub command: Option<Vec<String>>,
    pub shell: Option<bool>,
    /// `[[workload]]`: every key the table does not know, as a kernel parameter
    /// (`limit = 60_000` beside `kernel = "primes"`), checked once the kernel is known.
    pub params: BTreeMap<String, toml::Value>,
}

/// Reads a whole scenario file's tree.
pub fn read(doc: &DeTable) -> Result<RawTable, Problem> {
    read_table(doc, Place::Top)
}

/// Reads one table with the keys of `place`. Keys come in toml's order (sorted by name), so
/// the first problem reported is the same on every run.
pub(super) fn read_table(table: &DeTable, place: Place) -> Result<RawTable, Problem> {
    let mut out = RawTable::default();
    for (name, value) in table.iter() {
        let name: &str = name.get_ref();
        let value = value.get_ref();
        match keys::find(name, place) {
            Some(key) => read_value(key, value, &mut out).map_err(|p| p.under(Seg::key(name)))?,
            None if place == Place::Workload => {
                let v = plain(value).map_err(|p| p.under(Seg::key(name)))?;
                out.params.insert(name.to_string(), v);
            }
            None => {
                // Where the key belongs, or the key it most likely is, is the fix; only
                // without either does the help list the table's keys.
                let names = keys::names(place);
                let help = match (
                    keys::belongs_elsewhere(name, place),
                    did_you_mean(name, names.iter().copied()),
                ) {
                    (Some(fix), _) => fix,
                    (None, Some(key)) => format!("did you mean `{key}`?"),
                    (None, None) => format!("{}: {}", place.keys_are(), names.join(", ")),
                };
                return Err(
                    Problem::new(format!("unknown key `{name}`"), help).at_key(Seg::key(name))
                );
            }
        }
    }
    Ok(out)
}

/// Reads `value` as `key`'s kind and stores it in `out`.
fn read_value(key: &Key, value: &DeValue, out: &mut RawTable) -> Result<(), Problem> {
    let wrong_type = || wrong_type(key, value);
    match key.kind {
        Kind::Whole {
            min,
            max,
            unit,
            set,
        } => set(out, read_whole(key, value, (min, max), unit)?),
        Kind::Seconds { max, set } => set(out, read_seconds(key, value, max)?),
        Kind::Text { set } => match value {
            DeValue::String(s) => set(out, s.to_string()),
            _ => return Err(wrong_type()),
        },
        Kind::Bool { set } => match value {
            DeValue::Boolean(b) => set(out, *b),
            _ => return Err(wrong_type()),
        },
        Kind::Texts { set, .. } => set(out, read_texts(key, value)?),
        Kind::Word { words, set } => {
            let DeValue::String(w) = value else {
                return Err(wrong_type());
            };
            if !set(out, w) {
                return Err(unknown_word(key, w, words));
            }
        }
        Kind::Words { set, .. } => {
            let (items, listed) = match value {
                DeValue::String(s) => (vec![s.to_string()], false),
                DeValue::Array(items) => (strings(key, items)?, true),
                _ => return Err(wrong_type()),
            };
            if let Err(m) = set(out, &items) {
                let p = Problem::new(m.message, m.help);
                return Err(if listed && m.index < items.len() {
                    p.under(Seg::Index(m.index))
                } else {
                    p
                });
            }
        }
        Kind::Workers { set } => set(out, WorkersSpec::read(value, key.example)?),
        Kind::Env { set } => set(out, read_env(key, value)?),
        Kind::Tables { of, set } => set(out, read_tables(key, value, of)?),
    }
    Ok(())
}

/// The error for a value of the wrong TOML type for `key`.
fn wrong_type(key: &Key, value: &DeValue) -> Problem {
    Problem::new(
        format!("invalid type: {}", describe(value)),
        key.type_help(),
    )
}

/// A whole number within `min..=max` (`unit` names them in the help).
fn read_whole(
    key: &Key,
    value: &DeValue,
    (min, max): (u64, u64),
    unit: &str,
) -> Result<u64, Problem> {
    let DeValue::Integer(i) = value else {
        return Err(wrong_type(key, value));
    };
    match u64::try_from(integer(i)) {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Problem::new(
            format!("{} = {i} is out of range", key.name),
            format!("use {min} to {max} {unit}"),
        )),
    }
}

/// A positive number of seconds up to `max`, whole or not.
fn read_seconds(key: &Key, value: &DeValue, max: f64) -> Result<f64, Problem> {
    let (shown, s) = match value {
        DeValue::Integer(i) => (i.to_string(), integer(i) as f64),
        // An unreadable float (none should reach here) fails the range check below.
        DeValue::Float(f) => (f.to_string(), f.as_str().parse().unwrap_or(f64::NAN)),
        _ => return Err(wrong_type(key, value)),
    };
    if !(s > 0.0 && s <= max) {
        return Err(Problem::new(
            format!(
                "{} = {shown} must be a positive number of seconds up to {max}",
                key.name
            ),
            format!("e.g. {}, or leave it out for no limit", key.example),
        ));
    }
    Ok(s)
}

/// A list of strings; one string where the list belongs gets its own help.
fn read_texts(key: &Key, value: &DeValue) -> Result<Vec<String>, Problem> {
    match value {
        DeValue::Array(items) => strings(key, items),
        // The common slip: one string where a list belongs. Its words are most likely the
        // items ("threads rayon", "echo hi").
        DeValue::String(s) => {
            let items: Vec<String> = s
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .map(|w| format!("{w:?}"))
                .collect();
            Err(Problem::new(
                format!("invalid type: {}", describe(value)),
                format!(
                    "{} is a list: write {} = [{}]",
                    key.name,
                    key.name,
                    items.join(", ")
                ),
            ))
        }
        _ => Err(wrong_type(key, value)),
    }
}

/// The items of a TOML array, each of which must be a string (an error sits at its index).
fn strings(key: &Key, items: &DeArray) -> Result<Vec<String>, Problem> {
    let mut v = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.get_ref() {
            DeValue::String(s) => v.push(s.to_string()),
            other => return Err(wrong_type(key, other).under(Seg::Index(i))),
        }
    }
    Ok(v)
}

/// The error for a word `key` does not take: "did you mean", then every word and its meaning.
fn unknown_word(key: &Key, w: &str, words: &[(&str, &str)]) -> Problem {
    let mean = did_you_mean(w, words.iter().map(|(w, _)| *w))
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    let choices = keys::one_of(words.iter().map(|(w, m)| format!("`{w}` ({m})")));
    Problem::new(
        format!("unknown {} `{w}`", key.name),
        format!("{mean}{} is {choices}", key.name),
    )
}

/// A table of environment variables, each value a string.
fn read_env(key: &Key, value: &DeValue) -> Result<Vec<(String, String)>, Problem> {
    let DeValue::Table(t) = value else {
        return Err(wrong_type(key, value));
    };
    let mut vars = Vec::new();
    for (name, v) in t.iter() {
        let name: &str = name.get_ref();
        match v.get_ref() {
            DeValue::String(s) => vars.push((name.to_string(), s.to_string())),
            other => {
                return Err(Problem::new(
                    format!("invalid type: {}", describe(other)),
                    format!("an environment variable's value is a string, e.g. {name} = \"1\""),
                )
                .under(Seg::key(name)))
            }
        }
    }
    Ok(vars)
}

/// An array of tables, each read with the keys of `of` (an error sits at its index).
fn read_tables(key: &Key, value: &DeValue, of: Place) -> Result<Vec<RawTable>, Problem> {
    let DeValue::Array(items) = value else {
        let p = wrong_type(key, value);
        // `model = "threads"` most likely meant the list of names, `models`.
        let plural = format!("{}s", key.name);
        if matches!(value, DeValue::String(_)) && keys::find(&plural, Place::Top).is_some() {
            return Err(Problem {
                help: format!("did you mean `{plural}`? otherwise {}", p.help),
                ..p
            });
        }
        return Err(p);
    };
    let mut tables = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            return Err(wrong_type(key, value).under(Seg::Index(i)));
        };
        tables.push(read_table(t, of).map_err(|p| p.under(Seg::Index(i)))?);
    }
    Ok(tables)
}

/// A TOML integer of any size, saturated to i128: callers only compare it with limits.
pub(super) fn integer(i: &DeInteger) -> i128 {
    i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(if i.as_str().starts_with('-') {
        i128::MIN
    } else {
        i128::MAX
    })
}

/// A kernel parameter's value as a plain [`toml::Value`]. Integers beyond i64 cannot be any
/// kernel's parameter, and cannot be passed on as one.
fn plain(value: &DeValue) -> Result<toml::Value, Problem> {
    Ok(match value {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::try_from(integer(i)) {
            Ok(n) => toml::Value::Integer(n),
            Err(_) => {
                return Err(Problem::new(
                    format!("{i} is too large for a parameter"),
                    format!(
                        "parameters are whole numbers from {} to {}",
                        i64::MIN,
                        i64::MAX
                    ),
                ))
            }
        },
        DeValue::Float(f) => toml::Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| plain(v.get_ref()).map_err(|p| p.under(Seg::Index(i))))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(k, v)| {
                    let k: &str = k.get_ref();
                    Ok((
                        k.to_string(),
                        plain(v.get_ref()).map_err(|p| p.under(Seg::key(k)))?,
                    ))
                })
                .collect::<Result<_, Problem>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<RawTable, Problem> {
        let doc = DeTable::parse(text).unwrap();
        read(doc.get_ref())
    }

    #[test]
    fn keys_land_in_their_fields_and_the_rest_are_parameters() {
        let raw = read_text(
            "repeats = 3\norder = \"random\"\n[[workload]]\nname = \"w\"\nkernel = \"primes\"\n\
             tasks = 4\nlimit = 100\nscaling = \"weak\"\n[[model]]\nname = \"m\"\ncommand = [\"x\"]\n",
        )
        .unwrap();
        assert_eq!(raw.matrix.repeats, Some(3));
        assert_eq!(raw.order, Some(Order::Random));
        let w = &raw.workloads[0];
        assert_eq!((w.tasks, w.kernel.as_deref()), (Some(4), Some("primes")));
        assert_eq!(w.matrix.scaling, Some(Scaling::Weak));
        assert_eq!(w.params.get("limit"), Some(&toml::Value::Integer(100)));
        assert_eq!(raw.commands[0].command, Some(vec!["x".to_string()]));
    }

    #[test]
    fn problems_carry_the_path_below_the_file() {
        let p = read_text("[[workload]]\nname = \"w\"\ntasks = \"eight\"\n").unwrap_err();
        assert_eq!(
            p.at,
            vec![Seg::key("workload"), Seg::Index(0), Seg::key("tasks")]
        );
        assert_eq!(p.message, "invalid type: string \"eight\"");
        assert_eq!(p.help, "expected a whole number, e.g. tasks = 8");

        let p = read_text("[[model]]\nname = \"m\"\nshel = true\n").unwrap_err();
        assert!(p.at_key);
        assert!(p.help.starts_with("did you mean `shell`?"), "{}", p.help);
    }

    #[test]
    fn numbers_beyond_i64_are_ranges_not_crashes() {
        let p = read_text("repeats = 99999999999999999999\n").unwrap_err();
        assert_eq!(p.message, "repeats = 99999999999999999999 is out of range");
        let p = read_text("[[workload]]\nlimit = 99999999999999999999\n").unwrap_err();
        assert!(p.message.contains("too large"), "{}", p.message);
    }
}
