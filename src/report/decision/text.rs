//! The decision table and the answer lines, as the report writes them.

use super::*;

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
