//! The server catalog: search and describe, and the deployment's own entries (`server.json`).
//!
//! The catalog a deployment serves is a function of its store: the built-in entries and the
//! team entries under `catalog/` ([`records::catalog`]).

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::Outcome;
use crate::catalog::{self, Origin, Server, Transport};
use crate::error::{Code, Error, Result};
use crate::id;
use crate::ports::Ports;
use crate::records::{self, TeamServer};
use crate::registry::{self, ServerJson};
use crate::store::{Batch, Store};

/// The input of [`search`]: both filters optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchServers {
    /// Free text matched (case-insensitive) against id, name, description and tags; blank
    /// matches everything.
    #[serde(default)]
    pub q: Option<String>,
    /// Only servers of this transport.
    #[serde(default)]
    #[schemars(with = "Option<Transport>")]
    pub transport: Option<String>,
}

/// The answer of [`search`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ServerList {
    /// The servers found, by id; `origin` says which are built in and which the deployment's own.
    pub servers: Vec<Cow<'static, Server>>,
    /// How many.
    pub count: usize,
}

/// Searches the catalog, built-in and team entries together. A `transport` other than
/// `stdio`, `http` or `sse` (the empty string included) is 400 `INVALID_TRANSPORT`.
pub fn search<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: SearchServers,
) -> Result<ServerList> {
    let transport = input
        .transport
        .as_deref()
        .map(str::parse::<Transport>)
        .transpose()?;
    let q = input.q.as_deref();
    let team = catalog::Catalog::default().extended(records::team_servers(store)?);
    let mut servers: Vec<Cow<'static, Server>> = catalog::catalog()
        .search(q, transport)
        .into_iter()
        .map(Cow::Borrowed)
        .chain(
            team.search(q, transport)
                .into_iter()
                .filter(|s| catalog::catalog().get(&s.server_id).is_none())
                .map(|s| Cow::Owned(s.clone())),
        )
        .collect();
    servers.sort_by(|a, b| a.server_id.cmp(&b.server_id));
    Ok(ServerList {
        count: servers.len(),
        servers,
    })
}

/// Whether the store has no team entries, so the catalog is the built-in one.
pub fn builtin_only<S: Store + ?Sized>(store: &S) -> Result<bool> {
    Ok(records::team_servers(store)?.is_empty())
}

/// The whole built-in catalog.
pub fn builtin() -> ServerList {
    let servers: Vec<_> = catalog::catalog()
        .servers()
        .iter()
        .map(Cow::Borrowed)
        .collect();
    ServerList {
        count: servers.len(),
        servers,
    }
}

/// A catalog server, by id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerRef {
    /// The catalog id, e.g. `filesystem`.
    #[schemars(with = "crate::id::IdSchema")]
    pub server_id: String,
}

/// One catalog server: 400 `INVALID_ID` when malformed, 404 `SERVER_NOT_FOUND`.
pub fn describe<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ServerRef,
) -> Result<Cow<'static, Server>> {
    let server_id = id::check("server_id", &input.server_id)?;
    if let Some(server) = catalog::catalog().get(server_id) {
        return Ok(Cow::Borrowed(server));
    }
    match records::team_server(store, server_id)? {
        Some(team) => Ok(Cow::Owned(team.server())),
        None => catalog::catalog().require(server_id).map(Cow::Borrowed),
    }
}

/// The input of [`replace`]: the catalog id and a `server.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceServer {
    /// The catalog id of the team entry.
    pub server_id: String,
    /// The server, in the MCP Registry's `server.json` format.
    pub server: ServerJson,
}

impl<'de> Deserialize<'de> for ReplaceServer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut fields = Map::<String, Value>::deserialize(d)?;
        let server_id = match fields.remove("server_id") {
            Some(Value::String(id)) => id,
            _ => return Err(D::Error::missing_field("server_id")),
        };
        let server = ServerJson::deserialize(Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(Self { server_id, server })
    }
}

impl JsonSchema for ReplaceServer {
    fn schema_name() -> Cow<'static, str> {
        "ReplaceServer".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = ServerJson::json_schema(g);
        let id = g.subschema_for::<crate::id::IdSchema>();
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert("server_id".into(), id.to_value());
        }
        if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
            required.push("server_id".into());
        }
        schema
    }
}

