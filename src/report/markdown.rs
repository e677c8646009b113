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
        .filter(|r| r.workload == w.name)
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
    cell_table(s, data, &rows)?;
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
    scaling_fits(s, data, w)?;
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
                r.workload,
                match &r.variant {
                    Some(v) => format!("{} (variant `{v}`)", r.model),
                    None => r.model.clone(),
                },
                r.workers,
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
                f.workload,
                f.model,
                f.workers,
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

/// The table of one workload's cells, and under it which models each column covers.
fn cell_table(
    s: &mut String,
    data: &RunData,
    rows: &[&super::summary::SummaryRow],
) -> std::fmt::Result {
    let mut models: Vec<&str> = Vec::new();
    for r in rows {
        if !models.contains(&r.model.as_str()) {
            models.push(&r.model);
        }
    }
    let commands: Vec<&str> = models
        .iter()
        .copied()
        .filter(|m| is_command(data, m))
        .collect();
    let interp = !commands.is_empty();
    write!(s, "| model | workers | runs | median | 95% CI | speedup (95% CI) | efficiency | setup | CPU util | peak RSS |")?;
    writeln!(
        s,
        "{}",
        if interp {
            " interpreter start (excluded) |"
        } else {
            ""
        }
    )?;
    writeln!(
        s,
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|{}",
        if interp { "---:|" } else { "" }
    )?;
    for r in rows {
        cell_row(s, r, interp)?;
    }
    columns_note(s, data, rows, &models, &commands)
}

/// Whether `model` is a command model.
fn is_command(data: &RunData, model: &str) -> bool {
    data.meta
        .models
        .iter()
        .any(|m| m.name == model && m.command.is_some())
}

/// One cell's row of the table (with the interpreter's column when `interp`).
fn cell_row(s: &mut String, r: &super::summary::SummaryRow, interp: bool) -> std::fmt::Result {
    let runs = if r.failed > 0 {
        format!("{} (+{} failed)", r.runs, r.failed)
    } else {
        r.runs.to_string()
    };
    let rss = r.workers_rss_kb.or(r.max_rss_kb);
    // A cell without a successful run has no numbers at all ("-"), not "n/a".
    let na = |v: Option<String>| {
        if r.runs > 0 {
            or_na(v)
        } else {
            "-".into()
        }
    };
    let cpu = r.cpu_util.map(|u| match r.cpu_scope.as_str() {
        "process" => format!("{u:.2}*"),
        "mixed" => format!("{u:.2} (mixed)"),
        _ => format!("{u:.2}"),
    });
    write!(
        s,
        "| {} | {} | {} | {} | {} to {} | {} ({} to {}) | {} | {} | {} | {} |",
        r.model,
        r.workers,
        runs,
        seconds(r.median_s),
        seconds(r.ci_low_s),
        seconds(r.ci_high_s),
        num(r.speedup, 2),
        num(r.speedup_ci_low, 2),
        num(r.speedup_ci_high, 2),
        num(r.efficiency, 2),
        na(r.setup_s.map(|v| seconds(Some(v)))),
        na(cpu),
        na(rss.map(|kb| format!("{:.1} MiB", kb as f64 / 1024.0))),
    )?;
    if interp {
        write!(s, " {} |", na(r.interp_start_s.map(|v| seconds(Some(v)))))?;
    }
    writeln!(s)
}

/// What the table's columns cover for which models, and what "n/a" means there.
fn columns_note(
    s: &mut String,
    data: &RunData,
    rows: &[&super::summary::SummaryRow],
    models: &[&str],
    commands: &[&str],
) -> std::fmt::Result {
    let (setup, cpu) = setup_and_cpu_sources(data, rows, models, commands);
    write!(
        s,
        "\nColumns: **setup**, start-up of the pool, threads, processes or runtime inside the measured time: {}. **CPU util**, CPU time (user + sys) over the measured time: {}.",
        if setup.is_empty() { "none measured".to_string() } else { setup.join("; ") },
        cpu.join("; "),
    )?;
    if !commands.is_empty() {
        interpreter_note(s, rows, commands)?;
    }
    run_queue_note(s, data, rows, commands)?;
    writeln!(
        s,
        " **n/a**: the number cannot be had for that model (a command that does not print it, or a model without an interpreter)."
    )
}

