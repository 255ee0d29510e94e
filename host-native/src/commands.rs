//! `token …` and `keys …`: the CLI working on the store and key files directly, no server
//! needed. A running server sees the changes at once (same SQLite file, same key files).

use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use mcp_orchestration_core::api::Settings;
use mcp_orchestration_core::ports::Keyring;
use mcp_orchestration_core::signing::{SigningKeys, to_hex};
use mcp_orchestration_core::token::{self, TokenRecord};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Entropy, Error, Timestamp};
use serde_json::Value;

use crate::app::App;
use crate::cli::{KeysCommand, TokenCommand};
use crate::home::Home;
use crate::system::{OsEntropy, SystemClock};

/// Runs a `token` subcommand against the store in `$MCP_ORCHESTRATION_HOME`.
pub fn token(command: TokenCommand) -> anyhow::Result<()> {
    let home = Home::from_env()?;
    let db = home.open_store()?;
    match command {
        TokenCommand::Create {
            name,
            expires_in_days,
        } => {
            let issued = db
                .write(|s| {
                    token::issue(
                        s,
                        &SystemClock,
                        &OsEntropy,
                        name.as_deref(),
                        expires_in_days,
                    )
                })
                .flatten()
                .map_err(core)?;
            print!("{}", created_message(&issued.token, &issued.record));
        }
        TokenCommand::List => {
            let tokens = db
                .read(|s| token::list(s, &Usage::new()))
                .flatten()
                .map_err(core)?;
            if tokens.is_empty() {
                println!("No tokens. Create one with `mcp-orchestration token create`.");
            } else {
                print!("{}", token_table(&tokens));
            }
        }
        TokenCommand::Revoke { id } => {
            let record = db
                .write(|s| token::revoke(s, &id))
                .flatten()
                .map_err(core)?;
            match record.name {
                Some(name) => println!("Revoked token {} ({name})", record.token_id),
                None => println!("Revoked token {}", record.token_id),
            }
        }
    }
    Ok(())
}

/// Runs a `keys` subcommand against the key files in `$MCP_ORCHESTRATION_HOME/keys`.
pub fn keys(command: KeysCommand) -> anyhow::Result<()> {
    let home = Home::from_env()?;
    match command {
        KeysCommand::Init { regenerate } => init_keys(&home, regenerate),
        KeysCommand::Show => {
            let keyring = home.keyring();
            let pem = keyring.load().map_err(core)?.ok_or_else(|| {
                anyhow!(
                    "no signing keys in {}: run `mcp-orchestration keys init`",
                    keyring.private_path().display()
                )
            })?;
            let keys = SigningKeys::from_pkcs8_pem(&pem).map_err(|e| {
                anyhow!(
                    "{} is not a usable key: {}",
                    keyring.private_path().display(),
                    e.detail
                )
            })?;
            println!("Key id: {}", keys.key_id());
            print!("{}", keys.public_key_pem().map_err(core)?);
            Ok(())
        }
    }
}

/// Initializes (or rotates) the keys through the core's own `POST /v1/keys/initialize`, so the
/// CLI archives public keys exactly as the API does. The request is authenticated with a
/// one-off key that never leaves this process.
fn init_keys(home: &Home, regenerate: bool) -> anyhow::Result<()> {
    let mut secret = [0u8; 32];
    OsEntropy.fill(&mut secret).map_err(core)?;
    let api_key = to_hex(&secret);
    let settings = Settings {
        api_key: Some(api_key.clone()),
        ..Settings::from_vars(None, None)
    };
    let app = App::new(home.open_store()?, home.keyring(), settings);
    let body = if regenerate {
        r#"{"regenerate": true}"#
    } else {
        "{}"
    };
    let req = http::Request::post("/v1/keys/initialize")
        .header("x-api-key", api_key)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body.as_bytes()))
        .context("cannot build the key request")?;
    let res = app.answer(req);
    let answer: Value = serde_json::from_slice(res.body()).context("the key answer is not JSON")?;
    let text = |field: &str| {
        answer
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if !res.status().is_success() {
        if text("code") == "KEYS_ALREADY_INITIALIZED" {
            bail!(
                "signing keys already exist in {}; pass --regenerate to replace them",
                app.keyring().private_path().display()
            );
        }
        bail!("{}", text("detail"));
    }
    println!(
        "{} (key id {})",
        if regenerate {
            "Signing keys rotated"
        } else {
            "Signing keys created"
        },
        text("key_id")
    );
    println!("Private key: {}", app.keyring().private_path().display());
    println!("Public key:  {}", app.keyring().public_path().display());
    Ok(())
}

