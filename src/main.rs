//! parabench's entry point: parse the command line, call the library, map errors to exit
//! codes (the table is in `parabench::error`).

use clap::Parser;
use parabench::app::{self, Outcome};
use parabench::cli::{Cli, Command, ListWhat};
use parabench::error::{exit, Error};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The worker processes of the `processes` model start inside a timed run: they skip
    // building the whole command line (clap with every subcommand's help) and read their
    // three arguments directly.
    if let Some(result) = fast_worker() {
        return ExitCode::from(report(result));
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => app::run(&args.into()).map(|o| match o {
            Outcome::AllOk => exit::OK,
            Outcome::SomeFailed | Outcome::Regressed => exit::RUN_FAILED,
            Outcome::Interrupted => exit::INTERRUPTED,
        }),
        Command::Validate { scenarios, force } => Ok(match app::validate(&scenarios, force) {
            0 => exit::OK,
            _ => exit::INVALID_INPUT,
        }),
        Command::List { what } => {
            app::info::list(ListWhat::choice(what));
            Ok(exit::OK)
        }
        Command::Plot { run_dir, charts } => {
            app::plot(&run_dir, charts.as_deref()).map(|()| exit::OK)
        }
        Command::Merge { dirs, out } => parabench::merge::merge(&dirs, &out).map(|data| {
            println!(
                "merged {} folders: {} in {} -> {}/",
                dirs.len(),
                app::count(data.rows.len() as u64, "run"),
                app::count(data.summary.len() as u64, "cell"),
                out.display()
            );
            exit::OK
        }),
        Command::Schema => schema(),
        Command::Init { path, force } => app::init(&path, force).map(|()| exit::OK),
        Command::Compare(args) => {
            parabench::compare::compare(&args.into()).map(|gate| match gate {
                parabench::compare::Gate::Pass => exit::OK,
                parabench::compare::Gate::Regressed => exit::RUN_FAILED,
            })
        }
        Command::Cell => internal(parabench::run::cell::cell_main()),
        Command::Worker {
            kernel,
            params,
            code,
        } => internal(parabench::model::processes::worker_main(
            &kernel,
            &params,
            code.as_deref(),
        )),
    };
    ExitCode::from(report(result))
}

/// `parabench __worker KERNEL PARAMS [--code JSON]`, without clap; `None` for anything else.
fn fast_worker() -> Option<Result<u8, Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (first, rest) = args.split_first()?;
    if first != parabench::model::processes::WORKER_COMMAND {
        return None;
    }
    let code = match rest {
        [_, _] => None,
        [_, _, flag, code] if flag == "--code" => Some(code.as_str()),
        _ => return None, // let clap explain the usage
    };
    Some(internal(parabench::model::processes::worker_main(
        &rest[0], &rest[1], code,
    )))
}

/// Prints an error (and its causes) and turns the result into an exit code.
fn report(result: Result<u8, Error>) -> u8 {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        if let Error::Failed(inner) = &e {
            for cause in inner.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
        e.exit_code()
    })
}

/// `parabench schema`: the JSON Schema, or an error (never an empty document).
fn schema() -> Result<u8, Error> {
    let text = parabench::scenario::schema::scenario_schema()
        .map_err(|e| Error::Failed(anyhow::anyhow!("cannot build the scenario schema: {e}")))?;
    use std::io::Write;
    writeln!(std::io::stdout(), "{text}")
        .map_err(|e| parabench::error::write_failure("the schema to stdout")(e.into()))?;
    Ok(exit::OK)
}

fn internal(r: Result<(), String>) -> Result<u8, Error> {
    r.map(|()| exit::OK)
        .map_err(|e| Error::Failed(anyhow::anyhow!(e)))
}
