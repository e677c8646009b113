//! Property tests of the scenario parser (library API, no processes): arbitrary text and
//! mutated valid scenarios (byte flips, deleted, duplicated and swapped lines, inserted keys
//! and values) must always come back as `Ok` or a located `Err`, never a panic.
//!
//! The seed is fixed so CI is reproducible; set PROPTEST_RNG_SEED to explore other inputs,
//! and PROPTEST_CASES for more cases. (With PROPTEST_RNG_SEED=3 PROPTEST_CASES=20000 the
//! mutation property finds the known `split_at(1)` panic pinned down in
//! [`a_multibyte_character_after_cores_does_not_panic`].)

use parabench::scenario::{self, Scenario, ScenarioError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::path::Path;
use std::sync::LazyLock;

const BASES: &[&str] = &[
    include_str!("../scenarios/valid/native_all_models.toml"),
    include_str!("../scenarios/valid/scripted.toml"),
    include_str!("../scenarios/valid/ranges.toml"),
    include_str!("../scenarios/valid/weak.toml"),
    include_str!("../scenarios/valid/command_args.toml"),
    include_str!("../scenarios/invalid/unknown_placeholder.toml"),
    include_str!("../scenarios/invalid/range_from_gt_to.toml"),
    include_str!("../../scenarios/demo.toml"),
];

/// Keys to insert: [`EXTRA_KEYS`] (parameters, sub-keys, table headers, odd keys), then every
/// other key of the format's key table, so a new key is fuzzed as soon as it exists.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys: Vec<&str> = EXTRA_KEYS.to_vec();
    for k in scenario::keys::KEYS {
        if !keys.contains(&k.name) {
            keys.push(k.name);
        }
    }
    keys
});

const EXTRA_KEYS: &[&str] = &[
    "name",
    "description",
    "repeats",
    "warmup",
    "workers",
    "models",
    "baseline",
    "scaling",
    "timeout_s",
    "kernel",
    "tasks",
    "limit",
    "ms",
    "iters",
    "bytes",
    "label",
    "command",
    "shell",
    "from",
    "to",
    "step",
    "factor",
    "[[workload]]",
    "[[model]]",
    "[workload]",
    "workload",
    "model",
    "\"quoted key\"",
    "a.b",
];

/// Values chosen to hit edges: limits, wrong types, bad expressions, bad templates. (Huge
/// multipliers inside core expressions are left to tests/it/worker_limits.rs, where known
/// overflow bugs are documented.)
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "256",
    "257",
    "4096",
    "4097",
    "100000",
    "100001",
    "100000001",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "1e300",
    "true",
    "\"\"",
    "\"cores\"",
    "\"2*cores\"",
    "\"cores/2\"",
    "\"cores/0\"",
    "\"cores-1\"",
    "\"cores+3\"",
    "\"0*cores\"",
    "\"*cores\"",
    "\"weak\"",
    "\"strong\"",
    "\"sequential\"",
    "\"processes\"",
    "\"noop\"",
    "\"primes\"",
    "\"../x\"",
    "\".hidden\"",
    "\"ünïcödé ✓\"",
    "\"{workers}\"",
    "\"{nope}\"",
    "\"{\"",
    "\"}\"",
    "[]",
    "[1, 2]",
    "[0]",
    "[\"cores\", 1, \"cores\"]",
    "[\"sh\", \"-c\", \"echo {tasks}\"]",
    "[\"threads\", \"threads\"]",
    "[[1]]",
    "{}",
    "{ from = 1, to = 4 }",
    "{ from = 4, to = 1 }",
    "{ from = 1, to = \"cores\", step = 0 }",
    "{ from = 1, to = 64, factor = 2 }",
    "{ from = 1, to = 8, step = 1, factor = 2 }",
    "{ to = 4 }",
    "1979-05-27T07:32:00Z",
];

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte {
        at: usize,
        byte: u8,
    },
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Insert {
        line: usize,
        key: usize,
        value: usize,
    },
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::FlipByte { at, byte }),
        2 => any::<usize>().prop_map(Mutation::DeleteLine),
        2 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (any::<usize>(), 0..KEYS.len(), 0..VALUES.len())
            .prop_map(|(line, key, value)| Mutation::Insert { line, key, value }),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let pick = |i: usize, n: usize| if n == 0 { 0 } else { i % n };
    match *m {
        Mutation::FlipByte { at, byte } => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = pick(at, bytes.len());
                bytes[i] = byte;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                let i = pick(i, lines.len());
                lines.remove(i);
            }
        }
        Mutation::DuplicateLine(i) => {
            if !lines.is_empty() {
                let i = pick(i, lines.len());
                let l = lines[i].clone();
                lines.insert(i, l);
            }
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                let (a, b) = (pick(a, lines.len()), pick(b, lines.len()));
                lines.swap(a, b);
            }
        }
        Mutation::Insert { line, key, value } => {
            let i = pick(line, lines.len() + 1);
            let k = KEYS[key];
            let new = if k.starts_with('[') {
                k.to_string()
            } else {
                format!("{k} = {}", VALUES[value])
            };
            lines.insert(i, new);
        }
        Mutation::Truncate(at) => {
            let cut = pick(at, text.len() + 1);
            let mut end = cut;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            return text[..end].to_string();
        }
    }
    lines.join("\n")
}

