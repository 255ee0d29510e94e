//! The `/v1` API driven in memory: `handle` over a `MemoryStore`, a fixed clock, seeded entropy
//! and fake client files. The black-box suite in `tests/` repeats the contract over real HTTP.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bytes::Bytes;
use http::{Method, header};
use mcp_orchestration_core::api::{self, CorsOrigins, Host, Settings};
use mcp_orchestration_core::ports::{ClientFiles, Fixed};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{MemoryStore, Scope, Store, Timestamp};
use serde_json::{Value, json};

use common::Files;

const KEY: &str = "test-api-key";

struct World {
    store: MemoryStore,
    fixed: Fixed,
    usage: Usage,
    settings: Settings,
    files: Option<Files>,
    /// When set, requests go through `handle_keeping` with these shared answers.
    shared: Option<api::SharedAnswers>,
}

struct Answer {
    status: u16,
    headers: http::HeaderMap,
    json: Value,
}

impl World {
    fn new() -> Self {
        Self {
            store: MemoryStore::new(),
            fixed: Fixed::new(Timestamp(1_764_000_000_000), 7),
            usage: Usage::new(),
            settings: Settings::from_vars(Some(KEY), None),
            files: Some(Files::default()),
            shared: None,
        }
    }

    fn edge() -> Self {
        Self {
            files: None,
            ..Self::new()
        }
    }

    fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        let mut req = http::Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Bytes::copy_from_slice(body)).unwrap();
        let host = Host {
            clock: &self.fixed,
            entropy: &self.fixed,
            files: self.files.as_ref().map(|f| f as &dyn ClientFiles),
            keyring: None,
            usage: &self.usage,
            settings: &self.settings,
        };
        let res = match &self.shared {
            Some(shared) => api::handle_keeping(req, &mut self.store, &host, shared),
            None => api::handle(req, &mut self.store, &host),
        };
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let json = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            json,
        }
    }

    fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.send(method, path, &[("x-api-key", KEY)], body.as_bytes())
    }

    fn get(&mut self, path: &str) -> Answer {
        self.call(Method::GET, path, None)
    }

    fn post(&mut self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body))
    }

    fn init_keys(&mut self) {
        assert_eq!(self.post("/v1/keys/initialize", json!({})).status, 200);
    }

    fn add(&mut self, profile: &str, body: Value) -> Answer {
        self.post(
            &format!("/v1/config/claude-desktop/{profile}/draft/add"),
            body,
        )
    }

    fn publish(&mut self, profile: &str) -> String {
        let a = self.post(
            &format!("/v1/config/claude-desktop/{profile}/publish"),
            json!({"changelog": "test"}),
        );
        assert_eq!(a.status, 200, "{}", a.json);
        a.json["artifact_id"].as_str().unwrap().to_owned()
    }
}

fn assert_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.json);
    assert_eq!(a.json["code"], code, "{}", a.json);
    assert!(
        a.json["detail"].is_string() && a.json["error_type"].is_string(),
        "{}",
        a.json
    );
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
}

#[test]
fn health_needs_no_auth() {
    let mut w = World::new();
    let a = w.send(Method::GET, "/health", &[], b"");
    assert_eq!(a.status, 200);
    assert_eq!(a.json["status"], "healthy");
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
}

#[test]
fn v1_without_credentials_is_401_naming_both_forms() {
    let mut w = World::new();
    let a = w.send(Method::GET, "/v1/clients", &[], b"");
    assert_error(&a, 401, "AUTHENTICATION_REQUIRED");
    let detail = a.json["detail"].as_str().unwrap();
    assert!(detail.starts_with("Authentication required"));
    assert!(detail.contains("Authorization: Bearer") && detail.contains("X-API-Key"));
    assert_eq!(a.headers[header::WWW_AUTHENTICATE], "Bearer");
}

#[test]
fn wrong_key_or_token_is_401_invalid_credentials() {
    let mut w = World::new();
    for h in [
        ("x-api-key", "nope"),
        ("authorization", "Bearer abc"),
        ("authorization", "Basic Zm9v"),
    ] {
        let a = w.send(Method::GET, "/v1/clients", &[h], b"");
        assert_error(&a, 401, "INVALID_CREDENTIALS");
        assert_eq!(a.json["detail"], "Invalid authentication credentials");
    }
}

