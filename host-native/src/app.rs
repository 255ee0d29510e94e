//! The state every request shares, and answering one request with the core.
//!
//! Token usage: a read request's use is counted in the shared in-memory [`Usage`], which
//! [`App::flush_usage`] saves every few seconds. Saving moves counts out of memory and into the
//! store in one write transaction; a token listing (a read) sums the two, so it must not run
//! in between. The usage gate makes the pair atomic for readers: reads share it, a flush takes
//! it alone for one short transaction. A write request counts its caller's use in a ledger of
//! its own, which the core folds into the store inside the request's transaction, so writes
//! never take the gate.
//!
//! Shared answers (the catalog, the client registry, the OpenAPI document, …: the core says
//! which) are kept in memory and dropped after every write the app commits, and when another
//! process (the CLI) is seen to have written to the store.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{PoisonError, RwLock};

use mcp_orchestration_core::api::lockout::Lockout;
use mcp_orchestration_core::api::{self, Host, Settings, SharedAnswers};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Code, Error, Ports, Result, Scope, token};

use crate::files::FsClientFiles;
use crate::keyring::FileKeyring;
use crate::store::Db;
use crate::system::{OsEntropy, SystemClock};

/// The store, the keys, the client files, the settings and the token usage not yet saved.
#[derive(Debug)]
pub struct App {
    db: Db,
    keyring: FileKeyring,
    files: FsClientFiles,
    settings: Settings,
    usage: Usage,
    usage_gate: RwLock<()>,
    shared: SharedAnswers,
    /// The store's data version when other writers were last looked for.
    seen_version: AtomicI64,
    lockout: Lockout,
}

