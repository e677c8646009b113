//! The chart kinds' names, in report order, with what each shows: the one list the `charts`
//! key (`scenario::charts`) accepts and the report's chart registry (`CHARTS`, in the report)
//! is checked against. A leaf, so both layers can read it: the scenario layer may not import
//! the report.

/// The chart kinds, in report order, with what each shows.
pub const KINDS: &[(&str, &str)] = &[
    ("speedup", "speedup vs workers"),
    ("time", "time per run vs workers"),
    ("efficiency", "parallel efficiency vs workers"),
    ("memory", "peak RSS vs workers"),
    ("cpu", "CPU utilisation vs workers"),
    ("host", "the host's speed during each run"),
    ("timeline", "which worker ran which task when"),
    (
        "variants",
        "each variant's time over the base's, paired, with CIs",
    ),
];
