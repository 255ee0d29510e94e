//! The `/v1` HTTP API as a pure function: `handle(request, store, host) -> response`.
//!
//! Routing, auth and scopes, CORS, the body limit, reading inputs and mapping errors live here,
//! so every host answers the same; the work itself is the [`crate::ops`] operation each route
//! names. A host converts its request type into [`Request`], picks a store (a read-only view is
//! enough when [`is_read_only`] says so), and converts the [`Response`] back.

mod auth;
mod cors;
pub mod edge;
pub mod input;
pub mod lockout;
pub mod openapi;
pub mod reply;
pub mod route;
mod shared;

use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderValue, Method, header, request::Parts};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Code, Error, ErrorKind, Result};
use crate::ops;
use crate::ports::{ClientFiles, Clock, Entropy, Keyring, Ports};
use crate::scope::{self, Scope};
use crate::store::Store;
use crate::token;
use crate::usage::Usage;
pub use auth::Caller;
use route::{Route, RouteSpec};
pub use shared::SharedAnswers;

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

/// What the host gives every request besides the store: its ports, its in-memory token usage
/// and its settings.
pub struct Host<'a> {
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

impl<'a> Host<'a> {
    /// The ports an operation gets, acting as `actor` with `scope`.
    fn ports(&self, actor: &'a str, scope: Scope) -> Ports<'a> {
        Ports {
            clock: self.clock,
            entropy: self.entropy,
            keyring: self.keyring,
            files: self.files,
            usage: Some(self.usage),
            actor,
            scope,
        }
    }
}

/// Whether `method` never writes (so a host may serve it from a read-only store view).
pub fn is_read_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request is for a file of the web console, which a host serves beside the API: a
/// `GET` or `HEAD` (the method as sent) of `/` or of a path under `/assets/`. Every other request,
/// `POST /` included, is the API's; a name the console does not have is too (the API's 404).
pub fn is_console_file(method: &str, path: &str) -> bool {
    matches!(method, "GET" | "HEAD") && (path == "/" || path.starts_with("/assets/"))
}

/// The answer of `GET /health`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Health {
    /// Always `healthy`.
    pub status: &'static str,
    /// The server's version.
    pub version: String,
}

/// Answers one request. Never panics; every failure is a JSON error body.
pub fn handle<S: Store + ?Sized>(req: Request, store: &mut S, host: &Host<'_>) -> Response {
    respond(req, store, host, None, Tokens::Store)
}

/// [`handle`], serving a shared answer ([`route::Route::is_shared`]) from `shared` when one is
/// kept, and keeping the ones it computes. The caller is still authenticated, and CORS and
/// `HEAD` applied, per request.
pub fn handle_keeping<S: Store + ?Sized>(
    req: Request,
    store: &mut S,
    host: &Host<'_>,
    shared: &SharedAnswers,
) -> Response {
    respond(req, store, host, Some(shared), Tokens::Store)
}

/// Where bearer tokens are checked.
#[derive(Clone, Copy)]
enum Tokens<'g> {
    /// In the store.
    Store,
    /// In the grants the edge holds (see [`edge`]).
    Grants(&'g edge::Grants),
}

/// [`handle`], keeping shared answers in `shared` if given, checking bearer tokens in `tokens`.
fn respond<S: Store + ?Sized>(
    req: Request,
    store: &mut S,
    host: &Host<'_>,
    shared: Option<&SharedAnswers>,
    tokens: Tokens<'_>,
) -> Response {
    let (parts, body) = req.into_parts();
    let preflight = parts.method == Method::OPTIONS;
    let mut res = if preflight {
        reply::bytes(200, reply::JSON, Bytes::from_static(b"{}"))
    } else {
        dispatch(&parts, body, store, host, shared, tokens).unwrap_or_else(|err| {
            let mut res = reply::error(&err);
            if err.kind() == ErrorKind::MethodNotAllowed {
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
    host.settings
        .cors_origins
        .apply(&parts.headers, &mut res, preflight);
    res
}

/// A routed request: its row of the table and what its input is read from.
struct Routed<'r> {
    spec: &'static RouteSpec,
    headers: &'r http::HeaderMap,
    params: route::Params,
    query: Option<&'r str>,
    body: Bytes,
}

impl Routed<'_> {
    /// The operation's input, read from the path, the query or the body as the route says.
    fn input<I: DeserializeOwned>(&self) -> Result<I> {
        input::read(self.spec.input, &self.params, self.query, &self.body)
    }
}

fn dispatch<S: Store + ?Sized>(
    parts: &Parts,
    body: Bytes,
    store: &mut S,
    host: &Host<'_>,
    shared: Option<&SharedAnswers>,
    tokens: Tokens<'_>,
) -> Result<Response> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            Code::PayloadTooLarge,
            format!("Request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
        ));
    }
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    let (spec, params) = route::resolve(&method, parts.uri.path())?;
    // Noted before auth reads the store, so an answer computed from an older snapshot than
    // the last committed write is never kept.
    let shared = shared
        .filter(|_| spec.shares(parts.uri.query()))
        .map(|s| (s, s.ticket()));
    if matches!(spec.route, Route::McpMessage | Route::McpEnd) {
        crate::mcp::http::check_origin(&parts.headers, &host.settings.cors_origins)?;
    }
    // Public routes run no operation that looks at the scope: give them the least.
    let (actor, scope) = match spec.access {
        route::Access::Public => (String::new(), Scope::Read),
        route::Access::Scope(needed) => {
            let caller = auth::authenticate(&parts.headers, host, |token| match tokens {
                Tokens::Store => auth::stored_token(&*store, host, token),
                Tokens::Grants(grants) => grants.caller(token, host.clock.now(), host.usage),
            })?;
            scope::require(caller.scope(), needed)?;
            (caller.label(), caller.scope())
        }
    };
    let req = Routed {
        spec,
        headers: &parts.headers,
        params,
        query: parts.uri.query(),
        body,
    };
    let res = match shared {
        Some((kept, ticket)) => match kept.get(spec.route) {
            Some(res) => res,
            None => {
                let res = answer(&req, store, &host.ports(&actor, scope), host)?;
                kept.keep(ticket, spec.route, &res);
                res
            }
        },
        None => answer(&req, store, &host.ports(&actor, scope), host)?,
    };
    if !is_read_only(&method) && !host.usage.is_empty() {
        // Writes already cost a commit; fold pending token usage in while we are here. A
        // failed flush keeps the counts in memory for the next try, so it cannot fail the write.
        let _ = token::flush_usage(store, host.usage);
    }
    Ok(res)
}

