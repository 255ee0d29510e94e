//! Who is calling, and with what scope: a bearer token (its own scope) or the API key (`admin`),
//! checked in constant time.

use http::{HeaderMap, header};

use super::Host;
use crate::error::{Code, Error, Result};
use crate::scope::Scope;
use crate::store::Store;
use crate::token;

/// The caller of an authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The holder of the `X-API-Key`: `admin`.
    ApiKey,
    /// The holder of the token with this id and scope.
    Token {
        /// The token's id.
        id: String,
        /// What the token may do.
        scope: Scope,
    },
}

impl Caller {
    /// What the caller may do.
    pub fn scope(&self) -> Scope {
        match self {
            Self::ApiKey => Scope::Admin,
            Self::Token { scope, .. } => *scope,
        }
    }

    /// A short label for records (`api-key` or `token:<id>`).
    pub fn label(&self) -> String {
        match self {
            Self::ApiKey => "api-key".to_owned(),
            Self::Token { id, .. } => format!("token:{id}"),
        }
    }
}

fn invalid() -> Error {
    token::invalid_credentials()
}

/// The credentials a request presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Presented<'h> {
    /// `Authorization: Bearer <token>`.
    Bearer(&'h str),
    /// `X-API-Key: <key>` (and no `Authorization`).
    ApiKey(&'h str),
    /// An `Authorization` or `X-API-Key` header that is not a well-formed credential.
    Malformed,
    /// No credentials at all.
    Missing,
}

/// What `headers` present. A bearer token is looked for first, then the API key.
pub(super) fn presented(headers: &HeaderMap) -> Presented<'_> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        return match value.to_str().ok().and_then(|v| v.split_once(' ')) {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                Presented::Bearer(token.trim())
            }
            _ => Presented::Malformed,
        };
    }
    match headers.get("x-api-key").map(|v| v.to_str()) {
        Some(Ok(key)) => Presented::ApiKey(key),
        Some(Err(_)) => Presented::Malformed,
        None => Presented::Missing,
    }
}

/// Authenticates a request from its headers; `bearer` checks a bearer token (in the store, or in
/// the grants the edge holds).
pub(super) fn authenticate(
    headers: &HeaderMap,
    host: &Host<'_>,
    bearer: impl FnOnce(&str) -> Result<Caller>,
) -> Result<Caller> {
    match presented(headers) {
        Presented::Bearer(token) => bearer(token),
        Presented::ApiKey(presented) => match host.settings.api_key.as_deref() {
            Some(expected) if token::api_key_matches(expected, presented) => Ok(Caller::ApiKey),
            _ => Err(invalid()),
        },
        Presented::Malformed => Err(invalid()),
        Presented::Missing => Err(Error::new(
            Code::AuthenticationRequired,
            "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'",
        )),
    }
}

/// The caller holding bearer `token`, checked against the store (its use counted in the host's
/// usage).
pub(super) fn stored_token<S: Store + ?Sized>(
    store: &S,
    host: &Host<'_>,
    token: &str,
) -> Result<Caller> {
    let record = token::authenticate(store, host.usage, host.clock.now(), token)?;
    Ok(Caller::Token {
        id: record.token_id,
        scope: record.scope,
    })
}
