//! `report.md`: machine and run facts, then per workload its charts, a table of cells and the
//! scaling fits, then any failed runs — ready to paste into a post or a PR comment.

use super::chart::{InReport, CHARTS};
use super::meta::Meta;
use super::notices::linked;
use super::{fits, Exporter, RunData};
use crate::scenario::{Charts, Workload};
use crate::text::count;
/// Durations as the report prints them (kept here for the charts and `compare`).
pub use crate::text::seconds;
use std::fmt::Write;

mod cells;
mod fits_section;

pub struct Markdown;

impl Exporter for Markdown {
    fn file_name(&self) -> &'static str {
        "report.md"
    }
    fn serialize(&self, data: &RunData) -> anyhow::Result<Vec<u8>> {
        Ok(render(data)?.into_bytes())
    }
}

/// "1 worker", "4 workers".
pub fn workers(n: u64) -> String {
    count(n, "worker")
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"))
}

/// report.md's text (report.html renders the same text).
pub(crate) fn render(data: &RunData) -> Result<String, std::fmt::Error> {
    let m = &data.meta;
    let mut s = String::new();
    writeln!(s, "# parabench report: {}\n", m.scenario.name)?;
    if !m.scenario.description.is_empty() {
        writeln!(s, "{}\n", m.scenario.description)?;
    }
    machine_rows(&mut s, m)?;
    interpreter_rows(&mut s, m)?;
    run_rows(&mut s, m)?;
    notices(&mut s, data)?;
    let asked = m.charts.clone().unwrap_or_default();
    if let Some(note) = charts_left_out(&asked, data.variants.is_some()) {
        writeln!(s, "{}\n", linked(&note))?;
    }
    if let Some(v) = &data.variants {
        variants(&mut s, m, v)?;
    }
    which_model(&mut s, data)?;
    for w in &m.workloads {
        workload_section(&mut s, data, w, &asked)?;
    }
    failed_runs(&mut s, data)?;
    let tasks = if data.tasks.is_empty() {
        ""
    } else {
        ", `tasks.csv` (start and end of every task of the timeline runs)"
    };
    writeln!(s, "Files: `report.html` (this report as one page, charts inline), `runs.csv` (one row per run), `summary.csv` (one row per cell), `fits.csv` (scaling fits per workload and model){tasks}, `meta.json` (machine and scenario), `results.json` (all of it, machine-readable).")?;
    Ok(s)
}

/// The machine's rows of the facts table (with the table's head).
fn machine_rows(s: &mut String, m: &Meta) -> std::fmt::Result {
    let mc = &m.machine;
    writeln!(s, "| | |\n|---|---|")?;
    writeln!(s, "| machine | {} |", mc.cpu_model)?;
    let phys = mc
        .physical_cores
        .map_or(String::new(), |p| format!(", {p} physical"));
    let smt = match mc.smt {
        Some(true) => ", SMT on",
        Some(false) => ", no SMT",
        None => "",
    };
    writeln!(s, "| cores | {} logical{phys}{smt} |", mc.logical_cores)?;
    let load = |l: Option<[f64; 3]>| {
        l.map_or("-".to_string(), |[a, b, c]| format!("{a:.2} {b:.2} {c:.2}"))
    };
    writeln!(
        s,
        "| load average (1/5/15 min) | {} at start, {} at end |",
        load(mc.load_start),
        load(mc.load_end)
    )?;
    if let Some(kb) = mc.memory_kb {
        writeln!(s, "| memory | {:.1} GiB |", kb as f64 / 1024.0 / 1024.0)?;
    }
    writeln!(s, "| system | {} ({}, {}) |", mc.kernel, mc.os, mc.arch)?;
    writeln!(s, "| parabench | {} |", m.parabench_version)?;
    Ok(())
}

/// The interpreters the models ran on, as rows of the facts table.
fn interpreter_rows(s: &mut String, m: &Meta) -> std::fmt::Result {
    for i in &m.interpreters {
        let named = match i.named_by.as_str() {
            "default" => format!("`{}`, the default", i.program),
            "python key" => format!("`python = \"{}\"`", i.program),
            var => format!("`${var}={}`", i.program),
        };
        writeln!(
            s,
            "| `{}` run | {} {} at `{}` ({named}) |",
            i.runs, i.implementation, i.version, i.path
        )?;
    }
    // Command models on an interpreter of their own (those of the list above are named there).
    let listed = |model: &&super::meta::ModelInfo| {
        let program = model.command.as_ref().and_then(|c| c.first());
        m.interpreters.iter().any(|i| Some(&i.path) == program)
    };
    for model in m.models.iter().filter(|x| x.interpreter.is_some()) {
        if listed(&model) {
            continue;
        }
        let version = model.interpreter.as_deref().unwrap_or_default();
        writeln!(s, "| `{}` runs | {version} |", model.name)?;
    }
    Ok(())
}

