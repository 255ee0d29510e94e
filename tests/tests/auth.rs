//! Authentication: missing and wrong credentials, API key, tokens (create, list, usage, revoke).
//! What each scope may do is in `scopes.rs`.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// One request per operation that needs credentials (from `/openapi.json`), with placeholder ids.
fn protected_requests() -> Vec<(&'static str, String)> {
    operations()
        .iter()
        .filter(|op| op.needs_credentials)
        .map(|op| (op.method.as_str(), fill(&op.path, &[CLIENT, "default"])))
        .collect()
}

fn send(client: &Client, method: &str, path: &str) -> Reply {
    match method {
        "POST" => client.post(path, &json!({})),
        _ => client.request(method, path, &[], None),
    }
}

/// The paths behind credentials: the `/v1` API and `/mcp` (the MCP server, same auth as `/v1`).
fn is_protected(path: &str) -> bool {
    path.starts_with("/v1/") || path == "/mcp"
}

#[test]
fn openapi_marks_every_v1_and_mcp_route_and_only_those_as_needing_credentials() {
    let wrong: Vec<String> = operations()
        .iter()
        .filter(|op| op.needs_credentials != is_protected(&op.path))
        .map(|op| format!("{} (needs_credentials: {})", op.key(), op.needs_credentials))
        .collect();
    assert!(
        wrong.is_empty(),
        "every /v1/* route and /mcp need credentials and nothing else does; openapi.json disagrees on {wrong:?}"
    );
}

#[test]
fn openapi_gives_every_credentialed_route_a_scope_and_no_other() {
    let scopes = ["read", "edit", "publish", "admin"];
    let wrong: Vec<String> = operations()
        .iter()
        .filter(|op| match op.scope.as_deref() {
            Some(scope) => !op.needs_credentials || !scopes.contains(&scope),
            None => op.needs_credentials,
        })
        .map(|op| format!("{} (x-scope: {:?})", op.key(), op.scope))
        .collect();
    assert!(
        wrong.is_empty(),
        "every route that needs credentials names one of {scopes:?} in x-scope, and no other \
         route does; openapi.json disagrees on {wrong:?}"
    );
}

#[test]
fn routes_without_security_answer_without_credentials() {
    let anon = target().anonymous();
    for op in operations()
        .iter()
        .filter(|op| !op.needs_credentials && op.method == "GET")
    {
        let r = anon.request(&op.method, &fill(&op.path, &[]), &[], None);
        assert_eq!(
            r.status,
            200,
            "{} without credentials: {}",
            r.what,
            r.text()
        );
    }
}

#[test]
fn every_v1_route_needs_credentials() {
    let anon = target().anonymous();
    let requests = protected_requests();
    assert!(
        requests
            .iter()
            .any(|(m, p)| *m == "POST" && *p == format!("/v1/clients/{CLIENT}/profiles")),
        "POST /v1/clients/{{client_id}}/profiles must be among the protected routes: {requests:?}"
    );
    for (method, path) in requests {
        let r = send(&anon, method, &path);
        r.expect_error(401);
        let detail = r.detail();
        assert!(
            detail.starts_with("Authentication required"),
            "{}: detail {detail:?}",
            r.what
        );
        assert!(
            detail.contains("Authorization: Bearer"),
            "{}: detail must name the Bearer header: {detail:?}",
            r.what
        );
        assert!(
            detail.contains("X-API-Key"),
            "{}: detail must name X-API-Key: {detail:?}",
            r.what
        );
    }
}

fn assert_invalid_credentials(r: &Reply) {
    r.expect_error(401);
    assert_eq!(
        r.detail(),
        "Invalid authentication credentials",
        "{}",
        r.what
    );
    let challenge = r
        .header("www-authenticate")
        .unwrap_or_else(|| panic!("{}: no WWW-Authenticate header", r.what));
    assert!(
        challenge.starts_with("Bearer"),
        "{}: WWW-Authenticate {challenge:?}",
        r.what
    );
}

#[test]
fn wrong_credentials_are_rejected_with_a_bearer_challenge() {
    let t = target();
    let base = t.base_url();
    let fake_token = "A".repeat(43);
    let clients = [
        Client::new(base).with_bearer(&fake_token),
        Client::new(base).with_bearer("short"),
        Client::new(base).with_api_key("definitely-not-the-key"),
        Client::new(base).with_api_key(&format!("{}x", t.api_key())),
    ];
    for client in &clients {
        for (method, path) in [
            ("GET", "/v1/clients".to_owned()),
            ("POST", config_path(CLIENT, "default", "/validate")),
        ] {
            assert_invalid_credentials(&send(client, method, &path));
        }
    }
}

#[test]
fn api_key_grants_access() {
    target().client().get("/v1/clients").expect(200);
}

fn is_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Creates a token named `name`; returns the creation body.
fn create_token(client: &Client, body: &Value) -> Value {
    let created = client.post("/v1/tokens", body).expect(201);
    for field in [
        "token",
        "token_id",
        "name",
        "scope",
        "created_at",
        "expires_at",
    ] {
        assert!(
            created.get(field).is_some(),
            "token creation lacks {field}: {created}"
        );
    }
    let token = created["token"].as_str().expect("token string");
    assert!(
        is_token(token),
        "token must be 43 URL-safe base64 characters: {token:?}"
    );
    rfc3339("created_at", &created["created_at"]);
    created
}

