//! The payload of a draft or artifact: always the `{"mcpServers": {name: entry}}` form.
//!
//! Entries stay JSON values so that a payload from anywhere (a diff request, an artifact signed
//! by the Python system) round-trips exactly; [`ServerEntry`] is the typed view of an entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Code, Error, Result};

/// The key under which a payload holds its servers.
pub const SERVERS_KEY: &str = "mcpServers";

/// `{"mcpServers": {...}}`: server entries by entry name, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Entries by name.
    #[serde(rename = "mcpServers")]
    pub servers: Map<String, Value>,
}

impl Payload {
    /// Reads a payload from any JSON value; the error says what is wrong with its shape.
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value.as_object().ok_or_else(|| {
            Error::new(
                Code::InvalidPayload,
                "Config must be a JSON object with an \"mcpServers\" object",
            )
        })?;
        match obj.get(SERVERS_KEY) {
            Some(Value::Object(servers)) => Ok(Self {
                servers: servers.clone(),
            }),
            Some(_) => Err(Error::new(
                Code::InvalidPayload,
                "\"mcpServers\" must be an object",
            )),
            None => Err(Error::new(
                Code::InvalidPayload,
                "Config is missing the \"mcpServers\" object",
            )),
        }
    }

    /// The payload as a JSON value.
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        obj.insert(SERVERS_KEY.to_owned(), Value::Object(self.servers.clone()));
        Value::Object(obj)
    }

    /// Number of server entries.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// Whether there are no server entries.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }
}

/// Typed view of one entry: a local (stdio) server with `command`, or a remote one with `url`.
///
/// Serializes in the shape the Python system signs: `args` always present for a command,
/// `env` only when non-empty, remote entries as `{"type", "url", "headers"?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerEntry {
    /// Remote transport (`http` or `sse`); absent for stdio.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
    /// Executable for a stdio server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Arguments for a stdio server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Environment variables for a stdio server.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Endpoint of a remote server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP headers for a remote server.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_mcp_servers_form_and_names_what_is_wrong() {
        let p = Payload::from_value(&json!({"mcpServers": {"a": {"command": "x", "args": []}}}))
            .unwrap();
        assert_eq!(p.len(), 1);
        assert!(
            Payload::from_value(&json!([1]))
                .unwrap_err()
                .detail
                .contains("JSON object")
        );
        assert!(
            Payload::from_value(&json!({}))
                .unwrap_err()
                .detail
                .contains("missing")
        );
        assert!(
            Payload::from_value(&json!({"mcpServers": 3}))
                .unwrap_err()
                .detail
                .contains("must be an object")
        );
    }

    #[test]
    fn stdio_entry_serializes_like_the_python_system() {
        let e = ServerEntry {
            command: Some("node".into()),
            args: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"command": "node", "args": []})
        );
    }
}
