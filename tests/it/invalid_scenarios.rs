//! Every file in tests/scenarios/invalid/ is one kind of mistake. For each, `validate` and `run`
//! exit 2 with the file, line, column and key path of the mistake and a helpful message, and
//! `run` creates nothing. Adding a fixture is one line in [`CASES`].

use crate::common;

use crate::common::{invalid, run, tempdir, Ran};

/// The binary, with no interpreter or limit from the developer's environment: the fixtures'
/// own `python` keys are what their errors are about.
fn parabench() -> assert_cmd::Command {
    let mut cmd = common::parabench();
    cmd.env_remove("PARABENCH_PYTHON")
        .env_remove("PARABENCH_OUTPUT_LIMIT_MB");
    cmd
}
use std::collections::BTreeSet;

/// One invalid fixture and what its error must say.
struct Case {
    file: &'static str,
    /// 1-based line and column of the mistake; `None` for errors about the whole file.
    at: Option<(usize, usize)>,
    /// Key path shown in backticks; `None` for syntax and whole-file errors.
    key: Option<&'static str>,
    /// Fragments the message must contain (message and help).
    says: &'static [&'static str],
}

const fn case(
    file: &'static str,
    at: Option<(usize, usize)>,
    key: Option<&'static str>,
    says: &'static [&'static str],
) -> Case {
    Case {
        file,
        at,
        key,
        says,
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    case("syntax_error.toml", Some((3, 11)), None, &["invalid TOML", "quoted"]),
    case("unknown_top_key.toml", Some((3, 1)), Some("repeat"), &["unknown key `repeat`", "did you mean `repeats`?"]),
    case("unknown_param.toml", Some((6, 1)), Some("workload[0].limt"), &["unknown key `limt` for kernel `primes`", "did you mean `limit`?"]),
    case("wrong_type.toml", Some((5, 9)), Some("workload[0].tasks"), &["invalid type", "\"many\"", "expected a whole number"]),
    case("missing_kernel.toml", Some((7, 1)), Some("workload[1]"), &["workload `no-kernel` has no `kernel`", "primes"]),
    case("missing_tasks.toml", Some((2, 1)), Some("workload[0]"), &["workload `noop` has no `tasks`"]),
    case("zero_workers.toml", Some((8, 15)), Some("workload[0].workers[1]"), &["at least 1, found 0"]),
    case("negative_workers.toml", Some((2, 15)), Some("workers[1]"), &["at least 1, found -2"]),
    case("absurd_workers.toml", Some((2, 18)), Some("workers[2]"), &["100000", "above the limit of 100000"]),
    case("range_from_gt_to.toml", Some((6, 11)), Some("workload[0].workers"), &["range goes down", "from = 8", "to = 2"]),
    case("bad_core_expr.toml", Some((2, 15)), Some("workers[1]"), &["invalid worker expression `2*cpus`", "\"cores\""]),
    case("unknown_kernel.toml", Some((4, 10)), Some("workload[0].kernel"), &["unknown kernel `prims`", "did you mean `primes`?"]),
    case("unknown_model.toml", Some((2, 25)), Some("models[1]"), &["unknown model `threds`", "did you mean `threads`? `parabench list models` shows them all"]),
    case("baseline_not_in_models.toml", Some((3, 12)), Some("baseline"), &["baseline `sequential` is not among", "`threads`, `rayon`"]),
    case("duplicate_workload.toml", Some((8, 8)), Some("workload[1].name"), &["duplicate workload name `same`"]),
    case("model_named_builtin.toml", Some((8, 8)), Some("model[0].name"), &["`threads` is a built-in model"]),
    case("empty_command.toml", Some((11, 11)), Some("model[0].command"), &["the command is empty"]),
    case("program_not_found.toml", Some((11, 12)), Some("model[0].command[0]"), &["program `./no-such-program.sh` not found", "relative paths start at the scenario file's folder"]),
    case("unknown_placeholder.toml", Some((11, 63)), Some("model[0].command[4]"), &["unknown placeholder `{worker}`", "did you mean `workers`?"]),
    case("name_escapes_output.toml", Some((3, 8)), Some("workload[0].name"), &["`../x` cannot be used as a file name", "output folder"]),
    case("scenario_name_escapes.toml", Some((2, 8)), Some("name"), &["`../../etc` cannot be used as a file name"]),
    case("zero_repeats.toml", Some((2, 11)), Some("repeats"), &["repeats = 0 is out of range"]),
    case("model_unknown_key.toml", Some((12, 1)), Some("model[0].shel"), &["unknown key `shel`", "did you mean `shell`?"]),
    case("processes_300.toml", Some((7, 11)), Some("workload[0].workers"), &["`processes` model would start 300 processes", "at most 256"]),
    case("negative_timeout.toml", Some((6, 13)), Some("workload[0].timeout_s"), &["timeout_s = -1.5 must be a positive number"]),
    case("range_factor_one.toml", Some((2, 11)), Some("workers"), &["`factor` must be at least 2, found 1"]),
    case("range_unknown_key.toml", Some((2, 11)), Some("workers"), &["unknown key `stepp` in a worker range"]),
    case("param_out_of_range.toml", Some((6, 9)), Some("workload[0].limit"), &["`limit` = 1 is not valid for kernel `primes`", "from 2 to"]),
    case("model_listed_twice.toml", Some((6, 31)), Some("workload[0].models[2]"), &["model `threads` is listed twice"]),
    case("empty_models.toml", Some((2, 10)), Some("models"), &["the model list is empty"]),
    case("empty_worker_list.toml", Some((6, 11)), Some("workload[0].workers"), &["the worker list is empty"]),
    case("zero_tasks.toml", Some((5, 9)), Some("workload[0].tasks"), &["tasks = 0 is out of range"]),
    case("unclosed_brace.toml", Some((11, 24)), Some("model[0].command[2]"), &["unclosed `{`", "`{{`"]),
    case("kernel_not_builtin_with_builtin_model.toml", Some((6, 10)), Some("workload[0].kernel"), &["unknown kernel `my-own-kernel`", "a kernel of your own runs only under [[model]] commands, not `threads`", "`parabench list kernels`"]),
    case("no_workloads.toml", Some((1, 1)), None, &["the scenario has no workloads", "[[workload]]"]),
    // A value of the wrong type, for every key: the help says what a valid one looks like
    // (exact texts in HELPS below).
    case("type_scenario_name.toml", Some((2, 8)), Some("name"), &["invalid type: integer 1"]),
    case("type_description.toml", Some((2, 15)), Some("description"), &["invalid type: list"]),
    case("type_python.toml", Some((2, 10)), Some("python"), &["invalid type: integer 3"]),
    case("type_order.toml", Some((2, 9)), Some("order"), &["invalid type: integer 1"]),
    case("unknown_order.toml", Some((2, 9)), Some("order"), &["unknown order `interleave`"]),
    case("workload_single_table.toml", Some((4, 1)), Some("workload"), &["invalid type: table"]),
    case("type_model_tables.toml", Some((2, 9)), Some("model"), &["invalid type: string \"threads\""]),
    case("type_repeats.toml", Some((2, 11)), Some("repeats"), &["invalid type: string \"5\""]),
    case("type_warmup.toml", Some((2, 10)), Some("warmup"), &["invalid type: float 0.5"]),
    case("negative_warmup.toml", Some((2, 10)), Some("warmup"), &["warmup = -1 is out of range"]),
    case("type_workers.toml", Some((2, 11)), Some("workers"), &["invalid type: boolean true"]),
    case("workers_bare_number.toml", Some((2, 11)), Some("workers"), &["a single number (4) is not a worker list"]),
    case("type_worker_count.toml", Some((2, 15)), Some("workers[1]"), &["invalid type: float 2.5"]),
    case("type_range_step.toml", Some((2, 38)), Some("workers.step"), &["invalid type: string \"1\""]),
    case("range_without_to.toml", Some((2, 11)), Some("workers"), &["the worker range has no `to`"]),
    case("models_not_a_list.toml", Some((2, 10)), Some("models"), &["invalid type: string \"threads rayon\""]),
    case("type_model_in_list.toml", Some((2, 22)), Some("models[1]"), &["invalid type: integer 2"]),
    case("type_baseline.toml", Some((2, 12)), Some("baseline"), &["invalid type: integer 1"]),
    case("type_scaling.toml", Some((2, 11)), Some("scaling"), &["invalid type: integer 1"]),
    case("unknown_scaling.toml", Some((2, 11)), Some("scaling"), &["unknown scaling `wek`"]),
    case("type_timeout.toml", Some((2, 13)), Some("timeout_s"), &["invalid type: string \"60\""]),
    case("baseline_typo.toml", Some((3, 12)), Some("baseline"), &["baseline `thread` is not among this workload's models"]),
    case("type_workload_name.toml", Some((3, 8)), Some("workload[0].name"), &["invalid type: integer 7"]),
    case("type_kernel.toml", Some((4, 10)), Some("workload[0].kernel"), &["invalid type: integer 1"]),
    case("negative_tasks.toml", Some((5, 9)), Some("workload[0].tasks"), &["tasks = -1 is out of range"]),
    case("type_workload_description.toml", Some((6, 15)), Some("workload[0].description"), &["invalid type: boolean true"]),
    case("type_model_name.toml", Some((10, 8)), Some("model[0].name"), &["invalid type: integer 1"]),
    case("command_not_a_list.toml", Some((11, 11)), Some("model[0].command"), &["invalid type: string \"echo elapsed_s=1\""]),
    case("type_shell.toml", Some((12, 9)), Some("model[0].shell"), &["invalid type: string \"yes\""]),
    case("type_model_description.toml", Some((12, 15)), Some("model[0].description"), &["invalid type: integer 1"]),
    case("model_without_name.toml", Some((9, 1)), Some("model[0]"), &["missing key `name`"]),
    case("model_without_command.toml", Some((9, 1)), Some("model[0]"), &["the [[model]] `mine` has no `command`"]),
    // A key below the wrong header: the help says where it belongs.
    case("top_level_key_in_workload.toml", Some((8, 1)), Some("workload[0].order"), &["unknown key `order` for kernel `noop`"]),
    case("workload_key_at_top.toml", Some((2, 1)), Some("tasks"), &["unknown key `tasks`"]),
    case("matrix_key_in_model.toml", Some((10, 1)), Some("model[0].models"), &["unknown key `models`"]),
    // Lines of 15,000 characters: quoted around the column, every line of the error short.
    case("long_line.toml", Some((3, 11)), Some("repeats"), &["repeats = 12345678901234567890…2345678901234567890 is out of range"]),
    case("long_line_middle.toml", Some((2, 7512)), Some("workers[2500]"), &["at least 1, found 0"]),
    case("long_key.toml", Some((2, 1)), Some("workersworkersworker…rkersworkersworkers"), &["unknown key `workersworkers"]),
    case("type_output_limit.toml", Some((2, 19)), Some("output_limit_mb"), &["invalid type: string \"1G\""]),
    // The interpreter of the py-* models is started once before anything runs.
    case("python_not_found.toml", Some((2, 10)), Some("python"), &["Python interpreter `no-such-python3.99` not found on PATH"]),
    case("python_exits_127.toml", Some((2, 10)), Some("python"), &["failed to start: exit code 127", "= note: its stderr: python3.99: error while loading shared libraries"]),
    case("python_too_old.toml", Some((2, 10)), Some("python"), &["Python 2.7.18 is too old: the harness needs 3.8"]),
    case("python_not_python.toml", Some((2, 10)), Some("python"), &["is not a Python interpreter: it did not print a version", "= note: asked for it, it printed: hello from a shell script"]),
    case("python_not_executable.toml", Some((2, 10)), Some("python"), &["cannot start: Permission denied"]),
    // Which chart files to write.
    case("unknown_chart.toml", Some((2, 22)), Some("charts[1]"), &["unknown chart `speedp`", "did you mean `speedup`?"]),
    case("charts_none_with_others.toml", Some((2, 19)), Some("charts[1]"), &["`none` and `svg` together"]),
    case("type_charts.toml", Some((2, 10)), Some("charts"), &["invalid type: integer 1"]),
    case("empty_charts.toml", Some((2, 10)), Some("charts"), &["the chart list is empty"]),
    // Variants: checked like the keys they override, before anything runs.
    case("variant_unknown_key.toml", Some((4, 1)), Some("variant[0].libary"), &["unknown key `libary`", "did you mean `library`?"]),
    case("variant_duplicate_name.toml", Some((6, 8)), Some("variant[1].name"), &["two variants are named `same`", "give each variant its own name"]),
    case("variant_without_name.toml", Some((2, 1)), Some("variant[0]"), &["the variant has no name"]),
    case("variant_library_without_library_workload.toml", Some((9, 11)), Some("variant[1].library"), &["variant `new` sets `library`, but no workload it applies to runs a library"]),
    case("variant_unknown_workload.toml", Some((7, 13)), Some("variant[0].workloads"), &["variant `new` names no workload `nop`", "did you mean `noop`?"]),
    case("variant_python_not_found.toml", Some((9, 10)), Some("variant[1].python"), &["variant `next`: Python interpreter `no-such-python3.99` not found on PATH"]),
    case("variant_env_not_strings.toml", Some((4, 28)), Some("variant[0].env.MALLOC_ARENA_MAX"), &["invalid type: integer 2", "a string"]),
    case("variant_placeholder_without_variants.toml", Some((11, 20)), Some("model[0].command[1]"), &["unknown placeholder `{variant}`", "add [[variant]] tables"]),
];

/// The exact `= help:` line of fixtures whose help is the point: what a valid value looks
/// like, for every key, and the fixes of issue 12.
#[rustfmt::skip]
const HELPS: &[(&str, &str)] = &[
    ("wrong_type.toml", "expected a whole number, e.g. tasks = 8"),
    ("type_scenario_name.toml", "expected a string in double quotes, e.g. name = \"my-bench\""),
    ("type_description.toml", "expected a string in double quotes, e.g. description = \"Threads against processes on CPU-bound work\""),
    ("type_python.toml", "expected a string in double quotes, e.g. python = \"python3.13\""),
    ("type_order.toml", "expected \"rounds\", \"cells\", \"interleaved\" or \"random\", e.g. order = \"interleaved\""),
    ("unknown_order.toml", "did you mean `interleaved`? order is `rounds` (repeats split over `rounds` rounds, cells shuffled in each, the default), `cells` (cell after cell, fastest), `interleaved` (one run of every cell per round) or `random` (every run shuffled, seeded by the file)"),
    ("workload_single_table.toml", "write [[workload]] with double brackets, each one followed by its own keys: a scenario holds a list of them"),
    ("type_model_tables.toml", "did you mean `models`? otherwise write [[model]] with double brackets, each one followed by its own keys: a scenario holds a list of them"),
    ("type_repeats.toml", "expected a whole number, e.g. repeats = 5"),
    ("type_warmup.toml", "expected a whole number, e.g. warmup = 1"),
    ("negative_warmup.toml", "use 0 to 10000 warmup runs"),
    ("type_workers.toml", "expected a list of worker counts or a range, e.g. workers = [1, 2, \"cores\"]"),
    ("workers_bare_number.toml", "workers is a list: write workers = [4], or a range { from = 1, to = 4 }"),
    ("type_worker_count.toml", "expected a worker count: an integer >= 1 or a core expression such as \"cores\" or \"2*cores\", e.g. workers = [1, 2, \"cores\"]"),
    ("type_range_step.toml", "expected a whole number, e.g. step = 1"),
    ("range_without_to.toml", "give both ends, e.g. workers = { from = 1, to = \"cores\", step = 1 }"),
    ("models_not_a_list.toml", "models is a list: write models = [\"threads\", \"rayon\"]"),
    ("type_model_in_list.toml", "expected a list of model names, e.g. models = [\"sequential\", \"threads\"]"),
    ("type_baseline.toml", "expected a string in double quotes, e.g. baseline = \"sequential\""),
    ("baseline_not_in_models.toml", "add it to `models` or remove `baseline` (the workload's models are: `threads`, `rayon`)"),
    ("baseline_typo.toml", "did you mean `threads`? otherwise add it to `models` or remove `baseline` (the workload's models are: `threads`, `rayon`)"),
    ("type_scaling.toml", "expected \"strong\" or \"weak\", e.g. scaling = \"weak\""),
    ("unknown_scaling.toml", "did you mean `weak`? scaling is `strong` (tasks is the total: fixed work, the default) or `weak` (tasks per worker: runs get tasks x workers tasks)"),
    ("type_timeout.toml", "expected a number of seconds, e.g. timeout_s = 120"),
    ("type_workload_name.toml", "expected a string in double quotes, e.g. name = \"primes\""),
    ("type_kernel.toml", "expected a string in double quotes, e.g. kernel = \"primes\""),
    ("negative_tasks.toml", "use 1 to 100000000 tasks"),
    ("type_workload_description.toml", "expected a string in double quotes, e.g. description = \"Counts primes: CPU-bound\""),
    ("type_model_name.toml", "expected a string in double quotes, e.g. name = \"my-tool\""),
    ("command_not_a_list.toml", "command is a list: write command = [\"echo\", \"elapsed_s=1\"]"),
    ("type_shell.toml", "expected true or false, e.g. shell = true"),
    ("type_model_description.toml", "expected a string in double quotes, e.g. description = \"my tool, one thread per worker\""),
    ("model_without_name.toml", "every [[model]] needs a name (to list in `models`) and a command, e.g. name = \"my-tool\""),
    ("model_without_command.toml", "give the program and its arguments, e.g. command = [\"python3\", \"bench.py\", \"--workers\", \"{workers}\"]"),
    ("top_level_key_in_workload.toml", "`order` is a top-level key: move it above the first [[...]] header (a key belongs to the table whose header comes before it)"),
    ("workload_key_at_top.toml", "`tasks` is a workload key: put it under a [[workload]] header"),
    ("matrix_key_in_model.toml", "`models` goes at the top level (above the first [[...]] header) or under a [[workload]] header"),
    ("type_output_limit.toml", "expected a whole number, e.g. output_limit_mb = 4096"),
    ("long_line.toml", "use 1 to 100000 measured runs per cell"),
    ("type_charts.toml", "expected a word or a list of words, e.g. charts = [\"speedup\", \"svg\"]"),
    ("charts_none_with_others.toml", "`none` writes no chart file: write it alone, or list only the charts and formats to write"),
    ("python_too_old.toml", "name Python 3.8 or newer here, e.g. python = \"python3.12\" ($PARABENCH_PYTHON, when set, wins)"),
];

#[track_caller]
fn check_message(c: &Case, out: &Ran, what: &str) {
    let err = &out.stderr;
    let ctx = || format!("{what} {}:\n{}", c.file, out.describe());
    match c.at {
        Some((line, col)) => assert!(
            err.contains(&format!("{}:{line}:{col}: ", c.file)),
            "expected `{}:{line}:{col}: ` in stderr of {}",
            c.file,
            ctx()
        ),
        None => assert!(
            err.contains(&format!("{}: ", c.file)),
            "expected the file name in {}",
            ctx()
        ),
    }
    if let Some(key) = c.key {
        assert!(
            err.contains(&format!("`{key}`: ")),
            "expected the key path `{key}` in {}",
            ctx()
        );
    }
    for frag in c.says {
        assert!(
            err.contains(frag),
            "expected {frag:?} in the message of {}",
            ctx()
        );
    }
    assert!(!err.contains("panicked"), "{}", ctx());
}

#[test]
fn validate_reports_each_mistake_with_location_key_and_message() {
    for c in CASES {
        let path = invalid(c.file);
        assert!(path.is_file(), "missing fixture {}", path.display());
        let mut cmd = parabench();
        cmd.arg("validate").arg(&path);
        let out = run(cmd);
        out.expect_code(2);
        check_message(c, &out, "validate");
        assert!(
            !out.stdout.contains("ok:"),
            "validate printed ok for {}",
            c.file
        );
    }
}

#[test]
fn run_refuses_each_mistake_before_creating_anything() {
    let tmp = tempdir();
    for c in CASES {
        let out_dir = tmp.path().join(c.file.trim_end_matches(".toml"));
        let mut cmd = parabench();
        cmd.arg("run")
            .arg(invalid(c.file))
            .arg("-o")
            .arg(&out_dir)
            .arg("--no-progress");
        let out = run(cmd);
        out.expect_code(2);
        check_message(c, &out, "run");
        assert!(
            !out_dir.exists(),
            "run of {} created {} although the scenario is invalid",
            c.file,
            out_dir.display()
        );
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "invalid runs left files: {left:?}");
}

/// The `= help:` lines of a message, each with its wrapped continuation lines joined back.
fn helps(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_help = false;
    for line in stderr.lines() {
        if let Some(h) = line.strip_prefix("  = help: ") {
            out.push(h.to_string());
            in_help = true;
        } else if let (true, Some(more)) = (in_help, line.strip_prefix("          ")) {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(more);
            }
        } else {
            in_help = false;
        }
    }
    out
}

