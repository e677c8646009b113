//! `--resume` finishes an interrupted run without redoing complete cells; `--force` lifts the
//! worker-process limit; the `crash` kernel shows thread vs process isolation.

mod common;

use common::{tempdir, write_scenario, Csv};

const TWO_MODELS: &str = r#"repeats = 2
warmup = 0
workers = [1, 2]
models = ["threads", "slow"]

[[workload]]
name = "n"
kernel = "noop"
tasks = 10

[[model]]
name = "slow"
command = ["sh", "-c", "echo elapsed_s=0.001 checksum=45"]
"#;

#[test]
fn resume_keeps_complete_cells_and_reruns_partial_ones() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "res.toml", TWO_MODELS);
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);
    let runs_path = out.join("res/runs.csv");
    let full = Csv::read(&runs_path);
    assert_eq!(full.rows.len(), 8);

    // Simulate an interruption: keep the first 5 rows (2 complete cells + half of the third).
    let text = std::fs::read_to_string(&runs_path).unwrap();
    let cut: Vec<&str> = text.lines().take(1 + 5).collect();
    std::fs::write(&runs_path, cut.join("\n") + "\n").unwrap();
    let kept_first: Vec<String> = cut[1..5].iter().map(|s| s.to_string()).collect();

    let ran = common::run_scenario(&file, &out, &["--resume"]);
    ran.expect_code(0);
    let resumed = Csv::read(&runs_path);
    assert_eq!(resumed.rows.len(), 8, "{}", ran.describe());
    let text = std::fs::read_to_string(&runs_path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[1..5],
        &kept_first[..],
        "complete cells are kept as they were"
    );
    for model in ["threads", "slow"] {
        for w in ["1", "2"] {
            let n = resumed.filter(&[("model", model), ("workers", w)]).len();
            assert_eq!(n, 2, "{model}@{w}: one full set of runs, no duplicates");
        }
    }
    assert!(std::fs::read_to_string(out.join("res/meta.json"))
        .unwrap()
        .contains("\"ending\": \"complete\""));
}

#[test]
fn resume_refuses_a_changed_scenario_and_starts_fresh_without_a_run() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "res.toml", TWO_MODELS);
    let out = tmp.path().join("out");
    let fresh = common::run_scenario(&file, &out, &["--resume"]);
    fresh.expect_code(0);
    assert!(
        fresh.stderr.contains("nothing to resume"),
        "{}",
        fresh.describe()
    );

    write_scenario(
        tmp.path(),
        "res.toml",
        &TWO_MODELS.replace("tasks = 10", "tasks = 11"),
    );
    let ran = common::run_scenario(&file, &out, &["--resume"]);
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("different version of scenario `res`"),
        "{}",
        ran.describe()
    );
    assert_eq!(
        Csv::read(&out.join("res/runs.csv")).rows.len(),
        8,
        "the earlier run is untouched"
    );
}

#[test]
fn force_lifts_the_process_limit() {
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "many.toml",
        "workers = [300]\nmodels = [\"processes\"]\n[[workload]]\nname = \"n\"\nkernel = \"noop\"\ntasks = 2\n",
    );
    let refused = common::validate(&[&file]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("--force"), "{}", refused.describe());
    let mut cmd = common::parabench();
    cmd.arg("validate").arg(&file).arg("--force");
    common::run(cmd).expect_code(0);
}

#[test]
fn a_crash_fails_only_its_run_and_an_abort_in_a_worker_process_is_reported_by_the_coordinator() {
    let scenario = common::root().join("scenarios/crash-isolation.toml");
    let tmp = tempdir();
    let ran = common::run_scenario(
        &scenario,
        tmp.path(),
        &["--repeats", "1", "--models", "threads,processes"],
    );
    ran.expect_code(1);
    let runs = Csv::read(&tmp.path().join("crash-isolation/runs.csv"));
    assert_eq!(runs.rows.len(), 4, "every run has its row");
    assert!(runs.rows.iter().all(|r| r["status"] == "error"));
    let err = |w: &str, m: &str| runs.filter(&[("workload", w), ("model", m)])[0]["error"].clone();
    assert!(err("panic", "threads").contains("worker thread panicked: crash kernel: task 3"));
    assert!(
        err("abort", "threads").contains("cell process ended early"),
        "{}",
        err("abort", "threads")
    );
    assert!(
        err("abort", "processes").contains("killed by signal 6 (SIGABRT)"),
        "{}",
        err("abort", "processes")
    );
    assert!(
        err("panic", "processes").contains("panicked on purpose"),
        "{}",
        err("panic", "processes")
    );
    let report = std::fs::read_to_string(tmp.path().join("crash-isolation/report.md")).unwrap();
    assert!(report.contains("## Failed runs"));
}
