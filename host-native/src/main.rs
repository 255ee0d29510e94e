//! `mcp-orchestration`: serve the /v1 API, be an MCP server on stdio, or run one operation on the
//! local store.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use mcp_orchestration::cli::{self, Cli, Command, McpArgs};
use mcp_orchestration::{commands, mcp_stdio, server};
use mimalloc::MiMalloc;

#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    // The Python system's command names (`generate-token`, a `mcp-orchestration-serve-http`
    // symlink, …) become this program's before clap reads them.
    let cli = Cli::parse_from(cli::args_for_clap(std::env::args_os()));
    match cli.command {
        Some(Command::Serve(args)) => match server::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Mcp(args)) => mcp_stdio::run(&args),
        Some(Command::Sync(args)) => commands::sync::run(args),
        Some(Command::Status(args)) => commands::sync::status(args),
        Some(Command::Local(command)) => commands::run(command),
        // As the Python system's `mcp-orchestration`: an AI client app that starts the program
        // with no arguments gets the MCP server; a person at a terminal gets the help.
        None if !std::io::stdin().is_terminal() => mcp_stdio::run(&McpArgs::default()),
        None => match Cli::command().print_help() {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        },
    }
}
