//! report.html from real runs: free text escaped (a hostile description, a failing
//! program's error message), every inline chart the same document as its `.svg` file, failed
//! cells said, raw runs per cell, and nothing that would reach the network.

use crate::common::*;
use std::path::{Path, PathBuf};

/// A scenario whose description, workload description and failing model's error message
/// carry markup, ampersands and quotes.
const HOSTILE: &str = r#"name = "hostile"
description = "<script>alert('x')</script> & \"quoted\" <img src=x onerror=alert(1)> [click](javascript:alert(2))"
repeats = 2
warmup = 0
workers = [1, 2]
models = ["scripted", "broken"]
baseline = "scripted"

[[workload]]
name = "fake-work"
description = "</details><b>bold?</b> & 'single'"
kernel = "fake"
tasks = 4

[[model]]
name = "scripted"
command = ["sh", "-c", "awk -v w={workers} 'BEGIN {{ printf \"elapsed_s=%.17g checksum=42\\n\", 0.01 / w }}'"]

[[model]]
name = "broken"
command = ["sh", "-c", "echo '<script>boom()</script> & \"err\"' >&2; exit 3"]
"#;

fn run_hostile(tmp: &Path) -> PathBuf {
    let file = tmp.join("hostile.toml");
    std::fs::write(&file, HOSTILE).unwrap();
    let out = tmp.join("out");
    let ran = parabench()
        .args(["run", file.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    // The broken model's runs fail: exit 1, every output still written.
    assert_eq!(
        ran.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    out.join("hostile")
}

/// The `<svg>…</svg>` documents of a page, in order.
fn inline_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<svg") {
        let end = rest[at..].find("</svg>").unwrap() + at + "</svg>".len();
        out.push(&rest[at..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn hostile_text_is_escaped_failed_cells_are_said_and_charts_match_their_files() {
    let tmp = tempdir();
    let dir = run_hostile(tmp.path());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();

    // Only the page's own two scripts; the free text shows as text.
    assert_eq!(html.matches("<script").count(), 2, "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("<b>bold?</b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\""),
        "the description is not shown escaped:\n{html}"
    );
    assert!(
        html.contains("&lt;/details&gt;&lt;b&gt;bold?&lt;/b&gt; &amp;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;boom()&lt;/script&gt;"),
        "{html}"
    );
    // The run details quote each command, escaped.
    assert!(
        html.contains("<h2 id=\"run-details\">Run details</h2>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<th>model <code>broken</code></th><td><code>sh -c echo &#39;&lt;script&gt;boom()"
        ),
        "{html}"
    );
    // Nothing is fetched: no src= or href= to another host, no stylesheet link.
    assert!(!html.contains("src=\""), "{html}");
    assert!(!html.contains("<link"), "{html}");
    assert!(!html.contains("href=\"http"), "{html}");

    // The failed cells are in the tables and in the failed-runs section.
    assert!(html.contains("<h2>Failed runs</h2>"), "{html}");
    assert!(html.contains("(+2 failed)"), "{html}");
    assert!(
        html.contains("<code>broken</code>@2: 2 runs, 2 failed"),
        "{html}"
    );

    // Every chart written as SVG is inline, byte for byte, in CHARTS order per workload.
    let svgs = inline_svgs(&html);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    assert_eq!(svgs.len(), files.len(), "{files:?}");
    for f in &files {
        let svg = std::fs::read_to_string(f).unwrap();
        assert!(
            svgs.contains(&svg.trim_end()) || svgs.contains(&svg.as_str()),
            "{} is not inline as it is",
            f.display()
        );
    }
}

#[test]
fn plot_writes_report_html_and_fewer_charts_are_said() {
    let tmp = tempdir();
    let dir = run_hostile(tmp.path());
    std::fs::remove_file(dir.join("report.html")).unwrap();
    parabench()
        .args(["plot", dir.to_str().unwrap(), "--charts", "speedup,svg"])
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(inline_svgs(&html).len(), 1, "only the speedup chart");
    assert!(
        html.contains("<strong>Charts:</strong> asked for <code>speedup</code>, <code>svg</code>, so left out:"),
        "{html}"
    );
}
