//! What only a harness-started native server shows: the first-start token, graceful shutdown
//! and persistence across a restart, and real deploys into client config files (Claude Desktop,
//! Claude Code, VS Code, Zed), which leave the entries they did not write alone.
//! Every test here is marked `cfg_attr(worker_host, ignore = "native host only: …")`: a worker
//! run lists them as ignored (see the crate docs of the harness).
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// Where Claude Desktop keeps its config on Linux, under the server's `HOME`.
fn claude_config(home: &Path) -> PathBuf {
    home.join(".config")
        .join("Claude")
        .join("claude_desktop_config.json")
}

fn tokens(client: &Client) -> Vec<Value> {
    client.get("/v1/tokens").expect(200)["tokens"]
        .as_array()
        .expect("tokens array")
        .clone()
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: stops and restarts its own server process"
)]
fn restart_loses_nothing() {
    let mut server = native_server("restart_loses_nothing", ServerOptions::default());
    let generated = server.generated_tokens();
    assert_eq!(
        generated.len(),
        1,
        "a first start with no tokens prints one `Generated token:`; log:\n{}",
        server.log()
    );
    let first_token = generated[0].clone();
    assert_eq!(first_token.len(), 43, "generated token {first_token:?}");
    let base = server.base_url();
    Client::new(&base)
        .with_bearer(&first_token)
        .get("/v1/clients")
        .expect(200);

    let client = server.client();
    ensure_keys(&client);
    let key = client.get("/v1/keys/public").expect(200);
    let profile = profile_with(&client, CLIENT, "restart", 1);
    let artifact_id = publish(&client, CLIENT, &profile);
    add_entry(
        &client,
        CLIENT,
        &profile,
        &simple_server_id(&client, 1),
        Some("later"),
    );
    let deployed = client
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect(200);
    let draft_before = draft(&client, CLIENT, &profile);
    let history = client
        .get(&config_path(CLIENT, &profile, "/history"))
        .expect(200);
    let created = client
        .post("/v1/tokens", &json!({ "name": "survivor" }))
        .expect(201);
    let token = created["token"].as_str().expect("token").to_owned();
    let bearer = Client::new(&base).with_bearer(&token);
    for _ in 0..5 {
        bearer.get("/v1/servers").expect(200);
    }
    let tokens_before = tokens(&client);

    let status = server.stop();
    assert_eq!(
        status.code(),
        Some(0),
        "SIGTERM must end the server with exit code 0; log:\n{}",
        server.log()
    );
    assert!(
        server.log().contains("Server shut down gracefully"),
        "log must say `Server shut down gracefully`:\n{}",
        server.log()
    );

    server.restart();
    assert_eq!(
        server.generated_tokens().len(),
        1,
        "a restart with tokens must not generate another; log:\n{}",
        server.log()
    );
    let client = server.client();
    let base = server.base_url();
    assert_eq!(
        draft(&client, CLIENT, &profile),
        draft_before,
        "draft survives"
    );
    assert_eq!(
        client
            .get(&config_path(CLIENT, &profile, "/history"))
            .expect(200),
        history,
        "history survives"
    );
    let latest = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    assert_eq!(latest["artifact_id"], json!(artifact_id));
    verify_artifact(&latest, key["public_key"].as_str().expect("public_key"));
    let after_deploy = client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect(200);
    assert_eq!(after_deploy["artifact_id"], deployed["artifact_id"]);
    assert_eq!(after_deploy["deployed_at"], deployed["deployed_at"]);
    assert_eq!(
        client.get("/v1/keys/public").expect(200),
        key,
        "signing keys survive"
    );
    client
        .post("/v1/keys/initialize", &json!({}))
        .expect_error(409);

    assert_eq!(
        tokens(&client),
        tokens_before,
        "tokens and their usage survive"
    );
    let survivor = tokens(&client)
        .into_iter()
        .find(|t| t["token_id"] == created["token_id"])
        .expect("token listed");
    assert_eq!(survivor["usage_count"], json!(5), "{survivor}");
    Client::new(&base)
        .with_bearer(&token)
        .get("/v1/clients")
        .expect(200);
    Client::new(&base)
        .with_bearer(&first_token)
        .get("/v1/clients")
        .expect(200);
}

