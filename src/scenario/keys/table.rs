//! The entries of [`KEYS`], one per key of the scenario format (the types they are made of,
//! and the lookups over them, are in the parent module).

use super::{
    Absent, At, Key, Kind, Place, MAX_OUTPUT_LIMIT_MB, MAX_REPEATS, MAX_ROUNDS, MAX_TASKS,
    MAX_TIMEOUT_S, MAX_WARMUP, WORK_KEYS,
};
use crate::scenario::charts::{self, Charts};
use crate::scenario::order::Order;
use crate::scenario::scaling::Scaling;

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
        doc: "Which chart files to write: `all`, `none`, or chart kinds (e.g. speedup, time, \
              host; an unknown word lists them all) and formats (png, svg), one word or a \
              list; `parabench plot` draws the rest later from the CSV files.",
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
