//! The one table of scenario keys. Every key a scenario file may hold is one entry of [`KEYS`]:
//! its name, where it may stand, what it means, what leaving it out means, a valid example, and
//! its [`Kind`] — how its value is read and checked, which also decides its JSON Schema.
//!
//! Three readers share the table: the file reader (`file.rs`: unknown keys and their "did you
//! mean", wrong types, out-of-range numbers), the validator (the workload keys that are not
//! kernel parameters, the defaults) and `parabench schema` (every property, its type, range,
//! description and whether it is required). Adding a key is one entry here plus a field in
//! [`RawTable`] for its value; the schema follows by itself, because every [`Kind`] has one.

use super::charts::{self, Charts, Mistake};
use super::file::RawTable;
use super::order::Order;
use super::scaling::Scaling;
use super::workers::{self, WorkersSpec};

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

/// Every key, in the order "did you mean" lists them: scenario keys, workload keys, the
/// matrix keys both share, then `[[model]]` keys.
pub static KEYS: &[Key] = &[
    // The scenario.
    Key {
        name: "name",
        at: At::Top,
        doc: "Scenario name; output goes to <out>/<name>/.",
        absent: Absent::Means("the file stem"),
        example: "name = \"my-bench\"",
        kind: Kind::Text {
            set: |t, v| t.name = Some(v),
        },
    },
    Key {
        name: "description",
        at: At::Top,
        doc: "One line shown in the report.",
        absent: Absent::Means("empty"),
        example: "description = \"Threads against processes on CPU-bound work\"",
        kind: Kind::Text {
            set: |t, v| t.description = Some(v),
        },
    },
    Key {
        name: "python",
        at: At::Top,
        doc: "Interpreter for the built-in py-* models ($PARABENCH_PYTHON wins).",
        absent: Absent::Means("python3"),
        example: "python = \"python3.13\"",
        kind: Kind::Text {
            set: |t, v| t.python = Some(v),
        },
    },
    Key {
        name: "order",
        at: At::Top,
        doc: "Run order: `rounds` (each cell's repeats split over `rounds` rounds, every \
              round visiting the cells in a shuffled order, so a slow spell of the host lands \
              on slices of many cells), `cells` (cell after cell, fastest), `interleaved` (one \
              run of every cell per round) or `random` (shuffled, seeded by the file).",
        absent: Absent::Means("rounds"),
        example: "order = \"interleaved\"",
        kind: Kind::Word {
            words: Order::CHOICES,
            set: |t, w| {
                t.order = w.parse().ok();
                t.order.is_some()
            },
        },
    },
    Key {
        name: "output_limit_mb",
        at: At::Top,
        doc: "The largest file a command model (py-* included) may write, in MiB: its stdout \
              and stderr, which wait in the temp folder until it exits, and any file of its \
              own; a run that reaches it fails. 0 for no limit ($PARABENCH_OUTPUT_LIMIT_MB wins).",
        absent: Absent::Means("1024"),
        example: "output_limit_mb = 4096",
        kind: Kind::Whole {
            min: 0,
            max: MAX_OUTPUT_LIMIT_MB,
            unit: "MiB (0: no limit)",
            set: |t, v| t.output_limit_mb = Some(v),
        },
    },
    Key {
        name: "charts",
        at: At::Top,
        doc: "Which chart files to write: `all`, `none`, or chart kinds (speedup, time, \
              efficiency, memory, cpu, timeline) and formats (png, svg), one word or a list; \
              `parabench plot` draws the rest later from the CSV files.",
        absent: Absent::Means("all"),
        example: "charts = [\"speedup\", \"svg\"]",
        kind: Kind::Words {
            words: charts::words,
            set: |t, w| {
                t.charts = Some(Charts::parse(w)?);
                Ok(())
            },
        },
    },
    Key {
        name: "rounds",
        at: At::Top,
        doc: "With `order = \"rounds\"`: how many rounds each cell's repeats are split over \
              (at most its repeats); each (cell, round) runs in a fresh process with its own \
              warmup, and odd and even rounds are checked against each other.",
        absent: Absent::Means("4"),
        example: "rounds = 4",
        kind: Kind::Whole {
            min: 1,
            max: MAX_ROUNDS,
            unit: "rounds",
            set: |t, v| t.rounds = Some(v as u32),
        },
    },
    Key {
        name: "remeasure",
        at: At::Top,
        doc: "Measure again, each in a fresh process at the end of the session, up to this \
              many runs of more than one worker that the host probes saw on a slowed host; \
              the first measurements stay in runs.csv with status `slowed`, outside the \
              statistics. 0: never.",
        absent: Absent::Means("0"),
        example: "remeasure = 20",
        kind: Kind::Whole {
            min: 0,
            max: MAX_REPEATS,
            unit: "runs",
            set: |t, v| t.remeasure = Some(v as u32),
        },
    },
    Key {
        name: "workload",
        at: At::Top,
        doc: "The workloads: [[workload]] tables.",
        absent: Absent::Required,
        example: "[[workload]]",
        kind: Kind::Tables {
            of: Place::Workload,
            set: |t, v| t.workloads = v,
        },
    },
    Key {
        name: "model",
        at: At::Top,
        doc: "External command models: [[model]] tables.",
        absent: Absent::Means("none"),
        example: "[[model]]",
        kind: Kind::Tables {
            of: Place::Model,
            set: |t, v| t.commands = v,
        },
    },
    Key {
        name: "variant",
        at: At::Top,
        doc: "Versions of the code under test, measured side by side and paired: [[variant]] \
              tables (the first is the base).",
        absent: Absent::Means("none"),
        example: "[[variant]]",
        kind: Kind::Tables {
            of: Place::Variant,
            set: |t, v| t.variants = v,
        },
    },
    // One workload.
    Key {
        name: "name",
        at: At::Workload,
        doc: "Workload name; names the chart files.",
        absent: Absent::Required,
        example: "name = \"primes\"",
        kind: Kind::Text {
            set: |t, v| t.name = Some(v),
        },
    },
    Key {
        name: "kernel",
        at: At::Workload,
        doc: "What one task does: a built-in kernel ({kernels}) or, with command models only, \
              any name passed to them.",
        absent: Absent::OneOf(WORK_KEYS),
        example: "kernel = \"primes\"",
        kind: Kind::Text {
            set: |t, v| t.kernel = Some(v),
        },
    },
    Key {
        name: "function",
        at: At::Workload,
        doc: "Your own Python function as what one task does, run by the py-* models: \
              `file.py:name` (relative to the scenario's folder) or `package.module:name`, \
              called as name(index, **params) with the workload's other keys; the int it \
              returns is the task's checksum.",
        absent: Absent::OneOf(WORK_KEYS),
        example: "function = \"work.py:digest\"",
        kind: Kind::Text {
            set: |t, v| t.function = Some(v),
        },
    },
    Key {
        name: "library",
        at: At::Workload,
        doc: "Your own native code as what one task does, run by the native models: a shared \
              library (relative to the scenario's folder) whose function `symbol` each task \
              calls.",
        absent: Absent::OneOf(WORK_KEYS),
        example: "library = \"target/release/libwork.so\"",
        kind: Kind::Text {
            set: |t, v| t.library = Some(v),
        },
    },
    Key {
        name: "symbol",
        at: At::Workload,
        doc: "The library's function each task calls: uint64_t symbol(uint64_t index, const \
              char *params), params being the workload's other keys as sorted `key=value` \
              lines; optional hooks `<symbol>_init` and `<symbol>_fini`.",
        absent: Absent::With("library"),
        example: "symbol = \"work\"",
        kind: Kind::Text {
            set: |t, v| t.symbol = Some(v),
        },
    },
    Key {
        name: "tasks",
        at: At::Workload,
        doc: "Tasks per run (strong scaling) or per worker (weak scaling).",
        absent: Absent::Required,
        example: "tasks = 8",
        kind: Kind::Whole {
            min: 1,
            max: MAX_TASKS,
            unit: "tasks",
            set: |t, v| t.tasks = Some(v),
        },
    },
    Key {
        name: "description",
        at: At::Workload,
        doc: "One line shown in the report.",
        absent: Absent::Means("empty"),
        example: "description = \"Counts primes: CPU-bound\"",
        kind: Kind::Text {
            set: |t, v| t.description = Some(v),
        },
    },
    // The matrix: defaults at the top level, overrides per workload.
    Key {
        name: "repeats",
        at: At::Both,
        doc: "Measured runs per cell.",
        absent: Absent::Means("5"),
        example: "repeats = 5",
        kind: Kind::Whole {
            min: 1,
            max: MAX_REPEATS,
            unit: "measured runs per cell",
            // MAX_REPEATS fits in u32.
            set: |t, v| t.matrix.repeats = Some(v as u32),
        },
    },
    Key {
        name: "warmup",
        at: At::Both,
        doc: "Unmeasured runs per cell before the measured ones.",
        absent: Absent::Means("1"),
        example: "warmup = 1",
        kind: Kind::Whole {
            min: 0,
            max: MAX_WARMUP,
            unit: "warmup runs",
            // MAX_WARMUP fits in u32.
            set: |t, v| t.matrix.warmup = Some(v as u32),
        },
    },
    Key {
        name: "workers",
        at: At::Both,
        doc: "Worker counts: a list of counts and core expressions, or a range {from, to, \
              step | factor}.",
        absent: Absent::Means("[1, 2, \"cores\"]"),
        example: "workers = [1, 2, \"cores\"]",
        kind: Kind::Workers {
            set: |t, v| t.matrix.workers = Some(v),
        },
    },
    Key {
        name: "models",
        at: At::Both,
        doc: "Models to run: built in ({models}), the py-* CPython models, or the name of a \
              [[model]] table.",
        absent: Absent::Means("all built-in models"),
        example: "models = [\"sequential\", \"threads\"]",
        kind: Kind::Texts {
            of: "model names",
            set: |t, v| t.matrix.models = Some(v),
        },
    },
    Key {
        name: "baseline",
        at: At::Both,
        doc: "Speedup reference model (at its fewest workers).",
        absent: Absent::Means("each model against itself"),
        example: "baseline = \"sequential\"",
        kind: Kind::Text {
            set: |t, v| t.matrix.baseline = Some(v),
        },
    },
    Key {
        name: "scaling",
        at: At::Both,
        doc: "`strong`: tasks is the total per run; `weak`: tasks is per worker.",
        absent: Absent::Means("strong"),
        example: "scaling = \"weak\"",
        kind: Kind::Word {
            words: Scaling::CHOICES,
            set: |t, w| {
                t.matrix.scaling = w.parse().ok();
                t.matrix.scaling.is_some()
            },
        },
    },
    Key {
        name: "timeout_s",
        at: At::Both,
        doc: "Per-run limit in seconds; a run over it is killed and recorded as `timeout`.",
        absent: Absent::Means("no limit"),
        example: "timeout_s = 120",
        kind: Kind::Seconds {
            max: MAX_TIMEOUT_S,
            set: |t, v| t.matrix.timeout_s = Some(v),
        },
    },
    // One [[model]]: an external command.
    Key {
        name: "name",
        at: At::Model,
        doc: "The model's name, as used in `models` lists.",
        absent: Absent::Required,
        example: "name = \"my-tool\"",
        kind: Kind::Text {
            set: |t, v| t.name = Some(v),
        },
    },
    Key {
        name: "command",
        at: At::Model,
        doc: "argv template; placeholders like `{workers}` are replaced per run.",
        absent: Absent::Required,
        example: "command = [\"./my-tool\", \"--threads\", \"{workers}\"]",
        kind: Kind::Texts {
            of: "strings: the program and its arguments",
            set: |t, v| t.command = Some(v),
        },
    },
    Key {
        name: "shell",
        at: At::Model,
        doc: "Run through `sh -c` (the argv joined with spaces) instead of directly.",
        absent: Absent::Means("false"),
        example: "shell = true",
        kind: Kind::Bool {
            set: |t, v| t.shell = Some(v),
        },
    },
    Key {
        name: "description",
        at: At::Model,
        doc: "One line on what the model is, shown in the report.",
        absent: Absent::Means("external command: <the command>"),
        example: "description = \"my tool, one thread per worker\"",
        kind: Kind::Text {
            set: |t, v| t.description = Some(v),
        },
    },
    // One [[variant]]: what it changes about the code under test.
    Key {
        name: "name",
        at: At::Variant,
        doc: "The variant's name: the `variant` column, and `{variant}` in [[model]] commands.",
        absent: Absent::Required,
        example: "name = \"base\"",
        kind: Kind::Text {
            set: |t, v| t.name = Some(v),
        },
    },
    Key {
        name: "library",
        at: At::Variant,
        doc: "The shared library of every library workload (relative to the scenario's folder).",
        absent: Absent::Means("the workload's own"),
        example: "library = \"pr/libwork.so\"",
        kind: Kind::Text {
            set: |t, v| t.library = Some(v),
        },
    },
    Key {
        name: "symbol",
        at: At::Variant,
        doc: "The function in the library of every library workload.",
        absent: Absent::Means("the workload's own"),
        example: "symbol = \"work_v2\"",
        kind: Kind::Text {
            set: |t, v| t.symbol = Some(v),
        },
    },
    Key {
        name: "function",
        at: At::Variant,
        doc: "The Python function of every function workload (`file.py:name` or `module:name`).",
        absent: Absent::Means("the workload's own"),
        example: "function = \"work_v2.py:digest\"",
        kind: Kind::Text {
            set: |t, v| t.function = Some(v),
        },
    },
    Key {
        name: "python",
        at: At::Variant,
        doc: "The interpreter of the py-* models under this variant (wins over \
              $PARABENCH_PYTHON).",
        absent: Absent::Means("the scenario's"),
        example: "python = \"python3.13\"",
        kind: Kind::Text {
            set: |t, v| t.python = Some(v),
        },
    },
    Key {
        name: "env",
        at: At::Variant,
        doc: "Environment variables for the run's processes under this variant (e.g. \
              LD_PRELOAD of an allocator).",
        absent: Absent::Means("none"),
        example: "env = { OMP_NUM_THREADS = \"1\" }",
        kind: Kind::Env {
            set: |t, v| t.env = Some(v),
        },
    },
    Key {
        name: "workloads",
        at: At::Variant,
        doc: "The workloads the overrides apply to.",
        absent: Absent::Means("every workload that has the overridden key"),
        example: "workloads = [\"digest\"]",
        kind: Kind::Texts {
            of: "workload names",
            set: |t, v| t.only_workloads = Some(v),
        },
    },
];

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
mod tests {
    use super::*;

