//! Answering without the store, where a host's store is a hop away (the Worker in front of its
//! Durable Object).
//!
//! [`handle_at_edge`] answers what needs no store: CORS preflights, unknown paths and methods,
//! oversized bodies, and the routes the table marks [`Data::BuiltIn`] when the caller is known
//! without the store: no credentials or the API key (a host setting), or a bearer token whose
//! [`Grant`] the edge holds. A grant comes from the store's host ([`Grant::of`]) and is trusted for
//! [`GRANT_TTL_MS`]: a revoked token may still read built-in data at the edge for that long.
//! Everything else goes to the store's host, and so does a bearer token the edge holds no fresh
//! grant for.

use std::collections::HashMap;
use std::sync::Mutex;

use http::Method;
use serde::{Deserialize, Serialize};

use super::auth::{self, Caller, Presented};
use super::route::{self, Data};
use super::{Host, MAX_BODY_BYTES, Request, Response, Tokens};
use crate::error::{Code, Error, Result};
use crate::scope::Scope;
use crate::signing::sha256_hex;
use crate::store::{Batch, Store};
use crate::timestamp::Timestamp;
use crate::token;
use crate::usage::Usage;

/// How long the edge trusts a grant after receiving it (5 s): the bound on how long a revoked or
/// re-scoped token keeps reading built-in data at the edge.
pub const GRANT_TTL_MS: i64 = 5_000;
/// Grants held at most; a full table is emptied (and refilled from the store's host).
const MAX_GRANTS: usize = 10_000;

/// What a valid bearer token may do, as the store's host vouches for it at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The token's id.
    pub token_id: String,
    /// Its scope.
    pub scope: Scope,
    /// When it expires, if ever.
    pub expires_at: Option<Timestamp>,
}

impl Grant {
    /// The grant of the bearer token a request with `headers` presents, at `now`: `None` unless
    /// it presents one and the store holds it as valid. Counts no use.
    pub fn for_request<S: Store + ?Sized>(
        store: &S,
        headers: &http::HeaderMap,
        now: Timestamp,
    ) -> Option<Self> {
        Self::of(store, bearer_token(headers)?, now)
    }

    /// The grant of bearer `token` at `now`: `None` unless the store holds it as valid (not
    /// revoked, not expired). Counts no use.
    pub fn of<S: Store + ?Sized>(store: &S, token: &str, now: Timestamp) -> Option<Self> {
        let record = token::authenticate(store, &Usage::new(), now, token).ok()?;
        Some(Self {
            token_id: record.token_id,
            scope: record.scope,
            expires_at: record.expires_at,
        })
    }
}

/// The bearer token a request with `headers` presents, if it presents one.
pub fn bearer_token(headers: &http::HeaderMap) -> Option<&str> {
    match auth::presented(headers) {
        Presented::Bearer(token) => Some(token),
        _ => None,
    }
}

/// The grants an edge holds, by the SHA-256 of their token, each with when it arrived.
#[derive(Debug, Default)]
pub struct Grants {
    held: Mutex<HashMap<String, (Grant, Timestamp)>>,
}

impl Grants {
    /// No grants.
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds `grant` for bearer `token`, received at `now`.
    pub fn insert(&self, token: &str, grant: Grant, now: Timestamp) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.len() >= MAX_GRANTS {
            held.clear();
        }
        held.insert(sha256_hex(token.as_bytes()), (grant, now));
    }

    /// Forgets every grant (after a write that may have revoked a token).
    pub fn clear(&self) {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The grant for `token`, if one arrived less than [`GRANT_TTL_MS`] before `now` and the token
    /// has not expired by `now`.
    pub fn fresh(&self, token: &str, now: Timestamp) -> Option<Grant> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let (grant, at) = held.get(&sha256_hex(token.as_bytes()))?;
        let fresh = now.0 >= at.0 && now.0 - at.0 < GRANT_TTL_MS;
        let live = grant.expires_at.is_none_or(|e| now < e);
        (fresh && live).then(|| grant.clone())
    }

    /// The caller holding `token` at `now`, its use counted in `usage`; 401 without a fresh grant.
    pub(super) fn caller(&self, token: &str, now: Timestamp, usage: &Usage) -> Result<Caller> {
        let grant = self
            .fresh(token, now)
            .ok_or_else(token::invalid_credentials)?;
        usage.record(&grant.token_id, now);
        Ok(Caller::Token {
            id: grant.token_id,
            scope: grant.scope,
        })
    }
}

/// What the edge does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Answered without the store.
    Answered(Response),
    /// Needs the store: send it to the store's host.
    Forward(Request),
}

