//! Variants: two versions of the code under test measured in one run, paired. The libraries
//! differ by 3x the work per task (scenarios/examples/native-c/work.c built with
//! -DWORK_PERCENT=300), so every verdict here is certain on any machine, however noisy.

use crate::common::{self, run, tempdir, write_scenario, Csv};
use std::path::{Path, PathBuf};

/// Builds scenarios/examples/native-c/work.c as `dir/<name>` with `percent` of the work.
fn build(dir: &Path, name: &str, percent: u32) -> PathBuf {
    build_from(dir, name, "scenarios/examples/native-c/work.c", percent)
}

fn build_from(dir: &Path, name: &str, source: &str, percent: u32) -> PathBuf {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let lib = dir.join(name);
    let out = std::process::Command::new(&cc)
        .args(["-shared", "-fPIC", "-O2"])
        .arg(format!("-DWORK_PERCENT={percent}"))
        .arg("-o")
        .arg(&lib)
        .arg(common::root().join(source))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(
        out.status.success(),
        "{cc} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

/// A scenario over `libbase.so` in `dir`, with `variants` (TOML) before the workload.
fn scenario(dir: &Path, variants: &str) -> PathBuf {
    let body = format!(
        r#"name = "pair"
models = ["sequential", "threads"]
workers = [1, 2]
repeats = 10
warmup = 1
rounds = 2
{variants}
[[workload]]
name = "xs"
library = "libbase.so"
symbol = "work"
tasks = 4
rounds = 1_000_000
"#
    );
    write_scenario(dir, "pair.toml", &body)
}

const TWO: &str = r#"
[[variant]]
name = "base"

[[variant]]
name = "slow"
library = "libslow.so"
"#;

/// `parabench run` with the extra rounds of pairs off, so the tests count runs exactly (one
/// test below turns them on).
fn run_scenario(scenario: &Path, out: &Path, extra: &[&str]) -> common::Ran {
    let mut cmd = common::parabench();
    cmd.arg("run")
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .arg("--no-progress")
        .args(extra)
        .env("PARABENCH_VARIANT_MORE_ROUNDS", "0");
    run(cmd)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn verdicts(dir: &Path) -> Vec<String> {
    json(&dir.join("variants.json"))["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_cell_runs_under_every_variant_and_the_files_gain_a_variant_column() {
    let tmp = tempdir();
    build(tmp.path(), "libbase.so", 100);
    build(tmp.path(), "libslow.so", 300);
    let s = scenario(tmp.path(), TWO);
    let out = run_scenario(&s, &tmp.path().join("out"), &["--charts", "png"]);
    out.expect_code(0);
    let dir = tmp.path().join("out/pair");

    let runs = Csv::read(&dir.join("runs.csv"));
    let at = |name: &str| runs.header.iter().position(|h| h == name);
    assert_eq!(
        at("variant"),
        at("model").map(|m| m + 1),
        "{:?}",
        runs.header
    );
    // sequential (1 cell) and threads at 1 and 2 workers, 6 runs each, under both variants.
    for v in ["base", "slow"] {
        for (m, w) in [("sequential", "1"), ("threads", "1"), ("threads", "2")] {
            let rows = runs.filter(&[("variant", v), ("model", m), ("workers", w)]);
            assert_eq!(rows.len(), 10, "{v} {m}@{w}");
            assert!(rows.iter().all(|r| r["status"] == "ok"), "{rows:?}");
        }
    }
    assert_eq!(runs.rows.len(), 60);
    // The two runs of a pair follow each other: in the order the runs started, every run of a
    // cell is next to its partner (the same cell and repeat under the other variant).
    let mut started: Vec<&std::collections::HashMap<String, String>> = runs.rows.iter().collect();
    started.sort_by(|a, b| {
        let t =
            |r: &std::collections::HashMap<String, String>| r["start_s"].parse::<f64>().unwrap();
        t(a).total_cmp(&t(b))
    });
    let pair = |r: &std::collections::HashMap<String, String>| {
        (
            r["model"].clone(),
            r["workers"].clone(),
            r["repeat"].clone(),
        )
    };
    for two in started.chunks(2) {
        assert_eq!(pair(two[0]), pair(two[1]), "not adjacent: {two:?}");
        assert_ne!(two[0]["variant"], two[1]["variant"]);
    }
    // Each variant's checksums agree among its models; the variants' differ, and are not
    // called a mismatch of either.
    assert!(runs.rows.iter().all(|r| r["status"] != "mismatch"));

    let summary = Csv::read(&dir.join("summary.csv"));
    assert!(summary.header.contains(&"variant".to_string()));
    assert_eq!(summary.filter(&[("variant", "base")]).len(), 3);
    assert_eq!(summary.filter(&[("variant", "slow")]).len(), 3);
    let tasks = Csv::read(&dir.join("tasks.csv"));
    assert!(tasks.header.contains(&"variant".to_string()));
    assert!(!tasks.filter(&[("variant", "slow")]).is_empty());

    assert_eq!(verdicts(&dir), ["regressed"; 3]);
    let results = json(&dir.join("results.json"));
    assert_eq!(
        results["variants"]["names"],
        serde_json::json!(["base", "slow"])
    );
    assert_eq!(results["runs"].as_array().unwrap().len(), 60);
    assert!(results["cells"][0]["variant"].is_string());
    for c in results["variants"]["cells"].as_array().unwrap() {
        let ratio = c["ratio"].as_f64().unwrap();
        assert!(ratio > 1.5, "3x the work: {c}");
        assert!(c["ratio_ci_low"].as_f64().unwrap() > 1.0, "{c}");
        assert_eq!(c["pairs"], 10);
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("## Variants"), "{report}");
    assert!(report.contains("variants compute different results"));
    assert!(report.contains("`slow` (library="));
    let md = std::fs::read_to_string(dir.join("variants.md")).unwrap();
    assert!(md.contains("| xs | threads | 2 | slow |"), "{md}");
    assert!(md.contains("**regressed**"));
    assert!(md.contains("cannot be told from noise"));
    // The chart of ratios, and the dashed lines of the other variant.
    assert!(dir.join("xs.variants.png").is_file());
    assert!(dir.join("xs.speedup.png").is_file());
    assert!(
        out.stdout.contains("variants: 3 regressed"),
        "{}",
        out.describe()
    );

    // The same run, compared alone: compare's table, Markdown and JSON with the paired verdicts,
    // and compare's exit status (1 on a regression; 0 when judged again at a 500% threshold).
    let alone = |extra: &[&str]| {
        let mut cmd = common::parabench();
        cmd.arg("compare").arg(&dir).args(extra);
        run(cmd)
    };
    let json_out = alone(&["--format", "json"]);
    json_out.expect_code(1);
    let doc: serde_json::Value = serde_json::from_str(&json_out.stdout).unwrap();
    assert_eq!(doc["rule"], "paired");
    assert_eq!(doc["counts"]["regressed"], 3);
    assert_eq!(doc["base"]["variant"], "`base`");
    assert_eq!(doc["new"]["variant"], "`slow`");
    for c in doc["cells"].as_array().unwrap() {
        assert_eq!(c["verdict"], "regressed", "{c}");
        assert_eq!(c["p_method"], "wilcoxon signed-rank, paired");
        assert!(c["paired"]["ratio"].as_f64().unwrap() > 1.5, "{c}");
    }
    let md = alone(&["--format", "markdown"]);
    md.expect_code(1);
    assert!(
        md.stdout.starts_with("## parabench compare"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("Rule: one run with variants"));
    assert!(md.stdout.contains("### Regressions (3)"));
    assert!(md.stdout.contains("(variant `slow`)"));
    let lenient = alone(&["--threshold", "500%"]);
    lenient.expect_code(0);
    assert!(
        lenient.stdout.contains("Unchanged (3)"),
        "{}",
        lenient.stdout
    );
}

#[test]
fn cells_whose_pairs_cannot_resolve_the_threshold_get_more_pairs() {
    let tmp = tempdir();
    build(tmp.path(), "libbase.so", 100);
    build(tmp.path(), "libslow.so", 300);
    let s = scenario(tmp.path(), TWO);
    // At a threshold of 0 no CI is narrow enough: every cell gets the most extra rounds, as
    // many as the session had (2), each of 5 pairs, the variants side by side.
    let mut cmd = common::parabench();
    cmd.arg("run")
        .arg(&s)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .args([
            "--no-progress",
            "--charts",
            "none",
            "--fail-on-regression",
            "0",
        ])
        .env_remove("PARABENCH_VARIANT_MORE_ROUNDS");
    let out = run(cmd);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("taking more pairs of 3 cells whose pairs cannot resolve the 0% threshold"),
        "{}",
        out.describe()
    );
    let dir = tmp.path().join("out/pair");
    let runs = Csv::read(&dir.join("runs.csv"));
    for v in ["base", "slow"] {
        for (m, w) in [("sequential", "1"), ("threads", "1"), ("threads", "2")] {
            let rows = runs.filter(&[("variant", v), ("model", m), ("workers", w)]);
            assert_eq!(rows.len(), 20, "{v} {m}@{w}");
            let extra: Vec<&&std::collections::HashMap<String, String>> = rows
                .iter()
                .filter(|r| r["repeat"].parse::<u32>().unwrap() >= 10)
                .collect();
            assert_eq!(extra.len(), 10);
            assert!(
                extra.iter().all(|r| r["round"] == "2" || r["round"] == "3"),
                "{extra:?}"
            );
        }
    }
    for c in json(&dir.join("variants.json"))["cells"]
        .as_array()
        .unwrap()
    {
        assert_eq!(c["pairs"], 20, "{c}");
    }
}

#[test]
fn a_run_without_variants_cannot_be_compared_alone() {
    let tmp = tempdir();
    let s = common::scenario()
        .models(&["sequential"])
        .set("repeats", 2)
        .kernel_workload("w", "noop", 2)
        .write(tmp.path(), "plain.toml");
    run_scenario(&s, &tmp.path().join("out"), &["--charts", "none"]).expect_code(0);
    let mut cmd = common::parabench();
    cmd.arg("compare").arg(tmp.path().join("out/plain"));
    let out = run(cmd);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("is a run without variants: compare needs a second run folder"),
        "{}",
        out.describe()
    );
}

#[test]
fn fail_on_regression_makes_the_exit_status_the_gate_and_an_improvement_passes() {
    let tmp = tempdir();
    build(tmp.path(), "libbase.so", 100);
    build(tmp.path(), "libslow.so", 300);
    let s = scenario(tmp.path(), TWO);
    let out = run_scenario(
        &s,
        &tmp.path().join("out"),
        &["--charts", "none", "--fail-on-regression", "5"],
    );
    out.expect_code(1);
    // The same pair the other way round: the new one is faster.
    let out = run_scenario(
        &s,
        &tmp.path().join("swapped"),
        &[
            "--charts",
            "none",
            "--fail-on-regression",
            "5",
            "--variant",
            &format!("slow:library={}", tmp.path().join("libslow.so").display()),
            "--variant",
            "fast:env.UNUSED=1",
        ],
    );
    out.expect_code(0);
    assert_eq!(verdicts(&tmp.path().join("swapped/pair")), ["improved"; 3]);
}

#[test]
fn command_line_variants_are_refused_before_anything_runs() {
    let tmp = tempdir();
    build(tmp.path(), "libbase.so", 100);
    let s = scenario(tmp.path(), "");
    for (args, says) in [
        (
            vec!["--variant", "new:library"],
            "--variant new: `library` has no `=`",
        ),
        (
            vec!["--variant", "new:libary=x.so"],
            "unknown key `libary`; did you mean `library`?",
        ),
        (
            vec!["--variant", "a:env.X=1", "--variant", "a:env.X=2"],
            "--variant a: two variants are named `a`",
        ),
        (
            vec!["--variant", "a:library=no-such-lib.so"],
            "--variant a: variant `a`: library",
        ),
        (
            vec!["--fail-on-regression", "5"],
            "--fail-on-regression: scenario `pair` has no variants",
        ),
    ] {
        let out_dir = tmp.path().join("out");
        let out = run_scenario(&s, &out_dir, &args);
        out.expect_code(2);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.describe());
        assert!(!out_dir.exists(), "{args:?} wrote {}", out_dir.display());
    }
}

#[test]
fn a_crashing_variant_fails_only_its_own_runs_and_is_named() {
    let tmp = tempdir();
    build_from(tmp.path(), "libwork.so", "tests/own_code/work.c", 100);
    let body = r#"name = "crashy"
models = ["sequential", "threads"]
workers = [2]
repeats = 2
warmup = 0

[[variant]]
name = "good"

[[variant]]
name = "bad"
symbol = "crash"

[[workload]]
name = "w"
library = "libwork.so"
symbol = "noop"
tasks = 6
at = 3
"#;
    let s = write_scenario(tmp.path(), "crashy.toml", body);
    let out = run_scenario(&s, &tmp.path().join("out"), &["--charts", "none"]);
    out.expect_code(1);
    let dir = tmp.path().join("out/crashy");
    let runs = Csv::read(&dir.join("runs.csv"));
    let good = runs.filter(&[("variant", "good")]);
    let bad = runs.filter(&[("variant", "bad")]);
    assert_eq!((good.len(), bad.len()), (4, 4));
    assert!(good.iter().all(|r| r["status"] == "ok"), "{good:?}");
    assert!(bad
        .iter()
        .all(|r| r["status"] == "error" && r["error"].contains("SIGSEGV")));
    let cells = json(&dir.join("variants.json"))["cells"].clone();
    for c in cells.as_array().unwrap() {
        assert_eq!(c["verdict"], "not_comparable");
        assert!(c["failure"]
            .as_str()
            .unwrap()
            .contains("run(s) of variant `bad` failed"));
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("(variant `bad`)"), "{report}");
}

#[test]
fn a_variant_sets_the_environment_of_its_runs_and_its_name_in_commands() {
    let tmp = tempdir();
    let body = r#"name = "envs"
models = ["mine"]
repeats = 2
warmup = 0

[[variant]]
name = "one"
env = { PARABENCH_TEST_VARIANT = "one" }

[[variant]]
name = "two"
env = { PARABENCH_TEST_VARIANT = "two" }

[[workload]]
name = "w"
kernel = "noop"
tasks = 2

[[model]]
name = "mine"
shell = true
command = ["test \"$PARABENCH_TEST_VARIANT\" = \"{variant}\" && echo elapsed_s=0.001"]
"#;
    let s = write_scenario(tmp.path(), "envs.toml", body);
    let out = run_scenario(&s, &tmp.path().join("out"), &["--charts", "none"]);
    out.expect_code(0);
    let runs = Csv::read(&tmp.path().join("out/envs/runs.csv"));
    for v in ["one", "two"] {
        assert!(!runs.filter(&[("variant", v)]).is_empty(), "{v}");
    }
    assert!(
        runs.rows.iter().all(|r| r["status"] == "ok"),
        "{:?}",
        runs.rows
    );
}

#[test]
fn aa_measures_the_base_against_itself_and_dry_run_and_shards_count_variants() {
    let tmp = tempdir();
    build(tmp.path(), "libbase.so", 100);
    let s = scenario(tmp.path(), "");
    let mut cmd = common::parabench();
    cmd.arg("run").arg(&s).arg("--dry-run").arg("--aa");
    let dry = run(cmd);
    dry.expect_code(0);
    assert!(
        dry.stdout
            .contains("2 variants measured under every one of them"),
        "{}",
        dry.describe()
    );
    assert!(dry.stdout.contains("threads [base-again]"));
    assert!(
        dry.stdout.contains("6 cells, 60 measured runs"),
        "{}",
        dry.stdout
    );

    let out = run_scenario(&s, &tmp.path().join("out"), &["--charts", "none", "--aa"]);
    out.expect_code(0);
    let dir = tmp.path().join("out/pair");
    let paired = json(&dir.join("variants.json"));
    assert_eq!(paired["aa"], true);
    assert_eq!(paired["names"], serde_json::json!(["base", "base-again"]));
    let md = std::fs::read_to_string(dir.join("variants.md")).unwrap();
    assert!(md.contains("A/A calibration"), "{md}");
    assert!(md.contains("is a false alarm at the 2% threshold"));

    // A later run states the calibration's detectable change and checks its threshold against
    // it (a folder that is not an A/A run is refused: below).
    let later = run_scenario(
        &s,
        &tmp.path().join("later"),
        &[
            "--charts",
            "none",
            "--aa",
            "--aa-run",
            dir.to_str().unwrap(),
        ],
    );
    later.expect_code(0);
    let later_dir = tmp.path().join("later/pair");
    let md = std::fs::read_to_string(later_dir.join("variants.md")).unwrap();
    assert!(
        md.contains(&format!("From the A/A calibration in `{}`", dir.display())),
        "{md}"
    );
    let calibration = &json(&later_dir.join("variants.json"))["calibration"];
    assert_eq!(calibration["cells"], 3, "{calibration}");
    assert!(calibration["detectable_pct"]["2"].as_f64().is_some());

    // Shards hold every variant of their cells; merge joins them.
    for k in ["1/2", "2/2"] {
        let o = run_scenario(
            &s,
            &tmp.path().join(format!("s{}", &k[..1])),
            &["--charts", "none", "--aa", "--shard", k],
        );
        o.expect_code(0);
    }
    let mut cmd = common::parabench();
    cmd.arg("merge")
        .arg(tmp.path().join("s1/pair"))
        .arg(tmp.path().join("s2/pair"))
        .arg("-o")
        .arg(tmp.path().join("merged"));
    run(cmd).expect_code(0);
    let runs = Csv::read(&tmp.path().join("merged/runs.csv"));
    assert_eq!(runs.rows.len(), 60);
    assert_eq!(runs.filter(&[("variant", "base-again")]).len(), 30);

    // plot redraws a variant run; compare refuses a variant run against one without.
    let mut cmd = common::parabench();
    cmd.arg("plot").arg(&dir);
    run(cmd).expect_code(0);
    let plain = run_scenario(&s, &tmp.path().join("plain"), &["--charts", "none"]);
    plain.expect_code(0);
    let plain_runs = Csv::read(&tmp.path().join("plain/pair/runs.csv"));
    assert!(!plain_runs.header.contains(&"variant".to_string()));
    let mut cmd = common::parabench();
    cmd.arg("compare")
        .arg(tmp.path().join("plain/pair"))
        .arg(&dir)
        .arg("--no-charts");
    let refused = run(cmd);
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains("is a run with variants (base, base-again)")
            && refused
                .stderr
                .contains("compare matches cells by workload, model and workers"),
        "{}",
        refused.describe()
    );
    let refused = run_scenario(
        &s,
        &tmp.path().join("never"),
        &[
            "--aa",
            "--aa-run",
            tmp.path().join("plain/pair").to_str().unwrap(),
        ],
    );
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("is not an A/A calibration"),
        "{}",
        refused.describe()
    );
    assert!(!tmp.path().join("never").exists());
}

#[test]
fn a_variants_python_wins_over_parabench_python_and_the_run_says_so() {
    let Some(python) = common::require_python() else {
        return;
    };
    let tmp = tempdir();
    let s = write_scenario(
        tmp.path(),
        "py.toml",
        "models = [\"py-sequential\"]\n\n[[workload]]\nname = \"noop\"\nkernel = \"noop\"\ntasks = 2\nrepeats = 2\nwarmup = 0\n",
    );
    let mut cmd = common::parabench();
    cmd.env("PARABENCH_PYTHON", "no-such-python3.99")
        .arg("run")
        .arg(&s)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .args(["--no-progress", "--charts", "none"])
        .arg("--variant")
        .arg(format!("a:python={python}"))
        .arg("--variant")
        .arg(format!("b:python={python}"));
    let out = run(cmd);
    out.expect_code(0);
    assert!(
        out.stderr.contains(&format!(
            "variant `a` runs on `{python}`: its python wins over $PARABENCH_PYTHON=no-such-python3.99"
        )),
        "{}",
        out.describe()
    );
    let meta = json(&tmp.path().join("out/py/meta.json"));
    assert_eq!(
        meta["variants"][1]["interpreters"][0]["named_by"],
        "variant"
    );
}
