//! CORS: preflights without auth, `*` by default, headers on errors, and an origin list.

use mcp_orchestration_blackbox::*;

const ORIGIN: &str = "https://console.example";

fn preflight(client: &Client, path: &str, origin: &str) -> Reply {
    client.request(
        "OPTIONS",
        path,
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type, x-api-key",
            ),
        ],
        None,
    )
}

/// The method and header lists and max-age every preflight answer carries.
fn assert_preflight_lists(r: &Reply) {
    assert_eq!(r.status, 200, "{}: {}", r.what, r.text());
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("GET, POST, DELETE, OPTIONS"),
        "{}",
        r.what
    );
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let allowed: Vec<&str> = allowed.split(',').map(str::trim).collect();
    for h in ["authorization", "content-type", "x-api-key"] {
        assert!(
            allowed.contains(&h),
            "{}: Access-Control-Allow-Headers {allowed:?} lacks {h}",
            r.what
        );
    }
    let max_age = r
        .header("access-control-max-age")
        .unwrap_or_else(|| panic!("{}: no Access-Control-Max-Age", r.what));
    assert!(
        max_age.parse::<u64>().is_ok_and(|n| n > 0),
        "{}: Access-Control-Max-Age {max_age:?}",
        r.what
    );
}

fn assert_wildcard(r: &Reply) {
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("*"),
        "{}: status {}",
        r.what,
        r.status
    );
    assert_eq!(
        r.header("access-control-allow-credentials"),
        None,
        "{}: no credentials with *",
        r.what
    );
}

#[test]
fn preflights_need_no_auth_and_list_methods_and_headers() {
    let anon = target().anonymous();
    for path in [
        "/v1/clients",
        &config_path(CLIENT, "default", "/draft/add"),
        "/v1/tokens",
        "/health",
        "/v1/no-such-route",
    ] {
        let r = preflight(&anon, path, ORIGIN);
        assert_preflight_lists(&r);
        assert_wildcard(&r);
    }
}

#[test]
fn bare_options_answers_200() {
    let r = target()
        .anonymous()
        .request("OPTIONS", "/v1/servers", &[], None);
    assert_preflight_lists(&r);
}

#[test]
fn answers_and_errors_carry_cors_headers() {
    let t = target();
    let origin = [("Origin", ORIGIN)];
    let ok = t.client().request("GET", "/v1/clients", &origin, None);
    assert_eq!(ok.status, 200);
    assert_wildcard(&ok);
    let health = t.anonymous().request("GET", "/health", &origin, None);
    assert_wildcard(&health);
    let unauthorized = t.anonymous().request("GET", "/v1/clients", &origin, None);
    unauthorized.expect_error(401);
    assert_wildcard(&unauthorized);
    let not_found = t
        .client()
        .request("GET", "/v1/clients/no-such-client/profiles", &origin, None);
    not_found.expect_error(404);
    assert_wildcard(&not_found);
    let bad = t.client().request(
        "POST",
        "/v1/tokens",
        &[("Origin", ORIGIN), ("Content-Type", "application/json")],
        Some(b"{"),
    );
    bad.expect_error(400);
    assert_wildcard(&bad);
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: starts a server with its own origin list"
)]
fn an_origin_list_echoes_listed_origins_only() {
    let origins = ServerOptions {
        env: vec![(
            "MCP_ORCHESTRATION_CORS_ORIGINS".into(),
            "https://a.example,https://b.example".into(),
        )],
        ..ServerOptions::default()
    };
    let server = native_server("an_origin_list_echoes_listed_origins_only", origins);
    let anon = Client::new(&server.base_url());
    let client = server.client();

    for origin in ["https://a.example", "https://b.example"] {
        let headers = [("Origin", origin)];
        for r in [
            client.request("GET", "/v1/clients", &headers, None),
            anon.request("GET", "/v1/clients", &headers, None),
            anon.request("GET", "/health", &headers, None),
            preflight(&anon, "/v1/clients", origin),
        ] {
            assert_eq!(
                r.header("access-control-allow-origin"),
                Some(origin),
                "{} ({}) from {origin}",
                r.what,
                r.status
            );
            assert_eq!(
                r.header("access-control-allow-credentials"),
                Some("true"),
                "{} from {origin}",
                r.what
            );
            let vary = r.header_all("vary").join(",").to_ascii_lowercase();
            assert!(
                vary.split(',').any(|v| v.trim() == "origin"),
                "{}: Vary {vary:?} lacks Origin",
                r.what
            );
        }
        assert_preflight_lists(&preflight(&anon, "/v1/clients", origin));
    }

    let stranger = "https://evil.example";
    for r in [
        client.request("GET", "/v1/clients", &[("Origin", stranger)], None),
        anon.request("GET", "/v1/clients", &[("Origin", stranger)], None),
        preflight(&anon, "/v1/clients", stranger),
    ] {
        let cors: Vec<&(String, String)> = r
            .headers
            .iter()
            .filter(|(k, _)| k.starts_with("access-control-"))
            .collect();
        assert!(
            cors.is_empty(),
            "{} from an unlisted origin must carry no CORS headers, got {cors:?}",
            r.what
        );
    }
}
