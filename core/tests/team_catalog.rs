//! The deployment's own catalog entries: real `server.json` files added through `/v1/servers`,
//! listed beside the built-in ones, added to drafts and rendered for every client; the ones
//! the catalog cannot honour refused with the field and why.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bytes::Bytes;
use http::Method;
use mcp_orchestration_core::api::{self, Host, Settings};
use mcp_orchestration_core::client::clients;
use mcp_orchestration_core::payload::Payload;
use mcp_orchestration_core::ports::{ClientFiles, Fixed};
use mcp_orchestration_core::render;
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{MemoryStore, Timestamp};
use serde_json::{Value, json};

use common::Files;

const KEY: &str = "test-api-key";

struct World {
    store: MemoryStore,
    fixed: Fixed,
    usage: Usage,
    settings: Settings,
    files: Files,
}

impl World {
    fn new() -> Self {
        Self {
            store: MemoryStore::new(),
            fixed: Fixed::new(Timestamp(1_764_000_000_000), 7),
            usage: Usage::new(),
            settings: Settings::from_vars(Some(KEY), None),
            files: Files::default(),
        }
    }

    fn call(&mut self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("x-api-key", KEY)
            .body(Bytes::from(body))
            .unwrap();
        let host = Host {
            clock: &self.fixed,
            entropy: &self.fixed,
            files: Some(&self.files as &dyn ClientFiles),
            keyring: None,
            usage: &self.usage,
            settings: &self.settings,
        };
        let res = api::handle(req, &mut self.store, &host);
        let status = res.status().as_u16();
        (
            status,
            serde_json::from_slice(res.body()).unwrap_or(Value::Null),
        )
    }
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/server-json/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The five files, the id each gets, what a draft add gives it, and the entry it makes.
fn cases() -> Vec<(&'static str, &'static str, Value, Value)> {
    vec![
        (
            "npm-filesystem",
            "filesystem-team",
            json!({"params": {"allowed_directory": "/home/u/work"}}),
            json!({"command": "npx",
                   "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/home/u/work"],
                   "env": {"LOG_LEVEL": "info"}}),
        ),
        (
            "pypi-fetch",
            "fetch-pinned",
            json!({"params": {"user_agent": "acme-bot"}}),
            json!({"command": "uvx",
                   "args": ["mcp-server-fetch@2025.4.7", "--user-agent=acme-bot", "--ignore-robots-txt=false"]}),
        ),
        (
            "oci-github",
            "github-mcp-server",
            json!({"env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_example"}}),
            json!({"command": "docker",
                   "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "-e", "GITHUB_TOOLSETS",
                            "ghcr.io/github/github-mcp-server:0.20.1", "stdio"],
                   "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_example"}}),
        ),
        (
            "remote-variables",
            "tenant-docs",
            json!({"params": {"tenant_id": "acme-corp"}}),
            json!({"type": "http", "url": "https://acme-corp.eu.acme.example/mcp"}),
        ),
        (
            "remote-secret-header",
            "mcp",
            json!({"headers": {"Authorization": "sb_live_example"}}),
            json!({"type": "http", "url": "https://mcp.servbit.com/mcp",
                   "headers": {"Authorization": "Bearer sb_live_example"}}),
        ),
    ]
}

