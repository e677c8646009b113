//! `report.md`: machine and run facts, then per workload its charts, a table of cells and the
//! scaling fits, then any failed runs — ready to paste into a post or a PR comment.

use super::chart::{InReport, CHARTS};
use super::{fits, Exporter, RunData};
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

fn render(data: &RunData) -> Result<String, std::fmt::Error> {
    let m = &data.meta;
    let mut s = String::new();
    writeln!(s, "# parabench report: {}\n", m.scenario.name)?;
    if !m.scenario.description.is_empty() {
        writeln!(s, "{}\n", m.scenario.description)?;
    }
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
    for model in m.models.iter().filter(|x| x.interpreter.is_some()) {
        let version = model.interpreter.as_deref().unwrap_or_default();
        writeln!(s, "| `{}` runs | {version} |", model.name)?;
    }
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
    if let Some(note) = super::warnings::unmeasured(data) {
        writeln!(s, "{note}\n")?;
    }

    for w in &m.workloads {
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
        if let Some(best) = rows.iter().filter(|r| r.median_s.is_some()).min_by(|a, b| {
            a.median_s
                .partial_cmp(&b.median_s)
                .unwrap_or(std::cmp::Ordering::Equal)
        }) {
            writeln!(
                s,
                "**Fastest:** `{}` at {}, {} per run{}.\n",
                best.model,
                workers(best.workers),
                seconds(best.median_s),
                best.speedup
                    .map_or(String::new(), |x| format!(", speedup {x:.2}x"))
            )?;
        }
        // Each chart where it says (an image or a link), so the report stays readable;
        // charts with nothing to show were not written.
        let mut more = Vec::new();
        for c in CHARTS {
            if c.figure(data, w).is_none() {
                continue;
            }
            let (title, suffix) = (c.title(), c.suffix());
            if c.in_report() == InReport::Image {
                writeln!(s, "![{title} of {}]({}.{suffix}.png)\n", w.name, w.name)?;
                if let Some(caption) = c.caption(data, w) {
                    writeln!(s, "{caption}\n")?;
                }
            } else {
                more.push(format!(
                    "[{}]({}.{suffix}.png)",
                    title.to_lowercase(),
                    w.name
                ));
            }
        }
        if !more.is_empty() {
            writeln!(s, "More charts: {}.\n", more.join(", "))?;
        }
        writeln!(s, "| model | workers | runs | median | 95% CI | speedup (95% CI) | efficiency | setup | CPU util | peak RSS |")?;
        writeln!(s, "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")?;
        for r in &rows {
            let runs = if r.failed > 0 {
                format!("{} (+{} failed)", r.runs, r.failed)
            } else {
                r.runs.to_string()
            };
            let rss = r.workers_rss_kb.or(r.max_rss_kb);
            writeln!(
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
                seconds(r.setup_s),
                num(r.cpu_util, 2),
                rss.map_or("-".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0)),
            )?;
        }
        for warning in super::warnings::for_workload(data, w) {
            writeln!(s, "\n{warning}")?;
        }
        if rows
            .iter()
            .any(|r| r.time_source != super::summary::TimeSource::Wall)
        {
            writeln!(s, "\nTimes of command models are the programs' own `elapsed_s` (interpreter start-up excluded); parabench's wall time is in runs.csv.")?;
        }
        writeln!(s)?;
        scaling_fits(&mut s, data, w)?;
    }

    let failed: Vec<_> = data.rows.iter().filter(|r| !r.ok()).collect();
    if !failed.is_empty() {
        writeln!(s, "## Failed runs\n")?;
        writeln!(
            s,
            "| workload | model | workers | run | status | error |\n|---|---|---:|---:|---|---|"
        )?;
        for r in failed {
            writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                r.workload,
                r.model,
                r.workers,
                r.repeat,
                r.status,
                r.error.replace('|', "\\|")
            )?;
        }
        writeln!(s)?;
    }
    let tasks = if data.tasks.is_empty() {
        ""
    } else {
        ", `tasks.csv` (start and end of every task of the timeline runs)"
    };
    writeln!(s, "Files: `runs.csv` (one row per run), `summary.csv` (one row per cell), `fits.csv` (scaling fits per workload and model){tasks}, `meta.json` (machine and scenario), `results.json` (all of it, machine-readable).")?;
    Ok(s)
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

