//! The route table: every path and method the API serves, the scope it needs and where its
//! input comes from, in one list that the router, auth and the OpenAPI generator read.

use std::sync::LazyLock;

use http::Method;
use percent_encoding::percent_decode_str;

use crate::error::{Code, Error, Result};
use crate::scope::Scope;

/// What a request asks for, once routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// `GET /health`
    Health,
    /// `GET /openapi.json`
    OpenApi,
    /// `GET /docs`
    Docs,
    /// `GET /v1/clients`
    ListClients,
    /// `GET /v1/clients/{client_id}/profiles`
    ListProfiles,
    /// `POST /v1/clients/{client_id}/profiles`
    PutProfile,
    /// `GET /v1/config/{client_id}/{profile_id}`
    LatestConfig,
    /// `POST /v1/config/diff`
    Diff,
    /// `POST /v1/config/{client_id}/{profile_id}/draft/add`
    DraftAdd,
    /// `POST /v1/config/{client_id}/{profile_id}/draft/remove`
    DraftRemove,
    /// `GET /v1/config/{client_id}/{profile_id}/draft`
    DraftGet,
    /// `POST /v1/config/{client_id}/{profile_id}/import`
    Import,
    /// `DELETE /v1/config/{client_id}/{profile_id}/draft`
    DraftClear,
    /// `POST /v1/config/{client_id}/{profile_id}/validate`
    Validate,
    /// `POST /v1/config/{client_id}/{profile_id}/publish`
    Publish,
    /// `POST /v1/config/{client_id}/{profile_id}/deploy`
    Deploy,
    /// `GET /v1/config/{client_id}/{profile_id}/history`
    History,
    /// `GET /v1/config/{client_id}/{profile_id}/deployed`
    Deployed,
    /// `GET /v1/servers`
    ListServers,
    /// `GET /v1/servers/{server_id}`
    GetServer,
    /// `POST /v1/servers`
    AddServer,
    /// `PUT /v1/servers/{server_id}`
    ReplaceServer,
    /// `DELETE /v1/servers/{server_id}`
    DeleteServer,
    /// `POST /v1/keys/initialize`
    InitKeys,
    /// `GET /v1/keys/public`
    PublicKey,
    /// `POST /v1/tokens`
    CreateToken,
    /// `GET /v1/tokens`
    ListTokens,
    /// `DELETE /v1/tokens/{token_id}`
    RevokeToken,
    /// `GET /v1/artifacts/{artifact_id}`
    GetArtifact,
    /// `POST /mcp`: one MCP JSON-RPC message
    McpMessage,
    /// `DELETE /mcp`: end an MCP session
    McpEnd,
}

impl Route {
    /// Whether the answer to this route is the same for every caller allowed to ask, until the
    /// store's next committed write (or a change of the host's settings): it reads nothing of
    /// the request but its path, and nothing of the store that a write could not change. A host
    /// may keep such an answer and serve it again until it commits a write
    /// ([`super::SharedAnswers`]); auth, CORS and `HEAD` are still applied per request.
    pub fn is_shared(self) -> bool {
        matches!(
            self,
            Self::Health | Self::OpenApi | Self::Docs | Self::ListClients | Self::ListServers
        )
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: no credentials needed.
    Public,
    /// The API key, or a valid token whose scope allows this one.
    Scope(Scope),
}

/// What a route's answer is made of. The one rule of which routes a host may answer without its
/// store: the edge answers [`Data::BuiltIn`] routes in the stateless Worker, [`Data::Catalog`]
/// routes there from its copy of the team entries, and sends the rest to the Durable Object (see
/// [`super::edge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// Only what is built into the program (the client registry, the documents):
    /// the same answer for the same request, whoever asks and whatever is stored. Auth by a
    /// bearer token still needs the token's grant (see [`super::edge::Grants`]).
    BuiltIn,
    /// The catalog: the built-in entries and the team entries stored under `catalog/`. The edge
    /// answers it from a copy of those entries it received less than
    /// [`CATALOG_TTL_MS`](super::edge::CATALOG_TTL_MS) ago, dropped after any write it forwards
    /// (see [`super::edge::Edge`]).
    Catalog,
    /// Read from or written to the store.
    Stored,
}

/// Where a route's input comes from, besides its path parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The path parameters alone; a body is ignored.
    Path,
    /// The query string too (`?q=&transport=`).
    Query,
    /// A JSON object body, which may be empty or absent (read as `{}`).
    OptionalBody,
    /// A JSON object body, required.
    Body,
}

/// One row of the route table.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, `{name}` for a parameter, as in OpenAPI; each parameter is the
    /// operation's input field of the same name.
    pub path: &'static str,
    /// What it routes to.
    pub route: Route,
    /// What its answer is made of: whether a host can answer it without the store.
    pub data: Data,
    /// Who may call it: anyone, or credentials with a scope.
    pub access: Access,
    /// Where its input comes from.
    pub input: Input,
    /// The status of a successful answer.
    pub status: u16,
}

