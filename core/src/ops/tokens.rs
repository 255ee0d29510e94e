//! API tokens: create (shown once), list (never shown), revoke.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Nothing, Outcome};
use crate::error::Result;
use crate::ports::Ports;
use crate::scope::Scope;
use crate::store::Store;
use crate::timestamp::Timestamp;
use crate::token::{self, TokenRecord};
use crate::usage::Usage;

/// The input of [`create`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// A name to recognise the token by (at most 100 characters).
    #[serde(default)]
    #[schemars(length(max = 100), regex(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub name: Option<String>,
    /// Days until it expires (1 to 3650); absent: never.
    #[serde(default)]
    #[schemars(range(min = 1, max = 3650))]
    pub expires_in_days: Option<u32>,
    /// What the token may do: `read`, `edit`, `publish` or `admin`; absent: `admin`.
    #[serde(default)]
    pub scope: Option<Scope>,
}

/// The answer of [`create`]: the only time the token is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TokenCreated {
    /// The bearer token (43 characters); store it now.
    pub token: String,
    /// Its public id.
    #[schemars(with = "crate::id::IdSchema")]
    pub token_id: String,
    /// Its name.
    pub name: Option<String>,
    /// What it may do.
    pub scope: Scope,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When it expires, if ever.
    pub expires_at: Option<Timestamp>,
    /// A reminder that it is shown once.
    pub message: String,
}

/// Issues a token with the scope asked for (`admin` when none is).
pub fn create<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: CreateToken,
) -> Result<TokenCreated> {
    let issued = token::issue(
        store,
        ports.clock,
        ports.entropy,
        input.scope.unwrap_or(Scope::Admin),
        input.name.as_deref(),
        input.expires_in_days,
    )?;
    let r = issued.record;
    Ok(TokenCreated {
        token: issued.token,
        token_id: r.token_id,
        name: r.name,
        scope: r.scope,
        created_at: r.created_at,
        expires_at: r.expires_at,
        message: "Store this token now: it is shown only once".to_owned(),
    })
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TokenInfo {
    /// Its public id.
    #[schemars(with = "crate::id::IdSchema")]
    pub token_id: String,
    /// Its name.
    pub name: Option<String>,
    /// What it may do.
    pub scope: Scope,
    /// When it was issued.
    pub created_at: Timestamp,
    /// Its latest use.
    pub last_used: Option<Timestamp>,
    /// Uses so far.
    pub usage_count: u64,
    /// When it expires, if ever.
    pub expires_at: Option<Timestamp>,
}

impl From<TokenRecord> for TokenInfo {
    fn from(r: TokenRecord) -> Self {
        Self {
            token_id: r.token_id,
            name: r.name,
            scope: r.scope,
            created_at: r.created_at,
            last_used: r.last_used,
            usage_count: r.usage_count,
            expires_at: r.expires_at,
        }
    }
}

/// The answer of [`list`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TokenList {
    /// Every token not revoked, oldest first.
    pub tokens: Vec<TokenInfo>,
}

/// Every live token, with uses not yet saved counted in.
pub fn list<S: Store + ?Sized>(store: &mut S, ports: &Ports<'_>, _: Nothing) -> Result<TokenList> {
    let none = Usage::new();
    let tokens = token::list(store, ports.usage.unwrap_or(&none))?;
    Ok(TokenList {
        tokens: tokens.into_iter().map(TokenInfo::from).collect(),
    })
}

/// A token, by id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRef {
    /// The token's public id.
    #[schemars(with = "crate::id::IdSchema")]
    pub token_id: String,
}

/// The answer of [`revoke`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TokenRevoked {
    /// Always true.
    pub success: bool,
    /// `revoked`.
    pub status: Outcome,
    /// The token revoked.
    #[schemars(with = "crate::id::IdSchema")]
    pub token_id: String,
    /// What happened, in a sentence.
    pub message: String,
}

/// Revokes a token at once; 404 `TOKEN_NOT_FOUND`.
pub fn revoke<S: Store + ?Sized>(
    store: &mut S,
    _: &Ports<'_>,
    input: TokenRef,
) -> Result<TokenRevoked> {
    let id = crate::id::check("token_id", &input.token_id)?;
    let record = token::revoke(store, id)?;
    Ok(TokenRevoked {
        success: true,
        status: Outcome::Revoked,
        message: format!(
            "Token '{}' revoked; it no longer authenticates",
            record.token_id
        ),
        token_id: record.token_id,
    })
}
