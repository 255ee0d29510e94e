//! Building responses: JSON bodies with the exact `application/json` content type, and the one
//! error body shape `{"detail", "error_type", "code"}`.

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Response;
use crate::error::{Error, ErrorKind};

/// The content type of every JSON answer, exactly (no charset parameter).
pub const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A response with `status` and a body already serialized as JSON.
pub fn bytes(status: u16, content_type: HeaderValue, body: Bytes) -> Response {
    let mut res = Response::new(body);
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.headers_mut().insert(header::CONTENT_TYPE, content_type);
    res
}

/// `value` as a JSON response with `status`.
pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => bytes(status, JSON, Bytes::from(body)),
        Err(e) => error(&Error::internal(
            "ENCODE_FAILED",
            format!("Could not encode the response: {e}"),
        )),
    }
}

/// The JSON error body for `err`.
pub fn error(err: &Error) -> Response {
    error_with(err, Map::new())
}

/// The JSON error body for `err`, with `extra` fields beside `detail`, `error_type` and `code`
/// (e.g. the validation errors of a refused publish).
pub fn error_with(err: &Error, mut extra: Map<String, Value>) -> Response {
    extra.insert("detail".into(), Value::String(err.detail.clone()));
    extra.insert("error_type".into(), Value::String(err.kind.name().into()));
    extra.insert("code".into(), Value::String(err.code.into()));
    let mut res = match serde_json::to_vec(&extra) {
        Ok(body) => bytes(err.status(), JSON, Bytes::from(body)),
        Err(_) => bytes(500, JSON, Bytes::from_static(br#"{"detail":"Could not encode the error","error_type":"InternalError","code":"ENCODE_FAILED"}"#)),
    };
    if err.kind == ErrorKind::Unauthorized {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}
