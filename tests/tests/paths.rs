//! Where a deploy may write. A profile's config path must name a file of the client's format
//! (on every host), and on the native host it must resolve (`~`, variables, `..` and symlinks
//! followed) inside the server's home directory or a `serve --allow-path` folder. Anything else
//! is a 400 `PATH_NOT_ALLOWED` that saves nothing and creates nothing. The native-only tests
//! are marked `cfg_attr(worker_host, ignore = "native host only: …")`.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

/// The client these tests set paths for: `~/.cursor/mcp.json`, JSON.
const CURSOR: &str = "cursor";

/// `POST /v1/clients/{client_id}/profiles` giving `profile` the config path `path`.
fn set_path(client: &Client, client_id: &str, profile: &str, path: &str) -> Reply {
    client.post(
        &format!("/v1/clients/{client_id}/profiles"),
        &json!({ "profile_id": profile, "config_path": path }),
    )
}

/// Asserts that giving a Cursor profile the config path `path` is a 400 `PATH_NOT_ALLOWED`
/// whose detail names `named` (the path as the host resolved it) and saves nothing; returns
/// the detail.
fn assert_refused(client: &Client, path: &str, named: &str) -> String {
    let profile = unique_id("paths");
    let r = set_path(client, CURSOR, &profile, path);
    let body = r.expect_error(400);
    assert_eq!(body["code"], json!("PATH_NOT_ALLOWED"), "{path}: {body}");
    let detail = r.detail();
    assert!(
        detail.contains(named),
        "{path}: detail must name {named}: {detail}"
    );
    let listed = client
        .get(&format!("/v1/clients/{CURSOR}/profiles"))
        .expect(200);
    assert!(
        !listed["profiles"]
            .as_array()
            .expect("profiles")
            .contains(&json!(profile)),
        "{profile} must not be saved: {listed}"
    );
    detail
}

/// `path` with its symlinks resolved, as the host reports the files it writes.
fn real(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Publishes a one-entry draft for `c/profile` and deploys it.
fn publish_and_deploy(client: &Client, c: &str, profile: &str) -> Reply {
    add_entry(client, c, profile, &simple_server_id(client, 0), None);
    publish(client, c, profile);
    client.post(&config_path(c, profile, "/deploy"), &json!({}))
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: looks on disk for what a refused path would have created"
)]
fn a_path_outside_the_home_is_refused_and_nothing_is_created_there() {
    let server = native_server(
        "a_path_outside_the_home_is_refused_and_nothing_is_created_there",
        ServerOptions::default(),
    );
    let client = server.client();
    let dir = std::env::temp_dir().join(format!("mcp-paths-{}", random_hex(8)));
    let path = dir.join(".bashrc.json").display().to_string();
    let detail = assert_refused(&client, &path, &path);
    assert!(
        detail.contains("serve --allow-path PREFIX"),
        "the detail says how to allow a folder: {detail}"
    );

    // The sequence: the refused profile then published and deployed.
    let profile = unique_id("paths-outside");
    set_path(&client, CURSOR, &profile, &path).expect_error(400);
    let body = publish_and_deploy(&client, CURSOR, &profile).expect(200);
    assert_eq!(
        body["config_path"],
        json!(
            real(&server.home())
                .join(".cursor/mcp.json")
                .to_string_lossy()
        ),
        "the deploy went to the default path in the home: {body}"
    );
    assert!(!dir.exists(), "{} was created", dir.display());
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: resolves `..` against the server's home"
)]
fn dotdot_out_of_the_home_is_refused() {
    let server = native_server(
        "dotdot_out_of_the_home_is_refused",
        ServerOptions::default(),
    );
    let client = server.client();
    let other = server.root().join("other/.cursor/mcp.json");
    for path in [
        "~/../other/.cursor/mcp.json",
        "$HOME/../other/.cursor/mcp.json",
        "~/.cursor/../../other/.cursor/mcp.json",
    ] {
        assert_refused(&client, path, "other/.cursor/mcp.json");
    }
    assert!(!other.exists() && !server.root().join("other").exists());
    // A `..` that stays in the home is resolved, not banned.
    set_path(
        &client,
        CURSOR,
        &unique_id("paths"),
        "~/../home/.cursor/mcp.json",
    )
    .expect(201);
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: plants symlinks in the server's home"
)]
fn symlinks_out_of_the_home_are_refused_at_profile_and_deploy() {
    use std::os::unix::fs::symlink;
    let server = native_server(
        "symlinks_out_of_the_home_are_refused_at_profile_and_deploy",
        ServerOptions::default(),
    );
    let client = server.client();
    let home = server.home();
    let outside = server.root().join("outside");
    std::fs::create_dir(&outside).expect("create outside");
    std::fs::write(outside.join("target.json"), "{}").expect("write target");
    symlink(&outside, home.join("out")).expect("symlink a folder");
    symlink(outside.join("target.json"), home.join("evil.json")).expect("symlink a file");

    let detail = assert_refused(&client, "~/out/mcp.json", "out/mcp.json");
    let really = format!("(really '{}')", real(&outside).join("mcp.json").display());
    assert!(
        detail.contains(&really),
        "the detail names the real path: {detail}"
    );
    assert_refused(&client, "~/evil.json", "evil.json");

    // The default path is confined too: `~/.cursor` linked out of the home.
    symlink(&outside, home.join(".cursor")).expect("symlink .cursor");
    let profile = unique_id("paths-default");
    let r = publish_and_deploy(&client, CURSOR, &profile);
    assert_eq!(r.expect_error(400)["code"], json!("PATH_NOT_ALLOWED"));
    let mut written: Vec<_> = std::fs::read_dir(&outside)
        .expect("read outside")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    written.sort();
    assert_eq!(written, ["target.json"], "nothing written outside");
    assert_eq!(
        std::fs::read_to_string(outside.join("target.json")).unwrap(),
        "{}"
    );
    client
        .get(&config_path(CURSOR, &profile, "/deployed"))
        .expect_error(404);
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: compares with the server's home"
)]
fn other_users_homes_are_refused() {
    let server = native_server("other_users_homes_are_refused", ServerOptions::default());
    let client = server.client();
    let sibling = server.root().join("bob");
    std::fs::create_dir(&sibling).expect("create a sibling home");
    let path = sibling.join(".cursor/mcp.json").display().to_string();
    assert_refused(&client, &path, &path);
    assert_refused(
        &client,
        "/home/other/.cursor/mcp.json",
        "/home/other/.cursor/mcp.json",
    );
    // A home whose name only starts like the server's.
    let lookalike = format!("{}2/.cursor/mcp.json", server.home().display());
    assert_refused(&client, &lookalike, &lookalike);
    assert!(!sibling.join(".cursor").exists());
}

