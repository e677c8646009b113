//! Faults from outside the measured code: Ctrl-C and SIGTERM mid-run, a command or worker
//! process killed by a signal, a cell process that dies, and a second run into the same
//! output folder. Every run writes into a temporary folder; the only time bounds are generous
//! shape checks ("stopped within 5 s"), never measurements.

use crate::common;

use crate::common::{measured_values, run_scenario, tempdir, write_scenario, Csv, RUNS_COLUMNS};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// ---------------------------------------------------------------------------------------------
// Helpers: processes by command line (/proc, like `pgrep -f`), polling, a spawned parabench.

/// Processes (pid, command line) whose command line contains `needle`, this test's own
/// process excluded. Zombies have an empty command line and so never match. Without /proc
/// the test fails: "no process left" would otherwise hold vacuously.
fn processes_matching(needle: &str) -> Vec<(u32, String)> {
    let me = std::process::id();
    let mut found = Vec::new();
    let entries = std::fs::read_dir("/proc")
        .unwrap_or_else(|e| panic!("these tests need /proc to see processes: {e}"));
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(raw) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push((pid, cmdline.trim_end().to_string()));
        }
    }
    found
}

/// The parent pid of `pid`, from /proc/<pid>/stat (the field after the `(comm)`).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = &stat[stat.rfind(')')? + 1..];
    after_comm.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `ancestor` is `pid`'s parent, grandparent, ...
fn descends_from(pid: u32, ancestor: u32) -> bool {
    let mut p = pid;
    for _ in 0..16 {
        match parent_of(p) {
            Some(parent) if parent == ancestor => return true,
            Some(parent) if parent > 1 => p = parent,
            _ => return false,
        }
    }
    false
}

fn send(pid: u32, sig: libc::c_int) {
    // SAFETY: sending a signal to a process this test started has no memory effects.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// Polls `f` every 20 ms until it returns `Some`, or `None` after `limit`.
fn poll<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let until = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A number unique to this test process and call, for markers in command lines.
fn unique(tag: u32) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{tag}{}{:06}", std::process::id(), nanos % 1_000_000)
}

/// Data rows in a CSV file so far (0 when it does not exist yet).
fn data_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
        .unwrap_or(0)
        .saturating_sub(1)
}

/// `parabench run <scenario> -o <out> --no-progress`, running in the background, with stdout
/// and stderr going to files beside the scenario (not in the output folder).
struct Background {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Background {
    fn start(scenario: &Path, out: &Path) -> Background {
        let dir = scenario.parent().unwrap();
        let (stdout, stderr) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
        let child = Command::new(env!("CARGO_BIN_EXE_parabench"))
            .arg("run")
            .arg(scenario)
            .arg("-o")
            .arg(out)
            .arg("--no-progress")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("parabench starts");
        Background {
            child,
            stdout,
            stderr,
        }
    }

    fn describe(&self) -> String {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            read(&self.stdout),
            read(&self.stderr)
        )
    }

