//! Token scopes: what a credential may do, from `read` up to `admin`.
//!
//! Scopes are ordered; each allows everything the ones below it allow. Every `/v1` route names
//! the scope it needs in the route table ([`crate::api::route::ROUTES`]); an operation that
//! needs more for some inputs (setting or clearing a profile's path override) checks
//! [`Ports::scope`] with the same [`require`], so every refusal reads alike.
//!
//! [`Ports::scope`]: crate::ports::Ports::scope

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Code, Error, Result};

/// What a credential may do. Each scope includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every `GET` but the token listing, and comparing configs (`POST /v1/config/diff`);
    /// nothing that changes anything.
    Read,
    /// Read, plus editing drafts, validating and creating profiles.
    Edit,
    /// Edit, plus publishing and deploying.
    Publish,
    /// Everything: tokens, signing keys and profile path overrides too.
    Admin,
}

impl Scope {
    /// Every scope, from the least to the most powerful.
    pub const ALL: [Self; 4] = [Self::Read, Self::Edit, Self::Publish, Self::Admin];

    /// The scope as it appears in JSON and on the command line, e.g. `edit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Edit => "edit",
            Self::Publish => "publish",
            Self::Admin => "admin",
        }
    }

    /// The scope named `s`, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == s)
    }

    /// Whether a credential with this scope may do what `needed` allows.
    pub fn allows(self, needed: Self) -> bool {
        self >= needed
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refuses a caller whose scope `has` does not allow `needed`: 403 `INSUFFICIENT_SCOPE`, naming
/// both scopes, with `required_scope` in the body.
pub fn require(has: Scope, needed: Scope) -> Result<()> {
    if has.allows(needed) {
        return Ok(());
    }
    Err(Error::new(
        Code::InsufficientScope,
        format!(
            "Insufficient scope: this request needs the '{needed}' scope; the token has '{has}'"
        ),
    )
    .with_field("required_scope", Value::from(needed.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_allows_itself_and_those_below() {
        for (i, has) in Scope::ALL.into_iter().enumerate() {
            for (j, needed) in Scope::ALL.into_iter().enumerate() {
                assert_eq!(has.allows(needed), i >= j, "{has} for {needed}");
                assert_eq!(require(has, needed).is_ok(), i >= j);
            }
        }
    }

    #[test]
    fn names_round_trip_in_json_and_text() {
        for scope in Scope::ALL {
            assert_eq!(serde_json::to_value(scope).unwrap(), scope.as_str());
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
            assert_eq!(
                serde_json::from_value::<Scope>(Value::from(scope.as_str())).unwrap(),
                scope
            );
        }
        assert_eq!(Scope::parse("Admin"), None);
        assert!(serde_json::from_value::<Scope>(Value::from("root")).is_err());
    }

    #[test]
    fn a_refusal_is_a_403_naming_both_scopes() {
        let err = require(Scope::Edit, Scope::Admin).unwrap_err();
        assert_eq!(
            (err.status(), err.kind().name(), err.code.as_str()),
            (403, "Forbidden", "INSUFFICIENT_SCOPE")
        );
        assert_eq!(
            err.detail,
            "Insufficient scope: this request needs the 'admin' scope; the token has 'edit'"
        );
        assert_eq!(err.fields["required_scope"], "admin");
    }
}
