//! `compare.<workload>.{png,svg}`: speedup vs workers of the base run (dashed lines, hollow
//! markers) and the new run (solid) per model, in the model's usual colour, with the ideal
//! line and the core count. Built as a [`Chart`] and drawn by the one renderer.

use super::Comparison;
use crate::report::chart::{self, Chart, Outliers, Point, Reference, Series, SeriesStyle, Unit};
use crate::report::RunData;
use crate::scenario::Workload;

/// One chart per workload of either run (the new run's order first), with its workload name.
pub fn build(c: &Comparison, base: &RunData, new: &RunData) -> Vec<(String, Chart)> {
    let mut workloads: Vec<&Workload> = new.meta.workloads.iter().collect();
    for w in &base.meta.workloads {
        if !workloads.iter().any(|x| x.name == w.name) {
            workloads.push(w);
        }
    }
    // Colours follow the new run's model order (as in its own charts), then the base's extras.
    let mut models: Vec<&str> = new.meta.models.iter().map(|m| m.name.as_str()).collect();
    for m in &base.meta.models {
        if !models.contains(&m.name.as_str()) {
            models.push(&m.name);
        }
    }
    workloads
        .into_iter()
        .map(|w| (w.name.clone(), workload_chart(c, base, new, w, &models)))
        .collect()
}

fn workload_chart(
    c: &Comparison,
    base: &RunData,
    new: &RunData,
    w: &Workload,
    all_models: &[&str],
) -> Chart {
    let series = both_series(base, new, w, all_models);
    let mut xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .chain(std::iter::once(new.meta.machine.logical_cores as f64))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    // Ideal: speedup grows with workers / reference workers (of the new run's baseline).
    let ref_workers = new
        .summary
        .iter()
        .chain(&base.summary)
        .find(|r| r.cell.workload == w.name && r.speedup.is_some())
        .and_then(|r| r.baseline.workers())
        .map(|n| n as f64)
        .unwrap_or(1.0);
    // Speedup on a log scale exactly when workers are: the ideal stays a straight line.
    let x_log = chart::wide(&xs);
    let reference = (!xs.is_empty()).then(|| Reference {
        label: "ideal (linear)".into(),
        points: xs.iter().map(|&x| (x, x / ref_workers)).collect(),
    });
    let baseline = chart::baseline_line(w);
    Chart {
        // Each run named once, by its folder: "base/mine vs new/mine".
        title: format!("{}: speedup, {} vs {}", w.name, c.base.dir, c.new.dir),
        subtitle: format!(
            "{} - {baseline} - dashed: base, solid: new - higher is better",
            chart::workload_line(w)
        ),
        x_label: "workers".into(),
        y_label: chart::speedup_label(w),
        y_unit: Unit::Plain,
        x_log,
        y_log: x_log,
        outliers: Outliers::Break,
        x_values: xs,
        series,
        reference,
        marker: Some(chart::core_marker(new)),
        fits: None,
        hollow_label: None,
        notes: vec![],
    }
}

/// Each model's speedup line in both runs: dashed for base, solid for new, one colour per
/// model.
fn both_series(base: &RunData, new: &RunData, w: &Workload, all_models: &[&str]) -> Vec<Series> {
    let points = |data: &RunData, model: &str| -> Vec<Point> {
        data.summary
            .iter()
            .filter(|r| r.cell.workload == w.name && r.cell.model == model)
            .filter_map(|r| {
                Some(Point::new(
                    r.cell.workers as f64,
                    r.speedup?,
                    r.speedup_ci_low.zip(r.speedup_ci_high),
                ))
            })
            .collect()
    };
    let mut series = Vec::new();
    for (i, &m) in all_models.iter().enumerate() {
        for (data, side, style) in [
            (base, "base", SeriesStyle::Dashed),
            (new, "new", SeriesStyle::Solid),
        ] {
            let points = points(data, m);
            if !points.is_empty() {
                series.push(Series {
                    label: format!("{m} ({side})"),
                    color_index: i,
                    points,
                    style,
                });
            }
        }
    }
    series
}

#[cfg(test)]
mod tests {
    use super::super::model::{Rule, Settings, SideInfo};
    use super::*;
    use std::path::Path;

    #[test]
    fn titles_name_each_run_once_and_the_ideal_stays_straight() {
        let base = crate::report::chart::tests::synthetic_run();
        let new = crate::report::chart::tests::synthetic_run();
        let c = Comparison {
            base: SideInfo::of(Path::new("base/mine"), &base),
            new: SideInfo::of(Path::new("new/mine"), &new),
            settings: Settings {
                threshold_pct: 5.0,
                alpha: 0.05,
                fail_on_noisy: false,
                rule: Rule::TwoRuns,
            },
            cells: vec![],
            only_in_base: vec![],
            only_in_new: vec![],
            warnings: vec![],
            unchecked: (0, 0),
        };
        let charts = build(&c, &base, &new);
        let (name, primes) = &charts[0];
        assert_eq!(name, "primes");
        assert_eq!(primes.title, "primes: speedup, base/mine vs new/mine");
        for (name, chart) in &charts {
            assert_eq!(
                chart.x_log, chart.y_log,
                "{name}: the ideal must stay straight"
            );
        }
        // sleep spans 1 to 16 workers: log axes.
        assert!(charts.iter().any(|(n, c)| n == "sleep" && c.x_log));
    }
}
