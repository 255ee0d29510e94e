//! The server catalog: search and describe.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Server, Transport};
use crate::error::Result;
use crate::ports::Ports;
use crate::store::Store;

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
    /// The servers found, by id.
    pub servers: Vec<&'static Server>,
    /// How many.
    pub count: usize,
}

/// The whole catalog.
pub fn all() -> ServerList {
    let servers = catalog::catalog().search(None, None);
    ServerList {
        count: servers.len(),
        servers,
    }
}

/// Searches the catalog. A `transport` other than `stdio`, `http` or `sse` (the empty string
/// included) is 400 `INVALID_TRANSPORT`.
pub fn search<S: Store + ?Sized>(
    _: &mut S,
    _: &Ports<'_>,
    input: SearchServers,
) -> Result<ServerList> {
    let transport = input
        .transport
        .as_deref()
        .map(str::parse::<Transport>)
        .transpose()?;
    let servers = catalog::catalog().search(input.q.as_deref(), transport);
    Ok(ServerList {
        count: servers.len(),
        servers,
    })
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
    _: &mut S,
    _: &Ports<'_>,
    input: ServerRef,
) -> Result<&'static Server> {
    catalog::catalog().require(&input.server_id)
}
