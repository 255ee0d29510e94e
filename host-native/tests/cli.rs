//! The local commands (`token`, `keys`, the draft-to-deploy workflow) and the Python system's
//! command names, run as a user would: the real binary on a fresh home. `HOME` is `user/` inside
//! it, so deploys write client files there.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(unix)]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

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
        .env("HOME", home.join("user"))
        .env_remove("XDG_CONFIG_HOME")
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

/// Runs a command that must fail with exit status 1; its stderr.
fn fails(home: &Path, args: &[&str]) -> String {
    let out = run(home, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Runs a command with `--json` that must succeed; its output.
fn json(home: &Path, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    serde_json::from_str(&ok(home, &args)).unwrap()
}

/// Runs a command with `--json` that must fail with exit status 1: the error body on stdout,
/// nothing on stderr.
fn json_error(home: &Path, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    let out = run(home, &args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
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
        &[
            "token",
            "create",
            "--name",
            "ci",
            "--expires-in-days",
            "30",
            "--scope",
            "publish",
        ],
    );
    let token = field(&out, "Generated token:");
    assert_eq!(field(&out, "Scope:"), "publish", "{out}");
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
    assert!(row.contains(" ci ") && row.contains(" publish "), "{row}");
    assert!(list.starts_with("TOKEN ID "), "{list}");
    assert!(list.lines().next().unwrap().contains(" SCOPE "), "{list}");
    assert!(
        !list.contains(token),
        "the list never shows the token itself"
    );

    assert_eq!(
        ok(home.path(), &["token", "revoke", &id]),
        format!("Token '{id}' revoked; it no longer authenticates\n")
    );
    assert!(!ok(home.path(), &["token", "list"]).contains(&id));
    let err = fails(home.path(), &["token", "revoke", &id]);
    assert_eq!(
        err,
        format!("error: Token '{id}' not found (TOKEN_NOT_FOUND)\n")
    );
}

#[test]
fn token_json_is_the_api_body() {
    let home = tempfile::tempdir().unwrap();
    let created = json(home.path(), &["token", "create", "--name", "ci"]);
    assert_eq!(created["token"].as_str().unwrap().len(), 43, "{created}");
    assert_eq!(created["name"], "ci");
    assert_eq!(created["scope"], "admin", "no --scope is admin: {created}");
    let id = created["token_id"].as_str().unwrap();
    let listed = json(home.path(), &["token", "list"]);
    assert_eq!(listed["tokens"][0]["token_id"], id, "{listed}");
    assert_eq!(listed["tokens"][0]["scope"], "admin", "{listed}");
    assert!(listed["tokens"][0].get("token").is_none(), "{listed}");
    let revoked = json(home.path(), &["token", "revoke", id]);
    assert_eq!(
        (&revoked["status"], &revoked["success"]),
        (&"revoked".into(), &true.into())
    );
    let err = json_error(home.path(), &["token", "revoke", id]);
    assert_eq!(err["code"], "TOKEN_NOT_FOUND", "{err}");
    assert_eq!(err["error_type"], "NotFound", "{err}");
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
            "--scope",
            "read",
        ],
    );
    assert!(out.starts_with("Generated token: "), "{out}");
    assert_eq!(field(&out, "Generated token:").len(), 43, "{out}");
    assert_ne!(field(&out, "Expires:"), "never", "{out}");
    assert_eq!(field(&out, "Scope:"), "read", "{out}");
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
    let out = run(
        home.path(),
        &["token", "create", "--expires-in-days", "soon"],
    );
    assert_eq!(out.status.code(), Some(2), "a bad command line");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--expires-in-days"), "{err}");
}

#[test]
fn keys_are_created_once_shown_and_rotated_on_request() {
    let home = tempfile::tempdir().unwrap();
    let err = fails(home.path(), &["keys", "show"]);
    assert!(err.ends_with("(KEYS_NOT_FOUND)\n"), "{err}");

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
        err.starts_with("error: Signing keys are already initialized")
            && err.ends_with("(KEYS_ALREADY_INITIALIZED)\n"),
        "{err}"
    );
    assert_eq!(
        field(&ok(home.path(), &["keys", "show"]), "Key id:"),
        key_id,
        "a refused init changes nothing"
    );

    assert!(ok(home.path(), &["keys", "init", "--regenerate"]).starts_with("Signing keys rotated"));
    let shown = json(home.path(), &["keys", "show"]);
    assert_ne!(shown["key_id"], key_id.as_str());
    let rotated = json(home.path(), &["keys", "init", "--regenerate"]);
    assert_eq!(rotated["status"], "initialized", "{rotated}");
    assert_eq!(rotated["keys"].as_array().unwrap().len(), 3, "{rotated}");
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
        &["servers", "list", "--help"],
        &["servers", "show", "--help"],
        &["draft", "add", "--help"],
        &["draft", "remove", "--help"],
        &["draft", "show", "--help"],
        &["draft", "clear", "--help"],
        &["validate", "--help"],
        &["publish", "--help"],
        &["deploy", "--help"],
        &["history", "--help"],
        &["diff", "--help"],
    ] {
        assert!(
            ok(home.path(), args).contains("Usage: mcp-orchestration"),
            "{args:?}"
        );
    }
}

