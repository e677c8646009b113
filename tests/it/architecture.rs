//! The invariants the design rests on, checked on the source itself (no timing):
//!
//! - the module graph, from `crate::` paths in non-test code, has no cycle, and only `cli`
//!   and `main` know clap;
//! - the charts are a crate of their own (`crates/charts`) that depends on no crate of this
//!   workspace, so the compiler keeps runs out of the renderer; only `report` and `compare`
//!   use it, and nothing else draws (no drawing library in the main crate);
//! - no process-wide allocator tuning: a cell process must not change glibc's malloc
//!   parameters or install a global allocator, because such changes reach one model's threads
//!   and not another's (the main thread's arena is not a worker thread's), which once made
//!   `sequential` up to 7x slower than every other model at 1 worker;
//! - errors that cross a module boundary are types, not strings (`errors.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod errors;

/// Every `.rs` file under `dir` (relative to the repository root) with its text.
fn rust_files(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out
}

/// The main crate's sources.
fn sources() -> Vec<(PathBuf, String)> {
    let out = rust_files("src");
    assert!(out.len() > 20, "the source tree was not found");
    out
}

/// The charts crate's sources.
fn chart_sources() -> Vec<(PathBuf, String)> {
    let out = rust_files("crates/charts/src");
    assert!(out.len() > 10, "the charts crate was not found");
    out
}

fn manifest(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The lines of a manifest's `[dependencies]` table.
fn dependencies(toml: &str) -> Vec<&str> {
    toml.lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect()
}

/// The code of a file before its `#[cfg(test)]` module.
fn non_test(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// `src/run/cell.rs` -> `run`; `src/lib.rs` -> `lib`.
fn top_module(path: &Path) -> String {
    let rel = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in sources() {
        let from = top_module(&path);
        let code = non_test(&text);
        let entry = graph.entry(from.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let to: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !to.is_empty() && to != from {
                entry.insert(to);
            }
        }
    }
    graph
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph();
    // Depth-first search for a back edge; report the cycle's path.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let start = path.iter().position(|p| p == n).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(cycle) = visit(n, &graph, &mut state, &mut Vec::new()) {
            panic!(
                "import cycle between modules: {} (see ARCHITECTURE.md for what each module may import)",
                cycle.join(" -> ")
            );
        }
    }
    // The leaves import nothing from the crate.
    for leaf in ["record", "hash", "text", "chart_kinds"] {
        assert_eq!(
            graph.get(leaf).map(BTreeSet::len),
            Some(0),
            "{leaf}: {graph:?}"
        );
    }
}

#[test]
fn only_the_command_line_knows_clap() {
    for (path, text) in sources() {
        let m = top_module(&path);
        if m == "cli" || m == "main" {
            continue;
        }
        assert!(
            !non_test(&text).contains("clap::") && !text.contains("crate::cli"),
            "{} uses clap or the cli module: turn clap types into plain option structs in cli.rs",
            path.display()
        );
    }
}

#[test]
fn no_process_wide_allocator_tuning() {
    let forbidden = [
        "mallopt",
        "malloc_trim",
        "M_TRIM_THRESHOLD",
        "M_TOP_PAD",
        "M_MMAP_THRESHOLD",
        "M_ARENA_MAX",
        "global_allocator",
        "MALLOC_ARENA",
    ];
    for (path, text) in sources().into_iter().chain(chart_sources()) {
        for word in forbidden {
            assert!(
                !text.contains(word),
                "{} mentions `{word}`: process-wide allocator settings favour some models' threads over others (see tests/it/architecture.rs)",
                path.display()
            );
        }
    }
}

#[test]
fn the_charts_crate_knows_no_run_and_only_it_draws() {
    // The renderer depends on no crate of the workspace (a path dependency would let runs,
    // summaries or scenarios into it): data in, SVG and PNG out.
    let charts = manifest("crates/charts/Cargo.toml");
    let deps = dependencies(&charts);
    assert!(
        deps.len() >= 2,
        "no [dependencies] in crates/charts/Cargo.toml"
    );
    for line in deps {
        assert!(
            !line.contains("path") && !line.starts_with("parabench"),
            "crates/charts depends on `{line}`: the charts crate takes plan types only"
        );
    }
    for (path, text) in chart_sources() {
        assert!(
            !text.contains("parabench::"),
            "{} names the parabench crate",
            path.display()
        );
    }
    // Nothing else draws: the main crate has no drawing library of its own ...
    let main = manifest("Cargo.toml");
    for lib in [
        "plotters",
        "resvg",
        "tiny-skia",
        "png",
        "image",
        "ab_glyph",
        "ttf-parser",
    ] {
        assert!(
            !dependencies(&main).iter().any(|l| l.starts_with(lib)),
            "Cargo.toml depends on {lib}: drawing belongs in crates/charts"
        );
    }
    // ... and only the report and the comparison (which build figures) use the charts crate.
    for (path, text) in sources() {
        let m = top_module(&path);
        if m != "report" && m != "compare" {
            assert!(
                !text.contains("parabench_charts") && !text.contains("report::chart::"),
                "{} uses the charts: figures are built in report/ and compare/",
                path.display()
            );
        }
    }
}

/// The most lines a function may have, and the deepest its braces may nest inside its body,
/// without a comment saying why (`// long because: ...` or `// deep because: ...` in the
/// lines just above the `fn`, among its doc comment and attributes).
const MAX_FN_LINES: usize = 80;
const MAX_FN_NESTING: usize = 5;

