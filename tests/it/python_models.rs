//! The built-in CPython models (`py-*`) run the shipped kernels.py: they must agree with the
//! native models on every kernel's checksum, report their own timing, record the interpreter,
//! and fail validation clearly when the interpreter is missing.

use crate::common;

use crate::common::{require_python, scenario, tempdir, write_scenario, Csv};
use std::collections::BTreeMap;

const EVERY_KERNEL: &str = r#"
repeats = 1
warmup = 0
workers = [2]
models = ["sequential", "threads", "async", "py-threading", "py-multiprocessing", "py-asyncio"]

[[workload]]
name = "primes"
kernel = "primes"
tasks = 4
limit = 2000

[[workload]]
name = "spin"
kernel = "spin"
tasks = 3
iters = 1000

[[workload]]
name = "alloc"
kernel = "alloc"
tasks = 3
size = 20

[[workload]]
name = "sleep"
kernel = "sleep"
tasks = 4
ms = 1

[[workload]]
name = "file"
kernel = "file"
tasks = 3
bytes = 1000

[[workload]]
name = "http"
kernel = "http"
tasks = 4
delay_ms = 1
bytes = 500

[[workload]]
name = "noop"
kernel = "noop"
tasks = 10

[[workload]]
name = "payload"
kernel = "payload"
tasks = 5
bytes = 3000
"#;

#[test]
fn cpython_and_native_models_agree_on_every_kernel() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "py.toml", EVERY_KERNEL);
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);

    let runs = Csv::read(&out.join("py/runs.csv"));
    assert_eq!(runs.rows.len(), 8 * 6, "one run per workload and model");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("py/meta.json")).unwrap()).unwrap();
    let runq_readable = meta["probe"]["runq_unavailable"].is_null();
    let mut sums: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        sums.entry(&r["workload"])
            .or_default()
            .push((&r["model"], &r["checksum"]));
        if r["model"].starts_with("py-") {
            assert!(
                !r["reported_s"].is_empty(),
                "CPython runs report elapsed_s: {r:?}"
            );
            // The harness measures its own window: CPU time, set-up, where the window starts.
            assert_eq!(r["cpu_scope"], "window", "{r:?}");
            let (elapsed, wall) = (common::num(r, "reported_s"), common::num(r, "wall_s"));
            let interp = common::num(r, "interp_start_s");
            assert!(0.0 < interp && interp + elapsed <= wall, "{r:?}");
            let setup = common::num(r, "setup_s");
            assert!(0.0 <= setup && setup <= elapsed, "{r:?}");
            let cpu = common::num(r, "user_s") + common::num(r, "sys_s");
            let util = common::num(r, "cpu_util");
            assert!((util - cpu / elapsed).abs() < 1e-9, "{r:?}");
            if runq_readable {
                assert!(!r["runq_wait_s"].is_empty(), "{r:?}");
            }
        } else {
            assert_eq!(r["cpu_scope"], "run", "{r:?}");
            assert_eq!(r["interp_start_s"], "", "{r:?}");
        }
    }
    for (workload, got) in &sums {
        let first = got[0].1;
        assert!(!first.is_empty(), "{workload}: no checksum");
        for (model, sum) in got {
            assert_eq!(
                sum, &first,
                "{workload}: {model} disagrees with {}",
                got[0].0
            );
        }
    }
    // Hand-computed: primes below 2000 = 303 per task; noop = 0 + 1 + ... + 9.
    assert_eq!(sums["primes"][0].1, (4 * 303).to_string());
    assert_eq!(sums["noop"][0].1, "45");
    assert_eq!(sums["http"][0].1, (4 * 500).to_string());
    // Python: sum(zlib.crc32(bytes((i + k) % 256 for k in range(3000))) for i in range(5))
    assert_eq!(sums["payload"][0].1, "11896591685");

    let summary = Csv::read(&out.join("py/summary.csv"));
    for r in summary.filter(&[("model", "py-threading")]) {
        assert_eq!(r["time_source"], "reported");
    }
    let meta = std::fs::read_to_string(out.join("py/meta.json")).unwrap();
    assert!(meta.contains("\"interpreter\": \"Python 3"), "{meta}");
    let report = std::fs::read_to_string(out.join("py/report.md")).unwrap();
    assert!(report.contains("| `py-* models` run | "), "{report}");
}

