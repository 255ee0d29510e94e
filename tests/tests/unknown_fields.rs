//! Request bodies reject unknown fields: a field the route does not accept is a 400
//! `{"code": "UNKNOWN_FIELD", "error_type": "BadRequest"}` whose detail names the field in single
//! quotes, and the request changes nothing. Every route that takes a JSON body is covered; the
//! same body without the unknown field is then accepted, to show the field was the reason.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// Every route below that takes a JSON body (checked against `/openapi.json`).
const COVERED: &[&str] = &[
    "POST /v1/config/{client_id}/{profile}/draft/add",
    "POST /v1/config/{client_id}/{profile}/draft/remove",
    "POST /v1/config/{client_id}/{profile}/publish",
    "POST /v1/config/{client_id}/{profile}/deploy",
    "POST /v1/config/{client_id}/{profile}/validate",
    "POST /v1/clients/{client_id}/profiles",
    "POST /v1/config/diff",
    "POST /v1/keys/initialize",
    "POST /v1/tokens",
    "POST /v1/servers",
    "PUT /v1/servers/{server_id}",
    "POST /v1/config/{client_id}/{profile}/import",
];

/// Routes whose body is not a set of fields: `POST /mcp` takes one JSON-RPC message, whose
/// unknown members JSON-RPC ignores; its arguments' unknown fields are tool errors, tested in
/// `mcp.rs`.
const NOT_FIELDS: &[&str] = &["POST /mcp"];

#[test]
fn every_route_with_a_body_is_covered() {
    let covered: Vec<String> = COVERED.iter().map(|k| route_shape(k)).collect();
    let doc = openapi();
    let missing: Vec<String> = operations()
        .iter()
        .filter(|op| {
            let item = &doc["paths"][&op.path][op.method.to_ascii_lowercase()];
            op.method == "POST" || item.get("requestBody").is_some()
        })
        .filter(|op| !NOT_FIELDS.contains(&op.key().as_str()))
        .map(Operation::key)
        .filter(|k| !covered.contains(&route_shape(k)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes taking a body without an unknown-field test here: {missing:?}"
    );
    let documented: Vec<String> = operations()
        .iter()
        .map(|op| route_shape(&op.key()))
        .collect();
    for key in COVERED {
        assert!(
            documented.contains(&route_shape(key)),
            "{key} is not in openapi.json"
        );
    }
}

/// Asserts `r` refuses unknown field `field`: 400, `UNKNOWN_FIELD`, `BadRequest`, detail
/// naming `'field'`.
fn assert_unknown_field(r: &Reply, field: &str) {
    assert_eq!(
        r.status,
        400,
        "{}: an unknown field {field:?} must be a 400 UNKNOWN_FIELD, got {}: {}",
        r.what,
        r.status,
        r.text()
    );
    let body = r.expect_error(400);
    assert_eq!(body["code"], json!("UNKNOWN_FIELD"), "{}: {body}", r.what);
    assert_eq!(
        body["error_type"],
        json!("BadRequest"),
        "{}: {body}",
        r.what
    );
    let quoted = format!("'{field}'");
    assert!(
        r.detail().contains(&quoted),
        "{}: detail must name {quoted}: {:?}",
        r.what,
        r.detail()
    );
}

/// The entry names of a draft.
fn entries(draft: &Value) -> Vec<String> {
    draft["mcpServers"]
        .as_object()
        .unwrap_or_else(|| panic!("draft has no mcpServers object: {draft}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn draft_add_refuses_an_unknown_field_and_adds_nothing() {
    let client = target().client();
    let profile = unique_id("uf-add");
    let server = simple_server_id(&client, 0);
    let path = config_path(CLIENT, &profile, "/draft/add");

    let r = client.post(&path, &json!({ "server_id": server, "param": {} }));
    assert_unknown_field(&r, "param");
    let r = client.post(
        &path,
        &json!({ "server_id": server, "params": {}, "env": {}, "name": "named", "Name": "x" }),
    );
    assert_unknown_field(&r, "Name");
    let after = draft(&client, CLIENT, &profile);
    assert_eq!(after["server_count"], json!(0), "nothing added: {after}");
    assert!(entries(&after).is_empty(), "nothing added: {after}");

    client
        .post(&path, &json!({ "server_id": server, "params": {} }))
        .expect(200);
}

#[test]
fn draft_remove_refuses_an_unknown_field_and_removes_nothing() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "uf-remove", 1);
    let entry = format!("{profile}-e0");
    let path = config_path(CLIENT, &profile, "/draft/remove");

    let r = client.post(&path, &json!({ "server_id": entry, "force": true }));
    assert_unknown_field(&r, "force");
    let after = draft(&client, CLIENT, &profile);
    assert_eq!(
        entries(&after),
        std::slice::from_ref(&entry),
        "nothing removed: {after}"
    );

    client
        .post(&path, &json!({ "server_id": entry }))
        .expect(200);
}

#[test]
fn publish_refuses_an_unknown_field_and_publishes_nothing() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "uf-publish", 1);
    ensure_keys(&client);
    let path = config_path(CLIENT, &profile, "/publish");

    let r = client.post(
        &path,
        &json!({ "changelog": "first", "change_log": "typo" }),
    );
    assert_unknown_field(&r, "change_log");
    client
        .get(&config_path(CLIENT, &profile, ""))
        .expect_error(404);

    client
        .post(&path, &json!({ "changelog": "first" }))
        .expect(200);
}

