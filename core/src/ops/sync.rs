//! Machines that pull their config: which keys to trust for a server, applying an artifact
//! pulled from it to this machine's client file, and comparing that file with an artifact.
//!
//! The host fetches (`GET …/deployed`, `GET /v1/keys/public`) and keeps the pinned keys; the
//! rules live here. An artifact is checked against the pinned keys only, never against what the
//! server says, and is merged into the client file exactly as a local deploy merges it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::artifacts::{self, FileDeploy};
use super::keys::KeyEntry;
use super::target;
use crate::artifact::{self, Artifact};
use crate::client::Client;
use crate::config_file::{self, Changes};
use crate::diff::{self, Diff};
use crate::error::{Code, Error, Result};
use crate::payload::Payload;
use crate::ports::{ClientFiles, Ports};
use crate::records::{self, Deployment};
use crate::signing::PublicKey;
use crate::store::{Batch, Store};

/// What to trust for a server: the keys to keep pinned, and those newly pinned by this decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    /// Every key to keep pinned (the old ones stay, so artifacts they signed still verify).
    pub pinned: Vec<KeyEntry>,
    /// The keys this decision adds to the pins (first contact, or an accepted new key).
    pub added: Vec<KeyEntry>,
}

/// Which keys verify an artifact signed by `signer` (its `signing_key_id`) from a server that
/// lists `current` as its key and `listed` as every key it knows, given the keys `pinned` for
/// that server.
///
/// - A signer already pinned: trusted, nothing changes (also after the server rotated its key:
///   artifacts of a pinned key it still serves keep verifying).
/// - First contact (nothing pinned): the server's current key is pinned, and the signer too if
///   the server lists it.
/// - Otherwise the key changed: 409 `KEY_NOT_PINNED` unless `accept_new`, which pins the
///   server's current key and the signer (if listed) next to the old ones.
pub fn trust(
    pinned: &[KeyEntry],
    current: &KeyEntry,
    listed: &[KeyEntry],
    signer: &str,
    accept_new: bool,
) -> Result<Trust> {
    if pinned.iter().any(|k| k.key_id == signer) {
        return Ok(Trust {
            pinned: pinned.to_vec(),
            added: Vec::new(),
        });
    }
    if !pinned.is_empty() && !accept_new {
        let ids: Vec<&str> = pinned.iter().map(|k| k.key_id.as_str()).collect();
        return Err(Error::new(
            Code::KeyNotPinned,
            format!(
                "the artifact is signed by key '{signer}' and the server's key is '{}', but this machine pinned {} for the server; if the server's key was rotated on purpose, run again with --accept-new-key",
                current.key_id,
                ids.join(", ")
            ),
        ));
    }
    let mut added = vec![current.clone()];
    if signer != current.key_id
        && let Some(key) = listed.iter().find(|k| k.key_id == signer)
    {
        added.push(key.clone());
    }
    for key in &added {
        if PublicKey::from_spki_pem(&key.public_key)?.key_id() != key.key_id {
            return Err(Error::new(
                Code::InvalidPublicKey,
                format!(
                    "The server lists key '{}' with a public key whose id is not that",
                    key.key_id
                ),
            ));
        }
    }
    let mut all = pinned.to_vec();
    all.extend(added.iter().cloned());
    Ok(Trust { pinned: all, added })
}

/// Checks that `artifact`'s payload has its id and that its signature verifies with one of
/// `trusted` (SPKI PEMs): 409 `ARTIFACT_TAMPERED`, `SIGNATURE_INVALID` or `KEY_NOT_PINNED`.
pub fn verify_trusted(artifact: &Artifact, trusted: &[String]) -> Result<()> {
    let mut keys = Vec::with_capacity(trusted.len());
    for pem in trusted {
        keys.push(PublicKey::from_spki_pem(pem)?);
    }
    let signer = keys
        .iter()
        .find(|k| k.key_id() == artifact.signing_key_id)
        .ok_or_else(|| {
            Error::new(
                Code::KeyNotPinned,
                format!(
                    "artifact '{}' is signed by key '{}', which is not among the keys pinned for the server",
                    artifact.artifact_id, artifact.signing_key_id
                ),
            )
        })?;
    artifact::verify(artifact, signer)
}

/// The input of [`apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct Apply {
    /// The client app.
    pub client_id: String,
    /// The profile (on this machine: whose path override and ownership apply).
    pub profile_id: String,
    /// The artifact pulled from the server.
    pub artifact: Artifact,
    /// The pinned public keys (SPKI PEM): the only ones that may verify it.
    pub trusted_keys: Vec<String>,
    /// Answer what would change, without writing the file or recording anything.
    pub dry_run: bool,
}

/// The answer of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The artifact applied.
    pub artifact_id: String,
    /// The client file.
    pub config_path: String,
    /// The backup of the previous file; none when nothing was written.
    pub backup_path: Option<String>,
    /// Whether the file was written (false on a dry run or when it already held the artifact).
    pub written: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The entries added, updated, removed, unchanged and left alone.
    #[serde(flatten)]
    pub changes: Changes,
    /// The owned entries before against after, field by field.
    pub diff: Diff,
    /// What happened, in a sentence.
    pub message: String,
}

