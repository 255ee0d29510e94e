//! Hostile ids: traversal, NUL, overlong and unicode ids in paths and bodies are a 400 that
//! names the field (or a 404/405 when the path no longer names a route) — never a 500, never a
//! file written outside the host's home.

use std::path::Path;

use mcp_orchestration_blackbox::*;
use serde_json::json;

/// Encoded path segments that are bad ids however a host decodes them: always a 400.
fn bad_segments() -> Vec<String> {
    vec![
        "%00".into(),
        "a%00b".into(),
        "a".repeat(300),
        "x".repeat(65),
        "%C3%A9t%C3%A9".into(),
        "%E2%80%AEpwned".into(),
        ".hidden".into(),
        "-x".into(),
        "_x".into(),
        "a%20b".into(),
        "a%0Ab".into(),
        "%5C..%5Cpwned".into(),
        "pwned%3A".into(),
        "%25".into(),
    ]
}

/// Segments that a URL normaliser may turn into other paths: a 400, or a 404/405.
fn traversal_segments() -> Vec<String> {
    vec![
        "..".into(),
        "%2e%2e".into(),
        "%2E%2E".into(),
        "..%2F..%2Fpwned".into(),
        "%2e%2e%2f%2e%2e%2fpwned".into(),
        "a%2Fb".into(),
        "..%2F..%2F..%2F..%2Ftmp%2Fpwned".into(),
    ]
}

/// `(method, path template with one {} for the hostile segment, field the 400 must name)`.
fn positions(valid_profile: &str) -> Vec<(&'static str, String, &'static str)> {
    let c = CLIENT;
    let p = valid_profile;
    vec![
        ("GET", "/v1/clients/{}/profiles".into(), "client_id"),
        ("GET", "/v1/config/{}/default/draft".into(), "client_id"),
        (
            "POST",
            "/v1/config/{}/default/draft/add".into(),
            "client_id",
        ),
        ("GET", format!("/v1/config/{c}/{{}}"), "profile"),
        ("GET", format!("/v1/config/{c}/{{}}/draft"), "profile"),
        ("DELETE", format!("/v1/config/{c}/{{}}/draft"), "profile"),
        ("POST", format!("/v1/config/{c}/{{}}/draft/add"), "profile"),
        (
            "POST",
            format!("/v1/config/{c}/{{}}/draft/remove"),
            "profile",
        ),
        ("POST", format!("/v1/config/{c}/{{}}/validate"), "profile"),
        ("POST", format!("/v1/config/{c}/{{}}/publish"), "profile"),
        ("POST", format!("/v1/config/{c}/{{}}/deploy"), "profile"),
        ("GET", format!("/v1/config/{c}/{{}}/history"), "profile"),
        ("GET", format!("/v1/config/{c}/{{}}/deployed"), "profile"),
        ("GET", "/v1/servers/{}".into(), "server_id"),
        ("GET", "/v1/artifacts/{}".into(), "artifact_id"),
        ("DELETE", "/v1/tokens/{}".into(), "token_id"),
        // A valid profile after the hostile client, to show the client is what is checked.
        ("GET", format!("/v1/config/{{}}/{p}/history"), "client_id"),
    ]
}

fn send(client: &Client, method: &str, path: &str, server: &str) -> Reply {
    match method {
        "POST" => client.post(path, &json!({ "server_id": server, "name": "fine-name" })),
        _ => client.request(method, path, &[], None),
    }
}

/// Sends every hostile path; asserts the answers.
fn hostile_paths(client: &Client) {
    let server = simple_server_id(client, 0);
    let profile = unique_id("hostile");
    for (method, template, field) in positions(&profile) {
        // Artifact and token ids are not of the id shape: an unknown one may simply be a 404.
        let unknown: &[u16] = if field == "artifact_id" || field == "token_id" {
            &[404]
        } else {
            &[]
        };
        let cases = bad_segments().into_iter().map(|seg| (seg, unknown)).chain(
            traversal_segments()
                .into_iter()
                .map(|seg| (seg, &[404, 405][..])),
        );
        // Each segment is a 400 naming the field, or an error with one of its other statuses.
        for (seg, also_allowed) in cases {
            let r = send(client, method, &template.replace("{}", &seg), &server);
            if also_allowed.contains(&r.status) {
                r.expect_error(r.status);
                continue;
            }
            assert_eq!(
                r.status,
                400,
                "{}: expected 400 naming {field} (or one of {also_allowed:?}): {}",
                r.what,
                r.text()
            );
            r.expect_error(400);
            assert!(
                r.detail().contains(field),
                "{}: detail must name {field}: {:?}",
                r.what,
                r.detail()
            );
        }
    }
}

/// Hostile ids inside JSON bodies.
fn hostile_bodies(client: &Client) {
    let server = simple_server_id(client, 0);
    let profile = unique_id("hostile-body");
    let add = config_path(CLIENT, &profile, "/draft/add");
    let remove = config_path(CLIENT, &profile, "/draft/remove");
    let bad = [
        "",
        "..",
        "../../pwned",
        "..\\..\\pwned",
        "a/b",
        "/tmp/pwned",
        "a\u{0}b",
        "\u{0}",
        "été",
        "\u{202e}pwned",
        ".pwned",
        "-pwned",
        "pwned\n",
        &"p".repeat(300),
        &"p".repeat(65),
    ];
    assert_400_naming(
        client,
        bad.iter().flat_map(|name| {
            [
                (
                    add.clone(),
                    json!({ "server_id": server, "name": name }),
                    "name",
                ),
                (add.clone(), json!({ "server_id": name }), "server_id"),
                (remove.clone(), json!({ "server_id": name }), "server_id"),
            ]
        }),
    );
    for name in bad {
        let r = client.post(
            &config_path(CLIENT, &profile, "/deploy"),
            &json!({ "artifact_id": name }),
        );
        assert!(
            r.status == 400 || r.status == 404,
            "{} with artifact_id {name:?}: {} {}",
            r.what,
            r.status,
            r.text()
        );
        r.expect_error(r.status);
    }
    assert_eq!(draft(client, CLIENT, &profile)["server_count"], json!(0));
}

#[test]
fn hostile_ids_in_paths_are_400_naming_the_field() {
    hostile_paths(&target().client());
}

#[test]
fn hostile_ids_in_bodies_are_400_naming_the_field() {
    hostile_bodies(&target().client());
}

fn find_pwned(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.to_string_lossy().to_lowercase().contains("pwned") {
            found.push(path.display().to_string());
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_pwned(&path, found);
        }
    }
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: inspects the server's home on disk"
)]
fn hostile_requests_write_no_file_outside_the_home() {
    let server = native_server(
        "hostile_requests_write_no_file_outside_the_home",
        ServerOptions::default(),
    );
    let client = server.client();
    // Something published and deployable, so deploys get as far as they can.
    add_entry(
        &client,
        CLIENT,
        "default",
        &simple_server_id(&client, 0),
        None,
    );
    publish(&client, CLIENT, "default");
    hostile_paths(&client);
    hostile_bodies(&client);

    let mut found = Vec::new();
    find_pwned(server.root(), &mut found);
    let outside = server.root().parent().expect("temp dir has a parent");
    if let Ok(entries) = std::fs::read_dir(outside) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .to_lowercase()
                .contains("pwned")
            {
                found.push(entry.path().display().to_string());
            }
        }
    }
    assert!(found.is_empty(), "hostile ids wrote files: {found:?}");
    let mut top: Vec<String> = std::fs::read_dir(server.root())
        .expect("read root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        ["home", "server.log"],
        "the host wrote beside its HOME"
    );
}
