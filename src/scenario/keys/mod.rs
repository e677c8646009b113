//! The one table of scenario keys. Every key a scenario file may hold is one entry of [`KEYS`]:
//! its name, where it may stand, what it means, what leaving it out means, a valid example, and
//! its [`Kind`] — how its value is read and checked, which also decides its JSON Schema.
//!
//! Three readers share the table: the file reader (`file.rs`: unknown keys and their "did you
//! mean", wrong types, out-of-range numbers), the validator (the workload keys that are not
//! kernel parameters, the defaults) and `parabench schema` (every property, its type, range,
//! description and whether it is required). Adding a key is one entry here plus a field in
//! [`RawTable`] for its value; the schema follows by itself, because every [`Kind`] has one.

use super::charts::Mistake;
use super::file::RawTable;
use super::workers::{self, WorkersSpec};

mod table;
pub use table::KEYS;

pub const MAX_REPEATS: u64 = 100_000;
pub const MAX_WARMUP: u64 = 10_000;
/// More rounds than this only multiply process starts and warmups.
pub const MAX_ROUNDS: u64 = 1_000;
pub const MAX_TASKS: u64 = 100_000_000;
/// A week: longer limits are typos (and would overflow timers).
pub const MAX_TIMEOUT_S: f64 = 604_800.0;
/// A TiB: the largest output limit that is not "no limit" (0).
pub const MAX_OUTPUT_LIMIT_MB: u64 = 1 << 20;
/// What `repeats` and `warmup` mean when left out (the table says the same in words; a test
/// keeps them equal).
pub const DEFAULT_REPEATS: u32 = 5;
pub const DEFAULT_WARMUP: u32 = 1;

// `repeats` and `warmup` are stored as u32: their limits must fit, or the casts in their
// setters would wrap.
const _: () = assert!(MAX_REPEATS <= u32::MAX as u64);
const _: () = assert!(MAX_WARMUP <= u32::MAX as u64);
const _: () = assert!(MAX_ROUNDS <= u32::MAX as u64);

/// A table of a scenario file: the top level, one `[[workload]]`, one `[[model]]` or one
/// `[[variant]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Top,
    Workload,
    Model,
    Variant,
}

impl Place {
    /// How "did you mean" help introduces this table's keys.
    pub fn keys_are(self) -> &'static str {
        match self {
            Place::Top => "top-level keys are",
            Place::Workload => "workload keys are",
            Place::Model => "[[model]] keys are",
            Place::Variant => "[[variant]] keys are",
        }
    }
}

/// Where a key may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Top,
    Workload,
    /// At the top level, as the default for every workload, and in each `[[workload]]` for
    /// that one alone (a "matrix" key).
    Both,
    Model,
    Variant,
}

/// The keys that say what a workload runs: exactly one of them stands in each `[[workload]]`.
pub const WORK_KEYS: &[&str] = &["kernel", "function", "library"];

/// What leaving a key out means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    Required,
    /// Exactly one key of this group stands (what a workload runs: [`WORK_KEYS`]).
    OneOf(&'static [&'static str]),
    /// Required when the named key stands, and only then (`symbol` with `library`).
    With(&'static str),
    /// The default, in words (e.g. `5`, `the file stem`).
    Means(&'static str),
}

/// What a key's value is. Each kind knows how to read a value (and refuse a wrong one) and has
/// a JSON Schema (`schema.rs` matches on every kind, with no fallback arm), and stores what it
/// read through `set`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A whole number from `min` to `max`; `unit` ends the range help ("use 1 to 100000
    /// measured runs per cell").
    Whole {
        min: u64,
        max: u64,
        unit: &'static str,
        set: fn(&mut RawTable, u64),
    },
    /// A number of seconds, above 0 and at most `max` (integer or float).
    Seconds {
        max: f64,
        set: fn(&mut RawTable, f64),
    },
    Text {
        set: fn(&mut RawTable, String),
    },
    Bool {
        set: fn(&mut RawTable, bool),
    },
    /// A non-empty list of strings; `of` names them for help ("model names").
    Texts {
        of: &'static str,
        set: fn(&mut RawTable, Vec<String>),
    },
    /// One word out of `words` (each with what it means); `set` stores it and says whether it
    /// parsed (a test checks every word does).
    Word {
        words: &'static [(&'static str, &'static str)],
        set: fn(&mut RawTable, &str) -> bool,
    },
    /// One word or a list of words, each from `words` (with what it means); `set` stores the
    /// list and says what is wrong with how its words combine.
    Words {
        words: fn() -> Vec<(&'static str, &'static str)>,
        set: fn(&mut RawTable, &[String]) -> Result<(), Mistake>,
    },
    /// Worker counts (`workers.rs`).
    Workers {
        set: fn(&mut RawTable, WorkersSpec),
    },
    /// A table of environment variables: names to string values (`env = { OMP_NUM_THREADS =
    /// "1" }`).
    Env {
        set: fn(&mut RawTable, Vec<(String, String)>),
    },
    /// An array of tables (`[[workload]]`), each read with the keys of `of`.
    Tables {
        of: Place,
        set: fn(&mut RawTable, Vec<RawTable>),
    },
}

