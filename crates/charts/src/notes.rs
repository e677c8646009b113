//! What the legend of a line chart says: an entry per series (a single point shows no line),
//! the fitted curves, the reference and hollow points; then notes a reader needs — why the
//! scale is logarithmic, which lines or single points lie on top of each other, which values
//! a broken axis cuts off.

use crate::axes::Axis;
use crate::format::{format_number, seconds_unit};
use crate::geometry::{Polyline, Scale};
use crate::layout::{PlannedFits, PlannedSeries};
use crate::legend::{Legend, LegendSample};
use crate::style::FIT_SAMPLE;
use crate::{Chart, SeriesStyle, Unit};

/// Two series whose points all lie within this fraction of the plot height of each other
/// (at the same x values) are drawn on top of each other: a note says so.
const COINCIDE: f64 = 0.012;

/// The legend: every series (in chart order), the fitted curves, the reference line and
/// hollow points, then notes on lines drawn on top of each other and values cut off by a
/// break.
pub(crate) fn legend(
    chart: &Chart,
    series: &[PlannedSeries],
    (reference, fits): (&Option<(String, Polyline)>, &Option<PlannedFits>),
    (y_break, logged): (Option<f64>, &[usize]),
    y: &Axis,
) -> Legend {
    let entries = entries(chart, series, reference, fits);
    let mut notes = notes(chart, series, logged, y);
    if let Some(at) = y_break {
        notes.extend(off_the_chart(chart, series, at));
    }
    Legend::new(entries, &notes)
}

/// The legend's entries: every series (in chart order), the fitted curves, the reference line
/// and hollow points.
fn entries(
    chart: &Chart,
    series: &[PlannedSeries],
    reference: &Option<(String, Polyline)>,
    fits: &Option<PlannedFits>,
) -> Vec<(String, LegendSample)> {
    let mut entries: Vec<(String, LegendSample)> = series
        .iter()
        .map(|s| {
            (
                s.label.clone(),
                LegendSample::Series {
                    color: s.color,
                    style: s.style,
                    shape: s.shape,
                    line: !s.single && s.style != SeriesStyle::Scatter,
                },
            )
        })
        .collect();
    if let Some(f) = fits.as_ref().filter(|f| !f.curves.is_empty()) {
        let c = |i: usize| {
            f.curves
                .get(i)
                .or(f.curves.first())
                .map_or(FIT_SAMPLE, |c| c.0)
        };
        entries.push((f.label.clone(), LegendSample::Fit([c(0), c(1), c(2)])));
    }
    if let Some((label, pieces)) = reference {
        if !pieces.is_empty() {
            entries.push((label.clone(), LegendSample::Reference));
        }
    }
    let hollow = series
        .iter()
        .any(|s| s.style == SeriesStyle::Solid && s.points.iter().any(|p| p.hollow));
    if let (true, Some(label)) = (hollow, &chart.hollow_label) {
        entries.push((label.clone(), LegendSample::Hollow));
    }
    entries
}

/// The chart's notes, then why the scale is logarithmic and which series lie on top of each
/// other.
fn notes(chart: &Chart, series: &[PlannedSeries], logged: &[usize], y: &Axis) -> Vec<String> {
    let mut notes = chart.notes.clone();
    if !logged.is_empty() {
        // Why the axis is logarithmic when the chart did not ask for it.
        let names: Vec<&str> = logged.iter().map(|&i| series[i].label.as_str()).collect();
        notes.push(format!(
            "Log scale: {} far above the others.",
            join_names(&names)
        ));
    }
    for group in single_spots(series, y.scale()) {
        let names: Vec<&str> = group.iter().map(|&i| series[i].label.as_str()).collect();
        notes.push(format!(
            "{} have one point each, at the same place (drawn side by side).",
            join_names(&names)
        ));
    }
    let groups: Vec<String> = coinciding(series, y)
        .iter()
        .map(|g| {
            let names: Vec<&str> = g.iter().map(|&i| series[i].label.as_str()).collect();
            join_names(&names)
        })
        .collect();
    match groups.as_slice() {
        [] => {}
        [one] => notes.push(format!(
            "{one} lie on top of each other (told apart by their markers)."
        )),
        many => notes.push(format!(
            "On top of each other, told apart by their markers: {}.",
            many.join("; ")
        )),
    }
    notes
}

/// A note for each series that goes off the chart above a break at `at`.
fn off_the_chart(chart: &Chart, series: &[PlannedSeries], at: f64) -> Vec<String> {
    let mut notes = vec![];
    for (s, raw) in series.iter().zip(&chart.series) {
        let top = raw
            .points
            .iter()
            .map(|p| p.y)
            .filter(|y| y.is_finite())
            .reduce(f64::max);
        if let Some(top) = top.filter(|&t| t > at) {
            notes.push(format!(
                "▲ {} goes off the chart above the axis break, up to {}.",
                s.label,
                value_label(top, chart.y_unit)
            ));
        }
    }
    notes
}

/// A value as a y tick would read, with its unit for durations.
fn value_label(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Plain => format_number(v, 3),
        Unit::Seconds => {
            let (scale, symbol) = seconds_unit(v.abs());
            format!("{} {symbol}", format_number(v * scale, 3))
        }
    }
}

/// "a", "a and b", "a, b and c".
pub(crate) fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Groups (by index) of single-point series at the same spot (same x, y within
/// [`COINCIDE`] of the plot height), which would hide each other.
pub(crate) fn single_spots(series: &[PlannedSeries], y: Scale) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![];
    for (i, s) in series.iter().enumerate().filter(|(_, s)| s.single) {
        let Some(p) = s.points.first() else { continue };
        let at = |j: &usize| {
            series[*j]
                .points
                .first()
                .is_some_and(|q| q.x == p.x && (y.fraction(q.y) - y.fraction(p.y)).abs() < COINCIDE)
        };
        match groups.iter_mut().find(|g| g.first().is_some_and(at)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Groups (by index) of series with at least two points whose points are at the same x values
/// and within [`COINCIDE`] of the plot height of each other at every one.
fn coinciding(series: &[PlannedSeries], y: &Axis) -> Vec<Vec<usize>> {
    let scale = y.scale();
    let same = |a: &PlannedSeries, b: &PlannedSeries| {
        a.points.len() >= 2
            && a.points.len() == b.points.len()
            && a.points.iter().zip(&b.points).all(|(p, q)| {
                p.x == q.x && (scale.fraction(p.y) - scale.fraction(q.y)).abs() < COINCIDE
            })
    };
    // Groups are the connected sets of the "drawn on top of each other" pairs.
    let mut group_of: Vec<usize> = (0..series.len()).collect();
    for i in 0..series.len() {
        for j in i + 1..series.len() {
            if same(&series[i], &series[j]) {
                let (from, to) = (group_of[j], group_of[i]);
                for g in &mut group_of {
                    if *g == from {
                        *g = to;
                    }
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = vec![];
    for i in 0..series.len() {
        let group: Vec<usize> = (0..series.len()).filter(|&j| group_of[j] == i).collect();
        if group.len() > 1 {
            groups.push(group);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_a_list() {
        assert_eq!(join_names(&[]), "");
        assert_eq!(join_names(&["a"]), "a");
        assert_eq!(join_names(&["a", "b", "c"]), "a, b and c");
        assert_eq!(value_label(0.0123, Unit::Seconds), "12.3 ms");
        assert_eq!(value_label(25.78, Unit::Plain), "25.8");
    }
}