#[test]
fn a_file_name_not_of_the_clients_format_is_refused_on_every_host() {
    let client = target().client();
    for path in ["~/.bashrc", "~/mcp.txt", "~/.cursor/mcp.yaml", "~/.cursor/"] {
        let detail = assert_refused(&client, path, "is not a json file");
        assert!(detail.contains("*.json"), "{detail}");
    }
    let continue_profile = unique_id("paths-yaml");
    let r = set_path(
        &client,
        "continue",
        &continue_profile,
        "~/.continue/config.json",
    );
    assert_eq!(r.expect_error(400)["code"], json!("PATH_NOT_ALLOWED"));
    for ok in ["~/.continue/config.yml", "~/.continue/config.yaml"] {
        set_path(&client, "continue", &continue_profile, ok).expect(201);
    }
    set_path(
        &client,
        "vscode",
        &unique_id("paths-jsonc"),
        "~/.vscode/mcp.jsonc",
    )
    .expect(201);
}

/// A server allowing `shared` besides its home; a Cursor profile there, published, with its
/// path. The profile is saved but not deployed.
fn allowed_profile(test: &str, shared: &Path) -> (Server, String, PathBuf) {
    let options = ServerOptions {
        args: vec!["--allow-path".into(), shared.display().to_string()],
        ..ServerOptions::default()
    };
    let server = native_server(test, options);
    let client = server.client();
    let path = shared.join("proj/.cursor/mcp.json");
    let profile = unique_id("paths-allowed");
    let saved = set_path(&client, CURSOR, &profile, &path.display().to_string()).expect(201);
    assert_eq!(saved["config_path"], json!(path.to_string_lossy()));
    add_entry(
        &client,
        CURSOR,
        &profile,
        &simple_server_id(&client, 0),
        None,
    );
    publish(&client, CURSOR, &profile);
    (server, profile, path)
}

#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: starts a server with --allow-path and reads what it deploys"
)]
fn allow_path_admits_a_folder_and_the_deploy_writes_there() {
    let shared = tempfile::tempdir().expect("a shared folder");
    let (server, profile, path) = allowed_profile(
        "allow_path_admits_a_folder_and_the_deploy_writes_there",
        shared.path(),
    );
    let client = server.client();
    let body = client
        .post(&config_path(CURSOR, &profile, "/deploy"), &json!({}))
        .expect(200);
    let written = real(shared.path()).join("proj/.cursor/mcp.json");
    assert_eq!(
        body["config_path"],
        json!(written.to_string_lossy()),
        "{body}"
    );
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the deployed file"))
            .expect("JSON");
    let latest = client.get(&config_path(CURSOR, &profile, "")).expect(200);
    assert_eq!(file["mcpServers"], latest["payload"]["mcpServers"]);

    // Whole folders only: a sibling whose name starts the same is still outside.
    let lookalike = format!("{}-not/mcp.json", shared.path().display());
    assert_refused(&client, &lookalike, &lookalike);
    let outside = server
        .root()
        .join("elsewhere/mcp.json")
        .display()
        .to_string();
    assert_refused(&client, &outside, &outside);
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    worker_host,
    ignore = "native host only: restarts its own server without --allow-path"
)]
fn a_saved_path_no_longer_allowed_is_refused_at_deploy() {
    let shared = tempfile::tempdir().expect("a shared folder");
    let (mut server, profile, path) = allowed_profile(
        "a_saved_path_no_longer_allowed_is_refused_at_deploy",
        shared.path(),
    );
    server.stop();
    server.restart_with(ServerOptions::default());
    let client = server.client();
    let r = client.post(&config_path(CURSOR, &profile, "/deploy"), &json!({}));
    let body = r.expect_error(400);
    assert_eq!(body["code"], json!("PATH_NOT_ALLOWED"), "{body}");
    assert!(r.detail().contains(&path.display().to_string()), "{body}");
    assert!(!shared.path().join("proj").exists(), "nothing written");
    client
        .get(&config_path(CURSOR, &profile, "/deployed"))
        .expect_error(404);
}
