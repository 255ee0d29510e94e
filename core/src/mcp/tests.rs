use serde_json::{Value, json};

use super::*;
use crate::ports::Fixed;
use crate::store::MemoryStore;
use crate::timestamp::Timestamp;

struct Peer {
    store: MemoryStore,
    fixed: Fixed,
    session: Session,
}

impl Peer {
    fn new() -> Self {
        Self {
            store: MemoryStore::new(),
            fixed: Fixed::new(Timestamp(1_764_000_000_000), 9),
            session: Session::default(),
        }
    }

    fn send(&mut self, message: Value) -> Option<Value> {
        let ports = Ports::new(&self.fixed, &self.fixed, "mcp");
        answer(
            message.to_string().as_bytes(),
            &mut self.session,
            &mut self.store,
            &ports,
        )
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}))
            .expect("a request is answered")
    }

    fn initialized() -> Self {
        let mut peer = Self::new();
        let res = peer.call("initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}));
        assert_eq!(res["result"]["protocolVersion"], "2025-11-25");
        assert_eq!(
            peer.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})),
            None
        );
        assert!(peer.session.initialized);
        peer
    }

    fn tool(&mut self, name: &str, arguments: Value) -> Value {
        let res = self.call("tools/call", json!({"name": name, "arguments": arguments}));
        assert!(res.get("error").is_none(), "{res}");
        res["result"].clone()
    }
}

fn error_code(res: &Value) -> i64 {
    res["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {res}"))
}

#[test]
fn initialize_answers_the_clients_version_when_served_else_the_newest() {
    for (asked, answered) in [
        ("2025-11-25", "2025-11-25"),
        ("2025-06-18", "2025-06-18"),
        ("2025-03-26", "2025-03-26"),
        ("2024-11-05", "2025-11-25"),
        ("1999-01-01", "2025-11-25"),
    ] {
        let mut peer = Peer::new();
        let res = peer.call("initialize", json!({"protocolVersion": asked}));
        assert_eq!(res["id"], 7);
        assert_eq!(res["result"]["protocolVersion"], answered, "{asked}");
        assert_eq!(res["result"]["serverInfo"]["name"], "mcp-orchestration");
        assert!(res["result"]["capabilities"]["tools"].is_object());
        assert!(res["result"]["capabilities"]["resources"].is_object());
    }
}

#[test]
fn only_initialize_and_ping_come_before_initialize() {
    let mut peer = Peer::new();
    assert_eq!(peer.call("ping", json!({}))["result"], json!({}));
    for method in [
        "tools/list",
        "tools/call",
        "resources/list",
        "resources/read",
    ] {
        let res = peer.call(method, json!({}));
        assert_eq!(error_code(&res), INVALID_REQUEST, "{method}");
        assert!(
            res["error"]["message"]
                .as_str()
                .unwrap()
                .contains("initialize")
        );
    }
}

#[test]
fn malformed_messages_get_the_json_rpc_error_the_spec_names() {
    let mut peer = Peer::initialized();
    let fixed = Fixed::new(Timestamp(0), 1);
    let ports = Ports::new(&fixed, &fixed, "mcp");
    let raw = |peer: &mut Peer, bytes: &[u8]| {
        answer(bytes, &mut peer.session, &mut peer.store, &ports).expect("an error answer")
    };
    let parse = raw(&mut peer, b"{not json");
    assert_eq!(
        (error_code(&parse), &parse["id"]),
        (PARSE_ERROR, &Value::Null)
    );
    for bad in [
        json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
        json!({"id": 1, "method": "ping"}),
        json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": 5}),
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": [1]}),
        json!({"jsonrpc": "2.0", "id": 1}),
    ] {
        let res = raw(&mut peer, bad.to_string().as_bytes());
        assert_eq!(error_code(&res), INVALID_REQUEST, "{bad}");
    }
    assert_eq!(
        error_code(&peer.call("prompts/list", json!({}))),
        METHOD_NOT_FOUND
    );
    // A response to a request of ours and an unknown notification: nothing to answer.
    assert_eq!(
        peer.send(json!({"jsonrpc": "2.0", "id": 3, "result": {}})),
        None
    );
    assert_eq!(
        peer.send(json!({"jsonrpc": "2.0", "method": "notifications/x"})),
        None
    );
}