#[test]
fn each_help_is_exactly_the_fix() {
    for (file, help) in HELPS {
        let mut cmd = parabench();
        cmd.arg("validate").arg(invalid(file));
        let out = run(cmd);
        out.expect_code(2);
        assert_eq!(helps(&out.stderr), [*help], "{file}:\n{}", out.describe());
    }
}

#[test]
fn every_error_has_a_help() {
    for c in CASES {
        let mut cmd = parabench();
        cmd.arg("validate").arg(invalid(c.file));
        let out = run(cmd);
        out.expect_code(2);
        assert!(
            out.stderr.contains("\n  = help: "),
            "{} has no help line:\n{}",
            c.file,
            out.describe()
        );
    }
}

#[test]
fn every_invalid_fixture_is_in_the_table() {
    let listed: BTreeSet<&str> = CASES.iter().map(|c| c.file).collect();
    assert_eq!(listed.len(), CASES.len(), "a fixture is listed twice");
    let on_disk: BTreeSet<String> = std::fs::read_dir(invalid(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for f in &on_disk {
        assert!(
            listed.contains(f.as_str()),
            "tests/scenarios/invalid/{f} has no line in CASES"
        );
    }
    for f in &listed {
        assert!(on_disk.contains(*f), "CASES names a missing fixture {f}");
    }
}

#[test]
fn the_error_shows_the_offending_line_with_a_caret() {
    let out = run({
        let mut c = parabench();
        c.arg("validate").arg(invalid("unknown_model.toml"));
        c
    });
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("2 | models = [\"sequential\", \"threds\"]"),
        "{}",
        out.describe()
    );
    // The caret sits under the offending value, 24 columns in (column 25).
    let caret = out
        .stderr
        .lines()
        .find(|l| l.contains('^'))
        .expect("a caret line");
    let after_bar = caret.split_once("| ").expect("a gutter").1;
    assert_eq!(
        after_bar,
        format!("{}{}", " ".repeat(24), "^".repeat("\"threds\"".len()))
    );
}

/// Every error fits a terminal: each line of every fixture's message is under 200
/// characters, however long the line, key or value it is about.
#[test]
fn every_line_of_every_message_is_short() {
    // Run from the fixtures' folder with a relative path, as a user names a file beside them:
    // the error quotes the path as given, and the checkout's location must not decide this.
    let folder = invalid("");
    for file in fixture_files() {
        let mut cmd = parabench();
        cmd.current_dir(&folder).arg("validate").arg(&file);
        let out = run(cmd);
        out.expect_code(2);
        for line in out.stderr.lines() {
            assert!(
                line.chars().count() < 200,
                "{file}: a line of {} characters:\n{line}",
                line.chars().count()
            );
        }
    }
}

/// In a quote cut from a long line, the caret still stands under the offending text.
#[test]
fn a_long_line_is_quoted_around_the_caret() {
    for (file, under) in [("long_line_middle.toml", "0"), ("long_line.toml", "1234")] {
        let mut cmd = parabench();
        cmd.arg("validate").arg(invalid(file));
        let out = run(cmd);
        out.expect_code(2);
        let lines: Vec<&str> = out.stderr.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains('^'))
            .expect("a caret line");
        let quoted = lines[at - 1].split_once(" | ").expect("a quoted line").1;
        let caret = lines[at].split_once(" | ").expect("a gutter").1;
        let col = caret.find('^').unwrap();
        let from: String = quoted.chars().skip(col).take(under.len()).collect();
        assert_eq!(from, under, "{file}:\n{}", out.stderr);
        assert!(quoted.contains('…'), "{}", out.stderr);
    }
}

