//! The CI workflow's pieces: `--shard K/N` slices that partition the matrix, `merge` that
//! joins them into the run one machine would have written, `--order` that interleaves or
//! shuffles runs, and the refusals that keep mismatched folders apart.

use crate::common;

use crate::common::{parabench, run, run_scenario, tempdir, write_scenario, Csv};
use std::collections::BTreeSet;
use std::path::Path;

const SCENARIO: &str = r#"
name = "suite"
repeats = 4
warmup = 0
workers = [1, 2]
models = ["sequential", "threads", "rayon", "processes"]
baseline = "sequential"

[[workload]]
name = "spin"
kernel = "spin"
tasks = 8
iters = 20000

[[workload]]
name = "wait"
kernel = "sleep"
tasks = 8
ms = 1
models = ["sequential", "threads", "async"]
"#;

/// (workload, model, workers, repeat) of every row, in order.
fn run_keys(csv: &Csv) -> Vec<Vec<String>> {
    csv.project(&["workload", "model", "workers", "repeat"])
}

fn cells(csv: &Csv) -> BTreeSet<Vec<String>> {
    csv.distinct(&["workload", "model", "workers"])
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn merge(dirs: &[&Path], out: &Path) -> common::Ran {
    let mut cmd = parabench();
    cmd.arg("merge").args(dirs).arg("-o").arg(out);
    run(cmd)
}

#[test]
fn two_shards_merged_equal_one_run() {
    let tmp = tempdir();
    let s = write_scenario(tmp.path(), "suite.toml", SCENARIO);
    let whole = tmp.path().join("whole");
    run_scenario(&s, &whole, &[]).expect_code(0);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_scenario(&s, &a, &["--shard", "1/2"]).expect_code(0);
    run_scenario(&s, &b, &["--shard", "2/2"]).expect_code(0);

    // The slices partition the matrix: no cell twice, none left out, neither slice empty.
    let (ca, cb) = (
        cells(&Csv::read(&a.join("suite/runs.csv"))),
        cells(&Csv::read(&b.join("suite/runs.csv"))),
    );
    assert!(!ca.is_empty() && !cb.is_empty());
    assert!(ca.is_disjoint(&cb), "{ca:?} / {cb:?}");
    let one = Csv::read(&whole.join("suite/runs.csv"));
    assert_eq!(ca.union(&cb).cloned().collect::<BTreeSet<_>>(), cells(&one));

    let merged = tmp.path().join("merged/suite");
    let out = merge(&[&a.join("suite"), &b.join("suite")], &merged);
    out.expect_code(0);
    assert!(
        out.stdout.contains("48 runs in 12 cells"),
        "{}",
        out.describe()
    );

    // The same runs (each in the round it was measured in; the merge lists them in plan
    // order, a whole run in the order it ran them), same columns, same files, same summary
    // cells.
    let m = Csv::read(&merged.join("runs.csv"));
    assert_eq!(m.header, one.header);
    let sorted = |c: &Csv| -> Vec<Vec<String>> {
        let mut keys = c.project(&["workload", "model", "workers", "repeat", "round"]);
        keys.sort();
        keys
    };
    assert_eq!(sorted(&m), sorted(&one));
    // Plan order: each cell's runs together, repeats ascending.
    let keys = run_keys(&m);
    for pair in keys.windows(2) {
        if pair[0][..3] == pair[1][..3] {
            let n = |k: &Vec<String>| k[3].parse::<u32>().unwrap();
            assert_eq!(n(&pair[1]), n(&pair[0]) + 1, "{keys:?}");
        }
    }
    assert_eq!(cells(&m).len(), 12);
    assert!(m.rows.iter().all(|r| r["status"] == "ok"));
    assert_eq!(files(&merged), files(&whole.join("suite")));
    let (sm, so) = (
        Csv::read(&merged.join("summary.csv")),
        Csv::read(&whole.join("suite/summary.csv")),
    );
    assert_eq!(sm.header, so.header);
    let id = |c: &Csv| -> Vec<String> {
        c.rows
            .iter()
            .map(|r| {
                format!(
                    "{}/{}/{}/{}",
                    r["workload"], r["model"], r["workers"], r["baseline"]
                )
            })
            .collect()
    };
    assert_eq!(id(&sm), id(&so));
    // Every cell has a speedup against the sequential baseline that lives in one shard.
    assert!(sm.rows.iter().all(|r| !r["speedup"].is_empty()));

    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(results["schema_version"], 2);
    assert_eq!(results["runs"].as_array().unwrap().len(), 48);
    assert_eq!(results["cells"].as_array().unwrap().len(), 12);
    assert_eq!(results["run"]["merged_from"].as_array().unwrap().len(), 2);
    assert_eq!(results["run"]["ending"], "complete");
    assert!(results["run"]["shard"].is_null());
    let shard_meta = std::fs::read_to_string(a.join("suite/meta.json")).unwrap();
    assert!(shard_meta.contains("\"shard\": \"1/2\""), "{shard_meta}");

    // The gate of the CI recipe: the merged run against itself passes ...
    let compare = |base: &Path, new: &Path| {
        let mut cmd = parabench();
        cmd.arg("compare").arg(base).arg(new).arg("--no-charts");
        run(cmd)
    };
    compare(&merged, &merged).expect_code(0);
    // ... and a copy where `threads` took 1.5 times as long fails against one where it did
    // not. Both copies get the same steady `threads` times (these short runs share the test
    // machine with other tests, and a cell whose halves disagree would be `noisy`, not judged).
    let copy = |name: &str, factor: f64| {
        let dir = tmp.path().join(name).join("suite");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(merged.join("meta.json"), dir.join("meta.json")).unwrap();
        let mut reader = csv::Reader::from_path(merged.join("runs.csv")).unwrap();
        let header = reader.headers().unwrap().clone();
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (wall, model, repeat) = (at("wall_s"), at("model"), at("repeat"));
        let mut writer = csv::Writer::from_path(dir.join("runs.csv")).unwrap();
        writer.write_record(&header).unwrap();
        for rec in reader.records() {
            let rec = rec.unwrap();
            let mut fields: Vec<String> = rec.iter().map(String::from).collect();
            if fields[model] == "threads" {
                let r: f64 = fields[repeat].parse().unwrap();
                fields[wall] = (factor * 0.01 * (1.0 + r / 100.0)).to_string();
            }
            writer.write_record(&fields).unwrap();
        }
        writer.flush().unwrap();
        dir
    };
    let (steady, slowed) = (copy("steady", 1.0), copy("slowed", 1.5));
    let gate = compare(&steady, &slowed);
    gate.expect_code(1);
    assert!(gate.stdout.contains("threads"), "{}", gate.describe());
}

#[test]
fn merge_refuses_mismatched_or_repeated_folders_and_writes_nothing() {
    let tmp = tempdir();
    let s = write_scenario(tmp.path(), "suite.toml", SCENARIO);
    let (a, b, whole) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("whole"),
    );
    run_scenario(&s, &a, &["--shard", "1/2", "--quick"]).expect_code(0);
    run_scenario(&s, &whole, &["--quick"]).expect_code(0);
    // The same file, edited: a different scenario text.
    std::fs::write(&s, SCENARIO.replace("iters = 20000", "iters = 30000")).unwrap();
    run_scenario(&s, &b, &["--shard", "2/2", "--quick"]).expect_code(0);
    let out_dir = tmp.path().join("merged");

    let different = merge(&[&a.join("suite"), &b.join("suite")], &out_dir);
    different.expect_code(2);
    assert!(
        different.stderr.contains("different scenario texts"),
        "{}",
        different.describe()
    );
    let twice = merge(&[&a.join("suite"), &a.join("suite")], &out_dir);
    twice.expect_code(2);
    assert!(twice.stderr.contains("given twice"), "{}", twice.describe());
    let not_shard = merge(&[&whole.join("suite"), &a.join("suite")], &out_dir);
    not_shard.expect_code(2);
    assert!(
        not_shard.stderr.contains("not a --shard slice"),
        "{}",
        not_shard.describe()
    );
    let missing = merge(&[&a.join("suite"), &tmp.path().join("nope")], &out_dir);
    missing.expect_code(2);
    assert!(missing.stderr.contains("nope"), "{}", missing.describe());
    assert!(
        !out_dir.exists(),
        "a refused merge wrote {}",
        out_dir.display()
    );
}