/// Parses as a scenario file would be, on a 2-core machine.
fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    scenario::parse(
        Path::new("fuzz.toml"),
        text,
        "fuzz",
        Path::new("."),
        &scenario::LoadOptions {
            cores: 2,
            force: false,
            variants: Vec::new(),
        },
    )
}

/// What must hold of any answer: a scenario is fully resolved; an error is located sensibly.
fn check(text: &str, result: Result<Scenario, ScenarioError>) -> Result<(), TestCaseError> {
    match result {
        Ok(s) => {
            prop_assert!(!s.workloads.is_empty());
            for w in &s.workloads {
                prop_assert!(!w.models.is_empty());
                prop_assert!(!w.workers.is_empty());
                prop_assert!(w.workers.windows(2).all(|p| p[0] < p[1]), "{:?}", w.workers);
                prop_assert!(w.workers.iter().all(|&n| (1..=100_000).contains(&n)));
                prop_assert!(w.tasks >= 1 && w.repeats >= 1);
                prop_assert!(!w.name.contains('/'));
            }
            prop_assert!(!s.name.contains('/'));
        }
        Err(e) => {
            let shown = e.to_string();
            prop_assert!(shown.starts_with("fuzz.toml"), "{}", shown);
            prop_assert!(!e.message.is_empty());
            let lines = text.split('\n').count();
            prop_assert!(
                e.line <= lines + 1,
                "line {} of {}: {}",
                e.line,
                lines,
                shown
            );
            prop_assert!((e.line == 0) == (e.col == 0), "{}", shown);
        }
    }
    Ok(())
}

fn config() -> Config {
    let mut c = Config::with_cases(256);
    c.failure_persistence = None;
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x9a2a_be9c);
    }
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        c.cases = n;
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let r = parse(&text);
        check(&text, r)?;
    }

    #[test]
    fn toml_like_text_never_panics(
        text in "([a-z_]{1,8} = (\"[a-z*/+ {}0-9]{0,8}\"|-?[0-9]{1,4}|\\[[0-9, \"a-z]{0,12}\\]|\\{[a-z =0-9,\"]{0,20}\\}|true)\n|\\[\\[(workload|model)\\]\\]\n){0,12}"
    ) {
        let r = parse(&text);
        check(&text, r)?;
    }

    #[test]
    fn mutated_scenarios_never_panic(
        base in 0..BASES.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut text = BASES[base].to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        let r = parse(&text);
        check(&text, r)?;
    }
}

#[test]
fn the_unmutated_bases_parse_or_fail_cleanly() {
    for (i, text) in BASES.iter().enumerate() {
        let r = parse(text);
        check(text, r).unwrap_or_else(|e| panic!("base {i}: {e}"));
    }
    // The native fixtures parse from anywhere (no relative programs).
    assert!(parse(BASES[0]).is_ok());
    assert!(parse(BASES[1]).is_ok());
    assert!(parse(BASES[7]).is_ok(), "the demo parses");
}

#[test]
fn a_multibyte_character_after_cores_does_not_panic() {
    for expr in [
        "cores\u{fffd}1",
        "cores\u{2013}1",
        "cores\u{d7}2",
        "2*cores\u{f7}2",
    ] {
        let text = format!(
            "workers = [\"{expr}\"]\n\n[[workload]]\nname = \"n\"\nkernel = \"noop\"\ntasks = 2\n"
        );
        let r = std::panic::catch_unwind(|| parse(&text).map(|_| ()));
        match r {
            Ok(Err(e)) => assert!(e.message.contains("invalid worker expression"), "{e}"),
            Ok(Ok(())) => panic!("{expr:?} was accepted"),
            Err(_) => panic!("parse panicked on {expr:?}"),
        }
    }
}
