//! Publishing drafts as signed artifacts, reading them back, and deploying them.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Outcome, ProfileRef, keys, target};
use crate::artifact::{self, Artifact};
use crate::client::Client;
use crate::config_file::{self, Changes};
use crate::error::{Code, Error, Result};
use crate::id;
use crate::payload::Payload;
use crate::ports::{ClientFiles, Ports};
use crate::records::{self, Deployment, Ownership, Publication};
use crate::render;
use crate::store::{Batch, Store};
use crate::timestamp::Timestamp;
use crate::validate::{self, Issue};

/// Longest changelog accepted, in characters.
pub const MAX_CHANGELOG_CHARS: usize = 2000;

/// An artifact as published to one profile: the stored artifact with that publication's
/// client, profile, time and metadata.
fn as_published(
    mut art: Artifact,
    client: &Client,
    profile: &str,
    publication: &Publication,
) -> Artifact {
    client.client_id().clone_into(&mut art.client_id);
    profile.clone_into(&mut art.profile_id);
    art.created_at = publication.created_at;
    art.metadata.clone_from(&publication.metadata);
    art
}

fn stored<S: Store + ?Sized>(store: &S, artifact_id: &str) -> Result<Artifact> {
    records::artifact(store, artifact_id)?.ok_or_else(|| {
        Error::new(
            Code::ArtifactNotFound,
            format!("Artifact '{artifact_id}' not found"),
        )
    })
}

fn nothing_published(client: &Client, profile: &str) -> Error {
    Error::new(
        Code::NothingPublished,
        format!(
            "Nothing has been published for {}/{profile} yet",
            client.client_id()
        ),
    )
}

/// The input of [`publish`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile whose draft is published.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// What changed, kept in the artifact's metadata (at most 2000 characters).
    #[serde(default)]
    #[schemars(length(max = 2000))]
    pub changelog: Option<String>,
}

/// The answer of [`publish`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Published {
    /// Always true.
    pub success: bool,
    /// `published`.
    pub status: Outcome,
    /// The artifact's content address: hex SHA-256 of the canonical payload.
    #[schemars(with = "crate::id::ArtifactIdSchema")]
    pub artifact_id: String,
    /// When it was published (for a republished identical draft: the first time).
    pub created_at: Timestamp,
    /// Entries in the artifact.
    pub server_count: usize,
    /// Validation warnings of the draft (errors refuse the publish).
    pub warnings: Vec<Issue>,
    /// What happened, in a sentence.
    pub message: String,
}

/// Validates a profile's draft, signs it, stores the artifact and makes it the profile's latest.
///
/// An invalid draft is 400 `VALIDATION_FAILED` carrying the report's `errors` and `warnings`;
/// no keys is 409 `KEYS_NOT_INITIALIZED`. Publishing the same payload again changes nothing.
pub fn publish<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: Publish,
) -> Result<Published> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    if input
        .changelog
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_CHANGELOG_CHARS)
    {
        return Err(Error::new(
            Code::InvalidField,
            format!("changelog is longer than {MAX_CHANGELOG_CHARS} characters"),
        ));
    }
    let draft = records::draft(store, client.client_id(), profile)?;
    let report = validate::validate(&draft, &client.rules());
    if !report.valid {
        let summary: Vec<&str> = report.errors.iter().map(|i| i.message.as_str()).collect();
        return Err(Error::new(
            Code::ValidationFailed,
            format!(
                "The {}/{profile} draft is invalid: {}",
                client.client_id(),
                summary.join("; ")
            ),
        )
        .with_field("errors", json!(report.errors))
        .with_field("warnings", json!(report.warnings)));
    }
    let signing = keys::required(store, ports)?;
    let payload = draft.to_value();
    let artifact_id = artifact::artifact_id(&payload);
    let now = ports.clock.now();
    let latest = records::latest(store, client.client_id(), profile)?;

    let (publication, fresh) = match latest {
        Some(p) if p.artifact_id == artifact_id => (p, false),
        previous => {
            let mut metadata = Map::new();
            if let Some(changelog) = input.changelog {
                metadata.insert("changelog".into(), Value::String(changelog));
            }
            metadata.insert("server_count".into(), json!(draft.len()));
            metadata.insert("published_by".into(), Value::from(ports.actor));
            let seq = previous.map_or(0, |p| p.seq + 1);
            (
                Publication {
                    seq,
                    artifact_id: artifact_id.clone(),
                    created_at: now,
                    metadata,
                },
                true,
            )
        }
    };
    if fresh {
        let mut batch = Batch::new();
        if records::artifact(store, &artifact_id)?.is_none() {
            let sealed = artifact::seal(
                payload,
                client.client_id(),
                profile,
                now,
                &signing,
                publication.metadata.clone(),
            );
            records::put_artifact(&mut batch, &sealed)?;
        }
        keys::archive(store, &mut batch, &signing, ports)?;
        records::put_publication(&mut batch, client.client_id(), profile, &publication)?;
        records::touch_profile(store, &mut batch, client, profile, now)?;
        store.commit(batch)?;
    }
    let message = if fresh {
        format!(
            "Published {} server(s) for {}/{profile}",
            draft.len(),
            client.client_id()
        )
    } else {
        format!(
            "{}/{profile} already has this exact config published; nothing changed",
            client.client_id()
        )
    };
    Ok(Published {
        success: true,
        status: Outcome::Published,
        artifact_id,
        created_at: publication.created_at,
        server_count: draft.len(),
        warnings: report.warnings,
        message,
    })
}