/// Where the setup and the CPU-util columns come from, per kind of model.
fn setup_and_cpu_sources(
    data: &RunData,
    rows: &[&super::summary::SummaryRow],
    models: &[&str],
    commands: &[&str],
) -> (Vec<String>, Vec<String>) {
    // Which models each column covers, and what "n/a" means there.
    let natives: Vec<&str> = models
        .iter()
        .copied()
        .filter(|m| !is_command(data, m))
        .collect();
    let of_scope = |scope: &str| -> Vec<&str> {
        models
            .iter()
            .copied()
            .filter(|m| rows.iter().any(|r| r.model == *m && r.cpu_scope == scope))
            .collect()
    };
    let (window, process) = (of_scope("window"), of_scope("process"));
    let with_setup: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|m| rows.iter().any(|r| r.model == *m && r.setup_s.is_some()))
        .collect();
    let mut setup = Vec::new();
    if !natives.is_empty() {
        setup.push("native models".to_string());
    }
    if !with_setup.is_empty() {
        setup.push(format!("{} as the program timed it", names(&with_setup)));
    }
    let mut cpu = Vec::new();
    if !natives.is_empty() {
        cpu.push("the run for native models".to_string());
    }
    if !window.is_empty() {
        cpu.push(format!(
            "the program's own measured window for {} (its threads and worker processes included, interpreter start-up not)",
            names(&window)
        ));
    }
    if !process.is_empty() {
        cpu.push(format!(
            "*: the whole process for {}, start-up and exit included, over parabench's wall time (the program reported no CPU time of its own)",
            names(&process)
        ));
    }
    (setup, cpu)
}

/// Which command models measured the interpreter's start.
fn interpreter_note(
    s: &mut String,
    rows: &[&super::summary::SummaryRow],
    commands: &[&str],
) -> std::fmt::Result {
    let with_interp: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|m| {
            rows.iter()
                .any(|r| r.model == *m && r.interp_start_s.is_some())
        })
        .collect();
    write!(
        s,
        " **interpreter start (excluded)**, from starting the program to the start of its own clock, not in its median: {}.",
        if with_interp.is_empty() {
            "none measured".to_string()
        } else {
            names(&with_interp)
        }
    )?;
    Ok(())
}

/// Run-queue wait (runs.csv only): say whose is missing and why, unless this machine
/// cannot measure it at all (the report's head says so then).
fn run_queue_note(
    s: &mut String,
    data: &RunData,
    rows: &[&super::summary::SummaryRow],
    commands: &[&str],
) -> std::fmt::Result {
    let host_measures = data
        .meta
        .probe
        .as_ref()
        .is_none_or(|p| p.runq_unavailable.is_none());
    let no_wait: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|m| {
            rows.iter()
                .any(|r| r.model == *m && r.runs > 0 && r.runq_wait_s.is_none())
        })
        .collect();
    if host_measures && !no_wait.is_empty() {
        write!(
            s,
            " Run-queue wait (`runq_wait_s` in runs.csv) is empty for {}: the program did not print `runq_wait_s=` on every run (parabench cannot see a command's threads).",
            names(&no_wait)
        )?;
    }
    Ok(())
}

/// A fitted parameter: 3 decimals, or 2 significant digits when smaller than 0.01.
fn param(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.1e}")
    }
}

fn times(v: f64) -> String {
    format!("{v:.2}x")
}

/// How far a fitted law is from the points: rms relative error, or "exact" when it has as many
/// parameters as points and so could not miss.
fn error(q: &crate::measure::fit::Quality) -> String {
    if q.exact() {
        "exact".into()
    } else {
        format!("{:.1}%", q.rms_rel * 100.0)
    }
}