/// The "Scaling fits" table of one workload, with what its numbers mean.
fn scaling_fits(s: &mut String, data: &RunData, w: &crate::scenario::Workload) -> std::fmt::Result {
    let fits = fits::for_workload(data, w);
    if fits.is_empty() {
        return Ok(());
    }
    let h = fits::horizon(w);
    let measured = fits
        .iter()
        .filter(|f| f.usl.is_ok() || f.amdahl.is_ok())
        .filter_map(|f| f.max_workers())
        .reduce(f64::max);
    writeln!(
        s,
        "**Scaling fits.** Amdahl and the Universal Scalability Law (USL) fitted to each model's measured speedups:\n"
    )?;
    let at_h = if measured.is_some_and(|m| m >= h as f64) {
        "fitted"
    } else {
        "predicted"
    };
    writeln!(s, "| model | points | Amdahl serial fraction s | Amdahl limit | USL σ (contention) | USL κ (coherency) | USL peak | speedup at peak | speedup at {h} ({at_h}) | fit error, rms (Amdahl / USL) | note |")?;
    writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")?;
    for f in &fits {
        let dash = || "-".to_string();
        let a = f.amdahl.as_ref().ok();
        let u = f.usl.as_ref().ok();
        let peak = u.map(|u| u.peak());
        let mut note = match (&f.amdahl, &f.usl) {
            (_, Ok(_)) => String::new(),
            (Ok(_), Err(r)) => format!("USL not fitted: {r}"),
            (Err(r), Err(_)) => format!("not fitted: {r}"),
        };
        if !f.oversubscribed.is_empty() && (f.amdahl.is_ok() || f.usl.is_ok()) {
            let left: Vec<String> = f.oversubscribed.iter().map(u64::to_string).collect();
            let sep = if note.is_empty() { "" } else { "; " };
            note.push_str(&format!(
                "{sep}left out: {} (more workers than the {} cores on CPU-bound work)",
                left.join(", "),
                data.meta.machine.logical_cores
            ));
        }
        let workers = match (
            f.points.iter().map(|p| p.0).reduce(f64::min),
            f.max_workers(),
        ) {
            (Some(lo), Some(hi)) if lo < hi => format!("{} ({lo}-{hi})", f.points.len()),
            _ => f.points.len().to_string(),
        };
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} |",
            f.model,
            workers,
            a.map_or_else(dash, |a| param(a.serial)),
            a.map_or_else(dash, |a| a
                .limit()
                .map_or("unbounded (s = 0)".into(), times)),
            u.map_or_else(dash, |u| param(u.sigma)),
            u.map_or_else(dash, |u| param(u.kappa)),
            match peak {
                None => dash(),
                Some(None) => "no peak (κ = 0)".into(),
                Some(Some((1, _))) => "1 worker".into(),
                Some(Some((n, _))) => format!("{n} workers"),
            },
            peak.flatten().map_or_else(dash, |p| times(p.1)),
            u.map_or_else(dash, |u| times(u.speedup(h as f64))),
            a.map_or_else(dash, |a| error(&a.quality)),
            u.map_or_else(dash, |u| error(&u.quality)),
            note,
        )?;
    }
    writeln!(
        s,
        "\nAmdahl: S(N) = γN / (1 + s(N−1)), so speedup approaches γ/s; USL: S(N) = γN / (1 + σ(N−1) + κN(N−1)), which peaks at N* = √((1−σ)/κ) workers. γ is the one-worker speedup against the reference, σ and s the share of work that does not overlap, κ a cost paid for every pair of workers (coherency: shared caches, locks, memory bandwidth) that makes the curve turn down. Cells with failed runs are left out."
    )?;
    if let Some(m) = measured {
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
        let cores = data.meta.machine.logical_cores;
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
    }
    writeln!(s)
}
