//! `servers list|show`: `ops::servers`.

use std::fmt::Write;
use std::process::ExitCode;

use mcp_orchestration_core::catalog::Server;
use mcp_orchestration_core::ops::servers::{self, SearchServers, ServerRef};
use serde_json::Value;

use super::output::table;
use super::run_op;
use crate::cli::ServersCommand;

/// Runs a `servers` subcommand.
pub(super) fn run(command: ServersCommand) -> ExitCode {
    match command {
        ServersCommand::List {
            query,
            transport,
            output,
        } => run_op(
            output,
            |local| {
                local.read(|s, p| {
                    servers::search(
                        s,
                        p,
                        SearchServers {
                            q: query,
                            transport,
                        },
                    )
                })
            },
            |found, _| {
                if found.servers.is_empty() {
                    "No server matches.\n".to_owned()
                } else {
                    table(
                        ["ID", "TRANSPORT", "NAME"],
                        found.servers.iter().map(|s| {
                            [
                                s.server_id.clone(),
                                s.transport.to_string(),
                                s.display_name.clone(),
                            ]
                        }),
                    )
                }
            },
        ),
        ServersCommand::Show { server_id, output } => run_op(
            output,
            |local| local.read(|s, p| servers::describe(s, p, ServerRef { server_id })),
            |server, _| describe(server),
        ),
    }
}

/// A server as `servers show` prints it: what it is, how it runs, what it takes.
fn describe(server: &Server) -> String {
    let mut text = format!(
        "{} ({})\n{}\n\nTransport: {}\n",
        server.display_name, server.server_id, server.description, server.transport
    );
    // Writing to a String cannot fail.
    if let Some(url) = &server.url {
        let _ = writeln!(text, "URL: {url}");
    }
    if let Some(command) = &server.command {
        let runs = format!("{command} {}", server.args.join(" "));
        let _ = writeln!(text, "Runs: {}", runs.trim_end());
    }
    if !server.parameters.is_empty() {
        text.push_str("\nParameters (draft add --param NAME=VALUE):\n");
        let rows = server.parameters.iter().map(|p| {
            let value = match (&p.default, &p.example) {
                (Some(d), _) => format!("default {}", shown(d)),
                (None, Some(e)) => format!("e.g. {}", shown(e)),
                (None, None) => "-".to_owned(),
            };
            [
                p.name.clone(),
                p.kind.as_str().to_owned(),
                required(p.required),
                value,
                p.description.clone(),
            ]
        });
        text.push_str(&indent(&table(
            ["NAME", "TYPE", "REQUIRED", "VALUE", "DESCRIPTION"],
            rows,
        )));
    }
    if !server.env.is_empty() {
        text.push_str("\nEnv vars (draft add --env NAME=VALUE):\n");
        let rows = server.env.iter().map(|e| {
            [
                e.name.clone(),
                required(e.required),
                if e.secret { "secret" } else { "-" }.to_owned(),
                e.description.clone(),
            ]
        });
        text.push_str(&indent(&table(
            ["NAME", "REQUIRED", "SECRET", "DESCRIPTION"],
            rows,
        )));
    }
    let _ = writeln!(text, "\nDocs: {}", server.documentation_url);
    text
}

fn required(yes: bool) -> String {
    if yes { "required" } else { "optional" }.to_owned()
}

/// A parameter value as typed on the command line: strings bare, anything else as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use mcp_orchestration_core::catalog;

    use super::*;

    #[test]
    fn a_description_shows_how_the_server_runs_and_what_it_takes() {
        let text = describe(catalog::catalog().require("filesystem").unwrap());
        assert!(text.starts_with("Filesystem (filesystem)\n"), "{text}");
        assert!(text.contains("Transport: stdio\n"), "{text}");
        assert!(text.contains("Runs: npx -y "), "{text}");
        let path = text
            .lines()
            .find(|l| l.trim_start().starts_with("path "))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            path.contains(" path ") && path.contains("required"),
            "{path}"
        );
        assert!(text.contains("\nDocs: http"), "{text}");

        let text = describe(catalog::catalog().require("github").unwrap());
        assert!(text.contains("Env vars"), "{text}");
        assert!(text.contains("secret"), "{text}");
        assert!(text.contains("bool"), "{text}");
    }
}
