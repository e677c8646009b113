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
            model: r.model.clone(),
            workers: r.workers,
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
        .filter(|r| r.workload == w.name && r.runs > 0 && r.median_s.is_some())
        .collect();
    // CPU-bound work is judged within the cores: beyond them workers share cores.
    let usable = |r: &&SummaryRow| kind != Kind::CpuBound || r.workers <= cores;
    let candidates: Vec<Entry> = w
        .models
        .iter()
        .filter_map(|model| {
            let mine = rows
                .iter()
                .copied()
                .filter(|r| &r.model == model)
                .filter(|r| usable(r));
            let pick = match w.scaling {
                Scaling::Strong => mine.min_by(|a, b| time(a).total_cmp(&time(b))),
                Scaling::Weak => mine.max_by_key(|r| r.workers),
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
    let mine: Vec<&SummaryRow> = rows.iter().copied().filter(|r| r.model == model).collect();
    let at_most = mine
        .iter()
        .filter(|r| usable(r))
        .max_by_key(|r| r.workers)
        .map(|r| Entry::of(r));
    let cost = mine
        .iter()
        .filter(|r| r.speedup_ci_low.is_some_and(|lo| lo > 1.0))
        .map(|r| r.workers)
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

/// The decision table that opens the report: a row per workload and family.
pub fn markdown_table(decisions: &[WorkloadDecision]) -> String {
    let mut s = String::from(
        "| workload | measured kind | family | best (tied within its 95% CI) | speedup (95% CI) | time per task | peak RSS | replicated | rule of thumb |\n\
         |---|---|---|---|---:|---:|---:|---|---|\n",
    );
    for d in decisions {
        for (i, p) in d.families.iter().enumerate() {
            let (workload, kind) = if i == 0 {
                let busy = d
                    .busy_per_worker
                    .map_or(String::new(), |u| format!(" ({u:.2} core per worker)"));
                (
                    format!("[{0}](#{0})", d.workload),
                    format!("{}{busy}", d.kind.words()),
                )
            } else {
                (String::new(), String::new())
            };
            let Some(best) = &p.best else {
                let why = p.no_result.as_deref().unwrap_or("no result");
                s.push_str(&format!(
                    "| {workload} | {kind} | {} | no result: {why} | - | - | - | - | {} |\n",
                    p.family.as_str(),
                    d.rule.picks
                ));
                continue;
            };
            let mut names = best.name();
            if !p.tied.is_empty() {
                let tied: Vec<String> = p.tied.iter().map(Entry::name).collect();
                names.push_str(&format!("; tied: {}", tied.join(", ")));
            }
            let gain = match d.ranked_by {
                "efficiency" => ratio_ci(
                    "efficiency ",
                    best.efficiency,
                    best.efficiency_ci_low,
                    best.efficiency_ci_high,
                    "",
                ),
                _ => ratio_ci(
                    "",
                    best.speedup,
                    best.speedup_ci_low,
                    best.speedup_ci_high,
                    "x",
                ),
            };
            s.push_str(&format!(
                "| {workload} | {kind} | {} | {names} | {gain} | {} | {} | {} | {} |\n",
                p.family.as_str(),
                crate::text::seconds(best.per_task_s),
                mib(best.peak_rss_kb),
                p.replication.short(),
                rule_words(d, p)
            ));
        }
    }
    s
}

fn ratio_ci(prefix: &str, v: Option<f64>, lo: Option<f64>, hi: Option<f64>, unit: &str) -> String {
    match (v, lo, hi) {
        (Some(v), Some(lo), Some(hi)) => format!("{prefix}{v:.2}{unit} ({lo:.2} to {hi:.2})"),
        (Some(v), _, _) => format!("{prefix}{v:.2}{unit}"),
        _ => "-".into(),
    }
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or("-".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0))
}

fn rule_words(d: &WorkloadDecision, p: &FamilyPick) -> String {
    let picks = d.rule.picks;
    match p.rule_agrees {
        Some(true) => format!("{picks}: agrees"),
        Some(false) => format!("{picks}: disagrees"),
        None => format!("{picks}: none in this family"),
    }
}

/// The workload's answer in one line (it never names a winner out of a tie, and names the
/// family of every pick).
pub fn answer_line(d: &WorkloadDecision) -> String {
    let parts: Vec<String> = d
        .families
        .iter()
        .map(|p| {
            let family = p.family.as_str();
            let Some(best) = &p.best else {
                return format!("{family}: no result");
            };
            let gain = match d.ranked_by {
                "efficiency" => best.efficiency.map(|e| format!("efficiency {e:.2}")),
                _ => best.speedup.map(|x| format!("{x:.2}x")),
            }
            .unwrap_or_else(|| "-".into());
            if p.tied.is_empty() {
                format!("{family}: {} ({gain})", best.name())
            } else {
                let all: Vec<String> = std::iter::once(best)
                    .chain(&p.tied)
                    .map(Entry::name)
                    .collect();
                format!(
                    "{family}: no single winner, {} are within the 95% CI of the best ({gain})",
                    crate::text::and_list(&all)
                )
            }
        })
        .collect();
    let by = match d.ranked_by {
        "efficiency" => " (weak scaling: ranked by efficiency at each model's most workers)",
        _ => "",
    };
    format!("**Best{by}:** {}.", parts.join("; "))
}

/// Which of the workload's headlines did not reproduce in the halves, in one line.
pub fn replication_line(d: &WorkloadDecision) -> String {
    let mut failed = Vec::new();
    let mut checked = 0;
    let mut unchecked = None;
    let mut note = |what: String, v: &Verdict| match v {
        Verdict::Reproduced => checked += 1,
        Verdict::NotReproduced { .. } => {
            checked += 1;
            failed.push(format!("{what} {}", v.words()));
        }
        Verdict::NotChecked { why } => {
            unchecked.get_or_insert_with(|| why.clone());
        }
    };
    for p in &d.families {
        note(format!("best {} model", p.family.as_str()), &p.replication);
    }
    for h in &d.models {
        if let Some(at) = &h.at_most {
            note(
                format!("`{}` speedup at {}", h.model, at.workers),
                &h.speedup_replication,
            );
        }
        note(format!("`{}` COST", h.model), &h.cost_replication);
    }
    match (checked, failed.is_empty(), unchecked) {
        (0, _, Some(why)) if !why.is_empty() => {
            format!("**Replication:** not checked: {why}.")
        }
        (_, true, _) => format!(
            "**Replication:** all {} headlines (best model per family, each model's speedup at \
             its most workers and its COST) come out the same from the even and from the odd \
             rounds alone.",
            checked
        ),
        _ => format!(
            "**Replication:** {} of {checked} headlines differ between the even and the odd \
             rounds: {}. The host or the machine changed during the session; rerun with more \
             rounds (`--rounds`), more repeats, or on a quieter machine before trusting them.",
            failed.len(),
            failed.join("; ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use crate::report::meta::ModelInfo;

    /// The demo's `primes` workload on a 2-core machine, models as `(name, family, spawns)`,
    /// with runs of each `(model, workers)` taking the given seconds, one per round.
    fn data(models: &[(&str, Family, Spawns)], runs: &[(&str, u64, &[f64])]) -> RunData {
        let demo = crate::scenario::demo(&crate::scenario::LoadOptions {
            cores: 2,
            force: false,
            variants: Vec::new(),
        })
        .unwrap();
        let infos = models
            .iter()
            .map(|(name, family, spawns)| {
                let mut m = ModelInfo::named(name);
                m.recorded_family = Some(*family);
                m.spawns = Some(*spawns);
                m
            })
            .collect();
        let mut meta = Meta::new(&demo, infos);
        meta.machine.logical_cores = 2;
        meta.order = "rounds".into();
        meta.rounds = Some(4);
        meta.workloads.truncate(1);
        let w = &mut meta.workloads[0];
        w.models = models.iter().map(|m| m.0.to_string()).collect();
        w.workers = vec![1, 2];
        w.repeats = 8;
        let rows = runs
            .iter()
            .flat_map(|(model, workers, times)| {
                times.iter().enumerate().map(move |(i, &t)| RunRow {
                    workload: "primes".into(),
                    model: model.to_string(),
                    workers: *workers,
                    tasks: 16,
                    repeat: i as u32,
                    round: i as u32 % 4,
                    wall_s: t,
                    // Busy on every worker: CPU-bound.
                    user_s: t * *workers as f64,
                    status: Status::Ok,
                    ..RunRow::default()
                })
            })
            .collect();
        RunData::new(meta, rows)
    }

    const STEADY: &[f64] = &[1.00, 1.01, 0.99, 1.00, 1.02, 1.00, 0.99, 1.01];

    fn halved(factor: f64) -> Vec<f64> {
        STEADY.iter().map(|t| t * factor).collect()
    }

    #[test]
    fn the_best_per_family_names_its_ties_and_the_rule_of_thumb() {
        let (half, slower) = (halved(0.5), halved(0.52));
        let d = data(
            &[
                ("sequential", Family::Native, Spawns::Nothing),
                ("threads", Family::Native, Spawns::Threads),
                ("processes", Family::Native, Spawns::Processes),
                ("py-sequential", Family::CPython, Spawns::Nothing),
            ],
            &[
                ("sequential", 1, STEADY),
                ("threads", 1, STEADY),
                ("threads", 2, &half),
                ("processes", 1, STEADY),
                ("processes", 2, &slower),
                ("py-sequential", 1, &halved(30.0)),
            ],
        );
        let d = &data_decision(&d)[0];
        assert_eq!(d.kind, Kind::CpuBound);
        assert_eq!(d.rule.picks, "processes");
        let native = d
            .families
            .iter()
            .find(|p| p.family == Family::Native)
            .unwrap();
        let best = native.best.as_ref().unwrap();
        assert_eq!((best.model.as_str(), best.workers), ("threads", 2));
        // processes at 2 workers is 4% slower, and these runs are tight: its CI lies apart,
        // so it is not tied, and the rule of thumb's pick loses in this family.
        assert!(native.tied.is_empty(), "{:?}", native.tied);
        assert_eq!(native.rule_agrees, Some(false));
        assert_eq!(native.replication, Verdict::Reproduced);
        // CPython first, with its only model as the best; its family has no process model.
        assert_eq!(d.families[0].family, Family::CPython);
        assert_eq!(d.families[0].rule_agrees, None);
        let line = answer_line(d);
        assert!(
            line.starts_with("**Best:** CPython: `py-sequential`@1"),
            "{line}"
        );
        let threads = d.models.iter().find(|h| h.model == "threads").unwrap();
        assert_eq!(threads.cost, Some(2));
        assert_eq!(threads.speedup_replication, Verdict::Reproduced);
    }

    fn data_decision(d: &RunData) -> &[WorkloadDecision] {
        &d.decision
    }

    #[test]
    fn a_headline_that_only_one_half_shows_is_not_reproduced() {
        // threads@2 at 2x in even rounds, barely faster than sequential in odd ones.
        let split: Vec<f64> = STEADY
            .iter()
            .enumerate()
            .map(|(i, t)| if i % 2 == 0 { t * 0.5 } else { t * 0.95 })
            .collect();
        let d = data(
            &[
                ("sequential", Family::Native, Spawns::Nothing),
                ("threads", Family::Native, Spawns::Threads),
            ],
            &[
                ("sequential", 1, STEADY),
                ("threads", 1, STEADY),
                ("threads", 2, &split),
            ],
        );
        let d = &d.decision[0];
        let threads = d.models.iter().find(|h| h.model == "threads").unwrap();
        assert_eq!(
            threads.speedup_replication,
            Verdict::NotReproduced {
                even: "2.00x".into(),
                odd: "1.05x".into()
            }
        );
        let line = replication_line(d);
        assert!(
            line.contains("`threads` speedup at 2 not reproduced (halves: 2.00x vs 1.05x)"),
            "{line}"
        );
    }

    #[test]
    fn a_family_without_a_successful_run_says_so_and_weak_scaling_ranks_by_efficiency() {
        let mut d = data(
            &[
                ("threads", Family::Native, Spawns::Threads),
                ("py-threading", Family::CPython, Spawns::Threads),
            ],
            &[("threads", 1, STEADY), ("threads", 2, STEADY)],
        );
        let p = &d.decision[0].families[0];
        assert_eq!(p.family, Family::CPython);
        assert!(p.best.is_none());
        assert!(p
            .no_result
            .as_deref()
            .unwrap()
            .contains("no model of this family"));
        assert!(
            markdown_table(&d.decision).contains("| CPython | no result: no model of this family")
        );
        d.meta.workloads[0].scaling = Scaling::Weak;
        let d = RunData::new(d.meta.clone(), d.rows.clone());
        assert_eq!(d.decision[0].ranked_by, "efficiency");
        assert!(answer_line(&d.decision[0]).contains("ranked by efficiency"));
    }
}