/// "4 (1-8)": how many worker counts a fit used, and their range.
fn counts_fitted(f: &fits::ModelFit) -> String {
    match (
        f.points.iter().map(|p| p.0).reduce(f64::min),
        f.max_workers(),
    ) {
        (Some(lo), Some(hi)) if lo < hi => format!("{} ({lo}-{hi})", f.points.len()),
        _ => f.points.len().to_string(),
    }
}

/// The scaling fits of one workload: one short line per model (the USL, or why there is no
/// fit), the notes that apply to several once, and every fitted number behind a collapsed
/// section (all of it is in `fits.csv` too).
fn scaling_fits(s: &mut String, data: &RunData, w: &crate::scenario::Workload) -> std::fmt::Result {
    let fits = fits::for_workload(data, w);
    if fits.is_empty() {
        return Ok(());
    }
    let h = fits::horizon(w);
    let cores = data.meta.machine.logical_cores;
    let measured = fits
        .iter()
        .filter(|f| f.usl.is_ok() || f.amdahl.is_ok())
        .filter_map(|f| f.max_workers())
        .reduce(f64::max);
    let at_h = if measured.is_some_and(|m| m >= h as f64) {
        "fitted"
    } else {
        "predicted"
    };
    writeln!(
        s,
        "**Scaling fits.** The Universal Scalability Law (USL) fitted to each model's measured speedups, from {} worker counts up (the full table, with Amdahl's law, is below and in `fits.csv`):\n",
        fits::MIN_COUNTS
    )?;
    usl_table(s, &fits, h, at_h)?;
    left_out_notes(s, &fits, cores)?;
    writeln!(
        s,
        "\nUSL: S(N) = γN / (1 + σ(N−1) + κN(N−1)), which peaks at N* = √((1−σ)/κ) workers; Amdahl's law is the USL with κ = 0, so speedup approaches γ/s. γ is the one-worker speedup against the reference, σ and s the share of work that does not overlap, κ a cost paid for every pair of workers (coherency: shared caches, locks, memory bandwidth) that makes the curve turn down. With fewer than {} worker counts a law with 2 parameters passes through every point whatever the data, so nothing is fitted.",
        fits::MIN_COUNTS
    )?;
    if let Some(m) = measured {
        prediction_notes(s, &fits, w, m, cores)?;
    }
    if fits.iter().any(|f| f.amdahl.is_ok() || f.usl.is_ok()) {
        full_fit_table(s, &fits, h, at_h)?;
    }
    writeln!(s)
}

/// The USL's line of each model, at the horizon `h`.
fn usl_table(s: &mut String, fits: &[fits::ModelFit], h: u64, at_h: &str) -> std::fmt::Result {
    writeln!(s, "| model | worker counts | USL σ (contention) | USL κ (coherency) | peak | speedup at {h} ({at_h}) | fit error |")?;
    writeln!(s, "|---|---|---:|---:|---|---:|---:|")?;
    for f in fits {
        match &f.usl {
            Ok(u) => writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                f.model,
                counts_fitted(f),
                param(u.sigma),
                param(u.kappa),
                peak_text(u.peak()),
                times(u.speedup(h as f64)),
                error(&u.quality),
            )?,
            Err(why) => writeln!(
                s,
                "| {} | {} | - | - | - | - | - |",
                f.model,
                why.replace('|', "\\|")
            )?,
        }
    }
    Ok(())
}

/// What was left out, once for every model it applies to.
fn left_out_notes(s: &mut String, fits: &[fits::ModelFit], cores: u64) -> std::fmt::Result {
    let mut left_out: Vec<(String, Vec<&str>)> = Vec::new();
    for f in fits {
        if let Some(text) = f.left_out(cores) {
            match left_out.iter_mut().find(|(t, _)| *t == text) {
                Some((_, models)) => models.push(&f.model),
                None => left_out.push((text, vec![&f.model])),
            }
        }
    }
    for (text, models) in &left_out {
        let names: Vec<String> = models.iter().map(|m| format!("`{m}`")).collect();
        writeln!(s, "\n{}: {text}.", names.join(", "))?;
    }
    Ok(())
}