#[test]
fn tools_list_serves_the_generated_list_with_the_operations_schemas() {
    let mut peer = Peer::initialized();
    let list = peer.call("tools/list", json!({}))["result"].clone();
    let names: Vec<&str> = list["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for name in [
        "list_clients",
        "list_profiles",
        "get_config",
        "diff_config",
        "list_available_servers",
        "describe_server",
        "add_server_to_config",
        "remove_server_from_config",
        "view_draft_config",
        "clear_draft_config",
        "validate_config",
        "publish_config",
        "deploy_config",
        "initialize_keys",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for tool in list["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{}", tool["name"]);
        assert_eq!(tool["outputSchema"]["type"], "object", "{}", tool["name"]);
        let annotations = &tool["annotations"];
        for hint in ["readOnlyHint", "destructiveHint", "idempotentHint"] {
            assert!(annotations[hint].is_boolean(), "{} {hint}", tool["name"]);
        }
    }
    let add = &list["tools"][4];
    assert_eq!(add["name"], "add_server_to_config");
    assert_eq!(add["inputSchema"]["required"], json!(["server_id"]));
    assert_eq!(
        add["inputSchema"]["properties"]["client_id"]["default"],
        "claude-desktop"
    );
    assert_eq!(add["annotations"]["readOnlyHint"], false);
    assert_eq!(list["tools"][0]["annotations"]["readOnlyHint"], true);
}

/// Every `format` keyword of the tools' schemas, with the schema path it sits at.
fn formats(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(format)) = map.get("format") {
                out.push((path.to_owned(), format.clone()));
            }
            for (key, value) in map {
                if !matches!(key.as_str(), "default" | "examples" | "const" | "enum") {
                    formats(value, &format!("{path}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                formats(item, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_tools_schemas_use_only_formats_json_schema_defines() {
    let mut found = Vec::new();
    formats(&tools::list(), "", &mut found);
    assert!(
        found.iter().any(|(_, f)| f == "date-time"),
        "standard formats stay: {found:?}"
    );
    let unknown: Vec<_> = found
        .iter()
        .filter(|(_, f)| !tools::JSON_SCHEMA_FORMATS.contains(&f.as_str()))
        .collect();
    assert!(unknown.is_empty(), "{unknown:?}");
}

#[test]
fn the_committed_tools_list_is_the_generated_one() {
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&tools::generate()).unwrap()
    );
    if text != tools::TOOLS {
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/mcp/tools.json");
            std::fs::write(path, &text).unwrap();
        } else {
            panic!(
                "core/src/mcp/tools.json is not what the operations' types generate; run \
                 `UPDATE_GENERATED=1 cargo test -p mcp-orchestration-core` and commit it"
            );
        }
    }
}

