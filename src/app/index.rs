//! `parabench index DIR`: one page, `DIR/index.html`, listing every run folder in DIR with its
//! headline numbers (scenario, machine, date, how it ended, runs, the best model per family
//! and workload) and a link to each `report.html`. The sample results are published with it.

use crate::error::Error;
use crate::report::RunData;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Writes `dir/index.html`; returns how many run folders it lists.
pub fn index(dir: &Path) -> Result<usize, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::Input(format!(
            "cannot read {}: {e}; give a folder that holds run folders, e.g. `parabench index results`",
            dir.display()
        ))
    })?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("meta.json").is_file())
        .filter(|p| !name_of(p).starts_with('.'))
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(Error::Input(format!(
            "{} holds no run folder (a folder with meta.json and runs.csv, written by `parabench run`); nothing was written",
            dir.display()
        )));
    }
    let mut md = String::new();
    page(&mut md, dir, &folders).map_err(|e| Error::Failed(anyhow::anyhow!("{e}")))?;
    let html = crate::report::html::page(
        &format!("parabench results: {}", name_of(dir)),
        &md,
        &Default::default(),
        "",
    );
    let out = dir.join("index.html");
    crate::report::output::write_atomic(&out, html.as_bytes())
        .map_err(|e| Error::Write(e.context(format!("cannot write {}", out.display()))))?;
    Ok(folders.len())
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Text for one table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn page(s: &mut String, dir: &Path, folders: &[PathBuf]) -> std::fmt::Result {
    writeln!(s, "# parabench results\n")?;
    writeln!(
        s,
        "Every run folder in `{}`: click a run for its full report (charts, tables, warnings, raw runs). Best: per workload and family of models, the fastest model at its best worker count and its speedup; ties within the 95% CI are in the report.\n",
        cell(&name_of(dir))
    )?;
    writeln!(
        s,
        "| run | scenario | machine | started (UTC) | ending | runs | best per workload |"
    )?;
    writeln!(s, "|---|---|---|---|---|---:|---|")?;
    for f in folders {
        let name = name_of(f);
        let link = if f.join("report.html").is_file() {
            format!("[{}]({}/report.html)", cell(&name), name)
        } else {
            format!("[{}]({}/report.md)", cell(&name), name)
        };
        match crate::report::folder::load_run_dir(f) {
            Ok((_, data)) => row(s, &link, &data)?,
            Err(e) => writeln!(
                s,
                "| {link} | not readable: {} | | | | | |",
                cell(&e.to_string())
            )?,
        }
    }
    writeln!(
        s,
        "\nWritten by `parabench index`; rerun it after adding or redrawing a run."
    )
}

fn row(s: &mut String, link: &str, data: &RunData) -> std::fmt::Result {
    let m = &data.meta;
    let scenario = if m.scenario.description.is_empty() {
        m.scenario.name.clone()
    } else {
        format!("{}: {}", m.scenario.name, m.scenario.description)
    };
    let machine = format!("{}, {} cores", m.machine.cpu_model, m.machine.logical_cores);
    let ok = data.rows.iter().filter(|r| r.ok()).count();
    let failed = data.rows.iter().filter(|r| r.failed()).count();
    let runs = if failed > 0 {
        format!("{ok} (+{failed} failed)")
    } else {
        ok.to_string()
    };
    let mut best = Vec::new();
    for d in &data.decision {
        let picks: Vec<String> = d
            .families
            .iter()
            .map(|p| match &p.best {
                Some(e) => format!(
                    "{} {}{}",
                    p.family.as_str(),
                    e.name(),
                    e.speedup.map_or(String::new(), |x| format!(" {x:.2}x"))
                ),
                None => format!("{} no result", p.family.as_str()),
            })
            .collect();
        best.push(format!(
            "**{}** ({}): {}",
            d.workload,
            d.kind.words(),
            picks.join("; ")
        ));
    }
    writeln!(
        s,
        "| {link} | {} | {} | {} | {} | {runs} | {} |",
        cell(&scenario),
        cell(&machine),
        cell(&m.started_utc.replace('T', " ").replace('Z', "")),
        m.ending,
        cell(&best.join(" · "))
    )
}
