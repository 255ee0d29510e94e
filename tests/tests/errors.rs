//! Bad input: invalid JSON, missing and mistyped fields, the 1 MiB body limit, and no 500 on
//! any input.

use mcp_orchestration_blackbox::*;
use serde_json::json;

/// The body limit of the contract.
const LIMIT: usize = 1 << 20;

/// Every POST route, for `profile`.
fn post_routes(profile: &str) -> Vec<String> {
    let mut routes: Vec<String> = [
        "/draft/add",
        "/draft/remove",
        "/validate",
        "/publish",
        "/deploy",
    ]
    .iter()
    .map(|op| config_path(CLIENT, profile, op))
    .collect();
    routes.extend(["/v1/config/diff", "/v1/tokens"].map(str::to_owned));
    routes
}

#[test]
fn invalid_json_is_400_invalid_json() {
    let client = target().client();
    let profile = unique_id("badjson");
    // Every POST route that reads a body (validate takes none).
    let mut routes = post_routes(&profile);
    routes.retain(|r| !r.ends_with("/validate"));
    routes.push("/v1/keys/initialize".to_owned());
    for path in &routes {
        for body in [
            &b"{"[..],
            b"{\"server_id\": }",
            b"not json",
            b"{\"a\":1}}",
            b"\xff\xfe",
        ] {
            let r = client.post_raw(path, body);
            r.expect_error(400);
            assert!(
                r.detail().starts_with("Invalid JSON"),
                "{} with {:?}: detail {:?}",
                r.what,
                String::from_utf8_lossy(body),
                r.detail()
            );
        }
    }
}

#[test]
fn missing_fields_are_400_naming_them() {
    let client = target().client();
    let profile = unique_id("missing");
    assert_400_naming(
        &client,
        vec![
            (
                config_path(CLIENT, &profile, "/draft/add"),
                json!({}),
                "server_id",
            ),
            (
                config_path(CLIENT, &profile, "/draft/add"),
                json!({ "name": "x" }),
                "server_id",
            ),
            (
                config_path(CLIENT, &profile, "/draft/remove"),
                json!({}),
                "server_id",
            ),
            (
                "/v1/config/diff".to_owned(),
                json!({ "config2": { "mcpServers": {} } }),
                "config1",
            ),
            (
                "/v1/config/diff".to_owned(),
                json!({ "config1": { "mcpServers": {} } }),
                "config2",
            ),
        ],
    );
}

#[test]
fn mistyped_fields_are_400_naming_them() {
    let client = target().client();
    let profile = unique_id("mistyped");
    let add = config_path(CLIENT, &profile, "/draft/add");
    let server = simple_server_id(&client, 0);
    assert_400_naming(
        &client,
        vec![
            (add.clone(), json!({ "server_id": 5 }), "server_id"),
            (add.clone(), json!({ "server_id": null }), "server_id"),
            (
                add.clone(),
                json!({ "server_id": server, "env": "nope" }),
                "env",
            ),
            (
                add.clone(),
                json!({ "server_id": server, "params": [1] }),
                "params",
            ),
            (
                add.clone(),
                json!({ "server_id": server, "name": 7 }),
                "name",
            ),
            (
                config_path(CLIENT, &profile, "/draft/remove"),
                json!({ "server_id": [] }),
                "server_id",
            ),
            (
                config_path(CLIENT, &profile, "/deploy"),
                json!({ "artifact_id": 12 }),
                "artifact_id",
            ),
            (
                "/v1/tokens".to_owned(),
                json!({ "expires_in_days": "soon" }),
                "expires_in_days",
            ),
            ("/v1/tokens".to_owned(), json!({ "name": ["a"] }), "name"),
        ],
    );
}

