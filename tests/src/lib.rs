//! Black-box HTTP suite for mcp-orchestration: the harness shared by every test file.
//!
//! The suite speaks only HTTP, to whatever host [`target`] names:
//!
//! - by default, the native binary `mcp-orchestration`, started by the harness on a free port
//!   with a temporary `HOME` and `MCP_ORCHESTRATION_HOME` and a random `MCP_ORCHESTRATION_API_KEY`.
//!   The harness builds nothing: build the binary first (`cargo build -p mcp-orchestration`), or
//!   point `MCP_TEST_BIN` at it. Without `MCP_TEST_BIN` it looks in `$CARGO_TARGET_DIR` (or the
//!   workspace's `target/`) under `debug/` and `release/`, newest first.
//! - any running host: `MCP_TEST_BASE_URL` (plain `http://`) with `MCP_TEST_API_KEY`. With
//!   `MCP_TEST_TARGET=worker` the host writes no client files (deploy answers `config_path: null`).
//!
//! ## Host-specific tests
//!
//! Some tests need a native server started by the harness ([`native_server`]: a restart, a first
//! start, an origin list, real client files). The suite is compiled for one host: `build.rs` sets
//! `cfg(worker_host)` when `MCP_TEST_TARGET=worker` (cargo rebuilds when the variable changes),
//! and every native-only test is marked
//!
//! ```text
//! #[cfg_attr(worker_host, ignore = "native host only: <why>")]
//! ```
//!
//! so a worker run lists it as `ignored, native host only: …` rather than passing it. A test
//! that only applies to the worker would be marked
//! `#[cfg_attr(not(worker_host), ignore = "worker host only: <why>")]` (there is none today).
//! Nothing skips itself by returning early: [`native_server`] panics when the run cannot start a
//! native server (a worker build, or `MCP_TEST_BASE_URL` set), and [`target`] panics when
//! `MCP_TEST_TARGET` at run time disagrees with the build (a test binary run by hand) or names
//! the worker without `MCP_TEST_BASE_URL`. A misconfigured run fails; it never passes quietly.
//! Against a remote native host (`MCP_TEST_BASE_URL` without `MCP_TEST_TARGET=worker`), the
//! native-only tests fail with that message: leave `MCP_TEST_BASE_URL` unset to test the native
//! binary, or `--skip` them by name.
//!
//! The suite keeps no route list of its own: [`operations`] reads the host's `GET /openapi.json`
//! (once) and checks it holds at least the contract's routes; tests that cover every route
//! iterate it.
//!
//! Every test uses its own profile ([`unique_id`]), so tests share one server and run in any order.
//! Tests that need a fresh state (a restart, a first start, an origin list, real client files)
//! start their own [`Server`]. Key rotation changes global state, so it lives alone in `keys.rs`.
//!
//! ```text
//! cargo build -p mcp-orchestration && cargo test -p mcp-orchestration-blackbox
//! MCP_TEST_BASE_URL=http://127.0.0.1:8787 MCP_TEST_API_KEY=<key> MCP_TEST_TARGET=worker \
//!     cargo test -p mcp-orchestration-blackbox
//! ```

// The harness is test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::BuildHasher;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ed25519_dalek::pkcs8::DecodePublicKey as _;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

/// The client every test uses unless it needs another: present on every OS.
pub const CLIENT: &str = "claude-desktop";

/// How long a server may take to answer `/health` after it starts.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Randomness and ids
// ---------------------------------------------------------------------------------------------

/// `2 * bytes` lowercase hex characters that differ on every call (not for cryptography).
pub fn random_hex(bytes: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let word = RandomState::new().hash_one((n, std::process::id(), Instant::now()));
        out.push_str(&format!("{word:016x}"));
    }
    out.truncate(bytes * 2);
    out
}

