//! Running the real binary as a server in tests: start it on a free port, talk HTTP/1.1 to it
//! over a plain socket, stop it with SIGTERM (so Unix only). Each test crate uses a part.
#![allow(dead_code)]
// Test support: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `mcp-orchestration` server, with the admin token it printed and its log lines.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub token: String,
    pub log: mpsc::Receiver<String>,
}

impl Server {
    /// `serve --port 0` on a fresh `home`.
    pub fn start(home: &Path) -> Self {
        Self::start_with(home, &["serve", "--port", "0"])
    }

    /// The binary run with `args` (a command that serves on a fresh `home`, so prints an admin
    /// token first); returns once it logs where it listens.
    pub fn start_with(home: &Path, args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mcp-orchestration"));
        command.args(args);
        Self::start_command(home, command)
    }

    /// [`Server::start_with`] for a command that runs the binary some other way (e.g. through
    /// a shell that sets limits first).
    pub fn start_command(home: &Path, mut command: Command) -> Self {
        let mut child = command
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

    /// `host:port`.
    pub fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap()
    }

    /// One request on its own connection: status, lowercased head, body.
    pub fn request(
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

    /// SIGTERM, then the exit must be a success; the log lines not yet read.
    pub fn stop(mut self) -> Vec<String> {
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

/// The next log line containing `needle` (30 s at most).
pub fn wait_for(log: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        let line = log
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}
