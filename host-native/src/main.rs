//! `mcp-orchestration`: serve the /v1 API, or manage tokens and keys from the command line.

use std::process::ExitCode;

use clap::Parser;
use mcp_orchestration::cli::{Cli, Command};
use mcp_orchestration::{commands, server};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