impl App {
    /// An app over `db`, signing with the keys in `keyring`, deploying into `files`.
    pub fn new(db: Db, keyring: FileKeyring, files: FsClientFiles, settings: Settings) -> Self {
        Self {
            db,
            keyring,
            files,
            settings,
            usage: Usage::new(),
            usage_gate: RwLock::new(()),
            shared: SharedAnswers::new(),
            seen_version: AtomicI64::new(0),
            lockout: Lockout::new(),
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

    /// The host settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Wrong credentials counted and addresses blocked (see [`crate::lockout`]).
    pub fn lockout(&self) -> &Lockout {
        &self.lockout
    }

    /// The client config files deploys write.
    pub fn files(&self) -> &FsClientFiles {
        &self.files
    }

    /// Answers `req` with the core: a read-only method on this thread's reader connection
    /// (a shared answer from memory when one is kept), any other as a group of one
    /// ([`App::answer_writes`]). Blocks only as long as its SQLite work takes. A store failure
    /// becomes the core's 500 error body.
    pub fn answer(&self, req: api::Request) -> api::Response {
        if api::is_read_only(req.method()) {
            let _gate = self
                .usage_gate
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            self.db
                .read(|store| {
                    api::handle_keeping(req, store, &self.host(&self.usage), &self.shared)
                })
                .unwrap_or_else(|err| failed(&err))
        } else {
            self.answer_writes(vec![req]).pop().unwrap_or_else(|| {
                failed(&Error::new(
                    Code::HandlerFailed,
                    "A write request got no answer",
                ))
            })
        }
    }

    /// Answers write requests as one group commit: in order, in one transaction committed once,
    /// each seeing the writes of those before it; a request answered with an error has its own
    /// writes rolled back. Returns once everything kept is committed, one answer per request;
    /// when the commit fails, each gets the store's error. Blocks; call it off the async runtime.
    pub fn answer_writes(&self, reqs: Vec<api::Request>) -> Vec<api::Response> {
        let count = reqs.len();
        let answered = self.db.write_each(reqs, |store, req| {
            let own = Usage::new();
            let res = api::handle(req, store, &self.host(&own));
            // Uses the core did not fold in (the request failed) wait for the next flush.
            self.usage.restore(own.take());
            let keep = !(res.status().is_client_error() || res.status().is_server_error());
            (res, keep)
        });
        self.shared.invalidate();
        answered.unwrap_or_else(|err| (0..count).map(|_| failed(&err)).collect())
    }

    /// Drops the shared answers if another process has written to the store since the last
    /// look. Blocks for one short query on the writer connection.
    pub fn notice_other_writers(&self) -> Result<()> {
        let version = self.db.data_version()?;
        if self.seen_version.swap(version, Ordering::Relaxed) != version {
            self.shared.invalidate();
        }
        Ok(())
    }

    /// Saves the token usage counted since the last save. Blocks readers for one short write
    /// transaction.
    pub fn flush_usage(&self) -> Result<()> {
        let _gate = self
            .usage_gate
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if self.usage.is_empty() {
            return Ok(());
        }
        let flushed = self
            .db
            .write(|store| token::flush_usage(store, &self.usage))
            .flatten();
        self.shared.invalidate();
        flushed
    }

    fn host<'a>(&'a self, usage: &'a Usage) -> Host<'a> {
        // The actor is the caller's, which the core works out per request.
        let ports = ports(&self.keyring, &self.files, "");
        Host {
            clock: ports.clock,
            entropy: ports.entropy,
            files: ports.files,
            keyring: ports.keyring,
            usage,
            settings: &self.settings,
        }
    }

    /// Issues an `admin` token if the store has no live token, and returns it. Blocks.
    pub fn ensure_a_token(&self) -> Result<Option<String>> {
        let issued = self
            .db
            .write(|store| {
                if token::has_any(store)? {
                    return Ok(None);
                }
                token::issue(
                    store,
                    &SystemClock,
                    &OsEntropy,
                    Scope::Admin,
                    Some("admin"),
                    None,
                )
                .map(|issued| Some(issued.token))
            })
            .flatten();
        self.shared.invalidate();
        issued
    }
}

/// The core's error body for a failure of the store, logged.
fn failed(err: &Error) -> api::Response {
    tracing::error!(code = err.code.as_str(), "{}", err.detail);
    api::reply::error(err)
}

/// What operations on this machine work with, for the server and the CLI alike: the system
/// clock and entropy, the signing keys in `keyring`, the real client config `files`; acting as
/// `actor` with the `admin` scope (the machine's owner; the server's requests get the caller's
/// scope from the core), with no token usage held in memory.
pub fn ports<'a>(keyring: &'a FileKeyring, files: &'a FsClientFiles, actor: &'a str) -> Ports<'a> {
    Ports {
        clock: &SystemClock,
        entropy: &OsEntropy,
        keyring: Some(keyring),
        files: Some(files),
        usage: None,
        actor,
        scope: Scope::Admin,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use bytes::Bytes;

    use super::*;
    use crate::home::Home;

    fn app(dir: &tempfile::TempDir) -> App {
        let home = Home::at(dir.path());
        let settings = Settings::from_vars(Some("test-key"), None);
        App::new(
            home.open_store().unwrap(),
            home.keyring(),
            FsClientFiles::new(Vec::new()),
            settings,
        )
    }

    fn get(app: &App, path: &str, header: (&str, &str)) -> serde_json::Value {
        let req = http::Request::get(path)
            .header(header.0, header.1)
            .body(Bytes::new())
            .unwrap();
        let res = app.answer(req);
        assert_eq!(res.status(), 200, "{path}");
        serde_json::from_slice(res.body()).unwrap()
    }

    #[test]
    fn a_token_listing_never_misses_uses_while_they_are_being_saved() {
        // Several callers each use their own token and list it while a flusher saves usage
        // non-stop: every listing must count every use so far, never fewer.
        let dir = tempfile::tempdir().unwrap();
        let app = Arc::new(app(&dir));
        let done = Arc::new(AtomicBool::new(false));
        let flusher = {
            let (app, done) = (Arc::clone(&app), Arc::clone(&done));
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    app.flush_usage().unwrap();
                }
            })
        };
        let callers: Vec<_> = (0..8)
            .map(|_| {
                let app = Arc::clone(&app);
                let issued = app
                    .db()
                    .write(|s| token::issue(s, &SystemClock, &OsEntropy, Scope::Read, None, None))
                    .flatten()
                    .unwrap();
                std::thread::spawn(move || {
                    let bearer = format!("Bearer {}", issued.token);
                    for uses in 1..=100_u64 {
                        get(
                            &app,
                            "/v1/clients/claude-desktop/profiles",
                            ("authorization", &bearer),
                        );
                        // Listed with the API key, which counts no token use.
                        let listed = get(&app, "/v1/tokens", ("x-api-key", "test-key"));
                        let mine = listed["tokens"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|t| t["token_id"] == issued.record.token_id.as_str())
                            .unwrap();
                        assert_eq!(mine["usage_count"], uses, "{mine}");
                    }
                })
            })
            .collect();
        let outcome: Vec<_> = callers
            .into_iter()
            .map(std::thread::JoinHandle::join)
            .collect();
        done.store(true, Ordering::Relaxed);
        flusher.join().unwrap();
        assert!(outcome.iter().all(Result::is_ok), "a listing missed uses");
    }

    #[test]
    fn uses_by_writes_are_saved_with_the_write_and_failed_writes_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir);
        let token = app.ensure_a_token().unwrap().unwrap();
        let post = |path: &str| {
            let req = http::Request::post(path)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Bytes::from_static(br#"{"server_id": "everything"}"#))
                .unwrap();
            app.answer(req).status()
        };
        assert_eq!(post("/v1/config/claude-desktop/default/draft/add"), 200);
        let stored = || {
            app.db()
                .read(|s| token::list(s, &Usage::new()))
                .unwrap()
                .unwrap()[0]
                .usage_count
        };
        assert_eq!(stored(), 1, "saved with the write itself");
        assert_eq!(post("/v1/config/no-such-client/default/draft/add"), 404);
        assert_eq!(stored(), 1);
        app.flush_usage().unwrap();
        assert_eq!(
            stored(),
            2,
            "the failed write's use is saved by the next flush"
        );
    }

    #[test]
    fn a_group_of_writes_sees_each_other_and_a_refused_one_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir);
        let add = |name: &str| {
            http::Request::post("/v1/config/claude-desktop/default/draft/add")
                .header("x-api-key", "test-key")
                .header("content-type", "application/json")
                .body(Bytes::from(format!(
                    r#"{{"server_id": "memory", "name": "{name}"}}"#
                )))
                .unwrap()
        };
        let statuses: Vec<u16> = app
            .answer_writes(vec![add("a"), add("a"), add("b")])
            .iter()
            .map(|res| res.status().as_u16())
            .collect();
        // The second add sees the first one's entry, committed in the same transaction.
        assert_eq!(statuses, [200, 409, 200]);
        let draft = get(
            &app,
            "/v1/config/claude-desktop/default/draft",
            ("x-api-key", "test-key"),
        );
        let names: Vec<&String> = draft["mcpServers"]
            .as_object()
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        assert_eq!(names, ["a", "b"], "{draft}");
    }
}
