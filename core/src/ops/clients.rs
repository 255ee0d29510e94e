//! Client apps and their profiles.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ClientRef, Nothing, client};
use crate::client::{ClientSummary, clients};
use crate::confine;
use crate::error::{Code, Error, Result};
use crate::id;
use crate::ports::Ports;
use crate::records::{self, ProfileRecord};
use crate::scope::{self, Scope};
use crate::store::{Batch, Store};

/// The answer of [`list`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClientList {
    /// Every client app, in registry order.
    pub clients: Vec<ClientSummary<'static>>,
}

/// Every client app the product knows, with paths for the host's OS.
pub fn list<S: Store + ?Sized>(_: &mut S, ports: &Ports<'_>, _: Nothing) -> Result<ClientList> {
    let os = ports.files.map(|f| f.os());
    Ok(ClientList {
        clients: clients().iter().map(|c| c.summary(os)).collect(),
    })
}

/// The answer of [`profiles`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProfileList {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The client's default profiles, then the ones users made.
    pub profiles: Vec<String>,
    /// Config path overrides, by profile.
    pub config_paths: BTreeMap<String, String>,
}

/// The profiles of a client: its defaults, then those made by use or by [`set_profile`].
pub fn profiles<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ClientRef,
) -> Result<ProfileList> {
    let client = client(&input.client_id)?;
    let stored = records::profiles(store, client.client_id())?;
    let defaults = client.default_profiles();
    let mut profiles = defaults.to_vec();
    profiles.extend(
        stored
            .iter()
            .map(|p| p.profile_id.clone())
            .filter(|id| !defaults.contains(id)),
    );
    let config_paths = stored
        .into_iter()
        .filter_map(|p| p.config_path.map(|path| (p.profile_id, path)))
        .collect();
    Ok(ProfileList {
        client_id: input.client_id,
        profiles,
        config_paths,
    })
}

/// The input of [`set_profile`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetProfile {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile to create or update.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// A config path replacing the client's default (WSL, VS Code remote, Store installs):
    /// absolute, or starting with `~`, `%VAR%` or `$VAR`, with a file name of the client's
    /// format. A host that writes files also requires it to resolve (symlinks and `..`
    /// followed) inside the home directory or a `serve --allow-path` prefix: else 400
    /// `PATH_NOT_ALLOWED`. Absent or null: the default path.
    #[serde(default)]
    #[schemars(
        length(max = 1024),
        regex(pattern = r"^(?:[/~%$]|\\\\|[A-Za-z]:[\\/])[^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub config_path: Option<String>,
}

/// The answer of [`set_profile`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProfileSaved {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// Its config path override, if any.
    pub config_path: Option<String>,
}

/// Creates a profile, or sets (or clears) its config path override. Setting or clearing an
/// override decides where deploys write, so it needs the `admin` scope.
pub fn set_profile<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: SetProfile,
) -> Result<ProfileSaved> {
    let client = client(&input.client_id)?;
    let profile_id = id::check("profile_id", &input.profile_id)?;
    let existing = records::profile(store, client.client_id(), profile_id)?;
    if input.config_path.is_some() || existing.as_ref().is_some_and(|p| p.config_path.is_some()) {
        scope::require(ports.scope, Scope::Admin)?;
    }
    if let Some(path) = &input.config_path {
        check_path(path)?;
        // Where the host writes files, the path must be confined there; elsewhere it is applied
        // on the machine that syncs it, and only its file name can be checked here.
        match ports.files {
            Some(files) => {
                client.confined_path(Some(path), files)?;
            }
            None => confine::check_file_name(client, path)?,
        }
    }
    let created_at = existing.map_or_else(|| ports.clock.now(), |p| p.created_at);
    let record = ProfileRecord {
        profile_id: profile_id.to_owned(),
        config_path: input.config_path,
        created_at,
    };
    let mut batch = Batch::new();
    records::put_profile(&mut batch, client.client_id(), &record)?;
    store.commit(batch)?;
    Ok(ProfileSaved {
        client_id: input.client_id,
        profile_id: record.profile_id,
        config_path: record.config_path,
    })
}

/// A path override must be absolute (or start at `~` or an environment variable).
fn check_path(path: &str) -> Result<()> {
    let absolute = path.starts_with('/')
        || path.starts_with('~')
        || path.starts_with('%')
        || path.starts_with('$')
        || path.starts_with("\\\\")
        || path.as_bytes().get(1..3) == Some(b":\\")
        || path.as_bytes().get(1..3) == Some(b":/");
    if path.len() > 1024 || path.chars().any(char::is_control) || !absolute {
        return Err(Error::new(
            Code::InvalidConfigPath,
            "Invalid config_path: must be an absolute path (or start with '~', '%VAR%' or '$VAR'), at most 1024 characters, with no control characters",
        ));
    }
    Ok(())
}
