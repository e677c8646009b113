//! The user's own code as a workload: a C library built here with the system C compiler runs
//! under every native model (checksums, params text, init/fini hooks, timelines, a crash that
//! fails only its own cell, naming the signal); Python functions from tests/own_code/ run under
//! every `py-*` model (plain and async, exceptions with the user's file:line, non-int
//! results); and every mistake is refused before anything runs, at the key, with the fix.
//! No timing assertions.

use crate::common;

use crate::common::{
    parabench, require_python, run, run_scenario, tempdir, write_scenario, Csv, Ran,
};
use std::path::{Path, PathBuf};

use crate::common::BUILTIN_MODELS as NATIVE;

const PY_MODELS: &[&str] = &[
    "py-sequential",
    "py-threading",
    "py-multiprocessing",
    "py-asyncio",
    "py-threadpool",
    "py-processpool",
    "py-dummy",
    "py-to-thread",
];

/// tests/own_code/<name>.
fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/own_code").join(name)
}

/// Builds tests/own_code/work.c into `dir/libwork.so` with the system C compiler (`$CC`, or
/// `cc`: it is there wherever the Rust toolchain is, which links with it).
fn build_library(dir: &Path) -> PathBuf {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let lib = dir.join("libwork.so");
    let out = std::process::Command::new(&cc)
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&lib)
        .arg(fixture("work.c"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(
        out.status.success(),
        "{cc} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

/// A scenario of `body` in `dir` (beside the library and function files it names), run into
/// `dir/out`; returns the outcome and the run folder.
fn run_in(dir: &Path, body: &str) -> (Ran, PathBuf) {
    let scenario = write_scenario(dir, "own.toml", body);
    let out = run_scenario(&scenario, &dir.join("out"), &[]);
    (out, dir.join("out/own"))
}

fn models_list(models: &[&str]) -> String {
    let quoted: Vec<String> = models.iter().map(|m| format!("\"{m}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

#[test]
fn a_library_runs_under_every_native_model_with_its_params_and_hooks() {
    let tmp = tempdir();
    build_library(tmp.path());
    let marker = tmp.path().join("hooks.txt");
    let body = format!(
        r#"
repeats = 2
warmup = 1
workers = [1, 3]
models = {models}

[[workload]]
name = "scaled"
library = "libwork.so"
symbol = "work"
tasks = 10
scale = 3
marker = "{marker}"

[[workload]]
name = "echo"
library = "./libwork.so"
symbol = "echo"
tasks = 4
b_text = "x y"
a_int = 12
c_float = 0.5
d_bool = true
"#,
        models = models_list(&NATIVE),
        marker = marker.display()
    );
    let (out, dir) = run_in(tmp.path(), &body);
    out.expect_code(0);
    let runs = Csv::read(&dir.join("runs.csv"));
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
    }
    // Every native model, every worker count, the same checksum: 3 x (0 + ... + 9).
    let scaled = runs.filter(&[("workload", "scaled")]);
    assert_eq!(
        runs.distinct(&["model"])
            .into_iter()
            .map(|m| m[0].clone())
            .collect::<std::collections::BTreeSet<_>>(),
        NATIVE.iter().map(|m| m.to_string()).collect()
    );
    assert!(scaled.iter().all(|r| r["checksum"] == "135"), "{scaled:?}");
    assert!(scaled
        .iter()
        .all(|r| r["kernel"] == "library:libwork.so:work"));
    // The params text: sorted `key=value` lines; the library sums its bytes x (index + 1).
    let text = "a_int=12\nb_text=x y\nc_float=0.5\nd_bool=true\n";
    let bytes: u64 = text.bytes().map(u64::from).sum();
    let want = (bytes * (1 + 2 + 3 + 4)).to_string();
    let echo = runs.filter(&[("workload", "echo")]);
    assert!(echo.iter().all(|r| r["checksum"] == want), "{echo:?}");
    // Worker processes report their memory; in-process models their CPU time.
    for r in runs.filter(&[("model", "processes")]) {
        assert!(common::num(r, "workers_rss_kb") > 0.0, "{r:?}");
    }
    // init and fini ran in pairs: once per cell process and once per worker process.
    let hooks = std::fs::read_to_string(&marker).unwrap();
    let inits = hooks.lines().filter(|l| *l == "init").count();
    let finis = hooks.lines().filter(|l| *l == "fini").count();
    assert!(inits > NATIVE.len(), "{hooks}");
    assert_eq!(inits, finis, "every init has its fini:\n{hooks}");
    // Timelines: one row per task in each model's largest cell.
    let tasks = Csv::read(&dir.join("tasks.csv"));
    for m in NATIVE.iter() {
        let rows = tasks.filter(&[("workload", "scaled"), ("model", m)]);
        assert_eq!(rows.len(), 10, "timeline of {m}");
    }
}

#[test]
fn a_crash_in_the_library_fails_its_runs_naming_the_signal_and_the_matrix_goes_on() {
    let tmp = tempdir();
    build_library(tmp.path());
    let body = format!(
        r#"
repeats = 2
warmup = 0
workers = [2]
models = {models}

[[workload]]
name = "segfault"
library = "libwork.so"
symbol = "crash"
tasks = 6
at = 3

[[workload]]
name = "abort"
library = "libwork.so"
symbol = "crash"
tasks = 6
at = 3
abort = 1

[[workload]]
name = "after"
library = "libwork.so"
symbol = "noop"
tasks = 6
"#,
        models = models_list(&NATIVE)
    );
    let (out, dir) = run_in(tmp.path(), &body);
    out.expect_code(1);
    let runs = Csv::read(&dir.join("runs.csv"));
    for (workload, signal) in [("segfault", "SIGSEGV"), ("abort", "SIGABRT")] {
        for m in NATIVE.iter() {
            let rows = runs.filter(&[("workload", workload), ("model", m)]);
            assert_eq!(rows.len(), 2, "{workload} {m}");
            for r in rows {
                assert_eq!(r["status"], "error", "{r:?}");
                assert!(
                    r["error"].contains(signal),
                    "{workload} under {m} should name {signal}: {}",
                    r["error"]
                );
            }
        }
    }
    let after = runs.filter(&[("workload", "after")]);
    assert_eq!(after.len(), 2 * NATIVE.len());
    assert!(after
        .iter()
        .all(|r| r["status"] == "ok" && r["checksum"] == "15"));
}

#[test]
fn an_init_hook_that_refuses_fails_the_cell_with_its_number() {
    let tmp = tempdir();
    build_library(tmp.path());
    let body = r#"
repeats = 1
warmup = 0
workers = [2]
models = ["threads", "processes"]

[[workload]]
name = "refused"
library = "libwork.so"
symbol = "refuse"
tasks = 4
"#;
    let (out, dir) = run_in(tmp.path(), body);
    out.expect_code(1);
    let runs = Csv::read(&dir.join("runs.csv"));
    assert_eq!(runs.rows.len(), 2);
    for r in &runs.rows {
        assert_eq!(r["status"], "error");
        assert!(r["error"].contains("`refuse_init`"), "{}", r["error"]);
        assert!(r["error"].contains("returned 3"), "{}", r["error"]);
    }
}

#[test]
fn a_python_function_runs_under_every_py_model_plain_and_async() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    std::fs::copy(fixture("funcs.py"), tmp.path().join("funcs.py")).unwrap();
    let body = format!(
        r#"
repeats = 1
warmup = 0
workers = [1, 3]
models = {models}

[[workload]]
name = "times"
function = "funcs.py:times"
tasks = 8
k = 3

[[workload]]
name = "waits"
function = "funcs.py:waits"
tasks = 6
ms = 2

[[workload]]
name = "nothing"
function = "funcs.py:nothing"
tasks = 3
"#,
        models = models_list(PY_MODELS)
    );
    let (out, dir) = run_in(tmp.path(), &body);
    out.expect_code(0);
    let runs = Csv::read(&dir.join("runs.csv"));
    for (workload, checksum) in [("times", "84"), ("waits", "15"), ("nothing", "0")] {
        let rows = runs.filter(&[("workload", workload)]);
        // py-sequential once, the seven others at 1 and 3 workers.
        assert_eq!(rows.len(), 1 + 7 * 2, "{workload}");
        for r in rows {
            assert_eq!(r["status"], "ok", "{r:?}");
            assert_eq!(r["checksum"], checksum, "{r:?}");
            assert_eq!(r["kernel"], format!("function:funcs.py:{workload}"));
            assert!(!r["reported_s"].is_empty(), "{r:?}");
        }
    }
    let tasks = Csv::read(&dir.join("tasks.csv"));
    for m in PY_MODELS {
        assert_eq!(
            tasks.filter(&[("workload", "times"), ("model", m)]).len(),
            8,
            "timeline of {m}"
        );
    }
}

#[test]
fn a_failing_python_function_says_what_where_and_which_task() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    std::fs::copy(fixture("funcs.py"), tmp.path().join("funcs.py")).unwrap();
    let body = r#"
repeats = 1
warmup = 0
workers = [2]
models = ["py-sequential", "py-threading", "py-multiprocessing", "py-asyncio", "py-processpool"]

[[workload]]
name = "raises"
function = "funcs.py:divides"
tasks = 6

[[workload]]
name = "text"
function = "funcs.py:text"
tasks = 2

[[workload]]
name = "random"
function = "funcs.py:differs"
tasks = 4
"#;
    let (out, dir) = run_in(tmp.path(), body);
    out.expect_code(1);
    let runs = Csv::read(&dir.join("runs.csv"));
    for r in runs.filter(&[("workload", "raises")]) {
        assert_eq!(r["status"], "error", "{r:?}");
        let e = &r["error"];
        assert!(e.contains("funcs.py:divides task 3"), "{e}");
        assert!(
            e.contains("ZeroDivisionError: integer division or modulo by zero"),
            "{e}"
        );
        assert!(e.contains("(funcs.py:9 in helper)"), "{e}");
    }
    for r in runs.filter(&[("workload", "text")]) {
        assert_eq!(r["status"], "error", "{r:?}");
        assert!(
            r["error"].contains("returned str 'abc': return an int"),
            "{}",
            r["error"]
        );
    }
    // A function whose result depends on more than the index disagrees across models.
    let random = runs.filter(&[("workload", "random")]);
    let mismatch = random.iter().find(|r| r["status"] == "mismatch");
    let mismatch = mismatch.unwrap_or_else(|| panic!("no mismatch: {random:?}"));
    assert!(
        mismatch["error"].contains("depends on more than its index"),
        "{}",
        mismatch["error"]
    );
}

/// One validation mistake: the scenario (written beside funcs.py and the library), where the
/// error points and what it says.
struct Mistake {
    name: &'static str,
    body: &'static str,
    at: (usize, usize),
    key: &'static str,
    says: &'static [&'static str],
}

const HEAD: &str = "repeats = 1\nwarmup = 0\nworkers = [1]\n";

#[rustfmt::skip]
const MISTAKES: &[Mistake] = &[
    Mistake { name: "function file missing", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"nowhere.py:f\"\ntasks = 2\n",
        says: &["file `nowhere.py` not found", "relative to the scenario's folder"] },
    Mistake { name: "function not defined", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:nope\"\ntasks = 2\n",
        says: &["funcs.py defines no top-level `nope`", "times"] },
    Mistake { name: "function badly written", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py\"\ntasks = 2\n",
        says: &["names no function", "`file.py:function`"] },
    Mistake { name: "function with a native model", at: (4, 27), key: "workload[0].models[1]",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:times\"\nmodels = [\"py-threading\", \"threads\"]\ntasks = 2\nk = 1\n",
        says: &["native models cannot run a Python function: use py-* models, or wrap it in a command"] },
    Mistake { name: "function and kernel", at: (4, 1), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nkernel = \"noop\"\nfunction = \"funcs.py:times\"\ntasks = 2\n",
        says: &["both a `kernel` and a `function`", "remove one"] },
    Mistake { name: "param the function does not take", at: (6, 1), key: "workload[0].j",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:times\"\ntasks = 2\nk = 1\nj = 2\n",
        says: &["`times` has no parameter `j`"] },
    Mistake { name: "param the function needs", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:times\"\ntasks = 2\n",
        says: &["`times` needs `k`", "add k = ..."] },
    Mistake { name: "param of a type no function takes", at: (5, 5), key: "workload[0].k",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:times\"\ntasks = 2\nk = [1, 2]\n",
        says: &["cannot be passed", "a number, boolean or string"] },
    Mistake { name: "library missing", at: (3, 11), key: "workload[0].library",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libnope.so\"\nsymbol = \"work\"\ntasks = 2\n",
        says: &["library `libnope.so` not found", "relative to the scenario's folder"] },
    Mistake { name: "symbol not defined", at: (4, 10), key: "workload[0].symbol",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libwork.so\"\nsymbol = \"wrok\"\ntasks = 2\n",
        says: &["libwork.so defines no function `wrok`", "did you mean `work`?"] },
    Mistake { name: "symbol is data", at: (4, 10), key: "workload[0].symbol",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libwork.so\"\nsymbol = \"counter\"\ntasks = 2\n",
        says: &["defines no function `counter`"] },
    Mistake { name: "library without symbol", at: (1, 1), key: "workload[0]",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libwork.so\"\ntasks = 2\n",
        says: &["has a `library` but no `symbol`", "symbol = \"work\""] },
    Mistake { name: "symbol without library", at: (3, 1), key: "workload[0].symbol",
        body: "[[workload]]\nname = \"w\"\nsymbol = \"work\"\ntasks = 2\n",
        says: &["has a `symbol` but no `library`", "add library = "] },
    Mistake { name: "function file does not parse", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"broken.py:f\"\ntasks = 2\n",
        says: &["broken.py:2: ", "does not parse"] },
    Mistake { name: "function module not importable", at: (3, 12), key: "workload[0].function",
        body: "[[workload]]\nname = \"w\"\nfunction = \"no_such_module:f\"\ntasks = 2\n",
        says: &["importing no_such_module failed: ModuleNotFoundError"] },
    Mistake { name: "library with a py model", at: (5, 11), key: "workload[0].models[0]",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libwork.so\"\nsymbol = \"work\"\nmodels = [\"py-threading\"]\ntasks = 2\n",
        says: &["CPython models cannot run a native library", "native models"] },
    Mistake { name: "library param with a line break", at: (6, 8), key: "workload[0].text",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"libwork.so\"\nsymbol = \"work\"\ntasks = 2\ntext = \"a\\nb\"\n",
        says: &["cannot be passed to a library", "line break"] },
    Mistake { name: "library and function", at: (4, 1), key: "workload[0].library",
        body: "[[workload]]\nname = \"w\"\nfunction = \"funcs.py:times\"\nlibrary = \"libwork.so\"\nsymbol = \"work\"\ntasks = 2\n",
        says: &["both a `function` and a `library`"] },
    Mistake { name: "not a shared library", at: (3, 11), key: "workload[0].library",
        body: "[[workload]]\nname = \"w\"\nlibrary = \"funcs.py\"\nsymbol = \"work\"\ntasks = 2\n",
        says: &["is not a shared library", "cc -shared"] },
];

#[test]
fn every_mistake_is_refused_before_anything_runs_at_its_key_with_the_fix() {
    let tmp = tempdir();
    build_library(tmp.path());
    std::fs::copy(fixture("funcs.py"), tmp.path().join("funcs.py")).unwrap();
    std::fs::write(
        tmp.path().join("broken.py"),
        "def f(index):\n    return index +\n",
    )
    .unwrap();
    let python = require_python().is_some();
    for m in MISTAKES {
        if !python && m.body.contains("function") {
            continue;
        }
        let file = format!("{}.toml", m.name.replace(' ', "_"));
        let path = write_scenario(tmp.path(), &file, &format!("{HEAD}{}", m.body));
        let mut cmd = parabench();
        cmd.arg("validate").arg(&path);
        let out = run(cmd);
        let ctx = || format!("{}:\n{}", m.name, out.describe());
        assert_eq!(out.code, Some(2), "{}", ctx());
        // The line and column count from the scenario's first line (HEAD is 3 lines).
        let (line, col) = (m.at.0 + 3, m.at.1);
        assert!(
            out.stderr
                .contains(&format!("{file}:{line}:{col}: `{}`: ", m.key)),
            "expected {file}:{line}:{col}: `{}` in {}",
            m.key,
            ctx()
        );
        for s in m.says {
            assert!(out.stderr.contains(s), "expected {s:?} in {}", ctx());
        }
        // Nothing ran: no output folder next to the scenario.
        assert!(!tmp.path().join("output").exists(), "{}", ctx());
    }
}

#[test]
fn checking_a_module_that_hangs_on_import_times_out() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    std::fs::write(
        tmp.path().join("slow_import.py"),
        "import time\ntime.sleep(3600)\n\ndef f(index):\n    return index\n",
    )
    .unwrap();
    // Named by module, it must be imported to be checked; the check gives up and says why.
    let body = format!(
        "{HEAD}[[workload]]\nname = \"w\"\nfunction = \"slow_import:f\"\nmodels = [\"py-sequential\"]\ntasks = 1\n"
    );
    let path = write_scenario(tmp.path(), "slow.toml", &body);
    let mut cmd = parabench();
    cmd.arg("validate")
        .arg(&path)
        .env("PARABENCH_CHECK_TIMEOUT_S", "1");
    let out = run(cmd);
    out.expect_code(2);
    assert!(
        out.stderr.contains("took longer than 1 s"),
        "{}",
        out.describe()
    );
}

#[test]
fn the_schema_knows_what_a_workload_runs() {
    let out = run({
        let mut c = parabench();
        c.arg("schema");
        c
    });
    out.expect_code(0);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("s.json", schema).unwrap();
    let index = compiler.compile("s.json", &mut schemas).unwrap();
    let check = |workload: &str| {
        let text = format!("[[workload]]\nname = \"w\"\ntasks = 2\n{workload}");
        let value: toml::Value = toml::from_str(&text).unwrap();
        schemas
            .validate(&serde_json::to_value(value).unwrap(), index)
            .is_ok()
    };
    assert!(check("function = \"work.py:digest\"\nmb = 8\n"));
    assert!(check(
        "library = \"libwork.so\"\nsymbol = \"work\"\nrounds = 5\n"
    ));
    assert!(check("kernel = \"noop\"\n"));
    assert!(!check("kernel = \"noop\"\nfunction = \"work.py:digest\"\n"));
    assert!(!check(
        "function = \"work.py:digest\"\nlibrary = \"l.so\"\nsymbol = \"s\"\n"
    ));
    assert!(!check("library = \"libwork.so\"\n"));
    assert!(!check("function = \"work.py:digest\"\nsymbol = \"work\"\n"));
    assert!(!check("mb = 8\n"));
}

/// Copies `scenarios/examples/<files>` into `dir`, keeping their relative paths.
fn copy_example(dir: &Path, files: &[&str]) {
    for f in files {
        let to = dir.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::root().join("scenarios/examples").join(f), &to).unwrap();
    }
}

