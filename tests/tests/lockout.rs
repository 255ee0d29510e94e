//! Guessing credentials: more than 100 wrong ones in a minute from one address get 429 with
//! `Retry-After`, right ones from that address too while it is blocked; missing credentials do not
//! count.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_blackbox::*;

fn code(r: &Reply) -> String {
    r.json()["code"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn more_than_100_wrong_credentials_in_a_minute_block_the_address() {
    let host = Guessable::new("more_than_100_wrong_credentials_in_a_minute_block_the_address");
    let anonymous = host.anonymous();
    for _ in 0..150 {
        let r = anonymous.get("/v1/clients");
        r.expect_error(401);
        assert_eq!(code(&r), "AUTHENTICATION_REQUIRED", "{}", r.text());
    }
    // Wrong API keys (answered at the edge on the worker) and wrong tokens (answered by its
    // Durable Object) count together.
    let wrong_key = anonymous
        .clone()
        .with_api_key(&format!("{}-wrong", host.api_key()));
    let wrong_token = anonymous.clone().with_bearer(&"W".repeat(43));
    let mut blocked = None;
    // The worker's rate limiter counts in fixed minutes: a run that straddles one may need up to
    // 100 more before the block.
    for n in 1..=201 {
        let r = if n % 2 == 0 {
            wrong_key.get("/v1/clients")
        } else {
            wrong_token.get("/v1/tokens")
        };
        if r.status == 429 {
            blocked = Some((n, r));
            break;
        }
        r.expect_error(401);
        assert_eq!(code(&r), "INVALID_CREDENTIALS", "{}", r.text());
    }
    let (n, r) = blocked.expect("201 wrong credentials in a row were never refused with 429");
    assert!(n > 100, "refused after only {n} wrong credentials");
    if !WORKER_BUILD {
        assert_eq!(n, 101, "the native host counts exactly");
    }
    let assert_refused = |r: &Reply| {
        r.expect_error(429);
        assert_eq!(code(r), "TOO_MANY_FAILED_ATTEMPTS", "{}", r.text());
        let retry: u64 = r
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{}: no Retry-After seconds: {:?}", r.what, r.headers));
        assert!((1..=60).contains(&retry), "{}: Retry-After {retry}", r.what);
    };
    assert_refused(&r);
    // Right credentials from the blocked address are refused too, on every route.
    let right = anonymous.clone().with_api_key(host.api_key());
    assert_refused(&right.get("/v1/clients"));
    assert_refused(&right.get("/v1/tokens"));
    // Requests without credentials still work.
    anonymous.get("/health").expect(200);
}
