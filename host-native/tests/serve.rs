//! `serve` as a process: startup output, a taken port, requests end to end, graceful shutdown.
//! (Route-by-route behaviour is the black-box suite's job in the workspace's `tests/`.)
//! Unix only: stopping the server sends SIGTERM with `kill`.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Server {
    child: Child,
    base: String,
    token: String,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(home: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
            .args(["serve", "--port", "0"])
            .env("MCP_ORCHESTRATION_HOME", home)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let token = line
            .strip_prefix("Generated token: ")
            .unwrap_or_else(|| panic!("{line:?}"))
            .trim()
            .to_owned();
        let listening = wait_for(&log, "Listening on ");
        let base = listening
            .split("Listening on ")
            .nth(1)
            .unwrap()
            .trim()
            .to_owned();
        Self {
            child,
            base,
            token,
            log,
        }
    }

    fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap()
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, String) {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr(),
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading the whole body: write it on the side, and
        // let that write fail once the server closes.
        let mut writer = stream.try_clone().unwrap();
        let body = body.to_vec();
        std::thread::spawn(move || writer.write_all(&body));
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no answer: {raw:?}"));
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, head.to_ascii_lowercase(), body.to_owned())
    }

    fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit status {status}");
        self.log.try_iter().collect()
    }
}

fn wait_for(log: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        let line = log
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}

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
    assert_eq!(row[4], "1", "uses in {list}");
    assert_ne!(row[3], "-", "last used in {list}");
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