/// A fresh well-formed id for one test, e.g. `t-drafts-3f9a01bc`: `t-<tag>-<random>`.
pub fn unique_id(tag: &str) -> String {
    let tag: String = tag
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    format!("t-{tag}-{}", random_hex(4))
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/// One HTTP answer: status, headers and body, plus what was asked (for failure messages).
#[derive(Debug, Clone)]
pub struct Reply {
    /// `METHOD path` of the request.
    pub what: String,
    /// HTTP status code.
    pub status: u16,
    /// Response headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All values of header `name` (case-insensitive).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as (lossy) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics (naming the request) if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{}: body is not JSON ({e}): status {}, body {:?}",
                self.what,
                self.status,
                self.text()
            )
        })
    }

    /// Asserts the status is `status` and the answer is a JSON object with
    /// `Content-Type: application/json` exactly; returns the body.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}: expected {status}, got {}: {}",
            self.what,
            self.status,
            self.text()
        );
        self.assert_json_content_type();
        let body = self.json();
        assert!(
            body.is_object(),
            "{}: body is not a JSON object: {body}",
            self.what
        );
        body
    }

    /// Asserts the status is one of `allowed`.
    pub fn expect_status_in(&self, allowed: &[u16]) {
        assert!(
            allowed.contains(&self.status),
            "{}: expected one of {allowed:?}, got {}: {}",
            self.what,
            self.status,
            self.text()
        );
    }

    /// Asserts `Content-Type: application/json`, exactly (no charset parameter).
    pub fn assert_json_content_type(&self) {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}: Content-Type must be exactly application/json",
            self.what
        );
    }

    /// Asserts an error answer: `status`, `Content-Type: application/json` exactly, and a body
    /// `{"detail", "error_type", "code"}` of non-empty strings (code in UPPER_SNAKE). Returns it.
    pub fn expect_error(&self, status: u16) -> Value {
        let body = self.expect(status);
        assert_error_body(&self.what, &body);
        body
    }

    /// The `detail` of an error body (empty when absent).
    pub fn detail(&self) -> String {
        self.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Asserts `body` is an error body: string `detail`, `error_type` and an UPPER_SNAKE `code`.
pub fn assert_error_body(what: &str, body: &Value) {
    for field in ["detail", "error_type", "code"] {
        let v = body[field]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: error body lacks string {field:?}: {body}"));
        assert!(!v.is_empty(), "{what}: error {field} is empty: {body}");
    }
    let code = body["code"].as_str().unwrap_or_default();
    assert!(
        code.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
        "{what}: code {code:?} is not UPPER_SNAKE"
    );
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/// A blocking HTTP client for one base URL, with the headers (credentials) it sends every time.
#[derive(Clone)]
pub struct Client {
    base: String,
    headers: Vec<(String, String)>,
    agent: ureq::Agent,
}

impl Client {
    /// A client for `base` (e.g. `http://127.0.0.1:8080`) sending no credentials.
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .allow_non_standard_methods(true)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            headers: Vec::new(),
            agent,
        }
    }

    /// The same client, also sending header `name: value` on every request.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same client, authenticating with `X-API-Key: key`.
    pub fn with_api_key(self, key: &str) -> Self {
        self.with_header("X-API-Key", key)
    }

    /// The same client, authenticating with `Authorization: Bearer token`.
    pub fn with_bearer(self, token: &str) -> Self {
        self.with_header("Authorization", &format!("Bearer {token}"))
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], None)
    }

    /// `POST path` with `body` as JSON.
    pub fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_raw(path, body.to_string().as_bytes())
    }

    /// `POST path` with raw bytes, sent as `Content-Type: application/json`.
    pub fn post_raw(&self, path: &str, body: &[u8]) -> Reply {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            Some(body),
        )
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> Reply {
        self.request("DELETE", path, &[], None)
    }

    /// Any request: `method path` with extra `headers` and an optional body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let what = format!("{method} {path}");
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (k, v) in &self.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let result = match body {
            Some(bytes) => self.agent.run(
                builder
                    .body(bytes.to_vec())
                    .unwrap_or_else(|e| panic!("{what}: {e}")),
            ),
            None => self
                .agent
                .run(builder.body(()).unwrap_or_else(|e| panic!("{what}: {e}"))),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{what}: request failed: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_else(|e| panic!("{what}: reading the body failed: {e}"));
        Reply {
            what,
            status,
            headers,
            body,
        }
    }

    /// Sends `method path` with a body of exactly `body` bytes over a raw socket, reading the
    /// answer while still writing (a host may answer 413 and stop reading early). Plain HTTP only.
    pub fn raw_request(&self, method: &str, path: &str, body: Vec<u8>) -> Reply {
        let what = format!("{method} {path} ({} bytes, raw)", body.len());
        let authority = self
            .base
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("raw requests need an http:// base URL, not {}", self.base))
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let mut stream =
            TcpStream::connect(&authority).unwrap_or_else(|e| panic!("{what}: connect: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut writer = stream.try_clone().unwrap_or_else(|e| panic!("{what}: {e}"));
        let sender = std::thread::spawn(move || {
            // The host may stop reading once it has seen enough: a failed write is expected.
            let _ = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(&body));
        });
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
                // A reset after the answer arrived (the host closed with unread input) is normal.
                Err(_) if !raw.is_empty() => break,
                Err(e) => panic!("{what}: reading the answer failed: {e}"),
            }
            if response_complete(&raw, method == "HEAD") {
                break;
            }
        }
        drop(stream);
        let _ = sender.join();
        parse_raw_response(what, &raw)
    }
}