/// Answers `req` without the store when it can (see the module docs); otherwise gives it back to
/// be sent to the store's host ([`Outcome::Forward`]), without its body if it is a `GET` or `HEAD`: no such route reads
/// one, and the Workers runtime cannot forward one that has one.
///
/// A bearer token's use is counted in `host.usage`, for the host to pass on to the store's host.
pub fn handle_at_edge(req: Request, host: &Host<'_>, grants: &Grants) -> Outcome {
    if !answerable(&req, host, grants) {
        let (parts, body) = req.into_parts();
        let body = if matches!(parts.method, Method::GET | Method::HEAD) {
            bytes::Bytes::new()
        } else {
            body
        };
        return Outcome::Forward(Request::from_parts(parts, body));
    }
    Outcome::Answered(super::respond(
        req,
        &mut NoStore,
        host,
        None,
        Tokens::Grants(grants),
    ))
}

/// Whether [`handle`](super::handle) would answer `req` without reading the store.
fn answerable(req: &Request, host: &Host<'_>, grants: &Grants) -> bool {
    if req.method() == Method::OPTIONS || req.body().len() > MAX_BODY_BYTES {
        return true;
    }
    let method = if req.method() == Method::HEAD {
        &Method::GET
    } else {
        req.method()
    };
    let Ok((spec, _)) = route::resolve(method, req.uri().path()) else {
        return true; // 404 or 405
    };
    if spec.data != Data::BuiltIn {
        return false;
    }
    match auth::presented(req.headers()) {
        Presented::Bearer(token) => grants.fresh(token, host.clock.now()).is_some(),
        Presented::ApiKey(_) | Presented::Malformed | Presented::Missing => true,
    }
}

/// The store of the edge, which has none: built-in routes never reach it, and if one did, it
/// would fail loudly rather than answer from an empty store.
struct NoStore;

impl NoStore {
    fn error() -> Error {
        Error::new(
            Code::StoreRead,
            "The edge has no store: a route marked built-in in the route table read it",
        )
    }
}

impl Store for NoStore {
    fn get(&self, _: &str) -> Result<Option<Vec<u8>>> {
        Err(Self::error())
    }

    fn list(&self, _: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Err(Self::error())
    }

    fn commit(&mut self, _: Batch) -> Result<()> {
        Err(Self::error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;
    use crate::api::{Settings, handle};
    use crate::ports::{Clock, Entropy};

    struct At(i64);
    impl Clock for At {
        fn now(&self) -> Timestamp {
            Timestamp(self.0)
        }
    }
    struct Counter(std::sync::atomic::AtomicU8);
    impl Entropy for Counter {
        fn fill(&self, buf: &mut [u8]) -> Result<()> {
            for b in buf {
                *b = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        }
    }

    const KEY: &str = "the-api-key";

    fn host<'a>(clock: &'a At, usage: &'a Usage, settings: &'a Settings) -> Host<'a> {
        static ENTROPY: Counter = Counter(std::sync::atomic::AtomicU8::new(0));
        Host {
            clock,
            entropy: &ENTROPY,
            files: None,
            keyring: None,
            usage,
            settings,
        }
    }

    fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
        let mut req = http::Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(bytes::Bytes::copy_from_slice(body)).unwrap()
    }

