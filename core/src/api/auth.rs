//! Who is calling: a bearer token or the API key, checked in constant time.

use http::{HeaderMap, header};

use super::Host;
use crate::error::{Code, Error, Result};
use crate::store::Store;
use crate::token;

/// The caller of an authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The holder of the `X-API-Key`.
    ApiKey,
    /// The holder of the token with this id.
    Token(String),
}

impl Caller {
    /// A short label for records (`api-key` or `token:<id>`).
    pub fn label(&self) -> String {
        match self {
            Self::ApiKey => "api-key".to_owned(),
            Self::Token(id) => format!("token:{id}"),
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
        return Ok(Caller::Token(record.token_id));
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