#[test]
fn validate_checks_every_file_and_fails_if_any_is_invalid() {
    let good = common::valid("scripted.toml");
    let bad = invalid("unknown_model.toml");
    let mut cmd = parabench();
    cmd.arg("validate").arg(&good).arg(&bad);
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stdout.contains("ok: "), "{}", out.describe());
    assert!(out.stderr.contains("unknown model `threds`"));
}

#[test]
fn a_missing_scenario_file_is_a_usage_error() {
    let tmp = tempdir();
    let mut cmd = parabench();
    cmd.arg("run")
        .arg(tmp.path().join("nope.toml"))
        .arg("-o")
        .arg(tmp.path().join("out"));
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("nope.toml"), "{}", out.describe());
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn built_in_model_name_help_suggests_a_concrete_name() {
    let mut cmd = parabench();
    cmd.arg("validate").arg(invalid("model_named_builtin.toml"));
    let out = run(cmd);
    out.expect_code(2);
    assert!(
        out.stderr.contains("`my-threads`"),
        "expected a concrete suggestion such as `my-threads`:\n{}",
        out.describe()
    );
    assert!(!out.stderr.contains("{}"), "{}", out.describe());
}

/// The fixtures in tests/scenarios/invalid/, sorted.
fn fixture_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(invalid(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".toml"))
        .collect();
    files.sort();
    files
}

/// The whole `validate` message of every fixture, one insta snapshot each
/// (tests/it/snapshots/it__invalid_scenarios__<fixture>.snap), so any change in wording, location,
/// source excerpt or help shows up in review. The file is passed relative to the crate root,
/// so the message is the same on every machine; an absolute path that still appears (where a
/// command's program was looked for) has the crate root replaced by `<root>`.
#[test]
fn every_invalid_fixture_message_matches_its_snapshot() {
    let root = common::root();
    let files = fixture_files();
    assert!(!files.is_empty());
    for file in &files {
        let rel = format!("tests/scenarios/invalid/{file}");
        let mut cmd = parabench();
        cmd.current_dir(&root).arg("validate").arg(&rel);
        let out = run(cmd);
        out.expect_code(2);
        assert_eq!(out.stdout, "", "{}", out.describe());
        let stderr = out.stderr.replace(root.to_str().unwrap(), "<root>");
        let name = file.trim_end_matches(".toml");
        insta::with_settings!({
            description => format!("parabench validate {rel}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, stderr);
        });
    }
}
