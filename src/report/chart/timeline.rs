//! `<workload>.timeline.{png,svg}`: which worker ran which task when. One lane per model —
//! the timeline run (an extra run after the measured ones) of its cell with the most workers
//! — with a row per worker and a bar per task, in time from the run's start (lanes of similar
//! length share a time axis; the renderer gives the others their own). Drawn from
//! `tasks.csv`; a workload without recorded tasks gets no file.

use super::{Bar, ChartKind, Excluded, Figure, Gantt, InReport, Lane};
use crate::record::TaskRow;
use crate::report::RunData;
use crate::scenario::Workload;

pub struct Timeline;

/// Runs of more tasks than this are not recorded (the recorder's limit, `MAX_RECORDED_TASKS`
/// in `model::recorder`). A copy, so the report reads only what a run folder holds; a test in
/// `tests/it/charts.rs` keeps the two equal.
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
        let partial = partial(data, w, &runs);
        if !partial.is_empty() {
            text.push_str(&format!(
                " Only some tasks were recorded: {} (a program's timeline lines that were \
                 missing or unreadable).",
                partial.join(", ")
            ));
        }
        Some(text)
    }
    fn missing(&self, data: &RunData, w: &Workload) -> Option<String> {
        missing(data, w)
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
                    .filter(move |t| t.cell.workload == w.name && &t.cell.model == m)
            };
            let workers = of_model().map(|t| t.cell.workers).max()?;
            let repeat = of_model()
                .filter(|t| t.cell.workers == workers)
                .map(|t| t.repeat)
                .max()?;
            Some(Recorded {
                model: m,
                workers,
                tasks: of_model()
                    .filter(|t| t.cell.workers == workers && t.repeat == repeat)
                    .collect(),
            })
        })
        .collect()
}

/// Models of the workload without a lane with the reason and, where there is one, the way to
/// get a timeline: "`threads`, `rayon` (why)", models of one reason together.
fn not_recorded(data: &RunData, w: &Workload, runs: &[Recorded]) -> Vec<String> {
    grouped(
        reasons(data, w, runs)
            .into_iter()
            .map(|(m, why)| (m, why.long))
            .collect(),
    )
}

/// The same, in a few words each, for the chart itself (the report has the whole reason).
fn not_recorded_briefly(data: &RunData, w: &Workload, runs: &[Recorded]) -> Vec<String> {
    grouped(
        reasons(data, w, runs)
            .into_iter()
            .map(|(m, why)| (m, why.short.to_string()))
            .collect(),
    )
}

/// "`a`, `b` (why)" for the models of each reason, in order of first appearance.
fn grouped(reasons: Vec<(String, String)>) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (model, why) in reasons {
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, models)) => models.push(model),
            None => groups.push((why, vec![model])),
        }
    }
    groups
        .into_iter()
        .map(|(why, models)| {
            let names: Vec<String> = models.iter().map(|m| format!("`{m}`")).collect();
            format!("{} ({why})", names.join(", "))
        })
        .collect()
}

/// Why a model has no lane: in a few words, and in full with the way to get one.
struct Why {
    short: &'static str,
    long: String,
}

/// Each model of the workload without a lane, and why.
fn reasons(data: &RunData, w: &Workload, runs: &[Recorded]) -> Vec<(String, Why)> {
    let limit = crate::text::count(MAX_RECORDED_TASKS, "task");
    let interrupted = data.meta.ending != crate::record::Ending::Complete;
    w.models
        .iter()
        .filter(|m| !runs.iter().any(|r| r.model == m.as_str()))
        .map(|m| {
            let cells: Vec<_> = data
                .summary
                .iter()
                .filter(|r| r.cell.workload == w.name && &r.cell.model == m)
                .collect();
            let largest = cells.iter().max_by_key(|r| r.cell.workers);
            let command = data
                .meta
                .models
                .iter()
                .any(|x| &x.name == m && x.command.is_some());
            let failure = data
                .meta
                .failed_unmeasured
                .iter()
                .find(|f| f.is_timeline_of(&w.name, m));
            let why = |short: &'static str, long: String| Why { short, long };
            let why = match (largest, failure) {
                (None, _) => why("not run", "not run in this folder".to_string()),
                (Some(c), _) if c.tasks > MAX_RECORDED_TASKS => {
                    let smaller = cells.iter().any(|r| r.tasks <= MAX_RECORDED_TASKS);
                    why(
                        "too many tasks",
                        format!(
                            "runs of {} are more than the {limit} a timeline records; {}",
                            crate::text::count(c.tasks, "task"),
                            if smaller {
                                format!("`--timeline all` records the cells of at most {limit}")
                            } else {
                                format!("a workload with at most {limit} per run gets one")
                            }
                        ),
                    )
                }
                (Some(_), Some(f)) => why(
                    "the timeline run failed",
                    format!(
                        "the timeline run failed: {}",
                        crate::text::shorten(&f.error, 200)
                    ),
                ),
                (Some(c), None) if interrupted => why(
                    "interrupted",
                    if c.runs + c.failed < w.repeats as usize {
                        "the run stopped before its timeline run; `--resume` records it"
                    } else {
                        "the run stopped before its timeline run"
                    }
                    .to_string(),
                ),
                (Some(c), None) if c.runs == 0 => why(
                    "no successful run",
                    "no successful run at the most workers".to_string(),
                ),
                (Some(_), None) if command => why(
                    "the program wrote no times",
                    format!(
                        "the program wrote no per-task times to ${}, one `<worker> <task> \
                         <start_ns> <end_ns>` line per task",
                        crate::model::command::TIMELINE_ENV
                    ),
                ),
                (Some(_), None) => why("nothing recorded", "no tasks were recorded".to_string()),
            };
            (m.clone(), why)
        })
        .collect()
}

