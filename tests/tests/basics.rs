//! Health, OpenAPI, docs, the client registry, the server catalog, unknown routes and methods.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

#[test]
fn health_answers_healthy_without_credentials() {
    let body = target().anonymous().get("/health").expect(200);
    assert_eq!(body["status"], json!("healthy"), "{body}");
    assert!(
        body["version"].as_str().is_some_and(|v| !v.is_empty()),
        "version must be a non-empty string: {body}"
    );
}

#[test]
fn openapi_is_3_1_and_lists_every_route() {
    let doc = openapi();
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(
        version.starts_with("3.1"),
        "openapi must be 3.1.x, got {:?}",
        doc["openapi"]
    );
    assert!(
        doc["info"]["title"].is_string(),
        "info.title is required by OpenAPI"
    );
    // `operations()` checks the document lists at least the contract's routes; here, that no
    // two of them are the same route under other parameter names.
    let mut shapes: Vec<String> = operations()
        .iter()
        .map(|op| format!("{} {}", op.method, route_shape(&op.path)))
        .collect();
    shapes.sort();
    let n = shapes.len();
    shapes.dedup();
    assert_eq!(shapes.len(), n, "a route is listed twice: {shapes:?}");
}

#[test]
fn docs_page_is_self_contained_html() {
    let r = target().anonymous().get("/docs");
    assert_eq!(r.status, 200, "GET /docs: {}", r.text());
    let ct = r.header("content-type").unwrap_or_default();
    assert!(ct.starts_with("text/html"), "GET /docs Content-Type: {ct}");
    let html = r.text().to_ascii_lowercase();
    assert!(
        html.contains("<html") || html.contains("<!doctype html"),
        "GET /docs is not an HTML page"
    );
    for needle in [
        "src=\"http",
        "src='http",
        "src=\"//",
        "src='//",
        "href=\"http",
        "href='http",
        "href=\"//",
        "@import",
    ] {
        assert!(
            !html.contains(needle),
            "GET /docs references an external resource ({needle})"
        );
    }
}

#[test]
fn clients_list_the_registry() {
    let body = target().client().get("/v1/clients").expect(200);
    let clients = body["clients"].as_array().expect("clients array");
    assert!(clients.len() >= 2, "expected several clients: {body}");
    for c in clients {
        for field in [
            "client_id",
            "display_name",
            "config_path",
            "platform",
            "config_format",
        ] {
            assert!(c.get(field).is_some(), "client lacks {field}: {c}");
        }
        assert!(
            c["client_id"].is_string() && c["display_name"].is_string(),
            "{c}"
        );
    }
    let ids: Vec<&str> = clients
        .iter()
        .filter_map(|c| c["client_id"].as_str())
        .collect();
    for expected in [CLIENT, "cursor"] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
}

#[test]
fn profiles_include_default_and_profiles_created_by_use() {
    let t = target();
    let client = t.client();
    let path = format!("/v1/clients/{CLIENT}/profiles");
    let body = client.get(&path).expect(200);
    assert_eq!(body["client_id"], json!(CLIENT));
    let profiles = body["profiles"].as_array().expect("profiles array");
    assert!(
        profiles.contains(&json!("default")),
        "profiles must include default: {body}"
    );

    let profile = unique_id("profiles");
    let server = simple_server_id(&client, 0);
    add_entry(&client, CLIENT, &profile, &server, None);
    let body = client.get(&path).expect(200);
    assert!(
        body["profiles"]
            .as_array()
            .expect("profiles")
            .contains(&json!(profile)),
        "{profile} not listed after use: {body}"
    );
}

#[test]
fn profiles_of_unknown_client_are_404_naming_it() {
    let r = target().client().get("/v1/clients/no-such-client/profiles");
    r.expect_error(404);
    assert_eq!(r.detail(), "Client 'no-such-client' not found");
}

#[test]
fn servers_carry_every_field() {
    let servers = catalog(&target().client());
    assert!(
        servers.len() >= 5,
        "catalog is too small: {} servers",
        servers.len()
    );
    let fields = [
        "server_id",
        "display_name",
        "description",
        "transport",
        "npm_package",
        "command",
        "args",
        "env",
        "parameters",
        "required_env",
        "tags",
        "documentation_url",
    ];
    for s in &servers {
        for f in fields {
            assert!(s.get(f).is_some(), "server lacks {f}: {s}");
        }
        assert!(
            s["server_id"].is_string() && s["transport"].is_string(),
            "{s}"
        );
        assert!(s["tags"].is_array() && s["required_env"].is_array(), "{s}");
    }
    let mut ids: Vec<&str> = servers
        .iter()
        .filter_map(|s| s["server_id"].as_str())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "server ids must be unique");
}