/// The latest artifact published for a profile; 404 `NOTHING_PUBLISHED`.
pub fn latest<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<Artifact> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let publication = records::latest(store, client.client_id(), profile)?
        .ok_or_else(|| nothing_published(client, profile))?;
    let art = stored(store, &publication.artifact_id)?;
    Ok(as_published(art, client, profile, &publication))
}

/// The answer of [`history`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct History {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// Every publication, newest first.
    pub artifacts: Vec<Artifact>,
}

/// Every artifact published for a profile, newest first.
pub fn history<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<History> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let artifacts = records::history(store, client.client_id(), profile)?
        .into_iter()
        .map(|p| stored(store, &p.artifact_id).map(|a| as_published(a, client, profile, &p)))
        .collect::<Result<Vec<_>>>()?;
    Ok(History {
        client_id: client.client_id().to_owned(),
        profile_id: profile.to_owned(),
        artifacts,
    })
}

/// An artifact, by id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRef {
    /// 64 lowercase hex characters.
    #[schemars(with = "crate::id::ArtifactIdSchema")]
    pub artifact_id: String,
}

/// One artifact as first sealed; 404 `ARTIFACT_NOT_FOUND`.
pub fn get<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ArtifactRef,
) -> Result<Artifact> {
    stored(store, id::check_artifact(&input.artifact_id)?)
}

/// The input of [`deploy`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// The client app.
    #[schemars(with = "crate::id::IdSchema", example = &"claude-desktop")]
    pub client_id: String,
    /// The profile deployed.
    #[schemars(with = "crate::id::IdSchema", example = &"default")]
    pub profile_id: String,
    /// An artifact from the profile's history; absent or null: the latest.
    #[serde(default)]
    #[schemars(with = "Option<crate::id::ArtifactIdSchema>")]
    pub artifact_id: Option<String>,
    /// Take over entries of the file that have a name being deployed but were not written by
    /// this profile's deploys (without it, such an entry is a 409 `ENTRY_CONFLICT`).
    #[serde(default)]
    pub adopt: bool,
    /// Answer what the deploy would do, without writing the file or recording anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// The answer of [`deploy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Deployed {
    /// Always true.
    pub success: bool,
    /// `deployed`.
    pub status: Outcome,
    /// The artifact deployed.
    #[schemars(with = "crate::id::ArtifactIdSchema")]
    pub artifact_id: String,
    /// The client file written; null on a host that writes no files.
    pub config_path: Option<String>,
    /// The backup of the previous file; null when none was made (no file, no change, dry run).
    pub backup_path: Option<String>,
    /// True when the file was written and the deployment recorded; false on a dry run.
    pub deployed: bool,
    /// Whether this was a dry run, which writes and records nothing.
    pub dry_run: bool,
    /// When (for a dry run: when it was checked).
    pub deployed_at: Timestamp,
    /// The entries of the client file the deploy added, updated, removed, found unchanged and
    /// left alone (on a host without client files: the change from the artifact deployed before,
    /// and nothing left alone).
    #[serde(flatten)]
    pub changes: Changes,
    /// What happened, in a sentence.
    pub message: String,
}

