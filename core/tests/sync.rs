//! `ops::sync`: which keys a machine trusts, applying a pulled artifact to its client file, and
//! telling drift from entries the user added. A "server" store publishes and deploys (no client
//! files, like the edge host); a "machine" store with in-memory files applies what it pulled.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mcp_orchestration_core::artifact::Artifact;
use mcp_orchestration_core::diff::Status;
use mcp_orchestration_core::ops::keys::{self, KeyEntry};
use mcp_orchestration_core::ops::sync::{self, Apply};
use mcp_orchestration_core::ops::{Nothing, ProfileRef, artifacts};
use mcp_orchestration_core::ports::{ClientFiles, Fixed};
use mcp_orchestration_core::signing::SigningKeys;
use mcp_orchestration_core::{Code, MemoryStore, Ports, Timestamp};
use serde_json::{Value, json};

use common::{Files, add_to, publish};

const CONFIG: &str = "/home/u/.config/Claude/claude_desktop_config.json";

/// The server: a store holding its keys, deploying without client files.
struct Server {
    store: MemoryStore,
    env: Fixed,
}

impl Server {
    fn new() -> Self {
        let mut server = Self {
            store: MemoryStore::new(),
            env: Fixed::new(Timestamp(1_764_000_000_000), 1),
        };
        let ports = Ports::new(&server.env, &server.env, "test");
        keys::initialize(&mut server.store, &ports, keys::InitializeKeys::default()).unwrap();
        server
    }

    /// Adds `server_id` to the draft, publishes, deploys; the deployed artifact.
    fn deploy(&mut self, server_id: &str) -> Artifact {
        let ports = Ports::new(&self.env, &self.env, "test");
        add_to(&mut self.store, &ports, "claude-desktop", server_id);
        publish(&mut self.store, &ports, "claude-desktop");
        artifacts::deploy(
            &mut self.store,
            &ports,
            artifacts::Deploy {
                client_id: "claude-desktop".into(),
                profile_id: "default".into(),
                artifact_id: None,
                adopt: false,
                dry_run: false,
            },
        )
        .unwrap();
        artifacts::deployed(
            &mut self.store,
            &ports,
            ProfileRef {
                client_id: "claude-desktop".into(),
                profile_id: "default".into(),
            },
        )
        .unwrap()
        .artifact
    }

    fn key(&mut self) -> KeyEntry {
        let ports = Ports::new(&self.env, &self.env, "test");
        let info = keys::public(&mut self.store, &ports, Nothing {}).unwrap();
        KeyEntry {
            key_id: info.key_id,
            public_key: info.public_key,
        }
    }
}

fn apply_input(artifact: Artifact, trusted: &KeyEntry, dry_run: bool) -> Apply {
    Apply {
        client_id: "claude-desktop".into(),
        profile_id: "default".into(),
        artifact,
        trusted_keys: vec![trusted.public_key.clone()],
        dry_run,
    }
}

fn status_input(artifact: Option<Artifact>) -> sync::Status {
    sync::Status {
        client_id: "claude-desktop".into(),
        profile_id: "default".into(),
        artifact,
    }
}

fn file(files: &Files) -> Value {
    serde_json::from_str(&files.read(CONFIG).unwrap().unwrap()).unwrap()
}

fn write(files: &Files, doc: &Value) {
    files
        .files
        .borrow_mut()
        .insert(CONFIG.into(), serde_json::to_string_pretty(doc).unwrap());
}

