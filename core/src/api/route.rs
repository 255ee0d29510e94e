//! The route table: every path and method the API serves, in one list that both the router and
//! the OpenAPI test read.

use http::Method;
use percent_encoding::percent_decode_str;

use crate::error::{Error, ErrorKind, Result};

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
    /// `GET /v1/config/{client_id}/{profile}`
    LatestConfig,
    /// `POST /v1/config/diff`
    Diff,
    /// `POST /v1/config/{client_id}/{profile}/draft/add`
    DraftAdd,
    /// `POST /v1/config/{client_id}/{profile}/draft/remove`
    DraftRemove,
    /// `GET /v1/config/{client_id}/{profile}/draft`
    DraftGet,
    /// `DELETE /v1/config/{client_id}/{profile}/draft`
    DraftClear,
    /// `POST /v1/config/{client_id}/{profile}/validate`
    Validate,
    /// `POST /v1/config/{client_id}/{profile}/publish`
    Publish,
    /// `POST /v1/config/{client_id}/{profile}/deploy`
    Deploy,
    /// `GET /v1/config/{client_id}/{profile}/history`
    History,
    /// `GET /v1/config/{client_id}/{profile}/deployed`
    Deployed,
    /// `GET /v1/servers`
    ListServers,
    /// `GET /v1/servers/{server_id}`
    GetServer,
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
}

/// One row of the route table.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, `{name}` for a parameter, as in OpenAPI.
    pub path: &'static str,
    /// What it routes to.
    pub route: Route,
}

const fn spec(method: Method, path: &'static str, route: Route) -> RouteSpec {
    RouteSpec {
        method,
        path,
        route,
    }
}

/// Every route served. Paths outside `/v1/` need no credentials.
pub static ROUTES: &[RouteSpec] = &[
    spec(Method::GET, "/health", Route::Health),
    spec(Method::GET, "/openapi.json", Route::OpenApi),
    spec(Method::GET, "/docs", Route::Docs),
    spec(Method::GET, "/v1/clients", Route::ListClients),
    spec(
        Method::GET,
        "/v1/clients/{client_id}/profiles",
        Route::ListProfiles,
    ),
    spec(
        Method::POST,
        "/v1/clients/{client_id}/profiles",
        Route::PutProfile,
    ),
    spec(Method::POST, "/v1/config/diff", Route::Diff),
    spec(
        Method::GET,
        "/v1/config/{client_id}/{profile}",
        Route::LatestConfig,
    ),
    spec(
        Method::POST,
        "/v1/config/{client_id}/{profile}/draft/add",
        Route::DraftAdd,
    ),
    spec(
        Method::POST,
        "/v1/config/{client_id}/{profile}/draft/remove",
        Route::DraftRemove,
    ),
    spec(
        Method::GET,
        "/v1/config/{client_id}/{profile}/draft",
        Route::DraftGet,
    ),
    spec(
        Method::DELETE,
        "/v1/config/{client_id}/{profile}/draft",
        Route::DraftClear,
    ),
    spec(
        Method::POST,
        "/v1/config/{client_id}/{profile}/validate",
        Route::Validate,
    ),
    spec(
        Method::POST,
        "/v1/config/{client_id}/{profile}/publish",
        Route::Publish,
    ),
    spec(
        Method::POST,
        "/v1/config/{client_id}/{profile}/deploy",
        Route::Deploy,
    ),
    spec(
        Method::GET,
        "/v1/config/{client_id}/{profile}/history",
        Route::History,
    ),
    spec(
        Method::GET,
        "/v1/config/{client_id}/{profile}/deployed",
        Route::Deployed,
    ),
    spec(Method::GET, "/v1/servers", Route::ListServers),
    spec(Method::GET, "/v1/servers/{server_id}", Route::GetServer),
    spec(Method::POST, "/v1/keys/initialize", Route::InitKeys),
    spec(Method::GET, "/v1/keys/public", Route::PublicKey),
    spec(Method::POST, "/v1/tokens", Route::CreateToken),
    spec(Method::GET, "/v1/tokens", Route::ListTokens),
    spec(Method::DELETE, "/v1/tokens/{token_id}", Route::RevokeToken),
    spec(
        Method::GET,
        "/v1/artifacts/{artifact_id}",
        Route::GetArtifact,
    ),
];

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

    /// Parameter `name` checked as an id; a malformed one is a 400 naming it.
    pub fn id(&self, name: &str) -> Result<&str> {
        crate::id::check(name, self.raw(name))
    }
}

/// Finds the route for `method` and `path`: 404 when no pattern matches the path, 405 (listing
/// the allowed methods in the detail) when one matches with another method.
pub fn resolve(method: &Method, path: &str) -> Result<(&'static RouteSpec, Params), Error> {
    let mut allowed: Vec<&str> = Vec::new();
    for spec in ROUTES {
        if let Some(params) = match_path(spec.path, path) {
            if spec.method == *method {
                return Ok((spec, params));
            }
            allowed.push(spec.method.as_str());
        }
    }
    if allowed.is_empty() {
        Err(Error::not_found(
            "ROUTE_NOT_FOUND",
            format!("No route for {method} {}", printable(path)),
        ))
    } else {
        Err(Error::new(
            ErrorKind::MethodNotAllowed,
            "METHOD_NOT_ALLOWED",
            format!(
                "Method {method} is not allowed on {}; allowed: {}",
                printable(path),
                allowed.join(", ")
            ),
        ))
    }
}

/// The methods served on `path`, for an `Allow` header.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|s| match_path(s.path, path).is_some())
        .map(|s| s.method.as_str())
        .collect()
}

fn match_path(pattern: &'static str, path: &str) -> Option<Params> {
    let mut params = Vec::new();
    let mut segs = path.split('/');
    for pat in pattern.split('/') {
        let seg = segs.next()?;
        match pat.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                if seg.is_empty() {
                    return None;
                }
                params.push((
                    name,
                    percent_decode_str(seg).decode_utf8_lossy().into_owned(),
                ));
            }
            None if pat == seg => {}
            None => return None,
        }
    }
    segs.next().is_none().then_some(Params(params))
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
    use super::*;

    #[test]
    fn routes_with_parameters() {
        let (spec, params) = resolve(&Method::POST, "/v1/config/cursor/dev/draft/add").unwrap();
        assert_eq!(spec.route, Route::DraftAdd);
        assert_eq!(params.raw("client_id"), "cursor");
        assert_eq!(params.raw("profile"), "dev");
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
        let err = params.id("server_id").unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.detail.contains("server_id"));
        let (_, params) = resolve(&Method::GET, "/v1/servers/a%00b").unwrap();
        assert!(params.id("server_id").is_err());
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
    fn error_paths_are_printable() {
        let err = resolve(&Method::GET, &format!("/x\u{0}{}", "y".repeat(500))).unwrap_err();
        assert!(!err.detail.contains('\0'));
        assert!(err.detail.len() < 400);
    }
}
