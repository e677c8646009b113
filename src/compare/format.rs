//! The three renderings of a [`Comparison`]: an aligned plain-text table (the default), GitHub
//! Markdown (PR comments, `$GITHUB_STEP_SUMMARY`, `compare.md`) and JSON (`schema_version` 1).
//! Pure functions from the comparison to text; [`super::output`] prints and writes them.

use super::model::{CellComparison, Comparison, Counts, LoneCell, Rule, SideInfo, Verdict};
use super::verdict::{format_pct, p_value};
use crate::report::markdown::seconds;
use serde::Serialize;
use std::fmt::Write;

/// How `parabench compare` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain-text tables.
    Table,
    /// GitHub-flavoured Markdown (PR comments, $GITHUB_STEP_SUMMARY).
    Markdown,
    /// JSON with a `schema_version` (documented in the guide, docs/src/ci.md).
    Json,
}

/// Version of the JSON output's shape (`--format json`); raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// Why the comparison could not be written out.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Text(#[from] std::fmt::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// The comparison in the chosen format, ending with a newline.
pub fn render(c: &Comparison, format: Format) -> Result<String, RenderError> {
    Ok(match format {
        Format::Table => table(c)?,
        Format::Markdown => markdown(c, &[])?,
        Format::Json => json(c)?,
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:+.1}%"))
}

/// "1.95x -> 1.30x (-33.3%)".
fn speedup(c: &CellComparison) -> String {
    match (c.base.speedup, c.new.speedup) {
        (None, None) => "-".into(),
        (b, n) => {
            let x = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.2}x"));
            let change = c
                .speedup_change_pct
                .map_or(String::new(), |p| format!(" ({p:+.1}%)"));
            format!("{} -> {}{change}", x(b), x(n))
        }
    }
}

fn efficiency(c: &CellComparison) -> String {
    let x = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.2}"));
    match (c.base.efficiency, c.new.efficiency) {
        (None, None) => "-".into(),
        (b, n) => format!("{} -> {}", x(b), x(n)),
    }
}

/// What the last column says: the reason where the verdict needs one, then any notes.
fn note(c: &CellComparison) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if matches!(
        c.verdict,
        Verdict::Unchanged | Verdict::Noisy | Verdict::NotComparable
    ) {
        parts.push(&c.reason);
    }
    parts.extend(c.notes.iter().map(String::as_str));
    parts.join("; ")
}

/// Rows of text with a header; rendered aligned (plain) or as a GitHub table.
struct Table {
    header: Vec<&'static str>,
    /// Right-aligned columns (numbers).
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn cells(cells: &[&CellComparison]) -> Table {
        Table {
            header: vec![
                "workload",
                "model",
                "workers",
                "base median",
                "new median",
                "time",
                "p",
                "CIs",
                "speedup base -> new",
                "efficiency",
                "note",
            ],
            right: vec![
                false, false, true, true, true, true, true, false, false, false, false,
            ],
            rows: cells
                .iter()
                .map(|c| {
                    vec![
                        c.cell.workload.clone(),
                        c.cell.model.clone(),
                        c.cell.workers.to_string(),
                        seconds(c.base.median_s),
                        seconds(c.new.median_s),
                        pct(c.time_change_pct),
                        c.p_value.map_or_else(|| "-".into(), p_value),
                        match c.cis_overlap {
                            Some(true) => "overlap".into(),
                            Some(false) => "apart".into(),
                            None => "-".into(),
                        },
                        speedup(c),
                        efficiency(c),
                        note(c),
                    ]
                })
                .collect(),
        }
    }

    fn lone(cells: &[LoneCell]) -> Table {
        Table {
            header: vec!["workload", "model", "workers", "runs", "median", "speedup"],
            right: vec![false, false, true, true, true, true],
            rows: cells
                .iter()
                .map(|c| {
                    vec![
                        c.cell.workload.clone(),
                        c.cell.model.clone(),
                        c.cell.workers.to_string(),
                        c.stats.runs.to_string(),
                        seconds(c.stats.median_s),
                        c.stats
                            .speedup
                            .map_or_else(|| "-".into(), |s| format!("{s:.2}x")),
                    ]
                })
                .collect(),
        }
    }

