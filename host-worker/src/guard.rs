//! The core's lockout rule ([`lockout`]) at the edge: failures are counted by the Workers
//! rate-limiting binding [`LIMITER_BINDING`] (`[[ratelimits]]` in `wrangler.toml`, shared by every
//! isolate of a location), and each isolate (and the Durable Object) remembers the blocks it
//! learns of, to refuse right credentials from a blocked address too.
//!
//! Without the binding (an old `wrangler.toml`), failures are counted in this isolate's memory.

use std::net::{IpAddr, Ipv4Addr};

use mcp_orchestration_core::Timestamp;
use mcp_orchestration_core::api::{self, lockout, lockout::Lockout};
use worker::{Env, RateLimiter};

/// The `wrangler.toml` name of the rate limiter that counts wrong credentials per address.
const LIMITER_BINDING: &str = "AUTH_FAILURES";

/// The caller's address: `CF-Connecting-IP`, which Cloudflare sets on every request. A request
/// without one (none reaches a deployed Worker) counts as the unspecified address.
pub(crate) fn peer(headers: &http::HeaderMap) -> IpAddr {
    headers
        .get("cf-connecting-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The rate limiter, if the Worker has the binding.
pub(crate) fn limiter(env: &Env) -> Option<RateLimiter> {
    env.rate_limiter(LIMITER_BINDING).ok()
}

/// `res`, the answer to a request from `peer` at `now`, counted: the wrong credential that takes
/// the address over the limit is answered with the core's refusal, and the block remembered.
pub(crate) async fn count(
    limiter: Option<&RateLimiter>,
    lockout: &Lockout,
    peer: IpAddr,
    now: Timestamp,
    res: api::Response,
) -> api::Response {
    if !lockout::is_failure(&res) {
        return res;
    }
    let Some(limiter) = limiter else {
        return lockout.count(peer, now, res);
    };
    match limiter.limit(lockout::key(peer).to_string()).await {
        Ok(outcome) if !outcome.success => {
            let retry_after = lockout.block(peer, now);
            lockout::refusal(&res, retry_after)
        }
        Ok(_) => res,
        Err(e) => {
            worker::console_error!("the rate limiter failed; counting in memory: {e}");
            lockout.count(peer, now, res)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_is_cf_connecting_ip() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(peer(&headers), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        headers.insert("cf-connecting-ip", "2001:db8::7".parse().unwrap());
        assert_eq!(peer(&headers), "2001:db8::7".parse::<IpAddr>().unwrap());
        headers.insert("cf-connecting-ip", "not an address".parse().unwrap());
        assert_eq!(peer(&headers), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    }
}