#[test]
fn cpython_models_record_a_timeline_through_the_environment() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    let file = scenario()
        .set("repeats", 1)
        .set("warmup", 0)
        .set("workers", "[2]")
        .models(&[
            "py-threading",
            "py-multiprocessing",
            "py-asyncio",
            "py-processpool",
        ])
        .kernel_workload("sleep", "sleep", 6)
        .set("ms", 2)
        .write(tmp.path(), "pytl.toml");
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);
    let tasks = Csv::read(&out.join("pytl/tasks.csv"));
    for m in [
        "py-threading",
        "py-multiprocessing",
        "py-asyncio",
        "py-processpool",
    ] {
        let rows = tasks.filter(&[("model", m)]);
        assert_eq!(rows.len(), 6, "{m}: one row per task");
        for r in rows {
            assert!(["0", "1"].contains(&r["worker"].as_str()), "{m}: {r:?}");
            let (a, b) = (common::num(r, "start_s"), common::num(r, "end_s"));
            assert!(0.0 <= a && a <= b, "{m}: {r:?}");
            // Every task lies in the program's measured window, after the interpreter started.
            let from = common::num(r, "window_start_s");
            let to = from + common::num(r, "window_s");
            assert!(0.0 < from && from <= a && b <= to, "{m}: {r:?}");
            assert!(to <= common::num(r, "run_wall_s"), "{m}: {r:?}");
        }
    }
    let texts = common::svg_texts(&out.join("pytl/sleep.timeline.svg"));
    assert!(common::some_text_has(&texts, "py-asyncio"), "{texts:?}");
    assert!(
        common::some_text_has(&texts, "interpreter start (excluded)"),
        "the start-up is drawn and named"
    );
    assert!(
        common::some_text_has(&texts, " measured"),
        "each lane states its measured length"
    );
}

#[test]
fn a_missing_interpreter_is_a_validation_error() {
    let tmp = tempdir();
    let file = scenario()
        .kernel_workload("p", "primes", 2)
        .models(&["threads", "py-threading"])
        .write(tmp.path(), "nopy.toml");
    let mut cmd = common::parabench();
    cmd.arg("validate")
        .arg(&file)
        .env("PARABENCH_PYTHON", "/nonexistent/python3.99");
    let ran = common::run(cmd);
    ran.expect_code(2);
    assert!(ran.stderr.contains("nopy.toml:5:"), "{}", ran.describe());
    assert!(
        ran.stderr.contains(
            "Python interpreter `/nonexistent/python3.99` (from $PARABENCH_PYTHON) not found"
        ),
        "{}",
        ran.describe()
    );
    assert!(
        ran.stderr.contains("PARABENCH_PYTHON"),
        "{}",
        ran.describe()
    );
}

#[test]
fn the_scenario_python_key_names_the_interpreter() {
    let tmp = tempdir();
    let file = scenario()
        .set("python", "\"python3.99-missing\"")
        .kernel_workload("p", "noop", 2)
        .models(&["py-asyncio"])
        .write(tmp.path(), "pykey.toml");
    let mut cmd = common::parabench();
    cmd.arg("validate")
        .arg(&file)
        .env_remove("PARABENCH_PYTHON");
    let ran = common::run(cmd);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("pykey.toml:1:10: `python`"),
        "{}",
        ran.describe()
    );
    assert!(
        ran.stderr.contains("python3.99-missing"),
        "{}",
        ran.describe()
    );
}

#[test]
fn cpython_models_refuse_kernels_they_do_not_have() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    let file = scenario()
        .kernel_workload("x", "fancy", 2)
        .models(&["py-threading"])
        .write(tmp.path(), "nokernel.toml");
    let ran = common::validate(&[&file]);
    ran.expect_code(2);
    assert!(
        ran.stderr
            .contains("nokernel.toml:3:10: `workload[0].kernel`"),
        "{}",
        ran.describe()
    );
    assert!(
        ran.stderr.contains("cannot run kernel `fancy`"),
        "{}",
        ran.describe()
    );
}

#[test]
fn the_http_server_url_is_a_placeholder_of_http_workloads_only() {
    let tmp = tempdir();
    let ok = scenario()
        .kernel_workload("h", "http", 2)
        .models(&["get"])
        .command_model("get", &["sh", "-c", "echo {url}"])
        .write(tmp.path(), "url.toml");
    common::validate(&[&ok]).expect_code(0);
    let bad = scenario()
        .kernel_workload("s", "sleep", 2)
        .models(&["get"])
        .command_model("get", &["sh", "-c", "echo {url}"])
        .write(tmp.path(), "nourl.toml");
    let ran = common::validate(&[&bad]);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("unknown placeholder `{url}`"),
        "{}",
        ran.describe()
    );
}

#[test]
fn a_command_gets_the_loopback_url_and_the_server_answers() {
    let Some(python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "fetch.toml",
        &format!(
            r#"repeats = 1
warmup = 0
workers = [1]
[[workload]]
name = "h"
kernel = "http"
tasks = 1
delay_ms = 1
bytes = 321
models = ["curlish"]

[[model]]
name = "curlish"
command = [{python}, "-c", "import sys, urllib.request as u; b = u.urlopen(sys.argv[1]).read(); print('checksum=%d' % len(b))", "{{url}}"]
"#,
            python = toml::Value::String(python)
        ),
    );
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);
    let runs = Csv::read(&out.join("fetch/runs.csv"));
    assert_eq!(runs.rows.len(), 1);
    assert_eq!(runs.rows[0]["checksum"], "321", "{:?}", runs.rows[0]);
}

/// kernels.py checks itself: every kernel under every model against independent values, the
/// shared HTTP response reader, the window's CPU time with worker processes started by fork,
/// spawn and forkserver, and its command line. A failed check fails this test.
#[test]
fn the_cpython_harness_passes_its_self_test() {
    let Some(python) = require_python() else {
        return;
    };
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/python/kernels.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg("--self-test")
        .output()
        .expect("the interpreter starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        out.status.success() && failed.is_empty(),
        "{failed:#?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");
}
