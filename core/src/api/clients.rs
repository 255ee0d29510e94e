//! Clients and their profiles.

use serde::Deserialize;
use serde_json::json;

use super::{Ctx, Response, body, reply};
use crate::client::{self, Client};
use crate::error::{Error, Result};
use crate::records::{self, ProfileRecord};
use crate::store::{Batch, Store};

/// The client named by the `client_id` path parameter (400 malformed, 404 unknown).
pub(super) fn of(ctx: &Ctx<'_, '_>) -> Result<&'static Client> {
    client::client(ctx.params.id("client_id")?)
}

/// The client and profile named by the path (400 malformed, 404 unknown client).
pub(super) fn target<'c>(ctx: &'c Ctx<'_, '_>) -> Result<(&'static Client, &'c str)> {
    let client = of(ctx)?;
    Ok((client, ctx.params.id("profile")?))
}

/// `GET /v1/clients`.
pub(super) fn list(ctx: &Ctx<'_, '_>) -> Result<Response> {
    let os = ctx.env.files.map(|f| f.os());
    let clients: Vec<_> = client::clients().iter().map(|c| c.summary(os)).collect();
    Ok(reply::json(200, &json!({ "clients": clients })))
}

/// `GET /v1/clients/{client_id}/profiles`: the client's defaults, then profiles users made.
pub(super) fn profiles<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let client = of(ctx)?;
    let stored = records::profiles(store, client.client_id())?;
    let mut ids: Vec<String> = client.default_profiles().to_vec();
    ids.extend(
        stored
            .iter()
            .map(|p| p.profile_id.clone())
            .filter(|id| !client.default_profiles().contains(id)),
    );
    let overrides: serde_json::Map<String, serde_json::Value> = stored
        .iter()
        .filter_map(|p| {
            p.config_path
                .as_ref()
                .map(|path| (p.profile_id.clone(), json!(path)))
        })
        .collect();
    Ok(reply::json(
        200,
        &json!({ "client_id": client.client_id(), "profiles": ids, "config_paths": overrides }),
    ))
}

/// `POST /v1/clients/{client_id}/profiles`: create a profile, or set its config path override.
pub(super) fn put_profile<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(Deserialize)]
    struct Body {
        profile_id: String,
        #[serde(default)]
        config_path: Option<String>,
    }
    let client = of(ctx)?;
    let b: Body = body::required(&ctx.body)?;
    let profile_id = crate::id::check("profile_id", &b.profile_id)?;
    if let Some(path) = &b.config_path {
        check_path(path)?;
    }
    let created_at = records::profile(store, client.client_id(), profile_id)?
        .map_or_else(|| ctx.env.clock.now(), |p| p.created_at);
    let record = ProfileRecord {
        profile_id: profile_id.to_owned(),
        config_path: b.config_path,
        created_at,
    };
    let mut batch = Batch::new();
    records::put_profile(&mut batch, client.client_id(), &record)?;
    store.commit(batch)?;
    Ok(reply::json(
        201,
        &json!({ "client_id": client.client_id(), "profile_id": record.profile_id, "config_path": record.config_path }),
    ))
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
        return Err(Error::bad_request(
            "INVALID_CONFIG_PATH",
            "Invalid config_path: must be an absolute path (or start with '~', '%VAR%' or '$VAR'), at most 1024 characters, with no control characters",
        ));
    }
    Ok(())
}
