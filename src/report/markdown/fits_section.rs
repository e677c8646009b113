//! The scaling fits section of `report.md`: one line per model, shared notes, every fitted
//! number behind a collapsed section.

use super::*;

/// A fitted parameter: 3 decimals, or 2 significant digits when smaller than 0.01.
fn param(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.1e}")
    }
}

fn times(v: f64) -> String {
    format!("{v:.2}x")
}

/// How far a fitted law is from the points: rms relative error, or "exact" when it has as many
/// parameters as points and so could not miss.
fn error(q: &crate::measure::fit::Quality) -> String {
    if q.exact() {
        "exact".into()
    } else {
        format!("{:.1}%", q.rms_rel * 100.0)
    }
}

/// "4 (1-8)": how many worker counts a fit used, and their range.
fn counts_fitted(f: &fits::ModelFit) -> String {
    match (
        f.points.iter().map(|p| p.0).reduce(f64::min),
        f.max_workers(),
    ) {
        (Some(lo), Some(hi)) if lo < hi => format!("{} ({lo}-{hi})", f.points.len()),
        _ => f.points.len().to_string(),
    }
}

/// The scaling fits of one workload: one short line per model (the USL, or why there is no
/// fit), the notes that apply to several once, and every fitted number behind a collapsed
/// section (all of it is in `fits.csv` too).
pub(super) fn scaling_fits(
    s: &mut String,
    data: &RunData,
    w: &crate::scenario::Workload,
) -> std::fmt::Result {
    let fits = fits::for_workload(data, w);
    if fits.is_empty() {
        return Ok(());
    }
    let h = fits::horizon(w);
    let cores = data.meta.machine.logical_cores;
    let measured = fits
        .iter()
        .filter(|f| f.usl.is_ok() || f.amdahl.is_ok())
        .filter_map(|f| f.max_workers())
        .reduce(f64::max);
    let at_h = if measured.is_some_and(|m| m >= h as f64) {
        "fitted"
    } else {
        "predicted"
    };
    writeln!(
        s,
        "**Scaling fits.** The Universal Scalability Law (USL) fitted to each model's measured speedups, from {} worker counts up (the full table, with Amdahl's law, is below and in `fits.csv`):\n",
        fits::MIN_COUNTS
    )?;
    usl_table(s, &fits, h, at_h)?;
    left_out_notes(s, &fits, cores)?;
    writeln!(
        s,
        "\nUSL: S(N) = γN / (1 + σ(N−1) + κN(N−1)), which peaks at N* = √((1−σ)/κ) workers; Amdahl's law is the USL with κ = 0, so speedup approaches γ/s. γ is the one-worker speedup against the reference, σ and s the share of work that does not overlap, κ a cost paid for every pair of workers (coherency: shared caches, locks, memory bandwidth) that makes the curve turn down. With fewer than {} worker counts a law with 2 parameters passes through every point whatever the data, so nothing is fitted.",
        fits::MIN_COUNTS
    )?;
    if let Some(m) = measured {
        prediction_notes(s, &fits, w, m, cores)?;
    }
    if fits.iter().any(|f| f.amdahl.is_ok() || f.usl.is_ok()) {
        full_fit_table(s, &fits, h, at_h)?;
    }
    writeln!(s)
}

/// The USL's line of each model, at the horizon `h`.
fn usl_table(s: &mut String, fits: &[fits::ModelFit], h: u64, at_h: &str) -> std::fmt::Result {
    writeln!(s, "| model | worker counts | USL σ (contention) | USL κ (coherency) | peak | speedup at {h} ({at_h}) | fit error |")?;
    writeln!(s, "|---|---|---:|---:|---|---:|---:|")?;
    for f in fits {
        match &f.usl {
            Ok(u) => writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                f.model,
                counts_fitted(f),
                param(u.sigma),
                param(u.kappa),
                peak_text(u.peak()),
                times(u.speedup(h as f64)),
                error(&u.quality),
            )?,
            Err(why) => writeln!(
                s,
                "| {} | {} | - | - | - | - | - |",
                f.model,
                why.replace('|', "\\|")
            )?,
        }
    }
    Ok(())
}

