//! Rendering tests: whole charts drawn to SVG and PNG, and plans of fitted charts.

use crate::layout::Plan;
use crate::*;

fn pt(x: f64, y: f64, ci: Option<(f64, f64)>) -> Point {
    Point::new(x, y, ci)
}

fn sample_chart() -> Chart {
    let workers = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
    let threads: Vec<Point> = workers
        .iter()
        .map(|&w: &f64| {
            let s = w / (1.0 + 0.04 * (w - 1.0));
            pt(w, s, Some((s * 0.92, s * 1.07)))
        })
        .collect();
    let asyncs: Vec<Point> = workers
        .iter()
        .map(|&w: &f64| {
            let s = w.min(2.0) * 0.95 + (w.ln() * 0.1);
            pt(w, s, Some((s * 0.97, s * 1.03)))
        })
        .collect();
    Chart {
        title: "cpu-vs-io / primes: speedup vs workers".into(),
        subtitle: "kernel primes(n=200000), 64 tasks, baseline: sequential 1.23 s".into(),
        x_label: "workers".into(),
        y_label: "speedup (×)".into(),
        y_unit: Unit::Plain,
        x_log: true,
        y_log: true,
        outliers: Outliers::Break,
        x_values: workers.to_vec(),
        series: vec![
            Series {
                label: "threads".into(),
                color_index: 0,
                points: threads,
                style: SeriesStyle::Solid,
            },
            Series {
                label: "async (tokio)".into(),
                color_index: 1,
                points: asyncs,
                style: SeriesStyle::Solid,
            },
        ],
        reference: Some(Reference {
            label: "ideal".into(),
            points: workers.iter().map(|&w| (w, w)).collect(),
        }),
        marker: Some((8.0, "8 logical cores".into())),
        fits: None,
        hollow_label: None,
        notes: vec![],
    }
}

fn log_y_chart() -> Chart {
    let mut c = sample_chart();
    c.title = "cpu-vs-io / primes: wall time vs workers".into();
    c.y_label = "wall time ({unit})".into();
    c.y_unit = Unit::Seconds;
    c.y_log = true;
    c.reference = Some(Reference {
        label: "ideal (T1 / n)".into(),
        points: [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .iter()
            .map(|&w| (w, 1.23 / w))
            .collect(),
    });
    for s in &mut c.series {
        for p in &mut s.points {
            let t = 1.23 / p.y;
            let ci = p.ci.map(|(a, b)| (1.23 / b, 1.23 / a));
            *p = pt(p.x, t, ci);
        }
    }
    c
}

/// Draws `chart`; checks that the PNG is one and that the SVG parses.
fn render(chart: &Chart) -> (Vec<u8>, String) {
    let drawn = draw(&Figure::Lines(Box::new(chart.clone()))).unwrap();
    assert!(drawn.png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    roxmltree::Document::parse(&drawn.svg).unwrap();
    (drawn.png, drawn.svg)
}

/// The text of every `<text>` element of `svg`.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn renders_sample_png_and_svg() {
    let (png, svg) = render(&sample_chart());
    assert!(
        png.len() > 10 * 1024,
        "PNG suspiciously small: {}",
        png.len()
    );
    let texts = texts(&svg);
    for text in [
        "cpu-vs-io / primes: speedup vs workers",
        "kernel primes(n=200000), 64 tasks, baseline: sequential 1.23 s",
        "workers",
        "speedup (×)",
        "threads",
        "async (tokio)",
        "ideal",
        "8 logical cores",
    ] {
        assert!(texts.iter().any(|t| t == text), "no {text:?} in {texts:?}");
    }
}

#[test]
fn renders_log_y_chart() {
    let (_, svg) = render(&log_y_chart());
    let texts = texts(&svg);
    // The unit is picked from the ticks (up to 1.5 s) and said once, in the title.
    assert!(texts.iter().any(|t| t == "wall time (s)"), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.ends_with(" ms")),
        "no unit on the ticks"
    );
}

fn degenerate_base() -> Chart {
    Chart {
        title: "empty".into(),
        subtitle: String::new(),
        x_label: "workers".into(),
        y_label: "speedup".into(),
        y_unit: Unit::Plain,
        x_log: false,
        y_log: false,
        outliers: Outliers::LogScale,
        x_values: vec![],
        series: vec![],
        reference: None,
        marker: None,
        fits: None,
        hollow_label: None,
        notes: vec![],
    }
}

fn one_series(points: Vec<Point>) -> Vec<Series> {
    vec![Series {
        label: "s".into(),
        color_index: 3,
        points,
        style: SeriesStyle::Solid,
    }]
}

