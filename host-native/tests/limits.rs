//! `serve`'s connection limits against hostile clients: requests whose head never ends, more
//! connections than the server has file descriptors, and more busy connections than the cap.
//! Unix only: the server's open-file limit is set by `ulimit` in a shell.
#![cfg(unix)]
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, wait_for};

/// Half-sent requests held open by the client.
const HALF_SENT: usize = 2_000;
/// The server's `--header-timeout`, short for the test.
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);

/// The server started by a shell that limits it to `open_files` descriptors (soft and hard),
/// with `args` after `serve --port 0`.
fn limited_server(home: &std::path::Path, open_files: u32, args: &[&str]) -> Server {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -n {open_files} && exec \"$0\" serve --port 0 \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_mcp-orchestration"))
        .args(args);
    Server::start_command(home, command)
}

/// Sends `head` on a new connection and reads the answer until the server closes it, giving up
/// after `within`: status, lowercased head, body.
fn exchange(addr: &str, head: &str, within: Duration) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        panic!(
            "no whole answer within {within:?} ({e}); got {:?}",
            String::from_utf8_lossy(&raw)
        );
    }
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer: {raw:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_ascii_lowercase(), body.to_owned())
}

/// Whether the server has closed `stream` (end of file or reset), waiting up to its read
/// timeout.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => matches!(
            e.kind(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
        ),
    }
}

#[test]
fn half_sent_requests_neither_starve_the_server_nor_stay_open() {
    // The client needs a descriptor per socket.
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        limit > HALF_SENT as u64 + 100,
        "the test process can open only {limit} files"
    );
    let home = tempfile::tempdir().unwrap();
    let timeout = format!("{}s", HEADER_TIMEOUT.as_secs());
    let server = limited_server(home.path(), 1024, &["--header-timeout", &timeout]);
    let limit_line = wait_for(&server.log, "Open-file limit");
    assert!(limit_line.contains("1024"), "{limit_line}");

    let mut held: Vec<TcpStream> = (0..HALF_SENT)
        .map(|i| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            // A request head that never ends.
            write!(s, "GET /health HTTP/1.1\r\nHost: x\r\nX-Part: {i}\r\n").unwrap();
            s
        })
        .collect();
    let opened = Instant::now();

    let (status, _, body) = exchange(
        server.addr(),
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(1),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("healthy"), "{body}");

    // Every half-sent request is closed by the server: the oldest to make room for newer
    // connections, the rest once the header timeout has passed since their first byte.
    let give_up = opened + HEADER_TIMEOUT + Duration::from_secs(5);
    let mut open = 0;
    for stream in &mut held {
        let left = give_up.saturating_duration_since(Instant::now());
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(10))))
            .unwrap();
        if !closed_by_server(stream) {
            open += 1;
        }
    }
    assert_eq!(
        open, 0,
        "half-sent requests still open after the header timeout"
    );
    drop(held);

    let (status, _, _) = exchange(
        server.addr(),
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(status, 200);
    server.stop();
}

#[test]
fn over_the_cap_with_every_connection_busy_a_new_one_gets_503_and_retry_after() {
    let home = tempfile::tempdir().unwrap();
    let server = limited_server(home.path(), 1024, &["--max-connections", "2"]);
    // Two requests being served: their heads are complete, their bodies still coming.
    let busy: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.write_all(
                b"POST /v1/config/diff HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                  Content-Length: 100\r\n\r\n{",
            )
            .unwrap();
            s
        })
        .collect();
    // Let the server read both heads before the third connection arrives.
    std::thread::sleep(Duration::from_millis(500));

    let (status, head, body) = exchange(
        server.addr(),
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(status, 503, "{head}\n{body}");
    assert!(head.contains("\r\nretry-after: 1"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "SERVER_BUSY", "{body}");
    assert_eq!(body["error_type"], "ServiceUnavailable", "{body}");

    // Once the busy ones go, new connections are served again.
    drop(busy);
    std::thread::sleep(Duration::from_millis(200));
    let (status, _, _) = exchange(
        server.addr(),
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(status, 200);
    server.stop();
}

#[test]
fn a_kept_alive_connection_is_closed_after_the_idle_timeout_and_not_before() {
    let home = tempfile::tempdir().unwrap();
    let server = limited_server(home.path(), 1024, &["--idle-timeout", "2s"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 512];
    let n = stream.read(&mut answer).unwrap();
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&answer[..n])
    );
    let answered = Instant::now();
    // Still open a second in: a second request on it is answered.
    std::thread::sleep(Duration::from_secs(1));
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let n = stream.read(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    let again = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert!(closed_by_server(&mut stream), "still open after 5 s idle");
    let idle = again.elapsed();
    assert!(
        idle >= Duration::from_millis(1800) && idle < Duration::from_secs(4),
        "closed after {idle:?} idle, not about 2 s ({:?} since the first answer)",
        answered.elapsed()
    );
    server.stop();
}

#[test]
fn heads_hyper_cannot_read_get_the_json_error_shape() {
    let home = tempfile::tempdir().unwrap();
    let server = limited_server(home.path(), 1024, &[]);
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let big_head = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "v".repeat(500_000)
    );
    for (head, status, code) in [
        (
            "G@T / HTTP/1.1\r\nHost: x\r\n\r\n".to_owned(),
            400,
            "MALFORMED_REQUEST",
        ),
        (
            "GET / HTTP/1.1\r\nBad Header\r\n\r\n".to_owned(),
            400,
            "MALFORMED_REQUEST",
        ),
        (long_target, 414, "URI_TOO_LONG"),
        (big_head, 431, "HEADERS_TOO_LARGE"),
        // After a good request on the same connection, too.
        (
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n\x01\x02 nonsense\r\n\r\n".to_owned(),
            400,
            "MALFORMED_REQUEST",
        ),
    ] {
        let (got, head_text, body) = exchange(server.addr(), &head, Duration::from_secs(5));
        // The pipelined case answers 200 first: its refusal is the second answer.
        let (got, head_text, body) = match body.split_once("HTTP/1.1 ") {
            Some((_, second)) => {
                let (second_head, second_body) = second.split_once("\r\n\r\n").unwrap();
                let status = second_head[..3].parse().unwrap();
                (
                    status,
                    second_head.to_ascii_lowercase(),
                    second_body.to_owned(),
                )
            }
            None => (got, head_text, body),
        };
        assert_eq!(got, status, "{body}");
        assert!(
            head_text.contains("content-type: application/json"),
            "{head_text}"
        );
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], code, "{body}");
        assert!(error["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    server.stop();
}

#[test]
fn a_half_sent_second_request_is_closed_after_the_header_timeout_not_the_idle_one() {
    let home = tempfile::tempdir().unwrap();
    let server = limited_server(
        home.path(),
        1024,
        &["--header-timeout", "2s", "--idle-timeout", "60s"],
    );
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 512];
    let n = stream.read(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert!(closed_by_server(&mut stream), "still open after 10 s");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1800) && took < Duration::from_secs(4),
        "closed {took:?} after the head began, not about 2 s"
    );
    server.stop();
}
