//! `servers list|show|import|remove`: `ops::servers`.

use std::fmt::Write;
use std::process::ExitCode;

use mcp_orchestration_core::catalog::{Origin, Server};
use mcp_orchestration_core::ops::servers::{self, ReplaceServer, SearchServers, ServerRef};
use mcp_orchestration_core::registry::ServerJson;
use mcp_orchestration_core::{Code, Error, Result};
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
                        ["ID", "TRANSPORT", "ORIGIN", "NAME"],
                        found.servers.iter().map(|s| {
                            [
                                s.server_id.clone(),
                                s.transport.to_string(),
                                origin(s.origin).to_owned(),
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
        ServersCommand::Import {
            file,
            server_id,
            output,
        } => run_op(
            output,
            |local| {
                let server = read_server_json(&file)?;
                local.write(|s, p| match server_id {
                    Some(server_id) => servers::replace(s, p, ReplaceServer { server_id, server }),
                    None => servers::add(s, p, server),
                })
            },
            |changed, _| format!("{}\n", changed.message),
        ),
        ServersCommand::Remove { server_id, output } => run_op(
            output,
            |local| local.write(|s, p| servers::delete(s, p, ServerRef { server_id })),
            |changed, _| format!("{}\n", changed.message),
        ),
    }
}

/// The `server.json` in `path`; a field it should not have is named as the API names it.
fn read_server_json(path: &str) -> Result<ServerJson> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(Code::FileRead, format!("Could not read {path}: {e}")))?;
    let fields = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => {
            return Err(Error::new(
                Code::InvalidBody,
                format!("{path} does not hold a JSON object"),
            ));
        }
        Err(e) => {
            return Err(Error::new(
                Code::InvalidJson,
                format!("Invalid JSON in {path}: {e}"),
            ));
        }
    };
    mcp_orchestration_core::api::input::from_fields(fields)
}

fn origin(origin: Origin) -> &'static str {
    match origin {
        Origin::Builtin => "built-in",
        Origin::Team => "team",
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
    if !server.headers.is_empty() {
        text.push_str("\nHeaders (draft add --header NAME=VALUE):\n");
        let rows = server.headers.iter().map(|h| {
            [
                h.name.clone(),
                required(h.required),
                if h.secret { "secret" } else { "-" }.to_owned(),
                h.prefix.clone().unwrap_or_else(|| "-".to_owned()),
                h.description.clone(),
            ]
        });
        text.push_str(&indent(&table(
            ["NAME", "REQUIRED", "SECRET", "PREFIX", "DESCRIPTION"],
            rows,
        )));
    }
    let _ = writeln!(
        text,
        "\nOrigin: {}\nDocs: {}",
        origin(server.origin),
        server.documentation_url
    );
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