    const PLACES: [Place; 4] = [Place::Top, Place::Workload, Place::Model, Place::Variant];

    #[test]
    fn a_name_means_one_key_in_each_place() {
        for place in PLACES {
            let mut names = names(place);
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "a key is listed twice in {place:?}");
        }
    }

    #[test]
    fn every_example_is_a_valid_value_of_its_key() {
        for key in KEYS {
            if let Kind::Tables { .. } = key.kind {
                assert_eq!(key.example, format!("[[{}]]", key.name));
                continue;
            }
            let place = PLACES.into_iter().find(|p| key.allowed(*p)).unwrap();
            let doc = toml::de::DeTable::parse(key.example)
                .unwrap_or_else(|e| panic!("{}: {e}", key.example));
            assert!(
                doc.get_ref().get(key.name).is_some(),
                "the example of `{}` sets another key: {}",
                key.name,
                key.example
            );
            let read = super::super::file::read_table(doc.get_ref(), place);
            assert!(read.is_ok(), "{}: {:?}", key.example, read.err());
        }
    }

    #[test]
    fn every_word_parses() {
        for key in KEYS {
            if let Kind::Word { words, set } = key.kind {
                for (w, meaning) in words {
                    assert!(set(&mut RawTable::default(), w), "`{}` = {w}", key.name);
                    assert!(!meaning.is_empty());
                }
                assert!(!set(&mut RawTable::default(), "no-such-word"));
            }
        }
    }

    #[test]
    fn documented_defaults_are_the_ones_used() {
        let means = |name: &str| match find(name, Place::Workload).map(|k| k.absent) {
            Some(Absent::Means(m)) => m,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(means("repeats"), DEFAULT_REPEATS.to_string());
        assert_eq!(means("warmup"), DEFAULT_WARMUP.to_string());
        assert_eq!(means("workers"), WorkersSpec::default_counts().written());
        assert_eq!(means("scaling"), Scaling::default().as_str());
        let order = match find("order", Place::Top).map(|k| k.absent) {
            Some(Absent::Means(m)) => m,
            other => panic!("order: {other:?}"),
        };
        assert_eq!(order, Order::default().as_str());
        match find("output_limit_mb", Place::Top).map(|k| k.absent) {
            Some(Absent::Means(m)) => assert_eq!(
                m,
                crate::model::command::DEFAULT_OUTPUT_LIMIT_MB.to_string()
            ),
            other => panic!("output_limit_mb: {other:?}"),
        }
        let rounds = match find("rounds", Place::Top).map(|k| k.absent) {
            Some(Absent::Means(m)) => m,
            other => panic!("rounds: {other:?}"),
        };
        assert_eq!(rounds, super::super::DEFAULT_ROUNDS.to_string());
    }

    #[test]
    fn ranges_are_not_empty() {
        for key in KEYS {
            if let Kind::Whole { min, max, .. } = key.kind {
                assert!(min <= max, "{}", key.name);
            }
        }
    }

    #[test]
    fn wrong_types_get_an_example() {
        let tasks = find("tasks", Place::Workload).unwrap();
        assert_eq!(tasks.type_help(), "expected a whole number, e.g. tasks = 8");
        let order = find("order", Place::Top).unwrap();
        assert_eq!(
            order.type_help(),
            "expected \"rounds\", \"cells\", \"interleaved\" or \"random\", e.g. order = \"interleaved\""
        );
    }
}
