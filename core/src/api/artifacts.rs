//! Publishing drafts as signed artifacts, reading them back, and deploying them.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Ctx, Response, body, clients, keys, reply};
use crate::artifact::{self, Artifact};
use crate::client::Client;
use crate::config_file;
use crate::error::{Error, Result};
use crate::payload::Payload;
use crate::records::{self, Deployment, Publication};
use crate::store::{Batch, Store};
use crate::validate;

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
        Error::not_found(
            "ARTIFACT_NOT_FOUND",
            format!("Artifact '{artifact_id}' not found"),
        )
    })
}

fn nothing_published(client: &Client, profile: &str) -> Error {
    Error::not_found(
        "NOTHING_PUBLISHED",
        format!(
            "Nothing has been published for {}/{profile} yet",
            client.client_id()
        ),
    )
}

/// `POST .../publish` with optional `{"changelog"}`: validate, sign, store, point latest at it.
pub(super) fn publish<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        changelog: Option<String>,
    }
    let (client, profile) = clients::target(ctx)?;
    let b: Body = body::optional(&ctx.body)?;
    if b.changelog
        .as_ref()
        .is_some_and(|c| c.chars().count() > 2000)
    {
        return Err(Error::bad_request(
            "INVALID_FIELD",
            "changelog is longer than 2000 characters",
        ));
    }
    let draft = records::draft(store, client.client_id(), profile)?;
    let report = validate::validate(&draft, &client.rules());
    if !report.valid {
        let summary: Vec<&str> = report.errors.iter().map(|i| i.message.as_str()).collect();
        let err = Error::bad_request(
            "VALIDATION_FAILED",
            format!(
                "The {}/{profile} draft is invalid: {}",
                client.client_id(),
                summary.join("; ")
            ),
        );
        let mut extra = Map::new();
        extra.insert("errors".into(), json!(report.errors));
        extra.insert("warnings".into(), json!(report.warnings));
        return Ok(reply::error_with(&err, extra));
    }
    let signing = keys::required(store, ctx.env)?;
    let payload = draft.to_value();
    let artifact_id = artifact::artifact_id(&payload);
    let now = ctx.env.clock.now();
    let latest = records::latest(store, client.client_id(), profile)?;

    let (publication, fresh) = match latest {
        Some(p) if p.artifact_id == artifact_id => (p, false),
        previous => {
            let mut metadata = Map::new();
            if let Some(changelog) = b.changelog {
                metadata.insert("changelog".into(), Value::String(changelog));
            }
            metadata.insert("server_count".into(), json!(draft.len()));
            metadata.insert("published_by".into(), Value::String(ctx.caller_label()));
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
        keys::archive(store, &mut batch, &signing, ctx.env)?;
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
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "published",
            "artifact_id": artifact_id,
            "created_at": publication.created_at,
            "server_count": draft.len(),
            "warnings": report.warnings,
            "message": message,
        }),
    ))
}

/// `GET /v1/config/{c}/{p}`: the latest published artifact.
pub(super) fn latest<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let publication = records::latest(store, client.client_id(), profile)?
        .ok_or_else(|| nothing_published(client, profile))?;
    let art = stored(store, &publication.artifact_id)?;
    Ok(reply::json(
        200,
        &as_published(art, client, profile, &publication),
    ))
}

/// `GET .../history`: every publication, newest first.
pub(super) fn history<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let artifacts = records::history(store, client.client_id(), profile)?
        .into_iter()
        .map(|p| stored(store, &p.artifact_id).map(|a| as_published(a, client, profile, &p)))
        .collect::<Result<Vec<_>>>()?;
    Ok(reply::json(
        200,
        &json!({ "client_id": client.client_id(), "profile_id": profile, "artifacts": artifacts }),
    ))
}

/// `GET /v1/artifacts/{artifact_id}`.
pub(super) fn get<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let id = artifact_id_param(ctx.params.raw("artifact_id"), "artifact_id")?;
    Ok(reply::json(200, &stored(store, id)?))
}

