//! `token create|list|revoke`: `ops::tokens`.

use std::process::ExitCode;

use mcp_orchestration_core::ops::Nothing;
use mcp_orchestration_core::ops::tokens::{self, CreateToken, TokenCreated, TokenInfo, TokenRef};

use super::output::{table, when};
use super::run_op;
use crate::cli::TokenCommand;

/// Runs a `token` subcommand.
pub(super) fn run(command: TokenCommand) -> ExitCode {
    match command {
        TokenCommand::Create {
            name,
            expires_in_days,
            scope,
            output,
        } => run_op(
            output,
            |local| {
                local.write(|s, p| {
                    tokens::create(
                        s,
                        p,
                        CreateToken {
                            name,
                            expires_in_days,
                            scope,
                        },
                    )
                })
            },
            |created, _| created_message(created),
        ),
        TokenCommand::List(output) => run_op(
            output,
            |local| local.read(|s, p| tokens::list(s, p, Nothing {})),
            |list, _| {
                if list.tokens.is_empty() {
                    "No tokens. Create one with `mcp-orchestration token create`.\n".to_owned()
                } else {
                    token_table(&list.tokens)
                }
            },
        ),
        TokenCommand::Revoke { id, output } => run_op(
            output,
            |local| local.write(|s, p| tokens::revoke(s, p, TokenRef { token_id: id })),
            |revoked, _| format!("{}\n", revoked.message),
        ),
    }
}

/// What `token create` prints: the token on the first line (`Generated token: <token>`, which
/// scripts parse), its id, scope and expiry, how to use it and how to keep it safe.
fn created_message(created: &TokenCreated) -> String {
    let token = &created.token;
    let id = &created.token_id;
    let scope = created.scope;
    let expires = created
        .expires_at
        .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339());
    let url = "http://127.0.0.1:8000/v1/clients";
    format!(
        "Generated token: {token}
Token id: {id}
Scope: {scope}
Expires: {expires}

Use it with curl:
  curl -H \"Authorization: Bearer {token}\" {url}

or with Python requests:
  import requests
  headers = {{\"Authorization\": \"Bearer {token}\"}}
  requests.get(\"{url}\", headers=headers)

Keep it safe:
  - It is shown only this once: the store keeps only its hash.
  - Store it in a secret manager or an environment variable (e.g. MCP_ORCHESTRATION_TOKEN);
    never commit it to version control.
  - Revoke it when it is no longer needed or may have leaked:
    mcp-orchestration token revoke {id}
"
    )
}

/// The tokens as an aligned text table.
fn token_table(tokens: &[TokenInfo]) -> String {
    table(
        [
            "TOKEN ID",
            "NAME",
            "SCOPE",
            "CREATED",
            "LAST USED",
            "USES",
            "EXPIRES",
        ],
        tokens.iter().map(|t| {
            [
                t.token_id.clone(),
                t.name.clone().unwrap_or_else(|| "-".to_owned()),
                t.scope.to_string(),
                t.created_at.to_rfc3339(),
                when(t.last_used),
                t.usage_count.to_string(),
                when(t.expires_at),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use mcp_orchestration_core::{Scope, Timestamp};

    use super::*;

    #[test]
    fn a_created_token_comes_with_usage_and_safety_notes() {
        let token = "tok_abcdefghijklmnopqrstuvwxyz0123456789ABCDE";
        let mut created = TokenCreated {
            token: token.to_owned(),
            token_id: "0123456789abcdef".to_owned(),
            name: Some("ci".to_owned()),
            scope: Scope::Publish,
            created_at: Timestamp(1_764_117_357_123),
            expires_at: None,
            message: String::new(),
        };
        let text = created_message(&created);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("Generated token: {token}"));
        assert_eq!(lines[1], "Token id: 0123456789abcdef");
        assert_eq!(lines[2], "Scope: publish");
        assert_eq!(lines[3], "Expires: never");
        for expected in [
            format!("  curl -H \"Authorization: Bearer {token}\" http://127.0.0.1:8000/v1/clients"),
            "  import requests".to_owned(),
            format!("  headers = {{\"Authorization\": \"Bearer {token}\"}}"),
            "  requests.get(\"http://127.0.0.1:8000/v1/clients\", headers=headers)".to_owned(),
            "    mcp-orchestration token revoke 0123456789abcdef".to_owned(),
        ] {
            assert!(lines.contains(&expected.as_str()), "{expected:?} in {text}");
        }
        for words in [
            "shown only this once",
            "secret manager",
            "MCP_ORCHESTRATION_TOKEN",
        ] {
            assert!(text.contains(words), "{words:?} in {text}");
        }
        assert!(text.contains("never commit it"), "{text}");

        created.expires_at = Some(Timestamp(1_766_709_357_123));
        let text = created_message(&created);
        assert_eq!(
            text.lines().nth(3),
            Some("Expires: 2025-12-26T00:35:57.123Z")
        );
    }

    #[test]
    fn the_token_table_aligns_columns_and_marks_missing_values() {
        let info = |id: &str, name: Option<&str>, uses| TokenInfo {
            token_id: id.to_owned(),
            name: name.map(str::to_owned),
            scope: Scope::Read,
            created_at: Timestamp(1_764_117_357_123),
            last_used: (uses > 0).then_some(Timestamp(1_764_117_400_000)),
            usage_count: uses,
            expires_at: None,
        };
        let table = token_table(&[
            info("0123456789abcdef", Some("a long token name"), 12),
            info("fedcba9876543210", None, 0),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("TOKEN ID          NAME               SCOPE  CREATED"),
            "{table}"
        );
        assert!(
            lines[1].contains(
                "a long token name  read   2025-11-26T00:35:57.123Z  2025-11-26T00:36:40.000Z  12"
            ),
            "{table}"
        );
        assert!(
            lines[2].starts_with("fedcba9876543210  -                  read "),
            "{table}"
        );
        assert!(lines[2].ends_with("0     -"), "{table}");
    }
}