    /// Aligned columns, two spaces apart, each line indented by two spaces; an empty last
    /// column leaves no trailing blanks.
    fn plain(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain(std::iter::once(self.header[i].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| -> String {
            let mut s = String::from(" ");
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
                s.push(' ');
                if self.right[i] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                }
                s.push(' ');
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(self.header.clone());
        for r in &self.rows {
            out.push_str(&line(r.iter().map(String::as_str).collect()));
        }
        out
    }

    fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = format!("| {} |\n|", self.header.join(" | "));
        for &r in &self.right {
            out.push_str(if r { "---:|" } else { "---|" });
        }
        out.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|c| esc(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

/// "1 regressed, 0 improved, 37 unchanged, 1 only in base, 0 only in new".
fn counts_line(n: &Counts) -> String {
    let mut parts = vec![
        format!("{} regressed", n.regressed),
        format!("{} improved", n.improved),
        format!("{} unchanged", n.unchanged),
    ];
    if n.noisy > 0 {
        parts.push(format!("{} noisy", n.noisy));
    }
    if n.not_comparable > 0 {
        parts.push(format!("{} not comparable", n.not_comparable));
    }
    parts.push(format!("{} only in base", n.only_in_base));
    parts.push(format!("{} only in new", n.only_in_new));
    parts.join(", ")
}

/// The rule in one sentence.
fn rule(c: &Comparison) -> String {
    if c.settings.rule == Rule::Paired {
        return format!(
            "one run with variants, every cell measured under each in A B B A turns; a pair is \
             run `r` of both and its ratio new/base; a cell regressed when its median ratio is \
             above {:.3} and the ratio's 95% bootstrap CI lies above 1 (improved: the mirror); \
             a cell is noisy when one half of the rounds does not show the change; p is the \
             Wilcoxon signed-rank test on the pairs",
            1.0 + c.settings.threshold_pct / 100.0
        );
    }
    format!(
        "a cell regressed when its median time per run is more than {}% slower and the change is \
         significant: Mann-Whitney U p < {} on the runs and 95% bootstrap CIs of the medians apart \
         (improved: the same, faster); a cell is noisy, and not judged, when its runs of even and \
         of odd rounds differ by more than the threshold in either run",
        format_pct(c.settings.threshold_pct),
        c.settings.alpha
    )
}

fn result_line(c: &Comparison) -> String {
    let n = c.counts();
    let pct = format_pct(c.settings.threshold_pct);
    let regressions = match n.regressed {
        0 => "no regressions".to_string(),
        1 => format!("1 regression beyond {pct}%"),
        k => format!("{k} regressions beyond {pct}%"),
    };
    match (n.noisy, c.settings.fail_on_noisy) {
        (0, _) => regressions,
        (k, true) => format!(
            "{regressions}, {} (--fail-on-noisy)",
            crate::text::count(k as u64, "noisy cell")
        ),
        (k, false) => format!(
            "{regressions}; {} not judged",
            crate::text::count(k as u64, "noisy cell")
        ),
    }
}

fn side_line(s: &SideInfo) -> String {
    format!(
        "{} (scenario {}, started {}, {}, {} cores)",
        s.folder(),
        s.scenario,
        s.started_utc,
        s.cpu_model,
        s.logical_cores
    )
}

/// The sections in order: title, cells.
fn sections(c: &Comparison) -> [(&'static str, Vec<&CellComparison>); 5] {
    [
        ("Regressions", c.with_verdict(Verdict::Regressed)),
        ("Improvements", c.with_verdict(Verdict::Improved)),
        ("Unchanged", c.with_verdict(Verdict::Unchanged)),
        ("Noisy", c.with_verdict(Verdict::Noisy)),
        ("Not comparable", c.with_verdict(Verdict::NotComparable)),
    ]
}

/// Plain text for a terminal or a CI log.
pub fn table(c: &Comparison) -> Result<String, std::fmt::Error> {
    let mut s = String::new();
    writeln!(s, "parabench compare")?;
    writeln!(s, "  base: {}", side_line(&c.base))?;
    writeln!(s, "  new:  {}", side_line(&c.new))?;
    if c.settings.rule == Rule::Paired {
        writeln!(s, "  rule: {}\n", rule(c))?;
    } else {
        writeln!(
            s,
            "  rule: regressed = median time per run more than {}% slower, Mann-Whitney U p < {} \
             and 95% CIs of the medians apart; improved = the same, faster; noisy = even and odd \
             rounds of either run differ by more than the threshold (not judged)\n",
            format_pct(c.settings.threshold_pct),
            c.settings.alpha
        )?;
    }
    writeln!(s, "{}\n", counts_line(&c.counts()))?;
    for w in &c.warnings {
        writeln!(s, "warning: {w}\n")?;
    }
    for (title, cells) in sections(c) {
        if cells.is_empty() {
            if !matches!(title, "Not comparable" | "Noisy") {
                writeln!(s, "{title}: none\n")?;
            }
            continue;
        }
        writeln!(s, "{title} ({}):", cells.len())?;
        writeln!(s, "{}", Table::cells(&cells).plain())?;
    }
    for (title, cells) in [
        ("Only in base", &c.only_in_base),
        ("Only in new", &c.only_in_new),
    ] {
        if cells.is_empty() {
            writeln!(s, "{title}: none\n")?;
        } else {
            writeln!(s, "{title} ({}):", cells.len())?;
            writeln!(s, "{}", Table::lone(cells).plain())?;
        }
    }
    let exit = u8::from(c.fails());
    writeln!(s, "result: {} (exit {exit})", result_line(c))?;
    Ok(s)
}

/// GitHub-flavoured Markdown; `charts` (image file names) are linked at the end when given.
pub fn markdown(c: &Comparison, charts: &[String]) -> Result<String, std::fmt::Error> {
    let n = c.counts();
    let mut s = String::new();
    writeln!(s, "## parabench compare\n")?;
    writeln!(s, "**Result: {}** ({})\n", result_line(c), counts_line(&n))?;
    writeln!(s, "| | base | new |\n|---|---|---|")?;
    let row = |what: &str, f: &dyn Fn(&SideInfo) -> String| {
        format!("| {what} | {} | {} |\n", f(&c.base), f(&c.new))
    };
    s.push_str(&row("folder", &|x| match &x.variant {
        Some(v) => format!("`{}` (variant {v})", x.dir),
        None => format!("`{}`", x.dir),
    }));
    s.push_str(&row("scenario", &|x| {
        format!("{} (sha256 `{}`)", x.scenario, x.short_sha())
    }));
    s.push_str(&row("started", &|x| x.started_utc.clone()));
    s.push_str(&row("machine", &|x| {
        format!("{}, {} cores", x.cpu_model, x.logical_cores)
    }));
    writeln!(s, "\nRule: {}.\n", rule(c))?;
    for w in &c.warnings {
        writeln!(s, "> **Warning:** {w}\n")?;
    }
    for (title, cells) in sections(c) {
        if cells.is_empty() && matches!(title, "Not comparable" | "Noisy") {
            continue;
        }
        if title == "Unchanged" && !cells.is_empty() {
            writeln!(
                s,
                "<details><summary><b>Unchanged ({})</b></summary>\n",
                cells.len()
            )?;
            writeln!(s, "{}\n</details>\n", Table::cells(&cells).markdown())?;
            continue;
        }
        writeln!(s, "### {title} ({})\n", cells.len())?;
        if cells.is_empty() {
            writeln!(s, "None.\n")?;
        } else {
            writeln!(s, "{}", Table::cells(&cells).markdown())?;
        }
    }
    for (title, cells) in [
        ("Only in base", &c.only_in_base),
        ("Only in new", &c.only_in_new),
    ] {
        writeln!(s, "### {title} ({})\n", cells.len())?;
        if cells.is_empty() {
            writeln!(s, "None.\n")?;
        } else {
            writeln!(s, "{}", Table::lone(cells).markdown())?;
        }
    }
    if !charts.is_empty() {
        writeln!(s, "### Speedup, base (dashed) vs new (solid)\n")?;
        for name in charts {
            writeln!(s, "![{name}]({name})\n")?;
        }
    }
    Ok(s)
}

/// The JSON document (docs/src/ci.md lists its fields).
#[derive(Serialize)]
struct Json<'a> {
    schema_version: u32,
    /// 1 when any cell regressed (or, with `--fail-on-noisy`, was noisy), else 0 (as the
    /// process exits).
    exit_code: u8,
    /// `paired` for one run with variants (absent for two runs: the rule of schema 1 and 2).
    #[serde(skip_serializing_if = "is_two_runs")]
    rule: Rule,
    threshold_pct: f64,
    alpha: f64,
    counts: Counts,
    base: &'a SideInfo,
    new: &'a SideInfo,
    warnings: &'a [String],
    cells: &'a [CellComparison],
    only_in_base: &'a [LoneCell],
    only_in_new: &'a [LoneCell],
}

fn is_two_runs(r: &Rule) -> bool {
    *r == Rule::TwoRuns
}

pub fn json(c: &Comparison) -> serde_json::Result<String> {
    let counts = c.counts();
    let doc = Json {
        schema_version: SCHEMA_VERSION,
        exit_code: u8::from(c.fails()),
        rule: c.settings.rule,
        threshold_pct: c.settings.threshold_pct,
        alpha: c.settings.alpha,
        counts,
        base: &c.base,
        new: &c.new,
        warnings: &c.warnings,
        cells: &c.cells,
        only_in_base: &c.only_in_base,
        only_in_new: &c.only_in_new,
    };
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::super::model::{CellStats, Settings};
    use super::*;

    fn stats(median_s: f64, speedup: f64, runs: usize) -> CellStats {
        CellStats {
            kernel: "primes".into(),
            tasks: 16,
            runs,
            failed: 0,
            time_source: crate::report::summary::TimeSource::Wall,
            median_s: Some(median_s),
            ci_low_s: Some(median_s * 0.98),
            ci_high_s: Some(median_s * 1.02),
            speedup: Some(speedup),
            efficiency: Some(speedup / 2.0),
            baseline: crate::record::Baseline::Cell {
                model: "sequential".into(),
                workers: 1,
            },
        }
    }

    fn cell(model: &str, verdict: Verdict, reason: &str, base: f64, new: f64) -> CellComparison {
        CellComparison {
            cell: crate::record::CellId::new("primes", model, 2),
            verdict,
            reason: reason.into(),
            base: stats(base, 0.2 / base, 5),
            new: stats(new, 0.2 / new, 5),
            time_change_pct: Some((new / base - 1.0) * 100.0),
            speedup_change_pct: Some((base / new - 1.0) * 100.0),
            efficiency_change_pct: Some((base / new - 1.0) * 100.0),
            p_value: Some(if verdict == Verdict::Unchanged {
                0.69
            } else {
                2.0 / 252.0
            }),
            p_method: Some("exact"),
            smallest_p: Some(2.0 / 252.0),
            cis_overlap: Some(verdict == Verdict::Unchanged),
            notes: vec![],
            paired: None,
        }
    }

    fn side(dir: &str) -> SideInfo {
        SideInfo {
            dir: dir.into(),
            scenario: "demo".into(),
            scenario_sha256: "b8ac2ce718f5defd4b0a5901711c6cfd95ce356613e074e66e16671c16de3310"
                .into(),
            started_utc: "2026-11-24T16:21:40Z".into(),
            ending: crate::record::Ending::Complete,
            parabench_version: "0.1.0".into(),
            cpu_model: "AMD EPYC".into(),
            logical_cores: 2,
            variant: None,
        }
    }

    fn sample() -> Comparison {
        let mut tasks = cell(
            "async",
            Verdict::NotComparable,
            "tasks changed 16 -> 32",
            0.12,
            0.24,
        );
        tasks.new.tasks = 32;
        let mut noted = cell(
            "rayon",
            Verdict::Unchanged,
            "not significant (p = 0.690)",
            0.1,
            0.103,
        );
        noted.notes.push("1 failed run(s) in new".into());
        Comparison {
            base: side("base/demo"),
            new: side("new/demo"),
            settings: Settings {
                threshold_pct: 5.0,
                alpha: 0.05,
                fail_on_noisy: false,
                rule: Rule::TwoRuns,
            },
            cells: vec![
                cell(
                    "threads",
                    Verdict::Regressed,
                    "50.0% slower, p = 0.008, CIs apart",
                    0.1,
                    0.15,
                ),
                cell(
                    "processes",
                    Verdict::Improved,
                    "20.0% faster, p = 0.008, CIs apart",
                    0.1,
                    0.08,
                ),
                noted,
                tasks,
            ],
            only_in_base: vec![LoneCell {
                cell: crate::record::CellId::new("primes", "async-multi", 4),
                stats: stats(0.07, 1.7, 5),
            }],
            only_in_new: vec![],
            warnings: vec!["the scenario file changed between the runs (sha256 a -> b)".into()],
            unchecked: (0, 0),
        }
    }

    #[test]
    fn table_snapshot() {
        insta::assert_snapshot!(table(&sample()).unwrap());
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(markdown(&sample(), &["compare.primes.png".into()]).unwrap());
    }

    #[test]
    fn json_snapshot() {
        insta::assert_snapshot!(json(&sample()).unwrap());
    }

    #[test]
    fn markdown_escapes_pipes() {
        let t = Table {
            header: vec!["a"],
            right: vec![false],
            rows: vec![vec!["x|y".into()]],
        };
        assert_eq!(t.markdown(), "| a |\n|---|\n| x\\|y |\n");
    }
}