#[test]
fn five_real_server_json_files_are_added_listed_and_rendered_for_every_client() {
    let mut w = World::new();
    for (file, id, _, _) in cases() {
        // "filesystem" and "fetch" are built in: those files go in under ids of their own.
        let (status, body) = if file.starts_with("npm") || file.starts_with("pypi") {
            let (status, body) = w.call(Method::POST, "/v1/servers", Some(&fixture(file)));
            assert_eq!(
                (status, body["code"].as_str()),
                (409, Some("SERVER_EXISTS")),
                "{body}"
            );
            w.call(
                Method::PUT,
                &format!("/v1/servers/{id}"),
                Some(&fixture(file)),
            )
        } else {
            w.call(Method::POST, "/v1/servers", Some(&fixture(file)))
        };
        assert!(matches!(status, 200 | 201), "{file}: {body}");
        assert_eq!(body["server"]["server_id"], id, "{file}: {body}");
        assert_eq!(body["server"]["origin"], "team");
        assert!(
            body["server"]["tags"]
                .as_array()
                .unwrap()
                .contains(&json!("team"))
        );
    }

    let (_, list) = w.call(Method::GET, "/v1/servers", None);
    let origin = |id: &str| {
        list["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["server_id"] == id)
            .map(|s| s["origin"].clone())
    };
    assert_eq!(origin("memory"), Some(json!("builtin")));
    assert_eq!(origin("filesystem"), Some(json!("builtin")));
    for (_, id, _, _) in cases() {
        assert_eq!(origin(id), Some(json!("team")), "{id} listed as team");
    }
    let (_, found) = w.call(Method::GET, "/v1/servers?q=tenant", None);
    assert_eq!(found["servers"][0]["server_id"], "tenant-docs", "{found}");
    let (_, secret) = w.call(Method::GET, "/v1/servers/mcp", None);
    assert_eq!(
        secret["headers"][0],
        json!({"name": "Authorization", "description": "Servbit API key.", "required": true,
               "secret": true, "prefix": "Bearer "})
    );

    for client in clients() {
        let c = client.client_id();
        for (file, id, given, expected) in cases() {
            let mut body = given.clone();
            body["server_id"] = json!(id);
            let (status, answer) = w.call(
                Method::POST,
                &format!("/v1/config/{c}/default/draft/add"),
                Some(&body),
            );
            assert_eq!(status, 200, "{c} {file}: {answer}");
            assert_eq!(answer["draft"]["mcpServers"][id], expected, "{c} {file}");
        }
        let (_, draft) = w.call(Method::GET, &format!("/v1/config/{c}/default/draft"), None);
        let payload = Payload::from_value(&draft).unwrap();
        let block = render::servers_block(client, &payload)
            .unwrap_or_else(|e| panic!("{c} does not render: {e}"));
        let back = render::payload_from_block(client, &block).unwrap();
        assert_eq!(back, payload, "{c} reads back what it was given");
    }
}

#[test]
fn server_json_the_catalog_cannot_honour_is_refused_naming_the_field() {
    let mut w = World::new();
    let refusals: Vec<(Value, &str, &str)> = vec![
        (
            {
                let mut f = fixture("pypi-fetch");
                f["packages"][0]["registryType"] = json!("nuget");
                f
            },
            "SERVER_JSON_INVALID",
            "'packages[0].registryType' cannot be used: 'nuget' packages are not supported",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                f["packages"][0]["transport"] =
                    json!({"type": "streamable-http", "url": "http://localhost:8080/mcp"});
                f
            },
            "SERVER_JSON_INVALID",
            "'packages[0].transport.type' cannot be used",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                f["packages"][0]["runtimeHint"] = json!("pipx");
                f
            },
            "SERVER_JSON_INVALID",
            "'packages[0].runtimeHint' cannot be used: 'pipx': pypi packages run with uvx",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                f["packages"][0]["packageArguments"][0]["isSecret"] = json!(true);
                f
            },
            "SERVER_JSON_INVALID",
            "'packages[0].packageArguments[0].name' cannot be used: a secret value here would sit in the client file",
        ),
        (
            {
                let mut f = fixture("remote-variables");
                f["remotes"][0]["url"] = json!("https://{tenant_id}.{zone}.acme.example/mcp");
                f
            },
            "SERVER_JSON_INVALID",
            "'remotes[0].url' cannot be used: '{zone}' is not one of its variables",
        ),
        (
            {
                let mut f = fixture("remote-variables");
                f["remotes"][0]["type"] = json!("websocket");
                f
            },
            "SERVER_JSON_INVALID",
            "'remotes[0].type' cannot be used: 'websocket' is not a remote transport",
        ),
        (
            {
                let mut f = fixture("remote-secret-header");
                f["remotes"][0]["headers"][0]["value"] = json!("{scheme} {api_key}");
                f
            },
            "SERVER_JSON_INVALID",
            "'remotes[0].headers[0].value' cannot be used",
        ),
        (
            {
                let mut f = fixture("oci-github");
                f.as_object_mut().unwrap().remove("packages");
                f
            },
            "SERVER_JSON_INVALID",
            "'packages' cannot be used: the server needs a package (npm, pypi or oci) or a remote",
        ),
        (
            {
                let mut f = fixture("oci-github");
                f.as_object_mut().unwrap().remove("websiteUrl");
                f
            },
            "SERVER_JSON_INVALID",
            "'websiteUrl' cannot be used",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                f["name"] = json!("io.github.example/.hidden");
                f
            },
            "SERVER_JSON_INVALID",
            "'name' cannot be used",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                let p = f["packages"][0].as_object_mut().unwrap();
                let t = p.remove("registryType").unwrap();
                p.insert("registry_type".into(), t);
                f
            },
            "UNKNOWN_FIELD",
            "'packages[0].registry_type'",
        ),
        (
            {
                let mut f = fixture("pypi-fetch");
                f.as_object_mut().unwrap().remove("version");
                f
            },
            "MISSING_FIELD",
            "'version'",
        ),
    ];
    for (body, code, says) in refusals {
        let (status, answer) = w.call(Method::POST, "/v1/servers", Some(&body));
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["code"], code, "{answer}");
        let detail = answer["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail:?} should say {says:?}");
    }
    let (_, list) = w.call(Method::GET, "/v1/servers?q=team", None);
    assert_eq!(list["count"], 0, "nothing refused was stored: {list}");
}

