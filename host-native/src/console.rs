//! The web console (`web/`), built into `web/dist` by `npm run build:web` and embedded in the
//! binary: `index.html` at `/` and the hashed files under `/assets/`. Everything else goes to the
//! core. A binary built before the console was built answers `/` with a page saying so.

use axum::body::Body;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use rust_embed::RustEmbed;

/// The files of `web/dist`, embedded at compile time in release builds (read from the folder in
/// debug builds). Missing when the console was not built: then [`index`] answers [`NOT_BUILT`].
#[derive(RustEmbed)]
#[folder = "../web/dist/"]
#[allow_missing = true]
struct Dist;

/// The page `/` answers when the binary holds no console.
pub const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>mcp-orchestration — console not built</title>\
<body style=\"font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem\">\
<h1>The web console was not built into this binary</h1>\
<p>The API works: <a href=\"/docs\">/docs</a> documents it. To get the console, build it and then \
the binary, from the repository:</p>\
<pre>npm ci &amp;&amp; npm run build:web\ncargo build --release -p mcp-orchestration</pre>\
<p>or run <code>scripts/serve.sh</code>, which does both and starts the server.</p>\
</body></html>\n";

/// `GET /`: the console's `index.html` (its Content-Security-Policy is a `<meta>` of the page, so
/// both hosts serve the same), revalidated on every load (`no-cache`), or [`NOT_BUILT`].
pub fn index(headers: &HeaderMap) -> http::Response<Body> {
    let Some(file) = Dist::get("index.html") else {
        let mut res = http::Response::new(Body::from(NOT_BUILT));
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return res;
    };
    reply(headers, file, "no-cache")
}

/// `GET /assets/{file}`: a file of the console, whose name carries its content hash and so is
/// cached for a year; `None` for a name the console does not have.
pub fn asset(headers: &HeaderMap, path: &str) -> Option<http::Response<Body>> {
    let file = Dist::get(path.strip_prefix('/')?)?;
    Some(reply(headers, file, "public, max-age=31536000, immutable"))
}

/// The file with its content type, caching rule and an `ETag` of its SHA-256; a 304 when the
/// request's `If-None-Match` names it. (axum drops the body of an answer to `HEAD`.)
fn reply(
    headers: &HeaderMap,
    file: rust_embed::EmbeddedFile,
    cache: &'static str,
) -> http::Response<Body> {
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut res = if fresh {
        let mut res = http::Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        http::Response::new(Body::from(file.data))
    };
    let headers = res.headers_mut();
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") {
        HeaderValue::from_str(&format!("{mime}; charset=utf-8"))
    } else {
        HeaderValue::from_str(mime)
    };
    if let Ok(value) = content_type {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
