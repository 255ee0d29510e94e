//! `mcp-orchestration`: serve the /v1 API, or run one operation on the local store.

use std::process::ExitCode;

use clap::Parser;
use mcp_orchestration::cli::{self, Cli, Command};
use mcp_orchestration::{commands, server};

fn main() -> ExitCode {
    // The Python system's command names (`generate-token`, a `mcp-orchestration-serve-http`
    // symlink, …) become this program's before clap reads them.
    let cli = Cli::parse_from(cli::args_for_clap(std::env::args_os()));
    match cli.command {
        Command::Serve(args) => match server::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Local(command) => commands::run(command),
    }
}
