//! `cargo bench -p mcp-orchestration --bench http`: throughput and latency of the release
//! `mcp-orchestration serve` over loopback, next to a bare in-process axum server that answers
//! the same bytes, so the table shows what the store, the core and the middleware cost on top of
//! plain axum + hyper. Timings are reported, never asserted; a wrong answer (or any error
//! status) stops the bench, so every figure is for error-free runs.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::ready;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// Keep-alive connections, each sending its next request as soon as the last is answered.
const CONNECTIONS: usize = 64;
/// The measured window of every run.
const WINDOW: Duration = Duration::from_secs(4);
/// An unmeasured run before a scenario's first, on each server.
const WARM_UP: Duration = Duration::from_secs(1);
/// Measured runs per scenario and server, alternating between the servers; the median is shown.
const ROUNDS: usize = 3;
/// At most this many entries go into one draft: request `i` of connection `c` adds `m<i>` to
/// profile `bench-<c>-<i / PER_DRAFT>` (connections of each run have their own numbers).
const PER_DRAFT: usize = 50;
const API_KEY: &str = "bench-api-key";
/// Log level of the measured server (`info` would write one log line per request).
const LOG_LEVEL: &str = "warn";
/// `POST …/draft/add` req/s before group commit (commit dd6995e: each write request its own
/// transaction on the blocking pool), measured by this bench (64 connections) on the 2-core
/// development machine, swapping that commit's binary in; the POST row is compared with it.
const ADD_BEFORE_PER_SECOND: f64 = 4779.0;

/// Builds request `i` of connection `c`.
type MakeRequest = fn(usize, usize) -> Request<Full<Bytes>>;

fn list_servers(_: usize, _: usize) -> Request<Full<Bytes>> {
    request(Method::GET, "/v1/servers".into(), Bytes::new())
}

fn list_clients(_: usize, _: usize) -> Request<Full<Bytes>> {
    request(Method::GET, "/v1/clients".into(), Bytes::new())
}

/// The draft the capture step fills (a store read on every request: no shared answer).
fn view_draft(_: usize, _: usize) -> Request<Full<Bytes>> {
    let path = format!("/v1/config/claude-desktop/bench-{CONNECTIONS}-0/draft");
    request(Method::GET, path, Bytes::new())
}

fn health(_: usize, _: usize) -> Request<Full<Bytes>> {
    request(Method::GET, "/health".into(), Bytes::new())
}

fn add_to_draft(c: usize, i: usize) -> Request<Full<Bytes>> {
    let path = format!(
        "/v1/config/claude-desktop/bench-{c}-{}/draft/add",
        i / PER_DRAFT
    );
    let body = format!(r#"{{"server_id":"memory","name":"m{i}"}}"#);
    request(Method::POST, path, body.into())
}

fn request(method: Method, path: String, body: Bytes) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, "127.0.0.1")
        .header("x-api-key", API_KEY);
    if !body.is_empty() {
        builder = builder.header(CONTENT_TYPE, "application/json");
    }
    builder.body(Full::new(body)).expect("a valid request")
}

/// The `serve` process on a temporary home; SIGTERM and reaped on drop.
struct RealServer {
    child: Child,
    addr: SocketAddr,
    _home: tempfile::TempDir,
}

