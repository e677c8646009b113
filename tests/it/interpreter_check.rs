//! The interpreter of the `py-*` models is started once before anything runs and must be
//! Python 3.8 or later: a missing, broken or old one is an error at the key that named it
//! (or at the first model that needs it), with exit 2 and nothing written; a good one is
//! named, with its version, in meta.json and in the report's machine table. The fixtures in
//! tests/scenarios/invalid/python_*.toml pin the messages of interpreters named by the
//! `python` key; these tests cover the other ways of naming one.

use crate::common;

use crate::common::{require_python, root, run, tempdir, write_scenario};

/// A scenario with a native and a CPython model, `py-threading` on line 5, column 22.
const PY_SCENARIO: &str = "repeats = 1\nwarmup = 0\nworkers = [1]\n# native and CPython\nmodels = [\"threads\", \"py-threading\"]\n\n[[workload]]\nname = \"p\"\nkernel = \"noop\"\ntasks = 2\n";

fn fake_python() -> String {
    root()
        .join("tests/scenarios/programs/python2.7")
        .display()
        .to_string()
}

#[test]
fn an_interpreter_from_the_environment_is_blamed_on_the_environment() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "envpy.toml", PY_SCENARIO);
    let out = tmp.path().join("out");
    for command in ["validate", "run"] {
        let mut cmd = common::parabench();
        cmd.arg(command).arg(&file);
        if command == "run" {
            cmd.arg("-o").arg(&out);
        }
        cmd.env("PARABENCH_PYTHON", fake_python());
        let ran = run(cmd);
        ran.expect_code(2);
        assert!(
            ran.stderr.contains(
                "envpy.toml:5:22: `models[1]`: Python 2.7.18 is too old: the harness needs 3.8 (`"
            ),
            "{}",
            ran.describe()
        );
        assert!(
            ran.stderr.contains("` is named by $PARABENCH_PYTHON)"),
            "{}",
            ran.describe()
        );
        assert!(
            ran.stderr.contains(
                "= help: set $PARABENCH_PYTHON to Python 3.8 or newer (e.g. python3.12), or unset it"
            ),
            "{}",
            ran.describe()
        );
    }
    assert!(!out.exists(), "an invalid interpreter must not start a run");
}

#[test]
fn a_function_workload_points_at_its_function() {
    let tmp = tempdir();
    std::fs::write(
        tmp.path().join("work.py"),
        "def f(index):\n    return index\n",
    )
    .unwrap();
    let file = write_scenario(
        tmp.path(),
        "fn.toml",
        "[[workload]]\nname = \"f\"\nfunction = \"work.py:f\"\ntasks = 2\n",
    );
    let mut cmd = common::parabench();
    cmd.arg("validate")
        .arg(&file)
        .env("PARABENCH_PYTHON", "no-such-python3.99");
    let ran = run(cmd);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains(
            "fn.toml:3:12: `workload[0].function`: Python interpreter `no-such-python3.99` (from $PARABENCH_PYTHON) not found on PATH"
        ),
        "{}",
        ran.describe()
    );
}

#[test]
fn an_interpreter_that_hangs_is_stopped_at_the_time_limit() {
    let tmp = tempdir();
    let hang = tmp.path().join("hang.sh");
    std::fs::write(&hang, "#!/bin/sh\nsleep 30\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = write_scenario(
        tmp.path(),
        "hang.toml",
        &format!("python = \"./hang.sh\"\n{PY_SCENARIO}"),
    );
    let mut cmd = common::parabench();
    cmd.arg("validate")
        .arg(&file)
        .env_remove("PARABENCH_PYTHON")
        .env("PARABENCH_CHECK_TIMEOUT_S", "1");
    let ran = run(cmd);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains(
            "hang.toml:1:10: `python`: Python interpreter `./hang.sh` did not print its version within 1 s ($PARABENCH_CHECK_TIMEOUT_S gives it longer)"
        ),
        "{}",
        ran.describe()
    );
}

#[test]
fn no_interpreter_is_needed_when_no_model_runs_on_one() {
    let tmp = tempdir();
    // Native models only, and a [[model]] that takes the name of a built-in CPython model.
    let file = write_scenario(
        tmp.path(),
        "native.toml",
        "models = [\"threads\", \"py-threading\"]\n[[workload]]\nname = \"p\"\nkernel = \"noop\"\ntasks = 2\n[[model]]\nname = \"py-threading\"\ncommand = [\"echo\", \"elapsed_s=0.1\"]\n",
    );
    let mut cmd = common::parabench();
    cmd.arg("validate")
        .arg(&file)
        .env("PARABENCH_PYTHON", "no-such-python3.99");
    run(cmd).expect_code(0);
}

#[test]
fn the_report_and_meta_name_the_interpreter_and_its_version() {
    let Some(_python) = require_python() else {
        return;
    };
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "named.toml", PY_SCENARIO);
    let out = tmp.path().join("out");
    let ran = common::run_scenario(&file, &out, &[]);
    ran.expect_code(0);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("named/meta.json")).unwrap())
            .unwrap();
    let python = &meta["interpreters"][0];
    assert_eq!(python["runs"], "py-* models");
    let version = python["version"].as_str().unwrap();
    let parts: Vec<u64> = version.split('.').map(|n| n.parse().unwrap()).collect();
    assert!(
        parts.len() == 3 && (parts[0], parts[1]) >= (3, 8),
        "{version}"
    );
    let path = python["path"].as_str().unwrap();
    let report = std::fs::read_to_string(out.join("named/report.md")).unwrap();
    let row = format!(
        "| `py-* models` run | {} {version} at `{path}` (",
        python["implementation"].as_str().unwrap()
    );
    assert!(report.contains(&row), "{row}\n{report}");
    // The model rows no longer repeat it.
    assert!(!report.contains("| `py-threading` runs |"), "{report}");
    // `validate` names it too.
    let ran = common::validate(&[&file]);
    ran.expect_code(0);
    assert!(
        ran.stdout.contains(&format!(
            "; py-* models on {} {version})",
            python["implementation"].as_str().unwrap()
        )),
        "{}",
        ran.describe()
    );
}
