//! Test doubles shared by the core's integration tests.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use mcp_orchestration_core::ops::{artifacts, drafts};
use mcp_orchestration_core::ports::{ClientFiles, Os};
use mcp_orchestration_core::store::Batch;
use mcp_orchestration_core::{Code, Error, MemoryStore, Ports, Result, Store};
use serde_json::Map;

/// Client files in memory, as a Linux home at `/home/u` with no symlinks, writable there and
/// under the `allowed` folders; every write of an existing file backs it up to `<path>.bak`.
#[derive(Default)]
pub struct Files {
    /// The files, by path.
    pub files: RefCell<BTreeMap<String, String>>,
    /// How many writes there were.
    pub writes: Cell<usize>,
    /// Folders allowed besides the home.
    pub allowed: RefCell<Vec<String>>,
    /// The machine's secrets, by name.
    pub secrets: RefCell<BTreeMap<String, String>>,
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
        self.writes.set(self.writes.get() + 1);
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
    fn secret(&self, name: &str) -> Result<Option<String>> {
        Ok(self.secrets.borrow().get(name).cloned())
    }
}

/// A store whose commits fail while `failing` is set, writing nothing.
#[derive(Default)]
pub struct FlakyStore {
    /// What it holds.
    pub inner: MemoryStore,
    /// Whether commits fail.
    pub failing: Cell<bool>,
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

/// Adds catalog server `server_id` (one that needs no input) to `client_id`'s default draft.
pub fn add_to<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    client_id: &str,
    server_id: &str,
) {
    drafts::add(
        store,
        ports,
        drafts::AddServer {
            client_id: client_id.into(),
            profile_id: "default".into(),
            server_id: server_id.into(),
            params: Map::new(),
            env: Map::new(),
            headers: Map::new(),
            name: None,
        },
    )
    .unwrap();
}

/// Publishes `client_id`'s default draft: the artifact id.
pub fn publish<S: Store + ?Sized>(store: &mut S, ports: &Ports<'_>, client_id: &str) -> String {
    artifacts::publish(
        store,
        ports,
        artifacts::Publish {
            client_id: client_id.into(),
            profile_id: "default".into(),
            changelog: None,
        },
    )
    .unwrap()
    .artifact_id
}