const fn spec(
    method: Method,
    path: &'static str,
    route: Route,
    data: Data,
    access: Access,
    input: Input,
    status: u16,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        route,
        data,
        access,
        input,
        status,
    }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;
const BUILT_IN: Data = Data::BuiltIn;
const CATALOG: Data = Data::Catalog;
const STORED: Data = Data::Stored;
const PUBLIC: Access = Access::Public;
/// Every `GET`, and `POST /v1/config/diff`: nothing changes.
const READ: Access = Access::Scope(Scope::Read);
/// Drafts, validation, creating profiles (a path override needs `admin`: `ops::clients`).
const EDIT: Access = Access::Scope(Scope::Edit);
/// Publishing and deploying, and the deployment's own catalog entries (what machines run
/// reaches them only through a publish).
const PUBLISH: Access = Access::Scope(Scope::Publish);
/// Tokens (listing them too: a machine that pulls configs must not see the other tokens) and
/// signing keys.
const ADMIN: Access = Access::Scope(Scope::Admin);

/// Every route served: the one list that routing, auth, `/openapi.json` and the black-box
/// suite (which reads `/openapi.json`) derive from.
#[rustfmt::skip]
pub static ROUTES: &[RouteSpec] = &[
    spec(GET, "/health", Route::Health, BUILT_IN, PUBLIC, Input::Path, 200),
    spec(GET, "/openapi.json", Route::OpenApi, BUILT_IN, PUBLIC, Input::Path, 200),
    spec(GET, "/docs", Route::Docs, BUILT_IN, PUBLIC, Input::Path, 200),
    spec(GET, "/v1/clients", Route::ListClients, BUILT_IN, READ, Input::Path, 200),
    spec(GET, "/v1/clients/{client_id}/profiles", Route::ListProfiles, STORED, READ, Input::Path, 200),
    spec(POST, "/v1/clients/{client_id}/profiles", Route::PutProfile, STORED, EDIT, Input::Body, 201),
    spec(POST, "/v1/config/diff", Route::Diff, STORED, READ, Input::Body, 200),
    spec(GET, "/v1/config/{client_id}/{profile_id}", Route::LatestConfig, STORED, READ, Input::Path, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/draft/add", Route::DraftAdd, STORED, EDIT, Input::Body, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/draft/remove", Route::DraftRemove, STORED, EDIT, Input::Body, 200),
    spec(GET, "/v1/config/{client_id}/{profile_id}/draft", Route::DraftGet, STORED, READ, Input::Path, 200),
    spec(DELETE, "/v1/config/{client_id}/{profile_id}/draft", Route::DraftClear, STORED, EDIT, Input::Path, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/import", Route::Import, STORED, EDIT, Input::OptionalBody, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/validate", Route::Validate, STORED, EDIT, Input::OptionalBody, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/publish", Route::Publish, STORED, PUBLISH, Input::OptionalBody, 200),
    spec(POST, "/v1/config/{client_id}/{profile_id}/deploy", Route::Deploy, STORED, PUBLISH, Input::OptionalBody, 200),
    spec(GET, "/v1/config/{client_id}/{profile_id}/history", Route::History, STORED, READ, Input::Path, 200),
    spec(GET, "/v1/config/{client_id}/{profile_id}/deployed", Route::Deployed, STORED, READ, Input::Path, 200),
    spec(GET, "/v1/servers", Route::ListServers, CATALOG, READ, Input::Query, 200),
    spec(GET, "/v1/servers/{server_id}", Route::GetServer, CATALOG, READ, Input::Path, 200),
    spec(POST, "/v1/servers", Route::AddServer, STORED, PUBLISH, Input::Body, 201),
    spec(PUT, "/v1/servers/{server_id}", Route::ReplaceServer, STORED, PUBLISH, Input::Body, 200),
    spec(DELETE, "/v1/servers/{server_id}", Route::DeleteServer, STORED, PUBLISH, Input::Path, 200),
    spec(POST, "/v1/keys/initialize", Route::InitKeys, STORED, ADMIN, Input::OptionalBody, 200),
    spec(GET, "/v1/keys/public", Route::PublicKey, STORED, READ, Input::Path, 200),
    spec(POST, "/v1/tokens", Route::CreateToken, STORED, ADMIN, Input::OptionalBody, 201),
    spec(GET, "/v1/tokens", Route::ListTokens, STORED, ADMIN, Input::Path, 200),
    spec(DELETE, "/v1/tokens/{token_id}", Route::RevokeToken, STORED, ADMIN, Input::Path, 200),
    spec(GET, "/v1/artifacts/{artifact_id}", Route::GetArtifact, STORED, READ, Input::Path, 200),
    spec(POST, "/mcp", Route::McpMessage, STORED, READ, Input::Body, 200),
    spec(DELETE, "/mcp", Route::McpEnd, STORED, READ, Input::Path, 200),
];

impl RouteSpec {
    /// Whether a `GET` of this route with `query` asks for its shared answer
    /// ([`Route::is_shared`]): a route that reads the query shares only its unqueried answer.
    pub fn shares(&self, query: Option<&str>) -> bool {
        self.route.is_shared() && (self.input != Input::Query || query.is_none_or(str::is_empty))
    }
}

/// Path parameters of a routed request, percent-decoded, in pattern order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// The raw (decoded, not yet validated) value of parameter `name`.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every `(name, value)`, in pattern order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str()))
    }
}