/// The scenario's and the run's rows of the facts table, and what the numbers are.
fn run_rows(s: &mut String, m: &Meta) -> std::fmt::Result {
    let path = m.scenario.path.as_deref().unwrap_or("built-in demo");
    writeln!(
        s,
        "| scenario | `{path}` (sha256 `{}`) |",
        &m.scenario.sha256[..m.scenario.sha256.len().min(12)]
    )?;
    writeln!(
        s,
        "| run | {} to {} ({}) |\n",
        m.started_utc,
        m.finished_utc.as_deref().unwrap_or("-"),
        m.ending
    )?;
    writeln!(
        s,
        "Times are medians of the measured runs with 95% bootstrap confidence intervals. Speedup \
         is the reference time divided by the cell's time; efficiency is speedup per unit of \
         added workers.\n"
    )?;
    Ok(())
}

/// The run-wide notices.
fn notices(s: &mut String, data: &RunData) -> std::fmt::Result {
    let m = &data.meta;
    // Notices link to their section of the guide (`notices::NOTICES`).
    let notes = [
        super::warnings::unmeasured(data),
        super::host::remeasured(data),
        partial_matrix(m),
    ];
    for note in notes.into_iter().flatten() {
        writeln!(s, "{}\n", linked(&note))?;
    }
    Ok(())
}

/// The paired comparison of the variants, and what each changes.
fn variants(s: &mut String, m: &Meta, v: &super::VariantData) -> std::fmt::Result {
    s.push_str(&super::variants::markdown(&v.paired, "## Variants")?);
    let changes: Vec<String> = m
        .variants
        .iter()
        .map(|v| {
            let what = if v.overrides.is_empty() {
                "changes nothing".to_string()
            } else {
                v.overrides.join(", ")
            };
            format!("`{}` ({what})", v.name)
        })
        .collect();
    writeln!(
        s,
        "\nVariants: {}. The sections below describe the base, `{}`; summary.csv, runs.csv \
         and results.json hold every variant (`variant` column).\n",
        changes.join("; "),
        m.variants.first().map_or("", |v| v.name.as_str())
    )?;
    Ok(())
}

/// The decision table.
fn which_model(s: &mut String, data: &RunData) -> std::fmt::Result {
    let m = &data.meta;
    writeln!(s, "## Which model?\n")?;
    writeln!(
        s,
        "Per workload and family of models: the fastest model at its best worker count (CPU-bound \
         work within the {} cores), and every model whose 95% CI overlaps it, as tied. \
         *Replicated*: the same answer from the even and from the odd rounds of the session alone. \
         *Rule of thumb*: CPU-bound work -> processes, waiting on many connections (more than \
         {} in flight) -> asyncio, otherwise threads.\n",
        m.machine.logical_cores,
        super::decision::MANY_IN_FLIGHT
    )?;
    writeln!(s, "{}", super::decision::markdown_table(&data.decision))?;

    Ok(())
}

/// One workload's section: what it runs, the answer, charts, cells, warnings and fits.
fn workload_section(
    s: &mut String,
    data: &RunData,
    w: &Workload,
    asked: &Charts,
) -> std::fmt::Result {
    let rows: Vec<_> = data
        .summary
        .iter()
        .filter(|r| r.cell.workload == w.name)
        .collect();
    writeln!(s, "## {}\n", w.name)?;
    let params: Vec<String> = w.params.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
    writeln!(
        s,
        "Kernel `{}`{}, {}{}, {} scaling, {} per cell after {} warmup, baseline: {}.\n",
        w.kernel,
        if params.is_empty() {
            String::new()
        } else {
            format!(" ({})", params.join(", "))
        },
        count(w.tasks, "task"),
        if w.scaling == crate::scenario::Scaling::Weak {
            " per worker"
        } else {
            ""
        },
        w.scaling.as_str(),
        count(w.repeats.into(), "measured run"),
        w.warmup,
        w.baseline
            .as_deref()
            .unwrap_or("each model at its fewest workers"),
    )?;
    if !w.description.is_empty() {
        writeln!(s, "{}\n", w.description)?;
    }
    if let Some(d) = data.decision.iter().find(|d| d.workload == w.name) {
        writeln!(s, "{}\n", super::decision::answer_line(d))?;
        writeln!(s, "{}\n", super::decision::replication_line(d))?;
    }
    workload_charts(s, data, w, asked)?;
    cells::cell_table(s, data, &rows)?;
    for warning in super::warnings::for_workload(data, w) {
        writeln!(s, "\n{}", linked(&warning))?;
    }
    if rows
        .iter()
        .any(|r| r.time_source != super::summary::TimeSource::Wall)
    {
        writeln!(s, "\nTimes of command models are the programs' own `elapsed_s` (interpreter start-up excluded); parabench's wall time is in runs.csv.")?;
    }
    writeln!(s)?;
    fits_section::scaling_fits(s, data, w)?;
    Ok(())
}

