//! `parabench compare BASE_DIR NEW_DIR`: the CI regression gate. Cells of two run folders are
//! matched by (workload, model, workers); each matched cell's change in median time is judged
//! against a relative threshold and two significance checks (a Mann-Whitney U rank test on the
//! runs, and non-overlapping bootstrap CIs of the medians). [`compare`] is the whole flow; each
//! step has its file:
//!
//! - [`model`]: the two sides, a cell's statistics, cells matched across the runs, the result;
//! - [`verdict`]: the rule (threshold + rank test + CI overlap, with reasons) and the caveats;
//! - [`rank`]: the Mann-Whitney U test;
//! - [`format`]: the renderings (table, Markdown, JSON), pure functions to text;
//! - [`chart`]: base vs new speedup per workload, as chart data;
//! - [`output`]: writes the charts and `compare.md`, prints to stdout.

pub mod chart;
pub mod format;
pub mod model;
pub mod output;
pub mod paired;
pub mod rank;
pub mod verdict;

pub use format::{Format, SCHEMA_VERSION};
pub use model::{
    CellComparison, CellStats, Comparison, Counts, LoneCell, Rule, Settings, SideInfo, Verdict,
};
pub use verdict::{format_pct, judge, parse_alpha, parse_threshold};

use crate::error::Error;
use crate::report::folder::load_run_dir;
use crate::report::RunData;
use std::path::{Path, PathBuf};

/// What `parabench compare` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The reference run folder.
    pub base: PathBuf,
    /// The run folder to judge against it; `None` judges the variants of `base` (a run with
    /// variants) against its base variant ([`paired`]).
    pub new: Option<PathBuf>,
    /// Smallest change in median time that counts, in percent (`None`: [`DEFAULT_THRESHOLD_PCT`],
    /// or a run with variants' own threshold).
    pub threshold_pct: Option<f64>,
    /// Significance level of the rank test.
    pub alpha: f64,
    /// Noisy cells (not reproduced within a run) fail the gate too.
    pub fail_on_noisy: bool,
    pub format: Format,
    /// Folder for the charts and compare.md (default `NEW/compare`).
    pub out: Option<PathBuf>,
    /// Write the charts and compare.md.
    pub charts: bool,
}

/// What the comparison means for CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// No cell regressed (exit 0).
    Pass,
    /// At least one cell regressed beyond the threshold, significantly, or with
    /// `--fail-on-noisy` a cell was noisy (exit 1).
    Regressed,
}

/// The threshold of a comparison of two runs when `--threshold` is not given, in percent.
pub const DEFAULT_THRESHOLD_PCT: f64 = 5.0;

/// `parabench compare`: load both folders, match their cells, judge each, write the charts,
/// print. With one folder, its variants against its base (see [`paired`]).
pub fn compare(args: &Options) -> Result<Gate, Error> {
    let Some(new) = &args.new else {
        let (dir, data) = load_run_dir(&args.base)?;
        let result = paired::comparison(&dir, &data, args.threshold_pct, args.fail_on_noisy)?;
        output::print(&result, args.format)?;
        return Ok(gate(&result));
    };
    let ((base_dir, base), (new_dir, new)) = load_both(&args.base, new)?;
    let variants = match_variants(&base_dir, &base, &new_dir, &new)?;
    let sides = (SideInfo::of(&base_dir, &base), SideInfo::of(&new_dir, &new));
    let settings = Settings {
        threshold_pct: args.threshold_pct.unwrap_or(DEFAULT_THRESHOLD_PCT),
        alpha: args.alpha,
        fail_on_noisy: args.fail_on_noisy,
        rule: Rule::TwoRuns,
    };
    let mut result = verdict::judge_all(sides, model::match_cells(&base, &new), &settings);
    result.warnings.extend(variants);
    if args.charts {
        let out = args.out.clone().unwrap_or_else(|| new_dir.join("compare"));
        output::write_files(&out, &result, &base, &new)?;
    }
    output::print(&result, args.format)?;
    Ok(gate(&result))
}

fn gate(result: &Comparison) -> Gate {
    if result.fails() {
        Gate::Regressed
    } else {
        Gate::Pass
    }
}

/// How cells of runs with variants are matched: a run with variants against one without is
/// refused (a variant run holds every cell once per variant: which one would be judged?);
/// two runs with variants are matched on their base variants, and the warning says so.
fn match_variants(
    base_dir: &Path,
    base: &RunData,
    new_dir: &Path,
    new: &RunData,
) -> Result<Option<String>, Error> {
    let (b, n) = (base.meta.variant_names(), new.meta.variant_names());
    let list = |v: &[String]| v.join(", ");
    match (b.is_empty(), n.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some(format!(
            "both runs have variants: cells were matched by workload, model and workers on their \
             base variants (`{}` in base, `{}` in new); the other variants are not compared \
             (their paired verdicts are in each run's variants.md)",
            b[0], n[0]
        ))),
        (with, _) => {
            let (v_dir, v, plain_dir) = if with {
                (new_dir, &n, base_dir)
            } else {
                (base_dir, &b, new_dir)
            };
            Err(Error::Input(format!(
                "{} is a run with variants ({}) and {} is not: compare matches cells by \
                 workload, model and workers, and the run with variants holds each cell once \
                 per variant, so there is no one cell to judge; its paired verdict is in {} \
                 (`parabench compare` with that folder alone prints it as a comparison), or \
                 compare it with another run with variants (their base variants are matched)",
                v_dir.display(),
                list(v),
                plain_dir.display(),
                v_dir.join("variants.md").display()
            )))
        }
    }
}

/// A run folder as read: the folder actually read (see [`load_run_dir`]) and its data.
type Loaded = (PathBuf, RunData);

/// Loads both run folders at once (each recomputes its summary: the slow part).
fn load_both(base: &Path, new: &Path) -> Result<(Loaded, Loaded), Error> {
    std::thread::scope(|s| {
        let b = s.spawn(|| load_run_dir(base));
        let n = load_run_dir(new);
        let b = b
            .join()
            .map_err(|_| Error::Failed(anyhow::anyhow!("failed to load {}", base.display())))?;
        Ok((b?, n?))
    })
}
