//! Identifiers: client ids, profiles, server ids and draft entry names share one shape,
//! `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.

use crate::error::{Code, Error, Result};

/// Longest id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Whether `s` is a well-formed id.
pub fn is_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    match bytes.split_first() {
        Some((first, rest)) => {
            bytes.len() <= MAX_ID_LEN
                && first.is_ascii_alphanumeric()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }
        None => false,
    }
}

/// The JSON Schema of an id, for fields holding one: `#[schemars(with = "id::IdSchema")]`.
pub struct IdSchema;

impl schemars::JsonSchema for IdSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            "description": "An id: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        })
    }
}

/// The JSON Schema of an artifact id: `#[schemars(with = "id::ArtifactIdSchema")]`.
pub struct ArtifactIdSchema;

impl schemars::JsonSchema for ArtifactIdSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ArtifactId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "An artifact id: the hex SHA-256 of the payload's canonical JSON.",
        })
    }
}

/// Checks `value` as the id named `field`; the error names the field (400 `INVALID_ID`).
pub fn check<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if is_valid(value) {
        Ok(value)
    } else {
        Err(Error::new(
            Code::InvalidId,
            format!(
                "Invalid {field}: must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"
            ),
        ))
    }
}

/// Checks `value` as an artifact id (64 lowercase hex characters); 400 `INVALID_ID` naming
/// `artifact_id`.
pub fn check_artifact(value: &str) -> Result<&str> {
    if crate::artifact::is_artifact_id(value) {
        Ok(value)
    } else {
        Err(Error::new(
            Code::InvalidId,
            "Invalid artifact_id: must be 64 lowercase hex characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids() {
        for ok in [
            "claude-desktop",
            "default",
            "a",
            "v1.2_beta-3",
            &"x".repeat(64),
        ] {
            assert!(is_valid(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_hostile_ids() {
        for bad in [
            "",
            "..",
            "../etc",
            "-x",
            ".hidden",
            "a/b",
            "a\0b",
            "a b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn error_names_the_field() {
        let err = check("client_id", "../x").unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.detail.contains("client_id"));
    }
}
