//! The `token` and `keys` commands and the Python system's command names, run as a user would:
//! the real binary on a fresh home.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(unix)]
mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(home: &Path, args: &[&str]) -> Output {
    run_program(
        Path::new(env!("CARGO_BIN_EXE_mcp-orchestration")),
        home,
        args,
    )
}

fn run_program(program: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("MCP_ORCHESTRATION_HOME", home)
        .output()
        .unwrap()
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = run(home, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(home: &Path, args: &[&str]) -> String {
    let out = run(home, args);
    assert!(!out.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))
        .trim()
}

#[test]
fn tokens_are_created_listed_and_revoked() {
    let home = tempfile::tempdir().unwrap();
    let out = ok(
        home.path(),
        &["token", "create", "--name", "ci", "--expires-in-days", "30"],
    );
    let token = field(&out, "Generated token:");
    assert_eq!(token.len(), 43, "{out}");
    assert!(
        out.contains(&format!(
            "curl -H \"Authorization: Bearer {token}\" http://127.0.0.1:8000/v1/clients"
        )),
        "{out}"
    );
    let id = field(&out, "Token id:").to_owned();

    let list = ok(home.path(), &["token", "list"]);
    let row = list
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap_or_else(|| panic!("{id} not in {list}"));
    assert!(row.contains(" ci "), "{row}");
    assert!(
        !list.contains(token),
        "the list never shows the token itself"
    );

    assert!(
        ok(home.path(), &["token", "revoke", &id]).contains(&format!("Revoked token {id} (ci)"))
    );
    assert!(!ok(home.path(), &["token", "list"]).contains(&id));
    let err = fails(home.path(), &["token", "revoke", &id]);
    assert!(
        err.starts_with(&format!("error: Token '{id}' not found")),
        "{err}"
    );
}

/// The row of `token list` for the token that `created` (a `token create` output) reports.
fn listed_row(home: &Path, created: &str) -> String {
    let id = field(created, "Token id:");
    let list = ok(home, &["token", "list"]);
    list.lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("{id} not in {list}"))
        .to_owned()
}

#[test]
fn a_created_token_comes_with_usage_and_safety_notes() {
    let home = tempfile::tempdir().unwrap();
    let out = ok(home.path(), &["token", "create"]);
    assert!(out.starts_with("Generated token: "), "{out}");
    let token = field(&out, "Generated token:");
    let id = field(&out, "Token id:");
    assert_eq!(field(&out, "Expires:"), "never");
    for line in [
        "  import requests".to_owned(),
        format!("  headers = {{\"Authorization\": \"Bearer {token}\"}}"),
        "  requests.get(\"http://127.0.0.1:8000/v1/clients\", headers=headers)".to_owned(),
        format!("    mcp-orchestration token revoke {id}"),
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} in {out}");
    }
    assert!(
        out.contains("secret manager") && out.contains("MCP_ORCHESTRATION_TOKEN"),
        "{out}"
    );
}

#[test]
fn generate_token_is_token_create() {
    let home = tempfile::tempdir().unwrap();
    let out = ok(
        home.path(),
        &[
            "generate-token",
            "--name",
            "legacy",
            "--expires-in-days",
            "7",
        ],
    );
    assert!(out.starts_with("Generated token: "), "{out}");
    assert_eq!(field(&out, "Generated token:").len(), 43, "{out}");
    assert_ne!(field(&out, "Expires:"), "never", "{out}");
    assert!(listed_row(home.path(), &out).contains(" legacy "));

    let err = fails(home.path(), &["generate-token", "--expires-in-days", "0"]);
    assert!(err.starts_with("error: "), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_named_after_generate_token_creates_a_token() {
    let home = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let link = bin.path().join("mcp-orchestration-generate-token");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_mcp-orchestration"), &link).unwrap();

    let out = run_program(&link, home.path(), &["--name", "linked"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.starts_with("Generated token: "), "{out}");
    assert!(listed_row(home.path(), &out).contains(" linked "));

    let help = run_program(&link, home.path(), &["--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("Usage: mcp-orchestration token create"),
        "{help}"
    );
}

#[cfg(unix)]
#[test]
fn serve_http_serves() {
    let home = tempfile::tempdir().unwrap();
    let server = common::Server::start_with(
        home.path(),
        &[
            "serve-http",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--log-level",
            "info",
        ],
    );
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
    let (status, _, body) = server.request("GET", "/health", &[], b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("healthy"), "{body}");
    server.stop();
}

#[test]
fn help_lists_the_python_command_names() {
    let home = tempfile::tempdir().unwrap();
    let help = ok(home.path(), &["--help"]);
    assert!(help.contains("[alias: serve-http]"), "{help}");
    assert!(
        help.contains("generate-token  is `token create`")
            && help.contains("mcp-orchestration-serve-http")
            && help.contains("mcp-orchestration-generate-token"),
        "{help}"
    );
}

#[test]
fn an_empty_store_lists_no_tokens() {
    let home = tempfile::tempdir().unwrap();
    assert!(ok(home.path(), &["token", "list"]).starts_with("No tokens."));
}

#[test]
fn bad_token_options_fail_with_the_reason() {
    let home = tempfile::tempdir().unwrap();
    let err = fails(home.path(), &["token", "create", "--expires-in-days", "0"]);
    assert!(
        err.starts_with("error: ") && err.to_lowercase().contains("expir"),
        "{err}"
    );
    let err = fails(
        home.path(),
        &["token", "create", "--expires-in-days", "soon"],
    );
    assert!(err.contains("--expires-in-days"), "{err}");
}

#[test]
fn keys_are_created_once_shown_and_rotated_on_request() {
    let home = tempfile::tempdir().unwrap();
    let err = fails(home.path(), &["keys", "show"]);
    assert!(
        err.contains("no signing keys") && err.contains("keys init"),
        "{err}"
    );

    let created = ok(home.path(), &["keys", "init"]);
    assert!(
        created.starts_with("Signing keys created (key id "),
        "{created}"
    );
    let private = home.path().join("keys/signing.key");
    assert!(
        std::fs::read_to_string(&private)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    let public = std::fs::read_to_string(home.path().join("keys/signing.pub")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let shown = ok(home.path(), &["keys", "show"]);
    let key_id = field(&shown, "Key id:").to_owned();
    assert!(created.contains(&key_id), "{created} vs {shown}");
    assert!(shown.ends_with(&public), "{shown}");

    let err = fails(home.path(), &["keys", "init"]);
    assert!(
        err.contains("already exist") && err.contains("--regenerate"),
        "{err}"
    );
    assert_eq!(
        field(&ok(home.path(), &["keys", "show"]), "Key id:"),
        key_id,
        "a refused init changes nothing"
    );

    assert!(ok(home.path(), &["keys", "init", "--regenerate"]).starts_with("Signing keys rotated"));
    assert_ne!(
        field(&ok(home.path(), &["keys", "show"]), "Key id:"),
        key_id
    );
}

#[test]
fn every_command_has_help() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["serve-http", "--help"],
        &["generate-token", "--help"],
        &["token", "--help"],
        &["token", "create", "--help"],
        &["token", "list", "--help"],
        &["token", "revoke", "--help"],
        &["keys", "--help"],
        &["keys", "init", "--help"],
        &["keys", "show", "--help"],
    ] {
        assert!(
            ok(home.path(), args).contains("Usage: mcp-orchestration"),
            "{args:?}"
        );
    }
}