#[test]
fn built_in_entries_are_read_only_and_team_entries_are_replaced_and_removed() {
    let mut w = World::new();
    let f = fixture("pypi-fetch");
    for method in [Method::PUT, Method::DELETE] {
        let body = (method == Method::PUT).then_some(&f);
        let (status, answer) = w.call(method, "/v1/servers/memory", body);
        assert_eq!(
            (status, answer["code"].as_str()),
            (409, Some("SERVER_READ_ONLY")),
            "{answer}"
        );
    }
    let (status, answer) = w.call(Method::DELETE, "/v1/servers/nope", None);
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("SERVER_NOT_FOUND"))
    );

    let (status, answer) = w.call(Method::PUT, "/v1/servers/web-fetch", Some(&f));
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("added")),
        "{answer}"
    );
    let mut newer = f.clone();
    newer["packages"][0]["version"] = json!("2025.9.1");
    let (_, answer) = w.call(Method::PUT, "/v1/servers/web-fetch", Some(&newer));
    assert_eq!(answer["status"], "updated");
    let (_, got) = w.call(Method::GET, "/v1/servers/web-fetch", None);
    assert_eq!(got["args"][0], "mcp-server-fetch@2025.9.1");

    let (status, answer) = w.call(Method::DELETE, "/v1/servers/web-fetch", None);
    assert_eq!((status, answer["status"].as_str()), (200, Some("removed")));
    let (status, _) = w.call(Method::GET, "/v1/servers/web-fetch", None);
    assert_eq!(status, 404);
    let (_, all) = w.call(Method::GET, "/v1/servers", None);
    assert!(
        all["servers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["origin"] == "builtin")
    );
}

const TOKEN_VALUE: &str = "ghp_s3cr3tValueThatMustNotTravel";
const KEY_VALUE: &str = "sb_live_s3cr3tKeyValue";

