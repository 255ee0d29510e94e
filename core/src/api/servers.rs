//! The server catalog.

use serde_json::json;

use super::{Ctx, Response, reply};
use crate::catalog::{self, Transport};
use crate::error::{Error, Result};

/// `GET /v1/servers?q=&transport=`.
pub(super) fn list(ctx: &Ctx<'_, '_>) -> Result<Response> {
    let (mut q, mut transport) = (None, None);
    for (k, v) in form_urlencoded::parse(ctx.query.unwrap_or("").as_bytes()) {
        match &*k {
            "q" if !v.trim().is_empty() => q = Some(v.trim().to_owned()),
            "transport" if !v.is_empty() => transport = Some(v.parse::<Transport>()?),
            _ => {}
        }
    }
    let servers = catalog::catalog().search(q.as_deref(), transport);
    Ok(reply::json(
        200,
        &json!({ "servers": servers, "count": servers.len() }),
    ))
}

/// `GET /v1/servers/{server_id}`.
pub(super) fn get(ctx: &Ctx<'_, '_>) -> Result<Response> {
    let id = ctx.params.id("server_id")?;
    let server = catalog::catalog()
        .get(id)
        .ok_or_else(|| Error::not_found("SERVER_NOT_FOUND", format!("Server '{id}' not found")))?;
    Ok(reply::json(200, server))
}
