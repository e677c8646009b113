//! `report.html`: report.md as one self-contained page. Every chart is inline SVG (the same
//! document as its `.svg` file), every table sorts by a click on its header (a small inline
//! script), warnings link to their guide section, and each cell's raw runs sit in a collapsed
//! table. No network, no external script, style or font: the file opens from disk, a mail
//! attachment or a web server alike. `compare` writes `compare.html` with the same page.
//!
//! All text from the run (descriptions, command lines, error messages) is escaped: the
//! Markdown is rendered with raw HTML turned into text, and only relative, `http(s)` and
//! `#` links survive.

use super::chart::{InReport, CHARTS};
use super::{Exporter, RunData};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::fmt::Write;

pub struct Html;

impl Exporter for Html {
    fn file_name(&self) -> &'static str {
        "report.html"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        let md = super::markdown::render(data)?;
        let charts = chart_svgs(data);
        let mut tail = String::new();
        run_details(&mut tail, data)?;
        raw_runs(&mut tail, data)?;
        let title = format!("parabench report: {}", data.meta.scenario.name);
        Ok(page(&title, &md, &charts, &tail).into_bytes())
    }
}

/// The SVG of every chart the report shows or links, by the file names report.md uses.
fn chart_svgs(data: &RunData) -> BTreeMap<String, Chart> {
    let asked = data.meta.charts.clone().unwrap_or_default();
    let mut out = BTreeMap::new();
    for w in &data.meta.workloads {
        for c in CHARTS {
            let Some(ext) = asked.file_of(c.suffix()) else {
                continue;
            };
            let Some(figure) = c.figure(data, w) else {
                continue;
            };
            out.insert(
                format!("{}.{}.{ext}", w.name, c.suffix()),
                Chart {
                    svg: super::chart::svg(&figure),
                    title: format!("{} of {}", c.title(), w.name),
                    id: format!("chart-{}-{}", slug_id(&w.name), c.suffix()),
                    image: c.in_report() == InReport::Image,
                },
            );
        }
    }
    out
}

/// A chart to put inline.
pub struct Chart {
    pub svg: String,
    pub title: String,
    pub id: String,
    /// Shown where report.md shows its image; otherwise collapsed after the paragraph that
    /// links it.
    pub image: bool,
}

impl Chart {
    /// A chart shown in the page (`image`) or collapsed where report.md links it.
    pub fn new(svg: String, title: String, id: String, image: bool) -> Chart {
        Chart {
            svg,
            title,
            id,
            image,
        }
    }
}

