//! The payload of a draft or artifact: always the `{"mcpServers": {name: entry}}` form.
//!
//! Entries stay JSON values so that a payload from anywhere (a diff request, an artifact signed
//! by the Python system) round-trips exactly; [`ServerEntry`] is the typed view of an entry, and
//! [`Entries`] the entries of a draft as stored, kept as JSON text.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Code, Error, Result};
use crate::secret::Setting;

/// The key under which a payload holds its servers.
pub const SERVERS_KEY: &str = "mcpServers";

/// `{"mcpServers": {...}}`: server entries by entry name, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
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

/// Server entries by name, each kept as the JSON text it was stored as, sorted by name: a
/// draft is read, changed by one entry and written back on every `draft/add`, and its other
/// entries are copied, never decoded. Serializes exactly as the same entries of a [`Payload`],
/// with `serde_json` (another serializer sees [`RawValue`]'s private form: go through
/// [`serde_json::to_value`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Entries(BTreeMap<String, Box<RawValue>>);

impl Entries {
    /// The entries of `payload`.
    pub fn from_payload(payload: &Payload) -> Result<Self> {
        let mut entries = Self::default();
        for (name, entry) in &payload.servers {
            entries.insert(name.clone(), entry)?;
        }
        Ok(entries)
    }

    /// The entries decoded, as a payload.
    pub fn to_payload(&self) -> Result<Payload> {
        let servers = self
            .0
            .iter()
            .map(|(name, raw)| {
                let entry = serde_json::from_str(raw.get()).map_err(|e| {
                    Error::new(
                        Code::StoreCorrupt,
                        format!("Draft entry '{name}' is unreadable: {e}"),
                    )
                })?;
                Ok((name.clone(), entry))
            })
            .collect::<Result<_>>()?;
        Ok(Payload { servers })
    }

    /// Puts `entry` under `name`, replacing an entry of that name.
    pub fn insert(&mut self, name: String, entry: &Value) -> Result<()> {
        let raw = serde_json::value::to_raw_value(entry).map_err(|e| {
            Error::new(
                Code::StoreEncode,
                format!("Could not encode entry '{name}': {e}"),
            )
        })?;
        self.0.insert(name, raw);
        Ok(())
    }

    /// Takes out the entry `name`; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        self.0.remove(name).is_some()
    }

    /// Whether an entry is named `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Every entry's name and JSON text, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(name, raw)| (name.as_str(), raw.get()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Equal when the same names hold the same JSON text (entries are written in one canonical
/// form, so equal entries have equal text).
impl PartialEq for Entries {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The schema of [`Payload::servers`]: an object of entries.
impl JsonSchema for Entries {
    fn inline_schema() -> bool {
        <Map<String, Value>>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <Map<String, Value>>::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <Map<String, Value>>::json_schema(generator)
    }
}

/// A remote transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Remote {
    /// Streamable HTTP.
    Http,
    /// Server-sent events.
    Sse,
}

impl Remote {
    /// The transport's name in the canonical payload (`http`, `sse`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Sse => "sse",
        }
    }
}

/// One server entry of a payload, typed: a local process or a remote endpoint.
///
/// In JSON (the form the Python system signs): stdio `{"command", "args", "env"?, "cwd"?}` with
/// `args` always present and `env` only when non-empty; remote `{"type", "url", "headers"?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEntry {
    /// A local process spoken to over stdin/stdout.
    Stdio {
        /// The executable.
        command: String,
        /// Its arguments.
        args: Vec<String>,
        /// Its environment variables (text, or secrets by reference).
        env: BTreeMap<String, Setting>,
        /// Its working directory.
        cwd: Option<String>,
    },
    /// A remote endpoint.
    Remote {
        /// How it is reached.
        transport: Remote,
        /// Where.
        url: String,
        /// HTTP headers sent with every request (text, or secrets by reference).
        headers: BTreeMap<String, Setting>,
    },
}

/// The loose JSON shape of an entry, before its fields are checked against each other.
#[derive(Deserialize)]
struct Fields {
    #[serde(rename = "type", default)]
    transport: Option<String>,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    args: Option<Vec<String>>,
    #[serde(default)]
    env: BTreeMap<String, Setting>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, Setting>,
}

