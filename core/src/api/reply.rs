//! Building responses: JSON bodies with the exact `application/json` content type, and the one
//! error body shape `{"detail", "error_type", "code"}`, whose code also rides in the response's
//! extensions ([`code`]).

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::Value;

use super::Response;
use crate::error::{Code, Error, ErrorKind};

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
        Err(e) => error(&Error::new(
            Code::EncodeFailed,
            format!("Could not encode the response: {e}"),
        )),
    }
}

/// The answer to a connection the host cannot serve now: 503 `SERVER_BUSY`, asking the client
/// to retry after `retry_after` seconds.
pub fn unavailable(retry_after: u64) -> Response {
    let mut res = error(&Error::new(
        Code::ServerBusy,
        format!(
            "The server is busy: every connection it allows is serving a request; retry in {retry_after} s"
        ),
    ));
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    res
}

/// The answer to a request the HTTP layer could not read, by the status that layer chose: 414
/// `URI_TOO_LONG`, 431 `HEADERS_TOO_LARGE`, anything else 400 `MALFORMED_REQUEST`.
pub fn unreadable(status: u16) -> Response {
    error(&match status {
        414 => Error::new(
            Code::UriTooLong,
            "The request target is too long: the server reads targets up to 64 KiB",
        ),
        431 => Error::new(
            Code::HeadersTooLarge,
            "The request head is too large: the server reads heads up to a few hundred kilobytes",
        ),
        _ => Error::new(
            Code::MalformedRequest,
            "The request is not valid HTTP/1.1: its method, target, a header or its version cannot be read",
        ),
    })
}

/// The JSON error body for `err`: `{"detail", "error_type", "code"}` and the error's own fields
/// (e.g. the validation `errors` of a refused publish).
pub fn error(err: &Error) -> Response {
    let mut body = err.fields.clone();
    body.insert("detail".into(), Value::String(err.detail.clone()));
    body.insert("error_type".into(), Value::String(err.kind().name().into()));
    body.insert("code".into(), Value::String(err.code.as_str().into()));
    let mut res = match serde_json::to_vec(&body) {
        Ok(body) => bytes(err.status(), JSON, Bytes::from(body)),
        Err(_) => bytes(500, JSON, Bytes::from_static(br#"{"detail":"Could not encode the error","error_type":"InternalError","code":"ENCODE_FAILED"}"#)),
    };
    if err.kind() == ErrorKind::Unauthorized {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    // The code travels with the answer, for a host that acts on it (see `super::lockout`).
    res.extensions_mut().insert(err.code);
    res
}

/// The error code of an answer built by [`error`], if it is one.
pub fn code(res: &Response) -> Option<Code> {
    res.extensions().get::<Code>().copied()
}
