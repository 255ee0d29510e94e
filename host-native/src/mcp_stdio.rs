//! `mcp`: the MCP server on stdio, for an AI client app that starts the program.
//!
//! Newline-delimited JSON-RPC: each line of stdin is one message, answered by
//! [`mcp_orchestration_core::mcp`] inside one write transaction of the store (the same store as
//! `serve` and the CLI, so a running server sees every change at once), and each answer is one
//! line of stdout, flushed. Nothing else is ever written to stdout; logs go to stderr. Blank lines
//! are skipped; a line longer than [`MAX_LINE_BYTES`] is answered with a JSON-RPC error without
//! being kept in memory; end of input ends the session.
//!
//! The connection is one session, so its state ([`Session`]) lives here, in memory: unlike
//! Streamable HTTP there is nothing to store between messages.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use mcp_orchestration_core::api::MAX_BODY_BYTES;
use mcp_orchestration_core::mcp::{
    self, INTERNAL_ERROR, INVALID_REQUEST, Message, RpcError, Session, error_response,
};
use mcp_orchestration_core::{Ports, Result};
use serde_json::Value;
use tracing::{debug, error, info};

use crate::app;
use crate::cli::McpArgs;
use crate::files::FsClientFiles;
use crate::home::Home;
use crate::store::Db;

/// Who publishes and deploys through the MCP tools, as the store records it.
pub const ACTOR: &str = "mcp";

/// The longest line read as a message: the `/v1` and `/mcp` body limit.
pub const MAX_LINE_BYTES: usize = MAX_BODY_BYTES;

