//! Answering without the store, where a host's store is a hop away (the Worker in front of its
//! Durable Object).
//!
//! [`handle_at_edge`] answers what needs no store: CORS preflights, unknown paths and methods,
//! oversized bodies, and the routes the table marks [`Data::BuiltIn`] when the caller is known
//! without the store: no credentials or the API key (a host setting), or a bearer token whose
//! [`Grant`] the edge holds. A grant comes from the store's host ([`Grant::of`]) and is trusted for
//! [`GRANT_TTL_MS`]: a revoked token may still read built-in data at the edge for that long.
//!
//! The catalog routes ([`Data::Catalog`]) are answered the same way from a [`TeamCatalog`], the
//! copy of the store's team entries the edge received from the store's host less than
//! [`CATALOG_TTL_MS`] ago: a team entry added, replaced or deleted through another edge shows
//! within that bound, and at once on the edge that forwarded the write ([`Edge::after_write`]
//! drops the copy). Answers that are the same until the next change are kept pre-serialized
//! ([`SharedAnswers`]) until the copy changes or a write is forwarded.
//!
//! Everything else goes to the store's host, and so does a bearer token the edge holds no fresh
//! grant for.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use http::Method;
use serde::{Deserialize, Serialize};

use super::auth::{self, Caller, Presented};
use super::route::{self, Data};
use super::{Host, MAX_BODY_BYTES, Request, Response, SharedAnswers, Tokens};
use crate::error::{Code, Error, Result};
use crate::records::TEAM_SERVERS;
use crate::scope::Scope;
use crate::signing::sha256_hex;
use crate::store::{Batch, Store};
use crate::timestamp::Timestamp;
use crate::token;
use crate::usage::Usage;

/// How long the edge trusts a grant after receiving it (5 s): the bound on how long a revoked or
/// re-scoped token keeps reading built-in data at the edge.
pub const GRANT_TTL_MS: i64 = 5_000;
/// How long the edge trusts a copy of the team catalog after receiving it (5 s, as grants): the
/// bound on how long a team entry added, replaced or deleted through another edge takes to show.
pub const CATALOG_TTL_MS: i64 = GRANT_TTL_MS;
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

/// The copy of the store's team catalog entries (the rows under `catalog/`, values as stored),
/// as the store's host sends it to the edge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCatalog {
    rows: Vec<(String, String)>,
}

