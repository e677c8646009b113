//! The table of cells under each workload, and the notes on its columns.

use super::*;

/// The table of one workload's cells, and under it which models each column covers.
pub(super) fn cell_table(
    s: &mut String,
    data: &RunData,
    rows: &[&crate::report::summary::SummaryRow],
) -> std::fmt::Result {
    let mut models: Vec<&str> = Vec::new();
    for r in rows {
        if !models.contains(&r.cell.model.as_str()) {
            models.push(&r.cell.model);
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
fn cell_row(
    s: &mut String,
    r: &crate::report::summary::SummaryRow,
    interp: bool,
) -> std::fmt::Result {
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
        r.cell.model,
        r.cell.workers,
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
    rows: &[&crate::report::summary::SummaryRow],
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
    rows: &[&crate::report::summary::SummaryRow],
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
            .filter(|m| {
                rows.iter()
                    .any(|r| r.cell.model == *m && r.cpu_scope == scope)
            })
            .collect()
    };
    let (window, process) = (of_scope("window"), of_scope("process"));
    let with_setup: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|m| {
            rows.iter()
                .any(|r| r.cell.model == *m && r.setup_s.is_some())
        })
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
    rows: &[&crate::report::summary::SummaryRow],
    commands: &[&str],
) -> std::fmt::Result {
    let with_interp: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|m| {
            rows.iter()
                .any(|r| r.cell.model == *m && r.interp_start_s.is_some())
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
    rows: &[&crate::report::summary::SummaryRow],
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
                .any(|r| r.cell.model == *m && r.runs > 0 && r.runq_wait_s.is_none())
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
