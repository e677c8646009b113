//! The decision table: the question users come with ("for this work, which model should I
//! use?") answered per workload, from the measurements, with one tie rule for every headline.
//!
//! - **Measured kind**: CPU-bound (at least [`CPU_BOUND_UTIL`] of a core per busy worker at the
//!   fewest workers), waiting (under [`WAITING_UTIL`]), or mixed (between), from CPU time over
//!   the program's own time (the median over the workload's models).
//! - **Best per family** (CPython, native, commands: a property of the model, not its name):
//!   each model at its best worker count (CPU-bound work only within the cores; waiting work
//!   may win at 1,024), the fastest of them, and every model whose 95% CI overlaps the fastest
//!   one's, named as **tied**. Under weak scaling models are ranked by efficiency at their most
//!   workers, never by time per run (a run with more workers does more work).
//! - **Headlines per model**: its speedup at its most workers (within the cores for CPU-bound
//!   work), and its COST, the fewest workers at which it is significantly faster than the
//!   baseline (the speedup's 95% CI above 1; after McSherry, Isard and Murray, HotOS 2015).
//! - **Rule of thumb**: what the usual advice picks for the measured kind (CPU-bound ->
//!   processes; waiting with more than [`MANY_IN_FLIGHT`] in flight -> asyncio; otherwise
//!   threads), and whether the measurement agrees.
//! - **Replication**: every headline is computed again from the even and from the odd rounds
//!   alone ([`super::replication`]) and marked reproduced or not.

use super::meta::Meta;
use super::replication::{self, Verdict};
use super::summary::{self, SummaryRow};
use super::RunData;
use crate::measure::stats::median_of;
use crate::record::{Family, RunRow, Spawns};
use crate::scenario::{Scaling, Workload};
use serde::Serialize;

#[cfg(test)]
mod tests;
mod text;

pub use text::{answer_line, markdown_table, replication_line};

/// At least this many busy cores per worker that can be busy: CPU-bound (the fits' rule).
pub const CPU_BOUND_UTIL: f64 = super::fits::CPU_BOUND_UTIL;
/// Under this many busy cores per worker: waiting.
pub const WAITING_UTIL: f64 = 0.2;
/// "Many connections": more than this many tasks in flight.
pub const MANY_IN_FLIGHT: u64 = 64;

/// What a workload's tasks mostly do, as measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    CpuBound,
    Waiting,
    Mixed,
    /// No run recorded CPU time.
    Unknown,
}

impl Kind {
    pub fn words(self) -> &'static str {
        match self {
            Kind::CpuBound => "CPU-bound",
            Kind::Waiting => "waiting",
            Kind::Mixed => "mixed",
            Kind::Unknown => "unknown",
        }
    }
}

/// One model at one worker count, as the table shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub model: String,
    pub workers: u64,
    pub median_s: Option<f64>,
    pub ci_low_s: Option<f64>,
    pub ci_high_s: Option<f64>,
    pub speedup: Option<f64>,
    pub speedup_ci_low: Option<f64>,
    pub speedup_ci_high: Option<f64>,
    pub efficiency: Option<f64>,
    pub efficiency_ci_low: Option<f64>,
    pub efficiency_ci_high: Option<f64>,
    /// The run's median time divided by its tasks: what one task costs at this concurrency.
    pub per_task_s: Option<f64>,
    /// Peak RSS of the run, or summed over its worker processes when larger.
    pub peak_rss_kb: Option<u64>,
}

impl Entry {
    fn of(r: &SummaryRow) -> Entry {
        Entry {
            model: r.cell.model.clone(),
            workers: r.cell.workers,
            median_s: r.median_s,
            ci_low_s: r.ci_low_s,
            ci_high_s: r.ci_high_s,
            speedup: r.speedup,
            speedup_ci_low: r.speedup_ci_low,
            speedup_ci_high: r.speedup_ci_high,
            efficiency: r.efficiency,
            efficiency_ci_low: r.efficiency_ci_low,
            efficiency_ci_high: r.efficiency_ci_high,
            per_task_s: r.median_s.map(|m| m / r.tasks.max(1) as f64),
            peak_rss_kb: r.max_rss_kb.max(r.workers_rss_kb),
        }
    }

    /// `model`@workers.
    pub fn name(&self) -> String {
        format!("`{}`@{}", self.model, self.workers)
    }
}

