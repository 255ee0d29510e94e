//! Operations: one typed function per thing a user can do, shared by every way in.
//!
//! Each operation is `fn(store, ports, Input) -> Result<Output>`: a `Deserialize` input that
//! refuses unknown fields, a `Serialize` output, and the core's one [`Error`](crate::Error).
//! The `/v1` handlers, the CLI, the MCP tools and the npm exports are translations onto these
//! functions, so they cannot disagree; the JSON Schemas of the inputs and outputs (derived with
//! `schemars`) are the OpenAPI components, the MCP tool schemas and the TypeScript types.
//!
//! Operations that only read take the store as `&mut` too, so every operation has one shape;
//! a host may hand them a read-only view (its `commit` fails).

pub mod artifacts;
pub mod clients;
pub mod configs;
pub mod drafts;
pub mod keys;
pub mod servers;
pub mod sync;
pub mod tokens;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::{self, Client};
use crate::error::Result;
use crate::id;

/// What a successful change did, as the `status` of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A server entry was added to a draft, or a team entry to the catalog.
    Added,
    /// A team catalog entry was replaced.
    Updated,
    /// A server entry was removed from a draft, or a team entry from the catalog.
    Removed,
    /// A draft was cleared.
    Cleared,
    /// A draft was made from a client file's servers.
    Imported,
    /// A draft was published as an artifact.
    Published,
    /// An artifact was deployed.
    Deployed,
    /// Signing keys were created or rotated.
    Initialized,
    /// A token was revoked.
    Revoked,
}

/// No input: the operation takes nothing (an empty object, nothing else).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

/// A client app, by id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientRef {
    /// The client app, e.g. `claude-desktop` (see `GET /v1/clients`).
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
}

/// One profile of a client app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRef {
    /// The client app, e.g. `claude-desktop`.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile, e.g. `default`; any well-formed id makes a profile.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
}

/// The client named `client_id`: 400 `INVALID_ID` when malformed, 404 `CLIENT_NOT_FOUND`.
fn client(client_id: &str) -> Result<&'static Client> {
    client::client(id::check("client_id", client_id)?)
}

/// The client and the checked profile id of `client_id`/`profile_id`.
fn target<'p>(client_id: &str, profile_id: &'p str) -> Result<(&'static Client, &'p str)> {
    let client = client(client_id)?;
    Ok((client, id::check("profile_id", profile_id)?))
}
