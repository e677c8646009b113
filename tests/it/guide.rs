//! The user guide (`docs/`, an mdBook) and the README against the code: the committed
//! generated page (warnings) is what `parabench list --markdown` writes today (run
//! `.ci/generate-docs` after adding a notice), the others are written when the guide is built
//! and never committed, every page is in SUMMARY.md, every relative link and anchor resolves (guide,
//! README, published reports), every scenario key, kernel, model, CSV column and report
//! warning has its entry, and the README stays short with the set-up commands first.

use crate::common::*;
use parabench::app::reference::{markdown, TABLES};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    root().join("docs/src")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn generated_pages_are_current_or_built() {
    let ignored = read(&root().join(".gitignore"));
    for (name, table) in TABLES {
        let rel = format!("docs/src/generated/{name}.md");
        if table.committed() {
            assert!(
                read(&root().join(&rel)) == markdown(*table),
                "{rel} is stale: run .ci/generate-docs and commit the result"
            );
        } else {
            assert!(
                ignored.lines().any(|l| l.trim() == format!("/{rel}")),
                "{rel} is written when the guide is built: it belongs in .gitignore"
            );
        }
    }
}

/// The text of a generated page by its path, as the guide build writes it (`None` for any
/// other path).
fn generated(path: &Path) -> Option<String> {
    let name = path.strip_prefix(docs().join("generated")).ok()?.to_str()?;
    TABLES
        .iter()
        .find(|(n, _)| format!("{n}.md") == name)
        .map(|(_, t)| markdown(*t))
}