#[test]
fn bad_shard_and_a_resume_with_another_shard_are_refused() {
    let tmp = tempdir();
    let s = write_scenario(tmp.path(), "suite.toml", SCENARIO);
    for bad in ["0/2", "3/2", "2", "a/b"] {
        let out = run_scenario(&s, &tmp.path().join("x"), &["--shard", bad]);
        out.expect_code(2);
        assert!(out.stderr.contains("expected K/N"), "{}", out.describe());
    }
    let dir = tmp.path().join("o");
    run_scenario(&s, &dir, &["--shard", "1/2", "--quick"]).expect_code(0);
    let out = run_scenario(&s, &dir, &["--shard", "2/2", "--quick", "--resume"]);
    out.expect_code(2);
    assert!(out.stderr.contains("holds shard 1/2"), "{}", out.describe());
}

#[test]
fn interleaved_and_random_orders_measure_the_same_cells_in_another_order() {
    let tmp = tempdir();
    let s = write_scenario(tmp.path(), "suite.toml", SCENARIO);
    let cells_run = |order: &str| {
        let dir = tmp.path().join(order);
        let out = run_scenario(
            &s,
            &dir,
            &[
                "--order",
                order,
                "--workloads",
                "spin",
                "--models",
                "sequential,threads",
            ],
        );
        out.expect_code(0);
        Csv::read(&dir.join("suite/runs.csv"))
    };
    let plain = cells_run("cells");
    let inter = cells_run("interleaved");
    let random = cells_run("random");
    let sorted = |c: &Csv| {
        let mut k = run_keys(c);
        k.sort();
        k
    };
    assert_eq!(sorted(&inter), sorted(&plain));
    assert_eq!(sorted(&random), sorted(&plain));
    // Interleaved: every cell's repeat 0 comes before any repeat 1.
    let repeats: Vec<&str> = inter.rows.iter().map(|r| r["repeat"].as_str()).collect();
    let first_1 = repeats.iter().position(|r| *r == "1").unwrap();
    let last_0 = repeats.iter().rposition(|r| *r == "0").unwrap();
    assert!(last_0 < first_1, "{repeats:?}");
    assert_eq!(last_0 + 1, 3);
    // Random: not the plan order, and the same order again for the same file.
    assert_ne!(run_keys(&random), run_keys(&plain));
    let again = {
        let dir = tmp.path().join("random-again");
        run_scenario(
            &s,
            &dir,
            &[
                "--order",
                "random",
                "--workloads",
                "spin",
                "--models",
                "sequential,threads",
            ],
        )
        .expect_code(0);
        Csv::read(&dir.join("suite/runs.csv"))
    };
    assert_eq!(run_keys(&again), run_keys(&random));
    // Each shows up in the summary as usual, and the order is on record.
    let summary = Csv::read(&tmp.path().join("random/suite/summary.csv"));
    assert_eq!(summary.rows.len(), 3);
    let meta = std::fs::read_to_string(tmp.path().join("random/suite/meta.json")).unwrap();
    assert!(meta.contains("\"order\": \"random\""), "{meta}");
    // One timeline run per chosen cell (sequential at 1, threads at 2), however the runs were
    // spread over processes: 8 tasks each.
    for order in ["interleaved", "random"] {
        let tasks = Csv::read(&tmp.path().join(order).join("suite/tasks.csv"));
        let runs = tasks.distinct(&["model", "workers", "repeat"]);
        assert_eq!(runs.len(), 2, "{order}: {runs:?}");
        assert_eq!(tasks.rows.len(), 16, "{order}");
    }
}
