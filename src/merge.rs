//! `parabench merge`: joins the folders of `run --shard K/N` slices into one run folder, with
//! summary, report and charts as if the matrix had run in one go. Shards of different scenario
//! texts or parabench versions are refused; a cell measured twice is refused; a missing slice
//! is reported.

use crate::error::{write_failure, Error};
use crate::plan::Shard;
use crate::record::{CellId, ChecksumCheck, Ending, RunRow};
use crate::report::folder::load_run_dir;
use crate::report::meta::Meta;
use crate::report::output::{RunDir, RunsCsv, TasksCsv};
use crate::report::{self, RunData};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Merges the run folders `dirs` into the run folder `out`; returns the merged data.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<RunData, Error> {
    let mut parts: Vec<(PathBuf, RunData)> = Vec::new();
    for d in dirs {
        if same_path(d, out) {
            return Err(Error::Input(format!(
                "merge: the output folder {} is also an input; write the merged run elsewhere, e.g. -o merged/",
                out.display()
            )));
        }
        let (dir, data) = load_run_dir(d)?;
        parts.push((dir, data));
    }
    let (first_dir, first) = &parts[0];
    for (d, p) in &parts[1..] {
        if p.meta.scenario.sha256 != first.meta.scenario.sha256 {
            return Err(Error::Input(format!(
                "merge: {} and {} ran different scenario texts (`{}` sha256 {}..., `{}` sha256 {}...); shards must come from the same file",
                first_dir.display(),
                d.display(),
                first.meta.scenario.name,
                short(&first.meta.scenario.sha256),
                p.meta.scenario.name,
                short(&p.meta.scenario.sha256)
            )));
        }
        if p.meta.parabench_version != first.meta.parabench_version {
            return Err(Error::Input(format!(
                "merge: {} was measured by parabench {} and {} by {}; run every shard with the same version",
                first_dir.display(),
                first.meta.parabench_version,
                d.display(),
                p.meta.parabench_version
            )));
        }
        if p.meta.workloads != first.meta.workloads {
            return Err(Error::Input(format!(
                "merge: {} and {} resolved the scenario differently (other command-line overrides or core counts); shards must run with the same options",
                first_dir.display(),
                d.display()
            )));
        }
    }
    let shards = check_shards(&parts)?;
    let mut meta = merged_meta(&parts, &shards);
    let rows = merged_rows(&parts, &meta)?;
    meta.merged_from = parts.iter().map(|(d, _)| d.display().to_string()).collect();

    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Input(format!("merge: -o {} is not a folder name", out.display())))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tasks: Vec<_> = parts
        .iter()
        .flat_map(|(_, p)| {
            let others = p.variants.iter().flat_map(|v| v.tasks.iter());
            p.tasks.iter().chain(others).cloned()
        })
        .collect();
    let data = RunData::new(meta, rows).with_tasks(tasks);
    write(parent, name, &data)
        .map_err(write_failure(format!("the merged run {}", out.display())))?;
    Ok(data)
}

/// Writes the merged run folder: runs, tasks, then every report and chart.
fn write(parent: &Path, name: &str, data: &RunData) -> anyhow::Result<()> {
    let mut dir = RunDir::create(parent, name)?;
    let mut runs_csv = RunsCsv::create(&dir.file("runs.csv"))?;
    for r in &data.every_row() {
        runs_csv.append(r)?;
    }
    let mut tasks = data.tasks.clone();
    if let Some(v) = &data.variants {
        tasks.extend(v.tasks.iter().cloned());
    }
    TasksCsv::create(&dir.file("tasks.csv"))?.append(&tasks)?;
    report::write_all(&dir, data)?;
    dir.commit()
}