#[test]
fn bodies_over_one_mib_are_413() {
    let client = target().client();
    let profile = unique_id("big");
    let mut body = br#"{"server_id": "x", "name": ""#.to_vec();
    body.resize(LIMIT + 1 - 2, b'a');
    body.extend_from_slice(br#""}"#);
    assert_eq!(body.len(), LIMIT + 1);
    for path in [
        config_path(CLIENT, &profile, "/draft/add"),
        "/v1/config/diff".to_owned(),
        "/v1/tokens".to_owned(),
    ] {
        client
            .raw_request("POST", &path, body.clone())
            .expect_error(413);
    }
    let five = vec![b' '; 5 * LIMIT];
    client
        .raw_request("POST", &config_path(CLIENT, &profile, "/draft/add"), five)
        .expect_error(413);
    assert_eq!(draft(&client, CLIENT, &profile)["server_count"], json!(0));
}

#[test]
fn a_body_of_exactly_one_mib_is_read() {
    let client = target().client();
    let profile = unique_id("limit");
    let server = simple_server_id(&client, 0);
    let mut body = json!({ "server_id": server }).to_string().into_bytes();
    let pad = LIMIT - body.len();
    body.splice(1..1, std::iter::repeat_n(b' ', pad));
    assert_eq!(body.len(), LIMIT);
    client
        .raw_request("POST", &config_path(CLIENT, &profile, "/draft/add"), body)
        .expect(200);
}

#[test]
fn no_input_causes_a_500() {
    let client = target().client();
    let profile = unique_id("fuzz");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<Vec<u8>> = [
        "",
        "null",
        "[]",
        "\"text\"",
        "1e400",
        "-0",
        "{}",
        "{\"server_id\":\"\"}",
        "{\"server_id\":\"a\",\"env\":{\"K\":1}}",
        "{\"server_id\":\"a\",\"params\":{\"p\":{\"deep\":[]}}}",
        "{\"artifact_id\":\"../../etc/passwd\"}",
        "{\"artifact_id\":\"\"}",
        "{\"config1\":null,\"config2\":null}",
        "{\"config1\":{\"mcpServers\":{\"a\":5}},\"config2\":{\"mcpServers\":{\"a\":[1]}}}",
        "{\"expires_in_days\":-1}",
        "{\"expires_in_days\":1e12}",
        "{\"expires_in_days\":99999999999999999999}",
        "{\"expires_in_days\":0.5}",
        "{\"name\":\"\\u0000\"}",
        "{\"regenerate\":\"yes\"}",
        "{\"changelog\":{\"a\":1}}",
        "{\"server_id\":\"a\",\"name\":\"\\ud800\"}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .chain([
        deep.into_bytes(),
        vec![0u8; 64],
        "{\"a\":\"\u{1F600}\u{0301}\"}".as_bytes().to_vec(),
    ])
    .collect();
    let mut routes = post_routes(&profile);
    routes.push("/v1/keys/initialize".to_owned());
    for path in &routes {
        for body in &bodies {
            let r = client.post_raw(path, body);
            assert!(
                r.status < 500,
                "{} with {:?}: status {}: {}",
                r.what,
                String::from_utf8_lossy(body),
                r.status,
                r.text()
            );
            if r.status >= 400 {
                r.expect_error(r.status);
            }
        }
    }
    let server = simple_server_id(&client, 0);
    for query in [
        "?q=%00",
        "?q=%FF",
        "?transport=%2e%2e",
        "?q=a&q=b",
        "?q",
        "?%zz=1",
        &format!("?q={}", "x".repeat(5000)),
    ] {
        let r = client.get(&format!("/v1/servers{query}"));
        assert!(r.status < 500, "{}: {} {}", r.what, r.status, r.text());
        if r.status >= 400 {
            r.expect_error(r.status);
        }
    }
    for header in [
        ("Authorization", "Bearer"),
        ("Authorization", "Bearer a b c"),
        ("X-API-Key", ""),
        ("Authorization", ""),
    ] {
        let r =
            target()
                .anonymous()
                .request("GET", &format!("/v1/servers/{server}"), &[header], None);
        assert_eq!(r.status, 401, "{} with {header:?}: {}", r.what, r.text());
        r.expect_error(401);
    }
}