/// A profile of `client_id` with two published entries; returns (profile, artifact).
fn published(client: &Client, client_id: &str, tag: &str) -> (String, Value) {
    let profile = profile_with(client, client_id, tag, 2);
    let id = publish(client, client_id, &profile);
    let artifact = client.get(&format!("/v1/artifacts/{id}")).expect(200);
    (profile, artifact)
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_merges_into_an_existing_claude_desktop_file() {
    let server = native_server(
        "deploy_merges_into_an_existing_claude_desktop_file",
        ServerOptions::default(),
    );
    let client = server.client();
    let path = claude_config(&server.home());
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create config dir");
    let original = serde_json::to_string_pretty(&json!({
        "globalShortcut": "Ctrl+Alt+Space",
        "mcpServers": { "hand-made": { "command": "node", "args": ["/opt/hand-made.js"] } },
        "preferences": { "theme": "dark", "nested": [1, 2, 3] },
    }))
    .expect("serialize");
    std::fs::write(&path, &original).expect("write config");

    let (profile, artifact) = published(&client, CLIENT, "merge");
    let body = client
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect(200);
    assert_eq!(
        body["config_path"],
        json!(path.to_string_lossy()),
        "deploy must name the file it wrote: {body}"
    );
    assert_eq!(body["artifact_id"], artifact["artifact_id"]);

    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read config"))
            .expect("deployed file is JSON");
    assert_eq!(
        written["globalShortcut"],
        json!("Ctrl+Alt+Space"),
        "unmanaged keys survive: {written}"
    );
    assert_eq!(
        written["preferences"],
        json!({ "theme": "dark", "nested": [1, 2, 3] }),
        "unmanaged keys survive: {written}"
    );
    let mut servers = artifact["payload"]["mcpServers"].clone();
    servers["hand-made"] = json!({ "command": "node", "args": ["/opt/hand-made.js"] });
    assert_eq!(
        written["mcpServers"], servers,
        "the artifact's entries beside the one added by hand"
    );
    assert_eq!(body["left_alone"], json!(["hand-made"]), "{body}");

    let dir = path.parent().expect("parent");
    let backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read config dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p != &path && std::fs::read_to_string(p).is_ok_and(|text| text == original))
        .collect();
    assert_eq!(
        backups.len(),
        1,
        "one backup of the previous file must sit beside it; dir has {:?}",
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
    );
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_creates_a_missing_claude_desktop_file() {
    let server = native_server(
        "deploy_creates_a_missing_claude_desktop_file",
        ServerOptions::default(),
    );
    let client = server.client();
    let path = claude_config(&server.home());
    let (profile, artifact) = published(&client, CLIENT, "create");
    client
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect(200);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("deploy created the file"))
            .expect("JSON");
    assert_eq!(written["mcpServers"], artifact["payload"]["mcpServers"]);
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: plants a client file for the deploy"
)]
fn deploy_into_an_unparseable_file_is_409_and_leaves_it_untouched() {
    let server = native_server(
        "deploy_into_an_unparseable_file_is_409_and_leaves_it_untouched",
        ServerOptions::default(),
    );
    let client = server.client();
    let path = claude_config(&server.home());
    let dir = path.parent().expect("parent").to_path_buf();
    std::fs::create_dir_all(&dir).expect("create config dir");
    let original: &[u8] = b"{ \"globalShortcut\": \"Ctrl+Space\", \"mcpServers\": { \"broken\": \n";
    std::fs::write(&path, original).expect("write config");

    let (profile, _) = published(&client, CLIENT, "broken");
    client
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect_error(409);
    assert_eq!(
        std::fs::read(&path).expect("file still there"),
        original,
        "the file must be left byte for byte"
    );
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "nothing else written beside it: {entries:?}"
    );
    client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect_error(404);
}

/// `text` without its `//` comment lines, parsed as JSON.
fn parse_jsonc_lines(text: &str) -> Value {
    let json: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("not JSON(C): {e}: {text}"))
}