/// The pick of one family in one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyPick {
    pub family: Family,
    /// The fastest model at its best count (by efficiency under weak scaling).
    pub best: Option<Entry>,
    /// Models whose 95% CI overlaps the best one's: not distinguishable from it.
    pub tied: Vec<Entry>,
    /// Why there is no best (no model of the family has a successful run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_result: Option<String>,
    /// What the usual advice picks for this kind of work, and whether this family's best (or
    /// a model tied with it) is of that style; `None` when the family has no such model.
    pub rule_agrees: Option<bool>,
    /// Whether the halves of the session pick the same.
    pub replication: Verdict,
}

/// A model's own headlines in one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelHeadline {
    pub model: String,
    pub family: Family,
    /// Its speedup at its most workers (within the cores on CPU-bound work).
    pub at_most: Option<Entry>,
    pub speedup_replication: Verdict,
    /// The fewest workers at which it is significantly faster than the baseline (`None`:
    /// at none of its counts).
    pub cost: Option<u64>,
    pub cost_replication: Verdict,
}

/// The usual advice for a kind of work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOfThumb {
    /// `processes`, `asyncio` or `threads`.
    pub picks: &'static str,
    pub why: String,
}

/// The decision for one workload: one row of the table per family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadDecision {
    pub workload: String,
    pub kind: Kind,
    /// Median busy cores per worker at the models' fewest workers.
    pub busy_per_worker: Option<f64>,
    /// `time` (strong scaling) or `efficiency` (weak scaling).
    pub ranked_by: &'static str,
    pub most_in_flight: u64,
    pub rule: RuleOfThumb,
    pub families: Vec<FamilyPick>,
    pub models: Vec<ModelHeadline>,
}

/// The decision table of a run, with every headline checked against the session's halves.
pub fn decide(data: &RunData) -> Vec<WorkloadDecision> {
    let m = &data.meta;
    let kinds: Vec<(Kind, Option<f64>)> = m.workloads.iter().map(|w| kind(data, w)).collect();
    let mut full = table(m, &data.summary, &kinds);
    let halves = replication::split(&data.rows).map(|(even, odd)| {
        let of = |rows: &[RunRow]| table(m, &summary::compute(m, rows), &kinds);
        (of(&even), of(&odd))
    });
    for (i, (d, w)) in full.iter_mut().zip(&m.workloads).enumerate() {
        match (why_not_checked(m, w), &halves) {
            (Some(why), _) => not_checked(d, &why),
            (None, Some((even, odd))) => replicate(d, &even[i], &odd[i]),
            (None, None) => not_checked(d, "the session had one round"),
        }
    }
    full
}

/// Why a workload's headlines cannot be checked against the session's halves, if they cannot.
fn why_not_checked(m: &Meta, w: &Workload) -> Option<String> {
    let need = 2 * replication::MIN_HALF_RUNS as u32;
    if m.order == "cells" {
        Some(
            "`cells` order measures each cell in one stretch: use the default `--order rounds`"
                .into(),
        )
    } else if m.rounds == Some(1) {
        Some("one round: use `--rounds 2` or more".into())
    } else if w.repeats < need {
        Some(format!(
            "{} per cell, and each half of the rounds needs {}: use `repeats = {need}` or more",
            crate::text::count(w.repeats.into(), "run"),
            replication::MIN_HALF_RUNS
        ))
    } else {
        None
    }
}

/// The measured kind of a workload: the median over its models of busy cores per worker
/// that can be busy, at each model's fewest workers.
fn kind(data: &RunData, w: &Workload) -> (Kind, Option<f64>) {
    let cores = data.meta.machine.logical_cores.max(1);
    let per_worker: Vec<f64> = w
        .models
        .iter()
        .filter_map(|model| super::fits::busy_cores(data, w, model))
        .map(|(workers, busy)| busy / workers.clamp(1, cores) as f64)
        .filter(|u| u.is_finite())
        .collect();
    if per_worker.is_empty() {
        return (Kind::Unknown, None);
    }
    let u = median_of(&per_worker);
    let kind = if u >= CPU_BOUND_UTIL {
        Kind::CpuBound
    } else if u < WAITING_UTIL {
        Kind::Waiting
    } else {
        Kind::Mixed
    };
    (kind, Some(u))
}

/// The table from one set of summary rows (the whole session, or one half of it).
fn table(m: &Meta, summary: &[SummaryRow], kinds: &[(Kind, Option<f64>)]) -> Vec<WorkloadDecision> {
    m.workloads
        .iter()
        .zip(kinds)
        .map(|(w, &(kind, busy))| workload_decision(m, summary, w, kind, busy))
        .collect()
}

