//! The server catalog.

use std::sync::OnceLock;

use bytes::Bytes;
use serde::Serialize;

use super::{Ctx, Response, reply};
use crate::catalog::{self, Server, Transport};
use crate::error::Result;

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
    if q.is_none() && transport.is_none() {
        // The whole catalog is fixed at build time: serialize it once, serve the same bytes.
        static ALL: OnceLock<Bytes> = OnceLock::new();
        let body = ALL.get_or_init(|| listing(catalog::catalog().search(None, None)).into_body());
        return Ok(reply::bytes(200, reply::JSON, body.clone()));
    }
    Ok(listing(catalog::catalog().search(q.as_deref(), transport)))
}

fn listing(servers: Vec<&Server>) -> Response {
    #[derive(Serialize)]
    struct Listing<'a> {
        servers: &'a [&'a Server],
        count: usize,
    }
    reply::json(
        200,
        &Listing {
            servers: &servers,
            count: servers.len(),
        },
    )
}

/// `GET /v1/servers/{server_id}`.
pub(super) fn get(ctx: &Ctx<'_, '_>) -> Result<Response> {
    let server = catalog::catalog().require(ctx.params.raw("server_id"))?;
    Ok(reply::json(200, server))
}