/// Whether `raw` holds a full HTTP/1.1 response with a `Content-Length` body (none when it
/// answers a `HEAD`).
fn response_complete(raw: &[u8], head: bool) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    if head {
        return true;
    }
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    head.lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        })
        .is_some_and(|len| raw.len() >= end + 4 + len)
}

fn parse_raw_response(what: String, raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "{what}: no complete HTTP answer: {:?}",
                String::from_utf8_lossy(raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if what.starts_with("HEAD ") {
        body.clear();
    }
    if let Some(len) = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
    {
        body.truncate(len);
    }
    Reply {
        what,
        status,
        headers,
        body,
    }
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

/// A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// The `mcp-orchestration` binary: `MCP_TEST_BIN`, else the newest of
/// `$CARGO_TARGET_DIR/{debug,release}/mcp-orchestration` (default target dir: `<workspace>/target`).
pub fn native_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("MCP_TEST_BIN") {
        return PathBuf::from(bin);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    let name = format!("mcp-orchestration{}", std::env::consts::EXE_SUFFIX);
    ["debug", "release"]
        .iter()
        .map(|profile| target.join(profile).join(&name))
        .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
        .unwrap_or_else(|| {
            panic!(
                "no mcp-orchestration binary under {}/{{debug,release}}: run `cargo build -p mcp-orchestration` first, \
                 or set MCP_TEST_BIN (or MCP_TEST_BASE_URL to test a running host)",
                target.display()
            )
        })
}

/// Options for a harness-started native server.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Extra environment variables (e.g. `MCP_ORCHESTRATION_CORS_ORIGINS`).
    pub env: Vec<(String, String)>,
    /// Extra arguments of `serve` (e.g. `--allow-path <dir>`).
    pub args: Vec<String>,
}

/// A native `mcp-orchestration serve` process with its own temporary home; killed on drop.
///
/// Layout of [`Server::root`]: `home/` (the `HOME`), `home/.mcp-orchestration/` (the
/// `MCP_ORCHESTRATION_HOME`) and `server.log` (stdout and stderr of every start).
pub struct Server {
    root: tempfile::TempDir,
    options: ServerOptions,
    api_key: String,
    port: u16,
    child: Option<Child>,
}

impl Server {
    /// Starts a server in a fresh temporary home and waits for `/health`.
    pub fn start(options: ServerOptions) -> Self {
        let root = tempfile::Builder::new()
            .prefix("mcp-blackbox-")
            .tempdir()
            .expect("create a temporary directory");
        std::fs::create_dir_all(root.path().join("home")).expect("create HOME");
        let mut server = Self {
            root,
            options,
            api_key: format!("test-key-{}", random_hex(16)),
            port: 0,
            child: None,
        };
        server.spawn();
        server
    }

    /// Starts the server again on the same home (after [`Server::stop`]), on a new port.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "restart needs a stopped server");
        self.spawn();
    }

    /// [`Server::restart`] with other `options`.
    pub fn restart_with(&mut self, options: ServerOptions) {
        self.options = options;
        self.restart();
    }

    fn command(&self, port: u16) -> Command {
        let mut cmd = Command::new(native_binary());
        serve_on(&mut cmd, port, &self.home(), &self.api_key);
        cmd.args(&self.options.args);
        for (k, v) in &self.options.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn spawn(&mut self) {
        self.port = free_port();
        let log = self.open_log();
        let mut child = self
            .command(self.port)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", native_binary().display()));
        let port = self.port;
        let ready = wait_healthy(&self.base_url(), || {
            child
                .try_wait()
                .ok()
                .flatten()
                .map(|status| format!("exited with {status} (port {port})"))
        });
        if let Err(why) = ready {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{why}; log:\n{}", self.log());
        }
        self.child = Some(child);
    }

    fn open_log(&self) -> File {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("open server.log")
    }

    /// The temporary directory holding `home/` and `server.log`.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The server's `HOME`.
    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    /// The server's `MCP_ORCHESTRATION_HOME`.
    pub fn data_dir(&self) -> PathBuf {
        data_dir(&self.home())
    }

    fn log_path(&self) -> PathBuf {
        self.root.path().join("server.log")
    }

    /// Everything the server printed so far (all starts).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The `X-API-Key` the server accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A client authenticated with the API key.
    pub fn client(&self) -> Client {
        Client::new(&self.base_url()).with_api_key(&self.api_key)
    }

    /// Every token printed as `Generated token: <token>`, in order.
    pub fn generated_tokens(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|l| {
                l.split_once("Generated token:")
                    .map(|(_, t)| t.split_whitespace().next().unwrap_or_default().to_owned())
            })
            .collect()
    }

    /// Stops the server with SIGTERM and waits (at most 30 s) for it to exit; returns its status.
    #[cfg(unix)]
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server is running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().expect("wait for server") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "server did not exit within 30 s of SIGTERM; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `MCP_ORCHESTRATION_HOME` for a server whose `HOME` is `home`.
fn data_dir(home: &Path) -> PathBuf {
    home.join(".mcp-orchestration")
}

/// Appends `serve` on 127.0.0.1:`port` to `cmd` and gives it only `PATH`, `HOME`, the data dir
/// below it and the API key as environment.
fn serve_on(cmd: &mut Command, port: u16, home: &Path, api_key: &str) {
    cmd.args(["serve", "--port", &port.to_string(), "--host", "127.0.0.1"]);
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home)
        .env("MCP_ORCHESTRATION_HOME", data_dir(home))
        .env("MCP_ORCHESTRATION_API_KEY", api_key);
}

