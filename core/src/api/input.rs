//! Reading an operation's input from a request: path parameters, then the query string or the
//! JSON body, as one object checked against the input type, with errors that say what is wrong.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::route::{Input, Params};
use crate::error::{Code, Error, Result};
use crate::id;

/// The input of a route taking its values from `source`, beside the path `params`.
///
/// Body fields that the input type does not know, and body fields named like a path parameter,
/// are 400 `UNKNOWN_FIELD` naming the field.
pub fn read<T: DeserializeOwned>(
    source: Input,
    params: &Params,
    query: Option<&str>,
    body: &[u8],
) -> Result<T> {
    let mut fields = match source {
        Input::Path => Map::new(),
        Input::Query => query_fields(query),
        Input::OptionalBody if is_blank(body) => Map::new(),
        Input::OptionalBody | Input::Body => body_fields(body)?,
    };
    // What is wrong with the URL is said first, whatever the body holds.
    for (name, value) in params.iter() {
        match name {
            "artifact_id" => id::check_artifact(value)?,
            _ => id::check(name, value)?,
        };
    }
    for (name, value) in params.iter() {
        if fields.contains_key(name) {
            return Err(unknown_field(name));
        }
        fields.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    from_fields(fields)
}

/// Deserializes `fields` as `T`, naming the field of the first problem.
pub fn from_fields<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T> {
    serde_path_to_error::deserialize(Value::Object(fields)).map_err(|e| {
        let field = e.path().to_string();
        let msg = e.into_inner().to_string();
        let within = |name: &str| {
            if field == "." {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            }
        };
        if let Some(missing) = quoted(&msg, "missing field `") {
            Error::new(
                Code::MissingField,
                format!("Missing required field '{}'", within(missing)),
            )
        } else if let Some(unknown) = quoted(&msg, "unknown field `") {
            // The path of an unknown field already ends with its name.
            unknown_field(if field == "." { unknown } else { &field })
        } else {
            Error::new(
                Code::InvalidField,
                format!("Invalid field '{field}': {msg}"),
            )
        }
    })
}

fn unknown_field(name: &str) -> Error {
    Error::new(
        Code::UnknownField,
        format!("Unknown field '{name}': this request does not take it"),
    )
}

/// The name serde quotes after `prefix` in `msg`, e.g. `param` in "unknown field `param`, …".
fn quoted<'m>(msg: &'m str, prefix: &str) -> Option<&'m str> {
    msg.strip_prefix(prefix)?.split('`').next()
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

fn body_fields(body: &[u8]) -> Result<Map<String, Value>> {
    if is_blank(body) {
        return Err(Error::new(
            Code::MissingBody,
            "Request body is required: send a JSON object",
        ));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(Error::new(
            Code::InvalidBody,
            "Request body must be a JSON object",
        )),
        Err(e) => Err(Error::new(
            Code::InvalidJson,
            format!("Invalid JSON in request body: {e}"),
        )),
    }
}

/// The query string as string fields; a repeated name keeps its last value.
fn query_fields(query: Option<&str>) -> Map<String, Value> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct B {
        #[allow(dead_code)]
        server_id: String,
        #[serde(default)]
        #[allow(dead_code)]
        params: Map<String, Value>,
    }

    fn body(b: &[u8]) -> Result<B> {
        read(Input::Body, &Params::default(), None, b)
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(
            body(b"{oops")
                .unwrap_err()
                .detail
                .starts_with("Invalid JSON")
        );
        assert_eq!(
            body(b"{}").unwrap_err().detail,
            "Missing required field 'server_id'"
        );
        assert_eq!(body(b"").unwrap_err().code, Code::MissingBody);
        assert_eq!(body(b"[1]").unwrap_err().code, Code::InvalidBody);
        assert_eq!(
            body(br#"{"server_id": 3}"#).unwrap_err().detail,
            "Invalid field 'server_id': invalid type: integer `3`, expected a string"
        );
        assert!(read::<B>(Input::OptionalBody, &Params::default(), None, b"  ").is_err());
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let err = body(br#"{"server_id": "x", "param": {}}"#).unwrap_err();
        assert_eq!((err.code, err.status()), (Code::UnknownField, 400));
        assert!(err.detail.contains("'param'"), "{}", err.detail);
    }
}
