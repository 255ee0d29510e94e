//! What the core keeps in the [`Store`]: the key layout and the typed records behind profiles,
//! drafts, publications, deployments and signing keys. Every key the API writes is built here.
//!
//! | key | value |
//! |---|---|
//! | `profile/{client}/{profile}` | [`ProfileRecord`] (profiles beyond a client's defaults, path overrides) |
//! | `draft/{client}/{profile}` | [`Payload`] |
//! | `artifact/{artifact_id}` | [`Artifact`] as first sealed; immutable |
//! | `publication/{client}/{profile}/{seq:016x}` | [`Publication`], one per publish (history) |
//! | `latest/{client}/{profile}` | the newest [`Publication`] |
//! | `deployment/{client}/{profile}` | [`Deployment`], the last deploy |
//! | `owned/{client}/{profile}/{sha256 hex of the path}` | [`Ownership`]: the entries the profile's deploys own in that client file |
//! | `keys/signing` | [`StoredSigningKey`], when the host has no [`crate::ports::Keyring`] |
//! | `keys/public/{key_id}` | [`PublicKeyRecord`], every key that ever signed |
//! | `catalog/{server_id}` | [`TeamServer`]: a catalog entry of the deployment's own |
//! | `mcp-session/{id}` | an MCP session over Streamable HTTP (see [`crate::mcp`]) |
//!
//! Tokens keep their own keys under `token/` (see [`crate::token`]).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::artifact::Artifact;
use crate::catalog::{Catalog, Server, ServerSpec};
use crate::client::Client;
use crate::error::Result;
use crate::payload::{Entries, Payload};
use crate::signing::sha256_hex;
use crate::store::{Batch, Store, get_json, list_json};
use crate::timestamp::Timestamp;

/// A profile a user created by using a new profile id, or one whose path was overridden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// The profile id.
    pub profile_id: String,
    /// A config path that replaces the client's default (WSL, remote, Store installs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
    /// When it was first used.
    pub created_at: Timestamp,
}

/// One publish of an artifact to a client profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    /// Position in the profile's history, from 0.
    pub seq: u64,
    /// The artifact published.
    pub artifact_id: String,
    /// When it was published.
    pub created_at: Timestamp,
    /// Changelog, server count and who published.
    pub metadata: Map<String, Value>,
}

/// The last deploy of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The artifact deployed.
    pub artifact_id: String,
    /// When.
    pub deployed_at: Timestamp,
    /// The client file written, or `None` on a host that writes no files.
    pub config_path: Option<String>,
    /// The backup of the previous file, if one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_path: Option<String>,
    /// Who deployed (`api-key` or `token:<id>`).
    pub deployed_by: String,
}

/// The entries a profile's deploys own in one client file: what the next deploy there may
/// update and remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ownership {
    /// The file, as resolved when it was written.
    pub config_path: String,
    /// The names of the entries owned.
    pub entries: BTreeSet<String>,
    /// When the set was last written.
    pub updated_at: Timestamp,
}

/// The private signing key, for hosts that keep it in the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSigningKey {
    /// PKCS#8 PEM.
    pub private_key_pem: String,
}

/// A public key that signed (or signs) artifacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyRecord {
    /// Its id, as in `signing_key_id`.
    pub key_id: String,
    /// SPKI PEM.
    pub public_key: String,
    /// When it was created or first used.
    pub created_at: Timestamp,
}

/// A catalog entry of the deployment's own, from a `server.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamServer {
    /// The entry, as mapped ([`crate::registry`]).
    pub(crate) entry: ServerSpec,
    /// The `server.json` it was mapped from, as sent.
    pub source: Value,
    /// When it was added or last replaced.
    pub updated_at: Timestamp,
}

impl TeamServer {
    /// The catalog entry.
    pub fn server(&self) -> Server {
        Server::from(self.entry.clone())
    }
}

/// The prefix of the team entries' keys: the store-dependent part of the catalog.
pub(crate) const TEAM_SERVERS: &str = "catalog/";

fn profile_key(client: &str, profile: &str) -> String {
    format!("profile/{client}/{profile}")
}

fn draft_key(client: &str, profile: &str) -> String {
    format!("draft/{client}/{profile}")
}

fn latest_key(client: &str, profile: &str) -> String {
    format!("latest/{client}/{profile}")
}

fn publications_prefix(client: &str, profile: &str) -> String {
    format!("publication/{client}/{profile}/")
}

fn deployment_key(client: &str, profile: &str) -> String {
    format!("deployment/{client}/{profile}")
}

fn ownership_key(client: &str, profile: &str, config_path: &str) -> String {
    format!(
        "owned/{client}/{profile}/{}",
        sha256_hex(config_path.as_bytes())
    )
}

