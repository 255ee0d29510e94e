//! `draft add|remove|show|clear` and `validate`: `ops::drafts`.

use std::process::ExitCode;

use mcp_orchestration_core::catalog::{ParamType, Server};
use mcp_orchestration_core::ops::drafts::{self, AddServer, DraftView, ImportFile, RemoveServer};
use mcp_orchestration_core::ops::servers::{self, ServerRef};
use mcp_orchestration_core::{Code, Error};
use serde_json::{Map, Number, Value};

use super::output::{issues, table};
use super::{judge, profile_ref, run_op};
use crate::cli::{DraftCommand, Scope};

/// Runs a `draft` subcommand.
pub(super) fn run(command: DraftCommand) -> ExitCode {
    match command {
        DraftCommand::Add {
            server_id,
            name,
            params,
            env,
            headers,
            secret_env,
            secret_headers,
            scope,
        } => run_op(
            scope.output,
            |local| {
                local.write(|s, p| {
                    // An unknown server gets its values as strings: the add reports it.
                    let server = servers::describe(
                        s,
                        p,
                        ServerRef {
                            server_id: server_id.clone(),
                        },
                    )
                    .ok();
                    let input = AddServer {
                        client_id: scope.client_id,
                        profile_id: scope.profile_id,
                        server_id,
                        params: typed_params(server.as_deref(), params),
                        env: settings(env, secret_env),
                        headers: settings(headers, secret_headers),
                        name,
                    };
                    drafts::add(s, p, input)
                })
            },
            |added, _| format!("{}\n", added.message),
        ),
        DraftCommand::Remove { name, scope } => run_op(
            scope.output,
            |local| {
                local.write(|s, p| {
                    let input = RemoveServer {
                        client_id: scope.client_id,
                        profile_id: scope.profile_id,
                        server_id: name,
                    };
                    drafts::remove(s, p, input)
                })
            },
            |removed, _| format!("{}\n", removed.message),
        ),
        DraftCommand::Show(scope) => {
            let profile = profile_ref(&scope);
            run_op(
                scope.output,
                |local| local.read(|s, p| drafts::view(s, p, profile)),
                |draft, _| show(&scope, draft),
            )
        }
        DraftCommand::Clear(scope) => {
            let profile = profile_ref(&scope);
            run_op(
                scope.output,
                |local| local.write(|s, p| drafts::clear(s, p, profile)),
                |cleared, _| format!("{}\n", cleared.message),
            )
        }
    }
}

/// `validate`: the report, exit status 1 when the draft is invalid.
/// `--env`/`--header` values as text and `--secret-*` ones as `{"secret": NAME}`.
fn settings(text: Vec<(String, String)>, secrets: Vec<(String, String)>) -> Map<String, Value> {
    text.into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .chain(
            secrets
                .into_iter()
                .map(|(k, name)| (k, serde_json::json!({ "secret": name }))),
        )
        .collect()
}

/// `import`: the draft made from a client file.
pub(super) fn import(file: Option<String>, scope: Scope) -> ExitCode {
    run_op(
        scope.output,
        |local| {
            let text = match &file {
                Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
                    Error::new(Code::FileRead, format!("Could not read {path}: {e}"))
                })?),
                None => None,
            };
            local.write(|s, p| {
                drafts::import(
                    s,
                    p,
                    ImportFile {
                        client_id: scope.client_id.clone(),
                        profile_id: scope.profile_id.clone(),
                        text,
                    },
                )
            })
        },
        |imported, _| {
            let mut text = format!("{}\n", imported.message);
            for (entry, server) in &imported.linked {
                text.push_str(&format!("  {entry}: catalog server {server}\n"));
            }
            for entry in &imported.custom {
                text.push_str(&format!("  {entry}: custom entry\n"));
            }
            for found in &imported.secrets {
                text.push_str(&format!(
                    "  {}: {} holds a literal secret; use draft add --secret-env/--secret-header\n",
                    found.entry, found.field
                ));
            }
            text
        },
    )
}

pub(super) fn validate(scope: Scope) -> ExitCode {
    let profile = profile_ref(&scope);
    judge(
        scope.output,
        |local| local.read(|s, p| drafts::validate(s, p, profile)),
        |report, _| {
            let verdict = if report.valid { "valid" } else { "invalid" };
            format!(
                "The {}/{} draft is {verdict} ({} server(s), {} error(s), {} warning(s))\n{}{}",
                scope.client_id,
                scope.profile_id,
                report.server_count,
                report.errors.len(),
                report.warnings.len(),
                issues("error", &report.errors),
                issues("warning", &report.warnings)
            )
        },
        |report| report.valid,
    )
}

