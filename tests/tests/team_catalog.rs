//! The deployment's own catalog entries over HTTP: a `server.json` added, listed as `team`
//! beside the built-in entries, added to a draft, refused when the catalog cannot honour it,
//! and removed; built-in entries stay read-only.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// A `server.json` of an npm package with a required secret env var, under `id`.
fn server_json(id: &str) -> Value {
    json!({
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": format!("io.github.acme/{id}"),
        "description": "Acme's internal ticket search.",
        "version": "2.3.0",
        "repository": {"url": "https://github.com/acme/tickets-mcp", "source": "github"},
        "packages": [{
            "registryType": "npm",
            "identifier": "@acme/tickets-mcp",
            "version": "2.3.0",
            "transport": {"type": "stdio"},
            "packageArguments": [{"type": "named", "name": "--project", "isRequired": true}],
            "environmentVariables": [{"name": "ACME_TOKEN", "isRequired": true, "isSecret": true}]
        }]
    })
}

#[test]
fn a_team_server_is_added_listed_drafted_and_removed() {
    let client = target().client();
    let id = unique_id("team");
    let added = client.post("/v1/servers", &server_json(&id)).expect(201);
    assert_eq!(added["server"]["origin"], "team", "{added}");
    assert_eq!(
        added["server"]["args"],
        json!(["-y", "@acme/tickets-mcp@2.3.0", "--project={project}"])
    );

    let listed = client.get("/v1/servers").expect(200);
    let origin = |id: &str| {
        listed["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["server_id"] == id)
            .map(|s| s["origin"].clone())
    };
    assert_eq!(origin(&id), Some(json!("team")));
    assert_eq!(origin("memory"), Some(json!("builtin")));

    let profile = unique_id("team-draft");
    let path = format!("/v1/config/{CLIENT}/{profile}/draft/add");
    let r = client.post(&path, &json!({"server_id": id, "env": {"ACME_TOKEN": "t"}}));
    let body = r.expect_error(400);
    assert_eq!(body["code"], "MISSING_PARAMETERS", "{body}");
    let draft = client
        .post(
            &path,
            &json!({"server_id": id, "params": {"project": "ops"}, "env": {"ACME_TOKEN": "t"}}),
        )
        .expect(200);
    assert_eq!(
        draft["draft"]["mcpServers"][&id]["args"],
        json!(["-y", "@acme/tickets-mcp@2.3.0", "--project=ops"])
    );

    client.delete(&format!("/v1/servers/{id}")).expect(200);
    client.get(&format!("/v1/servers/{id}")).expect(404);
}

#[test]
fn a_server_json_the_catalog_cannot_honour_is_a_400_naming_the_field() {
    let client = target().client();
    let id = unique_id("team-bad");
    let mut body = server_json(&id);
    body["packages"][0]["registryType"] = json!("cargo");
    let r = client.post("/v1/servers", &body);
    let err = r.expect_error(400);
    assert_eq!(err["code"], "SERVER_JSON_INVALID", "{err}");
    assert!(
        r.detail().contains("'packages[0].registryType'") && r.detail().contains("'cargo'"),
        "{}",
        r.detail()
    );
    client.get(&format!("/v1/servers/{id}")).expect(404);
}

#[test]
fn built_in_servers_are_read_only() {
    let client = target().client();
    let r = client.delete("/v1/servers/memory");
    assert_eq!(r.expect_error(409)["code"], "SERVER_READ_ONLY");
    client.get("/v1/servers/memory").expect(200);
}