fn listed(client: &Client, token_id: &Value) -> Option<Value> {
    let r = client.get("/v1/tokens");
    let body = r.expect(200);
    body["tokens"]
        .as_array()
        .expect("tokens array")
        .iter()
        .find(|t| &t["token_id"] == token_id)
        .cloned()
}

#[test]
fn tokens_are_created_listed_without_secret_and_work() {
    let client = target().client();
    let name = unique_id("token");
    let created = create_token(&client, &json!({ "name": name }));
    assert_eq!(created["name"], json!(name));
    assert_eq!(
        created["expires_at"],
        Value::Null,
        "no expires_in_days means no expiry"
    );
    let token = created["token"].as_str().expect("token").to_owned();

    let list = client.get("/v1/tokens");
    assert!(
        !list.text().contains(&token),
        "GET /v1/tokens must never show a token"
    );
    let entry = listed(&client, &created["token_id"]).expect("new token is listed");
    for field in [
        "token_id",
        "name",
        "scope",
        "created_at",
        "last_used",
        "usage_count",
        "expires_at",
    ] {
        assert!(
            entry.get(field).is_some(),
            "listed token lacks {field}: {entry}"
        );
    }
    assert!(
        entry.get("token").is_none(),
        "listed token must not carry the token: {entry}"
    );
    assert_eq!(entry["name"], json!(name));
    assert_eq!(entry["created_at"], created["created_at"]);

    Client::new(target().base_url())
        .with_bearer(&token)
        .get("/v1/clients")
        .expect(200);

    let second = create_token(&client, &json!({}));
    assert_ne!(second["token"], created["token"], "tokens must be random");
    assert_ne!(second["token_id"], created["token_id"]);
}

#[test]
fn token_expiry_is_days_after_creation() {
    let client = target().client();
    let created = create_token(
        &client,
        &json!({ "name": unique_id("expiry"), "expires_in_days": 7 }),
    );
    let made = rfc3339("created_at", &created["created_at"]);
    let expires = rfc3339("expires_at", &created["expires_at"]);
    assert_eq!(expires - made, time::Duration::days(7), "{created}");
    let token = created["token"].as_str().expect("token");
    Client::new(target().base_url())
        .with_bearer(token)
        .get("/v1/clients")
        .expect(200);
}

#[test]
fn token_usage_is_counted() {
    let t = target();
    let client = t.client();
    let created = create_token(&client, &json!({ "name": unique_id("usage") }));
    let entry = listed(&client, &created["token_id"]).expect("listed");
    assert_eq!(entry["usage_count"], json!(0), "unused token: {entry}");
    assert_eq!(entry["last_used"], Value::Null, "unused token: {entry}");

    let bearer = Client::new(t.base_url()).with_bearer(created["token"].as_str().expect("token"));
    for _ in 0..3 {
        bearer.get("/v1/servers").expect(200);
    }
    let entry = listed(&client, &created["token_id"]).expect("listed");
    assert_eq!(entry["usage_count"], json!(3), "three uses: {entry}");
    let last = rfc3339("last_used", &entry["last_used"]);
    assert!(
        last >= rfc3339("created_at", &entry["created_at"]),
        "last_used before creation: {entry}"
    );
}

#[test]
fn revoked_tokens_stop_working_at_once() {
    let t = target();
    let client = t.client();
    let created = create_token(&client, &json!({ "name": unique_id("revoke") }));
    let bearer = Client::new(t.base_url()).with_bearer(created["token"].as_str().expect("token"));
    bearer.get("/v1/clients").expect(200);

    let id = created["token_id"].as_str().expect("token_id");
    let r = client.delete(&format!("/v1/tokens/{id}"));
    assert!(
        r.status == 200 || r.status == 204,
        "{}: {} {}",
        r.what,
        r.status,
        r.text()
    );
    assert_invalid_credentials(&bearer.get("/v1/clients"));
    assert_invalid_credentials(&bearer.post("/v1/tokens", &json!({})));
}

#[test]
fn revoking_an_unknown_token_is_404() {
    target()
        .client()
        .delete("/v1/tokens/no-such-token-id")
        .expect_error(404);
}

/// A token created without a scope is `admin`, as the API key is.
#[test]
fn a_token_can_do_what_the_api_key_can() {
    let t = target();
    let created = create_token(&t.client(), &json!({ "name": unique_id("power") }));
    let bearer = Client::new(t.base_url()).with_bearer(created["token"].as_str().expect("token"));
    let profile = unique_id("bearer");
    let server = simple_server_id(&bearer, 0);
    add_entry(&bearer, CLIENT, &profile, &server, None);
    bearer
        .get(&config_path(CLIENT, &profile, "/draft"))
        .expect(200);
    assert_eq!(created["scope"], "admin", "{created}");
    bearer.get("/v1/tokens").expect(200);
}
