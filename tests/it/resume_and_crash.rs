//! `--resume` finishes an interrupted run without redoing complete cells; `--force` lifts the
//! worker-process limit; the `crash` kernel shows thread vs process isolation.

use crate::common;

use crate::common::{tempdir, write_scenario, Csv};

const TWO_MODELS: &str = r#"repeats = 4
rounds = 2
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
fn resume_keeps_complete_rounds_and_reruns_partial_ones() {
    let tmp = tempdir();
    let file = write_scenario(tmp.path(), "res.toml", TWO_MODELS);
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);
    let runs_path = out.join("res/runs.csv");
    let full = Csv::read(&runs_path);
    // 4 cells x 2 rounds, each (cell, round) a process of 2 runs.
    assert_eq!(full.rows.len(), 16);
    for r in &full.rows {
        let (repeat, round): (u32, u32) =
            (r["repeat"].parse().unwrap(), r["round"].parse().unwrap());
        assert_eq!(
            round,
            repeat / 2,
            "repeats 0-1 in round 0, 2-3 in round 1: {r:?}"
        );
    }

    // Simulate an interruption: keep the first 5 rows (2 complete rounds of cells + half of
    // the third).
    let text = std::fs::read_to_string(&runs_path).unwrap();
    let cut: Vec<&str> = text.lines().take(1 + 5).collect();
    std::fs::write(&runs_path, cut.join("\n") + "\n").unwrap();
    let kept_first = common::measured_values(&(cut[..5].join("\n") + "\n"));

    let ran = common::run_scenario(&file, &out, &["--resume"]);
    ran.expect_code(0);
    let resumed = Csv::read(&runs_path);
    assert_eq!(resumed.rows.len(), 16, "{}", ran.describe());
    let text = std::fs::read_to_string(&runs_path).unwrap();
    assert_eq!(
        common::measured_values(&text)[..4],
        kept_first[..],
        "complete rounds are kept as they were (only the host columns are derived anew)"
    );
    let partial = (
        &full.rows[4]["model"],
        &full.rows[4]["workers"],
        &full.rows[4]["round"],
    );
    for model in ["threads", "slow"] {
        for w in ["1", "2"] {
            let mut repeats: Vec<String> = resumed
                .filter(&[("model", model), ("workers", w)])
                .iter()
                .map(|r| r["repeat"].clone())
                .collect();
            repeats.sort();
            assert_eq!(
                repeats,
                ["0", "1", "2", "3"],
                "{model}@{w}: one full set of runs, no duplicates"
            );
        }
    }
    // The cut round's 2 runs were measured again, together, after the kept rows.
    let again = resumed.filter(&[
        ("model", partial.0),
        ("workers", partial.1),
        ("round", partial.2),
    ]);
    assert_eq!(again.len(), 2);
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
        16,
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