/// One key of the scenario format.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub at: At,
    /// One or two sentences for the schema (editor hover); `{kernels}` and `{models}` stand
    /// for the built-in names.
    pub doc: &'static str,
    pub absent: Absent,
    /// A valid line, shown after "e.g." when a value has the wrong type.
    pub example: &'static str,
    pub kind: Kind,
}

impl Key {
    /// Whether the key may stand in `place`.
    pub fn allowed(&self, place: Place) -> bool {
        matches!(
            (self.at, place),
            (At::Top | At::Both, Place::Top)
                | (At::Workload | At::Both, Place::Workload)
                | (At::Model, Place::Model)
                | (At::Variant, Place::Variant)
        )
    }

    /// The documentation with the built-in names filled in, and what leaving the key out means.
    pub fn doc(&self) -> String {
        let doc = self
            .doc
            .replace("{kernels}", &crate::kernel::names().join(", "))
            .replace("{models}", &crate::model::names().join(", "));
        match self.absent {
            Absent::Required => format!("{doc} Required."),
            Absent::OneOf(group) => format!(
                "{doc} A workload has exactly one of {}.",
                one_of(group.iter().map(|k| format!("`{k}`")))
            ),
            Absent::With(other) => format!("{doc} Required with `{other}`, and only with it."),
            Absent::Means(d) => format!("{doc} Default: {d}."),
        }
    }

    /// What a valid value looks like, in words: "a whole number".
    pub fn expects(&self) -> String {
        match self.kind {
            Kind::Whole { .. } => "a whole number".into(),
            Kind::Seconds { .. } => "a number of seconds".into(),
            Kind::Text { .. } => "a string in double quotes".into(),
            Kind::Bool { .. } => "true or false".into(),
            Kind::Texts { of, .. } => format!("a list of {of}"),
            Kind::Word { words, .. } => one_of(words.iter().map(|(w, _)| format!("\"{w}\""))),
            Kind::Words { .. } => "a word or a list of words".into(),
            Kind::Workers { .. } => workers::EXPECTS.into(),
            Kind::Env { .. } => "a table of names and strings".into(),
            Kind::Tables { .. } => format!("[[{}]] tables", self.name),
        }
    }

    /// The help for a value of the wrong type: what a valid one looks like, and one.
    pub fn type_help(&self) -> String {
        match self.kind {
            Kind::Tables { .. } => format!(
                "write {} with double brackets, each one followed by its own keys: a scenario \
                 holds a list of them",
                self.example
            ),
            _ => format!("expected {}, e.g. {}", self.expects(), self.example),
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
pub fn one_of(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The key `name` in `place`, if the format has one.
pub fn find(name: &str, place: Place) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name && k.allowed(place))
}

/// The keys of `place`, in table order.
pub fn in_place(place: Place) -> impl Iterator<Item = &'static Key> {
    KEYS.iter().filter(move |k| k.allowed(place))
}

/// When `name` is not a key of `place` but of another table, where it belongs: the fix for
/// the classic TOML slip of a key written below the wrong header.
pub fn belongs_elsewhere(name: &str, place: Place) -> Option<String> {
    let key = KEYS.iter().find(|k| k.name == name && !k.allowed(place))?;
    Some(match key.at {
        At::Top => format!(
            "`{name}` is a top-level key: move it above the first [[...]] header (a key belongs \
             to the table whose header comes before it)"
        ),
        At::Workload => format!("`{name}` is a workload key: put it under a [[workload]] header"),
        At::Both => format!(
            "`{name}` goes at the top level (above the first [[...]] header) or under a \
             [[workload]] header"
        ),
        At::Model => format!("`{name}` is a [[model]] key: put it under a [[model]] header"),
        At::Variant => format!("`{name}` is a [[variant]] key: put it under a [[variant]] header"),
    })
}

/// The names of `place`'s keys, for "did you mean" and "keys are ...".
pub fn names(place: Place) -> Vec<&'static str> {
    in_place(place).map(|k| k.name).collect()
}

#[cfg(test)]
mod tests;