/// Adds the GitHub (oci) and Servbit (secret header) team servers to `client`'s draft with
/// their secrets by reference, publishes and deploys; the deploy's answer.
fn deploy_with_secrets(w: &mut World, client: &str) -> (u16, Value) {
    for file in ["oci-github", "remote-secret-header"] {
        let (status, _) = w.call(Method::POST, "/v1/servers", Some(&fixture(file)));
        assert!(matches!(status, 201 | 409));
    }
    let add = |body: Value| body;
    for body in [
        add(json!({"server_id": "github-mcp-server",
                   "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": {"secret": "GITHUB_PERSONAL_ACCESS_TOKEN"}}})),
        add(json!({"server_id": "mcp", "headers": {"Authorization": {"secret": "SERVBIT_KEY"}}})),
    ] {
        let (status, answer) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/default/draft/add"),
            Some(&body),
        );
        assert_eq!(status, 200, "{client}: {answer}");
    }
    let (_, report) = w.call(
        Method::POST,
        &format!("/v1/config/{client}/default/validate"),
        None,
    );
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["code"] != "PLAINTEXT_SECRET"),
        "{report}"
    );
    w.call(Method::POST, "/v1/keys/initialize", Some(&json!({})));
    let (status, published) = w.call(
        Method::POST,
        &format!("/v1/config/{client}/default/publish"),
        Some(&json!({})),
    );
    assert_eq!(status, 200, "{published}");
    w.call(
        Method::POST,
        &format!("/v1/config/{client}/default/deploy"),
        Some(&json!({})),
    )
}

/// Every value the store holds, as text.
fn store_text(w: &World) -> String {
    use mcp_orchestration_core::Store;
    w.store
        .list("")
        .unwrap()
        .into_iter()
        .map(|(k, v)| format!("{k} {}\n", String::from_utf8_lossy(&v)))
        .collect()
}

#[test]
fn clients_with_a_reference_syntax_get_the_reference_and_nobody_stores_the_value() {
    let cases: [(&str, &[&str]); 6] = [
        (
            "vscode",
            &[
                "${input:GITHUB_PERSONAL_ACCESS_TOKEN}",
                "Bearer ${input:SERVBIT_KEY}",
                "\"id\": \"SERVBIT_KEY\"",
                "\"id\": \"GITHUB_PERSONAL_ACCESS_TOKEN\"",
                "\"password\": true",
            ],
        ),
        (
            "claude-code",
            &["${GITHUB_PERSONAL_ACCESS_TOKEN}", "Bearer ${SERVBIT_KEY}"],
        ),
        (
            "cursor",
            &[
                "${env:GITHUB_PERSONAL_ACCESS_TOKEN}",
                "Bearer ${env:SERVBIT_KEY}",
            ],
        ),
        (
            "windsurf",
            &[
                "${env:GITHUB_PERSONAL_ACCESS_TOKEN}",
                "Bearer ${env:SERVBIT_KEY}",
            ],
        ),
        (
            "gemini-cli",
            &["$GITHUB_PERSONAL_ACCESS_TOKEN", "Bearer $SERVBIT_KEY"],
        ),
        (
            "codex",
            &[
                "env_vars = [\"GITHUB_PERSONAL_ACCESS_TOKEN\"]",
                "bearer_token_env_var = \"SERVBIT_KEY\"",
            ],
        ),
    ];
    for (client, references) in cases {
        let mut w = World::new();
        // The machine has the values; a client with a syntax must not need them.
        w.files.secrets.borrow_mut().extend([
            (
                "GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
                TOKEN_VALUE.to_owned(),
            ),
            ("SERVBIT_KEY".to_owned(), KEY_VALUE.to_owned()),
        ]);
        let (status, deployed) = deploy_with_secrets(&mut w, client);
        assert_eq!(status, 200, "{client}: {deployed}");
        let path = deployed["config_path"].as_str().unwrap();
        let text = w.files.files.borrow()[path].clone();
        for reference in references {
            assert!(
                text.contains(reference),
                "{client}: {reference} not in\n{text}"
            );
        }
        for value in [TOKEN_VALUE, KEY_VALUE] {
            assert!(
                !text.contains(value),
                "{client}: the file holds a value:\n{text}"
            );
        }
        let (_, again) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/default/deploy"),
            Some(&json!({})),
        );
        assert_eq!(
            again["unchanged"].as_array().map(Vec::len),
            Some(2),
            "{again}"
        );
        assert_eq!(
            w.files.files.borrow()[path],
            text,
            "{client}: a second deploy changes nothing"
        );
        let stored = store_text(&w);
        assert!(
            stored.contains("\"secret\":\"SERVBIT_KEY\""),
            "{client}: references stored"
        );
        for value in [TOKEN_VALUE, KEY_VALUE] {
            assert!(!stored.contains(value), "{client}: the store holds a value");
        }
        // What the file holds reads back as the references deployed: no drift.
        let c = mcp_orchestration_core::client::client(client).unwrap();
        let (_, latest) = w.call(Method::GET, &format!("/v1/config/{client}/default"), None);
        let payload = Payload::from_value(&latest["payload"]).unwrap();
        let block = render::servers_block(c, &payload).unwrap();
        assert_eq!(
            render::payload_from_block(c, &block).unwrap(),
            payload,
            "{client}"
        );
    }
}