#[test]
fn deploy_refuses_an_unknown_field_and_deploys_nothing() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "uf-deploy", 1);
    let artifact_id = publish(&client, CLIENT, &profile);
    let path = config_path(CLIENT, &profile, "/deploy");

    // `dry_run` and `adopt` are fields of the deploy; `force` is not.
    let r = client.post(&path, &json!({ "artifact_id": artifact_id, "force": true }));
    assert_unknown_field(&r, "force");
    client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect_error(404);

    client
        .post(&path, &json!({ "artifact_id": artifact_id }))
        .expect(200);
}

#[test]
fn validate_takes_no_body_or_an_empty_one_and_refuses_any_field() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "uf-validate", 1);
    let path = config_path(CLIENT, &profile, "/validate");

    let r = client.post(&path, &json!({ "strict": true }));
    assert_unknown_field(&r, "strict");

    let bare = client.request("POST", &path, &[], None).expect(200);
    assert_eq!(bare["valid"], json!(true), "{bare}");
    let empty = client.post(&path, &json!({})).expect(200);
    assert_eq!(empty, bare);
}

#[test]
fn profile_creation_refuses_an_unknown_field_and_creates_nothing() {
    let client = target().client();
    let profile = unique_id("uf-profile");
    let path = format!("/v1/clients/{CLIENT}/profiles");
    let listed = |client: &Client| {
        client.get(&path).expect(200)["profiles"]
            .as_array()
            .expect("profiles array")
            .contains(&json!(profile))
    };

    let r = client.post(
        &path,
        &json!({ "profile_id": profile, "config_pth": "/tmp/claude.json" }),
    );
    assert_unknown_field(&r, "config_pth");
    assert!(!listed(&client), "{profile} must not be created");

    client
        .post(&path, &json!({ "profile_id": profile }))
        .expect(201);
    assert!(listed(&client), "{profile} is created without the field");
}

#[test]
fn diff_refuses_an_unknown_field() {
    let client = target().client();
    let config = json!({ "mcpServers": {} });
    let r = client.post(
        "/v1/config/diff",
        &json!({ "config1": config, "config2": config, "config3": config }),
    );
    assert_unknown_field(&r, "config3");

    client
        .post(
            "/v1/config/diff",
            &json!({ "config1": config, "config2": config }),
        )
        .expect(200);
}

#[test]
fn token_creation_refuses_an_unknown_field_and_creates_no_token() {
    let client = target().client();
    let name = unique_id("uf-token");
    let named = |client: &Client| -> usize {
        client.get("/v1/tokens").expect(200)["tokens"]
            .as_array()
            .expect("tokens array")
            .iter()
            .filter(|t| t["name"] == json!(name))
            .count()
    };

    let r = client.post("/v1/tokens", &json!({ "name": name, "expires_in_day": 7 }));
    assert_unknown_field(&r, "expires_in_day");
    assert_eq!(named(&client), 0, "no token may be created");

    client
        .post("/v1/tokens", &json!({ "name": name, "expires_in_days": 7 }))
        .expect(201);
    assert_eq!(named(&client), 1);
}

