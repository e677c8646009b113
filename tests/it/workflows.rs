//! The GitHub workflows cannot run here, so this parses every file in `.github/workflows/` as
//! YAML and checks what it names: each job has `runs-on` and steps, each step `uses` or
//! `run`s something, a script it runs (`bash <file>`) or a file its `env` names exists in the
//! repository, and every `parabench` command line it runs names a real subcommand with flags
//! that subcommand accepts. `ci.yml` must run `.ci/run` on push and pull request.

use crate::common::{parabench, root, run};
use std::path::PathBuf;
use yaml_rust2::{Yaml, YamlLoader};

/// Every workflow file, parsed: (file name, document).
fn workflows() -> Vec<(String, Yaml)> {
    let dir = root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflow in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let mut docs = YamlLoader::load_from_str(&text)
                .unwrap_or_else(|e| panic!("{name} is not valid YAML: {e}"));
            assert_eq!(docs.len(), 1, "{name}: one YAML document");
            (name, docs.remove(0))
        })
        .collect()
}

/// The `run:` scripts of every step of every job, with the workflow's and job's `env` text.
fn scripts(doc: &Yaml, name: &str) -> Vec<String> {
    let jobs = doc["jobs"]
        .as_hash()
        .unwrap_or_else(|| panic!("{name}: no `jobs` table"));
    let mut out = Vec::new();
    for (job, body) in jobs {
        let job = job.as_str().unwrap_or("?");
        assert!(
            !body["runs-on"].is_badvalue(),
            "{name}: job `{job}` has no runs-on"
        );
        let steps = body["steps"]
            .as_vec()
            .unwrap_or_else(|| panic!("{name}: job `{job}` has no steps"));
        for (i, step) in steps.iter().enumerate() {
            match (step["uses"].as_str(), step["run"].as_str()) {
                (Some(_), None) => {}
                (None, Some(script)) => out.push(script.to_string()),
                _ => panic!("{name}: job `{job}` step {i} needs exactly one of `uses` and `run`"),
            }
        }
    }
    out
}

/// The text of a workflow's top-level `env` values.
fn env_values(doc: &Yaml) -> Vec<String> {
    doc["env"]
        .as_hash()
        .map(|h| {
            h.values()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one `parabench <sub> [args]` command line: the subcommand exists and each
/// `--flag` is in its help.
fn check_parabench_line(name: &str, words: &[&str]) {
    let Some(sub) = words.first() else {
        panic!("{name}: `parabench` without a subcommand")
    };
    let mut help = parabench();
    help.args([sub, "--help"]);
    let ran = run(help);
    assert_eq!(
        ran.code,
        Some(0),
        "{name}: `parabench {sub}` is not a subcommand\n{}",
        ran.describe()
    );
    for flag in words.iter().filter(|w| w.starts_with("--")) {
        let flag = flag.split('=').next().unwrap_or(flag);
        assert!(
            ran.stdout.contains(flag),
            "{name}: `parabench {sub}` has no option {flag}"
        );
    }
}

#[test]
fn every_workflow_parses_and_names_what_exists() {
    for (name, doc) in workflows() {
        assert!(!doc["on"].is_badvalue(), "{name}: no `on` trigger");
        for value in env_values(&doc) {
            let path = value.split_whitespace().next().unwrap_or("");
            if path.ends_with(".toml") || path.ends_with(".py") || path.ends_with(".sh") {
                assert!(
                    root().join(path).exists(),
                    "{name}: env names {path}, which is not in the repository"
                );
            }
        }
        for script in scripts(&doc, &name) {
            for line in script.lines() {
                let words: Vec<&str> = line.split_whitespace().collect();
                for (i, w) in words.iter().enumerate() {
                    if *w == "bash" || *w == "sh" || *w == "python3" {
                        if let Some(file) = words.get(i + 1).filter(|f| !f.starts_with('-')) {
                            assert!(
                                root().join(file).is_file(),
                                "{name}: `{line}` runs {file}, which is not in the repository"
                            );
                        }
                    }
                    if w.ends_with("/parabench") {
                        check_parabench_line(&name, &words[i + 1..]);
                    }
                }
            }
        }
    }
}

#[test]
fn ci_runs_the_ci_script_on_push_and_pull_request() {
    let all = workflows();
    let (_, ci) = all
        .iter()
        .find(|(n, _)| n == "ci.yml")
        .expect(".github/workflows/ci.yml exists");
    for event in ["push", "pull_request"] {
        let on = &ci["on"];
        let listed = on
            .as_hash()
            .is_some_and(|h| h.contains_key(&Yaml::String(event.into())))
            || on
                .as_vec()
                .is_some_and(|v| v.iter().any(|e| e.as_str() == Some(event)));
        assert!(listed, "ci.yml does not run on {event}");
    }
    let scripts = scripts(ci, "ci.yml");
    assert!(
        scripts.iter().any(|s| s.trim() == "bash .ci/run"),
        "ci.yml does not run `bash .ci/run`: {scripts:?}"
    );
    assert!(root().join(".ci/run").is_file());
}