#[test]
fn claude_desktop_gets_the_value_filled_in_on_the_machine_and_the_store_never_sees_it() {
    let mut w = World::new();
    // Without the values on the machine the deploy refuses and writes nothing.
    let (status, refused) = deploy_with_secrets(&mut w, "claude-desktop");
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("SECRET_UNRESOLVED")),
        "{refused}"
    );
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("'GITHUB_PERSONAL_ACCESS_TOKEN'")
    );
    assert!(w.files.files.borrow().is_empty(), "nothing written");

    w.files.secrets.borrow_mut().extend([
        (
            "GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
            TOKEN_VALUE.to_owned(),
        ),
        ("SERVBIT_KEY".to_owned(), KEY_VALUE.to_owned()),
    ]);
    let (status, deployed) = w.call(
        Method::POST,
        "/v1/config/claude-desktop/default/deploy",
        Some(&json!({})),
    );
    assert_eq!(status, 200, "{deployed}");
    let path = deployed["config_path"].as_str().unwrap();
    let file: Value = serde_json::from_str(&w.files.files.borrow()[path]).unwrap();
    assert_eq!(
        file["mcpServers"]["github-mcp-server"]["env"]["GITHUB_PERSONAL_ACCESS_TOKEN"],
        TOKEN_VALUE
    );
    let bridge = file["mcpServers"]["mcp"]["args"].as_array().unwrap();
    assert!(
        bridge.contains(&json!(format!("Authorization:Bearer {KEY_VALUE}"))),
        "{file}"
    );
    let stored = store_text(&w);
    for value in [TOKEN_VALUE, KEY_VALUE] {
        assert!(!stored.contains(value), "the store holds a value");
    }
    // Deploying again finds the file as it would write it.
    let (_, again) = w.call(
        Method::POST,
        "/v1/config/claude-desktop/default/deploy",
        Some(&json!({})),
    );
    assert_eq!(again["unchanged"].as_array().unwrap().len(), 2, "{again}");
}

#[test]
fn a_literal_where_a_secret_belongs_is_a_plaintext_secret_warning() {
    let mut w = World::new();
    w.call(Method::POST, "/v1/servers", Some(&fixture("oci-github")));
    w.call(
        Method::POST,
        "/v1/config/cursor/default/draft/add",
        Some(&json!({"server_id": "github-mcp-server", "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": TOKEN_VALUE}})),
    );
    let (_, report) = w.call(Method::POST, "/v1/config/cursor/default/validate", None);
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "PLAINTEXT_SECRET")
        .unwrap_or_else(|| panic!("no PLAINTEXT_SECRET: {report}"));
    assert!(!warning.to_string().contains(TOKEN_VALUE), "{warning}");
}

/// Client, fixture, where the client keeps it, linked entries, custom entries, secrets found.
type HandWritten = (
    &'static str,
    &'static str,
    &'static str,
    Value,
    Vec<&'static str>,
    Vec<&'static str>,
);

