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
    let ok = |()| exit::OK;
    let result = match cli.command {
        Command::Run(args) => app::run(&(*args).into()).map(|o| match o {
            Outcome::AllOk => exit::OK,
            Outcome::SomeFailed | Outcome::Regressed => exit::RUN_FAILED,
            Outcome::Interrupted => exit::INTERRUPTED,
        }),
        Command::Validate { scenarios, force } => Ok(match app::validate(&scenarios, force) {
            0 => exit::OK,
            _ => exit::INVALID_INPUT,
        }),
        Command::List { what, markdown } => {
            app::list(ListWhat::choice(what), markdown.map(|m| m.table()));
            Ok(exit::OK)
        }
        Command::Index { dir } => app::index_folder(&dir).map(ok),
        Command::Plot { run_dir, charts } => app::plot(&run_dir, charts.as_deref()).map(ok),
        Command::Merge { dirs, out } => app::merge(&dirs, &out).map(ok),
        Command::Schema => app::schema().map(ok),
        Command::Init { path, force } => app::init(&path, force).map(ok),
        Command::Compare(args) => app::compare(&args.into()).map(|gate| match gate {
            app::Gate::Pass => exit::OK,
            app::Gate::Regressed => exit::RUN_FAILED,
        }),
        Command::Cell => app::cell().map(ok),
        Command::Worker {
            kernel,
            params,
            code,
        } => app::worker(&kernel, &params, code.as_deref()).map(ok),
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
    Some(app::worker(&rest[0], &rest[1], code).map(|()| exit::OK))
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