#[test]
fn servers_search_with_q() {
    let client = target().client();
    let all = catalog(&client);
    let wanted = &all[0];
    let id = wanted["server_id"].as_str().expect("server_id");
    let body = client
        .get(&format!("/v1/servers?q={}", encode_segment(id)))
        .expect(200);
    let found = body["servers"].as_array().expect("servers array");
    assert!(
        found.iter().any(|s| s["server_id"] == json!(id)),
        "?q={id} does not find {id}: {body}"
    );
    assert!(found.len() <= all.len());
    for s in found {
        assert!(
            all.contains(s),
            "?q= returned a server not in the catalog: {s}"
        );
    }
    let body = client
        .get("/v1/servers?q=zzqqxxnothingmatchesthis")
        .expect(200);
    assert_eq!(
        body["servers"],
        json!([]),
        "nonsense query must find nothing"
    );
}

#[test]
fn servers_filter_by_transport() {
    let client = target().client();
    let all = catalog(&client);
    let mut transports: Vec<&str> = all.iter().filter_map(|s| s["transport"].as_str()).collect();
    transports.sort_unstable();
    transports.dedup();
    assert!(
        transports.contains(&"stdio"),
        "catalog has no stdio servers"
    );
    for transport in transports {
        let body = client
            .get(&format!("/v1/servers?transport={transport}"))
            .expect(200);
        let got: Vec<&Value> = body["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .collect();
        let expected: Vec<&Value> = all
            .iter()
            .filter(|s| s["transport"] == json!(transport))
            .collect();
        assert_eq!(
            got, expected,
            "?transport={transport} must return exactly those servers"
        );
    }
}

#[test]
fn servers_with_an_empty_transport_are_400_invalid_transport() {
    let r = target().client().get("/v1/servers?transport=");
    assert_eq!(
        r.status,
        400,
        "{}: an empty transport is not a transport: {}",
        r.what,
        r.text()
    );
    let body = r.expect_error(400);
    assert_eq!(body["code"], json!("INVALID_TRANSPORT"), "{body}");
}

#[test]
fn servers_with_an_empty_q_list_everything_and_transport_still_filters() {
    let client = target().client();
    let all = catalog(&client);
    let body = client.get("/v1/servers?q=").expect(200);
    assert_eq!(
        body["servers"],
        json!(all),
        "?q= (free text, empty) must list the whole catalog"
    );
    let stdio: Vec<&Value> = all
        .iter()
        .filter(|s| s["transport"] == json!("stdio"))
        .collect();
    assert!(!stdio.is_empty(), "catalog has no stdio servers");
    for query in ["?transport=stdio", "?q=&transport=stdio"] {
        let body = client.get(&format!("/v1/servers{query}")).expect(200);
        let got: Vec<&Value> = body["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .collect();
        assert_eq!(got, stdio, "{query} must return exactly the stdio servers");
    }
}

#[test]
fn server_by_id_and_unknown_server() {
    let client = target().client();
    let all = catalog(&client);
    for s in all.iter().take(3) {
        let id = s["server_id"].as_str().expect("server_id");
        let one = client.get(&format!("/v1/servers/{id}")).expect(200);
        assert_eq!(&one, s, "GET /v1/servers/{id} must equal its catalog entry");
    }
    client
        .get("/v1/servers/no-such-server-zz")
        .expect_error(404);
}

#[test]
fn unknown_routes_are_404() {
    let client = target().client();
    for path in [
        "/v1/nothing-here",
        "/v1/clients/claude-desktop/nothing",
        "/v1/config/claude-desktop/default/draft/nothing",
    ] {
        client.get(path).expect_error(404);
    }
}

#[test]
fn wrong_methods_are_405() {
    let client = target().client();
    let profile = unique_id("methods");
    let cases = [
        ("PUT", "/v1/clients".to_owned()),
        ("POST", "/v1/clients".to_owned()),
        ("DELETE", "/v1/servers".to_owned()),
        ("PATCH", "/v1/tokens".to_owned()),
        ("GET", "/v1/config/diff".to_owned()),
        ("GET", "/v1/keys/initialize".to_owned()),
        ("POST", "/v1/keys/public".to_owned()),
        ("GET", config_path(CLIENT, &profile, "/draft/add")),
        ("GET", config_path(CLIENT, &profile, "/publish")),
        ("PUT", config_path(CLIENT, &profile, "/draft")),
        ("DELETE", config_path(CLIENT, &profile, "/history")),
    ];
    for (method, path) in cases {
        let body = if method == "GET" || method == "DELETE" {
            None
        } else {
            Some(&b"{}"[..])
        };
        client
            .request(method, &path, &[("Content-Type", "application/json")], body)
            .expect_error(405);
    }
}
