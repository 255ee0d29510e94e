//! Drafts: add and remove servers, view, clear, validate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Outcome, ProfileRef, target};
use crate::catalog;
use crate::config_file;
use crate::draft;
use crate::error::{Code, Error, Result};
use crate::id;
use crate::payload::{Entries, ServerEntry};
use crate::ports::Ports;
use crate::records;
use crate::secret::{Setting, looks_secret};
use crate::store::{Batch, Store};
use crate::validate::{self, Report};

/// A draft as the API shows it: the payload plus its size.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DraftView {
    /// Entries by name.
    #[serde(rename = "mcpServers")]
    pub servers: Entries,
    /// Number of entries.
    pub server_count: usize,
}

impl From<Entries> for DraftView {
    fn from(servers: Entries) -> Self {
        Self {
            server_count: servers.len(),
            servers,
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
    /// Environment variables by name: text, or `{"secret": "NAME"}` to store only the secret's
    /// name (each machine supplies the value); null counts as not given.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Option<crate::secret::Setting>>")]
    pub env: Map<String, Value>,
    /// HTTP headers of a remote server by name, text or `{"secret": "NAME"}` (see the server's
    /// `headers`: a declared `prefix` such as `Bearer ` goes before the value); null counts as
    /// not given.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Option<crate::secret::Setting>>")]
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
    let mut current = records::draft_entries(store, client.client_id(), profile)?;
    let req = draft::AddServer {
        server_id: input.server_id,
        params: input.params,
        env: input.env,
        headers: input.headers,
        name: input.name,
    };
    let name = draft::add(&mut current, &*records::catalog(store)?, &req)?;
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
    let mut current = records::draft_entries(store, client.client_id(), profile)?;
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
    Ok(records::draft_entries(store, client.client_id(), profile)?.into())
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

/// The input of [`import`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// The client app whose file format `text` is in.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile whose draft is made.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// The client file's content; without it, a host with client files reads the profile's
    /// own file.
    #[serde(default)]
    pub text: Option<String>,
}

/// A literal value that looks like a credential, found while importing (the value is not
/// repeated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FoundSecret {
    /// The entry.
    pub entry: String,
    /// Where: `env.NAME` or `headers.NAME`.
    pub field: String,
}

/// The answer of [`import`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DraftImported {
    /// Always true.
    pub success: bool,
    /// `imported`.
    pub status: Outcome,
    /// What happened, in a sentence.
    pub message: String,
    /// Entries that run a catalog server, by entry name: the server's id.
    pub linked: std::collections::BTreeMap<String, String>,
    /// Entries kept as custom entries (no catalog server runs that way).
    pub custom: Vec<String>,
    /// Literal values that look like credentials: give them as `{"secret": "NAME"}` instead.
    pub secrets: Vec<FoundSecret>,
    /// The draft now: the file's servers.
    pub draft: DraftView,
}