/// Renders every chart (and its log-log variant when `log_too`) and checks both files.
fn assert_renders(cases: Vec<(&str, Chart)>, log_too: bool) {
    for (name, chart) in cases {
        let mut variants = vec![(name.to_string(), chart.clone())];
        if log_too {
            let mut log = chart;
            log.x_log = true;
            log.y_log = true;
            variants.push((format!("{name}-log"), log));
        }
        for (name, chart) in variants {
            let (_, svg) = render(&chart);
            if chart.series.iter().all(|s| s.points.is_empty()) {
                assert!(texts(&svg).iter().any(|t| t == "no data"), "{name}");
            }
        }
    }
}

#[test]
fn charts_without_points_render_with_a_note() {
    let mut c = degenerate_base();
    c.series = one_series(vec![]);
    c.reference = Some(Reference {
        label: "ideal".into(),
        points: vec![],
    });
    c.marker = Some((4.0, "4 cores".into()));
    assert_renders(
        vec![("nothing", degenerate_base()), ("empty-series", c)],
        true,
    );
}

#[test]
fn one_point_and_equal_values_render() {
    let mut one = degenerate_base();
    one.series = one_series(vec![pt(4.0, 2.0, Some((1.5, 2.5)))]);
    let mut equal = degenerate_base();
    equal.series = one_series(vec![
        pt(1.0, 3.0, None),
        pt(2.0, 3.0, Some((3.0, 3.0))),
        pt(4.0, 3.0, None),
    ]);
    let mut zeros = degenerate_base();
    zeros.series = one_series(vec![pt(0.0, 0.0, None), pt(0.0, 0.0, None)]);
    assert_renders(vec![("one", one), ("equal", equal), ("zeros", zeros)], true);
}

#[test]
fn non_finite_and_extreme_values_render() {
    let mut nan = degenerate_base();
    nan.series = one_series(vec![
        pt(1.0, f64::NAN, None),
        pt(2.0, 1.0, Some((f64::NEG_INFINITY, 2.0))),
        pt(f64::INFINITY, 3.0, None),
        pt(4.0, 2.0, Some((f64::NAN, f64::NAN))),
        pt(8.0, 0.0, Some((-1.0, 1.0))),
        pt(16.0, 1.0, Some((-2.0, -1.0))),
    ]);
    nan.reference = Some(Reference {
        label: "ideal".into(),
        points: vec![(0.0, 0.0), (f64::NAN, 1.0), (100.0, 100.0)],
    });
    nan.marker = Some((f64::NAN, "nan".into()));
    let mut extreme = degenerate_base();
    extreme.title = "x".repeat(400);
    extreme.subtitle = "y ".repeat(300);
    extreme.series = one_series(vec![pt(1e-9, 1e12, None), pt(2e-9, -5e11, None)]);
    assert_renders(vec![("nan", nan)], true);
    assert_renders(vec![("extreme", extreme)], false);
}

/// The sample chart measured up to 8 workers, with fitted curves to 64: one that keeps
/// rising past the ideal at the end of the axis, one that turns down.
fn fitted_chart() -> Chart {
    let mut c = sample_chart();
    for s in &mut c.series {
        s.points.retain(|p| p.x <= 8.0);
    }
    c.x_values = vec![1.0, 2.0, 4.0, 8.0];
    let xs: Vec<f64> = (0..=60).map(|i| 2f64.powf(i as f64 / 10.0)).collect();
    c.fits = Some(Fits {
        label: "USL fit (prediction)".into(),
        curves: vec![
            FitCurve {
                color_index: 0,
                points: xs.iter().map(|&n| (n, 3.0 * n)).collect(),
            },
            FitCurve {
                color_index: 1,
                points: xs
                    .iter()
                    .map(|&n| (n, n / (1.0 + 0.05 * (n - 1.0) + 0.01 * n * (n - 1.0))))
                    .collect(),
            },
        ],
        measured_to: 8.0,
        region_label: "prediction".into(),
    });
    c
}

#[test]
fn fits_extend_the_x_axis_into_a_labelled_prediction_region() {
    let chart = fitted_chart();
    let plan = Plan::new(&chart);
    // Measured 1 to 8 (3 octaves): predictions reach at most half as far again, to 16 (not
    // the curves' 64), so the measured range keeps two thirds of the width.
    assert!(plan.x.hi >= 16.0 && plan.x.hi < 20.0, "{:?}", plan.x);
    assert_eq!(plan.x.ticks, [1.0, 2.0, 4.0, 8.0, 16.0]);
    let f = plan.fits.as_ref().unwrap();
    assert_eq!(f.region.as_ref().map(|r| r.from), Some(8.0));
    let share = (plan.x.hi / 8.0).ln() / (plan.x.hi / plan.x.lo).ln();
    assert!(share < 0.4, "prediction share {share}");
    for (_, pieces) in &f.curves {
        for &(x, y) in pieces.iter().flatten() {
            assert!(x <= 16.0 + 1e-9 && y <= plan.y.hi + 1e-9, "({x}, {y})");
        }
    }
    // The ideal on log-log axes: straight, cut where it leaves the plot.
    let (_, ideal) = plan.reference.as_ref().unwrap();
    assert_eq!(ideal.len(), 1);
    for &(x, y) in &ideal[0] {
        assert!((x - y).abs() < 1e-6 * x, "({x}, {y}) is off y = x");
    }
    plan.check_labels().unwrap();
    let texts = texts(&render(&chart).1);
    for text in [
        "USL fit (prediction)",
        "prediction",
        "ideal",
        "8 logical cores",
    ] {
        assert!(texts.iter().any(|t| t == text), "no {text:?} in {texts:?}");
    }
    let mut log = chart.clone();
    log.y_log = true;
    render(&log);
}

