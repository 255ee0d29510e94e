//! The Cloudflare Workers host of mcp-orchestration.
//!
//! A thin translator. The `fetch` event answers what needs no store in the stateless Worker,
//! through the core's [`api::edge::handle_at_edge`]: health, the documents and the client registry
//! (the routes the core's route table marks built-in), the catalog from a copy of the team entries
//! the object sent less than 5 s ago, CORS preflights and errors that need no store, with the API
//! key or a bearer token whose grant this isolate holds; kept answers are served pre-serialized
//! until the next change. Every other request goes to one Durable Object, [`Orchestrator`], whose
//! SQLite storage implements the core's [`Store`](mcp_orchestration_core::Store); it vouches for
//! bearer tokens and sends the team entries ([`relay`]), and the uses of tokens answered at the
//! edge are passed on to it. Every rule (auth, CORS, routing,
//! errors, lockout) is the core's; this crate only moves bytes between the Workers runtime and
//! the core.
//!
//! Built for `wasm32-unknown-unknown` by `worker-build --release` (see `wrangler.toml`); it also
//! compiles for the host so that the workspace's `cargo clippy` and `cargo test` cover it.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod exchange;
mod guard;
mod isolate;
// `#[durable_object]` generates the JS-facing methods of the object, undocumented.
#[allow(missing_docs)]
mod object;
mod relay;
mod runtime;
mod sql_store;

use http::HeaderValue;
use mcp_orchestration_core::api;
use mcp_orchestration_core::api::edge::Outcome;
use mcp_orchestration_core::{Clock, Timestamp};
use worker::{Context, Env, Request, Response, Result, Stub, event};

use crate::isolate::Isolate;
use crate::runtime::WorkerClock;

pub use object::Orchestrator;

/// The `wrangler.toml` binding of the Durable Object namespace.
const OBJECT_BINDING: &str = "ORCHESTRATOR";
/// The one Durable Object instance that holds all state.
const OBJECT_NAME: &str = "primary";
/// The `wrangler.toml` binding of the web console's static assets.
const ASSETS_BINDING: &str = "ASSETS";

/// A copy of a `GET` or `HEAD` request for a console file without the body it may carry: the
/// assets binding never answers a `GET` with a body (workerd refuses to build one), and a file
/// is the same whatever the body says, as on the native host.
fn bodiless(req: &Request, method: &str) -> Result<Request> {
    let headers = req.headers().clone();
    for framing in ["content-length", "transfer-encoding", "content-type"] {
        headers.delete(framing)?;
    }
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::from(method.to_owned()))
        .with_headers(headers);
    Request::new_with_init(&req.inner().url(), &init)
}

/// The stub of the one Durable Object.
fn durable_object(env: &Env) -> Result<Stub> {
    env.durable_object(OBJECT_BINDING)?
        .id_from_name(OBJECT_NAME)?
        .get_stub()
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let method = req.inner().method();
    // The method as sent: workers-rs reads one it does not know (e.g. `PROPFIND`) as `GET`.
    if api::is_console_file(&method, &req.path()) {
        let file = env
            .assets(ASSETS_BINDING)?
            .fetch_request(bodiless(&req, &method)?)
            .await?;
        if file.status_code() != 404 {
            return Ok(file);
        }
    }
    let isolate = Isolate::get(&env);
    let url = req.inner().url();
    let mut request = exchange::read_request(req).await?;
    relay::strip(request.headers_mut());
    let peer = guard::peer(request.headers());
    let now = WorkerClock.now();
    if let Some(refused) = isolate
        .lockout
        .check(peer, request.headers(), &isolate.settings, now)
    {
        return exchange::write_response(refused);
    }
    let host = runtime::host(&isolate.settings, &isolate.usage, None);
    let mut outcome = api::edge::handle_at_edge(request, &host, &isolate.edge);
    if let Outcome::NeedsCatalog(request) = outcome {
        outcome = match fetch_catalog(&isolate, &env).await {
            Ok(()) => api::edge::handle_at_edge(request, &host, &isolate.edge),
            Err(e) => {
                worker::console_error!("could not fetch the team catalog: {e}");
                Outcome::Forward(request)
            }
        };
    }
    match outcome {
        Outcome::Answered(answer) => {
            let answer = guard::count(
                isolate.limiter.as_ref(),
                &isolate.lockout,
                peer,
                now,
                answer,
            )
            .await;
            isolate.schedule_report(&env, &ctx);
            exchange::write_response(answer)
        }
        // Still no fresh copy: a write this isolate forwarded dropped it meanwhile.
        Outcome::Forward(request) | Outcome::NeedsCatalog(request) => {
            let answer = forward(&isolate, &env, request, &url, now).await?;
            if answer.status_code() == 429 {
                // The object's lockout refused the address (the core's only 429): refuse it here
                // too, on the routes answered at the edge.
                isolate.lockout.block(peer, now);
            }
            Ok(answer)
        }
    }
}

/// Sends `request` to the Durable Object at `url`, with the token uses counted here, asking for
/// the bearer token's grant when this isolate holds no fresh one; keeps the grant it answers.
async fn forward(
    isolate: &Isolate,
    env: &Env,
    mut request: api::Request,
    url: &str,
    now: Timestamp,
) -> Result<Response> {
    let writes = !api::is_read_only(request.method());
    let token = api::edge::bearer_token(request.headers()).map(str::to_owned);
    let wants_grant = token
        .as_deref()
        .is_some_and(|t| isolate.edge.grants.fresh(t, now).is_none());
    if wants_grant {
        request
            .headers_mut()
            .insert(relay::WANT_GRANT, HeaderValue::from_static("1"));
    }
    let reported = relay::attach_usage(&isolate.usage, request.headers_mut());
    let answer = match durable_object(env)?
        .fetch_with_request(exchange::runtime_request(request, url)?)
        .await
    {
        Ok(answer) => answer,
        Err(e) => {
            if let Some(pending) = reported {
                isolate.usage.restore(pending);
            }
            return Err(e);
        }
    };
    if writes {
        // The write may have revoked a token or changed the catalog: ask the object again.
        isolate.edge.after_write();
    }
    let Some(value) = answer.headers().get(relay::GRANT.as_str())? else {
        return Ok(answer);
    };
    if let (Some(token), Some(grant)) = (token, relay::parse_grant(&value)) {
        isolate.edge.grants.insert(&token, grant, now);
    }
    exchange::without_header(answer, relay::GRANT.as_str())
}

/// Asks the Durable Object for its team catalog entries and holds them in this isolate, trusted
/// from the moment they were asked for.
async fn fetch_catalog(isolate: &Isolate, env: &Env) -> Result<()> {
    let ticket = isolate.edge.catalog_ticket();
    let asked_at = WorkerClock.now();
    let mut request = http::Request::new(bytes::Bytes::new());
    request
        .headers_mut()
        .insert(relay::WANT_CATALOG, HeaderValue::from_static("1"));
    let mut answer = durable_object(env)?
        .fetch_with_request(exchange::runtime_request(
            request,
            "https://edge.invalid/v1/servers",
        )?)
        .await?;
    if answer.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "the Durable Object answered {} for the team catalog",
            answer.status_code()
        )));
    }
    let copy = serde_json::from_slice(&answer.bytes().await?)?;
    isolate.edge.receive_catalog(ticket, copy, asked_at);
    Ok(())
}
