//! `parabench merge`: joins the folders of `run --shard K/N` slices into one run folder, with
//! summary, report and charts as if the matrix had run in one go. Shards of different scenario
//! texts or parabench versions are refused; a cell measured twice is refused; a missing slice
//! is reported.

use crate::report::meta::Meta;
use crate::report::output::{RunDir, RunsCsv, TasksCsv};
use crate::report::{self, RunData};
use crate::run::RunRow;
use crate::{load_run_dir, Error};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Merges the run folders `dirs` into the run folder `out`; returns the merged data.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<RunData, Error> {
    let mut parts: Vec<(PathBuf, RunData)> = Vec::new();
    for d in dirs {
        if same_path(d, out) {
            return Err(Error::Usage(format!(
                "merge: the output folder {} is also an input; write the merged run elsewhere, e.g. -o merged/",
                out.display()
            )));
        }
        parts.push((d.clone(), load_run_dir(d)?));
    }
    let (first_dir, first) = &parts[0];
    for (d, p) in &parts[1..] {
        if p.meta.scenario.sha256 != first.meta.scenario.sha256 {
            return Err(Error::Usage(format!(
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
            return Err(Error::Usage(format!(
                "merge: {} was measured by parabench {} and {} by {}; run every shard with the same version",
                first_dir.display(),
                first.meta.parabench_version,
                d.display(),
                p.meta.parabench_version
            )));
        }
        if p.meta.workloads != first.meta.workloads {
            return Err(Error::Usage(format!(
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
        .ok_or_else(|| Error::Usage(format!("merge: -o {} is not a folder name", out.display())))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut dir = RunDir::create(parent, name)?;
    let mut runs_csv = RunsCsv::create(&dir.file("runs.csv"))?;
    for r in &rows {
        runs_csv.append(r)?;
    }
    let tasks: Vec<_> = parts
        .iter()
        .flat_map(|(_, p)| p.tasks.iter().cloned())
        .collect();
    TasksCsv::create(&dir.file("tasks.csv"))?.append(&tasks)?;
    let data = RunData::new(meta, rows).with_tasks(tasks);
    report::write_all(&dir, &data)?;
    dir.commit()?;
    Ok(data)
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
            return Err(Error::Usage(format!(
                "merge: {} holds a whole run, not a --shard slice; merge only the folders of `parabench run --shard K/N`",
                d.display()
            )));
        };
        let s = crate::plan::Shard::parse(text)
            .map_err(|e| Error::Usage(format!("merge: {}: meta.json: {e}", d.display())))?;
        if *count.get_or_insert(s.count) != s.count {
            return Err(Error::Usage(format!(
                "merge: {} is shard {s}, but the first folder is one of {} shards; merge slices of one split",
                d.display(),
                count.unwrap_or_default()
            )));
        }
        if !seen.insert(s.index) {
            return Err(Error::Usage(format!(
                "merge: shard {s} is given twice (again in {}); give each slice once",
                d.display()
            )));
        }
        if p.meta.ending != "complete" {
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
    meta.started_utc = parts
        .iter()
        .map(|(_, p)| p.meta.started_utc.clone())
        .min()
        .unwrap_or_default();
    meta.finished_utc = parts
        .iter()
        .filter_map(|(_, p)| p.meta.finished_utc.clone())
        .max();
    let complete = parts.iter().all(|(_, p)| p.meta.ending == "complete");
    let n = parts[0]
        .1
        .meta
        .shard
        .as_deref()
        .and_then(|s| crate::plan::Shard::parse(s).ok())
        .map_or(1, |s| s.count);
    meta.ending = if complete && shards.len() as u32 == n {
        "complete".into()
    } else {
        "incomplete".into()
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
    let mut owner: HashMap<(String, String, u64), &Path> = HashMap::new();
    let mut rows: Vec<RunRow> = Vec::new();
    for (d, p) in parts {
        let cells: BTreeSet<(String, String, u64)> = p
            .rows
            .iter()
            .map(|r| (r.workload.clone(), r.model.clone(), r.workers))
            .collect();
        for cell in cells {
            if let Some(other) = owner.insert(cell.clone(), d) {
                return Err(Error::Usage(format!(
                    "merge: cell {} / {} / {} workers was measured in both {} and {}; merge distinct slices",
                    cell.0,
                    cell.1,
                    cell.2,
                    other.display(),
                    d.display()
                )));
            }
        }
        rows.extend(p.rows.iter().cloned());
    }
    let order = |r: &RunRow| {
        let w = meta.workloads.iter().position(|w| w.name == r.workload);
        let m = w.and_then(|i| meta.workloads[i].models.iter().position(|m| *m == r.model));
        (w, m, r.workers, r.repeat)
    };
    rows.sort_by_key(order);
    let mut reference: HashMap<(String, u64), (u64, String)> = HashMap::new();
    for r in rows.iter_mut().filter(|r| r.ok()) {
        let Some(sum) = r.checksum else { continue };
        match reference.get(&(r.workload.clone(), r.tasks)) {
            Some((expected, by)) if *expected != sum => {
                r.status = "mismatch".into();
                r.error = format!(
                    "checksum {sum} differs from {expected} (first measured by model `{by}` in another shard): the model did not run every task exactly once"
                );
            }
            Some(_) => {}
            None => {
                reference.insert((r.workload.clone(), r.tasks), (sum, r.model.clone()));
            }
        }
    }
    Ok(rows)
}