#[test]
fn fits_within_the_data_draw_no_prediction_region() {
    let mut chart = fitted_chart();
    chart.x_values.push(64.0);
    if let Some(f) = &mut chart.fits {
        f.measured_to = 64.0;
    }
    let plan = Plan::new(&chart);
    assert!(plan.fits.unwrap().region.is_none());
    // Degenerate curves: empty, non-finite, a single point.
    let mut odd = fitted_chart();
    odd.fits = Some(Fits {
        label: "fit".into(),
        curves: vec![
            FitCurve {
                color_index: 2,
                points: vec![],
            },
            FitCurve {
                color_index: 3,
                points: vec![(f64::NAN, 1.0), (16.0, f64::INFINITY), (32.0, 2.0)],
            },
        ],
        measured_to: f64::NAN,
        region_label: "prediction".into(),
    });
    assert_renders(vec![("odd-fits", odd)], true);
}

#[test]
fn dashed_series_render_beside_solid_ones() {
    let mut c = sample_chart();
    let mut base = c.series[0].clone();
    base.label = "threads (base)".into();
    base.style = SeriesStyle::Dashed;
    c.series.push(base);
    let texts = texts(&render(&c).1);
    assert!(texts.iter().any(|t| t == "threads (base)"), "{texts:?}");
}

/// Each run of two models at its time in a session: marks only, on a plain linear x axis of
/// seconds (no worker counts), y a relative speed in (0, 1].
fn scatter_chart() -> Chart {
    let marks = |offset: f64, slow_from: f64| -> Vec<Point> {
        (0..40)
            .map(|i| {
                let t = offset + f64::from(i) * 3.1;
                let speed = if t > slow_from { 0.62 } else { 0.97 } - f64::from(i % 3) * 0.01;
                pt(t, speed, None)
            })
            .collect()
    };
    Chart {
        title: "demo / primes: host speed during the session".into(),
        subtitle: "one mark per measured run".into(),
        x_label: "time since the session began (s)".into(),
        y_label: "relative CPU speed".into(),
        y_unit: Unit::Plain,
        x_log: false,
        y_log: false,
        outliers: Outliers::LogScale,
        x_values: vec![],
        series: ["threads", "rayon"]
            .iter()
            .enumerate()
            .map(|(i, m)| Series {
                label: (*m).into(),
                color_index: i + 1,
                points: marks(0.4 + 1.5 * i as f64, 80.0),
                style: SeriesStyle::Scatter,
            })
            .collect(),
        reference: None,
        marker: None,
        fits: None,
        hollow_label: None,
        notes: vec![],
    }
}

#[test]
fn scatter_series_are_marks_on_a_plain_linear_axis() {
    let chart = scatter_chart();
    let figure = Figure::Lines(Box::new(chart.clone()));
    let plan = describe::figure(&figure).unwrap();
    insta::assert_snapshot!(plan);
    // Round-number ticks from 0 (not the first mark's time), speeds from 0 to 1.
    let first = plan.lines().next().unwrap();
    assert!(
        first.starts_with("x: \"time since the session began (s)\" linear"),
        "{first}"
    );
    assert!(
        first.contains("ticks [0, 20, 40, 60, 80, 100, 120]"),
        "{first}"
    );
    assert!(plan.contains("ticks [0, 0.2, 0.4, 0.6, 0.8, 1]"), "{plan}");
    assert!(plan.contains("legend marker: threads"), "{plan}");

    // Drawn: a marker per run in each model's colour and shape, no line through them.
    let (_, svg) = render(&chart);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for s in &chart.series {
        let color = style::color(s.color_index).to_string();
        let of_series = |tag: &str| {
            doc.descendants()
                .filter(|n| n.has_tag_name(tag))
                .filter(|n| n.attribute("fill") == Some(color.as_str()))
                .count()
        };
        let lines = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("line"))
            .filter(|n| n.attribute("stroke") == Some(color.as_str()))
            .count();
        assert_eq!(lines, 0, "{}: no line joins the marks", s.label);
        // Squares and triangles are polygons; one more in the legend.
        assert_eq!(of_series("polygon"), s.points.len() + 1, "{}", s.label);
    }
}