fn slug_id(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Text escaped for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page: `md` rendered, with the charts of `charts` inline where it shows or links
/// them, then `tail` (already HTML).
pub fn page(title: &str, md: &str, charts: &BTreeMap<String, Chart>, tail: &str) -> String {
    let body = render_markdown(md, charts);
    let mut s = String::with_capacity(body.len() + tail.len() + 8192);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No fetches at all: inline style and script only, images only as data.
    s.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    s.push_str("<style>\n");
    s.push_str(CSS);
    s.push_str("</style>\n<script>\n");
    s.push_str(EARLY_JS);
    s.push_str("</script>\n</head>\n<body>\n<main>\n");
    s.push_str(&body);
    s.push_str(tail);
    s.push_str("</main>\n<script>\n");
    s.push_str(JS);
    s.push_str("</script>\n</body>\n</html>\n");
    s
}

/// Is a link target safe to keep: relative, `#`, `http(s)` or `mailto` (no `javascript:`,
/// no `data:`)?
fn safe_link(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after a slash, `?` or `#` is part of a relative path.
            scheme.contains(['/', '?', '#']) || matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

/// The raw HTML report.md itself writes: a collapsed section's opening and closing lines.
fn allowed_html(html: &str) -> bool {
    let t = html.trim();
    if t == "</details>" {
        return true;
    }
    let Some(inner) = t
        .strip_prefix("<details><summary>")
        .and_then(|r| r.strip_suffix("</summary>"))
    else {
        return false;
    };
    let plain = inner.replace("<b>", "").replace("</b>", "");
    !plain.contains(['<', '>'])
}

/// report.md's Markdown as HTML: raw HTML escaped (but report.md's own collapsed sections),
/// unsafe links dropped, images of known charts replaced by their SVG, links to known charts
/// made anchors of a collapsed copy after the paragraph, guide links pointed at the book,
/// tables made sortable.
fn render_markdown(md: &str, charts: &BTreeMap<String, Chart>) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut r = Rewriter {
        charts,
        events: Vec::new(),
        pending: Vec::new(),
        in_image: 0,
        dropped_links: Vec::new(),
    };
    for event in parser {
        r.push(event);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, r.events.into_iter());
    for c in r.pending {
        html.push_str(&collapsed_chart(c));
    }
    // Every table the Markdown made sorts by its header (no user text can hold this tag:
    // it was escaped above).
    html.replace("<table>", "<table class=\"sortable\">")
}

/// Rewrites report.md's events on their way to HTML (see [`render_markdown`]).
struct Rewriter<'a, 'm> {
    charts: &'a BTreeMap<String, Chart>,
    events: Vec<Event<'m>>,
    /// Linked charts to show, collapsed, after the current paragraph.
    pending: Vec<&'a Chart>,
    /// Inside an image: its alt text is dropped (the chart replaces it).
    in_image: usize,
    /// Per open link: whether it was dropped (its text stays, its end must go too).
    dropped_links: Vec<bool>,
}

impl<'a, 'm> Rewriter<'a, 'm> {
    fn html(&mut self, html: String) {
        self.events.push(Event::Html(CowStr::from(html)));
    }

    fn push(&mut self, event: Event<'m>) {
        if self.in_image > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => self.in_image += 1,
                Event::End(TagEnd::Image) => self.in_image -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Html(h) | Event::InlineHtml(h) if allowed_html(&h) => {
                self.events.push(Event::Html(h));
            }
            Event::Html(h) | Event::InlineHtml(h) => self.events.push(Event::Text(h)),
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.in_image = 1;
                match self.charts.get(dest_url.as_ref()) {
                    Some(c) => self.html(figure_html(c)),
                    // Only known charts: an image elsewhere would be a fetch.
                    None => self.events.push(Event::Text(CowStr::from(format!(
                        "[image {dest_url} not included]"
                    )))),
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, dest_url, title, id),
            Event::End(TagEnd::Link) => {
                if !self.dropped_links.pop().unwrap_or(false) {
                    self.events.push(Event::End(TagEnd::Link));
                }
            }
            Event::End(TagEnd::Paragraph) => {
                self.events.push(Event::End(TagEnd::Paragraph));
                for c in std::mem::take(&mut self.pending) {
                    self.html(collapsed_chart(c));
                }
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.html("<div class=\"notice\">".into());
                self.events.push(Event::Start(Tag::BlockQuote(kind)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                self.events.push(Event::End(TagEnd::BlockQuote(kind)));
                self.html("</div>".into());
            }
            Event::Start(Tag::Table(align)) => {
                self.html("<div class=\"scroll\">".into());
                self.events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                self.events.push(Event::End(TagEnd::Table));
                self.html("</div>".into());
            }
            other => self.events.push(other),
        }
    }

    /// A link to a chart points at its collapsed copy; a guide link at the built book; an
    /// unsafe one is dropped (its text stays).
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'m>,
        title: CowStr<'m>,
        id: CowStr<'m>,
    ) {
        let dest = if let Some(c) = self.charts.get(dest_url.as_ref()) {
            if !self.pending.iter().any(|p| p.id == c.id) {
                self.pending.push(c);
            }
            format!("#{}", c.id)
        } else if safe_link(&dest_url) {
            match dest_url.strip_prefix(super::notices::GUIDE_MD) {
                Some(anchor) => format!("{}{anchor}", super::notices::GUIDE_HTML),
                None => dest_url.to_string(),
            }
        } else {
            self.dropped_links.push(true);
            return;
        };
        self.dropped_links.push(false);
        self.events.push(Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(dest),
            title,
            id,
        }));
    }
}

