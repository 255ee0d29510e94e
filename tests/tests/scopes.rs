//! Token scopes: every operation with an `x-scope` in `/openapi.json` is answered for tokens of
//! that scope or above and refused (403 `INSUFFICIENT_SCOPE`) below it; path overrides need
//! `admin`; tokens default to `admin` and are listed with their scope.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// The scopes, from the least to the most powerful: each allows what those before it allow.
const SCOPES: [&str; 4] = ["read", "edit", "publish", "admin"];

fn rank(scope: &str) -> usize {
    SCOPES
        .iter()
        .position(|s| *s == scope)
        .unwrap_or_else(|| panic!("{scope:?} is not a scope"))
}

/// A client holding a fresh token of `scope`, created with the API key (`None`: no `scope` sent).
fn token_client(scope: Option<&str>) -> (Client, Value) {
    let t = target();
    let mut body = json!({ "name": unique_id("scope") });
    if let Some(scope) = scope {
        body["scope"] = json!(scope);
    }
    let created = t.client().post("/v1/tokens", &body).expect(201);
    let token = created["token"].as_str().expect("token").to_owned();
    (Client::new(t.base_url()).with_bearer(&token), created)
}

/// `template` with each `{name}` replaced by the value `values` gives for it.
fn fill_named(template: &str, values: &[(&str, &str)]) -> String {
    template
        .split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => values
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("no value for path parameter {name} of {template}"))
                    .1
                    .to_owned(),
                None => seg.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

fn send(client: &Client, method: &str, path: &str, body: &Value) -> Reply {
    match method {
        "POST" => client.post(path, body),
        _ => client.request(method, path, &[], None),
    }
}

/// The operations that name a scope, with it.
fn scoped_operations() -> Vec<(&'static Operation, &'static str)> {
    let ops: Vec<_> = operations()
        .iter()
        .filter_map(|op| op.scope.as_deref().map(|s| (op, s)))
        .collect();
    assert!(
        ops.len() >= 22,
        "openapi.json gives only {} operations an x-scope",
        ops.len()
    );
    ops
}

#[test]
fn every_operation_is_answered_or_refused_as_its_scope_says() {
    let tokens: Vec<(&str, Client)> = SCOPES
        .iter()
        .map(|s| (*s, token_client(Some(s)).0))
        .collect();
    let profile = unique_id("scopes");
    let no_artifact = "0".repeat(64);
    let values = [
        ("client_id", CLIENT),
        ("profile_id", profile.as_str()),
        ("server_id", "no-such-server"),
        ("token_id", "0000000000000000"),
        ("artifact_id", no_artifact.as_str()),
    ];
    let mut failures = Vec::new();
    for (op, needed) in scoped_operations() {
        let path = fill_named(&op.path, &values);
        for (scope, client) in &tokens {
            // Bodies may be empty or invalid: only whether the scope let the request in counts.
            let r = send(client, &op.method, &path, &json!({}));
            let what = format!("{} with a {scope} token", op.key());
            if rank(scope) >= rank(needed) {
                if [401, 403].contains(&r.status) {
                    failures.push(format!("{what}: refused with {}: {}", r.status, r.text()));
                }
                continue;
            }
            if r.status != 403 {
                failures.push(format!(
                    "{what}: expected 403, got {}: {}",
                    r.status,
                    r.text()
                ));
                continue;
            }
            let body = r.expect_error(403);
            let detail = body["detail"].as_str().unwrap_or_default();
            if body["code"] != "INSUFFICIENT_SCOPE"
                || body["error_type"] != "Forbidden"
                || body["required_scope"] != needed
                || !detail.contains(&format!("'{needed}'"))
                || !detail.contains(&format!("'{scope}'"))
            {
                failures.push(format!("{what}: 403 body does not name {needed}: {body}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} request(s) not answered as their scope says:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_read_token_gets_every_read_route() {
    let admin = target().client();
    let profile = profile_with(&admin, CLIENT, "read-all", 1);
    let artifact_id = publish(&admin, CLIENT, &profile);
    admin
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect(200);
    let server_id = simple_server_id(&admin, 0);
    let values = [
        ("client_id", CLIENT),
        ("profile_id", profile.as_str()),
        ("server_id", server_id.as_str()),
        ("artifact_id", artifact_id.as_str()),
    ];
    let (read, _) = token_client(Some("read"));
    let config = json!({ "mcpServers": { "a": { "command": "npx" } } });
    let diff = json!({ "config1": config, "config2": { "mcpServers": {} } });
    // /mcp answers a read token too (each tool call checks its own scope; see tests/tests/mcp.rs),
    // but needs a session, not these bodies.
    let read_ops: Vec<_> = scoped_operations()
        .into_iter()
        .filter(|(op, s)| *s == "read" && op.path != "/mcp")
        .collect();
    assert!(
        read_ops
            .iter()
            .any(|(op, _)| op.key() == "POST /v1/config/diff"),
        "POST /v1/config/diff changes nothing: it must need only read"
    );
    for (op, _) in read_ops {
        let r = send(&read, &op.method, &fill_named(&op.path, &values), &diff);
        assert_eq!(r.status, 200, "{}: {}", r.what, r.text());
    }
}

#[test]
fn an_edit_token_creates_profiles_but_only_admin_sets_or_clears_a_path_override() {
    let (edit, _) = token_client(Some("edit"));
    let (admin, _) = token_client(Some("admin"));
    let profiles = format!("/v1/clients/{CLIENT}/profiles");
    let profile = unique_id("override");
    let path = format!("~/{profile}/claude_desktop_config.json");

    let made = edit
        .post(&profiles, &json!({ "profile_id": profile }))
        .expect(201);
    assert_eq!(made["config_path"], Value::Null, "{made}");

    let refused = edit
        .post(
            &profiles,
            &json!({ "profile_id": profile, "config_path": path }),
        )
        .expect_error(403);
    assert_eq!(refused["code"], "INSUFFICIENT_SCOPE", "{refused}");
    assert_eq!(refused["required_scope"], "admin", "{refused}");
    assert_eq!(
        refused["detail"],
        "Insufficient scope: this request needs the 'admin' scope; the token has 'edit'"
    );

    admin
        .post(
            &profiles,
            &json!({ "profile_id": profile, "config_path": path }),
        )
        .expect(201);
    // Saving the profile again without a path would clear the override.
    let refused = edit
        .post(&profiles, &json!({ "profile_id": profile }))
        .expect_error(403);
    assert_eq!(refused["required_scope"], "admin", "{refused}");
    let listed = edit.get(&profiles).expect(200);
    assert_eq!(listed["config_paths"][&profile], json!(path), "{listed}");
}

#[test]
fn tokens_without_a_scope_are_admin_and_listings_show_each_scope() {
    let (default, created) = token_client(None);
    assert_eq!(created["scope"], "admin", "{created}");
    let (_, read) = token_client(Some("read"));
    assert_eq!(read["scope"], "read", "{read}");

    let listed = default.get("/v1/tokens").expect(200);
    let scope_of = |id: &Value| {
        listed["tokens"]
            .as_array()
            .expect("tokens array")
            .iter()
            .find(|t| &t["token_id"] == id)
            .unwrap_or_else(|| panic!("token {id} is not listed: {listed}"))["scope"]
            .clone()
    };
    assert_eq!(scope_of(&created["token_id"]), "admin");
    assert_eq!(scope_of(&read["token_id"]), "read");

    let bad = default
        .post("/v1/tokens", &json!({ "scope": "root" }))
        .expect_error(400);
    assert!(
        bad["detail"].as_str().unwrap_or_default().contains("scope"),
        "{bad}"
    );
}