/// Makes a profile's draft from the servers of a client file (`text`, or on a host with client
/// files the profile's own file): each entry kept as it is, linked to the catalog server that
/// runs the same package with the same command, or reaches the same URL; literal values that
/// look like credentials are reported. 400 `MISSING_FIELD` for no `text` on a host without
/// client files; a file that cannot be read as the client's format is a 409
/// `CONFIG_UNPARSEABLE` or `CONFIG_CONFLICT`.
pub fn import<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: ImportFile,
) -> Result<DraftImported> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let text = match (input.text, ports.files) {
        (Some(text), _) => text,
        (None, Some(files)) => {
            let override_path =
                records::profile(store, client.client_id(), profile)?.and_then(|p| p.config_path);
            let path = client.confined_path(override_path.as_deref(), files)?;
            files.read(&path)?.unwrap_or_default()
        }
        (None, None) => {
            return Err(Error::new(
                Code::MissingField,
                "Missing required field 'text': this host reads no client files, so send the file's content",
            ));
        }
    };
    let imported = config_file::read_servers(client, &text)?;
    let catalog = records::catalog(store)?;
    let mut linked = std::collections::BTreeMap::new();
    let mut custom = Vec::new();
    let mut secrets = Vec::new();
    for (name, value) in &imported.servers {
        let entry = ServerEntry::from_value(name, value)?;
        // The most specific server that runs it: a generic one (`{url}`) only failing others.
        let server = catalog
            .servers()
            .iter()
            .filter(|s| runs(s, &entry))
            .min_by_key(|s| {
                s.url
                    .iter()
                    .chain(&s.args)
                    .flat_map(|t| catalog::placeholders(t))
                    .count()
            });
        match server {
            Some(server) => {
                linked.insert(name.clone(), server.server_id.clone());
            }
            None => custom.push(name.clone()),
        }
        let (field, map) = match &entry {
            ServerEntry::Stdio { env, .. } => ("env", env),
            ServerEntry::Remote { headers, .. } => ("headers", headers),
        };
        secrets.extend(
            map.iter()
                .filter(|(k, v)| matches!(v, Setting::Text(t) if !t.is_empty()) && looks_secret(k))
                .map(|(k, _)| FoundSecret {
                    entry: name.clone(),
                    field: format!("{field}.{k}"),
                }),
        );
    }
    let imported = Entries::from_payload(&imported)?;
    let mut batch = Batch::new();
    records::put_draft(&mut batch, client.client_id(), profile, &imported)?;
    records::touch_profile(store, &mut batch, client, profile, ports.clock.now())?;
    store.commit(batch)?;
    Ok(DraftImported {
        success: true,
        status: Outcome::Imported,
        message: format!(
            "Made the {}/{profile} draft from {} server(s): {} linked to the catalog, {} custom, {} literal secret(s) found",
            client.client_id(),
            imported.len(),
            linked.len(),
            custom.len(),
            secrets.len()
        ),
        linked,
        custom,
        secrets,
        draft: imported.into(),
    })
}

/// Whether `entry` runs catalog server `server`: the same command running its package (any
/// version), or the same command and arguments, or a URL its URL template makes.
fn runs(server: &catalog::Server, entry: &ServerEntry) -> bool {
    match entry {
        ServerEntry::Stdio { command, args, .. } => {
            if server.command.as_deref() != Some(command.as_str()) {
                return false;
            }
            match server.npm_package.as_ref().or(server.pypi_package.as_ref()) {
                Some(package) => args.iter().any(|a| catalog::runs_package(a, package)),
                None => {
                    args.len() >= server.args.iter().filter(|a| !has_placeholder(a)).count()
                        && server
                            .args
                            .iter()
                            .filter(|a| !has_placeholder(a))
                            .all(|a| args.contains(a))
                }
            }
        }
        ServerEntry::Remote { url, .. } => server
            .url
            .as_deref()
            .is_some_and(|template| template_matches(template, url)),
    }
}

fn has_placeholder(text: &str) -> bool {
    catalog::placeholders(text).next().is_some()
}

/// Whether `text` is what `template` makes with some non-empty value for each placeholder.
fn template_matches(template: &str, text: &str) -> bool {
    let pieces = catalog::pieces(template);
    let mut rest = text;
    let mut pending = false;
    for piece in pieces {
        match piece {
            catalog::Piece::Param(_) => pending = true,
            catalog::Piece::Text(t) if pending => match rest.get(1..).and_then(|r| r.find(t)) {
                Some(at) => {
                    rest = rest.get(at + 1 + t.len()..).unwrap_or_default();
                    pending = false;
                }
                None => return false,
            },
            catalog::Piece::Text(t) => match rest.strip_prefix(t) {
                Some(r) => rest = r,
                None => return false,
            },
        }
    }
    if pending {
        !rest.is_empty()
    } else {
        rest.is_empty()
    }
}
