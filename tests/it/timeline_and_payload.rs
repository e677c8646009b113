//! The timeline (`--timeline`, `tasks.csv`, `<workload>.timeline.{png,svg}`) and the `payload`
//! kernel, end to end over small scenarios. No timing assertions: shapes, counts, and the
//! order of times within one run only.

use crate::common::{
    num, parabench, run, run_scenario, some_text_has, svg_texts, tempdir, write_scenario, Csv,
    BUILTIN_MODELS,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The columns of `tasks.csv`, in order.
const TASK_COLUMNS: &[&str] = &[
    "scenario",
    "workload",
    "model",
    "workers",
    "repeat",
    "worker",
    "task",
    "start_s",
    "end_s",
    "run_wall_s",
    "window_start_s",
    "window_s",
];

const TASKS: u64 = 6;

fn scenario(dir: &Path) -> PathBuf {
    write_scenario(
        dir,
        "tl.toml",
        &format!(
            r#"
repeats = 2
warmup = 0
workers = [1, 2]

[[workload]]
name = "primes"
kernel = "primes"
tasks = {TASKS}
limit = 2000

[[workload]]
name = "payload"
kernel = "payload"
tasks = 5
bytes = 3000
"#
        ),
    )
}

fn run_tl(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let file = scenario(tmp.path());
    let out = tmp.path().join("out");
    run_scenario(&file, &out, extra).expect_code(0);
    (tmp, out.join("tl"))
}

#[test]
fn default_timeline_records_each_models_largest_cell_once() {
    let (_tmp, dir) = run_tl(&[]);
    let tasks = Csv::read(&dir.join("tasks.csv"));
    assert_eq!(tasks.header, TASK_COLUMNS);
    let runs = Csv::read(&dir.join("runs.csv"));
    assert_eq!(
        runs.rows.len(),
        2 * crate::common::builtin_cells(2) * 2,
        "the timeline run is not a measured run"
    );
    for m in BUILTIN_MODELS.iter() {
        let rows = tasks.filter(&[("workload", "primes"), ("model", m)]);
        let fixed = parabench::model::find(m).and_then(|m| m.fixed_workers());
        let workers = fixed.unwrap_or(2);
        assert_eq!(rows.len() as u64, TASKS, "{m}: one row per task");
        let mut seen = BTreeSet::new();
        for r in &rows {
            assert_eq!(r["scenario"], "tl");
            assert_eq!(
                num(r, "workers"),
                workers as f64,
                "{m}: the largest cell only"
            );
            assert_eq!(r["repeat"], "2", "{m}: one run after the 2 measured ones");
            // A row of the cell's workers; not that every row got a task: work-queue models
            // (threads) may hand all six to one worker on a busy machine.
            assert!(num(r, "worker") < workers as f64, "{m}: {r:?}");
            let (start, end) = (num(r, "start_s"), num(r, "end_s"));
            assert!(0.0 <= start && start <= end, "{m}: {r:?}");
            assert!(
                end <= num(r, "run_wall_s") + 1e-3,
                "{m}: ends within the run"
            );
            seen.insert(r["task"].clone());
        }
        let all: BTreeSet<String> = (0..TASKS).map(|i| i.to_string()).collect();
        assert_eq!(seen, all, "{m}: every task exactly once");
    }

    for w in ["primes", "payload"] {
        assert!(std::fs::read(dir.join(format!("{w}.timeline.png")))
            .unwrap()
            .starts_with(b"\x89PNG"));
        let texts = svg_texts(&dir.join(format!("{w}.timeline.svg")));
        assert!(some_text_has(
            &texts,
            &format!("tl / {w}: which worker runs which task when")
        ));
        assert!(some_text_has(&texts, "time since the run"));
        for m in BUILTIN_MODELS.iter() {
            assert!(
                texts.iter().any(|t| t.split_whitespace().next() == Some(m)),
                "{w}: no lane for {m}: {texts:?}"
            );
        }
        assert!(some_text_has(&texts, "2 processes, a "), "lane detail");
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("![Timeline of primes](primes.timeline.png)"));
    assert!(
        report.contains("`threads`@2"),
        "the caption names the cells"
    );
    assert!(report.contains("`tasks.csv`"));
}

#[test]
fn timeline_off_writes_no_tasks_and_no_chart() {
    let (_tmp, dir) = run_tl(&["--timeline", "off"]);
    assert!(!dir.join("tasks.csv").exists());
    assert!(!dir.join("primes.timeline.png").exists());
    assert!(!dir.join("primes.timeline.svg").exists());
    assert!(dir.join("primes.speedup.png").exists());
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    // No chart is linked, and the place of the timeline says why there is none.
    assert!(!report.contains("timeline.png"), "{report}");
    assert!(
        report.contains("**No timeline:** the run was made with `--timeline off`"),
        "{report}"
    );
}

#[test]
fn timeline_all_records_every_cell_and_plot_redraws_it() {
    let (_tmp, dir) = run_tl(&["--timeline", "all", "--workloads", "primes"]);
    let tasks = Csv::read(&dir.join("tasks.csv"));
    // Every built-in model at 1 and 2 workers (sequential once), each its last run's tasks.
    assert_eq!(
        tasks.rows.len() as u64,
        crate::common::builtin_cells(2) as u64 * TASKS
    );
    assert_eq!(
        tasks.filter(&[("model", "rayon"), ("workers", "1")]).len(),
        6
    );

    for ext in ["png", "svg"] {
        std::fs::remove_file(dir.join(format!("primes.timeline.{ext}"))).unwrap();
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let mut cmd = parabench();
    cmd.arg("plot").arg(&dir);
    run(cmd).expect_code(0);
    assert!(dir.join("primes.timeline.png").is_file(), "plot redraws it");
    assert!(dir.join("primes.timeline.svg").is_file());
    let again = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert_eq!(report, again, "the report is the same from tasks.csv");
}

#[test]
fn resume_keeps_the_recorded_tasks_of_finished_cells() {
    let tmp = tempdir();
    let file = scenario(tmp.path());
    let out = tmp.path().join("out");
    run_scenario(&file, &out, &["--workloads", "primes"]).expect_code(0);
    let before = std::fs::read_to_string(out.join("tl/tasks.csv")).unwrap();
    run_scenario(&file, &out, &["--workloads", "primes", "--resume"]).expect_code(0);
    let after = std::fs::read_to_string(out.join("tl/tasks.csv")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn timeline_flag_is_checked() {
    let tmp = tempdir();
    let file = scenario(tmp.path());
    let out = run_scenario(&file, &tmp.path().join("out"), &["--timeline", "some"]);
    out.expect_code(2);
    assert!(out.stderr.contains("default"), "{}", out.describe());
}

#[test]
fn every_model_returns_the_same_payload_checksum() {
    let (_tmp, dir) = run_tl(&["--workloads", "payload"]);
    let runs = Csv::read(&dir.join("runs.csv"));
    assert_eq!(runs.rows.len(), crate::common::builtin_cells(2) * 2);
    for r in &runs.rows {
        assert_eq!(r["status"], "ok", "{r:?}");
        // Python: sum(zlib.crc32(bytes((i + k) % 256 for k in range(3000))) for i in range(5))
        assert_eq!(r["checksum"], "11896591685", "{r:?}");
    }
}

#[test]
fn payload_is_listed_with_its_parameter() {
    let mut cmd = parabench();
    cmd.arg("list").arg("kernels");
    let out = run(cmd);
    out.expect_code(0);
    assert!(out.stdout.contains("payload"), "{}", out.stdout);
    assert!(out
        .stdout
        .contains("bytes = 65536 (default; 0 to 268435456)"));
}