/// Each chart of a workload where it says (an image or a link), so the report stays
/// readable; charts left out or with nothing to show were not written.
fn workload_charts(
    s: &mut String,
    data: &RunData,
    w: &Workload,
    asked: &Charts,
) -> std::fmt::Result {
    let mut more = Vec::new();
    for c in CHARTS {
        let Some(ext) = asked.file_of(c.suffix()) else {
            continue;
        };
        if c.figure(data, w).is_none() {
            if let Some(why) = c.missing(data, w) {
                writeln!(s, "{}\n", linked(&why))?;
            }
            continue;
        }
        let (title, suffix) = (c.title(), c.suffix());
        if c.in_report() == InReport::Image {
            writeln!(s, "![{title} of {}]({}.{suffix}.{ext})\n", w.name, w.name)?;
            if let Some(caption) = c.caption(data, w) {
                writeln!(s, "{caption}\n")?;
            }
        } else {
            more.push(format!(
                "[{}]({}.{suffix}.{ext})",
                title.to_lowercase(),
                w.name
            ));
        }
    }
    if !more.is_empty() {
        writeln!(s, "More charts: {}.\n", more.join(", "))?;
    }
    Ok(())
}

/// The runs that failed, measured or not.
fn failed_runs(s: &mut String, data: &RunData) -> std::fmt::Result {
    let m = &data.meta;
    let every = data.every_row();
    let failed: Vec<_> = every.iter().filter(|r| r.failed()).collect();
    if !failed.is_empty() || !m.failed_unmeasured.is_empty() {
        writeln!(s, "## Failed runs\n")?;
    }
    if !failed.is_empty() {
        writeln!(
            s,
            "| workload | model | workers | run | status | error |\n|---|---|---:|---:|---|---|"
        )?;
        for r in failed {
            writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                r.cell.workload,
                match &r.cell.variant {
                    Some(v) => format!("{} (variant `{v}`)", r.cell.model),
                    None => r.cell.model.clone(),
                },
                r.cell.workers,
                r.repeat,
                r.status,
                r.error.replace('|', "\\|")
            )?;
        }
        writeln!(s)?;
    }
    if !m.failed_unmeasured.is_empty() {
        writeln!(
            s,
            "Warmup and timeline runs that failed (not measured, so not in `runs.csv`):\n"
        )?;
        writeln!(
            s,
            "| workload | model | workers | run | error |\n|---|---|---:|---|---|"
        )?;
        for f in &m.failed_unmeasured {
            writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                f.cell.workload,
                f.cell.model,
                f.cell.workers,
                f.run,
                f.error.replace('|', "\\|")
            )?;
        }
        writeln!(s)?;
    }
    Ok(())
}

/// Why some of the scenario's cells may be missing from the tables (a shard, an interrupted
/// run, a merge short of a slice), and what completes them; `None` for a whole run.
fn partial_matrix(m: &super::meta::Meta) -> Option<String> {
    use crate::record::Ending;
    let why = match (m.ending, &m.shard) {
        (Ending::Interrupted, _) => "**Interrupted:** cells the run had not finished are missing from the tables or have fewer runs; `parabench run --resume` with the same command runs them.".to_string(),
        (Ending::Incomplete, _) => "**Incomplete:** this merge lacks a shard or holds an unfinished one, so some cells are missing from the tables; merge every slice's folder.".to_string(),
        (Ending::Running, _) => "**Still running:** the tables hold the runs finished so far.".to_string(),
        (Ending::Complete, Some(shard)) => format!("**Shard {shard}:** this folder holds one slice of the matrix; the other cells are in the other slices' folders, and `parabench merge` joins them."),
        (Ending::Complete, None) => return None,
    };
    Some(why)
}

/// What the run's chart selection left out, and how to draw it; `None` when nothing was.
fn charts_left_out(asked: &Charts, variants: bool) -> Option<String> {
    if asked.is_all() {
        return None;
    }
    let redraw = "`parabench plot` on this folder draws them from its CSV files.";
    let words: Vec<String> = asked.asked.iter().map(|w| format!("`{w}`")).collect();
    if asked.formats.is_empty() {
        return Some(format!(
            "**Charts:** none were written (asked: {}). {redraw}",
            words.join(", ")
        ));
    }
    let kinds: Vec<&str> = asked
        .left_out
        .iter()
        .map(String::as_str)
        .filter(|k| !Charts::is_format(k))
        // Only a run with variants has a variants chart to leave out.
        .filter(|k| variants || *k != "variants")
        .collect();
    let formats: Vec<String> = asked
        .left_out
        .iter()
        .filter(|f| Charts::is_format(f))
        .map(|f| format!("{} files", f.to_uppercase()))
        .collect();
    let mut parts = Vec::new();
    if !kinds.is_empty() {
        parts.push(format!("the {} charts", one_of(&kinds, "and")));
    }
    if !formats.is_empty() {
        parts.push(formats.join(" and "));
    }
    Some(format!(
        "**Charts:** asked for {}, so left out: {}. {redraw}",
        words.join(", "),
        parts.join(", and ")
    ))
}

/// `a`, `a and b`, `a, b and c`.
fn one_of(items: &[&str], and: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// A measured value, or "n/a" where it cannot be had for the cell's model.
fn or_na(v: Option<String>) -> String {
    v.unwrap_or_else(|| "n/a".into())
}

/// "`a`, `b` and `c`".
fn names(models: &[&str]) -> String {
    let quoted: Vec<String> = models.iter().map(|m| format!("`{m}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