/// Why the workload has no timeline at all, and how to get one; `None` when it has one.
fn missing(data: &RunData, w: &Workload) -> Option<String> {
    let runs = chosen(data, w);
    if !runs.is_empty() {
        return None;
    }
    if data.meta.timeline.as_deref() == Some("off") {
        return Some(
            "**No timeline:** the run was made with `--timeline off`; without it, each \
             model's cell with the most workers records one (`--timeline all`: every cell)."
                .to_string(),
        );
    }
    let why = not_recorded(data, w, &runs);
    (!why.is_empty()).then(|| format!("**No timeline:** {}.", why.join("; ")))
}

/// Recorded runs that lack some of their tasks: "`py-x` 950 of 1000".
fn partial(data: &RunData, w: &Workload, runs: &[Recorded]) -> Vec<String> {
    runs.iter()
        .filter_map(|r| {
            let tasks = data
                .summary
                .iter()
                .find(|s| {
                    s.cell.workload == w.name
                        && s.cell.model == r.model
                        && s.cell.workers == r.workers
                })?
                .tasks
                .min(MAX_RECORDED_TASKS);
            let got = r.tasks.len() as u64;
            (got < tasks).then(|| format!("`{}` {got} of {tasks}", r.model))
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

/// How long a recorded run was, in words, where its lane's end mark goes, and the stretch
/// before a program's own clock started. A command that said where its measured window lies
/// gets that window's length ("477.25 ms measured", the time its cells' medians are made of),
/// its end mark where the window ended, and the interpreter's start-up drawn as excluded;
/// one that printed only `elapsed_s` gets both lengths; a native run its wall time.
fn run_length(
    first: Option<&TaskRow>,
    wall: Option<f64>,
) -> (String, Option<f64>, Option<Excluded>) {
    let seconds = |v: f64| crate::report::markdown::seconds(Some(v));
    let window = first.and_then(|t| t.window_s);
    match (first.and_then(|t| t.window_start_s), window) {
        (Some(from), Some(own)) => (
            format!("{} measured", seconds(own)),
            Some(from + own),
            Some(Excluded {
                start: 0.0,
                end: from,
                label: "interpreter start (excluded)".into(),
            }),
        ),
        (_, Some(own)) => (
            format!(
                "{} measured by the program, a {} run",
                seconds(own),
                crate::report::markdown::seconds(wall)
            ),
            wall,
            None,
        ),
        _ => (
            format!("a {} run", crate::report::markdown::seconds(wall)),
            wall,
            None,
        ),
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
            let first = r.tasks.first().copied();
            let wall = first.map(|t| t.run_wall_s);
            let rows = r
                .tasks
                .iter()
                .map(|t| t.worker + 1)
                .max()
                .unwrap_or(1)
                .max(r.workers.min(u64::from(u32::MAX)) as u32);
            let (length, end, excluded) = run_length(first, wall);
            let detail = format!("{}, {length}", plural(noun, u64::from(rows)));
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
                end,
                excluded,
            }
        })
        .collect();
    let missing = not_recorded_briefly(data, w, &runs);
    Some(Gantt {
        title: title(data, w),
        subtitle: format!(
            "{} - one run per model at its most workers - a bar per task",
            super::workload_line(w)
        ),
        // The renderer puts the unit in, or says each lane has its own scale.
        x_label:
            "time since the run's start ({unit}); a black line marks where each measured run ended"
                .into(),
        lanes,
        note: if missing.is_empty() {
            String::new()
        } else {
            format!(
                "Not recorded (report.md says why in full): {}",
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

    fn task(window_start_s: Option<f64>, window_s: Option<f64>) -> TaskRow {
        TaskRow {
            scenario: "s".into(),
            cell: crate::record::CellId {
                workload: "w".into(),
                model: "py-threading".into(),
                workers: 2,
                variant: None,
            },
            repeat: 3,
            worker: 0,
            task: 0,
            start_s: 0.2,
            end_s: 0.3,
            run_wall_s: 0.64,
            window_start_s,
            window_s,
        }
    }

    #[test]
    fn a_lane_states_the_measured_length_and_shows_the_interpreter_start() {
        let t = task(Some(0.15), Some(0.47725));
        let (text, end, excluded) = run_length(Some(&t), Some(t.run_wall_s));
        assert_eq!(text, "477.25 ms measured");
        assert!((end.unwrap() - 0.62725).abs() < 1e-12, "{end:?}");
        let ex = excluded.unwrap();
        assert_eq!((ex.start, ex.end), (0.0, 0.15));
        assert_eq!(ex.label, "interpreter start (excluded)");
        // Only its own time printed: both lengths, nothing drawn as excluded.
        let t = task(None, Some(0.47725));
        let (text, end, excluded) = run_length(Some(&t), Some(t.run_wall_s));
        assert_eq!(text, "477.25 ms measured by the program, a 640.00 ms run");
        assert_eq!((end, excluded), (Some(0.64), None));
        // A native run.
        let (text, end, excluded) = run_length(Some(&task(None, None)), Some(0.64));
        assert_eq!(
            (text.as_str(), end, excluded),
            ("a 640.00 ms run", Some(0.64), None)
        );
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("thread", 1), "1 thread");
        assert_eq!(plural("process", 4), "4 processes");
        assert_eq!(plural("in-flight slot", 8), "8 in-flight slots");
    }
}