/// Every run of a run folder succeeded, and all have the one checksum, which it returns.
fn one_checksum(dir: &Path) -> String {
    let runs = Csv::read(&dir.join("runs.csv"));
    assert!(!runs.rows.is_empty());
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
    }
    let sums = runs.distinct(&["checksum"]);
    assert_eq!(sums.len(), 1, "{sums:?}");
    sums.into_iter().next().unwrap().remove(0)
}

#[test]
fn the_examples_run_as_the_readme_says() {
    let tmp = tempdir();
    let dir = tmp.path();
    let out = dir.join("out");
    // The C library, built as its header says, under every native model.
    copy_example(dir, &["native-c.toml", "native-c/work.c"]);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let built = std::process::Command::new(&cc)
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(dir.join("native-c/libwork.so"))
        .arg(dir.join("native-c/work.c"))
        .status()
        .unwrap();
    assert!(built.success());
    run_scenario(
        &dir.join("native-c.toml"),
        &out,
        &["--quick", "--workers", "2"],
    )
    .expect_code(0);
    let c_sum = one_checksum(&out.join("own-native-c"));
    // The Rust cdylib computes the same numbers.
    copy_example(
        dir,
        &[
            "native-rust.toml",
            "native-rust/Cargo.toml",
            "native-rust/src/lib.rs",
        ],
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--offline",
            "--manifest-path",
        ])
        .arg(dir.join("native-rust/Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.join("native-rust/target"))
        .env_remove("RUSTFLAGS")
        .status()
        .unwrap();
    assert!(built.success());
    run_scenario(
        &dir.join("native-rust.toml"),
        &out,
        &[
            "--quick",
            "--workers",
            "2",
            "--models",
            "sequential,threads,processes",
        ],
    )
    .expect_code(0);
    assert_eq!(one_checksum(&out.join("own-native-rust")), c_sum);
    // The Python function example, under three of its eight models.
    if require_python().is_some() {
        copy_example(dir, &["python-function.toml", "python/work.py"]);
        run_scenario(
            &dir.join("python-function.toml"),
            &out,
            &[
                "--quick",
                "--workers",
                "2",
                "--workloads",
                "hashlib",
                "--models",
                "py-sequential,py-threading,py-processpool",
            ],
        )
        .expect_code(0);
        one_checksum(&out.join("own-python-function"));
    }
}