/// Polls `GET /health` until it answers 200; fails when `exited()` reports the process gone or
/// the startup timeout passes.
fn wait_healthy(base: &str, mut exited: impl FnMut() -> Option<String>) -> Result<(), String> {
    let client = Client::new(base);
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Some(why) = exited() {
            return Err(format!("server {why} before answering /health"));
        }
        let ok = client
            .agent
            .get(format!("{base}/health"))
            .call()
            .map(|r| r.status().as_u16() == 200)
            .unwrap_or(false);
        if ok {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "server at {base} did not answer /health within {STARTUP_TIMEOUT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------------
// Target
// ---------------------------------------------------------------------------------------------

/// What kind of host the suite is talking to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// A native server started by this test binary: its files can be inspected.
    SpawnedNative,
    /// A host at `MCP_TEST_BASE_URL` that writes client files somewhere we cannot see.
    Remote,
    /// The edge host (`MCP_TEST_TARGET=worker`): no client files at all.
    Worker,
}

/// The host under test, shared by all tests of one test binary.
pub struct Target {
    base: String,
    api_key: String,
    host: Host,
    home: Option<PathBuf>,
    /// Held open for the process's life: its end tells the watchdog to stop the server.
    _lifeline: Option<ChildStdin>,
}

impl Target {
    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The API key accepted by the host.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// A client authenticated with the API key.
    pub fn client(&self) -> Client {
        Client::new(&self.base).with_api_key(&self.api_key)
    }

    /// A client with no credentials.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// The kind of host.
    pub fn host(&self) -> Host {
        self.host
    }

    /// Whether a deploy writes a client config file (false on the edge host).
    pub fn writes_client_files(&self) -> bool {
        self.host != Host::Worker
    }

    /// The shared server's `HOME`, when the harness started it.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }
}

/// Whether this suite was compiled for the worker host (`MCP_TEST_TARGET=worker`, see `build.rs`).
pub const WORKER_BUILD: bool = cfg!(worker_host);

/// `MCP_TEST_BASE_URL`, when set and not empty.
fn base_url_setting() -> Option<String> {
    std::env::var("MCP_TEST_BASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// The host under test (started on first use when none is configured).
///
/// Panics when the run is misconfigured: `MCP_TEST_TARGET` now differs from the build's (see the
/// crate docs), or a worker build has no `MCP_TEST_BASE_URL` to reach the worker at.
pub fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime_worker = std::env::var("MCP_TEST_TARGET").as_deref() == Ok("worker");
        assert_eq!(
            runtime_worker, WORKER_BUILD,
            "MCP_TEST_TARGET=worker must be set both when the suite is built and when it runs \
             (built for the worker: {WORKER_BUILD}; set now: {runtime_worker}): run it through \
             `cargo test` with the variable set, so native-only tests are ignored"
        );
        match base_url_setting() {
            Some(base) => {
                let api_key = std::env::var("MCP_TEST_API_KEY")
                    .expect("MCP_TEST_BASE_URL needs MCP_TEST_API_KEY");
                let host = if WORKER_BUILD {
                    Host::Worker
                } else {
                    Host::Remote
                };
                let base = base.trim_end_matches('/').to_owned();
                if let Err(why) = wait_healthy(&base, || None) {
                    panic!("{why}");
                }
                Target {
                    base,
                    api_key,
                    host,
                    home: None,
                    _lifeline: None,
                }
            }
            None => {
                if WORKER_BUILD {
                    panic!(
                        "MCP_TEST_TARGET=worker needs MCP_TEST_BASE_URL (and MCP_TEST_API_KEY): \
                         the harness only starts native servers"
                    );
                }
                spawn_shared()
            }
        }
    })
}