#[test]
fn tokens_authenticate_count_usage_without_writes_and_revoke_at_once() {
    let mut w = World::new();
    let created = w.post("/v1/tokens", json!({"name": "ci"}));
    assert_eq!(created.status, 201);
    let token = created.json["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    let id = created.json["token_id"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let before = w.store.clone();
    for _ in 0..3 {
        assert_eq!(
            w.send(
                Method::GET,
                "/v1/servers",
                &[("authorization", &bearer)],
                b""
            )
            .status,
            200
        );
    }
    assert_eq!(
        w.store.list("").unwrap(),
        before.list("").unwrap(),
        "reads must not write the store"
    );
    let list = w.get("/v1/tokens");
    let listed = &list.json["tokens"][0];
    assert_eq!(listed["usage_count"], 3);
    assert!(listed["last_used"].is_string());
    assert!(
        !list.json.to_string().contains(&token),
        "the token is never listed"
    );
    assert_eq!(
        w.call(Method::DELETE, &format!("/v1/tokens/{id}"), None)
            .status,
        200
    );
    let a = w.send(
        Method::GET,
        "/v1/servers",
        &[("authorization", &bearer)],
        b"",
    );
    assert_error(&a, 401, "INVALID_CREDENTIALS");
    assert_error(
        &w.call(Method::DELETE, &format!("/v1/tokens/{id}"), None),
        404,
        "TOKEN_NOT_FOUND",
    );
}

#[test]
fn usage_is_flushed_into_the_store_on_a_write() {
    let mut w = World::new();
    let token = w.post("/v1/tokens", json!({})).json["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    w.send(
        Method::GET,
        "/v1/clients",
        &[("authorization", &bearer)],
        b"",
    );
    assert!(!w.usage.is_empty());
    w.add("flush", json!({"server_id": "memory"}));
    assert!(
        w.usage.is_empty(),
        "a write request folds pending usage into the store"
    );
    assert_eq!(w.get("/v1/tokens").json["tokens"][0]["usage_count"], 1);
}

/// Creates a token with `scope` (with the API key) and returns its `Authorization` value.
fn bearer_with(w: &mut World, scope: &str) -> String {
    let created = w.post("/v1/tokens", json!({ "scope": scope }));
    assert_eq!(created.status, 201, "{}", created.json);
    assert_eq!(created.json["scope"], scope);
    format!("Bearer {}", created.json["token"].as_str().unwrap())
}

#[test]
fn every_route_answers_or_refuses_as_its_scope_says() {
    let mut w = World::new();
    let bearers: Vec<(Scope, String)> = Scope::ALL
        .into_iter()
        .map(|s| (s, bearer_with(&mut w, s.as_str())))
        .collect();
    for spec in api::route::ROUTES {
        let api::route::Access::Scope(needed) = spec.access else {
            continue;
        };
        let path = spec
            .path
            .replace("{client_id}", "cursor")
            .replace("{profile_id}", "scopes")
            .replace("{server_id}", "memory")
            .replace("{token_id}", "0000000000000000")
            .replace("{artifact_id}", &"a".repeat(64));
        for (has, bearer) in &bearers {
            let a = w.send(
                spec.method.clone(),
                &path,
                &[("authorization", bearer)],
                b"{}",
            );
            let what = format!("{} {path} with a {has} token", spec.method);
            if has.allows(needed) {
                assert!(![401, 403].contains(&a.status), "{what}: {}", a.json);
            } else {
                assert_error(&a, 403, "INSUFFICIENT_SCOPE");
                assert_eq!(a.json["error_type"], "Forbidden", "{what}");
                assert_eq!(a.json["required_scope"], needed.as_str(), "{what}");
                assert_eq!(
                    a.json["detail"],
                    format!(
                        "Insufficient scope: this request needs the '{needed}' scope; the token has '{has}'"
                    ),
                    "{what}"
                );
            }
        }
    }
}

#[test]
fn an_edit_token_makes_profiles_but_only_admin_sets_or_clears_a_path_override() {
    let mut w = World::new();
    let edit = bearer_with(&mut w, "edit");
    let admin = bearer_with(&mut w, "admin");
    let mut post = |bearer: &str, body: Value| {
        w.send(
            Method::POST,
            "/v1/clients/cursor/profiles",
            &[("authorization", bearer)],
            body.to_string().as_bytes(),
        )
    };
    let path = "/home/u/work/.cursor/mcp.json";
    assert_eq!(post(&edit, json!({"profile_id": "plain"})).status, 201);
    assert_eq!(
        post(&edit, json!({"profile_id": "plain", "config_path": null})).status,
        201
    );
    let refused = post(&edit, json!({"profile_id": "wsl", "config_path": path}));
    assert_error(&refused, 403, "INSUFFICIENT_SCOPE");
    assert_eq!(refused.json["required_scope"], "admin");
    assert_eq!(
        refused.json["detail"],
        "Insufficient scope: this request needs the 'admin' scope; the token has 'edit'"
    );
    assert_eq!(
        post(&admin, json!({"profile_id": "wsl", "config_path": path})).status,
        201
    );
    // Re-saving the profile without a path would clear the override: admin too.
    assert_error(
        &post(&edit, json!({"profile_id": "wsl"})),
        403,
        "INSUFFICIENT_SCOPE",
    );
    assert_eq!(
        w.get("/v1/clients/cursor/profiles").json["config_paths"]["wsl"],
        path
    );
    assert_eq!(
        w.post("/v1/clients/cursor/profiles", json!({"profile_id": "wsl"}))
            .status,
        201,
        "the API key is admin"
    );
}

#[test]
fn tokens_are_admin_unless_scoped_and_are_listed_with_their_scope() {
    let mut w = World::new();
    let default = w.post("/v1/tokens", json!({"name": "old-style"}));
    assert_eq!(default.json["scope"], "admin");
    let bearer = format!("Bearer {}", default.json["token"].as_str().unwrap());
    let listed = w.send(
        Method::GET,
        "/v1/tokens",
        &[("authorization", &bearer)],
        b"",
    );
    assert_eq!(listed.status, 200);
    bearer_with(&mut w, "read");
    let scopes: Vec<Value> = w.get("/v1/tokens").json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["scope"].clone())
        .collect();
    assert_eq!(scopes, [json!("admin"), json!("read")]);
    let bad = w.post("/v1/tokens", json!({"scope": "root"}));
    assert_error(&bad, 400, "INVALID_FIELD");
    assert!(bad.json["detail"].as_str().unwrap().contains("scope"));
}

