//! What the Worker and its Durable Object tell each other beside the request: headers only they
//! set, removed from every client request on the way in and from every answer on the way out.
//!
//! - [`USAGE`] (Worker → object): token uses the Worker counted while answering at the edge, as
//!   JSON `[{token_id, count, last_used}]`; the object adds them to its own usage ledger.
//! - [`WANT_GRANT`] (Worker → object): the Worker holds no fresh grant for the request's bearer
//!   token and asks for one.
//! - [`GRANT`] (object → Worker): the token's [`Grant`] as JSON, when asked for and valid.
//! - [`WANT_CATALOG`] (Worker → object): the Worker asks for the store's team catalog entries;
//!   the object answers them as a [`TeamCatalog`](mcp_orchestration_core::api::edge::TeamCatalog)
//!   JSON body instead of serving the request.

use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_orchestration_core::api::edge::Grant;
use mcp_orchestration_core::usage::{Pending, Usage};

/// Token uses counted at the edge.
pub(crate) const USAGE: HeaderName = HeaderName::from_static("x-mcp-orchestration-edge-usage");
/// The Worker asks for the bearer token's grant.
pub(crate) const WANT_GRANT: HeaderName =
    HeaderName::from_static("x-mcp-orchestration-edge-want-grant");
/// The bearer token's grant.
pub(crate) const GRANT: HeaderName = HeaderName::from_static("x-mcp-orchestration-edge-grant");

/// The Worker asks for the team catalog copy.
pub(crate) const WANT_CATALOG: HeaderName =
    HeaderName::from_static("x-mcp-orchestration-edge-want-catalog");

/// Every relay header.
const ALL: [HeaderName; 4] = [USAGE, WANT_GRANT, GRANT, WANT_CATALOG];

/// Removes the relay headers from `headers` (a client's request, which must not set them).
pub(crate) fn strip(headers: &mut HeaderMap) {
    for name in ALL {
        headers.remove(name);
    }
}

/// Moves the uses pending in `usage` into `headers`; `None` (nothing moved) when there are none.
pub(crate) fn attach_usage(usage: &Usage, headers: &mut HeaderMap) -> Option<Vec<Pending>> {
    let pending = usage.take();
    if pending.is_empty() {
        return None;
    }
    match serde_json::to_string(&pending)
        .ok()
        .and_then(|json| HeaderValue::from_str(&json).ok())
    {
        Some(value) => {
            headers.insert(USAGE, value);
            Some(pending)
        }
        None => {
            usage.restore(pending);
            None
        }
    }
}

/// Takes the uses the Worker reported in `headers` (removing the header) into `usage`.
pub(crate) fn absorb_usage(headers: &mut HeaderMap, usage: &Usage) {
    let Some(value) = headers.remove(USAGE) else {
        return;
    };
    match serde_json::from_slice::<Vec<Pending>>(value.as_bytes()) {
        Ok(pending) => usage.restore(pending),
        Err(e) => worker::console_error!("a usage report from the Worker is malformed: {e}"),
    }
}

/// The grant as a header value.
pub(crate) fn grant_value(grant: &Grant) -> Option<HeaderValue> {
    serde_json::to_string(grant)
        .ok()
        .and_then(|json| HeaderValue::from_str(&json).ok())
}

/// The grant a header value carries.
pub(crate) fn parse_grant(value: &str) -> Option<Grant> {
    serde_json::from_str(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_orchestration_core::{Scope, Timestamp};

    #[test]
    fn uses_travel_whole_and_a_client_cannot_send_relay_headers() {
        let edge = Usage::new();
        edge.record("t1", Timestamp(5));
        edge.record("t1", Timestamp(9));
        let mut headers = HeaderMap::new();
        assert!(attach_usage(&edge, &mut headers).is_some());
        assert!(edge.is_empty(), "moved, not copied");
        assert!(attach_usage(&edge, &mut headers.clone()).is_none());

        let object = Usage::new();
        absorb_usage(&mut headers, &object);
        assert!(!headers.contains_key(USAGE));
        let p = object.pending("t1").unwrap();
        assert_eq!((p.count, p.last_used), (2, Timestamp(9)));

        let mut forged = HeaderMap::new();
        for name in ALL {
            forged.insert(name, HeaderValue::from_static("x"));
        }
        forged.insert("x-api-key", HeaderValue::from_static("k"));
        strip(&mut forged);
        assert_eq!(forged.len(), 1);
    }

    #[test]
    fn a_grant_round_trips_through_a_header() {
        let grant = Grant {
            token_id: "0123456789abcdef".into(),
            scope: Scope::Edit,
            expires_at: Some(Timestamp(1_700_000_000_123)),
        };
        let value = grant_value(&grant).unwrap();
        assert_eq!(parse_grant(value.to_str().unwrap()), Some(grant));
        assert_eq!(parse_grant("nope"), None);
    }
}