const CLAUDE: [&str; 2] = ["--client", "claude-desktop"];

/// `args` followed by `--client claude-desktop`.
fn claude<'a>(args: &[&'a str]) -> Vec<&'a str> {
    args.iter().copied().chain(CLAUDE).collect()
}

fn is_artifact_id(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn the_whole_workflow_runs_from_the_cli() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(ok(h, &["keys", "init"]).starts_with("Signing keys created"));

    // The catalog.
    let found = ok(h, &["servers", "list", "--query", "git"]);
    assert!(found.starts_with("ID "), "{found}");
    assert!(
        found
            .lines()
            .any(|l| l.split_whitespace().eq(["git", "stdio", "built-in", "Git"])),
        "{found}"
    );
    let found = json(h, &["servers", "list", "--query", "git"]);
    let ids: Vec<&str> = found["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["server_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"git"), "{found}");
    assert_eq!(found["count"], ids.len());
    let shown = ok(h, &["servers", "show", "filesystem"]);
    assert!(shown.starts_with("Filesystem (filesystem)"), "{shown}");
    assert!(shown.contains("Transport: stdio"), "{shown}");
    assert!(
        shown.lines().any(|l| l
            .split_whitespace()
            .take(3)
            .eq(["path", "path", "required"])),
        "{shown}"
    );
    assert_eq!(
        json(h, &["servers", "show", "filesystem"])["parameters"][0]["name"],
        "path"
    );
    assert!(fails(h, &["servers", "show", "nope"]).ends_with("(SERVER_NOT_FOUND)\n"));
    assert!(
        fails(h, &["servers", "list", "--transport", "pigeon"]).ends_with("(INVALID_TRANSPORT)\n")
    );

    // The draft, with the API's codes for bad parameters.
    let added = ok(
        h,
        &claude(&["draft", "add", "filesystem", "--param", "path=/tmp/x"]),
    );
    assert_eq!(
        added,
        "Added 'filesystem' to the claude-desktop/default draft as 'filesystem'\n"
    );
    for (args, code) in [
        (
            &[
                "draft",
                "add",
                "filesystem",
                "--name",
                "fs2",
                "--param",
                "nope=1",
            ][..],
            "UNKNOWN_PARAMETER",
        ),
        (
            &["draft", "add", "filesystem", "--name", "fs2"],
            "MISSING_PARAMETERS",
        ),
        (
            &["draft", "add", "figma-dev-mode", "--param", "port=high"],
            "INVALID_PARAMETER",
        ),
        (
            &["draft", "add", "filesystem", "--param", "path=/tmp/y"],
            "DUPLICATE_ENTRY",
        ),
        (&["draft", "remove", "memory"], "ENTRY_NOT_FOUND"),
    ] {
        let err = fails(h, &claude(args));
        assert!(
            err.starts_with("error: ")
                && err.ends_with(&format!("({code})\n"))
                && err.lines().count() == 1,
            "{args:?}: {err}"
        );
        assert_eq!(json_error(h, &claude(args))["code"], code, "{args:?}");
    }
    let typed = json(
        h,
        &claude(&["draft", "add", "figma-dev-mode", "--param", "port=3845"]),
    );
    assert_eq!(
        typed["draft"]["mcpServers"]["figma-dev-mode"]["url"], "http://127.0.0.1:3845/mcp",
        "{typed}"
    );
    ok(h, &claude(&["draft", "remove", "figma-dev-mode"]));
    let draft = json(h, &claude(&["draft", "show"]));
    assert_eq!(draft["server_count"], 1, "{draft}");
    assert_eq!(
        draft["mcpServers"]["filesystem"]["args"][2], "/tmp/x",
        "{draft}"
    );
    assert!(ok(h, &claude(&["draft", "show"])).contains("filesystem  npx -y "));

    // Validate, publish, deploy.
    assert!(ok(h, &claude(&["validate"])).starts_with("The claude-desktop/default draft is valid"));
    assert_eq!(json(h, &claude(&["validate"]))["valid"], true);
    let published = json(h, &claude(&["publish", "--changelog", "first"]));
    assert!(is_artifact_id(&published["artifact_id"]), "{published}");
    assert_eq!(published["status"], "published", "{published}");
    let artifact = published["artifact_id"].as_str().unwrap().to_owned();
    let deployed = json(h, &claude(&["deploy"]));
    assert_eq!(deployed["artifact_id"], artifact.as_str(), "{deployed}");
    let config_path = deployed["config_path"].as_str().unwrap().to_owned();
    assert!(
        Path::new(&config_path).starts_with(h.join("user")),
        "{config_path}"
    );
    #[cfg(target_os = "linux")]
    assert_eq!(
        Path::new(&config_path),
        h.join("user/.config/Claude/claude_desktop_config.json")
    );
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    assert_eq!(
        written["mcpServers"]["filesystem"]["args"][2], "/tmp/x",
        "{written}"
    );

    // History and diffs.
    let history = json(h, &claude(&["history"]));
    assert_eq!(
        history["artifacts"][0]["artifact_id"],
        artifact.as_str(),
        "{history}"
    );
    assert_eq!(
        history["artifacts"][0]["metadata"]["published_by"], "cli",
        "{history}"
    );
    assert_eq!(
        history["artifacts"][0]["metadata"]["changelog"], "first",
        "{history}"
    );
    assert!(
        ok(h, &claude(&["history"]))
            .lines()
            .nth(1)
            .unwrap()
            .starts_with(&artifact)
    );
    assert_eq!(ok(h, &claude(&["diff"])), "No differences.\n");
    ok(h, &claude(&["draft", "add", "memory"]));
    let text = ok(h, &claude(&["diff", "latest", "draft"]));
    assert!(text.starts_with("+ memory: "), "{text}");
    assert!(
        text.ends_with("1 added, 0 removed, 0 modified, 1 unchanged\n"),
        "{text}"
    );
    let diff = json(h, &claude(&["diff"]));
    assert_eq!(diff["added"], serde_json::json!(["memory"]), "{diff}");
    assert_eq!(diff["status"], "outdated", "{diff}");
    let backwards = json(h, &claude(&["diff", "draft", &artifact]));
    assert_eq!(
        backwards["removed"],
        serde_json::json!(["memory"]),
        "{backwards}"
    );
    assert_eq!(
        ok(h, &claude(&["diff", "deployed", &config_path])),
        "No differences.\n"
    );
    assert!(fails(h, &claude(&["diff", "latest", "no-such-file.json"])).ends_with("(FILE_READ)\n"));

    // A second publish and a rollback to the first artifact.
    let second = json(h, &claude(&["publish"]));
    assert_ne!(second["artifact_id"], artifact.as_str());
    let before = std::fs::read_to_string(&config_path).unwrap();
    let dry = ok(h, &claude(&["deploy", "--dry-run"]));
    assert!(
        dry.starts_with("Dry run: ") && dry.contains("\nAdded: memory\n"),
        "{dry}"
    );
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), before);
    assert_eq!(
        json(h, &claude(&["diff", "deployed", &config_path]))["status"],
        "up-to-date",
        "a dry run records nothing"
    );
    ok(h, &claude(&["deploy"]));
    let rolled = ok(h, &claude(&["deploy", "--artifact", &artifact]));
    assert!(
        rolled.contains(&format!("Artifact: {artifact}")),
        "{rolled}"
    );
    assert!(rolled.contains("Backup: "), "{rolled}");
    assert_eq!(
        json(h, &claude(&["history"]))["artifacts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Clearing leaves an empty, invalid draft: validate exits 1 and says why.
    assert_eq!(
        ok(h, &claude(&["draft", "clear"])),
        "Cleared the claude-desktop/default draft\n"
    );
    let out = run(h, &claude(&["validate"]));
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("is invalid") && report.contains("error EMPTY_CONFIG"),
        "{report}"
    );
    let out = run(h, &claude(&["validate", "--json"]));
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"][0]["code"], "EMPTY_CONFIG", "{report}");
    let refused = json_error(h, &claude(&["publish"]));
    assert_eq!(refused["code"], "VALIDATION_FAILED", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "EMPTY_CONFIG", "{refused}");
}

