//! mcp-orchestration as an MCP server: JSON-RPC 2.0 over the operations layer.
//!
//! [`handle`] answers one JSON-RPC message for a [`Session`]: `initialize` (version
//! negotiation), `notifications/initialized`, `ping`, `tools/list`, `tools/call`,
//! `resources/list`, `resources/templates/list` and `resources/read`. Each tool is one
//! operation of [`crate::ops`] (see [`tools`]); each resource a read of the store (see
//! [`resources`]). Transports are thin: stdio in the native host, Streamable HTTP in [`http`]
//! for both hosts.
//!
//! Errors follow the spec: unparseable JSON is -32700, a message that is not a JSON-RPC request
//! -32600, an unknown method -32601, bad params (an unknown tool included) -32602, an unknown
//! resource -32002. A failed operation is not a JSON-RPC error but a tool result with
//! `isError: true` carrying the API's message, so the model can read and correct it.

pub mod http;
pub mod resources;
pub mod tools;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::ports::Ports;
use crate::store::Store;

/// The protocol revisions served, newest first.
pub const VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// The revision a Streamable HTTP client that sends no `MCP-Protocol-Version` is assumed to speak.
pub const DEFAULT_HTTP_VERSION: &str = "2025-03-26";

/// JSON-RPC: the message is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: the message is not a valid request.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC: no such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC: bad parameters (an unknown tool included).
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC: the server failed (the store, say).
pub const INTERNAL_ERROR: i64 = -32603;
/// MCP: no such resource.
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// What the server knows of one client connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The negotiated protocol revision, once `initialize` was answered.
    pub version: Option<String>,
    /// Whether the client said `notifications/initialized`.
    #[serde(default)]
    pub initialized: bool,
}

/// A JSON-RPC error: code, message, and the id it answers (null when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// The JSON-RPC error code.
    pub code: i64,
    /// One sentence.
    pub message: String,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// A JSON-RPC error response for `id`.
pub fn error_response(id: &Value, err: &RpcError) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": err.code, "message": err.message}})
}

/// One incoming message, classified.
#[derive(Debug)]
pub enum Message {
    /// A request: it gets a response.
    Request {
        /// Its id (a string or a number).
        id: Value,
        /// The method.
        method: String,
        /// Its params (an object, or absent).
        params: Map<String, Value>,
    },
    /// A notification: no response.
    Notification {
        /// The method.
        method: String,
    },
    /// A response to a request of ours (we send none): accepted and ignored.
    Response,
}

/// Reads one message; the error is the response to send (with a null id).
pub fn parse(bytes: &[u8]) -> Result<Message, RpcError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| RpcError::new(PARSE_ERROR, format!("Parse error: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err(RpcError::new(
            INVALID_REQUEST,
            "Invalid Request: a message is one JSON-RPC object (batches are not supported)",
        ));
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(RpcError::new(
            INVALID_REQUEST,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"",
        ));
    }
    let id = obj.remove("id");
    if let Some(id) = &id
        && !(id.is_string() || id.is_i64() || id.is_u64())
    {
        return Err(RpcError::new(
            INVALID_REQUEST,
            "Invalid Request: \"id\" must be a string or an integer",
        ));
    }
    let method = match obj.remove("method") {
        Some(Value::String(method)) => method,
        Some(_) => {
            return Err(RpcError::new(
                INVALID_REQUEST,
                "Invalid Request: \"method\" must be a string",
            ));
        }
        None if id.is_some() && (obj.contains_key("result") || obj.contains_key("error")) => {
            return Ok(Message::Response);
        }
        None => {
            return Err(RpcError::new(
                INVALID_REQUEST,
                "Invalid Request: no \"method\"",
            ));
        }
    };
    let params = match obj.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => {
            return Err(RpcError::new(
                INVALID_REQUEST,
                "Invalid Request: \"params\" must be an object",
            ));
        }
    };
    Ok(match id {
        Some(id) => Message::Request { id, method, params },
        None => Message::Notification { method },
    })
}

/// Answers `message` for `session`: the response to send, or `None` (notifications, responses).
pub fn handle<S: Store + ?Sized>(
    message: Message,
    session: &mut Session,
    store: &mut S,
    ports: &Ports<'_>,
) -> Option<Value> {
    match message {
        Message::Response => None,
        Message::Notification { method } => {
            if method == "notifications/initialized" && session.version.is_some() {
                session.initialized = true;
            }
            None
        }
        Message::Request { id, method, params } => {
            let answer = request(&method, params, session, store, ports);
            Some(match answer {
                Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Err(err) => error_response(&id, &err),
            })
        }
    }
}

/// Reads and answers the bytes of one message: what a transport sends back, if anything.
pub fn answer<S: Store + ?Sized>(
    bytes: &[u8],
    session: &mut Session,
    store: &mut S,
    ports: &Ports<'_>,
) -> Option<Value> {
    match parse(bytes) {
        Ok(message) => handle(message, session, store, ports),
        Err(err) => Some(error_response(&Value::Null, &err)),
    }
}

fn request<S: Store + ?Sized>(
    method: &str,
    params: Map<String, Value>,
    session: &mut Session,
    store: &mut S,
    ports: &Ports<'_>,
) -> Result<Value, RpcError> {
    match method {
        "initialize" => Ok(initialize(&params, session)),
        "ping" => Ok(json!({})),
        _ if session.version.is_none() => Err(RpcError::new(
            INVALID_REQUEST,
            format!("The session is not initialized: send \"initialize\" before \"{method}\""),
        )),
        "tools/list" => Ok(tools::list()),
        "tools/call" => tools::call(params, store, ports),
        "resources/list" => resources::list(store),
        "resources/templates/list" => Ok(resources::templates()),
        "resources/read" => resources::read(&params, store, ports),
        other => Err(RpcError::new(
            METHOD_NOT_FOUND,
            format!("Method not found: {other}"),
        )),
    }
}

/// The revision to speak with a client that asked for `requested`: that one when supported,
/// else the newest.
pub fn negotiate(requested: Option<&str>) -> &'static str {
    VERSIONS
        .iter()
        .copied()
        .find(|v| Some(*v) == requested)
        .unwrap_or(VERSIONS[0])
}

fn initialize(params: &Map<String, Value>, session: &mut Session) -> Value {
    let version = negotiate(params.get("protocolVersion").and_then(Value::as_str));
    session.version = Some(version.to_owned());
    session.initialized = false;
    json!({
        "protocolVersion": version,
        "capabilities": {
            "tools": {"listChanged": false},
            "resources": {"subscribe": false, "listChanged": false},
        },
        "serverInfo": {
            "name": "mcp-orchestration",
            "title": "mcp-orchestration",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": INSTRUCTIONS,
    })
}

const INSTRUCTIONS: &str = "Manages the MCP server configs of AI client apps (Claude Desktop, Cursor, VS Code, ...). Typical flow: list_available_servers to find a server, describe_server for its parameters and env vars, add_server_to_config for a client profile (client_id defaults to claude-desktop, profile_id to default), validate_config, initialize_keys once, publish_config, then deploy_config to write the client's config file.";

#[cfg(test)]
mod tests;
