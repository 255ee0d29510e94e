//! Cross-origin rules: which origins may read answers, and the preflight reply.

use http::{HeaderMap, HeaderValue, header};

use super::{CorsOrigins, Response};

const ALLOW_METHODS: HeaderValue = HeaderValue::from_static("GET, POST, DELETE, OPTIONS");
const ALLOW_HEADERS: HeaderValue =
    HeaderValue::from_static("Authorization, Content-Type, X-API-Key, X-Request-ID");
const MAX_AGE: HeaderValue = HeaderValue::from_static("600");

impl CorsOrigins {
    /// Parses `MCP_ORCHESTRATION_CORS_ORIGINS`: a comma list, `*` (or unset, or empty) for any.
    pub fn parse(value: Option<&str>) -> Self {
        let list: Vec<String> = value
            .unwrap_or("*")
            .split(',')
            .map(|s| s.trim().trim_end_matches('/'))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if list.is_empty() || list.iter().any(|o| o == "*") {
            Self::Any
        } else {
            Self::List(list)
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, with whether
    /// credentials are allowed; `None` when that origin gets no CORS headers.
    fn allow(&self, origin: Option<&HeaderValue>) -> Option<(HeaderValue, bool)> {
        match self {
            Self::Any => Some((HeaderValue::from_static("*"), false)),
            Self::List(list) => {
                let origin = origin?;
                let o = origin.to_str().ok()?;
                list.iter().any(|l| l == o).then(|| (origin.clone(), true))
            }
        }
    }

    /// Adds the CORS headers an answer to a request with `request_headers` carries;
    /// `preflight` adds the allowed methods, headers and max age.
    pub(crate) fn apply(&self, request_headers: &HeaderMap, res: &mut Response, preflight: bool) {
        let h = res.headers_mut();
        if let Self::List(_) = self {
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        let Some((origin, credentials)) = self.allow(request_headers.get(header::ORIGIN)) else {
            return;
        };
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if credentials {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if preflight {
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
            h.insert(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        } else {
            h.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("X-Request-ID, WWW-Authenticate"),
            );
        }
    }
}