    /// The exit status if parabench has ended.
    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Waits up to `limit` for parabench to end; kills it and fails the test otherwise.
    #[track_caller]
    fn wait_at_most(&mut self, limit: Duration, what: &str) -> ExitStatus {
        match poll(limit, || self.exited()) {
            Some(status) => status,
            None => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "parabench did not end within {limit:?} {what}\n{}",
                    self.describe()
                );
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Kills (and reports) processes a failed test left behind, so they do not outlive it.
fn reap_leftovers(needle: &str) -> Vec<(u32, String)> {
    let left = processes_matching(needle);
    for (pid, _) in &left {
        send(*pid, libc::SIGKILL);
    }
    left
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C and SIGTERM mid-run.

/// Model `quick` finishes its 3 runs at once; model `stuck` then sleeps for 30 s while the
/// file `hang` exists beside the scenario (so a later `--resume`, with the same scenario text,
/// can finish). The sleep's unusual duration marks its processes (`sh` and `sleep`).
fn stuck_scenario(sleep_s: &str) -> String {
    format!(
        r#"name = "fault"
order = "cells"
repeats = 3
warmup = 0
workers = [1]
models = ["quick", "stuck"]

[[workload]]
name = "w"
kernel = "external"
tasks = 1

[[model]]
name = "quick"
command = ["sh", "-c", "echo elapsed_s=0.001 checksum=1"]

[[model]]
name = "stuck"
command = ["sh", "-c", "if [ -e hang ]; then sleep {sleep_s}; fi; echo elapsed_s=0.001 checksum=1"]
"#
    )
}

/// Runs the stuck scenario, sends `sig` once `quick`'s rows are written and `stuck`'s sleep
/// is running, and checks the interrupted run's outputs. Returns the temporary folder, the
/// scenario file, the output folder and the `runs.csv` text at the interruption.
fn interrupt_mid_run(sig: libc::c_int, tag: u32) -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let tmp = tempdir();
    let sleep_s = format!("30.{}", unique(tag));
    let marker = format!("sleep {sleep_s}");
    let file = write_scenario(tmp.path(), "fault.toml", &stuck_scenario(&sleep_s));
    std::fs::write(tmp.path().join("hang"), "").unwrap();
    let out = tmp.path().join("out");
    let run_dir = out.join("fault");
    let runs_path = run_dir.join("runs.csv");

    let mut bg = Background::start(&file, &out);
    let ready = poll(Duration::from_secs(20), || {
        if let Some(status) = bg.exited() {
            return Some(Err(status));
        }
        let rows_in = data_lines(&runs_path) >= 3;
        let sleeping = processes_matching(&marker)
            .iter()
            .any(|(_, c)| c.starts_with("sleep "));
        (rows_in && sleeping).then_some(Ok(()))
    });
    match ready {
        Some(Ok(())) => {}
        Some(Err(status)) => panic!(
            "parabench ended ({status}) before it could be interrupted\n{}",
            bg.describe()
        ),
        None => {
            reap_leftovers(&marker);
            panic!(
                "within 20 s, runs.csv did not get quick's 3 rows or stuck's sleep did not start\n{}",
                bg.describe()
            );
        }
    }
    let at_signal = std::fs::read_to_string(&runs_path).unwrap();

    send(bg.child.id(), sig);
    let status = bg.wait_at_most(Duration::from_secs(10), "of the signal");
    let described = bg.describe();
    assert_eq!(status.code(), Some(130), "{status}\n{described}");
    let stderr = std::fs::read_to_string(&bg.stderr).unwrap();
    assert!(stderr.contains("interrupted"), "{described}");
    assert!(stderr.contains("--resume"), "{described}");

    // No orphans: the cell process, its `sh` and its `sleep` are all gone (within 2 s).
    let orphans = poll(Duration::from_secs(2), || {
        processes_matching(&marker).is_empty().then_some(())
    });
    if orphans.is_none() {
        let left = reap_leftovers(&marker);
        panic!("processes outlived the interrupted run: {left:?}\n{described}");
    }

    // Every completed row is kept, in a valid runs.csv; the interrupted run has no row.
    let runs = Csv::read(&runs_path);
    assert_eq!(runs.header, RUNS_COLUMNS, "{described}");
    assert_eq!(runs.rows.len(), 3, "exactly quick's 3 runs\n{described}");
    let quick = runs.filter(&[("model", "quick"), ("status", "ok")]);
    assert_eq!(quick.len(), 3, "{described}");
    let repeats: BTreeSet<&str> = quick.iter().map(|r| r["repeat"].as_str()).collect();
    assert_eq!(repeats, BTreeSet::from(["0", "1", "2"]));
    assert_eq!(
        std::fs::read_to_string(&runs_path).unwrap(),
        at_signal,
        "runs.csv is unchanged by the interruption"
    );

    // The summary, report, metadata and charts are written for the completed runs.
    let summary = Csv::read(&run_dir.join("summary.csv"));
    assert!(
        summary.filter(&[("model", "quick"), ("runs", "3")]).len() == 1,
        "summary.csv has quick's cell: {:?}",
        summary.rows
    );
    assert!(run_dir.join("report.md").is_file());
    let meta = std::fs::read_to_string(run_dir.join("meta.json")).unwrap();
    assert!(meta.contains("\"ending\": \"interrupted\""), "{meta}");
    for chart in ["speedup", "time"] {
        for ext in ["png", "svg"] {
            let p = run_dir.join(format!("w.{chart}.{ext}"));
            assert!(p.is_file(), "missing {}", p.display());
        }
    }
    let names: Vec<String> = std::fs::read_dir(&run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "temporary files left: {names:?}"
    );
    (tmp, file, out, at_signal)
}

#[test]
fn ctrl_c_mid_run_exits_130_keeps_completed_rows_leaves_no_processes_and_can_be_resumed() {
    let (tmp, file, out, at_signal) = interrupt_mid_run(libc::SIGINT, 1);

    // `--resume` (same scenario text) finishes the rest and keeps the completed rows as they were.
    std::fs::remove_file(tmp.path().join("hang")).unwrap();
    let resumed = run_scenario(&file, &out, &["--resume"]);
    resumed.expect_code(0);
    let runs_path = out.join("fault/runs.csv");
    let text = std::fs::read_to_string(&runs_path).unwrap();
    // The completed rows come first, with every measured value as it was; only the host
    // columns, derived from the whole session's probes when a run completes, are filled in.
    let (before, after) = (measured_values(&at_signal), measured_values(&text));
    assert_eq!(
        before[..],
        after[..before.len()],
        "the completed rows are kept first, unchanged:\n{text}"
    );
    let runs = Csv::read(&runs_path);
    for r in &runs.rows {
        assert_eq!(
            r["host_speed_before"].is_empty(),
            r["probe_before_us"].is_empty(),
            "a complete run derives the host columns of every row: {r:?}"
        );
    }
    assert_eq!(runs.rows.len(), 6, "{}", resumed.describe());
    for model in ["quick", "stuck"] {
        assert_eq!(
            runs.filter(&[("model", model), ("status", "ok")]).len(),
            3,
            "{model}: {}",
            resumed.describe()
        );
    }
    let meta = std::fs::read_to_string(out.join("fault/meta.json")).unwrap();
    assert!(meta.contains("\"ending\": \"complete\""), "{meta}");
}

#[test]
fn sigterm_mid_run_behaves_like_ctrl_c() {
    interrupt_mid_run(libc::SIGTERM, 2);
}

// ---------------------------------------------------------------------------------------------
// Processes killed by a signal.

#[test]
fn a_command_killed_by_a_signal_fails_only_its_runs() {
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "selfkill.toml",
        r#"repeats = 2
warmup = 1
workers = [1, 2]
models = ["selfkill", "fine"]

[[workload]]
name = "w"
kernel = "external"
tasks = 3

[[model]]
name = "selfkill"
command = ["sh", "-c", "kill -9 $$"]

[[model]]
name = "fine"
command = ["sh", "-c", "echo elapsed_s=0.001 checksum=3"]
"#,
    );
    let out = tmp.path().join("out");
    let ran = run_scenario(&file, &out, &[]);
    ran.expect_code(1);
    assert!(ran.stderr.contains("4 run(s) failed"), "{}", ran.describe());
    let runs = Csv::read(&out.join("selfkill/runs.csv"));
    assert_eq!(runs.header, RUNS_COLUMNS);
    assert_eq!(
        runs.rows.len(),
        8,
        "2 models x 2 worker counts x 2 repeats, nothing lost\n{}",
        ran.describe()
    );
    for w in ["1", "2"] {
        let killed = runs.filter(&[("model", "selfkill"), ("workers", w)]);
        assert_eq!(killed.len(), 2, "{}", ran.describe());
        for r in killed {
            assert_eq!(r["status"], "error", "{r:?}");
            assert!(
                r["error"].contains("killed by signal 9 (SIGKILL)"),
                "the error names the signal: {r:?}"
            );
        }
        let fine = runs.filter(&[("model", "fine"), ("workers", w), ("status", "ok")]);
        assert_eq!(fine.len(), 2, "{}", ran.describe());
    }
    let summary = Csv::read(&out.join("selfkill/summary.csv"));
    for r in summary.filter(&[("model", "selfkill")]) {
        assert_eq!(
            (r["runs"].as_str(), r["failed"].as_str()),
            ("0", "2"),
            "{r:?}"
        );
    }
    let report = std::fs::read_to_string(out.join("selfkill/report.md")).unwrap();
    assert!(report.contains("## Failed runs"));
}

#[test]
fn a_processes_worker_killed_from_outside_fails_only_that_run() {
    let tmp = tempdir();
    // Each run: 2 worker processes, one 1-second sleep task each.
    let file = write_scenario(
        tmp.path(),
        "workerkill.toml",
        r#"repeats = 2
warmup = 0
workers = [2]
models = ["processes"]

[[workload]]
name = "s"
kernel = "sleep"
tasks = 2
ms = 1000
"#,
    );
    let out = tmp.path().join("out");
    let mut bg = Background::start(&file, &out);
    let parabench_pid = bg.child.id();
    // The first worker process of the first run (`parabench __worker ...`, a grandchild).
    let victim = poll(Duration::from_secs(20), || {
        if bg.exited().is_some() {
            return Some(None);
        }
        processes_matching("__worker")
            .into_iter()
            .find(|(pid, _)| descends_from(*pid, parabench_pid))
            .map(|(pid, _)| Some(pid))
    })
    .flatten()
    .unwrap_or_else(|| panic!("no worker process appeared\n{}", bg.describe()));
    send(victim, libc::SIGKILL);
    let status = bg.wait_at_most(Duration::from_secs(20), "of starting");
    let described = bg.describe();
    assert_eq!(status.code(), Some(1), "{described}");

    let runs = Csv::read(&out.join("workerkill/runs.csv"));
    assert_eq!(runs.rows.len(), 2, "{described}");
    let failed = runs.filter(&[("status", "error")]);
    assert_eq!(
        failed.len(),
        1,
        "only the run whose worker died: {:?}",
        runs.rows
    );
    assert_eq!(failed[0]["repeat"], "0");
    assert!(
        failed[0]["error"].contains("killed by signal 9 (SIGKILL)"),
        "the coordinator names the signal: {:?}",
        failed[0]
    );
    let ok = runs.filter(&[("status", "ok"), ("repeat", "1")]);
    assert_eq!(ok.len(), 1, "the next run is unaffected: {:?}", runs.rows);
    assert_eq!(ok[0]["checksum"], "2000", "2 tasks x ms");
}

#[test]
fn a_cell_process_that_dies_fails_one_run_and_the_next_runs_are_still_attempted() {
    let tmp = tempdir();
    // The command kills its parent, the cell process, after noting which run it is in.
    let file = write_scenario(
        tmp.path(),
        "cellkill.toml",
        r#"repeats = 3
warmup = 0
workers = [1, 2]
models = ["cellkill", "fine"]

[[workload]]
name = "w"
kernel = "external"
tasks = 3

[[model]]
name = "cellkill"
command = ["sh", "-c", "echo {workers}:{repeat} >> attempts.log; kill -9 $PPID"]

[[model]]
name = "fine"
command = ["sh", "-c", "echo elapsed_s=0.001 checksum=3"]
"#,
    );
    let out = tmp.path().join("out");
    let ran = run_scenario(&file, &out, &[]);
    ran.expect_code(1);
    assert!(ran.stderr.contains("6 run(s) failed"), "{}", ran.describe());

    let attempts = std::fs::read_to_string(tmp.path().join("attempts.log")).unwrap();
    let mut attempted: Vec<&str> = attempts.lines().collect();
    let order = attempted.clone();
    attempted.sort_unstable();
    assert_eq!(
        attempted,
        ["1:0", "1:1", "1:2", "2:0", "2:1", "2:2", "2:3"],
        "every run was attempted, each in a fresh cell process, and the 2-worker cell's \
         timeline run (repeat 3) too"
    );
    let at = |a: &str| order.iter().position(|x| *x == a);
    assert!(
        at("2:3") > at("2:2"),
        "the timeline run follows the measured runs: {order:?}"
    );

    let runs = Csv::read(&out.join("cellkill/runs.csv"));
    assert_eq!(runs.header, RUNS_COLUMNS);
    assert_eq!(runs.rows.len(), 12, "{}", ran.describe());
    for w in ["1", "2"] {
        let dead = runs.filter(&[("model", "cellkill"), ("workers", w)]);
        let repeats: Vec<&str> = dead.iter().map(|r| r["repeat"].as_str()).collect();
        assert_eq!(repeats, ["0", "1", "2"], "one row per run, in order");
        for r in dead {
            assert_eq!(r["status"], "error", "{r:?}");
            assert!(
                r["error"].contains("cell process ended early") && r["error"].contains("SIGKILL"),
                "the reason names the cell process and the signal: {r:?}"
            );
        }
        let fine = runs.filter(&[("model", "fine"), ("workers", w), ("status", "ok")]);
        assert_eq!(fine.len(), 3, "{}", ran.describe());
    }
}

// ---------------------------------------------------------------------------------------------
// A second run into the same folder.

#[test]
fn a_second_run_into_the_same_folder_replaces_the_first_and_leaves_no_previous_folder() {
    let tmp = tempdir();
    let file = write_scenario(
        tmp.path(),
        "again.toml",
        r#"warmup = 0
workers = [1, 2]
models = ["quick"]

[[workload]]
name = "w"
kernel = "external"
tasks = 1

[[model]]
name = "quick"
command = ["sh", "-c", "echo elapsed_s=0.001 checksum=1"]
"#,
    );
    let out = tmp.path().join("out");
    let entries = || -> BTreeSet<String> {
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let repeats_of =
        |csv: &Csv| -> BTreeSet<String> { csv.rows.iter().map(|r| r["repeat"].clone()).collect() };

    run_scenario(&file, &out, &["--repeats", "3"]).expect_code(0);
    assert_eq!(Csv::read(&out.join("again/runs.csv")).rows.len(), 6);

    let second = run_scenario(&file, &out, &["--repeats", "2"]);
    second.expect_code(0);
    let runs = Csv::read(&out.join("again/runs.csv"));
    assert_eq!(
        runs.rows.len(),
        4,
        "only the second run's rows\n{}",
        second.describe()
    );
    assert_eq!(repeats_of(&runs), BTreeSet::from(["0".into(), "1".into()]));
    assert_eq!(entries(), BTreeSet::from(["again".to_string()]));
    let summary = Csv::read(&out.join("again/summary.csv"));
    assert!(
        summary.rows.iter().all(|r| r["runs"] == "2"),
        "{:?}",
        summary.rows
    );

    // A `.again.previous` left by an earlier run that died is cleared too.
    let stale = out.join(".again.previous");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("runs.csv"), "stale\n").unwrap();
    run_scenario(&file, &out, &["--repeats", "1"]).expect_code(0);
    assert_eq!(Csv::read(&out.join("again/runs.csv")).rows.len(), 2);
    assert_eq!(entries(), BTreeSet::from(["again".to_string()]));
}

// ---------------------------------------------------------------------------------------------
// An earlier run survives an interrupted re-run; a hard-killed parabench leaves nothing behind.

/// Completes the stuck scenario once (no `hang` file), then starts it again with `hang` and
/// returns once `stuck`'s sleep runs.
fn rerun_until_stuck(tag: u32) -> (tempfile::TempDir, PathBuf, Background, String) {
    let tmp = tempdir();
    let sleep_s = format!("30.{}", unique(tag));
    let marker = format!("sleep {sleep_s}");
    let file = write_scenario(tmp.path(), "fault.toml", &stuck_scenario(&sleep_s));
    let out = tmp.path().join("out");
    common::run_scenario(&file, &out, &[]).expect_code(0);
    std::fs::write(tmp.path().join("hang"), "").unwrap();
    let mut bg = Background::start(&file, &out);
    let runs_path = out.join("fault/runs.csv");
    let ready = poll(Duration::from_secs(20), || {
        if bg.exited().is_some() {
            return Some(false);
        }
        let sleeping = processes_matching(&marker)
            .iter()
            .any(|(_, c)| c.starts_with("sleep "));
        (data_lines(&runs_path) >= 3 && sleeping).then_some(true)
    });
    if ready != Some(true) {
        reap_leftovers(&marker);
        panic!("the re-run did not reach stuck's sleep\n{}", bg.describe());
    }
    (tmp, out, bg, marker)
}

#[test]
fn an_interrupted_rerun_keeps_the_earlier_complete_run_aside() {
    let (_tmp, out, mut bg, marker) = rerun_until_stuck(41);
    send(bg.child.id(), libc::SIGINT);
    let status = bg.wait_at_most(Duration::from_secs(10), "of the signal");
    assert_eq!(status.code(), Some(130), "{}", bg.describe());
    reap_leftovers(&marker);
    let stderr = std::fs::read_to_string(&bg.stderr).unwrap();
    assert!(
        stderr.contains("the earlier run in this folder is kept in"),
        "{}",
        bg.describe()
    );
    let previous = Csv::read(&out.join(".fault.previous/runs.csv"));
    assert_eq!(previous.rows.len(), 6, "the complete earlier run is intact");
    assert_eq!(Csv::read(&out.join("fault/runs.csv")).rows.len(), 3);
}

#[test]
fn a_hard_killed_parabench_leaves_no_cell_command_or_grandchild_behind() {
    let (_tmp, _out, mut bg, marker) = rerun_until_stuck(42);
    send(bg.child.id(), libc::SIGKILL);
    bg.wait_at_most(Duration::from_secs(5), "of SIGKILL");
    let gone = poll(Duration::from_secs(3), || {
        processes_matching(&marker).is_empty().then_some(())
    });
    if gone.is_none() {
        let left = reap_leftovers(&marker);
        panic!("processes outlived a killed parabench: {left:?}");
    }
}