/// What the fits say beyond `m`, the most workers measured: predictions or none, counts
/// above the cores, where predictions stop, exact fits.
fn prediction_notes(
    s: &mut String,
    fits: &[fits::ModelFit],
    w: &crate::scenario::Workload,
    m: f64,
    cores: u64,
) -> std::fmt::Result {
    let h = fits::horizon(w);
    let predicts = h as f64 > m;
    if predicts {
        write!(
            s,
            "\n> **Predictions, not measurements.** Beyond {m} workers (the most measured) these numbers and the dashed curves on the speedup chart extend the fitted law; they hold only if nothing else changes."
        )?;
    } else {
        write!(
            s,
            "\n> **No predictions:** {m} workers were measured and, with {} tasks, more would idle.",
            w.tasks
        )?;
    }
    if m > cores as f64 {
        write!(
            s,
            " The fits include counts above this machine's {cores} cores, where workers share cores: for CPU-bound work the laws read that as contention or coherency cost, so past {cores} workers they describe this machine, not one with more cores."
        )?;
    }
    if predicts && w.scaling == crate::scenario::Scaling::Strong && h == w.tasks {
        write!(
            s,
            " Predictions stop at {h} workers: with {h} tasks, more workers would idle."
        )?;
    }
    if fits
        .iter()
        .any(|f| f.usl.as_ref().is_ok_and(|u| u.quality.exact()))
    {
        write!(
            s,
            " An exact fit (as many worker counts as parameters) passes through every point whatever the data; measure more counts to test it."
        )?;
    }
    writeln!(s)?;
    Ok(())
}

/// "no peak (κ = 0)", "1 worker", "63 workers".
fn peak_text(peak: Option<(u64, f64)>) -> String {
    match peak {
        None => "no peak (κ = 0)".into(),
        Some((1, _)) => "1 worker".into(),
        Some((n, _)) => format!("{n} workers"),
    }
}

/// Every fitted number of both laws, in a collapsed section.
fn full_fit_table(s: &mut String, fits: &[fits::ModelFit], h: u64, at_h: &str) -> std::fmt::Result {
    writeln!(
        s,
        "\n<details><summary>Every fitted number (Amdahl and USL)</summary>\n"
    )?;
    writeln!(s, "| model | points | Amdahl serial fraction s | Amdahl limit | USL σ (contention) | USL κ (coherency) | USL peak | speedup at peak | speedup at {h} ({at_h}) | fit error, rms (Amdahl / USL) | note |")?;
    writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")?;
    for f in fits {
        let dash = || "-".to_string();
        let a = f.amdahl.as_ref().ok();
        let u = f.usl.as_ref().ok();
        let peak = u.map(|u| u.peak());
        let note = match (&f.amdahl, &f.usl) {
            (_, Ok(_)) => String::new(),
            (Ok(_), Err(r)) => format!("USL not fitted: {r}"),
            (Err(r), Err(_)) => r.clone(),
        };
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} |",
            f.model,
            counts_fitted(f),
            a.map_or_else(dash, |a| param(a.serial)),
            a.map_or_else(dash, |a| a
                .limit()
                .map_or("unbounded (s = 0)".into(), times)),
            u.map_or_else(dash, |u| param(u.sigma)),
            u.map_or_else(dash, |u| param(u.kappa)),
            peak.map_or_else(dash, peak_text),
            peak.flatten().map_or_else(dash, |p| times(p.1)),
            u.map_or_else(dash, |u| times(u.speedup(h as f64))),
            a.map_or_else(dash, |a| error(&a.quality)),
            u.map_or_else(dash, |u| error(&u.quality)),
            note.replace('|', "\\|"),
        )?;
    }
    writeln!(s, "\n</details>")
}