/// One workload's row of the table.
fn workload_decision(
    m: &Meta,
    summary: &[SummaryRow],
    w: &Workload,
    kind: Kind,
    busy: Option<f64>,
) -> WorkloadDecision {
    let cores = m.machine.logical_cores.max(1);
    let rows: Vec<&SummaryRow> = summary
        .iter()
        .filter(|r| r.cell.workload == w.name && r.runs > 0 && r.median_s.is_some())
        .collect();
    // CPU-bound work is judged within the cores: beyond them workers share cores.
    let usable = |r: &&SummaryRow| kind != Kind::CpuBound || r.cell.workers <= cores;
    let candidates: Vec<Entry> = w
        .models
        .iter()
        .filter_map(|model| {
            let mine = rows
                .iter()
                .copied()
                .filter(|r| &r.cell.model == model)
                .filter(|r| usable(r));
            let pick = match w.scaling {
                Scaling::Strong => mine.min_by(|a, b| time(a).total_cmp(&time(b))),
                Scaling::Weak => mine.max_by_key(|r| r.cell.workers),
            };
            pick.map(Entry::of)
        })
        .collect();
    let most_in_flight = w.workers.iter().copied().max().unwrap_or(1);
    let rule = rule_of_thumb(kind, most_in_flight);
    let families = family_picks(m, w, &candidates, rule_style(rule.picks));
    let models = w
        .models
        .iter()
        .map(|model| headline(model, family_of(m, model), &rows, &usable))
        .collect();
    WorkloadDecision {
        workload: w.name.clone(),
        kind,
        busy_per_worker: busy,
        ranked_by: match w.scaling {
            Scaling::Strong => "time",
            Scaling::Weak => "efficiency",
        },
        most_in_flight,
        rule,
        families,
        models,
    }
}

/// How a model spawns its workers, from the run's metadata.
fn style(m: &Meta, model: &str) -> Option<Spawns> {
    m.models
        .iter()
        .find(|x| x.name == model)
        .and_then(|x| x.spawns)
}

/// A model's family, from the run's metadata (a command when the model is not described).
fn family_of(m: &Meta, model: &str) -> Family {
    m.models
        .iter()
        .find(|x| x.name == model)
        .map_or(Family::Command, |x| x.family())
}

/// The best of each family among a workload's `candidates`, and whether the rule of thumb's
/// style (`wanted`) is among them.
fn family_picks(m: &Meta, w: &Workload, candidates: &[Entry], wanted: Spawns) -> Vec<FamilyPick> {
    let mut families: Vec<Family> = w.models.iter().map(|x| family_of(m, x)).collect();
    families.sort_unstable_by_key(|f| family_rank(*f));
    families.dedup();
    families
        .into_iter()
        .map(|family| {
            let mine: Vec<&Entry> = candidates
                .iter()
                .filter(|e| family_of(m, &e.model) == family)
                .collect();
            let mut pick = pick_best(&mine, w.scaling);
            let has_style = w
                .models
                .iter()
                .any(|x| family_of(m, x) == family && style(m, x) == Some(wanted));
            pick.rule_agrees = (has_style && pick.best.is_some()).then(|| {
                pick.best
                    .iter()
                    .chain(&pick.tied)
                    .any(|e| style(m, &e.model) == Some(wanted))
            });
            pick.family = family;
            pick
        })
        .collect()
}

fn time(r: &SummaryRow) -> f64 {
    r.median_s.unwrap_or(f64::INFINITY)
}

/// CPython first: it is the family the usual advice is about.
fn family_rank(f: Family) -> u8 {
    match f {
        Family::CPython => 0,
        Family::Native => 1,
        Family::Command => 2,
    }
}

fn rule_of_thumb(kind: Kind, most_in_flight: u64) -> RuleOfThumb {
    match kind {
        Kind::CpuBound => RuleOfThumb {
            picks: "processes",
            why: "CPU-bound work: one process per core sidesteps CPython's GIL".into(),
        },
        Kind::Waiting if most_in_flight > MANY_IN_FLIGHT => RuleOfThumb {
            picks: "asyncio",
            why: format!(
                "waiting with many connections ({most_in_flight} in flight): one event loop \
                 holds them cheaply"
            ),
        },
        _ => RuleOfThumb {
            picks: "threads",
            why: format!(
                "{} work with few connections (at most {most_in_flight} in flight): threads \
                 overlap the waits simply",
                kind.words()
            ),
        },
    }
}

fn rule_style(picks: &str) -> Spawns {
    match picks {
        "processes" => Spawns::Processes,
        "asyncio" => Spawns::Coroutines,
        _ => Spawns::Threads,
    }
}

