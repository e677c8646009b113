//! Nothing is left out without a word: where a timeline is not recorded the report says why
//! and how to get one, failed warmup and timeline runs (which runs.csv does not hold) are
//! listed in the report and meta.json, and a shard's report says it holds one slice.

use crate::common;

use crate::common::{run_scenario, tempdir, write_scenario};

#[test]
fn a_run_over_the_recorder_s_limit_says_why_it_has_no_timeline() {
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "many.toml",
        "repeats = 1\nwarmup = 0\nworkers = [1, 2]\nmodels = [\"rayon\"]\n\n[[workload]]\nname = \"many\"\nkernel = \"noop\"\ntasks = 5_000_000\n",
    );
    let out = tmp.path().join("out");
    run_scenario(&file, &out, &[]).expect_code(0);
    let dir = out.join("many");
    assert!(!dir.join("tasks.csv").exists());
    assert!(!dir.join("many.timeline.png").exists());
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains(
            "**No timeline:** `rayon` (runs of 5000000 tasks are more than the 100000 tasks a timeline records; a workload with at most 100000 tasks per run gets one)."
        ),
        "{report}"
    );
}

#[test]
fn timeline_off_is_said_where_the_timeline_would_be() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    run_scenario(
        &common::valid("native_all_models.toml"),
        &out,
        &["--timeline", "off", "--quick", "--models", "threads"],
    )
    .expect_code(0);
    let dir = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let meta = std::fs::read_to_string(dir.join("meta.json")).unwrap();
    assert!(meta.contains("\"timeline\": \"off\""), "{meta}");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("**No timeline:** the run was made with `--timeline off`"),
        "{report}"
    );
}

#[test]
fn failed_warmup_and_timeline_runs_are_reported() {
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "flaky.toml",
        r#"
repeats = 2
warmup = 1
workers = [1]
models = ["cold-start", "no-timeline"]

[[workload]]
name = "w"
kernel = "x"
tasks = 4

# Fails its first run (the warmup), then succeeds.
[[model]]
name = "cold-start"
shell = true
command = ["if [ -e started ]; then echo elapsed_s=0.01; else touch started; echo 'cold cache' >&2; exit 3; fi"]

# Fails only in the timeline run, the one run that gets $PARABENCH_TIMELINE.
[[model]]
name = "no-timeline"
shell = true
command = ["if [ -n \"$PARABENCH_TIMELINE\" ]; then echo 'no timeline here' >&2; exit 4; fi; echo elapsed_s=0.01"]
"#,
    );
    let out = tmp.path().join("out");
    run_scenario(&file, &out, &[]).expect_code(0);
    let dir = out.join("flaky");
    let runs = common::Csv::read(&dir.join("runs.csv"));
    assert!(runs.rows.iter().all(|r| r["status"] == "ok"));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for row in [
        "| w | cold-start | 1 | warmup 0 | command failed: exit code 3 stderr: cold cache |",
        "| w | no-timeline | 1 | timeline | command failed: exit code 4 stderr: no timeline here |",
    ] {
        assert!(report.contains(row), "{row}\n{report}");
    }
    assert!(
        report.contains(
            "`no-timeline` (the timeline run failed: command failed: exit code 4 stderr: no timeline here)"
        ),
        "{report}"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let failed = meta["failed_unmeasured"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0]["run"], "warmup 0");
    assert_eq!(failed[1]["run"], "timeline");
}

#[test]
fn a_shard_s_report_says_it_holds_one_slice() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    run_scenario(&common::valid("scripted.toml"), &out, &["--shard", "1/2"]).expect_code(0);
    let report = std::fs::read_to_string(out.join("scripted/report.md")).unwrap();
    assert!(
        report.contains("**Shard 1/2:** this folder holds one slice of the matrix"),
        "{report}"
    );
}
