//! Refusing an address that guesses credentials.
//!
//! The rule: more than [`MAX_FAILURES`] wrong credentials ([`is_failure`]: a 401
//! `INVALID_CREDENTIALS`; missing credentials do not count) from one address ([`key`]) within
//! [`WINDOW_MS`] block it for [`WINDOW_MS`]. While blocked, every request of that address that
//! sends credentials ([`carries_credentials`]), right ones too, is answered 429
//! `TOO_MANY_FAILED_ATTEMPTS` with `Retry-After` ([`refusal`]): otherwise the guessing would go
//! on at line speed, only the right guess telling itself apart. Requests without credentials
//! (`/health`, the documents) are still answered.
//!
//! [`Lockout`] keeps the count in memory for a host that counts itself (native); the edge counts
//! with the Workers rate-limiting binding and only records the blocks it learns of here.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{HeaderMap, HeaderValue, header};

use super::{Response, Settings, reply};
use crate::error::{Code, Error};
use crate::timestamp::Timestamp;

/// Wrong credentials an address may send within [`WINDOW_MS`]; the next one blocks it.
pub const MAX_FAILURES: u32 = 100;
/// The counting window and the length of a block, in milliseconds (one minute).
pub const WINDOW_MS: i64 = 60_000;
/// Addresses tracked at most; past it, addresses whose window has ended are forgotten first,
/// then new addresses are not counted (an attacker with more addresses than this is not one
/// address guessing).
const MAX_TRACKED: usize = 100_000;

/// The address an address's failures are counted under: an IPv4 address itself (an IPv4-mapped
/// IPv6 address as IPv4), an IPv6 address as its /64 network, which one subscriber holds whole.
pub fn key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// Whether `res` answers wrong credentials (a bad token or API key), which counts toward a block.
pub fn is_failure(res: &Response) -> bool {
    reply::code(res) == Some(Code::InvalidCredentials)
}

/// Whether a request sends credentials (`Authorization` or `X-API-Key`), so is refused while its
/// address is blocked.
pub fn carries_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || headers.contains_key("x-api-key")
}

/// Whole seconds from `now` until `until`, at least 1.
fn seconds_until(until: i64, now: Timestamp) -> u64 {
    u64::try_from((until - now.0 + 999) / 1000)
        .unwrap_or(0)
        .max(1)
}

/// The 429 `TOO_MANY_FAILED_ATTEMPTS` answer with `Retry-After: retry_after` seconds, carrying
/// the CORS headers of `answered` (the answer it replaces), so a browser can read it.
pub fn refusal(answered: &Response, retry_after: u64) -> Response {
    let err = Error::new(
        Code::TooManyFailedAttempts,
        format!(
            "Too many wrong credentials from this address: more than {MAX_FAILURES} within {} seconds; try again in {retry_after} seconds",
            WINDOW_MS / 1000
        ),
    );
    let mut res = reply::error(&err);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    for (name, value) in answered.headers() {
        if name.as_str().starts_with("access-control-") || name == header::VARY {
            res.headers_mut().append(name, value.clone());
        }
    }
    res
}

/// The refusal of a request with `headers` made before it was answered: [`refusal`] with the
/// CORS headers `settings` give that request.
pub fn refusal_for(headers: &HeaderMap, settings: &Settings, retry_after: u64) -> Response {
    let mut cors = Response::new(bytes::Bytes::new());
    settings.cors_origins.apply(headers, &mut cors, false);
    refusal(&cors, retry_after)
}

#[derive(Debug)]
struct Tally {
    window_start: i64,
    failures: u32,
    blocked_until: Option<i64>,
}

/// Wrong-credential counts and blocks per address, in memory.
///
/// Requests with good credentials pay one atomic load while no address is blocked; the lock is
/// taken only to count a failure, or to look an address up while some address is blocked.
#[derive(Debug, Default)]
pub struct Lockout {
    /// Addresses blocked now (an upper bound: a block that ended is subtracted when next seen).
    blocked: AtomicUsize,
    tallies: Mutex<HashMap<IpAddr, Tally>>,
}

