//! `/mcp`, the MCP server over Streamable HTTP: sessions (`MCP-Session-Id`), the protocol
//! version header, the Origin rule and the same credentials as `/v1`. What the tools do is the
//! core's tests' and the SDK test's (`tests/mcp/sdk.test.mjs`) job; here, the transport.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

const VERSION: &str = "2025-11-25";

fn initialize_message() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": VERSION,
            "capabilities": {},
            "clientInfo": {"name": "blackbox", "version": "1"},
        },
    })
}

fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// `POST /mcp` with `message` and extra `headers`.
fn post(client: &Client, headers: &[(&str, &str)], message: &Value) -> Reply {
    let mut all = vec![
        ("Content-Type", "application/json"),
        ("Accept", "application/json, text/event-stream"),
    ];
    all.extend_from_slice(headers);
    client.request("POST", "/mcp", &all, Some(message.to_string().as_bytes()))
}

/// Starts a session: its id.
fn initialize(client: &Client) -> String {
    let r = post(client, &[], &initialize_message());
    let body = r.expect(200);
    assert_eq!(body["result"]["protocolVersion"], VERSION, "{body}");
    let id = r
        .header("mcp-session-id")
        .unwrap_or_else(|| panic!("initialize answered no MCP-Session-Id: {:?}", r.headers))
        .to_owned();
    assert!(
        id.len() >= 16 && id.bytes().all(|b| b.is_ascii_graphic()),
        "session id {id:?}"
    );
    let r = post(
        client,
        &[("MCP-Session-Id", &id), ("MCP-Protocol-Version", VERSION)],
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    assert_eq!(r.status, 202, "a notification is accepted: {}", r.text());
    id
}

/// A request in session `id`: its reply.
fn in_session(client: &Client, id: &str, message: &Value) -> Reply {
    post(
        client,
        &[("MCP-Session-Id", id), ("MCP-Protocol-Version", VERSION)],
        message,
    )
}

#[test]
fn initialize_starts_a_session_that_lists_tools_until_delete_ends_it() {
    let client = target().client();
    let session = initialize(&client);

    let list = in_session(&client, &session, &request(2, "tools/list", json!({}))).expect(200);
    assert_eq!(list["id"], 2, "{list}");
    let tools = list["result"]["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 16, "{list}");
    for tool in tools {
        assert!(tool["inputSchema"].is_object(), "{tool}");
        assert!(tool["outputSchema"].is_object(), "{tool}");
    }

    let ended = client.request("DELETE", "/mcp", &[("MCP-Session-Id", &session)], None);
    assert_eq!(ended.expect(200)["status"], "ended");

    let after = in_session(&client, &session, &request(3, "tools/list", json!({})));
    assert_eq!(after.expect_error(404)["code"], "SESSION_NOT_FOUND");
    let again = client.request("DELETE", "/mcp", &[("MCP-Session-Id", &session)], None);
    assert_eq!(again.expect_error(404)["code"], "SESSION_NOT_FOUND");
}

#[test]
fn a_request_after_initialize_needs_the_session_id() {
    let client = target().client();
    initialize(&client);
    let r = post(
        &client,
        &[("MCP-Protocol-Version", VERSION)],
        &request(2, "tools/list", json!({})),
    );
    assert_eq!(r.expect_error(400)["code"], "SESSION_REQUIRED");
    let r = client.request("DELETE", "/mcp", &[], None);
    assert_eq!(r.expect_error(400)["code"], "SESSION_REQUIRED");
    let unknown = "0123456789abcdef0123456789abcdef";
    let r = in_session(&client, unknown, &request(2, "tools/list", json!({})));
    assert_eq!(r.expect_error(404)["code"], "SESSION_NOT_FOUND");
}

#[test]
fn a_foreign_origin_is_refused_and_the_servers_own_is_not() {
    let client = target().client();
    let evil = [("Origin", "https://evil.example")];
    let r = post(&client, &evil, &initialize_message());
    let body = r.expect_error(403);
    assert_eq!(body["code"], "ORIGIN_NOT_ALLOWED", "{body}");
    assert!(r.detail().contains("https://evil.example"), "{body}");
    assert_eq!(r.header("mcp-session-id"), None);

    let session = initialize(&client);
    let mut headers = vec![("MCP-Session-Id", session.as_str())];
    headers.extend_from_slice(&evil);
    let r = client.request("DELETE", "/mcp", &headers, None);
    assert_eq!(r.expect_error(403)["code"], "ORIGIN_NOT_ALLOWED");

    let own = target().base_url().trim_end_matches('/').to_owned();
    let r = post(&client, &[("Origin", &own)], &initialize_message());
    assert_eq!(r.expect(200)["result"]["protocolVersion"], VERSION);
}

#[test]
fn an_unsupported_protocol_version_header_is_400() {
    let client = target().client();
    let r = post(
        &client,
        &[("MCP-Protocol-Version", "1999-01-01")],
        &initialize_message(),
    );
    let body = r.expect_error(400);
    assert_eq!(body["code"], "UNSUPPORTED_PROTOCOL_VERSION", "{body}");
    assert!(r.detail().contains(VERSION), "names what is served: {body}");

    let session = initialize(&client);
    let r = post(
        &client,
        &[
            ("MCP-Session-Id", &session),
            ("MCP-Protocol-Version", "2024-01-01"),
        ],
        &request(2, "ping", json!({})),
    );
    assert_eq!(r.expect_error(400)["code"], "UNSUPPORTED_PROTOCOL_VERSION");
}

#[test]
fn mcp_needs_the_credentials_v1_needs() {
    let anon = target().anonymous();
    let r = post(&anon, &[], &initialize_message());
    assert_eq!(r.expect_error(401)["code"], "AUTHENTICATION_REQUIRED");
    assert_eq!(r.header("mcp-session-id"), None);
    let r = anon.request(
        "DELETE",
        "/mcp",
        &[("MCP-Session-Id", "0123456789abcdef0123456789abcdef")],
        None,
    );
    assert_eq!(r.expect_error(401)["code"], "AUTHENTICATION_REQUIRED");

    let wrong = Client::new(target().base_url()).with_api_key("not-the-key");
    let r = post(&wrong, &[], &initialize_message());
    assert_eq!(r.expect_error(401)["code"], "INVALID_CREDENTIALS");

    // A valid session id is no credential.
    let session = initialize(&target().client());
    let r = in_session(&anon, &session, &request(2, "tools/list", json!({})));
    r.expect_error(401);
}

#[test]
fn a_body_that_is_not_one_json_rpc_message_is_400() {
    let client = target().client();
    let r = client.request(
        "POST",
        "/mcp",
        &[("Content-Type", "application/json")],
        Some(b"{not json"),
    );
    let body = r.expect_error(400);
    assert_eq!(body["code"], "INVALID_JSONRPC", "{body}");
    assert_eq!(body["jsonrpc"]["error"]["code"], -32700, "{body}");
}

#[test]
fn a_tool_call_over_mcp_changes_what_v1_answers() {
    let client = target().client();
    let session = initialize(&client);
    let profile = unique_id("mcp-http");
    let server = simple_server_id(&client, 0);
    let call = request(
        2,
        "tools/call",
        json!({"name": "add_server_to_config", "arguments": {"server_id": server, "profile_id": profile}}),
    );
    let res = in_session(&client, &session, &call).expect(200);
    assert_eq!(res["result"].get("isError"), None, "{res}");
    assert_eq!(
        res["result"]["structuredContent"]["status"], "added",
        "{res}"
    );

    let shown = draft(&client, CLIENT, &profile);
    assert!(shown["mcpServers"][&server].is_object(), "{shown}");

    let bad = request(
        3,
        "tools/call",
        json!({"name": "add_server_to_config", "arguments": {"server_id": server, "param": {}}}),
    );
    let res = in_session(&client, &session, &bad).expect(200);
    assert_eq!(res["result"]["isError"], true, "{res}");
    let text = res["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("UNKNOWN_FIELD"), "{res}");
}

#[test]
fn each_tool_call_needs_the_scope_of_its_operation() {
    let admin = target().client();
    let created = admin
        .post("/v1/tokens", &json!({"name": "mcp-read", "scope": "read"}))
        .expect(201);
    let read = Client::new(target().base_url()).with_bearer(created["token"].as_str().unwrap());
    let session = initialize(&read);
    let call = |name: &str, arguments: Value| {
        in_session(
            &read,
            &session,
            &request(
                5,
                "tools/call",
                json!({"name": name, "arguments": arguments}),
            ),
        )
        .expect(200)["result"]
            .clone()
    };
    let listed = call("list_clients", json!({}));
    assert_eq!(listed.get("isError"), None, "{listed}");
    let profile = unique_id("mcp-scope");
    let refused = call(
        "add_server_to_config",
        json!({"profile_id": profile, "server_id": "memory"}),
    );
    assert_eq!(refused["isError"], true, "{refused}");
    let text = refused["content"][0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("INSUFFICIENT_SCOPE") && text.contains("'edit'"),
        "{text}"
    );
    let draft = admin
        .get(&config_path(CLIENT, &profile, "/draft"))
        .expect(200);
    assert_eq!(draft["server_count"], 0, "nothing was added: {draft}");
}
