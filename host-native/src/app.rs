//! The state every request shares, and answering one request with the core.

use mcp_orchestration_core::api::{self, Env, Settings};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Result, token};

use crate::files::FsClientFiles;
use crate::keyring::FileKeyring;
use crate::store::Db;
use crate::system::{OsEntropy, SystemClock};

/// The store, the keys, the settings and the token usage not yet saved.
#[derive(Debug)]
pub struct App {
    db: Db,
    keyring: FileKeyring,
    settings: Settings,
    usage: Usage,
}

impl App {
    /// An app over `db`, signing with the keys in `keyring`.
    pub fn new(db: Db, keyring: FileKeyring, settings: Settings) -> Self {
        Self {
            db,
            keyring,
            settings,
            usage: Usage::new(),
        }
    }

    /// The store.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The signing keys' location.
    pub fn keyring(&self) -> &FileKeyring {
        &self.keyring
    }

    /// Answers `req` with the core: read-only methods on a snapshot from the reader pool, every
    /// other request inside one immediate write transaction. Blocks; call it off the async
    /// runtime. A store failure becomes the core's 500 error body.
    pub fn answer(&self, req: api::Request) -> api::Response {
        let env = Env {
            clock: &SystemClock,
            entropy: &OsEntropy,
            files: Some(&FsClientFiles),
            keyring: Some(&self.keyring),
            usage: &self.usage,
            settings: &self.settings,
        };
        let answered = if api::is_read_only(req.method()) {
            self.db.read(|store| api::handle(req, store, &env))
        } else {
            self.db.write(|store| api::handle(req, store, &env))
        };
        answered.unwrap_or_else(|err| {
            tracing::error!(code = err.code, "{}", err.detail);
            api::reply::error(&err)
        })
    }

    /// Saves the token usage counted since the last save. Blocks.
    pub fn flush_usage(&self) -> Result<()> {
        if self.usage.is_empty() {
            return Ok(());
        }
        self.db
            .write(|store| token::flush_usage(store, &self.usage))
            .flatten()
    }

    /// Issues an `admin` token if the store has no live token, and returns it. Blocks.
    pub fn ensure_a_token(&self) -> Result<Option<String>> {
        self.db
            .write(|store| {
                if token::has_any(store)? {
                    return Ok(None);
                }
                token::issue(store, &SystemClock, &OsEntropy, Some("admin"), None)
                    .map(|issued| Some(issued.token))
            })
            .flatten()
    }
}
