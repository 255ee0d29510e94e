//! `serve` as a process: startup output, a taken port, requests end to end, graceful shutdown.
//! (Route-by-route behaviour is the black-box suite's job in the workspace's `tests/`.)
//! Unix only: stopping the server sends SIGTERM with `kill`.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use common::{Server, wait_for};

#[test]
fn a_server_starts_answers_and_stops_gracefully() {
    let home = tempfile::tempdir().unwrap();
    let server = Server::start(home.path());
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
    assert_eq!(server.token.len(), 43);

    let (status, head, body) = server.request("GET", "/health", &[], b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("healthy"), "{body}");
    assert!(
        head.contains("x-request-id: "),
        "a request id is generated: {head}"
    );

    let (_, head, _) = server.request("GET", "/health", &[("X-Request-ID", "trace-me-42")], b"");
    assert!(head.contains("x-request-id: trace-me-42"), "{head}");
    let logged = wait_for(&server.log, "trace-me-42");
    assert!(
        logged.contains("GET") && logged.contains("/health") && logged.contains("status=200"),
        "{logged}"
    );

    let (status, _, body) = server.request("GET", "/v1/clients", &[], b"");
    assert_eq!(status, 401, "{body}");
    let bearer = format!("Bearer {}", server.token);
    let (status, _, body) =
        server.request("GET", "/v1/clients", &[("Authorization", &bearer)], b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("claude"), "{body}");

    let big = vec![b'x'; 2 << 20];
    let (status, _, body) = server.request(
        "POST",
        "/v1/config/diff",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        &big,
    );
    assert_eq!(status, 413, "{body}");

    let log = server.stop();
    assert!(
        log.iter()
            .any(|l| l.contains("Server shut down gracefully")),
        "{log:?}"
    );

    // Usage counted in memory was saved at shutdown: one authenticated use (the 401 and the
    // 413 never got as far as checking the token).
    let list = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(["token", "list"])
        .env("MCP_ORCHESTRATION_HOME", home.path())
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let row: Vec<&str> = list
        .lines()
        .find(|l| l.contains(" admin "))
        .unwrap_or_else(|| panic!("{list}"))
        .split_whitespace()
        .collect();
    assert_eq!(row[2], "admin", "scope in {list}");
    assert_eq!(row[5], "1", "uses in {list}");
    assert_ne!(row[4], "-", "last used in {list}");
}

#[test]
fn a_second_start_reuses_the_store_and_prints_no_new_token() {
    let home = tempfile::tempdir().unwrap();
    Server::start(home.path()).stop();
    let mut again = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(["serve", "--port", "0"])
        .env("MCP_ORCHESTRATION_HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, log) = mpsc::channel();
    let stderr = again.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    wait_for(&log, "Listening on ");
    assert!(
        Command::new("kill")
            .args(["-TERM", &again.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let out = again.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "no second token is printed"
    );
}

#[test]
fn a_taken_port_is_one_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(["serve", "--port", &port])
        .env("MCP_ORCHESTRATION_HOME", home.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .lines()
            .any(|l| l
                == format!("error: cannot listen on 127.0.0.1:{port}: address already in use")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "no token is issued when the server cannot start"
    );
}

#[test]
fn at_info_each_answer_is_one_log_line_with_its_request_id() {
    let home = tempfile::tempdir().unwrap();
    let server = Server::start(home.path());
    let (status, head, _) = server.request("POST", "/v1/nope", &[("X-Request-ID", "req-42")], b"");
    assert_eq!(status, 404);
    assert!(head.contains("x-request-id: req-42"), "{head}");
    let line = wait_for(&server.log, "answered");
    for part in [
        "method=POST",
        "/v1/nope",
        "peer=127.0.0.1",
        "status=404",
        "latency=",
        "req-42",
    ] {
        assert!(line.contains(part), "{part} missing: {line}");
    }
    let rest = server.stop();
    assert!(
        !rest.iter().any(|l| l.contains("answered")),
        "more than one line for one request: {rest:?}"
    );
}
