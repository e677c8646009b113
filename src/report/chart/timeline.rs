//! `<workload>.timeline.{png,svg}`: which worker ran which task when. One lane per model —
//! the timeline run (an extra run after the measured ones) of its cell with the most workers
//! — with a row per worker and a bar per task, in time from the run's start (lanes of similar
//! length share a time axis; the renderer gives the others their own). Drawn from
//! `tasks.csv`; a workload without recorded tasks gets no file.

use super::{Bar, ChartKind, Figure, Gantt, InReport, Lane};
use crate::record::TaskRow;
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Timeline;

/// Runs of more tasks than this are not recorded (the recorder's limit, `MAX_RECORDED_TASKS`
/// in `model::recorder`). A copy, so the report reads only what a run folder holds; a test in
/// `tests/charts.rs` keeps the two equal.
pub const MAX_RECORDED_TASKS: u64 = 100_000;

impl ChartKind for Timeline {
    fn suffix(&self) -> &'static str {
        "timeline"
    }
    fn title(&self) -> &'static str {
        "Timeline"
    }
    fn in_report(&self) -> InReport {
        InReport::Image
    }
    fn figure(&self, data: &RunData, w: &Workload) -> Option<Figure> {
        gantt(data, w).map(Figure::Gantt)
    }
    fn caption(&self, data: &RunData, w: &Workload) -> Option<String> {
        let runs = chosen(data, w);
        if runs.is_empty() {
            return None;
        }
        let cells: Vec<String> = runs
            .iter()
            .map(|r| format!("`{}`@{}", r.model, r.workers))
            .collect();
        let mut text = format!(
            "Which worker ran which task when, in one extra run per model after its measured \
             runs (not in the statistics; {}): a row per worker, a bar per task. Start and end \
             of every task are in `tasks.csv`.",
            cells.join(", ")
        );
        let missing = not_recorded(data, w, &runs);
        if !missing.is_empty() {
            text.push_str(&format!(" Not recorded: {}.", missing.join("; ")));
        }
        Some(text)
    }
}

/// One recorded run of a model: its cell and tasks.
struct Recorded<'a> {
    model: &'a str,
    workers: u64,
    tasks: Vec<&'a TaskRow>,
}

/// Per model (in the workload's order), the recorded run with the most workers.
fn chosen<'a>(data: &'a RunData, w: &'a Workload) -> Vec<Recorded<'a>> {
    w.models
        .iter()
        .filter_map(|m| {
            let of_model = || {
                data.tasks
                    .iter()
                    .filter(move |t| t.workload == w.name && &t.model == m)
            };
            let workers = of_model().map(|t| t.workers).max()?;
            let repeat = of_model()
                .filter(|t| t.workers == workers)
                .map(|t| t.repeat)
                .max()?;
            Some(Recorded {
                model: m,
                workers,
                tasks: of_model()
                    .filter(|t| t.workers == workers && t.repeat == repeat)
                    .collect(),
            })
        })
        .collect()
}

/// Models of the workload without a lane, each with the reason.
fn not_recorded(data: &RunData, w: &Workload, runs: &[Recorded]) -> Vec<String> {
    w.models
        .iter()
        .filter(|m| !runs.iter().any(|r| r.model == m.as_str()))
        .map(|m| {
            let command = data
                .meta
                .models
                .iter()
                .any(|x| &x.name == m && x.command.is_some());
            let why = if command {
                "its program wrote no per-task times to $PARABENCH_TIMELINE".to_string()
            } else if w.tasks > MAX_RECORDED_TASKS {
                format!("runs of more than {MAX_RECORDED_TASKS} tasks are not recorded")
            } else {
                "no successful recorded run".to_string()
            };
            format!("`{m}` ({why})")
        })
        .collect()
}

fn title(data: &RunData, w: &Workload) -> String {
    format!(
        "{} / {}: which worker runs which task when",
        data.meta.scenario.name, w.name
    )
}

/// What a row of `model`'s lane is, as recorded in `meta.json` ("worker" in folders written
/// before it was recorded, and for command models).
fn row_noun<'a>(data: &'a RunData, model: &str) -> &'a str {
    data.meta
        .models
        .iter()
        .find(|m| m.name == model)
        .and_then(|m| m.timeline_worker.as_deref())
        .unwrap_or("worker")
}

fn plural(noun: &str, n: u64) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

fn gantt(data: &RunData, w: &Workload) -> Option<Gantt> {
    let runs = chosen(data, w);
    if runs.is_empty() {
        return None;
    }
    let lanes = runs
        .iter()
        .map(|r| {
            let noun = row_noun(data, r.model);
            let wall = r.tasks.first().map(|t| t.run_wall_s);
            let rows = r
                .tasks
                .iter()
                .map(|t| t.worker + 1)
                .max()
                .unwrap_or(1)
                .max(r.workers.min(u64::from(u32::MAX)) as u32);
            let detail = format!(
                "{}, a {} run",
                plural(noun, u64::from(rows)),
                crate::report::markdown::seconds(wall)
            );
            Lane {
                label: r.model.to_string(),
                detail,
                color_index: data.meta.model_index(r.model),
                rows,
                row_label: noun.to_string(),
                bars: r
                    .tasks
                    .iter()
                    .map(|t| Bar {
                        row: t.worker,
                        start: t.start_s,
                        end: t.end_s,
                    })
                    .collect(),
                end: wall,
            }
        })
        .collect();
    let missing = not_recorded(data, w, &runs);
    Some(Gantt {
        title: title(data, w),
        subtitle: format!(
            "{} - one run per model at its most workers - a bar per task",
            super::workload_line(w)
        ),
        // The renderer puts the unit in, or says each lane has its own scale.
        x_label: "time since the run's start ({unit}); a black line marks where each run ended"
            .into(),
        lanes,
        note: if missing.is_empty() {
            String::new()
        } else {
            format!(
                "Not recorded: {}",
                missing
                    .iter()
                    .map(|m| m.replace('`', ""))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural("thread", 1), "1 thread");
        assert_eq!(plural("process", 4), "4 processes");
        assert_eq!(plural("in-flight slot", 8), "8 in-flight slots");
    }
}
