//! Helpers shared by the integration tests: the binary, fixture paths, temporary output
//! folders and CSV reading. Every run writes into a temporary `-o` folder, never `output/`.

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The columns of `runs.csv`, in order (README.md, "Outputs").
pub const RUNS_COLUMNS: &[&str] = &[
    "scenario",
    "workload",
    "kernel",
    "model",
    "workers",
    "tasks",
    "repeat",
    "round",
    "start_s",
    "wall_s",
    "setup_s",
    "reported_s",
    "user_s",
    "sys_s",
    "cpu_util",
    "max_rss_kb",
    "workers_rss_kb",
    "vol_ctx",
    "invol_ctx",
    "runq_wait_s",
    "cpu_migrations",
    "ctx_switches",
    "interp_start_s",
    "cpu_scope",
    "probe_before_us",
    "probe_after_us",
    "host_speed",
    "host_speed_before",
    "host_speed_after",
    "host_spread",
    "checksum",
    "status",
    "error",
];

/// The `runs.csv` columns derived from the whole session's host probes when a run completes
/// (a resumed run derives them anew for the rows it keeps).
pub const DERIVED_RUNS_COLUMNS: &[&str] = &[
    "host_speed",
    "host_speed_before",
    "host_speed_after",
    "host_spread",
];

/// The rows of a `runs.csv` text, each without its derived columns: what was measured.
pub fn measured_values(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .filter(|(h, _)| !DERIVED_RUNS_COLUMNS.contains(h))
                .map(|(_, v)| v.to_string())
                .collect()
        })
        .collect()
}

/// Columns `summary.csv` must have (README.md, "Outputs"); others may sit beside them.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "scenario",
    "workload",
    "kernel",
    "model",
    "workers",
    "tasks",
    "runs",
    "median_s",
    "mean_s",
    "stddev_s",
    "min_s",
    "max_s",
    "ci_low_s",
    "ci_high_s",
    "outliers",
    "speedup",
    "speedup_ci_low",
    "speedup_ci_high",
    "efficiency",
    "cpu_util",
    "max_rss_kb",
    "baseline",
];

/// The built-in models, from the registry (`parabench::model::MODELS`): a model added there
/// is covered by every test that runs them all, with no edit here.
pub static BUILTIN_MODELS: LazyLock<Vec<&'static str>> = LazyLock::new(parabench::model::names);

/// The cells of one workload that runs every built-in model at `counts` worker counts
/// (which include 1): a model with a fixed number of workers (sequential) has one cell.
pub fn builtin_cells(counts: usize) -> usize {
    parabench::model::MODELS
        .iter()
        .map(|m| {
            if m.fixed_workers().is_some() {
                1
            } else {
                counts
            }
        })
        .sum()
}

/// The parabench binary of this build.
pub fn parabench() -> Command {
    let mut cmd = Command::cargo_bin("parabench").expect("the parabench binary is built");
    // Never inherit a progress bar or colour settings from the developer's terminal.
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// The crate root (where `cargo test` runs).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/scenarios/valid/<name>`.
pub fn valid(name: &str) -> PathBuf {
    root().join("tests/scenarios/valid").join(name)
}

/// `tests/scenarios/invalid/<name>`.
pub fn invalid(name: &str) -> PathBuf {
    root().join("tests/scenarios/invalid").join(name)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("parabench-test-")
        .tempdir()
        .expect("a temporary folder")
}

/// Output of one finished command, as text.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.describe());
        self
    }
}

/// Runs the command to completion and captures everything.
pub fn run(mut cmd: Command) -> Ran {
    let out = cmd.output().expect("parabench starts");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `parabench run <scenario> -o <out> --no-progress <extra...>`.
pub fn run_scenario(scenario: &Path, out: &Path, extra: &[&str]) -> Ran {
    let mut cmd = parabench();
    cmd.arg("run")
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .arg("--no-progress")
        .args(extra);
    run(cmd)
}

/// `parabench validate <files...>`.
pub fn validate(files: &[&Path]) -> Ran {
    let mut cmd = parabench();
    cmd.arg("validate").args(files);
    run(cmd)
}

/// A CSV file as its header and its rows (each a column -> value map).
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<HashMap<String, String>>,
}

impl Csv {
    #[track_caller]
    pub fn read(path: &Path) -> Csv {
        let mut r = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                header
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(String::from))
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    /// The values of `cols` in every row, in row order.
    pub fn project(&self, cols: &[&str]) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| cols.iter().map(|c| r[*c].clone()).collect())
            .collect()
    }

    /// The distinct values of `cols` over all rows.
    pub fn distinct(&self, cols: &[&str]) -> std::collections::BTreeSet<Vec<String>> {
        self.project(cols).into_iter().collect()
    }

    /// Rows where every `(column, value)` matches.
    pub fn filter(&self, pairs: &[(&str, &str)]) -> Vec<&HashMap<String, String>> {
        self.rows
            .iter()
            .filter(|r| pairs.iter().all(|(k, v)| r[*k] == *v))
            .collect()
    }
}