#[test]
fn errors_carry_the_api_codes_and_usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let err = fails(h, &["draft", "show", "--client", "no-such-client"]);
    assert_eq!(
        err,
        "error: Client 'no-such-client' not found (CLIENT_NOT_FOUND)\n"
    );
    let body = json_error(h, &["history", "--client", "no-such-client"]);
    assert_eq!(
        body,
        serde_json::json!({
            "detail": "Client 'no-such-client' not found",
            "error_type": "NotFound",
            "code": "CLIENT_NOT_FOUND"
        })
    );
    assert!(fails(h, &claude(&["publish"])).ends_with("(VALIDATION_FAILED)\n"));
    ok(h, &claude(&["draft", "add", "memory"]));
    let err = fails(h, &claude(&["publish"]));
    assert!(
        err.contains("keys init") && err.ends_with("(KEYS_NOT_INITIALIZED)\n"),
        "{err}"
    );
    assert!(fails(h, &claude(&["deploy"])).ends_with("(NOTHING_PUBLISHED)\n"));
    assert!(fails(h, &claude(&["diff", "deployed", "draft"])).ends_with("(NOTHING_DEPLOYED)\n"));
    assert!(fails(h, &claude(&["deploy", "--artifact", "abc"])).ends_with("(INVALID_ID)\n"));

    for args in [
        &["draft", "show"][..],
        &[
            "draft", "add", "memory", "--param", "novalue", "--client", "c",
        ],
        &["publish", "--client"],
        &["launch"],
    ] {
        let out = run(h, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_running_server_sees_what_the_cli_does_and_answers_the_same_errors() {
    let home = tempfile::tempdir().unwrap();
    let server = common::Server::start(home.path());
    let auth = format!("Bearer {}", server.token);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];

    ok(
        home.path(),
        &claude(&["draft", "add", "filesystem", "--param", "path=/tmp/x"]),
    );
    let (status, _, body) = server.request(
        "GET",
        "/v1/config/claude-desktop/default/draft",
        &headers,
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let draft: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(draft, json(home.path(), &claude(&["draft", "show"])));
    assert_eq!(
        draft["mcpServers"]["filesystem"]["args"][2], "/tmp/x",
        "{draft}"
    );

    let cli = json_error(
        home.path(),
        &claude(&[
            "draft",
            "add",
            "filesystem",
            "--name",
            "fs2",
            "--param",
            "nope=1",
        ]),
    );
    let (status, _, body) = server.request(
        "POST",
        "/v1/config/claude-desktop/default/draft/add",
        &headers,
        br#"{"server_id": "filesystem", "name": "fs2", "params": {"nope": "1"}}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(cli, serde_json::from_str::<Value>(&body).unwrap());
    server.stop();
}

#[test]
fn servers_import_adds_a_team_server_that_drafts_take_and_remove_takes_out() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let file = home.join("server.json");
    std::fs::write(
        &file,
        r#"{
          "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
          "name": "io.github.acme/tickets",
          "description": "Acme's ticket search.",
          "version": "2.3.0",
          "repository": {"url": "https://github.com/acme/tickets-mcp", "source": "github"},
          "packages": [{"registryType": "pypi", "identifier": "acme-tickets-mcp", "version": "2.3.0",
                        "transport": {"type": "stdio"}}]
        }"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let added = json(home, &["servers", "import", path]);
    assert_eq!(added["server"]["server_id"], "tickets", "{added}");
    assert_eq!(added["server"]["origin"], "team");
    let listed = ok(home, &["servers", "list", "--query", "tickets"]);
    assert!(
        listed.contains("tickets") && listed.contains("team"),
        "{listed}"
    );
    let again = json_error(home, &["servers", "import", path]);
    assert_eq!(again["code"], "SERVER_EXISTS", "{again}");

    let draft = json(home, &["draft", "add", "tickets", "--client", "cursor"]);
    assert_eq!(
        draft["draft"]["mcpServers"]["tickets"],
        serde_json::json!({"command": "uvx", "args": ["acme-tickets-mcp@2.3.0"]})
    );

    std::fs::write(
        &file,
        r#"{"name": "io.github.acme/x", "description": "d", "version": "1",
        "websiteUrl": "https://acme.example", "packages": [{"registryType": "nuget",
        "identifier": "Acme.X", "transport": {"type": "stdio"}}]}"#,
    )
    .unwrap();
    let refused = json_error(home, &["servers", "import", path, "--id", "x"]);
    assert_eq!(refused["code"], "SERVER_JSON_INVALID", "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("packages[0].registryType")
    );

    let removed = json(home, &["servers", "remove", "tickets"]);
    assert_eq!(removed["status"], "removed");
    let builtin = json_error(home, &["servers", "remove", "memory"]);
    assert_eq!(builtin["code"], "SERVER_READ_ONLY");
}

/// Every byte of the store's files (the database and its write-ahead log), as text.
fn store_bytes(home: &Path) -> String {
    ["store.db", "store.db-wal", "store.db-shm"]
        .iter()
        .filter_map(|f| std::fs::read(home.join(f)).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn claude_desktop_gets_a_secret_filled_in_locally_and_the_store_never_sees_it() {
    use std::os::unix::fs::PermissionsExt;
    const VALUE: &str = "BSA_s3cr3t_never_stored_0123456789";
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    ok(home, &["keys", "init"]);
    let added = json(
        home,
        &[
            "draft",
            "add",
            "brave-search",
            "--client",
            "claude-desktop",
            "--secret-env",
            "BRAVE_API_KEY=TEAM_BRAVE_KEY",
        ],
    );
    assert_eq!(
        added["draft"]["mcpServers"]["brave-search"]["env"]["BRAVE_API_KEY"],
        serde_json::json!({"secret": "TEAM_BRAVE_KEY"})
    );
    let validated = ok(home, &["validate", "--client", "claude-desktop"]);
    assert!(!validated.contains("PLAINTEXT_SECRET"), "{validated}");
    ok(home, &["publish", "--client", "claude-desktop"]);

    // Not on the machine: the deploy refuses and writes nothing.
    let refused = json_error(home, &["deploy", "--client", "claude-desktop"]);
    assert_eq!(refused["code"], "SECRET_UNRESOLVED", "{refused}");
    let config = home.join("user/.config/Claude/claude_desktop_config.json");
    assert!(!config.exists());

    // A secrets file others may read is refused.
    let secrets = home.join("secrets.json");
    std::fs::write(&secrets, format!(r#"{{"TEAM_BRAVE_KEY": "{VALUE}"}}"#)).unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = json_error(home, &["deploy", "--client", "claude-desktop"]);
    assert!(
        open["detail"].as_str().unwrap().contains("chmod 600"),
        "{open}"
    );
    assert!(!open.to_string().contains(VALUE));

    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(home, &["deploy", "--client", "claude-desktop"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(VALUE),
            "the output holds the value"
        );
    }
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(
        file["mcpServers"]["brave-search"]["env"]["BRAVE_API_KEY"],
        VALUE
    );
    let history = ok(home, &["history", "--client", "claude-desktop", "--json"]);
    assert!(!history.contains(VALUE));
    let stored = store_bytes(home);
    assert!(stored.contains("TEAM_BRAVE_KEY"), "the reference is stored");
    assert!(!stored.contains(VALUE), "the store's bytes hold the value");
}

#[test]
fn import_makes_the_draft_from_the_profiles_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let cursor = home.join("user/.cursor");
    std::fs::create_dir_all(&cursor).unwrap();
    let text = r#"{
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] },
    "internal": { "command": "/opt/acme/mcp", "env": { "ACME_TOKEN": "handwritten-token" } }
  },
  "other": true
}
"#;
    std::fs::write(cursor.join("mcp.json"), text).unwrap();
    let imported = json(home, &["import", "--client", "cursor"]);
    assert_eq!(
        imported["linked"],
        serde_json::json!({"memory": "memory"}),
        "{imported}"
    );
    assert_eq!(imported["custom"], serde_json::json!(["internal"]));
    assert_eq!(imported["secrets"][0]["field"], "env.ACME_TOKEN");
    let shown = ok(home, &["import", "--client", "cursor"]);
    assert!(
        shown.contains("internal: env.ACME_TOKEN holds a literal secret"),
        "{shown}"
    );
    assert!(!shown.contains("handwritten-token"), "{shown}");
    ok(home, &["keys", "init"]);
    ok(home, &["publish", "--client", "cursor"]);
    ok(home, &["deploy", "--client", "cursor"]);
    assert_eq!(
        std::fs::read_to_string(cursor.join("mcp.json")).unwrap(),
        text
    );
}