/// Deploys a two-entry artifact to `client_id` on `server`, whose file (relative to `HOME`)
/// starts as `original`; returns the artifact and the file's text after the deploy.
fn deploy_to(server: &Server, client_id: &str, relative: &str, original: &str) -> (Value, String) {
    let client = server.client();
    let path = server.home().join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create config dir");
    std::fs::write(&path, original).expect("write config");
    let (profile, artifact) = published(&client, client_id, client_id);
    let body = client
        .post(&config_path(client_id, &profile, "/deploy"), &json!({}))
        .expect(200);
    assert_eq!(body["config_path"], json!(path.to_string_lossy()), "{body}");
    (
        artifact,
        std::fs::read_to_string(&path).expect("read deployed file"),
    )
}

/// Asserts the `block` object of a deployed `file` renders exactly the artifact's entries: each
/// with the payload's command and args, and `key: value` (what the client needs besides).
fn assert_renders_payload(
    file: &Value,
    block: &str,
    artifact: &Value,
    (key, value): (&str, Value),
) {
    let servers = file[block]
        .as_object()
        .unwrap_or_else(|| panic!("no {block} block: {file}"));
    let payload = artifact["payload"]["mcpServers"]
        .as_object()
        .expect("payload");
    assert_eq!(servers.len(), payload.len(), "{file}");
    for (name, entry) in payload {
        let rendered = &servers[name];
        assert_eq!(
            rendered[key], value,
            "each {block} entry needs {key} {value}: {rendered}"
        );
        assert_eq!(rendered["command"], entry["command"], "{rendered}");
        assert_eq!(rendered["args"], entry["args"], "{rendered}");
    }
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_renders_vs_code_servers_and_keeps_its_comments() {
    let server = native_server(
        "deploy_renders_vs_code_servers_and_keeps_its_comments",
        ServerOptions::default(),
    );
    let original = "// My VS Code MCP servers\n{\n  \"inputs\": [{\"id\": \"tok\", \"type\": \"promptString\"}],\n  \"servers\": {}\n}\n";
    let (artifact, text) = deploy_to(&server, "vscode", ".config/Code/User/mcp.json", original);
    assert!(
        text.contains("// My VS Code MCP servers"),
        "comments must survive a deploy:\n{text}"
    );
    let file = parse_jsonc_lines(&text);
    assert_eq!(
        file["inputs"],
        json!([{"id": "tok", "type": "promptString"}]),
        "unmanaged keys survive: {file}"
    );
    assert_renders_payload(&file, "servers", &artifact, ("type", json!("stdio")));
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_renders_zed_context_servers() {
    let server = native_server(
        "deploy_renders_zed_context_servers",
        ServerOptions::default(),
    );
    let original = "{\n  \"theme\": \"One Dark\",\n  \"context_servers\": {}\n}\n";
    let (artifact, text) = deploy_to(&server, "zed", ".config/zed/settings.json", original);
    let file = parse_jsonc_lines(&text);
    assert_eq!(
        file["theme"],
        json!("One Dark"),
        "unmanaged keys survive: {file}"
    );
    assert_renders_payload(
        &file,
        "context_servers",
        &artifact,
        ("source", json!("custom")),
    );
}

/// Where Claude Code keeps its user config, under the server's `HOME`.
fn claude_code_config(home: &Path) -> PathBuf {
    home.join(".claude.json")
}

/// An entry added by hand, as `claude mcp add` writes it.
const HAND_MADE: &str = "\"hand-made\": {\n      \"type\": \"stdio\",\n      \"command\": \"node\",\n      \"args\": [\"/opt/hand-made.js\"],\n      \"env\": {}\n    }";

/// Plants a `~/.claude.json` holding [`HAND_MADE`] and the other keys Claude Code keeps there;
/// returns its path and text.
fn plant_claude_code(server: &Server) -> (PathBuf, String) {
    let path = claude_code_config(&server.home());
    let original = format!(
        "{{\n  \"numStartups\": 42,\n  \"projects\": {{\"/src/app\": {{\"allowedTools\": [], \"mcpServers\": {{\"local\": {{\"command\": \"x\"}}}}}}}},\n  \"mcpServers\": {{\n    {HAND_MADE}\n  }},\n  \"oauthAccount\": {{\"emailAddress\": \"ada@example.com\"}}\n}}\n"
    );
    std::fs::write(&path, &original).expect("write ~/.claude.json");
    (path, original)
}

fn deploy_body(client: &Client, client_id: &str, profile: &str, body: &Value) -> Value {
    client
        .post(&config_path(client_id, profile, "/deploy"), body)
        .expect(200)
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_leaves_what_the_user_added_to_claude_code_alone() {
    let server = native_server(
        "deploy_leaves_what_the_user_added_to_claude_code_alone",
        ServerOptions::default(),
    );
    let client = server.client();
    let (path, original) = plant_claude_code(&server);
    let before: Value = serde_json::from_str(&original).expect("JSON");
    let (profile, artifact) = published(&client, "claude-code", "own");
    let names: Vec<String> = artifact["payload"]["mcpServers"]
        .as_object()
        .expect("payload")
        .keys()
        .cloned()
        .collect();

    let body = deploy_body(&client, "claude-code", &profile, &json!({}));
    assert_eq!(body["config_path"], json!(path.to_string_lossy()), "{body}");
    assert_eq!(body["added"], json!(names), "{body}");
    assert_eq!(body["left_alone"], json!(["hand-made"]), "{body}");
    assert_eq!(body["removed"], json!([]), "{body}");
    let text = std::fs::read_to_string(&path).expect("read ~/.claude.json");
    assert!(
        text.contains(HAND_MADE),
        "the entry stays byte for byte:\n{text}"
    );
    let after: Value = serde_json::from_str(&text).expect("JSON");
    for key in ["numStartups", "projects", "oauthAccount"] {
        assert_eq!(after[key], before[key], "{key} survives:\n{text}");
    }
    for name in &names {
        assert_eq!(after["mcpServers"][name]["type"], json!("stdio"), "{text}");
    }

    // A smaller artifact: only the entry the deploy wrote goes.
    let dropped = &names[1];
    client
        .post(
            &config_path("claude-code", &profile, "/draft/remove"),
            &json!({ "server_id": dropped }),
        )
        .expect(200);
    publish(&client, "claude-code", &profile);
    let body = deploy_body(&client, "claude-code", &profile, &json!({}));
    assert_eq!(body["removed"], json!([dropped]), "{body}");
    assert_eq!(body["unchanged"], json!([names[0]]), "{body}");
    assert_eq!(body["left_alone"], json!(["hand-made"]), "{body}");
    let text = std::fs::read_to_string(&path).expect("read ~/.claude.json");
    assert!(text.contains(HAND_MADE), "{text}");
    let after: Value = serde_json::from_str(&text).expect("JSON");
    assert!(after["mcpServers"].get(dropped).is_none(), "{text}");
    assert_eq!(after["projects"], before["projects"], "{text}");
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: reads the client file a deploy writes"
)]
fn deploy_over_an_entry_the_user_added_is_409_until_adopted() {
    let server = native_server(
        "deploy_over_an_entry_the_user_added_is_409_until_adopted",
        ServerOptions::default(),
    );
    let client = server.client();
    let (path, original) = plant_claude_code(&server);
    let profile = unique_id("clash");
    add_entry(
        &client,
        "claude-code",
        &profile,
        &simple_server_id(&client, 0),
        Some("hand-made"),
    );
    publish(&client, "claude-code", &profile);

    for body in [json!({}), json!({ "dry_run": true })] {
        let reply = client.post(&config_path("claude-code", &profile, "/deploy"), &body);
        let error = reply.expect_error(409);
        assert_eq!(error["code"], json!("ENTRY_CONFLICT"), "{error}");
        assert_eq!(error["conflicts"], json!(["hand-made"]), "{error}");
        assert!(reply.detail().contains("'hand-made'"), "{error}");
    }
    client
        .get(&config_path("claude-code", &profile, "/deployed"))
        .expect_error(404);

    let dry = deploy_body(
        &client,
        "claude-code",
        &profile,
        &json!({ "adopt": true, "dry_run": true }),
    );
    assert_eq!(dry["updated"], json!(["hand-made"]), "{dry}");
    assert_eq!(dry["deployed"], json!(false), "{dry}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        original,
        "a dry run writes nothing"
    );

    let adopted = deploy_body(&client, "claude-code", &profile, &json!({ "adopt": true }));
    assert_eq!(adopted["updated"], json!(["hand-made"]), "{adopted}");
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
    assert_ne!(
        after["mcpServers"]["hand-made"]["command"],
        json!("node"),
        "adopted: {after}"
    );
    assert_eq!(after["numStartups"], json!(42), "{after}");
}