/// A hand-written file of each format: where the client keeps it, what import links and keeps
/// custom, and the literal secrets it finds.
fn hand_written() -> Vec<HandWritten> {
    vec![
        (
            "claude-desktop",
            "claude_desktop_config.json",
            "/home/u/.config/Claude/claude_desktop_config.json",
            json!({"memory": "memory"}),
            vec!["billing"],
            vec!["billing env.BILLING_API_KEY"],
        ),
        (
            "vscode",
            "vscode-mcp.json",
            "/home/u/.config/Code/User/mcp.json",
            json!({"microsoft-learn": "microsoft-learn", "thinking": "sequential-thinking"}),
            vec![],
            vec![],
        ),
        (
            "continue",
            "continue-config.yaml",
            "/home/u/.continue/config.yaml",
            json!({"time": "time"}),
            vec!["scripts"],
            vec![],
        ),
        (
            "codex",
            "codex-config.toml",
            "/home/u/.codex/config.toml",
            json!({"memory": "memory"}),
            vec!["tickets"],
            vec!["tickets env.TICKETS_TOKEN"],
        ),
    ]
}

fn client_file(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/client-files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn hand_written_files_import_to_a_draft_and_deploy_back_unchanged() {
    for (client, fixture_name, path, linked, custom, secrets) in hand_written() {
        let mut w = World::new();
        let text = client_file(fixture_name);
        // From the text, as any host takes it.
        let (status, imported) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/text/import"),
            Some(&json!({ "text": text })),
        );
        assert_eq!(status, 200, "{client}: {imported}");
        assert_eq!(imported["linked"], linked, "{client}: {imported}");
        assert_eq!(imported["custom"], json!(custom), "{client}");
        let found: Vec<String> = imported["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s["entry"].as_str().unwrap(),
                    s["field"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(found, secrets, "{client}");
        assert!(
            !imported["message"]
                .as_str()
                .unwrap()
                .contains("handwritten")
        );

        // From the profile's own file, as the native host does with {}.
        w.files
            .files
            .borrow_mut()
            .insert(path.to_owned(), text.clone());
        let (status, from_file) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/default/import"),
            Some(&json!({})),
        );
        assert_eq!(status, 200, "{client}: {from_file}");
        assert_eq!(from_file["draft"], imported["draft"], "{client}");

        w.call(Method::POST, "/v1/keys/initialize", Some(&json!({})));
        let (status, published) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/default/publish"),
            Some(&json!({})),
        );
        assert_eq!(status, 200, "{client}: {published}");
        let (status, deployed) = w.call(
            Method::POST,
            &format!("/v1/config/{client}/default/deploy"),
            Some(&json!({})),
        );
        assert_eq!(status, 200, "{client}: {deployed}");
        assert_eq!(deployed["config_path"], path);
        assert_eq!(
            w.files.files.borrow()[path],
            text,
            "{client}: the file is as it was, comments and other settings included"
        );
        let owned = deployed["unchanged"].as_array().unwrap().len();
        assert_eq!(
            owned,
            linked.as_object().unwrap().len() + custom.len(),
            "{deployed}"
        );
    }
}

#[test]
fn import_without_text_on_a_host_without_files_names_the_field() {
    let mut w = World::new();
    let req = http::Request::builder()
        .method(Method::POST)
        .uri("/v1/config/cursor/default/import")
        .header("x-api-key", KEY)
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let host = Host {
        clock: &w.fixed,
        entropy: &w.fixed,
        files: None,
        keyring: None,
        usage: &w.usage,
        settings: &w.settings,
    };
    let res = api::handle(req, &mut w.store, &host);
    let body: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(
        (res.status().as_u16(), body["code"].as_str()),
        (400, Some("MISSING_FIELD"))
    );
    assert!(
        body["detail"].as_str().unwrap().contains("'text'"),
        "{body}"
    );
}
