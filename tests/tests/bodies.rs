//! A `GET` or `HEAD` that carries a body is answered as without it, on both hosts (no such route
//! reads a body).
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_blackbox::*;

#[test]
fn get_and_head_with_a_body_are_answered_as_without_one() {
    let t = target();
    let client = t.client();
    let profile = unique_id("get-body");
    add_entry(
        &client,
        CLIENT,
        &profile,
        &simple_server_id(&client, 0),
        None,
    );
    for path in [
        "/health".to_owned(),
        "/v1/servers".to_owned(),
        "/v1/clients".to_owned(),
        format!("/v1/clients/{CLIENT}/profiles"),
        config_path(CLIENT, &profile, "/draft"),
        "/v1/no-such-route".to_owned(),
    ] {
        let plain = client.get(&path);
        for body in [&b"{}"[..], br#"{"unknown":"field"}"#, b"not json \xff"] {
            let with_body = client.raw_request("GET", &path, body.to_vec());
            assert_eq!(
                (with_body.status, with_body.json()),
                (plain.status, plain.json()),
                "GET {path} with a body of {} bytes",
                body.len()
            );
            with_body.assert_json_content_type();
            let head = client.raw_request("HEAD", &path, body.to_vec());
            assert_eq!(head.status, plain.status, "HEAD {path} with a body");
            assert!(head.body.is_empty(), "HEAD {path}: a body came back");
        }
    }
}

/// The console's page is a file: a body on its `GET` changes nothing (the Worker hands the request
/// to its assets without the body, which they would otherwise never answer).
#[test]
fn the_console_page_ignores_a_body_on_get_and_head() {
    let client = target().anonymous();
    let plain = client.raw_request("GET", "/", Vec::new());
    for body in [&b"{}"[..], b"not json \xff"] {
        let with_body = client.raw_request("GET", "/", body.to_vec());
        assert_eq!(
            (with_body.status, with_body.header("content-type")),
            (plain.status, plain.header("content-type")),
            "GET / with a body of {} bytes",
            body.len()
        );
        assert_eq!(
            with_body.body, plain.body,
            "GET / with a body: another page"
        );
        let head = client.raw_request("HEAD", "/", body.to_vec());
        assert_eq!(head.status, plain.status, "HEAD / with a body");
        assert!(head.body.is_empty(), "HEAD /: a body came back");
    }
}