impl RealServer {
    fn start() -> Self {
        let home = tempfile::tempdir().expect("a temporary home");
        let port = StdListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"))
            .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--log-level", LOG_LEVEL])
            .env("HOME", home.path())
            .env("MCP_ORCHESTRATION_HOME", home.path().join("state"))
            .env("MCP_ORCHESTRATION_API_KEY", API_KEY)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mcp-orchestration starts");
        Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            _home: home,
        }
    }

    async fn wait_healthy(&mut self) {
        let give_up = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(stream) = TcpStream::connect(self.addr).await {
                let req = request(Method::GET, "/health".into(), Bytes::new());
                if let Ok((StatusCode::OK, _)) = fetch(stream, req).await {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("mcp-orchestration exited during startup: {status}");
            }
            assert!(Instant::now() < give_up, "no healthy /health within 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let termed = Command::new("kill").args(["-TERM", &pid]).status();
        if !termed.is_ok_and(|s| s.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One request on a fresh connection: the status and the whole body.
async fn fetch(stream: TcpStream, req: Request<Full<Bytes>>) -> hyper::Result<(StatusCode, Bytes)> {
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let res = sender.send_request(req).await?;
    let status = res.status();
    Ok((status, res.into_body().collect().await?.to_bytes()))
}

/// The answers the bare server gives, captured from the real one.
struct Captured {
    servers: Bytes,
    clients: Bytes,
    health: Bytes,
    draft: Bytes,
    added: Bytes,
}

/// A bare axum server answering the captured bytes, on its own runtime with the real server's
/// settings (one worker thread per core).
fn start_axum(captured: &Captured) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Runtime::new().expect("the axum runtime");
    let Captured {
        servers,
        clients,
        health,
        draft,
        added,
    } = captured;
    let (servers, clients, health, draft, added) = (
        servers.clone(),
        clients.clone(),
        health.clone(),
        draft.clone(),
        added.clone(),
    );
    let app = Router::new()
        .route("/v1/servers", get(move || ready(json(servers.clone()))))
        .route("/v1/clients", get(move || ready(json(clients.clone()))))
        .route("/health", get(move || ready(json(health.clone()))))
        .route(
            "/v1/config/{client}/{profile}/draft",
            get(move || ready(json(draft.clone()))),
        )
        .route(
            "/v1/config/{client}/{profile}/draft/add",
            post(move |body: Bytes| {
                std::hint::black_box(body);
                ready(json(added.clone()))
            }),
        );
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port for axum");
    let addr = listener.local_addr().expect("axum's address");
    runtime.spawn(async move { axum::serve(listener, app).await });
    (runtime, addr)
}

fn json(body: Bytes) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], body)
}

/// What one run measured.
struct Stats {
    per_second: f64,
    errors: usize,
    p50: Duration,
    p99: Duration,
}