fn artifact_key(artifact_id: &str) -> String {
    format!("artifact/{artifact_id}")
}

const SIGNING_KEY: &str = "keys/signing";
const PUBLIC_KEYS: &str = "keys/public/";

/// The stored record of a profile, if it has one.
pub fn profile<S: Store + ?Sized>(
    store: &S,
    client: &str,
    profile: &str,
) -> Result<Option<ProfileRecord>> {
    get_json(store, &profile_key(client, profile))
}

/// Every stored profile of `client`, by id.
pub fn profiles<S: Store + ?Sized>(store: &S, client: &str) -> Result<Vec<ProfileRecord>> {
    Ok(list_json(store, &format!("profile/{client}/"))?
        .into_iter()
        .map(|(_, p)| p)
        .collect())
}

/// Adds `record` to `batch`.
pub fn put_profile(batch: &mut Batch, client: &str, record: &ProfileRecord) -> Result<()> {
    batch.put_json(profile_key(client, &record.profile_id), record)?;
    Ok(())
}

/// Records `profile_id` as used, unless it is one of the client's defaults or already recorded.
pub fn touch_profile<S: Store + ?Sized>(
    store: &S,
    batch: &mut Batch,
    client: &Client,
    profile_id: &str,
    now: Timestamp,
) -> Result<()> {
    if client.default_profiles().iter().any(|d| d == profile_id) {
        return Ok(());
    }
    let client = client.client_id();
    if profile(store, client, profile_id)?.is_some() {
        return Ok(());
    }
    put_profile(
        batch,
        client,
        &ProfileRecord {
            profile_id: profile_id.to_owned(),
            config_path: None,
            created_at: now,
        },
    )
}

/// What a profile holds, for listings across profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// A draft.
    Draft,
    /// A published artifact.
    Published,
    /// A deployed artifact.
    Deployed,
}

/// Every `(client, profile)` that holds `what`, sorted.
pub fn profiles_holding<S: Store + ?Sized>(
    store: &S,
    what: Holding,
) -> Result<Vec<(String, String)>> {
    let prefix = match what {
        Holding::Draft => "draft/",
        Holding::Published => "latest/",
        Holding::Deployed => "deployment/",
    };
    Ok(store
        .list(prefix)?
        .into_iter()
        .filter_map(|(key, _)| {
            let (client, profile) = key.strip_prefix(prefix)?.split_once('/')?;
            Some((client.to_owned(), profile.to_owned()))
        })
        .collect())
}

/// The draft of a profile; a profile with none has an empty one.
pub fn draft<S: Store + ?Sized>(store: &S, client: &str, profile: &str) -> Result<Payload> {
    Ok(get_json(store, &draft_key(client, profile))?.unwrap_or_default())
}

/// A draft as stored: a [`Payload`]'s `{"mcpServers": {...}}`, with its entries as [`Entries`]
/// (owned when read, borrowed when written).
#[derive(Default, Serialize, Deserialize)]
struct StoredDraft<E> {
    #[serde(rename = "mcpServers")]
    servers: E,
}

/// The entries of a profile's draft, as stored (see [`Entries`]); a profile with none has none.
pub fn draft_entries<S: Store + ?Sized>(store: &S, client: &str, profile: &str) -> Result<Entries> {
    let stored: Option<StoredDraft<Entries>> = get_json(store, &draft_key(client, profile))?;
    Ok(stored.unwrap_or_default().servers)
}

/// Adds saving the draft's `entries` to `batch`.
pub fn put_draft(batch: &mut Batch, client: &str, profile: &str, entries: &Entries) -> Result<()> {
    batch.put_json(
        draft_key(client, profile),
        &StoredDraft { servers: entries },
    )?;
    Ok(())
}

/// Adds clearing the draft to `batch`.
pub fn delete_draft(batch: &mut Batch, client: &str, profile: &str) {
    batch.delete(draft_key(client, profile));
}

/// An artifact by id.
pub fn artifact<S: Store + ?Sized>(store: &S, artifact_id: &str) -> Result<Option<Artifact>> {
    get_json(store, &artifact_key(artifact_id))
}

/// Adds storing `artifact` to `batch` (call only when it is not stored yet: artifacts are
/// immutable).
pub fn put_artifact(batch: &mut Batch, artifact: &Artifact) -> Result<()> {
    batch.put_json(artifact_key(&artifact.artifact_id), artifact)?;
    Ok(())
}

/// The newest publication of a profile.
pub fn latest<S: Store + ?Sized>(
    store: &S,
    client: &str,
    profile: &str,
) -> Result<Option<Publication>> {
    get_json(store, &latest_key(client, profile))
}

