//! `sync` and `status` against a real native server: a machine in another temporary home pulls
//! the deployed artifact, pins the server's key, picks up a new deploy with `--watch`, refuses a
//! tampered artifact and a swapped key (served by a test double), and tells drift apart from
//! entries the user added.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mcp_orchestration::home::Home;
use mcp_orchestration::pins;
use mcp_orchestration_core::Timestamp;
use mcp_orchestration_core::artifact;
use mcp_orchestration_core::ports::Fixed;
use mcp_orchestration_core::signing::SigningKeys;
use serde_json::{Value, json};

use common::Server;

/// The binary on `home` (its store) with `HOME` = `home/user` (its client files).
fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(args)
        .env("MCP_ORCHESTRATION_HOME", home)
        .env("HOME", home.join("user"))
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("MCP_ORCHESTRATION_TOKEN")
        .output()
        .unwrap()
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = run(home, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Exit status and stdout + stderr.
fn status(home: &Path, args: &[&str]) -> (i32, String) {
    let out = run(home, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code().unwrap(), text)
}

fn claude_file(home: &Path) -> PathBuf {
    home.join("user/.config/Claude/claude_desktop_config.json")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Adds `name` (the filesystem server on `dir`) to the server's draft, publishes and deploys.
fn publish_and_deploy(server_home: &Path, name: &str, dir: &str) {
    let c = ["--client", "claude-desktop"];
    let param = format!("path={dir}");
    let mut add = vec![
        "draft",
        "add",
        "filesystem",
        "--name",
        name,
        "--param",
        &param,
    ];
    add.extend(c);
    ok(server_home, &add);
    ok(server_home, &["publish", c[0], c[1]]);
    ok(server_home, &["deploy", c[0], c[1]]);
}

/// A server with keys, a deployed artifact holding `docs`, and a read token.
fn server_with_a_deploy(server_home: &Path) -> (Server, String) {
    let server = Server::start(server_home);
    ok(server_home, &["keys", "init"]);
    publish_and_deploy(server_home, "docs", "/tmp/docs");
    let created: Value = serde_json::from_str(&ok(
        server_home,
        &[
            "token", "create", "--name", "laptop", "--scope", "read", "--json",
        ],
    ))
    .unwrap();
    (server, created["token"].as_str().unwrap().to_owned())
}

fn sync_args<'a>(base: &'a str, token: &'a str) -> Vec<&'a str> {
    vec![
        "sync",
        "--server",
        base,
        "--client",
        "claude-desktop",
        "--token",
        token,
    ]
}

/// A test double: answers `GET /v1/keys/public` and `…/deployed` with canned JSON.
fn double(keys: Value, deployed: Value) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
            }
            let body = if first.contains("/v1/keys/public") {
                keys.to_string()
            } else {
                deployed.to_string()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

/// Copies the keys pinned for `from` to `to`, as if the double were that server.
fn pin_as(machine: &Path, from: &str, to: &str) {
    let home = Home::at(machine);
    let mut pinned = pins::load(&pins::path(&home, from), from).unwrap();
    assert!(!pinned.keys.is_empty());
    to.clone_into(&mut pinned.server);
    pins::save(&pins::path(&home, to), &pinned).unwrap();
}

#[test]
fn a_machine_syncs_pins_the_key_watches_and_detects_drift() {
    let server_home = tempfile::tempdir().unwrap();
    let machine = tempfile::tempdir().unwrap();
    let m = machine.path();
    let (server, token) = server_with_a_deploy(server_home.path());
    let base = server.base.clone();
    let file = claude_file(m);

    // First contact: the key is pinned and its fingerprint printed; the file is written.
    let (code, text) = status(m, &sync_args(&base, &token));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Pinned the key of "), "{text}");
    assert!(text.contains("+ docs"), "{text}");
    assert_eq!(
        read_json(&file)["mcpServers"]["docs"]["args"][2],
        "/tmp/docs"
    );
    let pin_file = pins::path(&Home::at(m), &base);
    assert!(pin_file.is_file());

    // A dry run of the same artifact changes nothing and says so.
    let mut dry = sync_args(&base, &token);
    dry.push("--dry-run");
    assert!(ok(m, &dry).contains("already holds"));

    // Up to date, locally and against the server.
    let c = ["status", "--client", "claude-desktop"];
    assert_eq!(status(m, &c).0, 0);
    let mut remote = c.to_vec();
    remote.extend(["--server", &base, "--token", &token]);
    assert_eq!(status(m, &remote).0, 0);

    // An entry the user adds is not drift.
    let mut doc = read_json(&file);
    doc["mcpServers"]["mine"] = json!({"command": "my-server", "args": []});
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (code, text) = status(m, &c);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("up-to-date"), "{text}");

    // A hand edit of an owned entry is.
    doc["mcpServers"]["docs"]["args"][2] = json!("/tmp/elsewhere");
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (code, text) = status(m, &c);
    assert_eq!(code, 2, "{text}");
    assert!(text.starts_with("diverged"), "{text}");
    assert!(text.contains("/tmp/elsewhere"), "{text}");
    assert_eq!(status(m, &remote).0, 2);

    // The next sync repairs it and keeps the user's entry.
    let (code, text) = status(m, &sync_args(&base, &token));
    assert_eq!(code, 0, "{text}");
    let synced = read_json(&file);
    assert_eq!(synced["mcpServers"]["docs"]["args"][2], "/tmp/docs");
    assert_eq!(synced["mcpServers"]["mine"]["command"], "my-server");
    assert_eq!(status(m, &c).0, 0);

    // --watch picks up the next publish + deploy.
    let mut watch = sync_args(&base, &token);
    watch.extend(["--watch", "--interval", "1s"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(&watch)
        .env("MCP_ORCHESTRATION_HOME", m)
        .env("HOME", m.join("user"))
        .env_remove("XDG_CONFIG_HOME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    publish_and_deploy(server_home.path(), "notes", "/tmp/notes");
    let deadline = Instant::now() + Duration::from_secs(30);
    while read_json(&file)["mcpServers"].get("notes").is_none() {
        assert!(
            Instant::now() < deadline,
            "--watch did not pick up the deploy"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let watched = read_json(&file);
    assert_eq!(watched["mcpServers"]["mine"]["command"], "my-server");
    assert_eq!(watched["mcpServers"]["docs"]["args"][2], "/tmp/docs");
    assert_eq!(status(m, &c).0, 0);
    // Its polls of an unchanged artifact were 304s.
    let log = server.stop();
    assert!(
        log.iter().any(|l| l.contains("status=304")),
        "{}",
        log.join("\n")
    );
}

#[test]
fn tampered_artifacts_and_swapped_keys_are_refused_with_nothing_written() {
    let server_home = tempfile::tempdir().unwrap();
    let machine = tempfile::tempdir().unwrap();
    let m = machine.path();
    let (server, token) = server_with_a_deploy(server_home.path());
    ok(m, &sync_args(&server.base, &token));
    let file = claude_file(m);
    let before = std::fs::read_to_string(&file).unwrap();
    let auth = format!("Bearer {token}");
    let get = |path: &str| -> Value {
        let (code, _, body) = server.request("GET", path, &[("Authorization", &auth)], b"");
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    };
    let keys = get("/v1/keys/public");
    let deployed = get("/v1/config/claude-desktop/default/deployed");

    // The real artifact with its payload changed.
    let mut tampered = deployed.clone();
    tampered["payload"]["mcpServers"]["docs"]["args"][2] = json!("/etc");
    let base = double(keys.clone(), tampered);
    pin_as(m, &server.base, &base);
    let (code, text) = status(m, &sync_args(&base, &token));
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with("error: artifact refused: "), "{text}");
    assert!(text.contains("ARTIFACT_TAMPERED"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    // A valid artifact signed by another key, which the double serves as its key.
    let other = SigningKeys::generate(&Fixed::new(Timestamp(0), 7)).unwrap();
    let forged = artifact::seal(
        json!({"mcpServers": {"docs": {"command": "evil", "args": []}}}),
        "claude-desktop",
        "default",
        Timestamp(0),
        &other,
        serde_json::Map::new(),
    );
    let other_key = json!({"key_id": other.key_id(), "public_key": other.public_key_pem().unwrap(), "algorithm": "Ed25519"});
    let base = double(other_key, serde_json::to_value(&forged).unwrap());
    pin_as(m, &server.base, &base);
    let pin_file = pins::path(&Home::at(m), &base);
    let pinned = std::fs::read_to_string(&pin_file).unwrap();
    let (code, text) = status(m, &sync_args(&base, &token));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("KEY_NOT_PINNED"), "{text}");
    assert!(text.contains("--accept-new-key"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    assert_eq!(std::fs::read_to_string(&pin_file).unwrap(), pinned);

    // Accepting the new key on purpose pins it beside the old one.
    let mut accept = sync_args(&base, &token);
    accept.push("--accept-new-key");
    ok(m, &accept);
    assert_eq!(read_json(&file)["mcpServers"]["docs"]["command"], "evil");
    assert_eq!(read_json(&pin_file)["keys"].as_array().unwrap().len(), 2);
    server.stop();
}

#[test]
fn network_and_credential_failures_are_one_line() {
    let server_home = tempfile::tempdir().unwrap();
    let machine = tempfile::tempdir().unwrap();
    let m = machine.path();
    let (server, _) = server_with_a_deploy(server_home.path());

    let (code, text) = status(m, &sync_args(&server.base, "not-a-token"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with("error: ") && text.contains("(401)"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");

    let (code, text) = status(m, &sync_args("http://127.0.0.1:9", "t"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with("error: cannot reach http://127.0.0.1:9: "),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!claude_file(m).exists());
    server.stop();
}
