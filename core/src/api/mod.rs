//! The `/v1` HTTP API as a pure function: `handle(request, store, env) -> response`.
//!
//! Routing, auth, CORS, the body limit, JSON parsing and error mapping all live here, so every
//! host answers the same. A host converts its request type into [`Request`], picks a store
//! (a read-only view is enough when [`is_read_only`] says so), and converts the [`Response`]
//! back.

mod artifacts;
mod auth;
mod body;
mod clients;
mod cors;
mod drafts;
mod keys;
pub mod openapi;
pub mod reply;
pub mod route;
mod servers;
mod tokens;

use bytes::Bytes;
use http::{HeaderValue, Method, header, request::Parts};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::env::{ClientFiles, Clock, Entropy, Keyring};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Store;
use crate::usage::Usage;
use crate::{diff, token};
pub use auth::Caller;
use route::{Params, Route};

/// An HTTP request as the core sees it: the whole body already read.
pub type Request = http::Request<Bytes>;
/// An HTTP response as the core answers it.
pub type Response = http::Response<Bytes>;

/// Largest request body accepted (1 MiB). Hosts stop reading one byte past it and pass what
/// they have, so the core answers 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Allowed CORS origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// `*`: any origin, no credentials.
    Any,
    /// Only these origins, echoed with credentials allowed.
    List(Vec<String>),
}

/// Host settings that shape answers: credentials and CORS.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The `X-API-Key` value accepted, if any.
    pub api_key: Option<String>,
    /// Allowed CORS origins.
    pub cors_origins: CorsOrigins,
    /// Version reported by `/health`.
    pub version: String,
}

impl Settings {
    /// Settings from the values of `MCP_ORCHESTRATION_API_KEY` and
    /// `MCP_ORCHESTRATION_CORS_ORIGINS`; an empty API key counts as none.
    pub fn from_vars(api_key: Option<&str>, cors_origins: Option<&str>) -> Self {
        Self {
            api_key: api_key
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned),
            cors_origins: CorsOrigins::parse(cors_origins),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Everything a request handler gets besides the store.
pub struct Env<'a> {
    /// The time source.
    pub clock: &'a dyn Clock,
    /// The random source.
    pub entropy: &'a dyn Entropy,
    /// Client config files, where this host can write them.
    pub files: Option<&'a dyn ClientFiles>,
    /// Where the signing keys live, if not in the store.
    pub keyring: Option<&'a dyn Keyring>,
    /// In-memory token usage, flushed to the store on write requests and by the host.
    pub usage: &'a Usage,
    /// Host settings.
    pub settings: &'a Settings,
}

/// Whether `method` never writes (so a host may serve it from a read-only store view).
pub fn is_read_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What a handler gets: the routed request and its caller.
struct Ctx<'r, 'e> {
    params: Params,
    query: Option<&'r str>,
    body: Bytes,
    caller: Option<Caller>,
    env: &'r Env<'e>,
}

impl Ctx<'_, '_> {
    /// Who is calling, as recorded on publishes and deploys.
    fn caller_label(&self) -> String {
        self.caller
            .as_ref()
            .map_or_else(|| "anonymous".to_owned(), Caller::label)
    }
}

/// Answers one request. Never panics; every failure is a JSON error body.
pub fn handle<S: Store + ?Sized>(req: Request, store: &mut S, env: &Env<'_>) -> Response {
    let (parts, body) = req.into_parts();
    let preflight = parts.method == Method::OPTIONS;
    let mut res = if preflight {
        reply::bytes(200, reply::JSON, Bytes::from_static(b"{}"))
    } else {
        dispatch(&parts, body, store, env).unwrap_or_else(|err| {
            let mut res = reply::error(&err);
            if err.kind == ErrorKind::MethodNotAllowed {
                let allow = route::allowed_methods(parts.uri.path()).join(", ");
                if let Ok(v) = HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
            }
            res
        })
    };
    if parts.method == Method::HEAD {
        *res.body_mut() = Bytes::new();
    }
    env.settings
        .cors_origins
        .apply(&parts.headers, &mut res, preflight);
    res
}

fn dispatch<S: Store + ?Sized>(
    parts: &Parts,
    body: Bytes,
    store: &mut S,
    env: &Env<'_>,
) -> Result<Response> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            ErrorKind::PayloadTooLarge,
            "PAYLOAD_TOO_LARGE",
            format!("Request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
        ));
    }
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    let (spec, params) = route::resolve(&method, parts.uri.path())?;
    let caller = if spec.path.starts_with("/v1/") {
        Some(auth::authenticate(&parts.headers, store, env)?)
    } else {
        None
    };
    let ctx = Ctx {
        params,
        query: parts.uri.query(),
        body,
        caller,
        env,
    };
    let res = route_to(spec.route, &ctx, store)?;
    if !is_read_only(&method) && !env.usage.is_empty() {
        // Writes already cost a commit; fold pending token usage in while we are here. A
        // failed flush keeps the counts in memory for the next try, so it cannot fail the write.
        let _ = token::flush_usage(store, env.usage);
    }
    Ok(res)
}

fn route_to<S: Store + ?Sized>(route: Route, ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    match route {
        Route::Health => Ok(reply::json(
            200,
            &json!({"status": "healthy", "version": ctx.env.settings.version}),
        )),
        Route::OpenApi => Ok(reply::bytes(
            200,
            reply::JSON,
            Bytes::from_static(openapi::DOCUMENT.as_bytes()),
        )),
        Route::Docs => Ok(reply::bytes(
            200,
            HeaderValue::from_static("text/html; charset=utf-8"),
            Bytes::from_static(openapi::DOCS_HTML.as_bytes()),
        )),
        Route::ListClients => clients::list(ctx),
        Route::ListProfiles => clients::profiles(ctx, store),
        Route::PutProfile => clients::put_profile(ctx, store),
        Route::Diff => compare(ctx),
        Route::DraftAdd => drafts::add(ctx, store),
        Route::DraftRemove => drafts::remove(ctx, store),
        Route::DraftGet => drafts::get(ctx, store),
        Route::DraftClear => drafts::clear(ctx, store),
        Route::Validate => drafts::validate(ctx, store),
        Route::Publish => artifacts::publish(ctx, store),
        Route::LatestConfig => artifacts::latest(ctx, store),
        Route::History => artifacts::history(ctx, store),
        Route::GetArtifact => artifacts::get(ctx, store),
        Route::Deploy => artifacts::deploy(ctx, store),
        Route::Deployed => artifacts::deployed(ctx, store),
        Route::ListServers => servers::list(ctx),
        Route::GetServer => servers::get(ctx),
        Route::InitKeys => keys::initialize(ctx, store),
        Route::PublicKey => keys::public(ctx, store),
        Route::CreateToken => tokens::create(ctx, store),
        Route::ListTokens => tokens::list(ctx, store),
        Route::RevokeToken => tokens::revoke(ctx, store),
    }
}

/// `POST /v1/config/diff`.
fn compare(ctx: &Ctx<'_, '_>) -> Result<Response> {
    #[derive(Deserialize)]
    struct DiffBody {
        config1: Value,
        config2: Value,
    }
    let b: DiffBody = body::required(&ctx.body)?;
    Ok(reply::json(200, &diff::diff(&b.config1, &b.config2)?))
}