#[test]
fn clients_and_profiles() {
    let mut w = World::new();
    let a = w.get("/v1/clients");
    let clients = a.json["clients"].as_array().unwrap();
    assert!(clients.len() >= 13);
    let claude = clients
        .iter()
        .find(|c| c["client_id"] == "claude-desktop")
        .unwrap();
    assert_eq!(
        claude["config_path"],
        "~/.config/Claude/claude_desktop_config.json"
    );
    let p = w.get("/v1/clients/claude-desktop/profiles");
    assert_eq!(p.json["profiles"], json!(["default", "dev"]));
    w.add("team-a", json!({"server_id": "memory"}));
    let p = w.get("/v1/clients/claude-desktop/profiles");
    assert_eq!(p.json["profiles"], json!(["default", "dev", "team-a"]));
    let a = w.get("/v1/clients/nope/profiles");
    assert_error(&a, 404, "CLIENT_NOT_FOUND");
    assert_eq!(a.json["detail"], "Client 'nope' not found");
}

#[test]
fn servers_search_filter_and_get() {
    let mut w = World::new();
    let all = w.get("/v1/servers").json["servers"]
        .as_array()
        .unwrap()
        .len();
    assert!(all >= 30);
    let q = w.get("/v1/servers?q=file");
    assert!(
        q.json["servers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["server_id"] == "filesystem")
    );
    let remote = w.get("/v1/servers?transport=http");
    assert!(
        remote.json["servers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["transport"] == "http")
    );
    assert_error(
        &w.get("/v1/servers?transport=pigeon"),
        400,
        "INVALID_TRANSPORT",
    );
    let one = w.get("/v1/servers/memory");
    assert_eq!(one.json["server_id"], "memory");
    assert_error(&w.get("/v1/servers/nope"), 404, "SERVER_NOT_FOUND");
}

#[test]
fn draft_add_remove_view_clear() {
    let mut w = World::new();
    let a = w.add(
        "d",
        json!({"server_id": "filesystem", "params": {"path": "/tmp"}}),
    );
    assert_eq!(a.status, 200, "{}", a.json);
    assert_eq!(a.json["status"], "added");
    assert_eq!(a.json["server_count"], 1);
    assert!(a.json["draft"]["mcpServers"]["filesystem"]["command"].is_string());
    assert_error(
        &w.add(
            "d",
            json!({"server_id": "filesystem", "params": {"path": "/x"}}),
        ),
        409,
        "DUPLICATE_ENTRY",
    );
    let named = w.add(
        "d",
        json!({"server_id": "filesystem", "params": {"path": "/x"}, "name": "fs2"}),
    );
    assert_eq!(named.json["server_count"], 2);
    let view = w.get("/v1/config/claude-desktop/d/draft");
    assert_eq!(view.json["server_count"], 2);
    let r = w.post(
        "/v1/config/claude-desktop/d/draft/remove",
        json!({"server_id": "fs2"}),
    );
    assert_eq!(
        (r.status, r.json["status"].as_str()),
        (200, Some("removed"))
    );
    assert_error(
        &w.post(
            "/v1/config/claude-desktop/d/draft/remove",
            json!({"server_id": "fs2"}),
        ),
        404,
        "ENTRY_NOT_FOUND",
    );
    let c = w.call(Method::DELETE, "/v1/config/claude-desktop/d/draft", None);
    assert_eq!(c.json["status"], "cleared");
    assert_eq!(
        w.get("/v1/config/claude-desktop/d/draft").json,
        json!({"mcpServers": {}, "server_count": 0})
    );
}

#[test]
fn draft_errors_name_what_is_wrong() {
    let mut w = World::new();
    assert_error(
        &w.add("d", json!({"server_id": "nope"})),
        404,
        "SERVER_NOT_FOUND",
    );
    let a = w.add("d", json!({"server_id": "filesystem"}));
    assert_eq!(a.status, 400);
    assert!(
        a.json["detail"].as_str().unwrap().contains("path"),
        "{}",
        a.json
    );
    let a = w.add("d", json!({}));
    assert_error(&a, 400, "MISSING_FIELD");
    assert!(a.json["detail"].as_str().unwrap().contains("server_id"));
    let a = w.send(
        Method::POST,
        "/v1/config/claude-desktop/d/draft/add",
        &[("x-api-key", KEY)],
        b"{not json",
    );
    assert_error(&a, 400, "INVALID_JSON");
    assert!(
        a.json["detail"]
            .as_str()
            .unwrap()
            .starts_with("Invalid JSON")
    );
    assert_error(&w.get("/v1/config/nope/d/draft"), 404, "CLIENT_NOT_FOUND");
}

#[test]
fn hostile_ids_are_400_naming_the_field() {
    let mut w = World::new();
    for (path, field) in [
        ("/v1/config/claude-desktop/%2e%2e/draft", "profile"),
        ("/v1/config/..%2Fetc/default/draft", "client_id"),
        ("/v1/config/claude-desktop/a%00b/draft", "profile"),
        ("/v1/servers/%C3%A9", "server_id"),
    ] {
        let a = w.get(path);
        assert_error(&a, 400, "INVALID_ID");
        assert!(
            a.json["detail"].as_str().unwrap().contains(field),
            "{path}: {}",
            a.json
        );
    }
    let long = format!("/v1/config/claude-desktop/{}/draft", "a".repeat(300));
    assert_error(&w.get(&long), 400, "INVALID_ID");
}

#[test]
fn validate_reports_and_publish_refuses_invalid_drafts() {
    let mut w = World::new();
    w.init_keys();
    let v = w.post("/v1/config/claude-desktop/empty/validate", json!({}));
    assert_eq!(v.status, 200);
    assert_eq!(v.json["valid"], false);
    assert_eq!(v.json["errors"][0]["code"], "EMPTY_CONFIG");
    let p = w.post("/v1/config/claude-desktop/empty/publish", json!({}));
    assert_error(&p, 400, "VALIDATION_FAILED");
    assert_eq!(p.json["errors"][0]["code"], "EMPTY_CONFIG");
}

#[test]
fn publish_needs_keys_then_is_content_addressed() {
    let mut w = World::new();
    w.add("p", json!({"server_id": "memory"}));
    let a = w.post("/v1/config/claude-desktop/p/publish", json!({}));
    assert_error(&a, 409, "KEYS_NOT_INITIALIZED");
    assert!(a.json["detail"].as_str().unwrap().contains("initialize"));
    w.init_keys();
    let id = w.publish("p");
    assert_eq!(id.len(), 64);
    assert_eq!(w.publish("p"), id, "same payload, same id");
    let latest = w.get("/v1/config/claude-desktop/p");
    assert_eq!(latest.json["artifact_id"], id.as_str());
    for f in [
        "client_id",
        "profile_id",
        "created_at",
        "payload",
        "signature",
        "signing_key_id",
        "metadata",
    ] {
        assert!(!latest.json[f].is_null(), "{f}");
    }
    assert_eq!(
        w.get(&format!("/v1/artifacts/{id}")).json["artifact_id"],
        id.as_str()
    );
    assert_error(
        &w.get(&format!("/v1/artifacts/{}", "0".repeat(64))),
        404,
        "ARTIFACT_NOT_FOUND",
    );
    assert_error(&w.get("/v1/artifacts/xyz"), 400, "INVALID_ID");
    assert_error(
        &w.get("/v1/config/claude-desktop/never"),
        404,
        "NOTHING_PUBLISHED",
    );
}

#[test]
fn keys_initialize_conflicts_then_rotates_and_old_artifacts_still_verify() {
    let mut w = World::new();
    w.init_keys();
    let first = w.get("/v1/keys/public").json["key_id"].clone();
    assert_error(
        &w.post("/v1/keys/initialize", json!({})),
        409,
        "KEYS_ALREADY_INITIALIZED",
    );
    w.add("rot", json!({"server_id": "memory"}));
    let old = w.publish("rot");
    let r = w.post("/v1/keys/initialize", json!({"regenerate": true}));
    assert_eq!(r.status, 200);
    assert_ne!(r.json["key_id"], first);
    assert!(
        r.json["public_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    let d = w.post(
        "/v1/config/claude-desktop/rot/deploy",
        json!({"artifact_id": old}),
    );
    assert_eq!(
        d.status, 200,
        "an artifact signed by the previous key still deploys: {}",
        d.json
    );
    // Verifiers get the current key and every one rotated out, by id.
    let public = w.get("/v1/keys/public").json;
    assert_eq!(public["key_id"], r.json["key_id"]);
    let listed: Vec<&Value> = public["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["key_id"])
        .collect();
    assert_eq!(listed.len(), 2, "{public}");
    assert!(listed.contains(&&first) && listed.contains(&&r.json["key_id"]));
}

#[test]
fn the_deployed_artifact_has_an_etag_and_an_unchanged_one_is_a_304() {
    let mut w = World::edge();
    w.init_keys();
    w.add("e", json!({"server_id": "memory"}));
    let first = w.publish("e");
    w.post("/v1/config/claude-desktop/e/deploy", json!({}));
    let path = "/v1/config/claude-desktop/e/deployed";
    let pulled = w.get(path);
    let etag = format!("\"{first}\"");
    assert_eq!(pulled.headers["etag"], etag.as_str());

    let same = w.send(
        Method::GET,
        path,
        &[("x-api-key", KEY), ("if-none-match", &etag)],
        b"",
    );
    assert_eq!(same.status, 304);
    assert_eq!(same.json, Value::Null, "no body");
    assert_eq!(same.headers["etag"], etag.as_str());
    let weak = format!("\"other\", W/{etag}");
    let same = w.send(
        Method::GET,
        path,
        &[("x-api-key", KEY), ("if-none-match", &weak)],
        b"",
    );
    assert_eq!(same.status, 304);

    w.add("e", json!({"server_id": "everything"}));
    let second = w.publish("e");
    w.post("/v1/config/claude-desktop/e/deploy", json!({}));
    let changed = w.send(
        Method::GET,
        path,
        &[("x-api-key", KEY), ("if-none-match", &etag)],
        b"",
    );
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json["artifact_id"], second.as_str());
    assert_eq!(changed.headers["etag"], format!("\"{second}\"").as_str());

    // Credentials come first: no 304 for a caller who may not read it.
    let anonymous = w.send(Method::GET, path, &[("if-none-match", &etag)], b"");
    assert_eq!(anonymous.status, 401);
}

#[test]
fn history_is_newest_first_and_deploy_rolls_back() {
    let mut w = World::new();
    w.init_keys();
    w.add("h", json!({"server_id": "memory"}));
    let first = w.publish("h");
    w.add("h", json!({"server_id": "sequential-thinking"}));
    let second = w.publish("h");
    let h = w.get("/v1/config/claude-desktop/h/history");
    let ids: Vec<_> = h.json["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["artifact_id"].clone())
        .collect();
    assert_eq!(ids, [json!(second), json!(first)]);
    let d = w.post("/v1/config/claude-desktop/h/deploy", json!({}));
    assert_eq!(d.json["artifact_id"], second.as_str());
    let d = w.post(
        "/v1/config/claude-desktop/h/deploy",
        json!({"artifact_id": first}),
    );
    assert_eq!(d.status, 200);
    assert_eq!(
        w.get("/v1/config/claude-desktop/h/deployed").json["artifact_id"],
        first.as_str()
    );
    let path = "/home/u/.config/Claude/claude_desktop_config.json";
    let text = w.files.as_ref().unwrap().files.borrow()[path].clone();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        file["mcpServers"].as_object().unwrap().len(),
        1,
        "rolled back to one server"
    );
}

#[test]
fn deploy_merges_keeps_unmanaged_keys_and_backs_up() {
    let mut w = World::new();
    w.init_keys();
    let path = "/home/u/.config/Claude/claude_desktop_config.json";
    let original = "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\"old\": {\"command\": \"x\", \"args\": []}}\n}\n";
    w.files
        .as_ref()
        .unwrap()
        .files
        .borrow_mut()
        .insert(path.into(), original.into());
    w.add("default", json!({"server_id": "memory"}));
    w.publish("default");
    let d = w.post("/v1/config/claude-desktop/default/deploy", json!({}));
    assert_eq!(d.status, 200, "{}", d.json);
    assert_eq!(d.json["config_path"], path);
    assert_eq!(d.json["deployed"], true);
    assert_eq!(d.json["added"], json!(["memory"]));
    assert_eq!(
        d.json["left_alone"],
        json!(["old"]),
        "not written by a deploy"
    );
    let files = w.files.as_ref().unwrap().files.borrow().clone();
    let merged: Value = serde_json::from_str(&files[path]).unwrap();
    assert_eq!(merged["globalShortcut"], "Ctrl+Space");
    assert_eq!(
        merged["mcpServers"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["memory", "old"]
    );
    assert!(
        files[path].contains("\"old\": {\"command\": \"x\", \"args\": []}"),
        "{}",
        files[path]
    );
    assert_eq!(files[&format!("{path}.bak")], original);
}

#[test]
fn deploy_refuses_an_unparseable_file_and_leaves_it_untouched() {
    let mut w = World::new();
    w.init_keys();
    let path = "/home/u/.config/Claude/claude_desktop_config.json";
    w.files
        .as_ref()
        .unwrap()
        .files
        .borrow_mut()
        .insert(path.into(), "{ this is not json".into());
    w.add("default", json!({"server_id": "memory"}));
    w.publish("default");
    let d = w.post("/v1/config/claude-desktop/default/deploy", json!({}));
    assert_eq!(d.status, 409, "{}", d.json);
    assert_eq!(w.files.as_ref().unwrap().writes.get(), 0);
    assert_eq!(
        w.files.as_ref().unwrap().files.borrow()[path],
        "{ this is not json"
    );
    assert_error(
        &w.get("/v1/config/claude-desktop/default/deployed"),
        404,
        "NOTHING_DEPLOYED",
    );
}

#[test]
fn deploy_honours_a_profile_path_override() {
    let mut w = World::new();
    if let Some(files) = w.files.as_mut() {
        files.allowed.borrow_mut().push("/mnt/c/Users/me".into());
    }
    w.init_keys();
    let p = w.post(
        "/v1/clients/cursor/profiles",
        json!({"profile_id": "wsl", "config_path": "/mnt/c/Users/me/.cursor/mcp.json"}),
    );
    assert_eq!(p.status, 201, "{}", p.json);
    assert_error(
        &w.post(
            "/v1/clients/cursor/profiles",
            json!({"profile_id": "x", "config_path": "relative/path"}),
        ),
        400,
        "INVALID_CONFIG_PATH",
    );
    w.post(
        "/v1/config/cursor/wsl/draft/add",
        json!({"server_id": "memory"}),
    );
    assert_eq!(
        w.post("/v1/config/cursor/wsl/publish", json!({})).status,
        200
    );
    let d = w.post("/v1/config/cursor/wsl/deploy", json!({}));
    assert_eq!(d.json["config_path"], "/mnt/c/Users/me/.cursor/mcp.json");
    assert!(
        w.files
            .as_ref()
            .unwrap()
            .files
            .borrow()
            .contains_key("/mnt/c/Users/me/.cursor/mcp.json")
    );
}

#[test]
fn a_path_override_outside_the_allowed_folders_or_of_another_format_is_refused() {
    let mut w = World::new();
    let mut edge = World::edge();
    let set = |w: &mut World, path: &str| {
        w.post(
            "/v1/clients/cursor/profiles",
            json!({"profile_id": "p", "config_path": path}),
        )
    };
    for path in [
        "/tmp/x/.bashrc.json",
        "/home/other/.cursor/mcp.json",
        "/home/u2/.cursor/mcp.json",
        "/mnt/c/Users/me/.cursor/mcp.json",
    ] {
        let r = set(&mut w, path);
        assert_error(&r, 400, "PATH_NOT_ALLOWED");
        let detail = r.json["detail"].as_str().unwrap();
        assert!(detail.contains(path), "{detail}");
        assert!(detail.contains("--allow-path"), "{detail}");
        // The edge host writes no files: only the file name is its to check.
        assert_eq!(set(&mut edge, path).status, 201, "{path}");
    }
    for path in ["~/.bashrc", "/home/u/.cursor/mcp.txt", "~/.cursor/mcp.yaml"] {
        assert_error(&set(&mut w, path), 400, "PATH_NOT_ALLOWED");
        assert_error(&set(&mut edge, path), 400, "PATH_NOT_ALLOWED");
    }
    let listed = w.get("/v1/clients/cursor/profiles");
    assert_eq!(listed.json["config_paths"], json!({}), "nothing saved");
    assert_eq!(set(&mut w, "~/work/.cursor/mcp.json").status, 201);
    assert_eq!(w.files.as_ref().unwrap().writes.get(), 0);
}

#[test]
fn edge_deploy_records_without_a_file() {
    let mut w = World::edge();
    w.init_keys();
    w.add("e", json!({"server_id": "memory"}));
    let id = w.publish("e");
    let d = w.post("/v1/config/claude-desktop/e/deploy", json!({}));
    assert_eq!(d.status, 200);
    assert_eq!(d.json["config_path"], Value::Null);
    assert!(d.json["message"].as_str().unwrap().contains("/deployed"));
    let pulled = w.get("/v1/config/claude-desktop/e/deployed");
    assert_eq!(pulled.json["artifact_id"], id.as_str());
    assert!(pulled.json["deployed_at"].is_string());
}

#[test]
fn deploy_refuses_a_tampered_artifact() {
    let mut w = World::new();
    w.init_keys();
    w.add("t", json!({"server_id": "memory"}));
    let id = w.publish("t");
    let key = format!("artifact/{id}");
    let mut art: Value = serde_json::from_slice(&w.store.get(&key).unwrap().unwrap()).unwrap();
    art["payload"]["mcpServers"]["memory"]["command"] = json!("evil");
    let mut batch = mcp_orchestration_core::Batch::new();
    batch.put(key, serde_json::to_vec(&art).unwrap());
    w.store.commit(batch).unwrap();
    let d = w.post("/v1/config/claude-desktop/t/deploy", json!({}));
    assert_error(&d, 409, "ARTIFACT_TAMPERED");
    assert_eq!(w.files.as_ref().unwrap().writes.get(), 0);
}

#[test]
fn diff_reports_status() {
    let mut w = World::new();
    let a = json!({"mcpServers": {"x": {"command": "a", "args": ["1"]}}});
    let b = json!({"mcpServers": {"x": {"command": "a", "args": ["2"]}, "y": {"command": "b", "args": []}}});
    let d = w.post("/v1/config/diff", json!({"config1": a, "config2": b}));
    assert_eq!(d.status, 200, "{}", d.json);
    assert_eq!(d.json["status"], "outdated");
    assert_eq!(d.json["added"], json!(["y"]));
    assert_eq!(d.json["modified"], json!(["x"]));
    let d = w.post("/v1/config/diff", json!({"config1": b, "config2": a}));
    assert_eq!(d.json["status"], "diverged");
    let d = w.post("/v1/config/diff", json!({"config1": a}));
    assert_error(&d, 400, "MISSING_FIELD");
    assert!(d.json["detail"].as_str().unwrap().contains("config2"));
}

#[test]
fn routing_errors_405_and_404() {
    let mut w = World::new();
    let a = w.call(Method::PUT, "/v1/tokens", None);
    assert_error(&a, 405, "METHOD_NOT_ALLOWED");
    assert_eq!(a.headers[header::ALLOW], "POST, GET");
    assert_error(&w.get("/v1/nothing-here"), 404, "ROUTE_NOT_FOUND");
    assert_error(&w.get("/v1/config/diff"), 405, "METHOD_NOT_ALLOWED");
}

#[test]
fn oversized_bodies_are_413() {
    let mut w = World::new();
    let big = vec![b' '; api::MAX_BODY_BYTES + 1];
    let a = w.send(Method::POST, "/v1/config/diff", &[("x-api-key", KEY)], &big);
    assert_error(&a, 413, "PAYLOAD_TOO_LARGE");
}

#[test]
fn cors_any_origin() {
    let mut w = World::new();
    let pre = w.send(
        Method::OPTIONS,
        "/v1/clients",
        &[
            ("origin", "https://x.example"),
            ("access-control-request-method", "GET"),
        ],
        b"",
    );
    assert_eq!(pre.status, 200);
    assert_eq!(pre.headers["access-control-allow-origin"], "*");
    assert_eq!(
        pre.headers["access-control-allow-methods"],
        "GET, POST, DELETE, OPTIONS"
    );
    let allowed = pre.headers["access-control-allow-headers"]
        .to_str()
        .unwrap();
    for h in ["Authorization", "Content-Type", "X-API-Key"] {
        assert!(allowed.contains(h));
    }
    assert!(pre.headers.contains_key("access-control-max-age"));
    assert!(!pre.headers.contains_key("access-control-allow-credentials"));
    let err = w.send(
        Method::GET,
        "/v1/clients",
        &[("origin", "https://x.example")],
        b"",
    );
    assert_eq!(err.status, 401);
    assert_eq!(
        err.headers["access-control-allow-origin"], "*",
        "errors carry CORS headers"
    );
}

#[test]
fn cors_origin_list_echoes_listed_and_ignores_others() {
    let mut w = World::new();
    w.settings.cors_origins = CorsOrigins::parse(Some("https://a.example, https://b.example"));
    let ok = w.send(
        Method::GET,
        "/health",
        &[("origin", "https://b.example")],
        b"",
    );
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://b.example"
    );
    assert_eq!(ok.headers["access-control-allow-credentials"], "true");
    assert_eq!(ok.headers["vary"], "Origin");
    let no = w.send(
        Method::OPTIONS,
        "/v1/clients",
        &[("origin", "https://evil.example")],
        b"",
    );
    assert_eq!(no.status, 200);
    assert!(!no.headers.contains_key("access-control-allow-origin"));
}

#[test]
fn openapi_and_docs_are_served_without_auth() {
    let mut w = World::new();
    let doc = w.send(Method::GET, "/openapi.json", &[], b"");
    assert_eq!(doc.status, 200);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3.1"));
    let req = http::Request::get("/docs").body(Bytes::new()).unwrap();
    let host = Host {
        clock: &w.fixed,
        entropy: &w.fixed,
        files: None,
        keyring: None,
        usage: &w.usage,
        settings: &w.settings,
    };
    let res = api::handle(req, &mut w.store, &host);
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[test]
fn a_broken_entropy_source_is_a_500_error_body_not_a_panic() {
    let mut w = World::new();
    let req = http::Request::post("/v1/tokens")
        .header("x-api-key", KEY)
        .body(Bytes::new())
        .unwrap();
    let host = Host {
        clock: &w.fixed,
        entropy: &mcp_orchestration_core::ports::NoEntropy,
        files: None,
        keyring: None,
        usage: &w.usage,
        settings: &w.settings,
    };
    let res = api::handle(req, &mut w.store, &host);
    assert_eq!(res.status(), 500);
    let body: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(body["code"], "ENTROPY_UNAVAILABLE");
}

#[test]
fn no_route_panics_or_500s_on_arbitrary_bodies() {
    let mut w = World::new();
    w.init_keys();
    let bodies: [&[u8]; 8] = [
        b"",
        b"null",
        b"[]",
        b"{\"server_id\": {}}",
        b"\"x\"",
        b"{\"artifact_id\": 5}",
        b"\xff\xfe",
        b"{\"params\": [1], \"server_id\": \"filesystem\"}",
    ];
    for spec in api::route::ROUTES {
        let path = spec
            .path
            .replace("{client_id}", "cursor")
            .replace("{profile}", "fz")
            .replace("{server_id}", "memory")
            .replace("{token_id}", "tok")
            .replace("{artifact_id}", &"a".repeat(64));
        for body in bodies {
            let a = w.send(spec.method.clone(), &path, &[("x-api-key", KEY)], body);
            assert!(
                a.status < 500,
                "{} {path} with {:?}: {}",
                spec.method,
                String::from_utf8_lossy(body),
                a.json
            );
        }
    }
}

#[test]
fn a_kept_answer_is_the_same_answer_and_still_checks_the_caller() {
    let mut plain = World::new();
    let mut keeping = World::new();
    keeping.shared = Some(api::SharedAnswers::new());
    for path in ["/v1/servers", "/v1/clients", "/health", "/openapi.json"] {
        let expected = plain.get(path);
        // The first computes and keeps it, the second is served from memory.
        for _ in 0..2 {
            let got = keeping.get(path);
            assert_eq!((got.status, &got.json), (200, &expected.json), "{path}");
            assert_eq!(got.headers, expected.headers, "{path}");
        }
    }

    // Kept or not, a caller without credentials is refused, and a HEAD has no body.
    let refused = keeping.send(Method::GET, "/v1/servers", &[], b"");
    assert_eq!(refused.status, 401);
    let head = keeping.send(Method::HEAD, "/v1/servers", &[("x-api-key", KEY)], b"");
    assert_eq!((head.status, &head.json), (200, &Value::Null));
    // A search is not the kept catalog.
    let found = keeping.get("/v1/servers?q=git");
    assert!(found.json["count"].as_u64() < plain.get("/v1/servers").json["count"].as_u64());
}
