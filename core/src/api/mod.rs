//! The `/v1` HTTP API as a pure function: `handle(request, store, env) -> response`.
//!
//! Routing, auth, CORS, the body limit, JSON parsing and error mapping all live here, so every
//! host answers the same.

use bytes::Bytes;

use crate::env::{ClientFiles, Clock, Entropy, Keyring};
use crate::store::Store;
use crate::usage::Usage;

/// An HTTP request as the core sees it: the whole body already read.
pub type Request = http::Request<Bytes>;
/// An HTTP response as the core answers it.
pub type Response = http::Response<Bytes>;

/// Largest request body accepted (1 MiB); hosts should stop reading past it.
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
    /// In-memory token usage, flushed to the store by [`Usage::flush`].
    pub usage: &'a Usage,
    /// Host settings.
    pub settings: &'a Settings,
}

/// Whether `method` never writes (so a host may serve it from a read-only store view).
pub fn is_read_only(method: &http::Method) -> bool {
    matches!(*method, http::Method::GET | http::Method::HEAD | http::Method::OPTIONS)
}

/// Answers one request.
pub fn handle<S: Store + ?Sized>(_req: Request, _store: &mut S, _env: &Env<'_>) -> Response {
    todo!("being written")
}
