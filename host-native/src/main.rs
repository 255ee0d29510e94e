//! `mcp-orchestration`: serve the /v1 API, or manage tokens and keys from the command line.

use std::process::ExitCode;

use clap::Parser;
use mcp_orchestration::cli::{self, Cli, Command};
use mcp_orchestration::{commands, server};

fn main() -> ExitCode {
    // The Python system's command names (`generate-token`, a `mcp-orchestration-serve-http`
    // symlink, …) become this program's before clap reads them.
    let cli = Cli::parse_from(cli::args_for_clap(std::env::args_os()));
    let result = match cli.command {
        Command::Serve(args) => server::run(args),
        Command::Token(command) => commands::token(command),
        Command::Keys(command) => commands::keys(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