impl Lockout {
    /// No address counted or blocked.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Retry-After` seconds when `addr` is blocked at `now`, else `None`.
    pub fn blocked(&self, addr: IpAddr, now: Timestamp) -> Option<u64> {
        if self.blocked.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        let tally = tallies.get_mut(&key(addr))?;
        let until = tally.blocked_until?;
        if now.0 < until {
            return Some(seconds_until(until, now));
        }
        tally.blocked_until = None;
        self.blocked.fetch_sub(1, Ordering::AcqRel);
        None
    }

    /// The refusal of a request from `addr` with `headers` at `now`, when it sends credentials
    /// and the address is blocked. Call it before answering.
    pub fn check(
        &self,
        addr: IpAddr,
        headers: &HeaderMap,
        settings: &Settings,
        now: Timestamp,
    ) -> Option<Response> {
        if !carries_credentials(headers) {
            return None;
        }
        let retry_after = self.blocked(addr, now)?;
        Some(refusal_for(headers, settings, retry_after))
    }

    /// `res`, the answer to a request from `addr` at `now`, counted: a failure that takes the
    /// address over [`MAX_FAILURES`] in its window is answered with the [`refusal`] instead.
    pub fn count(&self, addr: IpAddr, now: Timestamp, res: Response) -> Response {
        if !is_failure(&res) {
            return res;
        }
        match self.fail(addr, now) {
            Some(retry_after) => refusal(&res, retry_after),
            None => res,
        }
    }

    /// Counts one failure of `addr` at `now`; the `Retry-After` seconds when the address is
    /// (now) blocked.
    pub fn fail(&self, addr: IpAddr, now: Timestamp) -> Option<u64> {
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        if tallies.len() >= MAX_TRACKED {
            tallies.retain(|_, t| {
                now.0 < t.window_start + WINDOW_MS || t.blocked_until.is_some_and(|u| now.0 < u)
            });
            if tallies.len() >= MAX_TRACKED && !tallies.contains_key(&key(addr)) {
                return None;
            }
        }
        let tally = tallies.entry(key(addr)).or_insert(Tally {
            window_start: now.0,
            failures: 0,
            blocked_until: None,
        });
        if let Some(until) = tally.blocked_until {
            if now.0 < until {
                return Some(seconds_until(until, now));
            }
            tally.blocked_until = None;
            self.blocked.fetch_sub(1, Ordering::AcqRel);
        }
        if now.0 >= tally.window_start + WINDOW_MS {
            tally.window_start = now.0;
            tally.failures = 0;
        }
        tally.failures += 1;
        if tally.failures <= MAX_FAILURES {
            return None;
        }
        let until = now.0 + WINDOW_MS;
        tally.blocked_until = Some(until);
        tally.window_start = until;
        tally.failures = 0;
        self.blocked.fetch_add(1, Ordering::AcqRel);
        Some(seconds_until(until, now))
    }

    /// Blocks `addr` for [`WINDOW_MS`] from `now`, for a host that counts failures elsewhere (the
    /// Workers rate-limiting binding); returns the `Retry-After` seconds.
    pub fn block(&self, addr: IpAddr, now: Timestamp) -> u64 {
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        let until = now.0 + WINDOW_MS;
        let tally = tallies.entry(key(addr)).or_insert(Tally {
            window_start: until,
            failures: 0,
            blocked_until: None,
        });
        if tally.blocked_until.replace(until).is_none() {
            self.blocked.fetch_add(1, Ordering::AcqRel);
        }
        seconds_until(until, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn wrong() -> Response {
        reply::error(&crate::token::invalid_credentials())
    }

    fn missing() -> Response {
        reply::error(&Error::new(Code::AuthenticationRequired, "none"))
    }

    fn with_key() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static("right"));
        h
    }

