//! The quiet harness: the cell process runs only on the scheduler's `go` and says nothing until
//! a run has ended; every run records how much it was disturbed (run-queue wait, CPU
//! migrations, context switches), and what cannot be measured is an empty column plus one
//! line in the report, never an error.

use crate::common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIO: &str = r#"repeats = 2
warmup = 0
workers = [1, 2]
models = ["sequential", "threads", "processes", "say"]

[[workload]]
name = "spin"
kernel = "spin"
tasks = 4
iters = 10000

[[model]]
name = "say"
command = ["true"]
"#;

#[test]
fn every_built_in_run_records_its_run_queue_wait_and_commands_leave_it_empty() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "quiet.toml", SCENARIO);
    let out = tmp.path().join("out");
    run_scenario(&file, &out, &["--timeline", "off"]).expect_code(0);
    let runs = Csv::read(&out.join("quiet/runs.csv"));
    assert_eq!(runs.header, RUNS_COLUMNS);
    // Linux with schedstat (every CI machine): the built-in models' threads and worker
    // processes each read their own wait; an external program's threads cannot be seen.
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").is_ok();
    assert!(
        schedstat,
        "this test expects Linux with /proc/thread-self/schedstat"
    );
    for r in &runs.rows {
        let wait = &r["runq_wait_s"];
        if r["model"] == "say" {
            assert_eq!(wait, "", "commands: {r:?}");
        } else {
            let w: f64 = wait.parse().unwrap_or_else(|_| panic!("a number: {r:?}"));
            assert!((0.0..1.0).contains(&w), "{r:?}");
        }
    }
    let summary = Csv::read(&out.join("quiet/summary.csv"));
    for col in ["runq_wait_s", "cpu_migrations", "ctx_switches"] {
        assert!(summary.header.iter().any(|h| h == col), "{col}");
    }
}

#[test]
fn measurements_that_are_switched_off_leave_empty_columns_and_one_report_line() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "quiet.toml", SCENARIO);
    let out = tmp.path().join("out");
    let mut cmd = parabench();
    cmd.args(["run", "--no-progress", "--timeline", "off", "-o"])
        .arg(&out)
        .arg(&file)
        .env("PARABENCH_DISABLE_PROBES", "runq,perf");
    run(cmd).expect_code(0);
    let runs = Csv::read(&out.join("quiet/runs.csv"));
    for r in &runs.rows {
        for col in ["runq_wait_s", "cpu_migrations", "ctx_switches"] {
            assert_eq!(r[col], "", "{col}: {r:?}");
        }
        assert_eq!(r["status"], "ok");
    }
    let report = std::fs::read_to_string(out.join("quiet/report.md")).unwrap();
    let lines: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("Not measured on this machine"))
        .collect();
    assert_eq!(lines.len(), 1, "{report}");
    assert!(
        lines[0].contains("switched off by PARABENCH_DISABLE_PROBES"),
        "{}",
        lines[0]
    );
}

/// Reads one line, failing the test if none comes within `limit`.
fn line_within(rx: &std::sync::mpsc::Receiver<String>, limit: Duration) -> String {
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("no line from the cell process within {limit:?}"))
}

#[test]
fn a_cell_process_runs_only_on_go_and_reports_only_when_a_run_has_ended() {
    let request = serde_json::json!({
        "cell": {
            "id": { "workload": "w", "model": "threads", "workers": 2 },
            "workload": {
                "name": "w", "description": "", "kernel": "noop", "builtin": true,
                "tasks": 100, "params": {}, "repeats": 2, "warmup": 1, "workers": [2],
                "workers_spec": "[2]", "models": ["threads"], "baseline": null,
                "scaling": "strong", "timeout_s": null
            },
            "command": null, "tasks": 100, "timeline": false
        },
        "first_repeat": 0, "end_repeat": 2, "timeline": false, "settle_us": 0, "warmup": 1, "warmup_tasks": null
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_parabench"))
        .arg("__cell")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{request}").unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let ready = line_within(&rx, Duration::from_secs(20));
    assert!(ready.starts_with(r#"{"ready":"#), "{ready}");
    // Without `go`, nothing runs: the warmup of 100 noop tasks would take microseconds.
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "the cell process ran before it was told to"
    );
    let mut seen = Vec::new();
    for expect in [r#"{"warmup":"#, r#"{"run":"#, r#"{"run":"#] {
        let sent = Instant::now();
        writeln!(stdin, "go").unwrap();
        let line = line_within(&rx, Duration::from_secs(20));
        assert!(line.starts_with(expect), "{line}");
        // One line per run, and nothing more until the next `go`.
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        seen.push((line, sent.elapsed()));
    }
    let run: serde_json::Value = serde_json::from_str(&seen[1].0).unwrap();
    assert_eq!(run["run"]["checksum"], 4950, "sum of 0..100");
    assert_eq!(run["run"]["repeat"], 0);
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
