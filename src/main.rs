//! The `tagline` binary: the window, or a headless command.

use std::process::ExitCode;

use clap::Parser;
use tagline::cli::{self, Cli};
use tagline::core::LoadOptions;

fn main() -> ExitCode {
    let args = Cli::parse();
    let options = LoadOptions {
        max_bytes: args.max_size_mib.saturating_mul(1024 * 1024),
    };
    match args.command {
        Some(command) => cli::run(command, &options),
        None => tagline::gui::run(args.paths, options, args.close_after),
    }
}