/// Serves MCP on stdin/stdout until stdin closes: exit status 0, or 1 when the store cannot be
/// opened or stdin/stdout fail.
pub fn run(args: &McpArgs) -> ExitCode {
    let _logs = crate::server::init_logging(args.log_level.as_str());
    let opened = Home::from_env().and_then(|home| Ok((home.open_store()?, home.keyring())));
    let (db, keyring) = match opened {
        Ok(opened) => opened,
        Err(err) => {
            error!(code = err.code.as_str(), "{}", err.detail);
            return ExitCode::FAILURE;
        }
    };
    info!(
        "MCP server on stdio (store: {}); ends when stdin closes",
        db.path().display()
    );
    let files = FsClientFiles::new(Vec::new());
    let mut connection = Connection::new(&db, app::ports(&keyring, &files, ACTOR));
    match serve(io::stdin().lock(), io::stdout().lock(), |line| {
        connection.answer(line)
    }) {
        Ok(()) => {
            info!("stdin closed: MCP session ended");
            ExitCode::SUCCESS
        }
        // The client stopped reading: it is gone, which ends the session as EOF would.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            info!("stdout closed: MCP session ended");
            ExitCode::SUCCESS
        }
        Err(e) => {
            error!("MCP on stdio stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One client connection: its session, answered from `db` with `ports`.
pub struct Connection<'a> {
    db: &'a Db,
    ports: Ports<'a>,
    session: Session,
}

impl<'a> Connection<'a> {
    /// A new connection (not yet initialized) to the store `db`.
    pub fn new(db: &'a Db, ports: Ports<'a>) -> Self {
        Self {
            db,
            ports,
            session: Session::default(),
        }
    }

    /// The answer to one message, if it gets one. The message is handled in one write
    /// transaction; when the store fails, a request gets a JSON-RPC internal error and the
    /// session stays as it was.
    pub fn answer(&mut self, line: &[u8]) -> Option<Value> {
        let message = match mcp::parse(line) {
            Ok(message) => message,
            Err(err) => return Some(error_response(&Value::Null, &err)),
        };
        let (id, method) = match &message {
            Message::Request { id, method, .. } => (Some(id.clone()), method.clone()),
            Message::Notification { method } => (None, method.clone()),
            Message::Response => (None, String::new()),
        };
        let before = self.session.clone();
        let answered: Result<Option<Value>> = self
            .db
            .write(|store| mcp::handle(message, &mut self.session, store, &self.ports));
        match answered {
            Ok(answer) => {
                debug!(method, "answered");
                answer
            }
            Err(err) => {
                self.session = before;
                error!(method, code = err.code.as_str(), "{}", err.detail);
                let err = RpcError {
                    code: INTERNAL_ERROR,
                    message: format!("Internal error: {}", err.detail),
                };
                id.map(|id| error_response(&id, &err))
            }
        }
    }
}

/// Reads messages from `input`, one per line, and writes each answer `answer` gives as one line
/// of `output`, flushed, until `input` ends. Blank lines are skipped; a line over
/// [`MAX_LINE_BYTES`] gets a JSON-RPC invalid-request error (id null) and is dropped as it is
/// read. A last line without a newline counts.
pub fn serve<R: BufRead, W: Write>(
    mut input: R,
    mut output: W,
    mut answer: impl FnMut(&[u8]) -> Option<Value>,
) -> io::Result<()> {
    let mut line = Vec::new();
    loop {
        let reply = match read_line(&mut input, &mut line, MAX_LINE_BYTES)? {
            Line::End => return Ok(()),
            Line::TooLong => Some(too_long()),
            Line::Read if line.trim_ascii().is_empty() => None,
            Line::Read => answer(&line),
        };
        if let Some(reply) = reply {
            serde_json::to_writer(&mut output, &reply)?;
            output.write_all(b"\n")?;
            output.flush()?;
        }
    }
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A line, in the buffer (without its newline).
    Read,
    /// A line longer than the limit, read and dropped.
    TooLong,
    /// The end of the input, no line.
    End,
}

/// Reads one line into `line` (cleared first, newline removed), keeping at most `max` bytes:
/// past that it reads on to the newline without keeping anything.
fn read_line<R: BufRead>(input: &mut R, line: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    line.clear();
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (read_any, too_long) {
                (false, _) => Line::End,
                (true, true) => Line::TooLong,
                (true, false) => Line::Read,
            });
        }
        read_any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let (chunk, used) = match newline {
            Some(at) => (available.get(..at).unwrap_or_default(), at + 1),
            None => (available, available.len()),
        };
        if !too_long {
            if line.len() + chunk.len() > max {
                too_long = true;
                line.clear();
                line.shrink_to(0);
            } else {
                line.extend_from_slice(chunk);
            }
        }
        input.consume(used);
        if newline.is_some() {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}

fn too_long() -> Value {
    error_response(
        &Value::Null,
        &RpcError {
            code: INVALID_REQUEST,
            message: format!(
                "Invalid Request: a message is one line of at most {MAX_LINE_BYTES} bytes; this line was longer"
            ),
        },
    )
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Cursor, Read};

    use mcp_orchestration_core::MemoryStore;
    use mcp_orchestration_core::mcp::PARSE_ERROR;
    use mcp_orchestration_core::ports::Fixed;
    use mcp_orchestration_core::timestamp::Timestamp;
    use serde_json::json;

    use super::*;

    /// The lines `input` gets answered with, each parsed, through the core on a memory store.
    fn answers(input: &[u8]) -> Vec<Value> {
        let fixed = Fixed::new(Timestamp(1_764_000_000_000), 3);
        let ports = Ports::new(&fixed, &fixed, ACTOR);
        let mut store = MemoryStore::new();
        let mut session = Session::default();
        let mut out = Vec::new();
        serve(Cursor::new(input), &mut out, |line| {
            mcp::answer(line, &mut session, &mut store, &ports)
        })
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn line(message: &Value) -> String {
        format!("{message}\n")
    }

    fn initialize() -> String {
        line(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
        ) + &line(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    }

    #[test]
    fn each_request_line_gets_one_answer_line_in_order_and_notifications_none() {
        let input = initialize()
            + &line(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
            + &line(
                &json!({"jsonrpc": "2.0", "id": "three", "method": "tools/call", "params": {"name": "add_server_to_config", "arguments": {"server_id": "memory"}}}),
            )
            + &line(
                &json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "view_draft_config"}}),
            );
        let out = answers(input.as_bytes());
        assert_eq!(out.len(), 4, "{out:?}");
        assert_eq!(out[0]["id"], 1);
        assert_eq!(out[0]["result"]["protocolVersion"], "2025-11-25");
        assert_eq!(out[1]["id"], 2);
        assert_eq!(out[1]["result"]["tools"].as_array().unwrap().len(), 16);
        assert_eq!(out[2]["id"], "three");
        assert_eq!(out[2]["result"]["structuredContent"]["status"], "added");
        assert_eq!(
            out[3]["result"]["structuredContent"]["server_count"], 1,
            "the session and the store carry over from line to line"
        );
    }

    #[test]
    fn blank_lines_crlf_and_a_last_line_without_newline_are_fine() {
        let ping = json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}).to_string();
        let input = format!("\n  \r\n\t\n{ping}\r\n\n{ping}");
        let out = answers(input.as_bytes());
        assert_eq!(
            out,
            vec![json!({"jsonrpc": "2.0", "id": 9, "result": {}}); 2]
        );
        assert!(answers(b"").is_empty());
        assert!(answers(b"\n\n\n").is_empty());
    }

    #[test]
    fn malformed_lines_get_errors_and_the_loop_goes_on() {
        let ping = line(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}));
        let input = format!("{{not json\n[1, 2]\n\u{feff}\n{ping}");
        let out = answers(input.as_bytes());
        assert_eq!(out.len(), 4, "{out:?}");
        assert_eq!(out[0]["error"]["code"], PARSE_ERROR);
        assert_eq!(out[0]["id"], Value::Null);
        assert_eq!(out[1]["error"]["code"], INVALID_REQUEST);
        assert_eq!(out[2]["error"]["code"], PARSE_ERROR);
        assert_eq!(out[3]["result"], json!({}));
    }

    #[test]
    fn a_line_over_the_limit_is_an_invalid_request_and_the_next_line_is_read() {
        let ping = line(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}));
        // A valid message just over the limit: its size alone is refused.
        let padding = "x".repeat(MAX_LINE_BYTES);
        let big =
            line(&json!({"jsonrpc": "2.0", "id": 2, "method": "ping", "params": {"p": padding}}));
        let input = format!("{big}{ping}{big}");
        let out = answers(input.as_bytes());
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0]["error"]["code"], INVALID_REQUEST);
        assert_eq!(out[0]["id"], Value::Null);
        assert!(
            out[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&MAX_LINE_BYTES.to_string())
        );
        assert_eq!(out[1]["result"], json!({}));
        assert_eq!(
            out[2]["error"]["code"], INVALID_REQUEST,
            "no newline at the end"
        );
    }

    /// A reader that hands out at most `step` bytes per read, and counts what it gave.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            let (head, tail) = self.data.split_at(n);
            buf[..n].copy_from_slice(head);
            self.data = tail;
            Ok(n)
        }
    }

    #[test]
    fn read_line_keeps_at_most_the_limit_whatever_the_chunking() {
        for step in [1, 3, 7, 64] {
            let data = b"abc\nabcdefgh\nabcd\nab";
            let mut input = BufReader::with_capacity(5, Trickle { data, step });
            let mut line = Vec::new();
            let mut got = Vec::new();
            loop {
                let read = read_line(&mut input, &mut line, 4).unwrap();
                assert!(
                    line.capacity() <= 16,
                    "step {step}: kept {}",
                    line.capacity()
                );
                match read {
                    Line::End => break,
                    Line::TooLong => got.push("TOO LONG".to_owned()),
                    Line::Read => got.push(String::from_utf8(line.clone()).unwrap()),
                }
            }
            assert_eq!(got, ["abc", "TOO LONG", "abcd", "ab"], "step {step}");
        }
    }

    #[test]
    fn a_failing_output_stops_the_loop_with_its_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let ping = line(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}));
        let err = serve(Cursor::new(ping), Closed, |_| Some(json!({}))).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn the_connection_writes_through_the_sqlite_store_and_records_the_mcp_actor() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        let input = initialize()
            + &line(
                &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "initialize_keys"}}),
            )
            + &line(
                &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "add_server_to_config", "arguments": {"server_id": "memory", "profile_id": "p"}}}),
            )
            + &line(
                &json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "publish_config", "arguments": {"profile_id": "p"}}}),
            );
        let db = home.open_store().unwrap();
        let keyring = home.keyring();
        let files = FsClientFiles::new(Vec::new());
        let mut connection = Connection::new(&db, app::ports(&keyring, &files, ACTOR));
        let mut out = Vec::new();
        serve(Cursor::new(input), &mut out, |line| connection.answer(line)).unwrap();
        let out: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(out.len(), 4, "{out:?}");
        for answer in &out[1..] {
            assert_eq!(answer["result"].get("isError"), None, "{answer}");
        }
        assert!(dir.path().join("keys/signing.key").exists());
        // Another connection to the same file (what `serve` is) sees the published artifact.
        let db = home.open_store().unwrap();
        let mut other = Connection::new(&db, app::ports(&keyring, &files, ACTOR));
        other.answer(initialize().lines().next().unwrap().as_bytes());
        let read = other
            .answer(
                json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "get_config", "arguments": {"profile_id": "p"}}})
                    .to_string()
                    .as_bytes(),
            )
            .unwrap();
        let artifact = &read["result"]["structuredContent"];
        assert_eq!(
            artifact["artifact_id"],
            out[3]["result"]["structuredContent"]["artifact_id"]
        );
        assert_eq!(artifact["metadata"]["published_by"], ACTOR, "{artifact}");
    }
}
