//! The state directory: `$MCP_ORCHESTRATION_HOME`, by default `~/.mcp-orchestration`.

use std::path::{Path, PathBuf};

use mcp_orchestration_core::{Code, Error, Result};

use crate::keyring::{FileKeyring, create_private_dir};
use crate::store::Db;
use crate::system::home_dir;

/// The environment variable naming the state directory.
pub const HOME_VAR: &str = "MCP_ORCHESTRATION_HOME";

/// Where this host keeps its store and keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The state directory at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$MCP_ORCHESTRATION_HOME` if set, else `.mcp-orchestration` in the user's home.
    pub fn from_env() -> Result<Self> {
        if let Some(root) = std::env::var_os(HOME_VAR).filter(|v| !v.is_empty()) {
            return Ok(Self::at(root));
        }
        match home_dir() {
            Some(home) => Ok(Self::at(home.join(".mcp-orchestration"))),
            None => Err(Error::new(
                Code::StoreOpen,
                format!(
                    "Cannot find your home directory: set {HOME_VAR} to a folder for the store and keys"
                ),
            )),
        }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite store file.
    pub fn store_path(&self) -> PathBuf {
        self.root.join("store.db")
    }

    /// The signing keys, in `keys/`.
    pub fn keyring(&self) -> FileKeyring {
        FileKeyring::new(self.root.join("keys"))
    }

    /// Creates the directory (owner-only) if needed and opens the store in it.
    pub fn open_store(&self) -> Result<Db> {
        create_private_dir(&self.root).map_err(|e| {
            Error::new(
                Code::StoreOpen,
                format!(
                    "Could not create the state directory {}: {e}",
                    self.root.display()
                ),
            )
        })?;
        Db::open(&self.store_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_and_keys_live_under_the_root() {
        let home = Home::at("/srv/mcp");
        assert_eq!(home.store_path(), Path::new("/srv/mcp/store.db"));
        assert_eq!(
            home.keyring().private_path(),
            Path::new("/srv/mcp/keys/signing.key")
        );
        assert_eq!(
            home.keyring().public_path(),
            Path::new("/srv/mcp/keys/signing.pub")
        );
    }

    #[test]
    fn opening_the_store_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path().join("state/nested"));
        home.open_store().unwrap();
        assert!(home.store_path().is_file());
    }
}
