//! `<workload>.speedup.{png,svg}`: speedup vs workers, one line per model with 95% CI bars,
//! the ideal line, a marker at the core count, and each model's fitted USL curve (dashed)
//! reaching past the measured range into a shaded prediction region.

use super::line::{LineChart, YScale};
use super::{Chart, FitCurve, Fits, Point, Reference, Series};
use crate::report::RunData;
use crate::scenario::Workload;

pub static SPEEDUP: LineChart = LineChart {
    suffix: "speedup",
    heading: "Speedup",
    quantity: "speedup",
    subtitle: |w| format!("{} - higher is better", super::baseline_line(w)),
    y_label: |_, w| super::speedup_label(w),
    point: |r| {
        Some(Point {
            x: r.workers as f64,
            y: r.speedup?,
            ci: r.speedup_ci_low.zip(r.speedup_ci_high),
        })
    },
    y_scale: YScale::Linear,
    reference: None,
    finish: Some(finish),
};

/// The ideal line and the fitted curves; the axes follow from how far the fits reach.
fn finish(chart: &mut Chart, data: &RunData, w: &Workload, series: &[(Series, String)]) {
    // Ideal: speedup grows with workers / reference workers.
    let ref_workers = data
        .summary
        .iter()
        .filter(|r| r.workload == w.name)
        .find(|r| r.speedup.is_some())
        .and_then(|r| r.baseline.rsplit_once('@'))
        .and_then(|(_, n)| n.parse::<f64>().ok())
        .unwrap_or(1.0);
    let fits = fit_curves(data, w, series);
    let mut xs = super::line::x_values(series, data);
    if let Some(f) = &fits {
        xs.extend(f.curves.iter().flat_map(|c| c.points.last().map(|p| p.0)));
        xs.sort_by(f64::total_cmp);
        xs.dedup();
    }
    let x_log = super::wide(&xs);
    // On a log axis the straight ideal y = x bends: sample it densely so it draws smooth.
    let ideal_xs = match (x_log, xs.first(), xs.last()) {
        (true, Some(&lo), Some(&hi)) => {
            let mut v = geometric(lo, hi, CURVE_SAMPLES);
            v.extend(&xs);
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        }
        _ => xs.clone(),
    };
    // Predictions far above the data would crush it against the x axis on a linear scale:
    // then speedup goes on a log scale too, where the ideal is a straight diagonal.
    let y_log = fits.as_ref().is_some_and(|f| {
        let measured = series
            .iter()
            .flat_map(|(s, _)| s.points.iter().map(|p| p.ci.map_or(p.y, |c| c.1.max(p.y))))
            .fold(0.0, f64::max);
        let ideal_end = xs.last().map_or(0.0, |x| x / ref_workers);
        let predicted = f
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1))
            .fold(0.0, f64::max)
            .min(ideal_end.max(measured));
        predicted > LOG_Y_ABOVE * measured
    });
    chart.reference = (!xs.is_empty()).then(|| Reference {
        label: "ideal (linear)".into(),
        points: ideal_xs.iter().map(|&x| (x, x / ref_workers)).collect(),
    });
    chart.x_log = x_log;
    chart.y_log = y_log;
    chart.fits = fits;
}

/// Points per drawn curve.
const CURVE_SAMPLES: usize = 96;
/// A log speedup axis once predictions reach this many times the largest measured speedup.
const LOG_Y_ABOVE: f64 = 4.0;

/// `n` values from `lo` to `hi` evenly spaced on a log scale (both ends included).
fn geometric(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) || n < 2 {
        return vec![lo];
    }
    let step = (hi / lo).ln() / (n - 1) as f64;
    (0..n).map(|i| lo * (step * i as f64).exp()).collect()
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
