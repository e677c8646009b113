//! The valid fixtures: they validate, their worker expressions resolve as documented (through
//! the library, against a chosen core count), and command templates substitute placeholders
//! inside single arguments, with relative paths taken from the scenario file's folder.

use crate::common;

use crate::common::{parabench, run, run_scenario, tempdir, valid, Csv};
use parabench::scenario::{self, Scaling};
use std::path::Path;

fn valid_fixtures() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(valid(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_valid_fixture_validates() {
    let files = valid_fixtures();
    assert!(files.len() >= 5, "fixtures: {files:?}");
    for f in &files {
        let mut cmd = parabench();
        cmd.arg("validate").arg(f);
        let out = run(cmd);
        out.expect_code(0);
        assert!(
            out.stdout.starts_with(&format!("ok: {}", f.display())),
            "{}",
            out.describe()
        );
        assert!(out.stderr.is_empty(), "{}", out.describe());
    }
    // All at once, too.
    let mut cmd = parabench();
    cmd.arg("validate").args(&files);
    let out = run(cmd);
    out.expect_code(0);
    assert_eq!(out.stdout.matches("ok: ").count(), files.len());
}

/// Parses a fixture through the library, as if the machine had `cores` logical cores.
fn parse_with_cores(file: &str, cores: u64) -> scenario::Scenario {
    let path = valid(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let stem = file.trim_end_matches(".toml");
    scenario::parse(
        &path,
        &text,
        stem,
        &valid(""),
        &scenario::LoadOptions {
            cores,
            force: false,
            variants: Vec::new(),
        },
    )
    .unwrap_or_else(|e| panic!("{file} with {cores} cores: {e}"))
}

fn workers_of(s: &scenario::Scenario, workload: &str) -> Vec<u64> {
    s.workloads
        .iter()
        .find(|w| w.name == workload)
        .unwrap_or_else(|| panic!("no workload {workload}"))
        .workers
        .clone()
}

#[test]
fn worker_ranges_and_core_expressions_resolve_sorted_and_deduplicated() {
    let two = parse_with_cores("ranges.toml", 2);
    assert_eq!(workers_of(&two, "to-cores"), vec![1, 2]);
    assert_eq!(workers_of(&two, "doubling"), vec![1, 2, 4, 8]);
    // [1, cores, 2*cores, cores/2, cores+1, 1] on 2 cores: 1, 2, 4, 1, 3, 1.
    assert_eq!(workers_of(&two, "core-exprs"), vec![1, 2, 3, 4]);

    let eight = parse_with_cores("ranges.toml", 8);
    assert_eq!(workers_of(&eight, "to-cores"), (1..=8).collect::<Vec<_>>());
    assert_eq!(workers_of(&eight, "doubling"), vec![1, 2, 4, 8]);
    assert_eq!(workers_of(&eight, "core-exprs"), vec![1, 4, 8, 9, 16]);

    // One core: cores/2 never drops below 1.
    let one = parse_with_cores("ranges.toml", 1);
    assert_eq!(workers_of(&one, "to-cores"), vec![1]);
    assert_eq!(workers_of(&one, "core-exprs"), vec![1, 2]);

    // The spec as written is kept for the record.
    let w = two.workloads.iter().find(|w| w.name == "doubling").unwrap();
    assert!(w.workers_spec.contains("factor = 2"), "{}", w.workers_spec);
}

#[test]
fn validate_counts_cells_with_the_machines_cores() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let s = parse_with_cores("ranges.toml", cores as u64);
    let cells: usize = s.workloads.iter().map(|w| w.workers.len()).sum();
    let mut cmd = parabench();
    cmd.arg("validate").arg(valid("ranges.toml"));
    let out = run(cmd);
    out.expect_code(0);
    assert!(
        out.stdout.contains(&format!("3 workloads, {cells} cells")),
        "expected {cells} cells on {cores} cores: {}",
        out.describe()
    );
    assert_eq!(parabench::plan::cells(&s).len(), cells);
}

#[test]
fn defaults_and_overrides_are_resolved() {
    let s = parse_with_cores("native_all_models.toml", 2);
    assert_eq!(s.name, "native_all_models");
    assert_eq!(s.workloads.len(), 3);
    for w in &s.workloads {
        assert_eq!(w.repeats, 2);
        assert_eq!(w.warmup, 0);
        assert_eq!(w.workers, vec![1, 2]);
        assert_eq!(w.models, *common::BUILTIN_MODELS);
        assert_eq!(w.baseline.as_deref(), Some("sequential"));
        assert_eq!(w.scaling, Scaling::Strong);
        assert!(w.builtin);
    }
    // sequential is measured at one worker only, every other model at 1 and 2.
    assert_eq!(
        parabench::plan::cells(&s).len(),
        3 * common::builtin_cells(2)
    );

    let weak = parse_with_cores("weak.toml", 2);
    assert!(weak.workloads.iter().all(|w| w.scaling == Scaling::Weak));
    let cells = parabench::plan::cells(&weak);
    let tasks: Vec<(String, u64, u64)> = cells
        .iter()
        .map(|c| (c.id.model.clone(), c.id.workers, c.tasks))
        .collect();
    assert!(tasks.contains(&("threads".into(), 4, 12)), "{tasks:?}");
    assert!(tasks.contains(&("constant".into(), 2, 10)), "{tasks:?}");

    let scripted =
        scenario::load(&valid("scripted.toml"), &scenario::LoadOptions::here(false)).unwrap();
    let w = &scripted.workloads[0];
    assert!(!w.builtin, "kernel `fake` is not built in");
    assert_eq!(w.workers, vec![1, 2, 4]);
    assert_eq!(scripted.commands.len(), 2);
    // Commands run in the scenario file's folder, whatever the working directory.
    for c in &scripted.commands {
        assert_eq!(c.dir, valid("").canonicalize().unwrap());
    }
}

#[test]
fn the_scenario_name_defaults_to_the_file_stem() {
    let tmp = tempdir();
    let path = common::write_scenario(
        tmp.path(),
        "my-stem.toml",
        "[[workload]]\nname = \"n\"\nkernel = \"noop\"\ntasks = 2\n",
    );
    let s = scenario::load(&path, &scenario::LoadOptions::here(false)).unwrap();
    assert_eq!(s.name, "my-stem");
    assert_eq!(s.workloads[0].repeats, 5, "documented default repeats");
    assert_eq!(s.workloads[0].warmup, 1, "documented default warmup");
    assert_eq!(s.sha256.len(), 64);
}

#[test]
fn placeholders_stay_inside_one_argument_and_paths_resolve_against_the_scenario() {
    // Run from an unrelated working directory: `./check_args.sh` and `check_args.sh` must
    // still be found next to the scenario file, and the programs run in that folder.
    let tmp = tempdir();
    let elsewhere = tmp.path().join("cwd");
    std::fs::create_dir(&elsewhere).unwrap();
    let out_dir = tmp.path().join("out");
    let mut cmd = parabench();
    cmd.current_dir(&elsewhere)
        .arg("run")
        .arg(valid("command_args.toml"))
        .arg("-o")
        .arg(&out_dir)
        .arg("--no-progress");
    let out = run(cmd);
    out.expect_code(0);
    let runs = Csv::read(&out_dir.join("command_args/runs.csv"));
    assert_eq!(runs.rows.len(), 3, "one run each of three models");
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        assert_eq!(r["checksum"], "5", "{r:?}");
        assert_eq!(r["error"], "", "{r:?}");
    }
    let mut models: Vec<&str> = runs.rows.iter().map(|r| r["model"].as_str()).collect();
    models.sort_unstable();
    assert_eq!(models, ["inline", "script", "via-sh"]);
    assert!(
        std::fs::read_dir(&elsewhere).unwrap().next().is_none(),
        "nothing may be written into the working directory"
    );
}

#[test]
fn the_check_script_really_rejects_wrong_arguments() {
    // Guards the guard: check_args.sh fails when an argument is split or changed.
    let script = valid("check_args.sh");
    let ok = std::process::Command::new("sh")
        .current_dir(valid(""))
        .arg(&script)
        .args(["a b", "x2y", "{literal}", "0.5/true/3/echo/args/script"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).ends_with("checksum=5\n"));
    let split = std::process::Command::new("sh")
        .current_dir(valid(""))
        .arg(&script)
        .args(["a", "b", "x2y", "{literal}", "0.5/true/3/echo/args/script"])
        .output()
        .unwrap();
    assert!(!split.status.success());
    let wrong_dir = std::process::Command::new("sh")
        .current_dir(Path::new("/"))
        .arg(&script)
        .args(["a b", "x2y", "{literal}", "0.5/true/3/echo/args/script"])
        .output()
        .unwrap();
    assert!(!wrong_dir.status.success());
}

#[test]
fn a_shell_model_runs_its_template_through_sh() {
    let tmp = tempdir();
    let scenario = common::write_scenario(
        tmp.path(),
        "shell.toml",
        r#"
repeats = 1
warmup = 0
workers = [3]
models = ["piped"]

[[workload]]
name = "w"
kernel = "ext"
tasks = 7

[[model]]
name = "piped"
shell = true
command = ["echo", "{tasks}", "|", "awk", "'{{ print \"checksum=\" $1 * {workers} }}'"]
"#,
    );
    let out_dir = tmp.path().join("out");
    run_scenario(&scenario, &out_dir, &[]).expect_code(0);
    let runs = Csv::read(&out_dir.join("shell/runs.csv"));
    assert_eq!(runs.rows.len(), 1);
    assert_eq!(runs.rows[0]["status"], "ok", "{:?}", runs.rows[0]);
    assert_eq!(runs.rows[0]["checksum"], "21");
}