/// [`ROUTES`] as a tree of path patterns (`matchit`, axum's router), each with its routes.
type Tree = matchit::Router<Vec<&'static RouteSpec>>;

/// Builds the [`Tree`]; the patterns it refused, with why (none: a test checks; a refused one
/// would answer 404).
fn tree() -> (Tree, Vec<String>) {
    let mut by_path: Vec<(&'static str, Vec<&'static RouteSpec>)> = Vec::new();
    for spec in ROUTES {
        match by_path.iter_mut().find(|(path, _)| *path == spec.path) {
            Some((_, specs)) => specs.push(spec),
            None => by_path.push((spec.path, vec![spec])),
        }
    }
    let mut tree = Tree::new();
    let mut refused = Vec::new();
    for (path, specs) in by_path {
        if let Err(e) = tree.insert(path, specs) {
            refused.push(format!("{path}: {e}"));
        }
    }
    (tree, refused)
}

static TREE: LazyLock<Tree> = LazyLock::new(|| tree().0);

/// Finds the route for `method` and `path`: 404 when no pattern matches the path, 405 (listing
/// the allowed methods in the detail) when one matches with another method.
pub fn resolve(method: &Method, path: &str) -> Result<(&'static RouteSpec, Params), Error> {
    let Some(found) = lookup(path) else {
        return Err(Error::new(
            Code::RouteNotFound,
            format!("No route for {method} {}", printable(path)),
        ));
    };
    let specs: &'static [&'static RouteSpec] = found.value;
    match specs.iter().find(|spec| spec.method == *method) {
        Some(spec) => {
            let params = found
                .params
                .iter()
                .map(|(name, raw)| {
                    (
                        name,
                        percent_decode_str(raw).decode_utf8_lossy().into_owned(),
                    )
                })
                .collect();
            Ok((spec, Params(params)))
        }
        None => Err(Error::new(
            Code::MethodNotAllowed,
            format!(
                "Method {method} is not allowed on {}; allowed: {}",
                printable(path),
                specs
                    .iter()
                    .map(|s| s.method.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The methods served on `path`, for an `Allow` header.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    lookup(path).map_or_else(Vec::new, |found| {
        found.value.iter().map(|s| s.method.as_str()).collect()
    })
}

/// The routes whose pattern matches `path`; a `{param}` never matches an empty segment.
fn lookup(path: &str) -> Option<matchit::Match<'static, '_, &'static Vec<&'static RouteSpec>>> {
    TREE.at(path)
        .ok()
        .filter(|found| found.params.iter().all(|(_, value)| !value.is_empty()))
}

/// A path shortened and stripped of control characters, safe to echo in an error.
fn printable(path: &str) -> String {
    let mut out: String = path.chars().filter(|c| !c.is_control()).take(200).collect();
    if path.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_tree_takes_every_pattern() {
        assert_eq!(tree().1, Vec::<String>::new());
    }

    /// What routing means, spelled out: a pattern matches a path of as many segments, each
    /// `{param}` any non-empty segment and every other segment itself; the first match with the
    /// method wins, else the methods of the others that match.
    fn reference(
        method: &Method,
        path: &str,
    ) -> std::result::Result<(Route, Params), Vec<&'static str>> {
        let mut allowed = Vec::new();
        for spec in ROUTES {
            let pats: Vec<&'static str> = spec.path.split('/').collect();
            let segs: Vec<&str> = path.split('/').collect();
            let matches = pats.len() == segs.len()
                && pats.iter().zip(&segs).all(|(pat, seg)| {
                    if pat.starts_with('{') {
                        !seg.is_empty()
                    } else {
                        pat == seg
                    }
                });
            if !matches {
                continue;
            }
            if spec.method != *method {
                allowed.push(spec.method.as_str());
                continue;
            }
            let params = pats
                .iter()
                .zip(&segs)
                .filter_map(|(pat, seg)| {
                    let name = pat.strip_prefix('{')?.strip_suffix('}')?;
                    Some((
                        name,
                        percent_decode_str(seg).decode_utf8_lossy().into_owned(),
                    ))
                })
                .collect();
            return Ok((spec.route, Params(params)));
        }
        Err(allowed)
    }

    fn segment() -> impl Strategy<Value = String> {
        let mut words: Vec<String> = ROUTES
            .iter()
            .flat_map(|s| s.path.split('/'))
            .filter(|w| !w.starts_with('{'))
            .map(str::to_owned)
            .collect();
        words.extend(["cursor", "default", "%2e%2e", "a%2Fb", "x y"].map(str::to_owned));
        prop_oneof![
            3 => proptest::sample::select(words),
            1 => "[a-z%.-]{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn the_tree_routes_as_the_table_reads(
            method in proptest::sample::select(vec![Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH]),
            segments in proptest::collection::vec(segment(), 0..8),
        ) {
            let path = format!("/{}", segments.join("/"));
            let got = resolve(&method, &path);
            match reference(&method, &path) {
                Ok((route, params)) => {
                    let (spec, got_params) = got.unwrap();
                    prop_assert_eq!(spec.route, route, "{} {}", method, path);
                    prop_assert_eq!(got_params, params);
                }
                Err(allowed) if allowed.is_empty() => {
                    prop_assert_eq!(got.unwrap_err().code, Code::RouteNotFound, "{} {}", method, path);
                }
                Err(allowed) => {
                    let err = got.unwrap_err();
                    prop_assert_eq!(err.code, Code::MethodNotAllowed, "{} {}", method, path);
                    prop_assert_eq!(allowed_methods(&path).len(), allowed.len());
                    for m in allowed {
                        prop_assert!(err.detail.contains(m), "{}", err.detail);
                    }
                }
            }
        }
    }

    #[test]
    fn routes_with_parameters() {
        let (spec, params) = resolve(&Method::POST, "/v1/config/cursor/dev/draft/add").unwrap();
        assert_eq!(spec.route, Route::DraftAdd);
        assert_eq!(params.raw("client_id"), "cursor");
        assert_eq!(params.raw("profile_id"), "dev");
    }

    #[test]
    fn diff_is_not_taken_for_a_client_id() {
        assert_eq!(
            resolve(&Method::POST, "/v1/config/diff").unwrap().0.route,
            Route::Diff
        );
        assert_eq!(
            resolve(&Method::GET, "/v1/config/a/b").unwrap().0.route,
            Route::LatestConfig
        );
    }

    #[test]
    fn wrong_method_is_405_and_unknown_path_404() {
        let err = resolve(&Method::PUT, "/v1/tokens").unwrap_err();
        assert_eq!(err.status(), 405);
        assert!(err.detail.contains("GET") && err.detail.contains("POST"));
        assert_eq!(resolve(&Method::GET, "/v1/nope").unwrap_err().status(), 404);
        assert_eq!(
            resolve(&Method::GET, "/v1/clients/").unwrap_err().status(),
            404
        );
        assert_eq!(
            resolve(&Method::GET, "/v1/clients/x/profiles/extra")
                .unwrap_err()
                .status(),
            404
        );
    }

    #[test]
    fn parameters_are_percent_decoded_then_checked() {
        let (_, params) = resolve(&Method::GET, "/v1/servers/%2e%2e").unwrap();
        assert_eq!(params.raw("server_id"), "..");
        let err = crate::id::check("server_id", params.raw("server_id")).unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.detail.contains("server_id"));
        let (_, params) = resolve(&Method::GET, "/v1/servers/a%00b").unwrap();
        assert!(crate::id::check("server_id", params.raw("server_id")).is_err());
    }

    #[test]
    fn every_pattern_is_unique_per_method() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {}",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn scopes_follow_the_rule() {
        for spec in ROUTES {
            let expected = match (&spec.method, spec.route) {
                // MCP: any token may talk; each tool call needs its operation's scope.
                (_, Route::McpMessage | Route::McpEnd) => READ,
                _ if !spec.path.starts_with("/v1/") => PUBLIC,
                (_, Route::ListTokens | Route::CreateToken | Route::RevokeToken) => ADMIN,
                (_, Route::InitKeys) => ADMIN,
                (&Method::GET, _) | (_, Route::Diff) => READ,
                (_, Route::Publish | Route::Deploy) => PUBLISH,
                (_, Route::AddServer | Route::ReplaceServer | Route::DeleteServer) => PUBLISH,
                _ => EDIT,
            };
            assert_eq!(spec.access, expected, "{} {}", spec.method, spec.path);
        }
    }

    #[test]
    fn error_paths_are_printable() {
        let err = resolve(&Method::GET, &format!("/x\u{0}{}", "y".repeat(500))).unwrap_err();
        assert!(!err.detail.contains('\0'));
        assert!(err.detail.len() < 400);
    }
}