/// Deploys an artifact of a profile: verifies its id and signature, then (on a host with client
/// files) merges it into the client's config file, then records the deployment. The file is the
/// confined real path ([`Client::confined_path`]): a profile's path that no longer resolves
/// inside an allowed folder is refused with 400 `PATH_NOT_ALLOWED`, and nothing is written.
///
/// In the file, the deploy adds, updates and removes only the entries it owns there: those the
/// profile's last deploy to that file wrote (for a file deployed before ownership was
/// recorded, the entries of the artifact last deployed to it). Every other entry is left
/// alone; one whose name is being deployed is a 409 `ENTRY_CONFLICT` unless `adopt` is set or
/// it already holds exactly what would be written. A dry run answers the same and changes
/// nothing.
///
/// The order is the point: the file is written before the records (deployment and ownership,
/// in one batch) are committed, so a record never names a file state that does not exist. A
/// failure in between leaves the new file and the old records; deploying again finds the file
/// already as merged (the entries it wrote hold exactly what would be written, so they are
/// taken over), writes nothing and commits the records, so a retry converges. (The backup made
/// by the first attempt stays beside the file.)
pub fn deploy<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: Deploy,
) -> Result<Deployed> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let publication = chosen(store, client, profile, input.artifact_id.as_deref())?;
    let art = as_published(
        stored(store, &publication.artifact_id)?,
        client,
        profile,
        &publication,
    );
    let key = keys::verifier(store, ports, &art.signing_key_id)?;
    artifact::verify(&art, &key)?;
    let payload = Payload::from_value(&art.payload)?;

    let (file, changes) = match ports.files {
        Some(files) => {
            let FileDeploy {
                path,
                backup,
                changes,
                ..
            } = into_file(
                store,
                files,
                client,
                profile,
                &payload,
                input.adopt,
                input.dry_run,
            )?;
            (Some((path, backup)), changes)
        }
        None => (None, since_last_deploy(store, client, profile, &payload)?),
    };
    let (config_path, backup_path) = file.unzip();
    let deployment = Deployment {
        artifact_id: art.artifact_id,
        deployed_at: ports.clock.now(),
        config_path,
        backup_path: backup_path.flatten(),
        deployed_by: ports.actor.to_owned(),
    };
    if !input.dry_run {
        commit(store, client, profile, &deployment, &payload)?;
    }
    let message = deploy_message(
        client,
        profile,
        &payload,
        &deployment,
        &changes,
        input.dry_run,
    );
    Ok(Deployed {
        success: true,
        status: Outcome::Deployed,
        artifact_id: deployment.artifact_id,
        config_path: deployment.config_path,
        backup_path: deployment.backup_path,
        deployed: !input.dry_run,
        dry_run: input.dry_run,
        deployed_at: deployment.deployed_at,
        changes,
        message,
    })
}

/// Commits the deployment and, when it wrote a file, the entries it owns there: `payload`'s.
pub(super) fn commit<S: Store + ?Sized>(
    store: &mut S,
    client: &Client,
    profile: &str,
    deployment: &Deployment,
    payload: &Payload,
) -> Result<()> {
    let mut batch = Batch::new();
    if let Some(path) = &deployment.config_path {
        let ownership = Ownership {
            config_path: path.clone(),
            entries: payload.servers.keys().cloned().collect(),
            updated_at: deployment.deployed_at,
        };
        records::put_ownership(&mut batch, client.client_id(), profile, &ownership)?;
    }
    records::put_deployment(&mut batch, client.client_id(), profile, deployment)?;
    store.commit(batch)
}

/// The publication a deploy takes: the latest, or the one of `artifact_id` in the history.
fn chosen<S: Store + ?Sized>(
    store: &S,
    client: &Client,
    profile: &str,
    artifact_id: Option<&str>,
) -> Result<Publication> {
    let Some(id) = artifact_id else {
        return records::latest(store, client.client_id(), profile)?
            .ok_or_else(|| nothing_published(client, profile));
    };
    let id = id::check_artifact(id)?;
    records::history(store, client.client_id(), profile)?
        .into_iter()
        .find(|p| p.artifact_id == id)
        .ok_or_else(|| {
            Error::new(
                Code::ArtifactNotFound,
                format!(
                    "Artifact '{id}' was never published for {}/{profile}",
                    client.client_id()
                ),
            )
        })
}

/// What a deploy did to a client file (on a dry run: would do).
pub(super) struct FileDeploy {
    /// The confined real path of the file.
    pub(super) path: String,
    /// The backup of the previous file, if one was made.
    pub(super) backup: Option<String>,
    /// What happened to each entry.
    pub(super) changes: Changes,
    /// The file's text before, if it existed.
    pub(super) existing: Option<String>,
    /// The entries the profile owned in it before.
    pub(super) owned: BTreeSet<String>,
}

/// Merges `payload` into the profile's client file, writing it unless it is a dry run or
/// nothing changed: the file step of a deploy, and of a sync that pulled the artifact.
pub(super) fn into_file<S: Store + ?Sized>(
    store: &S,
    files: &dyn ClientFiles,
    client: &Client,
    profile: &str,
    payload: &Payload,
    adopt: bool,
    dry_run: bool,
) -> Result<FileDeploy> {
    let override_path =
        records::profile(store, client.client_id(), profile)?.and_then(|p| p.config_path);
    let path = client.confined_path(override_path.as_deref(), files)?;
    let owned = owned_entries(store, client, profile, &path)?;
    let existing = files.read(&path)?;
    // Secrets the client's file cannot refer to are filled in here, on the machine that
    // writes the file: their values never reach the store.
    let filled = render::fill_secrets(client, payload, &|name| files.secret(name))?;
    let merged = config_file::merge(client, existing.as_deref(), &filled, &owned, adopt)?;
    let backup = if dry_run || existing.as_deref() == Some(merged.text.as_str()) {
        None
    } else {
        files.write(&path, &merged.text)?
    };
    Ok(FileDeploy {
        path,
        backup,
        changes: merged.changes,
        existing,
        owned,
    })
}