/// What `token create` prints: the token on the first line (`Generated token: <token>`, which
/// scripts parse), its id and expiry, how to use it and how to keep it safe.
fn created_message(token: &str, record: &TokenRecord) -> String {
    let id = &record.token_id;
    let expires = record
        .expires_at
        .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339());
    let url = "http://127.0.0.1:8000/v1/clients";
    format!(
        "Generated token: {token}
Token id: {id}
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
fn token_table(tokens: &[TokenRecord]) -> String {
    let when = |t: Option<Timestamp>| t.map_or_else(|| "-".to_owned(), |t| t.to_rfc3339());
    let mut rows = vec![
        [
            "TOKEN ID",
            "NAME",
            "CREATED",
            "LAST USED",
            "USES",
            "EXPIRES",
        ]
        .map(str::to_owned),
    ];
    rows.extend(tokens.iter().map(|t| {
        [
            t.token_id.clone(),
            t.name.clone().unwrap_or_else(|| "-".to_owned()),
            t.created_at.to_rfc3339(),
            when(t.last_used),
            t.usage_count.to_string(),
            when(t.expires_at),
        ]
    }));
    let widths: Vec<usize> = (0..6)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            format!("{}\n", cells.join("  ").trim_end())
        })
        .collect()
}

/// A core error as a CLI message: its human sentence.
fn core(e: Error) -> anyhow::Error {
    anyhow!(e.detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_token_comes_with_usage_and_safety_notes() {
        let token = "tok_abcdefghijklmnopqrstuvwxyz0123456789ABCDE";
        let mut record = TokenRecord {
            token_id: "0123456789abcdef".to_owned(),
            name: Some("ci".to_owned()),
            created_at: Timestamp(1_764_117_357_123),
            last_used: None,
            usage_count: 0,
            expires_at: None,
            revoked: false,
        };
        let text = created_message(token, &record);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("Generated token: {token}"));
        assert_eq!(lines[1], "Token id: 0123456789abcdef");
        assert_eq!(lines[2], "Expires: never");
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

        record.expires_at = Some(Timestamp(1_766_709_357_123));
        let text = created_message(token, &record);
        assert_eq!(
            text.lines().nth(2),
            Some("Expires: 2025-12-26T00:35:57.123Z")
        );
    }

    #[test]
    fn the_token_table_aligns_columns_and_marks_missing_values() {
        let record = |id: &str, name: Option<&str>, uses| TokenRecord {
            token_id: id.to_owned(),
            name: name.map(str::to_owned),
            created_at: Timestamp(1_764_117_357_123),
            last_used: (uses > 0).then_some(Timestamp(1_764_117_400_000)),
            usage_count: uses,
            expires_at: None,
            revoked: false,
        };
        let table = token_table(&[
            record("0123456789abcdef", Some("a long token name"), 12),
            record("fedcba9876543210", None, 0),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("TOKEN ID          NAME               CREATED"),
            "{table}"
        );
        assert!(
            lines[1].contains(
                "a long token name  2025-11-26T00:35:57.123Z  2025-11-26T00:36:40.000Z  12"
            ),
            "{table}"
        );
        assert!(lines[2].starts_with("fedcba9876543210  -  "), "{table}");
        assert!(lines[2].ends_with("0     -"), "{table}");
    }
}