#[test]
fn list_markdown_prints_the_generated_pages() {
    for (name, table) in TABLES {
        let out = parabench()
            .args(["list", "--markdown", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            markdown(*table),
            "{name}"
        );
    }
    let all = parabench().args(["list", "--markdown"]).output().unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    for (name, table) in TABLES {
        assert!(
            all.contains(&markdown(*table)),
            "{name} missing from `list --markdown`"
        );
    }
    let bad = parabench()
        .args(["list", "--markdown", "colums"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("columns"));
}

/// Markdown files under `dir`, recursively.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The text outside fenced code blocks and code spans.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let mut code = false;
        for c in line.chars() {
            if c == '`' {
                code = !code;
            } else if !code {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Link targets `](dest)` of a Markdown text (outside code).
fn links(text: &str) -> Vec<String> {
    let p = prose(text);
    let mut out = Vec::new();
    let mut rest = p.as_str();
    while let Some(at) = rest.find("](") {
        let tail = &rest[at + 2..];
        let end = tail.find([')', ' ']).unwrap_or(tail.len());
        out.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    out
}

/// A heading's anchor as mdBook and GitHub make it.
fn slug(title: &str) -> String {
    parabench::report::notices::slug(&title.replace('`', ""))
}

/// The anchors of a Markdown file: its headings and `<a id="...">` tags.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        }
        if fence {
            continue;
        }
        let t = line.trim_start_matches('#');
        if t.len() < line.len() && t.starts_with(' ') {
            out.insert(slug(t.trim()));
        }
        let mut rest = line;
        while let Some(at) = rest.find("<a id=\"") {
            let tail = &rest[at + 7..];
            let end = tail.find('"').unwrap_or(0);
            out.insert(tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    out
}

/// `path` without `.` and `..` parts (the file need not exist).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every relative link of `file` resolves to a file, and an anchor into a Markdown file to one
/// of its headings; returns what does not.
fn broken_links(file: &Path) -> Vec<String> {
    let text = read(file);
    let dir = file.parent().unwrap();
    let mut broken = Vec::new();
    for dest in links(&text) {
        if dest.starts_with("http://")
            || dest.starts_with("https://")
            || dest.starts_with("mailto:")
        {
            continue;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest.as_str(), None),
        };
        let target = if path.is_empty() {
            file.to_path_buf()
        } else {
            normal(&dir.join(path))
        };
        // A generated page is there once the guide is built.
        let built = generated(&target);
        if !target.exists() && built.is_none() {
            broken.push(format!("{}: {dest} (no such file)", file.display()));
            continue;
        }
        if let Some(a) = anchor {
            let text = || built.clone().unwrap_or_else(|| read(&target));
            if target.extension().is_some_and(|x| x == "md") && !anchors(&text()).contains(a) {
                broken.push(format!("{}: {dest} (no such heading)", file.display()));
            }
        }
    }
    broken
}

#[test]
fn every_page_is_in_the_summary_and_every_link_resolves() {
    let summary = read(&docs().join("SUMMARY.md"));
    let listed: BTreeSet<String> = links(&summary).into_iter().collect();
    let mut broken = Vec::new();
    for f in markdown_files(&docs()) {
        let rel = f
            .strip_prefix(docs())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        if rel != "SUMMARY.md" && !listed.contains(&rel) {
            broken.push(format!("{rel} is not in SUMMARY.md"));
        }
        broken.extend(broken_links(&f));
    }
    broken.extend(broken_links(&root().join("README.md")));
    for e in std::fs::read_dir(root().join("results")).unwrap() {
        let report = e.unwrap().path().join("report.md");
        if report.is_file() {
            broken.extend(broken_links(&report));
        }
    }
    assert!(broken.is_empty(), "broken:\n{}", broken.join("\n"));
}

#[test]
fn the_guide_covers_every_key_kernel_model_column_and_warning() {
    let page = |name: &str| {
        let (_, table) = TABLES.iter().find(|(n, _)| *n == name).unwrap();
        markdown(*table)
    };
    let (keys, kernels, models, columns, warnings) = (
        page("keys"),
        page("kernels"),
        page("models"),
        page("columns"),
        page("warnings"),
    );
    for k in parabench::scenario::keys::KEYS {
        assert!(keys.contains(&format!("`{}` |", k.name)), "key {}", k.name);
    }
    for k in parabench::kernel::KERNELS {
        assert!(
            kernels.contains(&format!("| `{}` |", k.name())),
            "kernel {}",
            k.name()
        );
    }
    for m in parabench::model::MODELS {
        assert!(
            models.contains(&format!("| `{}` |", m.name())),
            "model {}",
            m.name()
        );
    }
    for m in parabench::model::python::PY_MODELS {
        assert!(
            models.contains(&format!("| `{}` |", m.name)),
            "model {}",
            m.name
        );
    }
    for f in parabench::report::columns::FILES {
        for (c, _) in f.columns {
            assert!(
                columns.contains(&format!("| `{c}` |")),
                "{} column {c}",
                f.file
            );
        }
    }
    let ids = anchors(&warnings);
    for n in parabench::report::notices::NOTICES {
        assert!(ids.contains(&n.id()), "warning {}", n.title);
    }
    // A report's "What to do" link, from a run folder two levels down, reaches that page.
    let from_run = root().join("results/demo");
    let target = from_run.join(parabench::report::notices::GUIDE_MD);
    assert!(target.is_file(), "{}", target.display());
}

#[test]
fn documented_columns_are_the_files_headers() {
    let tmp = tempdir();
    // Threads over 1 and 2 workers: a timeline (tasks.csv) and a fit row (fits.csv).
    let file = write_scenario(
        tmp.path(),
        "cols.toml",
        "name = \"cols\"\nrepeats = 2\nwarmup = 0\nworkers = [1, 2]\nmodels = [\"threads\"]\ncharts = \"none\"\n\n[[workload]]\nname = \"w\"\nkernel = \"spin\"\ntasks = 4\niters = 1000\n",
    );
    run_scenario(&file, &tmp.path().join("out"), &[]).expect_code(0);
    let dir = tmp.path().join("out/cols");
    for f in parabench::report::columns::FILES {
        let text = read(&dir.join(f.file));
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let documented: Vec<&str> = f.columns.iter().map(|c| c.0).collect();
        assert_eq!(header, documented, "{}", f.file);
    }
}

#[test]
fn the_readme_is_short_and_starts_with_the_two_commands() {
    let readme = read(&root().join("README.md"));
    assert!(
        readme.len() <= 15 * 1024,
        "README.md is {} bytes",
        readme.len()
    );
    let first_block: Vec<&str> = readme
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .lines()
        .take(2)
        .collect();
    assert!(
        first_block[0].starts_with("cargo run --release -- run"),
        "{first_block:?}"
    );
    assert!(first_block[1].starts_with("cargo test"), "{first_block:?}");
}