fn short(sha: &str) -> &str {
    &sha[..12.min(sha.len())]
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The slice numbers present (`K` of `K/N`), after checking the folders are distinct slices
/// of one split. Warns about missing slices.
fn check_shards(parts: &[(PathBuf, RunData)]) -> Result<BTreeSet<u32>, Error> {
    let mut seen: BTreeSet<u32> = BTreeSet::new();
    let mut count = None;
    for (d, p) in parts {
        let Some(text) = &p.meta.shard else {
            return Err(Error::Input(format!(
                "merge: {} holds a whole run, not a --shard slice; merge only the folders of `parabench run --shard K/N`",
                d.display()
            )));
        };
        let s = Shard::parse(text)
            .map_err(|e| Error::Input(format!("merge: {}: meta.json: {e}", d.display())))?;
        if *count.get_or_insert(s.count) != s.count {
            return Err(Error::Input(format!(
                "merge: {} is shard {s}, but the first folder is one of {} shards; merge slices of one split",
                d.display(),
                count.unwrap_or_default()
            )));
        }
        if !seen.insert(s.index) {
            return Err(Error::Input(format!(
                "merge: shard {s} is given twice (again in {}); give each slice once",
                d.display()
            )));
        }
        if p.meta.ending != Ending::Complete {
            eprintln!(
                "warning: shard {s} in {} did not complete (it ended `{}`); its missing runs are missing from the merged run",
                d.display(),
                p.meta.ending
            );
        }
    }
    let n = count.unwrap_or(1);
    let missing: Vec<String> = (1..=n)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "warning: shard(s) {} are missing: their cells are missing from the merged run",
            missing.join(", ")
        );
    }
    Ok(seen)
}

/// The merged run's metadata: the first slice's, spanning every slice's time.
fn merged_meta(parts: &[(PathBuf, RunData)], shards: &BTreeSet<u32>) -> Meta {
    let mut meta = parts[0].1.meta.clone();
    meta.shard = None;
    meta.failed_unmeasured = parts
        .iter()
        .flat_map(|(_, p)| p.meta.failed_unmeasured.iter().cloned())
        .collect();
    meta.started_utc = parts
        .iter()
        .map(|(_, p)| p.meta.started_utc.clone())
        .min()
        .unwrap_or_default();
    meta.finished_utc = parts
        .iter()
        .filter_map(|(_, p)| p.meta.finished_utc.clone())
        .max();
    let complete = parts.iter().all(|(_, p)| p.meta.ending == Ending::Complete);
    let n = parts[0]
        .1
        .meta
        .shard
        .as_deref()
        .and_then(|s| Shard::parse(s).ok())
        .map_or(1, |s| s.count);
    meta.ending = if complete && shards.len() as u32 == n {
        Ending::Complete
    } else {
        Ending::Incomplete
    };
    let machines: BTreeSet<(String, u64)> = parts
        .iter()
        .map(|(_, p)| {
            (
                p.meta.machine.cpu_model.clone(),
                p.meta.machine.logical_cores,
            )
        })
        .collect();
    if machines.len() > 1 {
        eprintln!(
            "warning: the shards ran on different machines ({}); speedups that divide one machine's time by another's mean little",
            machines
                .iter()
                .map(|(cpu, n)| format!("{cpu}, {n} cores"))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    meta
}

/// Every slice's rows in plan order (workload, model, workers, repeat), with checksums
/// checked across slices as the runner checks them within one.
fn merged_rows(parts: &[(PathBuf, RunData)], meta: &Meta) -> Result<Vec<RunRow>, Error> {
    let mut owner: HashMap<&CellId, &Path> = HashMap::new();
    let mut rows: Vec<RunRow> = Vec::new();
    for (d, p) in parts {
        let cells: BTreeSet<&CellId> = p.rows.iter().map(|r| &r.cell).collect();
        for cell in cells {
            if let Some(other) = owner.insert(cell, d) {
                return Err(Error::Input(format!(
                    "merge: cell {cell} was measured in both {} and {}; merge distinct slices",
                    other.display(),
                    d.display()
                )));
            }
        }
    }
    for (_, p) in parts {
        rows.extend(p.every_row());
    }
    let names = meta.variant_names();
    let order = |r: &RunRow| {
        let w = meta
            .workloads
            .iter()
            .position(|w| w.name == r.cell.workload);
        let m = w.and_then(|i| {
            meta.workloads[i]
                .models
                .iter()
                .position(|m| *m == r.cell.model)
        });
        let v = names
            .iter()
            .position(|v| Some(v) == r.cell.variant.as_ref());
        (w, m, r.cell.workers, v, r.repeat)
    };
    rows.sort_by_key(order);
    let mut check = ChecksumCheck::across_shards();
    for r in &mut rows {
        check.check(r);
    }
    Ok(rows)
}
