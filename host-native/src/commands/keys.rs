//! `keys init|show`: `ops::keys`, with the key files in `$MCP_ORCHESTRATION_HOME/keys`.

use std::process::ExitCode;

use mcp_orchestration_core::ops::Nothing;
use mcp_orchestration_core::ops::keys::{self, InitializeKeys};

use super::run_op;
use crate::cli::KeysCommand;

/// Runs a `keys` subcommand.
pub(super) fn run(command: KeysCommand) -> ExitCode {
    match command {
        KeysCommand::Init { regenerate, output } => run_op(
            output,
            |local| local.write(|s, p| keys::initialize(s, p, InitializeKeys { regenerate })),
            |created, local| {
                format!(
                    "{} (key id {})\nPrivate key: {}\nPublic key:  {}\n",
                    if regenerate {
                        "Signing keys rotated"
                    } else {
                        "Signing keys created"
                    },
                    created.key_id,
                    local.keyring.private_path().display(),
                    local.keyring.public_path().display()
                )
            },
        ),
        KeysCommand::Show(output) => run_op(
            output,
            |local| local.read(|s, p| keys::public(s, p, Nothing {})),
            |key, _| format!("Key id: {}\n{}", key.key_id, key.public_key),
        ),
    }
}
