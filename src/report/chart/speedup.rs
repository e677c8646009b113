//! `<workload>.speedup.{png,svg}`: speedup vs workers, one line per model with 95% CI bars,
//! the ideal line, a marker at the core count, and each model's fitted USL curve (dashed)
//! reaching past the measured range into a shaded prediction region. Speedup is on a log
//! scale exactly when workers are, so the ideal is a straight line either way; points of
//! CPU-bound work on more workers than cores are hollow (the fits leave them out).

use super::line::{LineChart, YScale};
use super::{Chart, FitCurve, Fits, InReport, Outliers, Point, Reference, Series, Unit};
use crate::report::RunData;
use crate::scenario::Workload;

pub static SPEEDUP: LineChart = LineChart {
    suffix: "speedup",
    heading: "Speedup",
    in_report: InReport::Image,
    quantity: "speedup",
    subtitle: |w| format!("{} - higher is better", super::baseline_line(w)),
    y_label: |_, w| super::speedup_label(w),
    y_unit: Unit::Plain,
    point: |r| {
        Some(Point::new(
            r.cell.workers as f64,
            r.speedup?,
            r.speedup_ci_low.zip(r.speedup_ci_high),
        ))
    },
    y_scale: YScale::FollowX,
    // A log axis would bend the ideal on a linear worker axis: cut the outliers off instead.
    outliers: Outliers::Break,
    mark_oversubscribed: true,
    reference: None,
    finish: Some(finish),
};

/// The ideal line and the fitted curves.
fn finish(chart: &mut Chart, data: &RunData, w: &Workload, series: &[(Series, String)]) {
    let fits = fit_curves(data, w, series);
    let mut xs = chart.x_values.clone();
    xs.extend(
        fits.iter()
            .flat_map(|f| &f.curves)
            .filter_map(|c| c.points.last().map(|p| p.0)),
    );
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let ref_workers = super::reference_workers(data, w);
    // Ideal: speedup grows with workers / reference workers; straight on both scales, so its
    // ends and the worker counts are enough.
    chart.reference = (!xs.is_empty()).then(|| Reference {
        label: "ideal (linear)".into(),
        points: xs.iter().map(|&x| (x, x / ref_workers)).collect(),
    });
    chart.fits = fits;
    chart.notes.extend(unfitted_note(data, w, series));
}

/// Says which models got no curve because their oversubscribed counts were left out and too
/// few remained (rather than leaving a reader to wonder where their curves went).
fn unfitted_note(data: &RunData, w: &Workload, series: &[(Series, String)]) -> Option<String> {
    let fits = crate::report::fits::for_workload(data, w);
    let names: Vec<&str> = series
        .iter()
        .filter_map(|(_, m)| fits.iter().find(|f| &f.model == m))
        .filter(|f| f.usl.is_err() && !f.oversubscribed.is_empty())
        .map(|f| f.model.as_str())
        .collect();
    let (last, rest) = names.split_last()?;
    let names = if rest.is_empty() {
        last.to_string()
    } else {
        format!("{} and {last}", rest.join(", "))
    };
    Some(format!(
        "No USL curve for {names}: on CPU-bound work only counts up to the {} cores are fitted, too few for it.",
        data.meta.machine.logical_cores
    ))
}

/// Points per drawn curve.
const CURVE_SAMPLES: usize = 96;

/// `n` values from `lo` to `hi` evenly spaced on a log scale (both ends included).
fn geometric(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) || n < 2 {
        return vec![lo];
    }
    let step = (hi / lo).ln() / (n - 1) as f64;
    // The last one exactly `hi`, not `hi` give or take a rounding error.
    (0..n)
        .map(|i| {
            if i == n - 1 {
                hi
            } else {
                lo * (step * i as f64).exp()
            }
        })
        .collect()
}

/// The USL fitted to each model with a series, from its fewest measured workers to the
/// prediction horizon; `None` when no model could be fitted.
fn fit_curves(data: &RunData, w: &Workload, series: &[(Series, String)]) -> Option<Fits> {
    let horizon = crate::report::fits::horizon(w) as f64;
    let fits = crate::report::fits::for_workload(data, w);
    let curves: Vec<FitCurve> = series
        .iter()
        .filter_map(|(s, model)| {
            let usl = fits.iter().find(|f| &f.model == model)?.usl.as_ref().ok()?;
            let from = s.points.iter().map(|p| p.x).reduce(f64::min)?;
            let to = s.points.iter().map(|p| p.x).fold(horizon, f64::max);
            Some(FitCurve {
                color_index: s.color_index,
                points: geometric(from, to, CURVE_SAMPLES)
                    .into_iter()
                    .map(|n| (n, usl.speedup(n)))
                    .collect(),
            })
        })
        .collect();
    let measured_to = series
        .iter()
        .flat_map(|(s, _)| s.points.iter().map(|p| p.x))
        .reduce(f64::max)?;
    let label = if horizon > measured_to {
        "USL fit (prediction)"
    } else {
        "USL fit"
    };
    (!curves.is_empty()).then(|| Fits {
        label: label.into(),
        curves,
        measured_to,
        region_label: "prediction".into(),
    })
}
