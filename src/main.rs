//! The `tagline` binary: the window, or a headless command.
//!
//! The two faces never call each other; this is the one place that knows both. `tagline bench`
//! measures the window's article view, so it is dispatched to the window's benchmarks here.

use std::process::ExitCode;

use clap::Parser;
use tagline::cli::{self, BenchCommand, Cli, Command};

fn main() -> ExitCode {
    let args = Cli::parse();
    if let Some(message) = args.mistyped_command() {
        eprintln!("tagline: {message}");
        return ExitCode::from(2);
    }
    let options = args.load_options();
    args.configure();
    match args.command {
        Some(Command::Bench(BenchCommand::View { file, frames, json })) => {
            tagline::gui::bench::run_view(&file, frames, json, &options)
        }
        Some(Command::Bench(BenchCommand::Compare {
            file,
            frames,
            annotators,
            json,
        })) => tagline::gui::bench::run_compare(&file, frames, annotators, json, &options),
        Some(Command::Bench(BenchCommand::Open { file, json })) => {
            tagline::gui::bench::run_open(&file, json, &options)
        }
        Some(command) => cli::run(command, &options),
        None => tagline::gui::run(args.paths, options, args.close_after),
    }
}