/// The answer of [`add`], [`replace`] and [`delete`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ServerChanged {
    /// Always true.
    pub success: bool,
    /// `added`, `updated` or `removed`.
    pub status: Outcome,
    /// What happened, in a sentence.
    pub message: String,
    /// The catalog entry (as it was, for a removal).
    pub server: Server,
}

/// Adds a team entry from a `server.json` under the id its `name` ends with: 400
/// `SERVER_JSON_INVALID` naming the field the catalog cannot honour, 409 `SERVER_EXISTS` when
/// the id is taken (replace a team entry with `PUT /v1/servers/{server_id}`).
pub fn add<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: ServerJson,
) -> Result<ServerChanged> {
    let entry = registry::spec(&input, None)?;
    let server_id = entry.server_id.clone();
    if catalog::catalog().get(&server_id).is_some()
        || records::team_server(store, &server_id)?.is_some()
    {
        return Err(Error::new(
            Code::ServerExists,
            format!(
                "The catalog already has a server '{server_id}'; choose another id with PUT /v1/servers/{{server_id}}{}",
                if catalog::catalog().get(&server_id).is_some() {
                    ""
                } else {
                    " or replace it there"
                }
            ),
        ));
    }
    save(store, ports, entry, &input, Outcome::Added)
}

/// Adds or replaces the team entry `server_id` from a `server.json`: 409 `SERVER_READ_ONLY` for
/// a built-in id, 400 `SERVER_JSON_INVALID` naming the field the catalog cannot honour.
pub fn replace<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: ReplaceServer,
) -> Result<ServerChanged> {
    let server_id = id::check("server_id", &input.server_id)?;
    read_only(server_id)?;
    let entry = registry::spec(&input.server, Some(server_id))?;
    let status = match records::team_server(store, server_id)? {
        Some(_) => Outcome::Updated,
        None => Outcome::Added,
    };
    save(store, ports, entry, &input.server, status)
}

/// Removes the team entry `server_id`: 409 `SERVER_READ_ONLY` for a built-in one, 404
/// `SERVER_NOT_FOUND`. Drafts and artifacts that hold it keep their entries.
pub fn delete<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ServerRef,
) -> Result<ServerChanged> {
    let server_id = id::check("server_id", &input.server_id)?;
    read_only(server_id)?;
    let team = records::team_server(store, server_id)?.ok_or_else(|| {
        Error::new(
            Code::ServerNotFound,
            format!("Server '{server_id}' not found"),
        )
    })?;
    let mut batch = Batch::new();
    records::delete_team_server(&mut batch, server_id);
    store.commit(batch)?;
    Ok(ServerChanged {
        success: true,
        status: Outcome::Removed,
        message: format!("Removed team server '{server_id}' from the catalog"),
        server: team.server(),
    })
}

/// 409 `SERVER_READ_ONLY` when `server_id` is a built-in entry.
fn read_only(server_id: &str) -> Result<()> {
    match catalog::catalog().get(server_id) {
        Some(_) => Err(Error::new(
            Code::ServerReadOnly,
            format!(
                "Server '{server_id}' is a built-in catalog entry, which cannot be replaced or deleted; add yours under another id"
            ),
        )),
        None => Ok(()),
    }
}

fn save<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    entry: catalog::ServerSpec,
    source: &ServerJson,
    status: Outcome,
) -> Result<ServerChanged> {
    let record = TeamServer {
        entry,
        source: source_value(source),
        updated_at: ports.clock.now(),
    };
    let mut batch = Batch::new();
    records::put_team_server(&mut batch, &record)?;
    store.commit(batch)?;
    let server = record.server();
    debug_assert_eq!(server.origin, Origin::Team);
    Ok(ServerChanged {
        success: true,
        message: format!(
            "{} team server '{}' ({}) in the catalog",
            if status == Outcome::Added {
                "Added"
            } else {
                "Replaced"
            },
            server.server_id,
            server.transport
        ),
        status,
        server,
    })
}

/// The `server.json` kept beside the entry: its name and version, for listings and audits.
fn source_value(source: &ServerJson) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), source.name.clone().into());
    obj.insert("version".into(), source.version.clone().into());
    Value::Object(obj)
}