impl ServerEntry {
    /// Reads the payload entry `name`; 400 `INVALID_SERVER_ENTRY` naming it when it is neither
    /// a stdio nor a remote server.
    pub fn from_value(name: &str, entry: &Value) -> Result<Self> {
        let bad = |problem: String| {
            Error::new(
                Code::InvalidServerEntry,
                format!("Server '{}' {problem}", name.escape_debug()),
            )
        };
        let fields = Fields::deserialize(entry)
            .map_err(|e| bad(format!("is not a valid server entry: {e}")))?;
        let transport = fields.transport.as_deref();
        match (fields.command, fields.url) {
            (Some(_), Some(_)) => Err(bad("has both \"command\" and \"url\"".to_owned())),
            (Some(command), None) if matches!(transport, None | Some("stdio")) => Ok(Self::Stdio {
                command,
                args: fields.args.unwrap_or_default(),
                env: fields.env,
                cwd: fields.cwd,
            }),
            (None, Some(url)) if fields.cwd.is_none() => {
                let transport = match transport {
                    None | Some("http") => Remote::Http,
                    Some("sse") => Remote::Sse,
                    Some(other) => {
                        return Err(bad(format!("has the unknown remote type {other:?}")));
                    }
                };
                Ok(Self::Remote {
                    transport,
                    url,
                    headers: fields.headers,
                })
            }
            (None, Some(_)) => Err(bad("is remote but has a \"cwd\"".to_owned())),
            (Some(_), None) => Err(bad(format!(
                "has a \"command\" but the type {:?}",
                transport.unwrap_or("")
            ))),
            (None, None) => Err(bad("has neither \"command\" nor \"url\"".to_owned())),
        }
    }

    /// The entry as payload JSON.
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        match self {
            Self::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                obj.insert("command".into(), command.as_str().into());
                obj.insert("args".into(), args.clone().into());
                if !env.is_empty() {
                    obj.insert("env".into(), settings_map(env));
                }
                if let Some(cwd) = cwd {
                    obj.insert("cwd".into(), cwd.as_str().into());
                }
            }
            Self::Remote {
                transport,
                url,
                headers,
            } => {
                obj.insert("type".into(), transport.as_str().into());
                obj.insert("url".into(), url.as_str().into());
                if !headers.is_empty() {
                    obj.insert("headers".into(), settings_map(headers));
                }
            }
        }
        Value::Object(obj)
    }
}

/// The JSON Schema of an entry in the form [`ServerEntry::to_value`] writes (the form a draft
/// holds and an artifact signs): `StdioEntry` or `RemoteEntry`.
impl JsonSchema for ServerEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ServerEntry".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = EntryForm::json_schema(g);
        schema.insert(
            "description".into(),
            "A server entry as a draft holds it and an artifact signs it: a local process or a remote endpoint.".into(),
        );
        schema
    }
}

/// The JSON forms of a [`ServerEntry`], which its schema is derived from; a test reads every
/// form `to_value` writes back through them.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(
    dead_code,
    reason = "only its schema and its deserialization (in tests) are used"
)]
enum EntryForm {
    Stdio(StdioEntry),
    Remote(RemoteEntry),
}

/// A local server: a process spoken to over stdin/stdout.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "only its schema and its deserialization (in tests) are used"
)]
struct StdioEntry {
    /// The executable.
    command: String,
    /// Its arguments (always present, possibly empty).
    args: Vec<String>,
    /// Its environment variables (text, or `{"secret": "NAME"}`); present only when there are
    /// some.
    #[serde(default)]
    env: Option<BTreeMap<String, Setting>>,
    /// Its working directory, when one is set.
    #[serde(default)]
    cwd: Option<String>,
}

/// A remote server, reached over Streamable HTTP (`http`) or server-sent events (`sse`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "only its schema and its deserialization (in tests) are used"
)]
struct RemoteEntry {
    /// The transport.
    #[serde(rename = "type")]
    transport: Remote,
    /// The endpoint.
    url: String,
    /// HTTP headers sent with every request (text, or `{"secret": "NAME", "prefix"?}`);
    /// present only when there are some.
    #[serde(default)]
    headers: Option<BTreeMap<String, Setting>>,
}

