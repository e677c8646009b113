//! A command model's output in constant memory: its stdout and stderr go to scratch files of
//! which only the end is read after it exits, so a program that prints hundreds of MB leaves
//! parabench (scheduler and cell process) small; a program that writes more than the output
//! limit fails its own runs and every other row is kept.
//!
//! Peak memory is measured by a small Python process around each parabench run (see
//! `run_measuring_peak_kb`).

use crate::common;

use crate::common::{run_scenario, tempdir, Csv};
use std::path::Path;

/// Bytes the chatty command prints: `PARABENCH_TEST_OUTPUT_MB` MB, or 300 MB.
fn output_bytes() -> u64 {
    std::env::var("PARABENCH_TEST_OUTPUT_MB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(300)
        * 1_000_000
}

fn write_scenario(dir: &Path, body: &str) -> std::path::PathBuf {
    let path = dir.join("chatty.toml");
    std::fs::write(&path, body).unwrap();
    path
}

/// Runs `parabench run <scenario> -o <out> --no-progress <extra>` and returns its exit code
/// and the peak RSS, in KiB, of it and every process it started and reaped. Measured by a
/// small Python process that starts parabench and reads its own `RUSAGE_CHILDREN`: a process
/// started straight from this test binary would carry the test process's own peak into its
/// `ru_maxrss` (the kernel keeps the larger of the old and the new memory at exec), and the
/// test binary runs many tests at once, some of them large.
fn run_measuring_peak_kb(python: &str, scenario: &Path, out: &Path, extra: &[&str]) -> (i32, u64) {
    const MEASURE: &str = "import resource, subprocess, sys\n\
        code = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, \
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n\
        print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let done = std::process::Command::new(python)
        .arg("-c")
        .arg(MEASURE)
        .arg(assert_cmd::cargo::cargo_bin("parabench"))
        .arg("run")
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .arg("--no-progress")
        .args(extra)
        .output()
        .expect("python3 starts");
    let text = String::from_utf8_lossy(&done.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<i64>().ok());
    match (fields.next().flatten(), fields.next().flatten()) {
        (Some(code), Some(peak_kb)) => (code as i32, peak_kb as u64),
        _ => panic!(
            "the measuring python printed {text:?}: {}",
            String::from_utf8_lossy(&done.stderr)
        ),
    }
}

#[test]
fn hundreds_of_mb_of_output_keep_parabench_small_and_the_row_right() {
    let Some(python) = common::require_python() else {
        return; // PARABENCH_TESTS_WITHOUT_PYTHON=1: skipped, and require_python said so
    };
    let tmp = tempdir();
    let bytes = output_bytes();
    let scenario = write_scenario(
        tmp.path(),
        &format!(
            r#"
repeats = 2
warmup = 0
workers = [1]
models = ["chatty"]

[[workload]]
name = "flood"
kernel = "flood"
tasks = 1

[[model]]
name = "chatty"
command = ["sh", "-c", "head -c {bytes} /dev/zero | tr '\\0' x; echo; echo 'elapsed_s=0.25 checksum=7'"]
"#
        ),
    );
    let out = tmp.path().join("out");
    let (code, peak_kb) = run_measuring_peak_kb(
        &python,
        &scenario,
        &out,
        &["--timeline", "off", "--charts", "none"],
    );
    assert_eq!(code, 0, "parabench run failed");
    assert!(
        peak_kb < 100 * 1024,
        "parabench (or a process it started) peaked at {} MiB while a command printed {} MB",
        peak_kb / 1024,
        bytes / 1_000_000
    );
    let runs = Csv::read(&out.join("chatty/runs.csv"));
    assert_eq!(
        runs.project(&["model", "status", "checksum", "reported_s", "error"]),
        vec![vec!["chatty", "ok", "7", "0.25", ""]; 2]
    );
}

/// A scenario with a `chatty` command that writes 3 MB to `stream` and then reports, and a
/// `quiet` one that only reports, under an output limit of 1 MiB.
fn limited(stream: &str) -> String {
    let redirect = if stream == "stderr" { " >&2" } else { "" };
    format!(
        r#"
repeats = 2
warmup = 0
workers = [1]
models = ["chatty", "quiet"]
output_limit_mb = 1

[[workload]]
name = "flood"
kernel = "flood"
tasks = 1

[[model]]
name = "chatty"
command = ["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x{redirect}; echo 'elapsed_s=0.5 checksum=1'"]

[[model]]
name = "quiet"
command = ["echo", "elapsed_s=0.5 checksum=1"]
"#
    )
}

#[test]
fn a_command_over_the_output_limit_fails_its_own_runs_only() {
    for stream in ["stdout", "stderr"] {
        let tmp = tempdir();
        let scenario = write_scenario(tmp.path(), &limited(stream));
        let out = tmp.path().join("out");
        let ran = run_scenario(&scenario, &out, &[]);
        ran.expect_code(1);
        let runs = Csv::read(&out.join("chatty/runs.csv"));
        let chatty = runs.filter(&[("model", "chatty")]);
        assert_eq!(chatty.len(), 2, "{}", ran.describe());
        for r in chatty {
            assert_eq!(r["status"], "error");
            assert!(
                r["error"].starts_with(&format!(
                    "the command hit the output limit: its {stream} reached 1 MiB ("
                )) && r["error"].contains("raise output_limit_mb (0: no limit)"),
                "{}",
                r["error"]
            );
        }
        let quiet = runs.filter(&[("model", "quiet"), ("status", "ok")]);
        assert_eq!(quiet.len(), 2, "{}", ran.describe());
    }
}

#[test]
fn the_environment_overrides_the_output_limit() {
    let tmp = tempdir();
    let scenario = write_scenario(tmp.path(), &limited("stdout"));
    let out = tmp.path().join("out");
    let mut cmd = common::parabench();
    cmd.arg("run")
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .args(["--no-progress"])
        .env("PARABENCH_OUTPUT_LIMIT_MB", "0");
    common::run(cmd).expect_code(0);
    let runs = Csv::read(&out.join("chatty/runs.csv"));
    assert!(runs.rows.iter().all(|r| r["status"] == "ok"));

    // A limit from the environment names the environment in the error.
    let mut cmd = common::parabench();
    cmd.arg("run")
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .args(["--no-progress"])
        .env("PARABENCH_OUTPUT_LIMIT_MB", "2");
    common::run(cmd).expect_code(1);
    let runs = Csv::read(&out.join("chatty/runs.csv"));
    let failed = runs.filter(&[("model", "chatty")]);
    assert!(
        failed[0]["error"].contains("its stdout reached 2 MiB")
            && failed[0]["error"].contains("raise PARABENCH_OUTPUT_LIMIT_MB"),
        "{}",
        failed[0]["error"]
    );
}

#[test]
fn a_failing_command_s_error_quotes_the_end_of_a_long_stderr() {
    let tmp = tempdir();
    let scenario = write_scenario(
        tmp.path(),
        r#"
repeats = 1
warmup = 0
workers = [1]
models = ["noisy"]

[[workload]]
name = "w"
kernel = "x"
tasks = 1

[[model]]
name = "noisy"
command = ["sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' y >&2; echo >&2; echo 'boom: the last line' >&2; exit 3"]
"#,
    );
    let out = tmp.path().join("out");
    let ran = run_scenario(&scenario, &out, &["--timeline", "off", "--charts", "none"]);
    ran.expect_code(1);
    let runs = Csv::read(&out.join("chatty/runs.csv"));
    assert_eq!(
        runs.project(&["status", "error"]),
        vec![vec![
            "error",
            "command failed: exit code 3 stderr: boom: the last line"
        ]]
    );
}
