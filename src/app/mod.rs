//! The commands around the pipeline: `run` (the pipeline itself, [`run::run_scenario`]),
//! `--dry-run`, `plot`, `validate`, `list`, `init`, and loading run folders for `plot`,
//! `merge` and `compare`. Each takes plain option structs; the command line (clap) stays in
//! `cli.rs` and `main.rs`.

pub mod dry_run;
pub mod index;
pub mod info;
pub mod overrides;
pub mod reference;
pub mod run;

pub use run::{run, Outcome, RunOptions};

pub use crate::compare::{compare, Gate};
use crate::error::Error;
pub use crate::text::count;
use std::path::{Path, PathBuf};

/// `parabench merge`: shard folders into one run folder at `out`, then one line saying so.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), Error> {
    let data = crate::merge::merge(dirs, out)?;
    println!(
        "merged {} folders: {} in {} -> {}/",
        dirs.len(),
        count(data.every_row().len() as u64, "run"),
        count(data.summary.len() as u64, "cell"),
        out.display()
    );
    Ok(())
}

/// `parabench schema`: the JSON Schema on stdout, or an error (never an empty document).
pub fn schema() -> Result<(), Error> {
    use std::io::Write;
    let text = crate::scenario::schema::scenario_schema()
        .map_err(|e| Error::Failed(anyhow::anyhow!("cannot build the scenario schema: {e}")))?;
    writeln!(std::io::stdout(), "{text}")
        .map_err(|e| crate::error::write_failure("the schema to stdout")(e.into()))?;
    Ok(())
}

/// `parabench __cell`: one cell process, driven over stdin/stdout by the scheduler.
pub fn cell() -> Result<(), Error> {
    internal(crate::run::cell::cell_main())
}

/// `parabench __worker`: one worker process of the `processes` model.
pub fn worker(kernel: &str, params: &str, code: Option<&str>) -> Result<(), Error> {
    internal(crate::model::processes::worker_main(kernel, params, code))
}

/// An internal command's failure: parabench itself failed (exit 1).
fn internal<E: std::error::Error + Send + Sync + 'static>(r: Result<(), E>) -> Result<(), Error> {
    r.map_err(|e| Error::Failed(anyhow::Error::new(e)))
}

/// `parabench init`: writes the commented starter scenario to `path` (never over an existing
/// file unless `force`).
pub fn init(path: &Path, force: bool) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::Input(format!(
            "{} already exists; choose another path (parabench init my-bench.toml) or add --force to overwrite it",
            path.display()
        )));
    }
    let written = (|| -> anyhow::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, crate::scenario::STARTER)?;
        Ok(())
    })();
    written.map_err(|e| Error::Write(e.context(format!("cannot write {}", path.display()))))?;
    println!(
        "wrote {p}\nnext: parabench run {p} --dry-run   (what would run)\n      parabench run {p}             (results in output/{stem}/)\n      parabench schema > {schema}   (editor completion via the #:schema line)",
        p = path.display(),
        stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario"),
        schema = path
            .with_file_name("parabench.schema.json")
            .display()
    );
    Ok(())
}

/// A command that only prints ends quietly when its reader goes away (`parabench list | head`),
/// as `cat` does, instead of failing on its next line. Not for `run`, whose rows go to files.
pub fn end_quietly_on_closed_stdout() {
    // SAFETY: restoring the default disposition of SIGPIPE, before any thread is started; no
    // handler of ours is replaced.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// `parabench list`, or with `--markdown` the guide's generated pages (`Some(None)`: every
/// one of them).
pub fn list(what: info::ListWhat, markdown: Option<Option<reference::Table>>) {
    end_quietly_on_closed_stdout();
    match markdown {
        Some(Some(table)) => print!("{}", reference::markdown(table)),
        Some(None) => print!("{}", reference::all()),
        None => info::list(what),
    }
}

/// `parabench index DIR`: writes DIR/index.html.
pub fn index_folder(dir: &Path) -> Result<(), Error> {
    let n = index::index(dir)?;
    println!(
        "wrote {} ({n} run folders)",
        dir.join("index.html").display()
    );
    Ok(())
}

/// `parabench plot`: recompute summary, report and charts from a run folder's files; `charts`
/// as `--charts` writes them (every chart when `None`).
pub fn plot(run_dir: &Path, charts: Option<&str>) -> Result<(), Error> {
    let charts = match charts {
        Some(c) => {
            crate::scenario::Charts::parse_flag(c).map_err(|e| Error::Input(e.to_string()))?
        }
        None => crate::scenario::Charts::default(),
    };
    let (run_dir, mut data) = crate::report::folder::load_run_dir(run_dir)?;
    data.meta.charts = Some(charts);
    crate::report::write_all(&crate::report::output::RunDir::open(&run_dir), &data)
        .map_err(|e| Error::Write(e.context(format!("cannot redraw {}", run_dir.display()))))?;
    println!(
        "redrew {} from {} runs",
        run_dir.display(),
        data.every_row().len()
    );
    Ok(())
}

/// `parabench validate`: checks each file; returns how many were invalid (each error printed).
pub fn validate(paths: &[std::path::PathBuf], force: bool) -> usize {
    end_quietly_on_closed_stdout();
    let opts = crate::scenario::LoadOptions::here(force);
    let mut bad = 0;
    for p in paths {
        match crate::scenario::load(p, &opts) {
            Ok(s) => {
                let cells = crate::plan::with_variants(crate::plan::cells(&s), &s.variants);
                let on: String = s
                    .interpreters
                    .iter()
                    .map(|i| format!("; {} on {} {}", i.runs, i.implementation, i.version))
                    .collect();
                println!(
                    "ok: {} (scenario `{}`: {}, {}, {}{on})",
                    p.display(),
                    s.name,
                    count(s.workloads.len() as u64, "workload"),
                    count(cells.len() as u64, "cell"),
                    count(crate::plan::total_runs(&cells), "measured run")
                );
            }
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
            }
        }
    }
    bad
}