/// `--param` values typed as the catalog declares each parameter: an `int` that reads as an
/// integer becomes a number, a `bool` that reads `true` or `false` a boolean. Anything else
/// stays a string, which the operation accepts or refuses with the API's error.
fn typed_params(server: Option<&Server>, params: Vec<(String, String)>) -> Map<String, Value> {
    params
        .into_iter()
        .map(|(name, text)| {
            let kind = server.and_then(|s| s.parameter(&name)).map(|p| p.kind);
            let value = match kind {
                Some(ParamType::Int) => text
                    .parse::<Number>()
                    .ok()
                    .filter(|n| n.is_i64() || n.is_u64())
                    .map(Value::Number),
                Some(ParamType::Bool) => text.parse::<bool>().ok().map(Value::Bool),
                _ => None,
            };
            (name, value.unwrap_or(Value::String(text)))
        })
        .collect()
}

/// A draft as `draft show` prints it: each entry with how it runs and the names of its env
/// vars (never their values, which may be secrets).
fn show(scope: &Scope, draft: &DraftView) -> String {
    if draft.servers.is_empty() {
        return format!(
            "The {}/{} draft is empty.\n",
            scope.client_id, scope.profile_id
        );
    }
    let payload = match draft.servers.to_payload() {
        Ok(payload) => payload,
        Err(e) => return format!("{}\n", e.detail),
    };
    table(
        ["NAME", "RUNS", "ENV"],
        payload.servers.iter().map(|(name, entry)| {
            let text = |key: &str| entry.get(key).and_then(Value::as_str);
            let runs = match (text("command"), text("url")) {
                (Some(command), _) => std::iter::once(command)
                    .chain(
                        entry
                            .get("args")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str),
                    )
                    .collect::<Vec<_>>()
                    .join(" "),
                (None, Some(url)) => url.to_owned(),
                (None, None) => "-".to_owned(),
            };
            let env = entry
                .get("env")
                .and_then(Value::as_object)
                .filter(|env| !env.is_empty())
                .map_or_else(
                    || "-".to_owned(),
                    |env| env.keys().cloned().collect::<Vec<_>>().join(", "),
                );
            [name.clone(), runs, env]
        }),
    )
}

#[cfg(test)]
mod tests {
    use mcp_orchestration_core::catalog;
    use mcp_orchestration_core::payload::{Entries, Payload};
    use serde_json::json;

    use super::*;
    use crate::cli::Output;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn params_take_the_catalog_type() {
        let figma = catalog::catalog().require("figma-dev-mode").ok();
        assert_eq!(
            Value::Object(typed_params(figma, pairs(&[("port", "3845")]))),
            json!({"port": 3845})
        );
        assert_eq!(
            Value::Object(typed_params(figma, pairs(&[("port", "38.5")]))),
            json!({"port": "38.5"}),
            "not an integer: left for the operation to refuse"
        );
        let github = catalog::catalog().require("github").ok();
        assert_eq!(
            Value::Object(typed_params(
                github,
                pairs(&[("read_only", "true"), ("toolsets", "42")])
            )),
            json!({"read_only": true, "toolsets": "42"})
        );
        let filesystem = catalog::catalog().require("filesystem").ok();
        assert_eq!(
            Value::Object(typed_params(
                filesystem,
                pairs(&[("path", "123"), ("nope", "true")])
            )),
            json!({"path": "123", "nope": "true"})
        );
        assert_eq!(
            Value::Object(typed_params(None, pairs(&[("x", "1")]))),
            json!({"x": "1"})
        );
    }

    #[test]
    fn a_shown_draft_lists_entries_without_env_values() {
        let scope = Scope {
            client_id: "cursor".into(),
            profile_id: "default".into(),
            output: Output::default(),
        };
        let mut draft = DraftView {
            servers: Entries::default(),
            server_count: 0,
        };
        assert_eq!(show(&scope, &draft), "The cursor/default draft is empty.\n");
        let entries = json!({
            "fs": {"command": "npx", "args": ["-y", "pkg", "/tmp"]},
            "remote": {"url": "https://example.com/mcp", "env": {"TOKEN": "secret-value"}},
        });
        draft.servers =
            Entries::from_payload(&Payload::from_value(&json!({"mcpServers": entries})).unwrap())
                .unwrap();
        let text = show(&scope, &draft);
        assert!(text.contains("fs      npx -y pkg /tmp"), "{text}");
        assert!(text.contains("https://example.com/mcp  TOKEN"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");
    }
}