    /// The same request through the edge and through the full handler over `store`: the edge
    /// answers it as the full handler does, or gives it back.
    fn both(store: &mut MemoryStore, grants: &Grants, req: &Request, at: i64) -> Option<Response> {
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(at));
        let copy = || {
            let mut r = request(
                req.method().as_str(),
                &req.uri().to_string(),
                &[],
                req.body(),
            );
            *r.headers_mut() = req.headers().clone();
            r
        };
        let edge = handle_at_edge(copy(), &host(&clock, &usage, &settings), grants);
        let full = handle(copy(), store, &host(&clock, &usage, &settings));
        match edge {
            Outcome::Answered(res) => {
                assert_eq!(
                    res.status(),
                    full.status(),
                    "{} {}",
                    req.method(),
                    req.uri()
                );
                assert_eq!(res.body(), full.body(), "{} {}", req.method(), req.uri());
                assert_eq!(
                    res.headers(),
                    full.headers(),
                    "{} {}",
                    req.method(),
                    req.uri()
                );
                Some(res)
            }
            Outcome::Forward(back) => {
                assert_eq!(back.uri(), req.uri());
                None
            }
        }
    }

    #[test]
    fn built_in_routes_are_answered_at_the_edge_exactly_as_with_the_store() {
        let mut store = MemoryStore::new();
        let grants = Grants::new();
        let key = [("x-api-key", KEY)];
        for spec in route::ROUTES.iter().filter(|s| s.data == Data::BuiltIn) {
            let path = spec.path.replace("{server_id}", "filesystem");
            let req = request(spec.method.as_str(), &path, &key, b"");
            let res = both(&mut store, &grants, &req, 0).unwrap_or_else(|| panic!("{path}"));
            assert_eq!(res.status(), spec.status, "{path}: {:?}", res.body());
        }
        for (method, path, headers) in [
            ("OPTIONS", "/v1/tokens", &[][..]),
            ("GET", "/v1/nope", &key[..]),
            ("PUT", "/v1/tokens", &key[..]),
            ("GET", "/v1/clients", &[][..]),
            ("GET", "/v1/clients", &[("x-api-key", "wrong")][..]),
            ("GET", "/v1/clients", &[("authorization", "Basic x")][..]),
            ("HEAD", "/v1/clients", &key[..]),
        ] {
            let req = request(method, path, headers, b"");
            assert!(
                both(&mut store, &grants, &req, 0).is_some(),
                "{method} {path}"
            );
        }
        let huge = request(
            "GET",
            "/v1/config/a/b",
            &key,
            &vec![b' '; MAX_BODY_BYTES + 1],
        );
        assert_eq!(both(&mut store, &grants, &huge, 0).unwrap().status(), 413);
    }

    #[test]
    fn stored_routes_and_unknown_tokens_go_to_the_store_and_gets_lose_their_body() {
        let mut store = MemoryStore::new();
        let grants = Grants::new();
        for (method, path, headers) in [
            ("GET", "/v1/tokens", &[("x-api-key", KEY)][..]),
            (
                "GET",
                "/v1/clients/cursor/profiles",
                &[("x-api-key", KEY)][..],
            ),
            ("POST", "/mcp", &[("x-api-key", KEY)][..]),
            (
                "GET",
                "/v1/clients",
                &[("authorization", "Bearer unknown")][..],
            ),
        ] {
            let req = request(method, path, headers, b"{}");
            assert!(
                both(&mut store, &grants, &req, 0).is_none(),
                "{method} {path}"
            );
        }
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(0));
        let h = host(&clock, &usage, &settings);
        let forwarded = |req| match handle_at_edge(req, &h, &grants) {
            Outcome::Forward(req) => req.into_body(),
            Outcome::Answered(res) => panic!("answered at the edge: {res:?}"),
        };
        let get = request("GET", "/v1/tokens", &[("x-api-key", KEY)], b"{}");
        assert!(forwarded(get).is_empty());
        let post = request("POST", "/v1/tokens", &[("x-api-key", KEY)], b"{}");
        assert_eq!(forwarded(post).as_ref(), b"{}");
    }

    #[test]
    fn a_token_is_answered_at_the_edge_only_while_its_grant_is_fresh() {
        let mut store = MemoryStore::new();
        let issued = token::issue(
            &mut store,
            &At(0),
            &Counter(0.into()),
            Scope::Read,
            None,
            None,
        )
        .unwrap();
        let grants = Grants::new();
        let bearer = format!("Bearer {}", issued.token);
        let req = request("GET", "/v1/clients", &[("authorization", &bearer)], b"");
        assert!(
            both(&mut store, &grants, &req, 10).is_none(),
            "no grant yet"
        );

        let grant = Grant::of(&store, &issued.token, Timestamp(10)).expect("valid token");
        assert_eq!(grant.scope, Scope::Read);
        grants.insert(&issued.token, grant, Timestamp(10));
        assert!(both(&mut store, &grants, &req, 10).is_some());
        assert!(both(&mut store, &grants, &req, 10 + GRANT_TTL_MS - 1).is_some());
        assert!(
            both(&mut store, &grants, &req, 10 + GRANT_TTL_MS).is_none(),
            "stale"
        );

        // The edge counts the use, as the store's host would.
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(20));
        let Outcome::Answered(res) = handle_at_edge(req, &host(&clock, &usage, &settings), &grants)
        else {
            panic!("a fresh grant is answered at the edge");
        };
        assert_eq!(res.status(), 200);
        assert_eq!(usage.pending(&issued.record.token_id).unwrap().count, 1);

        // A revoked token has no grant to give; the scope still applies at the edge.
        token::revoke(&mut store, &issued.record.token_id).unwrap();
        assert_eq!(Grant::of(&store, &issued.token, Timestamp(30)), None);
    }

    #[test]
    fn an_expired_token_is_refused_at_the_edge_even_with_a_fresh_grant() {
        let grants = Grants::new();
        let grant = Grant {
            token_id: "t".into(),
            scope: Scope::Admin,
            expires_at: Some(Timestamp(100)),
        };
        grants.insert("tok", grant, Timestamp(0));
        assert!(grants.fresh("tok", Timestamp(99)).is_some());
        assert!(grants.fresh("tok", Timestamp(100)).is_none());
        grants.insert(
            "tok",
            Grant {
                token_id: "t".into(),
                scope: Scope::Admin,
                expires_at: None,
            },
            Timestamp(0),
        );
        grants.clear();
        assert!(grants.fresh("tok", Timestamp(1)).is_none());
    }
}
