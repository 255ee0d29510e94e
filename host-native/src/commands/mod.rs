//! The local commands: each opens the store and key files of `$MCP_ORCHESTRATION_HOME`, runs
//! one operation of the core on them and prints its answer. No server is needed; a server on
//! the same home sees the changes at once (same SQLite file, same key files).

mod artifacts;
mod configs;
mod drafts;
mod keys;
mod output;
mod servers;
pub mod sync;
mod tokens;

use std::process::ExitCode;

use mcp_orchestration_core::ops::ProfileRef;
use mcp_orchestration_core::{Ports, Result, Store};
use serde::Serialize;

use crate::app;
use crate::cli::{LocalCommand, Output, Scope};
use crate::files::FsClientFiles;
use crate::home::Home;
use crate::keyring::FileKeyring;
use crate::store::Db;

/// Who publishes and deploys from the command line, as the store records it.
pub const ACTOR: &str = "cli";

/// Runs a local command; the exit status is 0, or 1 for an error or an invalid draft.
pub fn run(command: LocalCommand) -> ExitCode {
    match command {
        LocalCommand::Token(c) => tokens::run(c),
        LocalCommand::Keys(c) => keys::run(c),
        LocalCommand::Servers(c) => servers::run(c),
        LocalCommand::Draft(c) => drafts::run(c),
        LocalCommand::Validate(scope) => drafts::validate(scope),
        LocalCommand::Import { file, scope } => drafts::import(file, scope),
        LocalCommand::Publish { changelog, scope } => artifacts::publish(changelog, scope),
        LocalCommand::Deploy {
            artifact_id,
            adopt,
            dry_run,
            scope,
        } => artifacts::deploy(artifact_id, adopt, dry_run, scope),
        LocalCommand::History(scope) => artifacts::history(scope),
        LocalCommand::Diff { a, b, scope } => configs::diff(&a, &b, scope),
    }
}

/// The store and signing keys of `$MCP_ORCHESTRATION_HOME`, and the client files of the home
/// directory (the CLI takes no `--allow-path`: deploy a profile whose file lies elsewhere
/// through a server started with it).
struct Local {
    db: Db,
    keyring: FileKeyring,
    files: FsClientFiles,
}

impl Local {
    fn open() -> Result<Self> {
        let home = Home::from_env()?;
        Ok(Self {
            db: home.open_store()?,
            keyring: home.keyring(),
            files: FsClientFiles::new(Vec::new()),
        })
    }

    /// Runs `op` in one write transaction, with the ports the server uses, acting as [`ACTOR`].
    fn write<O>(&self, op: impl FnOnce(&mut dyn Store, &Ports<'_>) -> Result<O>) -> Result<O> {
        self.write_as(ACTOR, op)
    }

    /// [`Local::write`], acting as `actor`.
    fn write_as<O>(
        &self,
        actor: &str,
        op: impl FnOnce(&mut dyn Store, &Ports<'_>) -> Result<O>,
    ) -> Result<O> {
        let ports = app::ports(&self.keyring, &self.files, actor);
        self.db.write(|store| op(store, &ports)).flatten()
    }

    /// Runs `op` on one read-only snapshot, with the ports the server uses.
    fn read<O>(&self, op: impl FnOnce(&mut dyn Store, &Ports<'_>) -> Result<O>) -> Result<O> {
        let ports = app::ports(&self.keyring, &self.files, ACTOR);
        self.db.read(|store| op(store, &ports)).flatten()
    }
}

/// Opens the local store, runs `op` on it and prints its answer: as JSON with `--json`, else as
/// `text` renders it.
fn run_op<O: Serialize>(
    output: Output,
    op: impl FnOnce(&Local) -> Result<O>,
    text: impl FnOnce(&O, &Local) -> String,
) -> ExitCode {
    judge(output, op, text, |_| true)
}

/// [`run_op`] for an answer that can say the command failed (an invalid draft): exit 1 unless
/// `passed`.
fn judge<O: Serialize>(
    output: Output,
    op: impl FnOnce(&Local) -> Result<O>,
    text: impl FnOnce(&O, &Local) -> String,
    passed: impl FnOnce(&O) -> bool,
) -> ExitCode {
    let shown = Local::open().and_then(|local| {
        let answer = op(&local)?;
        let printed = if output.json {
            output::json(&answer)?
        } else {
            text(&answer, &local)
        };
        Ok((printed, passed(&answer)))
    });
    match shown {
        Ok((printed, passed)) if output::print(&printed) && passed => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => output::error(output, &err),
    }
}

/// The profile `scope` names.
fn profile_ref(scope: &Scope) -> ProfileRef {
    ProfileRef {
        client_id: scope.client_id.clone(),
        profile_id: scope.profile_id.clone(),
    }
}
