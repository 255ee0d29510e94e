//! The Streamable HTTP transport (revision 2025-11-25) at `/mcp`, for both hosts.
//!
//! `POST /mcp` carries one JSON-RPC message and answers it with one JSON object (no SSE
//! stream), or 202 for a notification or a response. `initialize` starts a session and answers
//! its id in `MCP-Session-Id`; every later request must send it (400 without, 404 once ended or
//! unknown). An `MCP-Protocol-Version` header naming a revision not served is a 400. `DELETE
//! /mcp` ends the session. There is no `GET` stream, so `GET` is 405. Sessions live in the
//! store, so they survive a restart and, on the edge, the Durable Object's eviction.
//!
//! The `Origin` header is checked before anything else (DNS-rebinding protection): when present
//! it must be the server's own origin or one listed explicitly in
//! `MCP_ORCHESTRATION_CORS_ORIGINS` — the default `*` opens `/v1` to every page, not `/mcp`.

use http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Message, Session, VERSIONS, error_response, handle, parse};
use crate::api::{CorsOrigins, Response, reply};
use crate::error::{Code, Error, Result};
use crate::ports::Ports;
use crate::signing::to_hex;
use crate::store::{Batch, Store, get_json, list_json};
use crate::timestamp::Timestamp;

/// The header that carries the session id.
pub const SESSION_HEADER: &str = "mcp-session-id";
/// The header that carries the protocol revision.
pub const VERSION_HEADER: &str = "mcp-protocol-version";

/// Sessions unused for this long are forgotten when a new one starts (7 days).
const SESSION_TTL_MS: i64 = 7 * 86_400_000;

const SESSIONS: &str = "mcp-session/";

/// A session as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    session: Session,
    last_used: Timestamp,
}

/// 403 unless the request's `Origin` (if any) is this server's own or listed in `allowed`.
pub fn check_origin(headers: &HeaderMap, allowed: &CorsOrigins) -> Result<()> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        });
    let listed = match allowed {
        CorsOrigins::Any => false,
        CorsOrigins::List(list) => list.iter().any(|o| o == origin),
    };
    if own || listed {
        Ok(())
    } else {
        Err(Error::new(
            Code::OriginNotAllowed,
            format!(
                "Origin '{}' may not use /mcp: only the server's own origin and origins listed in MCP_ORCHESTRATION_CORS_ORIGINS may",
                origin.escape_debug()
            ),
        ))
    }
}

/// `POST /mcp`: one JSON-RPC message.
pub fn post<S: Store + ?Sized>(
    headers: &HeaderMap,
    body: &[u8],
    store: &mut S,
    ports: &Ports<'_>,
) -> Result<Response> {
    if let Some(version) = headers.get(VERSION_HEADER) {
        let version = version.to_str().unwrap_or_default();
        if !VERSIONS.contains(&version) {
            return Err(Error::new(
                Code::UnsupportedProtocolVersion,
                format!(
                    "MCP-Protocol-Version '{}' is not served; this server speaks {}",
                    version.escape_debug(),
                    VERSIONS.join(", ")
                ),
            ));
        }
    }
    let message = parse(body).map_err(|err| {
        Error::new(Code::InvalidJsonRpc, err.message.clone())
            .with_field("jsonrpc", error_response(&Value::Null, &err))
    })?;
    let starts = matches!(&message, Message::Request { method, .. } if method == "initialize");
    let (id, mut session) = if starts {
        (new_session_id(ports)?, Session::default())
    } else {
        let id = session_id(headers)?;
        let stored = load(store, &id)?;
        (id, stored.session)
    };
    let before = session.clone();
    let answer = handle(message, &mut session, store, ports);
    let mut batch = Batch::new();
    if starts {
        forget_idle(store, &mut batch, ports.clock.now())?;
    }
    if starts || session != before {
        batch.put_json(
            key(&id),
            &Stored {
                session,
                last_used: ports.clock.now(),
            },
        )?;
        store.commit(batch)?;
    }
    let mut res = match answer {
        Some(answer) => reply::json(200, &answer),
        None => reply::bytes(202, reply::JSON, bytes::Bytes::new()),
    };
    if starts && let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(SESSION_HEADER, value);
    }
    Ok(res)
}

/// The answer of `DELETE /mcp`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Ended {
    /// Always `ended`.
    pub status: &'static str,
}

/// `DELETE /mcp`: ends the session.
pub fn delete<S: Store + ?Sized>(headers: &HeaderMap, store: &mut S) -> Result<Ended> {
    let id = session_id(headers)?;
    load(store, &id)?;
    let mut batch = Batch::new();
    batch.delete(key(&id));
    store.commit(batch)?;
    Ok(Ended { status: "ended" })
}

fn key(id: &str) -> String {
    format!("{SESSIONS}{id}")
}

fn session_id(headers: &HeaderMap) -> Result<String> {
    let id = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::new(
                Code::SessionRequired,
                "This request needs the MCP-Session-Id that initialize answered",
            )
        })?;
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id.to_owned())
    } else {
        Err(unknown_session())
    }
}

fn unknown_session() -> Error {
    Error::new(
        Code::SessionNotFound,
        "The MCP session has ended or never existed: initialize a new one",
    )
}

fn load<S: Store + ?Sized>(store: &S, id: &str) -> Result<Stored> {
    get_json(store, &key(id))?.ok_or_else(unknown_session)
}

/// 128 random bits as hex.
fn new_session_id(ports: &Ports<'_>) -> Result<String> {
    let mut bytes = [0u8; 16];
    ports.entropy.fill(&mut bytes)?;
    Ok(to_hex(&bytes))
}

/// Adds deleting every session idle for longer than [`SESSION_TTL_MS`] to `batch`.
fn forget_idle<S: Store + ?Sized>(store: &S, batch: &mut Batch, now: Timestamp) -> Result<()> {
    for (key, stored) in list_json::<Stored, _>(store, SESSIONS)? {
        if now.0.saturating_sub(stored.last_used.0) > SESSION_TTL_MS {
            batch.delete(key);
        }
    }
    Ok(())
}
