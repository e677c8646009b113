//! A command model's output in constant memory: its stdout and stderr go to scratch files of
//! which only the end is read after it exits, so a program that prints hundreds of MB leaves
//! parabench (scheduler and cell process) small; a program that writes more than the output
//! limit fails its own runs and every other row is kept.
//!
//! This file is its own test binary on purpose: the peak RSS of a process's reaped
//! descendants (`getrusage(RUSAGE_CHILDREN)`) then covers only the parabench runs started
//! here, none of which is large unless the output is held in memory.

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
/// and the peak RSS, in KiB, of it and every process it started and reaped. Measured with
/// `wait4` on that one child: the test binary runs many tests at once, so the whole test
/// process's `RUSAGE_CHILDREN` would include other tests' children.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its rusage"
)]
fn run_measuring_peak_kb(scenario: &Path, out: &Path, extra: &[&str]) -> (i32, u64) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("parabench"))
        .arg("run")
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .arg("--no-progress")
        .args(extra)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("parabench starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 reaps our own child `pid` and writes into the zeroed struct it is given;
    // `child` is never waited on again (dropping a `Child` does not wait).
    let (reaped, ru) = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        (libc::wait4(pid, &mut status, 0, &mut ru), ru)
    };
    assert_eq!(reaped, pid, "wait4 on parabench");
    assert!(libc::WIFEXITED(status), "parabench did not exit: {status}");
    (libc::WEXITSTATUS(status), ru.ru_maxrss as u64)
}

#[test]
fn hundreds_of_mb_of_output_keep_parabench_small_and_the_row_right() {
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
    let (code, peak_kb) =
        run_measuring_peak_kb(&scenario, &out, &["--timeline", "off", "--charts", "none"]);
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