/// One function of a source file: name, first line (1-based), lines, deepest nesting inside
/// its body, and the comment lines just above it.
struct FnSpan {
    name: String,
    line: usize,
    lines: usize,
    nesting: usize,
    above: String,
}

/// A line with its `//` comment, string and char literals blanked, so the braces left are
/// code (a simple scan: raw strings and block comments are rare enough in this code base
/// that a wrong count shows up as a failure to look at, not a silent pass).
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => break,
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n', '{') is blanked; a lifetime ('a) is kept.
                let rest: String = chars.clone().take(3).collect();
                let len = if rest.starts_with('\\') {
                    rest.find('\'').map(|i| i + 1)
                } else if rest.chars().nth(1) == Some('\'') {
                    Some(2)
                } else {
                    None
                };
                if let Some(n) = len {
                    for _ in 0..n {
                        chars.next();
                    }
                    out.push_str("' '");
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every function with a body in `text`, by brace matching from its `fn` line.
fn functions(text: &str) -> Vec<FnSpan> {
    let lines: Vec<&str> = text.lines().collect();
    let code: Vec<String> = lines.iter().map(|l| code_of(l)).collect();
    let mut out = Vec::new();
    for (i, l) in code.iter().enumerate() {
        let t = l.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let t = if t.starts_with("pub(") {
            t.split_once(") ").map_or(t, |(_, r)| r)
        } else {
            t
        };
        let t = ["const ", "async ", "unsafe ", "extern \"\" "]
            .iter()
            .fold(t, |t, p| t.strip_prefix(p).unwrap_or(t));
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut deepest, mut opened) = (0usize, 0usize, false);
        let mut end = None;
        'scan: for (j, cl) in code.iter().enumerate().skip(i) {
            for ch in cl.chars() {
                match ch {
                    '{' => {
                        depth += 1;
                        opened = true;
                        deepest = deepest.max(depth);
                    }
                    '}' => {
                        depth -= 1;
                        if opened && depth == 0 {
                            end = Some(j);
                            break 'scan;
                        }
                    }
                    ';' if !opened => break 'scan, // a declaration without a body
                    _ => {}
                }
            }
        }
        let Some(end) = end else { continue };
        let above = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("//") || l.starts_with("#[")
            })
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        out.push(FnSpan {
            name,
            line: i + 1,
            lines: end - i + 1,
            nesting: deepest.saturating_sub(1),
            above,
        });
    }
    out
}

#[test]
fn the_function_scan_measures_length_and_nesting() {
    let text = "/// doc\n// long because: a table\nfn a() {\n    if x {\n        let s = \"}\";\n    }\n}\nfn b();\nfn c<'a>(x: &'a str) { let c = '{'; }\n";
    let f = functions(text);
    assert_eq!(f.len(), 2, "a declaration without a body is no function");
    assert_eq!((f[0].name.as_str(), f[0].line, f[0].lines), ("a", 3, 5));
    assert_eq!(f[0].nesting, 1);
    assert!(f[0].above.contains("long because:"));
    assert_eq!((f[1].name.as_str(), f[1].lines, f[1].nesting), ("c", 1, 0));
}

#[test]
fn no_function_is_long_or_deep_without_saying_why() {
    let mut bad = Vec::new();
    for (path, text) in sources().into_iter().chain(chart_sources()) {
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        for f in functions(non_test(&text)) {
            if f.lines > MAX_FN_LINES && !f.above.contains("// long because:") {
                bad.push(format!(
                    "{}:{} `{}` has {} lines (at most {MAX_FN_LINES}: split it, or say \
                     `// long because: ...` above it)",
                    path.display(),
                    f.line,
                    f.name,
                    f.lines
                ));
            }
            if f.nesting > MAX_FN_NESTING && !f.above.contains("// deep because:") {
                bad.push(format!(
                    "{}:{} `{}` nests {} levels (at most {MAX_FN_NESTING}: flatten it, or say \
                     `// deep because: ...` above it)",
                    path.display(),
                    f.line,
                    f.name,
                    f.nesting
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The most lines a source file of either crate may have (tests included: a big `mod tests`
/// moves to a `tests.rs` of its own).
const MAX_FILE_LINES: usize = 600;

#[test]
fn no_source_file_is_over_600_lines() {
    let mut bad = Vec::new();
    for (path, text) in sources().into_iter().chain(chart_sources()) {
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            bad.push(format!("{}: {lines} lines", path.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "files over {MAX_FILE_LINES} lines: split them by responsibility (a module folder, its \
         tests in a file of their own):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_integration_tests_are_one_binary() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let top: Vec<String> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        top.is_empty(),
        "tests/*.rs each build a binary of their own: move {top:?} into tests/it/ (a module \
         and its `mod` line in tests/it/main.rs)"
    );
    let main = std::fs::read_to_string(tests.join("it/main.rs")).unwrap();
    for e in std::fs::read_dir(tests.join("it")).unwrap() {
        let p = e.unwrap().path();
        let Some(stem) = p.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if p.extension().is_some_and(|x| x == "rs") && stem != "main" {
            assert!(
                main.lines().any(|l| l.trim() == format!("mod {stem};")),
                "tests/it/{stem}.rs has no `mod {stem};` line in tests/it/main.rs: it is never built"
            );
        }
    }
    let manifest = manifest("Cargo.toml");
    assert!(
        !manifest.contains("[[test]]"),
        "Cargo.toml declares a test target of its own"
    );
}