/// A map of settings as a JSON object: text as strings, secrets as `{"secret", "prefix"?}`.
pub(crate) fn settings_map(map: &BTreeMap<String, Setting>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| {
                let value = match v {
                    Setting::Text(t) => Value::from(t.as_str()),
                    Setting::Secret(r) => {
                        let mut obj = Map::new();
                        obj.insert("secret".into(), r.secret.as_str().into());
                        if !r.prefix.is_empty() {
                            obj.insert("prefix".into(), r.prefix.as_str().into());
                        }
                        Value::Object(obj)
                    }
                };
                (k.clone(), value)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn entries_write_what_the_payload_writes_and_read_it_back() {
        let payload = Payload::from_value(&json!({"mcpServers": {
            "zed": {"command": "npx", "args": ["-y", "pkg@1.0.0", "é \"quoted\""], "env": {"N": {"secret": "N"}}},
            "api": {"type": "http", "url": "https://example.com/mcp", "headers": {"X": "1.0e3"}},
            "num": {"command": "x", "args": [], "weight": 0.1}
        }}))
        .unwrap();
        let entries = Entries::from_payload(&payload).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            serde_json::to_string(&entries).unwrap(),
            serde_json::to_string(&payload.servers).unwrap()
        );
        let read: Entries =
            serde_json::from_str(&serde_json::to_string(&entries).unwrap()).unwrap();
        assert_eq!(read, entries);
        assert_eq!(read.to_payload().unwrap(), payload);

        let mut changed = read.clone();
        assert!(changed.remove("num"));
        assert!(!changed.remove("num"));
        assert!(!changed.contains("num") && changed.contains("zed"));
        assert_ne!(changed, entries);
        changed
            .insert("num".to_owned(), &payload.servers["num"])
            .unwrap();
        assert_eq!(changed, entries);
    }

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
        let e = ServerEntry::Stdio {
            command: "node".into(),
            args: vec![],
            env: BTreeMap::new(),
            cwd: None,
        };
        assert_eq!(e.to_value(), json!({"command": "node", "args": []}));
        assert_eq!(ServerEntry::from_value("n", &e.to_value()).unwrap(), e);
    }

    #[test]
    fn every_form_to_value_writes_fits_the_entry_schema() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, Setting> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Setting::Text((*v).to_owned())))
                .collect()
        };
        let entries = [
            ServerEntry::Stdio {
                command: "npx".into(),
                args: vec!["-y".into(), "x".into()],
                env: BTreeMap::new(),
                cwd: None,
            },
            ServerEntry::Stdio {
                command: "uvx".into(),
                args: vec![],
                env: map(&[("TOKEN", "t")]),
                cwd: Some("/srv".into()),
            },
            ServerEntry::Remote {
                transport: Remote::Http,
                url: "https://example.com/mcp".into(),
                headers: BTreeMap::new(),
            },
            ServerEntry::Remote {
                transport: Remote::Sse,
                url: "https://example.com/sse".into(),
                headers: map(&[("Authorization", "Bearer x")]),
            },
            ServerEntry::Remote {
                transport: Remote::Http,
                url: "https://example.com/mcp".into(),
                headers: BTreeMap::from([(
                    "Authorization".to_owned(),
                    Setting::Secret(crate::secret::SecretRef {
                        secret: "API_KEY".into(),
                        prefix: "Bearer ".into(),
                    }),
                )]),
            },
        ];
        for entry in entries {
            let value = entry.to_value();
            let form = EntryForm::deserialize(&value);
            assert!(form.is_ok(), "{value} does not fit the ServerEntry schema");
        }
        // And the forms are strict: a field neither form has fits neither.
        assert!(EntryForm::deserialize(&json!({"command": "x", "args": [], "url": "u"})).is_err());
        assert!(EntryForm::deserialize(&json!({"type": "ftp", "url": "u"})).is_err());
    }
}