/// With keys in place, a misspelt `regenerate` is a 400, not the 409 of an initialized host,
/// and the key stays as it was.
#[test]
fn keys_initialize_refuses_an_unknown_field_before_saying_keys_exist() {
    let client = target().client();
    ensure_keys(&client);
    let before = client.get("/v1/keys/public").expect(200);

    let r = client.post("/v1/keys/initialize", &json!({ "regenrate": true }));
    assert_unknown_field(&r, "regenrate");
    assert_eq!(
        client.get("/v1/keys/public").expect(200),
        before,
        "the signing key must not change"
    );
}

/// On a host without keys, a misspelt `regenerate` is a 400 too, and initializes nothing.
#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: needs a fresh host without keys"
)]
fn keys_initialize_refuses_an_unknown_field_on_a_fresh_host() {
    let server = native_server(
        "keys_initialize_refuses_an_unknown_field_on_a_fresh_host",
        ServerOptions::default(),
    );
    let client = server.client();

    let r = client.post("/v1/keys/initialize", &json!({ "regenrate": true }));
    assert_unknown_field(&r, "regenrate");
    let public = client.get("/v1/keys/public");
    assert!(
        (400..500).contains(&public.status),
        "no keys may be initialized: {} {}",
        public.status,
        public.text()
    );

    client.post("/v1/keys/initialize", &json!({})).expect(200);
}

/// A `server.json` of a remote server named `io.github.acme/<id>`.
fn server_json(id: &str) -> Value {
    json!({
        "name": format!("io.github.acme/{id}"),
        "description": "A team server.",
        "version": "1.0.0",
        "websiteUrl": "https://acme.example/docs",
        "remotes": [{"type": "sse", "url": "https://acme.example/sse"}]
    })
}

#[test]
fn add_server_refuses_an_unknown_field_and_adds_nothing() {
    let client = target().client();
    let id = unique_id("uf-server");
    let mut wrong = server_json(&id);
    wrong["registry_type"] = json!("npm");
    assert_unknown_field(&client.post("/v1/servers", &wrong), "registry_type");
    let mut nested = server_json(&id);
    nested["remotes"][0]["transport_type"] = json!("sse");
    assert_unknown_field(
        &client.post("/v1/servers", &nested),
        "remotes[0].transport_type",
    );
    client.get(&format!("/v1/servers/{id}")).expect(404);

    client.post("/v1/servers", &server_json(&id)).expect(201);
    client.delete(&format!("/v1/servers/{id}")).expect(200);
}

#[test]
fn replace_server_refuses_an_unknown_field_and_replaces_nothing() {
    let client = target().client();
    let id = unique_id("uf-put-server");
    let path = format!("/v1/servers/{id}");
    let put = |body: &Value| {
        client.request(
            "PUT",
            &path,
            &[("Content-Type", "application/json")],
            Some(body.to_string().as_bytes()),
        )
    };
    let mut wrong = server_json(&id);
    wrong["Title"] = json!("x");
    assert_unknown_field(&put(&wrong), "Title");
    let mut named = server_json(&id);
    named["server_id"] = json!(id);
    assert_unknown_field(&put(&named), "server_id");
    client.get(&path).expect(404);

    put(&server_json(&id)).expect(200);
    client.delete(&path).expect(200);
}

#[test]
fn import_refuses_an_unknown_field_and_makes_no_draft() {
    let client = target().client();
    let profile = unique_id("uf-import");
    let path = config_path(CLIENT, &profile, "/import");
    let text = r#"{"mcpServers": {"tool": {"command": "tool", "args": []}}}"#;
    let r = client.post(&path, &json!({ "text": text, "file": "x.json" }));
    assert_unknown_field(&r, "file");
    let after = draft(&client, CLIENT, &profile);
    assert!(entries(&after).is_empty(), "nothing imported: {after}");

    let imported = client.post(&path, &json!({ "text": text })).expect(200);
    assert_eq!(imported["custom"], json!(["tool"]), "{imported}");
}
