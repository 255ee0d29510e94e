//! Reading JSON request bodies, with errors that say what is wrong.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// Parses a body that must be present.
pub(super) fn required<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_request(
            "MISSING_BODY",
            "Request body is required: send a JSON object",
        ));
    }
    parse(body)
}

/// Parses a body that may be empty (read as `{}`).
pub(super) fn optional<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return parse(b"{}");
    }
    parse(body)
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Error::bad_request("INVALID_JSON", format!("Invalid JSON in request body: {e}"))
    })?;
    if !value.is_object() {
        return Err(Error::bad_request(
            "INVALID_BODY",
            "Request body must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let msg = e.into_inner().to_string();
        match msg
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            Some(missing) => {
                let name = if field == "." {
                    missing.to_owned()
                } else {
                    format!("{field}.{missing}")
                };
                Error::bad_request("MISSING_FIELD", format!("Missing required field '{name}'"))
            }
            None => Error::bad_request("INVALID_FIELD", format!("Invalid field '{field}': {msg}")),
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct B {
        #[allow(dead_code)]
        server_id: String,
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(
            required::<B>(b"{oops")
                .unwrap_err()
                .detail
                .starts_with("Invalid JSON")
        );
        assert_eq!(
            required::<B>(b"{}").unwrap_err().detail,
            "Missing required field 'server_id'"
        );
        assert_eq!(required::<B>(b"").unwrap_err().code, "MISSING_BODY");
        assert_eq!(required::<B>(b"[1]").unwrap_err().code, "INVALID_BODY");
        assert_eq!(
            required::<B>(br#"{"server_id": 3}"#).unwrap_err().detail,
            "Invalid field 'server_id': invalid type: integer `3`, expected a string"
        );
        assert!(optional::<B>(b"  ").is_err());
    }
}