/// The best of `entries` and those tied with it (the one tie rule: 95% CIs overlap).
fn pick_best(entries: &[&Entry], scaling: Scaling) -> FamilyPick {
    let mut pick = FamilyPick {
        family: Family::Native,
        best: None,
        tied: Vec::new(),
        no_result: None,
        rule_agrees: None,
        replication: Verdict::NotChecked { why: String::new() },
    };
    type Value = fn(&Entry) -> Option<f64>;
    type Interval = fn(&Entry) -> Option<(f64, f64)>;
    let (value, interval): (Value, Interval) = match scaling {
        Scaling::Strong => (
            |e| e.median_s.map(|m| -m),
            |e| Some((e.ci_low_s?, e.ci_high_s?)),
        ),
        Scaling::Weak => (
            |e| e.efficiency,
            |e| Some((e.efficiency_ci_low?, e.efficiency_ci_high?)),
        ),
    };
    let Some(best) = entries
        .iter()
        .filter(|e| value(e).is_some())
        .max_by(|a, b| {
            let v = |e: &Entry| value(e).unwrap_or(f64::NEG_INFINITY);
            v(a).total_cmp(&v(b))
        })
    else {
        pick.no_result = Some(if entries.is_empty() {
            "no model of this family has a successful run".into()
        } else {
            "no usable statistic".into()
        });
        return pick;
    };
    let overlaps = |e: &Entry| match (interval(best), interval(e)) {
        (Some((bl, bh)), Some((el, eh))) => bl <= eh && el <= bh,
        _ => false,
    };
    pick.tied = entries
        .iter()
        .filter(|e| e.model != best.model && overlaps(e))
        .map(|e| (*e).clone())
        .collect();
    pick.best = Some((*best).clone());
    pick
}

fn headline(
    model: &str,
    family: Family,
    rows: &[&SummaryRow],
    usable: &dyn Fn(&&SummaryRow) -> bool,
) -> ModelHeadline {
    let mine: Vec<&SummaryRow> = rows
        .iter()
        .copied()
        .filter(|r| r.cell.model == model)
        .collect();
    let at_most = mine
        .iter()
        .filter(|r| usable(r))
        .max_by_key(|r| r.cell.workers)
        .map(|r| Entry::of(r));
    let cost = mine
        .iter()
        .filter(|r| r.speedup_ci_low.is_some_and(|lo| lo > 1.0))
        .map(|r| r.cell.workers)
        .min();
    let unchecked = || Verdict::NotChecked { why: String::new() };
    ModelHeadline {
        model: model.to_string(),
        family,
        at_most,
        speedup_replication: unchecked(),
        cost,
        cost_replication: unchecked(),
    }
}

/// Marks every headline of `d` from what the even and the odd half said.
fn replicate(d: &mut WorkloadDecision, even: &WorkloadDecision, odd: &WorkloadDecision) {
    for pick in &mut d.families {
        let set = |half: &WorkloadDecision| -> Option<(Vec<String>, String)> {
            let p = half.families.iter().find(|p| p.family == pick.family)?;
            let best = p.best.as_ref()?;
            let names = std::iter::once(best)
                .chain(&p.tied)
                .map(|e| e.model.clone());
            Some((names.collect(), best.name()))
        };
        let Some(best) = &pick.best else {
            pick.replication = Verdict::NotChecked {
                why: "no result".into(),
            };
            continue;
        };
        // The whole session's best must be the best, or tied with it, in each half.
        pick.replication = Verdict::of(
            set(even),
            set(odd),
            |e, o| e.0.contains(&best.model) && o.0.contains(&best.model),
            |h| h.1.clone(),
        );
    }
    for h in &mut d.models {
        let of = |half: &WorkloadDecision| half.models.iter().find(|x| x.model == h.model).cloned();
        let (e, o) = (of(even), of(odd));
        let speedup = |x: &Option<ModelHeadline>| x.as_ref()?.at_most.as_ref()?.speedup;
        h.speedup_replication = Verdict::of(
            speedup(&e),
            speedup(&o),
            |a, b| replication::agree(*a, *b, replication::HEADLINE_TOLERANCE),
            |s| format!("{s:.2}x"),
        );
        let cost = |x: &Option<ModelHeadline>| x.as_ref().map(|x| x.cost);
        h.cost_replication = Verdict::of(
            cost(&e),
            cost(&o),
            |a, b| a == b,
            |c| match c {
                Some(n) => n.to_string(),
                None => "none".into(),
            },
        );
    }
}

fn not_checked(d: &mut WorkloadDecision, why: &str) {
    let v = || Verdict::NotChecked { why: why.into() };
    for p in &mut d.families {
        p.replication = v();
    }
    for h in &mut d.models {
        h.speedup_replication = v();
        h.cost_replication = v();
    }
}
