//! Where a comparison goes: the charts (`compare.<workload>.png/.svg`) and `compare.md` into a
//! folder (`--out DIR`, default `NEW_DIR/compare`), and the chosen rendering to stdout. The
//! renderings themselves are pure functions in [`super::format`]; this is the only part of
//! `compare` that writes.

use super::chart;
use super::format::{self, Format};
use super::model::Comparison;
use crate::error::{write_failure, Error};
use crate::report::chart::Figure;
use crate::report::output::write_atomic;
use crate::report::RunData;
use std::io::Write;
use std::path::Path;

/// Writes `compare.<workload>.png/.svg` for every workload and `compare.md` into `out`.
pub fn write_files(out: &Path, c: &Comparison, base: &RunData, new: &RunData) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::Write(anyhow::anyhow!(
            "failed to write the comparison charts to {}: {e}; choose another folder with --out DIR or skip them with --no-charts",
            out.display()
        ))
    };
    std::fs::create_dir_all(out).map_err(|e| fail(&e))?;
    let charts = chart::build(c, base, new);
    for (workload, ch) in &charts {
        let drawn = crate::report::chart::draw(&Figure::Lines(Box::new(ch.clone())))
            .map_err(|e| fail(&e))?;
        for (ext, bytes) in [("svg", drawn.svg.as_bytes()), ("png", &drawn.png)] {
            let file = out.join(format!("compare.{workload}.{ext}"));
            write_atomic(&file, bytes).map_err(|e| fail(&format!("{e:#}")))?;
        }
    }
    let names: Vec<String> = charts
        .iter()
        .map(|(w, _)| format!("compare.{w}.png"))
        .collect();
    let md = format::markdown(c, &names).map_err(|e| fail(&e))?;
    write_atomic(&out.join("compare.md"), md.as_bytes()).map_err(|e| fail(&format!("{e:#}")))?;
    let html = html(c, &md, &charts).map_err(|e| fail(&format!("{e:#}")))?;
    write_atomic(&out.join("compare.html"), html.as_bytes())
        .map_err(|e| fail(&format!("{e:#}")))?;
    eprintln!(
        "charts, compare.md and compare.html written to {}/ ({} workload(s))",
        out.display(),
        charts.len()
    );
    Ok(())
}

/// `compare.html`: compare.md (base and new side by side) as one self-contained page, its
/// charts inline.
fn html(
    c: &Comparison,
    md: &str,
    charts: &[(String, crate::report::chart::Chart)],
) -> anyhow::Result<String> {
    use crate::report::html;
    let mut inline = std::collections::BTreeMap::new();
    for (workload, ch) in charts {
        let svg = crate::report::chart::svg(&Figure::Lines(Box::new(ch.clone())));
        let title = format!("base vs new: {workload}");
        let id = format!("compare-{}", inline.len());
        inline.insert(
            format!("compare.{workload}.png"),
            html::Chart::new(svg, title, id, true),
        );
    }
    let title = format!(
        "parabench compare: {} vs {}",
        c.base.scenario, c.new.scenario
    );
    Ok(html::page(&title, md, &inline, ""))
}

/// Prints the comparison on stdout in `format`.
pub fn print(c: &Comparison, format: Format) -> Result<(), Error> {
    let text = format::render(c, format)
        .map_err(|e| Error::Failed(anyhow::anyhow!("failed to format the comparison: {e}")))?;
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| write_failure("the comparison to stdout")(e.into()))?;
    Ok(())
}
