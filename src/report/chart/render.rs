//! The one renderer: draws any [`Chart`] as a PNG and an SVG with plotters.
//!
//! Everything is computed first as a plan (ranges, ticks, clipped lines: [`layout`]) and then
//! drawn ([`lines`], [`legend`]); timelines have their own drawing ([`gantt`]). Fonts are
//! embedded and measured without system fonts ([`text`]). Files are written under a temporary
//! name in the target folder and renamed into place, so a half-written chart is never left
//! behind.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::prelude::*;

use super::Chart;

mod axes;
#[cfg(test)]
pub(super) mod describe;
mod format;
mod gantt;
mod geometry;
mod lanes;
mod layout;
mod legend;
mod lines;
mod notes;
mod place;
mod shapes;
mod style;
mod text;

pub use gantt::render_gantt;

use layout::Plan;
use style::{HEIGHT, WIDTH};
use text::{ensure_fonts, Pen};

/// Draws `chart` to `png_path` (1200x750 PNG) and `svg_path` (SVG of the same size).
///
/// Each file is written to a temporary name in its folder and renamed into place.
pub fn render(chart: &Chart, png_path: &Path, svg_path: &Path) -> Result<()> {
    ensure_fonts()?;
    let plan = Plan::new(chart);
    render_png(&plan, png_path)
        .with_context(|| format!("rendering chart PNG {}", png_path.display()))?;
    render_svg(&plan, svg_path)
        .with_context(|| format!("rendering chart SVG {}", svg_path.display()))?;
    Ok(())
}

/// `dir/name.ext` -> `dir/name.tmp.ext` (the extension is kept: the bitmap backend picks the
/// image format from it). Without the expected extension, `.tmp.<ext>` is appended.
fn temp_path(path: &Path, ext: &str) -> PathBuf {
    let has_ext = path
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext));
    let base = if has_ext {
        path.file_stem()
    } else {
        path.file_name()
    };
    let base = base.map_or_else(|| "chart".into(), |b| b.to_string_lossy().into_owned());
    path.with_file_name(format!("{base}.tmp.{ext}"))
}

/// Runs `write` on a temporary path next to `path`, then renames it into place; the temporary
/// file is removed if anything fails.
fn write_atomically(path: &Path, ext: &str, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = temp_path(path, ext);
    let result = write(&tmp).and_then(|()| {
        fs::rename(&tmp, path)
            .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn render_png(plan: &Plan, path: &Path) -> Result<()> {
    write_atomically(path, "png", |tmp| {
        let root = BitMapBackend::new(tmp, (WIDTH, HEIGHT)).into_drawing_area();
        lines::draw_chart(&root, plan, Pen { bitmap: true })?;
        root.present()
            .with_context(|| format!("writing {}", tmp.display()))?;
        Ok(())
    })
}

fn render_svg(plan: &Plan, path: &Path) -> Result<()> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        lines::draw_chart(&root, plan, Pen { bitmap: false })?;
        root.present().context("finishing SVG document")?;
    }
    write_atomically(path, "svg", |tmp| {
        fs::write(tmp, svg.as_bytes()).with_context(|| format!("writing {}", tmp.display()))
    })
}

#[cfg(test)]
mod tests;
