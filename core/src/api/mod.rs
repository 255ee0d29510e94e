//! The `/v1` HTTP API as a pure function: `handle(request, store, env) -> response`.
//!
//! Routing, auth, CORS, the body limit, JSON parsing and error mapping all live here, so every
//! host answers the same. A host converts its request type into [`Request`], picks a store
//! (a read-only view is enough when [`is_read_only`] says so), and converts the [`Response`]
//! back.

mod cors;
pub mod route;

use bytes::Bytes;
use http::Method;

use crate::env::{ClientFiles, Clock, Entropy, Keyring};
use crate::store::Store;
use crate::usage::Usage;

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
            api_key: api_key.map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned),
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

/// Answers one request.
pub fn handle<S: Store + ?Sized>(_req: Request, _store: &mut S, _env: &Env<'_>) -> Response {
    todo!("being written")
}
