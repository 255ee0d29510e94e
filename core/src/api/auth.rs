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

/// Authenticates a request from its headers. A bearer token is tried first, then the API key.
pub(super) fn authenticate<S: Store + ?Sized>(
    headers: &HeaderMap,
    store: &S,
    host: &Host<'_>,
) -> Result<Caller> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| invalid())?;
        let (scheme, token) = value.split_once(' ').ok_or_else(invalid)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(invalid());
        }
        let record = token::authenticate(store, host.usage, host.clock.now(), token.trim())?;
        return Ok(Caller::Token {
            id: record.token_id,
            scope: record.scope,
        });
    }
    if let Some(value) = headers.get("x-api-key") {
        let presented = value.to_str().map_err(|_| invalid())?;
        return match host.settings.api_key.as_deref() {
            Some(expected) if token::api_key_matches(expected, presented) => Ok(Caller::ApiKey),
            _ => Err(invalid()),
        };
    }
    Err(Error::new(
        Code::AuthenticationRequired,
        "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'",
    ))
}