/// A numeric cell; panics with the column name when it is empty or not a number.
#[track_caller]
pub fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|e| panic!("column {col} = {:?} is not a number: {e}", row[col]))
}

/// Writes a scenario into `dir` and returns its path.
pub fn write_scenario(dir: &Path, file: &str, text: &str) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}

/// The variable that lets the tests needing python3 pass without it (a machine that cannot
/// have python3). Without it, those tests fail when python3 is missing.
pub const WITHOUT_PYTHON: &str = "PARABENCH_TESTS_WITHOUT_PYTHON";

/// The interpreter the CPython tests run: `$PARABENCH_PYTHON` (which parabench itself prefers,
/// and the child processes inherit), else `python3`. Fails the test when it cannot start: a
/// test of the CPython models must never pass without running them. Only with
/// `PARABENCH_TESTS_WITHOUT_PYTHON=1` set does a missing interpreter give `None` (the caller
/// then skips, saying so on stderr).
#[track_caller]
pub fn require_python() -> Option<String> {
    let python = std::env::var("PARABENCH_PYTHON")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "python3".to_string());
    let why = match std::process::Command::new(&python)
        .arg("--version")
        .output()
    {
        Ok(o) if o.status.success() => return Some(python),
        Ok(o) => format!(
            "`{python} --version` exited with {}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => format!("`{python} --version` did not start: {e}"),
    };
    if std::env::var(WITHOUT_PYTHON).is_ok_and(|v| v == "1") {
        eprintln!("skipped ({WITHOUT_PYTHON}=1): {why}");
        return None;
    }
    panic!(
        "python3 is needed for this test ({why}): install it, set PARABENCH_PYTHON, or set \
         {WITHOUT_PYTHON}=1 to skip the tests that need it"
    )
}

/// The text labels of an SVG chart, parsed as XML: each `<text>` element's text, trimmed.
/// Fails the test when the file is not an SVG document.
#[track_caller]
pub fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(
        doc.root_element().tag_name().name(),
        "svg",
        "{} is not an SVG document",
        path.display()
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

/// Whether some label of `texts` contains `part`.
pub fn some_text_has(texts: &[String], part: &str) -> bool {
    texts.iter().any(|t| t.contains(part))
}

/// A scenario file built key by key, for tests whose point is one or two keys: top-level
/// keys first, then each `[[workload]]`, then each `[[model]]`, one `key = value` a line in
/// the order given (so an error's line and column are predictable). Values are TOML text.
#[derive(Default, Clone)]
pub struct ScenarioToml {
    top: Vec<(String, String)>,
    tables: Vec<(&'static str, Vec<(String, String)>)>,
}

/// A new, empty scenario.
pub fn scenario() -> ScenarioToml {
    ScenarioToml::default()
}

/// A TOML list of strings: `["a", "b"]`.
pub fn toml_words(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

impl ScenarioToml {
    /// A top-level `key = value` (value as TOML text), or one in the table last added.
    pub fn set(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        let line = (key.to_string(), value.to_string());
        match self.tables.last_mut() {
            Some((_, keys)) => keys.push(line),
            None => self.top.push(line),
        }
        self
    }

    /// `models = [...]` (top level, or in the table last added).
    pub fn models(self, models: &[&str]) -> Self {
        self.set("models", toml_words(models))
    }

    /// A `[[workload]]` table running `kernel` `tasks` times; later `set`s add to it.
    pub fn kernel_workload(mut self, name: &str, kernel: &str, tasks: u64) -> Self {
        self.tables.push(("workload", Vec::new()));
        self.set("name", format!("{name:?}"))
            .set("kernel", format!("{kernel:?}"))
            .set("tasks", tasks)
    }

    /// A `[[model]]` table running `command`; later `set`s add to it.
    pub fn command_model(mut self, name: &str, command: &[&str]) -> Self {
        self.tables.push(("model", Vec::new()));
        self.set("name", format!("{name:?}"))
            .set("command", toml_words(command))
    }

    /// The scenario as TOML text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.top {
            out.push_str(&format!("{k} = {v}\n"));
        }
        for (i, (table, keys)) in self.tables.iter().enumerate() {
            if i > 0 || !self.top.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[[{table}]]\n"));
            for (k, v) in keys {
                out.push_str(&format!("{k} = {v}\n"));
            }
        }
        out
    }

    /// Writes the scenario as `dir/file` and returns its path.
    pub fn write(&self, dir: &Path, file: &str) -> PathBuf {
        write_scenario(dir, file, &self.text())
    }
}