#[test]
fn a_pulled_artifact_is_merged_recorded_and_compared_like_a_deploy() {
    let mut server = Server::new();
    let key = server.key();
    let first = server.deploy("memory");

    let env = Fixed::new(Timestamp(1_764_000_000_000), 2);
    let files = Files::default();
    let mut store = MemoryStore::new();
    let mut ports = Ports::new(&env, &env, "sync");
    ports.files = Some(&files);

    // A dry run answers the diff and writes and records nothing.
    let dry = sync::apply(&mut store, &ports, apply_input(first.clone(), &key, true)).unwrap();
    assert!(dry.dry_run && !dry.written);
    assert_eq!(dry.diff.added, ["memory"]);
    assert!(files.read(CONFIG).unwrap().is_none());
    let err = sync::status(&mut store, &ports, status_input(None)).unwrap_err();
    assert_eq!(err.code, Code::NothingDeployed);

    let applied = sync::apply(&mut store, &ports, apply_input(first.clone(), &key, false)).unwrap();
    assert!(applied.written);
    assert_eq!(applied.changes.added, ["memory"]);
    assert!(
        applied.diff.diff.starts_with("+ memory"),
        "{}",
        applied.diff.diff
    );
    assert!(file(&files)["mcpServers"]["memory"].is_object());
    let standing = sync::status(&mut store, &ports, status_input(None)).unwrap();
    assert_eq!(standing.status, Status::UpToDate);

    // The user's own entry is not drift; a hand edit of an owned entry is.
    let mut doc = file(&files);
    doc["mcpServers"]["mine"] = json!({"command": "node", "args": ["mine.js"]});
    write(&files, &doc);
    let standing = sync::status(&mut store, &ports, status_input(None)).unwrap();
    assert_eq!(standing.status, Status::UpToDate);
    doc["mcpServers"]["memory"]["command"] = json!("bunx");
    write(&files, &doc);
    let standing = sync::status(&mut store, &ports, status_input(None)).unwrap();
    assert_eq!(standing.status, Status::Diverged);
    assert_eq!(standing.diff.modified, ["memory"]);
    doc["mcpServers"].as_object_mut().unwrap().remove("memory");
    write(&files, &doc);
    let standing = sync::status(&mut store, &ports, status_input(None)).unwrap();
    assert_eq!(standing.status, Status::Diverged);

    // Repaired by applying again, the user's entry kept; then a newer artifact is outdated.
    sync::apply(&mut store, &ports, apply_input(first, &key, false)).unwrap();
    assert_eq!(file(&files)["mcpServers"]["mine"]["args"][0], "mine.js");
    let second = server.deploy("everything");
    let standing = sync::status(&mut store, &ports, status_input(Some(second.clone()))).unwrap();
    assert_eq!(standing.status, Status::Outdated);
    assert_eq!(standing.diff.added, ["everything"]);
    let applied = sync::apply(&mut store, &ports, apply_input(second, &key, false)).unwrap();
    assert_eq!(applied.changes.added, ["everything"]);
    assert_eq!(applied.changes.left_alone, ["mine"]);
    assert_eq!(
        applied.diff.diff.lines().count(),
        1,
        "{}",
        applied.diff.diff
    );
    let standing = sync::status(&mut store, &ports, status_input(None)).unwrap();
    assert_eq!(standing.status, Status::UpToDate);
}

#[test]
fn only_pinned_keys_verify_and_a_refused_artifact_writes_nothing() {
    let mut server = Server::new();
    let key = server.key();
    let art = server.deploy("memory");
    let env = Fixed::new(Timestamp(1_764_000_000_000), 2);
    let files = Files::default();
    let mut store = MemoryStore::new();
    let mut ports = Ports::new(&env, &env, "sync");
    ports.files = Some(&files);

    let mut tampered = art.clone();
    tampered.payload["mcpServers"]["memory"]["command"] = json!("evil");
    let err = sync::apply(&mut store, &ports, apply_input(tampered, &key, false)).unwrap_err();
    assert_eq!(err.code, Code::ArtifactTampered);

    let other = SigningKeys::generate(&Fixed::new(Timestamp(0), 9)).unwrap();
    let stranger = KeyEntry {
        key_id: other.key_id(),
        public_key: other.public_key_pem().unwrap(),
    };
    let err = sync::apply(
        &mut store,
        &ports,
        apply_input(art.clone(), &stranger, false),
    )
    .unwrap_err();
    assert_eq!(err.code, Code::KeyNotPinned);
    let mut forged = art;
    forged.signature = other.sign(b"something else");
    let err = sync::apply(&mut store, &ports, apply_input(forged, &key, false)).unwrap_err();
    assert_eq!(err.code, Code::SignatureInvalid);
    let err = sync::verify_trusted(&server.deploy("everything"), &[]).unwrap_err();
    assert_eq!(err.code, Code::KeyNotPinned);

    assert_eq!(files.writes.get(), 0);
    assert!(store.is_empty());
}

#[test]
fn first_contact_pins_the_server_key_and_a_new_key_needs_accepting() {
    let key = |seed| {
        let k = SigningKeys::generate(&Fixed::new(Timestamp(0), seed)).unwrap();
        KeyEntry {
            key_id: k.key_id(),
            public_key: k.public_key_pem().unwrap(),
        }
    };
    let (old, new) = (key(1), key(2));

    // First contact: the current key, and the signer the server lists.
    let trust = sync::trust(&[], &new, &[old.clone(), new.clone()], &old.key_id, false).unwrap();
    assert_eq!(trust.added, [new.clone(), old.clone()]);
    assert_eq!(trust.pinned, trust.added);

    // A pinned signer is trusted whatever the server's current key is.
    let trust = sync::trust(std::slice::from_ref(&old), &new, &[], &old.key_id, false).unwrap();
    assert!(trust.added.is_empty());
    assert_eq!(trust.pinned, std::slice::from_ref(&old));

    // A signer that is not pinned is refused, unless accepted: then both stay pinned.
    let err = sync::trust(std::slice::from_ref(&old), &new, &[], &new.key_id, false).unwrap_err();
    assert_eq!(err.code, Code::KeyNotPinned);
    assert!(err.detail.contains("--accept-new-key"), "{}", err.detail);
    let trust = sync::trust(std::slice::from_ref(&old), &new, &[], &new.key_id, true).unwrap();
    assert_eq!(trust.pinned, [old, new.clone()]);
    assert_eq!(trust.added, std::slice::from_ref(&new));

    // A listed key whose PEM is not the key of its id is not pinned.
    let mut lying = new.clone();
    lying.public_key = key(3).public_key;
    let err = sync::trust(&[], &lying, &[], &new.key_id, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidPublicKey);
}