    fn settings() -> Settings {
        Settings::from_vars(Some("right"), None)
    }

    #[test]
    fn the_failure_after_the_hundredth_in_a_minute_is_refused_and_blocks_the_address() {
        let lockout = Lockout::new();
        let t0 = Timestamp(1_000_000);
        for i in 0..MAX_FAILURES {
            let res = lockout.count(A, Timestamp(t0.0 + i64::from(i)), wrong());
            assert_eq!(res.status(), 401, "failure {}", i + 1);
        }
        assert!(lockout.check(A, &with_key(), &settings(), t0).is_none());
        let res = lockout.count(A, Timestamp(t0.0 + 200), wrong());
        assert_eq!(res.status(), 429);
        assert_eq!(reply::code(&res), Some(Code::TooManyFailedAttempts));
        assert_eq!(res.headers()[header::RETRY_AFTER], "60");
        // Right credentials from the address are refused for the rest of the block…
        let refused = lockout
            .check(A, &with_key(), &settings(), Timestamp(t0.0 + 30_200))
            .expect("blocked");
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "30");
        // …requests without credentials and other addresses are not.
        assert!(
            lockout
                .check(A, &HeaderMap::new(), &settings(), t0)
                .is_none()
        );
        assert!(lockout.check(B, &with_key(), &settings(), t0).is_none());
        // The block ends a minute after it began.
        assert!(
            lockout
                .check(A, &with_key(), &settings(), Timestamp(t0.0 + 60_200))
                .is_none()
        );
        assert_eq!(lockout.blocked.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn missing_credentials_and_other_answers_do_not_count() {
        let lockout = Lockout::new();
        let now = Timestamp(0);
        for _ in 0..500 {
            assert_eq!(lockout.count(A, now, missing()).status(), 401);
            let ok = reply::json(200, &serde_json::json!({}));
            assert_eq!(lockout.count(A, now, ok).status(), 200);
        }
        for _ in 0..MAX_FAILURES {
            assert_eq!(lockout.count(A, now, wrong()).status(), 401);
        }
        assert_eq!(lockout.count(A, now, wrong()).status(), 429);
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_never_block() {
        let lockout = Lockout::new();
        // 90 failures a minute, for ten minutes.
        for minute in 0..10_i64 {
            for i in 0..90_i64 {
                let now = Timestamp(minute * WINDOW_MS + i * 600);
                assert_eq!(lockout.count(A, now, wrong()).status(), 401);
            }
        }
    }

    #[test]
    fn an_ipv6_subscriber_is_one_address_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(other));
        assert_eq!(key("::ffff:192.0.2.1".parse().unwrap()), A);
        let lockout = Lockout::new();
        for _ in 0..=MAX_FAILURES {
            lockout.fail(a, Timestamp(0));
        }
        assert!(lockout.blocked(b, Timestamp(1)).is_some());
        assert!(lockout.blocked(other, Timestamp(1)).is_none());
    }

    #[test]
    fn a_block_learned_elsewhere_refuses_like_a_counted_one() {
        let lockout = Lockout::new();
        assert_eq!(lockout.block(A, Timestamp(0)), 60);
        let refused = lockout
            .check(A, &with_key(), &settings(), Timestamp(59_001))
            .expect("blocked");
        assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
        assert!(lockout.blocked(A, Timestamp(60_000)).is_none());
    }

    #[test]
    fn a_refusal_keeps_the_cors_headers_of_the_answer_it_replaces() {
        let mut headers = with_key();
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://app.example"),
        );
        let settings = Settings::from_vars(Some("right"), Some("https://app.example"));
        let res = refusal_for(&headers, &settings, 5);
        assert_eq!(res.status(), 429);
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example"
        );
        let body: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        assert_eq!(body["code"], "TOO_MANY_FAILED_ATTEMPTS");
        assert_eq!(body["error_type"], "TooManyRequests");
    }
}
