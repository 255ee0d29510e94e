//! The operations called directly, as the CLI and the MCP tools call them: no HTTP in between.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use mcp_orchestration_core::ops::{self, ProfileRef, artifacts, drafts, keys};
use mcp_orchestration_core::ports::{ClientFiles, Fixed, Os};
use mcp_orchestration_core::store::Batch;
use mcp_orchestration_core::{Code, Error, MemoryStore, Ports, Result, Store, Timestamp};
use serde_json::{Map, json};

/// Client files in memory, as a Linux home at `/home/u` with no symlinks, writable there and
/// under the `allowed` folders; every write makes a backup.
#[derive(Default)]
struct Files {
    files: RefCell<BTreeMap<String, String>>,
    allowed: RefCell<Vec<String>>,
}

impl ClientFiles for Files {
    fn os(&self) -> Os {
        Os::Linux
    }
    fn home(&self) -> Option<String> {
        Some("/home/u".into())
    }
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
    fn real_path(&self, path: &str) -> Result<String> {
        Ok(path.to_owned())
    }
    fn allowed_roots(&self) -> Vec<String> {
        std::iter::once("/home/u".to_owned())
            .chain(self.allowed.borrow().iter().cloned())
            .collect()
    }
    fn read(&self, path: &str) -> Result<Option<String>> {
        Ok(self.files.borrow().get(path).cloned())
    }
    fn write(&self, path: &str, text: &str) -> Result<Option<String>> {
        let old = self
            .files
            .borrow_mut()
            .insert(path.to_owned(), text.to_owned());
        Ok(old.map(|old| {
            let backup = format!("{path}.bak");
            self.files.borrow_mut().insert(backup.clone(), old);
            backup
        }))
    }
}

/// A store whose commits fail while `failing` is set, writing nothing.
#[derive(Default)]
struct FlakyStore {
    inner: MemoryStore,
    failing: Cell<bool>,
}

impl Store for FlakyStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        self.inner.list(prefix)
    }
    fn commit(&mut self, batch: Batch) -> Result<()> {
        if self.failing.get() {
            return Err(Error::new(Code::StoreWrite, "The disk is full"));
        }
        self.inner.commit(batch)
    }
}

const CONFIG: &str = "/home/u/.config/Claude/claude_desktop_config.json";

fn target() -> ProfileRef {
    ProfileRef {
        client_id: "claude-desktop".into(),
        profile_id: "default".into(),
    }
}

fn add(store: &mut FlakyStore, ports: &Ports<'_>, server_id: &str) {
    drafts::add(
        store,
        ports,
        drafts::AddServer {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            server_id: server_id.into(),
            params: Map::new(),
            env: Map::new(),
            name: None,
        },
    )
    .unwrap();
}

fn deploy(store: &mut FlakyStore, ports: &Ports<'_>) -> Result<artifacts::Deployed> {
    artifacts::deploy(
        store,
        ports,
        artifacts::Deploy {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            artifact_id: None,
        },
    )
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
    let first = artifacts::publish(
        &mut store,
        &ports,
        artifacts::Publish {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            changelog: None,
        },
    )
    .unwrap();
    deploy(&mut store, &ports).unwrap();
    add(&mut store, &ports, "everything");
    let second = artifacts::publish(
        &mut store,
        &ports,
        artifacts::Publish {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            changelog: None,
        },
    )
    .unwrap();
    assert_ne!(first.artifact_id, second.artifact_id);

    // The file is written, then the record fails to commit.
    store.failing.set(true);
    let err = deploy(&mut store, &ports).unwrap_err();
    assert_eq!(err.code, Code::StoreWrite);
    let written = files.read(CONFIG).unwrap().unwrap();
    assert!(written.contains("\"everything\""), "{written}");
    // The record still names the first artifact, whose state the backup holds: history never
    // names a file state that does not exist.
    let recorded = artifacts::deployed(&mut store, &ports, target()).unwrap();
    assert_eq!(recorded.artifact.artifact_id, first.artifact_id);
    let backup = files.read(&format!("{CONFIG}.bak")).unwrap().unwrap();
    assert!(!backup.contains("\"everything\"") && backup.contains("\"memory\""));

    // A retry finds the file already merged, writes nothing and records the deploy.
    store.failing.set(false);
    let retried = deploy(&mut store, &ports).unwrap();
    assert_eq!(retried.artifact_id, second.artifact_id);
    assert_eq!(retried.backup_path, None, "nothing changed on disk");
    assert_eq!(files.read(CONFIG).unwrap().unwrap(), written);
    let recorded = artifacts::deployed(&mut store, &ports, target()).unwrap();
    assert_eq!(recorded.artifact.artifact_id, second.artifact_id);
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
    artifacts::publish(
        &mut store,
        &ports,
        artifacts::Publish {
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            changelog: None,
        },
    )
    .unwrap();

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
