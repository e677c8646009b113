//! Authoring aids: `parabench schema` (checked against every shipped scenario and against
//! invalid fixtures with a real JSON Schema validator), `parabench init` (a starter that
//! validates and runs), and `run --dry-run` (prints the matrix, runs nothing).

use crate::common::{invalid, parabench, root, run, run_scenario, tempdir, Csv};
use std::path::{Path, PathBuf};

fn schema() -> serde_json::Value {
    let mut cmd = parabench();
    cmd.arg("schema");
    let out = run(cmd);
    out.expect_code(0);
    serde_json::from_str(&out.stdout).expect("schema is JSON")
}

/// A TOML file as the JSON value an editor's schema check sees.
fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(value).unwrap()
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("parabench.schema.json", schema())
            .unwrap();
        let index = compiler
            .compile("parabench.schema.json", &mut schemas)
            .expect("the schema compiles");
        Validator { schemas, index }
    }

    fn check(&self, path: &Path) -> Result<(), String> {
        self.schemas
            .validate(&as_json(path), self.index)
            .map_err(|e| format!("{e}"))
    }
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") && !p.ends_with("Cargo.toml") {
            // (an example's Cargo.toml, scenarios/examples/native-rust/, is not a scenario)
            out.push(p);
        }
    }
}

#[test]
fn the_schema_accepts_every_shipped_scenario() {
    let v = Validator::new();
    let mut files = Vec::new();
    toml_files(&root().join("scenarios"), &mut files);
    toml_files(&root().join("tests/scenarios/valid"), &mut files);
    assert!(files.len() >= 15, "{files:?}");
    for f in &files {
        if let Err(e) = v.check(f) {
            panic!("{} fails the schema: {e}", f.display());
        }
    }
}

#[test]
fn the_schema_rejects_what_validate_rejects_by_shape() {
    let v = Validator::new();
    // Errors of shape (keys, types, ranges) that a schema can see without running anything.
    for f in [
        "unknown_top_key.toml",
        "wrong_type.toml",
        "zero_repeats.toml",
        "zero_tasks.toml",
        "zero_workers.toml",
        "negative_workers.toml",
        "unknown_param.toml",
        "param_out_of_range.toml",
        "missing_kernel.toml",
        "missing_tasks.toml",
        "model_unknown_key.toml",
        "range_unknown_key.toml",
        "range_factor_one.toml",
        "bad_core_expr.toml",
        "negative_timeout.toml",
        "empty_models.toml",
        "empty_worker_list.toml",
        "negative_tasks.toml",
        "negative_warmup.toml",
        "workers_bare_number.toml",
        "models_not_a_list.toml",
        "command_not_a_list.toml",
        "range_without_to.toml",
        "unknown_order.toml",
        "unknown_scaling.toml",
        "workload_single_table.toml",
        "model_without_name.toml",
        "model_without_command.toml",
        "top_level_key_in_workload.toml",
        "workload_key_at_top.toml",
        "matrix_key_in_model.toml",
    ] {
        assert!(
            v.check(&invalid(f)).is_err(),
            "{f} passes the schema but `parabench validate` rejects it"
        );
    }
}

#[test]
fn the_schema_rejects_every_wrong_type() {
    let v = Validator::new();
    let mut n = 0;
    for e in std::fs::read_dir(invalid("")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("type_") {
            n += 1;
            assert!(
                v.check(&invalid(&name)).is_err(),
                "{name} passes the schema but `parabench validate` rejects its type"
            );
        }
    }
    assert!(n >= 20, "only {n} type_* fixtures");
}

#[test]
fn the_schema_knows_every_kernel_parameter() {
    let s = schema().to_string();
    for key in [
        "limit",
        "iters",
        "ms",
        "delay_ms",
        "bytes",
        "order",
        "timeout_s",
    ] {
        assert!(
            s.contains(&format!("\"{key}\"")),
            "no `{key}` in the schema"
        );
    }
}

#[test]
fn init_writes_a_starter_that_validates_and_runs_and_never_overwrites() {
    let tmp = tempdir();
    let path = tmp.path().join("bench.toml");
    let mut cmd = parabench();
    cmd.arg("init").arg(&path);
    let out = run(cmd);
    out.expect_code(0);
    assert!(out.stdout.contains("output/bench/"), "{}", out.describe());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("#:schema "), "{text}");

    // A second init refuses, naming the file and the way out; the file is untouched.
    std::fs::write(&path, "# mine\n").unwrap();
    let mut cmd = parabench();
    cmd.arg("init").arg(&path);
    let again = run(cmd);
    again.expect_code(2);
    assert!(
        again.stderr.contains("already exists"),
        "{}",
        again.describe()
    );
    assert!(again.stderr.contains("--force"), "{}", again.describe());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    let mut cmd = parabench();
    cmd.arg("init").arg(&path).arg("--force");
    run(cmd).expect_code(0);

    // It runs as it is (quickly here: one run per cell, two worker counts).
    let out_dir = tmp.path().join("out");
    let ran = run_scenario(&path, &out_dir, &["--quick", "--workers", "1,2"]);
    ran.expect_code(0);
    let runs = Csv::read(&out_dir.join("bench/runs.csv"));
    assert!(runs.rows.len() >= 10, "{}", ran.describe());
    assert!(runs.rows.iter().all(|r| r["status"] == "ok"));
}

#[test]
fn dry_run_prints_every_cell_and_an_estimate_and_writes_nothing() {
    let tmp = tempdir();
    let out_dir = tmp.path().join("out");
    let mut cmd = parabench();
    cmd.arg("run")
        .arg("--dry-run")
        .arg("-o")
        .arg(&out_dir)
        .args(["--workers", "1,2"]);
    let out = run(cmd);
    out.expect_code(0);
    // The demo: 2 workloads of every built-in model (sequential once each), 5 repeats.
    let want = 2 * crate::common::builtin_cells(2);
    let cells = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  primes ") || l.starts_with("  sleep "))
        .count();
    assert_eq!(cells, want, "{}", out.describe());
    assert!(
        out.stdout
            .contains(&format!("{want} cells, {} measured runs", want * 5)),
        "{}",
        out.describe()
    );
    assert!(
        out.stdout.contains("estimated time about"),
        "{}",
        out.describe()
    );
    assert!(!out_dir.exists(), "a dry run wrote {}", out_dir.display());
}

#[test]
fn the_starter_points_at_guide_pages_that_exist() {
    let starter = parabench::scenario::STARTER;
    // Every mention of the guide names a page and its file: `page "T" (docs/src/....md)`.
    let mentions: Vec<&str> = starter.lines().filter(|l| l.contains("guide")).collect();
    assert!(
        !mentions.is_empty(),
        "the starter no longer points at the guide"
    );
    for line in mentions {
        let (_, rest) = line
            .split_once("page \"")
            .unwrap_or_else(|| panic!("no `page \"...\"` in: {line}"));
        let (title, rest) = rest.split_once('"').unwrap();
        let (_, rest) = rest
            .split_once("(docs/src/")
            .unwrap_or_else(|| panic!("no `(docs/src/...)` in: {line}"));
        let (file, _) = rest.split_once(')').unwrap();
        let page = std::fs::read_to_string(root().join("docs/src").join(file))
            .unwrap_or_else(|e| panic!("the starter names docs/src/{file}: {e}"));
        let heading = format!("# {title}\n");
        assert!(
            page.starts_with(&heading) || page.contains(&format!("\n{heading}")),
            "docs/src/{file} has no title {title:?}"
        );
    }
}
