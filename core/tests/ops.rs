//! The operations called directly, as the CLI and the MCP tools call them: no HTTP in between.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use mcp_orchestration_core::ops::{self, ProfileRef, artifacts, drafts, keys};
use mcp_orchestration_core::ports::{ClientFiles, Fixed};
use mcp_orchestration_core::records;
use mcp_orchestration_core::store::Batch;
use mcp_orchestration_core::{Code, Ports, Result, Store, Timestamp};
use serde_json::json;

use common::{Files, FlakyStore, add_to, publish};

const CONFIG: &str = "/home/u/.config/Claude/claude_desktop_config.json";

fn target() -> ProfileRef {
    profile_of("claude-desktop")
}

fn profile_of(client_id: &str) -> ProfileRef {
    ProfileRef {
        client_id: client_id.into(),
        profile_id: "default".into(),
    }
}

fn add(store: &mut FlakyStore, ports: &Ports<'_>, server_id: &str) {
    add_to(store, ports, "claude-desktop", server_id);
}

fn remove(store: &mut FlakyStore, ports: &Ports<'_>, name: &str) {
    drafts::remove(
        store,
        ports,
        drafts::RemoveServer {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            server_id: name.into(),
        },
    )
    .unwrap();
}

fn deploy(store: &mut FlakyStore, ports: &Ports<'_>) -> Result<artifacts::Deployed> {
    deploy_with(store, ports, "claude-desktop", false, false)
}

