use super::*;

fn row(variant: &str, workers: u64, repeat: u32, t: f64) -> RunRow {
    RunRow {
        cell: crate::record::CellId {
            workload: "w".into(),
            model: "threads".into(),
            workers,
            variant: Some(variant.into()),
        },
        measured: crate::record::Measurement {
            wall_s: t,
            checksum: Some(7),
            ..crate::record::Measurement::default()
        },
        repeat,
        round: repeat % 4,
        ..RunRow::default()
    }
}

fn names() -> Vec<String> {
    vec!["base".into(), "new".into()]
}

#[test]
fn a_clear_slowdown_in_every_pair_is_regressed_and_a_speedup_improved() {
    let mut rows = Vec::new();
    for r in 0..12 {
        // The host drifts; the pair keeps the 10% difference.
        let host = 1.0 + 0.3 * ((r % 3) as f64);
        rows.push(row("base", 1, r, 0.1 * host));
        rows.push(row("new", 1, r, 0.11 * host * (1.0 + 0.001 * r as f64)));
        rows.push(row("base", 2, r, 0.1 * host));
        rows.push(row("new", 2, r, 0.09 * host));
    }
    let p = pair(&rows, &names(), 2.0, false);
    assert_eq!(p.cells.len(), 2);
    assert_eq!(p.cells[0].verdict, Verdict::Regressed);
    assert!(p.cells[0].ratio.unwrap() > 1.09);
    assert!(p.cells[0].wilcoxon_p.unwrap() < 0.01);
    assert_eq!(p.cells[1].verdict, Verdict::Improved);
    assert_eq!(p.regressed(), 1);
}

#[test]
fn no_change_is_unchanged_and_a_change_of_one_half_alone_is_noisy() {
    let mut rows = Vec::new();
    for r in 0..12 {
        let jitter = if r % 2 == 0 { 1.001 } else { 0.999 };
        rows.push(row("base", 1, r, 0.1));
        rows.push(row("new", 1, r, 0.1 * jitter));
        // Cell 2: only the even rounds (0 and 2) are slower.
        rows.push(row("base", 2, r, 0.1));
        let slow = if (r % 4) % 2 == 0 { 1.2 } else { 0.999 };
        rows.push(row("new", 2, r, 0.1 * slow));
    }
    let p = pair(&rows, &names(), 2.0, false);
    assert_eq!(p.cells[0].verdict, Verdict::Unchanged);
    assert!(p.cells[0].detectable_pct.unwrap() < 1.0);
    assert_ne!(p.cells[1].verdict, Verdict::Regressed);
}

#[test]
fn a_failed_variant_is_not_comparable_and_named() {
    let mut rows = vec![row("base", 1, 0, 0.1), row("base", 1, 1, 0.1)];
    for r in 0..2 {
        let mut x = row("new", 1, r, 0.0);
        x.status = crate::record::Status::Error;
        x.error = "library crashed".into();
        rows.push(x);
    }
    let p = pair(&rows, &names(), 2.0, false);
    assert_eq!(p.cells[0].verdict, Verdict::NotComparable);
    assert!(p.cells[0]
        .failure
        .as_deref()
        .unwrap()
        .contains("2 run(s) of variant `new` failed: library crashed"));
}

#[test]
fn checksums_that_differ_between_variants_are_different_results() {
    let mut rows = vec![row("base", 1, 0, 0.1), row("new", 1, 0, 0.1)];
    rows[1].measured.checksum = Some(8);
    let p = pair(&rows, &names(), 2.0, false);
    assert_eq!(p.different_results.len(), 1);
    assert!(p.different_results[0].contains("variants compute different results"));
}

#[test]
fn wilcoxon_matches_a_known_value() {
    // 10 pairs all above 1: W+ = 55, n = 10: z = (55 - 27.5 - 0.5) / 9.81 = 2.75, p = 0.006.
    let r: Vec<f64> = (1..=10).map(|i| 1.0 + i as f64 / 100.0).collect();
    let p = wilcoxon(&r).unwrap();
    assert!((p - 0.0059).abs() < 0.001, "{p}");
    assert_eq!(wilcoxon(&[1.1, 1.2]), None);
}