fn artifact_id_param<'a>(id: &'a str, field: &str) -> Result<&'a str> {
    if artifact::is_artifact_id(id) {
        Ok(id)
    } else {
        Err(Error::bad_request(
            "INVALID_ID",
            format!("Invalid {field}: must be 64 lowercase hex characters"),
        ))
    }
}

/// `POST .../deploy` with optional `{"artifact_id"}` (default: the latest). Verifies the
/// signature, then (on a host with client files) merges it into the client's config file.
pub(super) fn deploy<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        artifact_id: Option<String>,
    }
    let (client, profile) = clients::target(ctx)?;
    let b: Body = body::optional(&ctx.body)?;
    let publication = match b.artifact_id.as_deref() {
        None => records::latest(store, client.client_id(), profile)?
            .ok_or_else(|| nothing_published(client, profile))?,
        Some(id) => {
            let id = artifact_id_param(id, "artifact_id")?;
            records::history(store, client.client_id(), profile)?
                .into_iter()
                .find(|p| p.artifact_id == id)
                .ok_or_else(|| {
                    Error::not_found(
                        "ARTIFACT_NOT_FOUND",
                        format!(
                            "Artifact '{id}' was never published for {}/{profile}",
                            client.client_id()
                        ),
                    )
                })?
        }
    };
    let art = as_published(
        stored(store, &publication.artifact_id)?,
        client,
        profile,
        &publication,
    );
    let key = keys::verifier(store, ctx.env, &art.signing_key_id)?;
    artifact::verify(&art, &key)?;
    let payload = Payload::from_value(&art.payload)?;

    let (config_path, backup_path) = match ctx.env.files {
        Some(files) => {
            let override_path =
                records::profile(store, client.client_id(), profile)?.and_then(|p| p.config_path);
            let path = client.resolve_path(override_path.as_deref(), files)?;
            let existing = files.read(&path)?;
            let merged = config_file::merge(client, existing.as_deref(), &payload)?;
            let backup = if existing.as_deref() == Some(merged.as_str()) {
                None
            } else {
                files.write(&path, &merged)?
            };
            (Some(path), backup)
        }
        None => (None, None),
    };
    let deployment = Deployment {
        artifact_id: art.artifact_id.clone(),
        deployed_at: ctx.env.clock.now(),
        config_path: config_path.clone(),
        backup_path,
        deployed_by: ctx.caller_label(),
    };
    let mut batch = Batch::new();
    records::put_deployment(&mut batch, client.client_id(), profile, &deployment)?;
    store.commit(batch)?;
    let message = match &config_path {
        Some(path) => format!("Deployed {} server(s) to {path}", payload.len()),
        None => format!(
            "Verified and recorded; this host writes no client files: machines pull it from /v1/config/{}/{profile}/deployed",
            client.client_id()
        ),
    };
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "deployed",
            "artifact_id": deployment.artifact_id,
            "config_path": config_path,
            "backup_path": deployment.backup_path,
            "deployed": true,
            "deployed_at": deployment.deployed_at,
            "message": message,
        }),
    ))
}

/// `GET .../deployed`: the artifact last deployed, with `deployed_at`.
pub(super) fn deployed<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let deployment = records::deployment(store, client.client_id(), profile)?.ok_or_else(|| {
        Error::not_found(
            "NOTHING_DEPLOYED",
            format!(
                "Nothing has been deployed for {}/{profile} yet",
                client.client_id()
            ),
        )
    })?;
    let publication = records::history(store, client.client_id(), profile)?
        .into_iter()
        .find(|p| p.artifact_id == deployment.artifact_id);
    let mut art = stored(store, &deployment.artifact_id)?;
    if let Some(p) = &publication {
        art = as_published(art, client, profile, p);
    }
    let mut body = serde_json::to_value(&art).map_err(|e| {
        Error::internal(
            "ENCODE_FAILED",
            format!("Could not encode the artifact: {e}"),
        )
    })?;
    if let Value::Object(obj) = &mut body {
        obj.insert("deployed_at".into(), json!(deployment.deployed_at));
        obj.insert("config_path".into(), json!(deployment.config_path));
    }
    Ok(reply::json(200, &body))
}