/// Every publication of a profile, newest first.
pub fn history<S: Store + ?Sized>(
    store: &S,
    client: &str,
    profile: &str,
) -> Result<Vec<Publication>> {
    let mut list: Vec<Publication> = list_json(store, &publications_prefix(client, profile))?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    list.reverse();
    Ok(list)
}

/// Adds `publication` to the profile's history and makes it the latest.
pub fn put_publication(
    batch: &mut Batch,
    client: &str,
    profile: &str,
    publication: &Publication,
) -> Result<()> {
    let key = format!(
        "{}{:016x}",
        publications_prefix(client, profile),
        publication.seq
    );
    batch.put_json(key, publication)?;
    batch.put_json(latest_key(client, profile), publication)?;
    Ok(())
}

/// The last deployment of a profile.
pub fn deployment<S: Store + ?Sized>(
    store: &S,
    client: &str,
    profile: &str,
) -> Result<Option<Deployment>> {
    get_json(store, &deployment_key(client, profile))
}

/// Adds recording `deployment` to `batch`.
pub fn put_deployment(
    batch: &mut Batch,
    client: &str,
    profile: &str,
    deployment: &Deployment,
) -> Result<()> {
    batch.put_json(deployment_key(client, profile), deployment)?;
    Ok(())
}

/// The entries the profile owns in the client file at `config_path`, if any were recorded.
pub fn ownership<S: Store + ?Sized>(
    store: &S,
    client: &str,
    profile: &str,
    config_path: &str,
) -> Result<Option<Ownership>> {
    get_json(store, &ownership_key(client, profile, config_path))
}

/// Adds recording `ownership` (of the file it names) to `batch`.
pub fn put_ownership(
    batch: &mut Batch,
    client: &str,
    profile: &str,
    ownership: &Ownership,
) -> Result<()> {
    batch.put_json(
        ownership_key(client, profile, &ownership.config_path),
        ownership,
    )?;
    Ok(())
}

/// The signing key kept in the store, if any.
pub fn signing_key<S: Store + ?Sized>(store: &S) -> Result<Option<StoredSigningKey>> {
    get_json(store, SIGNING_KEY)
}

/// Adds storing the signing key to `batch`.
pub fn put_signing_key(batch: &mut Batch, key: &StoredSigningKey) -> Result<()> {
    batch.put_json(SIGNING_KEY, key)?;
    Ok(())
}

/// A public key that signed artifacts, by id.
pub fn public_key<S: Store + ?Sized>(store: &S, key_id: &str) -> Result<Option<PublicKeyRecord>> {
    get_json(store, &format!("{PUBLIC_KEYS}{key_id}"))
}

/// Every public key that signed artifacts.
pub fn public_keys<S: Store + ?Sized>(store: &S) -> Result<Vec<PublicKeyRecord>> {
    Ok(list_json(store, PUBLIC_KEYS)?
        .into_iter()
        .map(|(_, k)| k)
        .collect())
}

/// Adds archiving a public key to `batch`.
pub fn put_public_key(batch: &mut Batch, record: &PublicKeyRecord) -> Result<()> {
    batch.put_json(format!("{PUBLIC_KEYS}{}", record.key_id), record)?;
    Ok(())
}

/// The team entry `server_id`, if there is one.
pub fn team_server<S: Store + ?Sized>(store: &S, server_id: &str) -> Result<Option<TeamServer>> {
    get_json(store, &format!("{TEAM_SERVERS}{server_id}"))
}

/// Every team entry, by id.
pub fn team_servers<S: Store + ?Sized>(store: &S) -> Result<Vec<Server>> {
    Ok(list_json::<TeamServer, S>(store, TEAM_SERVERS)?
        .into_iter()
        .map(|(_, t)| t.server())
        .collect())
}

/// The catalog as this deployment sees it: the built-in one and its team entries. Without team
/// entries it is the built-in one itself, borrowed, not a copy.
pub fn catalog<S: Store + ?Sized>(store: &S) -> Result<Cow<'static, Catalog>> {
    let team = team_servers(store)?;
    let built_in = crate::catalog::catalog();
    Ok(if team.is_empty() {
        Cow::Borrowed(built_in)
    } else {
        Cow::Owned(built_in.extended(team))
    })
}

/// Adds `record` to `batch`.
pub fn put_team_server(batch: &mut Batch, record: &TeamServer) -> Result<()> {
    batch.put_json(format!("{TEAM_SERVERS}{}", record.entry.server_id), record)?;
    Ok(())
}

/// Adds the removal of team entry `server_id` to `batch`.
pub fn delete_team_server(batch: &mut Batch, server_id: &str) {
    batch.delete(format!("{TEAM_SERVERS}{server_id}"));
}
