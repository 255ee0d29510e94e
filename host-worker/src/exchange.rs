//! Converting between the Workers runtime's requests and responses and the core's `http` types.

use bytes::{Bytes, BytesMut};
use mcp_orchestration_core::api::{self, MAX_BODY_BYTES};
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Headers, Request, Response, Url, js_sys, web_sys};

/// Reads a runtime request into the core's form: method, path and query, headers, and the body.
///
/// At most one byte past [`MAX_BODY_BYTES`] of the body is kept, so an oversized body reaches the
/// core (which answers 413) without being buffered whole.
pub(crate) async fn read_request(req: Request) -> worker::Result<api::Request> {
    let url = req.url()?;
    // The raw method: `worker::Method` turns methods it does not know into GET.
    let method = req.inner().method();
    let body = read_capped(&req).await?;
    core_request(&method, &url, req.headers().entries(), body).map_err(|e| {
        worker::Error::RustError(format!(
            "The runtime passed a request the http crate refuses: {e}"
        ))
    })
}

/// The runtime request for `req` (read by [`read_request`]) at `url`, to send to the Durable
/// Object.
///
/// The body was read here, so it arrives whole (forwarding the client's stream would hand the
/// object a stream it stops reading at the limit, and workerd then drops the object's answer).
/// Length headers are left for the runtime to set for the new body. A `GET` or `HEAD` must come
/// without a body: the runtime refuses to build one that has one.
pub(crate) fn runtime_request(req: api::Request, url: &str) -> worker::Result<Request> {
    let (parts, body) = req.into_parts();
    let init = web_sys::RequestInit::new();
    init.set_method(parts.method.as_str());
    let headers = web_sys::Headers::new()?;
    for (name, value) in &parts.headers {
        if name != http::header::CONTENT_LENGTH && name != http::header::TRANSFER_ENCODING {
            // Every value came from the runtime as a string.
            if let Ok(value) = value.to_str() {
                headers.append(name.as_str(), value)?;
            }
        }
    }
    init.set_headers(&headers);
    if !body.is_empty() {
        init.set_body(&js_sys::Uint8Array::from(body.as_ref()));
    }
    Ok(web_sys::Request::new_with_str_and_init(url, &init)?.into())
}

/// `res` without the header `name`, its body passed on as a stream (a fetched answer's headers
/// cannot be changed in place).
pub(crate) fn without_header(res: Response, name: &str) -> worker::Result<Response> {
    let headers = web_sys::Headers::new()?;
    for (key, value) in res.headers().entries() {
        if !key.eq_ignore_ascii_case(name) {
            headers.append(&key, &value)?;
        }
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(res.status_code());
    init.set_headers(&headers);
    let raw: web_sys::Response = res.into();
    Ok(
        web_sys::Response::new_with_opt_readable_stream_and_init(raw.body().as_ref(), &init)?
            .into(),
    )
}

/// The body, up to one byte past [`MAX_BODY_BYTES`]. The rest is still read to its end, in JS and
/// without copying it into wasm memory: a server that answers before the client has finished
/// sending makes the connection close with unread input, which resets it, and the client can
/// lose the answer (seen under `wrangler dev` with a 5 MiB body).
async fn read_capped(req: &Request) -> worker::Result<Bytes> {
    let Some(stream) = req.inner().body() else {
        return Ok(Bytes::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = BytesMut::new();
    loop {
        let step = JsFuture::from(reader.read()).await?;
        if js_sys::Reflect::get(&step, &"done".into())?
            .as_bool()
            .unwrap_or(true)
        {
            break;
        }
        let chunk: js_sys::Uint8Array =
            js_sys::Reflect::get(&step, &"value".into())?.unchecked_into();
        let room = (MAX_BODY_BYTES + 1).saturating_sub(body.len());
        let take = room.min(chunk.length() as usize);
        if take > 0 {
            let start = body.len();
            body.resize(start + take, 0);
            chunk.subarray(0, take as u32).copy_to(&mut body[start..]);
        }
    }
    Ok(body.freeze())
}

/// Builds the core request from the parsed URL (its path and query; the runtime's URL parser has
/// already percent-encoded what a URI may not hold). A header the `http` crate refuses is left
/// out rather than failing the request; the runtime only passes headers valid for `fetch`.
fn core_request(
    method: &str,
    url: &Url,
    headers: impl Iterator<Item = (String, String)>,
    body: Bytes,
) -> Result<api::Request, http::Error> {
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let mut req = http::Request::builder()
        .method(method)
        .uri(target)
        .body(body)?;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            req.headers_mut().append(name, value);
        }
    }
    Ok(req)
}

/// Writes the core's response back as a runtime response.
pub(crate) fn write_response(response: api::Response) -> worker::Result<Response> {
    let (parts, body) = response.into_parts();
    let headers = Headers::new();
    for (name, value) in &parts.headers {
        // The core writes only ASCII header values.
        if let Ok(value) = value.to_str() {
            headers.append(name.as_str(), value)?;
        }
    }
    let builder = Response::builder()
        .with_status(parts.status.as_u16())
        .with_headers(headers);
    Ok(if body.is_empty() {
        builder.empty()
    } else {
        builder.fixed(body.to_vec())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn carries_method_target_headers_and_body() {
        let req = core_request(
            "POST",
            &url("https://edge.example/v1/config/claude-desktop/default/publish?dry=1"),
            headers(&[("x-api-key", "k"), ("accept", "a"), ("accept", "b")]),
            Bytes::from_static(b"{}"),
        )
        .unwrap();
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(
            req.uri().path(),
            "/v1/config/claude-desktop/default/publish"
        );
        assert_eq!(req.uri().query(), Some("dry=1"));
        assert_eq!(req.headers()["x-api-key"], "k");
        assert_eq!(
            req.headers().get_all("accept").iter().count(),
            2,
            "repeated headers are kept"
        );
        assert_eq!(req.body().as_ref(), b"{}");
    }

    #[test]
    fn methods_the_runtime_knows_no_name_for_reach_the_core_as_sent() {
        let req = core_request(
            "PROPFIND",
            &url("https://edge.example/v1/clients"),
            headers(&[]),
            Bytes::new(),
        )
        .unwrap();
        assert_eq!(req.method().as_str(), "PROPFIND");
    }

    #[test]
    fn any_url_the_runtime_parses_is_a_valid_core_target() {
        for raw in [
            "https://edge.example/v1/clients/a b/profiles",
            "https://edge.example/v1/clients/%ZZ/\\x?q={\"a\"}|^`<>&x=\u{e9}",
            "https://edge.example/v1/config/../../etc/passwd",
            "https://edge.example/?#frag",
            "https://edge.example/v1/\u{1F600}?\u{1F600}",
        ] {
            let parsed = url(raw);
            let req = core_request("GET", &parsed, headers(&[]), Bytes::new())
                .unwrap_or_else(|e| panic!("{raw} was refused: {e}"));
            assert_eq!(req.uri().path(), parsed.path(), "{raw}");
            assert_eq!(req.uri().query(), parsed.query(), "{raw}");
        }
    }

    #[test]
    fn a_header_http_refuses_is_dropped_not_fatal() {
        let req = core_request(
            "GET",
            &url("https://edge.example/health"),
            headers(&[("bad name", "v"), ("ok", "fine")]),
            Bytes::new(),
        )
        .unwrap();
        assert_eq!(req.headers().len(), 1);
        assert_eq!(req.headers()["ok"], "fine");
    }
}
