//! Signing keys: initialize, 409 when done, rotation, the public key, publishing without keys.
//!
//! Rotation changes global state, so it lives in this test binary alone (cargo runs test
//! binaries one after another) and happens in one test.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

fn assert_pem_public_key(pem: &Value) {
    let pem = pem
        .as_str()
        .unwrap_or_else(|| panic!("public_key is not a string: {pem}"));
    assert!(
        pem.trim_start().starts_with("-----BEGIN PUBLIC KEY-----"),
        "public_key must be SPKI PEM: {pem}"
    );
    assert!(
        pem.trim_end().ends_with("-----END PUBLIC KEY-----"),
        "public_key must be SPKI PEM: {pem}"
    );
}

fn assert_initialized(body: &Value) {
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("initialized"), "{body}");
    assert!(
        body["key_id"].as_str().is_some_and(|k| !k.is_empty()),
        "{body}"
    );
    assert_pem_public_key(&body["public_key"]);
    assert!(body.get("keys").is_some(), "initialize lacks keys: {body}");
}

#[test]
fn keys_initialize_once_then_409_and_regenerate_rotates() {
    let client = target().client();
    ensure_keys(&client);
    client
        .post("/v1/keys/initialize", &json!({}))
        .expect_error(409);
    client
        .post("/v1/keys/initialize", &json!({ "regenerate": false }))
        .expect_error(409);

    let before = client.get("/v1/keys/public").expect(200);
    assert_pem_public_key(&before["public_key"]);

    let rotated = client
        .post("/v1/keys/initialize", &json!({ "regenerate": true }))
        .expect(200);
    assert_initialized(&rotated);
    assert_ne!(
        rotated["key_id"], before["key_id"],
        "regenerate must produce a new key"
    );
    assert_ne!(rotated["public_key"], before["public_key"]);

    let after = client.get("/v1/keys/public").expect(200);
    assert_eq!(after["key_id"], rotated["key_id"]);
    assert_eq!(after["public_key"], rotated["public_key"]);

    // New artifacts are signed with the new key.
    let profile = profile_with(&client, CLIENT, "rotated", 1);
    publish(&client, CLIENT, &profile);
    let artifact = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    assert_eq!(artifact["signing_key_id"], rotated["key_id"]);
    verify_artifact(&artifact, after["public_key"].as_str().expect("public_key"));
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: needs a fresh host without keys"
)]
fn a_fresh_host_initializes_keys_and_refuses_to_publish_before() {
    let server = native_server(
        "a_fresh_host_initializes_keys_and_refuses_to_publish_before",
        ServerOptions::default(),
    );
    let client = server.client();
    let profile = profile_with(&client, CLIENT, "nokeys", 1);

    // Publishing without keys is refused.
    let r = client.post(&config_path(CLIENT, &profile, "/publish"), &json!({}));
    r.expect_status_in(&[400, 409]);
    r.expect_error(r.status);
    assert!(
        r.detail().to_lowercase().contains("initialize"),
        "detail must say to initialize keys: {}",
        r.detail()
    );
    let r = client.get("/v1/keys/public");
    assert!(
        (400..500).contains(&r.status),
        "public key before initialize: {} {}",
        r.status,
        r.text()
    );
    r.expect_error(r.status);

    let body = client.post("/v1/keys/initialize", &json!({})).expect(200);
    assert_initialized(&body);
    let public = client.get("/v1/keys/public").expect(200);
    assert_eq!(public["key_id"], body["key_id"]);
    assert_eq!(public["public_key"], body["public_key"]);
    client
        .post("/v1/keys/initialize", &json!({}))
        .expect_error(409);

    let id = publish(&client, CLIENT, &profile);
    let artifact = client.get(&format!("/v1/artifacts/{id}")).expect(200);
    verify_artifact(
        &artifact,
        public["public_key"].as_str().expect("public_key"),
    );
}
