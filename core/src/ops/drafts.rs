//! Drafts: add and remove servers, view, clear, validate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Outcome, ProfileRef, target};
use crate::draft;
use crate::error::Result;
use crate::id;
use crate::payload::Payload;
use crate::ports::Ports;
use crate::records;
use crate::store::{Batch, Store};
use crate::validate::{self, Report};

/// A draft as the API shows it: the payload plus its size.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DraftView {
    /// Entries by name.
    #[serde(rename = "mcpServers")]
    pub servers: Map<String, Value>,
    /// Number of entries.
    pub server_count: usize,
}

impl From<Payload> for DraftView {
    fn from(p: Payload) -> Self {
        Self {
            server_count: p.len(),
            servers: p.servers,
        }
    }
}

/// The input of [`add`].
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddServer {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile whose draft changes.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// Catalog id of the server to add.
    #[schemars(with = "crate::id::IdSchema")]
    pub server_id: String,
    /// Parameter values by name (see the server's `parameters`); null counts as not given.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Environment variables by name; values are strings, null counts as not given.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Option<String>>")]
    pub env: Map<String, Value>,
    /// HTTP headers of a remote server by name (see the server's `headers`: a declared
    /// `prefix` such as `Bearer ` goes before the value); null counts as not given.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Option<String>>")]
    pub headers: Map<String, Value>,
    /// Entry name in the draft; defaults to `server_id`.
    #[serde(default)]
    #[schemars(with = "Option<crate::id::IdSchema>")]
    pub name: Option<String>,
}

/// The answer of [`add`] and [`remove`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DraftChanged {
    /// Always true.
    pub success: bool,
    /// `added` or `removed`.
    pub status: Outcome,
    /// What happened, in a sentence.
    pub message: String,
    /// Entries in the draft now.
    pub server_count: usize,
    /// The draft now.
    pub draft: DraftView,
}

/// Adds a catalog server to a profile's draft (see [`draft::add`] for every check).
pub fn add<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: AddServer,
) -> Result<DraftChanged> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let mut current = records::draft(store, client.client_id(), profile)?;
    let req = draft::AddServer {
        server_id: input.server_id,
        params: input.params,
        env: input.env,
        headers: input.headers,
        name: input.name,
    };
    let name = draft::add(&mut current, &records::catalog(store)?, &req)?;
    let mut batch = Batch::new();
    records::put_draft(&mut batch, client.client_id(), profile, &current)?;
    records::touch_profile(store, &mut batch, client, profile, ports.clock.now())?;
    store.commit(batch)?;
    Ok(DraftChanged {
        success: true,
        status: Outcome::Added,
        message: format!(
            "Added '{}' to the {}/{profile} draft as '{name}'",
            req.server_id,
            client.client_id()
        ),
        server_count: current.len(),
        draft: current.into(),
    })
}

/// The input of [`remove`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveServer {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile whose draft changes.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// The entry name to remove (the server id, unless it was added under another name).
    #[schemars(with = "crate::id::IdSchema")]
    pub server_id: String,
}

/// Removes an entry from a profile's draft; 404 `ENTRY_NOT_FOUND` when it is not there.
pub fn remove<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: RemoveServer,
) -> Result<DraftChanged> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let name = id::check("server_id", &input.server_id)?;
    let mut current = records::draft(store, client.client_id(), profile)?;
    draft::remove(&mut current, name)?;
    let mut batch = Batch::new();
    records::put_draft(&mut batch, client.client_id(), profile, &current)?;
    store.commit(batch)?;
    Ok(DraftChanged {
        success: true,
        status: Outcome::Removed,
        message: format!(
            "Removed '{name}' from the {}/{profile} draft",
            client.client_id()
        ),
        server_count: current.len(),
        draft: current.into(),
    })
}

/// A profile's draft; a profile with none has an empty one.
pub fn view<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<DraftView> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    Ok(records::draft(store, client.client_id(), profile)?.into())
}

/// The answer of [`clear`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DraftCleared {
    /// Always true.
    pub success: bool,
    /// `cleared`.
    pub status: Outcome,
    /// What happened, in a sentence.
    pub message: String,
}

/// Empties a profile's draft.
pub fn clear<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<DraftCleared> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let mut batch = Batch::new();
    records::delete_draft(&mut batch, client.client_id(), profile);
    store.commit(batch)?;
    Ok(DraftCleared {
        success: true,
        status: Outcome::Cleared,
        message: format!("Cleared the {}/{profile} draft", client.client_id()),
    })
}

/// Validates a profile's draft against its client's limits; an invalid draft is a report with
/// `valid: false`, not an error.
pub fn validate<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<Report> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let current = records::draft(store, client.client_id(), profile)?;
    Ok(validate::validate(&current, &client.rules()))
}