impl TeamCatalog {
    /// The team entries of `store` as they are now.
    pub fn of<S: Store + ?Sized>(store: &S) -> Result<Self> {
        let rows = store
            .list(TEAM_SERVERS)?
            .into_iter()
            .map(|(key, value)| {
                String::from_utf8(value)
                    .map(|value| (key, value))
                    .map_err(|_| {
                        Error::new(Code::StoreCorrupt, "A team catalog entry is not UTF-8")
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Self { rows })
    }
}

/// What an edge keeps between requests: the grants and the team catalog copy the store's host
/// sent it, and the shared answers computed from them (see the module docs).
#[derive(Debug, Default)]
pub struct Edge {
    /// The grants held.
    pub grants: Grants,
    catalog: ArcSwap<Held>,
    shared: SharedAnswers,
}

/// The team catalog copy held, if any, with when it arrived; `generation` counts the writes
/// forwarded, so that a copy asked for before one of them is not held after it.
#[derive(Debug, Default)]
struct Held {
    generation: u64,
    copy: Option<(Arc<TeamCatalog>, Timestamp)>,
}

/// The number of writes an edge had forwarded when it asked for a team catalog copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogTicket(u64);

impl Edge {
    /// Nothing held.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every grant and the team catalog copy, and the answers computed from them: the
    /// edge forwarded a write, which may have revoked a token or changed the catalog.
    pub fn after_write(&self) {
        self.grants.clear();
        self.catalog.rcu(|held| Held {
            generation: held.generation.wrapping_add(1),
            copy: None,
        });
        self.shared.invalidate();
    }

    /// Notes the writes forwarded so far; take it before asking the store's host for a copy.
    pub fn catalog_ticket(&self) -> CatalogTicket {
        CatalogTicket(self.catalog.load().generation)
    }

    /// Holds `copy` of the team catalog, received at `now`, unless a write was forwarded since
    /// `ticket` was taken (the copy may predate it). Kept answers stay if the copy is unchanged.
    pub fn receive_catalog(&self, ticket: CatalogTicket, copy: TeamCatalog, now: Timestamp) {
        let copy = Arc::new(copy);
        let mut changed = false;
        self.catalog.rcu(|held| {
            if held.generation != ticket.0 {
                changed = false;
                return Held {
                    generation: held.generation,
                    copy: held.copy.clone(),
                };
            }
            changed = held.copy.as_ref().is_none_or(|(old, _)| **old != *copy);
            Held {
                generation: held.generation,
                copy: Some((Arc::clone(&copy), now)),
            }
        });
        if changed {
            self.shared.invalidate();
        }
    }

    /// Whether a team catalog copy arrived less than [`CATALOG_TTL_MS`] before `now`.
    pub fn catalog_fresh(&self, now: Timestamp) -> bool {
        self.catalog
            .load()
            .copy
            .as_ref()
            .is_some_and(|(_, at)| now.0 >= at.0 && now.0 - at.0 < CATALOG_TTL_MS)
    }
}

/// What the edge does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Answered without the store.
    Answered(Response),
    /// A catalog route the edge can answer once it holds a fresh team catalog copy: take a
    /// [`Edge::catalog_ticket`], ask the store's host for a [`TeamCatalog`], hand it to
    /// [`Edge::receive_catalog`] and call [`handle_at_edge`] again (or forward the request).
    NeedsCatalog(Request),
    /// Needs the store: send it to the store's host.
    Forward(Request),
}

/// Answers `req` without the store when it can (see the module docs); otherwise gives it back
/// ([`Outcome::Forward`], [`Outcome::NeedsCatalog`]) without its body if it is a `GET` or
/// `HEAD`: no such route reads one, and the Workers runtime cannot forward one that has one.
///
/// A bearer token's use is counted in `host.usage`, for the host to pass on to the store's host.
pub fn handle_at_edge(req: Request, host: &Host<'_>, edge: &Edge) -> Outcome {
    let without_get_body = |req: Request| {
        let (parts, body) = req.into_parts();
        let body = if matches!(parts.method, Method::GET | Method::HEAD) {
            bytes::Bytes::new()
        } else {
            body
        };
        Request::from_parts(parts, body)
    };
    match answerable(&req, host, edge) {
        Here::Answer => {}
        Here::AfterCopy => return Outcome::NeedsCatalog(without_get_body(req)),
        Here::Not => return Outcome::Forward(without_get_body(req)),
    }
    let mut store = EdgeStore {
        edge,
        copy: OnceCell::new(),
    };
    Outcome::Answered(super::respond(
        req,
        &mut store,
        host,
        Some(&edge.shared),
        Tokens::Grants(&edge.grants),
    ))
}

/// Whether the edge answers a request.
enum Here {
    /// Yes: [`handle`](super::handle) would read nothing of the store it lacks.
    Answer,
    /// Once it holds a fresh team catalog copy.
    AfterCopy,
    /// No: forward it.
    Not,
}

/// Whether the edge can answer `req` with what it holds.
fn answerable(req: &Request, host: &Host<'_>, edge: &Edge) -> Here {
    if req.method() == Method::OPTIONS || req.body().len() > MAX_BODY_BYTES {
        return Here::Answer;
    }
    let method = if req.method() == Method::HEAD {
        &Method::GET
    } else {
        req.method()
    };
    let Ok((spec, _)) = route::resolve(method, req.uri().path()) else {
        return Here::Answer; // 404 or 405
    };
    let now = host.clock.now();
    let caller_known = match auth::presented(req.headers()) {
        Presented::Bearer(token) => edge.grants.fresh(token, now).is_some(),
        Presented::ApiKey(_) | Presented::Malformed | Presented::Missing => true,
    };
    match spec.data {
        _ if !caller_known => Here::Not,
        Data::BuiltIn => Here::Answer,
        Data::Catalog if edge.catalog_fresh(now) => Here::Answer,
        Data::Catalog => Here::AfterCopy,
        Data::Stored => Here::Not,
    }
}

/// The store as the edge sees it: the team catalog copy and nothing else. The copy is read at
/// the first read, after the request noted its shared-answer ticket (so an answer computed from
/// a copy replaced meanwhile is not kept); any other key fails loudly rather than answer from an
/// empty store.
struct EdgeStore<'e> {
    edge: &'e Edge,
    copy: OnceCell<Option<Arc<TeamCatalog>>>,
}

impl EdgeStore<'_> {
    fn copy(&self, key: &str) -> Result<&TeamCatalog> {
        if !key.starts_with(TEAM_SERVERS) {
            return Err(Error::new(
                Code::StoreRead,
                format!("The edge has no store: a route it answers read {key}"),
            ));
        }
        self.copy
            .get_or_init(|| {
                self.edge
                    .catalog
                    .load()
                    .copy
                    .as_ref()
                    .map(|(c, _)| c.clone())
            })
            .as_deref()
            .ok_or_else(|| {
                Error::new(
                    Code::StoreRead,
                    "The edge dropped its team catalog copy while answering",
                )
            })
    }
}