/// A chart shown in the page, on a light card.
fn figure_html(c: &Chart) -> String {
    format!(
        "<figure class=\"chart\" id=\"{}\" aria-label=\"{}\">{}</figure>",
        escape(&c.id),
        escape(&c.title),
        c.svg
    )
}

/// A linked chart, collapsed (its link points here and opens it).
fn collapsed_chart(c: &Chart) -> String {
    format!(
        "\n<details class=\"chart-more\" id=\"{}\"><summary>{}</summary><figure class=\"chart\">{}</figure></details>\n",
        escape(&c.id),
        escape(&c.title),
        c.svg
    )
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(String::new, |v| format!("{v:.digits$}"))
}

/// How the run was made: the command line, order and rounds, timeline, shard or merge, and
/// the models with what each runs (commands quoted as given).
fn run_details(s: &mut String, data: &RunData) -> std::fmt::Result {
    let m = &data.meta;
    writeln!(
        s,
        "<h2 id=\"run-details\">Run details</h2>\n<div class=\"scroll\"><table><tbody>"
    )?;
    let mut row = |k: &str, v: String| writeln!(s, "<tr><th>{k}</th><td>{v}</td></tr>");
    row(
        "command line",
        format!("<code>{}</code>", escape(&m.command_line.join(" "))),
    )?;
    let rounds = m.rounds.map_or(String::new(), |r| format!(", {r} rounds"));
    row("order", format!("{}{rounds}", escape(&m.order)))?;
    if let Some(t) = &m.timeline {
        row("timeline", escape(t))?;
    }
    if let Some(shard) = &m.shard {
        row("shard", escape(shard))?;
    }
    if !m.merged_from.is_empty() {
        row("merged from", escape(&m.merged_from.join(", ")))?;
    }
    for model in &m.models {
        let what = match &model.command {
            Some(argv) => format!("<code>{}</code>", escape(&argv.join(" "))),
            None => "built in".to_string(),
        };
        row(&format!("model <code>{}</code>", escape(&model.name)), what)?;
    }
    writeln!(s, "</tbody></table></div>")
}

/// Every measured run, per workload and cell, in collapsed tables.
fn raw_runs(s: &mut String, data: &RunData) -> std::fmt::Result {
    if data.rows.is_empty() {
        writeln!(
            s,
            "<h2 id=\"raw-runs\">Raw runs</h2>\n<p>No run was measured.</p>"
        )?;
        return Ok(());
    }
    writeln!(s, "<h2 id=\"raw-runs\">Raw runs</h2>")?;
    writeln!(
        s,
        "<p>Every measured run of each cell, as runs.csv holds it (times in seconds). Open a cell to see them.</p>"
    )?;
    let mut cells: Vec<&crate::record::CellId> = Vec::new();
    for r in &data.rows {
        if !cells.contains(&&r.cell) {
            cells.push(&r.cell);
        }
    }
    let mut workload = "";
    for id in cells {
        let (w, m, n) = (id.workload.as_str(), id.model.as_str(), id.workers);
        if w != workload {
            writeln!(s, "<h3>{}</h3>", escape(w))?;
            workload = w;
        }
        let runs: Vec<_> = data.rows.iter().filter(|r| &r.cell == id).collect();
        let failed = runs.iter().filter(|r| r.failed()).count();
        let failed_note = if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        };
        writeln!(
            s,
            "<details class=\"runs\"><summary><code>{}</code>@{n}: {} run{}{failed_note}</summary>",
            escape(m),
            runs.len(),
            if runs.len() == 1 { "" } else { "s" }
        )?;
        writeln!(s, "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>repeat</th><th>round</th><th>status</th><th>wall_s</th><th>reported_s</th><th>setup_s</th><th>cpu_util</th><th>max_rss_kb</th><th>runq_wait_s</th><th>host_speed</th><th>error</th></tr></thead><tbody>")?;
        for r in runs {
            writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.6}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                r.repeat,
                r.round,
                escape(r.status.as_str()),
                r.measured.wall_s,
                opt(r.measured.reported_s, 6),
                opt(r.measured.setup_s, 6),
                r.cpu_util,
                r.measured.max_rss_kb,
                opt(r.measured.runq_wait_s, 6),
                opt(r.host_speed, 3),
                escape(&r.error),
            )?;
        }
        writeln!(s, "</tbody></table></div></details>")?;
    }
    Ok(())
}