/// Applies an artifact pulled from a server to this machine: verifies it against the trusted
/// keys only, merges it into the profile's client file exactly as a deploy does (owned entries
/// only, a backup, an atomic write, an unparseable file refused), then records the artifact, the
/// deployment and the entries owned in the local store, so `status` and the next sync see them.
/// A dry run verifies and answers the same, and changes nothing.
pub fn apply<S: Store + ?Sized>(store: &mut S, ports: &Ports<'_>, input: Apply) -> Result<Applied> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let art = input.artifact;
    verify_trusted(&art, &input.trusted_keys)?;
    let payload = Payload::from_value(&art.payload)?;
    let files = files(ports)?;
    let FileDeploy {
        path,
        backup,
        changes,
        existing,
        owned,
    } = artifacts::into_file(
        store,
        files,
        client,
        profile,
        &payload,
        false,
        input.dry_run,
    )?;
    let before = match existing.as_deref() {
        Some(text) => config_file::read_entries(client, text, &owned)?,
        None => Payload::default(),
    };
    let diff = diff::diff(&before.to_value(), &payload.to_value())?;
    let written = backup.is_some() || (!input.dry_run && existing.is_none());
    let deployment = Deployment {
        artifact_id: art.artifact_id.clone(),
        deployed_at: ports.clock.now(),
        config_path: Some(path.clone()),
        backup_path: backup.clone(),
        deployed_by: ports.actor.to_owned(),
    };
    if !input.dry_run {
        if records::artifact(store, &art.artifact_id)?.is_none() {
            let mut batch = Batch::new();
            records::put_artifact(&mut batch, &art)?;
            store.commit(batch)?;
        }
        artifacts::commit(store, client, profile, &deployment, &payload)?;
    }
    let n = diff.total_changes;
    let entries = if n == 1 { "entry" } else { "entries" };
    let id = &art.artifact_id;
    let message = match (input.dry_run, n) {
        (true, 0) => format!("Dry run: {path} already holds artifact {id}"),
        (true, _) => {
            format!("Dry run: syncing would change {n} {entries} in {path}; nothing was written")
        }
        (false, 0) => format!("{path} already holds artifact {id}"),
        (false, _) => format!("Synced artifact {id} to {path}: {n} {entries} changed"),
    };
    Ok(Applied {
        artifact_id: art.artifact_id,
        config_path: path,
        backup_path: backup,
        written,
        dry_run: input.dry_run,
        changes,
        diff,
        message,
    })
}

/// The input of [`status`].
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The client app.
    pub client_id: String,
    /// The profile.
    pub profile_id: String,
    /// The artifact to compare with (pulled from a server); none: the one last deployed or
    /// synced here.
    pub artifact: Option<Artifact>,
}

/// The answer of [`status`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// `up-to-date`: the owned entries hold the artifact; `outdated`: they hold what was last
    /// deployed here and the artifact is newer; `diverged`: an owned entry was edited or
    /// removed by hand.
    pub status: diff::Status,
    /// The artifact compared with.
    pub artifact_id: String,
    /// The client file.
    pub config_path: String,
    /// The owned entries of the file against the artifact, field by field.
    pub diff: Diff,
}

/// Compares the entries mcp-orchestration owns in the profile's client file with an artifact's
/// payload. Entries the user added are not looked at; a hand edit of an owned entry, or an owned
/// entry gone, is drift. 404 `NOTHING_DEPLOYED` without an artifact when nothing was deployed.
pub fn status<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: Status,
) -> Result<Standing> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let last = records::deployment(store, client.client_id(), profile)?;
    let art = match input.artifact {
        Some(art) => art,
        None => {
            let Some(d) = &last else {
                return Err(nothing_deployed(client, profile));
            };
            records::artifact(store, &d.artifact_id)?
                .ok_or_else(|| nothing_deployed(client, profile))?
        }
    };
    let target_payload = Payload::from_value(&art.payload)?;
    let files = files(ports)?;
    let override_path =
        records::profile(store, client.client_id(), profile)?.and_then(|p| p.config_path);
    let path = client.confined_path(override_path.as_deref(), files)?;
    let mut owned = artifacts::owned_entries(store, client, profile, &path)?;
    if owned.is_empty() {
        owned = target_payload
            .servers
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>();
    }
    let current = match files.read(&path)? {
        Some(text) => config_file::read_entries(client, &text, &owned)?,
        None => Payload::default(),
    };
    let diff = diff::diff(&current.to_value(), &target_payload.to_value())?;
    let status = if diff.total_changes == 0 {
        diff::Status::UpToDate
    } else {
        let deployed_here = match &last {
            Some(d) if d.config_path.as_deref() == Some(path.as_str()) => {
                Some(artifacts::deployed_payload(store, &d.artifact_id)?)
            }
            _ => None,
        };
        if deployed_here.is_some_and(|p| p == current) {
            diff::Status::Outdated
        } else {
            diff::Status::Diverged
        }
    };
    Ok(Standing {
        status,
        artifact_id: art.artifact_id,
        config_path: path,
        diff,
    })
}

fn nothing_deployed(client: &Client, profile: &str) -> Error {
    Error::new(
        Code::NothingDeployed,
        format!(
            "Nothing has been deployed or synced for {}/{profile} on this machine yet",
            client.client_id()
        ),
    )
}

/// The host's client files; a host without them cannot apply or compare.
fn files<'a>(ports: &Ports<'a>) -> Result<&'a dyn ClientFiles> {
    ports.files.ok_or_else(|| {
        Error::new(
            Code::FileWrite,
            "This host has no client config files to sync",
        )
    })
}
