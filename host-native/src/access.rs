//! What every answer carries and leaves behind: a request id (`X-Request-ID` echoed when the
//! request has one, else a new UUID) and, at log level `info`, one log line naming the method,
//! path, peer, status, latency and id. Done in the one handler rather than by tower layers: with
//! `info` off, a request costs one UUID and two header inserts here, nothing else.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use http::{HeaderName, HeaderValue, Method, Request, Response};
use tracing::{Level, info};
use uuid::Uuid;

/// The header that carries the request id both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request as it arrived: its id, and what the log line needs when logging is on.
#[derive(Debug)]
pub struct Arrival {
    id: HeaderValue,
    logged: Option<Logged>,
}

#[derive(Debug)]
struct Logged {
    method: Method,
    path: String,
    peer: Option<IpAddr>,
    started: Instant,
}

impl Arrival {
    /// Notes `req`, from `peer`, as it arrives.
    pub fn of(req: &Request<Body>, peer: Option<IpAddr>) -> Self {
        let id = req.headers().get(&REQUEST_ID).cloned().unwrap_or_else(|| {
            let mut text = Uuid::encode_buffer();
            HeaderValue::from_str(Uuid::new_v4().hyphenated().encode_lower(&mut text))
                .unwrap_or_else(|_| HeaderValue::from_static("-"))
        });
        let logged = tracing::enabled!(Level::INFO).then(|| Logged {
            method: req.method().clone(),
            path: req.uri().path().to_owned(),
            peer,
            started: Instant::now(),
        });
        Self { id, logged }
    }

    /// Gives `res` the request id and writes the log line.
    pub fn answered(self, mut res: Response<Body>) -> Response<Body> {
        if let Some(Logged {
            method,
            path,
            peer,
            started,
        }) = self.logged
        {
            let latency: Duration = started.elapsed();
            let peer = peer.map(tracing::field::display);
            let id = self.id.to_str().unwrap_or("-");
            info!(%method, path, peer, status = res.status().as_u16(), ?latency, id, "answered");
        }
        res.headers_mut().insert(REQUEST_ID, self.id);
        res
    }
}
