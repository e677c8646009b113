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
                cell: crate::record::CellId::new("primes", *model, *workers),
                measured: crate::record::Measurement {
                    wall_s: t,
                    user_s: t * *workers as f64,
                    ..crate::record::Measurement::default()
                },
                tasks: 16,
                repeat: i as u32,
                round: i as u32 % 4,
                // Busy on every worker: CPU-bound.
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
    assert!(markdown_table(&d.decision).contains("| CPython | no result: no model of this family"));
    d.meta.workloads[0].scaling = Scaling::Weak;
    let d = RunData::new(d.meta.clone(), d.rows.clone());
    assert_eq!(d.decision[0].ranked_by, "efficiency");
    assert!(answer_line(&d.decision[0]).contains("ranked by efficiency"));
}