/// Starts the shared native server under a small `sh` watchdog: when this test process ends
/// (however it ends), the watchdog's stdin closes, and it stops the server and removes its home.
#[cfg(unix)]
fn spawn_shared() -> Target {
    let root = tempfile::Builder::new()
        .prefix("mcp-blackbox-shared-")
        .tempdir()
        .expect("temporary directory")
        .keep();
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("create HOME");
    let api_key = format!("test-key-{}", random_hex(16));
    let port = free_port();
    let log_path = root.join("server.log");
    let log = File::create(&log_path).expect("create server.log");
    let script = r#"root="$1"; shift; "$@" </dev/null & pid=$!; cat >/dev/null; kill -TERM "$pid" 2>/dev/null; wait "$pid"; rm -rf -- "$root""#;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg("sh")
        .arg(&root)
        .arg(native_binary());
    serve_on(&mut cmd, port, &home, &api_key);
    cmd.stdin(Stdio::piped())
        .stdout(log.try_clone().expect("clone log handle"))
        .stderr(log);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the shared server: {e}"));
    let lifeline = child.stdin.take();
    let base = format!("http://127.0.0.1:{port}");
    let ready = wait_healthy(&base, || {
        child
            .try_wait()
            .ok()
            .flatten()
            .map(|s| format!("watchdog exited with {s}"))
    });
    if let Err(why) = ready {
        drop(lifeline);
        let _ = child.wait();
        panic!(
            "{why}; log:\n{}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
    }
    Target {
        base,
        api_key,
        host: Host::SpawnedNative,
        home: Some(home),
        _lifeline: lifeline,
    }
}

/// Elsewhere the shared server is started plainly; it stops when the test process's job ends.
#[cfg(not(unix))]
fn spawn_shared() -> Target {
    let server = Server::start(ServerOptions::default());
    let target = Target {
        base: server.base_url(),
        api_key: server.api_key().to_owned(),
        host: Host::SpawnedNative,
        home: Some(server.home()),
        _lifeline: None,
    };
    std::mem::forget(server);
    target
}

/// A fresh native server for native-only test `test`.
///
/// Panics, naming `test`, when this run cannot start one: in a worker build (the test lacks its
/// `#[cfg_attr(worker_host, ignore = "native host only: …")]`, or ran with `--include-ignored`),
/// or when `MCP_TEST_BASE_URL` points the run at another host. A native-only test never passes
/// by not running.
pub fn native_server(test: &str, options: ServerOptions) -> Server {
    if WORKER_BUILD {
        panic!(
            "{test} needs a native server started by the harness, but this suite targets the worker \
             (MCP_TEST_TARGET=worker): mark it #[cfg_attr(worker_host, ignore = \"native host only: …\")]"
        );
    }
    if let Some(base) = base_url_setting() {
        panic!(
            "{test} needs a native server started by the harness, but MCP_TEST_BASE_URL={base} \
             points this run at another host: unset it to test the native binary, or --skip {test}"
        );
    }
    Server::start(options)
}

/// A host whose wrong-credential count (the lockout: more than 100 in a minute from one address
/// block it) only the calling test drives, so blocking it leaves other tests alone.
pub struct Guessable {
    /// The fresh native server, when the test runs against the native host.
    _server: Option<Server>,
    base: String,
    api_key: String,
    peer: Option<String>,
}

impl Guessable {
    /// For test `test`: on the native host a fresh server (the test is its only peer); on the
    /// worker the shared one, the test's requests sent as from a fresh address in
    /// `CF-Connecting-IP` (which `wrangler dev` passes on from the client, where Cloudflare would
    /// set it).
    pub fn new(test: &str) -> Self {
        if WORKER_BUILD {
            let t = target();
            let n = u32::from_str_radix(&random_hex(2), 16).unwrap_or(1);
            Self {
                _server: None,
                base: t.base_url().to_owned(),
                api_key: t.api_key().to_owned(),
                peer: Some(format!("198.18.{}.{}", n >> 8, n & 0xff)),
            }
        } else {
            let server = native_server(test, ServerOptions::default());
            Self {
                base: server.base_url(),
                api_key: server.api_key().to_owned(),
                _server: Some(server),
                peer: None,
            }
        }
    }

    /// A client without credentials, sending as from the test's address.
    pub fn anonymous(&self) -> Client {
        let client = Client::new(&self.base);
        match &self.peer {
            Some(peer) => client.with_header("CF-Connecting-IP", peer),
            None => client,
        }
    }

    /// The API key the host accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The headers every raw request of the test carries (its address on the worker).
    pub fn raw_headers(&self) -> Vec<(String, String)> {
        self.peer
            .iter()
            .map(|p| ("CF-Connecting-IP".to_owned(), p.clone()))
            .collect()
    }

    /// `host:port` of the host.
    pub fn authority(&self) -> &str {
        self.base.strip_prefix("http://").unwrap_or(&self.base)
    }
}

// ---------------------------------------------------------------------------------------------
// Domain helpers
// ---------------------------------------------------------------------------------------------

/// `/v1/config/{client}/{profile}{rest}`.
pub fn config_path(client: &str, profile: &str, rest: &str) -> String {
    format!("/v1/config/{client}/{profile}{rest}")
}

/// Makes sure the signing keys exist: `POST /v1/keys/initialize` answers 200 or 409.
pub fn ensure_keys(client: &Client) {
    client
        .post("/v1/keys/initialize", &json!({}))
        .expect_status_in(&[200, 409]);
}

/// The whole catalog (`GET /v1/servers`).
pub fn catalog(client: &Client) -> Vec<Value> {
    let body = client.get("/v1/servers").expect(200);
    body["servers"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("GET /v1/servers: no servers array: {body}"))
}

/// Names of a catalog server's required parameters (`parameters` as a list of
/// `{name, required}` or a map of name to `{required}`).
pub fn required_params(server: &Value) -> Vec<String> {
    match &server["parameters"] {
        Value::Array(items) => items
            .iter()
            .filter(|p| p["required"] == json!(true))
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(_, p)| p["required"] == json!(true))
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Names of a catalog server's required environment variables (strings or `{name}` objects).
pub fn required_env(server: &Value) -> Vec<String> {
    server["required_env"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().or_else(|| v["name"].as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Catalog stdio servers that need no parameters and no env vars: addable with `{server_id}` alone.
pub fn simple_servers(client: &Client) -> Vec<Value> {
    let simple: Vec<Value> = catalog(client)
        .into_iter()
        .filter(|s| s["transport"] == json!("stdio") && s["command"].is_string())
        .filter(|s| required_params(s).is_empty() && required_env(s).is_empty())
        .collect();
    assert!(
        simple.len() >= 2,
        "the catalog needs at least two stdio servers with no required params or env"
    );
    simple
}

/// The id of a simple server (see [`simple_servers`]); `n` picks among them.
pub fn simple_server_id(client: &Client, n: usize) -> String {
    let simple = simple_servers(client);
    simple[n % simple.len()]["server_id"]
        .as_str()
        .expect("server_id is a string")
        .to_owned()
}

/// Adds catalog server `server_id` to a draft (as entry `name` when given); asserts 200.
pub fn add_entry(client: &Client, c: &str, p: &str, server_id: &str, name: Option<&str>) -> Value {
    let mut body = json!({ "server_id": server_id });
    if let Some(name) = name {
        body["name"] = json!(name);
    }
    client
        .post(&config_path(c, p, "/draft/add"), &body)
        .expect(200)
}

/// A fresh profile of client `c` (`unique_id(tag)`) whose draft holds the first `n` simple
/// servers as entries `<profile>-e0`, `<profile>-e1`, …: a payload no other profile publishes.
pub fn profile_with(client: &Client, c: &str, tag: &str, n: usize) -> String {
    let profile = unique_id(tag);
    for i in 0..n {
        add_entry(
            client,
            c,
            &profile,
            &simple_server_id(client, i),
            Some(&format!("{profile}-e{i}")),
        );
    }
    profile
}

/// The draft of `c/p` (`GET .../draft`, asserting 200).
pub fn draft(client: &Client, c: &str, p: &str) -> Value {
    client.get(&config_path(c, p, "/draft")).expect(200)
}

/// Posts each `(path, body, field)` case; asserts a 400 error whose detail names `field`.
/// Reports every case whose detail misses its field at once.
pub fn assert_400_naming<'a>(
    client: &Client,
    cases: impl IntoIterator<Item = (String, Value, &'a str)>,
) {
    let mut failures = Vec::new();
    for (path, body, field) in cases {
        let r = client.post(&path, &body);
        r.expect_error(400);
        if !r.detail().contains(field) {
            failures.push(format!(
                "{} with {body}: detail must name {field}: {:?}",
                r.what,
                r.detail()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Publishes the draft of `c/p` (after making sure keys exist); returns the artifact id.
pub fn publish(client: &Client, c: &str, p: &str) -> String {
    ensure_keys(client);
    let body = client
        .post(&config_path(c, p, "/publish"), &json!({}))
        .expect(200);
    body["artifact_id"]
        .as_str()
        .unwrap_or_else(|| panic!("publish: no artifact_id: {body}"))
        .to_owned()
}

/// Canonical JSON (RFC 8785) of an ASCII JSON value: sorted keys, no whitespace.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&map[k]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // serde_json writes maps in insertion order (preserve_order) or sorted order: either way
    // the keys come out sorted here.
    serde_json::to_string(&sorted(value)).expect("serialize JSON")
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `s` is exactly 64 lowercase hex characters.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses an RFC 3339 timestamp, panicking with `what` when it is not one.
pub fn rfc3339(what: &str, value: &Value) -> time::OffsetDateTime {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("{what}: not a string: {value}"));
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{what}: {s:?} is not RFC 3339: {e}"))
}

/// Verifies an artifact: its id is the SHA-256 of the canonical payload, and its signature is a
/// valid Ed25519 signature over those bytes by `public_key_pem` (SPKI PEM).
pub fn verify_artifact(artifact: &Value, public_key_pem: &str) {
    let canonical = canonical_json(&artifact["payload"]);
    assert_eq!(
        artifact["artifact_id"].as_str(),
        Some(sha256_hex(canonical.as_bytes()).as_str()),
        "artifact_id must be the SHA-256 of the canonical payload {canonical}"
    );
    let key = ed25519_dalek::VerifyingKey::from_public_key_pem(public_key_pem)
        .unwrap_or_else(|e| panic!("public key is not SPKI PEM: {e}: {public_key_pem}"));
    let sig_b64 = artifact["signature"]
        .as_str()
        .unwrap_or_else(|| panic!("artifact has no signature: {artifact}"));
    let sig_bytes = base64::engine::general_purpose::STANDARD
        .decode(sig_b64)
        .unwrap_or_else(|e| panic!("signature is not base64: {e}: {sig_b64}"));
    let sig = ed25519_dalek::Signature::from_slice(&sig_bytes)
        .unwrap_or_else(|e| panic!("bad signature length: {e}"));
    key.verify_strict(canonical.as_bytes(), &sig)
        .unwrap_or_else(|e| panic!("signature does not verify: {e}"));
}

/// Percent-encodes `s` for use as one path segment.
pub fn encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// One operation of the host's OpenAPI document (see [`operations`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The HTTP method, uppercase (`GET`, `POST`, …).
    pub method: String,
    /// The path template, parameters in braces (`/v1/config/{client_id}/{profile_id}`).
    pub path: String,
    /// Whether the operation needs credentials: its `security` (the document's root `security`
    /// when it has none) lists at least one requirement and no empty (anonymous) one.
    pub needs_credentials: bool,
    /// The operation's `x-scope` extension (the token scope it needs), when it has one.
    pub scope: Option<String>,
}

impl Operation {
    /// `METHOD path`, e.g. `POST /v1/clients/{client_id}/profiles`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The HTTP methods an OpenAPI path item may hold operations under.
const OPENAPI_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether a `security` value (a list of requirement objects) needs credentials: `[]` or a
/// list with an empty requirement `{}` (anonymous allowed) needs none.
fn security_needs_credentials(what: &str, security: &Value) -> bool {
    let requirements = security
        .as_array()
        .unwrap_or_else(|| panic!("openapi.json: {what}: security is not a list: {security}"));
    !requirements.is_empty()
        && requirements
            .iter()
            .all(|r| r.as_object().is_some_and(|o| !o.is_empty()))
}

/// Every operation of an OpenAPI document, in document order.
pub fn parse_operations(doc: &Value) -> Vec<Operation> {
    let paths = doc["paths"]
        .as_object()
        .unwrap_or_else(|| panic!("openapi.json has no paths object"));
    let root_security = doc.get("security");
    let mut out = Vec::new();
    for (path, item) in paths {
        let item = item
            .as_object()
            .unwrap_or_else(|| panic!("openapi.json: path {path} is not an object"));
        for (method, op) in item {
            if !OPENAPI_METHODS.contains(&method.as_str()) {
                continue; // `parameters`, `summary`, …
            }
            let what = format!("{} {path}", method.to_ascii_uppercase());
            let needs_credentials = match op.get("security").or(root_security) {
                Some(security) => security_needs_credentials(&what, security),
                // No requirement anywhere: OpenAPI reads that as "no credentials needed".
                None => false,
            };
            let scope = op.get("x-scope").map(|s| {
                s.as_str()
                    .unwrap_or_else(|| panic!("openapi.json: {what}: x-scope is not a string: {s}"))
                    .to_owned()
            });
            out.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                needs_credentials,
                scope,
            });
        }
    }
    out
}

/// The host's OpenAPI document (`GET /openapi.json`, no credentials), fetched once.
pub fn openapi() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| target().anonymous().get("/openapi.json").expect(200))
}

/// Every operation the host documents in `GET /openapi.json`, read once: the suite's list of
/// routes. Checked to hold at least the routes of the contract's table.
pub fn operations() -> &'static [Operation] {
    static OPS: OnceLock<Vec<Operation>> = OnceLock::new();
    OPS.get_or_init(|| {
        let ops = parse_operations(openapi());
        let keys: Vec<String> = ops.iter().map(Operation::key).collect();
        assert!(
            ops.len() >= 25,
            "openapi.json lists {} operations, fewer than the contract's table: {keys:?}",
            ops.len()
        );
        for expected in [
            "GET /health",
            "GET /v1/clients",
            "GET /v1/clients/{client_id}/profiles",
            "POST /v1/clients/{client_id}/profiles",
            "POST /v1/config/{client_id}/{profile_id}/draft/add",
            "GET /v1/artifacts/{artifact_id}",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "openapi.json lacks {expected}; it lists {keys:?}"
            );
        }
        ops
    })
}

/// `path` with every `{param}` reduced to `{}`: `/v1/config/{a}/{b}` and
/// `/v1/config/{client_id}/{profile}` name the same route.
pub fn route_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// `template` with every `{param}` replaced by the matching value of `values`, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut values = values.iter();
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&rest[..start]);
        out.push_str(values.next().copied().unwrap_or("x"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_take_security_from_the_operation_else_the_root() {
        let doc = json!({
            "security": [{ "bearerAuth": [] }],
            "paths": {
                "/health": { "get": { "security": [] } },
                "/v1/a/{id}": {
                    "parameters": [{ "name": "id", "in": "path" }],
                    "get": {},
                    "post": { "security": [{ "apiKeyAuth": [] }], "x-scope": "write" },
                    "delete": { "security": [{ "bearerAuth": [] }, {}] },
                },
            },
        });
        let ops = parse_operations(&doc);
        let mut summary: Vec<(String, bool, Option<&str>)> = ops
            .iter()
            .map(|op| (op.key(), op.needs_credentials, op.scope.as_deref()))
            .collect();
        summary.sort();
        assert_eq!(
            summary,
            [
                ("DELETE /v1/a/{id}".to_owned(), false, None),
                ("GET /health".to_owned(), false, None),
                ("GET /v1/a/{id}".to_owned(), true, None),
                ("POST /v1/a/{id}".to_owned(), true, Some("write")),
            ]
        );
        let bare = json!({ "paths": { "/x": { "get": {} } } });
        assert!(!parse_operations(&bare)[0].needs_credentials);
    }
}