/// Runs `make` from [`CONNECTIONS`] keep-alive connections, numbered from `first`, for `window`.
async fn load(addr: SocketAddr, make: MakeRequest, first: usize, window: Duration) -> Stats {
    let start = Instant::now();
    let deadline = start + window;
    let connections: Vec<_> = (first..first + CONNECTIONS)
        .map(|c| tokio::spawn(connection(addr, c, make, deadline)))
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for connection in connections {
        let (times, failed) = connection.await.expect("a load connection");
        latencies.extend(times);
        errors += failed;
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Stats {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        errors,
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The run of median throughput among `runs`, with the errors of all of them.
fn median(mut runs: Vec<Stats>) -> Stats {
    let errors = runs.iter().map(|s| s.errors).sum();
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    let mid = runs.swap_remove(runs.len() / 2);
    Stats { errors, ..mid }
}

async fn connection(
    addr: SocketAddr,
    c: usize,
    make: MakeRequest,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(conn);
    let mut latencies = Vec::new();
    let mut errors = 0;
    while Instant::now() < deadline {
        let req = make(c, latencies.len());
        let sent = Instant::now();
        let res = sender.send_request(req).await.expect("an answer");
        let status = res.status();
        let body = res.into_body().collect().await.expect("a body").to_bytes();
        latencies.push(sent.elapsed());
        if !status.is_success() {
            if errors == 0 {
                eprintln!("{status}: {}", String::from_utf8_lossy(&body));
            }
            errors += 1;
        }
    }
    (latencies, errors)
}

fn micros(d: Duration) -> String {
    format!("{} µs", d.as_micros())
}

fn main() {
    // The load generator: one thread, so it takes at most one of the cores.
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client runtime");
    let mut real = RealServer::start();
    client.block_on(real.wait_healthy());

    // The bytes the bare server answers: the reads as they are, and the add that makes a draft
    // of PER_DRAFT / 2 entries (the mean draft size during the POST runs).
    let capture = |req| {
        client.block_on(async {
            let stream = TcpStream::connect(real.addr).await.expect("connect");
            let (status, body) = fetch(stream, req).await.expect("an answer");
            assert!(status.is_success(), "{status}: {body:?}");
            body
        })
    };
    let mut added = Bytes::new();
    for i in 0..PER_DRAFT / 2 {
        added = capture(add_to_draft(CONNECTIONS, i));
    }
    let captured = Captured {
        servers: capture(list_servers(0, 0)),
        clients: capture(list_clients(0, 0)),
        health: capture(health(0, 0)),
        draft: capture(view_draft(0, 0)),
        added,
    };
    let (axum_runtime, axum_addr) = start_axum(&captured);

    let scenarios: [(&str, MakeRequest, usize); 5] = [
        ("GET /v1/servers", list_servers, captured.servers.len()),
        ("GET /v1/clients", list_clients, captured.clients.len()),
        ("GET /health", health, captured.health.len()),
        ("GET …/draft", view_draft, captured.draft.len()),
        ("POST …/draft/add", add_to_draft, captured.added.len()),
    ];
    println!(
        "{CONNECTIONS} keep-alive connections over 127.0.0.1; per scenario and server a {} s \
         warm-up, then the median of {ROUNDS} runs of {} s, alternating between the servers; \
         {} cores shared by server and load generator; server log level {LOG_LEVEL}.",
        WARM_UP.as_secs(),
        WINDOW.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!(
        "POST adds `memory` as m<i> to profile bench-<conn>-<i/{PER_DRAFT}> of claude-desktop, \
         so no draft exceeds {PER_DRAFT} entries; axum answers a captured {}-entry add.\n",
        PER_DRAFT / 2
    );
    println!(
        "{:<18} {:<18} {:>12} {:>7} {:>10} {:>10}",
        "scenario", "server", "req/s", "errors", "p50", "p99"
    );
    let mut adds = None;
    // Connection numbers of the runs start past the capture's (`CONNECTIONS`).
    let mut first = 2 * CONNECTIONS;
    let mut run = |addr, make, window| {
        first += CONNECTIONS;
        client.block_on(load(addr, make, first, window))
    };
    for (name, make, bytes) in scenarios {
        run(real.addr, make, WARM_UP);
        run(axum_addr, make, WARM_UP);
        let (mut ours, mut bare) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            ours.push(run(real.addr, make, WINDOW));
            bare.push(run(axum_addr, make, WINDOW));
        }
        let (ours, bare) = (median(ours), median(bare));
        for (label, server, s) in [(name, "mcp-orchestration", &ours), ("", "bare axum", &bare)] {
            println!(
                "{label:<18} {server:<18} {:>12.0} {:>7} {:>10} {:>10}",
                s.per_second,
                s.errors,
                micros(s.p50),
                micros(s.p99)
            );
        }
        println!(
            "{:<18} {:<18} {:>11.2}x {:>7} {:>9.2}x {:>9.2}x",
            format!("({bytes} B answer)"),
            "ratio mcp/axum",
            ours.per_second / bare.per_second,
            "",
            ours.p50.as_secs_f64() / bare.p50.as_secs_f64(),
            ours.p99.as_secs_f64() / bare.p99.as_secs_f64(),
        );
        if name.starts_with("POST") {
            adds = Some(ours);
        }
    }
    if let Some(add) = adds {
        println!(
            "\nPOST …/draft/add: {:.0} req/s with {} errors, {:.2}x the {ADD_BEFORE_PER_SECOND:.0} \
             req/s before group commit.",
            add.per_second,
            add.errors,
            add.per_second / ADD_BEFORE_PER_SECOND,
        );
    }
    drop(axum_runtime);
    drop(real);
}