/// The entries the profile owns in the file at `path`: its ownership record's or, for a file
/// deployed before ownership was recorded, the entries of the artifact last deployed there.
pub(super) fn owned_entries<S: Store + ?Sized>(
    store: &S,
    client: &Client,
    profile: &str,
    path: &str,
) -> Result<BTreeSet<String>> {
    if let Some(record) = records::ownership(store, client.client_id(), profile, path)? {
        return Ok(record.entries);
    }
    let last = records::deployment(store, client.client_id(), profile)?
        .filter(|d| d.config_path.as_deref() == Some(path));
    Ok(match last {
        Some(d) => deployed_payload(store, &d.artifact_id)?
            .servers
            .keys()
            .cloned()
            .collect(),
        None => BTreeSet::new(),
    })
}

/// The payload of a deployed artifact (empty if the artifact is gone).
pub(super) fn deployed_payload<S: Store + ?Sized>(store: &S, artifact_id: &str) -> Result<Payload> {
    match records::artifact(store, artifact_id)? {
        Some(art) => Payload::from_value(&art.payload),
        None => Ok(Payload::default()),
    }
}

/// On a host without client files: how `payload` differs from the artifact deployed before.
fn since_last_deploy<S: Store + ?Sized>(
    store: &S,
    client: &Client,
    profile: &str,
    payload: &Payload,
) -> Result<Changes> {
    let before = match records::deployment(store, client.client_id(), profile)? {
        Some(d) => deployed_payload(store, &d.artifact_id)?,
        None => Payload::default(),
    };
    let mut changes = Changes::default();
    for (name, entry) in &payload.servers {
        let list = match before.servers.get(name) {
            None => &mut changes.added,
            Some(old) if old == entry => &mut changes.unchanged,
            Some(_) => &mut changes.updated,
        };
        list.push(name.clone());
    }
    changes.removed = before
        .servers
        .keys()
        .filter(|n| !payload.servers.contains_key(*n))
        .cloned()
        .collect();
    Ok(changes)
}

/// The sentence of a deploy's answer.
fn deploy_message(
    client: &Client,
    profile: &str,
    payload: &Payload,
    deployment: &Deployment,
    changes: &Changes,
    dry_run: bool,
) -> String {
    let summary = format!(
        "{} added, {} updated, {} removed, {} unchanged, {} left alone",
        changes.added.len(),
        changes.updated.len(),
        changes.removed.len(),
        changes.unchanged.len(),
        changes.left_alone.len()
    );
    let n = payload.len();
    match (&deployment.config_path, dry_run) {
        (Some(path), false) => format!("Deployed {n} server(s) to {path} ({summary})"),
        (Some(path), true) => format!(
            "Dry run: deploying would write {n} server(s) to {path} ({summary}); nothing was written"
        ),
        (None, false) => format!(
            "Verified and recorded; this host writes no client files: machines pull it from /v1/config/{}/{profile}/deployed",
            client.client_id()
        ),
        (None, true) => format!(
            "Dry run: the artifact verifies ({summary} since the last deploy); nothing was recorded"
        ),
    }
}

/// The answer of [`deployed`]: the artifact with when and where it was deployed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DeployedArtifact {
    /// The artifact.
    #[serde(flatten)]
    pub artifact: Artifact,
    /// When it was deployed.
    pub deployed_at: Timestamp,
    /// The client file written; null on a host that writes no files.
    pub config_path: Option<String>,
}

impl crate::api::Tagged for DeployedArtifact {
    fn entity_tag(&self) -> &str {
        &self.artifact.artifact_id
    }
}

/// The artifact last deployed for a profile (what a sync agent pulls); 404 `NOTHING_DEPLOYED`.
pub fn deployed<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: ProfileRef,
) -> Result<DeployedArtifact> {
    let (client, profile) = target(&input.client_id, &input.profile_id)?;
    let deployment = records::deployment(store, client.client_id(), profile)?.ok_or_else(|| {
        Error::new(
            Code::NothingDeployed,
            format!(
                "Nothing has been deployed for {}/{profile} yet",
                client.client_id()
            ),
        )
    })?;
    let publication = records::history(store, client.client_id(), profile)?
        .into_iter()
        .find(|p| p.artifact_id == deployment.artifact_id);
    let mut artifact = stored(store, &deployment.artifact_id)?;
    if let Some(p) = &publication {
        artifact = as_published(artifact, client, profile, p);
    }
    Ok(DeployedArtifact {
        artifact,
        deployed_at: deployment.deployed_at,
        config_path: deployment.config_path,
    })
}