/// The page's style: light by default, dark when the reader's system is (charts keep a light
/// card, since their colours are drawn for white), print-friendly, readable at 400 px.
const CSS: &str = r##":root { color-scheme: light dark; --bg: #fff; --fg: #1b1b1b; --muted: #5a5a5a; --line: #d0d7de; --head: #f3f5f7; --link: #0b57d0; --note: #fff8e1; --noteline: #e0a800; }
@media (prefers-color-scheme: dark) { :root { --bg: #14161a; --fg: #e4e6ea; --muted: #a8adb5; --line: #3a3f47; --head: #1f2329; --link: #8ab4f8; --note: #2a2410; --noteline: #b8860b; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 12px 16px 48px; }
h1 { font-size: 1.6em; margin: .6em 0 .4em; } h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid var(--line); padding-bottom: .2em; } h3 { font-size: 1.1em; }
a { color: var(--link); }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .92em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; margin: .6em 0; }
table { border-collapse: collapse; font-size: .9em; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
th { background: var(--head); text-align: left; }
table.sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable th[aria-sort="ascending"]::after { content: " \25B2"; font-size: .75em; }
table.sortable th[aria-sort="descending"]::after { content: " \25BC"; font-size: .75em; }
td[style*="right"] { font-variant-numeric: tabular-nums; }
.notice blockquote { margin: .8em 0; padding: .4em .9em; background: var(--note); border-left: 4px solid var(--noteline); }
.notice blockquote p { margin: .3em 0; }
figure.chart { margin: .8em 0; padding: 8px; background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 100%; }
details { margin: .4em 0; } summary { cursor: pointer; }
details.runs > summary, details.chart-more > summary { color: var(--muted); }
#selfcheck { white-space: pre-wrap; }
@media (max-width: 500px) { body { font-size: 14px; } main { padding: 8px; } th, td { padding: 2px 4px; } }
@media print { :root { --bg: #fff; --fg: #000; --link: #000; --head: #eee; --note: #fff; } main { max-width: none; padding: 0; } figure.chart { break-inside: avoid; border: none; } .scroll { overflow: visible; } h2, h3 { break-after: avoid; } a { text-decoration: none; } }
"##;

/// Runs first (in the head): records script errors, so the self-check can report them.
const EARLY_JS: &str = r##"window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message || e)); });
(function () { var ce = console.error; console.error = function () { window.__errors.push(Array.prototype.join.call(arguments, " ")); return ce.apply(console, arguments); }; })();
"##;

/// Sortable tables; links to a collapsed chart open it; printing opens every collapsed
/// section; `#selfcheck` in the address runs the page's own check and writes the result into
/// `<pre id="selfcheck">` (what the browser test reads).
const JS: &str = r##"(function () {
  "use strict";
  var UNITS = { ns: 1e-9, "\u00b5s": 1e-6, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, KiB: 1024, MiB: 1048576, GiB: 1073741824, x: 1, "%": 1 };
  function key(text) {
    var t = text.replace(/[`,]/g, "").trim();
    var m = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(ns|\u00b5s|us|ms|s|min|h|KiB|MiB|GiB|x|%)?(?:\s|$|\*|\()/.exec(t);
    if (!m) { return { n: null, s: t.toLowerCase() }; }
    return { n: parseFloat(m[1]) * (m[2] ? UNITS[m[2]] : 1), s: t.toLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== null && b.n !== null) { return a.n - b.n; }
    if (a.n !== null) { return -1; }
    if (b.n !== null) { return 1; }
    return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    if (!body) { return; }
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      var cell = r.cells[col];
      return { r: r, i: i, k: key(cell ? cell.textContent : "") };
    });
    rows.sort(function (a, b) { return dir * compare(a.k, b.k) || a.i - b.i; });
    rows.forEach(function (x) { body.appendChild(x.r); });
  }
  document.querySelectorAll("table.sortable thead th").forEach(function (th) {
    if (!th.textContent.trim()) { return; }
    th.setAttribute("title", "sort by this column");
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(th); } });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  if (location.hash !== "#selfcheck") { return; }
  var out = { errors: window.__errors, svgs: 0, empty_svgs: [], sorted: "no sortable table with two different rows", loaded_ms: Math.round(performance.now()) };
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  document.querySelectorAll("svg").forEach(function (svg, i) {
    out.svgs += 1;
    var box = svg.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) { out.empty_svgs.push(i); }
  });
  var tables = document.querySelectorAll("table.sortable");
  for (var t = 0; t < tables.length; t++) {
    var table = tables[t], body = table.tBodies[0], heads = table.querySelectorAll("thead th");
    if (!body || body.rows.length < 2) { continue; }
    var done = false;
    for (var c = 0; c < heads.length && !done; c++) {
      if (!heads[c].textContent.trim()) { continue; }
      var before = Array.prototype.map.call(body.rows, function (r) { return r.cells[c] ? r.cells[c].textContent : ""; });
      var want = before.map(key).slice().sort(compare);
      if (want.every(function (k, i) { return k.s === key(before[i]).s; })) { continue; }
      heads[c].dispatchEvent(new MouseEvent("click", { bubbles: true }));
      var after = Array.prototype.map.call(body.rows, function (r) { return key(r.cells[c] ? r.cells[c].textContent : ""); });
      var ok = after.every(function (k, i) { return i === 0 || compare(after[i - 1], k) <= 0; });
      out.sorted = ok ? "ok: table " + t + ", column " + c + " (" + heads[c].textContent + ")" : "failed: table " + t + ", column " + c;
      done = true;
    }
    if (done) { break; }
  }
  var pre = document.createElement("pre");
  pre.id = "selfcheck";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_unsafe_links_are_text() {
        let md = "Hi <script>alert(1)</script> & \"q\" [x](javascript:alert(1)) [ok](a.md#b)\n\n<img src=x onerror=alert(1)>\n\n![p](http://example.com/x.png)\n";
        let html = render_markdown(md, &BTreeMap::new());
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
        assert!(html.contains("<a href=\"a.md#b\">ok</a>"), "{html}");
        assert!(
            html.contains("[image http://example.com/x.png not included]"),
            "{html}"
        );
    }

    #[test]
    fn report_md_collapsed_sections_stay() {
        assert!(allowed_html(
            "<details><summary>Every fitted number</summary>\n"
        ));
        assert!(allowed_html(
            "<details><summary><b>Unchanged (3)</b></summary>"
        ));
        assert!(allowed_html("</details>"));
        assert!(!allowed_html(
            "<details><summary><script>x</script></summary>"
        ));
        assert!(!allowed_html("<details open ontoggle=alert(1)>"));
    }

    #[test]
    fn links_keep_safe_schemes_only() {
        for ok in ["a.md", "#x", "https://x.org", "../b.html#c", "x/y:z"] {
            assert!(safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "file:///etc",
        ] {
            assert!(!safe_link(bad), "{bad}");
        }
    }
}