impl Store for EdgeStore<'_> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .copy(key)?
            .rows
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone().into_bytes()))
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .copy(prefix)?
            .rows
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
            .collect())
    }

    fn commit(&mut self, _: Batch) -> Result<()> {
        Err(Error::new(
            Code::StoreReadOnly,
            "The edge has no store: a route it answers wrote",
        ))
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
    fn both(store: &mut MemoryStore, edge: &Edge, req: &Request, at: i64) -> Option<Response> {
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
        let at_edge = handle_at_edge(copy(), &host(&clock, &usage, &settings), edge);
        let full = handle(copy(), store, &host(&clock, &usage, &settings));
        match at_edge {
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
            Outcome::Forward(back) | Outcome::NeedsCatalog(back) => {
                assert_eq!(back.uri(), req.uri());
                None
            }
        }
    }

    /// What the edge does with `req` at `at`, with the API key.
    fn outcome(edge: &Edge, path: &str, at: i64) -> Outcome {
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(at));
        let req = request("GET", path, &[("x-api-key", KEY)], b"");
        handle_at_edge(req, &host(&clock, &usage, &settings), edge)
    }

    /// The body the edge answers `GET path` with at `at`, or `None` when it needs a copy.
    fn at_edge(edge: &Edge, path: &str, at: i64) -> Option<String> {
        match outcome(edge, path, at) {
            Outcome::Answered(res) => Some(String::from_utf8(res.into_body().to_vec()).unwrap()),
            Outcome::NeedsCatalog(_) => None,
            Outcome::Forward(req) => panic!("forwarded: {req:?}"),
        }
    }

    /// Adds team entry `name` to `store` through the full handler.
    fn add_team_entry(store: &mut MemoryStore, name: &str) {
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(0));
        let body = format!(
            r#"{{"name": "io.github.acme/{name}", "description": "Team {name}.", "version": "1.0.0",
                "websiteUrl": "https://acme.example/{name}",
                "remotes": [{{"type": "sse", "url": "https://{name}.acme.example/sse"}}]}}"#
        );
        let req = request(
            "POST",
            "/v1/servers",
            &[("x-api-key", KEY)],
            body.as_bytes(),
        );
        let res = handle(req, store, &host(&clock, &usage, &settings));
        assert_eq!(res.status(), 201, "{:?}", res.body());
    }

    #[test]
    fn the_catalog_is_answered_at_the_edge_from_a_fresh_copy_exactly_as_with_the_store() {
        let mut store = MemoryStore::new();
        add_team_entry(&mut store, "notes");
        let edge = Edge::new();
        let key = [("x-api-key", KEY)];
        let paths = [
            "/v1/servers",
            "/v1/servers?q=notes",
            "/v1/servers?transport=sse",
            "/v1/servers?transport=pigeon",
            "/v1/servers/notes",
            "/v1/servers/filesystem",
            "/v1/servers/no-such",
            "/v1/servers/..",
        ];
        for path in paths {
            let req = request("GET", path, &key, b"");
            assert!(
                both(&mut store, &edge, &req, 10).is_none(),
                "no copy: {path}"
            );
        }
        edge.receive_catalog(
            edge.catalog_ticket(),
            TeamCatalog::of(&store).unwrap(),
            Timestamp(10),
        );
        for at in [10, 10 + CATALOG_TTL_MS - 1] {
            for method in ["GET", "HEAD"] {
                for path in paths {
                    let req = request(method, path, &key, b"");
                    assert!(
                        both(&mut store, &edge, &req, at).is_some(),
                        "{method} {path}"
                    );
                }
            }
        }
        assert!(
            at_edge(&edge, "/v1/servers", 10)
                .unwrap()
                .contains("io.github.acme/notes")
        );
        assert!(
            at_edge(&edge, "/v1/servers", 10 + CATALOG_TTL_MS).is_none(),
            "stale"
        );
        // Without credentials the answer is the 401 it would be anyway.
        let req = request("GET", "/v1/servers", &[], b"");
        assert_eq!(both(&mut store, &edge, &req, 10).unwrap().status(), 401);
    }

    #[test]
    fn the_catalog_copy_is_trusted_for_its_bound_and_dropped_after_a_write() {
        let mut store = MemoryStore::new();
        add_team_entry(&mut store, "notes");
        let edge = Edge::new();
        edge.receive_catalog(
            edge.catalog_ticket(),
            TeamCatalog::of(&store).unwrap(),
            Timestamp(0),
        );
        let listed = at_edge(&edge, "/v1/servers", 0).unwrap();
        assert!(listed.contains("/notes") && !listed.contains("/wiki"));

        // Added through another edge: this one still answers its copy, within the bound...
        add_team_entry(&mut store, "wiki");
        assert_eq!(
            at_edge(&edge, "/v1/servers", CATALOG_TTL_MS - 1).unwrap(),
            listed
        );
        assert!(
            at_edge(&edge, "/v1/servers/wiki", CATALOG_TTL_MS - 1)
                .unwrap()
                .contains("SERVER_NOT_FOUND")
        );
        // ...and a new copy replaces the kept answer.
        edge.receive_catalog(
            edge.catalog_ticket(),
            TeamCatalog::of(&store).unwrap(),
            Timestamp(1),
        );
        assert!(at_edge(&edge, "/v1/servers", 1).unwrap().contains("/wiki"));
        assert!(
            at_edge(&edge, "/v1/servers/wiki", 1)
                .unwrap()
                .contains("Team wiki.")
        );

        // A write this edge forwards drops the copy at once, and a copy asked for before the
        // write is not held after it.
        let asked = edge.catalog_ticket();
        edge.after_write();
        assert!(at_edge(&edge, "/v1/servers", 1).is_none());
        edge.receive_catalog(asked, TeamCatalog::of(&store).unwrap(), Timestamp(1));
        assert!(
            at_edge(&edge, "/v1/servers", 1).is_none(),
            "a copy from before the write"
        );
        edge.receive_catalog(edge.catalog_ticket(), TeamCatalog::default(), Timestamp(2));
        assert_eq!(
            at_edge(&edge, "/v1/servers", 2).unwrap(),
            String::from_utf8(super::super::builtin_catalog().into_body().to_vec()).unwrap()
        );
    }

    #[test]
    fn a_token_without_a_grant_is_forwarded_for_the_catalog_even_with_a_fresh_copy() {
        let edge = Edge::new();
        edge.receive_catalog(edge.catalog_ticket(), TeamCatalog::default(), Timestamp(0));
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(0));
        let req = request(
            "GET",
            "/v1/servers",
            &[("authorization", "Bearer unknown")],
            b"",
        );
        assert!(matches!(
            handle_at_edge(req, &host(&clock, &usage, &settings), &edge),
            Outcome::Forward(_)
        ));
        assert!(matches!(
            outcome(&edge, "/v1/servers", 0),
            Outcome::Answered(_)
        ));
    }

    #[test]
    fn built_in_routes_are_answered_at_the_edge_exactly_as_with_the_store() {
        let mut store = MemoryStore::new();
        let edge = Edge::new();
        let key = [("x-api-key", KEY)];
        for spec in route::ROUTES.iter().filter(|s| s.data == Data::BuiltIn) {
            let path = spec.path.replace("{server_id}", "filesystem");
            let req = request(spec.method.as_str(), &path, &key, b"");
            let res = both(&mut store, &edge, &req, 0).unwrap_or_else(|| panic!("{path}"));
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
                both(&mut store, &edge, &req, 0).is_some(),
                "{method} {path}"
            );
        }
        let huge = request(
            "GET",
            "/v1/config/a/b",
            &key,
            &vec![b' '; MAX_BODY_BYTES + 1],
        );
        assert_eq!(both(&mut store, &edge, &huge, 0).unwrap().status(), 413);
    }

    #[test]
    fn stored_routes_and_unknown_tokens_go_to_the_store_and_gets_lose_their_body() {
        let mut store = MemoryStore::new();
        let edge = Edge::new();
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
                both(&mut store, &edge, &req, 0).is_none(),
                "{method} {path}"
            );
        }
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(0));
        let h = host(&clock, &usage, &settings);
        let forwarded = |req| match handle_at_edge(req, &h, &edge) {
            Outcome::Forward(req) => req.into_body(),
            Outcome::Answered(res) => panic!("answered at the edge: {res:?}"),
            Outcome::NeedsCatalog(req) => panic!("needs the catalog: {req:?}"),
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
        let edge = Edge::new();
        let bearer = format!("Bearer {}", issued.token);
        let req = request("GET", "/v1/clients", &[("authorization", &bearer)], b"");
        assert!(both(&mut store, &edge, &req, 10).is_none(), "no grant yet");

        let grant = Grant::of(&store, &issued.token, Timestamp(10)).expect("valid token");
        assert_eq!(grant.scope, Scope::Read);
        edge.grants.insert(&issued.token, grant, Timestamp(10));
        assert!(both(&mut store, &edge, &req, 10).is_some());
        assert!(both(&mut store, &edge, &req, 10 + GRANT_TTL_MS - 1).is_some());
        assert!(
            both(&mut store, &edge, &req, 10 + GRANT_TTL_MS).is_none(),
            "stale"
        );

        // The edge counts the use, as the store's host would.
        let settings = Settings::from_vars(Some(KEY), None);
        let (usage, clock) = (Usage::new(), At(20));
        let Outcome::Answered(res) = handle_at_edge(req, &host(&clock, &usage, &settings), &edge)
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
        let edge = Edge::new();
        let grant = Grant {
            token_id: "t".into(),
            scope: Scope::Admin,
            expires_at: Some(Timestamp(100)),
        };
        edge.grants.insert("tok", grant, Timestamp(0));
        assert!(edge.grants.fresh("tok", Timestamp(99)).is_some());
        assert!(edge.grants.fresh("tok", Timestamp(100)).is_none());
        edge.grants.insert(
            "tok",
            Grant {
                token_id: "t".into(),
                scope: Scope::Admin,
                expires_at: None,
            },
            Timestamp(0),
        );
        edge.after_write();
        assert!(edge.grants.fresh("tok", Timestamp(1)).is_none());
    }
}
