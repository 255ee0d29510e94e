//! `mcp` (and no command on a piped stdin) as an AI client app runs it: the real binary over
//! pipes, one JSON-RPC message per line each way, on a fresh home whose `HOME` is `user/` inside
//! it, so a deploy writes the Claude Desktop file there.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(unix)]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_mcp-orchestration");

/// The binary run with `args` on `home`, its stdin and stdout piped to the test.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Peer {
    fn start(home: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .env("MCP_ORCHESTRATION_HOME", home)
            .env("HOME", home.join("user"))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Self {
            stdin: child.stdin.take(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            child,
            next_id: 0,
        }
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// The next line of stdout, which must be one JSON value. The answer arrives while stdin is
    /// still open: every answer is flushed as soon as it is written.
    fn read_answer(&mut self) -> Value {
        let mut line = String::new();
        assert!(
            self.stdout.read_line(&mut line).unwrap() > 0,
            "stdout ended"
        );
        assert!(line.ends_with('\n'), "{line:?}");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }

    /// A request and its answer (whose id must be the request's).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send_line(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        );
        let answer = self.read_answer();
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    fn initialize(&mut self) {
        let res = self.request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
        );
        assert_eq!(res["result"]["protocolVersion"], "2025-11-25", "{res}");
        self.send_line(r#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#);
    }

    /// A tool call that must succeed; its structured content.
    fn tool(&mut self, name: &str, arguments: Value) -> Value {
        let res = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        assert_eq!(res["result"].get("isError"), None, "{name}: {res}");
        res["result"]["structuredContent"].clone()
    }

    /// Closes stdin; the process must exit with status 0 having written nothing more to stdout.
    /// Its stderr.
    fn finish(mut self) -> String {
        drop(self.stdin.take());
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "", "nothing but answers on stdout");
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(status.success(), "exit status {status}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }
}

#[test]
fn mcp_runs_the_whole_workflow_over_pipes_and_ends_on_eof() {
    let home = tempfile::tempdir().unwrap();
    let mut peer = Peer::start(home.path(), &["mcp"]);
    peer.initialize();
    let tools = peer.request("tools/list", json!({}));
    assert_eq!(tools["result"]["tools"].as_array().unwrap().len(), 16);

    // A blank line and a malformed one do not stop the loop.
    peer.send_line("");
    peer.send_line("{oops");
    let parse_error = peer.read_answer();
    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    assert_eq!(parse_error["id"], Value::Null);

    let docs = home.path().join("docs");
    peer.tool(
        "add_server_to_config",
        json!({"server_id": "filesystem", "params": {"path": docs}}),
    );
    peer.tool("add_server_to_config", json!({"server_id": "memory"}));
    assert_eq!(peer.tool("validate_config", json!({}))["valid"], true);
    peer.tool("initialize_keys", json!({}));
    let published = peer.tool("publish_config", json!({"changelog": "over stdio"}));
    let deployed = peer.tool("deploy_config", json!({}));
    assert_eq!(deployed["artifact_id"], published["artifact_id"]);

    let file = home
        .path()
        .join("user/.config/Claude/claude_desktop_config.json");
    assert_eq!(deployed["config_path"], file.to_str().unwrap());
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let servers = written["mcpServers"].as_object().unwrap();
    assert!(
        servers.contains_key("filesystem") && servers.contains_key("memory"),
        "{written}"
    );

    let unknown = peer.request("tools/call", json!({"name": "format_disk"}));
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");

    let stderr = peer.finish();
    assert!(stderr.contains("MCP server on stdio"), "{stderr}");
    assert!(stderr.contains("stdin closed"), "{stderr}");
}

#[test]
fn no_command_with_a_piped_stdin_is_the_mcp_server() {
    let home = tempfile::tempdir().unwrap();
    let mut peer = Peer::start(home.path(), &[]);
    peer.initialize();
    let servers = peer.tool("list_available_servers", json!({"q": "memory"}));
    assert!(servers["count"].as_u64().unwrap() >= 1, "{servers}");
    peer.finish();
}

#[test]
fn end_of_input_at_once_is_a_clean_exit() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("mcp")
        .env("MCP_ORCHESTRATION_HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn no_command_on_a_terminal_prints_the_help() {
    // util-linux `script` (Debian: bsdutils, an essential package) gives the program a terminal.
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("script")
        .args(["--quiet", "--return", "--command", BIN, "/dev/null"])
        .env("NO_COLOR", "1")
        .env("MCP_ORCHESTRATION_HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("Usage: mcp-orchestration"), "{text}");
    assert!(text.contains("mcp "), "{text}");
}

#[cfg(unix)]
#[test]
fn a_running_server_sees_what_mcp_changes_at_once() {
    let home = tempfile::tempdir().unwrap();
    let server = common::Server::start(home.path());
    let mut peer = Peer::start(home.path(), &["mcp"]);
    peer.initialize();
    peer.tool(
        "add_server_to_config",
        json!({"server_id": "memory", "profile_id": "from-mcp"}),
    );
    let bearer = format!("Bearer {}", server.token);
    let (status, _, body) = server.request(
        "GET",
        "/v1/config/claude-desktop/from-mcp/draft",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let draft: Value = serde_json::from_str(&body).unwrap();
    assert!(draft["mcpServers"]["memory"].is_object(), "{draft}");
    peer.finish();
    server.stop();
}
