//! API tokens: create (shown once), list (never shown), revoke.

use serde::Deserialize;
use serde_json::json;

use super::{Ctx, Response, body, reply};
use crate::error::Result;
use crate::store::Store;
use crate::token;

/// `POST /v1/tokens` → 201.
pub(super) fn create<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        expires_in_days: Option<u32>,
    }
    let b: Body = body::optional(&ctx.body)?;
    let issued = token::issue(
        store,
        ctx.env.clock,
        ctx.env.entropy,
        b.name.as_deref(),
        b.expires_in_days,
    )?;
    let r = &issued.record;
    Ok(reply::json(
        201,
        &json!({
            "token": issued.token,
            "token_id": r.token_id,
            "name": r.name,
            "created_at": r.created_at,
            "expires_at": r.expires_at,
            "message": "Store this token now: it is shown only once",
        }),
    ))
}

/// `GET /v1/tokens`.
pub(super) fn list<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let tokens = token::list(store, ctx.env.usage)?;
    let tokens: Vec<_> = tokens.iter().map(token::TokenRecord::public_view).collect();
    Ok(reply::json(200, &json!({ "tokens": tokens })))
}

/// `DELETE /v1/tokens/{token_id}`.
pub(super) fn revoke<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let id = ctx.params.id("token_id")?;
    let record = token::revoke(store, id)?;
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "revoked",
            "token_id": record.token_id,
            "message": format!("Token '{}' revoked; it no longer authenticates", record.token_id),
        }),
    ))
}