/// An operation's signature, as the route table calls it.
type Op<S, I, O> = fn(&mut S, &Ports<'_>, I) -> Result<O>;

/// Reads the input, runs the operation, serializes its output with the route's status.
fn call<S: Store + ?Sized, I: DeserializeOwned, O: Serialize>(
    req: &Routed<'_>,
    store: &mut S,
    ports: &Ports<'_>,
    op: Op<S, I, O>,
) -> Result<Response> {
    let output = op(store, ports, req.input()?)?;
    Ok(reply::json(req.spec.status, &output))
}

/// An answer that names its entity tag: its route answers an `ETag` and honours
/// `If-None-Match` with a 304 and no body.
pub trait Tagged {
    /// The entity tag's value, unquoted (an artifact id).
    fn entity_tag(&self) -> &str;
}

/// [`call`] for an answer with an entity tag: a 304 with no body when `If-None-Match` names
/// it (or is `*`), else the answer; both carry the `ETag`.
fn tagged<S: Store + ?Sized, I: DeserializeOwned, O: Serialize + Tagged>(
    req: &Routed<'_>,
    store: &mut S,
    ports: &Ports<'_>,
    op: Op<S, I, O>,
) -> Result<Response> {
    let output = op(store, ports, req.input()?)?;
    let etag = format!("\"{}\"", output.entity_tag());
    let unchanged = req
        .headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag);
    let mut res = if unchanged {
        let mut res = Response::new(Bytes::new());
        *res.status_mut() = http::StatusCode::NOT_MODIFIED;
        res
    } else {
        reply::json(req.spec.status, &output)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    Ok(res)
}

fn answer<S: Store + ?Sized>(
    req: &Routed<'_>,
    store: &mut S,
    ports: &Ports<'_>,
    host: &Host<'_>,
) -> Result<Response> {
    use ops::{artifacts, clients, configs, drafts, keys, servers, tokens};
    match req.spec.route {
        Route::Health => Ok(reply::json(
            200,
            &Health {
                status: "healthy",
                version: host.settings.version.clone(),
            },
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
        Route::ListClients => call(req, store, ports, clients::list),
        Route::ListProfiles => call(req, store, ports, clients::profiles),
        Route::PutProfile => call(req, store, ports, clients::set_profile),
        Route::ListServers
            if req.query.is_none_or(str::is_empty) && servers::builtin_only(store)? =>
        {
            Ok(builtin_catalog())
        }
        Route::ListServers => call(req, store, ports, servers::search),
        Route::GetServer => call(req, store, ports, servers::describe),
        Route::AddServer => call(req, store, ports, servers::add),
        Route::ReplaceServer => call(req, store, ports, servers::replace),
        Route::DeleteServer => call(req, store, ports, servers::delete),
        Route::Diff => call(req, store, ports, configs::diff),
        Route::DraftAdd => call(req, store, ports, drafts::add),
        Route::DraftRemove => call(req, store, ports, drafts::remove),
        Route::DraftGet => call(req, store, ports, drafts::view),
        Route::DraftClear => call(req, store, ports, drafts::clear),
        Route::Import => call(req, store, ports, drafts::import),
        Route::Validate => call(req, store, ports, drafts::validate),
        Route::Publish => call(req, store, ports, artifacts::publish),
        Route::LatestConfig => call(req, store, ports, artifacts::latest),
        Route::History => call(req, store, ports, artifacts::history),
        Route::GetArtifact => call(req, store, ports, artifacts::get),
        Route::Deploy => call(req, store, ports, artifacts::deploy),
        Route::Deployed => tagged(req, store, ports, artifacts::deployed),
        Route::InitKeys => call(req, store, ports, keys::initialize),
        Route::PublicKey => call(req, store, ports, keys::public),
        Route::CreateToken => call(req, store, ports, tokens::create),
        Route::ListTokens => call(req, store, ports, tokens::list),
        Route::RevokeToken => call(req, store, ports, tokens::revoke),
        Route::McpMessage => crate::mcp::http::post(req.headers, &req.body, store, ports),
        Route::McpEnd => Ok(reply::json(
            200,
            &crate::mcp::http::delete(req.headers, store)?,
        )),
    }
}

/// The unfiltered catalog of a deployment without team entries, fixed at build time:
/// serialized once, the same bytes every time.
fn builtin_catalog() -> Response {
    static ALL: OnceLock<Bytes> = OnceLock::new();
    let body = ALL.get_or_init(|| reply::json(200, &ops::servers::builtin()).into_body());
    reply::bytes(200, reply::JSON, body.clone())
}
