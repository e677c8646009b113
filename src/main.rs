//! parabench's entry point: parse the command line, call the library, map errors to exit codes.

use clap::Parser;
use parabench::cli::{Cli, Command, ListWhat};
use parabench::{kernel, model, Error, Outcome};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => {
            parabench::scenario::FORCE.store(args.force, Ordering::Relaxed);
            parabench::run(&args).map(|o| match o {
                Outcome::AllOk => ExitCode::SUCCESS,
                Outcome::SomeFailed => ExitCode::from(1),
                Outcome::Interrupted => ExitCode::from(130),
            })
        }
        Command::Validate { scenarios, force } => {
            parabench::scenario::FORCE.store(force, Ordering::Relaxed);
            validate(&scenarios)
        }
        Command::List { what } => {
            list(what);
            Ok(ExitCode::SUCCESS)
        }
        Command::Plot { run_dir } => parabench::plot(&run_dir).map(|()| ExitCode::SUCCESS),
        Command::Merge { dirs, out } => parabench::merge::merge(&dirs, &out).map(|data| {
            println!(
                "merged {} folders: {} runs in {} cells -> {}/",
                dirs.len(),
                data.rows.len(),
                data.summary.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }),
        Command::Schema => {
            println!("{}", parabench::scenario::schema::scenario_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { path, force } => parabench::init(&path, force).map(|()| ExitCode::SUCCESS),
        Command::Compare(args) => parabench::compare::compare(&args).map(|gate| match gate {
            parabench::compare::Gate::Pass => ExitCode::SUCCESS,
            parabench::compare::Gate::Regressed => ExitCode::from(1),
        }),
        Command::Cell => internal(parabench::run::cell::cell_main()),
        Command::Worker { kernel, params } => {
            internal(model::processes::worker_main(&kernel, &params))
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        if let Error::Other(inner) = &e {
            for cause in inner.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
        ExitCode::from(e.exit_code())
    })
}

fn internal(r: Result<(), String>) -> Result<ExitCode, Error> {
    r.map(|()| ExitCode::SUCCESS)
        .map_err(|e| Error::Other(anyhow::anyhow!(e)))
}

fn validate(paths: &[std::path::PathBuf]) -> Result<ExitCode, Error> {
    let mut bad = 0;
    for p in paths {
        match parabench::scenario::load(p) {
            Ok(s) => {
                let cells = parabench::plan::cells(&s);
                println!(
                    "ok: {} (scenario `{}`: {} workloads, {} cells, {} measured runs)",
                    p.display(),
                    s.name,
                    s.workloads.len(),
                    cells.len(),
                    parabench::plan::total_runs(&cells)
                );
            }
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
            }
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn list(what: Option<ListWhat>) {
    if !matches!(what, Some(ListWhat::Models)) {
        println!("Kernels (what one task does):");
        for k in kernel::KERNELS {
            println!("  {:<10} [{}] {}", k.name(), k.kind().as_str(), k.about());
            for p in k.params() {
                println!(
                    "      {} = {} (default; {} to {}) - {}",
                    p.name, p.default, p.min, p.max, p.about
                );
            }
        }
    }
    if what.is_none() {
        println!();
    }
    if !matches!(what, Some(ListWhat::Kernels)) {
        println!("Models (how tasks are spread over workers):");
        for m in model::MODELS {
            println!("  {:<15} {}", m.name(), m.about());
        }
        println!("CPython models (the shipped kernels.py; interpreter: python3, `python = ...` or $PARABENCH_PYTHON):");
        for (name, _, about) in model::python::PY_MODELS {
            println!("  {name:<19} {about}");
        }
        println!("  (any [[model]] with a `command` in a scenario file runs an external program)");
    }
}
