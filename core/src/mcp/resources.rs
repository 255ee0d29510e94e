//! The MCP resources: the catalog and each of its servers, and each profile's draft, latest and
//! deployed artifact, as JSON read through the same operations as the tools.
//!
//! | URI | what |
//! |---|---|
//! | `mcp-orchestration://catalog` | the whole catalog |
//! | `mcp-orchestration://catalog/{server_id}` | one catalog server |
//! | `mcp-orchestration://drafts/{client_id}/{profile_id}` | a profile's draft |
//! | `mcp-orchestration://configs/{client_id}/{profile_id}/latest` | its latest published artifact |
//! | `mcp-orchestration://configs/{client_id}/{profile_id}/deployed` | its deployed artifact |

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{INTERNAL_ERROR, INVALID_PARAMS, RESOURCE_NOT_FOUND, RpcError};
use crate::error::{ErrorKind, Result};
use crate::ops::{ProfileRef, artifacts, drafts, servers};
use crate::ports::Ports;
use crate::records::{self, Holding};
use crate::store::Store;

const SCHEME: &str = "mcp-orchestration://";
const JSON: &str = "application/json";

/// A resource of the list.
fn entry(uri: String, name: String, title: String, description: &str) -> Value {
    json!({"uri": uri, "name": name, "title": title, "description": description, "mimeType": JSON})
}

/// The `resources/list` result: the catalog, each server, and each profile's draft, latest and
/// deployed artifact that exists.
pub fn list<S: Store + ?Sized>(store: &S) -> Result<Value, RpcError> {
    let mut out = vec![entry(
        format!("{SCHEME}catalog"),
        "catalog".into(),
        "Server catalog".into(),
        "Every MCP server that can be added to a config.",
    )];
    for server in records::catalog(store).map_err(internal)?.servers() {
        out.push(entry(
            format!("{SCHEME}catalog/{}", server.server_id),
            format!("catalog/{}", server.server_id),
            server.display_name.clone(),
            &server.description,
        ));
    }
    let profiles = |what| records::profiles_holding(store, what).map_err(internal);
    for (client, profile) in profiles(Holding::Draft)? {
        out.push(entry(
            format!("{SCHEME}drafts/{client}/{profile}"),
            format!("drafts/{client}/{profile}"),
            format!("Draft of {client}/{profile}"),
            "The servers this profile will publish.",
        ));
    }
    for (what, kind, description) in [
        (
            Holding::Published,
            "latest",
            "The latest artifact published for this profile.",
        ),
        (
            Holding::Deployed,
            "deployed",
            "The artifact last deployed for this profile.",
        ),
    ] {
        for (client, profile) in profiles(what)? {
            out.push(entry(
                format!("{SCHEME}configs/{client}/{profile}/{kind}"),
                format!("configs/{client}/{profile}/{kind}"),
                format!("{client}/{profile}: {kind} artifact"),
                description,
            ));
        }
    }
    Ok(json!({ "resources": out }))
}

/// The `resources/templates/list` result.
pub fn templates() -> Value {
    let template = |uri: &str, name: &str, title: &str, description: &str| json!({"uriTemplate": format!("{SCHEME}{uri}"), "name": name, "title": title, "description": description, "mimeType": JSON});
    json!({"resourceTemplates": [
        template("catalog/{server_id}", "catalog-server", "Catalog server", "One MCP server of the catalog."),
        template("drafts/{client_id}/{profile_id}", "draft", "Draft", "A client profile's draft."),
        template("configs/{client_id}/{profile_id}/latest", "latest-artifact", "Latest artifact", "The latest artifact published for a client profile."),
        template("configs/{client_id}/{profile_id}/deployed", "deployed-artifact", "Deployed artifact", "The artifact last deployed for a client profile."),
    ]})
}

/// The `resources/read` result for `params.uri`; -32002 for a URI that names nothing.
pub fn read<S: Store + ?Sized>(
    params: &Map<String, Value>,
    store: &mut S,
    ports: &Ports<'_>,
) -> Result<Value, RpcError> {
    let uri = params
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::new(INVALID_PARAMS, "resources/read needs a \"uri\""))?;
    let not_found = || RpcError::new(RESOURCE_NOT_FOUND, format!("Resource not found: {uri}"));
    let path = uri.strip_prefix(SCHEME).ok_or_else(not_found)?;
    let parts: Vec<&str> = path.split('/').collect();
    let profile = |client: &str, profile: &str| ProfileRef {
        client_id: client.to_owned(),
        profile_id: profile.to_owned(),
    };
    let value = match parts.as_slice() {
        ["catalog"] => json_of(servers::search(
            store,
            ports,
            servers::SearchServers::default(),
        )),
        ["catalog", id] => json_of(servers::describe(
            store,
            ports,
            servers::ServerRef {
                server_id: (*id).to_owned(),
            },
        )),
        ["drafts", c, p] => json_of(drafts::view(store, ports, profile(c, p))),
        ["configs", c, p, "latest"] => json_of(artifacts::latest(store, ports, profile(c, p))),
        ["configs", c, p, "deployed"] => json_of(artifacts::deployed(store, ports, profile(c, p))),
        _ => return Err(not_found()),
    };
    let value = value.map_err(|err| match err.kind() {
        ErrorKind::NotFound | ErrorKind::BadRequest => RpcError::new(
            RESOURCE_NOT_FOUND,
            format!("Resource not found: {uri}: {}", err.detail),
        ),
        _ => internal(err),
    })?;
    Ok(json!({"contents": [{"uri": uri, "mimeType": JSON, "text": value.to_string()}]}))
}

fn json_of<T: Serialize>(value: Result<T>) -> Result<Value> {
    serde_json::to_value(value?).map_err(|e| {
        crate::Error::new(
            crate::Code::EncodeFailed,
            format!("Could not encode the resource: {e}"),
        )
    })
}

fn internal(err: crate::Error) -> RpcError {
    RpcError::new(INTERNAL_ERROR, format!("Internal error: {}", err.detail))
}