fn deploy_with(
    store: &mut FlakyStore,
    ports: &Ports<'_>,
    client_id: &str,
    adopt: bool,
    dry_run: bool,
) -> Result<artifacts::Deployed> {
    artifacts::deploy(
        store,
        ports,
        artifacts::Deploy {
            client_id: client_id.into(),
            profile_id: "default".into(),
            artifact_id: None,
            adopt,
            dry_run,
        },
    )
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn a_deploy_whose_record_fails_to_commit_leaves_nothing_inconsistent_and_a_retry_converges() {
    let fixed = Fixed::new(Timestamp(1_764_000_000_000), 3);
    let files = Files::default();
    let ports = Ports {
        files: Some(&files),
        ..Ports::new(&fixed, &fixed, "test")
    };
    let mut store = FlakyStore::default();
    keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
    add(&mut store, &ports, "memory");
    let first = publish(&mut store, &ports, "claude-desktop");
    deploy(&mut store, &ports).unwrap();
    add(&mut store, &ports, "everything");
    let second = publish(&mut store, &ports, "claude-desktop");
    assert_ne!(first, second);

    // The file is written, then the record fails to commit.
    store.failing.set(true);
    let err = deploy(&mut store, &ports).unwrap_err();
    assert_eq!(err.code, Code::StoreWrite);
    let written = files.read(CONFIG).unwrap().unwrap();
    assert!(written.contains("\"everything\""), "{written}");
    // The record still names the first artifact, whose state the backup holds: history never
    // names a file state that does not exist.
    let recorded = artifacts::deployed(&mut store, &ports, target()).unwrap();
    assert_eq!(recorded.artifact.artifact_id, first);
    let backup = files.read(&format!("{CONFIG}.bak")).unwrap().unwrap();
    assert!(!backup.contains("\"everything\"") && backup.contains("\"memory\""));

    // A retry finds the file already merged, writes nothing and records the deploy.
    store.failing.set(false);
    let retried = deploy(&mut store, &ports).unwrap();
    assert_eq!(retried.artifact_id, second);
    assert_eq!(retried.backup_path, None, "nothing changed on disk");
    assert_eq!(
        retried.changes.unchanged,
        names(&["everything", "memory"]),
        "the entry the failed attempt wrote is taken over, not a conflict"
    );
    assert_eq!(files.read(CONFIG).unwrap().unwrap(), written);
    let recorded = artifacts::deployed(&mut store, &ports, target()).unwrap();
    assert_eq!(recorded.artifact.artifact_id, second);
    assert_eq!(recorded.config_path.as_deref(), Some(CONFIG));
}

#[test]
fn a_stored_path_no_longer_allowed_is_refused_at_deploy_and_nothing_is_written() {
    // A profile saved while its folder was allowed (`serve --allow-path /mnt/c/Users/me`),
    // deployed by a host that no longer allows it: a path saved before confinement existed
    // reaches the deploy the same way.
    let fixed = Fixed::new(Timestamp(1_764_000_000_000), 5);
    let files = Files::default();
    files.allowed.borrow_mut().push("/mnt/c/Users/me".into());
    let ports = Ports {
        files: Some(&files),
        ..Ports::new(&fixed, &fixed, "test")
    };
    let mut store = FlakyStore::default();
    let wsl = "/mnt/c/Users/me/AppData/Roaming/Claude/claude_desktop_config.json";
    ops::clients::set_profile(
        &mut store,
        &ports,
        ops::clients::SetProfile {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            config_path: Some(wsl.into()),
        },
    )
    .unwrap();
    keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
    add(&mut store, &ports, "memory");
    publish(&mut store, &ports, "claude-desktop");

    files.allowed.borrow_mut().clear();
    let err = deploy(&mut store, &ports).unwrap_err();
    assert_eq!((err.status(), err.code), (400, Code::PathNotAllowed));
    assert!(err.detail.contains(wsl), "{}", err.detail);
    assert!(files.files.borrow().is_empty(), "nothing written");
    let err = artifacts::deployed(&mut store, &ports, target()).unwrap_err();
    assert_eq!(err.code, Code::NothingDeployed);

    files.allowed.borrow_mut().push("/mnt/c/Users/me".into());
    assert_eq!(
        deploy(&mut store, &ports).unwrap().config_path.as_deref(),
        Some(wsl)
    );
}

#[test]
fn operation_inputs_refuse_unknown_fields_by_name() {
    let err = serde_json::from_value::<drafts::AddServer>(json!({
        "client_id": "cursor", "profile_id": "default", "server_id": "memory", "param": {}
    }))
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `param`"), "{err}");
    let none = serde_json::from_value::<ops::Nothing>(json!({"x": 1})).unwrap_err();
    assert!(none.to_string().contains("unknown field `x`"), "{none}");
}

#[test]
fn read_operations_answer_the_same_values_the_api_serializes() {
    let fixed = Fixed::new(Timestamp(1_764_000_000_000), 5);
    let ports = Ports::new(&fixed, &fixed, "test");
    let mut store = FlakyStore::default();
    let found = ops::servers::search(
        &mut store,
        &ports,
        ops::servers::SearchServers {
            q: Some("git".into()),
            transport: Some("stdio".into()),
        },
    )
    .unwrap();
    assert!(
        found.count > 0
            && found
                .servers
                .iter()
                .all(|s| s.transport.as_str() == "stdio")
    );
    let err = ops::servers::search(
        &mut store,
        &ports,
        ops::servers::SearchServers {
            q: None,
            transport: Some(String::new()),
        },
    )
    .unwrap_err();
    assert_eq!(err.code, Code::InvalidTransport);
    let view = drafts::view(&mut store, &ports, target()).unwrap();
    assert_eq!(
        serde_json::to_value(view).unwrap(),
        json!({"mcpServers": {}, "server_count": 0})
    );
}

/// A fresh world writing client files: keys made, and the files and store to inspect.
fn world(seed: u64) -> (Fixed, Files, FlakyStore) {
    (
        Fixed::new(Timestamp(1_764_000_000_000), seed),
        Files::default(),
        FlakyStore::default(),
    )
}

#[test]
fn a_dry_run_answers_as_the_deploy_would_and_writes_and_records_nothing() {
    for (client_id, path, file, left_alone) in [
        (
            "claude-desktop",
            CONFIG,
            "{\"mcpServers\": {\"mine\": {\"command\": \"node\"}}}\n",
            "mine",
        ),
        (
            "vscode",
            "/home/u/.config/Code/User/mcp.json",
            "// by hand\n{\"servers\": {\"mine\": {\"type\": \"stdio\", \"command\": \"node\"}}}\n",
            "mine",
        ),
        (
            "zed",
            "/home/u/.config/zed/settings.json",
            "{\"context_servers\": {\"pg\": {\"source\": \"extension\", \"settings\": {}}}}\n",
            "pg",
        ),
        (
            "continue",
            "/home/u/.continue/config.yaml",
            "mcpServers:\n  - name: mine\n    command: node\n",
            "mine",
        ),
        (
            "goose",
            "/home/u/.config/goose/config.yaml",
            "extensions:\n  mine:\n    type: stdio\n    cmd: node\n",
            "mine",
        ),
        (
            "codex",
            "/home/u/.codex/config.toml",
            "[mcp_servers.mine]\ncommand = \"node\"\n",
            "mine",
        ),
    ] {
        let (fixed, files, mut store) = world(11);
        let ports = Ports {
            files: Some(&files),
            ..Ports::new(&fixed, &fixed, "test")
        };
        files.files.borrow_mut().insert(path.into(), file.into());
        keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
        add_to(&mut store, &ports, client_id, "memory");
        publish(&mut store, &ports, client_id);

        let dry = deploy_with(&mut store, &ports, client_id, false, true).unwrap();
        assert!(dry.dry_run && !dry.deployed, "{client_id}: {dry:?}");
        assert_eq!(dry.backup_path, None, "{client_id}");
        assert!(dry.message.starts_with("Dry run"), "{}", dry.message);
        assert_eq!(
            *files.files.borrow(),
            BTreeMap::from([(path.to_owned(), file.to_owned())]),
            "{client_id}: a dry run writes nothing"
        );
        let err = artifacts::deployed(&mut store, &ports, profile_of(client_id)).unwrap_err();
        assert_eq!(err.code, Code::NothingDeployed, "{client_id}");
        assert!(
            store.inner.list("owned/").unwrap().is_empty(),
            "{client_id}"
        );

        let real = deploy_with(&mut store, &ports, client_id, false, false).unwrap();
        assert!(real.deployed && !real.dry_run, "{client_id}");
        assert_eq!(dry.changes, real.changes, "{client_id}: the same answer");
        assert_eq!(dry.config_path, real.config_path, "{client_id}");
        assert_eq!(real.changes.added, names(&["memory"]), "{client_id}");
        assert_eq!(real.changes.left_alone, names(&[left_alone]), "{client_id}");
        assert_ne!(
            files.read(path).unwrap().as_deref(),
            Some(file),
            "{client_id}"
        );
    }
}

#[test]
fn a_name_clash_is_409_entry_conflict_until_adopted() {
    let (fixed, files, mut store) = world(12);
    let ports = Ports {
        files: Some(&files),
        ..Ports::new(&fixed, &fixed, "test")
    };
    let original = "{\"mcpServers\": {\"memory\": {\"command\": \"my-memory\", \"args\": []}}}\n";
    files
        .files
        .borrow_mut()
        .insert(CONFIG.into(), original.into());
    keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
    add(&mut store, &ports, "memory");
    add(&mut store, &ports, "everything");
    publish(&mut store, &ports, "claude-desktop");

    for dry_run in [true, false] {
        let err = deploy_with(&mut store, &ports, "claude-desktop", false, dry_run).unwrap_err();
        assert_eq!((err.code, err.status()), (Code::EntryConflict, 409));
        assert_eq!(err.fields["conflicts"], json!(["memory"]));
        assert!(err.detail.contains("'memory'"), "{}", err.detail);
    }
    assert_eq!(files.read(CONFIG).unwrap().as_deref(), Some(original));
    assert_eq!(
        artifacts::deployed(&mut store, &ports, target())
            .unwrap_err()
            .code,
        Code::NothingDeployed
    );

    let adopted = deploy_with(&mut store, &ports, "claude-desktop", true, false).unwrap();
    assert_eq!(adopted.changes.updated, names(&["memory"]));
    assert_eq!(adopted.changes.added, names(&["everything"]));
    let written = files.read(CONFIG).unwrap().unwrap();
    assert!(!written.contains("my-memory"), "{written}");

    // Adopted, it is owned: a deploy without it removes it.
    remove(&mut store, &ports, "memory");
    publish(&mut store, &ports, "claude-desktop");
    let smaller = deploy(&mut store, &ports).unwrap();
    assert_eq!(smaller.changes.removed, names(&["memory"]));
    assert_eq!(smaller.changes.unchanged, names(&["everything"]));
}

#[test]
fn a_file_deployed_before_ownership_was_recorded_keeps_working() {
    let (fixed, files, mut store) = world(13);
    let ports = Ports {
        files: Some(&files),
        ..Ports::new(&fixed, &fixed, "test")
    };
    keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
    add(&mut store, &ports, "memory");
    add(&mut store, &ports, "everything");
    publish(&mut store, &ports, "claude-desktop");
    deploy(&mut store, &ports).unwrap();
    // As a store from before ownership was recorded: the deployment record, no ownership.
    let owned = store.inner.list("owned/claude-desktop/default/").unwrap();
    assert_eq!(owned.len(), 1);
    let mut batch = Batch::new();
    batch.delete(owned[0].0.clone());
    store.commit(batch).unwrap();
    // The user adds an entry of their own by hand.
    let text = files.read(CONFIG).unwrap().unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["mcpServers"]["mine"] = json!({"command": "node", "args": ["/opt/mine.js"]});
    files
        .files
        .borrow_mut()
        .insert(CONFIG.into(), file.to_string());

    remove(&mut store, &ports, "everything");
    publish(&mut store, &ports, "claude-desktop");
    let smaller = deploy(&mut store, &ports).unwrap();
    assert_eq!(smaller.changes.removed, names(&["everything"]));
    assert_eq!(smaller.changes.unchanged, names(&["memory"]));
    assert_eq!(smaller.changes.left_alone, names(&["mine"]));
    let after: serde_json::Value =
        serde_json::from_str(&files.read(CONFIG).unwrap().unwrap()).unwrap();
    assert_eq!(
        after["mcpServers"]["mine"],
        json!({"command": "node", "args": ["/opt/mine.js"]})
    );
    assert!(after["mcpServers"].get("everything").is_none(), "{after}");
    let record = records::ownership(&store, "claude-desktop", "default", CONFIG)
        .unwrap()
        .unwrap();
    assert_eq!(
        record.entries.into_iter().collect::<Vec<_>>(),
        names(&["memory"])
    );
}

#[test]
fn without_client_files_a_deploy_lists_the_change_from_the_last_deploy() {
    let (fixed, _, mut store) = world(14);
    let ports = Ports::new(&fixed, &fixed, "test");
    keys::initialize(&mut store, &ports, keys::InitializeKeys::default()).unwrap();
    add(&mut store, &ports, "memory");
    let first = publish(&mut store, &ports, "claude-desktop");
    let deployed = deploy(&mut store, &ports).unwrap();
    assert_eq!(deployed.changes.added, names(&["memory"]));
    add(&mut store, &ports, "everything");
    publish(&mut store, &ports, "claude-desktop");

    let dry = deploy_with(&mut store, &ports, "claude-desktop", false, true).unwrap();
    assert!(dry.dry_run && !dry.deployed && dry.config_path.is_none());
    assert_eq!(dry.changes.added, names(&["everything"]));
    assert_eq!(dry.changes.unchanged, names(&["memory"]));
    assert!(dry.changes.left_alone.is_empty());
    let recorded = artifacts::deployed(&mut store, &ports, target()).unwrap();
    assert_eq!(
        recorded.artifact.artifact_id, first,
        "a dry run records nothing"
    );
}
