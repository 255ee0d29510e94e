//! Drafts: add and remove servers, view, clear, validate.

use serde_json::{Value, json};

use super::{Ctx, Response, body, clients, reply};
use crate::catalog;
use crate::draft::{self, AddServer};
use crate::error::Result;
use crate::records;
use crate::store::{Batch, Store};
use crate::validate;

fn draft_body(draft: &crate::Payload) -> Value {
    json!({ "mcpServers": draft.servers, "server_count": draft.len() })
}

/// `POST .../draft/add`.
pub(super) fn add<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let req: AddServer = body::required(&ctx.body)?;
    let mut current = records::draft(store, client.client_id(), profile)?;
    let name = draft::add(&mut current, catalog::catalog(), &req)?;
    let mut batch = Batch::new();
    records::put_draft(&mut batch, client.client_id(), profile, &current)?;
    records::touch_profile(store, &mut batch, client, profile, ctx.env.clock.now())?;
    store.commit(batch)?;
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "added",
            "message": format!("Added '{}' to the {}/{profile} draft as '{name}'", req.server_id, client.client_id()),
            "server_count": current.len(),
            "draft": draft_body(&current),
        }),
    ))
}

/// `POST .../draft/remove` with `{"server_id": <entry name>}`.
pub(super) fn remove<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(serde::Deserialize)]
    struct Body {
        server_id: String,
    }
    let (client, profile) = clients::target(ctx)?;
    let b: Body = body::required(&ctx.body)?;
    let name = crate::id::check("server_id", &b.server_id)?;
    let mut current = records::draft(store, client.client_id(), profile)?;
    draft::remove(&mut current, name)?;
    let mut batch = Batch::new();
    records::put_draft(&mut batch, client.client_id(), profile, &current)?;
    store.commit(batch)?;
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "removed",
            "message": format!("Removed '{name}' from the {}/{profile} draft", client.client_id()),
            "server_count": current.len(),
            "draft": draft_body(&current),
        }),
    ))
}

/// `GET .../draft`: a profile with no draft answers an empty one.
pub(super) fn get<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let current = records::draft(store, client.client_id(), profile)?;
    Ok(reply::json(200, &draft_body(&current)))
}

/// `DELETE .../draft`.
pub(super) fn clear<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let mut batch = Batch::new();
    records::delete_draft(&mut batch, client.client_id(), profile);
    store.commit(batch)?;
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "cleared",
            "message": format!("Cleared the {}/{profile} draft", client.client_id()),
        }),
    ))
}

/// `POST .../validate`: 200 even when the draft is invalid.
pub(super) fn validate<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let (client, profile) = clients::target(ctx)?;
    let current = records::draft(store, client.client_id(), profile)?;
    Ok(reply::json(
        200,
        &validate::validate(&current, &client.rules()),
    ))
}