#[test]
fn the_whole_workflow_runs_through_tools() {
    let mut peer = Peer::initialized();
    let found = peer.tool("list_available_servers", json!({"q": "memory"}));
    assert!(found["structuredContent"]["count"].as_u64().unwrap() >= 1);
    let text: Value = serde_json::from_str(found["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(
        text, found["structuredContent"],
        "the text block is the same JSON"
    );

    // Python-system argument names, params as a JSON string, default client and profile.
    let added = peer.tool(
        "add_server_to_config",
        json!({"server_id": "filesystem", "params": "{\"path\": \"/tmp\"}", "server_name": "files"}),
    );
    assert_eq!(added.get("isError"), None, "{added}");
    assert_eq!(added["structuredContent"]["status"], "added");
    let added = peer.tool(
        "add_server_to_config",
        json!({"server_id": "memory", "env_vars": {"MEMORY_FILE_PATH": "/tmp/m.jsonl"}}),
    );
    assert_eq!(added["structuredContent"]["server_count"], 2);
    let view = peer.tool("view_draft_config", json!({"client_id": "claude-desktop"}));
    assert_eq!(
        view["structuredContent"]["mcpServers"]["memory"]["env"]["MEMORY_FILE_PATH"],
        "/tmp/m.jsonl"
    );
    assert_eq!(
        peer.tool("validate_config", json!({}))["structuredContent"]["valid"],
        true
    );
    let refused = peer.tool("publish_config", json!({}));
    assert_eq!(refused["isError"], true);
    assert!(
        refused["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("KEYS_NOT_INITIALIZED")
    );
    peer.tool("initialize_keys", json!({}));
    let published = peer.tool("publish_config", json!({"changelog": "first"}));
    let id = published["structuredContent"]["artifact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deployed = peer.tool("deploy_config", json!({}));
    assert_eq!(deployed["structuredContent"]["artifact_id"], id.as_str());
    let config = peer.tool("get_config", json!({}));
    assert_eq!(config["structuredContent"]["artifact_id"], id.as_str());

    let read = peer.call(
        "resources/read",
        json!({"uri": "mcp-orchestration://configs/claude-desktop/default/deployed"}),
    );
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["mimeType"], "application/json");
    let artifact: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(artifact["artifact_id"], id.as_str());

    let listed = peer.call("resources/list", json!({}))["result"]["resources"].clone();
    let uris: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    for uri in [
        "mcp-orchestration://catalog",
        "mcp-orchestration://catalog/memory",
        "mcp-orchestration://drafts/claude-desktop/default",
        "mcp-orchestration://configs/claude-desktop/default/latest",
        "mcp-orchestration://configs/claude-desktop/default/deployed",
    ] {
        assert!(uris.contains(&uri), "{uri} not in {uris:?}");
    }
    let templates = peer.call("resources/templates/list", json!({}));
    assert_eq!(
        templates["result"]["resourceTemplates"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let removed = peer.tool("remove_server_from_config", json!({"server_name": "files"}));
    assert_eq!(removed["structuredContent"]["status"], "removed");
    let cleared = peer.tool("clear_draft_config", json!({}));
    assert_eq!(cleared["structuredContent"]["status"], "cleared");
}

#[test]
fn a_team_server_and_an_imported_file_go_through_tools() {
    let mut peer = Peer::initialized();
    let server: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/server-json/remote-variables.json"
    ))
    .unwrap();
    let added = peer.tool("add_catalog_server", server);
    assert_eq!(added.get("isError"), None, "{added}");
    assert_eq!(added["structuredContent"]["status"], "added");
    let id = added["structuredContent"]["server"]["server_id"]
        .as_str()
        .expect("the entry's id")
        .to_owned();
    let described = peer.tool("describe_server", json!({"server_id": id}));
    assert_eq!(
        described["structuredContent"]["origin"], "team",
        "{described}"
    );

    let refused = peer.tool("add_catalog_server", json!({"name": "x"}));
    assert_eq!(refused["isError"], true, "{refused}");

    let imported = peer.tool(
        "import_config",
        json!({"text": include_str!("../../tests/fixtures/client-files/claude_desktop_config.json")}),
    );
    assert_eq!(imported.get("isError"), None, "{imported}");
    let result = &imported["structuredContent"];
    assert_eq!(result["linked"]["memory"], "memory", "{result}");
    assert_eq!(result["custom"], json!(["billing"]), "{result}");
    assert_eq!(
        result["secrets"][0]["field"], "env.BILLING_API_KEY",
        "{result}"
    );
    assert!(
        !result["secrets"]
            .to_string()
            .contains("bk_live_handwritten"),
        "the report names the literal secret without repeating it"
    );
    let view = peer.tool("view_draft_config", json!({}));
    let servers = &view["structuredContent"]["mcpServers"];
    assert_eq!(servers["billing"]["command"], "/opt/acme/bin/billing-mcp");
    assert!(servers.get("memory").is_some(), "{view}");
}

#[test]
fn failures_are_tool_results_and_unknown_tools_json_rpc_errors() {
    let mut peer = Peer::initialized();
    let unknown = peer.call(
        "tools/call",
        json!({"name": "format_disk", "arguments": {}}),
    );
    assert_eq!(error_code(&unknown), INVALID_PARAMS);
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("format_disk")
    );
    assert_eq!(
        error_code(&peer.call("tools/call", json!({}))),
        INVALID_PARAMS
    );
    assert_eq!(
        error_code(&peer.call(
            "tools/call",
            json!({"name": "list_clients", "arguments": [1]})
        )),
        INVALID_PARAMS
    );
    for (name, args, code) in [
        (
            "add_server_to_config",
            json!({"server_id": "filesystem", "param": {}}),
            "UNKNOWN_FIELD",
        ),
        (
            "add_server_to_config",
            json!({"server_id": "no-such"}),
            "SERVER_NOT_FOUND",
        ),
        ("describe_server", json!({}), "MISSING_FIELD"),
        (
            "list_profiles",
            json!({"client_id": "nope"}),
            "CLIENT_NOT_FOUND",
        ),
        ("get_config", json!({}), "NOTHING_PUBLISHED"),
    ] {
        let res = peer.tool(name, args);
        assert_eq!(res["isError"], true, "{name}: {res}");
        let text = res["content"][0]["text"].as_str().unwrap();
        assert!(text.contains(code), "{name}: {text}");
    }
}

#[test]
fn unknown_resources_are_32002() {
    let mut peer = Peer::initialized();
    for uri in [
        "mcp-orchestration://nothing",
        "mcp-orchestration://catalog/no-such",
        "mcp-orchestration://configs/claude-desktop/default/latest",
        "mcp-orchestration://drafts/no-client/default",
        "file:///etc/passwd",
    ] {
        let res = peer.call("resources/read", json!({"uri": uri}));
        assert_eq!(error_code(&res), RESOURCE_NOT_FOUND, "{uri}");
    }
    assert_eq!(
        error_code(&peer.call("resources/read", json!({}))),
        INVALID_PARAMS
    );
}

#[test]
fn a_tool_beyond_the_callers_scope_is_refused_as_its_route_would_be() {
    let mut peer = Peer::initialized();
    let fixed = Fixed::new(Timestamp(0), 3);
    let call = |peer: &mut Peer, scope: crate::Scope, name: &str| {
        let ports = Ports {
            scope,
            ..Ports::new(&fixed, &fixed, "token:t")
        };
        let msg = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": {}}});
        answer(
            msg.to_string().as_bytes(),
            &mut peer.session,
            &mut peer.store,
            &ports,
        )
        .unwrap()["result"]
            .clone()
    };
    let refused = call(&mut peer, crate::Scope::Read, "initialize_keys");
    assert_eq!(refused["isError"], true);
    assert!(
        refused["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("INSUFFICIENT_SCOPE")
    );
    let refused = call(&mut peer, crate::Scope::Edit, "deploy_config");
    assert!(
        refused["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("'publish'")
    );
    assert_eq!(
        call(&mut peer, crate::Scope::Read, "list_clients").get("isError"),
        None
    );
    assert_eq!(
        call(&mut peer, crate::Scope::Admin, "initialize_keys").get("isError"),
        None
    );
}

#[test]
fn every_tool_needs_the_scope_of_its_operations_route() {
    use crate::api::route::{Access, ROUTES, Route};
    let route_scope = |route: Route| {
        ROUTES
            .iter()
            .find(|r| r.route == route)
            .map(|r| match r.access {
                Access::Scope(s) => s,
                Access::Public => crate::Scope::Read,
            })
            .unwrap()
    };
    for (tool, route) in [
        (tools::Tool::ListClients, Route::ListClients),
        (tools::Tool::ListProfiles, Route::ListProfiles),
        (tools::Tool::GetConfig, Route::LatestConfig),
        (tools::Tool::DiffConfig, Route::Diff),
        (tools::Tool::ListAvailableServers, Route::ListServers),
        (tools::Tool::DescribeServer, Route::GetServer),
        (tools::Tool::AddServerToConfig, Route::DraftAdd),
        (tools::Tool::RemoveServerFromConfig, Route::DraftRemove),
        (tools::Tool::ViewDraftConfig, Route::DraftGet),
        (tools::Tool::ClearDraftConfig, Route::DraftClear),
        (tools::Tool::ValidateConfig, Route::Validate),
        (tools::Tool::PublishConfig, Route::Publish),
        (tools::Tool::DeployConfig, Route::Deploy),
        (tools::Tool::InitializeKeys, Route::InitKeys),
        (tools::Tool::ImportConfig, Route::Import),
        (tools::Tool::AddCatalogServer, Route::AddServer),
    ] {
        assert_eq!(tool.scope(), route_scope(route), "{}", tool.name());
    }
}