/// What was left out, once for every model it applies to.
fn left_out_notes(s: &mut String, fits: &[fits::ModelFit], cores: u64) -> std::fmt::Result {
    let mut left_out: Vec<(String, Vec<&str>)> = Vec::new();
    for f in fits {
        if let Some(text) = f.left_out(cores) {
            match left_out.iter_mut().find(|(t, _)| *t == text) {
                Some((_, models)) => models.push(&f.model),
                None => left_out.push((text, vec![&f.model])),
            }
        }
    }
    for (text, models) in &left_out {
        let names: Vec<String> = models.iter().map(|m| format!("`{m}`")).collect();
        writeln!(s, "\n{}: {text}.", names.join(", "))?;
    }
    Ok(())
}

/// What the fits say beyond `m`, the most workers measured: predictions or none, counts
/// above the cores, where predictions stop, exact fits.
fn prediction_notes(
    s: &mut String,
    fits: &[fits::ModelFit],
    w: &crate::scenario::Workload,
    m: f64,
    cores: u64,
) -> std::fmt::Result {
    let h = fits::horizon(w);
    let predicts = h as f64 > m;
    if predicts {
        write!(
            s,
            "\n> **Predictions, not measurements.** Beyond {m} workers (the most measured) these numbers and the dashed curves on the speedup chart extend the fitted law; they hold only if nothing else changes."
        )?;
    } else {
        write!(
            s,
            "\n> **No predictions:** {m} workers were measured and, with {} tasks, more would idle.",
            w.tasks
        )?;
    }
    if m > cores as f64 {
        write!(
            s,
            " The fits include counts above this machine's {cores} cores, where workers share cores: for CPU-bound work the laws read that as contention or coherency cost, so past {cores} workers they describe this machine, not one with more cores."
        )?;
    }
    if predicts && w.scaling == crate::scenario::Scaling::Strong && h == w.tasks {
        write!(
            s,
            " Predictions stop at {h} workers: with {h} tasks, more workers would idle."
        )?;
    }
    if fits
        .iter()
        .any(|f| f.usl.as_ref().is_ok_and(|u| u.quality.exact()))
    {
        write!(
            s,
            " An exact fit (as many worker counts as parameters) passes through every point whatever the data; measure more counts to test it."
        )?;
    }
    writeln!(s)?;
    Ok(())
}

/// "no peak (κ = 0)", "1 worker", "63 workers".
fn peak_text(peak: Option<(u64, f64)>) -> String {
    match peak {
        None => "no peak (κ = 0)".into(),
        Some((1, _)) => "1 worker".into(),
        Some((n, _)) => format!("{n} workers"),
    }
}

/// Every fitted number of both laws, in a collapsed section.
fn full_fit_table(s: &mut String, fits: &[fits::ModelFit], h: u64, at_h: &str) -> std::fmt::Result {
    writeln!(
        s,
        "\n<details><summary>Every fitted number (Amdahl and USL)</summary>\n"
    )?;
    writeln!(s, "| model | points | Amdahl serial fraction s | Amdahl limit | USL σ (contention) | USL κ (coherency) | USL peak | speedup at peak | speedup at {h} ({at_h}) | fit error, rms (Amdahl / USL) | note |")?;
    writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")?;
    for f in fits {
        let dash = || "-".to_string();
        let a = f.amdahl.as_ref().ok();
        let u = f.usl.as_ref().ok();
        let peak = u.map(|u| u.peak());
        let note = match (&f.amdahl, &f.usl) {
            (_, Ok(_)) => String::new(),
            (Ok(_), Err(r)) => format!("USL not fitted: {r}"),
            (Err(r), Err(_)) => r.clone(),
        };
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} |",
            f.model,
            counts_fitted(f),
            a.map_or_else(dash, |a| param(a.serial)),
            a.map_or_else(dash, |a| a
                .limit()
                .map_or("unbounded (s = 0)".into(), times)),
            u.map_or_else(dash, |u| param(u.sigma)),
            u.map_or_else(dash, |u| param(u.kappa)),
            peak.map_or_else(dash, peak_text),
            peak.flatten().map_or_else(dash, |p| times(p.1)),
            u.map_or_else(dash, |u| times(u.speedup(h as f64))),
            a.map_or_else(dash, |a| error(&a.quality)),
            u.map_or_else(dash, |u| error(&u.quality)),
            note.replace('|', "\\|"),
        )?;
    }
    writeln!(s, "\n</details>")
}
